"""Scoring the way a person does it in the app: type a new name and press Enter, pick the vendor (or
nothing more for type C), choose each score in its dropdown. Every choice must end up in the workshop
file (checked through the model), or be refused with a message on the screen."""

import time

import pytest

from .conftest import shot


def _wait_scores(path, model_class, who, n, seconds=30):
    """The evaluator's scores in the workshop file once there are ``n`` of them (else the last seen)."""
    from ohayami.store import open_workshop

    deadline = time.monotonic() + seconds
    while True:
        with open_workshop(path, create=False) as ws:
            got = model_class(ws).scores(who)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


@pytest.fixture(scope="module")
def type_e(workshops):
    from ohayami.app import workshops as W
    from ohayami.store import open_workshop
    from ohayami.vendors import VendorWorkbench

    entry = W.create_workshop("採点の入力E", "E", "2025-06-01", workshops)
    with open_workshop(workshops / "採点の入力E.ohayami", create=False) as ws:
        m = VendorWorkbench(ws)
        m.adopt_template([25, 1, 28, 31], must={25})
        m.add_vendor("株式会社まどぐち", price="1200000")
        m.add_vendor("コンビニ交付サービス株式会社", price="900000")
    return entry.code


@pytest.fixture(scope="module")
def type_c(workshops):
    from ohayami.app import workshops as W
    from ohayami.problems import ProblemWorkbench
    from ohayami.store import open_workshop

    entry = W.create_workshop("採点の入力C", "C", "2025-06-01", workshops)
    with open_workshop(workshops / "採点の入力C.ohayami", create=False) as ws:
        m = ProblemWorkbench(ws)
        for t in ("証明書の窓口が昼に混む", "バスの本数が少ない"):
            m.add_problem(t)
    return entry.code


def _type_name(pg, who):
    box = pg.locator(".oh-score-who input")
    box.click()
    box.press_sequentially(who, delay=60)
    box.press("Enter")


def test_type_e_every_picked_score_is_stored(page, voila, type_e, workshops):
    from ohayami.vendors import VendorWorkbench

    page.goto(f"{voila}/voila/render/03_type_e_vendors.ipynb?w={type_e}")
    page.get_by_text("ガイドの評価項目例").first.wait_for()
    page.get_by_role("tab", name="4 採点").click()
    _type_name(page, "山田 花子")
    page.locator(".oh-score-vendor select").select_option(index=0)
    page.wait_for_function("() => [...document.querySelectorAll('.oh-score-grid select')].some(s => !s.disabled)")
    selects = page.locator(".oh-score-grid select")
    values = ["はい", "5", "5", "3"]
    assert selects.count() == len(values)
    for i, v in enumerate(values):
        selects.nth(i).select_option(v)
        time.sleep(0.3)   # a person's pace, no waiting for the message in between
    got = _wait_scores(workshops / "採点の入力E.ohayami", VendorWorkbench, "山田 花子", len(values))
    shot(page, "scoring-entry-typeE")
    assert sorted(got["value"]) == sorted(values), got
    assert set(got["alternative_id"]) == {"V001"}


def test_type_c_every_picked_score_is_stored(page, voila, type_c, workshops):
    from ohayami.problems import ProblemWorkbench

    page.goto(f"{voila}/voila/render/02_type_c_problems.ipynb?w={type_c}")
    page.get_by_text("課題を1件ずつ追加").first.wait_for()
    page.get_by_role("tab", name="4 採点").click()
    _type_name(page, "佐藤 一郎")
    page.wait_for_function("() => [...document.querySelectorAll('.oh-score-grid select')].some(s => !s.disabled)")
    selects = page.locator(".oh-score-grid select:not([disabled])")
    n = selects.count()
    assert n >= 4
    for i in range(n):
        selects.nth(i).select_option(str(1 + i % 5))
        time.sleep(0.3)
    got = _wait_scores(workshops / "採点の入力C.ohayami", ProblemWorkbench, "佐藤 一郎", n)
    shot(page, "scoring-entry-typeC")
    assert len(got) == n, got


def _visible_count(pg, text):
    return pg.evaluate("t => [...document.querySelectorAll('body *')].filter(e => e.offsetParent && "
                       "[...e.childNodes].some(n => n.nodeType === 3 && n.textContent.includes(t))).length", text)


@pytest.mark.parametrize("notebook, title", [("02_type_c_problems.ipynb", "Cタイプ作業台：解決すべき課題を選ぶ"),
                                             ("13_type_d_research.ipynb", "Dタイプ作業台：具体的な実装事例からサービスを知ろう")])
def test_a_page_says_its_title_once_and_shows_no_anchor_marks(page, voila, app_code, notebook, title):
    page.goto(f"{voila}/voila/render/{notebook}?w={app_code}")
    page.locator(".oh-view-header, .widget-tab").first.wait_for()
    page.get_by_role("tab").first.wait_for()
    assert _visible_count(page, title) == 1
    page.get_by_role("heading", name=title).hover()
    assert _visible_count(page, "¶") == 0


def test_the_chart_shows_no_anchor_marks_among_its_buttons(page, voila, app_code):
    from .conftest import diagnose_type_c

    page.goto(f"{voila}/voila/render/01_chart.ipynb?w={app_code}")
    diagnose_type_c(page)
    page.get_by_text("結果を保存しました").first.wait_for()
    headings = page.locator("h1:visible, h2:visible, h3:visible, h4:visible")
    assert headings.count() > 0
    for i in range(headings.count()):   # the marks show on hover
        headings.nth(i).hover()
        assert _visible_count(page, "¶") == 0, headings.nth(i).inner_text()
    assert _visible_count(page, "診断チャート（お悩みタイプ診断）") <= 1
