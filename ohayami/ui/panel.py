"""The frame every view is built from: one error funnel, small panels, tabs built when first opened.

A view is a :class:`TabbedView` holding :class:`Panel` objects, one per tab. A panel builds its
widgets the first time its tab is shown (a participant's page stays light: the tabs nobody opens
cost nothing), and is refreshed each time it is shown again. Every handler runs its model call
through :func:`attempt`, the one place where any exception becomes a Japanese message on screen.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Any, Callable, Mapping

import ipywidgets as W

from ..errors import OhayamiError
from ..html import STYLE, esc
from .connection import connection_banner
from .phone import screen

UNEXPECTED = ("予期しないエラーが起きました（{kind}）。これまでに保存された内容は失われていません。"
              "画面を閉じずに、ファシリテーターに知らせてください。")

_OS_MESSAGES = {
    errno.ENOSPC: "ディスクの空きがないため保存できませんでした。空きを作ってから、もう一度操作してください。",
    errno.EDQUOT: "ディスクの使用量の上限に達したため保存できませんでした。空きを作ってから、もう一度操作してください。",
    errno.EACCES: "ファイルまたはフォルダーに書き込む権限がないため保存できませんでした。ファシリテーターに知らせてください。",
    errno.EPERM: "ファイルまたはフォルダーに書き込む権限がないため保存できませんでした。ファシリテーターに知らせてください。",
    errno.EROFS: "読み取り専用の場所にあるため保存できませんでした。書き込める場所にワークショップファイルを置いてください。",
}


def ok(text: str) -> str:
    return f'{STYLE}<div class="oh"><span class="oh-ok">✔ {esc(text)}</span></div>'


def error(exc_or_text: object) -> str:
    text = exc_or_text if isinstance(exc_or_text, str) else explain(exc_or_text)
    return f'{STYLE}<div class="oh" role="alert"><span class="oh-error">⚠ {esc(text)}</span></div>'


def explain(exc: BaseException) -> str:
    """A Japanese sentence for any exception: ours as written, the machine's translated, the rest named."""
    if isinstance(exc, OhayamiError):
        return exc.message
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text:
            return _OS_MESSAGES[errno.EROFS] + "（保存されていません）"
        if "full" in text:
            return _OS_MESSAGES[errno.ENOSPC] + "（保存されていません）"
        if "locked" in text or "busy" in text:
            return "ほかの人の保存が続いていて、いまは保存できませんでした。少し待ってから、もう一度操作してください。（保存されていません）"
        if "unable to open" in text:
            return "ワークショップファイルを開けませんでした。ファイルやフォルダーが移動・削除されていないか確かめてください。（保存されていません）"
        return f"ワークショップファイルへの保存に失敗しました（{exc}）。もう一度操作してください。（保存されていません）"
    if isinstance(exc, sqlite3.DatabaseError):
        return "ワークショップファイルを読み書きできませんでした。ファシリテーターに知らせてください。（保存されていません）"
    if isinstance(exc, OSError):
        base = _OS_MESSAGES.get(exc.errno or 0)
        if base:
            return base
        return f"ファイルの読み書きに失敗しました（{exc.strerror or type(exc).__name__}）。もう一度操作してください。"
    if isinstance(exc, MemoryError):
        return "メモリーが足りず処理できませんでした。ファイルが大きすぎないか確かめてください。"
    return UNEXPECTED.format(kind=type(exc).__name__)


def attempt(msg: W.HTML, fn: Callable[[], Any], ok_text: str | Callable[[Any], str] | None = None, *,
            fields: Mapping[str, W.HTML] | None = None, reload: Callable[[], Any] | None = None) -> tuple[bool, Any]:
    """Run ``fn()``; show ``ok_text`` (or ``ok_text(result)``) in ``msg`` on success, or a Japanese
    message for ANY exception. An ``OhayamiError`` whose ``field`` names one of ``fields`` is shown
    next to that field instead. Returns ``(succeeded, result)``; never raises.

    ``reload()`` runs when ``fn`` failed for a reason other than the entry (anything but an
    ``OhayamiError``: the file could not be written): it puts what the workshop file holds back on
    screen, so the screen never shows as saved what is not. A refused entry stays for correcting.

    Clears the field messages first, so a corrected entry does not keep an old warning."""
    for w in (fields or {}).values():
        w.value = ""
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - the funnel: nothing may stay silent or crash a screen
        target = (fields or {}).get(getattr(exc, "field", None) or "", msg)
        target.value = error(exc)
        if target is not msg:
            msg.value = ""
        if reload is not None and not isinstance(exc, OhayamiError):
            try:
                reload()
            except Exception:  # noqa: BLE001 - the file is unreadable too: the message above already says so
                pass
        return False, None
    if ok_text is not None:
        msg.value = ok(ok_text(result) if callable(ok_text) else ok_text)
    return True, result


