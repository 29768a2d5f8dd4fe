"""Pieces the one-page worksheets' panels share: headings, notes, frame tables and the export tab.

A worksheet model that offers ``export_xlsx()`` and a one-page printout gets its 出力 tab from
:class:`ExportPanel` by naming the files and the printout function.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import pandas as pd

from ..formats import stamped_name
from ..html import STYLE, esc, table
from . import common as C
from .panel import Panel


def boxed(body: str) -> str:
    """``body`` (already escaped) in the kit's style, as an HTML widget value."""
    return f'{STYLE}<div class="oh">{body}</div>'


def heading(text: str, note: str = "") -> W.HTML:
    """A section heading with an optional note under it, from plain text."""
    return W.HTML(boxed(f"<h3>{esc(text)}</h3>" + (f'<div class="oh-note">{esc(note)}</div>' if note else "")))


def note(text: str, title: str = "") -> W.HTML:
    """A quoted passage (the guide's words), with its bold title, from plain text."""
    head = f"<b>{esc(title)}</b><br>" if title else ""
    return W.HTML(f'{STYLE}<div class="oh oh-note">{head}{esc(text)}</div>')


def frame_html(frame: pd.DataFrame, title: str = "") -> str:
    """A model's display frame as the kit's table under an optional title."""
    return boxed((f"<h3>{esc(title)}</h3>" if title else "") + table(list(frame.columns), frame.values.tolist()))


class ExportPanel(Panel):
    """Two buttons: the worksheet as Excel, and its one-page printout as HTML, each saved in the
    workshop's export folder and offered for download. Subclasses set the names and ``printout`` (a staticmethod taking the model)."""

    title = "出力"
    xlsx_name = "ワークシート.xlsx"
    html_name = "ワークシート.html"
    html_label = "印刷用ページ（HTML）"
    explanation = ""
    printout: Callable[..., str]

    def build(self) -> W.Widget:
        self.xlsx_btn = C.big_button("Excel で保存", "primary")
        self.html_btn = C.big_button(self.html_label, "primary", "A4 1枚に印刷できるページを作る")
        self.xlsx_btn.on_click(lambda *_: self._export(self.model.export_xlsx, self.xlsx_name, C.XLSX_MIME,
                                                       "Excel をダウンロード"))
        self.html_btn.on_click(lambda *_: self._export(lambda: self.printout(self.model).encode("utf-8"),
                                                       self.html_name, "text/html", "印刷用ページをダウンロード"))
        self.msg = W.HTML()
        return W.VBox([heading("出力", self.explanation), W.HBox([self.xlsx_btn, self.html_btn]), self.msg])

    def _export(self, make, name: str, mime: str, label: str) -> None:
        # the JST time in the name, taken at the click: a second export never overwrites the first
        stem, _, extension = name.rpartition(".")
        self.msg.value = C.export_message(self.ws, make, stamped_name(stem, extension), mime, label)
