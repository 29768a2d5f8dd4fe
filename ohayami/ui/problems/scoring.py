"""Tab 4 採点: each participant (or the room as a whole) scores the problems, a page at a time."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ...labels import DIRECTION_LABELS
from ...one_by_one import scale_anchors
from ...workbench import ROOM
from .. import common as C
from ..cockpit import watch_joins
from ..score_card import ScoreCard, ScoringModes
from ..score_grid import ScoreGrid
from ..panel import Panel
from .parts import NOTES, PAGE_SIZE, heading, scale_head, text_html


def card_parts(model):
    """The phone card's ``anchors`` and ``describe`` for type C: the guide data's words for the ends
    of each scale (as the grid's column heads say them) and which way is better."""
    def anchors(r):
        h = model.criterion_heads().loc[r.criterion_id]
        return scale_anchors(r.scale, r.direction, h["low"], h["high"])

    def describe(r) -> str:
        lower = r.direction == "lower"
        colour = "#B00020;font-weight:bold" if lower else "#555"
        return (f'<b>{esc(r.name)}</b> <span style="color:{colour}">'
                f'（{esc(DIRECTION_LABELS["lower" if lower else "higher"])}）</span>')
    return anchors, describe


class ScoringPanel(Panel):
    """The scorer's name, a page of problems × criteria dropdowns, and paper/Excel scoring sheets."""

    title = "4 採点"
    listens = frozenset({"problems", "criteria"})

    def build(self) -> W.Widget:
        self.who = W.Combobox(description="採点する人", placeholder="名前を入力または選択", ensure_option=False,
                              layout=W.Layout(width="24em"))
        self.who.add_class("oh-score-who")
        self.room_btn = C.button("会場全体で採点する", tooltip="会場全体の合意した点数を入れる")
        self.room_btn.on_click(lambda *_: setattr(self.who, "value", ROOM))
        self.prev_btn = C.button(f"◀ 前の{PAGE_SIZE}件")
        self.next_btn = C.button(f"次の{PAGE_SIZE}件 ▶")
        self.prev_btn.on_click(lambda *_: self.turn(-1))
        self.next_btn.on_click(lambda *_: self.turn(1))
        self.page_label = W.HTML()
        self.msg = W.HTML()
        self.grid = ScoreGrid(self.model, self.who, self.msg, layout="rows", rows=PAGE_SIZE, head=scale_head(self.model))
        self.grid.use_criteria(self.model.criteria())
        anchors, describe = card_parts(self.model)
        self.card = ScoreCard(self.model, self.who, self.msg, self.model.scoring_alternatives, noun="課題",
                              anchors=anchors, describe=describe)
        self.card.use_criteria(self.model.criteria())
        pager = W.HBox([self.prev_btn, self.page_label, self.next_btn])
        self.modes = ScoringModes([pager, self.grid.widget], self.card, on_grid=lambda: self.turn(0))
        self.who.observe(lambda *_: self.modes.refresh(), names="value")
        watch_joins(self, self.who)
        self.sheets = C.SheetControls(self.ws, self.model, self.who, lambda: self.modes.refresh(), "採点シート")
        who = W.HBox([self.who, self.room_btn])
        who.add_class("oh-fit-row")
        return W.VBox([heading("採点", NOTES["scoring"]), who, self.modes.widget, pager, self.msg, self.grid.widget,
                       self.card.widget, heading("紙・Excel で採点する場合"), self.sheets.widget])

    def refresh(self) -> None:
        self.who.options = self.model.scorer_options()
        self.grid.use_criteria(self.model.criteria())
        self.card.use_criteria(self.model.criteria())
        self.modes.refresh()

    def turn(self, step: int) -> None:
        """Show the page ``step`` pages on (0: this page again, with the scores as stored now)."""
        self.page_label.value = text_html(self.grid.show_page(self.model.scoring_alternatives(), step))
