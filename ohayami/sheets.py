"""Scoring sheets (評価シート): one XLSX per evaluator for committees that score on paper or in Excel.

The sheet shows the workshop, the evaluator, one row per alternative and one column per criterion.
Only the score cells are unlocked (the sheet is protected, without a password, against accidental
changes to the layout), and each column accepts only its scale (Excel data validation).

The workshop file is the only authority. A very hidden sheet repeats the layout for messages, and
carries an HMAC-SHA256 signature over the workshop id, the evaluation set, the evaluator and the
ordered alternatives and criteria (with their scales), keyed by a secret that lives only in the
workshop file. On import the signature is recomputed from the workshop's current criteria and
alternatives; the evaluator, the scales and the layout the sheet claims are never obeyed. A
participant who edits the hidden sheet cannot score for someone else, on another scale, for an
alternative that does not exist or into the other set.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
from pathlib import Path

import pandas as pd

from .errors import OhayamiError
from .exchange import SHEET_SECRET, ImportRefused
from .io import text_only, xlsx_text
from .scoring.scales import normalise_entry, parse_scale
from .store import Workshop

LAYOUT_VERSION = 2
SECRET_KEY = SHEET_SECRET   # a settings key; exports leave it out
UNITS = {"C": "課題", "E": "事業者"}
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


def sheet_secret(ws: Workshop, *, create: bool = True) -> bytes | None:
    """The workshop's signing key (32 random bytes), created on first use.

    Created inside one write transaction that re-reads the setting, so two kernels making their
    first sheets at the same moment end up with one secret, not two."""
    hexed = ws.setting(SECRET_KEY)
    if hexed is None and create:
        with ws.batch():
            hexed = ws.setting(SECRET_KEY)
            if hexed is None:
                hexed = secrets.token_bytes(32).hex()
                ws.set_setting(SECRET_KEY, hexed)
    if hexed is None:
        return None
    try:
        key = bytes.fromhex(str(hexed))
    except ValueError:
        key = b""
    if len(key) < 32:
        raise OhayamiError("ワークショップファイルの評価シート用の鍵が壊れています。"
                           "設定「sheet_secret」を消すと新しい鍵が作られます（それまでに配った評価シートは作り直しが必要です）。",
                           field="sheet")
    return key


def _layout(alternatives: pd.DataFrame, criteria: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The workshop's layout: alternative ids, and [criterion id, scale, direction] per column."""
    crits = criteria.reset_index(drop=True)
    directions = crits["direction"] if "direction" in crits else ["higher"] * len(crits)
    return ([str(a) for a in alternatives["alternative_id"]],
            [[str(c), str(sc).strip(), str(d or "higher")] for c, sc, d in zip(crits["criterion_id"], crits["scale"], directions)])


