"""The lost-connection banner in a real browser: notebook 03 in Voilà, then its kernel killed (the
websocket stays, pongs stop) and the server stopped (the websocket closes). The check interval is
shortened through the environment so that the banner shows within seconds."""

import json
import os
import shutil
import signal
import sys
from pathlib import Path

from .conftest import ROOT, _serve, shot

BANNER = "サーバーとの接続が切れました。この表示のあとに入力した内容は保存されていません。ページを再読み込みしてください。"
NOTEBOOK = "03_type_e_vendors.ipynb"


def _notebooks_with_banner(folder: Path) -> Path:
    """Notebook 03 as shipped, plus a cell showing the banner (harmless once the view shows it too:
    one banner per kernel)."""
    folder.mkdir()
    nb = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": ["from ohayami.ui.connection import connection_banner\n", "connection_banner()"]})
    (folder / NOTEBOOK).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, folder / "unused.ipynb")  # Voilà lists a folder of notebooks
    return folder


def _kernels_of(pid: int) -> list[int]:
    """Process ids of the ipykernel processes started by the server ``pid`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and "ipykernel" in cmd:
            out.append(int(entry.name))
    return out


def _open(pg, base, code):
    pg.goto(f"{base}/voila/render/{NOTEBOOK}?w={code}")
    pg.get_by_text("Eタイプ作業台：サービスの良し悪しの基準を考えよう").first.wait_for()
    pg.locator(".oh-connection-banner").wait_for(state="attached")


def _banner(pg):
    return pg.get_by_role("alert").filter(has_text=BANNER)


def test_the_banner_shows_when_the_kernel_dies_and_when_the_server_stops(new_page, tmp_path):
    sys.path.insert(0, str(ROOT))
    from run import app_args

    folder = _notebooks_with_banner(tmp_path / "notebooks")
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(tmp_path / "ws"), OHAYAMI_CONNECTION_CHECK_S="0.5")
    from ohayami.app.workshops import create_workshop
    (tmp_path / "ws").mkdir()
    code = create_workshop("接続の確認", "E", "2025-05-01", tmp_path / "ws").code

    def command(port):
        args = app_args(Path(sys.executable), False, port, None)
        args[args.index(str(ROOT / "notebooks"))] = str(folder)
        return args

    first, second = new_page(), new_page()
    with _serve(command, env, tmp_path / "voila.log", "/") as base:
        _open(first, base, code)
        first.wait_for_timeout(3000)  # several pings answered: no false alarm while all is well
        assert not _banner(first).is_visible()
        assert first.locator(".oh-connection-banner").count() == 1
        kernels_before = _server_kernels(base)
        _open(second, base, code)
        new = [k for k in _server_kernels(base) if k not in kernels_before]
        assert len(kernels_before) == 1 and len(new) == 1
        os.kill(kernels_before[0], signal.SIGKILL)  # the first page's kernel dies; its websocket stays
        _banner(first).wait_for(state="visible", timeout=15_000)
        shot(first, "app-connection-kernel-died")
        assert not _banner(second).is_visible()  # the other participant's kernel still answers
    _banner(second).wait_for(state="visible", timeout=15_000)  # the server is stopped
    box = second.locator(".oh-connection-banner").bounding_box()
    assert box["y"] == 0 and box["width"] >= 1200  # a bar across the top of the page
    shot(second, "app-connection-server-stopped")


def _server_kernels(base: str) -> list[int]:
    """ipykernel processes of the Voilà server listening on ``base`` (found through its port's owner)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a == f"--port={port}".encode() for a in cmd) and any(b"voila" in a or b"ohayami.app.server" in a for a in cmd):
            return _kernels_of(int(entry.name))
    return []
