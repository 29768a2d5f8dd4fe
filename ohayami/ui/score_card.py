"""Scoring one problem or vendor at a time (for phones), and the switch between it and the grid.

:class:`ScoreCard` shows one alternative with one large button per scale point for each criterion,
what the scale's ends mean next to the buttons, 前へ／次へ and the position (「3/12」). A tap saves at
once through the same ``model.set_score`` as the grid; whatever happens, the card then shows what the
workshop file holds, so a refused save shows the stored value again. Each row has its own 「取り消す」
button, which clears the score the way the grid's empty choice does (``set_score`` with ""). The order, the position and
which cells are empty come from :class:`ohayami.one_by_one.Tour`.

:class:`ScoringModes` lets the participant pick 「1件ずつ採点（スマートフォン向け）」 or the grid, and
picks the card by itself when the page reports a narrow window (until the participant chooses).
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import pandas as pd

from ..html import STYLE, esc
from ..one_by_one import Tour, anchors_text, scale_anchors
from .panel import attempt, error
from .phone import screen

CHOSEN = "✔ "
GRID, CARD = "grid", "card"
CARD_LABEL = "1件ずつ採点（スマートフォン向け）"
CLEAR = "取り消す"


def _oh(body: str) -> str:
    return f'{STYLE}<div class="oh">{body}</div>'


def _button(text: str, tooltip: str = "") -> W.Button:
    b = W.Button(description=text, tooltip=tooltip or text, layout=W.Layout(width="auto", min_width="44px",
                                                                          height="auto", min_height="48px"))
    b.style.font_size = "20px"
    return b


class ScoreCard:
    """One alternative at a time for the evaluator named in ``who``.

    ``alternatives()`` gives the frame to go through (``alternative_id``, ``name``); ``anchors(row)``
    the (entry, meaning) pairs of a criterion row (default: from its scale); ``describe(row)`` the
    criterion's escaped HTML (default: its name)."""

    def __init__(self, model, who: W.ValueWidget, msg: W.HTML, alternatives: Callable[[], pd.DataFrame], *,
                 noun: str = "候補", anchors: Callable[[object], list[tuple[str, str]]] | None = None,
                 describe: Callable[[object], str] | None = None,
                 missing_who: str = "採点する人の名前を選ぶか入力してください。"):
        self.model, self.who, self.msg, self.alternatives = model, who, msg, alternatives
        self.noun, self.missing_who = noun, missing_who
        self.anchors = anchors or (lambda r: scale_anchors(r.scale, r.direction))
        self.describe = describe or (lambda r: f"<b>{esc(r.name)}</b>")
        self.position = 0
        self.tour = Tour((), (), ())
        self.buttons: dict[str, dict[str, W.Button]] = {}
        self.clears: dict[str, W.Button] = {}
        self._crit = pd.DataFrame()
        self.where, self.title = W.HTML(), W.HTML()
        self.prev = _button("◀ 前へ", f"前の{noun}")
        self.next = _button("次へ ▶", f"次の{noun}")
        self.unscored = _button("未採点へ", f"まだ採点していない項目がある次の{noun}")
        self.prev.on_click(lambda *_: self.turn(-1))
        self.next.on_click(lambda *_: self.turn(1))
        self.unscored.on_click(lambda *_: self.to_unscored())
        nav = W.HBox([self.prev, self.unscored, self.next])
        nav.add_class("oh-card-buttons")
        self.rows = W.VBox()
        self.widget = W.VBox([self.where, self.title, self.rows, nav])
        self.widget.add_class("oh-score-card")

    # ------------------------------------------------------------------ building
    def set_criteria(self, criteria: pd.DataFrame) -> None:
        """One row of buttons per criterion, with what the scale's points mean under them and a
        「取り消す」 button that clears the criterion's score."""
        self._crit = criteria.reset_index(drop=True)
        self.buttons, self.clears, rows = {}, {}, []
        for r in self._crit.itertuples():
            pairs = self.anchors(r)
            row = {}
            for entry, meaning in pairs:
                b = _button(entry, f"{r.name}：{entry}" + (f"（{meaning}）" if meaning else ""))
                b.on_click(lambda _b, cid=r.criterion_id, v=entry: self.tap(cid, v))
                row[entry] = b
            self.buttons[r.criterion_id] = row
            box = W.HBox(list(row.values()))
            box.add_class("oh-card-buttons")
            # A button of its own rather than "tap the chosen point again": a phone turns a quick double
            # tap into two taps, which would clear the score just given without the participant noticing.
            clear = W.Button(description=CLEAR, tooltip=f"{r.name}の点数を取り消す",
                             layout=W.Layout(width="auto", min_width="44px", min_height="44px"))
            clear.on_click(lambda _b, cid=r.criterion_id: self.clear(cid))
            clear.add_class("oh-card-clear")
            self.clears[r.criterion_id] = clear
            rows.append(W.VBox([W.HTML(_oh(self.describe(r))), box,
                                W.HTML(_oh(f'<div class="oh-note oh-anchors">{esc(anchors_text(pairs))}</div>')),
                                clear]))
        self.rows.children = rows

    def use_criteria(self, criteria: pd.DataFrame) -> None:
        """Rebuild the rows only when the criteria on screen differ (ids, names, scales, directions)."""
        cols = ["criterion_id", "name", "scale", "direction"]
        if not self.buttons or not criteria[cols].reset_index(drop=True).equals(self._crit[cols]):
            self.set_criteria(criteria)

    # ------------------------------------------------------------------ showing
    def evaluator(self) -> str:
        return (self.who.value or "").strip()

    def show(self, alternative_id: str | None = None) -> bool:
        """Read the evaluator's stored scores and show the alternative ``alternative_id`` (else the one
        at the current position). Returns False when the file could not be read (the screen keeps
        what it showed)."""
        who = self.evaluator()
        ok_, tour = attempt(self.msg, lambda: Tour.of(self.alternatives(), self._crit,
                                                      self.model.scores(who) if who else None))
        if not ok_:
            return False
        self.tour = tour
        at = tour.position_of(alternative_id) if alternative_id is not None else None
        self.position = tour.clamp(self.position if at is None else at)
        self._paint()
        if not who:
            self.msg.value = error(self.missing_who)
        return True

    def _paint(self) -> None:
        who, t, i = self.evaluator(), self.tour, self.position
        self.where.value = _oh(f'<b style="font-size:24px">{esc(t.label(i))}</b>　'
                               f'<span class="oh-note">{esc(t.progress_text(i, self.noun))}</span>')
        self.title.value = _oh(f"<h3>{esc(t.alternative_ids[i])} {esc(t.names[i])}</h3>" if len(t) else
                               f"<h3>採点する{esc(self.noun)}がありません</h3>")
        for cid, row in self.buttons.items():
            stored = t.value(i, cid)
            for entry, b in row.items():
                chosen = entry == stored
                b.description = CHOSEN + entry if chosen else entry
                b.button_style = "primary" if chosen else ""
                b.disabled = not (who and len(t))
            if cid in self.clears:
                self.clears[cid].disabled = not (who and len(t) and stored)
        self.prev.disabled = self.next.disabled = len(t) < 2
        self.unscored.disabled = t.next_unscored(i) is None

    @property
    def alternative_id(self) -> str | None:
        return self.tour.alternative_ids[self.position] if len(self.tour) else None

    def turn(self, step: int) -> None:
        """Go ``step`` alternatives on (round the ends), with the scores as stored now."""
        n = len(self.tour)
        self.position = (self.position + step) % n if n else 0
        self.show()

    def to_unscored(self) -> None:
        """Go to the next alternative with an empty cell (see :meth:`Tour.next_unscored`)."""
        if self.show(self.alternative_id):
            nxt = self.tour.next_unscored(self.position)
            if nxt is not None:
                self.position = nxt
                self._paint()

    def shown(self, criterion_id: str) -> str:
        """The entry the card shows as chosen for this criterion ("" when none)."""
        for entry, b in self.buttons.get(criterion_id, {}).items():
            if b.description == CHOSEN + entry:
                return entry
        return ""

    # ------------------------------------------------------------------ saving
    def tap(self, criterion_id: str, entry: str) -> None:
        """Save ``entry`` for this criterion of the alternative on screen ("" clears it), then show what
        is stored."""
        aid, who = self.alternative_id, self.who.value
        if aid is None:
            return
        name = self._crit.set_index("criterion_id")["name"].get(criterion_id, criterion_id)
        attempt(self.msg, lambda: self.model.set_score(who, aid, criterion_id, entry),
                lambda s: f"保存しました：{aid} の「{name}」＝{s}" if s else f"取り消しました：{aid} の「{name}」")
        self.show(aid)   # the stored value, saved or not

    def clear(self, criterion_id: str) -> None:
        """Clear this criterion's score of the alternative on screen (as the grid's empty choice does)."""
        self.tap(criterion_id, "")


