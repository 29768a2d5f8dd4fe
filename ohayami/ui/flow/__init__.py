"""Notebook 11: the type B worksheet (基本の流れ), one panel per tab."""

from __future__ import annotations

from ...flow import Flow
from .. import common as C
from ..panel import TabbedView
from .export import ExportPanel
from .form import RecordForm
from .interviews import InterviewsPanel
from .stages import StagesPanel
from .timeline import TimelinePanel

__all__ = ["ExportPanel", "FlowView", "InterviewsPanel", "RecordForm", "StagesPanel", "TimelinePanel", "show"]

HEADER = ("<h2>Bタイプ作業台：デジタル実装の基本の流れを知ろう</h2>"
          "庁内の過去事例や他団体の話を聞き取り（Step1）、標準的な実装の段階と予定を一覧にして（Step2）、"
          "タイムラインで確かめます。入力はワークショップファイルに保存されます。")


class FlowView(TabbedView):
    """Four tabs: the case interviews, the stage list, the timeline, the exports."""

    PANELS = [InterviewsPanel, StagesPanel, TimelinePanel, ExportPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, Flow(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type B worksheet and return its root widget."""
    return FlowView(workshop, data).widget
