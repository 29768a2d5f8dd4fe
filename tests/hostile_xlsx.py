"""Hand-built XLSX files for the import tests: the XML is written here and zipped, so a test can say
anything a file may say about itself (a false <dimension>, a hidden first sheet, a part of any size)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def sheet_xml(rows: dict[int, dict[str, str]], dimension: str | None = None, padding: int = 0) -> str:
    """A worksheet part: ``rows`` maps a row number to {column letter: text}; ``padding`` spaces
    inside <sheetData> make the part as large as wanted (they compress to almost nothing)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                              for c, v in cells.items()) + "</row>"
                   for r, cells in sorted(rows.items()))
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}<sheetData>{" " * padding}{body}</sheetData></worksheet>'


def workbook(sheets: list[tuple[str, str]], states: list[str] | None = None) -> bytes:
    """An XLSX of ``sheets`` [(name, worksheet XML)], each with its state (visible, hidden, veryHidden)."""
    states = states or ["visible"] * len(sheets)
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" state="{s}" r:id="rId{i}"/>'
                      for i, ((n, _), s) in enumerate(zip(sheets, states), start=1))
            + "</sheets></workbook>")
    book_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
                 + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                           for i in range(1, len(sheets) + 1)) + "</Relationships>")
    types = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
                       for i in range(1, len(sheets) + 1)) + "</Types>")
    root_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
                 f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for i, (_, xml) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buf.getvalue()


def one_sheet(rows: dict[int, dict[str, str]], **kw) -> bytes:
    return workbook([("Sheet1", sheet_xml(rows, **kw))])
