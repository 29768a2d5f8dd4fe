"""The app knows every worksheet: kinds offered only while their notebook exists, the workshop's
page linking each worksheet on the same workshop (its join code), the landing page leading there."""

from __future__ import annotations

import re

import pytest

from ohayami.app import pages, workshops
from ohayami.errors import OhayamiError

EVIL_NAME = "A&B 'ワーク'"  # < > are refused in names; & and ' reach the page


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("OHAYAMI_WORKSHOPS", str(tmp_path / "ws"))
    (tmp_path / "ws").mkdir()
    return tmp_path / "ws"


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    """A notebooks folder with the chart, C and E only, as before other worksheets were merged."""
    nb = tmp_path / "nb"
    nb.mkdir()
    for name in ("01_chart.ipynb", "02_type_c_problems.ipynb", "03_type_e_vendors.ipynb"):
        (nb / name).write_text("{}", encoding="utf-8")
    monkeypatch.setenv("OHAYAMI_NOTEBOOKS", str(nb))
    return nb


def test_every_trouble_type_and_the_summary_have_a_kind_with_its_own_notebook():
    assert set(workshops.KINDS) == {"chart", *"ABCDEFGHI", "summary"}
    notebooks = [nb for _, nb in workshops.KINDS.values()]
    assert len(set(notebooks)) == len(notebooks)
    # worksheet notebooks are numbered 1x, x the type's place in A–I (design.md's recipe)
    for k in "ABDFGHI":
        assert workshops.KINDS[k][1].startswith(f"1{'ABCDEFGHI'.index(k)}_"), k


def test_a_kind_whose_notebook_is_missing_is_not_offered(folder, notebooks):
    assert list(workshops.available_kinds()) == ["chart", "C", "E"]
    with pytest.raises(OhayamiError) as e:
        workshops.create_workshop("調査の会", "D")
    assert e.value.field == "kind" and "Cタイプ作業台" in e.value.message and "Dタイプ" not in e.value.message
    assert list(folder.iterdir()) == []
    (notebooks / "13_type_d_research.ipynb").write_text("{}", encoding="utf-8")  # the D worksheet arrives
    assert workshops.create_workshop("調査の会", "ｄタイプ").kind == "D"
    assert workshops.find("調査の会").notebook == "13_type_d_research.ipynb"


def test_the_kit_offers_the_worksheets_it_has(folder):
    kinds = workshops.available_kinds()
    for k in ("chart", "A", "C", "E", "I", "summary"):
        assert k in kinds, k
    for word, kind in (("a", "A"), ("Iタイプ", "I"), ("まとめ", "summary"), ("SUMMARY", "summary"),
                       ("Aタイプ作業台（基本の3ポイント）", "A")):
        assert workshops.check_kind(word) == kind


def test_the_workshop_page_links_every_worksheet_on_the_same_join_code(folder):
    e = workshops.create_workshop(f"第1回 {EVIL_NAME}", "C", "2025-05-01")
    kinds = workshops.available_kinds()
    html = pages.workshop("/base/", e, kinds)
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
    # what the QR code opens comes first, then the workshop's own kind, then every other worksheet
    assert links[0] == (f"/base/p/{e.code}", "参加者のページ（名前・採点・課題を出す）")
    assert [label for _, label in links][1] == "Cタイプ作業台（課題を選ぶ）"
    assert {href for href, _ in links[1:]} == {f"/base/voila/render/{nb}?w={e.code}" for _, nb in kinds.values()}
    assert f'href="/base/p/{e.code}">参加者のページ</a>' in pages.landing("/base", [], workshops.list_workshops())
    assert "プロジェクトのまとめ（問題→調査→選定→体制）" in html
    assert EVIL_NAME not in html and "A&amp;B &#x27;ワーク&#x27;" in html
    landing = pages.landing("/base", [], workshops.list_workshops())
    assert f'href="/base/ws/{e.code}">作業台の一覧</a>' in landing
    assert pages.workshop_path('a/"b') == "/ws/a%2F%22b"
