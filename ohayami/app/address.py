"""Which workshop a page serves, read from the page's address; and the page's first cell.

Voilà gives each page's kernel the request's query string in ``$QUERY_STRING`` (Voilà 0.5, see
``voila/handler.py``); the join address carries the workshop's join code as ``?w=<code>``.

In the app (``run.py app``: the kit's server sets ``$OHAYAMI_APP`` for its kernels; any Voilà page
also has ``$QUERY_STRING``) the join code is the only way to a workshop: every participant shares the
one token, so the code is what keeps one workshop from another. A page without a code, with a wrong
one, or naming a workshop (``?workshop=``) opens nothing and creates nothing. Opened in JupyterLab
there is no query string, and the notebook's own default is used, as before.

Every notebook's first cell is ``page(view.show)``: whatever goes wrong there reaches the screen as
a Japanese message, never as Voilà's English "There was an error when executing cell".

A pre-heated kernel (Voilà's pool, ``VOILA_PREHEAT=True``) was started and ran its imports before
any participant asked for a page, so its environment has no query string yet: it waits here until
the server hands it a request, and reads the address then (before deciding anything about it).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import traceback
from typing import Any, Callable
from urllib.parse import parse_qs

from ..errors import OhayamiError
from ..html import esc
from .workshops import find, find_code

PARAM = "w"
NAME_PARAM = "workshop"   # what the guide card's links carry in JupyterLab (ui.cards.notebook_href)
APP_ENV = "OHAYAMI_APP"   # set by ohayami.app.server for the kernels it starts

ASK = "ファシリテーターに参加用のQRコードかアドレスをもらって、そこから開き直してください。"
NO_CODE = "このページのアドレスには、ワークショップの参加コードがありません。" + ASK
NO_NAMES = "アプリでは、ワークショップは参加コードのあるアドレスからだけ開けます。" + ASK
BAD_CODE = "このページのアドレスの参加コードが正しくありません。" + ASK
NOT_FOUND = "この参加用アドレスのワークショップが見つかりません。" + ASK
UNEXPECTED = ("このページを準備する途中で、思いがけない問題が起きました。ページを読み込み直してください。"
              "直らないときは、ファシリテーターに知らせてください（入力済みの内容は保存されています）。")


def in_app(environ: dict | None = None) -> bool:
    """Whether this kernel serves a page of the app (Voilà) rather than a notebook in JupyterLab."""
    env = os.environ if environ is None else environ
    return env.get(APP_ENV) == "1" or "QUERY_STRING" in env


CONNECT_WAIT_S = 60  # how long a pre-heated kernel keeps trying to reach the server's query socket


def _request_info(url: str) -> dict[str, str]:
    """The request Voilà's ``/voila/query/<kernel>`` socket sends once a page takes this kernel.

    What ``voila.utils.wait_for_request`` does, with the websocket client the kernel has already
    loaded: importing ``voila.utils`` would add about 46 MiB of server modules to every kernel."""
    from tornado.websocket import websocket_connect

    found: dict[str, str] = {}

    async def receive():
        # a server busy starting a room's kernels may take a while to accept: try again until the
        # deadline, but only while not connected (a connection that was opened is never opened twice)
        deadline = time.monotonic() + CONNECT_WAIT_S
        while True:
            try:
                conn = await websocket_connect(url, connect_timeout=10)
                break
            except (OSError, TimeoutError, asyncio.TimeoutError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)
        try:
            return await conn.read_message()
        finally:
            conn.close()

    def inner():  # its own loop: the kernel's loop is busy running this very cell
        loop = asyncio.new_event_loop()
        try:
            message = loop.run_until_complete(receive())
            if message:
                found.update(json.loads(message))
        except Exception:  # noqa: BLE001 - any failure is reported below as "no address"
            pass
        finally:
            loop.close()

    thread = threading.Thread(target=inner, daemon=True)
    thread.start()
    thread.join()
    return found


def wait_for_address() -> None:
    """In a pre-heated Voilà kernel, wait until a page takes it and put that request's address
    (``QUERY_STRING`` and the rest) into the environment; elsewhere do nothing."""
    if os.environ.get("VOILA_PREHEAT") != "True" or "QUERY_STRING" in os.environ:
        return
    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL") or "/"
    url = (f"ws://127.0.0.1:{os.environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/"
           f"{os.environ.get('VOILA_KERNEL_ID', '')}")
    info = _request_info(url)
    if "QUERY_STRING" not in info:
        raise OhayamiError("このページのアドレスを受け取れませんでした。ページを読み込み直してください。", field="code")
    os.environ.update({k: str(v) for k, v in info.items()})


def code_in_query(query: str | None) -> str | None:
    """The join code in a query string (``w=…``), or None when the address has none."""
    values = parse_qs(query or "", keep_blank_values=True).get(PARAM)
    return values[-1] if values else None


def workshop_in_address(default: str = "workshop", query: str | None = None, app: bool | None = None) -> str:
    """The name of the workshop the page address asks for.

    ``query`` defaults to this kernel's ``$QUERY_STRING``, ``app`` to :func:`in_app`. In the app only
    a join code that a workshop has opens it; anything else raises a Japanese :class:`OhayamiError`
    (nothing is opened or created). In JupyterLab a missing address gives ``default``, and a
    workshop's name (``workshop=…``) opens that workshop if it exists."""
    if query is None:   # a pre-heated kernel learns its page's address here first
        wait_for_address()
        query = os.environ.get("QUERY_STRING", "")
    app = in_app() if app is None else app
    code = code_in_query(query)
    if code is None:
        names = parse_qs(query or "", keep_blank_values=True).get(NAME_PARAM)
        if app:
            raise OhayamiError(NO_NAMES if names else NO_CODE, field="code")
        if not names:
            return default
        # a link from a guide card names its workshop: only one that exists opens (never a new file)
        entry = find(names[-1])
        if entry is None:
            raise OhayamiError("このアドレスのワークショップが見つかりません。" + ASK, field="workshop")
        return entry.name
    try:
        entry = find_code(code)
    except OhayamiError:   # malformed (``<script>``, a letter a code never has): say what to do
        raise OhayamiError(BAD_CODE, field="code") from None
    if entry is None:
        raise OhayamiError(NOT_FOUND, field="code")
    return entry.name


