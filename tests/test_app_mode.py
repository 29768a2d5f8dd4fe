"""The app command: local only by default; workshop mode needs a token in the address."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import run  # noqa: E402


def test_default_listens_on_this_computer_only():
    args = run.app_args(Path("py"), share=False, port=8866, token=None)
    assert "--Voila.ip=127.0.0.1" in args and not any(a.startswith("--token") for a in args)
    assert "--strip_sources=True" in args and str(ROOT / "notebooks") in args


def test_share_mode_is_explicit_and_needs_a_token():
    args = run.app_args(Path("py"), share=True, port=8866, token="abc123")
    assert "--Voila.ip=0.0.0.0" in args and "--token=abc123" in args


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.geturl()
    except urllib.error.HTTPError as e:
        return e.code, url


def test_share_mode_refuses_requests_without_the_token(tmp_path):
    port = run.free_port(18866)
    token = "t0k3n-for-the-test"
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(tmp_path))
    proc = subprocess.Popen(run.app_args(Path(sys.executable), True, port, token), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"http://127.0.0.1:{port}/?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert status == 200
        status, final = _get(f"http://127.0.0.1:{port}/voila/render/00_guide.ipynb")
        assert status in (401, 403) or "login" in final
    finally:
        proc.terminate()
        proc.wait(20)


# ---------------------------------------------------------------------- the workshop registry

import io  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from ohayami.app import address, launch, network, pages, workshops  # noqa: E402
from ohayami.errors import OhayamiError  # noqa: E402


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("OHAYAMI_WORKSHOPS", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("bad", ["", "  ", "../秘密", "a/b", "a\\b", "..", "x..y", ".隠し", "末尾.", "CON", "nul.txt",
                                 "名前:副題", "a*b", "あ" * 41])
def test_workshop_names_that_could_leave_the_folder_or_break_a_file_name_are_refused(bad, folder):
    with pytest.raises(OhayamiError) as e:
        workshops.create_workshop(bad, "C", "2025-05-01")
    assert e.value.field == "name"
    assert list(folder.iterdir()) == []


def test_a_japanese_workshop_is_created_with_its_kind_date_and_a_join_code(folder):
    e = workshops.create_workshop(" 第1回　市役所ＤＸ ", "c", "2025/5/1")
    assert (e.name, e.kind, e.date) == ("第1回 市役所ＤＸ", "C", "2025-05-01")
    assert len(e.code) == workshops.CODE_LENGTH and set(e.code) <= set(workshops.CODE_ALPHABET)
    assert [p.name for p in folder.iterdir()] == ["第1回 市役所ＤＸ.ohayami"]
    assert workshops.list_workshops() == [e]
    assert workshops.find_code(e.code.lower() + " ") == e  # as typed from a projector
    assert e.notebook == "02_type_c_problems.ipynb"
    with pytest.raises(OhayamiError, match="既にあります"):
        workshops.create_workshop("第1回 市役所ＤＸ", "E")


def test_kind_and_date_are_checked(folder):
    with pytest.raises(OhayamiError) as e:
        workshops.create_workshop("会議", "Z")  # no such kind (D is a kind once its worksheet exists)
    assert e.value.field == "kind"
    with pytest.raises(OhayamiError) as e:
        workshops.create_workshop("会議", "E", "2025-13-01")
    assert e.value.field == "date"
    assert workshops.create_workshop("会議", "E", "").date == time.strftime("%Y-%m-%d")


def test_join_codes_are_distinct_and_a_file_made_in_jupyterlab_gets_one_when_chosen(folder):
    made = [workshops.create_workshop(f"回{i}", "chart", f"2025-04-{i + 1:02d}") for i in range(25)]
    assert len({e.code for e in made}) == 25
    assert [e.name for e in workshops.list_workshops()][:2] == ["回24", "回23"]  # newest first
    from ohayami.store import open_workshop
    open_workshop(folder / "研修.ohayami").close()  # as `show("研修")` in JupyterLab makes it
    bare = workshops.find("研修")
    assert (bare.kind, bare.code) == ("", "")
    ready = launch.choose("研修", "E", None)
    assert ready.kind == "E" and ready.code and ready.code not in {e.code for e in made}
    assert workshops.find("研修") == ready


def test_the_page_address_names_the_workshop(folder):
    e = workshops.create_workshop("課題検討", "C")
    assert address.workshop_in_address("workshop", query=f"w={e.code}") == "課題検討"
    assert address.workshop_in_address("workshop", query="") == "workshop"  # JupyterLab: no query
    assert address.workshop_in_address("既定", query="theme=light") == "既定"
    with pytest.raises(OhayamiError) as err:
        address.workshop_in_address(query="w=XXXXX")  # well-formed, no such workshop
    assert err.value.field == "code" and "見つかりません" in err.value.message
    with pytest.raises(OhayamiError):
        address.workshop_in_address(query="w=../../etc")


def test_the_page_address_is_read_from_voilas_query_string(folder, monkeypatch):
    e = workshops.create_workshop("ベンダー比較", "E")
    monkeypatch.setenv("QUERY_STRING", f"w={e.code}")
    assert address.workshop_in_address("workshop") == "ベンダー比較"
    monkeypatch.delenv("QUERY_STRING")
    assert address.workshop_in_address("workshop") == "workshop"


def test_pages_escape_names_and_never_show_a_notebook_file_name(folder):
    e = workshops.create_workshop("A&B 'ワークショップ'", "E", "2025-06-01")
    nbs = sorted((ROOT / "notebooks").glob("0*.ipynb"))
    html = pages.landing("/", nbs, workshops.list_workshops())
    text = __import__("re").sub(r"<[^>]+>", "", html)
    assert "A&amp;B &#x27;ワークショップ&#x27;" in html and "A&B 'ワークショップ'" not in html
    # pages by their titles (a worksheet only with its workshop's code: see test_addresses)
    assert "お悩みタイプ別「初めの一手」ガイドを読む" in text and "Eタイプ作業台（事業者を比べる）" in text
    assert ".ipynb" not in text
    url = pages.join_url("http://192.168.10.5:8866", e.code, "tok")
    assert url == f"http://192.168.10.5:8866/j/{e.code}?token=tok"
    join = pages.join(e, url)
    assert "<svg" in join and pages.esc(url) in join and e.code in join and "http" not in join.split("<svg")[0]
    assert "jupyter server list" not in pages.login("/login", "", "/", failed=True)
    assert "合言葉（トークン）が違います" in pages.login("/login", "", "/", failed=True)


def test_lan_addresses_are_real_ipv4_addresses_not_loopback():
    import ipaddress
    for ip in network.lan_addresses():
        a = ipaddress.ip_address(ip)
        assert a.version == 4 and not a.is_loopback and not a.is_link_local


def test_a_busy_port_moves_to_the_next_free_one():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        assert run.free_port(busy) > busy


def test_announce_gives_the_join_address_and_never_a_placeholder(folder):
    e = workshops.create_workshop("第2回", "C")
    out = io.StringIO()
    base = launch.announce(e, True, 8870, "tok", ["192.168.3.4", "10.0.0.9"], out)
    said = out.getvalue()
    assert base == "http://192.168.3.4:8870"
    assert f"http://192.168.3.4:8870/j/{e.code}?token=tok" in said and f"http://10.0.0.9:8870/j/{e.code}" in said
    assert "▄" in said or "█" in said  # the QR code in the terminal
    out = io.StringIO()
    assert launch.announce(e, True, 8870, "tok", [], out) == "http://127.0.0.1:8870"
    assert "ネットワークに接続されていない" in out.getvalue()
    for text in (said, out.getvalue()):
        assert "IPアドレス" not in text and "‹" not in text and "<" not in text


def test_the_facilitator_picks_or_creates_a_workshop_in_the_terminal(folder):
    answers = iter(["n", "a/b", "第3回 課題", "X", "ｃ", ""])  # no workshop yet: straight to a new one
    out = io.StringIO()
    made = launch.pick(lambda _prompt: next(answers), out)
    assert (made.name, made.kind) == ("第3回 課題", "C")
    assert "使えない文字" in out.getvalue() and "種類" in out.getvalue()
    assert "まだワークショップがありません" in out.getvalue() and "n. 新しく作る" not in out.getvalue()
    assert "「n」は新しく作るときの記号です" in out.getvalue()   # the README's 「n」 is not taken as a name
    answers = iter(["7", "1"])
    assert launch.pick(lambda _prompt: next(answers), out) == made
    answers = iter(["n", "第3回 課題", "第4回", "E", "2025年6月3日"])
    assert launch.pick(lambda _prompt: next(answers), out).date == "2025-06-03"
    assert "既にあります" in out.getvalue() and "1〜1 の番号" in out.getvalue()


def test_run_py_help_is_japanese_and_english_and_needs_no_setup(tmp_path):
    env = dict(os.environ)
    env.pop("OHAYAMI_PYTHON", None)
    for argv in (["--help"], ["app", "--help"]):
        out = subprocess.run([sys.executable, str(ROOT / "run.py"), *argv], capture_output=True, text=True,
                             env=env, timeout=30)
        assert out.returncode == 0, out.stderr
        assert "ワークショップ" in out.stdout and "workshop" in out.stdout
    assert "--share" in out.stdout and "--kind" in out.stdout and "--port" in out.stdout


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmd:
            found.append(f"{proc.name}: {cmd[:120]}")
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to see the server's processes")
def test_sigterm_to_run_py_stops_the_server_and_its_kernels(tmp_path):
    work = tmp_path / "tmp"  # the server keeps its kernels' connection files here: their command lines name it
    work.mkdir()
    port = run.free_port(18990)
    env = dict(os.environ, OHAYAMI_PYTHON=sys.executable, OHAYAMI_WORKSHOPS=str(tmp_path), TMPDIR=str(work),
               PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "app", f"--port={port}", "--workshop=終了確認",
                             "--kind=chart"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"http://127.0.0.1:{port}/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        assert status == 200
        code = workshops.find("終了確認", tmp_path).code
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/j/{code}", timeout=60) as r:
            html = r.read().decode()
        # the page ran in a kernel of its own, titled by its heading, not its file name
        assert "<title>診断チャート（お悩みタイプ診断）</title>" in html and "widget-view+json" in html
        assert '<html lang="ja">' in html and "cdn.jsdelivr" not in html
        assert any("kernel" in p for p in _processes_mentioning(str(work))), _processes_mentioning(str(work))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0 or proc.returncode is not None
        # the facilitator's terminal: the kit's words, no English chatter from Voilà or the kernels
        said = proc.stdout.read().decode("utf-8", "replace")
        assert "停止しています" in said and "[ohayami]" in said, said
        for noise in ("Kernel is running over TCP", "is not trusted", "Traceback", "Voilà is running at",
                      "Kernel started", "[OhayamiVoila]"):
            assert noise not in said, (noise, said)
        deadline = time.monotonic() + 15
        while _processes_mentioning(str(work)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _processes_mentioning(str(work)) == []
        assert _processes_mentioning(f"--port={port}") == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_guide_card_link_opens_its_existing_workshop_and_never_creates_one(tmp_path, monkeypatch):
    from ohayami.app.address import workshop_in_address
    from ohayami.app.workshops import create_workshop
    from ohayami.errors import OhayamiError
    from ohayami.ui.cards import notebook_href

    monkeypatch.setenv("OHAYAMI_WORKSHOPS", str(tmp_path))
    create_workshop("北町の窓口", "C")
    query = notebook_href("02_type_c_problems.ipynb", "北町の窓口").split("?", 1)[1]
    assert workshop_in_address("workshop", query) == "北町の窓口"
    with pytest.raises(OhayamiError, match="見つかりません"):
        workshop_in_address("workshop", "workshop=%E5%8D%97%E7%94%BA")   # 南町: no such workshop
    assert not list(tmp_path.glob("南町*"))


def test_a_c_or_e_workshop_offers_its_projector_page(folder):
    c = workshops.create_workshop("課題の会", "C", "2025-06-01")
    chart = workshops.create_workshop("チャートの会", "chart", "2025-06-01")
    html = pages.landing("/base", [], workshops.list_workshops())
    assert f'href="/base/voila/render/04_projector.ipynb?w={c.code}"' in html
    assert f"04_projector.ipynb?w={chart.code}" not in html and html.count("結果を投影") == 1


@pytest.mark.parametrize("share", [False, True])
def test_pages_beyond_the_kernel_cap_get_a_japanese_busy_page_and_start_no_kernel(tmp_path, share):
    """Anyone with the token can load pages, and every load starts a kernel (~80 MiB): past the cap
    (``OHAYAMI_MAX_PAGES``, here 1) a page says so in Japanese instead of starting another. Shared, the
    cap the facilitator set is kept (the pre-heated pool once raised it to the room's size + 30)."""
    port = run.free_port(18995 if not share else 18997)
    token = "cap-token" if share else None
    auth = f"&token={token}" if share else ""
    folder = tmp_path / "w"
    folder.mkdir()
    code = workshops.create_workshop("上限の確認", "chart", "2025-05-01", folder).code
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(folder), OHAYAMI_MAX_PAGES="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(run.app_args(Path(sys.executable), share, port, token, room=2 if share else 0), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        while share:   # the pool's first fill (2 asked, 1 allowed) is over before the first page comes
            with urllib.request.urlopen(f"{base}/api/kernels?{auth[1:]}", timeout=10) as r:
                if [k for k in json.loads(r.read()) if k.get("warm")]:
                    break
            assert time.monotonic() < deadline + 60
            time.sleep(0.3)
        with urllib.request.urlopen(f"{base}/voila/render/01_chart.ipynb?w={code}{auth}", timeout=120) as r:
            assert r.status == 200 and "widget-view+json" in r.read().decode()
        try:
            urllib.request.urlopen(f"{base}/voila/render/01_chart.ipynb?w={code}{auth}", timeout=60).close()
            raise AssertionError("a second page started past the cap")
        except urllib.error.HTTPError as err:
            busy = err.read().decode()
            assert err.code == 503 and "同時に開けるページの数（1）に達しました" in busy and "<html lang=\"ja\">" in busy
        with urllib.request.urlopen(f"{base}/api/kernels?{auth[1:]}", timeout=10) as r:
            assert len(json.loads(r.read())) == 1
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_pre_heated_kernel_that_dies_is_replaced_before_a_page_gets_it(tmp_path):
    """A pooled kernel killed by the system (out of memory) came back empty and was handed to the next
    page, which then spun for ever: it is now shut down and the pool filled again."""
    import psutil

    port = run.free_port(19010)
    folder = tmp_path / "w"
    folder.mkdir()
    code = workshops.create_workshop("入れ替えの確認", "chart", "2025-05-01", folder).code
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(folder), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(run.app_args(Path(sys.executable), True, port, "warm-token", room=1), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def warm():
        try:
            with urllib.request.urlopen(f"{base}/api/kernels?token=warm-token", timeout=10) as r:
                return [k["id"] for k in json.loads(r.read()) if k.get("warm")]
        except (urllib.error.URLError, ConnectionError):
            return []

    try:
        deadline = time.monotonic() + 120
        while not warm():
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.5)
        (dead,) = warm()
        victim = next(p for p in psutil.Process(proc.pid).children(recursive=True) if dead in " ".join(p.cmdline()))
        victim.kill()
        while warm() in ([], [dead]):
            assert time.monotonic() < deadline + 60, "the dead kernel was not replaced"
            time.sleep(0.5)
        assert dead not in warm()

        def every():
            with urllib.request.urlopen(f"{base}/api/kernels?token=warm-token", timeout=10) as r:
                return [k["id"] for k in json.loads(r.read())]
        while dead in every():   # its restarted process is stopped too, not left busy and never culled
            assert time.monotonic() < deadline + 90, "the restarted kernel was left running"
            time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/voila/render/01_chart.ipynb?w={code}&token=warm-token", timeout=120) as r:
            assert "widget-view+json" in r.read().decode()
        # an address the app has no page for, as a participant might mistype it: Japanese, not tornado's
        for wrong in ("/J/" + code, "/nowhere", f"/j/{code}/x"):
            try:
                urllib.request.urlopen(f"{base}{wrong}?token=warm-token", timeout=10)
                raise AssertionError(wrong)
            except urllib.error.HTTPError as err:
                page = err.read().decode()
                assert err.code == 404 and "ページが見つかりません" in page and "404: Not Found" not in page, wrong
        with urllib.request.urlopen(f"{base}/j/{code}/?token=warm-token", timeout=60) as r:   # a trailing slash
            assert "01_chart.ipynb" in r.geturl()   # redirected to the page (a login first: urllib keeps no cookie)
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_copied_workshop_file_never_takes_its_join_code(tmp_path):
    """A copy carries the original's code; the one that sorted first took the room's input."""
    import shutil

    e = workshops.create_workshop("課題検討", "C", "2025-05-01", tmp_path)
    assert workshops.find_code(e.code, tmp_path).name == "課題検討"
    shutil.copy(tmp_path / "課題検討.ohayami", tmp_path / "バックアップ.ohayami")
    with pytest.raises(OhayamiError) as err:
        workshops.find_code(e.code, tmp_path)
    assert "2 つあります" in err.value.message and "「バックアップ」" in err.value.message and "「課題検討」" in err.value.message
    (tmp_path / "バックアップ.ohayami").unlink()
    assert workshops.find_code(e.code, tmp_path).name == "課題検討"
