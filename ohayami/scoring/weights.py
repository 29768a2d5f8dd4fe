"""Weights: three ways to give each criterion its points (配点).

**Direct points** (:func:`direct_points`): the committee writes the points; they must add up to the
chosen total (for example 100). :func:`normalise` instead scales relative weights to a total.

**Rank order** (:func:`rank_order_centroid`): the facilitator only orders the criteria. The weight of
the criterion at rank *i* of *n* is the rank-order centroid (Barron & Barrett 1996)::

    w_i = (1/n) · Σ_{k=i..n} 1/k

Criteria tied at a rank share the mean of the centroid weights of the places they occupy.

**Pairwise comparison** (:func:`ahp`): Saaty's analytic hierarchy process. ``a_ij`` on the 1–9 scale
says how much more important criterion *i* is than *j* (1 equal, 3 moderate, 5 strong, 7 very
strong, 9 extreme; 2, 4, 6, 8 between; reciprocals for the reverse), with ``a_ji = 1 / a_ij``. The
priorities are the principal (Perron) eigenvector of the matrix, normalised to sum 1; λmax is its
eigenvalue. Consistency index CI = (λmax − n) / (n − 1); consistency ratio CR = CI / RI(n) with
Saaty's random index::

    n  : 1    2    3     4     5     6     7     8     9     10    11    12    13    14    15
    RI : 0    0    0.58  0.90  1.12  1.24  1.32  1.41  1.45  1.49  1.51  1.48  1.56  1.57  1.59

CR above 0.1 is flagged. The most inconsistent comparison is the pair whose judgment departs most
from what the priorities imply: the largest |ln(a_ij · w_j / w_i)|. Several evaluators' matrices
are combined entry by entry with the geometric mean (aggregation of individual judgments, which
keeps the combined matrix reciprocal) before the eigenvector is taken (:func:`combine_pairwise`).

**The registry.** Each way of weighting is one small :class:`WeightMethod` object (name, Japanese
label, the kind of input it takes, ``compute`` and how several evaluators' inputs combine);
the workbenches and the weighting editor read :func:`weight_methods`, so a new way is one more
object here (:func:`register`). Must-haves are gates, not points: unless the committee explicitly
asks (``weight_must_haves=True``), only the nice-to-have criteria share the weight
(:func:`weighable`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import OhayamiError
from ..textio import parse_number
from .registry import Registry

RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
                11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
CR_LIMIT = 0.1
SAATY_MIN, SAATY_MAX = 1 / 9, 9.0


def _as_series(weights: Mapping[str, float] | pd.Series, what: str = "重み") -> pd.Series:
    s = pd.Series(weights, dtype=object)
    if s.empty:
        raise OhayamiError(f"{what}がありません。評価項目を1つ以上入れてください。", field="weights")
    out = {}
    for k, v in s.items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise OhayamiError(f"評価項目「{k}」の{what}「{v}」は数ではありません。", field="weights") from None
        if math.isnan(f) or math.isinf(f):
            raise OhayamiError(f"評価項目「{k}」の{what}が入っていません。", field="weights")
        if f < 0:
            raise OhayamiError(f"評価項目「{k}」の{what}が負の数（{f:g}）です。0 以上にしてください。", field="weights")
        out[k] = f
    s = pd.Series(out, dtype=float)
    if s.sum() <= 0:
        raise OhayamiError(f"{what}がすべて 0 です。少なくとも1つは 0 より大きくしてください。", field="weights")
    return s


def normalise(weights: Mapping[str, float] | pd.Series, total: float = 100.0) -> pd.Series:
    """Relative weights scaled so that they add up to ``total``."""
    s = _as_series(weights)
    return s / s.sum() * total


def direct_points(points: Mapping[str, float] | pd.Series, total: float | None = 100.0) -> pd.Series:
    """Points as written by the committee; with ``total``, they must add up to it exactly."""
    s = _as_series(points, "配点")
    if total is not None and not math.isclose(s.sum(), total, rel_tol=0, abs_tol=1e-9):
        diff = total - s.sum()
        raise OhayamiError(f"配点の合計が {s.sum():g} 点です。合計 {total:g} 点になるように"
                           f"{'あと ' + format(diff, 'g') + ' 点増やして' if diff > 0 else format(-diff, 'g') + ' 点減らして'}ください。",
                           field="weights")
    return s


def rank_order_centroid(ranks: Mapping[str, int] | Sequence[str], total: float = 100.0) -> pd.Series:
    """Rank-order-centroid weights scaled to ``total``.

    ``ranks`` is either the criteria in order, most important first, or a mapping criterion → rank
    (1 = most important; equal ranks are ties).
    """
    if isinstance(ranks, Mapping):
        r = pd.Series(ranks, dtype=object)
    else:
        items = list(ranks)
        if len(set(items)) != len(items):
            raise OhayamiError("同じ評価項目が2回並んでいます。", field="weights")
        r = pd.Series(range(1, len(items) + 1), index=items, dtype=object)
    if r.empty:
        raise OhayamiError("順位を付ける評価項目がありません。", field="weights")
    try:
        r = r.astype(float)
    except (TypeError, ValueError):
        raise OhayamiError("順位は 1, 2, 3 … の数で入れてください。", field="weights") from None
    if (r < 1).any() or (r != r.round()).any():
        bad = r[(r < 1) | (r != r.round())].index[0]
        raise OhayamiError(f"評価項目「{bad}」の順位「{r[bad]:g}」は 1 以上の整数にしてください。", field="weights")
    n = len(r)
    centroid = np.array([sum(1.0 / k for k in range(i, n + 1)) / n for i in range(1, n + 1)])
    order = r.sort_values(kind="stable")
    weights = pd.Series(0.0, index=r.index)
    pos = 0
    for _, group in order.groupby(order, sort=True):
        places = centroid[pos:pos + len(group)]
        weights[group.index] = places.mean()
        pos += len(group)
    return weights / weights.sum() * total


@dataclass(frozen=True)
class AHPResult:
    """Priorities of a pairwise comparison and its consistency."""

    weights: pd.Series          # sums to 1
    lambda_max: float
    ci: float
    cr: float
    matrix: pd.DataFrame
    worst_pair: tuple[str, str] | None  # the most inconsistent comparison (i more important than j)
    worst_deviation: float              # |ln(a_ij w_j / w_i)| for that pair

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT

    def message(self) -> str:
        """A Japanese sentence for the screen."""
        if self.consistent:
            return f"整合度 CR = {self.cr:.3f}（0.1 以下なので整合しています）"
        i, j = self.worst_pair
        implied = self.weights[i] / self.weights[j]
        return (f"整合度 CR = {self.cr:.3f} が 0.1 を超えています。いちばん食い違っている比較は"
                f"「{i}」と「{j}」です（入力 {_fmt_judgment(self.matrix.loc[i, j])}、"
                f"ほかの比較から見ると {_fmt_judgment(implied)} 程度）。見直してください。")


def _fmt_judgment(a: float) -> str:
    return f"{a:.2g}" if a >= 1 else f"1/{1 / a:.2g}"


def pairwise_matrix(judgments: Mapping[tuple[str, str], float] | pd.DataFrame,
                    criteria: Sequence[str] | None = None) -> pd.DataFrame:
    """A full reciprocal matrix from a square frame, or from judgments {(i, j): a_ij} for i before j."""
    if isinstance(judgments, pd.DataFrame):
        m = judgments.astype(float)
        if list(m.index) != list(m.columns):
            raise OhayamiError("一対比較の表は、行と列に同じ評価項目を同じ順に並べてください。", field="pairwise")
    else:
        names = list(criteria) if criteria is not None else list(dict.fromkeys(k for pair in judgments for k in pair))
        m = pd.DataFrame(1.0, index=names, columns=names)
        for (i, j), a in judgments.items():
            if i not in m.index or j not in m.index:
                raise OhayamiError(f"評価項目「{i if i not in m.index else j}」はありません。", field="pairwise")
            try:
                a = float(a)
            except (TypeError, ValueError):
                raise OhayamiError(f"「{i}」と「{j}」の比較「{a}」は数ではありません。", field="pairwise") from None
            if not a > 0:
                raise OhayamiError(f"「{i}」と「{j}」の比較は 1/9～9 の正の数にしてください。", field="pairwise")
            m.loc[i, j], m.loc[j, i] = a, 1.0 / a
        missing = [(i, j) for k, i in enumerate(names) for j in names[k + 1:]
                   if (i, j) not in judgments and (j, i) not in judgments]
        if missing:
            i, j = missing[0]
            raise OhayamiError(f"「{i}」と「{j}」の比較が入っていません（未入力 {len(missing)} 組）。", field="pairwise")
    validate_pairwise(m)
    return m


def validate_pairwise(m: pd.DataFrame) -> None:
    """Positive, reciprocal, unit diagonal, within Saaty's 1/9–9."""
    a = m.to_numpy(dtype=float)
    names = list(m.index)
    if a.shape[0] != a.shape[1] or a.shape[0] < 2:
        raise OhayamiError("一対比較には評価項目が2つ以上必要です。", field="pairwise")
    if not np.isfinite(a).all() or (a <= 0).any():
        i, j = np.argwhere(~np.isfinite(a) | (a <= 0))[0]
        raise OhayamiError(f"「{names[i]}」と「{names[j]}」の比較は正の数にしてください。", field="pairwise")
    if not np.allclose(np.diag(a), 1.0):
        i = int(np.argmax(np.abs(np.diag(a) - 1)))
        raise OhayamiError(f"「{names[i]}」と自分自身の比較は 1 にしてください。", field="pairwise")
    bad = ~np.isclose(a * a.T, 1.0, rtol=1e-6)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise OhayamiError(f"一対比較が逆数になっていません：「{names[i]}」対「{names[j]}」が {a[i, j]:g} なら、"
                           f"「{names[j]}」対「{names[i]}」は 1/{a[i, j]:g} にしてください。", field="pairwise")
    if (a < SAATY_MIN - 1e-9).any() or (a > SAATY_MAX + 1e-9).any():
        i, j = np.argwhere((a < SAATY_MIN - 1e-9) | (a > SAATY_MAX + 1e-9))[0]
        raise OhayamiError(f"「{names[i]}」と「{names[j]}」の比較 {a[i, j]:g} は 1/9～9 の範囲にしてください。",
                           field="pairwise")


