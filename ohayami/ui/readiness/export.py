"""Tab 3 出力: the three points as Excel and the one-page 準備度シート."""

from __future__ import annotations

from ...printouts import readiness_html
from ..sheet_parts import ExportPanel as _ExportPanel


class ExportPanel(_ExportPanel):
    title = "3 出力"
    xlsx_name = "基本の3ポイント.xlsx"
    html_name = "基本の3ポイント_準備度シート.html"
    html_label = "準備度シート（HTML）"
    explanation = "3ポイントの状況・準備度・ガイドの助言を Excel に、上長に見せる準備度シートを A4 1枚の HTML（ブラウザで印刷）にします。"
    printout = staticmethod(readiness_html)
