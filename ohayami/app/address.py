"""Which workshop a page serves, read from the page's address.

Voilà gives each page's kernel the request's query string in ``$QUERY_STRING`` (Voilà 0.5, see
``voila/handler.py``); the join address carries the workshop's join code as ``?w=<code>``. Opened
in JupyterLab there is no query string, and the notebook's own default is used, as before.

A pre-heated kernel (Voilà's pool, ``VOILA_PREHEAT=True``) was started and ran its imports before
any participant asked for a page, so its environment has no query string yet: it waits here until
the server hands it a request, and reads the address then.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from urllib.parse import parse_qs

from ..errors import OhayamiError
from .workshops import find, find_code

PARAM = "w"
NAME_PARAM = "workshop"   # what the guide card's links carry (ui.cards.notebook_href)
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


def workshop_in_address(default: str = "workshop", query: str | None = None) -> str:
    """The name of the workshop the page address asks for, or ``default`` without one.

    ``query`` defaults to this kernel's ``$QUERY_STRING``. A code no workshop has raises a Japanese
    :class:`OhayamiError` rather than silently opening another workshop."""
    if query is None:
        wait_for_address()
        query = os.environ.get("QUERY_STRING", "")
    code = code_in_query(query)
    if code is None:
        names = parse_qs(query or "", keep_blank_values=True).get(NAME_PARAM)
        if not names:
            return default
        # a link from a guide card names its workshop: only one that exists opens (never a new file)
        entry = find(names[-1])
        if entry is None:
            raise OhayamiError("このアドレスのワークショップが見つかりません。ファシリテーターに"
                               "参加用のアドレスかQRコードをもらってください。", field="workshop")
        return entry.name
    entry = find_code(code)
    if entry is None:
        raise OhayamiError("この参加用アドレスのワークショップが見つかりません。ファシリテーターに"
                           "新しいQRコードかアドレスをもらってください。", field="code")
    return entry.name
