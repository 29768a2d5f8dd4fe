"""The app command: local only by default; workshop mode needs a token in the address."""

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
