"""Tab 6 出力: the whole research log as Excel, the RFI draft as a one-page printout and as Excel."""

from __future__ import annotations

import ipywidgets as W

from ...printouts import rfi_html, rfi_sheet_html
from ...research import TAB_TITLES
from .. import common as C
from ..panel import attempt
from ..sheet_parts import ExportPanel, boxed


class OutputPanel(ExportPanel):
    """A preview of the RFI draft above three buttons: the log (Excel), the RFI (HTML, Excel)."""

    title = TAB_TITLES["output"]
    xlsx_name = "サービス調査ログ.xlsx"
    html_name = "RFI下書き.html"
    html_label = "RFIの下書き（HTML）"
    rfi_xlsx_name = "RFI下書き.xlsx"
    explanation = ("調査ログ全体（テーマ・取組事例・サービス・RFI）を Excel に、RFI の下書きを A4 1枚の HTML"
                   "（ブラウザで印刷）と Excel にします。")
    printout = staticmethod(rfi_html)
    listens = frozenset({"log", "theme", "rfi", "candidates"})

    def build(self) -> W.Widget:
        self.preview = W.HTML()
        self.preview_msg = W.HTML()
        box = super().build()
        self.rfi_xlsx_btn = C.big_button("RFIの下書き（Excel）", "primary")
        self.rfi_xlsx_btn.on_click(lambda *_: self._export(self.model.rfi_xlsx, self.rfi_xlsx_name, C.XLSX_MIME,
                                                           "RFIの Excel をダウンロード"))
        box.children[1].children += (self.rfi_xlsx_btn,)
        return W.VBox([self.preview, self.preview_msg, box])

    def refresh(self) -> None:
        attempt(self.preview_msg, lambda: setattr(self.preview, "value",
                                                  boxed("<h2>RFI（情報提供依頼書）の下書き</h2>" + rfi_sheet_html(self.model))))
