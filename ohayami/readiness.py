"""Type A worksheet model: the guide's three basic points (基本の3ポイント) and how far a town has them.

For each point (テーマ, 推進の中心的人物, 味方になってくれる上長) the workshop records its state
(できている・一部・まだ), who, the evidence, and the next action with its date, one row per point. The
readiness card names the first point, in the guide's order, that is not yet できている, with the
guide's own words on what happens without it and how to get it (A.yaml's ``points``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import OhayamiError
from .guide import type_card
from .store import WorkshopStore
from .textio import clean_name, parse_date, text_field

TYPE_ID = "A"
DONE, PARTLY, NOT_YET = "done", "partly", "not_yet"
STATE_LABELS = {DONE: "できている", PARTLY: "一部", NOT_YET: "まだ"}
UNSET = "未記入"
# The short names the worksheet uses for the guide's three point titles (ohayami's wording).
SHORT_NAMES = {1: "テーマ", 2: "推進の中心的人物", 3: "味方になってくれる上長"}
# What "できている" has to name for each point: the guide asks that the theme be decided and that the
# people be clear (明確であること), so a point marked done without them is refused.
DONE_NEEDS = {1: ("basis", "根拠（決まっているテーマ）"), 2: ("who", "誰が（中心的人物）"), 3: ("who", "誰が（上長）")}
FIELD_LABELS = {"state": "状態", "who": "誰が", "basis": "根拠", "next_action": "次の一手", "due": "期日"}
MAX_ACTION = 300


@dataclass(frozen=True)
class Point:
    """One of the guide's three points, as A.yaml gives it."""

    number: int
    title: str
    point: str
    pitfall_title: str
    pitfall: str
    how_title: str
    how: tuple[str, ...]
    case_failures: tuple[str, ...]
    case_actions: tuple[str, ...]

    @property
    def short(self) -> str:
        return SHORT_NAMES.get(self.number, self.title)

    @property
    def label(self) -> str:
        """「ポイント①テーマ」: how screens and exports name the point."""
        return f"ポイント{'①②③④⑤'[self.number - 1] if 1 <= self.number <= 5 else self.number}{self.short}"


@dataclass(frozen=True)
class PointRecord:
    """What the workshop has written for one point (state None until someone saves it)."""

    number: int
    state: str | None = None
    who: str = ""
    basis: str = ""
    next_action: str = ""
    due: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state or "", UNSET)


@dataclass(frozen=True)
class ReadinessCard:
    """The blocking point (None when all three are できている) with the guide's advice for it."""

    blocking: Point | None
    record: PointRecord | None
    n_done: int
    cautions: tuple[str, ...]
    merits: tuple[str, ...]

    @property
    def headline(self) -> str:
        if self.blocking is None:
            return "基本の3ポイントをすべて押さえています。"
        return f"まず押さえるのは {self.blocking.label}（いま：{self.record.state_label}）"

    @property
    def missing_action(self) -> bool:
        """The blocking point has no next action written yet."""
        return self.blocking is not None and not self.record.next_action


def parse_state(value: object) -> str:
    """A state from its key (done/partly/not_yet) or its words (できている・一部・まだ)."""
    text = str(value or "").strip()
    for key, label in STATE_LABELS.items():
        if text in (key, label):
            return key
    if not text:
        raise OhayamiError("状態を選んでください（できている・一部・まだ）。", field="state")
    raise OhayamiError(f"状態「{text}」は選べません。できている・一部・まだ のどれかを選んでください。", field="state")


