"""Tab 4 体制図: the organisation chart drawn from the matrix, and each owner's 責任."""

from __future__ import annotations

import ipywidgets as W

from .. import common as C
from ..panel import Panel, attempt
from ..sheet_parts import frame_html


class ChartPanel(Panel):
    title = "4 体制図"
    listens = frozenset({"tasks", "owners", "raci"})

    def build(self) -> W.Widget:
        self.image = C.image()
        self.table = W.HTML()
        self.msg = W.HTML()
        return W.VBox([self.image, self.table, self.msg])

    def refresh(self) -> None:
        attempt(self.msg, self._show)

    def _show(self) -> None:
        C.show_figure(self.image, self.model.org_chart_figure())
        self.table.value = frame_html(self.model.summary_frame(), "担い手ごとの責任と実行")
