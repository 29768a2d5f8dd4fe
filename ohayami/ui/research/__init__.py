"""Notebook 13: the type D worksheet (サービスを知る), one panel per tab."""

from __future__ import annotations

from ...research import Research
from .. import common as C
from ..panel import TabbedView
from .export import OutputPanel
from .log import CasesPanel, CaseServicesPanel, ServicesPanel, SimilarServicesPanel
from .rfi import RfiPanel
from .theme import ThemePanel

__all__ = ["CaseServicesPanel", "CasesPanel", "OutputPanel", "ResearchView", "RfiPanel", "ServicesPanel",
           "SimilarServicesPanel", "ThemePanel", "show"]

HEADER = ("<h2>Dタイプ作業台：具体的な実装事例からサービスを知ろう</h2>"
          "テーマを決め、取組事例 → 事例で実装されたサービス → 類似サービス の順に調べて記録します。"
          "候補にしたサービスはEタイプの事業者一覧へ送れます。調査ログから RFI（情報提供依頼書）の下書きも作れます。"
          "入力はワークショップファイルに保存されます。")


class ResearchView(TabbedView):
    """Six tabs: theme, cases, the cases' services, similar services, the RFI draft, output."""

    PANELS = [ThemePanel, CasesPanel, CaseServicesPanel, SimilarServicesPanel, RfiPanel, OutputPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, Research(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type D worksheet and return its root widget."""
    return ResearchView(workshop, data).widget
