"""Type B worksheet model: the basic flow of a digital implementation (デジタル実装の基本の流れ).

The guide's two steps for type B: Step1 デジタル実装事例の調査 (a log of case interviews: 庁内の過去事例
and other towns, who was asked, what they did, what was learnt) and Step2 実装の基本の流れの理解 (the
standard flow as a stage list with purpose, main tasks, who leads, and planned months, drawn as a
timeline). The guide's own figure of the flow is missing from the source text, so the starting stage
list (``data/flow_stages.csv``) is the kit's, and says so on screen and in ``data/TRANSCRIPTION.md``.

Type H seeds its tasks from the stored stage list through :func:`stored_stages` (which never seeds)
and falls back to :func:`default_stages` when type B was never filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import OhayamiError
from .guide import data_dir, type_card
from .labels import COLUMN_LABELS
from .store import WorkshopStore
from .textio import (clean_name, one_line, parse_date, parse_number, read_text_table, stored_row_problem,
                     strip_controls, text_field, title_key)
from .textio import stored_value as _stored

TYPE_ID = "B"
PLAN_ID = "P001"
DEFAULTS_FILE = "flow_stages.csv"
TOWN, VENDOR, BOTH = "town", "vendor", "both"
LEAD_LABELS = {TOWN: "自治体", VENDOR: "ベンダー", BOTH: "双方"}
# the guide's legend: 緑 = 自治体側がメインで推進する工程, 青 = ITベンダー側 (Okabe–Ito green and blue);
# 双方 is the kit's third kind, in the palette's orange
LEAD_COLOURS = {TOWN: "#009E73", VENDOR: "#0072B2", BOTH: "#E69F00"}
KIT, OWN = "ohayami", "own"
SOURCE_LABELS = {KIT: "ohayami の段階", OWN: "追加・変更した段階"}
KIT_NOTE = ("この段階一覧はガイドの図がないため ohayami が用意したものです（ガイドの「デジタル実装の基本の流れ」の図は"
            "抽出テキストにありません。図は原典を参照してください）。自団体の進め方に合わせて変えてください。")
MAX_START, MAX_MONTHS = 60, 36
MAX_STAGE, MAX_TASK, MAX_TASKS = 40, 60, 12
TASK_SPLIT = re.compile(r"[\n／]")
_YEAR_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月?)")
_WIDE = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


# ---------------------------------------------------------------------- checked values

def parse_lead(value: object) -> str:
    """Who leads a stage, from its key (town/vendor/both) or its word (自治体・ベンダー・双方)."""
    text = str(value or "").strip()
    for key, label in LEAD_LABELS.items():
        if text in (key, label):
            return key
    if not text:
        raise OhayamiError("主導を選んでください（自治体・ベンダー・双方）。", field="lead")
    raise OhayamiError(f"主導「{text}」は選べません。自治体・ベンダー・双方 のどれかを選んでください。", field="lead")


def parse_start_month(value: object) -> int:
    """The month a stage starts, counted from the project's first month (1 = 1か月目)."""
    return int(parse_number(value, "開始月（何か月目）", "start_month", minimum=1, maximum=MAX_START, integer=True,
                            unit="か月目"))


def parse_months(value: object) -> int:
    """How many months a stage lasts (whole months)."""
    return int(parse_number(value, "期間（月）", "months", minimum=1, maximum=MAX_MONTHS, integer=True, unit="か月"))


def parse_year_month(value: object) -> str:
    """The project's first month as ``YYYY-MM`` (2026-04, 2026/4, 2026年4月); "" when empty."""
    text = strip_controls(str(value or "")).strip()
    if not text:
        return ""
    m = _YEAR_MONTH.fullmatch(text.translate(_WIDE))
    if not m:
        raise OhayamiError(f"開始年月「{text}」は年月として読めません。2026-04・2026/4・2026年4月 のどれかの形で"
                           "入れてください。", field="start")
    year, month = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12 or year < 1:
        raise OhayamiError(f"開始年月「{text}」はありえない年月です（月は1～12）。2026-04 の形で入れ直してください。",
                           field="start")
    return f"{year:04d}-{month:02d}"


