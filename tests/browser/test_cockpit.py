"""The facilitator's cockpit and the projector view in a real browser: two participants score while
the cockpit follows without a reload and without taking the facilitator's focus; the projector page
fits 1024×768 in large type."""

import time

import pytest

from .conftest import shot

PROBLEMS = ("証明書の窓口が昼に混む", "バスの本数が少ない")


def _workshop(folder, name, scores=()):
    """A type C workshop with two problems and two criteria (4 cells per participant); its join code."""
    from ohayami.app import workshops as W
    from ohayami.problems import ProblemWorkbench
    from ohayami.store import open_workshop

    entry = W.create_workshop(name, "C", "2025-06-01", folder)
    with open_workshop(folder / f"{name}.ohayami", create=False) as ws:
        m = ProblemWorkbench(ws)
        pids = [m.add_problem(t) for t in PROBLEMS]
        crit = list(m.criteria()["criterion_id"])
        for extra in crit[2:]:
            m.remove_criterion(extra)
        for who, values in scores:
            for pid, v in zip(pids, values):
                for cid in crit[:2]:
                    m.set_score(who, pid, cid, v)
    return entry.code


@pytest.fixture(scope="module")
def code(workshops):
    return _workshop(workshops, "進行状況の確認")


def _page(pg, voila, code, notebook="02_type_c_problems.ipynb", ready="課題を1件ずつ追加"):
    pg.goto(f"{voila}/voila/render/{notebook}?w={code}")
    pg.get_by_text(ready).first.wait_for()
    return pg


def _score(pg, path, who, values):
    pg.get_by_role("tab", name="4 採点").click()
    pg.locator(".oh-score-who input").fill(who)
    pg.locator(".oh-score-who input").press("Enter")   # the name reaches the kernel when it is finished
    pg.wait_for_function("() => [...document.querySelectorAll('.oh-score-grid select')].some(s => !s.disabled)")
    selects = pg.locator(".oh-score-grid select")
    for i, v in enumerate(values):
        selects.nth(i).select_option(v)
        _wait_saved(path, who, i + 1)


def _wait_saved(path, who, n, seconds=30):
    """Until the workshop file holds ``n`` scores of ``who`` (the page said 保存しました for each)."""
    from ohayami.store import open_workshop

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open_workshop(path, create=False) as ws:
            if len(ws.rows("scores", evaluator=who)) >= n:
                return
        time.sleep(0.1)
    raise AssertionError(f"{who}: {n} scores not saved within {seconds} s")


def test_cockpit_follows_two_participants_without_reload_or_losing_focus(new_page, voila, code, workshops):
    boss = _page(new_page(), voila, code)
    boss.get_by_role("tab", name="進行状況").click()
    boss.get_by_text("まだ誰も参加していません").wait_for()
    boss.evaluate("() => { window.__notReloaded = true; }")
    box = boss.get_by_role("textbox", name="名前で絞り込む")
    box.click()
    box.type("田")
    a, b = _page(new_page(), voila, code), _page(new_page(), voila, code)
    path = workshops / "進行状況の確認.ohayami"
    _score(a, path, "田中", ["4", "5", "3", "4"])
    _score(b, path, "佐藤", ["2"])
    saved = time.monotonic()
    boss.wait_for_function("() => document.body.innerText.includes('2人中1人が採点を終えました')", timeout=20_000)
    seen = time.monotonic() - saved
    text = boss.inner_text(".oh-progress")
    assert "佐藤（1/4）" in text and "2人中2人が参加しています" in text
    assert boss.evaluate("() => window.__notReloaded === true")
    focus = boss.evaluate("() => [document.activeElement.tagName, document.activeElement.value]")
    assert focus == ["INPUT", "田"]
    assert boss.locator(".oh-progress tbody tr").count() == 1     # the filter the facilitator typed still applies
    shot(boss, "cockpit-progress")
    print(f"cockpit showed the scores {seen:.1f} s after the last save")
    assert seen <= 10
    # a third participant types a new name and saves nothing: half-typed, not a person; finished, joined
    c = _page(new_page(), voila, code)
    c.get_by_role("tab", name="4 採点").click()
    who = c.locator(".oh-score-who input")
    who.click()
    who.press_sequentially("田村", delay=80)
    time.sleep(1.5)                   # long enough for any keystroke sent to the kernel to be written
    from ohayami.store import open_workshop
    with open_workshop(path, create=False) as ws:
        assert sorted(ws.rows("joins")["name"]) == ["佐藤", "田中"]
    assert "2人中2人が参加しています" in boss.inner_text(".oh-progress")
    who.press_sequentially(" 一郎", delay=80)
    who.press("Enter")
    boss.wait_for_function("() => document.body.innerText.includes('3人中3人が参加しています')", timeout=20_000)
    names = boss.inner_text(".oh-progress")
    assert "田村 一郎" in names and "田村\n" not in names and "（0/4）" in names


def test_projector_view_fits_1024_by_768(new_page, voila, workshops):
    code = _workshop(workshops, "投影の確認", [("山田", ["5", "2"]), ("佐藤", ["4", "3"])])
    pg = new_page()
    pg.set_viewport_size({"width": 1024, "height": 768})
    _page(pg, voila, code, "04_projector.ipynb", "課題の優先順位")
    pg.wait_for_function("() => [...document.querySelectorAll('.oh-proj img')].some(i => i.naturalWidth > 0)")
    m = pg.evaluate("""() => {
      const root = document.documentElement;
      const texts = [...document.querySelectorAll('.oh-proj *')].filter(e =>
          [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
      const img = document.querySelector('.oh-proj img').getBoundingClientRect();
      return {scroll: root.scrollWidth, width: root.clientWidth,
              smallest: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
              n_texts: texts.length, img: [img.left, img.right, img.width, img.height],
              h1: document.querySelectorAll('h1').length, body: document.body.innerText};
    }""")
    assert m["scroll"] <= m["width"] == 1024, m                   # no horizontal scroll
    assert m["n_texts"] > 5 and m["smallest"] >= 20, m["smallest"]
    left, right, width, height = m["img"]
    assert left >= 0 and right <= 1024 and width > 400 and height <= 768, m["img"]
    assert m["h1"] == 1 and m["body"].count("課題の優先順位") == 1
    assert "進行状況" not in m["body"] and "ファシリテーター" not in m["body"]
    assert all(t in m["body"] for t in PROBLEMS)
    shot(pg, "projector-1024x768")
