"""The facilitator's cockpit (進行状況): who joined, who scored how much, who still owes what.

It refreshes by itself without stealing anyone's focus: a small front-end timer (:class:`Ticker`,
plain ESM shipped inline by ``anywidget``, as :mod:`.connection` does) sends a tick every few
seconds while its element is on screen; the kernel answers by reading the workshop's revision and,
only when someone wrote, recomputing the frame and replacing one HTML output's value, and only if
the text changed. No widget a person types in is ever rebuilt or reassigned. The timer lives in the
page, so closing the view (or the page) ends it; a hidden tab sends nothing.
"""

from __future__ import annotations

import os
from typing import Callable
from urllib.parse import parse_qs, parse_qsl, urlencode

import anywidget
import ipywidgets as W
import traitlets

from ..errors import OhayamiError
from ..html import STYLE, esc, table
from ..progress import progress, progress_lines, progress_table, record_join
from ..textio import clean_name
from ..workbench import ROOM
from .panel import Panel, attempt

DEFAULT_TICK_S = 4.0
TICK_ENV = "OHAYAMI_COCKPIT_TICK_S"    # tests set a shorter one
PROJECTOR = "04_projector.ipynb"

_ESM = r"""
function render({ model, el }) {
  el.classList.add("oh-ticker");
  let timer = null;
  let waiting = false;     // one tick in flight at a time: a busy kernel is not flooded
  let sentAt = 0;
  const shown = () => el.isConnected && el.getClientRects().length > 0 && document.visibilityState === "visible";
  const onMessage = (msg) => { if (msg && msg.type === "tock") { waiting = false; } };
  model.on("msg:custom", onMessage);
  const tick = () => {
    if (!model.get("running") || !shown()) { return; }
    if (waiting && Date.now() - sentAt < 30000) { return; }
    try {
      model.send({ type: "tick" });
      waiting = true;
      sentAt = Date.now();
    } catch (err) {
      // a closed comm: the connection banner says so; nothing to do here
    }
  };
  const start = () => {
    if (timer !== null) { clearInterval(timer); }
    timer = setInterval(tick, Math.max(500, model.get("interval_ms")));
  };
  start();
  model.on("change:interval_ms", start);
  return () => {
    clearInterval(timer);
    timer = null;
    model.off("msg:custom", onMessage);
    model.off("change:interval_ms", start);
  };
}

export default { render };
"""

_CSS = ".oh-ticker { height: 0; margin: 0; padding: 0; overflow: hidden; }"


