"""Notebook 17: the type H worksheet (役割分担案), one panel per tab."""

from __future__ import annotations

from ...roles import Roles
from .. import common as C
from ..panel import TabbedView
from .chart import ChartPanel
from .export import ExportPanel
from .matrix import MatrixPanel
from .owners import OwnersPanel
from .rules import RulesPanel
from .tasks import TasksPanel

__all__ = ["ChartPanel", "ExportPanel", "MatrixPanel", "OwnersPanel", "RolesView", "RulesPanel", "TasksPanel", "show"]

HEADER = ("<h2>Hタイプ作業台：デジタル実装に関わる関係者の役割分担案をつくってみよう</h2>"
          "段階ごとの作業を洗い出し（Step1）、担い手と役割分担（実行・責任・相談・報告）と体制図で推進体制を検討し（Step2）、"
          "コミュニケーションルールを決めて、上長の承認を得る体制案（A4 1枚）にまとめます（Step3）。"
          "入力はワークショップファイルに保存されます。")


class RolesView(TabbedView):
    """Six tabs: tasks, owners, the matrix, the organisation chart, the rules, the 体制案."""

    PANELS = [TasksPanel, OwnersPanel, MatrixPanel, ChartPanel, RulesPanel, ExportPanel]

    def __init__(self, workshop=None, data=None):
        ws = C.resolve_workshop(workshop)
        super().__init__(ws, Roles(ws, data), self.PANELS, HEADER)


def show(workshop=None, data=None):
    """Build the type H worksheet and return its root widget."""
    return RolesView(workshop, data).widget
