"""Notebook 18: the type I worksheet (専門家を頼る), one panel per tab."""

from __future__ import annotations

from ...experts import ExpertRequest
from .. import common as C
from ..panel import TabbedView
from .checklist import AcceptancePanel, ChannelsPanel, ChecklistPanel, SkillsPanel
from .request import RequestPanel
from .sheet import SheetPanel

__all__ = ["AcceptancePanel", "ChannelsPanel", "ChecklistPanel", "ExpertsView", "RequestPanel", "SheetPanel",
           "SkillsPanel", "show"]

HEADER = ("<h2>Iタイプ作業台：ITプロジェクトに精通した専門家を頼ろう</h2>"
          "ボトルネックを書き、専門家に求める役割・スキル、専門家の探し方、受入れ環境を確かめて、"
          "専門家への依頼要件シート（A4 1枚）にまとめます。入力はワークショップファイルに保存されます。")


class ExpertsView(TabbedView):
    """Five tabs: the bottleneck, the three checklists, the request sheet."""

    PANELS = [RequestPanel, SkillsPanel, ChannelsPanel, AcceptancePanel, SheetPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, ExpertRequest(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type I worksheet and return its root widget."""
    return ExpertsView(workshop, data).widget
