"""Tab 1 ボトルネック: what keeps the digital project from moving, what should come of help, by when."""

from __future__ import annotations

import ipywidgets as W

from .. import common as C
from ..panel import Panel, attempt, with_messages
from ..sheet_parts import note


class RequestPanel(Panel):
    """The request's three fields, saved together."""

    title = "1 ボトルネック"

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(1)
        self.bottleneck = W.Textarea(description="ボトルネック", placeholder="例：仕様書の要件を書ける職員がいない",
                                     layout=W.Layout(width="40em", height="4em"))
        self.outcome = W.Textarea(description="期待する成果", placeholder="例：来年度の調達に使える要件定義書ができる",
                                  layout=W.Layout(width="40em", height="4em"))
        self.due = W.Text(description="いつまでに", placeholder="2026-12-01", layout=W.Layout(width="18em"))
        inputs, self.msgs = with_messages({"bottleneck": self.bottleneck, "outcome": self.outcome, "due": self.due})
        self.save_btn = C.big_button("保存", "primary", "ボトルネックと期待する成果を保存する")
        self.save_btn.on_click(self.save)
        self.msg = W.HTML()
        return W.VBox([note(self.model.card.merits[0], "ガイド：メリット"), note(text, f"ガイド：Step1 {title}"),
                       *inputs, self.save_btn, self.msg])

    def refresh(self) -> None:
        req = self.model.request()
        self.bottleneck.value, self.outcome.value, self.due.value = req.bottleneck, req.outcome, req.due

    def save(self, *_) -> None:
        ok, req = attempt(self.msg, lambda: self.model.save_request(self.bottleneck.value, self.outcome.value,
                                                                    self.due.value),
                          "ボトルネックを保存しました", fields=self.msgs, reload=self.refresh)
        if ok:
            self.due.value = req.due
            self.view.changed("request", self)
