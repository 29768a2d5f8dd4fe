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
    """選定: the type E ranking and the vendor in first place, its total against the maximum and the
    version of the weights the result was computed with."""
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
    facts = (("選定（1位）", chosen + ("（同点）" if len(winners) > 1 else "")), ("合計／満点", score),
             ("重みの版", frame.attrs["weights_version"]), ("満点", frame.attrs["maximums"]),
             ("比べた事業者", f"{len(vendors)}者"))
    return Part(facts, (("ランキング", frame[RESULT_LEAD].reset_index(drop=True)),), tuple(notes))


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
