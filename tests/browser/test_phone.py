"""The app on a phone (390×844, touch): the chart fits and reaches a result; type C and type E are scored
one problem/vendor at a time with large buttons and the scale's anchors in view."""

import pytest

from ohayami.app.workshops import create_workshop, workshop_path
from ohayami.problems import ProblemWorkbench
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench

from .conftest import TIMEOUT_MS, shot

W, H = 390, 844
TAP = 44
EVIL = "<img src=x onerror=alert(1)>"

# Everything that has a size lies within the screen's width (Voilà's page scrolls inside a panel that
# clips what sticks out, so the document's own scroll width alone would not see it).
STICKING_OUT = """w => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && (r.right > w + 0.5 || r.left < -0.5); })
  .map(e => e.tagName + '.' + String(e.className).slice(0, 60) + ' ' + Math.round(e.getBoundingClientRect().left)
       + '..' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def phone(browser):
    """A participant's phone: 390×844, touch, Japanese; fails the test if a dialog opens."""
    context = browser.new_context(viewport={"width": W, "height": H}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="ja-JP")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield pg
    assert dialogs == [], f"a dialog opened: {dialogs}"
    context.close()


def _fits(pg) -> None:
    assert pg.evaluate("window.innerWidth") == W
    assert pg.evaluate("document.scrollingElement.scrollWidth") <= W
    assert pg.evaluate(STICKING_OUT, W) == []


def _on_screen(loc, min_size: int = TAP) -> dict:
    """Scrolls ``loc`` into view and checks that it lies wholly on the screen and is large enough to tap."""
    loc.scroll_into_view_if_needed()
    box = loc.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= W, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= H, box
    assert box["width"] >= min_size and box["height"] >= min_size, box
    return box


def _workshop(workshops, name: str, kind: str, fill) -> str:
    """A new workshop filled by ``fill``; its join code (the app opens a workshop only from its code)."""
    code = create_workshop(name, kind, folder=workshops).code
    with open_workshop(workshop_path(name, workshops)) as ws:
        fill(ws)
    return code


def _stored(workshops, name: str, model, who: str) -> dict:
    with open_workshop(workshop_path(name, workshops)) as ws:
        s = model(ws).scores(who)
        return {(r.alternative_id, r.criterion_id): r.value for r in s.itertuples()}


def _card(phone, url: str, who_box, who: str, level: str):
    """Open the scoring tab at ``url`` (a narrow screen starts in the card by itself), name the scorer and
    wait until the card's buttons can be tapped."""
    phone.goto(url)
    phone.get_by_role("tab", name="4 採点").tap()
    card = phone.locator(".oh-score-card")
    card.wait_for()
    assert not phone.locator(".oh-score-grid").is_visible()
    box = who_box(phone)
    box.fill(who)
    box.press("Enter")
    phone.wait_for_function("v => [...document.querySelectorAll('.oh-score-card .oh-card-buttons button')]"
                            ".some(b => !b.disabled && b.innerText.trim() === v)", arg=level)
    return card


def test_the_chart_fits_a_phone_and_reaches_a_result(phone, voila, workshops):
    code = _workshop(workshops, "スマホ診断", "chart", lambda ws: None)
    phone.goto(f"{voila}/voila/render/01_chart.ipynb?w={code}")
    phone.get_by_text("質問 1 / 8").wait_for()
    _fits(phone)
    _on_screen(phone.get_by_role("textbox", name="所属"), min_size=20)
    _on_screen(phone.get_by_role("combobox", name="名前"), min_size=20)
    boxes = {b: _on_screen(phone.get_by_role("button", name=b, exact=True))
             for b in ("はい", "いいえ", "戻る", "最初から")}
    assert boxes["はい"]["height"] >= 56 and boxes["いいえ"]["width"] >= 120   # the answers are the large ones
    phone.get_by_role("textbox", name="所属").fill("企画課")
    shot(phone, "phone-chart-question")
    no = phone.get_by_role("button", name="いいえ", exact=True)
    no.tap()
    phone.get_by_text("質問 2 / 8").wait_for()
    phone.get_by_role("button", name="戻る", exact=True).tap()
    phone.get_by_text("質問 1 / 8").wait_for()
    for k in range(8):
        no.tap()
        if k < 7:
            phone.get_by_text(f"質問 {k + 2} / 8").wait_for()
    phone.get_by_text("結果を保存しました：Iタイプ").wait_for()
    phone.get_by_text("ITプロジェクトに精通した専門家を頼ろう").first.wait_for()
    _fits(phone)
    _on_screen(phone.get_by_role("button", name="次の参加者へ"))
    shot(phone, "phone-chart-result")
    phone.get_by_role("button", name="全問チェック").tap()
    phone.locator(".oh-yesno").first.wait_for()
    _fits(phone)
    _on_screen(phone.locator(".oh-yesno").nth(7).get_by_role("button", name="いいえ", exact=True))


