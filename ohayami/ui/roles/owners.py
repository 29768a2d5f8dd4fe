"""Tab 2 担い手: who takes part (庁内の課・庁外の団体・人物・ベンダー・外部専門家)."""

from __future__ import annotations

import ipywidgets as W

from ...roles import KINDS
from ..panel import Panel
from ..sheet_parts import frame_html, note
from ..flow.form import RecordForm


class OwnersPanel(Panel):
    title = "2 担い手"

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(2)
        m = self.model
        fields = {"owner_name": W.Text(description="担い手", placeholder="例：企画課／○○大学研究センター／A社",
                                       layout=W.Layout(width="30em")),
                  "owner_kind": W.Dropdown(description="区分", options=[(v, k) for k, v in KINDS.items()])}
        self.form = RecordForm(
            "担い手", fields, rows=m.owner_picks, load=m.owner_form,
            add=lambda v: m.add_owner(**v), update=lambda i, v: m.update_owner(i, **v), delete=m.remove_owner,
            after=self.after_change, defaults={"owner_name": "", "owner_kind": "dept"})
        self.table = W.HTML()
        cautions = "\n".join(self.model.card.cautions[1:])
        return W.VBox([note(text, f"ガイド：Step2 {title}"), note(cautions, "ガイド：留意点"), self.table, self.form.widget])

    def refresh(self) -> None:
        self.form.refresh()
        self.table.value = frame_html(self.model.owners_frame(), "担い手")

    def after_change(self) -> None:
        self.refresh()
        self.view.changed("owners", self)