def ahp(matrix: pd.DataFrame | Mapping[tuple[str, str], float], criteria: Sequence[str] | None = None) -> AHPResult:
    """Priorities by the principal eigenvector, with λmax, CI, CR and the most inconsistent pair."""
    m = matrix if isinstance(matrix, pd.DataFrame) else pairwise_matrix(matrix, criteria)
    validate_pairwise(m)
    a = m.to_numpy(dtype=float)
    n = a.shape[0]
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = max(0.0, (lam - n) / (n - 1))
    ri = RANDOM_INDEX.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    np.fill_diagonal(dev, 0.0)
    worst = None
    worst_dev = 0.0
    if n > 2 and dev.max() > 1e-9:
        i, j = np.unravel_index(int(np.argmax(dev)), dev.shape)
        if a[i, j] < 1:  # name it the way round the judgment was made: the more important one first
            i, j = j, i
        worst, worst_dev = (m.index[i], m.index[j]), float(dev[i, j])
    return AHPResult(pd.Series(w, index=m.index), lam, ci, cr, m, worst, worst_dev)


def combine_pairwise(matrices: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several evaluators' matrices combined entry by entry with the geometric mean."""
    if not matrices:
        raise OhayamiError("一対比較の表がありません。", field="pairwise")
    first = matrices[0]
    for m in matrices:
        validate_pairwise(m)
        if list(m.index) != list(first.index):
            raise OhayamiError("評価者ごとの一対比較は、同じ評価項目を同じ順に並べてください。", field="pairwise")
    logs = np.stack([np.log(m.to_numpy(dtype=float)) for m in matrices])
    return pd.DataFrame(np.exp(logs.mean(axis=0)), index=first.index, columns=first.columns)


def combine_weights(per_evaluator: Mapping[str, Mapping[str, float]] | pd.DataFrame, total: float = 100.0) -> pd.Series:
    """Several evaluators' direct or rank weights combined: each normalised, then averaged."""
    df = pd.DataFrame(per_evaluator).T if not isinstance(per_evaluator, pd.DataFrame) else per_evaluator
    if df.empty:
        raise OhayamiError("重みづけがまだありません。", field="weights")
    rows = [normalise(r.dropna(), 1.0) for _, r in df.iterrows()]
    return pd.concat(rows, axis=1).fillna(0.0).mean(axis=1) * total


# ---------------------------------------------------------------------- the registry of weighting methods

def weight_value(value: object) -> float:
    """One criterion's weight as typed: a number ≥ 0 (full-width digits and 「,」 accepted)."""
    return parse_number(value, "重み", "weight", minimum=0)


def weighable(criteria: pd.DataFrame, weight_must_haves: bool = False) -> pd.DataFrame:
    """The criteria that share the weight: the nice-to-have ones, or all when the committee explicitly
    weights must-haves too."""
    if weight_must_haves or "must_have" not in criteria.columns:
        return criteria
    return criteria[~criteria["must_have"].fillna(0).astype(bool)]


@dataclass(frozen=True)
class WeightMethod:
    """One way of weighting. ``input_kind``: ``points`` (a number per criterion), ``rank`` (a rank
    per criterion) or ``pairs`` (a 1/9–9 judgment per pair of criteria). ``gives_shares``: whether
    :meth:`compute` returns shares adding up to 1 (scaled to the total by the caller) rather than
    points as written."""

    name: str
    label: str
    input_kind: str
    gives_shares: bool = True

    def compute(self, values: Mapping, ids: Sequence[str], names: Mapping[str, str],
                base: Mapping[str, float] | None = None) -> tuple[dict, str, dict]:
        """(weight per id in ``ids``, a Japanese message, the inputs to keep) from one person's ``values``.
        ``ids`` are the criteria to weight, ``names`` id → name for every criterion, ``base`` the
        current weights."""
        raise NotImplementedError

    def restore(self, stored: Mapping) -> dict:
        """Kept inputs back into ``values`` (for the editor and for :meth:`combine`)."""
        return dict(stored)

    def combine(self, stored: Sequence[Mapping], ids: Sequence[str], names: Mapping[str, str]) -> tuple[dict, str] | None:
        """Shares from several evaluators who all used this method, or None to average their shares."""
        return None


class _Direct(WeightMethod):
    def compute(self, values, ids, names, base=None):
        unknown = [k for k in values if k not in names]
        if unknown:
            raise OhayamiError(f"評価項目「{unknown[0]}」はありません。", field="weight")
        checked = {k: weight_value(v) for k, v in values.items()}
        gated = [k for k, v in checked.items() if k not in ids and v > 0]
        if gated:
            raise OhayamiError(f"「{names[gated[0]]}」は必須項目（合否だけを判定）なので配点はつけません。0 にしてください。",
                               field="weight")
        w = {k: checked.get(k, (base or {}).get(k, 0.0)) for k in ids}
        if sum(w.values()) <= 0:
            raise OhayamiError("重みがすべて 0 です。少なくとも1つは 0 より大きくしてください。", field="weight")
        return w, "配点をそのまま使います。", checked


class _Rank(WeightMethod):
    def compute(self, values, ids, names, base=None):
        missing = [k for k in ids if k not in values]
        if missing:
            raise OhayamiError(f"すべての評価項目に順位を付けてください（未入力：{names[missing[0]]}）。", field="weight")
        w = rank_order_centroid({k: values[k] for k in ids}, total=1.0).to_dict()
        return w, "順位から重みを計算しました（順位重心法）。", {k: int(values[k]) for k in ids}


class _Pairwise(WeightMethod):
    def compute(self, values, ids, names, base=None):
        judged = {(i, j): a for (i, j), a in values.items() if i in ids and j in ids}
        res = ahp(pairwise_matrix(judged, ids).rename(index=names, columns=names))
        return res.weights.set_axis(ids).to_dict(), res.message(), {f"{i}|{j}": a for (i, j), a in judged.items()}

    def restore(self, stored):
        return {tuple(k.split("|", 1)): a for k, a in stored.items()}

    def combine(self, stored, ids, names):
        try:
            mats = [pairwise_matrix({p: a for p, a in self.restore(s).items() if set(p) <= set(ids)}, ids) for s in stored]
        except OhayamiError:
            return None  # someone compared a different set of criteria: average the shares instead
        res = ahp(combine_pairwise(mats).rename(index=names, columns=names))
        return (res.weights.set_axis(ids).to_dict(),
                f"{len(mats)} 人の一対比較を幾何平均でまとめました。{res.message()}")


_REGISTRY: Registry[WeightMethod] = Registry("重みづけの方法", "method")
register, unregister = _REGISTRY.register, _REGISTRY.unregister
weight_methods = _REGISTRY.methods           # every registered method, in the order registered
weight_method = _REGISTRY.get_or_raise      # the one called ``name``, or OhayamiError naming those there are


class _Labels(Mapping):
    """name → Japanese label of the registered methods, read live from the registry."""

    def __getitem__(self, name: str) -> str:
        return _REGISTRY[name].label

    def __iter__(self) -> Iterator[str]:
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)


WEIGHT_METHODS: Mapping[str, str] = _Labels()


def combine_evaluators(inputs: Mapping[str, Mapping], shares: pd.DataFrame, ids: Sequence[str],
                       names: Mapping[str, str]) -> tuple[dict, str]:
    """The committee's shares (adding up to 1 over ``ids``) from each evaluator's kept inputs
    ({"method": …, "values": …}) and their weights (evaluators × criteria): the method's own
    combination when everyone used the same method and it has one (AHP: geometric mean), otherwise
    the mean of each evaluator's shares."""
    methods = {v.get("method") for v in inputs.values()}
    if len(methods) == 1 and next(iter(methods)) in _REGISTRY:
        out = _REGISTRY[next(iter(methods))].combine([v.get("values", {}) for v in inputs.values()], ids, names)
        if out is not None:
            return out
    combined = combine_weights(shares.reindex(columns=list(ids)).fillna(0.0), total=1.0)
    return combined.to_dict(), f"{len(shares)} 人の重みの割合を平均しました。"


register(_Direct("direct", "配点を直接入れる", "points", gives_shares=False))
register(_Rank("rank", "順位を付ける", "rank"))
register(_Pairwise("pairwise", "一対比較", "pairs"))
