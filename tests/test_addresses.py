"""A page's address in the app and in JupyterLab: in the app only a join code opens a workshop; every
bad address, and any failure while a page is built, shows a Japanese page-level message and opens or
creates no workshop file."""

import ast
import os
import subprocess
import sys
import urllib.request
from urllib.parse import quote
from pathlib import Path

import pytest

from ohayami.app import address, pages, workshops
from ohayami.errors import OhayamiError
from ohayami.html import esc
from ohayami.ui import problems, summary

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import new_notebook  # noqa: E402

EXISTING = "北町の窓口"
# (query, what the participant is told): each opens nothing in the app
BAD_IN_APP = [
    ("", address.NO_CODE),
    ("token=abc", address.NO_CODE),
    ("theme=light", address.NO_CODE),
    ("w=", address.BAD_CODE),
    ("w=ZZZZZ", address.BAD_CODE),
    ("w=%3Cscript%3Ealert(1)%3C%2Fscript%3E", address.BAD_CODE),
    ("w=../../etc/passwd", address.BAD_CODE),
    ("w=33333", address.NOT_FOUND),
    ("workshop=nonexist", address.NO_NAMES),
    ("workshop=..%2F..%2Fetc%2Fpasswd", address.NO_NAMES),
    ("workshop=workshop", address.NO_NAMES),
    (f"workshop={EXISTING}", address.NO_NAMES),   # a name is no key: the shared token lets anyone type one
]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("OHAYAMI_WORKSHOPS", str(tmp_path))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv(address.APP_ENV, raising=False)
    return tmp_path


@pytest.fixture
def existing(folder):
    return workshops.create_workshop(EXISTING, "C", "2025-05-01")


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


def _app_page(monkeypatch, query):
    """What the notebook's cell gives back, on a kernel of the app serving ``?query``."""
    monkeypatch.setenv(address.APP_ENV, "1")
    monkeypatch.setenv("QUERY_STRING", query)
    return address.page(problems.show)


def test_app_and_jupyterlab_are_told_apart():
    assert address.in_app({}) is False                      # JupyterLab: no query string, no app
    assert address.in_app({"PATH": "/bin"}) is False
    assert address.in_app({address.APP_ENV: "1"}) is True     # the kit's server says so for its kernels
    assert address.in_app({"QUERY_STRING": ""}) is True      # any Voilà page, even without a query


@pytest.mark.parametrize("query,message", BAD_IN_APP)
def test_a_bad_address_in_the_app_opens_nothing(query, message, existing, folder):
    before = _listing(folder)
    with pytest.raises(OhayamiError) as e:
        address.workshop_in_address("workshop", query=query, app=True)
    assert e.value.message == message and "ファシリテーター" in e.value.message and "QRコード" in e.value.message
    assert _listing(folder) == before


@pytest.mark.parametrize("query,message", BAD_IN_APP)
def test_the_page_says_so_in_japanese_and_creates_no_file(query, message, existing, folder, monkeypatch):
    before = _listing(folder)
    shown = _app_page(monkeypatch, query)
    html = shown.data
    assert "このページを開けませんでした" in html and esc(message) in html
    assert 'href="/">最初のページへ</a>' in html
    assert "<script" not in html and "passwd" not in html and "Voil" not in html
    assert _listing(folder) == before == [f"{EXISTING}.ohayami"]


def test_the_landing_link_follows_voilas_base_address(existing, monkeypatch):
    monkeypatch.setenv("VOILA_BASE_URL", "/kit/")
    assert 'href="/kit/">最初のページへ</a>' in _app_page(monkeypatch, "w=33333").data


def test_the_join_code_opens_its_workshop_in_the_app(existing, folder, monkeypatch):
    widget = _app_page(monkeypatch, f"w={existing.code.lower()}&token=abc")
    assert "ワークショップ：" + EXISTING in str(_texts(widget))
    assert _listing(folder)[0] == f"{EXISTING}.ohayami" and not any(n.startswith("workshop.") for n in _listing(folder))


def _texts(widget):
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        out.append(getattr(w, "value", "") if isinstance(getattr(w, "value", None), str) else "")
        stack.extend(getattr(w, "children", ()))
    return out


def test_jupyterlab_keeps_its_default_workshop_and_names(existing, folder):
    assert address.workshop_in_address("workshop") == "workshop"          # no query string at all
    assert address.workshop_in_address("workshop", query=f"workshop={EXISTING}") == EXISTING
    widget = address.page(problems.show)
    assert "ワークショップ：workshop" in str(_texts(widget))
    assert (folder / "workshop.ohayami").exists()   # JupyterLab's default file, as before


def test_a_failure_while_the_page_is_built_is_told_in_japanese(existing, folder, monkeypatch, capfd):
    monkeypatch.setenv(address.APP_ENV, "1")
    monkeypatch.setenv("QUERY_STRING", f"w={existing.code}")

    def broken(name):
        raise KeyError("secret-internal-detail")

    html = address.page(broken).data
    assert address.UNEXPECTED in html and "secret-internal-detail" not in html and "Traceback" not in html
    assert "secret-internal-detail" in capfd.readouterr().err   # the facilitator's terminal has it

    def refused(name, kind):
        raise OhayamiError(f"<b>{kind}</b> のファイルが壊れています。", field="file")

    html = address.page(refused, "F").data
    assert "&lt;b&gt;F&lt;/b&gt; のファイルが壊れています。" in html and "<b>" not in html