class ScoringModes:
    """The grid or the card: a toggle, the card chosen by itself on a narrow screen until the
    participant picks. ``grid_parts`` are the grid's widgets (hidden in card mode), ``on_grid()`` fills
    the grid, ``current()`` names the alternative the grid shows (the card starts there)."""

    def __init__(self, grid_parts: list[W.Widget], card: ScoreCard, on_grid: Callable[[], None] = lambda: None,
                 current: Callable[[], str | None] = lambda: None):
        self.grid_parts, self.card, self.on_grid, self.current = grid_parts, card, on_grid, current
        self.toggle = W.ToggleButtons(options=[("一覧で採点", GRID), (CARD_LABEL, CARD)], value=GRID,
                                      style={"button_width": "auto"})
        self.widget = W.VBox([self.toggle])
        self.widget.add_class("oh-fit-toggle")
        self.picked = False
        self._auto = False
        self.toggle.observe(self._on_toggle, names="value")
        self.screen = screen()
        self.screen.observe(self._on_width, names="width")
        self._apply()
        self._on_width()

    @property
    def mode(self) -> str:
        return self.toggle.value

    def _on_width(self, *_):
        if not self.picked and self.screen.narrow and self.mode != CARD:
            self._auto = True
            try:
                self.toggle.value = CARD
            finally:
                self._auto = False

    def _on_toggle(self, *_):
        if not self._auto:
            self.picked = True
        self._apply()
        self.refresh(self.current() if self.mode == CARD else None)

    def _apply(self) -> None:
        card = self.mode == CARD
        for w in self.grid_parts:
            w.layout.display = "none" if card else ""
        self.card.widget.layout.display = "" if card else "none"

    def refresh(self, alternative_id: str | None = None) -> None:
        """Bring the visible one up to date with the workshop file."""
        if self.mode == CARD:
            self.card.show(alternative_id)
        else:
            self.on_grid()
