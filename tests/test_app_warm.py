"""Kernels started before the room arrives (Voilà's pre-heated pool): which pages get them, how a
pooled kernel learns its page's address, and that stopping run.py stops them too."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import run  # noqa: E402

from ohayami.app import address, server, workshops  # noqa: E402
from ohayami.errors import OhayamiError  # noqa: E402


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("OHAYAMI_WORKSHOPS", str(tmp_path))
    return tmp_path


def test_a_shared_app_prepares_kernels_for_the_room_and_a_local_one_does_not():
    shared = run.app_args(Path("py"), share=True, port=8866, token="abc")
    assert f"--OhayamiVoila.warm_kernels={run.ROOM}" in shared and run.ROOM >= 30
    assert "--OhayamiVoila.warm_kernels=12" in run.app_args(Path("py"), True, 8866, "abc", room=12)
    assert not any("warm_kernels" in a for a in run.app_args(Path("py"), share=False, port=8866, token=None))
    assert run.app_parser().parse_args(["--share", "--room", "40"]).room == 40


def test_pools_are_for_the_joinable_workshops_pages_only(folder):
    app = server.OhayamiVoila()
    assert app._warm_notebooks() == []  # no workshop: nothing is started ahead
    workshops.create_workshop("課題検討", "C")
    workshops.create_workshop("事業者比較", "E")
    assert app._warm_notebooks() == ["02_type_c_problems.ipynb", "03_type_e_vendors.ipynb"]
    pools = app._pools(30)
    # every other notebook in the folder gets none (Voilà's own default would start one for each)
    assert pools["default"] == {"pool_size": 0}
    # a C or E room joins on the participant page (no kernel): their workbench keeps only a few ready
    assert pools["02_type_c_problems.ipynb"] == pools["03_type_e_vendors.ipynb"] == {"pool_size": app.workbench_warm}
    assert app.workbench_warm == 6
    app.warm_notebooks = ["01_chart.ipynb"]  # what run.py app passes for the workshop it opened
    assert app._pools(30) == {"default": {"pool_size": 0}, "01_chart.ipynb": {"pool_size": 30}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def query_socket():
    """Voilà's own ``/voila/query/<kernel>`` socket on a free port, in a thread of its own."""
    from tornado.web import Application
    from voila.request_info_handler import RequestInfoSocketHandler

    port, ready, box = _free_port(), threading.Event(), {}

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        box["server"] = Application([(r"/voila/query/(.+)", RequestInfoSocketHandler)]).listen(port, "127.0.0.1")
        box["loop"] = loop
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield port, box["loop"]
    box["loop"].call_soon_threadsafe(box["server"].stop)
    box["loop"].call_soon_threadsafe(box["loop"].stop)
    thread.join(10)


def _as_pooled_kernel(monkeypatch, port, kernel_id):
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", kernel_id)
    for name in ("QUERY_STRING", "SCRIPT_NAME"):  # what the page's request puts into the environment
        monkeypatch.setenv(name, "")  # recorded, so the test's values are removed afterwards
        monkeypatch.delenv(name)


def test_a_pooled_kernel_waits_for_its_page_and_opens_the_workshop_the_address_names(folder, monkeypatch,
                                                                                      query_socket):
    from voila.request_info_handler import RequestInfoSocketHandler

    entry = workshops.create_workshop("第3回 課題検討", "C")
    workshops.create_workshop("別のワークショップ", "C")
    port, loop = query_socket
    _as_pooled_kernel(monkeypatch, port, "kernel-1")
    # the page arrives a moment after the kernel started waiting (sent on the server's own loop, as Voilà does)
    request = {"kernel_id": "kernel-1", "payload": {"QUERY_STRING": f"w={entry.code}", "SCRIPT_NAME": "/voila/render/x"}}
    loop.call_soon_threadsafe(loop.call_later, 0.5, RequestInfoSocketHandler.send_updates, request)
    assert address.workshop_in_address("workshop") == "第3回 課題検討"
    assert os.environ["QUERY_STRING"] == f"w={entry.code}"
    # once it has its address it does not wait again
    assert address.workshop_in_address("workshop") == "第3回 課題検討"


def test_a_pooled_kernel_that_cannot_learn_its_address_says_so_instead_of_opening_another_workshop(
        folder, monkeypatch):
    _as_pooled_kernel(monkeypatch, _free_port(), "kernel-2")  # nothing listens there
    monkeypatch.setattr(address, "CONNECT_WAIT_S", 1.5)
    start = time.monotonic()
    with pytest.raises(OhayamiError) as err:
        address.workshop_in_address("workshop")
    assert err.value.field == "code" and "読み込み直して" in err.value.message
    assert "QUERY_STRING" not in os.environ
    assert time.monotonic() - start >= 1.5  # it kept trying before giving up