class ReadinessSheet:
    """The type A model over one workshop. Views call these methods and show the frames they return."""

    def __init__(self, ws: WorkshopStore, data=None):
        self.ws, self.data = ws, data
        card = type_card(TYPE_ID, data)
        raw = card.extras.get("points") or []
        if len(raw) != 3:
            raise OhayamiError("ガイドのデータ（A.yaml）に基本の3ポイントがありません。ガイドのデータを確かめてください。",
                               file="A.yaml")
        self.points: list[Point] = [
            Point(int(p["number"]), p["title"], p["point"], p["pitfall_title"], p["pitfall"], p["how_title"],
                  tuple(p["how"]), tuple(p["case_failures"]), tuple(p["case_actions"]))
            for p in sorted(raw, key=lambda p: int(p["number"]))]
        self.cautions = tuple(card.cautions)
        self.merits = tuple(card.merits)

    # ------------------------------------------------------------------ reading
    def point(self, number: object) -> Point:
        """The guide's point ``number`` (1–3)."""
        for p in self.points:
            if str(p.number) == str(number).strip():
                return p
        raise OhayamiError(f"ポイント「{number}」はありません。1～3 のどれかを選んでください。", field="point")

    def record(self, number: object) -> PointRecord:
        """What is stored for point ``number`` (an empty record when nothing is)."""
        p = self.point(number)
        row = self.ws.get("readiness", point_no=p.number)
        if row is None:
            return PointRecord(p.number)
        return PointRecord(p.number, row["state"], *(row[c] or "" for c in ("who", "basis", "next_action", "due")))

    def records(self) -> list[PointRecord]:
        return [self.record(p.number) for p in self.points]

    # ------------------------------------------------------------------ writing
    def save_point(self, number: object, *, state: object, who: object = "", basis: object = "",
                   next_action: object = "", due: object = "", actor: str | None = None) -> PointRecord:
        """Save the whole form of one point at once; every field is checked first, nothing is saved
        when one is refused."""
        p = self.point(number)
        rec = PointRecord(
            p.number, parse_state(state), clean_name(who, "誰が", "who"), text_field(basis, "根拠", "basis"),
            text_field(next_action, "次の一手", "next_action", MAX_ACTION), parse_date(due, "期日", "due"))
        if rec.due and not rec.next_action:
            raise OhayamiError("期日だけが入っています。その日までに何をするか（次の一手）を書いてください。",
                               field="next_action")
        if rec.next_action and not rec.due:
            raise OhayamiError("次の一手には期日を入れてください（例：2026-12-01）。いつまでにやるかを決めると"
                               "検討が止まりにくくなります。", field="due")
        column, what = DONE_NEEDS.get(p.number, (None, ""))
        if rec.state == DONE and column and not getattr(rec, column):
            raise OhayamiError(f"「できている」にするには{what}を書いてください。書けないときは「一部」を選びましょう。",
                               field=column)
        self.ws.upsert("readiness", {"point_no": p.number},
                       {"state": rec.state, "who": rec.who, "basis": rec.basis, "next_action": rec.next_action,
                        "due": rec.due}, actor=actor)
        return rec

    def clear_point(self, number: object, actor: str | None = None) -> bool:
        """Forget what was written for one point (it shows as 未記入 again)."""
        return self.ws.delete("readiness", {"point_no": self.point(number).number}, actor=actor)

    # ------------------------------------------------------------------ the card
    def card(self) -> ReadinessCard:
        """The first point, in the guide's order, that is not できている (an unsaved point counts as まだ)."""
        records = self.records()
        n_done = sum(r.state == DONE for r in records)
        for p, r in zip(self.points, records):
            if r.state != DONE:
                return ReadinessCard(p, r, n_done, self.cautions, self.merits)
        return ReadinessCard(None, None, n_done, self.cautions, self.merits)

    # ------------------------------------------------------------------ display frames
    def points_frame(self) -> pd.DataFrame:
        """The three points as screens, the export and the printable page list them (texts)."""
        rows = [[p.label, p.title, r.state_label, r.who, r.basis, r.next_action, r.due]
                for p, r in zip(self.points, self.records())]
        return pd.DataFrame(rows, columns=["ポイント", "ガイドのポイント", "状態", "誰が", "根拠", "次の一手", "期日"])

    def advice_frame(self, point: Point | None = None) -> pd.DataFrame:
        """The guide's advice for one point (the blocking one by default), one row per sentence:
        押さえていないとどうなるか, 押さえるための対応, 事例での対応."""
        p = point or self.card().blocking
        if p is None:
            return pd.DataFrame([], columns=["区分", "ガイドの記述"])
        rows = [("押さえていないとどうなるか", f"{p.pitfall_title}：{p.pitfall}")]
        rows += [(f"押さえるための対応（{p.how_title}）", h) for h in p.how]
        rows += [("事例での対応", a) for a in p.case_actions]
        return pd.DataFrame(rows, columns=["区分", "ガイドの記述"])

    def export_frames(self) -> dict[str, pd.DataFrame]:
        card = self.card()
        summary = pd.DataFrame([("できているポイント", f"{card.n_done} / {len(self.points)}"),
                                ("まず押さえるポイント", card.blocking.label if card.blocking else "（すべて押さえています）")],
                               columns=["項目", "内容"])
        return {"基本の3ポイント": self.points_frame(), "準備度": summary, "ガイドの助言": self.advice_frame()}

    def export_xlsx(self) -> bytes:
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"基本の3ポイント {self.ws.name}")
