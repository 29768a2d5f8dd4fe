"""Notebook 02: the type C workbench (課題の洗い出し → 分析・絞り込み → 実現したい地域像), one panel per tab."""

from __future__ import annotations

from ...problems import ProblemWorkbench
from .. import common as C
from ..cockpit import ProgressPanel
from ..panel import TabbedView
from .analysis import AnalysisPanel
from .criteria import CriteriaPanel
from .dots import DotsPanel
from .export import ExportPanel
from .listing import ListPanel
from .results import ResultsPanel
from .rounds import RoundPanel
from .scoring import ScoringPanel
from .vision import VisionPanel

__all__ = ["AnalysisPanel", "CriteriaPanel", "DotsPanel", "ExportPanel", "ListPanel", "ProblemsView", "ResultsPanel",
           "RoundPanel", "ScoringPanel", "VisionPanel", "show"]

HEADER = ("<h2>Cタイプ作業台：解決すべき課題を選ぶ</h2>"
          "もっと良くなってほしい生活のワンシーンから課題を集め、分析して、優先順位を付けて絞り込み、"
          "実現したい地域像を書きます。入力は自動でワークショップファイルに保存されます。")


class ProblemsView(TabbedView):
    """Nine tabs, one per piece of work, all saving to the workshop as they go; a tab's widgets are
    built when it is first opened. The two optional methods (dot voting, the consensus round) come
    after the seven steps, so the steps keep their numbers."""

    PANELS = [ListPanel, AnalysisPanel, CriteriaPanel, ScoringPanel, ResultsPanel, VisionPanel, ExportPanel, DotsPanel,
              RoundPanel, ProgressPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, ProblemWorkbench(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type C workbench and return its root widget."""
    return ProblemsView(workshop, data).widget