class Ticker(anywidget.AnyWidget):
    """Sends a tick to the kernel every ``interval_ms`` while ``running`` and its element is shown;
    :meth:`on_tick` callbacks run for each, then the front-end may send the next one."""

    _esm = _ESM
    _css = _CSS
    interval_ms = traitlets.Int(int(DEFAULT_TICK_S * 1000)).tag(sync=True)
    running = traitlets.Bool(True).tag(sync=True)

    def __init__(self, interval_s: float = DEFAULT_TICK_S, **kwargs):
        super().__init__(interval_ms=max(500, int(interval_s * 1000)), **kwargs)
        self._callbacks: list[Callable[[], None]] = []
        self.on_msg(self._on_message)

    def on_tick(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def _on_message(self, _widget, content, _buffers) -> None:
        if not (isinstance(content, dict) and content.get("type") == "tick"):
            return
        try:
            for callback in self._callbacks:
                callback()
        finally:
            self.send({"type": "tock"})


def tick_interval() -> float:
    """Seconds between ticks: ``$OHAYAMI_COCKPIT_TICK_S`` (0.5–60) or the default."""
    try:
        value = float(os.environ.get(TICK_ENV, ""))
    except ValueError:
        return DEFAULT_TICK_S
    return min(60.0, max(0.5, value)) if value == value else DEFAULT_TICK_S


class Poller:
    """Puts ``render()`` into ``out`` when the workshop changed since last time (or when forced),
    and only when the text differs: what the facilitator reads changes, nothing else moves."""

    def __init__(self, ws, out: W.HTML, render: Callable[[], str]):
        self.ws, self.out, self.render = ws, out, render
        self._revision = None

    def __call__(self, force: bool = False) -> bool:
        """Returns True when the output changed."""
        revision = self.ws.revision()
        if not force and revision == self._revision:
            return False
        self._revision = revision
        value = self.render()
        if value == self.out.value:
            return False
        self.out.value = value
        return True


def projector_href(ws, query: str | None = None, kind: str | None = None) -> str:
    """The projector page's address relative to a worksheet's page: the same workshop (the page's
    own query, the token left out), or by name when the page has no query (JupyterLab); ``kind``
    (C or E) says whose results to project, whatever kind the workshop was started as."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=True) if k not in ("token", "kind")]
    if not pairs and ws is not None:
        pairs = [("workshop", ws.name)]
    if kind:
        pairs.append(("kind", kind))
    return PROJECTOR + (f"?{urlencode(pairs)}" if pairs else "")


def watch_joins(panel: Panel, box: W.ValueWidget) -> None:
    """Record a join (see :func:`progress.record_join`) for each name the participant finishes in
    ``box``: picked from its list, or typed and confirmed (Enter, or leaving the box). The box stops
    sending each keystroke, so a half-typed name never reaches the kernel and never becomes a person;
    the views that follow the box refresh at the same moment. Control characters are stripped, an
    empty name and the whole room are ignored, and a name already recorded writes nothing."""
    box.continuous_update = False

    def finished(change):
        if str(change["new"] or "").strip():
            attempt(panel.view.msg, lambda: record_join(panel.ws, panel.model.SET_ID, change["new"]))
    box.observe(finished, names="value")
    name = name_in_address()
    if name and not str(box.value or "").strip():
        box.value = name   # opened from the participant page: the same person goes on here


WHO_PARAM = "who"   # the participant page's link to the workbench carries the name it was opened under


def name_in_address(query: str | None = None) -> str:
    """The name in the page's address (``?who=``, from the participant page's link), cleaned; "" when
    there is none or it cannot be a participant's (too long, the whole room's)."""
    values = parse_qs(os.environ.get("QUERY_STRING", "") if query is None else query).get(WHO_PARAM)
    if not values:
        return ""
    try:
        name = clean_name(values[-1], "名前", WHO_PARAM)
    except OhayamiError:
        return ""
    return "" if name == ROOM else name


class ProgressPanel(Panel):
    """Totals first (「8人中5人が採点を終えました」), then one row per person; refreshes itself."""

    title = "進行状況"

    def build(self) -> W.Widget:
        self.name_filter = W.Text(description="名前で絞り込む", placeholder="例：田中", continuous_update=True,
                                  layout=W.Layout(width="24em"))
        self.name_filter.add_class("oh-progress-filter")
        self.msg = W.HTML()
        self.out = W.HTML()
        self.out.add_class("oh-progress")
        self.poller = Poller(self.ws, self.out, self._html)
        self.ticker = Ticker(tick_interval())
        self.ticker.on_tick(self.tick)
        self.name_filter.observe(lambda *_: self.poll(force=True), names="value")
        self.view.tabs.observe(lambda *_: self._follow_tab(), names="selected_index")
        self._follow_tab()
        link = (f'<a href="{esc(projector_href(self.ws, kind=self.model.SET_ID))}" target="_blank" rel="noopener">'
                "結果を投影用の画面で開く（新しいタブ）</a>")
        note = ("参加者の入力の状況です。数秒ごとに自動で更新されます（このタブを開いている間だけ）。"
                "この画面は参加者に見せずに、進行役が使ってください。")
        return W.VBox([W.HTML(f'{STYLE}<div class="oh"><h3>進行状況</h3><div class="oh-note">{note}</div>'
                              f"<p>{link}</p></div>"), self.name_filter, self.msg, self.out, self.ticker])

    def _showing(self) -> bool:
        return self.view.tabs.selected_index == self.view.panels.index(self)

    def _follow_tab(self) -> None:
        self.ticker.running = self._showing()

    def refresh(self) -> None:
        self.poll(force=True)

    def tick(self) -> None:
        """A tick from the page: redraw if the tab is shown and anything changed."""
        if self._showing():
            self.poll()

    def poll(self, force: bool = False) -> None:
        attempt(self.msg, lambda: self.poller(force))

    def _html(self) -> str:
        frame = progress(self.model)
        lines = progress_lines(frame)
        shown = progress_table(frame, self.name_filter.value)
        head = f'<p class="oh-progress-total">{esc(lines[0])}</p>' if len(lines) > 1 else ""
        rest = "".join(f"<li>{esc(x)}</li>" for x in (lines[1:] if len(lines) > 1 else lines))
        body = table(list(shown.columns), shown.values.tolist()) if len(shown) else \
            ('<p class="oh-note">該当する人はいません。</p>' if len(frame) else "")
        return (f'{STYLE}<div class="oh">{head}<ul class="oh-progress-lines">{rest}</ul>{body}</div>'
                '<style>.oh-progress-total, .oh-progress-lines { font-size: 1.15em; font-weight: bold; }</style>')


__all__ = ["Poller", "ProgressPanel", "Ticker", "name_in_address", "projector_href", "tick_interval", "watch_joins"]
