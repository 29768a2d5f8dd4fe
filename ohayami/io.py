"""Files that leave the kit: XLSX workbooks and CSV that Excel opens correctly.

Any text a user wrote that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
neutralised so that no spreadsheet runs it as a formula: in XLSX it is stored as a text cell with
Excel's quote prefix (the text itself is unchanged and reads back the same); in CSV it gets a
leading apostrophe, which :func:`unneutralise` removes again on import. Text that already begins
with apostrophes before such a character (``'=x``) gets one more in CSV, so that it too comes back
unchanged. The writers do this for every cell, headers and sheet names included, so no caller
can forget it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from .labels import NO, YES

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
# apostrophes (our escape, possibly already applied) followed by a character that starts a formula
_ESCAPABLE = re.compile(r"'*[=+\-@\t\r]")


def is_dangerous(value: object) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_START)


def neutralise(value: object) -> object:
    """For CSV: prefix an apostrophe to text that a spreadsheet would run as a formula
    (and to text that would otherwise look like an escaped one, so that it round-trips)."""
    return "'" + value if isinstance(value, str) and _ESCAPABLE.match(value) else value


def unneutralise(value: object) -> object:
    """Undo :func:`neutralise` on a value read back from CSV."""
    if isinstance(value, str) and value.startswith("'") and _ESCAPABLE.match(value, 1):
        return value[1:]
    return value


def text_only(sheet) -> None:
    """Make every text cell of an openpyxl worksheet plain text: never a formula, and with Excel's
    quote prefix where the text starts like one. The kit writes no formulas, so this covers all."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if is_dangerous(cell.value):
                    cell.quotePrefix = True


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM (Excel detects the encoding), CRLF line ends, formulas neutralised
    in every cell and in the header."""
    safe = df.copy()
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    for i in range(safe.shape[1]):
        col = safe.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            safe.isetitem(i, col.map(neutralise))
    buf = io.StringIO()
    safe.to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(csv_bytes(df))
    tmp.replace(path)  # never leave a half-written file under the real name
    return path


def _safe_sheet_name(name: str, used: set[str]) -> str:
    # Excel refuses a sheet name that begins or ends with an apostrophe
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in str(name)).strip("'")[:SHEET_NAME_MAX].rstrip("'") or "Sheet"
    cand, i = base, 2
    while cand in used:
        suffix = f"_{i}"
        cand, i = base[:SHEET_NAME_MAX - len(suffix)] + suffix, i + 1
    used.add(cand)
    return cand


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, title: str = "",
               number_formats: Mapping[str, str] | None = None) -> bytes:
    """A workbook with one sheet per frame: bold, frozen header row, readable column widths.
    Numbers stay numbers; ``number_formats`` (column header → Excel format such as ``0.0`` or
    ``#,##0``), and a frame's own ``attrs["number_formats"]``, say how many decimals a person sees."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for name, df in sheets.items():
        sheet = wb.create_sheet(_safe_sheet_name(name, used))
        sheet.append([str(c) for c in df.columns])
        for cell in sheet[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row in df.itertuples(index=False):
            sheet.append([_cell_value(v) for v in row])
        text_only(sheet)
        formats = {**(number_formats or {}), **df.attrs.get("number_formats", {})}
        for i, col in enumerate(df.columns, start=1):
            fmt = formats.get(str(col))
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i) if fmt else ():
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = fmt
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.alignment = Alignment(vertical="top", wrap_text=len(cell.value) > 30)
        for i, col in enumerate(df.columns, start=1):
            fmt = (number_formats or {}).get(str(col))
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i) if fmt else ():
                if isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        for i, col in enumerate(df.columns, start=1):
            width = max([_display_width(col)] + [_display_width(v) for v in df.iloc[:200, i - 1]])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(max(8, width + 2), 60)
        sheet.freeze_panes = "A2"
    if title:
        wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path, *, title: str = "") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(xlsx_bytes(sheets, title=title))
    tmp.replace(path)
    return path


# openpyxl's ILLEGAL_CHARACTERS_RE, what XML also forbids (lone surrogates, U+FFFE, U+FFFF) and the C1
# controls the store strips: text stored by an older kit may hold them, and one such character would
# make the whole export fail.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xlsx_text(value: object) -> str:
    """Text a workbook cell can hold: the characters XML forbids removed (an old file may hold them)."""
    return _XLSX_ILLEGAL.sub("", str(value))


def _cell_value(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, bool):
        return YES if v else NO  # a person reads はい/いいえ, never True/False
    if isinstance(v, (list, tuple)):
        v = "・".join(map(str, v))
    if isinstance(v, str):
        return _XLSX_ILLEGAL.sub("", v)
    return v


def _display_width(v: object) -> int:
    s = "" if v is None else str(v)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s.split("\n", 1)[0])
