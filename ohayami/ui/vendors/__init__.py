"""Notebook 03: the type E workbench (評価項目の設定 → 重みづけ → 採点 → 妥当性チェック → 選定理由).

One panel per tab (see :mod:`ohayami.ui.panel`); a tab's widgets are built when it is first opened.
"""

from __future__ import annotations

from ...vendors import VendorWorkbench
from .. import common as C
from ..cockpit import ProgressPanel
from ..panel import TabbedView
from .check import CheckPanel
from .criteria import CriteriaPanel
from .export import ExportPanel
from .intuition import IntuitionPanel
from .results import ResultsPanel
from .scoring import ScoringPanel
from .vendor_list import VendorsPanel
from .weights import WeightsPanel

PANELS = [CriteriaPanel, WeightsPanel, VendorsPanel, ScoringPanel, IntuitionPanel, ResultsPanel, CheckPanel, ExportPanel,
          ProgressPanel]
HEADER = ("<h2>Eタイプ作業台：サービスの良し悪しの基準を考えよう</h2>評価項目を決め、重みを付け、"
          "事業者のサービスを採点して比べ、感覚との違いを確かめて、選定理由を説明できる形にします。"
          "入力は自動でワークショップファイルに保存されます。")


class VendorsView(TabbedView):
    """Eight tabs; every entry is saved to the workshop as it is made."""

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, VendorWorkbench(ws, data), PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type E workbench and return its root widget."""
    return VendorsView(workshop, data).widget


__all__ = ["PANELS", "CheckPanel", "CriteriaPanel", "ExportPanel", "IntuitionPanel", "ResultsPanel", "ScoringPanel",
           "VendorsPanel", "VendorsView", "WeightsPanel", "show"]
