"""The weighted multi-criteria engine: alternatives × criteria × evaluators.

Type C (problems) and type E (vendor services) both use it. The steps, in order:

1. **Scores to ratios.** Each evaluator's entry becomes a ratio of the criterion's points through the
   criterion's scale (:mod:`ohayami.scoring.scales`). For mark scales (○ +1, △ 0, × −2) the marks
   times the points add up per requirement group and a group's total never goes below zero.
2. **Per evaluator.** Points per criterion = ratio × points; an evaluator's technical score is their sum.
3. **Across evaluators.** Combined by ``average`` or ``sum``; the combined technical score is then
   rounded as the rules ask (``round`` half up, or ``truncate``, to ``digits`` decimals).
4. **Must-haves are gates.** A must-have criterion whose entry fails its scale's gate (by any
   evaluator, or by the majority) excludes the alternative whatever its score; the reason is kept.
   The gate is explicit per scale (:meth:`Scale.passes`): いいえ fails a yes/no item, only × fails a
   ○/△/× item, and a numeric or graded must-have needs the committee's ``pass_level`` (no hidden
   cut-off). A must-have usually carries no points; points on it count only if the committee gave them.
5. **Thresholds.** A technical score under ``min_total_ratio`` of the maximum, or a group subtotal
   under ``min_group_ratio`` of that group's maximum, makes the alternative not selectable.
6. **Price.** One of the formulas registered in :mod:`ohayami.scoring.price` (``lowest``,
   ``additive`` 加算方式, ``division`` 除算方式, …). A price above the ceiling excludes the alternative.
7. **Ranking.** Selectable alternatives by total, then by the tie-break rules in the order given
   (``technical``: higher technical score; ``price``: lower price; ``group:<name>``: higher subtotal
   of that group); what is still equal is shown as a tie (same rank).

:class:`Evaluation` is immutable (its arrays are read-only); :meth:`Evaluation.with_score` and
:meth:`Evaluation.with_points` derive new ones. :func:`evaluate` computes the ranking as arrays and
builds the labelled frames of :class:`Result` only when they are first read.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import OhayamiError
from .price import ROUNDING, apply_rounding, check_rule, price_method, round_half_up, truncate
from .scales import normalise_entry, parse_scale

__all__ = ["Criterion", "Evaluation", "PriceRule", "Result", "Rules", "apply_rounding", "evaluate", "rank_vote",
           "round_half_up", "spread", "truncate"]

COMBINE = ("average", "sum")
MAX_NAMED = 5


@dataclass(frozen=True)
class Criterion:
    """One criterion: its points (配点), scale, direction, requirement group and must-have flag."""

    criterion_id: str
    name: str = ""
    points: float = 1.0
    scale: str = "1-5"
    direction: str = "higher"
    group: str = ""
    must_have: bool = False
    pass_level: str = ""              # a must-have on a numeric or graded scale: the lowest passing entry

    @property
    def label(self) -> str:
        return self.name or self.criterion_id


@dataclass(frozen=True)
class PriceRule:
    """How price enters the total: ``method`` names a formula of :mod:`ohayami.scoring.price`;
    ``points`` are the price points where the formula uses them; ``unit`` the price unit where it
    divides by price (``None``: the method's own default)."""

    method: str = "lowest"
    points: float = 0.0
    ceiling: float | None = None
    rounding: str = "none"
    digits: int = 2
    unit: float | None = None

    def describe(self) -> str:
        """The rule in one Japanese sentence."""
        return price_method(self.method).describe(self)


@dataclass(frozen=True)
class Rules:
    """The committee's rules. See the module docstring for their meaning."""

    combine: str = "average"
    rounding: str = "none"
    digits: int = 1
    must_have_rule: str = "any"          # "any" evaluator says not met, or "majority"
    min_total_ratio: float | None = None
    min_group_ratio: float | Mapping[str, float] | None = None
    price: PriceRule | None = None
    tie_break: tuple[str, ...] = ()

    def __post_init__(self):
        if self.combine not in COMBINE:
            raise OhayamiError(f"集計方法「{self.combine}」は average（平均）か sum（合計）にしてください。", field="rules")
        if self.rounding not in ROUNDING:
            raise OhayamiError(f"端数処理「{self.rounding}」は none・round（四捨五入）・truncate（切り捨て）のどれかにしてください。",
                               field="rules")
        if self.must_have_rule not in ("any", "majority"):
            raise OhayamiError("必須項目の判定は any（1人でも満たさないと除外）か majority（過半数）にしてください。", field="rules")
        for r in ([self.min_total_ratio] + (list(self.min_group_ratio.values()) if isinstance(self.min_group_ratio, Mapping)
                                           else [self.min_group_ratio])):
            if r is not None and not (0 <= r <= 1):
                raise OhayamiError(f"最低基準 {r} は 0～1 の割合（例：60% なら 0.6）にしてください。", field="rules")
        if self.price is not None:
            check_rule(self.price)
        for tb in self.tie_break:
            if tb not in ("technical", "price") and not tb.startswith("group:"):
                raise OhayamiError(f"同点時の決め方「{tb}」は technical・price・group:<要件内訳> のどれかにしてください。",
                                   field="rules")


_DEFAULT_RULES = Rules()


# ---------------------------------------------------------------------- the decision model

def _criteria_list(criteria) -> list[Criterion]:
    if isinstance(criteria, pd.DataFrame):
        out = []
        for r in criteria.to_dict("records"):
            pts = r.get("points", r.get("weight", 1.0))
            level = r.get("pass_level")
            out.append(Criterion(str(r["criterion_id"]), str(r.get("name") or ""),
                                 pts, str(r.get("scale") or "1-5"), str(r.get("direction") or "higher"),
                                 str(r.get("group") or r.get("grp") or ""), bool(r.get("must_have") or False),
                                 "" if level is None or level != level else str(level)))
        return out
    return [c if isinstance(c, Criterion) else Criterion(**c) for c in criteria]


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class Evaluation:
    """An immutable decision model: alternatives, criteria with their points, and every evaluator's
    scores, validated once. ``R`` holds ratios (or marks) shaped (evaluators, alternatives, criteria);
    ``failed`` (same shape) marks must-have entries that fail their gate. Every array is read-only;
    :meth:`with_score` and :meth:`with_points` return new evaluations.

    ``alternatives``: mapping id → name, a list of ids, or a frame with ``alternative_id`` and ``name``.
    ``criteria``: :class:`Criterion` objects or a frame. ``scores``: a long frame with ``evaluator``,
    ``alternative_id``, ``criterion_id`` and ``value``. ``prices``: mapping id → price (optional).
    With ``allow_missing`` (a workshop where not everyone scores everything) a missing score is NaN
    in ``R``, evaluators are averaged over those who scored, and an alternative with a criterion that
    nobody has scored yet is not selectable.
    """

    def __init__(self, alternatives, criteria, scores: pd.DataFrame, prices: Mapping[str, float] | None = None,
                 *, allow_missing: bool = False):
        self.allow_missing = allow_missing
        if isinstance(alternatives, pd.DataFrame):
            alts = dict(zip(alternatives["alternative_id"].astype(str), alternatives.get("name", alternatives["alternative_id"]).astype(str)))
        elif isinstance(alternatives, Mapping):
            alts = {str(k): str(v) for k, v in alternatives.items()}
        else:
            alts = {str(a): str(a) for a in alternatives}
        if not alts:
            raise OhayamiError("評価対象がありません。1つ以上入れてください。", field="alternatives")
        crits = _criteria_list(criteria)
        if not crits:
            raise OhayamiError("評価項目がありません。1つ以上入れてください。", field="criteria")
        ids = [c.criterion_id for c in crits]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise OhayamiError(f"評価項目「{dup}」が2回あります。", field="criteria")
        for c in crits:
            try:
                p = float(c.points)
            except (TypeError, ValueError):
                raise OhayamiError(f"評価項目「{c.label}」の配点「{c.points}」は数ではありません。", field="weights") from None
            if not math.isfinite(p) or p < 0:
                raise OhayamiError(f"評価項目「{c.label}」の配点（{c.points}）は 0 以上の数にしてください。", field="weights")
            if c.direction not in ("higher", "lower"):
                raise OhayamiError(f"評価項目「{c.label}」の向き「{c.direction}」は higher か lower にしてください。", field="criteria")
        self._cache: dict = {}
        self.alternatives = alts
        self.alt_ids = list(alts)
        self.criteria = crits
        self.crit_ids = ids
        self.points = _frozen(np.array([float(c.points) for c in crits]))
        if self.points.sum() <= 0:
            raise OhayamiError("配点がすべて 0 です。少なくとも1つは 0 より大きくしてください。", field="weights")
        self.scales = [parse_scale(c.scale, c.direction == "lower") for c in crits]
        self.additive = _frozen(np.array([s.additive for s in self.scales]))
        self.must = _frozen(np.array([bool(c.must_have) for c in crits]))
        self.pass_levels = [s.check_pass_level(c.pass_level, f"必須項目「{c.label}」") if c.must_have else ""
                            for c, s in zip(crits, self.scales)]
        self.groups = [c.group for c in crits]
        self.max_ratio = _frozen(np.array([max(s.ratios.values()) for s in self.scales]))
        self.min_ratio = _frozen(np.array([min(s.ratios.values()) for s in self.scales]))
        R, failed, self.evaluators = self._ratios(scores)
        self.R, self.failed = _frozen(R), _frozen(failed)
        prices = self._prices(prices)
        self.prices = None if prices is None else _frozen(prices)

    # -- building
    def _ratios(self, scores: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
        need = {"evaluator", "alternative_id", "criterion_id", "value"}
        if not isinstance(scores, pd.DataFrame) or not need <= set(scores.columns):
            raise OhayamiError("評価点の表には 評価者・評価対象ID・評価項目ID・値 の列が必要です。", field="scores")
        if scores.empty:
            if self.allow_missing:
                shape = (0, len(self.alt_ids), len(self.crit_ids))
                return np.full(shape, np.nan), np.zeros(shape, dtype=bool), []
            raise OhayamiError("評価点がまだありません。", field="scores")
        ev_codes, ev_uniques = pd.factorize(scores["evaluator"].astype(str))
        evaluators = [str(e) for e in ev_uniques]
        a_codes = pd.Index(self.alt_ids).get_indexer(scores["alternative_id"].astype(str))
        c_codes = pd.Index(self.crit_ids).get_indexer(scores["criterion_id"].astype(str))
        if (a_codes < 0).any():
            bad = scores["alternative_id"].astype(str)[a_codes < 0].iloc[0]
            raise OhayamiError(f"評価対象「{bad}」は一覧にありません。", field="scores")
        if (c_codes < 0).any():
            bad = scores["criterion_id"].astype(str)[c_codes < 0].iloc[0]
            raise OhayamiError(f"評価項目「{bad}」は一覧にありません。", field="scores")
        A, C = len(self.alt_ids), len(self.crit_ids)
        cell = (ev_codes.astype(np.int64) * A + a_codes) * C + c_codes
        uniq, first_at, counts = np.unique(cell, return_index=True, return_counts=True)
        if (counts > 1).any():
            r = scores.iloc[first_at[np.argmax(counts > 1)]]
            raise OhayamiError(f"評価者「{r['evaluator']}」の「{self.alternatives[str(r['alternative_id'])]}」×"
                               f"「{self._clabel(str(r['criterion_id']))}」の点数が2つあります。", field="scores")
        # Convert each distinct (criterion, entry) pair once: workshop data repeats the same few entries.
        v_codes, v_uniques = pd.factorize(scores["value"].map(lambda v: v if isinstance(v, str) else repr(v)), use_na_sentinel=False)
        entries = [normalise_entry(scores["value"].iloc[int(np.argmax(v_codes == i))]) for i in range(len(v_uniques))]
        pair = c_codes.astype(np.int64) * len(entries) + v_codes
        pairs, inverse = np.unique(pair, return_inverse=True)
        ratios = np.empty(len(pairs))
        fails = np.zeros(len(pairs), dtype=bool)
        for k, pc in enumerate(pairs):
            c, v = divmod(int(pc), len(entries))
            try:
                ratios[k] = self.scales[c].ratio(entries[v])
                fails[k] = self.must[c] and not self.scales[c].passes(entries[v], self.pass_levels[c])
            except OhayamiError:
                r = scores.iloc[int(np.argmax(pair == pc))]
                shown = "（空欄）" if entries[v] == "" else f"「{entries[v]}」"
                raise OhayamiError(f"評価者「{r['evaluator']}」の「{self.alternatives[str(r['alternative_id'])]}」×"
                                   f"「{self._clabel(self.crit_ids[c])}」の点数{shown}は尺度の外です。"
                                   f"{self.scales[c].describe()}を入れてください。", field="scores") from None
        R = np.full((len(evaluators), A, C), np.nan)
        R.reshape(-1)[cell] = ratios[inverse]
        failed = np.zeros(R.shape, dtype=bool)
        failed.reshape(-1)[cell] = fails[inverse]
        if np.isnan(R).any() and not self.allow_missing:
            missing = np.argwhere(np.isnan(R))
            named = [f"{evaluators[e]}：{self.alternatives[self.alt_ids[a]]}×{self._clabel(self.crit_ids[c])}"
                     for e, a, c in missing[:MAX_NAMED]]
            more = f" ほか{len(missing) - MAX_NAMED}件" if len(missing) > MAX_NAMED else ""
            raise OhayamiError(f"点数が入っていないところが {len(missing)} か所あります（" + "、".join(named) + more + "）。",
                               field="scores")
        return R, failed, evaluators

    def _prices(self, prices):
        if prices is None:
            return None
        out = np.full(len(self.alt_ids), np.nan)
        for k, v in prices.items():
            k = str(k)
            if k not in self.alternatives:
                raise OhayamiError(f"価格の評価対象「{k}」は一覧にありません。", field="prices")
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise OhayamiError(f"「{self.alternatives[k]}」の価格「{v}」は数ではありません。", field="prices") from None
            if not f > 0 or not math.isfinite(f):
                raise OhayamiError(f"「{self.alternatives[k]}」の価格（{v}）は 0 より大きい数にしてください。", field="prices")
            out[self.alt_ids.index(k)] = f
        if np.isnan(out).any():
            k = self.alt_ids[int(np.argmax(np.isnan(out)))]
            raise OhayamiError(f"「{self.alternatives[k]}」の価格が入っていません。", field="prices")
        return out

    def _clabel(self, cid: str) -> str:
        return self.criteria[self.crit_ids.index(cid)].label

    def _derive(self, **changes) -> "Evaluation":
        """A new evaluation with some attributes replaced (cf. scikit-criteria's ``DecisionMatrix.copy``);
        the read-only arrays that do not change are shared, the derived caches are not."""
        new = object.__new__(Evaluation)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        new._cache = {}
        return new

    def with_score(self, evaluator: str, alternative_id: str, criterion_id: str, entry: object) -> "Evaluation":
        """The same evaluation with one evaluator's entry replaced ("" clears it, where scores may be
        missing). Costs one copy of the arrays, not a re-read of every score."""
        try:
            e, a, c = self.evaluators.index(evaluator), self.alt_ids.index(alternative_id), self.crit_ids.index(criterion_id)
        except ValueError:
            raise OhayamiError(f"評価者「{evaluator}」・評価対象「{alternative_id}」・評価項目「{criterion_id}」の組み合わせは"
                               "この評価にありません。", field="scores") from None
        key = normalise_entry(entry)
        if key == "" and not self.allow_missing:
            raise OhayamiError("この評価では点数を空にできません。", field="scores")
        scale = self.scales[c]
        R, failed = self.R.copy(), self.failed.copy()
        R[e, a, c] = scale.ratio(key) if key else np.nan
        failed[e, a, c] = bool(key) and bool(self.must[c]) and not scale.passes(key, self.pass_levels[c])
        return self._derive(R=_frozen(R), failed=_frozen(failed))

    def with_points(self, points: Mapping[str, float] | Sequence[float]) -> "Evaluation":
        """The same scores with revised points (for example after the intuition check)."""
        if isinstance(points, Mapping):
            unknown = [k for k in points if k not in self.crit_ids]
            if unknown:
                raise OhayamiError(f"評価項目「{unknown[0]}」は一覧にありません。", field="weights")
            vals = [points.get(c, p) for c, p in zip(self.crit_ids, self.points)]
        else:
            vals = list(points)
        arr = np.array([float(v) for v in vals])
        if (arr < 0).any() or not np.isfinite(arr).all():
            raise OhayamiError("配点は 0 以上の数にしてください。", field="weights")
        if arr.sum() <= 0:
            raise OhayamiError("配点がすべて 0 です。少なくとも1つは 0 より大きくしてください。", field="weights")
        return self._derive(criteria=[replace(c, points=v) for c, v in zip(self.criteria, vals)], points=_frozen(arr))

    def _cached(self, key, build):
        """Derived arrays, computed once: nothing they depend on can change."""
        if key not in self._cache:
            value = build()
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            self._cache[key] = value
        return self._cache[key]

    # -- arithmetic shared with the sensitivity analysis
    def group_index(self) -> dict[str, np.ndarray]:
        """Requirement group → criterion indices."""
        def build():
            groups: dict[str, list[int]] = {}
            for i, g in enumerate(self.groups):
                groups.setdefault(g, []).append(i)
            return {g: np.array(ix) for g, ix in groups.items()}
        return self._cached("group_index", build)

    def has_missing(self) -> bool:
        return self._cached("has_missing", lambda: bool(np.isnan(self.R).any()))

    def technical(self, how: str) -> np.ndarray:
        """Combined technical score per alternative with the evaluation's own points, unrounded."""
        return self._cached(("technical", how), lambda: self.combined_technical(self.points[None, :], how)[0])

    def group_subtotals(self, how: str) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """(group → combined subtotal per alternative, group → maximum subtotal)."""
        def build():
            C = len(self.crit_ids)
            subtotals, maxima = {}, {}
            for g, ix in self.group_index().items():
                W = np.zeros((1, C))
                W[0, ix] = self.points[ix]
                subtotals[g] = self.combined_technical(W, how)[0]
                maxima[g] = self.max_technical(how, ix)
            return subtotals, maxima
        return self._cached(("groups", how), build)

    def evaluator_technical(self, W: np.ndarray) -> np.ndarray:
        """Technical scores for a batch of point vectors W (D, C): shape (D, E, A). Mark criteria add up
        per group and each group's mark total is clipped at zero."""
        lin = ~self.additive
        R = np.nan_to_num(self.R)  # a missing score adds nothing to that evaluator's own total
        out = np.einsum("dc,eac->dea", W[:, lin], R[:, :, lin])
        for ix in self._mark_groups():
            out = out + np.clip(np.einsum("dc,eac->dea", W[:, ix], R[:, :, ix]), 0, None)
        return out

    def combined_technical(self, W: np.ndarray, how: str) -> np.ndarray:
        """Evaluators combined, for a batch of point vectors W (D, C): shape (D, A).

        Ratio criteria are linear, so the evaluators are combined before the weights are applied;
        only mark groups (clipped at zero per evaluator) need the per-evaluator arrays, taken in
        chunks so that 10,000 draws stay within memory."""
        lin = self._cached("linear", lambda: np.flatnonzero(~self.additive))
        out = W[:, lin] @ self._cached(("linear_ratios", how), lambda: self.combined_ratios(how)[:, lin].T)
        groups = self._mark_groups()
        if groups:
            E, A, _ = self.R.shape
            R = np.nan_to_num(self.R)
            step = max(1, 2_000_000 // max(1, E * A))
            for ix in groups:
                scored = (~np.isnan(self.R[:, :, ix])).any(axis=2)          # (E, A): evaluator scored this group
                n = np.maximum(scored.sum(axis=0), 1)
                for start in range(0, W.shape[0], step):
                    part = np.clip(np.einsum("dc,eac->dea", W[start:start + step, ix], R[:, :, ix]), 0, None)
                    out[start:start + step] += part.sum(axis=1) / (n if how == "average" else 1)
        return out

    def combined_ratios(self, how: str) -> np.ndarray:
        """Ratios combined over evaluators, (A, C): the mean (or sum) of those who scored; 0 where nobody did."""
        if self.R.shape[0] == 0:
            return np.zeros(self.R.shape[1:])
        if how == "sum":
            return np.nansum(self.R, axis=0)
        n = (~np.isnan(self.R)).sum(axis=0)
        return np.where(n > 0, np.nansum(self.R, axis=0) / np.maximum(n, 1), 0.0)

    def unscored(self) -> np.ndarray:
        """(A, C) mask: criteria that nobody has scored yet for that alternative."""
        if self.R.shape[0] == 0:
            return np.ones(self.R.shape[1:], dtype=bool)
        return np.isnan(self.R).all(axis=0)

    def _mark_groups(self) -> list[np.ndarray]:
        return self._cached("mark_groups", lambda: [ix[self.additive[ix]] for ix in self.group_index().values()
                                                    if self.additive[ix].any()])

    def combine(self, per_evaluator: np.ndarray, how: str) -> np.ndarray:
        """Combine over the evaluator axis: (..., E, A) → (..., A)."""
        return per_evaluator.mean(axis=-2) if how == "average" else per_evaluator.sum(axis=-2)

    def max_technical(self, how: str, idx: np.ndarray | None = None) -> float:
        idx = np.arange(len(self.points)) if idx is None else idx
        m = float((self.points[idx] * self.max_ratio[idx]).sum())
        return m * (len(self.evaluators) if how == "sum" else 1)


# ---------------------------------------------------------------------- results

class Result:
    """What :func:`evaluate` found. The ranking is computed as arrays (``technical``, ``price_score``,
    ``total``, ``rank``, ``tie``, ``selectable``, ``excluded``, ``reasons``) with the maximums the rules
    give (``max_technical`` 技術点の満点, ``max_price`` 価格点の満点, ``max_total`` 合計の満点; the last
    two None under a price formula without a maximum); the labelled frames are
    built on first use: ``table`` (indexed by alternative id), ``breakdown`` (alternatives × criteria:
    combined points per criterion), ``groups`` (alternatives × groups: combined subtotals),
    ``group_max`` (group → maximum subtotal), ``per_evaluator`` (evaluators × alternatives: technical
    score) and ``spread`` (see :func:`spread`)."""

    def __init__(self, ev: Evaluation, rules: Rules, *, technical, price_score, total, max_technical, rank, tie,
                 selectable, excluded, reasons, decided_by):
        self.ev, self.rules = ev, rules
        self.technical, self.price_score, self.total = technical, price_score, total
        self.max_technical = max_technical
        # the price formula's own maximum (None: a formula without one, e.g. 除算方式)
        self.max_price = 0.0 if rules.price is None else price_method(rules.price.method).max_points(rules.price)
        self.max_total = None if self.max_price is None else max_technical + self.max_price
        self.rank, self.tie, self.selectable, self.excluded = rank, tie, selectable, excluded
        self.reasons = reasons
        self._decided_by = decided_by          # alternative index → name of the tie-break key that decided

    @cached_property
    def _index(self) -> pd.Index:
        return pd.Index(self.ev.alt_ids, name="alternative_id")

    @cached_property
    def table(self) -> pd.DataFrame:
        """name, technical, max_technical, price, price_score, max_price, total, max_total, total_ratio
        (technical ÷ its maximum), rank, tie, selectable, excluded, reasons, note."""
        ev, mt = self.ev, self.max_technical
        note = [""] * len(ev.alt_ids)
        for a in np.flatnonzero(self.selectable):
            if self.tie[a]:
                note[a] = "同点（決め方のルールでも差がつかないため同順位）"
            elif a in self._decided_by:
                note[a] = f"合計点が同点のため、{self._decided_by[a]}で順位を決定"
        return pd.DataFrame({
            "name": [ev.alternatives[a] for a in ev.alt_ids], "technical": self.technical, "max_technical": mt,
            "price": ev.prices if ev.prices is not None else np.nan, "price_score": self.price_score,
            "max_price": np.nan if self.max_price is None else self.max_price, "total": self.total,
            "max_total": np.nan if self.max_total is None else self.max_total,
            "total_ratio": self.technical / mt if mt else np.nan,
            "rank": self.rank, "tie": self.tie, "selectable": self.selectable, "excluded": self.excluded,
            "reasons": self.reasons, "note": note,
        }, index=self._index)

    @cached_property
    def breakdown(self) -> pd.DataFrame:
        pts = self.ev.combined_ratios(self.rules.combine) * self.ev.points[None, :]
        return pd.DataFrame(pts, index=self._index, columns=self.ev.crit_ids)

    @cached_property
    def groups(self) -> pd.DataFrame:
        return pd.DataFrame(self.ev.group_subtotals(self.rules.combine)[0], index=self._index)

    @cached_property
    def group_max(self) -> pd.Series:
        return pd.Series(self.ev.group_subtotals(self.rules.combine)[1])

    @cached_property
    def per_evaluator(self) -> pd.DataFrame:
        ev = self.ev
        return pd.DataFrame(ev.evaluator_technical(ev.points[None, :])[0],
                            index=pd.Index(ev.evaluators, name="evaluator"), columns=ev.alt_ids)

    @cached_property
    def spread(self) -> pd.DataFrame:
        return spread(self.ev)

    @property
    def ranking(self) -> pd.DataFrame:
        """Selectable alternatives by rank, then the others."""
        t = self.table
        return pd.concat([t[t.selectable].sort_values(["rank", "total"], ascending=[True, False]),
                          t[~t.selectable].sort_values("total", ascending=False)])

    @property
    def winners(self) -> list[str]:
        return [self.ev.alt_ids[a] for a in np.flatnonzero(self.rank == 1)]


def _rank(keys: np.ndarray, selectable: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """(rank, tie, alternative → index of the key that decided against an equal total) for keys (A, k),
    higher better, compared lexicographically; only selectable alternatives are ranked."""
    A, k = keys.shape
    others = selectable[None, :] & ~np.eye(A, dtype=bool)
    decided: dict[int, int] = {}
    if k == 1:                                                          # the common case, without the key axis
        diff = keys[None, :, 0] - keys[:, None, 0]                     # [a, b] = K[b] − K[a]
        better = ((diff > 1e-9) & others).sum(axis=1)
        tie = ((np.abs(diff) <= 1e-9) & others).any(axis=1) & selectable
    else:
        diff = keys[None, :, :] - keys[:, None, :]
        nz = np.abs(diff) > 1e-9
        has = nz.any(axis=2)
        first = np.argmax(nz, axis=2)                                   # the first key that differs
        sign = np.take_along_axis(diff, first[..., None], axis=2)[..., 0]
        better = (has & (sign > 0) & others).sum(axis=1)
        tie = (~has & others).any(axis=1) & selectable
        low = np.where(has & others & (first > 0), first, k).min(axis=1)
        decided = {int(a): int(low[a]) for a in np.flatnonzero(selectable & ~tie & (low < k))}
    return np.where(selectable, better + 1.0, np.nan), tie, decided


def evaluate(ev: Evaluation, rules: Rules | None = None, exclude: Mapping[str, str] | None = None) -> Result:
    """Score, exclude, threshold, price and rank (see the module docstring).

    ``exclude`` takes alternatives out by hand (alternative id → reason shown with it)."""
    rules = rules or _DEFAULT_RULES
    E, A, C = ev.R.shape
    if ev.allow_missing and rules.combine == "sum" and ev.has_missing():
        raise OhayamiError("点数が入っていないところがあるため、合計では比べられません。集計方法を平均にしてください。",
                           field="rules")
    technical = apply_rounding(ev.technical(rules.combine), rules.rounding, rules.digits)
    reasons: list[list[str]] = [[] for _ in range(A)]
    excluded = np.zeros(A, dtype=bool)

    for aid, why in (exclude or {}).items():
        if aid not in ev.alternatives:
            raise OhayamiError(f"除外する評価対象「{aid}」は一覧にありません。", field="exclude")
        a = ev.alt_ids.index(aid)
        reasons[a].append(str(why))
        excluded[a] = True
    for c in np.flatnonzero(ev.must):
        not_met = ev.failed[:, :, c]                                   # (E, A); a missing answer is not a "no"
        votes = not_met.sum(axis=0)
        fail = votes > 0 if rules.must_have_rule == "any" else votes * 2 > (~np.isnan(ev.R[:, :, c])).sum(axis=0)
        for a in np.flatnonzero(fail):
            who = "、".join(ev.evaluators[e] for e in np.flatnonzero(not_met[:, a]))
            reasons[a].append(f"必須項目「{ev.criteria[c].label}」を満たしていない（{who}）")
            excluded[a] = True
    if rules.price is not None and rules.price.ceiling and ev.prices is not None:
        for a in np.flatnonzero(ev.prices > rules.price.ceiling):
            reasons[a].append(f"価格 {ev.prices[a]:,.0f} 円が予定価格（上限）{rules.price.ceiling:,.0f} 円を超えている")
            excluded[a] = True

    max_technical = ev.max_technical(rules.combine)
    below = np.zeros(A, dtype=bool)
    if ev.allow_missing:
        todo = ev.unscored() & ((ev.points > 0) | ev.must)[None, :]
        for a in np.flatnonzero(todo.any(axis=1)):
            names = "、".join(ev.criteria[c].label for c in np.flatnonzero(todo[a]))
            reasons[a].append(f"まだ誰も採点していない評価項目があります（{names}）")
            below[a] = True
    if rules.min_total_ratio is not None:
        need = max_technical * rules.min_total_ratio
        for a in np.flatnonzero(technical < need - 1e-9):
            reasons[a].append(f"技術点 {technical[a]:g} 点が最低基準（満点 {max_technical:g} 点の {rules.min_total_ratio:.0%}＝{need:g} 点）に届かない")
            below[a] = True
    if rules.min_group_ratio is not None:
        groups, group_max = ev.group_subtotals(rules.combine)
        for g, sub in groups.items():
            ratio = rules.min_group_ratio.get(g) if isinstance(rules.min_group_ratio, Mapping) else rules.min_group_ratio
            if ratio is None or group_max[g] <= 0:
                continue
            need = group_max[g] * ratio
            for a in np.flatnonzero(sub < need - 1e-9):
                reasons[a].append(f"「{g or '（区分なし）'}」の小計 {sub[a]:g} 点が最低基準（{group_max[g]:g} 点の {ratio:.0%}＝{need:g} 点）に届かない")
                below[a] = True

    p = rules.price
    if p is None:
        price_score, total = np.zeros(A), technical
    elif ev.prices is None:
        raise OhayamiError("価格点を使うには、すべての評価対象に価格を入れてください。", field="prices")
    else:
        price_score, total = price_method(p.method).score(technical, ev.prices, p, ~excluded)
    selectable = ~excluded & ~below

    keys = [total]
    key_names = ["合計点"]
    for tb in rules.tie_break:
        if tb == "technical":
            keys.append(technical)
            key_names.append("技術点")
        elif tb == "price":
            if ev.prices is None:
                raise OhayamiError("同点時に価格で決めるには、価格を入れてください。", field="rules")
            keys.append(-ev.prices)
            key_names.append("価格の安さ")
        else:
            g = tb.split(":", 1)[1]
            groups = ev.group_subtotals(rules.combine)[0]
            if g not in groups:
                raise OhayamiError(f"同点時の決め方にある要件内訳「{g}」は評価項目にありません。", field="rules")
            keys.append(groups[g])
            key_names.append(f"「{g}」の小計")
    rank, tie, decided = _rank(np.stack(keys, axis=1), selectable)
    return Result(ev, rules, technical=technical, price_score=price_score, total=total, max_technical=max_technical, rank=rank,
                  tie=tie, selectable=selectable, excluded=excluded, reasons=reasons,
                  decided_by={a: key_names[k] for a, k in decided.items()})


def spread(ev: Evaluation) -> pd.DataFrame:
    """How far evaluators disagree, per alternative and criterion, in points.

    Columns: alternative_id, criterion_id, n, min, max, mean, std (population), range, and
    ``disagreement`` = range ÷ the criterion's full points (0 = all agree, 1 = opposite ends).
    """
    pts = ev.R * ev.points[None, None, :]
    full = ev.points * (ev.max_ratio - ev.min_ratio)
    E, A, C = pts.shape
    n = (~np.isnan(pts)).sum(axis=0)
    if E == 0:
        pts = np.full((1, A, C), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells: nobody has scored them yet
        mn, mx = np.nanmin(pts, axis=0), np.nanmax(pts, axis=0)
        mean, std = np.nanmean(pts, axis=0), np.nanstd(pts, axis=0)
    out = pd.DataFrame({
        "alternative_id": np.repeat(ev.alt_ids, C), "criterion_id": np.tile(ev.crit_ids, A), "n": n.ravel(),
        "min": mn.ravel(), "max": mx.ravel(), "mean": mean.ravel(), "std": std.ravel(),
        "range": (mx - mn).ravel(),
    })
    out["disagreement"] = np.where(np.tile(full, A) > 0, out["range"] / np.tile(full, A), 0.0)
    return out


def rank_vote(ev: Evaluation, rules: Rules | None = None) -> pd.DataFrame:
    """The rank-vote rule: each evaluator ranks the eligible alternatives by their own technical score;
    the alternative ranked first by the most evaluators wins; ties go to the most second places, then
    third; what is still equal is a tie. Columns: name, first, second, third, ..., rank, tie."""
    rules = rules or _DEFAULT_RULES
    res = evaluate(ev, replace(rules, min_total_ratio=None, min_group_ratio=None))
    eligible = list(np.flatnonzero(~res.excluded))
    per_e = ev.evaluator_technical(ev.points[None, :])[0][:, eligible]   # (E, A')
    n = len(eligible)
    places = np.zeros((n, n), dtype=int)                                # alt × place
    for row in per_e:
        # competition ranking within one evaluator: equal scores share the better place
        r = np.array([1 + int((row > v + 1e-9).sum()) for v in row])
        for a, p in enumerate(r):
            places[a, p - 1] += 1
    key = places[:, :3] if n >= 3 else places
    cols = ["first", "second", "third"][:key.shape[1]]
    df = pd.DataFrame(places[:, :len(cols)], columns=cols, index=pd.Index([ev.alt_ids[i] for i in eligible], name="alternative_id"))
    df.insert(0, "name", [ev.alternatives[ev.alt_ids[i]] for i in eligible])
    ranks, ties = [], []
    for a in range(n):
        better = sum(1 for b in range(n) if b != a and tuple(key[b]) > tuple(key[a]))
        ranks.append(better + 1)
        ties.append(any(b != a and tuple(key[b]) == tuple(key[a]) for b in range(n)))
    df["rank"], df["tie"] = ranks, ties
    return df.sort_values(["rank"], kind="stable")
