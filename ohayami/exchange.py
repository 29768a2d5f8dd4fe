"""Import into and export out of a workshop: CSV (UTF-8, UTF-8 with BOM, CP932; comma or tab) and XLSX.

An import checks every row first. If any row is bad, nothing is written and the error lists every
bad row with its number (as Excel shows it: the header is row 1) and the reason, in Japanese.
An export writes one sheet per table with Japanese headers; importing that workbook into an empty
workshop gives back the same workshop.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from .errors import OhayamiError
from .io import unneutralise, xlsx_bytes
from .labels import CHANGELOG_LABELS, DIRECTION_WORDS, MUST_LABELS, MUST_WORDS, column_label, direction_choices, \
    header_lookup
from .scoring.scales import normalise_entry, parse_scale
from .store import TABLES, Table, WorkshopStore
from .textio import MAX_TEXT, parse_number, read_text_table, title_key

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

def read_any(source: str | Path | bytes, name: str = "", sheet: str | None = None) -> pd.DataFrame:
    """A CSV/TSV (any of the Excel encodings) or an XLSX sheet as a frame of strings, with a
    ``_row`` column holding each row's number as the spreadsheet shows it."""
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
        header, rows = _xlsx_rows(raw, name, sheet)
    else:
        header, rows = read_text_table(raw, name)
        rows = [(i, r) for i, r in enumerate(rows, start=2)]
    # only CSV carries our apostrophe escape; an XLSX text cell is the text itself
    fix = (lambda v: v) if is_xlsx else unneutralise
    header = [str(fix(str(h).strip())) for h in header]
    width = len(header)
    data = [[*(cells + [""] * (width - len(cells)))[:width], i] for i, cells in rows]
    df = pd.DataFrame(data, columns=header + ["_row"])
    for i in range(width):
        df.isetitem(i, df.iloc[:, i].map(fix))
    return df


def _xlsx_rows(raw: bytes, name: str, sheet: str | None):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise OhayamiError(f"Excel ファイルとして読めません（{type(exc).__name__}）。保存し直してください。", file=name) from exc
    if sheet is not None and sheet not in wb.sheetnames:
        raise OhayamiError(f"シート「{sheet}」がありません（あるシート：{'、'.join(wb.sheetnames)}）。", file=name)
    sh = wb[sheet] if sheet else wb.worksheets[0]
    rows = [(i, ["" if v is None else _cell_text(v) for v in r])
            for i, r in enumerate(sh.iter_rows(values_only=True), start=1)]
    wb.close()
    rows = [(i, r) for i, r in rows if any(c != "" for c in r)]
    if not rows:
        raise OhayamiError("シートが空です。", file=name, row=sheet)
    header = rows[0][1]
    while header and header[-1] == "":
        header = header[:-1]
    return header, [(i, r[:len(header)]) for i, r in rows[1:]]


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# ---------------------------------------------------------------------- validating rows

def _column_map(t: Table, header: list[str]) -> dict[str, str]:
    """header text → column name, accepting the English name, the Japanese label or an alias."""
    lookup = header_lookup(t.name, t.columns)
    return {h: lookup[h] for h in header if h in lookup}


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
    for col in TABLES[table].numeric:
        if col in rec and isinstance(rec[col], str):
            _number_into(rec, col, errs)
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
                 sheet: str | None = None, set_id: str | None = None, actor: str | None = None) -> int:
    """Import rows into one table; all or nothing. Returns the number of rows written.

    ``set_id`` fills the evaluation set (for criteria, scores, weights) when the file has no such
    column. Problems and vendors without an id get the next free one (P001…, V001…).
    """
    if table not in TABLES:
        raise OhayamiError(f"表「{table}」には取り込めません。")
    t = TABLES[table]
    df = source if isinstance(source, pd.DataFrame) else read_any(source, name, sheet)
    name = name or (Path(source).name if isinstance(source, (str, Path)) else t.label)
    if "_row" not in df.columns:
        df = df.assign(_row=range(2, len(df) + 2))
    cmap = _column_map(t, [c for c in df.columns if c != "_row"])
    df = df.rename(columns=cmap)
    auto_key = {"problems": "P", "vendors": "V"}.get(table)
    missing = [k for k in t.keys if k not in df.columns and not (k == "set_id" and set_id)
               and not (auto_key and k == t.keys[0])]
    if missing:
        raise ImportRefused(name, [(1, "見出しに必要な列がありません：" + "、".join(
            f"{column_label(c)}（{c}）" for c in missing))])
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
        errors.extend((row, m) for m in _check_row(table, rec, ws, ctx))
        records.append(rec)
    if errors:
        raise ImportRefused(name, errors)
    with ws.batch(actor):
        for rec in records:
            ws.upsert(table, {k: rec[k] for k in t.keys}, {c: rec[c] for c in t.values if c in rec}, actor=actor)
    return len(records)


# ---------------------------------------------------------------------- whole workshop

EXPORT_ORDER = ["people", "problems", "visions", "vendors", "criteria", "weights", "scores", "rankings", "sets", "weight_inputs",
                "weight_reasons", "weight_revisions", "rules", "cut_lines", "intuitions",
                "set_options", "rounds", "round_items", "round_scores", "dots",
                "chart_results", "settings"]


# the scoring sheets' signing key (see sheets.py): it must never leave the workshop file
SHEET_SECRET = "sheet_secret"


def export_frames(ws: WorkshopStore, *, with_history: bool = True) -> dict[str, pd.DataFrame]:
    """Every table with Japanese headers, keyed by sheet name (the table's Japanese label)."""
    out = {}
    for name in EXPORT_ORDER:
        t = TABLES[name]
        df = ws.rows(name)[list(t.columns)]
        if name == "settings":
            df = df[df["key"] != SHEET_SECRET]
        out[t.label] = df.rename(columns={c: column_label(c) for c in t.columns})
    if with_history:
        h = ws.history()
        h = h[~((h["tbl"] == "settings") & (h["row_key"] == json.dumps([SHEET_SECRET])))]
        out["変更履歴"] = h.rename(columns=CHANGELOG_LABELS)
    return out


def export_xlsx(ws: WorkshopStore) -> bytes:
    return xlsx_bytes(export_frames(ws), title=f"ohayami ワークショップ {ws.name}")


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
                    counts[table] = import_table(ws, table, raw, name=name, sheet=label, actor=actor)
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
