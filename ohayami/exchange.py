"""Import into and export out of a workshop: CSV (the encodings and separators ``textio`` reads) and XLSX.

Imports read within limits (``textio.MAX_ROWS`` rows, ``MAX_COLUMNS`` columns, the byte limits
below) and refuse, with the reason, what they cannot read faithfully; see "Files that come in" in
docs/design.md.

An import checks every row first. If any row is bad, nothing is written and the error lists every
bad row with its number (as Excel shows it: the header is row 1) and the reason, in Japanese.
An export writes one sheet per table with Japanese headers; importing that workbook into an empty
workshop gives back the same workshop.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from .errors import OhayamiError
from .io import unneutralise, xlsx_bytes
from .formats import jst_text
from .labels import CHANGELOG_LABELS, CHART_MODE_LABELS, CUT_LINE_LABELS, DECISION_LABELS, DIRECTION_LABELS, \
    DIRECTION_WORDS, EXPERT_LIST_LABELS, EXPERT_SOURCE_LABELS, FOUND_AT_LABELS, MUST_LABELS, MUST_WORDS, OTHER_SETTING, \
    OWNER_KIND_LABELS, READINESS_STATE_LABELS, RECORD_SUFFIX, RFI_PART_LABELS, RFI_SOURCE_LABELS, SERVICE_KIND_LABELS, \
    SETTING_LABELS, STAGE_LEAD_LABELS, STAGE_SOURCE_LABELS, SUPPORT_SOURCE_LABELS, TASK_SOURCE_LABELS, \
    VERSION_KIND_LABELS, WORKSHOP_KIND_LABELS, column_label, direction_choices, header_lookup, yes_no, yes_no_word
from .scoring.weights import WEIGHT_METHODS
from .scoring.scales import normalise_entry, parse_scale
from .store import TABLES, Table, WorkshopStore
from .textio import MAX_COLUMNS, MAX_ROWS, MAX_TEXT, header_key, limit_hint, parse_number, read_text_rows, strip_controls, \
    title_key

MAX_TITLE = 200
MAX_SHOWN_ERRORS = 50

class ImportRefused(OhayamiError):
    """An import with bad rows; ``errors`` is the list of (row number, message)."""

    def __init__(self, file: str, errors: list[tuple[int | str, str]]):
        self.errors = errors
        shown = errors[:MAX_SHOWN_ERRORS]
        lines = "\n".join(f"・{r}行目：{m}" if isinstance(r, int) else f"・{r}：{m}" for r, m in shown)
        more = f"\n（ほかに {len(errors) - len(shown)} 件）" if len(errors) > len(shown) else ""
        super().__init__(f"{len(errors)} 件の誤りがあるため、何も取り込んでいません。直してからもう一度取り込んでください。\n"
                         f"{lines}{more}", file=file)


# ---------------------------------------------------------------------- reading files

# An XLSX is a zip of XML files; these bound what reading one may cost before a cell is read (the
# row and column limits are textio's, shared with CSV). Nothing a sheet says about its own size
# (the <dimension> tag, the declared sizes inside the zip) is trusted beyond these numbers.
MAX_XLSX_BYTES = 20 * 1024 * 1024        # the file as saved
MAX_XLSX_UNPACKED = 60 * 1024 * 1024     # all parts unpacked: far above 5,000 × 100 cells of text
MAX_XLSX_PARTS = 1000
_XLSX_MAIN = re.compile(rb"(spreadsheetml|ms-excel)\.[\w.-]*main\+xml", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_any(source: str | Path | bytes, name: str = "", sheet: str | None = None) -> pd.DataFrame:
    """A CSV/TSV (any of the encodings textio reads) or an XLSX sheet as a frame of strings, with a
    ``_row`` column holding each row's number as the spreadsheet shows it.

    Refused with the reason: more than ``textio.MAX_ROWS`` rows or ``MAX_COLUMNS`` columns, an
    oversize or non-Excel file, a hidden sheet, and a value in a column without a header.
    ``attrs["header_row"]`` is the header's row number.
    """
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise OhayamiError(f"ファイルを読めません（{exc.strerror}）。", file=name) from exc
    else:
        raw = source
    is_xlsx = raw[:4] == b"PK\x03\x04"
    if is_xlsx:
        header_row, header, rows = _xlsx_rows(raw, name, sheet)
    elif raw[:8] == _OLE_MAGIC:
        raise OhayamiError("古い Excel 形式（.xls）のファイルです。Excel で「Excel ブック（.xlsx）」か"
                           "「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。", file=name or None)
    else:
        header, rows = read_text_rows(raw, name)
        header_row = 1
    # only CSV carries our apostrophe escape; an XLSX text cell is the text itself
    fix = (lambda v: v) if is_xlsx else unneutralise
    header = [str(fix(str(h).strip())) for h in header]
    width = len(header)
    stray = [(i, _stray_cell(header, cells)) for i, cells in rows]
    stray = [(i, m) for i, m in stray if m]
    if stray:
        raise ImportRefused(name, stray)
    data = [[*(cells + [""] * (width - len(cells)))[:width], i] for i, cells in rows]
    df = pd.DataFrame(data, columns=header + ["_row"])
    for i in range(width):
        df.isetitem(i, df.iloc[:, i].map(fix))
    df.attrs["header_row"] = header_row
    return df


def _column_letter(k: int) -> str:
    """Excel's name of the 0-based column ``k`` (0 → A, 26 → AA)."""
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(65 + r) + out
    return out


def _stray_cell(header: list[str], cells: list[str]) -> str:
    """Why a row has a value no header names (beyond the header or under a blank one), else ""."""
    for k, value in enumerate(cells):
        if value != "" and (k >= len(header) or header[k] == ""):
            where = "見出しより右" if k >= len(header) else "見出しが空の列"
            return (f"{_column_letter(k)}列（{where}）に値「{value[:20]}」があります。"
                    "見出しを付けるか、値を正しい列に移してください（セルの中の「,」は全体を「\"」で囲みます）")
    return ""


def _xlsx_refused(name: str, why: str) -> OhayamiError:
    return OhayamiError(f"{why}Excel で「Excel ブック（.xlsx）」として保存し直すか、CSV で保存してください。", file=name or None)


