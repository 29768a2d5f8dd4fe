"""Tab 2 出力: the summary as Excel and as a one-page printable HTML (A4)."""

from __future__ import annotations

from ...printouts import project_summary_html
from ..sheet_parts import ExportPanel as _ExportPanel


class ExportPanel(_ExportPanel):
    title = "2 出力"
    xlsx_name = "プロジェクトのまとめ.xlsx"
    html_name = "プロジェクトのまとめ.html"
    html_label = "まとめ（HTML・A4 1枚）"
    explanation = "問題・調査・選定・体制のまとめを Excel に、上長に見せるまとめを A4 1枚の HTML（ブラウザで印刷）にします。"
    printout = staticmethod(project_summary_html)
