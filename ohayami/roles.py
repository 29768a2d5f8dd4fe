"""Type H worksheet model: a proposal for who does what (役割分担案, the 体制案).

The guide's three steps for type H: 必要な作業の洗い出し (tasks per implementation stage, best listed
stage by stage, the guide says; seeded from type B's stage list), 推進体制の検討 (owners inside and
outside the town hall, and a RACI-style matrix: 実行・責任・相談・報告, drawn as an organisation chart),
体制構築 (the communication rules, and a formal document for the 上長's approval).

The project summary reads :meth:`Roles.summary_frame` (each owner with the tasks it is 責任 for).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, count

import pandas as pd

from .errors import OhayamiError
from .flow import default_stages, stored_stages
from .guide import type_card
from .store import WorkshopStore
from .textio import clean_name, one_line, stored_row_problem, title_key
from .textio import stored_value as _stored

TYPE_ID = "H"
KINDS = {"dept": "庁内の課", "external": "庁外の団体・人物", "vendor": "ベンダー", "expert": "外部専門家"}
KIND_COLOURS = {"dept": "#009E73", "external": "#CC79A7", "vendor": "#0072B2", "expert": "#D55E00"}
RACI = {"R": "実行", "A": "責任", "C": "相談", "I": "報告"}
RACI_NOTE = ("実行（R）：作業をする／責任（A）：結果に責任を持ち、完了を判断する（1つの作業に1人）／"
             "相談（C）：事前に意見を聞く／報告（I）：結果を知らせる。RACI の4区分は ohayami が用意したもので、ガイドにはありません。")
FROM_FLOW, FROM_DEFAULT, OWN = "flow", "default", "own"
SOURCE_LABELS = {FROM_FLOW: "Bの段階一覧から", FROM_DEFAULT: "ohayami の既定の段階から", OWN: "追加した作業"}
MAX_NAME, MAX_STAGE, MAX_TASK, MAX_RULE = 60, 40, 60, 200
# the organisation chart stays readable (and quick) with a crowd: the rest is named as 「ほか N 者」
CHART_OWNERS, CHART_STAGES = 40, 30
TASKS_LABEL, OWNERS_LABEL, RACI_LABEL = "実装の作業（role_tasks）", "担い手（role_owners）", "役割分担（role_raci）"
FIX_TASK = "Hタイプ作業台の「1 作業」でこの作業を選んで直すか、削除してください。"
FIX_OWNER = "Hタイプ作業台の「2 担い手」でこの担い手を選んで直すか、削除してください。"
FIX_RACI = "Hタイプ作業台の「3 役割分担」でこのセルを選び直してください。"

# A name's key is computed once per name: the clash checks compare a new name with every stored one.
_key = lru_cache(maxsize=16384)(title_key)


def unique_headings(names: list[str], ids: list[str], taken: tuple[str, ...] = ()) -> list[str]:
    """Column headings for owners: the name; when it clashes with a heading already there, 「名前（担い手）」,
    then the name with the owner's id, tried until one is unique, so no column overwrites another."""
    used, out = set(taken), []
    for name, oid in zip(names, ids):
        tries = chain((name, f"{name}（担い手）", f"{name}（{oid}）"), (f"{name}（{oid}・{n}）" for n in count(2)))
        head = next(h for h in tries if h not in used)
        used.add(head)
        out.append(head)
    return out


def parse_kind(value: object) -> str:
    """An owner's kind from its key or its words (庁内の課・庁外の団体・人物・ベンダー・外部専門家)."""
    text = str(value or "").strip()
    for key, label in KINDS.items():
        if text in (key, label):
            return key
    choices = "・".join(KINDS.values())
    if not text:
        raise OhayamiError(f"担い手の区分を選んでください（{choices}）。", field="owner_kind")
    raise OhayamiError(f"区分「{text}」は選べません。{choices} のどれかを選んでください。", field="owner_kind")


def owner_fields(name: object, kind: object) -> dict:
    """An owner's name and kind, checked (typed input and stored rows alike)."""
    return {"owner_name": one_line(name, "担い手の名前", "owner_name", MAX_NAME), "owner_kind": parse_kind(kind)}


