"""Tab 6 体制案: the 体制案 for the 上長's approval (A4, one page) and the Excel workbook."""

from __future__ import annotations

from ...printouts import roles_html
from ..sheet_parts import ExportPanel as _ExportPanel


class ExportPanel(_ExportPanel):
    title = "6 体制案"
    xlsx_name = "役割分担案.xlsx"
    html_name = "体制案.html"
    html_label = "体制案（HTML）"
    explanation = ("上長の承認を得る体制案（担い手・役割分担・体制図・コミュニケーションルール・承認欄）を A4 1枚の HTML"
                   "（ブラウザで印刷）に、すべての表を Excel にします。")
    printout = staticmethod(roles_html)
