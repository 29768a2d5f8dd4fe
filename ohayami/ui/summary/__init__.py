"""Notebook 20: the project summary (問題 → 調査 → 選定 → 体制), one panel per tab."""

from __future__ import annotations

from ...summary import ProjectSummary
from .. import common as C
from ..panel import TabbedView
from .export import ExportPanel
from .overview import OverviewPanel

__all__ = ["ExportPanel", "OverviewPanel", "SummaryView", "show"]

HEADER = ("<h2>プロジェクトのまとめ：問題 → 調査 → 選定 → 体制</h2>"
          "各作業台に入力された内容から、上長に見せる1枚のまとめを作ります。ここでは入力しません："
          "まだの段階は、どの作業台で入力するかを示します。")


class SummaryView(TabbedView):
    """Two tabs: the summary on screen (with links to the worksheets that fill it), the exports."""

    PANELS = [OverviewPanel, ExportPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, ProjectSummary(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the project summary and return its root widget."""
    return SummaryView(workshop, data).widget
