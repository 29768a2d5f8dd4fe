"""Tab 8 出力: the 選定理由書 (HTML) and every number (Excel), saved next to the workshop file."""

from __future__ import annotations

import ipywidgets as W

from ..panel import Panel, html
from .parts import C


class ExportPanel(Panel):
    """Two buttons; each export is written to the export folder and offered as a download."""

    title = "8 出力"

    def build(self):
        from ...reports import vendors_report_html

        self.x_report = C.big_button("選定理由（HTML）", "primary", "管理職・監査向けの選定理由書を作る")
        self.x_xlsx = C.big_button("Excel（全数値）", "primary")
        self.x_report.on_click(lambda *_: self._export(lambda: vendors_report_html(self.model).encode("utf-8"),
                                                       self.model.export_file_name("html"), "text/html", "選定理由書をダウンロード"))
        self.x_xlsx.on_click(lambda *_: self._export(self.model.export_xlsx, self.model.export_file_name("xlsx"), C.XLSX_MIME,
                                                     "Excel をダウンロード"))
        self.all_btn = C.whole_workshop_button(self.ws, self._export)
        self.x_msg = W.HTML()
        return W.VBox([html("<h3>出力</h3>選定理由書（評価項目とその理由、重みとその理由、全評価者の採点、除外、価格、順位、"
                            "結果の頑健さ）を HTML に、すべての数値を Excel にします。"
                            "ワークショップ全体（課題や調査など、ほかの作業台の表も）は、もう一つのボタンで1つの Excel にします。"),
                       W.HBox([self.x_report, self.x_xlsx, self.all_btn]), self.x_msg])

    def _export(self, make, name: str, mime: str, label: str):
        self.x_msg.value = C.export_message(self.ws, make, name, mime, label)
