"""Notebook 10: the type A worksheet (基本の3ポイント), one panel per tab."""

from __future__ import annotations

from ...readiness import ReadinessSheet
from .. import common as C
from ..panel import TabbedView
from .card import CardPanel
from .export import ExportPanel
from .points import PointForm, PointsPanel

__all__ = ["CardPanel", "ExportPanel", "PointForm", "PointsPanel", "ReadinessView", "show"]

HEADER = ("<h2>Aタイプ作業台：基本の3ポイントを押さえよう</h2>"
          "ガイドの3つのポイント（テーマ・推進の中心的人物・味方になってくれる上長）について、いまの状態と次の一手を"
          "書きます。準備度カードが、まず押さえるポイントとガイドの助言を示します。入力はワークショップファイルに保存されます。")


class ReadinessView(TabbedView):
    """Three tabs: the points' forms, the readiness card, the exports."""

    PANELS = [PointsPanel, CardPanel, ExportPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, ReadinessSheet(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type A worksheet and return its root widget."""
    return ReadinessView(workshop, data).widget
