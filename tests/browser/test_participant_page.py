"""The participant page (/p/<code>) of type C and E workshops: over HTTP (its JSON API, the token,
the _xsrf check, refusals in Japanese, many writers at once) and in chromium (a phone joins, scores,
clears, reloads, loses its connection, and sees only what is stored)."""

import http.cookiejar
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, _serve, keep_to, shot

TOKEN = "participant-test-token"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The app (no pre-heated kernels: this page needs none) with a filled C, a filled E and a chart workshop."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from chain_fill import fill_c, fill_e
    from run import app_args

    from ohayami.app import workshops
    from ohayami.store import open_workshop

    folder = tmp_path_factory.mktemp("participant-workshops")
    c = workshops.create_workshop("課題の会", "C", "2025-06-01", folder)
    e = workshops.create_workshop("選定委員会", "E", "2025-06-02", folder)
    chart = workshops.create_workshop("診断の会", "chart", "2025-06-03", folder)
    with open_workshop(folder / "課題の会.ohayami") as ws:
        fill_c(ws)
    with open_workshop(folder / "選定委員会.ohayami") as ws:
        fill_e(ws)
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(folder))
    log = folder / "server.log"
    with _serve(lambda port: app_args(Path(sys.executable), True, port, TOKEN, room=0), env, log, "/login") as base:
        yield {"base": base, "c": c, "e": e, "chart": chart, "folder": folder, "log": log}


def _ws(room, name):
    from ohayami.store import open_workshop

    return open_workshop(room["folder"] / f"{name}.ohayami", create=False)


