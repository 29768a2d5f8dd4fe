"""Tab 4 出力: the worksheet as Excel and the one-page printout (programmes, checks, decisions by deadline)."""

from __future__ import annotations

from ...printouts import support_html
from ..sheet_parts import ExportPanel


class SupportExportPanel(ExportPanel):
    title = "4 出力"
    html_label = "印刷用ページ（HTML）"
    explanation = "決定（締切の順）・確認結果・支援策の一覧を A4 1枚の HTML（ブラウザで印刷）と Excel にします。"
    printout = staticmethod(support_html)

    @property
    def xlsx_name(self) -> str:
        return f"{self.model.spec.title}.xlsx"

    @property
    def html_name(self) -> str:
        return f"{self.model.spec.title}.html"
