"""Voilà as the kit serves it: its own landing, join, and login pages, the short join address
``/j/<code>``, a Japanese page template with nothing from a CDN, kernel shutdown that works when a
page closes, culling of abandoned kernels, and kernels started before the room arrives.

Run as ``python -m ohayami.app.server <notebooks> [Voilà options]``; ``run.py app`` does it for you.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, List, Unicode, default
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler
from voila.voila_identity_provider import VoilaLoginHandler

from ..errors import OhayamiError
from ..html import esc
from . import pages, participants
from .address import APP_ENV
from .network import lan_addresses
from .workshops import KINDS, available_kinds, find_code, list_workshops

SHARE = Path(__file__).resolve().parent / "share" / "jupyter"
TEMPLATE = "ohayami"

# Kernel culling, in seconds. A kernel whose page is closed (no open connection) and idle this long
# is shut down; pages still open are never culled. The environment variables let a test use seconds.
CULL_IDLE_S = int(os.environ.get("OHAYAMI_CULL_IDLE_S", "900"))
CULL_INTERVAL_S = int(os.environ.get("OHAYAMI_CULL_INTERVAL_S", "60"))

# How long the page waits, after the notebook's cell has finished, for the kernel's last messages
# (the widget the cell displayed among them). nbclient's default is 4 s; when many kernels start at
# once on a small machine the widget arrives later than that, the page is sent without it and stays
# blank below its header (measured: 8 of 8 and 30 of 30 pages blank when opened at once).
IOPUB_WAIT_S = 300
# How long after its last activity a kernel whose page never connected is kept (see PageKernelManager):
# long enough for a page loading in a busy room (8 at once on two cores: under 15 s from the notebook's
# end to the page's connection), short enough that pages closed while loading free theirs soon.
PAGE_CONNECT_S = 30


def culling_args(idle_s: int | None = None, interval_s: int | None = None) -> list[str]:
    """Command-line settings that cull kernels left behind by closed pages."""
    idle = CULL_IDLE_S if idle_s is None else idle_s
    interval = CULL_INTERVAL_S if interval_s is None else interval_s
    return [f"--MappingKernelManager.cull_idle_timeout={idle}",
            f"--MappingKernelManager.cull_interval={interval}",
            "--MappingKernelManager.cull_connected=False",
            "--MappingKernelManager.cull_busy=False"]


MAX_PAGES = int(os.environ.get("OHAYAMI_MAX_PAGES", "60"))
FULL = ("このパソコンで同時に開けるページの数（{n}）に達しました。使っていないページを閉じてから、"
        "少し待って開き直してください（閉じたページの分は、しばらくすると空きます）。")


class TooManyPages(Exception):
    """Every kernel this server may run is in use (:data:`MAX_PAGES`)."""


class PageKernelManager(AsyncMappingKernelManager):
    """The culler leaves alone a kernel whose page has not connected yet: while it is starting, and
    for ``PAGE_CONNECT_S`` after its last activity.

    A page's kernel is idle, with no connection, from the moment its notebook has run until the
    browser has loaded the page and opened the kernel's socket; with a room joining at once on two
    cores that took longer than a short idle limit, and the culler shut kernels down under pages
    still loading (they then never showed their form). Once a page has connected, culling is as
    configured: a closed page frees its kernel after ``cull_idle_timeout``; a page closed while
    loading never connects and its kernel is shut down once ``PAGE_CONNECT_S`` have passed, whatever
    ``cull_idle_timeout`` is (pre-heated kernels waiting in Voilà's pool are never culled)."""

    max_kernels = Int(MAX_PAGES, config=True,
                      help="同時に動かすカーネル（作業台ページ）の上限。0 で上限なし（1つ約80MB）")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._page_connected: set[str] = set()
        self._starting = 0

    async def start_kernel(self, *args, **kwargs):
        # Anyone with the token could otherwise start kernels until the memory is gone (one is ~80 MiB
        # and every page load starts one); the pre-heated pool counts too.
        # counted with the kernels still starting: pages arriving together all saw the count before any
        # of them was registered, and a rush (or the pool's first fill) went past the cap
        if self.max_kernels and len(set(self.list_kernel_ids())) + self._starting >= self.max_kernels:
            raise TooManyPages(FULL.format(n=self.max_kernels))
        self._starting += 1
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1
        try:
            self.get_kernel(kernel_id).add_restart_callback(lambda: self._restarted(kernel_id), "restart")
        except Exception:  # noqa: BLE001 - a kernel gone already has nothing to watch
            pass
        return kernel_id

    def _restarted(self, kernel_id: str) -> None:
        """A kernel died (out of memory, killed) and is being started again. One still waiting in the
        pre-heated pool is handed to no page: its notebook's cell ran in the dead process, and a page given
        it spun for ever. It leaves the pool at once and is shut down once its restart is over (the
        restarter calls this before it restarts: a shutdown racing the restart left a live kernel behind,
        counted against the cap and never culled); then the pool is filled again."""
        for notebook, pool in getattr(self, "_pools", {}).items():
            for i, task in enumerate(pool):
                if task.done() and not task.cancelled() and task.exception() is None \
                        and task.result().get("kernel_id") == kernel_id:
                    pool.pop(i)
                    self.log.warning("準備済みのカーネルが止まったため、入れ替えます（%s）。", kernel_id)
                    asyncio.ensure_future(self._replace_warm(kernel_id, notebook))
                    return

    async def _replace_warm(self, kernel_id: str, notebook: str) -> None:
        for _ in range(10):
            await asyncio.sleep(1)   # let the restart finish, then stop what it started
            if kernel_id not in self:
                break
            try:
                await ensure_async(self.shutdown_kernel(kernel_id, now=True))
            except Exception:  # noqa: BLE001 - still restarting: tried again a second later
                continue
        self.fill_if_needed(delay=0, notebook_name=notebook)

    def notify_connect(self, kernel_id):
        self._page_connected.add(kernel_id)
        super().notify_connect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and kernel_id not in self._page_connected:
            if getattr(kernel, "execution_state", None) == "starting":
                return
            last = getattr(kernel, "last_activity", None)
            if last is not None and utcnow() - last < timedelta(seconds=PAGE_CONNECT_S):
                return
            if getattr(kernel, "execution_state", None) != "busy" and not self._kernel_connections.get(kernel_id):
                # No page will come for it (closed while loading): the ordinary idle limit would keep
                # each abandoned load's kernel for minutes, enough loads would fill the memory.
                self.log.warning("読み込み中に閉じられたページのカーネルを止めます（%s）。", kernel_id)
                await ensure_async(self.shutdown_kernel(kernel_id))
                return
        await super().cull_kernel_if_idle(kernel_id)
        if kernel_id not in self:
            self._page_connected.discard(kernel_id)


def warm_kernel_ids(km) -> set[str]:
    """The kernels waiting in the pre-heated pool (no participant has them yet)."""
    ids = set()
    for pool in getattr(km, "_pools", {}).values():
        for task in pool:
            if task.done() and not task.cancelled() and task.exception() is None:
                ids.add(task.result().get("kernel_id"))
    return ids


class _Page(JupyterHandler):
    """Base of the kit's own pages: HTML, never cached (they change with the workshops)."""

    def write_page(self, html: str, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(html)

    def write_error(self, status_code: int, **kwargs) -> None:
        message = "お探しのページはありません。アドレスを確かめてください。"
        self.finish(pages.not_found(message))


LOCAL = ("127.0.0.1", "::1")
ELSEWHERE = ("このページは、ファシリテーターのパソコンでだけ開けます（ほかのワークショップの一覧があるためです）。"
             "参加用のQRコードかアドレスから開いてください。")


def is_local(handler) -> bool:
    """The request comes from this computer (its loopback or one of its own network addresses)."""
    return handler.request.remote_ip in LOCAL or handler.request.remote_ip in handler.settings.get("ohayami_own_ips", ())


async def lookup(fn, *args):
    """``fn(*args)`` (reading the workshops folder) off the event loop: every page of the server waits
    while the loop does (a room scanning the QR code queued for seconds behind one another's lookups)."""
    return await asyncio.get_running_loop().run_in_executor(participants.LOOKUP, fn, *args)


class NotFoundHandler(_Page):
    """Any address the app has no page for: a Japanese 404 (a participant mistyping the QR address)."""

    def prepare(self) -> None:
        raise web.HTTPError(404)


class LandingHandler(_Page):
    """``/`` and Voilà's English file tree: the kit's pages by their Japanese titles. It lists every
    workshop in the folder, so only the facilitator's own computer gets it: every participant has the
    token, and one who deleted ``/j/…`` from the QR address could open another department's workshop."""

    @web.authenticated
    async def get(self, path: str = "") -> None:
        if not is_local(self):
            self.write_page(pages.page("最初のページ", f'<h1>ワークショップに参加する</h1><p class="oh-error">{esc(ELSEWHERE)}</p>'),
                            403)
            return
        root = Path(self.settings["ohayami_notebooks"])
        notebooks = sorted(root.glob("[0-9][0-9]_*.ipynb"))
        self.write_page(pages.landing(self.base_url, notebooks, await lookup(list_workshops)))


class _WorkshopPage(_Page):
    async def entry(self, code: str):
        try:
            entry = await lookup(find_code, code)
        except OhayamiError as e:
            entry, message = None, e.message
        else:
            message = "この参加コードのワークショップはありません。ファシリテーターに新しいQRコードをもらってください。"
        if entry is None:
            self.write_page(pages.not_found(message), 404)
        return entry


class JoinRedirectHandler(_WorkshopPage):
    """``/j/<code>``: the short address participants open. A type C or E workshop leads to the
    participant page (:mod:`.participants`), every other kind to its workbench page."""

    @web.authenticated
    async def get(self, code: str) -> None:
        entry = await self.entry(code)
        if entry is not None:
            path = (pages.participant_path(entry.code) if entry.kind in pages.PARTICIPANT_KINDS
                    else pages.render_path(entry.notebook, entry.code))
            self.redirect(self.base_url.rstrip("/") + path)


class JoinPageHandler(_WorkshopPage):
    """``/join/<code>``: what the facilitator projects (QR code, short address)."""

    @web.authenticated
    async def get(self, code: str) -> None:
        entry = await self.entry(code)
        if entry is None:
            return
        base = self.settings.get("ohayami_public_url") or f"{self.request.protocol}://{self.request.host}"
        token = self.identity_provider.token or None
        self.write_page(pages.join(entry, pages.join_url(base, entry.code, token)))


class WorkshopPageHandler(_WorkshopPage):
    """``/ws/<code>``: the workshop's page, linking every worksheet on the same workshop."""

    @web.authenticated
    async def get(self, code: str) -> None:
        entry = await self.entry(code)
        if entry is not None:
            kinds = available_kinds(self.settings["ohayami_notebooks"])
            self.write_page(pages.workshop(self.base_url, entry, kinds))


class KernelListHandler(_Page):
    """``GET /api/kernels`` for the facilitator's own computer only: the running kernels (id, state,
    open connections, last activity, ``warm`` while still waiting in the pre-heated pool), to see
    that closed pages free theirs. Participants get 403:
    knowing another page's kernel id would let them shut it down."""

    @web.authenticated
    def get(self) -> None:
        if not is_local(self):
            raise web.HTTPError(403)
        km = self.kernel_manager
        warm = warm_kernel_ids(km)
        kernels = [{**self._model(km, k), "warm": k in warm} for k in km.list_kernel_ids()]
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(kernels, default=str))


    @staticmethod
    def _model(km, kernel_id: str) -> dict:
        try:
            return km.kernel_model(kernel_id)
        except Exception:  # noqa: BLE001 - a kernel still starting has no activity yet to report
            return {"id": kernel_id, "execution_state": "starting", "connections": 0}


class LoginHandler(VoilaLoginHandler):
    """The login form in Japanese (the stock one tells a participant to run ``jupyter server list``)."""

    def _render(self, message=None) -> None:
        next_url = self.get_argument("next", default=self.base_url)
        action = self.base_url.rstrip("/") + "/login"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(pages.login(action, self.xsrf_form_html(), next_url, failed=message is not None))


class PageHandler(TornadoVoilaHandler):
    """A notebook's page. It sets the ``_xsrf`` cookie, which Voilà's page sends back with its
    shutdown request when it closes; without the cookie that request fails (403 '_xsrf' argument
    missing, voila-dashboards/voila#1458) and every closed page leaked its kernel."""

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018  (reading it sets the cookie)
        try:
            return await super().get(path)
        except TooManyPages as e:
            if self._headers_written:   # cannot happen today: the kernel starts before the page is sent
                raise
            self.clear()
            self.set_status(503)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Retry-After", "30")
            self.finish(pages.page("ただいま混み合っています", "<h1>ただいま混み合っています</h1>"
                                   f'<p class="oh-error" role="alert">{esc(str(e))}</p>'))


# What the facilitator's terminal does not need (Voilà's start-up chatter, kernels coming and going, a
# warning about notebooks that are the kit's own) and what it should read in Japanese. Everything else,
# errors above all, is shown as it comes.
_QUIET = re.compile(r"^(Using .* to store connection files|Storing connection files|Serving static files|"
                    r"Kernel started|Kernel shutdown|Culling kernels with idle durations|Kernel pool of .* is filled|"
                    r"Voil. is running at|Notebook .* is not trusted|Using pre-heated kernel|Connecting to kernel|"
                    r"Starting buffering for|Discarding .* buffered messages|Adapting from protocol version|"
                    r"Writing notebook-signing key|The websocket_ping_timeout|Setting websocket_ping_timeout|"
                    r"Clearing invalid/expired login cookie|Restoring connection for|Replaying .* buffered messages|"
                    # a workbench page left open across a restart knocks on its old kernel (it says so itself)
                    r"404 GET /api/kernels/.*/channels|404 POST /voila/api/shutdown/|wrote error: .*Kernel does not exist|"
                    r"Uncaught exception in write_error|"
                    # refusals the participant page shows on its own screen
                    r"\d{3} (GET|POST) /p/)")
_STOPPING = "停止しています…（参加者のページは使えなくなります）"
_SAY = [(re.compile(r"^(Stopping\.\.\.|Handle signal \d+\.)$"), _STOPPING)]


class TerminalWords(logging.Filter):
    """Voilà's own log lines, as the facilitator's terminal shows them (see :data:`_QUIET`)."""

    def __init__(self):
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _QUIET.match(message) and os.environ.get("OHAYAMI_LOG") != "all":   # all: every line, to look into a problem
            return False
        for pattern, words in _SAY:
            if pattern.match(message):
                if words in self.said:   # the signal and the stop itself: said once
                    return False
                self.said.add(words)
                record.msg, record.args = words, ()
        record.name = "ohayami"   # the kit's lines all start [ohayami], not with a class name
        return True


def quiet_kernels() -> str:
    """An IPython directory for the kernels whose config keeps their log off the facilitator's terminal:
    every kernel warned there in English that it runs over TCP on this computer, and pre-heated kernels
    stopped with the server printed a traceback each. A page's own problems still reach its screen and
    the terminal (``address.page``)."""
    folder = Path(tempfile.mkdtemp(prefix="ohayami-ipython-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)   # one per start, gone with the server
    (folder / "profile_default").mkdir()
    (folder / "profile_default" / "ipython_kernel_config.py").write_text(
        "c.IPKernelApp.log_level = 'CRITICAL'\n", encoding="utf-8")
    return str(folder)


class OhayamiVoila(Voila):
    """Voilà with the kit's pages and template, and optionally a pool of pre-heated kernels.

    Starting a kernel (Python, pandas, ipywidgets, the view's modules) is most of what a join costs
    the server; 30 of them at once on two cores take minutes. With ``warm_kernels=N`` that work is
    done before the room arrives: N kernels per workshop page start with the server and run the
    notebook up to the point where it needs the page's address (:func:`address.wait_for_address`).
    Voilà refills its pool to full size after every page; here the first fill is the room's size and
    later refills keep only ``warm_refill`` spare, so the rush does not also start N more kernels."""

    name = "ohayami"
    public_url = Unicode("", config=True, help="この一台の外から見えるアドレス（参加用QRコードに使う）")
    warm_kernels = Int(0, config=True, help="参加者が来る前に起動しておくカーネルの数（0 で使わない）")
    warm_refill = Int(2, config=True, help="起動済みカーネルが使われたあと、常に用意しておく予備の数")
    workbench_warm = Int(6, config=True,
                         help="参加者用ページのある種類（C・E）の作業台に、前もって起動しておくカーネルの上限")
    warm_notebooks = List(Unicode(), config=True,
                          help="起動済みカーネルを用意するノートブック（空なら参加コードのあるワークショップの種類から）")

    @default("cookie_secret")
    def _kept_cookie_secret(self):
        # launch.keep_token keeps it beside the token (0600), so that a restart keeps participants logged
        # in; main() gets it as an argument, so no kernel or other program can inherit it
        kept = _COOKIE_SECRET[0]
        try:
            return bytes.fromhex(kept) if len(kept) == 64 else os.urandom(32)
        except ValueError:
            return os.urandom(32)

    def initialize(self, argv=None):
        words = TerminalWords()
        self.log.addFilter(words)   # before Voilà's first line
        super().initialize(argv)
        # lines from other loggers (the kernels' websockets, the login) reach the terminal through handlers
        for logger in (self.log, logging.getLogger(), logging.getLogger("tornado.application"),
                       logging.getLogger("tornado.general"), logging.getLogger("tornado.access")):
            logger.addFilter(words)   # a logger without handlers prints through Python's last resort
            for handler in logger.handlers:
                handler.addFilter(words)

    def _warm_notebooks(self) -> list[str]:
        if self.warm_notebooks:
            return list(self.warm_notebooks)
        return sorted({e.notebook for e in list_workshops() if e.code and e.kind in KINDS})

    def _pools(self, size: int) -> dict:
        # "default" 0: Voilà would otherwise keep one kernel for every notebook in the folder. A type C or
        # E workshop's room joins on the participant page, which needs no kernel: its workbench page is
        # opened by the facilitator and a few others, so its pool stays small.
        light = {KINDS[k][1] for k in pages.PARTICIPANT_KINDS}
        return {"default": {"pool_size": 0},
                **{nb: {"pool_size": min(size, self.workbench_warm) if nb in light else size}
                   for nb in self._warm_notebooks()}}

    def init_settings(self):
        warm = self.warm_kernels > 0 and bool(self._warm_notebooks())
        if warm:
            self.voila_configuration.preheat_kernel = True
            self.config.VoilaKernelManager.kernel_pools_config = self._pools(self.warm_kernels)
        settings = super().init_settings()
        if warm:  # the first fill has been asked for; from now on keep only a few spare
            self.kernel_manager.kernel_pools_config = self._pools(max(self.warm_refill, 0))
        km = self.kernel_manager
        if getattr(km, "max_kernels", 0) and self.warm_kernels and "OHAYAMI_MAX_PAGES" not in os.environ:
            # the default cap leaves pages to open beside a large --room; a cap the facilitator set is kept
            km.max_kernels = max(km.max_kernels, self.warm_kernels + 30)
        self.identity_provider.login_handler_class = LoginHandler
        settings["ohayami_notebooks"] = self.root_dir
        settings["default_handler_class"] = NotFoundHandler   # tornado's own 404 page is English
        settings["ohayami_public_url"] = self.public_url
        try:
            settings["ohayami_own_ips"] = frozenset(lan_addresses())   # the facilitator opening the LAN address
        except Exception:  # noqa: BLE001 - without them only the loopback address counts as this computer
            settings["ohayami_own_ips"] = frozenset()
        return settings

    def init_handlers(self):
        handlers = []
        base = self.server_url.rstrip("/")
        for pattern, handler, *kwargs in super().init_handlers():
            if handler is TornadoVoilaHandler:
                handler = PageHandler
            if handler is TornadoVoilaTreeHandler:
                handler, kwargs = LandingHandler, []
            handlers.append((pattern, handler, *kwargs))
        ours = [(base + r"/j/([^/]+)/?", JoinRedirectHandler), (base + r"/join/([^/]+)/?", JoinPageHandler),
                (base + r"/ws/([^/]+)/?", WorkshopPageHandler),
                (base + r"/api/kernels/?", KernelListHandler), *participants.handlers(base)]
        return ours + handlers


_COOKIE_SECRET = [""]


def main(argv: list[str] | None = None, cookie_secret: str = "") -> None:
    """Serve: ``python -m ohayami.app.server <notebooks> [Voilà options]``. ``cookie_secret`` (64 hex
    digits, kept by :func:`launch.keep_token`) keeps participants logged in across a restart."""
    _COOKIE_SECRET[0] = cookie_secret
    # Voilà finds templates on the Jupyter data path; ours ships inside the package.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), os.environ.get("JUPYTER_PATH")) if p)
    # Kernels inherit it: their pages open a workshop only from a join code (see app.address).
    os.environ[APP_ENV] = "1"
    os.environ["IPYTHONDIR"] = quiet_kernels()
    argv = list(sys.argv[1:] if argv is None else argv)
    OhayamiVoila.launch_instance(argv=[f"--template={TEMPLATE}", "--HTMLExporter.language_code=ja",
                                       f"--VoilaExecutor.iopub_timeout={IOPUB_WAIT_S}",
                                       "--VoilaConfiguration.multi_kernel_manager_class=ohayami.app.server.PageKernelManager",
                                       # syntax colours for code cells; the app's pages show no code
                                       "--VoilaConfiguration.extension_denylist", "jupyterlab_pygments",
                                       *culling_args(), *argv])


if __name__ == "__main__":
    # the importable module, not this __main__ copy: Voilà loads PageKernelManager by its dotted name, and
    # two copies of the module would have two TooManyPages classes (the page handler caught neither)
    from ohayami.app.server import main as _main

    _main()
