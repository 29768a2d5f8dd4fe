"""The participant's page of a type C or type E workshop: ``/p/<code>`` and its small JSON API.

Why a page of its own: a room joins within the same minute, and a workbench page costs each participant
a kernel (about 76 MiB, and CPU to start or hand over) and the browser Voilà's whole front end (about
1 s of CPU before anything shows). What most participants do at that moment is name themselves and
score (type C: also put forward a problem; type E: also give the intuitive ranking): that needs no
kernel. This page is one HTML document with its own small script; the server answers it from
:class:`ohayami.participant.Participation`, each workshop in a worker thread of its own (the workshop
files are SQLite: a connection stays in its thread, the server's event loop never waits on a file, and
a file locked elsewhere holds up only its own workshop). The workbench stays one link away.

The join code in the address is the only way to a workshop, as for the workbench pages; the token
guards both (``@web.authenticated``), and writes need the ``_xsrf`` cookie's value in a header.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..errors import OhayamiError
from ..participant import KINDS, Participation
from ..store import DISK_FULL_MESSAGE, READ_ONLY_MESSAGE, open_workshop
from . import participant_page
from .address import BAD_CODE, NOT_FOUND, UNEXPECTED
from .pages import render_path
from .workshops import KINDS as ALL_KINDS
from .workshops import check_code, find_code, workshop_path

__all__ = ["ParticipantApiHandler", "ParticipantPageHandler", "Workshops", "handlers"]

MAX_BODY = 64 * 1024   # bytes: a score, a name, a problem's title; anything larger is not from the page
ACTIONS = ("join", "score", "propose", "rank", "dot")


def _checked(code: object) -> str:
    """A join code as typed (case and spaces forgiven), or the app's Japanese refusal of the address."""
    try:
        return check_code(code)
    except OhayamiError:
        raise OhayamiError(BAD_CODE, field="code") from None


class NotParticipantKind(Exception):
    """The workshop is of a kind without a participant page (its workbench serves everyone)."""

    def __init__(self, entry):
        super().__init__(entry.kind)
        self.entry = entry


class Workshops:
    """The workshops the participant pages use, each opened once and kept while its file is the same.

    Each workshop is used from its own thread only (:func:`in_worker`): a SQLite connection stays in the
    thread that made it, and a workshop whose file is locked (a write held elsewhere waits up to the
    store's busy timeout) holds up only its own participants."""

    def __init__(self):
        self._open: dict[str, tuple[Path, tuple, object, Participation]] = {}

    @staticmethod
    def _key(path: Path) -> tuple:
        # the same file, and as writable as when it was opened: a file made read-only since is opened
        # again (read-only, as the workbench would), not written through the connection kept
        st = path.stat()
        return st.st_dev, st.st_ino, os.access(path, os.W_OK)

    def get(self, code: object) -> tuple[object, Participation]:
        """(the workshop's entry, its :class:`Participation`) for a join code; a Japanese
        :class:`OhayamiError` when the code opens nothing, :class:`NotParticipantKind` for other kinds."""
        code = _checked(code)
        hit = self._open.get(code)
        if hit is not None:
            path, key, entry, part = hit
            try:
                # the same file, still this code's and this kind's (a file replaced or re-coded is opened anew)
                if self._key(path) == key and part.ws.setting("app.code", "") == code \
                        and part.ws.setting("app.kind", "") == entry.kind:
                    return entry, part
            except Exception:  # noqa: BLE001 - a file gone, replaced or unreadable: open it again below
                pass
            self._forget(code)
        entry = find_code(code)
        if entry is None:
            raise OhayamiError(NOT_FOUND, field="code")
        if entry.kind not in KINDS:
            raise NotParticipantKind(entry)
        path = workshop_path(entry.name)
        ws = open_workshop(path, create=False, actor=f"参加者ページ（{entry.name}）")
        try:
            part = Participation(ws, entry.kind)
            self._open[code] = (path, self._key(path), entry, part)
        except BaseException:
            ws.close()
            raise
        return entry, part

    def _forget(self, code: str) -> None:
        hit = self._open.pop(code, None)
        if hit is not None:
            try:
                hit[3].ws.close()
            except Exception:  # noqa: BLE001 - closing a file that went away
                pass

    def close(self) -> None:
        for code in list(self._open):
            self._forget(code)


