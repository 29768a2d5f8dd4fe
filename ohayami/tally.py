"""The workshop tally of the diagnostic chart: who landed on which type, and the group's primary type."""

from __future__ import annotations

import json
import uuid
from typing import Sequence

import pandas as pd

from .chart import Chart, Diagnosis, as_answer, check_all
from .errors import OhayamiError
from .guide import TYPE_IDS, load_types
from .formats import jst_text
from .io import csv_bytes, xlsx_bytes
from .labels import CHART_MODE_LABELS, yes_no
from .store import WorkshopStore, now_iso
from .textio import clean_name

MODE_CHART = "chart"
MODE_ALL = "all"
MODE_LABELS = CHART_MODE_LABELS


def record(ws: WorkshopStore, *, participant: str = "", department: str = "", mode: str = MODE_CHART,
           answers: Sequence[tuple[str, bool]] | None = None, diagnosis: Diagnosis | None = None,
           chart: Chart | None = None) -> dict:
    """Save one participant's finished diagnosis and return the saved record.

    Give either a finished :class:`Diagnosis` (chart mode) or, for 全問チェック, the pairs
    (question_id, answer) for every question.
    """
    participant = clean_name(participant, "名前", "participant")
    department = clean_name(department, "所属", "department")
    if mode == MODE_CHART:
        if diagnosis is None or not diagnosis.done:
            raise OhayamiError("診断が終わっていません。最後の質問まで答えてから保存してください。", field="answers")
        pairs = [(q.question_id, yes) for q, yes in diagnosis.path]
        types = [diagnosis.result]
    elif mode == MODE_ALL:
        chart = chart or Chart()
        given = dict(answers or [])
        types = check_all(given, chart)
        pairs = [(q, as_answer(given[q])) for q in chart.order]
    else:
        raise OhayamiError(f"方式「{mode}」はありません。", field="mode")
    rec = {
        "participant": participant, "department": department, "mode": mode,
        "answers": [{"question_id": q, "answer": bool(a)} for q, a in pairs],
        "result": types[0], "types": types, "created_at": now_iso(),
    }
    rid = uuid.uuid4().hex[:12]
    with ws.batch(participant or None):
        # read inside the write transaction, so that two pages saving the same name both learn the truth
        before = previous_result(ws, participant)
        if participant:
            ws.upsert("people", {"name": participant}, {"department": department}, actor=participant)
        ws.upsert("chart_results", {"result_id": rid}, rec, actor=participant or None)
    return {"result_id": rid, **rec, "replaced": before["result"] if before else None}


def previous_result(ws: WorkshopStore, participant: str) -> dict | None:
    """The latest saved result under ``participant`` (a dict like :func:`record` returns), or None.
    Unnamed results are never "the same person", so an empty name gives None."""
    participant = clean_name(participant, "名前", "participant")
    if not participant:
        return None
    res = results(ws, latest_only=False)
    mine = res[res.participant == participant]
    return None if mine.empty else mine.iloc[-1].to_dict()


def results(ws: WorkshopStore, latest_only: bool = True) -> pd.DataFrame:
    """Saved results, oldest first. With ``latest_only``, a named participant's last result only
    (someone who answered again counts once); unnamed results each count."""
    df = ws.rows("chart_results")
    if df.empty:
        return pd.DataFrame(columns=["result_id", "participant", "department", "mode", "answers", "result",
                                     "types", "created_at"])
    df = df.sort_values("created_at", kind="stable").reset_index(drop=True)
    df["answers"] = df["answers"].map(json.loads)
    df["types"] = df["types"].map(json.loads)
    df["participant"] = df["participant"].fillna("")
    df["department"] = df["department"].fillna("")
    if latest_only:
        named = df[df.participant != ""].drop_duplicates("participant", keep="last")
        df = pd.concat([named, df[df.participant == ""]]).sort_values("created_at", kind="stable")
    return df.reset_index(drop=True)


