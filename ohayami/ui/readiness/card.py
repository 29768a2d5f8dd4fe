"""Tab 2 準備度カード: the point to work on first, with the guide's advice, and all three at a glance."""

from __future__ import annotations

import ipywidgets as W

from ...printouts import readiness_card_html
from ..panel import Panel, attempt
from ..sheet_parts import boxed, frame_html


class CardPanel(Panel):
    """The readiness card (built by the same function as the printable page) and the points table."""

    title = "2 準備度カード"
    listens = frozenset({"points"})

    def build(self) -> W.Widget:
        self.card = W.HTML()
        self.table = W.HTML()
        self.msg = W.HTML()
        return W.VBox([self.card, self.table, self.msg])

    def refresh(self) -> None:
        attempt(self.msg, self._show)

    def _show(self) -> None:
        self.card.value = boxed("<h3>準備度カード</h3>" + readiness_card_html(self.model))
        self.table.value = frame_html(self.model.points_frame(), "3ポイントの状況")
