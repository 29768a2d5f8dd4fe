"""Type C in a real browser (Voilà): a consensus round with two participants; the ranking and the
quadrant chart as a projector shows them (1280 px and 1024×768)."""

import re

import pytest

from ohayami import plots
from ohayami.app.workshops import create_workshop

from .conftest import shot

SPLIT, CALM = "駐輪場が駅前に足りない", "休日に開いている窓口がない"


@pytest.fixture(scope="module")
def code(workshops):
    """The round's workshop: the app opens a workshop only from its join code."""
    return create_workshop("合意ラウンドの会", "C", "2025-05-01", workshops).code


def _open(pg, base, code):
    pg.goto(f"{base}/voila/render/02_type_c_problems.ipynb?w={code}")
    pg.get_by_text("課題を1件ずつ追加").first.wait_for()


def _row(pg, title):
    """The visible grid row of a problem: its id and its dropdowns."""
    row = pg.locator(".oh-score-grid .widget-hbox:visible").filter(has_text=title).first
    row.wait_for()
    pid = re.search(r"P\d{3}", row.inner_text()).group(0)
    return pid, row.locator("select")


def _score_row(pg, title, value):
    pid, selects = _row(pg, title)
    pg.wait_for_function("() => [...document.querySelectorAll('.oh-score-grid select')].some(s => !s.disabled)")
    names = pg.locator(".oh-colhead-wrap:visible b").all_inner_texts()
    assert len(names) == selects.count()
    for c, name in enumerate(names):
        selects.nth(c).select_option(value)
        # this cell's own message: an earlier 「保存しました」 on the page proves nothing
        pg.get_by_text(f"保存しました：{pid} の「{name}」＝{value}").wait_for()
    return pid


def _name(pg, who):
    box = pg.get_by_role("combobox", name="採点する人")
    box.fill(who)
    box.press("Enter")


def test_consensus_round_with_two_participants_and_the_quadrant_on_a_projector(page, new_page, voila, code):
    _open(page, voila, code)
    for title in (SPLIT, CALM):
        page.get_by_role("textbox", name="課題", exact=True).fill(title)
        page.get_by_role("button", name="課題を追加").click()
        page.wait_for_function("t => document.body.innerText.includes('追加しました') && document.body.innerText.includes(t)",
                               arg=title)
    other = new_page()
    _open(other, voila, code)
    # round 1: the two disagree on one problem and agree on the other
    for pg, who, split in ((page, "山田", "5"), (other, "佐藤", "1")):
        pg.get_by_role("tab", name="4 採点").click()
        _name(pg, who)
        pid = _score_row(pg, SPLIT, split)
        _score_row(pg, CALM, "3")
    # the facilitator marks the split problem (the model suggests it) and opens the round
    page.get_by_role("tab", name="合意ラウンド").click()
    page.get_by_text("1回目で意見が分かれた点").wait_for()
    assert "1、5" in page.locator("table").filter(has_text="最低").first.inner_text()
    select = page.locator("select[multiple]:visible")
    options = select.locator("option").all_inner_texts()
    assert any(o.startswith(pid) and "おすすめ" in o for o in options), options
    select.select_option(label=[o for o in options if o.startswith(pid)][0])
    page.get_by_role("button", name="合意ラウンドを始める").click()
    page.get_by_text(re.compile(r"\d+回目の採点を始めました（1 件）")).wait_for()
    shot(page, "app-typeC-round-opened")
    # round 2: each re-scores only that problem
    for pg, who in ((page, "山田"), (other, "佐藤")):
        if pg is other:
            pg.get_by_role("tab", name="合意ラウンド").click()
        _name(pg, who)
        assert pg.locator(".oh-score-grid .widget-hbox:visible").filter(has_text=CALM).count() == 0
        _score_row(pg, SPLIT, "4")
    shot(other, "app-typeC-round-scoring")
    page.get_by_role("button", name="比べる（更新）").click()
    # the table shown when the round opened is replaced once the kernel has read both people's scores
    page.wait_for_function("t => [...document.querySelectorAll('tr')].some(r => r.innerText.includes(t) && "
                           "r.innerText.includes('-1.00'))", arg=SPLIT)
    table = page.locator("table").filter(has_text="順位の変化").first
    row = [r for r in table.inner_text().splitlines() if SPLIT in r][0]
    assert "★" in row and "1.00" in row and "0.00" in row and "-1.00" in row, row
    shot(page, "app-typeC-round-compare")
    # the ranking at 1280 px: the short-list column is in view without scrolling sideways
    page.get_by_role("tab", name="5 結果と絞り込み").click()
    page.get_by_role("button", name="結果を更新").click()
    page.get_by_text(re.compile(r"ランキング（短いリスト.*回目の採点を反映")).wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('img')].filter(i => i.naturalWidth > 0 && i.offsetParent).length >= 3")
    star = page.locator("th:visible", has_text="短いリスト").first.bounding_box()
    assert star["x"] + star["width"] <= 1280, star
    # the quadrant at 1024×768: shown wide enough that its labels stay at projector size
    page.set_viewport_size({"width": 1024, "height": 768})
    quad = page.locator("img:visible").nth(1)
    quad.scroll_into_view_if_needed()
    size = quad.evaluate("i => [i.clientWidth, i.naturalWidth]")
    label_px = plots.QUADRANT_FONT * 110 / 72 * size[0] / size[1]     # figure_png draws at 110 dpi
    assert size[0] <= 1024 and label_px >= 14, size
    quad.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "app-typeC-quadrant-1024x768.png"))
    shot(page, "app-typeC-results-1024x768")