def need(value: Any, message: str, field: str | None = None) -> Any:
    """``value`` when something is chosen or filled in; otherwise an OhayamiError saying ``message``
    (for a handler's "choose a row first" before it calls the model)."""
    if value is None or (isinstance(value, (str, tuple, list)) and not value):
        raise OhayamiError(message, field=field)
    return value


def with_messages(widgets: Mapping[str, W.Widget]) -> tuple[list[W.Widget], dict[str, W.HTML]]:
    """Each input with an (empty) message line under it: ``(boxes, messages)``, the messages keyed
    like ``widgets`` so they can go straight to :func:`attempt`'s ``fields``."""
    msgs = {k: W.HTML() for k in widgets}
    return [W.VBox([w, msgs[k]]) for k, w in widgets.items()], msgs


def widen_labels(root, longer_than: int = 4) -> None:
    """Give long descriptions the room they need instead of an ellipsis."""
    stack = [root]
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()) or ())
        if isinstance(w, W.FileUpload):
            w.layout.width = "auto"
        desc = getattr(w, "description", None)
        style = getattr(w, "style", None)
        if isinstance(desc, str) and len(desc) > longer_than and style is not None and hasattr(style, "description_width") \
                and not isinstance(w, W.Button):
            style.description_width = "initial"


def html(body: str) -> W.HTML:
    """An HTML widget with the kit's style; ``body`` must already be escaped."""
    return W.HTML(f'{STYLE}<div class="oh">{body}</div>')


class Panel:
    """One tab of a view. Subclasses set ``title`` and implement :meth:`build` (and :meth:`refresh`).

    ``view`` is the owning :class:`TabbedView`; panels reach the model through ``self.model`` and
    tell each other about changes through ``self.view.changed(topic)``."""

    title = ""
    listens: tuple[str, ...] = ()  # topics that make a built panel refresh itself (see on_change)

    def __init__(self, view: "TabbedView"):
        self.view = view
        self._widget: W.Widget | None = None

    @property
    def model(self):
        return self.view.model

    @property
    def ws(self):
        return self.view.ws

    @property
    def built(self) -> bool:
        return self._widget is not None

    @property
    def widget(self) -> W.Widget:
        if self._widget is None:
            self._widget = self.build()
            widen_labels(self._widget)
        return self._widget

    def build(self) -> W.Widget:
        raise NotImplementedError

    def refresh(self) -> None:
        """Bring the panel up to date with the workshop file (called each time its tab is shown)."""

    def on_change(self, topic: str) -> None:
        """Another panel changed ``topic`` (e.g. "criteria", "alternatives", "people"); by default a
        panel refreshes when ``topic`` is one it ``listens`` to."""
        if topic in self.listens:
            self.refresh()


class TabbedView:
    """A header and a Tab of panels; a panel's widgets are built when its tab is first shown."""

    def __init__(self, ws, model, panels: list[type[Panel]], header: str):
        self.ws, self.model = ws, model
        self.panels = [p(self) for p in panels]
        self._slots = [W.Box() for _ in self.panels]
        self.tabs = W.Tab(children=self._slots)
        for i, p in enumerate(self.panels):
            self.tabs.set_title(i, p.title)
        self.msg = W.HTML()   # where a tab that cannot be built or brought up to date says why
        where = f'<div class="oh-note">ワークショップ：{esc(ws.name)}</div>' if ws is not None else ""
        self.header = html(header + where)
        self.header.add_class("oh-view-header")   # the app hides the notebook's own heading cell for it
        self.widget = W.VBox([connection_banner(), screen(), self.header, self.msg, self.tabs])
        self.show_panel(0)
        self.tabs.observe(lambda ch: self.show_panel(ch["new"]), names="selected_index")

    def panel(self, kind: type[Panel]) -> Panel:
        """The panel of class ``kind``, built (tests and other panels use this)."""
        for i, p in enumerate(self.panels):
            if isinstance(p, kind):
                self._mount(i)
                return p
        raise KeyError(kind)

    def _mount(self, i: int) -> None:
        p = self.panels[i]
        if p.built:
            return
        self.msg.value = ""
        built, widget = attempt(self.msg, lambda: p.widget)   # a failed build is tried again next time
        if built:
            self._slots[i].children = [widget]
            attempt(self.msg, p.refresh)

    def show_panel(self, i: int | None) -> None:
        if i is None:
            return
        p = self.panels[i]
        if p.built:
            self.msg.value = ""
            attempt(self.msg, p.refresh)
        else:
            self._mount(i)

    def changed(self, topic: str, source: Panel | None = None) -> None:
        """Tell the built panels (other than ``source``) that ``topic`` changed."""
        for p in self.panels:
            if p is not source and p.built:
                attempt(self.msg, lambda p=p: p.on_change(topic))