def test_a_pooled_kernel_reaches_a_server_that_starts_listening_late(folder, monkeypatch):
    """The server may accept the query socket only after a while (busy starting the room's kernels)."""
    from tornado.web import Application
    from voila.request_info_handler import RequestInfoSocketHandler

    entry = workshops.create_workshop("遅い応答", "C")
    port, box = _free_port(), {}
    _as_pooled_kernel(monkeypatch, port, "kernel-3")
    RequestInfoSocketHandler.send_updates({"kernel_id": "kernel-3", "payload": {"QUERY_STRING": f"w={entry.code}"}})

    def serve_later():
        time.sleep(2)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        box["server"], box["loop"] = Application([(r"/voila/query/(.+)", RequestInfoSocketHandler)]).listen(
            port, "127.0.0.1"), loop
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=serve_later, daemon=True)
    thread.start()
    try:
        assert address.workshop_in_address("workshop") == "遅い応答"
    finally:
        if "loop" in box:
            box["loop"].call_soon_threadsafe(box["server"].stop)
            box["loop"].call_soon_threadsafe(box["loop"].stop)


def test_outside_a_pool_nothing_waits(folder, monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a kernel Voilà started for one page: the address is there
    monkeypatch.setenv("QUERY_STRING", "")
    started = time.monotonic()
    with pytest.raises(OhayamiError, match="参加コードがありません"):   # an app page without a code opens nothing
        address.workshop_in_address("既定")
    assert time.monotonic() - started < 1   # and it says so at once: nothing waited for a pool's request
    monkeypatch.delenv("VOILA_PREHEAT")  # JupyterLab
    monkeypatch.delenv("QUERY_STRING")
    assert address.workshop_in_address("既定") == "既定"


def _kernel_processes(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and text in cmd and "ipykernel" in cmd:
            found.append(cmd[:160])
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to see the server's processes")
def test_a_shared_app_starts_the_rooms_kernels_ahead_and_sigterm_stops_them(tmp_path):
    work = tmp_path / "tmp"  # the kernels' connection files are here: their command lines name it
    work.mkdir()
    port = run.free_port(18930, "0.0.0.0")
    env = dict(os.environ, OHAYAMI_PYTHON=sys.executable, OHAYAMI_WORKSHOPS=str(tmp_path), TMPDIR=str(work),
               PYTHONPATH=str(ROOT))
    workshops.create_workshop("別の種類", "E", folder=tmp_path)  # not opened: gets no kernels
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "app", "--share", f"--port={port}",
                             "--workshop=事前起動", "--kind=C", "--room=2"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while len(_kernel_processes(str(work))) < 2:
            assert time.monotonic() < deadline and proc.poll() is None, _kernel_processes(str(work))
            time.sleep(0.5)
        time.sleep(2)
        assert len(_kernel_processes(str(work))) == 2  # the opened workshop's page only, the room's size
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        deadline = time.monotonic() + 15
        while _kernel_processes(str(work)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _kernel_processes(str(work)) == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_culler_leaves_a_kernel_alone_until_its_page_has_connected(monkeypatch):
    """A page still loading has an idle kernel with no connection: it is handed to the ordinary idle
    rule once its page connected; when its page has not come for ``PAGE_CONNECT_S`` it is shut down
    at once (an abandoned load must not hold ~110 MB for the whole ``cull_idle_timeout``)."""
    from types import SimpleNamespace

    from jupyter_server._tz import utcnow
    asked, shut = [], []

    async def ordinary_rule(self, kernel_id):
        asked.append(kernel_id)

    async def shutdown(self, kernel_id, *args, **kwargs):
        shut.append(kernel_id)
        self._kernels.pop(kernel_id, None)

    def cull(kernel_id):  # in a thread of its own: a browser test before this one may hold a running loop
        thread = threading.Thread(target=asyncio.run, args=(km.cull_kernel_if_idle(kernel_id),))
        thread.start()
        thread.join(10)

    monkeypatch.setattr(server.AsyncMappingKernelManager, "cull_kernel_if_idle", ordinary_rule)
    monkeypatch.setattr(server.AsyncMappingKernelManager, "shutdown_kernel", shutdown)
    km = server.PageKernelManager()
    long_ago = utcnow() - timedelta(seconds=server.PAGE_CONNECT_S + 1)
    km._kernels.update({"starting": SimpleNamespace(execution_state="starting", last_activity=long_ago),
                        "loading": SimpleNamespace(execution_state="idle", last_activity=utcnow()),
                        "abandoned": SimpleNamespace(execution_state="idle", last_activity=long_ago),
                        "running": SimpleNamespace(execution_state="busy", last_activity=long_ago),
                        "closed": SimpleNamespace(execution_state="idle", last_activity=long_ago)})
    for kernel_id in ("starting", "loading"):
        cull(kernel_id)
    assert asked == [] and shut == []
    km._kernel_connections["loading"] = 0
    km.notify_connect("loading")  # its page came: the ordinary rule decides from now on
    cull("loading")
    cull("abandoned")  # its page never came: nothing to serve, shut down without waiting for the idle limit
    cull("running")  # still busy (its notebook running): the ordinary rule, which spares busy kernels
    assert asked == ["loading", "running"] and shut == ["abandoned"]
    km._kernel_connections["closed"] = 0
    km.notify_connect("closed")
    km.notify_disconnect("closed")  # its page came and was closed: the ordinary idle limit, not the grace
    cull("closed")
    assert asked == ["loading", "running", "closed"] and shut == ["abandoned"]
    assert "abandoned" not in km._kernels and "closed" in km._kernels
