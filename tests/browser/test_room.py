"""The app at room scale, in a real browser: the QR join page and its short address, the Japanese
login page, no request leaving the app's own address, and closed pages giving their kernels back."""

import json
import os
import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, _serve, keep_to, shot

TOKEN = "room-test-token"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """``run.py app --share``'s server on a free port, with a C workshop and kernels culled after
    2 idle seconds (``OHAYAMI_CULL_*``) so the test need not wait the real quarter of an hour."""
    sys.path.insert(0, str(ROOT))
    from run import app_args

    from ohayami.app import workshops

    folder = tmp_path_factory.mktemp("room-workshops")
    entry = workshops.create_workshop("第1回 課題検討会", "C", "2025-05-01", folder)
    # OHAYAMI_LOG=all: Voilà's every line in the log, which the kernel test below counts
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(folder), OHAYAMI_CULL_IDLE_S="2", OHAYAMI_CULL_INTERVAL_S="1",
               OHAYAMI_LOG="all")
    log = folder / "server.log"
    # two pre-heated kernels: the join below takes one, so the address must reach a kernel started before it
    with _serve(lambda port: app_args(Path(sys.executable), True, port, TOKEN, room=2), env, log, "/login") as base:
        yield {"base": base, "entry": entry, "folder": folder, "log": log}


def _offline(pg, base):
    """Only the app's own address is reachable; anything else is aborted and remembered, as are
    failed requests and error statuses."""
    keep_to(pg, base)
    pg.on("requestfailed", lambda req: pg.problems.append(f"failed: {req.url} {req.failure}"))
    pg.on("response", lambda res: res.status >= 400 and pg.problems.append(f"{res.status}: {res.url}"))
    return pg


def _kernels(base, warm=False):
    """The participants' kernels (``warm=True``: the pre-heated ones still waiting for a page, which
    are the server's bounded stock, not a leak)."""
    with urllib.request.urlopen(f"{base}/api/kernels?token={TOKEN}", timeout=10) as r:
        return [k for k in json.loads(r.read()) if k.get("warm", False) == warm]


def test_join_page_qr_code_leads_to_the_workshop_page_with_no_outside_request(new_page, room):
    base, entry = room["base"], room["entry"]
    pg = _offline(new_page(), base)
    pg.goto(f"{base}/?token={TOKEN}")
    pg.get_by_role("link", name="お悩みタイプ別「初めの一手」ガイドを読む").wait_for()
    # a worksheet is linked only with its workshop's code (without one the app opens nothing)
    hrefs = pg.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if "/voila/render/" in h and "00_guide" not in h and "?w=" not in h] == [], hrefs
    assert "Select items to open with Voil" not in pg.inner_text("body") and ".ipynb" not in pg.inner_text("body")
    shot(pg, "room-landing")
    pg.get_by_role("link", name="参加用QRコード").click()
    pg.get_by_role("heading", name="第1回 課題検討会").wait_for()
    assert pg.locator(".oh-qr svg").count() == 1
    for width, height in ((1280, 800), (390, 844)):   # a projector's laptop and a phone
        pg.set_viewport_size({"width": width, "height": height})
        qr, main = pg.locator(".oh-qr svg").bounding_box(), pg.locator("main").bounding_box()
        # centred under the title: equal margins left and right within 2 px (on a phone it stuck out to the right)
        assert abs((qr["x"] - main["x"]) - (main["x"] + main["width"] - qr["x"] - qr["width"])) <= 2, width
    address = pg.locator(".oh-address").inner_text().strip()
    assert address == f"{base}/j/{entry.code}?token={TOKEN}"
    shot(pg, "room-join-qr")

    # a participant's phone: a fresh browser, the address from the QR code, on the participant page
    phone = _offline(new_page(), base)
    phone.goto(address)
    phone.get_by_role("button", name="参加する").wait_for()
    assert phone.url.endswith(f"/p/{entry.code}")
    assert phone.title() == "第1回 課題検討会：参加者のページ"
    phone.get_by_label("お名前").fill("窓口 担当")
    phone.get_by_role("button", name="参加する").click()
    phone.get_by_label("課題（困っていること）").fill("窓口の待ち時間が長い")
    phone.get_by_role("button", name="課題を追加").click()
    phone.get_by_text("追加しました").first.wait_for()
    from ohayami.store import open_workshop
    with open_workshop(room["folder"] / "第1回 課題検討会.ohayami", create=False) as ws:
        assert "窓口の待ち時間が長い" in set(ws.rows("problems")["title"])  # the address chose the file
    assert not (room["folder"] / "workshop.ohayami").exists()
    # the workbench is one link away, on the same workshop
    phone.get_by_role("link", name="作業台（すべての機能）を開く").click()
    phone.get_by_text("課題を1件ずつ追加").wait_for()
    assert f"w={entry.code}" in phone.url
    assert phone.title() == "Cタイプ作業台：解決すべき課題を選ぶ"
    assert pg.problems == [] and phone.problems == []