def tally(ws: WorkshopStore) -> pd.DataFrame:
    """One row per type A–I: ``type_id``, ``name``, ``first_move``, ``count`` (participants whose
    result is that type), ``share`` (of all participants), ``applies`` (participants for whom the
    type applies, counting every type of a 全問チェック)."""
    res = results(ws)
    types = load_types()[["type_id", "name", "first_move"]].copy()
    counts = res["result"].value_counts() if len(res) else pd.Series(dtype=int)
    applies = pd.Series([t for ts in res["types"] for t in ts], dtype=object).value_counts() if len(res) \
        else pd.Series(dtype=int)
    types["count"] = types["type_id"].map(counts).fillna(0).astype(int)
    total = int(types["count"].sum())
    types["share"] = types["count"] / total if total else 0.0
    types["applies"] = types["type_id"].map(applies).fillna(0).astype(int)
    return types


def primary_types(tally_df: pd.DataFrame) -> list[str]:
    """The group's primary types: every type with the most participants, in the chart's order (one
    type, or several when they tie: a tie is reported as a tie, not settled by the order). Empty
    when nobody has answered."""
    top = tally_df["count"].max() if len(tally_df) else 0
    if not top:
        return []
    order = {t: i for i, t in enumerate(TYPE_IDS)}
    return sorted((str(t) for t in tally_df.loc[tally_df["count"] == top, "type_id"]), key=order.__getitem__)


PRIMARY_MARK = "◎"
SUMMARY_COLUMNS = ["タイプ", "初めの一手", "人数", "割合", "当てはまる人数（全問チェック含む）", "主なタイプ"]


def summary_frame(tally_df: pd.DataFrame) -> pd.DataFrame:
    """The tally as shown and exported: one row per type with Japanese headers (:data:`SUMMARY_COLUMNS`);
    ``割合`` stays a fraction (0–1) for the export to format; ``主なタイプ`` marks every primary type
    (several when they tie)."""
    primary = primary_types(tally_df)
    mark = PRIMARY_MARK + ("（同数）" if len(primary) > 1 else "")
    return pd.DataFrame({
        "タイプ": tally_df["name"].to_numpy(), "初めの一手": tally_df["first_move"].to_numpy(),
        "人数": tally_df["count"].to_numpy(), "割合": tally_df["share"].astype(float).to_numpy(),
        "当てはまる人数（全問チェック含む）": tally_df["applies"].to_numpy(),
        "主なタイプ": [mark if t in primary else "" for t in tally_df["type_id"]],
    }, columns=SUMMARY_COLUMNS)


def percent(share: float) -> str:
    """A share (0–1) as people read it: 「33%」 (screen and CSV say the same)."""
    return f"{share:.0%}"


def results_table(ws: WorkshopStore, chart: Chart | None = None) -> pd.DataFrame:
    """The participants' results with Japanese headers, for export."""
    chart = chart or Chart()
    res = results(ws)
    rows = []
    for r in res.itertuples():
        ans = {a["question_id"]: yes_no(a["answer"]) for a in r.answers}
        row = {"名前": r.participant, "所属": r.department, "方式": MODE_LABELS.get(r.mode, r.mode),
               "タイプ": r.result, "該当タイプ": "・".join(r.types),
               "日時": jst_text(r.created_at)}
        for qid in chart.order:
            row[f"{qid}"] = ans.get(qid, "")
        rows.append(row)
    cols = ["名前", "所属", "方式", "タイプ", "該当タイプ", "日時", *chart.order]
    return pd.DataFrame(rows, columns=cols)


def export_xlsx(ws: WorkshopStore, chart: Chart | None = None) -> bytes:
    """The tally (per type; 割合 a number shown as a percentage) and every answer as an Excel
    workbook with Japanese headers."""
    return xlsx_bytes({"集計": summary_frame(tally(ws)), "回答": results_table(ws, chart)},
                      title=f"診断チャート集計 {ws.name}", number_formats={"割合": "0%"})


def export_csv(ws: WorkshopStore, chart: Chart | None = None) -> bytes:
    """Every answer as CSV (UTF-8 with BOM, for Excel)."""
    return csv_bytes(results_table(ws, chart))


def export_tally_csv(ws: WorkshopStore) -> bytes:
    """The tally per type as CSV; 割合 written 「33%」, which people read and Excel opens as a percentage."""
    summary = summary_frame(tally(ws))
    summary["割合"] = summary["割合"].map(percent)
    return csv_bytes(summary)
