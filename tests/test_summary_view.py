"""The project summary's widgets, driven from pytest: read fresh, links to the worksheets, exports."""

from __future__ import annotations

import base64
import re

from chain_fill import CHOSEN, VISION, fill_c, fill_e
from ohayami.ui.summary import ExportPanel, OverviewPanel, SummaryView

EVIL = "<img src=x onerror=alert(1)>"


def _download(msg_html: str) -> bytes:
    return base64.b64decode(re.search(r'base64,([A-Za-z0-9+/=]+)"', msg_html).group(1))


def test_the_summary_follows_the_worksheets_and_links_them_on_the_same_workshop(tmp_path, monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    v = SummaryView(tmp_path / "町のDX")
    o = v.panel(OverviewPanel)
    text = o.sections.value
    assert "まだ入力されていません（Cタイプ作業台で" in text and "まだ入力されていません（Eタイプ作業台で" in text
    assert 'href="02_type_c_problems.ipynb?workshop=%E7%94%BA%E3%81%AEDX"' in text  # 町のDX
    assert ">Cタイプ作業台を開く</a>" in text and ">Eタイプ作業台を開く</a>" in text
    assert "Aタイプ作業台（基本の3ポイント・準備度カード）" in o.worksheets.value
    fill_c(v.ws, problems=(CHOSEN, EVIL, "子育て"))  # another page fills C and E meanwhile
    fill_e(v.ws)
    assert CHOSEN not in o.sections.value
    o.reload.click()
    text = o.sections.value
    assert CHOSEN in text and VISION["change"] in text and "A社（窓口くん）" in text and "90.00 / 100" in text
    assert EVIL not in text and "入力あり" in o.overview.value
    assert "まだ入力されていません（Dタイプ作業台で" in text  # D and H: slots until their worksheets merge


def test_a_joined_page_links_the_worksheets_with_its_join_code(tmp_path, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "w=K7Q3M")
    o = SummaryView(tmp_path / "w").panel(OverviewPanel)
    assert 'href="03_type_e_vendors.ipynb?w=K7Q3M"' in o.sections.value
    assert 'href="18_type_i_experts.ipynb?w=K7Q3M"' in o.worksheets.value


def test_the_summary_exports_one_printable_page_and_a_workbook(tmp_path):
    v = SummaryView(tmp_path / "w")
    fill_c(v.ws)
    e = v.panel(ExportPanel)
    e.html_btn.click()
    page = _download(e.msg.value).decode("utf-8")
    assert "size: A4 portrait" in page and CHOSEN in page and "プロジェクトのまとめ" in page
    first = sorted(v.ws.export_folder().glob("プロジェクトのまとめ_*.html"))
    assert len(first) == 1 and re.fullmatch(r"プロジェクトのまとめ_\d{4}-\d\d-\d\d_\d{4}\.html", first[0].name)
    e.xlsx_btn.click()
    assert _download(e.msg.value)[:2] == b"PK"


def test_a_summary_that_cannot_be_read_says_so_instead_of_crashing(tmp_path, monkeypatch):
    v = SummaryView(tmp_path / "w")
    o = v.panel(OverviewPanel)

    def fail():
        raise RuntimeError("boom")
    monkeypatch.setattr(v.model, "sections", fail)
    o.reload.click()
    assert "予期しないエラー" in o.msg.value
