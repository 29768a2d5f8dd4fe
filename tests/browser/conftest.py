"""Real-browser tests: Debian's chromium driven by Playwright against Voilà and JupyterLab.

Skipped, with the reason, where chromium or Playwright is missing. Screenshots of every screen go to
``test-artifacts/``.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("OHAYAMI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def _serve(command, env: dict, log_path: Path, ready_path: str):
    """Run ``command(port)`` on a free port until the block ends; yield its address once ``ready_path`` answers."""
    port = _free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_http(f"http://127.0.0.1:{port}{ready_path}", proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(20)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped")
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def workshops(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-workshops")


APP_WORKSHOP = "ブラウザーの確認"


@pytest.fixture(scope="session")
def app_code(workshops):
    """The join code of the one workshop the app's pages share in these tests (the app opens a
    workshop only from its join code; a page without one opens nothing)."""
    from ohayami.app.workshops import create_workshop

    return create_workshop(APP_WORKSHOP, "chart", "2025-05-01", workshops).code


@pytest.fixture(scope="session")
def voila(workshops):
    """The app as ``run.py app`` serves it (code hidden), on a free loopback port."""
    sys.path.insert(0, str(ROOT))
    from run import app_args

    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(workshops))
    with _serve(lambda port: app_args(Path(sys.executable), False, port, None), env, workshops / "voila.log",
                "/") as base:
        yield base


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory, workshops):
    """JupyterLab as root, with the news prompt and notebook windowing turned off."""
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(workshops), JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    def command(port):
        return [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
                "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
                f"--ServerApp.root_dir={ROOT / 'notebooks'}", "--LabApp.news_url=None"]

    with _serve(command, env, home / "lab.log", "/lab") as base:
        yield base


@pytest.fixture
def new_page(browser):
    """Pages in contexts of their own (one per participant); each fails the test if any dialog (alert)
    opens, which is what injected script would do."""
    made = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        made.append((context, pg))
        return pg

    yield make
    for context, pg in made:
        assert pg.dialogs == [], f"a dialog opened: {pg.dialogs}"
        context.close()


@pytest.fixture
def page(new_page):
    """The first participant's page."""
    return new_page()


def keep_to(pg, base: str):
    """Only the app's own address is reachable from ``pg``: anything else is aborted and remembered in
    ``pg.problems`` (a closed network: nothing may come from a CDN)."""
    pg.problems = []

    def route(r):
        if r.request.url.startswith(base + "/") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            pg.problems.append(f"outside: {r.request.url}")
            r.abort()

    pg.route("**/*", route)
    return pg


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def diagnose_type_c(pg) -> None:
    """Answer the chart on an open chart page until it says type C (いいえ, いいえ, はい) and the result is saved."""
    pg.get_by_text("質問 1 / 8").wait_for()
    no = pg.get_by_role("button", name="いいえ", exact=True)
    for k in (2, 3):
        no.click()
        pg.get_by_text(f"質問 {k} / 8").wait_for()
    pg.get_by_role("button", name="はい", exact=True).click()
    pg.get_by_text("結果を保存しました：Cタイプ").wait_for()
