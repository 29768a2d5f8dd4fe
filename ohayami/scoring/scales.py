"""Scales: how an evaluator's entry (4, "B", "○", "はい") becomes a ratio of the criterion's points.

A scale is written as text so that it fits one cell of a CSV or of the workshop file:

- ``"1-5"``, ``"0-5"``, ``"1-3"``: numeric levels; the ratio is (v − min) / (max − min), or its
  mirror for a criterion where lower is better;
- ``"A=1,B=0.7,C=0.5,D=0.3,E=0"``: graded letters with their ratios (any labels, any ratios);
- ``"○=1,△=0,×=-2"``: function-list marks, negative values allowed; these add up as marks
  (``additive``) rather than as ratios, and a total below zero is clipped to zero by the engine;
- ``"yes/no"``: met or not met, for must-have items (はい/適合/○ = met).

A must-have criterion is a gate, not points: :meth:`Scale.passes` says whether one entry passes.
yes/no: いいえ fails; ○/△/× marks: only × (対応不可) fails, △ passes; a numeric or graded scale has
no natural gate, so the committee states a pass level (「3以上」「B以上」) and the scale refuses to
judge without one (:meth:`Scale.check_pass_level`).

Presets: ``"A-E"`` (A=1.0, B=0.7, C=0.5, D=0.3, E=0), ``"5段階"`` (5/4/3/1/0 out of 5),
``"○△×"`` (○=1, △=0.5, ×=0), ``"○△×-2"`` (○=+1, △=0, ×=−2).

``"5段階"`` has no 2 on purpose. It is the five-grade scale of municipal proposal reviews
(プロポーザル審査基準): 非常に優れている=5点、優れている=4点、普通である=3点、不十分である=1点、
全く不十分・問題がある=0点 — e.g. the 業務委託に係るプロポーザル審査基準 published at
https://expydoc.com/doc/10314393 (each reviewer grades every item on these five levels; the points
are the grade times the item's weight). The step from 普通 (3) down to 不十分 (1) is twice the step
above it, so that falling short of the requirement costs more than falling short of excellence;
the ratios are the grade out of 5 (1, 0.8, 0.6, 0.2, 0). A committee that wants evenly spaced grades
uses ``"1-5"`` (0, 0.25, 0.5, 0.75, 1) instead; that one is a plain numeric scale.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import OhayamiError
from ..labels import NO as NO_LABEL, NO_WORDS as NO, YES as YES_LABEL, YES_WORDS as YES, yes_no  # one vocabulary

PRESETS = {
    "A-E": "A=1,B=0.7,C=0.5,D=0.3,E=0",
    "5段階": "5=1,4=0.8,3=0.6,1=0.2,0=0",   # プロポーザル審査の5段階（5/4/3/1/0点）: see the module docstring
    "○△×": "○=1,△=0.5,×=0",
    "○△×-2": "○=1,△=0,×=-2",
}


@dataclass(frozen=True)
class Scale:
    """A parsed scale. ``levels`` are the entries an evaluator may give, best first where known;
    ``ratios`` maps each entry to its ratio of the points (or its mark, if ``additive``)."""

    text: str
    kind: str                      # "numeric", "graded", "marks" or "yesno"
    levels: tuple[str, ...]
    ratios: dict
    additive: bool = False
    lower_is_better: bool = False

    def describe(self) -> str:
        if self.kind == "numeric":
            nums = [int(v) for v in self.levels]
            return f"{min(nums)}～{max(nums)} の整数"
        if self.kind == "yesno":
            return "はい か いいえ"
        return "・".join(self.levels) + " のどれか"

    def ratio(self, value: object) -> float:
        """The ratio (or mark) for one entry; anything off the scale raises OhayamiError."""
        key = normalise_entry(value)
        if self.kind == "yesno":
            if key.lower() in YES:
                return 1.0
            if key.lower() in NO:
                return 0.0
        elif key in self.ratios:
            return self.ratios[key]
        shown = "（空欄）" if key == "" else f"「{key}」"
        raise OhayamiError(f"{shown}は尺度の外です。{self.describe()}を入れてください。", field="score")

    def is_valid(self, value: object) -> bool:
        try:
            self.ratio(value)
            return True
        except OhayamiError:
            return False

    # -- must-have gates
    @property
    def needs_pass_level(self) -> bool:
        """Numeric and graded scales have no natural pass/fail: the committee must state a level."""
        return self.kind in ("numeric", "graded")

    def check_pass_level(self, pass_level: object = None, what: str = "必須項目") -> str:
        """The pass level as an entry of this scale ("" for yes/no and marks, whose rule is fixed);
        raises OhayamiError when a level is needed but missing or off the scale."""
        if not self.needs_pass_level:
            return ""
        level = normalise_entry(pass_level)
        if not level:
            raise OhayamiError(f"{what}の尺度「{self.text}」は数や段階なので、合格の水準を決めてください"
                               f"（例：{self.levels[len(self.levels) // 2]}{self._at_least}）。", field="pass_level")
        if level not in self.ratios:
            raise OhayamiError(f"{what}の合格の水準「{level}」は尺度の外です。{self.describe()}から選んでください。",
                               field="pass_level")
        return level

    def passes(self, entry: object, pass_level: object = None) -> bool:
        """Whether one entry passes a must-have gate (see the module docstring)."""
        key = normalise_entry(entry)
        if self.kind == "yesno":
            return self.ratio(key) == 1.0
        if self.kind == "marks":
            self.ratio(key)
            return key != "×"
        level = self.check_pass_level(pass_level)
        return self.ratio(key) >= self.ratios[level] - 1e-12

    def pass_rule_text(self, pass_level: object = None) -> str:
        """The gate in Japanese, for the screen, the report and the workbook."""
        if self.kind == "yesno":
            return "いいえは不合格"
        if self.kind == "marks":
            return "×（対応不可）のみ不合格"
        level = normalise_entry(pass_level)
        return f"{level}{self._at_least}で合格" if level in self.ratios else "合格の水準が未設定"

    @property
    def _at_least(self) -> str:
        return "以下" if self.kind == "numeric" and self.lower_is_better else "以上"


def normalise_entry(value: object) -> str:
    """An entry as text: 4.0 → "4", full-width digits → ASCII, surrounding spaces removed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９－．", "0123456789-."))
    if re.fullmatch(r"-?\d+\.0+", text):
        text = text.split(".")[0]
    return {"〇": "○", "o": "○", "x": "×", "✕": "×", "▲": "△"}.get(text, text)


