"""Notebook 04: the results on a projector (投影用). Results only, in large type, for 1024×768.

Type C shows the ranking with the short list, type E the ranking with the version of the weights;
no notes for the facilitator and one title. It refreshes itself like the cockpit (see
:mod:`.cockpit`): one HTML output changes, and only when the workshop did.
"""

from __future__ import annotations

import base64
import os
from urllib.parse import parse_qsl

import ipywidgets as W

from .. import plots
from ..html import esc, table
from ..problems import ProblemWorkbench
from ..progress import Projection, projection
from ..vendors import VendorWorkbench
from . import common as C
from .cockpit import Poller, Ticker, tick_interval
from .panel import explain

KIND_SETTING = "app.kind"   # the kind the app gave the workshop (see app.workshops); read, never written here

_CSS = """<style>
.oh-proj { font-family: "IPAexGothic", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
           font-size: 24px; line-height: 1.45; color: #111; max-width: 100%; box-sizing: border-box; }
.oh-proj h1 { font-size: 34px; margin: 0.2em 0 0.3em; }
.oh-proj p { margin: 0.3em 0; font-size: 22px; }
.oh-proj table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 24px; }
.oh-proj th, .oh-proj td { padding: 0.2em 0.4em; border-bottom: 2px solid #ccd; text-align: left;
                           overflow-wrap: anywhere; vertical-align: top; }
.oh-proj th { font-size: 22px; background: #eef2f7; }
.oh-proj img { display: block; max-width: 100%; max-height: 92vh; height: auto; width: auto; margin: 0.4em 0; }
.oh-proj .oh-proj-more { font-size: 20px; color: #333; }
.oh-proj-view, .oh-proj-view .widget-html-content { max-width: 100%; overflow-x: hidden; }
</style>"""


def _kind(ws, kind: str | None) -> str:
    """Which results to project: the kind the link asks for (the cockpit's link names its C or E tab),
    else the workshop's own kind; a workshop started as a chart that went on to E or C (the card's
    「この作業台を開く」) projects those results rather than a page that only points to the chart."""
    if kind in ("C", "E"):
        return kind
    stored = ws.setting(KIND_SETTING, "") or ""
    if stored in ("C", "E"):
        return stored
    if len(ws.rows("vendors")):
        return "E"
    if len(ws.rows("problems")):
        return "C"
    return "chart" if stored == "chart" else "C"


def kind_in_address(query: str | None = None) -> str | None:
    """The ``kind`` the projector's address asks for (``?kind=C`` / ``E``), or None."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    values = [v for k, v in parse_qsl(query or "") if k == "kind"]
    return values[-1] if values and values[-1] in ("C", "E") else None


def projection_html(p: Projection, figure_png: bytes | None) -> str:
    """The projector's page body for a projection (everything escaped)."""
    parts = [f"<h1>{esc(p.heading)}</h1>"]
    if p.note:
        parts.append(f"<p>{esc(p.note)}</p>")
    if len(p.table):
        widths = {"順位": "12%", "合計点": "18%", "短いリスト": "16%", "合計／満点": "22%"}
        cols = "".join(f'<col style="width:{widths.get(c, "auto")}">' for c in p.table.columns)
        parts.append(table(list(p.table.columns), p.table.values.tolist()).replace("<thead>", f"<colgroup>{cols}</colgroup><thead>", 1))
    if p.more:
        parts.append(f'<p class="oh-proj-more">ほか{p.more}件は作業台の結果のタブで見られます。</p>')
    if figure_png:
        data = base64.b64encode(figure_png).decode("ascii")
        parts.append(f'<img alt="{esc(p.heading)}の合計点のグラフ" src="data:image/png;base64,{data}">')
    return f'{_CSS}<div class="oh-proj">{"".join(parts)}</div>'


class ProjectorView:
    """The results of a type C or type E workshop for the projector; ``widget`` is the page."""

    def __init__(self, workshop=None, kind: str | None = None, data=None, interval_s: float | None = None):
        self.ws = C.resolve_workshop(workshop)
        self.kind = _kind(self.ws, kind)
        self.model = VendorWorkbench(self.ws, data) if self.kind == "E" else \
            ProblemWorkbench(self.ws, data) if self.kind == "C" else None
        self.out = W.HTML()
        self._figure_key, self._figure = None, None
        self.poller = Poller(self.ws, self.out, self._html)
        self.ticker = Ticker(interval_s or tick_interval())
        self.ticker.on_tick(self.poller)
        self.widget = W.VBox([self.out, self.ticker], layout=W.Layout(width="100%"))
        self.widget.add_class("oh-proj-view")
        self.poller(force=True)

    def _html(self) -> str:
        if self.model is None:
            return projection_html(Projection(f"{self.ws.name}：診断チャート",
                                              "診断チャートの集計は、診断チャートの「集計」タブで映してください。"), None)
        try:
            p = projection(self.model, self.ws.name)
        except Exception as exc:  # noqa: BLE001 - the projector says why instead of going blank
            return projection_html(Projection(self.ws.name, explain(exc)), None)
        key = (p.names, p.totals, p.highlight, p.maximum)
        if key != self._figure_key:   # a figure is drawn again only when what it shows changed
            title = "合計点（★ 短いリスト）" if self.kind == "C" else "合計点（1位を強調）"
            self._figure = plots.figure_png(plots.projector_bars(p.names, p.totals, p.highlight, p.maximum, title),
                                            dpi=100) if p.names else None
            self._figure_key = key
        return projection_html(p, self._figure)


def show(workshop=None, kind: str | None = None, data=None):
    """Build the projector view for a workshop and return its root widget."""
    return ProjectorView(workshop, kind or kind_in_address(), data).widget


__all__ = ["ProjectorView", "projection_html", "show"]
