"""Tab 4 採点: an evaluator scores one vendor at a time; paper or Excel sheets for committees."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ...labels import MUST_HAVE
from ...vendors import score_anchor_line, score_anchors
from ..cockpit import watch_joins
from ..panel import Panel, error, html
from ..score_card import GRID, ScoreCard, ScoringModes
from ..score_grid import ScoreGrid
from .parts import C, set_people, vendor_choices, who_box

NEED_BOTH = "評価者の名前と事業者を選んでください。"


def describe(r, gates: dict | None = None, ends: bool = True) -> str:
    """A criterion's row in the grid: 【必須：its pass/fail rule】, name, what its scale's ends mean, group and
    the level asked for (escaped). The phone card shows every point's meaning under its buttons, so it
    leaves the ends out (``ends=False``) rather than say them twice."""
    rule = (gates or {}).get(r.criterion_id, "")
    tag = f"【{MUST_HAVE}：{rule}】" if r.must_have and rule else f"【{MUST_HAVE}】" if r.must_have else ""
    more = "：".join(esc(t) for t in (r.grp, r.example) if t)   # a criterion of one's own may have neither
    ends = score_anchor_line(r) if ends else ""
    return (f"{esc(tag)}{esc(r.name)}" + (f'<br><span class="oh-anchors">{esc(ends)}</span>' if ends else "")
            + (f"<br><small>{more}</small>" if more else ""))


class ScoringPanel(Panel):
    """The shared ScoreGrid in its one-vendor layout, the evaluator and vendor pickers, and the sheets."""

    title = "4 採点"
    listens = ("criteria", "vendors")

    def build(self):
        self.s_who = who_box("名前を入力または選択", self.show_vendor)
        watch_joins(self, self.s_who)
        self.s_who.add_class("oh-score-who")
        self.s_vendor = W.Dropdown(description="事業者", layout=W.Layout(width="30em"))
        self.s_vendor.add_class("oh-score-vendor")
        self.s_vendor.observe(lambda *_: self.show_vendor(), names="value")
        self.s_msg = W.HTML()
        self.grid = ScoreGrid(self.model, self.s_who, self.s_msg, layout="single",
                              describe=lambda r: describe(r, self.model.pass_rules()), missing_who=NEED_BOTH)
        self._crit = None
        self.card = ScoreCard(self.model, self.s_who, self.s_msg, self.model.alternatives, noun="事業者", anchors=score_anchors,
                              describe=lambda r: describe(r, self.model.pass_rules(), ends=False), missing_who=NEED_BOTH)
        self.modes = ScoringModes([self.s_vendor, self.grid.widget], self.card, on_grid=self.show_vendor,
                                  current=lambda: self.s_vendor.value)
        self.sheets = C.SheetControls(self.ws, self.model, self.s_who, self.show_vendor, "評価シート")
        who = W.HBox([self.s_who, self.s_vendor])
        who.add_class("oh-fit-row")
        return W.VBox([html("<h3>採点</h3><div class=\"oh-note\">評価者の名前と事業者を選び、評価項目ごとに点数を選びます。"
                            "選ぶとすぐ保存されます。必須項目は【必須：…】に書いた判定で合否が決まり、不合格の事業者は除外されます。</div>"),
                       who, self.modes.widget, self.s_msg, self.grid.widget, self.card.widget,
                       html("<h3>紙・Excel で採点する委員会</h3>"), self.sheets.widget])

    def refresh(self):
        set_people(self.model, self.s_who)
        C.set_options(self.s_vendor, vendor_choices(self.model))
        crit = self.model.criteria()
        if self._crit is None or not crit.equals(self._crit):
            self._crit = crit
            self.grid.set_criteria(crit)
            self.card.set_criteria(crit)
        self.modes.refresh()

    def show_vendor(self):
        """Fill the grid with the chosen evaluator's stored scores for the chosen vendor (in the card
        mode: the card with the evaluator's scores)."""
        if self.modes.mode != GRID:
            self.card.show()
            return
        alts = self.model.alternatives()
        self.grid.show(alts[alts["alternative_id"] == self.s_vendor.value])
        if self.grid.evaluator() and not self.s_vendor.value:
            self.s_msg.value = error(NEED_BOTH)

    @property
    def cells(self) -> dict:
        """{criterion id: its dropdown} for the vendor on screen."""
        return {cid: dd for (_, cid), dd in self.grid.cells.items()}