def test_every_notebook_is_generated_and_goes_through_page():
    for name, cells in new_notebook.NOTEBOOKS.items():
        nb = __import__("json").loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        assert ["".join(c["source"]) for c in nb["cells"]] == [src for _, src in cells], name
        code = "\n".join(src for kind, src in cells if kind == "code")
        calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
        shows = [c for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "show"]
        if pages.needs_workshop(ROOT / "notebooks" / name):
            # the view is handed to page(), never called at top level where an error would be Voilà's
            assert shows == [] and [c.func.id for c in calls if isinstance(c.func, ast.Name)] == ["page"], name
    assert set(new_notebook.NOTEBOOKS) == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_the_landing_never_links_a_worksheet_without_a_code(existing, folder):
    nbs = sorted((ROOT / "notebooks").glob("*.ipynb"))
    html = pages.landing("/", nbs, workshops.list_workshops())
    rendered = [h for h in __import__("re").findall(r'<a href="([^"]+)"', html) if "/voila/render/" in h]
    assert rendered and all("?w=" in h for h in rendered if not h.endswith("00_guide.ipynb")), rendered
    assert "お悩みタイプ別「初めの一手」ガイドを読む" in html
    empty = pages.landing("/", nbs, [])
    assert "ワークショップがまだありません" in empty and "run.py app --workshop" in empty
    assert [h for h in __import__("re").findall(r'<a href="([^"]+)"', empty)] == ["/voila/render/00_guide.ipynb"]


def test_summary_links_carry_the_join_code_in_the_app(existing, monkeypatch):
    monkeypatch.setenv(address.APP_ENV, "1")
    monkeypatch.setenv("QUERY_STRING", f"w={existing.code}&token=t")
    html = "".join(_texts(address.page(summary.show)))
    links = __import__("re").findall(r'href="([^"]+\.ipynb[^"]*)"', html)
    assert links and all(h.endswith(f"?w={existing.code}") for h in links), links


# ------------------------------------------------------------------ through the kit's own Voilà server

def _get(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read().decode("utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The kit's server on a folder with a type C page, the summary, a notebook whose import fails and
    one whose kernel dies (a failure of the server, not of a cell)."""
    nbs, ws = tmp_path_factory.mktemp("nbs"), tmp_path_factory.mktemp("ws")
    for name in ("02_type_c_problems.ipynb", "20_project_summary.ipynb"):
        new_notebook.write(nbs / name, new_notebook.NOTEBOOKS[name])
    new_notebook.write(nbs / "90_broken.ipynb", [("md", "# 壊れたページ"), ("code", "import ohayami.no_such_module")])
    new_notebook.write(nbs / "91_dies.ipynb", [("md", "# 止まるページ"), ("code", "import os\nos._exit(1)")])
    entry = workshops.create_workshop(EXISTING, "C", "2025-05-01", ws)
    sys.path.insert(0, str(ROOT))
    from run import free_port

    port = free_port(18930)
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(ws), PYTHONPATH=str(ROOT))
    env.pop(address.APP_ENV, None)
    proc = subprocess.Popen([sys.executable, "-m", "ohayami.app.server", str(nbs), f"--port={port}", "--no-browser",
                             "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        yield {"base": f"http://127.0.0.1:{port}", "ws": ws, "entry": entry}
    finally:
        proc.terminate()
        proc.wait(20)


def _outputs(html):
    import json
    import re
    return [json.loads(m) for m in re.findall(
        r'<script type="application/vnd.voila.cell-output\+json">\s*(.*?)\s*</script>', html, re.S)]


def test_a_failed_cell_is_told_in_japanese_by_the_template(served):
    html = _get(f"{served['base']}/voila/render/90_broken.ipynb")
    assert "error when executing" not in html and "show_tracebacks" not in html and "Voilà with" not in html
    assert "このページを準備する途中で、思いがけない問題が起きました" in html and address.UNEXPECTED in html
    assert "no_such_module" not in html   # no traceback on the page


def _visible(html):
    """The page's text as a participant sees it: no tags, no scripts (Voilà's console logging names
    itself there), no styles."""
    import re
    return re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


@pytest.mark.parametrize("page", ["90_broken.ipynb", "91_dies.ipynb"])
def test_the_loading_screen_and_a_server_failure_are_in_japanese(served, page):
    html = _get(f"{served['base']}/voila/render/{page}")
    text = _visible(html)
    assert "ページを準備しています…（" in html  # the script that counts the cells while they run
    assert "ページを準備しています" in text and "このページを開けませんでした" in text
    assert "このページを準備する途中で、思いがけない問題が起きました" in text
    # the loading texts were in the page's scripts, the server's failure in its outputs' JSON
    for english in ("Running", "Executing", "Reading", "show_tracebacks", "An exception occurred", "Voilà with"):
        assert english not in html, english
    assert "Voil" not in text


@pytest.mark.parametrize("page", ["02_type_c_problems.ipynb", "20_project_summary.ipynb"])
def test_the_served_page_refuses_bad_addresses_and_creates_nothing(served, page):
    before = _listing(served["ws"])
    for query in ("", "?w=ZZZZZ", "?w=33333", "?w=%3Cscript%3E", f"?workshop={quote(EXISTING)}", "?workshop=..%2Fx"):
        html = _get(f"{served['base']}/voila/render/{page}{query}")
        shown = "".join(o.get("data", {}).get("text/html", "") for o in _outputs(html))
        assert "このページを開けませんでした" in shown and "QRコード" in shown, query
        assert "error when executing" not in html and "widget-view+json" not in shown, query
    assert _listing(served["ws"]) == before
    html = _get(f"{served['base']}/voila/render/{page}?w={served['entry'].code}")
    assert "このページを開けませんでした" not in "".join(str(o) for o in _outputs(html))
    assert any(k.endswith("widget-view+json") for o in _outputs(html) for k in o.get("data", {}))
