"""The weighting editor shared by the workbenches: direct points, ranks or pairwise comparison."""

from __future__ import annotations

import math

import ipywidgets as W

from ..errors import OhayamiError
from ..workbench import WEIGHT_METHODS
from . import common as C

SAATY = [("左が極めて重要 9", 9.0), ("左がかなり重要 7", 7.0), ("左が重要 5", 5.0), ("左がやや重要 3", 3.0),
         ("同じくらい 1", 1.0), ("右がやや重要 3", 1 / 3), ("右が重要 5", 1 / 5), ("右がかなり重要 7", 1 / 7),
         ("右が極めて重要 9", 1 / 9)]


def nearest_saaty(value: float) -> float:
    return min(SAATY, key=lambda o: abs(math.log(o[1]) - math.log(value)))[1]


class WeightEditor:
    """Method toggle, one input per criterion (or per pair) and an apply button.

    ``criteria``: a callable returning the criteria frame; ``saved``: a callable (method) → the inputs
    saved last time; ``apply``: a callable (method, values) → a message; it raises OhayamiError on
    bad input, which is shown next to the button and changes nothing.
    """

    def __init__(self, criteria, saved, apply, label: str = "重みを決める"):
        self._criteria, self._saved, self._apply = criteria, saved, apply
        self.method = W.ToggleButtons(options=[(v, k) for k, v in WEIGHT_METHODS.items()], description="重みづけ")
        self.method.observe(lambda *_: self.rebuild(), names="value")
        self.inputs = W.VBox()
        self.apply_btn = C.big_button(label, "primary")
        self.apply_btn.on_click(self._on_apply)
        self.msg = W.HTML()
        self.widgets: dict = {}
        self.widget = W.VBox([self.method, self.inputs, self.apply_btn, self.msg])

    def rebuild(self) -> None:
        crit = self._criteria()
        saved = self._saved(self.method.value) or {}
        if self.method.value == "direct":
            self.widgets = {r.criterion_id: W.Text(value=f"{saved.get(r.criterion_id, r.weight):g}", description=r.name[:8],
                                                   tooltip=r.name) for r in crit.itertuples()}
            self.inputs.children = list(self.widgets.values())
        elif self.method.value == "rank":
            n = len(crit)
            self.widgets = {r.criterion_id: W.Dropdown(options=list(range(1, n + 1)),
                                                       value=min(int(saved.get(r.criterion_id, i + 1)), n),
                                                       description=r.name[:8]) for i, r in enumerate(crit.itertuples())}
            self.inputs.children = list(self.widgets.values())
        else:
            ids = list(crit["criterion_id"])
            names = crit.set_index("criterion_id")["name"].to_dict()
            self.widgets, rows = {}, []
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    dd = W.Dropdown(options=SAATY, value=nearest_saaty(float(saved.get(f"{a}|{b}", 1.0))),
                                    layout=W.Layout(width="14em"))
                    self.widgets[(a, b)] = dd
                    rows.append(W.HBox([W.Label(names[a], layout=W.Layout(width="16em")), dd, W.Label(names[b])]))
            self.inputs.children = rows

    def _on_apply(self, *_):
        try:
            message = self._apply(self.method.value, {k: w.value for k, w in self.widgets.items()})
        except OhayamiError as exc:
            self.msg.value = C.error(exc)
            return
        self.msg.value = C.ok("重みを保存しました。" + message)