def landing_url() -> str:
    """The app's front page, as the page's kernel knows it (Voilà passes its base address)."""
    return os.environ.get("VOILA_BASE_URL") or "/"


def message_html(message: str, app: bool | None = None) -> str:
    """A page-level Japanese message (escaped), with the way back to the app's front page."""
    app = in_app() if app is None else app
    back = f'<p><a href="{esc(landing_url())}">最初のページへ</a></p>' if app else ""
    return ('<div class="oh-page-message" role="alert" lang="ja" style="font-size:18px;line-height:1.6;'
            'max-width:40em;padding:1em 1.4em;border:2px solid #b00020;border-radius:8px;background:#fff5f5">'
            '<h2 style="margin:0 0 0.4em;font-size:22px">このページを開けませんでした</h2>'
            f'<p style="color:#b00020;font-weight:bold">{esc(message)}</p>{back}</div>')


def page(show: Callable[..., Any], *args: Any, default: str = "workshop") -> Any:
    """A notebook's page: ``show(<the address's workshop>, *args)``, or a Japanese message when the
    address opens no workshop or anything fails while the page is built.

    Returns what the notebook cell displays (the view's widget, or the message)."""
    from IPython.display import HTML  # only a kernel needs it

    try:
        return show(workshop_in_address(default), *args)
    except OhayamiError as e:
        return HTML(message_html(e.message))
    except Exception:  # noqa: BLE001  the page must say something a participant can act on
        # the facilitator's terminal keeps the details; the kernel's own stderr would land on the page
        traceback.print_exc(file=sys.__stderr__)
        return HTML(message_html(UNEXPECTED))