WORKSHOPS = Workshops()
LOOKUP = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ohayami-lookup")
_WORKERS: dict[str, ThreadPoolExecutor] = {}   # join code → the one thread of that workshop


async def in_worker(code: object, fn, *args):
    """``fn(<the checked code>, *args)`` in the thread of the workshop ``code`` opens. A code that opens
    nothing is refused before any thread is made for it (the lookup reads the folder in a thread of its
    own); the event loop (every Voilà page) never waits on a file."""
    key = _checked(code)
    loop = asyncio.get_running_loop()
    worker = _WORKERS.get(key)
    if worker is None:
        if await loop.run_in_executor(LOOKUP, find_code, key) is None:
            raise OhayamiError(NOT_FOUND, field="code")
        worker = _WORKERS.get(key)   # another request may have made it while this one looked
        if worker is None:
            worker = _WORKERS[key] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ohayami-{key}")
    return await loop.run_in_executor(worker, fn, key, *args)


def _lookup(code: object) -> tuple[dict, str]:
    """(the workshop's name and kind label, the kind) for the page, in the lookup thread: the page itself
    never waits behind its workshop's saves (a file locked elsewhere held it for 29 s)."""
    key = _checked(code)
    entry = find_code(key)
    if entry is None:
        raise OhayamiError(NOT_FOUND, field="code")
    if entry.kind not in KINDS:
        raise NotParticipantKind(entry)
    return {"name": entry.name, "kind_label": entry.kind_label, "code": entry.code}, entry.kind


def _act(code: str, action: str, body: dict) -> dict:
    """One request's work in the worker thread: the answer the page gets (``state`` always included)."""
    entry, part = WORKSHOPS.get(code)
    who = body.get("who", "")
    out: dict = {}
    if action == "score":
        out = part.score(who, body.get("alternative"), body.get("criterion"), body.get("entry"))
    elif action == "propose":
        out = part.propose(who, body.get("title"), body.get("scene", ""))
    elif action == "rank":
        out = part.rank(who, body.get("ranking"))
    elif action == "dot":
        out = part.dot(who, body.get("alternative"), body.get("step"))
    if action == "join":
        out["state"] = part.join(who)
        out["message"], out["again"] = out["state"].pop("message"), out["state"].pop("again")
    else:
        out["state"] = part.state(who)
    out["state"]["workshop"] = {"name": entry.name, "kind_label": entry.kind_label}
    return out


# what the store says to whoever can act on the file, said to a participant who cannot
FOR_PARTICIPANTS = {
    READ_ONLY_MESSAGE: "いまはこのワークショップに保存できません（ファイルが読み取り専用です）。入力した内容は保存されて"
                       "いません。ファシリテーターに知らせてください。",
    DISK_FULL_MESSAGE: "いまはこのワークショップに保存できません（パソコンのディスクがいっぱいです）。入力した内容は保存されて"
                       "いません。ファシリテーターに知らせてください。",
}
SAVE_FAILED = ("思いがけない問題が起きました。もう一度操作してください。直らないときは、ファシリテーターに"
               "知らせてください（保存済みの内容は残っています）。")


def _no_constant(name: str):
    raise ValueError(name)   # NaN and Infinity are not JSON, and no number the page sends


def _unexpected(message: str = UNEXPECTED) -> dict:
    # the facilitator's terminal keeps the details; the participant gets what to do
    traceback.print_exc(file=sys.__stderr__)
    return {"error": message}


class ParticipantPageHandler(JupyterHandler):
    """``/p/<code>``: the page itself (one HTML document, its script inline). A workshop of another
    kind goes to its workbench page."""

    @web.authenticated
    async def get(self, code: str) -> None:
        self.xsrf_token  # noqa: B018  (reading it sets the cookie the page's writes send back)
        self.set_header("Cache-Control", "no-store")
        try:
            info, _kind = await asyncio.get_running_loop().run_in_executor(LOOKUP, _lookup, code)
        except NotParticipantKind as e:
            self.redirect(self.base_url.rstrip("/") + render_path(e.entry.notebook, e.entry.code))
            return
        except OhayamiError as e:
            return self._page(participant_page.problem(e.message), 404)
        except Exception:  # noqa: BLE001
            return self._page(participant_page.problem(_unexpected()["error"]), 500)
        base = self.base_url.rstrip("/")
        workbench = base + render_path(_notebook(_kind), info["code"])
        self._page(participant_page.page(info, f"{base}/p/{info['code']}/api", workbench, _kind))

    def _page(self, html: str, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)


