"""The weighting editor shared by the workbenches: one input form per kind of input that the
registered weighting methods take (points, ranks, pairwise judgments)."""

from __future__ import annotations

import math
from html import escape as esc

import ipywidgets as W

from ..scoring.weights import weighable, weight_method, weight_methods
from . import common as C
from .panel import attempt

SAATY = [("左が極めて重要 9", 9.0), ("左がかなり重要 7", 7.0), ("左が重要 5", 5.0), ("左がやや重要 3", 3.0),
         ("同じくらい 1", 1.0), ("右がやや重要 3", 1 / 3), ("右が重要 5", 1 / 5), ("右がかなり重要 7", 1 / 7),
         ("右が極めて重要 9", 1 / 9)]


def nearest_saaty(value: float) -> float:
    return min(SAATY, key=lambda o: abs(math.log(o[1]) - math.log(value)))[1]


# the widget's own CSS keeps an HTML label on one cut line; a long criterion name needs several
NAME_STYLE = ("<style>.widget-html-content:has(.oh-weight-name) { white-space: normal; height: auto; "
              "line-height: 1.3; } .oh-weight-name { white-space: normal; overflow-wrap: anywhere; }</style>")


def _named(r, widget: W.Widget) -> W.HBox:
    """``widget`` after the criterion's whole name, wrapped rather than cut, so that boxes whose names
    begin alike (「影響を受け…」) can be told apart."""
    label = W.HTML(f'{NAME_STYLE}<div class="oh-weight-name">{esc(r.name)}</div>', layout=W.Layout(width="22em"))
    row = W.HBox([label, widget], layout=W.Layout(align_items="center"))
    row.add_class("oh-weight-row")
    return row


def _points(crit, saved) -> tuple[dict, list]:
    widgets = {r.criterion_id: W.Text(value=f"{saved.get(r.criterion_id, r.weight):g}", tooltip=r.name,
                                      layout=W.Layout(width="8em")) for r in crit.itertuples()}
    return widgets, [_named(r, widgets[r.criterion_id]) for r in crit.itertuples()]


def _ranks(crit, saved) -> tuple[dict, list]:
    n = len(crit)
    widgets = {r.criterion_id: W.Dropdown(options=list(range(1, n + 1)), value=min(int(saved.get(r.criterion_id, i + 1)), n),
                                          tooltip=r.name, layout=W.Layout(width="8em"))
               for i, r in enumerate(crit.itertuples())}
    return widgets, [_named(r, widgets[r.criterion_id]) for r in crit.itertuples()]


def _pairs(crit, saved) -> tuple[dict, list]:
    ids = list(crit["criterion_id"])
    names = crit.set_index("criterion_id")["name"].to_dict()
    widgets, rows = {}, []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            dd = W.Dropdown(options=SAATY, value=nearest_saaty(float(saved.get((a, b), 1.0))), layout=W.Layout(width="14em"))
            widgets[(a, b)] = dd
            rows.append(W.HBox([W.Label(names[a], layout=W.Layout(width="16em")), dd, W.Label(names[b])]))
    return widgets, rows


FORMS = {"points": _points, "rank": _ranks, "pairs": _pairs}   # input kind → (criteria, saved values) → (widgets, rows)


class WeightEditor:
    """Method toggle, one input per criterion (or per pair) and an apply button.

    ``criteria``: a callable returning the criteria frame; ``saved``: a callable (method) → the inputs
    saved last time; ``apply``: a callable (method, values) → a message; it raises OhayamiError on
    bad input, which is shown next to the button and changes nothing (any other failure is
    shown there too, in Japanese, through :func:`~ohayami.ui.panel.attempt`). Must-haves are gates, not
    points: they are listed, not weighted, unless ``must_haves_weighted()`` (the committee's rule) says so.
    """

    def __init__(self, criteria, saved, apply, label: str = "重みを決める", must_haves_weighted=lambda: False):
        self._criteria, self._saved, self._apply = criteria, saved, apply
        self._must_weighted = must_haves_weighted
        self.method = W.ToggleButtons(options=[(m.label, m.name) for m in weight_methods()], description="重みづけ")
        self.method.observe(lambda *_: self.rebuild(), names="value")
        self.gates = W.HTML()
        self.inputs = W.VBox()
        self.apply_btn = C.big_button(label, "primary")
        self.apply_btn.on_click(self._on_apply)
        self.msg = W.HTML()
        self.widgets: dict = {}
        self.widget = W.VBox([self.method, self.gates, self.inputs, self.apply_btn, self.msg])

    def rebuild(self) -> None:
        m = weight_method(self.method.value)
        crit = self._criteria()
        weighted = weighable(crit, self._must_weighted())
        gates = crit[~crit["criterion_id"].isin(weighted["criterion_id"])]
        self.gates.value = "" if gates.empty else \
            f"<small>必須項目（合否だけを判定し、配点はつけません）：{esc('、'.join(gates['name']))}</small>"
        self.widgets, self.inputs.children = FORMS[m.input_kind](weighted, m.restore(self._saved(m.name) or {}))

    def _on_apply(self, *_):
        attempt(self.msg, lambda: self._apply(self.method.value, {k: w.value for k, w in self.widgets.items()}),
                lambda message: "重みを保存しました。" + message)
