"""Tab 7 出力: the short list as Excel, the report for managers, the whole workshop as Excel."""

from __future__ import annotations

import ipywidgets as W

from ...formats import stamped_name
from ...reports import problems_report_html
from .. import common as C
from ..panel import Panel, attempt
from .parts import NOTES, heading


class ExportPanel(Panel):
    """Three buttons, each writing a file next to the workshop file and offering it for download."""

    title = "7 出力"

    def build(self) -> W.Widget:
        self.xlsx_btn = C.big_button("Excel で保存", "primary")
        self.report_btn = C.big_button("報告書（HTML）", "primary", "管理職向けの印刷用報告書を作る")
        self.xlsx_btn.on_click(lambda *_: self._export(self.model.export_xlsx, self.model.export_file_name("xlsx"), C.XLSX_MIME,
                                                       "Excel をダウンロード"))
        self.report_btn.on_click(lambda *_: self._export(lambda: problems_report_html(self.model).encode("utf-8"),
                                                         stamped_name("課題の絞り込み報告書", "html"), "text/html", "報告書をダウンロード"))
        self.all_btn = C.whole_workshop_button(self.ws, self._export)
        self.msg = W.HTML()
        self.names = W.Checkbox(description="報告書の「意見が分かれた点」に、いちばん低い・高い点をつけた人の名前を載せる",
                                value=self.model.report_names(), indent=False, layout=W.Layout(width="auto"))
        self.names.observe(self.save_names, names="value")
        return W.VBox([heading("出力", NOTES["export"]), self.names, W.HBox([self.xlsx_btn, self.report_btn, self.all_btn]),
                       self.msg])

    def save_names(self, change) -> None:
        allowed = change["new"]
        attempt(self.msg, lambda: self.model.set_report_names(allowed),
                "報告書に名前を載せます" if allowed else "報告書に名前を載せません（点数だけ）",
                reload=lambda: setattr(self.names, "value", self.model.report_names()))

    def _export(self, make, name: str, mime: str, label: str) -> None:
        ok, message = attempt(self.msg, lambda: C.save_export(self.ws, make(), name, mime, label))
        if ok:
            self.msg.value = message  # the saved path and a download link, built from escaped parts