def task_fields(stage_name: object, task_name: object) -> tuple[str, str]:
    """A task's stage and name, checked (typed input and stored rows alike)."""
    return one_line(stage_name, "段階", "stage_name", MAX_STAGE), one_line(task_name, "作業", "task_name", MAX_TASK)


def parse_raci(value: object) -> str:
    """R, A, C, I (or 実行・責任・相談・報告); "" clears the cell."""
    text = str(value or "").strip()
    if not text:
        return ""
    for key, label in RACI.items():
        if text.upper() == key or text in (label, f"{label}（{key}）", f"{label}({key})"):
            return key
    raise OhayamiError(f"役割「{text}」は選べません。実行・責任・相談・報告 のどれか（または空）を選んでください。",
                       field="raci")


@dataclass(frozen=True)
class SeedResult:
    """What a seeding from type B did: how many tasks it added, and from which stage list."""

    added: int
    skipped: int
    source: str

    @property
    def message(self) -> str:
        where = ("Bの段階一覧から" if self.source == FROM_FLOW else
                 "Bの段階一覧がまだないため、ohayami が用意した標準の段階一覧から")
        left = f"（すでにある {self.skipped} 件は重ねていません）" if self.skipped else ""
        return f"{where}作業を {self.added} 件読み込みました{left}。"