class Client:
    """A participant's browser without a browser: cookies kept, the token given once by the join address."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path, data=None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {},
                                     method="POST" if data is not None else "GET")
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.geturl(), r.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.geturl(), err.read().decode()

    def xsrf(self):
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def post(self, code, action, body, xsrf=True, raw=None):
        data = raw if raw is not None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **({"X-XSRFToken": self.xsrf()} if xsrf else {})}
        status, _, text = self.open(f"/p/{code}/api/{action}", data, headers)
        return status, json.loads(text)


def _joined(room, kind="c"):
    client = Client(room["base"])
    status, url, html = client.open(f"/j/{room[kind].code}?token={TOKEN}")
    assert status == 200 and url.endswith(f"/p/{room[kind].code}"), url
    return client, html


def test_the_join_address_of_a_c_or_e_workshop_opens_the_participant_page(room):
    for kind, name in (("c", "課題の会"), ("e", "選定委員会")):
        client, html = _joined(room, kind)
        assert f"<title>{name}：参加者のページ</title>" in html and '<html lang="ja">' in html
        assert "<script src" not in html and "http" not in html.split("<script>")[1]   # nothing from elsewhere
        assert "作業台（すべての機能）を開く" in html and f"w={room[kind].code}" in html
    # any other kind still opens its workbench, and /p/ of it leads there too
    client = Client(room["base"])
    status, url, _ = client.open(f"/p/{room['chart'].code}?token={TOKEN}")
    assert "/voila/render/01_chart.ipynb" in url and f"w={room['chart'].code}" in url


@pytest.mark.parametrize("code, says", [("ZZZZZ", "参加コードが正しくありません"), ("33333", "見つかりません"),
                                        ("%3Cscript%3E", "参加コードが正しくありません")])
def test_a_wrong_code_gets_a_japanese_page_and_creates_nothing(room, code, says):
    before = sorted(p.name for p in room["folder"].glob("*.ohayami"))
    client = Client(room["base"])
    status, _, html = client.open(f"/p/{code}?token={TOKEN}")
    assert status == 404 and says in html and "<script>" not in html
    status, _, text = client.open(f"/p/{code}/api/state?token={TOKEN}")
    assert status == 400 and says in json.loads(text)["error"]
    assert sorted(p.name for p in room["folder"].glob("*.ohayami")) == before


def test_without_the_token_nothing_is_read_or_written(room):
    client = Client(room["base"])
    status, url, html = client.open(f"/p/{room['c'].code}")
    assert "/login" in url and "合言葉" in html
    status, url, text = client.open(f"/p/{room['c'].code}/api/state?who=%E5%B1%B1%E7%94%B0")
    assert "/login" in url and "山田" not in text
    status, data = client.post(room["c"].code, "score", {"who": "侵入者", "alternative": "P001", "criterion": "reach",
                                                        "entry": "5"})
    assert status == 403 and "開き直してください" in data["error"]
    with _ws(room, "課題の会") as ws:
        assert "侵入者" not in set(ws.rows("scores")["evaluator"])


def test_a_write_needs_the_pages_xsrf_value(room):
    client, _ = _joined(room)
    status, data = client.post(room["c"].code, "join", {"who": "偽のフォーム"}, xsrf=False)
    assert status == 403 and "ページを読み込み直してください" in data["error"]
    status, data = client.post(room["c"].code, "join", {"who": "本物"})
    assert status == 200 and data["state"]["who"] == "本物"
    with _ws(room, "課題の会") as ws:
        names = set(ws.rows("joins")["name"])
    assert "本物" in names and "偽のフォーム" not in names


def test_scores_are_stored_and_refusals_say_why_in_japanese(room):
    client, _ = _joined(room)
    code = room["c"].code
    status, data = client.post(code, "score", {"who": "鈴木", "alternative": "P002", "criterion": "effect", "entry": "5"})
    assert status == 200 and data["stored"] == "5" and data["state"]["scores"] == {"P002": {"effect": "5"}}
    with _ws(room, "課題の会") as ws:
        before = ws.rows("scores").to_json(), len(ws.history())
    for body, says in (({"who": "鈴木", "alternative": "P002", "criterion": "effect", "entry": "8"}, "入れられません"),
                       ({"who": "", "alternative": "P002", "criterion": "effect", "entry": "1"}, "お名前"),
                       ({"who": "鈴木", "alternative": "P404", "criterion": "effect", "entry": "1"}, "採点の対象ではありません"),
                       ({"who": {"$ne": 1}, "alternative": "P002", "criterion": "effect", "entry": "1"}, "形が正しくありません")):
        status, data = client.post(code, "score", body)
        assert status == 400 and says in data["error"], data
    for raw, status_, says in ((b"{not json", 400, "読み取れませんでした"), (b"[1, 2]", 400, "読み取れませんでした"),
                               (b"x" * 70_000, 413, "大きすぎます")):
        status, data = client.post(code, "score", None, raw=raw)
        assert status == status_ and says in data["error"]
    status, _, text = client.open(f"/p/{code}/api/delete", b"{}", {"X-XSRFToken": client.xsrf(),
                                                                   "Content-Type": "application/json"})
    assert status == 404
    with _ws(room, "課題の会") as ws:
        assert (ws.rows("scores").to_json(), len(ws.history())) == before


def test_eight_participants_saving_at_once_lose_nothing(room):
    code = room["c"].code
    clients = [_joined(room)[0] for _ in range(8)]
    status, _, text = clients[0].open(f"/p/{code}/api/state")
    crit = [c["id"] for c in json.loads(text)["state"]["criteria"]][:5]
    assert status == 200 and len(crit) == 5
    failures = []

    def work(k, client):
        for pid in ("P001", "P002", "P003"):
            for cid in crit:
                status, data = client.post(code, "score", {"who": f"同時{k}", "alternative": pid, "criterion": cid,
                                                           "entry": str(1 + (k + len(cid)) % 5)})
                if status != 200:
                    failures.append((k, pid, cid, status, data))

    threads = [threading.Thread(target=work, args=(k, c)) for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with _ws(room, "課題の会") as ws:
        s = ws.rows("scores")
    mine = s[s["evaluator"].str.startswith("同時")]
    assert len(mine) == 8 * 3 * len(crit)
    for r in mine.itertuples():
        k = int(r.evaluator[2:])
        assert r.value == str(1 + (k + len(r.criterion_id)) % 5)


def _phone(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    keep_to(pg, base)
    pg.on("pageerror", lambda e: pg.problems.append(f"error: {e}"))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    return context, pg


def _join(pg, base, code, name):
    """Open the join address and name oneself, as a participant does; returns once the page says so."""
    pg.goto(f"{base}/j/{code}?token={TOKEN}")
    pg.get_by_label("お名前").fill(name)
    pg.get_by_role("button", name="参加する").click()
    pg.get_by_text("さんとして参加中").wait_for()


def _row(pg, name):
    return pg.locator(".oh-crit").filter(has_text=name)


def test_a_phone_joins_scores_clears_and_keeps_its_name_on_reload(browser, room):
    base, code = room["base"], room["c"].code
    context, pg = _phone(browser, base)
    start = time.monotonic()
    pg.goto(f"{base}/j/{code}?token={TOKEN}")
    pg.get_by_role("button", name="参加する").wait_for()
    print(f"participant page ready in {time.monotonic() - start:.2f} s")
    pg.get_by_label("お名前").fill("高橋\u0007 一郎")
    pg.get_by_role("button", name="参加する").click()
    pg.get_by_text("さんとして参加中").wait_for()
    assert pg.locator("#oh-me").inner_text() == "高橋 一郎"
    from urllib.parse import quote
    link = pg.get_by_role("link", name="作業台（すべての機能）を開く").get_attribute("href")
    assert link.endswith(f"w={code}&who={quote('高橋 一郎')}")   # the workbench goes on under the same name
    reach = _row(pg, "影響を受ける人の多さ")
    four = reach.get_by_role("button", name="影響を受ける人の多さ：4")
    box = four.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44 and box["x"] + box["width"] <= 390
    assert "1＝ごく一部の人" in reach.inner_text()
    four.click()
    pg.get_by_text("保存しました：「影響を受ける人の多さ」＝4").wait_for()
    assert four.get_attribute("aria-pressed") == "true" and four.inner_text() == "✔ 4"
    with _ws(room, "課題の会") as ws:
        s = ws.rows("scores", evaluator="高橋 一郎")
        assert list(zip(s["alternative_id"], s["criterion_id"], s["value"])) == [("P001", "reach", "4")]
        assert "高橋 一郎" in set(ws.rows("joins")["name"])
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    shot(pg, "participant-phone-c")
    pg.reload()
    pg.get_by_text("高橋 一郎 さんとして続けます").wait_for()
    four = _row(pg, "影響を受ける人の多さ").get_by_role("button", name="影響を受ける人の多さ：4")
    assert four.get_attribute("aria-pressed") == "true"
    _row(pg, "影響を受ける人の多さ").get_by_role("button", name="取り消す", exact=False).click()
    pg.get_by_text("「影響を受ける人の多さ」の点数を取り消しました").wait_for()
    assert four.get_attribute("aria-pressed") == "false"
    with _ws(room, "課題の会") as ws:
        assert ws.rows("scores", evaluator="高橋 一郎").empty
    # next / unscored walk the problems
    pg.get_by_role("button", name="次へ ▶").click()
    assert pg.locator("#oh-title").inner_text().startswith("P002")
    assert pg.problems == []
    context.close()


def test_a_dropped_connection_is_said_and_nothing_unsaved_is_shown(browser, room):
    base, code = room["base"], room["c"].code
    context, pg = _phone(browser, base)
    _join(pg, base, code, "接続 確認")
    context.set_offline(True)
    two = _row(pg, "解決による効果の大きさ").get_by_role("button", name="解決による効果の大きさ：2")
    two.click()
    banner = pg.locator("#oh-offline")
    banner.wait_for(state="visible")
    assert "接続が切れています" in banner.inner_text()
    assert two.get_attribute("aria-pressed") == "false"      # never shown as chosen: it was not stored
    with _ws(room, "課題の会") as ws:
        assert ws.rows("scores", evaluator="接続 確認").empty
    context.set_offline(False)
    banner.wait_for(state="hidden", timeout=15_000)          # the page tried again by itself
    two.click()
    pg.get_by_text("保存しました：「解決による効果の大きさ」＝2").wait_for()
    assert two.get_attribute("aria-pressed") == "true"
    assert [p for p in pg.problems if "ERR_INTERNET_DISCONNECTED" not in p and "Failed to fetch" not in p] == []
    context.close()


def test_text_typed_by_anyone_stays_text_and_a_new_problem_reaches_every_page(browser, room):
    base, code = room["base"], room["c"].code
    context, pg = _phone(browser, base)
    other_context, other = _phone(browser, base)
    for page_, name in ((pg, "<b>太字</b>"), (other, "隣の人")):
        _join(page_, base, code, name)
    assert pg.locator("#oh-me").inner_text() == "<b>太字</b>"
    evil = '<img src=x onerror="window.__pwned=1">夜道が暗い'
    pg.get_by_label("課題（困っていること）").fill(evil)
    pg.get_by_role("button", name="課題を追加").click()
    pg.get_by_text("追加しました：").wait_for()
    assert pg.get_by_label("課題（困っていること）").input_value() == ""
    # the other participant's page shows it (as text) once it asks again
    other.get_by_role("button", name="次へ ▶").click()
    deadline = time.monotonic() + 20
    while evil not in other.locator("#oh-work").inner_text():
        assert time.monotonic() < deadline, "the new problem did not reach the other page"
        other.get_by_role("button", name="次へ ▶").click()
        other.wait_for_timeout(500)
    for page_ in (pg, other):
        assert page_.evaluate("window.__pwned") is None and page_.locator("#oh-work img").count() == 0
    # a refused problem keeps what was typed, with the reason
    pg.get_by_label("課題（困っていること）").fill(evil)
    pg.get_by_role("button", name="課題を追加").click()
    pg.locator(".oh-msg.oh-bad").wait_for()
    assert pg.get_by_label("課題（困っていること）").input_value() == evil
    refused = "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert [p for p in pg.problems if p != refused] == [] and other.problems == []
    context.close()
    other_context.close()


def test_an_evaluator_scores_a_vendor_and_gives_the_intuitive_ranking(browser, room):
    base, code = room["base"], room["e"].code
    context, pg = _phone(browser, base)
    _join(pg, base, code, "委員 B")
    pg.get_by_role("button", name="機能関連：5").click()
    pg.get_by_text("保存しました：「機能関連」＝5").wait_for()
    pg.get_by_role("button", name="順位を保存").click()
    pg.locator(".oh-msg.oh-bad").wait_for()
    assert "2社以上" in pg.locator("#oh-msg").inner_text()
    pg.problems = [p for p in pg.problems if "status of 400" not in p]   # the refusal itself
    selects = pg.locator("#oh-ranks select")
    selects.nth(0).select_option("2")
    selects.nth(1).select_option("1")
    pg.get_by_role("button", name="順位を保存").click()
    pg.get_by_text("感覚的な順位を保存しました。").wait_for()
    shot(pg, "participant-phone-e")
    from ohayami.progress import progress
    from ohayami.vendors import VendorWorkbench

    with _ws(room, "選定委員会") as ws:
        m = VendorWorkbench(ws)
        assert m.intuitions()["委員 B"] == {"V001": 2, "V002": 1}
        assert m.scores("委員 B")["value"].tolist() == ["5"]
        row = progress(m).set_index("name").loc["委員 B"]
        assert row["joined"] and row["scored"] == 1
    assert pg.problems == []
    context.close()


def test_the_token_in_the_address_does_not_excuse_a_write_from_the_xsrf_check(room):
    """The token is in every participant's QR address; Jupyter lets a request carrying it skip the
    _xsrf check, so any site that knew it could post scores with a plain form (reported by the attacker)."""
    code = room["c"].code
    plain = Client(room["base"])
    body = json.dumps({"who": "よそのサイト", "alternative": "P003", "criterion": "reach", "entry": "5"}).encode()
    attempts = [
        (f"/p/{code}/api/score?token={TOKEN}", {"Content-Type": "text/plain", "Origin": "http://evil.example"}),
        (f"/p/{code}/api/score?token={TOKEN}", {"Content-Type": "application/json"}),
        (f"/p/{code}/api/score", {"Content-Type": "application/json", "Authorization": f"token {TOKEN}"}),
    ]
    client, _ = _joined(room)
    attempts += [
        (f"/p/{code}/api/score?_xsrf={client.xsrf()}", {"Content-Type": "application/json"}),
        (f"/p/{code}/api/score", {"Content-Type": "text/plain", "X-XSRFToken": client.xsrf()}),
        (f"/p/{code}/api/score", {"Content-Type": "application/json", "X-XSRFToken": client.xsrf(),
                                  "Origin": "http://evil.example"}),
    ]
    for k, (path, headers) in enumerate(attempts):
        who = plain if k < 3 else client
        status, _, text = who.open(path, body, headers)
        assert status == 403, (k, status, text)
        assert "開き直してください" in json.loads(text)["error"]
    with _ws(room, "課題の会") as ws:
        assert "よそのサイト" not in set(ws.rows("scores")["evaluator"]) | set(ws.rows("people")["name"])


@pytest.mark.parametrize("raw", [b'{"who": "a", "ranking": {"V001": 1, "V002": Infinity}}', b'{"who": NaN}',
                                 b"[" * 30_000 + b"]" * 30_000])
def test_json_the_page_never_sends_is_refused_in_japanese(room, raw):
    client, _ = _joined(room, "e")
    status, data = client.post(room["e"].code, "rank", None, raw=raw)
    assert status == 400 and "読み取れませんでした" in data["error"]


def test_a_locked_workshop_holds_up_only_its_own_participants(room):
    """Another program holding a write on one workshop file made every participant page of the server
    wait (one worker thread for all): a workshop's requests now run in a thread of its own."""
    import sqlite3

    c_client, _ = _joined(room, "c")
    e_client, _ = _joined(room, "e")
    lock = sqlite3.connect(room["folder"] / "課題の会.ohayami", timeout=5, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    waited = {}

    def c_save():
        start = time.monotonic()
        waited["c"] = c_client.post(room["c"].code, "score", {"who": "ロック中", "alternative": "P001",
                                                              "criterion": "reach", "entry": "2"})
        waited["c_s"] = time.monotonic() - start

    t = threading.Thread(target=c_save)
    t.start()
    time.sleep(0.5)
    start = time.monotonic()
    status, data = e_client.post(room["e"].code, "join", {"who": "別の会の委員"})
    e_took = time.monotonic() - start
    time.sleep(max(0.0, 3.0 - (time.monotonic() - start)))
    lock.execute("ROLLBACK")
    lock.close()
    t.join(60)
    assert status == 200 and e_took < 2.0, e_took
    assert waited["c"][0] == 200 and waited["c_s"] >= 2.5   # it waited for the lock, then saved
    with _ws(room, "課題の会") as ws:
        assert "ロック中" in set(ws.rows("scores")["evaluator"])


def test_the_page_follows_the_facilitator_without_putting_a_tap_elsewhere_or_dropping_choices(browser, room):
    """A problem taken out under a participant's card is said (the next tap would otherwise land on the
    card now in its place), and the 8-s poll never overwrites ranking choices not saved yet."""
    from ohayami.problems import ProblemWorkbench

    base = room["base"]
    context, pg = _phone(browser, base)
    _join(pg, base, room["c"].code, "見ている人")
    with _ws(room, "課題の会") as ws:
        m = ProblemWorkbench(ws)
        extra = m.add_problem("外される課題")
    deadline = time.monotonic() + 20
    while not pg.locator("#oh-title").inner_text().startswith(extra):
        assert time.monotonic() < deadline, "the new problem never came"
        pg.get_by_role("button", name="次へ ▶").click()
        pg.wait_for_timeout(300)
    with _ws(room, "課題の会") as ws:
        ProblemWorkbench(ws).set_exclusion(extra, "重複")
    pg.get_by_text(f"「{extra} 外される課題」は、ファシリテーターが採点の対象から外しました").wait_for(timeout=20_000)
    assert not pg.locator("#oh-title").inner_text().startswith(extra)
    context.close()

    context, pg = _phone(browser, base)
    _join(pg, base, room["e"].code, "迷う委員")
    selects = pg.locator("#oh-ranks select")
    selects.nth(0).select_option("2")
    assert "まだ保存されていません" in pg.locator("#oh-rank-state").inner_text()
    pg.wait_for_timeout(9_000)   # one poll later
    assert selects.nth(0).input_value() == "2"
    assert "まだ保存されていません" in pg.locator("#oh-rank-state").inner_text()
    assert pg.problems == []
    context.close()


def test_a_consensus_round_is_scored_on_the_page_with_the_previous_score_beside_the_buttons(browser, tmp_path):
    """Its own server and workshop: the round changes what every other test's C page would score."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from chain_fill import fill_c
    from run import app_args

    from ohayami.app import workshops
    from ohayami.problems import ProblemWorkbench
    from ohayami.store import open_workshop

    entry = workshops.create_workshop("合意の会", "C", "2025-06-04", tmp_path)
    with open_workshop(tmp_path / "合意の会.ohayami") as ws:
        m = fill_c(ws)
        split = m.scoring_alternatives()["alternative_id"].iloc[1]
        before = m.scores("山田").set_index(["alternative_id", "criterion_id"]).loc[(split, "reach"), "value"]
        m.open_round([split])
        m.set_dot_budget(2)
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(tmp_path))
    with _serve(lambda port: app_args(Path(sys.executable), True, port, TOKEN, room=0), env, tmp_path / "log",
                "/login") as base:
        context, pg = _phone(browser, base)
        pg.goto(f"{base}/j/{entry.code}?token={TOKEN}")
        pg.get_by_label("お名前").fill("山田")
        pg.get_by_role("button", name="参加する").click()
        pg.get_by_text("合意ラウンド（2回目の採点）").wait_for()
        assert pg.locator("#oh-title").inner_text().startswith(split) and pg.locator("#oh-where").inner_text().startswith("1/1")
        reach = _row(pg, "影響を受ける人の多さ")
        assert f"前回のあなたの点数：{before}" in reach.inner_text()
        new = "1" if before != "1" else "2"
        reach.get_by_role("button", name=f"影響を受ける人の多さ：{new}").click()
        pg.get_by_text(f"保存しました：「影響を受ける人の多さ」＝{new}（2回目の採点）").wait_for()
        shot(pg, "participant-phone-round")
        # dot voting, set by the facilitator: two dots, then the plus buttons are spent
        pg.locator("#oh-dots-left").filter(has_text="残り 2 枚").wait_for()
        pg.locator(".oh-dot-plus").first.click()
        pg.get_by_text("シールを貼りました（残り 1 枚）").wait_for()
        pg.locator(".oh-dot-plus").first.click()
        pg.get_by_text("シールを貼りました（残り 0 枚）").wait_for()
        assert pg.locator(".oh-dot-plus:not([disabled])").count() == 0
        with open_workshop(tmp_path / "合意の会.ohayami", create=False) as ws:
            m = ProblemWorkbench(ws)
            assert m.round_scores(2, "山田")["value"].tolist() == [new]
            assert m.scores("山田").set_index(["alternative_id", "criterion_id"]).loc[(split, "reach"), "value"] == before
            first = m.scoring_alternatives()["alternative_id"].iloc[0]
            assert m.dots("山田") == {first: 2}
        assert pg.problems == []
        context.close()