def test_type_c_one_problem_at_a_time_on_a_phone(phone, voila, workshops):
    def fill(ws):
        m = ProblemWorkbench(ws)
        for title in ("証明書の窓口が昼に混む", EVIL, "ごみの分別が分かりにくい"):
            m.add_problem(title)
    code = _workshop(workshops, "スマホC", "C", fill)
    card = _card(phone, f"{voila}/voila/render/02_type_c_problems.ipynb?w={code}",
                 lambda pg: pg.get_by_role("combobox", name="採点する人"), "スマホの山田", "4")
    card.get_by_text("1/3").wait_for()
    anchors = card.get_by_text("1＝ごく一部の人　5＝住民の多く")
    first = card.locator(".oh-card-buttons").nth(0)
    for level in "12345":
        _on_screen(first.get_by_role("button", name=level, exact=True))
    _on_screen(anchors, min_size=10)                # the anchors stand next to the buttons
    first.get_by_role("button", name="4", exact=True).tap()
    phone.get_by_text("保存しました：P001 の「影響を受ける人の多さ」＝4").wait_for()
    first.get_by_role("button", name="✔ 4").wait_for()
    assert _stored(workshops, "スマホC", ProblemWorkbench, "スマホの山田") == {("P001", "reach"): "4"}
    _fits(phone)
    shot(phone, "phone-typeC-card")
    nxt = card.get_by_role("button", name="次へ ▶")
    _on_screen(nxt)
    nxt.tap()
    card.get_by_text("2/3").wait_for()
    card.get_by_text(EVIL).wait_for()               # a participant's title is text
    assert phone.locator("img[src='x']").count() == 0
    assert card.locator(".oh-card-buttons").nth(0).get_by_role("button", name="4", exact=True).is_visible()


def test_type_e_one_vendor_at_a_time_on_a_phone(phone, voila, workshops):
    def fill(ws):
        m = VendorWorkbench(ws)
        m.add_criterion("使いやすさ", scale="5段階", weight=10)
        m.add_criterion("個人情報の保護", scale="yes/no", weight=0, must_have=True)
        for vendor in ("A社", "B社"):
            m.add_vendor(vendor, price="1000000")
    code = _workshop(workshops, "スマホE", "E", fill)
    card = _card(phone, f"{voila}/voila/render/03_type_e_vendors.ipynb?w={code}",
                 lambda pg: pg.locator(".oh-score-who input"), "委員 佐藤", "はい")
    card.get_by_text("1/2").wait_for()
    rows = card.locator(".oh-card-buttons")
    for level in ("0", "1", "3", "4", "5"):
        _on_screen(rows.nth(0).get_by_role("button", name=level, exact=True))
    _on_screen(card.get_by_text("5＝非常に優れている", exact=False), min_size=10)
    rows.nth(0).get_by_role("button", name="4", exact=True).tap()
    phone.get_by_text("保存しました：V001 の「使いやすさ」＝4").wait_for()
    _on_screen(rows.nth(1).get_by_role("button", name="はい", exact=True))
    _on_screen(card.get_by_text("はい＝満たしている"), min_size=10)
    rows.nth(1).get_by_role("button", name="はい", exact=True).tap()
    phone.get_by_text("保存しました：V001 の「個人情報の保護」＝はい").wait_for()
    stored = _stored(workshops, "スマホE", VendorWorkbench, "委員 佐藤")
    assert sorted(stored.values()) == ["4", "はい"] and {a for a, _ in stored} == {"V001"}
    _fits(phone)
    shot(phone, "phone-typeE-card")
