"""Scoring one alternative at a time (the phone layout): the order, where one is, what is still empty,
and what the ends of each scale mean.

Plain functions over the frames every workbench gives (``alternatives()``/``scoring_alternatives()``,
``criteria()``, ``scores(who)``), so that the phone card only wires its buttons to them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from .errors import OhayamiError
from .labels import NO, YES
from .scoring.scales import normalise_entry, parse_scale

# Words for every level of the presets whose levels have a fixed meaning. 5段階 is the five-grade scale of
# municipal proposal reviews (see scoring.scales); the marks are the function list's 対応可／代替／対応不可.
PRESET_WORDS: dict[str, dict[str, str]] = {
    "5段階": {"5": "非常に優れている", "4": "優れている", "3": "普通である", "1": "不十分である",
             "0": "全く不十分・問題がある"},
    "○△×": {"○": "対応できる", "△": "代替・カスタマイズで対応", "×": "対応できない"},
    "○△×-2": {"○": "対応できる", "△": "代替・カスタマイズで対応", "×": "対応できない"},
    "yes/no": {YES: "満たしている", NO: "満たしていない"},
}
# The ends of a scale without words of its own: a numeric scale runs from low to high, a graded one from
# its best level to its worst.
LOW, HIGH, BEST, WORST = "低い", "高い", "最も良い", "最も低い"


@dataclass(frozen=True)
class Tour:
    """The alternatives in the order they are scored, the criteria, and which cells hold a score.

    Positions are 0-based; :meth:`label` shows them 1-based (「3/12」)."""

    alternative_ids: tuple[str, ...]
    names: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    values: tuple[tuple[tuple[str, str], str], ...] = ()   # ((alternative, criterion), entry) of the cells scored

    @classmethod
    def of(cls, alternatives: pd.DataFrame, criteria: pd.DataFrame, scores: pd.DataFrame | None) -> "Tour":
        """From ``alternatives`` (``alternative_id``, ``name``), ``criteria`` (``criterion_id``, in the order
        shown) and one evaluator's ``scores`` (``alternative_id``, ``criterion_id``, ``value``; None: none yet).
        Scores of alternatives or criteria not offered are left out; an empty entry is no score."""
        aids = tuple(str(a) for a in alternatives["alternative_id"]) if len(alternatives) else ()
        if len(set(aids)) != len(aids):
            raise OhayamiError("採点する候補の番号が重なっています。", field="alternative")
        names = tuple(str(n) for n in alternatives["name"]) if len(alternatives) else ()
        cids = tuple(str(c) for c in criteria["criterion_id"]) if len(criteria) else ()
        values = {}
        if scores is not None and len(scores):
            known_a, known_c = set(aids), set(cids)
            for r in scores.itertuples():
                entry = normalise_entry(r.value)
                if entry and r.alternative_id in known_a and r.criterion_id in known_c:
                    values[(r.alternative_id, r.criterion_id)] = entry
        return cls(aids, names, cids, tuple(sorted(values.items())))

    def __len__(self) -> int:
        return len(self.alternative_ids)

    @functools.cached_property
    def _values(self) -> dict:
        # once per tour: complete() asks it for every alternative (200 problems × 10 criteria took 18 ms)
        return dict(self.values)

    def clamp(self, position: int) -> int:
        """``position`` kept within the alternatives there are (0 when there are none)."""
        return min(max(0, int(position)), max(0, len(self) - 1))

    def position_of(self, alternative_id: str | None) -> int | None:
        """Where ``alternative_id`` stands (None if it is not offered, e.g. taken out of consideration)."""
        try:
            return self.alternative_ids.index(alternative_id)
        except ValueError:
            return None

    def label(self, position: int) -> str:
        """「3/12」 (「0/0」 when there is nothing to score)."""
        return f"{self.clamp(position) + 1}/{len(self)}" if len(self) else "0/0"

    def value(self, position: int, criterion_id: str) -> str:
        """The stored entry of one cell of the alternative at ``position`` ("" when it is empty)."""
        if not len(self):
            return ""
        return self._values.get((self.alternative_ids[self.clamp(position)], criterion_id), "")

    def empty(self, position: int) -> list[str]:
        """The criteria (ids, in order) the alternative at ``position`` has no score for yet."""
        if not len(self):
            return []
        aid, have = self.alternative_ids[self.clamp(position)], self._values
        return [c for c in self.criterion_ids if (aid, c) not in have]

    def complete(self) -> int:
        """How many alternatives have a score for every criterion."""
        return sum(1 for i in range(len(self)) if not self.empty(i))

    def next_unscored(self, position: int) -> int | None:
        """The first alternative after ``position`` (going round to the start) with an empty cell; the one at
        ``position`` itself only when it is the last with one; None when every cell is scored."""
        n = len(self)
        if not n or not self.criterion_ids:
            return None
        here = self.clamp(position)
        for k in range(1, n + 1):
            i = (here + k) % n
            if self.empty(i):
                return i
        return None

    def progress_text(self, position: int, noun: str = "候補") -> str:
        """What the card says next to 「3/12」: 「全項目採点済み 2 件（この課題は残り 1 項目）」."""
        if not len(self):
            return ""
        left = len(self.empty(position))
        here = f"この{noun}は残り {left} 項目" if left else f"この{noun}は全項目採点済み"
        return f"全項目採点済み {self.complete()} 件（{here}）"


def button_levels(scale: str, direction: str = "higher") -> list[str]:
    """The entries of a scale in the order its buttons stand on a phone: numbers from the smallest up
    (1 2 3 4 5, as people count), other levels best first (A…E, ○△×, はい いいえ)."""
    levels = list(parse_scale(scale, direction == "lower").levels)
    if all(_is_int(v) for v in levels):
        return sorted(levels, key=int)
    return levels


def scale_anchors(scale: str, direction: str = "higher", low: str = "", high: str = "") -> list[tuple[str, str]]:
    """Each button's entry with what it means, in :func:`button_levels` order: the preset's own words for
    every level where it has them, otherwise words for the two ends only (``low``/``high``: what the
    smallest and the largest number mean, e.g. the guide data's anchors; 「低い」「高い」 when not given)
    and "" for the levels between."""
    raw = (scale or "").strip()
    order = button_levels(raw, direction)
    kind = parse_scale(raw).kind
    words = PRESET_WORDS.get("yes/no" if kind == "yesno" else raw, {})
    if words:
        return [(v, words.get(v, "")) for v in order]
    if all(_is_int(v) for v in order):
        ends = {order[0]: low or LOW, order[-1]: high or HIGH}
    else:
        ends = {order[0]: high or BEST, order[-1]: low or WORST}
    return [(v, ends.get(v, "")) for v in order]


def anchors_text(anchors: list[tuple[str, str]]) -> str:
    """The anchors as one line: 「1＝ごく一部の人　5＝住民の多く」 (the levels without words left out)."""
    return "　".join(f"{v}＝{w}" for v, w in anchors if w)


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


__all__ = ["BEST", "HIGH", "LOW", "PRESET_WORDS", "Tour", "WORST", "anchors_text", "button_levels",
           "scale_anchors"]
