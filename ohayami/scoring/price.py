"""Price formulas: how a proposal's price enters its total. A registry of small objects.

Each method is one object with its ``name`` (stored in the rules), a Japanese ``label`` for the rules
form, whether it ``needs_ceiling`` (予定価格) and whether it uses price ``points``, its default
price ``unit``, ``score()`` and ``describe()``. The engine, the sensitivity analysis, the rules form
and the report all read this registry, so a new formula is one more object here (:func:`register`).

- ``lowest`` (最低価格との比): price points × lowest price ÷ this price;
- ``additive`` (加算方式): price points × (1 − price ÷ ceiling), never below zero;
- ``division`` (除算方式): technical score ÷ (price ÷ unit); the unit defaults to one million yen.

This module never imports the engine (the engine imports it), so there is no import circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..errors import OhayamiError
from .registry import Registry

ROUNDING = ("none", "round", "truncate")


def round_half_up(x: np.ndarray | float, digits: int) -> np.ndarray:
    """四捨五入 (half away from zero), not banker's rounding; robust to binary representation."""
    f = 10.0 ** digits
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.floor(np.abs(x) * f + 0.5 + 1e-9) / f


def truncate(x: np.ndarray | float, digits: int) -> np.ndarray:
    """切り捨て toward zero."""
    f = 10.0 ** digits
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.floor(np.abs(x) * f + 1e-9) / f


def apply_rounding(x, method: str, digits: int):
    """Round as the rules say: ``round`` (half up), ``truncate`` or ``none``."""
    if method == "round":
        return round_half_up(x, digits)
    if method == "truncate":
        return truncate(x, digits)
    return np.asarray(x, dtype=float)


class PriceRuleLike(Protocol):
    """What a price method reads from the rules (``engine.PriceRule``)."""

    method: str
    points: float
    ceiling: float | None
    rounding: str
    digits: int
    unit: float | None


def yen(amount: float) -> str:
    """A price as the report writes it: 1,500,000 円; round millions as 百万円."""
    if amount >= 1_000_000 and amount % 1_000_000 == 0:
        n = amount / 1_000_000
        return "百万円" if n == 1 else f"{n:,.0f}百万円"
    if amount >= 1_000 and amount % 1_000 == 0 and amount < 1_000_000:
        n = amount / 1_000
        return "千円" if n == 1 else f"{n:,.0f}千円"
    return f"{amount:,.0f} 円"


@dataclass(frozen=True)
class PriceMethod:
    """One price formula. Subclasses give :meth:`score` and :meth:`formula`."""

    name: str
    label: str                     # for the rules form, with the formula
    short: str                     # for sentences
    needs_ceiling: bool = False
    uses_points: bool = True
    default_unit: float = 1.0

    def unit(self, rule: PriceRuleLike) -> float:
        """The price unit: the rule's own, else this method's default."""
        return float(rule.unit) if rule.unit else self.default_unit

    def score(self, technical: np.ndarray, prices: np.ndarray, rule: PriceRuleLike,
              eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(price points, total) for technical scores shaped (A,) or (D, A); ``eligible`` (A,) marks the
        alternatives not excluded (the lowest price is taken among them)."""
        raise NotImplementedError

    def formula(self, rule: PriceRuleLike) -> str:
        raise NotImplementedError

    def max_points(self, rule: PriceRuleLike) -> float | None:
        """価格点の満点: the most price points this formula gives (None when it has no maximum)."""
        return float(rule.points) if self.uses_points else None

    def describe(self, rule: PriceRuleLike) -> str:
        """The rule in one Japanese sentence, for the screen and the report."""
        text = self.formula(rule)
        if rule.ceiling and not self.needs_ceiling:
            text += f"。予定価格 {rule.ceiling:,.0f} 円を超える提案は除外"
        return text


class _Lowest(PriceMethod):
    def score(self, technical, prices, rule, eligible):
        lowest = prices[eligible].min() if eligible.any() else prices.min()
        ps = apply_rounding(rule.points * lowest / prices, rule.rounding, rule.digits)
        return ps, technical + ps

    def formula(self, rule):
        return f"価格点 {rule.points:g} 点 × 最低価格 ÷ 提案価格"


class _Additive(PriceMethod):
    def score(self, technical, prices, rule, eligible):
        ps = np.maximum(apply_rounding(rule.points * (1 - prices / rule.ceiling), rule.rounding, rule.digits), 0.0)
        return ps, technical + ps

    def formula(self, rule):
        return f"価格点 {rule.points:g} 点 × (1 − 提案価格 ÷ 予定価格 {rule.ceiling:,.0f} 円)"


class _Division(PriceMethod):
    def score(self, technical, prices, rule, eligible):
        total = apply_rounding(technical / (prices / self.unit(rule)), rule.rounding, rule.digits)
        return np.zeros_like(total), total

    def formula(self, rule):
        return f"技術点 ÷ 価格（{yen(self.unit(rule))}あたり）"


_REGISTRY: Registry[PriceMethod] = Registry("価格点の方式", "rules")
register, unregister = _REGISTRY.register, _REGISTRY.unregister
price_methods = _REGISTRY.methods           # every registered method, in the order registered
price_method = _REGISTRY.get_or_raise      # the one called ``name``, or OhayamiError naming those there are


def check_rule(rule: PriceRuleLike) -> None:
    """Validate a price rule against its method; raises OhayamiError with a Japanese message."""
    m = price_method(rule.method)
    if m.needs_ceiling and not rule.ceiling:
        raise OhayamiError(f"{m.short}の価格点には予定価格（上限）が必要です。", field="rules")
    if rule.points < 0 or (rule.ceiling is not None and rule.ceiling <= 0) or (rule.unit is not None and rule.unit <= 0):
        raise OhayamiError("価格点・予定価格・単位は正の数にしてください。", field="rules")
    if rule.rounding not in ROUNDING:
        raise OhayamiError(f"価格点の端数処理「{rule.rounding}」は none・round・truncate のどれかにしてください。", field="rules")


register(_Lowest("lowest", "最低価格との比（価格点×最低価格÷価格）", "最低価格との比"))
register(_Additive("additive", "加算方式（価格点×(1−価格÷予定価格)）", "加算方式", needs_ceiling=True))
register(_Division("division", "除算方式（技術点÷価格）", "除算方式", uses_points=False, default_unit=1_000_000.0))
