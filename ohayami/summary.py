"""The project summary (問題 → 調査 → 選定 → 体制): one page a manager can read, from the worksheets.

Each section comes from one provider in :data:`PROVIDERS`: the trouble type whose worksheet fills it,
where in that worksheet, and a function ``read(ws, data) -> Part | None`` over that worksheet's
model. ``None`` means the worksheet holds nothing yet; the section then says where to fill it in
instead of showing an empty table. A worksheet adds its section with one entry here (and the
function that reads it); see docs/design.md, "Recipe: a worksheet for another trouble type".

Reading never writes: a provider looks at the workshop's rows before it builds a model (the type C
model seeds its criteria on first use, which a summary must not do to an untouched workshop).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from .errors import OhayamiError
from .formats import to_jst
from .guide import load_types
from .store import WorkshopStore


@dataclass(frozen=True)
class Part:
    """What one worksheet contributes: facts (label, text), tables (title, display frame) and notes
    (what is still missing there, said in Japanese)."""

    facts: tuple[tuple[str, str], ...] = ()
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    """One section of the summary: its step, the type whose worksheet fills it, and where."""

    key: str
    title: str          # 問題 / 調査 / 選定 / 体制
    type_id: str
    worksheet: str      # 「Cタイプ作業台」
    where: str          # what to do there, for the empty section
    read: Callable[[WorkshopStore, object], Part | None]

    @property
    def empty_text(self) -> str:
        return f"まだ入力されていません（{self.worksheet}で{self.where}）。"


@dataclass(frozen=True)
class Section:
    """A provider with what it read (``part`` None: nothing entered yet) and the notebook that fills it."""

    provider: Provider
    part: Part | None
    notebook: str = ""
    error: str = ""     # a worksheet whose data could not be read says why, the others still show

    @property
    def filled(self) -> bool:
        return self.part is not None

    @property
    def title(self) -> str:
        return self.provider.title

    @property
    def heading(self) -> str:
        """「問題（Cタイプ作業台）」"""
        return f"{self.provider.title}（{self.provider.worksheet}）"

    @property
    def state(self) -> str:
        return "読めません" if self.error else ("入力あり" if self.filled else "まだ")

    @property
    def lead(self) -> str:
        """One line for the overview: the first fact, or where to fill the section in."""
        if self.error:
            return self.error
        if self.part is None:
            return self.provider.empty_text
        return "／".join(f"{k}：{v}" for k, v in self.part.facts[:2]) or "入力あり"


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


_LIST_MARK = re.compile(r"^\s*(?:[・･•●◦‣▪■□◆◇\-*－]|\d+[.)．）])\s*")


def plain_lines(value) -> str:
    """Multi-line text (D's theme is 「・課題」 per line) as lines without list markers: a summary cell
    shows the lines themselves, not a bullet list squeezed into a table."""
    lines = (_LIST_MARK.sub("", line).strip() for line in _text(value).splitlines())
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------- 問題 (type C)
def problem_part(ws: WorkshopStore, data=None) -> Part | None:
    """問題: the problems narrowed down in type C, best first, with the target vision (地域像) of each."""
    if ws.rows("problems").empty:
        return None
    from .problems import VISION_FIELDS, VISION_LABELS, ProblemWorkbench

    model = ProblemWorkbench(ws, data)
    problems = model.problems().set_index("problem_id")
    if problems.empty:
        return None
    res = model.results()
    short = model.shortlist(res)
    facts = [("洗い出した課題", f"{len(problems)}件")]
    notes = []
    if not short:
        facts.append(("絞り込んだ課題", "まだありません"))
        notes.append("課題はまだ絞り込まれていません（Cタイプ作業台の「4 採点」で採点し、"
                     "「5 結果と絞り込み」で絞り込んでください）。")
        listed = problems.head(10)
        table = pd.DataFrame({"課題": listed["title"], "生活のワンシーン": listed["scene"]}).reset_index(drop=True)
        return Part(tuple(facts), (("洗い出した課題（絞り込み前）", table),), tuple(notes))
    facts.append(("絞り込んだ課題", "、".join(problems.loc[a, "title"] for a in short)))
    visions = model.visions()
    rows = []
    for a in short:
        v = visions.loc[a].to_dict() if a in visions.index else {}
        rows.append([int(res.table.loc[a, "rank"]), problems.loc[a, "title"], f"{res.table.loc[a, 'total']:.2f}",
                     *[_text(v.get(f)) for f in VISION_FIELDS]])
    vision_columns = [VISION_LABELS[f] for f in VISION_FIELDS]
    table = pd.DataFrame(rows, columns=["順位", "課題", "合計点", *vision_columns])
    missing = table[(table[vision_columns] == "").all(axis=1)]["課題"]
    if len(missing):
        notes.append("実現したい地域像がまだ書かれていない課題があります：" + "、".join(missing) +
                     "（Cタイプ作業台の「6 実現したい地域像」で書いてください）。")
    return Part(tuple(facts), (("絞り込んだ課題と実現したい地域像", table),), tuple(notes))


# ---------------------------------------------------------------------- 調査 (type D)
def research_part(ws: WorkshopStore, data=None) -> Part | None:
    """調査: the type D research log (取組事例 → 実装されたサービス → 類似サービス): the theme, how much
    was found, and the candidate services with their vendor, where they were found and whether they
    went on to type E. ``None`` while nothing is entered."""
    if ws.rows("research_theme").empty and ws.rows("research_cases").empty and ws.rows("research_services").empty:
        return None
    from .research import Research

    model = Research(ws, data)
    theme, services = model.theme(), model.services_frame()
    facts = [("テーマ", plain_lines(theme.theme) or "まだ決まっていません"),
             ("調べたもの", f"取組事例 {len(model.cases())}件・サービス {len(services)}件"
                             f"（候補 {int((services['候補'] != '').sum())}件）")]
    notes = []
    if theme.vision:
        facts.append(("実現したい地域像", plain_lines(theme.vision)))
    candidates = services[services["候補"] != ""]
    shown = candidates if len(candidates) else services
    table = shown[["サービス名", "事業者", "区分", "見つけた場所", "Eタイプへ"]].reset_index(drop=True)
    table["Eタイプへ"] = table["Eタイプへ"].map(lambda v: "送った" if _text(v) else "")
    if len(services) and not len(candidates):
        notes.append("候補のサービスがまだ選ばれていません（Dタイプ作業台で「候補」に印をつけてください）。")
    tables = ((("候補のサービス" if len(candidates) else "調べたサービス"), table),) if len(services) else ()
    return Part(tuple(facts), tables, tuple(notes))


# ---------------------------------------------------------------------- 選定 (type E)
def selection_part(ws: WorkshopStore, data=None) -> Part | None:
    """選定: the type E ranking and the vendor in first place, its total against the maximum, what
    decided it (the criteria that gave it most of its lead over the runner-up) and, in plain words,
    which weighting the result was computed with."""
    if ws.rows("vendors").empty:
        return None
    from .vendors import RESULT_LEAD, VendorWorkbench

    model = VendorWorkbench(ws, data)
    vendors = model.vendors()
    names = "、".join(vendors["name"])
    try:
        res = model.results()
    except OhayamiError as exc:   # e.g. a price rule while a price is missing: say so, keep the rest
        return Part((("候補の事業者", names),), (), (f"結果を計算できません：{exc.message}",))
    if res is None:
        return Part((("候補の事業者", names),), (),
                    ("まだ採点されていません（Eタイプ作業台の「4 採点」で採点し、「6 結果」で確かめてください）。",))
    frame = model.results_frame(res)
    winners = res.winners
    notes = []
    if winners:
        chosen = "、".join(frame.loc[w, "事業者"] for w in winners)
        score = "、".join(frame.loc[w, "合計／満点"] for w in winners)
    else:
        chosen, notes = _no_winner(res, frame)
        score = "—"
    facts = [("選定（1位）", chosen + ("（同点）" if len(winners) > 1 else "")), ("合計／満点", score)]
    facts += lead_facts(res, frame["事業者"].to_dict())
    facts += [("重みづけ", weights_words(getattr(res, "weights_version", None) or model.current_weights_version())),
              ("満点", frame.attrs["maximums"]), ("比べた事業者", f"{len(vendors)}者")]
    return Part(tuple(facts), (("ランキング", frame[RESULT_LEAD].reset_index(drop=True)),), tuple(notes))


PRICE_POINTS = "価格点"


def lead_contributions(res) -> tuple[str, pd.Series] | None:
    """(runner-up's id, points of the winner's lead per criterion, largest first) for a result with one
    winner and a selectable runner-up; None otherwise. The points are the engine's own breakdown
    (weight × combined score, as the report's figure and the intuition check use it), the winner's
    minus the runner-up's, with the price points as one more entry when the rules give price points;
    they add up to the difference of the totals."""
    if len(res.winners) != 1:
        return None
    winner = res.winners[0]
    ranking = res.ranking
    others = [a for a in ranking.index[ranking["selectable"].to_numpy(bool)] if a != winner]
    if not others:
        return None
    second = others[0]
    bd = res.breakdown
    labels = dict(zip(res.ev.crit_ids, (c.label for c in res.ev.criteria)))
    lead = (bd.loc[winner] - bd.loc[second]).rename(index=labels)
    if res.rules.price is not None:
        t = res.table
        lead[PRICE_POINTS] = t.loc[winner, "price_score"] - t.loc[second, "price_score"]
    return second, lead.sort_values(ascending=False, kind="stable")


def lead_facts(res, names: dict, digits: int = 2, top: int = 3) -> list[tuple[str, str]]:
    """Why the winner won, as facts a manager reads: 「2位との差」 (「B社より 40.00点上」),
    「差がついた主な項目」 (the at most ``top`` criteria that gave the winner most of its lead:
    「機能関連 +30.00点、使いやすさ +10.00点」) and, when there is one, 「2位が上回った項目」 (where the
    runner-up did best). None when there is no single winner or no runner-up."""
    found = lead_contributions(res)
    if found is None:
        return []
    second, lead = found
    t = res.table
    gap = float(t.loc[res.winners[0], "total"] - t.loc[second, "total"])
    rival, least = names.get(second, second), 10 ** -(digits + 1)
    if abs(gap) < least:
        return [("2位との差", f"{rival}と合計点は同じ（同点のときの決め方で1位）")]
    ahead = lead[lead > least].head(top)
    behind = lead[lead < -least]
    facts = [("2位との差", f"{rival}より {gap:.{digits}f}点上"),
             ("差がついた主な項目", "、".join(f"{k} +{v:.{digits}f}点" for k, v in ahead.items()))]
    if len(behind):
        facts.append(("2位が上回った項目", f"{behind.index[-1]}（{rival}が {-behind.iloc[-1]:.{digits}f}点上）"))
    return facts


def weights_words(version) -> str:
    """The weighting a result was computed with, as a manager reads it: when, and how it was decided
    (「2026年11月27日に委員会で見直した配点（理由：…）」), instead of the version's number."""
    if version.no == 0:
        words = "評価項目を作ったときの配点のまま（重みづけの見直しはありません）"
    else:
        when = to_jst(version.at)
        day = f"{when.year}年{when.month}月{when.day}日に" if when else ""
        who = version.actor
        words = {
            "evaluators": f"{day}評価者{f'（{who}）' if who else ''}の重みづけを合わせて決めた配点",
            "revision": f"{day}委員会で見直した配点" + (f"（入力：{who}）" if who else "")
                        + (f"。見直しの理由：{version.reason}" if version.reason else ""),
            "room": f"{day}会場全体で決めた配点" + (f"（入力：{who}）" if who else ""),
            "edit": f"{day}{who + 'が' if who else ''}直接入力した配点",
        }.get(version.kind, f"{day}記録した配点（{version.kind_label}）")
    if version.changed_since:
        words += "。その後、評価項目の追加などで配点が変わっています"
    return words


def _no_winner(res, frame: pd.DataFrame) -> tuple[str, list[str]]:
    """Why no vendor is first, as a manager needs it: scoring not finished (how far, and what to do),
    or every vendor excluded, each with its reason."""
    ev = res.ev
    todo = ev.unscored() & ((ev.points > 0) | ev.must)[None, :]
    done = int((~todo.any(axis=1)).sum())
    if todo.any():
        missing = [ev.criteria[c].label for c in sorted(set(todo.nonzero()[1]))]
        return (f"採点が終わっていません（採点の済んだ事業者 {done}/{len(ev.alt_ids)}者）",
                ["Eタイプ作業台の「4 採点」で、まだ点のない評価項目（" + "、".join(missing[:5]) +
                 ("ほか" if len(missing) > 5 else "") + "）を採点すると、1位が決まります。"])
    why = "、".join(f"{frame.loc[a, '事業者']}（{'／'.join(res.reasons[i])}）" for i, a in enumerate(ev.alt_ids)
                   if res.reasons[i])
    return "選べる事業者がありません（すべて除外・対象外）", [f"除外・対象外の理由：{why}。"]


# ---------------------------------------------------------------------- 体制 (type H)
def roles_part(ws: WorkshopStore, data=None) -> Part | None:
    """体制: the type H 体制案: who is 責任 and who 実行 for which stage's tasks, the meetings, and the
    matrix's open points (a task without 責任, an owner with nothing). ``None`` while nothing is entered."""
    if ws.rows("role_tasks").empty and ws.rows("role_owners").empty:
        return None
    from .roles import Roles

    model = Roles(ws, data)
    team, rules = model.summary_frame(), model.rules()
    facts = [("担い手", f"{len(team)}者（" + "、".join(team["担い手"]) + "）" if len(team) else "まだいません"),
             ("作業", f"{len(model.tasks())}件")]
    if len(rules):
        facts.append(("会議体", "、".join(f"{r.meeting}（{r.frequency}）" if r.frequency else r.meeting
                                         for r in rules.itertuples())))
    tables = (("担い手と役割", team),) if len(team) else ()
    warnings = model.warnings()   # one on the page (it is one A4 sheet); the worksheet lists them all
    notes = warnings[:1] + ([f"ほか確認が必要なこと {len(warnings) - 1} 件（Hタイプ作業台の「役割分担」）"]
                            if len(warnings) > 1 else [])
    return Part(tuple(facts), tables, tuple(notes))


PROVIDERS: list[Provider] = [
    Provider("problem", "問題", "C", "Cタイプ作業台",
             "課題を洗い出し、採点して絞り込み、実現したい地域像を書いてください", problem_part),
    Provider("research", "調査", "D", "Dタイプ作業台",
             "取組事例・実装されたサービス・類似サービスを記録してください", research_part),
    Provider("selection", "選定", "E", "Eタイプ作業台",
             "評価項目と事業者を登録し、採点してください", selection_part),
    Provider("team", "体制", "H", "Hタイプ作業台",
             "段階ごとの作業と担当（役割分担案）を決めてください", roles_part),
]


@dataclass
class ProjectSummary:
    """The summary of one workshop: every provider's section, read fresh on each call."""

    ws: WorkshopStore
    data: object = None
    providers: list[Provider] = field(default_factory=lambda: list(PROVIDERS))

    def sections(self) -> list[Section]:
        """Each provider's section in order; one that fails to read says why, the others still show."""
        books = load_types(self.data).set_index("type_id")["workbench"].to_dict()
        out = []
        for p in self.providers:
            notebook = books.get(p.type_id) or ""
            try:
                out.append(Section(p, p.read(self.ws, self.data), notebook))
            except OhayamiError as exc:
                out.append(Section(p, None, notebook, f"{p.worksheet}のデータを読めません：{exc.message}"))
        return out

    def overview_frame(self, sections: list[Section] | None = None) -> pd.DataFrame:
        """段階・状態・要点, one row per section: the chain at a glance."""
        rows = [(s.heading, s.state, s.lead) for s in (sections or self.sections())]
        return pd.DataFrame(rows, columns=["段階", "状態", "要点"])

    def export_frames(self) -> dict[str, pd.DataFrame]:
        """The overview, then each section's facts and tables, as sheets."""
        sections = self.sections()
        frames = {"まとめ": self.overview_frame(sections)}
        for s in sections:
            if s.part is None:
                continue
            rows = list(s.part.facts) + [("注意", n) for n in s.part.notes]
            frames[s.title] = pd.DataFrame(rows, columns=["項目", "内容"])
            for title, table in s.part.tables:
                frames[f"{s.title}・{title}"] = table
        return frames

    def export_xlsx(self) -> bytes:
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"プロジェクトのまとめ {self.ws.name}")
