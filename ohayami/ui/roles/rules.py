"""Tab 5 ルール: the communication rules (会議体・頻度・連絡手段・参加者)."""

from __future__ import annotations

import ipywidgets as W

from ..panel import Panel
from ..sheet_parts import frame_html, note
from ..flow.form import RecordForm


class RulesPanel(Panel):
    title = "5 ルール"

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(3)
        m = self.model
        wide = W.Layout(width="36em")
        fields = {"meeting": W.Text(description="会議体", placeholder="例：推進会議（定例）", layout=wide),
                  "frequency": W.Text(description="頻度", placeholder="例：月1回", layout=W.Layout(width="20em")),
                  "channel": W.Text(description="連絡手段", placeholder="例：チャット、急ぎは電話", layout=wide),
                  "members": W.Text(description="参加者", placeholder="例：企画課・情報政策課・A社", layout=wide)}
        self.form = RecordForm(
            "ルール", fields, rows=lambda: [(f"{r.rule_id} {r.meeting}", r.rule_id) for r in m.rules().itertuples()],
            load=lambda i: m.rules().set_index("rule_id").loc[i].to_dict(),
            add=lambda v: m.add_rule(**v), update=lambda i, v: m.update_rule(i, **v), delete=m.remove_rule,
            after=self.after_change)
        self.table = W.HTML()
        return W.VBox([note(text, f"ガイド：Step3 {title}"), self.table, self.form.widget])

    def refresh(self) -> None:
        self.form.refresh()
        self.table.value = frame_html(self.model.rules_frame(), "コミュニケーションルール")

    def after_change(self) -> None:
        self.refresh()
        self.view.changed("rules", self)