def sign_sheet(key: bytes, workshop_id: str, set_id: str, evaluator: str, alternative_ids: list[str],
               columns: list[list[str]]) -> str:
    """HMAC-SHA256 (hex) over everything an import takes from a sheet besides the scores."""
    payload = json.dumps([LAYOUT_VERSION, workshop_id, set_id, evaluator, alternative_ids, columns],
                         ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


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
        sh.cell(r, 2, xlsx_text(value))
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
        name_cell = sh.cell(NAME_ROW, col, xlsx_text(c.name))
        name_cell.font, name_cell.fill, name_cell.border = bold, head_fill, box
        name_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if int(getattr(c, "must_have", 0) or 0):
            name_cell.comment = Comment("必須項目：満たしていなければ「いいえ」", "ohayami")
        sh.cell(SCALE_ROW, col, xlsx_text(scale.describe())).alignment = Alignment(wrap_text=True)
        last = FIRST_ROW + len(alternatives) - 1
        rng = f"{_col(col)}{FIRST_ROW}:{_col(col)}{last}"
        if scale.kind == "numeric":
            nums = [int(v) for v in scale.levels]
            dv = DataValidation(type="whole", operator="between", formula1=str(min(nums)), formula2=str(max(nums)),
                                allow_blank=True)
        else:
            dv = DataValidation(type="list", formula1='"' + ",".join(v.replace('"', '""') for v in scale.levels) + '"',
                                allow_blank=True)
        dv.error = f"{scale.describe()}を入れてください。"
        dv.errorTitle = "尺度の外です"
        dv.prompt = xlsx_text(f"{c.name}：{scale.describe()}")[:250]  # Excel refuses longer prompts
        dv.showErrorMessage = dv.showInputMessage = True
        sh.add_data_validation(dv)
        dv.add(rng)
        sh.column_dimensions[_col(col)].width = 16
    for i, a in enumerate(alternatives.reset_index(drop=True).itertuples(index=False)):
        r = FIRST_ROW + i
        sh.cell(r, 1, str(a.alternative_id))
        name = sh.cell(r, 2, xlsx_text(a.name))
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
    text_only(sh)
    alt_ids, columns = _layout(alternatives, crits)
    meta = wb.create_sheet(META)
    meta["A1"] = json.dumps({
        "layout": LAYOUT_VERSION, "workshop_id": ws.workshop_id, "workshop": ws.name, "set_id": set_id,
        "evaluator": evaluator, "criteria": [c[0] for c in columns], "scales": [c[1] for c in columns],
        "directions": [c[2] for c in columns], "alternatives": alt_ids,
        "signature": sign_sheet(sheet_secret(ws), ws.workshop_id, set_id, evaluator, alt_ids, columns),
    }, ensure_ascii=False)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_scoring_sheet(ws: Workshop, source: str | Path | bytes, *, set_id: str, alternatives: pd.DataFrame,
                       criteria: pd.DataFrame, name: str = "") -> tuple[str, pd.DataFrame]:
    """Check a filled sheet against the workshop and return (the evaluator, the scores), writing nothing.

    ``set_id``, ``alternatives`` and ``criteria`` are the workshop's current ones (as for
    :func:`scoring_sheet`). A sheet for another workshop or set, with other criteria or
    alternatives, with a signature that does not match, a changed layout, or a missing or
    out-of-scale score raises :class:`ImportRefused` naming the file and everything that differs.
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
        assert isinstance(meta, dict) and meta.get("layout") == LAYOUT_VERSION
    except Exception:
        raise ImportRefused(name, [("ファイル", "評価シートの管理情報が壊れているか、古い形式です。新しい評価シートを作り直してください")]) from None
    if meta.get("workshop_id") != ws.workshop_id:
        raise ImportRefused(name, [("ファイル", f"別のワークショップ（{meta.get('workshop')}）の評価シートです。"
                                            f"このワークショップ（{ws.name}）の評価シートを使ってください")])
    sh = wb[SHEET]
    evaluator = meta.get("evaluator") if isinstance(meta.get("evaluator"), str) else ""
    alt_ids, columns = _layout(alternatives, criteria)
    errors = _authenticity(ws, sh, meta, set_id, evaluator, alt_ids, columns, alternatives, criteria)
    if errors:
        raise ImportRefused(name, errors)
    errors = _visible_layout(sh, evaluator, alt_ids, [c[0] for c in columns])
    if errors:
        raise ImportRefused(name, errors)
    # From here on everything comes from the workshop: the scales, the ids and the evaluator it signed.
    rows = []
    names = dict(zip(alternatives["alternative_id"].astype(str), alternatives["name"]))
    crit_names = dict(zip(criteria["criterion_id"].astype(str), criteria["name"]))
    for j, (cid, scale_text, direction) in enumerate(columns):
        scale = parse_scale(scale_text, direction == "lower")
        for i, aid in enumerate(alt_ids):
            cell = sh.cell(FIRST_ROW + i, FIRST_COL + j)
            value = normalise_entry(cell.value)
            where = f"{SHEET}!{cell.coordinate}"
            label = f"{names[aid]} × {crit_names[cid]}"
            if value == "":
                errors.append((where, f"点数が空です（{label}）"))
            elif not scale.is_valid(value):
                errors.append((where, f"「{value}」は尺度の外です（{label}：{scale.describe()}）"))
            else:
                rows.append({"set_id": set_id, "evaluator": evaluator, "alternative_id": aid,
                             "criterion_id": cid, "value": value})
    if errors:
        raise ImportRefused(name, errors)
    return evaluator, pd.DataFrame(rows)


def _authenticity(ws: Workshop, sh, meta: dict, set_id: str, evaluator: str, alt_ids: list[str],
                  columns: list[list[str]], alternatives: pd.DataFrame, criteria: pd.DataFrame) -> list[tuple[str, str]]:
    """What differs between the sheet's hidden claims and the workshop, with the signature check."""
    errors: list[tuple[str, str]] = []
    unit = UNITS.get(set_id, "評価対象")
    if meta.get("set_id") != set_id:
        errors.append(("評価セット", f"このシートは評価セット「{meta.get('set_id')}」用です。いま取り込めるのは評価セット"
                                  f"「{set_id}」（{unit}の評価）のシートだけです"))
    crit_ids = _texts(meta.get("criteria"))
    claimed_cols = [list(c) for c in zip(crit_ids, _texts(meta.get("scales")), _texts(meta.get("directions")))]
    if claimed_cols != columns or len(crit_ids) != len(columns):
        errors.append(("評価項目", _columns_differ(claimed_cols, columns, criteria)))
    claimed_alts = _texts(meta.get("alternatives"))
    if claimed_alts != alt_ids:
        errors.append((unit, _alternatives_differ(claimed_alts, alt_ids, alternatives, unit)))
    signature = meta.get("signature")
    key = sheet_secret(ws, create=False)
    if not isinstance(signature, str) or not signature:
        errors.append(("署名", "署名がありません。ohayami で作り直した評価シートに記入してください"))
        return errors
    if key is None:
        errors.append(("署名", "このワークショップではまだ評価シートを作っていません。ここで作った評価シートを使ってください"))
        return errors

    def signed_for(who: str, set_: str = set_id) -> bool:
        return hmac.compare_digest(sign_sheet(key, ws.workshop_id, set_, who, alt_ids, columns), signature)

    if signed_for(evaluator):
        return errors
    # Say whose sheet this really is, if the signature belongs to someone the workshop knows.
    people = [str(p) for p in ws.rows("people")["name"]] + [str(p) for p in ws.rows("scores")["evaluator"]]
    shown = str(sh.cell(3, 2).value or "").strip()
    owner = next((p for p in dict.fromkeys([shown, *people]) if p and p != evaluator and signed_for(p)), None)
    if owner is not None:
        errors.append(("評価者", f"このシートは「{owner}」さんの評価シートですが、管理情報の評価者が「{evaluator}」に"
                               "書き換えられています。本人の評価シートに記入してください"))
    errors.append(("署名", "署名が合いません。評価シートの管理情報が書き換えられたか、評価項目や"
                         f"{unit}がシートを作った後に変わりました。新しい評価シートを作って記入し直してください"))
    return errors


def _texts(value: object) -> list[str]:
    """A list of texts from the hidden sheet's JSON, whatever was written there."""
    return [str(v) for v in value] if isinstance(value, list) else []


def _columns_differ(claimed: list[list[str]], columns: list[list[str]], criteria: pd.DataFrame) -> str:
    names = dict(zip(criteria["criterion_id"].astype(str), criteria["name"]))
    have = {c[0]: c for c in columns}
    said = {c[0]: c for c in claimed}
    parts = []
    extra = [c for c in said if c not in have]
    if extra:
        parts.append("ワークショップにない評価項目「" + "」「".join(extra) + "」があります")
    missing = [names.get(c, c) for c in have if c not in said]
    if missing:
        parts.append("評価項目「" + "」「".join(missing) + "」がありません")
    for cid, (_, scale, direction) in have.items():
        if cid in said and said[cid][1:] != [scale, direction]:
            parts.append(f"評価項目「{names.get(cid, cid)}」の尺度が「{said[cid][1]}」になっています"
                         f"（ワークショップでは「{scale}」）")
    if not parts:
        parts.append("評価項目の並び順が違います")
    return "、".join(parts) + "。ワークショップの評価項目で評価シートを作り直してください"


def _alternatives_differ(claimed: list[str], alt_ids: list[str], alternatives: pd.DataFrame, unit: str) -> str:
    names = dict(zip(alternatives["alternative_id"].astype(str), alternatives["name"]))
    parts = []
    extra = [a for a in claimed if a not in names]
    if extra:
        parts.append(f"ワークショップにない{unit}「" + "」「".join(extra) + "」があります")
    missing = [str(names[a]) for a in alt_ids if a not in claimed]
    if missing:
        parts.append(f"{unit}「" + "」「".join(missing) + "」がありません")
    if not parts:
        parts.append(f"{unit}の並び順が違います")
    return "、".join(parts) + f"。いまの{unit}で評価シートを作り直してください"


def _visible_layout(sh, evaluator: str, alt_ids: list[str], crit_ids: list[str]) -> list[tuple[str, str]]:
    """Rows and columns a person moved on the visible sheet (it is protected, but without a password)."""
    errors: list[tuple[str, str]] = []
    if str(sh.cell(3, 2).value or "").strip() != xlsx_text(evaluator).strip():
        errors.append((f"{SHEET}!B3", f"評価者の欄が「{evaluator}」から変わっています。元に戻してください"))
    for j, cid in enumerate(crit_ids):
        cell = sh.cell(ID_ROW, FIRST_COL + j)
        if str(cell.value or "").strip() != cid:
            errors.append((f"{SHEET}!{cell.coordinate}", f"評価項目の列が変わっています（ここは「{cid}」のはず）。"
                                                         "列の追加・削除・並べ替えをせずに記入してください"))
    extra = sh.cell(ID_ROW, FIRST_COL + len(crit_ids)).value
    if extra not in (None, ""):
        errors.append((f"{SHEET}!{_col(FIRST_COL + len(crit_ids))}{ID_ROW}", "評価項目の列が増えています。元の形に戻してください"))
    for i, aid in enumerate(alt_ids):
        cell = sh.cell(FIRST_ROW + i, 1)
        if str(cell.value or "").strip() != aid:
            errors.append((f"{SHEET}!{cell.coordinate}", f"評価対象の行が変わっています（ここは「{aid}」のはず）。"
                                                         "行の追加・削除・並べ替えをせずに記入してください"))
    return errors


def import_scoring_sheet(ws: Workshop, source: str | Path | bytes, *, set_id: str, alternatives: pd.DataFrame,
                         criteria: pd.DataFrame, name: str = "") -> int:
    """Check a filled sheet against the workshop and write its scores in one transaction (the
    evaluator the workshop signed the sheet for is the actor)."""
    evaluator, scores = read_scoring_sheet(ws, source, set_id=set_id, alternatives=alternatives, criteria=criteria,
                                           name=name)
    with ws.batch(evaluator):
        for r in scores.to_dict("records"):
            ws.upsert("scores", {k: r[k] for k in ("set_id", "evaluator", "alternative_id", "criterion_id")},
                      {"value": r["value"]}, actor=evaluator)
    return len(scores)
