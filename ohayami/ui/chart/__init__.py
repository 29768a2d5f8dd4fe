"""Notebook 01: the diagnostic chart, the workshop tally and every type's card, one panel per tab."""

from __future__ import annotations

from ...chart import Chart
from ...guide import chart_wording_note
from ...html import esc
from .. import common as C
from ..panel import TabbedView
from .all_check import AllCheck, YesNo
from .browse import BrowsePanel
from .diagnose import DiagnosePanel
from .tally_tab import TallyPanel

__all__ = ["AllCheck", "BrowsePanel", "ChartView", "DiagnosePanel", "TallyPanel", "YesNo", "show"]


def header(data=None) -> str:
    return ("<h2>診断チャート</h2>はい／いいえで答えると、あなたの団体のお悩みタイプと「初めの一手」が分かります。"
            f'名前と所属は任意です。<div class="oh-note">{esc(chart_wording_note(data))}</div>')


class ChartView(TabbedView):
    """The chart one participant at a time (saved to the workshop as each result comes in), the
    group's tally and the type cards; a tab's widgets are built when it is first opened."""

    PANELS = [DiagnosePanel, TallyPanel, BrowsePanel]

    def __init__(self, workshop=None, data=None):
        self.data = data
        super().__init__(C.resolve_workshop(workshop), Chart(data), self.PANELS, header(data))


def show(workshop=None, data=None):
    """Build the chart view and return its root widget (the notebook displays it)."""
    return ChartView(workshop, data).widget