@lru_cache(maxsize=256)
def parse_scale(text: str, lower_is_better: bool = False) -> Scale:
    """Parse a scale written as text (see the module docstring)."""
    raw = (text or "").strip()
    spec = PRESETS.get(raw, raw)
    if not spec:
        raise OhayamiError("尺度が空です。「1-5」「A-E」「○△×」「yes/no」などを入れてください。", field="scale")
    if spec.lower() in ("yes/no", "はい/いいえ", "適合/不適合", "必須"):
        return Scale(raw, "yesno", (YES_LABEL, NO_LABEL), {YES_LABEL: 1.0, NO_LABEL: 0.0})
    m = re.fullmatch(r"(-?\d+)\s*[-–～~]\s*(-?\d+)", spec)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo >= hi or hi - lo > 100:
            raise OhayamiError(f"尺度「{raw}」は 最小-最大 の順に、100段階以内で書いてください。", field="scale")
        span = hi - lo
        ratios = {str(v): ((hi - v) if lower_is_better else (v - lo)) / span for v in range(lo, hi + 1)}
        levels = tuple(str(v) for v in (range(lo, hi + 1) if lower_is_better else range(hi, lo - 1, -1)))
        return Scale(raw, "numeric", levels, ratios, lower_is_better=lower_is_better)
    pairs = [p.strip() for p in re.split(r"[,、;]", spec) if p.strip()]
    ratios: dict[str, float] = {}
    for p in pairs:
        m = re.fullmatch(r"(.+?)\s*[=＝:：]\s*(-?\d+(?:\.\d+)?)", p)
        if not m:
            raise OhayamiError(f"尺度「{raw}」の「{p}」が読めません。「A=1,B=0.7」のように 記号=値 をコンマで区切って"
                               "書いてください。", field="scale")
        label = normalise_entry(m.group(1))
        if label in ratios:
            raise OhayamiError(f"尺度「{raw}」に「{label}」が2回あります。", field="scale")
        ratios[label] = float(m.group(2))
    if len(ratios) < 2:
        raise OhayamiError(f"尺度「{raw}」には少なくとも2つの段階が必要です。", field="scale")
    additive = min(ratios.values()) < 0 or max(ratios.values()) > 1
    kind = "marks" if set(ratios) <= {"○", "△", "×", "◎"} else "graded"
    levels = tuple(sorted(ratios, key=lambda k: -ratios[k]))
    return Scale(raw, kind, levels, ratios, additive=additive)
