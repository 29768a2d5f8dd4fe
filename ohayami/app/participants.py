"""The participant's page of a type C or type E workshop: ``/p/<code>`` and its small JSON API.

Why a page of its own: a room joins within the same minute, and a workbench page costs each participant
a kernel (about 76 MiB, and CPU to start or hand over) and the browser Voilà's whole front end (about
1 s of CPU before anything shows). What most participants do at that moment is name themselves and
score (type C: also put forward a problem; type E: also give the intuitive ranking): that needs no
kernel. This page is one HTML document with its own small script; the server answers it from
:class:`ohayami.participant.Participation`, in one worker thread (the workshop files are SQLite, and
one thread keeps the server's event loop free while it reads and writes). The workbench stays one
link away for everything else.

The join code in the address is the only way to a workshop, as for the workbench pages; the token
guards both (``@web.authenticated``), and writes need the ``_xsrf`` cookie's value in a header.
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..errors import OhayamiError
from ..participant import KINDS, Participation
from ..store import open_workshop
from . import participant_page
from .address import BAD_CODE, NOT_FOUND, UNEXPECTED
from .pages import render_path
from .workshops import KINDS as ALL_KINDS
from .workshops import check_code, find_code, workshop_path

__all__ = ["ParticipantApiHandler", "ParticipantPageHandler", "Workshops", "handlers"]

MAX_BODY = 64 * 1024   # bytes: a score, a name, a problem's title; anything larger is not from the page
ACTIONS = ("join", "score", "propose", "rank")


class NotParticipantKind(Exception):
    """The workshop is of a kind without a participant page (its workbench serves everyone)."""

    def __init__(self, entry):
        super().__init__(entry.kind)
        self.entry = entry


class Workshops:
    """The workshops the participant pages use, each opened once and kept while its file is the same.

    Used from one thread only (:data:`EXECUTOR`): a SQLite connection stays in the thread that made it."""

    def __init__(self):
        self._open: dict[str, tuple[Path, tuple, object, Participation]] = {}

    @staticmethod
    def _key(path: Path) -> tuple:
        st = path.stat()
        return st.st_dev, st.st_ino

    def get(self, code: object) -> tuple[object, Participation]:
        """(the workshop's entry, its :class:`Participation`) for a join code; a Japanese
        :class:`OhayamiError` when the code opens nothing, :class:`NotParticipantKind` for other kinds."""
        try:
            code = check_code(code)
        except OhayamiError:
            raise OhayamiError(BAD_CODE, field="code") from None
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
EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ohayami-participants")


async def in_worker(fn, *args):
    """``fn(*args)`` in the one worker thread that holds the workshop files."""
    return await asyncio.get_running_loop().run_in_executor(EXECUTOR, fn, *args)


def _lookup(code: str) -> tuple[dict, str]:
    """(the workshop's name and kind label, the kind) for the page, in the worker thread."""
    entry, _ = WORKSHOPS.get(code)
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
    if action == "join":
        out["state"] = part.join(who)
        out["message"] = f"{out['state']['who']} さん、ようこそ。"
    else:
        out["state"] = part.state(who)
    out["state"]["workshop"] = {"name": entry.name, "kind_label": entry.kind_label}
    return out


def _unexpected() -> dict:
    # the facilitator's terminal keeps the details; the participant gets what to do
    traceback.print_exc(file=sys.__stderr__)
    return {"error": UNEXPECTED}


class ParticipantPageHandler(JupyterHandler):
    """``/p/<code>``: the page itself (one HTML document, its script inline). A workshop of another
    kind goes to its workbench page."""

    @web.authenticated
    async def get(self, code: str) -> None:
        self.xsrf_token  # noqa: B018  (reading it sets the cookie the page's writes send back)
        self.set_header("Cache-Control", "no-store")
        try:
            info, _kind = await in_worker(_lookup, code)
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
    """``GET /p/<code>/api/state?who=…`` and ``POST /p/<code>/api/<join|score|propose|rank>`` (JSON).
    Every answer is JSON; a refusal is ``{"error": <Japanese>, "field": …}`` with status 400, and the
    stored state is never changed by it."""

    def check_xsrf_cookie(self) -> None:
        # the page always sends the header; a missing one says the page is not ours (or is stale)
        try:
            super().check_xsrf_cookie()
        except web.HTTPError:
            raise web.HTTPError(403, "xsrf") from None

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 403:
            message = ("この操作は受け付けられませんでした。ページを読み込み直してください。"
                       "直らないときは、参加用のQRコードから開き直してください。")
        elif status_code == 413:
            message = "送られた内容が大きすぎます。入力を短くしてください。"
        else:
            message = UNEXPECTED
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": message}, ensure_ascii=False))

    def _json(self, data: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))

    async def _run(self, fn, *args) -> None:
        try:
            self._json(await in_worker(fn, *args))
        except OhayamiError as e:
            self._json({"error": e.message, "field": e.field or ""}, 400)
        except NotParticipantKind:
            self._json({"error": "このワークショップには参加者用の採点ページがありません。作業台から開いてください。"}, 400)
        except Exception:  # noqa: BLE001 - every failure reaches the page in Japanese
            self._json(_unexpected(), 500)

    @web.authenticated
    async def get(self, code: str, action: str) -> None:
        if action != "state":
            raise web.HTTPError(404)
        who = self.get_argument("who", "")
        await self._run(_act, code, "state", {"who": who})

    @web.authenticated
    async def post(self, code: str, action: str) -> None:
        if action not in ACTIONS:
            raise web.HTTPError(404)
        if len(self.request.body or b"") > MAX_BODY:
            raise web.HTTPError(413)
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            self._json({"error": "送られた内容を読み取れませんでした。ページを読み込み直してください。"}, 400)
            return
        await self._run(_act, code, action, body)


def handlers(base: str) -> list[tuple]:
    """The routes, under the server's base address."""
    return [(base + r"/p/([^/]+)/api/([a-z]+)", ParticipantApiHandler),
            (base + r"/p/([^/]+)/?", ParticipantPageHandler)]
