"""Tab 1 基本の3ポイント: one form per point of the guide (state, who, evidence, next action and date)."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ...readiness import FIELD_LABELS, STATE_LABELS, Point
from .. import common as C
from ..panel import Panel, attempt, with_messages
from ..sheet_parts import boxed, note

# what each point's evidence box asks for (ohayami's examples, shown as placeholders)
BASIS_HINTS = {1: "例：総合計画の重点プロジェクト「子育て支援」をテーマにする",
               2: "例：企画課の担当として任命されている／自ら手を挙げた",
               3: "例：課長が先月の課内会議で取組に賛同した"}
KIT_NOTE = ("ポイントの文と助言はガイドのまま。状態の3区分（できている・一部・まだ）、短い名前、入力欄の例は"
            " ohayami によるもので、ガイドにはありません。")
WHO_HINTS = {1: "テーマを決めた人・部署", 2: "中心的人物の名前・所属", 3: "上長の名前・役職"}


class PointForm:
    """The form of one point; ``save()`` sends the whole form to the model at once."""

    def __init__(self, panel: "PointsPanel", point: Point):
        self.panel, self.point = panel, point
        self.state = W.ToggleButtons(options=[(v, k) for k, v in STATE_LABELS.items()], value=None,
                                     description=FIELD_LABELS["state"])
        self.who = W.Text(description=FIELD_LABELS["who"], placeholder=WHO_HINTS.get(point.number, ""),
                          layout=W.Layout(width="36em"))
        self.basis = W.Textarea(description=FIELD_LABELS["basis"], placeholder=BASIS_HINTS.get(point.number, ""),
                                layout=W.Layout(width="36em", height="4em"))
        self.next_action = W.Text(description=FIELD_LABELS["next_action"], placeholder="例：原課2課にヒアリングする",
                                  layout=W.Layout(width="36em"))
        self.due = W.Text(description=FIELD_LABELS["due"], placeholder="2026-12-01", layout=W.Layout(width="16em"))
        inputs, self.msgs = with_messages({"state": self.state, "who": self.who, "basis": self.basis,
                                           "next_action": self.next_action, "due": self.due})
        self.save_btn = C.button(f"{point.label}を保存", button_style="primary")
        self.save_btn.on_click(self.save)
        self.msg = W.HTML()
        title = W.HTML(boxed(f"<h3>{esc(point.label)}：{esc(point.title)}</h3>"
                             f'<div class="oh-note">ガイド：{esc(point.point)}</div>'))
        self.widget = W.VBox([title, *inputs, self.save_btn, self.msg])
        self.widget.add_class(f"oh-point-{point.number}")

    def load(self) -> None:
        """Show what the workshop file holds for this point."""
        rec = self.panel.model.record(self.point.number)
        self.state.value = rec.state if rec.state in STATE_LABELS else None
        self.who.value, self.basis.value = rec.who, rec.basis
        self.next_action.value, self.due.value = rec.next_action, rec.due

    def save(self, *_) -> None:
        ok, rec = attempt(self.msg, lambda: self.panel.model.save_point(
            self.point.number, state=self.state.value, who=self.who.value, basis=self.basis.value,
            next_action=self.next_action.value, due=self.due.value),
            lambda r: f"{self.point.label}を保存しました（{r.state_label}）", fields=self.msgs, reload=self.load)
        if ok:
            self.due.value = rec.due  # the date as stored (2026/12/1 → 2026-12-01)
            self.panel.view.changed("points", self.panel)


class PointsPanel(Panel):
    """The three points' forms in the guide's order."""

    title = "1 基本の3ポイント"
    listens = frozenset({"points"})

    def build(self) -> W.Widget:
        self.forms = [PointForm(self, p) for p in self.model.points]
        return W.VBox([note(KIT_NOTE), *[f.widget for f in self.forms]])

    def refresh(self) -> None:
        for f in self.forms:
            f.load()

    def form(self, number: int) -> PointForm:
        return self.forms[[f.point.number for f in self.forms].index(number)]
