"""How far the room has got, for the facilitator's cockpit (進行状況) of the type C and type E worksheets.

Who has joined (named themselves on the page), how many of the cells they are expected to score
they have scored, and what else is still missing from them (type E: the intuitive ranking; type C:
the dots, when dot voting is used, and the re-scoring of an open consensus round). One row per
person, as a plain frame; the cockpit only renders it.

A person counts when the workshop knows them (the ``people`` table, or they entered something in
this set); a person removed from ``people`` who entered nothing is no longer listed, whatever
their join record says. The whole room (:data:`workbench.ROOM`) is not a person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .errors import OhayamiError
from .formats import to_jst
from .problems import ProblemWorkbench
from .store import WorkshopStore, now_jst
from .textio import clean_name
from .vendors import RESULT_LEAD, VendorWorkbench
from .workbench import ROOM, Workbench

__all__ = ["COLUMNS", "Projection", "progress", "progress_lines", "progress_table", "projection", "record_join"]

# the frame's columns; the kind-specific ones are present only where they apply (see progress())
COLUMNS = ["name", "joined", "joined_at", "scored", "expected"]


def record_join(ws: WorkshopStore, set_id: str, name: object) -> bool:
    """Record that ``name`` named themselves on set ``set_id``'s page, at the first time only (JST).
    The person joins ``people`` too (as the first score would add them). Returns True when this was
    their first time; the room as a whole and an empty name record nothing."""
    who = clean_name(name, "名前", "name")
    if not who or who == ROOM:
        return False
    if not set_id:
        raise OhayamiError("評価セットが決まっていません。", field="set_id")
    if ws.get("joins", set_id=set_id, name=who) is not None and ws.get("people", name=who) is not None:
        return False   # the usual case: nothing written, so the cockpit has nothing to redraw
    with ws.batch(who):
        first = ws.get("joins", set_id=set_id, name=who) is None   # read again under the write lock
        if first:
            ws.upsert("joins", {"set_id": set_id, "name": who}, {"joined_at": now_jst()}, actor=who)
        if ws.get("people", name=who) is None:
            ws.upsert("people", {"name": who}, {"role": "参加者"}, actor=who)
    return first


def _cells(scores: pd.DataFrame, alternatives, criteria) -> Counter:
    """Per evaluator, how many of the (alternative, criterion) cells asked of them hold a score."""
    if scores.empty:
        return Counter()
    s = scores[scores["alternative_id"].isin(set(alternatives)) & scores["criterion_id"].isin(set(criteria))
               & scores["value"].notna()]
    return Counter(s["evaluator"])


def progress(model: Workbench) -> pd.DataFrame:
    """One row per person known to the workshop, in the order they became known: ``name``,
    ``joined`` (named themselves or entered anything), ``joined_at`` (JST ISO time of the first
    naming, "" when not recorded), ``scored`` of ``expected`` cells (criteria × the alternatives they
    are asked to score), and

    - type E: ``intuition`` (True when they entered their intuitive ranking);
    - type C with dot voting in use: ``dots`` placed of ``dots_budget``;
    - type C with a consensus round open: ``round_scored`` of ``round_expected``.

    ``attrs``: ``set_id``, ``alternatives``, ``criteria`` (counts) and ``round_no`` (type C)."""
    ws, set_id = model.ws, model.SET_ID
    crit = list(model.criteria()["criterion_id"])
    scoring = model.scoring_alternatives() if isinstance(model, ProblemWorkbench) else model.alternatives()
    alts = list(scoring["alternative_id"])
    scores = model.scores()
    scored = _cells(scores, alts, crit)
    joins = ws.rows("joins", set_id=set_id)
    joined_at = dict(zip(joins["name"], joins["joined_at"].fillna(""))) if len(joins) else {}
    people = list(ws.rows("people")["name"])
    active = list(scores["evaluator"])
    extra: dict[str, dict] = {}
    if isinstance(model, VendorWorkbench):
        ranked = model.intuitions()
        active += list(ranked)
        extra["intuition"] = {n: n in ranked for n in ranked}
    round_no = 1
    if isinstance(model, ProblemWorkbench):
        dots = ws.rows("dots", set_id=set_id)
        placed = Counter()
        for r in dots.itertuples():
            placed[r.evaluator] += int(r.count or 0)
        active += list(placed)
        options = ws.get("set_options", set_id=set_id) or {}
        if len(dots) or options.get("dots_per_person") is not None:
            extra["dots"] = dict(placed)
        round_no = model.current_round()
        if round_no > 1:
            round_alts = list(model.round_problems(round_no)["alternative_id"])
            extra["round_scored"] = dict(_cells(model.round_scores(round_no), round_alts, crit))
            round_expected = len(round_alts) * len(crit)
            active += list(extra["round_scored"])
    names = [n for n in dict.fromkeys(people + active) if n and n != ROOM]
    expected = len(alts) * len(crit)
    did_something = set(active)
    rows = []
    for n in names:
        row = {"name": n, "joined": n in joined_at or n in did_something, "joined_at": joined_at.get(n, ""),
               "scored": int(scored.get(n, 0)), "expected": expected}
        if "intuition" in extra:
            row["intuition"] = bool(extra["intuition"].get(n, False))
        if "dots" in extra:
            row["dots"], row["dots_budget"] = int(extra["dots"].get(n, 0)), model.dot_budget()
        if "round_scored" in extra:
            row["round_scored"], row["round_expected"] = int(extra["round_scored"].get(n, 0)), round_expected
        rows.append(row)
    kind_columns = (["intuition"] if "intuition" in extra else []) + (["dots", "dots_budget"] if "dots" in extra else []) \
        + (["round_scored", "round_expected"] if "round_scored" in extra else [])
    frame = pd.DataFrame(rows, columns=COLUMNS + kind_columns)
    frame.attrs.update(set_id=set_id, alternatives=len(alts), criteria=len(crit), round_no=round_no)
    return frame


def _done(frame: pd.DataFrame) -> pd.Series:
    return (frame["expected"] > 0) & (frame["scored"] >= frame["expected"])


def _names(names) -> str:
    return "、".join(names)


def progress_lines(frame: pd.DataFrame) -> list[str]:
    """The totals a facilitator reads first, as sentences: 「8人中5人が採点を終えました」, then who
    is still missing what (by name)."""
    n = len(frame)
    if n == 0:
        return ["まだ誰も参加していません。参加者が名前を入れると、ここに表示されます。"]
    done = _done(frame)
    lines = [f"{n}人中{int(frame['joined'].sum())}人が参加しています。"]
    if int(frame["expected"].max()) == 0:
        lines.append("採点する対象（評価項目と、課題または事業者）がまだありません。")
    else:
        lines.append(f"{n}人中{int(done.sum())}人が採点を終えました。")
        left = frame[~done]
        if len(left):
            lines.append("採点が終わっていない人：" + _names(f"{r.name}（{r.scored}/{r.expected}）" for r in left.itertuples()))
    if "intuition" in frame:
        missing = frame.loc[~frame["intuition"].astype(bool), "name"]
        lines.append("感覚的な順位を入れていない人：" + _names(missing) if len(missing)
                     else "全員が感覚的な順位を入れました。")
    if "dots" in frame:
        short = frame[frame["dots"] < frame["dots_budget"]]
        lines.append("シールを貼り終えていない人：" + _names(f"{r.name}（{r.dots}/{r.dots_budget}）" for r in short.itertuples())
                     if len(short) else "全員がシールを貼り終えました。")
    if "round_scored" in frame:
        no = frame.attrs.get("round_no", 2)
        short = frame[frame["round_scored"] < frame["round_expected"]]
        lines.append(f"{no}回目の採点が終わっていない人：" +
                     _names(f"{r.name}（{r.round_scored}/{r.round_expected}）" for r in short.itertuples())
                     if len(short) else f"全員が{no}回目の採点を終えました。")
    return lines


def _time(iso: str) -> str:
    when = to_jst(iso) if iso else None
    return f"{when:%H:%M}" if when is not None else ""


def progress_table(frame: pd.DataFrame, name_filter: str = "") -> pd.DataFrame:
    """The frame as the cockpit shows it (Japanese headers, texts): 名前, 参加, 採点, 状況, then the
    kind's columns; only the people whose name contains ``name_filter`` (spaces ignored) when given."""
    wanted = "".join(str(name_filter or "").split())
    if wanted:
        frame = frame[frame["name"].str.replace(r"\s", "", regex=True).str.contains(wanted, regex=False)]
    done = _done(frame)
    out = pd.DataFrame({
        "名前": frame["name"],
        "参加": [(_time(t) or "参加") if j else "まだ" for j, t in zip(frame["joined"], frame["joined_at"])],
        "採点": [f"{s}/{e}" for s, e in zip(frame["scored"], frame["expected"])],
        "状況": ["済" if d else ("未" if s == 0 else f"あと{e - s}") for d, s, e in
                 zip(done, frame["scored"], frame["expected"])],
    })
    if "intuition" in frame:
        out["感覚的な順位"] = ["済" if v else "未入力" for v in frame["intuition"]]
    if "dots" in frame:
        out["シール"] = [f"{d}/{b}" for d, b in zip(frame["dots"], frame["dots_budget"])]
    if "round_scored" in frame:
        out[f"{frame.attrs.get('round_no', 2)}回目の採点"] = [f"{s}/{e}" for s, e in
                                                          zip(frame["round_scored"], frame["round_expected"])]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------- projector
