"""Tab 5 依頼要件シート: the one-page sheet as it will print, and its Excel and HTML exports."""

from __future__ import annotations

import ipywidgets as W

from ...printouts import expert_request_html, expert_sheet_html
from ..panel import attempt
from ..sheet_parts import ExportPanel, boxed


class SheetPanel(ExportPanel):
    """A preview of the 専門家への依頼要件 sheet (the printout's own body) above the export buttons."""

    title = "5 依頼要件シート"
    xlsx_name = "専門家への依頼要件.xlsx"
    html_name = "専門家への依頼要件.html"
    html_label = "依頼要件シート（HTML）"
    explanation = "依頼要件シートを A4 1枚の HTML（ブラウザで印刷）に、すべての項目とチェックを Excel にします。"
    printout = staticmethod(expert_request_html)
    listens = frozenset({"items", "request"})

    def build(self) -> W.Widget:
        self.preview = W.HTML()
        self.preview_msg = W.HTML()
        return W.VBox([self.preview, self.preview_msg, super().build()])

    def refresh(self) -> None:
        attempt(self.preview_msg, lambda: setattr(self.preview, "value",
                                                  boxed("<h2>専門家への依頼要件</h2>" + expert_sheet_html(self.model))))