def test_without_the_token_a_participant_sees_a_japanese_login_page(new_page, room):
    base, entry = room["base"], room["entry"]
    pg = _offline(new_page(), base)
    pg.goto(f"{base}/j/{entry.code}")
    pg.get_by_text("ワークショップに参加する").first.wait_for()
    body = pg.inner_text("body")
    assert "jupyter server list" not in body and "Password" not in body and "token=" in body
    shot(pg, "room-login")
    pg.get_by_label("合言葉（トークン）").fill("wrong")
    pg.get_by_role("button", name="入る").click()
    pg.get_by_text("合言葉（トークン）が違います").wait_for()
    pg.problems = [p for p in pg.problems if not p.startswith("401:")]  # the refused attempt itself
    pg.get_by_label("合言葉（トークン）").fill(TOKEN)
    pg.get_by_role("button", name="入る").click()
    pg.get_by_role("button", name="参加する").wait_for()
    assert pg.problems == []


def test_closed_and_reloaded_pages_leave_no_kernel_behind(new_page, room, browser):
    base, code = room["base"], room["entry"].code
    live = []
    for _ in range(2):
        pg = new_page()
        pg.goto(f"{base}/voila/render/01_chart.ipynb?token={TOKEN}&w={code}")
        pg.get_by_text("質問 1 / 8").wait_for()
        live.append(pg)
    start = time.monotonic()
    for k in range(20):
        context = browser.new_context()
        pg = context.new_page()
        if k in (0, 10):  # a page read to the end, then closed or reloaded: it shuts its kernel down itself
            pg.goto(f"{base}/voila/render/01_chart.ipynb?token={TOKEN}&w={code}")
            pg.get_by_text("質問 1 / 8").wait_for(timeout=90_000)
            if k == 10:
                pg.reload()
                pg.get_by_text("質問 1 / 8").wait_for(timeout=90_000)
        else:  # a page closed while loading: its kernel is left to the culler
            pg.goto(f"{base}/voila/render/01_chart.ipynb?token={TOKEN}&w={code}", wait_until="commit")
        pg.close(run_before_unload=True)
        context.close()
    deadline = time.monotonic() + 60
    while len(_kernels(base)) > len(live) and time.monotonic() < deadline:
        time.sleep(0.5)
    kernels = _kernels(base)
    assert len(kernels) <= len(live), kernels
    assert len(kernels) == len(live) and all(k["connections"] >= 1 for k in kernels)  # open pages are spared
    log = room["log"].read_text(encoding="utf-8", errors="replace")
    assert "_xsrf' argument missing" not in log
    assert len(re.findall(r"Kernel shutdown", log)) >= 20
    for pg in live:  # and still answer
        pg.get_by_role("button", name="いいえ", exact=True).click()
        pg.get_by_text("質問 2 / 8").wait_for()
    print(f"20 loads and closes, kernels back to {len(kernels)} after {time.monotonic() - start:.0f} s")
