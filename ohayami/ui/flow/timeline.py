"""Tab 3 タイムライン: the stage list as a Gantt-style figure, with the order checks."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc, ul
from .. import common as C
from ..panel import Panel, attempt
from ..sheet_parts import boxed


class TimelinePanel(Panel):
    title = "3 タイムライン"
    listens = frozenset({"stages"})

    def build(self) -> W.Widget:
        self.image = C.image()
        self.checks = W.HTML()
        self.msg = W.HTML()
        return W.VBox([self.image, self.checks, self.msg])

    def refresh(self) -> None:
        attempt(self.msg, self._show)

    def _show(self) -> None:
        C.show_figure(self.image, self.model.timeline_figure())
        warnings = self.model.order_warnings()
        self.checks.value = boxed(f'<div class="oh-error">{ul(warnings)}</div>' if warnings else
                                  f'<div class="oh-ok">{esc("段階の順番と開始月は揃っています。")}</div>')