def split_tasks(value: object) -> list[str]:
    """The main tasks of a stage, one per line (or separated by 「／」), each checked, no repeats."""
    out: list[str] = []
    for part in TASK_SPLIT.split(strip_controls(str(value or ""))):
        task = clean_name(part, "主な作業", "tasks", MAX_TASK)
        if task and title_key(task) not in {title_key(t) for t in out}:
            out.append(task)
    if len(out) > MAX_TASKS:
        raise OhayamiError(f"主な作業は1つの段階に{MAX_TASKS}個までにしてください（いま{len(out)}個）。", field="tasks")
    return out


@dataclass(frozen=True)
class Stage:
    """One stage of the implementation flow, checked."""

    stage_name: str
    purpose: str
    tasks: tuple[str, ...]
    lead: str
    start_month: int
    months: int

    @property
    def end_month(self) -> int:
        return self.start_month + self.months - 1

    def values(self) -> dict:
        return {"stage_name": self.stage_name, "purpose": self.purpose, "tasks": "\n".join(self.tasks),
                "lead": self.lead, "start_month": self.start_month, "months": self.months}


def make_stage(stage_name: object, purpose: object = "", tasks: object = "", lead: object = "",
               start_month: object = "", months: object = "") -> Stage:
    """A stage from typed values; every field is checked, the first refusal raised with its field."""
    return Stage(one_line(stage_name, "段階の名前", "stage_name", MAX_STAGE), text_field(purpose, "目的", "purpose", 300),
                 tuple(split_tasks(tasks)), parse_lead(lead), parse_start_month(start_month), parse_months(months))


def default_stages(data: str | Path | None = None) -> list[Stage]:
    """The kit's starting stage list from ``data/flow_stages.csv``, each row checked like a typed stage."""
    path = data_dir(data) / DEFAULTS_FILE
    if not path.exists():
        raise OhayamiError("ファイルが見つかりません。data フォルダーに元のファイルを戻してください。", file=DEFAULTS_FILE)
    header, rows = read_text_table(path, DEFAULTS_FILE)
    cols = ("stage_name", "purpose", "tasks", "lead", "start_month", "months")
    missing = [c for c in cols if c not in header]
    if missing:
        raise OhayamiError("必要な列がありません：" + "、".join(f"{c}（{COLUMN_LABELS[c]}）" for c in missing)
                           + "。見出し行を元のファイルと同じにしてください。", file=DEFAULTS_FILE, row=1)
    out: list[Stage] = []
    for i, cells in enumerate(rows, start=2):
        rec = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        try:
            stage = make_stage(*(rec[c] for c in cols))
        except OhayamiError as exc:
            raise OhayamiError(exc.message, file=DEFAULTS_FILE, row=i, column=exc.field) from None
        if any(title_key(s.stage_name) == title_key(stage.stage_name) for s in out):
            raise OhayamiError(f"段階「{stage.stage_name}」が重複しています。", file=DEFAULTS_FILE, row=i,
                               column="stage_name")
        out.append(stage)
    if not out:
        raise OhayamiError("データ行がありません。少なくとも1行入力してください。", file=DEFAULTS_FILE)
    return out


STAGE_COLUMNS = ["stage_id", "stage_name", "purpose", "tasks", "lead", "start_month", "months", "source"]
STAGE_FIELDS = ("stage_name", "purpose", "tasks", "lead", "start_month", "months")
STAGES_LABEL, PLAN_LABEL = "実装の段階（flow_stages）", "実装の計画（flow_plan）"