def _notebook(kind: str) -> str:
    return ALL_KINDS[kind][1]


class ParticipantApiHandler(JupyterHandler):
    """``GET /p/<code>/api/state?who=…`` and ``POST /p/<code>/api/<join|score|propose|rank|dot>`` (JSON).
    Every answer is JSON; a refusal is ``{"error": <Japanese>, "field": …}`` with status 400, and the
    stored state is never changed by it."""

    def check_xsrf_cookie(self) -> None:
        """Every write carries the ``_xsrf`` cookie's value in ``X-XSRFToken``, comes from this server's
        own pages and is JSON. Jupyter skips the check when the token is in the address, and the
        token is in every participant's QR address: any web page that knew it could have saved scores
        with a plain form post from another site."""
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return
        headers = self.request.headers
        json_body = headers.get("Content-Type", "").split(";")[0].strip().lower() == "application/json"
        origin = headers.get("Origin")
        # Jupyter's check_origin() lets any origin through when the token is in the address
        foreign = origin is not None and urlparse(origin).netloc != self.request.host
        if not headers.get("X-Xsrftoken") or not json_body or foreign or not self.check_origin():
            raise web.HTTPError(403, "xsrf")
        try:
            web.RequestHandler.check_xsrf_cookie(self)   # the header against the cookie, whatever the token
        except web.HTTPError:
            raise web.HTTPError(403, "xsrf") from None

    def _log(self) -> None:
        # a refusal is an answer the page shows, not news for the facilitator's terminal; failures still are
        if self.get_status() >= 500:
            super()._log()

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 403:
            message = ("この操作は受け付けられませんでした。ページを読み込み直してください。"
                       "直らないときは、参加用のQRコードから開き直してください。")
        elif status_code == 413:
            message = "送られた内容が大きすぎます。入力を短くしてください。"
        else:
            message = SAVE_FAILED
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": message}, ensure_ascii=False))

    def _json(self, data: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))

    async def _run(self, code, *args) -> None:
        try:
            self._json(await in_worker(code, _act, *args))
        except OhayamiError as e:
            self._json({"error": FOR_PARTICIPANTS.get(e.message, e.message), "field": e.field or ""}, 400)
        except NotParticipantKind:
            self._json({"error": "このワークショップには参加者用の採点ページがありません。作業台から開いてください。"}, 400)
        except Exception:  # noqa: BLE001 - every failure reaches the page in Japanese
            self._json(_unexpected(SAVE_FAILED), 500)

    @web.authenticated
    async def get(self, code: str, action: str) -> None:
        if action != "state":
            raise web.HTTPError(404)
        who = self.get_argument("who", "")
        await self._run(code, "state", {"who": who})

    @web.authenticated
    async def post(self, code: str, action: str) -> None:
        self.check_xsrf_cookie()   # again here: Jupyter's own prepare() lets a token in the address through
        if action not in ACTIONS:
            raise web.HTTPError(404)
        if len(self.request.body or b"") > MAX_BODY:
            raise web.HTTPError(413)
        try:
            body = json.loads(self.request.body or b"{}", parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):   # RecursionError: [[[[…]]]] 30,000 deep
            body = None
        if not isinstance(body, dict):
            self._json({"error": "送られた内容を読み取れませんでした。ページを読み込み直してください。"}, 400)
            return
        await self._run(code, action, body)


def handlers(base: str) -> list[tuple]:
    """The routes, under the server's base address."""
    return [(base + r"/p/([^/]+)/api/([a-z]+)", ParticipantApiHandler),
            (base + r"/p/([^/]+)/?", ParticipantPageHandler)]