def _check_xlsx_package(raw: bytes, name: str) -> None:
    """Refuse a zip that is not an Excel workbook, or that would unpack to more than the limits,
    from its directory alone (nothing is unpacked here)."""
    if len(raw) > MAX_XLSX_BYTES:
        raise OhayamiError(f"ファイルが大きすぎます（{len(raw) / 2**20:.1f} MB、{MAX_XLSX_BYTES // 2**20} MB まで）。"
                           + limit_hint(), file=name or None)
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        parts = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _xlsx_refused(name, f"Excel ファイル（zip）が壊れていて読めません（{exc}）。") from exc
    if len(parts) > MAX_XLSX_PARTS:
        raise _xlsx_refused(name, f"zip の中のファイルが多すぎます（{len(parts)} 個）。")
    unpacked = sum(i.file_size for i in parts)
    if unpacked > MAX_XLSX_UNPACKED:
        raise OhayamiError(f"展開すると {unpacked / 2**20:,.0f} MB になるため読みません（{MAX_XLSX_UNPACKED // 2**20} MB まで）。"
                           "中身が極端に大きいか、壊れたファイルです。" + limit_hint(), file=name or None)
    names = {i.filename for i in parts}
    types = b""
    if "[Content_Types].xml" in names and zf.getinfo("[Content_Types].xml").file_size < 2**20:
        try:
            types = zf.read("[Content_Types].xml")
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise _xlsx_refused(name, f"Excel ファイル（zip）が壊れていて読めません（{exc}）。") from exc
    if not _XLSX_MAIN.search(types):
        shown = "、".join(sorted(names)[:5]) + ("…" if len(names) > 5 else "")
        raise _xlsx_refused(name, f"zip ファイルですが Excel ブック（.xlsx）ではありません（中身：{shown}）。")


def _pick_sheet(wb, name: str, sheet: str | None):
    """The named sheet, or the first visible one; never a hidden or very hidden sheet."""
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise OhayamiError(f"シート「{sheet}」がありません（あるシート：{'、'.join(wb.sheetnames)}）。", file=name or None)
        sh = wb[sheet]
        if sh.sheet_state != "visible":
            raise OhayamiError(f"シート「{sheet}」は非表示になっています。中身を確かめ、表示してから取り込んでください"
                               "（シート見出しを右クリック →「再表示」）。", file=name or None)
        return sh
    visible = [s for s in wb.worksheets if s.sheet_state == "visible"]
    if not visible:
        raise OhayamiError("表示されているシートがありません。取り込むシートを表示してから保存し直してください。", file=name or None)
    return visible[0]


def _xlsx_rows(raw: bytes, name: str, sheet: str | None) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """(header row number, header, [(row number, cells)]) of one sheet, read within the limits."""
    from openpyxl import load_workbook

    _check_xlsx_package(raw, name)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise OhayamiError(f"Excel ファイルとして読めません（{type(exc).__name__}）。保存し直してください。", file=name) from exc
    try:
        sh = _pick_sheet(wb, name, sheet)
        rows = _sheet_rows(sh, name)
    except OhayamiError:
        raise
    except Exception as exc:  # a damaged sheet part
        raise OhayamiError(f"シート「{sh.title}」を読めません（{type(exc).__name__}）。保存し直してください。",
                           file=name) from exc
    finally:
        wb.close()
    if not rows:
        raise OhayamiError("シートが空です。", file=name, row=sheet)
    (header_row, header), body = rows[0], rows[1:]
    return header_row, header, body