def read_stages(ws: WorkshopStore) -> tuple[pd.DataFrame, list[str]]:
    """The stored stage list, each row checked by :func:`make_stage` like a typed stage, and the
    reports of the rows that fail (those rows are left out, the rest still shows)."""
    df = ws.rows("flow_stages")
    if df.empty:
        return pd.DataFrame(columns=STAGE_COLUMNS), []
    df = df.sort_values(["position", "stage_id"], kind="stable").reset_index(drop=True)
    rows, problems = [], []
    for rec in df.to_dict("records"):
        try:
            stage = make_stage(*(_stored(rec[c]) for c in STAGE_FIELDS))
        except OhayamiError as exc:
            problems.append(stored_row_problem(
                STAGES_LABEL, rec["stage_id"], exc, "Bタイプ作業台の「2 段階一覧」でこの段階を選んで直すか、削除してください。"))
            continue
        rows.append({"stage_id": rec["stage_id"], **stage.values(), "tasks": list(stage.tasks),
                     "source": _stored(rec["source"])})
    return pd.DataFrame(rows, columns=STAGE_COLUMNS), problems


def stored_stages(ws: WorkshopStore) -> pd.DataFrame:
    """The stage list stored in the workshop, in its order (never seeds: type H reads it as it is).
    ``tasks`` is a list of strings, months are ints; rows that fail the checks are left out
    (:func:`read_stages` reports them)."""
    return read_stages(ws)[0]


def read_plan_start(ws: WorkshopStore) -> tuple[str, list[str]]:
    """The stored first month (YYYY-MM, "" when unset), checked like a typed one; a bad value reads
    as unset, with its report."""
    row = ws.get("flow_plan", plan_id=PLAN_ID) or {}
    try:
        return parse_year_month(_stored(row.get("start"))), []
    except OhayamiError as exc:
        return "", [stored_row_problem(PLAN_LABEL, PLAN_ID, exc, "「2 段階一覧」の「1か月目の年月」を入れ直してください"
                                       "（それまでは「何か月目」で表示します）。")]


def month_label(start: str, month: int) -> str:
    """「2026年6月」 for month ``month`` (1-based) of a plan starting ``start`` (YYYY-MM); 「3か月目」 without one."""
    if not start:
        return f"{month}か月目"
    y, m = (int(x) for x in start.split("-"))
    k = y * 12 + (m - 1) + (month - 1)
    return f"{k // 12}年{k % 12 + 1}月"