PROJECTED = 10   # rows a projector shows legibly at 1024×768 under the title


@dataclass(frozen=True)
class Projection:
    """The results as a projector shows them (results only): a heading, one line saying how they
    were computed, the leading columns of the ranking (at most :data:`PROJECTED` rows), and the
    totals for the bar figure (names, totals, which are highlighted, the maximum when there is one)."""

    heading: str
    note: str = ""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: tuple = ()
    totals: tuple = ()
    highlight: tuple = ()
    maximum: float | None = None
    more: int = 0      # ranked rows not shown


def projection(model: Workbench, name: str = "") -> Projection:
    """What the projector view shows for a type C or type E workbench (``name``: the workshop's)."""
    where = f"{name}：" if name else ""
    if isinstance(model, VendorWorkbench):
        heading = f"{where}事業者の評価結果"
        res = model.results()
        if res is None:
            return Projection(heading, "評価項目・事業者・採点がそろうと結果が表示されます。")
        frame = model.results_frame(res)
        table = frame[RESULT_LEAD]
        note = f"重みの{frame.attrs['weights_version']}で計算。{frame.attrs['maximums']}"
        t = res.table.loc[frame.index]
        chosen = tuple(a for a in frame.index if bool(t.loc[a, "selectable"]) and float(t.loc[a, "rank"]) == 1.0)
        maximum = res.max_total
    elif isinstance(model, ProblemWorkbench):
        heading = f"{where}課題の優先順位"
        res = model.results()
        if res is None:
            return Projection(heading, "課題と評価項目がそろい、採点が始まると結果が表示されます。")
        frame = model.ranking_frame(res)
        table = frame[["順位", "課題", "合計点", "短いリスト"]]
        short = model.shortlist(res)
        no = model.current_round()
        note = (f"★は短いリスト（{model.cut_line().describe()}、{len(short)}件）。参加者の平均点"
                + (f"、{no}回目の採点を反映" if no > 1 else "") + "。")
        chosen = tuple(short)
        t = res.table.loc[frame.index]
        maximum = None
    else:
        raise OhayamiError("投影できるのはCタイプとEタイプの結果です。", field="kind")
    ranked = [a for a in frame.index if bool(t.loc[a, "selectable"])]
    # type E keeps its excluded vendors in the table, with the reason (a committee must see why);
    # type C's problems taken out of consideration are no longer part of the ranking shown
    rows = list(frame.index[:PROJECTED]) if isinstance(model, VendorWorkbench) else ranked[:PROJECTED]
    shown = [a for a in rows if a in ranked]
    return Projection(heading, note, table.loc[rows].reset_index(drop=True),
                      tuple(t.loc[shown, "name"]), tuple(float(t.loc[a, "total"]) for a in shown),
                      tuple(i for i, a in enumerate(shown) if a in chosen), maximum,
                      max(0, len(frame.index if isinstance(model, VendorWorkbench) else ranked) - len(rows)))