def _sheet_rows(sh, name: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a read-only sheet, refusing at the first cell past the limits.

    openpyxl's row iterator pads every row to the width the sheet's <dimension> tag claims and
    yields an empty row for every missing row number (a 5 KB file can claim 1,048,576 × 16,384), so
    the sheet's XML is read here with openpyxl's own cell parser, row by row, as the file has them.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    sh.reset_dimensions()
    wb = sh.parent
    out: list[tuple[int, list[str]]] = []
    last_allowed = None
    with sh._get_source() as src:
        parser = WorkSheetParser(src, sh._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for number, cells in parser.parse():
            values = {c["column"]: _cell_text(c["value"]) for c in cells if c["value"] is not None}
            values = {k: v for k, v in values.items() if v != ""}
            if not values:
                continue
            if max(values) > MAX_COLUMNS:
                raise OhayamiError(f"シート「{sh.title}」の {number} 行目、{_column_letter(max(values) - 1)}列に値があります"
                                   f"（{MAX_COLUMNS}列まで）。" + limit_hint(), file=name or None, row=number)
            if last_allowed is None:
                last_allowed = number + MAX_ROWS   # the header, then MAX_ROWS rows
            if number > last_allowed:
                raise OhayamiError(f"シート「{sh.title}」の {number} 行目に値があります（見出しのほかに {MAX_ROWS} 行まで）。"
                                   + limit_hint(), file=name or None, row=number)
            row = [""] * max(values)
            for k, v in values.items():
                row[k - 1] = v
            out.append((number, row))
    return out


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# ---------------------------------------------------------------------- validating rows

# Settings that stay the workshop's own on import: its join code (taken from a file it could send
# another workshop's participants here, the app routes /j/<code> to one file)
OWN_SETTINGS = frozenset({"app.code"})

# Columns a table's rows cannot do without besides their keys: without them every row would be
# refused as "empty", which hides the real reason (a header the import did not recognise).
REQUIRED_COLUMNS = {"problems": ("title",), "vendors": ("name",), "criteria": ("name",)}
# Tables whose rows may come without an id: the import numbers them (P001…, V001…).
AUTO_KEYS = {"problems": "P", "vendors": "V"}


def _column_map(t: Table, header: list[str]) -> dict[str, str]:
    """header text → column name, accepting the English name, the Japanese label or an alias,
    compared as ``textio.header_key`` does (width, case and spaces ignored: 「課　題」, 「ＩＤ」)."""
    lookup = {header_key(h): c for h, c in header_lookup(t.name, t.columns).items()}
    if t.name in AUTO_KEYS:
        lookup.setdefault("id", t.keys[0])   # a town's own list often heads its numbers 「ID」
    return {h: lookup[header_key(h)] for h in header if header_key(h) in lookup}


def column_map(table: str, header) -> dict[str, str]:
    """header text → column of ``table``, for the headers an import of that table recognises."""
    return _column_map(TABLES[table], [str(h) for h in header])


def _header_errors(t: Table, header: list[str], cmap: dict[str, str]) -> list[str]:
    """Two headers naming one column (「課題,課題」, 「課題,タイトル」): only one could be read."""
    by_column: dict[str, list[str]] = {}
    for h in header:
        if h in cmap:
            by_column.setdefault(cmap[h], []).append(h)
    errs = []
    for col, hs in by_column.items():
        if len(set(hs)) == 1 and len(hs) > 1:
            errs.append(f"見出し「{hs[0]}」の列が{len(hs)}つあります。1列だけにしてください（どちらを取り込むか決められません）")
        elif len(hs) > 1:
            errs.append(f"見出し「{'」と「'.join(hs)}」はどれも「{column_label(col)}」の列です。1列だけにしてください"
                        "（どちらを取り込むか決められません）")
    return errs


def _spellings(t: Table, column: str) -> str:
    """The headers an import reads as ``column``, for a message: 「課題」（または「タイトル」「課題名」）."""
    names = [h for h, c in header_lookup(t.name, t.columns).items() if c == column and h != column]
    first, rest = column_label(column), [h for h in names if h != column_label(column)]
    return f"「{first}」" + (f"（または{''.join(f'「{h}」' for h in rest)}）" if rest else "")


def _number_into(rec: dict, col: str, errs: list[str], **rules) -> None:
    """Parse ``rec[col]`` in place (blank → None); a bad number adds its message to ``errs`` once."""
    try:
        rec[col] = parse_number(rec.get(col), column_label(col), col, required=False, **rules)
    except OhayamiError as exc:
        errs.append(exc.message)
        rec[col] = None  # the row is refused anyway; the generic numeric check must not report it again


def _check_row(table: str, rec: dict, ws: WorkshopStore, ctx: dict) -> list[str]:
    """Messages for one row (empty when fine); may normalise values in ``rec``."""
    errs: list[str] = []
    for col, val in list(rec.items()):
        if isinstance(val, str) and len(val) > MAX_TEXT:
            errs.append(f"「{column_label(col)}」が長すぎます（{len(val)}文字、{MAX_TEXT}文字まで）")
    if table == "problems":
        title = " ".join(str(rec.get("title", "")).split())
        rec["title"] = title
        if not title:
            errs.append("「課題」が空です")
        elif len(title) > MAX_TITLE:
            errs.append(f"「課題」は{MAX_TITLE}文字以内にしてください")
        elif title_key(title) in ctx["titles"] and ctx["titles"][title_key(title)] != rec.get("problem_id"):
            errs.append(f"課題「{title}」が重複しています（{ctx['titles'][title_key(title)]}）。同じ課題は1行にまとめてください")
        else:
            ctx["titles"][title_key(title)] = rec.get("problem_id")
    elif table == "vendors":
        if not str(rec.get("name", "")).strip():
            errs.append("「名前」（事業者名）が空です")
        _number_into(rec, "price", errs, minimum=0, strict_min=True, unit="円")
    elif table == "criteria":
        if not str(rec.get("name", "")).strip():
            errs.append("「名前」（評価項目名）が空です")
        must = str(rec.get("must_have", "")).strip().lower()
        if re.fullmatch(r"[01](\.0+)?", must):
            must = must[0]
        if must not in MUST_WORDS:
            errs.append(f"必須「{rec.get('must_have')}」は {MUST_LABELS[1]} か {MUST_LABELS[0]} にしてください")
        else:
            rec["must_have"] = MUST_WORDS[must]
        d = str(rec.get("direction", "")).strip()
        if d not in DIRECTION_WORDS:
            errs.append(f"向き「{d}」は {direction_choices()}にしてください")
        else:
            rec["direction"] = DIRECTION_WORDS[d]
        _number_into(rec, "weight", errs, minimum=0)
        scale = str(rec.get("scale", "")).strip() or ("yes/no" if rec.get("must_have") == 1 else "1-5")
        rec["scale"] = scale
        try:
            parse_scale(scale)
        except OhayamiError as exc:
            errs.append(exc.message)
        ctx["criteria"][(rec["set_id"], rec["criterion_id"])] = rec
    elif table == "scores":
        key = (rec["set_id"], rec["criterion_id"])
        crit = ctx["criteria"].get(key)
        if crit is None:
            errs.append(f"評価項目「{rec['criterion_id']}」が評価セット「{rec['set_id']}」にありません。先に評価項目を取り込んでください")
        if rec["alternative_id"] not in ctx["alternatives"]:
            errs.append(f"評価対象「{rec['alternative_id']}」（課題ID または 事業者ID）がありません")
        value = normalise_entry(rec.get("value"))
        rec["value"] = value
        if not value:
            errs.append("「値」（点数）が空です")
        elif crit is not None:
            try:
                parse_scale(crit["scale"], crit.get("direction") == "lower").ratio(value)
            except OhayamiError:
                errs.append(f"点数「{value}」は評価項目「{crit.get('name') or rec['criterion_id']}」の尺度の外です"
                            f"（{parse_scale(crit['scale']).describe()}）")
    elif table == "settings":
        errs += _setting_errors(rec)
    errs += [_time_error(col, rec[col]) for col in TIME_COLUMNS
             if col in rec and not _is_stored_time(rec[col])]
    for col in TABLES[table].numeric:
        if col in rec and isinstance(rec[col], str):
            _number_into(rec, col, errs)
    return errs


# the stored times (store.now_iso): a date and a time of day at least, as the kit writes them
_STORED_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _is_stored_time(value: object) -> bool:
    text = "" if value is None else str(value).strip()
    if not text:
        return True   # a time not yet recorded
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return bool(_STORED_TIME.match(text))


def _time_error(col: str, value: object) -> str:
    return (f"「{column_label(col)}{RECORD_SUFFIX}」の「{value}」は記録された日時の形ではありません"
            "（例：2026-11-27T19:15:00+09:00）。書き出したときの値に戻すか、空にしてください")


def _setting_errors(rec: dict) -> list[str]:
    """Settings a file may not set: the signing key (whoever writes it could forge scoring sheets),
    and the app's workshop kind and date only with values the app itself would store."""
    key = rec["key"]
    if key == SHEET_SECRET:
        return [f"設定「{SHEET_SECRET}」（評価シートの署名の鍵）はファイルから取り込めません。"
                "この行を消してから取り込み直してください（鍵はワークショップごとに作られ、書き出しにも含まれません）"]
    if key not in ("app.kind", "app.date"):
        return []
    try:
        value = json.loads(rec.get("value") or "null")
    except (TypeError, ValueError):
        value = rec.get("value")
    if key == "app.kind" and value not in WORKSHOP_KIND_LABELS:
        kinds = "、".join(f"{k}（{label}）" for k, label in WORKSHOP_KIND_LABELS.items())
        return [f"設定「app.kind」の値「{value}」はワークショップの種類ではありません。{kinds} のどれかにしてください"]
    if key == "app.date":
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            return [f"設定「app.date」の値「{value}」は開催日（例：2026-11-27）の形ではありません"]
    return []


def _duplicate_criterion_names(records: list[tuple[int, dict]], existing: pd.DataFrame) -> list[tuple[int, str]]:
    """Rows that would leave two criteria of one set with the same name (the form refuses that too):
    two rows of the file, or a row and a criterion the file does not replace."""
    fold = lambda v: " ".join(str(v or "").split())  # noqa: E731 - the form's own folding (one_line)
    in_file: dict[str, set] = {}
    for _, rec in records:
        in_file.setdefault(rec["set_id"], set()).add(rec["criterion_id"])
    kept = {(r["set_id"], fold(r["name"])): r["criterion_id"] for r in existing.to_dict("records")
            if r["criterion_id"] not in in_file.get(r["set_id"], ())}
    seen: dict[tuple, int] = {}
    errs = []
    for row, rec in records:
        key = (rec["set_id"], fold(rec.get("name")))
        if not key[1]:
            continue
        if key in seen:
            errs.append((row, f"評価項目名「{key[1]}」が {seen[key]}行目と重なっています。"
                              "名前を変えるか、どちらかの行を消してください"))
        elif key in kept:
            errs.append((row, f"評価項目名「{key[1]}」はすでにあります（{kept[key]}）。名前を変えてください"))
        else:
            seen[key] = row
    return errs


def _context(ws: WorkshopStore) -> dict:
    problems = ws.rows("problems")
    criteria = ws.rows("criteria")
    return {
        "titles": {title_key(t): pid for t, pid in zip(problems["title"], problems["problem_id"])},
        "criteria": {(r["set_id"], r["criterion_id"]): r for r in criteria.to_dict("records")},
        "alternatives": set(problems["problem_id"]) | set(ws.rows("vendors")["vendor_id"]),
    }


def import_table(ws: WorkshopStore, table: str, source: str | Path | bytes | pd.DataFrame, *, name: str = "",
                 sheet: str | None = None, set_id: str | None = None, actor: str | None = None,
                 allow_empty: bool = False) -> int:
    """Import rows into one table; all or nothing. Returns the number of rows written.

    A file with a header and no rows is refused unless ``allow_empty`` (a whole-workbook import,
    where an empty table is normal).

    ``set_id`` fills the evaluation set (for criteria, scores, weights) when the file has no such
    column. Problems and vendors without an id get the next free one (P001…, V001…).
    """
    if table not in TABLES:
        raise OhayamiError(f"表「{table}」には取り込めません。")
    t = TABLES[table]
    df = source if isinstance(source, pd.DataFrame) else read_any(source, name, sheet)
    name = name or (Path(source).name if isinstance(source, (str, Path)) else t.label)
    header_row = int(df.attrs.get("header_row", 1))
    if "_row" not in df.columns:
        df = df.assign(_row=range(header_row + 1, len(df) + header_row + 1))
    header = [str(c) for c in df.columns if c != "_row"]
    cmap = _column_map(t, header)
    bad_headers = _header_errors(t, header, cmap)
    if bad_headers:
        raise ImportRefused(name, [(header_row, m) for m in bad_headers])
    df = df.rename(columns=cmap)
    auto_key = AUTO_KEYS.get(table)
    missing = [k for k in t.keys if k not in df.columns and not (k == "set_id" and set_id)
               and not (auto_key and k == t.keys[0])]
    missing += [c for c in REQUIRED_COLUMNS.get(table, ()) if c not in df.columns]
    if missing:
        shown = "".join(f"「{h}」" for h in header[:10]) or "なし"
        raise ImportRefused(name, [(header_row, "見出しに必要な列がありません：" + "、".join(
            f"{column_label(c)}（{c}）" for c in missing) + "。見出しの行に " + "、".join(_spellings(t, c) for c in missing)
            + f" の列を入れてください（いまの見出し：{shown}）")])
    if df.empty and not allow_empty and not isinstance(source, pd.DataFrame):
        # a file with only its header row: say so, rather than "0 件取り込みました"
        raise ImportRefused(name, [(header_row, "見出しの下に行がありません。取り込む内容を2行目から書いてください")])
    if set_id and "set_id" in t.keys and "set_id" not in df.columns:
        df["set_id"] = set_id
    ctx = _context(ws)
    if auto_key:
        if t.keys[0] not in df.columns:
            df[t.keys[0]] = ""
        blanks = df[t.keys[0]].astype(str).str.strip() == ""
        df.loc[blanks, t.keys[0]] = ws.next_id(table, auto_key, int(blanks.sum()), taken=set(df[t.keys[0]]))
    errors: list[tuple[int, str]] = []
    records = []
    seen_keys: dict[tuple, int] = {}
    for rec in df.to_dict("records"):
        row = int(rec.pop("_row"))
        rec = {k: ("" if v is None else v) for k, v in rec.items() if k in t.columns}
        for k in t.keys:
            rec[k] = str(rec.get(k, "")).strip()
        blank_keys = [k for k in t.keys if not rec[k]]
        if blank_keys:
            errors.append((row, f"「{column_label(blank_keys[0])}」が空です"))
            continue
        key = tuple(rec[k] for k in t.keys)
        if key in seen_keys:
            errors.append((row, f"{seen_keys[key]}行目と同じ行です（{'・'.join(key)}）"))
            continue
        seen_keys[key] = row
        if table == "settings" and rec["key"] in OWN_SETTINGS:
            continue
        errors.extend((row, m) for m in _read_words(table, rec))
        errors.extend((row, m) for m in _check_row(table, rec, ws, ctx))
        records.append((row, rec))
    if table == "criteria":
        errors.extend(_duplicate_criterion_names(records, ws.rows("criteria")))
    if errors:
        raise ImportRefused(name, sorted(errors, key=lambda e: e[0]))
    records = [rec for _, rec in records]
    with ws.batch(actor):
        for rec in records:
            ws.upsert(table, {k: rec[k] for k in t.keys}, {c: rec[c] for c in t.values if c in rec}, actor=actor)
    return len(records)


# ---------------------------------------------------------------------- whole workshop

EXPORT_ORDER = ["people", "problems", "visions", "vendors", "criteria", "weights", "scores", "rankings", "sets", "weight_inputs",
                "weight_reasons", "weight_versions", "weight_version_values", "rules", "cut_lines", "intuitions",
                "set_options", "rounds", "round_items", "round_scores", "dots", "joins",
                "chart_results", "readiness", "expert_request", "expert_items",
                "research_theme", "research_cases", "research_services", "research_rfi",
                "support_programmes", "support_criteria", "support_checks", "support_decisions",
                "flow_plan", "flow_interviews", "flow_stages", "role_tasks", "role_owners", "role_raci", "role_rules",
                "settings"]
# The sheets as a person reads them: what the workshop worked on first, the bookkeeping last. The
# import goes by EXPORT_ORDER whatever the order of the sheets, so this one is free.
SHEET_ORDER = ["problems", "visions", "vendors", "criteria", "scores", "weights", "rankings", "intuitions", "dots",
               "round_items", "round_scores", "rounds", "cut_lines", "rules", "weight_inputs", "weight_reasons",
               "weight_versions", "weight_version_values", "readiness", "expert_request", "expert_items",
               "research_theme", "research_cases", "research_services", "research_rfi",
               "support_programmes", "support_criteria", "support_checks", "support_decisions",
               "flow_plan", "flow_interviews", "flow_stages", "role_tasks", "role_owners", "role_raci", "role_rules",
               "chart_results", "people", "joins", "sets", "set_options", "settings"]
CHANGELOG_SHEET = "変更履歴"


# the scoring sheets' signing key (see sheets.py): it must never leave the workshop file
SHEET_SECRET = "sheet_secret"


# Codes shown as words in the whole-workshop Excel (code → word); the import reads either back.
# 必須 and 向き are read back by _check_row, which also accepts the towns' own spellings.
CODE_WORDS: dict[tuple[str, str], object] = {
    ("chart_results", "mode"): CHART_MODE_LABELS,
    ("cut_lines", "mode"): CUT_LINE_LABELS,
    ("sets", "weight_method"): WEIGHT_METHODS,
    ("weight_versions", "kind"): VERSION_KIND_LABELS,
    ("criteria", "must_have"): MUST_LABELS,
    ("criteria", "direction"): DIRECTION_LABELS,
    ("weight_inputs", "method"): WEIGHT_METHODS,
    ("research_services", "kind"): SERVICE_KIND_LABELS,
    ("research_services", "found_at"): FOUND_AT_LABELS,
    ("research_rfi", "part"): RFI_PART_LABELS,
    ("research_rfi", "source"): RFI_SOURCE_LABELS,
    ("role_owners", "owner_kind"): OWNER_KIND_LABELS,
    ("role_tasks", "source"): TASK_SOURCE_LABELS,
    ("flow_stages", "lead"): STAGE_LEAD_LABELS,
    ("flow_stages", "source"): STAGE_SOURCE_LABELS,
    ("readiness", "state"): READINESS_STATE_LABELS,
    ("support_programmes", "source"): SUPPORT_SOURCE_LABELS,
    ("support_decisions", "decision"): DECISION_LABELS,
    ("expert_items", "source"): EXPERT_SOURCE_LABELS,
    ("expert_items", "list_id"): EXPERT_LIST_LABELS,
}
# Columns that hold JSON (weights as entered, the committee's rules, the winners of a weights version):
# a person reads them in words under these headers, and the stored JSON stays beside them under the
# label with RECORD_SUFFIX, which is what the import reads (as for times). The headers are none that
# header_lookup reads, so the import passes over the words.
JSON_WORDS_HEADERS: dict[tuple[str, str], str] = {
    ("weight_inputs", "inputs"): "入力した重み",
    ("rules", "record"): "ルール",
    ("weight_versions", "winner_before"): "見直し前の1位（名前）",
    ("weight_versions", "winner_after"): "見直し後の1位（名前）",
    ("settings", "value"): "値の意味",
}
# Names beside ids where the sheet has none of its own (NAME_HEADERS covers criteria and alternatives)
ID_NAME_HEADERS: dict[tuple[str, str], str] = {("role_raci", "task_id"): "作業名", ("role_raci", "owner_id"): "担い手名"}
SETTING_NAME_HEADER = "設定の名前"
# value columns that hold another row's id (problem_ids: ids joined with 「,」) → the id they name
ID_VALUE_COLUMNS = {"case_id": "case_id", "sent_vendor_id": "vendor_id", "merged_into": "problem_id",
                    "problem_ids": "problem_id"}
# Times: a person reads 「2026年11月27日 19:15」 (JST); the exact stored time stays beside it, under
# the header with RECORD_SUFFIX, for the import (a JST minute cannot give back the stored second).
TIME_COLUMNS = frozenset({"created_at", "at", "first_at", "joined_at", "read_at", "sent_at", "weights_revealed"})
JST_SUFFIX = "（日本時間）"
LATEST_HEADER = "最新"
NAME_HEADERS = {"criterion_id": "評価項目名", "alternative_id": "評価対象名"}
SETTING_TEXT_HEADER = JSON_WORDS_HEADERS[("settings", "value")]
ANSWER_SEP = "、"


def answers_text(answers: object) -> str:
    """「Q1 いいえ、Q2 はい」 for the chart answers kept as JSON (text that is not JSON comes back as it is)."""
    try:
        items = json.loads(answers) if isinstance(answers, str) else answers
        return ANSWER_SEP.join(f"{a['question_id']} {yes_no(a['answer'])}" for a in items)
    except (TypeError, ValueError, KeyError):
        return "" if answers is None else str(answers)


def _answers_value(text: str) -> tuple[object, str]:
    """The stored answers for 「Q1 いいえ、Q2 はい」 (or the JSON itself), and an error message or ""."""
    text = text.strip()
    if text.startswith("["):
        return text, ""
    out = []
    for part in filter(None, (p.strip() for p in re.split("[、,，]", text))):
        qid, _, word = part.partition(" ")
        answer = yes_no_word(word)
        if not qid or answer is None:
            return text, f"回答「{part}」は「Q1 はい」「Q2 いいえ」の形で、「{ANSWER_SEP}」で区切って書いてください"
        out.append({"question_id": qid, "answer": answer})
    return out, ""


def _read_words(table: str, rec: dict) -> list[str]:
    """Put back the codes for the words the export wrote (an import may also carry the codes)."""
    errs = []
    for (t, col), words in CODE_WORDS.items():
        if t == table and col in rec and col not in ("must_have", "direction"):
            back = {str(w): c for c, w in words.items()}
            text = str(rec[col]).strip()
            rec[col] = back.get(text, rec[col])
    if table == "chart_results":
        if isinstance(rec.get("answers"), str):
            rec["answers"], err = _answers_value(rec["answers"])
            errs += [err] if err else []
        types = rec.get("types")
        if isinstance(types, str) and types.strip() and not types.strip().startswith("["):
            rec["types"] = [t for t in (x.strip() for x in types.split("・")) if t]
    return errs


# ---------------------------------------------------------------------- stored values in words

def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def _num(value: object, percent: bool = False) -> str:
    """A number as a person writes it: 60, 33.33 (no float noise), a ratio as 60%; anything else as text."""
    try:
        return f"{float(value):.0%}" if percent else f"{round(float(value), 2):g}"
    except (TypeError, ValueError):
        return _words(value)


def _words(value: object) -> str:
    """Text for a readable cell: no control characters (a crafted row may carry them)."""
    return "" if _blank(value) else strip_controls(str(value))


def _json(value: object) -> object:
    """The JSON a stored text holds, or the value itself when it holds none."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _plain(value: object) -> str:
    """Any stored value in words: a JSON object as 「名前: …、…」, a list joined with 「・」."""
    v = _json(value)
    if isinstance(v, dict):
        return ANSWER_SEP.join(f"{column_label(str(k))}: {_plain(x)}" for k, x in v.items())
    if isinstance(v, list):
        return "・".join(_plain(x) for x in v)
    return _num(v) if isinstance(v, float) else _words(v)


def weights_input_text(method: str, inputs: object, names: dict[str, str]) -> str:
    """Weights as entered, in words: 「機能: 60点（60%）、使いやすさ: 40点（40%）」 (points), 「機能: 1位、…」
    (ranks), 「「機能」は「使いやすさ」より3倍重要、…」 (pairwise). ``names``: criterion id → name."""
    values = _json(inputs)
    if not isinstance(values, dict):
        return _plain(values)
    name = lambda c: _words(names.get(c) or c)  # noqa: E731 - a criterion since deleted keeps its id
    try:
        if method == "direct":
            total = sum(float(v) for v in values.values())
            return ANSWER_SEP.join(f"{name(c)}: {_num(v)}点" + (f"（{float(v) / total:.0%}）" if total > 0 else "")
                                   for c, v in values.items())
        if method == "rank":
            ordered = sorted(values.items(), key=lambda cv: float(cv[1]))
            return ANSWER_SEP.join(f"{name(c)}: {_num(v)}位" for c, v in ordered)
        if method == "pairwise":
            out = []
            for pair, a in values.items():
                i, _, j = str(pair).partition("|")
                a = float(a)
                if a == 1:
                    out.append(f"「{name(i)}」と「{name(j)}」は同じくらい重要")
                else:
                    more, less, times = (i, j, a) if a > 1 else (j, i, 1 / a)
                    out.append(f"「{name(more)}」は「{name(less)}」より{_num(times)}倍重要")
            return ANSWER_SEP.join(out)
    except (TypeError, ValueError, ZeroDivisionError):
        pass   # a crafted input: said as it is below
    return ANSWER_SEP.join(f"{name(c)}: {_plain(v)}" for c, v in values.items())


_TIE_WORDS = {"technical": "技術点の高い方", "price": "価格の安い方"}


def rules_text(record: object) -> str:
    """The committee's rules (their stored record) as sentences, one per rule: 「評価者の点数は平均で集計します。…」.
    Rules the record leaves out are the engine's defaults, said as such."""
    from dataclasses import asdict

    from .scoring.engine import PriceRule, Rules

    rec = _json(record)
    if not isinstance(rec, dict):
        return _plain(rec)
    rec = {**asdict(Rules()), **rec}
    out = [{"average": "評価者の点数は平均で集計します。", "sum": "評価者の点数は合計で集計します。"}.get(
        rec.pop("combine"), None) or "評価者の点数の集計方法が読めません。"]
    digits = rec.pop("digits")
    rounding = rec.pop("rounding")
    out.append({"none": "端数は処理しません。", "round": f"点数は小数{_words(digits)}位に四捨五入します。",
                "truncate": f"点数は小数{_words(digits)}位で切り捨てます。"}.get(rounding, f"端数処理「{_words(rounding)}」。"))
    out.append({"any": "必須項目は、1人でも満たさないと判断すれば除外します。",
                "majority": "必須項目は、過半数が満たさないと判断すれば除外します。"}.get(
        rec.pop("must_have_rule"), "必須項目の判定が読めません。"))
    total = rec.pop("min_total_ratio")
    if not _blank(total):
        out.append(f"技術点が満点の {_num(total, True)} 未満は選定対象外とします。")
    group = rec.pop("min_group_ratio")
    if isinstance(group, dict):
        out.append("要件内訳の小計が満点の次の割合未満は選定対象外とします：" + ANSWER_SEP.join(
            f"{_words(g) or '（区分なし）'} {_num(v, True)}" for g, v in group.items()) + "。")
    elif not _blank(group):
        out.append(f"各要件内訳の小計が満点の {_num(group, True)} 未満は選定対象外とします。")
    price = rec.pop("price")
    if isinstance(price, dict):
        try:
            out.append(f"価格点は「{PriceRule(**price).describe()}」で計算します。")
        except Exception:  # noqa: BLE001 - a crafted price rule: said as it is, never a failed export
            out.append(f"価格点のルール：{_plain(price)}。")
    ties = rec.pop("tie_break")
    ties = [ties] if isinstance(ties, str) else ties if isinstance(ties, list) else []
    if ties:
        said = [_TIE_WORDS.get(t) or (f"要件内訳「{_words(t[6:])}」の小計の高い方" if str(t).startswith("group:")
                                      else _words(t)) for t in ties]
        out.append(f"同点のときは {' → '.join(said)} の順で決めます。")
    out += [f"{column_label(str(k))}：{_plain(v)}。" for k, v in rec.items()]
    return "".join(out)


def winners_text(winners: object, names: dict[str, str]) -> str:
    """The winners of a weights version (stored as a list of ids) by their names: 「A社・B社」."""
    ids = _json(winners)
    if not isinstance(ids, list):
        return _plain(ids)
    return "・".join(_words(names.get(i) or i) for i in ids)


def _code_word(words, value: object) -> object:
    """The word for a code (a number code also as the log writes it, 「1」 or 「1.0」)."""
    for v in (value, _json(value)):
        try:
            if v in words:
                return words[v]
            if isinstance(v, str) and float(v) in words:
                return words[float(v)]
        except (TypeError, ValueError):
            pass
    return value


def _setting_text(key: str, value: object) -> str:
    try:
        v = json.loads(value)
    except (TypeError, ValueError):
        return _words(value)
    if key == "app.kind":
        return WORKSHOP_KIND_LABELS.get(v, _plain(v)) if isinstance(v, str) else _plain(v)
    if isinstance(v, dict):
        return "、".join(f"{CUT_LINE_LABELS.get(k, k)} {_plain(x)}" for k, x in v.items())
    return _plain(v)


def setting_name(key: object) -> str:
    """A setting's name as a person reads it (the key stays in the record column 「項目」)."""
    return SETTING_LABELS.get(str(key), OTHER_SETTING)


def _criterion_names(names: dict[str, dict], set_id: object) -> dict[str, str]:
    return {c: n for (s, c), n in names["criterion_id"].items() if s == set_id}


def value_words(table: str, column: str, value: object, row: dict, names: dict[str, dict]) -> str:
    """One stored value as the whole-workshop Excel shows it to a person (``row``: the row's other
    values, at least its keys): words for codes and JSON, JST for times, names for ids."""
    if _blank(value):
        return ""
    if (table, column) == ("weight_inputs", "inputs"):
        method = row.get("method")
        return weights_input_text(method, value, _criterion_names(names, row.get("set_id")))
    if (table, column) == ("rules", "record"):
        return rules_text(value)
    if table == "weight_versions" and column in ("winner_before", "winner_after"):
        return winners_text(value, names["alternative_id"])
    if (table, column) in CODE_WORDS:
        return _words(_code_word(CODE_WORDS[(table, column)], value))
    if (table, column) == ("settings", "value"):
        return _setting_text(row.get("key"), value)
    if (table, column) == ("chart_results", "answers"):
        return answers_text(value)
    if column in TIME_COLUMNS:
        return jst_text(value)
    if (table, column) == ("chart_results", "types"):
        return _plain(value)
    if column in ID_VALUE_COLUMNS:   # a value naming another row (the log shows 「A社」, not 「V001」)
        known = names[ID_VALUE_COLUMNS[column]]
        return "・".join(_words(known.get(i) or i) for i in str(value).split(",") if i)
    return _plain(value) if isinstance(value, (int, float)) else _words(value)


def _names(ws: WorkshopStore) -> dict[str, dict]:
    crit = ws.rows("criteria")
    problems, vendors, cases = ws.rows("problems"), ws.rows("vendors"), ws.rows("research_cases")
    by_id = lambda table, key, name: dict(zip(ws.rows(table)[key], ws.rows(table)[name]))  # noqa: E731
    return {"criterion_id": {(s, c): n for s, c, n in zip(crit["set_id"], crit["criterion_id"], crit["name"])},
            "alternative_id": {**dict(zip(problems["problem_id"], problems["title"])),
                               **dict(zip(vendors["vendor_id"], vendors["name"]))},
            "problem_id": dict(zip(problems["problem_id"], problems["title"])),
            "vendor_id": dict(zip(vendors["vendor_id"], vendors["name"])),
            "task_id": by_id("role_tasks", "task_id", "task_name"),
            "owner_id": by_id("role_owners", "owner_id", "owner_name"),
            "service_id": by_id("research_services", "service_id", "name"),
            "stage_id": by_id("flow_stages", "stage_id", "stage_name"),
            "rule_id": by_id("role_rules", "rule_id", "meeting"),
            "interview_id": by_id("flow_interviews", "interview_id", "interviewee"),
            "theme_id": {t: TABLES["research_theme"].label for t in ws.rows("research_theme")["theme_id"]},
            "case_id": {c: f"{t or ''}：{w or ''}" for c, t, w in zip(cases["case_id"], cases["town"], cases["what"])}}


def _key_words(table: str, keys: dict, names: dict[str, dict]) -> str:
    """A row by what it is about, in words: 「C・影響を受ける人の多さ」 rather than 「C・reach」; an id whose
    row is gone stays an id."""
    out = []
    for col, v in keys.items():
        if col == "criterion_id":
            word = names[col].get((keys.get("set_id"), v)) or names[col].get((keys.get("kind"), v))
        elif col in names:
            word = names[col].get(v)
        elif table == "settings" and col == "key":
            word = setting_name(v)
        else:
            word = value_words(table, col, v, keys, names)
        out.append(_words(word) or _words(v))
    return "・".join(out)


def _readable(name: str, df: pd.DataFrame, names: dict[str, dict]) -> pd.DataFrame:
    """One table as a person reads it: words for codes and JSON, JST times, names beside ids, the
    latest answer of each person marked. The stored values the import needs stay in their columns."""
    df = df.copy()
    cols = list(df.columns)
    records = df.to_dict("records")
    for (t, col), header in JSON_WORDS_HEADERS.items():
        if t == name:
            df[header] = [value_words(name, col, r[col], r, names) for r in records]
    for (t, col), words in CODE_WORDS.items():
        if t == name:
            df[col] = [words.get(v, v) if isinstance(v, (str, int, float)) else v for v in df[col]]
    for col in list(cols):
        if col in TIME_COLUMNS:
            df[col + JST_SUFFIX] = df[col].map(jst_text)
            cols[cols.index(col)] = col + JST_SUFFIX
            cols.insert(cols.index(col + JST_SUFFIX) + 1, col)
        elif (name, col) in JSON_WORDS_HEADERS:
            cols.insert(cols.index(col), JSON_WORDS_HEADERS[(name, col)])
        elif (name, col) in ID_NAME_HEADERS:
            key = ID_NAME_HEADERS[(name, col)]
            df[key] = df[col].map(lambda i, n=names[col]: _words(n.get(i)))
            cols.insert(cols.index(col) + 1, key)
        elif col in NAME_HEADERS and "name" not in df.columns:
            key = NAME_HEADERS[col]
            ids = df[col]
            if col == "criterion_id" and "set_id" in df.columns:
                df[key] = [names[col].get((s, c), "") for s, c in zip(df["set_id"], ids)]
            else:
                df[key] = ids.map(lambda i, n=names.get(col, {}): n.get(i, ""))
            cols.insert(cols.index(col) + 1, key)
    if name == "chart_results":
        df["answers"] = df["answers"].map(answers_text)
        df["types"] = df["types"].map(lambda v: "・".join(json.loads(v)) if isinstance(v, str) and v.startswith("[")
                                      else v)
        order = df.sort_values("created_at", kind="stable")
        named = order[order["participant"].fillna("") != ""]
        latest = set(named.drop_duplicates("participant", keep="last")["result_id"])
        latest |= set(order.loc[order["participant"].fillna("") == "", "result_id"])
        df[LATEST_HEADER] = df["result_id"].map(lambda r: "○" if r in latest else "（置き換え済み）")
        df = df.loc[order.index]
        cols = [LATEST_HEADER, *[c for c in cols if c != "result_id"], "result_id"]
    if name == "settings":   # the setting's name and meaning first; its key and stored JSON for the import
        df[SETTING_NAME_HEADER] = df["key"].map(setting_name)
        cols = [SETTING_NAME_HEADER, SETTING_TEXT_HEADER, *[c for c in cols if c != SETTING_TEXT_HEADER]]
    return df[cols]


def _header(table: str, col: str) -> str:
    if col.endswith(JST_SUFFIX):
        return column_label(col[:-len(JST_SUFFIX)]) + JST_SUFFIX
    record = col in TIME_COLUMNS or (table, col) in JSON_WORDS_HEADERS
    return column_label(col) + (RECORD_SUFFIX if record else "")


_MADE, _GONE = "(作成)", "(削除)"


def _logged_words(table: str, field: str, value: object, keys: dict, names: dict[str, dict]) -> str:
    """A value of the change log in words: a whole row (created or deleted) column by column."""
    if _blank(value) or value in (_MADE, _GONE):
        return _words(value)
    t = TABLES.get(table)
    if t is None:
        return _plain(value)
    if field != "*":
        return value_words(table, field, value, keys, names)
    row = _json(value)
    if isinstance(row, dict) and set(row) <= set(t.values):
        full = {**keys, **row}
        return ANSWER_SEP.join(f"{column_label(c)}: {value_words(table, c, v, full, names)}"
                               for c, v in row.items() if not _blank(v))
    if table == "settings":   # a setting moved to its own table when the file's format was updated
        return _setting_text(keys.get("key"), value)
    return _plain(value)


def change_text(before: str, after: str) -> str:
    """「前: 3 → 後: 4」: one change of the log, in words."""
    return f"前: {before or '（空）'} → 後: {after or '（空）'}"


def changelog_frame(ws: WorkshopStore, names: dict[str, dict] | None = None) -> pd.DataFrame:
    """The change log as a person reads it: JST times, the tables and columns by their Japanese names,
    the row by its key values (「app.kind」, not 「["app.kind"]」) and by what it is about (対象), the
    values in words and the change as 「前: 3 → 後: 4」."""
    names = names or _names(ws)
    h = ws.history()
    h = h[~((h["tbl"] == "settings") & (h["row_key"] == json.dumps([SHEET_SECRET])))].copy()

    def keys_of(table, k) -> dict:
        values = _json(k)
        t = TABLES.get(table)
        if t is None or not isinstance(values, list) or len(values) != len(t.keys):
            return {}
        return dict(zip(t.keys, values))
    keys = [keys_of(t, k) for t, k in zip(h["tbl"], h["row_key"])]
    h["target"] = [_key_words(t, k, names) if k else _plain(rk) for t, k, rk in zip(h["tbl"], keys, h["row_key"])]
    for side in ("old", "new"):
        h[side] = [_logged_words(t, f, v, k, names) for t, f, v, k in zip(h["tbl"], h["field"], h[side], keys)]
    h["change"] = [change_text(o, n) for o, n in zip(h["old"], h["new"])]
    h["at"] = h["at"].map(jst_text)
    h["tbl"] = h["tbl"].map(lambda t: TABLES[t].label if t in TABLES else t)

    def key_text(k):
        try:
            return "・".join(str(x) for x in json.loads(k))
        except (TypeError, ValueError):
            return k
    h["row_key"] = h["row_key"].map(key_text)
    h["field"] = h["field"].map(lambda f: "（行全体）" if f == "*" else column_label(f))
    return h[list(CHANGELOG_LABELS)].rename(columns=CHANGELOG_LABELS)


def export_frames(ws: WorkshopStore, *, with_history: bool = True) -> dict[str, pd.DataFrame]:
    """Every table with Japanese headers, keyed by sheet name (the table's Japanese label), as a
    person reads it (:func:`_readable`); :func:`import_workbook` reads it back to the same workshop."""
    out = {}
    names = _names(ws)
    for name in SHEET_ORDER:
        t = TABLES[name]
        df = ws.rows(name)[list(t.columns)]
        if name == "settings":
            df = df[df["key"] != SHEET_SECRET]
        df = _readable(name, df, names)
        out[t.label] = df.rename(columns={c: _header(name, c) for c in df.columns
                                          if c in t.columns or c.endswith(JST_SUFFIX)})
    if with_history:
        out[CHANGELOG_SHEET] = changelog_frame(ws, names)
    return out


# Text the workbook writes as a number: at most 15 significant digits (what Excel keeps), no sign of
# its own beyond a minus, no leading or trailing zero (「007」, 「2.50」 stay text, as typed).
_NUMBER_TEXT = re.compile(r"-?(0|[1-9]\d*)(\.\d*[1-9])?")


def number_cell(value: object) -> object:
    """``value`` as the number it spells when the import reads that number back as the same text
    (「2」 → 2 → 「2」); anything else unchanged (「○」, 「はい」, 「007」, 「2.0」)."""
    if not isinstance(value, str) or not _NUMBER_TEXT.fullmatch(value):
        return value
    if len(value.lstrip("-").replace(".", "").lstrip("0")) > 15:
        return value
    number = float(value) if "." in value else int(value)
    return number if _cell_text(number) == value else value


def export_xlsx(ws: WorkshopStore) -> bytes:
    """The whole workshop as one workbook a person reads (:func:`export_frames`): numbers as numbers
    (Excel sums them), and only the sheets of tables that have rows. :func:`import_workbook` reads a
    table without a sheet as one without rows: it neither fails nor deletes anything."""
    frames = export_frames(ws)
    kept = {label: df for label, df in frames.items() if not df.empty}
    if not kept:   # a new workshop: a workbook needs one sheet, and an empty 設定 imports as nothing
        kept = {TABLES["settings"].label: frames[TABLES["settings"].label]}
    return xlsx_bytes({label: df.map(number_cell) for label, df in kept.items()}, title=f"ohayami ワークショップ {ws.name}")


def export_csv_files(ws: WorkshopStore, folder: str | Path) -> list[Path]:
    """One CSV per table (UTF-8 with BOM, formulas neutralised), named by the table's Japanese label."""
    from .io import write_csv

    folder = Path(folder)
    return [write_csv(df, folder / f"{label}.csv") for label, df in export_frames(ws).items()]


def import_workbook(ws: WorkshopStore, source: str | Path | bytes, *, name: str = "", actor: str | None = None) -> dict:
    """Import every table sheet of an exported workbook (all or nothing across sheets)."""
    from openpyxl import load_workbook

    raw = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "workbook.xlsx")
    _check_xlsx_package(raw, name)
    try:
        sheets = load_workbook(io.BytesIO(raw), read_only=True).sheetnames
    except Exception as exc:
        raise OhayamiError(f"Excel ファイルとして読めません（{type(exc).__name__}）。", file=name) from exc
    counts: dict[str, int] = {}
    with ws.batch(actor):
        for table in EXPORT_ORDER:
            label = TABLES[table].label
            if label in sheets:
                try:
                    counts[table] = import_table(ws, table, raw, name=name, sheet=label, actor=actor, allow_empty=True)
                except ImportRefused as exc:
                    raise ImportRefused(f"{name}（シート「{label}」）", exc.errors) from None
                except OhayamiError as exc:
                    if "シートが空" not in exc.message:
                        raise
                    counts[table] = 0
    return counts


def table_snapshot(ws: WorkshopStore) -> dict[str, list[dict]]:
    """Every table's rows, sorted, for comparing two workshops."""
    snap = {}
    for name, t in TABLES.items():
        df = ws.rows(name)[list(t.columns)]
        recs = json.loads(df.to_json(orient="records", force_ascii=False))
        snap[name] = sorted(recs, key=lambda r: json.dumps([r[k] for k in t.keys], ensure_ascii=False))
    return snap
