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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import OhayamiError

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