class Flow:
    """The type B model over one workshop: interviews (Step1) and the stage list (Step2)."""

    KIT_NOTE = KIT_NOTE

    def __init__(self, ws: WorkshopStore, data=None):
        self.ws, self.data = ws, data
        self.card = type_card(TYPE_ID, data)
        if not self._seeded():
            self._seed()

    def _seeded(self) -> bool:
        row = self.ws.get("flow_plan", plan_id=PLAN_ID)
        return bool(row and row.get("seeded"))

    def _seed(self) -> None:
        stages = default_stages(self.data)
        with self.ws.batch():
            if self._seeded():   # another page seeded between the first check and the write lock
                return
            ids = self.ws.next_id("flow_stages", "ST", len(stages))
            for pos, (stage_id, stage) in enumerate(zip(ids, stages), start=1):
                self.ws.upsert("flow_stages", {"stage_id": stage_id}, {**stage.values(), "source": KIT, "position": pos})
            self.ws.upsert("flow_plan", {"plan_id": PLAN_ID}, {"seeded": 1})

    def guide_step(self, step: int) -> tuple[str, str]:
        """(title, text) of the guide's type B step ``step`` (1 事例の調査, 2 基本の流れの理解)."""
        return self.card.step(step)

    # ------------------------------------------------------------------ Step1: case interviews
    def interviews(self) -> pd.DataFrame:
        """interview_id, interviewee, organisation, what_done, lessons, heard_on (texts, "" for blanks)."""
        cols = ["interview_id", "interviewee", "organisation", "what_done", "lessons", "heard_on"]
        df = self.ws.rows("flow_interviews")
        if df.empty:
            return pd.DataFrame(columns=cols)
        return df[cols].fillna("").sort_values("interview_id", kind="stable").reset_index(drop=True)

    @staticmethod
    def _interview_values(interviewee, organisation, what_done, lessons, heard_on) -> dict:
        return {"interviewee": one_line(interviewee, "誰に", "interviewee", 60),
                "organisation": clean_name(organisation, "所属・団体", "organisation", 80),
                "what_done": text_field(what_done, "取り組んだこと", "what_done", 1000),
                "lessons": text_field(lessons, "学び", "lessons", 1000),
                "heard_on": parse_date(heard_on, "聞いた日", "heard_on")}

    def _interview(self, interview_id: str) -> dict:
        row = self.ws.get("flow_interviews", interview_id=interview_id) if interview_id else None
        if row is None:
            raise OhayamiError(f"聞き取り「{interview_id}」はありません。", field="interview")
        return row

    def add_interview(self, interviewee: object, organisation: object = "", what_done: object = "",
                      lessons: object = "", heard_on: object = "", actor: str | None = None) -> str:
        """Log one interview (who was asked is required); returns its id."""
        values = self._interview_values(interviewee, organisation, what_done, lessons, heard_on)
        with self.ws.batch(actor):
            interview_id = self.ws.next_id("flow_interviews", "IV")[0]
            self.ws.upsert("flow_interviews", {"interview_id": interview_id}, values, actor=actor)
        return interview_id

    def update_interview(self, interview_id: str, interviewee: object, organisation: object = "",
                         what_done: object = "", lessons: object = "", heard_on: object = "",
                         actor: str | None = None) -> dict:
        """Save the whole form of one interview; nothing is saved when one field is refused."""
        self._interview(interview_id)
        values = self._interview_values(interviewee, organisation, what_done, lessons, heard_on)
        self.ws.upsert("flow_interviews", {"interview_id": interview_id}, values, actor=actor)
        return values

    def delete_interview(self, interview_id: str, actor: str | None = None) -> None:
        self._interview(interview_id)
        self.ws.delete("flow_interviews", {"interview_id": interview_id}, actor=actor)

    def interviews_frame(self) -> pd.DataFrame:
        """The interview log as screens and exports show it."""
        df = self.interviews()
        return pd.DataFrame({"ID": df["interview_id"], "誰に": df["interviewee"], "所属・団体": df["organisation"],
                             "取り組んだこと": df["what_done"], "学び": df["lessons"], "聞いた日": df["heard_on"]})

    # ------------------------------------------------------------------ Step2: the stage list
    def stages(self) -> pd.DataFrame:
        """The stage list in order (see :func:`stored_stages`)."""
        return stored_stages(self.ws)

    def _stage_row(self, stage_id: str) -> dict:
        row = self.ws.get("flow_stages", stage_id=stage_id) if stage_id else None
        if row is None:
            raise OhayamiError(f"段階「{stage_id}」はありません。", field="stage")
        return row

    def _check_unique(self, name: str, stage_id: str | None = None) -> None:
        others = self.stages()
        others = others[others.stage_id != stage_id]
        if any(title_key(n) == title_key(name) for n in others["stage_name"]):
            raise OhayamiError(f"段階「{name}」はすでにあります。別の名前にしてください。", field="stage_name")

    def add_stage(self, stage_name: object, purpose: object = "", tasks: object = "", lead: object = "",
                  start_month: object = "", months: object = "", actor: str | None = None) -> str:
        """A new stage at the end of the list; returns its id."""
        stage = make_stage(stage_name, purpose, tasks, lead, start_month, months)
        self._check_unique(stage.stage_name)
        with self.ws.batch(actor):
            stage_id = self.ws.next_id("flow_stages", "ST")[0]
            positions = pd.to_numeric(self.ws.rows("flow_stages")["position"], errors="coerce").dropna()
            position = (float(positions.max()) if len(positions) else 0) + 1
            self.ws.upsert("flow_stages", {"stage_id": stage_id}, {**stage.values(), "source": OWN, "position": position},
                           actor=actor)
        return stage_id

    def update_stage(self, stage_id: str, stage_name: object, purpose: object = "", tasks: object = "",
                     lead: object = "", start_month: object = "", months: object = "",
                     actor: str | None = None) -> Stage:
        """Save the whole form of one stage; an edited kit stage is marked as the town's own."""
        row = self._stage_row(stage_id)
        stage = make_stage(stage_name, purpose, tasks, lead, start_month, months)
        self._check_unique(stage.stage_name, stage_id)
        try:
            unchanged = stage == make_stage(*(_stored(row[c]) for c in STAGE_FIELDS))
        except OhayamiError:  # a stored row that no longer passes (an imported file): it is being corrected
            unchanged = False
        source = row["source"] if unchanged else OWN
        self.ws.upsert("flow_stages", {"stage_id": stage_id}, {**stage.values(), "source": source}, actor=actor)
        return stage

    def remove_stage(self, stage_id: str, actor: str | None = None) -> None:
        self._stage_row(stage_id)
        self.ws.delete("flow_stages", {"stage_id": stage_id}, actor=actor)

    def move_stage(self, stage_id: str, step: int, actor: str | None = None) -> bool:
        """Move a stage up (-1) or down (+1) in the list; False when it is already at that end."""
        self._stage_row(stage_id)
        if step not in (-1, 1):
            raise OhayamiError("並べ替えは1つ上か1つ下にしてください。", field="stage")
        with self.ws.batch(actor):
            ids = [sid for _, sid in self.stage_picks()]   # unusable rows keep their place too
            i = ids.index(stage_id)
            j = i + step
            if not 0 <= j < len(ids):
                return False
            ids[i], ids[j] = ids[j], ids[i]
            for pos, sid in enumerate(ids, start=1):
                self.ws.upsert("flow_stages", {"stage_id": sid}, {"position": pos}, actor=actor)
        return True

    def plan_start(self) -> str:
        """The checked first month (YYYY-MM), "" when unset or when the stored value is unusable."""
        return read_plan_start(self.ws)[0]

    def stored_problems(self) -> list[str]:
        """Reports of stored values the worksheet cannot use (a crafted or damaged file): each names
        the table, the row and the field, and says how to fix it. The rest is shown without them."""
        return read_stages(self.ws)[1] + read_plan_start(self.ws)[1]

    def stage_picks(self) -> list[tuple[str, str]]:
        """(label, stage id) of every stored stage in order, unusable ones too (marked), so they can be
        corrected or removed."""
        df = self.ws.rows("flow_stages")
        if df.empty:
            return []
        good = set(self.stages()["stage_id"])
        df = df.sort_values(["position", "stage_id"], kind="stable")
        return [(f"{i}. {_stored(r.stage_name) or r.stage_id}" + ("" if r.stage_id in good else "（要修正）"), r.stage_id)
                for i, r in enumerate(df.itertuples(), start=1)]

    def stage_form(self, stage_id: str) -> dict:
        """The stored values of one stage as form texts (an unusable row too, as it is stored)."""
        row = self._stage_row(stage_id)
        text = {c: str(_stored(row[c])) for c in STAGE_FIELDS}
        for c in ("start_month", "months"):   # 3.0 as stored by SQLite REAL reads 3
            v = _stored(row[c])
            if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
                text[c] = str(int(v))
        return text

    def set_plan_start(self, value: object, actor: str | None = None) -> str:
        """The calendar month of 1か月目 (YYYY-MM), or "" to count months only."""
        start = parse_year_month(value)
        self.ws.upsert("flow_plan", {"plan_id": PLAN_ID}, {"start": start}, actor=actor)
        return start

    def order_warnings(self) -> list[str]:
        """Stored rows that cannot be used (see :meth:`stored_problems`), then stages planned to start
        before the stage above them (the guide warns that a wrong order means rework); empty when the
        timeline follows the list."""
        df = self.stages()
        out = self.stored_problems()
        for prev, cur in zip(df.itertuples(), list(df.itertuples())[1:]):
            if cur.start_month < prev.start_month:
                out.append(f"「{cur.stage_name}」（{cur.start_month}か月目から）が、一つ前の「{prev.stage_name}」"
                           f"（{prev.start_month}か月目から）より先に始まる予定です。順番か開始月を確かめてください。")
        return out

    def stages_frame(self) -> pd.DataFrame:
        """The stage list in order as screens, the export and the printout show it."""
        df = self.stages()
        start = self.plan_start()
        return pd.DataFrame({
            "順": range(1, len(df) + 1), "段階": df["stage_name"], "目的": df["purpose"],
            "主な作業": df["tasks"].map("\n".join), "主導": df["lead"].map(lambda k: LEAD_LABELS.get(k, k)),
            "開始": [month_label(start, int(m)) for m in df["start_month"]], "期間（月）": df["months"],
            "終了": [month_label(start, int(s + m - 1)) for s, m in zip(df["start_month"], df["months"])],
            "出所": df["source"].map(lambda s: SOURCE_LABELS.get(s, s))})

    def timeline_figure(self, size: tuple[float, float] | None = None):
        """The stage list as a Gantt-style figure: months across, stages down, coloured by who leads.
        ``size`` (inches) is for a page: the printout draws it at its printed size."""
        from .plots import new_figure, plain_text_figure, short

        df = self.stages()
        start = self.plan_start()

        @plain_text_figure
        def draw():
            from matplotlib.patches import Patch

            fig, ax = new_figure(*(size or (10, max(3.0, 0.55 * len(df) + 2.0))))
            if df.empty:
                ax.text(0.5, 0.5, "段階がありません。段階を追加してください", ha="center", va="center", transform=ax.transAxes)
                ax.set_axis_off()
                return fig
            last = int((df["start_month"] + df["months"] - 1).max())
            y = list(range(len(df)))[::-1]
            for yy, r in zip(y, df.itertuples()):
                ax.barh(yy, r.months, left=r.start_month - 0.5, color=LEAD_COLOURS.get(r.lead, "#999999"),
                        edgecolor="white", height=0.6)
                ax.text(r.start_month + r.months - 0.4, yy, f" {r.months}か月", va="center", fontsize=10)
            ax.set_yticks(y, [short(n, 14) for n in df["stage_name"]])
            step = 1 if last <= 12 else 3 if last <= 36 else 6
            ticks = list(range(1, last + 2, step))
            ax.set_xticks(ticks, [month_label(start, t) if start else str(t) for t in ticks],
                          rotation=30 if start else 0, ha="right" if start else "center")
            ax.set_xlim(0.5, last + 3)
            ax.set_xlabel("月" if start else "何か月目")
            ax.grid(axis="x", color="#dddddd", linewidth=0.8)
            ax.set_axisbelow(True)
            ax.set_title("デジタル実装の予定（段階ごとの期間）")
            ax.legend(handles=[Patch(color=LEAD_COLOURS[k], label=f"{v}が主導") for k, v in LEAD_LABELS.items()],
                      loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=10, frameon=False)
            ax.spines[["top", "right"]].set_visible(False)
            return fig

        return draw()

    # ------------------------------------------------------------------ exports
    def export_frames(self) -> dict[str, pd.DataFrame]:
        plan = pd.DataFrame([("開始年月（1か月目）", self.plan_start() or "（未設定）"),
                             ("段階一覧の出所", KIT_NOTE)], columns=["項目", "内容"])
        return {"事例の聞き取り": self.interviews_frame(), "実装の段階": self.stages_frame(), "計画": plan}

    def export_xlsx(self) -> bytes:
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"デジタル実装の基本の流れ {self.ws.name}")
