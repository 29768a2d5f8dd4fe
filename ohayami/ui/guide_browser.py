"""Notebook 00: browse the guide — pick a type, read its card."""

from __future__ import annotations

import ipywidgets as W

from ..guide import load_types
from .cards import card_html
from .connection import connection_banner
from .panel import attempt


class GuideBrowser:
    """A type picker and the chosen type's card."""

    def __init__(self, data=None):
        self.data = data
        types = load_types(data)
        options = [(f"{r.name}：{r.first_move}", r.type_id) for r in types.itertuples()]
        self.picker = W.Dropdown(options=options, value="A", description="タイプ",
                                 layout=W.Layout(width="40em"))
        self.card = W.HTML()
        self.picker.observe(self._show, names="value")
        self.widget = W.VBox([connection_banner(), self.picker, self.card])
        self._show()

    def _show(self, *_):
        attempt(self.card, lambda: setattr(self.card, "value", card_html(self.picker.value)))


def show(data=None):
    """Build the browser and return its root widget (the notebook displays it)."""
    return GuideBrowser(data).widget
