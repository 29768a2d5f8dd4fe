"""Notebooks 15 and 16: the type F (財源の支援策) and type G (人材の支援策) worksheets, one view for both."""

from __future__ import annotations

from ...support import KINDS, SupportWorksheet
from .. import common as C
from ..panel import TabbedView
from .checks import ChecksPanel
from .decisions import DecisionPanel
from .export import SupportExportPanel
from .programmes import ProgrammesPanel

__all__ = ["ChecksPanel", "DecisionPanel", "ProgrammesPanel", "SupportExportPanel", "SupportView", "show"]

HEADERS = {
    "F": ("<h2>Fタイプ作業台：制度（補助金・交付金）を活用しよう</h2>"
          "財源の支援策を集め、検討している事業に合うかを確かめ、申請する・見送る・保留を理由と締切とともに決めます。"),
    "G": ("<h2>Gタイプ作業台：制度（外部人材派遣）を活用しよう</h2>"
          "人材の支援策を集め、検討している事業に合うかを確かめ、申請する・見送る・保留を理由と締切とともに決めます。"),
}


class SupportView(TabbedView):
    """Four tabs: collect the programmes, check them, decide, export (``kind`` "F" or "G")."""

    PANELS = [ProgrammesPanel, ChecksPanel, DecisionPanel, SupportExportPanel]

    def __init__(self, workshop=None, kind: str = "F", data=None):
        ws = C.resolve_workshop(workshop)
        model = SupportWorksheet(ws, kind, data)
        super().__init__(ws, model, self.PANELS, HEADERS[kind] + "入力はワークショップファイルに保存されます。")


def show(workshop=None, kind: str = "F", data=None):
    """Build the type F or G worksheet and return its root widget."""
    if kind not in KINDS:
        raise ValueError(kind)
    return SupportView(workshop, kind, data).widget
