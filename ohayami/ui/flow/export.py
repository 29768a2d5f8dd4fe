"""Tab 4 出力: the interviews and stage list as Excel, and the one-page printout."""

from __future__ import annotations

from ...printouts import flow_html
from ..sheet_parts import ExportPanel as _ExportPanel


class ExportPanel(_ExportPanel):
    title = "4 出力"
    xlsx_name = "デジタル実装の基本の流れ.xlsx"
    html_name = "デジタル実装の基本の流れ.html"
    html_label = "実装の流れ（HTML）"
    explanation = "聞き取りの記録と段階一覧を Excel に、タイムラインと段階一覧を A4 1枚の HTML（ブラウザで印刷）にします。"
    printout = staticmethod(flow_html)
