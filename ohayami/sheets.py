"""Scoring sheets (評価シート): one XLSX per evaluator for committees that score on paper or in Excel.

The sheet shows the workshop, the evaluator, one row per alternative and one column per criterion.
Only the score cells are unlocked (the sheet is protected, without a password, against accidental
changes to the layout), and each column accepts only its scale (Excel data validation). A very
hidden sheet carries the workshop id, the evaluation set, the evaluator and the expected layout,
so that a sheet filled for another workshop or with a changed layout is recognised on import.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from .errors import OhayamiError
from .exchange import ImportRefused
from .scoring.scales import normalise_entry, parse_scale
from .store import Workshop

LAYOUT_VERSION = 1
SHEET = "評価シート"
META = "_ohayami"
FIRST_ROW = 10     # first alternative
ID_ROW = 7         # criterion ids
NAME_ROW = 8       # criterion names
SCALE_ROW = 9      # what may be entered
FIRST_COL = 3      # column C: first criterion


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def scoring_sheet(ws: Workshop, set_id: str, evaluator: str, alternatives: pd.DataFrame,
                  criteria: pd.DataFrame) -> bytes:
    """The XLSX sheet for one evaluator.

    ``alternatives``: columns ``alternative_id``, ``name``. ``criteria``: columns ``criterion_id``,
    ``name``, ``scale`` and optionally ``direction`` and ``must_have``.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    evaluator = str(evaluator or "").strip()
    if not evaluator:
        raise OhayamiError("評価者の名前を入れてください。", field="evaluator")
    if alternatives.empty or criteria.empty:
        raise OhayamiError("評価対象と評価項目がそれぞれ1つ以上必要です。", field="sheet")
    wb = Workbook()
    sh = wb.active
    sh.title = SHEET
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sh["A1"] = "評価シート"
    sh["A1"].font = Font(bold=True, size=16)
    for r, (label, value) in enumerate([("ワークショップ", ws.name), ("評価者", evaluator), ("評価セット", set_id)], start=2):
        sh.cell(r, 1, label).font = bold
        sh.cell(r, 2, value).data_type = "s"
    sh["A5"] = "記入方法"
    sh["A5"].font = bold
    sh["B5"] = ("黄色のセルに、各列の「入力できる値」のどれかを入れてください。ほかのセルは変更できません。"
                "入力したらこのファイルを保存して、ファシリテーターに渡してください。")
    sh.cell(ID_ROW, 1, "評価対象ID").font = bold
    sh.cell(ID_ROW, 2, "(項目ID)").font = Font(color="888888")
    sh.cell(NAME_ROW, 1, "評価対象ID").font = bold
    sh.cell(NAME_ROW, 2, "評価対象").font = bold
    sh.cell(SCALE_ROW, 2, "入力できる値").font = Font(color="555555")
    fill = PatternFill("solid", fgColor="FFF2B3")
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    crits = criteria.reset_index(drop=True)
    for j, c in enumerate(crits.itertuples(index=False)):
        col = FIRST_COL + j
        scale = parse_scale(str(c.scale), getattr(c, "direction", "higher") == "lower")
        sh.cell(ID_ROW, col, str(c.criterion_id)).font = Font(color="888888")
        name_cell = sh.cell(NAME_ROW, col, str(c.name))
        name_cell.font, name_cell.fill, name_cell.border = bold, head_fill, box
        name_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if int(getattr(c, "must_have", 0) or 0):
            name_cell.comment = Comment("必須項目：満たしていなければ「いいえ」", "ohayami")
        sh.cell(SCALE_ROW, col, scale.describe()).alignment = Alignment(wrap_text=True)
        last = FIRST_ROW + len(alternatives) - 1
        rng = f"{_col(col)}{FIRST_ROW}:{_col(col)}{last}"
        if scale.kind == "numeric":
            nums = [int(v) for v in scale.levels]
            dv = DataValidation(type="whole", operator="between", formula1=str(min(nums)), formula2=str(max(nums)),
                                allow_blank=True)
        else:
            dv = DataValidation(type="list", formula1='"' + ",".join(scale.levels) + '"', allow_blank=True)
        dv.error = f"{scale.describe()}を入れてください。"
        dv.errorTitle = "尺度の外です"
        dv.prompt = f"{c.name}：{scale.describe()}"
        dv.showErrorMessage = dv.showInputMessage = True
        sh.add_data_validation(dv)
        dv.add(rng)
        sh.column_dimensions[_col(col)].width = 16
    for i, a in enumerate(alternatives.reset_index(drop=True).itertuples(index=False)):
        r = FIRST_ROW + i
        sh.cell(r, 1, str(a.alternative_id)).data_type = "s"
        name = sh.cell(r, 2, str(a.name))
        name.data_type = "s"
        name.alignment = Alignment(wrap_text=True, vertical="top")
        for j in range(len(crits)):
            cell = sh.cell(r, FIRST_COL + j)
            cell.protection = Protection(locked=False)
            cell.fill, cell.border = fill, box
    sh.column_dimensions["A"].width = 12
    sh.column_dimensions["B"].width = 36
    sh.freeze_panes = sh.cell(FIRST_ROW, FIRST_COL)
    sh.protection.sheet = True
    sh.protection.formatColumns = False  # people may widen columns to read long names
    meta = wb.create_sheet(META)
    meta["A1"] = json.dumps({
        "layout": LAYOUT_VERSION, "workshop_id": ws.workshop_id, "workshop": ws.name, "set_id": set_id,
        "evaluator": evaluator, "criteria": [str(c) for c in crits["criterion_id"]],
        "scales": [str(s) for s in crits["scale"]],
        "directions": [str(d) for d in (crits["direction"] if "direction" in crits else ["higher"] * len(crits))],
        "alternatives": [str(a) for a in alternatives["alternative_id"]],
    }, ensure_ascii=False)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_scoring_sheet(ws: Workshop, source: str | Path | bytes, *, name: str = "") -> tuple[dict, pd.DataFrame]:
    """Check a filled sheet and return (its metadata, the scores as a frame), writing nothing.

    A sheet for another workshop, a changed layout, or a missing or out-of-scale score raises
    :class:`ImportRefused` naming the file and every bad cell.
    """
    from openpyxl import load_workbook

    raw = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "評価シート.xlsx")
    try:
        wb = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as exc:
        raise OhayamiError(f"Excel ファイルとして読めません（{type(exc).__name__}）。", file=name) from exc
    if META not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise ImportRefused(name, [("ファイル", "ohayami の評価シートではありません（シート「評価シート」か管理用シートがありません）。"
                                            "ohayami で作った評価シートに記入してください")])
    try:
        meta = json.loads(wb[META]["A1"].value)
        assert meta["layout"] == LAYOUT_VERSION
    except Exception:
        raise ImportRefused(name, [("ファイル", "評価シートの管理情報が壊れています。新しい評価シートを作り直してください")]) from None
    if meta["workshop_id"] != ws.workshop_id:
        raise ImportRefused(name, [("ファイル", f"別のワークショップ（{meta.get('workshop')}）の評価シートです。"
                                            f"このワークショップ（{ws.name}）の評価シートを使ってください")])
    sh = wb[SHEET]
    errors: list[tuple[str, str]] = []
    if str(sh.cell(3, 2).value or "").strip() != meta["evaluator"]:
        errors.append((f"{SHEET}!B3", f"評価者の欄が「{meta['evaluator']}」から変わっています。元に戻してください"))
    for j, cid in enumerate(meta["criteria"]):
        cell = sh.cell(ID_ROW, FIRST_COL + j)
        if str(cell.value or "").strip() != cid:
            errors.append((f"{SHEET}!{cell.coordinate}", f"評価項目の列が変わっています（ここは「{cid}」のはず）。"
                                                         "列の追加・削除・並べ替えをせずに記入してください"))
    extra = sh.cell(ID_ROW, FIRST_COL + len(meta["criteria"])).value
    if extra not in (None, ""):
        errors.append((f"{SHEET}!{_col(FIRST_COL + len(meta['criteria']))}{ID_ROW}", "評価項目の列が増えています。元の形に戻してください"))
    for i, aid in enumerate(meta["alternatives"]):
        cell = sh.cell(FIRST_ROW + i, 1)
        if str(cell.value or "").strip() != aid:
            errors.append((f"{SHEET}!{cell.coordinate}", f"評価対象の行が変わっています（ここは「{aid}」のはず）。"
                                                         "行の追加・削除・並べ替えをせずに記入してください"))
    if errors:
        raise ImportRefused(name, errors)
    rows = []
    for j, cid in enumerate(meta["criteria"]):
        scale = parse_scale(meta["scales"][j], meta["directions"][j] == "lower")
        for i, aid in enumerate(meta["alternatives"]):
            cell = sh.cell(FIRST_ROW + i, FIRST_COL + j)
            value = normalise_entry(cell.value)
            where = f"{SHEET}!{cell.coordinate}"
            label = f"{sh.cell(FIRST_ROW + i, 2).value} × {sh.cell(NAME_ROW, FIRST_COL + j).value}"
            if value == "":
                errors.append((where, f"点数が空です（{label}）"))
            elif not scale.is_valid(value):
                errors.append((where, f"「{value}」は尺度の外です（{label}：{scale.describe()}）"))
            else:
                rows.append({"set_id": meta["set_id"], "evaluator": meta["evaluator"], "alternative_id": aid,
                             "criterion_id": cid, "value": value})
    if errors:
        raise ImportRefused(name, errors)
    return meta, pd.DataFrame(rows)


def import_scoring_sheet(ws: Workshop, source: str | Path | bytes, *, name: str = "") -> int:
    """Check a filled sheet and write its scores in one transaction (the evaluator as the actor)."""
    meta, scores = read_scoring_sheet(ws, source, name=name)
    with ws.batch(meta["evaluator"]):
        for r in scores.to_dict("records"):
            ws.upsert("scores", {k: r[k] for k in ("set_id", "evaluator", "alternative_id", "criterion_id")},
                      {"value": r["value"]}, actor=meta["evaluator"])
    return len(scores)