class Roles:
    """The type H model over one workshop. Views call these methods and show the frames they return."""

    RACI_NOTE = RACI_NOTE

    def __init__(self, ws: WorkshopStore, data=None):
        self.ws, self.data = ws, data
        self.card = type_card(TYPE_ID, data)

    def guide_step(self, step: int) -> tuple[str, str]:
        """(title, text) of the guide's type H step ``step`` (1 作業の洗い出し, 2 推進体制, 3 体制構築)."""
        return self.card.step(step)

    # ------------------------------------------------------------------ tasks
    def _stored_tasks(self) -> pd.DataFrame:
        df = self.ws.rows("role_tasks")
        return df.sort_values(["position", "task_id"], kind="stable").reset_index(drop=True)

    def _read_tasks(self) -> tuple[pd.DataFrame, list[str]]:
        cols = ["task_id", "stage_name", "task_name", "source"]
        rows, problems = [], []
        for rec in self._stored_tasks().to_dict("records"):
            try:
                stage, task = task_fields(_stored(rec["stage_name"]), _stored(rec["task_name"]))
            except OhayamiError as exc:
                problems.append(stored_row_problem(TASKS_LABEL, rec["task_id"], exc, FIX_TASK))
                continue
            rows.append((rec["task_id"], stage, task, _stored(rec["source"])))
        return pd.DataFrame(rows, columns=cols), problems

    def tasks(self) -> pd.DataFrame:
        """task_id, stage_name, task_name, source in their order (stage by stage); a stored row that
        fails the checks is left out (:meth:`stored_problems` reports it)."""
        return self._read_tasks()[0]

    def stage_names(self) -> list[str]:
        """The stages that have tasks, in the tasks' order."""
        return list(dict.fromkeys(self.tasks()["stage_name"]))

    def _task(self, task_id: str) -> dict:
        row = self.ws.get("role_tasks", task_id=task_id) if task_id else None
        if row is None:
            raise OhayamiError(f"作業「{task_id}」はありません。", field="task")
        return row

    _task_values = staticmethod(task_fields)

    def _task_keys(self, exclude: str | None = None) -> set[tuple[str, str]]:
        """(stage key, task key) of every stored task but ``exclude``: one read, each name's key cached."""
        df = self.ws.rows("role_tasks")
        return {(_key(str(_stored(s))), _key(str(_stored(t))))
                for tid, s, t in zip(df["task_id"], df["stage_name"], df["task_name"]) if tid != exclude}

    def _check_task_unique(self, stage: str, task: str, task_id: str | None = None) -> None:
        if (_key(stage), _key(task)) in self._task_keys(task_id):
            raise OhayamiError(f"「{stage}」にはすでに作業「{task}」があります。", field="task_name")

    def _write_order(self, ids: list[str], before: dict, actor: str | None) -> None:
        for pos, tid in enumerate(ids, start=1):
            if before.get(tid) != pos:   # only the rows that moved: adding a task stays quick with many
                self.ws.upsert("role_tasks", {"task_id": tid}, {"position": pos}, actor=actor)

    def _insert_tasks(self, new: list[tuple[str, str, str]], actor: str | None) -> list[str]:
        """Add (stage, task, source) rows, each after the last task of its stage (or at the end); one batch.
        Stored rows that fail the checks keep their place."""
        with self.ws.batch(actor):
            df = self._stored_tasks()
            before = dict(zip(df["task_id"], df["position"]))
            order = [(t, str(_stored(s))) for t, s in zip(df["task_id"], df["stage_name"])]
            ids = self.ws.next_id("role_tasks", "T", len(new)) if new else []
            for tid, (stage, task, source) in zip(ids, new):
                self.ws.upsert("role_tasks", {"task_id": tid}, {"stage_name": stage, "task_name": task, "source": source},
                               actor=actor)
                same = [i for i, (_, s) in enumerate(order) if _key(s) == _key(stage)]
                order.insert(same[-1] + 1 if same else len(order), (tid, stage))
            self._write_order([t for t, _ in order], before, actor)
        return ids

    def seed_from_flow(self, actor: str | None = None) -> SeedResult:
        """Each stage's main tasks in type B's stored stage list become tasks here (the kit's default
        stage list when B has none). A task already there (same stage and name) is not added again."""
        stages = stored_stages(self.ws)
        if len(stages):
            source, pairs = FROM_FLOW, [(r.stage_name, t) for r in stages.itertuples() for t in r.tasks]
        else:
            source, pairs = FROM_DEFAULT, [(s.stage_name, t) for s in default_stages(self.data) for t in s.tasks]
        with self.ws.batch(actor):
            # read inside the write lock: two pages seeding at once must not both add every task
            have = self._task_keys()
            new = []
            for stage, task in pairs:
                key = (_key(stage), _key(task))
                if key not in have:
                    have.add(key)
                    new.append((stage, task, source))
            self._insert_tasks(new, actor)
        return SeedResult(len(new), len(pairs) - len(new), source)

    def add_task(self, stage_name: object, task_name: object, actor: str | None = None) -> str:
        """A town's own task, placed after the last task of its stage."""
        stage, task = self._task_values(stage_name, task_name)
        self._check_task_unique(stage, task)
        return self._insert_tasks([(stage, task, OWN)], actor)[0]

    def update_task(self, task_id: str, stage_name: object, task_name: object, actor: str | None = None) -> None:
        self._task(task_id)
        stage, task = self._task_values(stage_name, task_name)
        self._check_task_unique(stage, task, task_id)
        self.ws.upsert("role_tasks", {"task_id": task_id}, {"stage_name": stage, "task_name": task}, actor=actor)

    def remove_task(self, task_id: str, actor: str | None = None) -> None:
        """Remove a task and its cells of the matrix, in one transaction."""
        self._task(task_id)
        with self.ws.batch(actor):
            self.ws.delete("role_tasks", {"task_id": task_id}, actor=actor)
            for oid in self.ws.rows("role_raci", task_id=task_id)["owner_id"]:
                self.ws.delete("role_raci", {"task_id": task_id, "owner_id": oid}, actor=actor)

    # ------------------------------------------------------------------ owners
    def _read_owners(self) -> tuple[pd.DataFrame, list[str]]:
        cols = ["owner_id", "owner_name", "owner_kind"]
        rows, problems = [], []
        for rec in self.ws.rows("role_owners").sort_values("owner_id").to_dict("records"):
            try:
                values = owner_fields(_stored(rec["owner_name"]), _stored(rec["owner_kind"]))
            except OhayamiError as exc:
                problems.append(stored_row_problem(OWNERS_LABEL, rec["owner_id"], exc, FIX_OWNER))
                continue
            rows.append((rec["owner_id"], values["owner_name"], values["owner_kind"]))
        rank = {k: i for i, k in enumerate(KINDS)}
        rows.sort(key=lambda r: rank[r[2]])   # stable: by kind, then as entered
        return pd.DataFrame(rows, columns=cols), problems

    def owners(self) -> pd.DataFrame:
        """owner_id, owner_name, owner_kind, grouped by kind in the order of KINDS, then as entered; a
        stored row that fails the checks is left out (:meth:`stored_problems` reports it)."""
        return self._read_owners()[0]

    def _owner(self, owner_id: str) -> dict:
        row = self.ws.get("role_owners", owner_id=owner_id) if owner_id else None
        if row is None:
            raise OhayamiError(f"担い手「{owner_id}」はいません。", field="owner")
        return row

    def _owner_values(self, name: object, kind: object, owner_id: str | None = None) -> dict:
        values = owner_fields(name, kind)
        text = values["owner_name"]
        df = self.ws.rows("role_owners")   # one read; each stored name's key is cached
        key = _key(text)
        if any(_key(str(_stored(n))) == key for oid, n in zip(df["owner_id"], df["owner_name"]) if oid != owner_id):
            raise OhayamiError(f"担い手「{text}」はすでにいます。", field="owner_name")
        return values

    def add_owner(self, owner_name: object, owner_kind: object, actor: str | None = None) -> str:
        """An owner (a department, an outside group or person, a vendor, an expert); returns its id."""
        values = self._owner_values(owner_name, owner_kind)
        with self.ws.batch(actor):
            owner_id = self.ws.next_id("role_owners", "O")[0]
            self.ws.upsert("role_owners", {"owner_id": owner_id}, values, actor=actor)
        return owner_id

    def update_owner(self, owner_id: str, owner_name: object, owner_kind: object, actor: str | None = None) -> None:
        self._owner(owner_id)
        self.ws.upsert("role_owners", {"owner_id": owner_id}, self._owner_values(owner_name, owner_kind, owner_id),
                       actor=actor)

    def remove_owner(self, owner_id: str, actor: str | None = None) -> None:
        """Remove an owner and its cells of the matrix, in one transaction."""
        self._owner(owner_id)
        with self.ws.batch(actor):
            self.ws.delete("role_owners", {"owner_id": owner_id}, actor=actor)
            for tid in self.ws.rows("role_raci", owner_id=owner_id)["task_id"]:
                self.ws.delete("role_raci", {"task_id": tid, "owner_id": owner_id}, actor=actor)

    # ------------------------------------------------------------------ the matrix
    def _read_raci(self, tasks: pd.DataFrame, owners: pd.DataFrame) -> tuple[dict, list[str]]:
        task_ids, owner_ids = set(tasks["task_id"]), set(owners["owner_id"])
        cells, problems = {}, []
        for r in self.ws.rows("role_raci").itertuples():
            if r.task_id not in task_ids or r.owner_id not in owner_ids:
                continue
            try:
                letter = parse_raci(_stored(r.raci))
            except OhayamiError as exc:
                problems.append(stored_row_problem(RACI_LABEL, f"{r.task_id}・{r.owner_id}", exc, FIX_RACI))
                continue
            if letter:
                cells[(r.task_id, r.owner_id)] = letter
        return cells, problems

    def raci(self) -> dict[tuple[str, str], str]:
        """(task id, owner id) → R/A/C/I for every filled cell of tasks and owners that exist."""
        return self._read_raci(self.tasks(), self.owners())[0]

    def stored_problems(self) -> list[str]:
        """Reports of stored rows the worksheet cannot use (a crafted or damaged file), each naming the
        table, the row and the field and how to fix it; the rest is shown without them."""
        tasks, task_problems = self._read_tasks()
        owners, owner_problems = self._read_owners()
        return task_problems + owner_problems + self._read_raci(tasks, owners)[1]

    def _picks(self, table: str, id_col: str, name_col: str, good: pd.Series) -> list[tuple[str, str]]:
        df = self.ws.rows(table).sort_values(id_col)
        ok = set(good)
        return [(f"{i} {_stored(n) or ''}" + ("" if i in ok else "（要修正）"), i) for i, n in zip(df[id_col], df[name_col])]

    def owner_picks(self) -> list[tuple[str, str]]:
        """(label, owner id) of every stored owner, unusable ones too (marked), so they can be fixed."""
        return self._picks("role_owners", "owner_id", "owner_name", self.owners()["owner_id"])

    def task_picks(self) -> list[tuple[str, str]]:
        """(label, task id) of every stored task in order, unusable ones too (marked)."""
        df, good = self._stored_tasks(), set(self.tasks()["task_id"])
        return [(f"{t} {_stored(s) or ''}：{_stored(n) or ''}" + ("" if t in good else "（要修正）"), t)
                for t, s, n in zip(df["task_id"], df["stage_name"], df["task_name"])]

    def owner_form(self, owner_id: str) -> dict:
        """An owner's stored values as form values (an unknown kind reads as the first kind)."""
        row = self._owner(owner_id)
        kind = _stored(row["owner_kind"])
        return {"owner_name": str(_stored(row["owner_name"])), "owner_kind": kind if kind in KINDS else next(iter(KINDS))}

    def task_form(self, task_id: str) -> dict:
        """A task's stored values as form texts."""
        row = self._task(task_id)
        return {"stage_name": str(_stored(row["stage_name"])), "task_name": str(_stored(row["task_name"]))}

    def set_raci(self, task_id: str, owner_id: str, value: object, actor: str | None = None) -> str:
        """Set one cell of the matrix (R/A/C/I, or "" to clear it)."""
        self._task(task_id)
        self._owner(owner_id)
        letter = parse_raci(value)
        key = {"task_id": task_id, "owner_id": owner_id}
        if letter:
            self.ws.upsert("role_raci", key, {"raci": letter}, actor=actor)
        else:
            self.ws.delete("role_raci", key, actor=actor)
        return letter

    def matrix_frame(self, short: bool = False) -> pd.DataFrame:
        """Tasks down, owners across, each cell 責任・実行・相談・報告 ("" when unassigned); ``short``
        gives one letter (R/A/C/I) instead, for the printout."""
        tasks, owners, cells = self.tasks(), self.owners(), self.raci()
        lead = {"段階": tasks["stage_name"], "作業": tasks["task_name"]}
        heads = unique_headings(list(owners["owner_name"]), list(owners["owner_id"]), tuple(lead))
        columns = {head: [(k if short else RACI[k]) if (k := cells.get((t, oid))) else "" for t in tasks["task_id"]]
                   for head, oid in zip(heads, owners["owner_id"])}
        return pd.DataFrame({**lead, **columns}, columns=[*lead, *heads])

    def warnings(self) -> list[str]:
        """Stored rows that cannot be used (:meth:`stored_problems`), then the matrix's rule checks: a
        task without 責任 or with more than one, an owner with nothing."""
        tasks, owners, cells = self.tasks(), self.owners(), self.raci()
        names = dict(zip(owners["owner_id"], owners["owner_name"]))
        out = self.stored_problems()
        for t in tasks.itertuples():
            accountable = [names[o] for (tid, o), k in cells.items() if tid == t.task_id and k == "A"]
            if not accountable:
                out.append(f"作業「{t.task_name}」（{t.stage_name}）に責任（A）の担い手がいません。1人決めてください。")
            elif len(accountable) > 1:
                out.append(f"作業「{t.task_name}」（{t.stage_name}）に責任（A）が{len(accountable)}人います"
                           f"（{'・'.join(accountable)}）。責任は1つの作業に1人にしてください。")
        busy = {o for (_, o) in cells}
        for r in owners.itertuples():
            if r.owner_id not in busy:
                out.append(f"担い手「{r.owner_name}」に割り当てた作業がありません。役割を割り当てるか、担い手から外してください。")
        return out

    # ------------------------------------------------------------------ communication rules
    def rules(self) -> pd.DataFrame:
        cols = ["rule_id", "meeting", "frequency", "channel", "members"]
        df = self.ws.rows("role_rules")
        return pd.DataFrame(columns=cols) if df.empty else df[cols].fillna("").sort_values("rule_id").reset_index(drop=True)

    @staticmethod
    def _rule_values(meeting, frequency, channel, members) -> dict:
        return {"meeting": one_line(meeting, "会議体", "meeting", MAX_NAME),
                "frequency": clean_name(frequency, "頻度", "frequency", MAX_NAME),
                "channel": clean_name(channel, "連絡手段", "channel", MAX_RULE),
                "members": clean_name(members, "参加者", "members", MAX_RULE)}

    def _rule(self, rule_id: str) -> dict:
        row = self.ws.get("role_rules", rule_id=rule_id) if rule_id else None
        if row is None:
            raise OhayamiError(f"ルール「{rule_id}」はありません。", field="rule")
        return row

    def add_rule(self, meeting: object, frequency: object = "", channel: object = "", members: object = "",
                 actor: str | None = None) -> str:
        """A meeting (会議体) with how often, how people keep in touch, and who takes part."""
        values = self._rule_values(meeting, frequency, channel, members)
        with self.ws.batch(actor):
            rule_id = self.ws.next_id("role_rules", "M")[0]
            self.ws.upsert("role_rules", {"rule_id": rule_id}, values, actor=actor)
        return rule_id

    def update_rule(self, rule_id: str, meeting: object, frequency: object = "", channel: object = "",
                    members: object = "", actor: str | None = None) -> None:
        self._rule(rule_id)
        self.ws.upsert("role_rules", {"rule_id": rule_id}, self._rule_values(meeting, frequency, channel, members),
                       actor=actor)

    def remove_rule(self, rule_id: str, actor: str | None = None) -> None:
        self._rule(rule_id)
        self.ws.delete("role_rules", {"rule_id": rule_id}, actor=actor)

    # ------------------------------------------------------------------ display frames
    def tasks_frame(self) -> pd.DataFrame:
        df = self.tasks()
        return pd.DataFrame({"ID": df["task_id"], "段階": df["stage_name"], "作業": df["task_name"],
                             "出所": df["source"].map(lambda s: SOURCE_LABELS.get(s, s))})

    def owners_frame(self) -> pd.DataFrame:
        df = self.owners()
        return pd.DataFrame({"ID": df["owner_id"], "担い手": df["owner_name"],
                             "区分": df["owner_kind"].map(lambda k: KINDS.get(k, k))})

    def rules_frame(self) -> pd.DataFrame:
        df = self.rules()
        return pd.DataFrame({"ID": df["rule_id"], "会議体": df["meeting"], "頻度": df["frequency"],
                             "連絡手段": df["channel"], "参加者": df["members"]})

    def summary_frame(self) -> pd.DataFrame:
        """One row per owner: 担い手, 区分, 責任を持つ作業 and 実行する作業 (「段階：作業」 joined by 「、」).
        The project summary shows this as the 体制."""
        tasks, owners, cells = self.tasks(), self.owners(), self.raci()
        label = {r.task_id: f"{r.stage_name}：{r.task_name}" for r in tasks.itertuples()}
        rows = []
        for r in owners.itertuples():
            mine = {k: [label[t] for t in tasks["task_id"] if cells.get((t, r.owner_id)) == k] for k in ("A", "R")}
            rows.append((r.owner_name, KINDS.get(r.owner_kind, r.owner_kind), "、".join(mine["A"]), "、".join(mine["R"])))
        return pd.DataFrame(rows, columns=["担い手", "区分", "責任を持つ作業", "実行する作業"])

    def org_chart_figure(self, size: tuple[float, float] | None = None):
        """The organisation chart: owners grouped by kind on the left, the stages on the right, a line
        from each owner to every stage in which it is 責任 for a task. ``size`` (inches) is for a page:
        the printout draws it at its printed size (the lines are measured from the drawn boxes). At most
        CHART_OWNERS owners and CHART_STAGES stages are drawn; the rest are counted (「ほか N 者」)."""
        from .plots import new_figure, plain_text_figure, short

        tasks, owners, cells = self.tasks(), self.owners(), self.raci()
        stage_of = dict(zip(tasks["task_id"], tasks["stage_name"]))
        all_stages = list(dict.fromkeys(tasks["stage_name"]))
        stages = all_stages[:CHART_STAGES]
        drawn = owners.iloc[:CHART_OWNERS]
        more_owners, more_stages = len(owners) - len(drawn), len(all_stages) - len(stages)

        @plain_text_figure
        def draw():
            rows: list[tuple[str, str, str | None]] = []   # (text, kind, owner id or None for a group heading)
            for kind, label in KINDS.items():
                mine = drawn[drawn.owner_kind == kind]
                if len(mine):
                    rows.append((label, kind, None))
                    rows += [(r.owner_name, kind, r.owner_id) for r in mine.itertuples()]
            if more_owners:
                rows.append((f"ほか {more_owners} 者（一覧は「担い手ごとの責任」）", "", None))
            n = max(len(rows), len(stages) + bool(more_stages), 1)
            fig, ax = new_figure(*(size or (10, max(3.5, 0.42 * n + 1.6))))
            ax.set_axis_off()
            ax.set_title("体制図（案）：担い手と、責任（A）を持つ段階")
            if not rows and not stages:
                ax.text(0.5, 0.5, "担い手と作業を入れると体制図を描きます", ha="center", va="center", transform=ax.transAxes)
                return fig
            ax.set_xlim(0, 1)
            ax.set_ylim(-0.5, n + 0.4)

            def ys(count):   # spread ``count`` boxes evenly over the height, top first
                return [n - 1 - (i + 0.5) * n / count + 0.5 for i in range(count)] if count else []

            where, boxes = {}, {}
            for (text, kind, oid), y in zip(rows, ys(len(rows))):
                if oid is None:
                    ax.text(0.02, y, f"【{text}】" if kind else text, ha="left", va="center", fontsize=11,
                            color=KIND_COLOURS.get(kind, "#555555"))
                else:
                    boxes[oid] = ax.text(0.05, y, short(text, 16), ha="left", va="center", fontsize=11,
                                         bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": KIND_COLOURS[kind],
                                               "lw": 1.5})
                    where[oid] = y
            # each line starts at the right edge of its owner's box, whatever the name's length
            fig.canvas.draw()   # lays the boxes out, so their edges can be measured
            renderer = fig.canvas.get_renderer()
            to_data = ax.transData.inverted()
            right = {o: to_data.transform((t.get_bbox_patch().get_window_extent(renderer).x1, 0))[0] + 0.005
                     for o, t in boxes.items()}
            stage_y = dict(zip(stages + ([None] if more_stages else []), ys(len(stages) + bool(more_stages))))
            for s, y in stage_y.items():
                if s is None:   # the line that counts the stages not drawn
                    ax.text(0.70, y, f"ほか {more_stages} 段階", ha="left", va="center", fontsize=11, color="#555555")
                    continue
                ax.text(0.70, y, short(s, 16), ha="left", va="center", fontsize=11,
                        bbox={"boxstyle": "square,pad=0.35", "fc": "#f2f2f2", "ec": "#555555"})
            kind_of = dict(zip(owners["owner_id"], owners["owner_kind"]))
            links = {(o, stage_of[t]) for (t, o), k in cells.items() if k == "A" and o in boxes and stage_of[t] in stages}
            for o, s in sorted(links):
                ax.plot([right[o], 0.69], [where[o], stage_y[s]], color=KIND_COLOURS.get(kind_of[o], "#777777"), lw=1.4,
                        alpha=0.8)
            ax.text(0.02, n - 0.1, "担い手（区分ごと）", ha="left", va="bottom", fontsize=10, color="#555555")
            ax.text(0.70, n - 0.1, "段階（線：責任を持つ）", ha="left", va="bottom", fontsize=10, color="#555555")
            return fig

        return draw()

    def export_frames(self) -> dict[str, pd.DataFrame]:
        return {"役割分担（RACI）": self.matrix_frame(), "担い手": self.owners_frame(), "作業": self.tasks_frame(),
                "担い手ごとの責任": self.summary_frame(), "コミュニケーションルール": self.rules_frame(),
                "確認事項": pd.DataFrame({"内容": self.warnings()}, columns=["内容"])}

    def export_xlsx(self) -> bytes:
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"役割分担案 {self.ws.name}")
