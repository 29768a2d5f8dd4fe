"""How robust a ranking is: one weight at a time, random weights, and the evaluators' intuition.

Both analyses recompute totals for many point vectors at once (vectorised with numpy). They use the
combined technical score without rounding, the registered price formula of the rules, and the
exclusions that do not depend on the weights (must-haves, price ceiling); minimum-score thresholds
are not re-applied per draw.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import OhayamiError
from .engine import Evaluation, Rules, evaluate
from .price import price_method

GRID = 201
BISECT = 40


def _totals_fn(ev: Evaluation, rules: Rules):
    """A function W (D, C) → totals (D, A) with static exclusions set to −inf. The price enters
    through the same registered formula as in the ranking (with its own rounding)."""
    base = evaluate(ev, replace(rules, min_total_ratio=None, min_group_ratio=None, rounding="none"))
    excluded = base.excluded
    p = rules.price
    method = price_method(p.method) if p is not None and ev.prices is not None else None

    def totals(W: np.ndarray) -> np.ndarray:
        tot = ev.combined_technical(W, rules.combine)                    # (D, A)
        if method is not None:
            tot = method.score(tot, ev.prices, p, ~excluded)[1]
        return np.where(excluded[None, :], -np.inf, tot)

    return totals, excluded


def _winner(tot: np.ndarray) -> np.ndarray:
    """Index of the best alternative per row; ties go to the earlier alternative."""
    return np.argmax(tot - 1e-9 * np.arange(tot.shape[1])[None, :], axis=1)


def weight_sensitivity(ev: Evaluation, rules: Rules | None = None) -> pd.DataFrame:
    """For each criterion alone, how far its points must move (others unchanged) for the winner to change.

    Columns: criterion_id, name, points, down_to (points at which another alternative takes first
    place when lowering, NaN if none down to 0), down_change (relative change, e.g. −0.35), down_winner,
    up_to, up_change, up_winner (raising up to ten times the current total of all points).
    """
    rules = rules or Rules()
    totals, excluded = _totals_fn(ev, rules)
    if excluded.all():
        raise OhayamiError("すべての評価対象が除外されているため、感度分析ができません。", field="rules")
    w0 = ev.points
    win0 = int(_winner(totals(w0[None, :]))[0])
    rows = []
    cap = 10 * w0.sum()
    for c, crit in enumerate(ev.criteria):
        row = {"criterion_id": crit.criterion_id, "name": crit.label, "points": w0[c]}
        for side, end in (("down", 0.0), ("up", cap)):
            grid = np.linspace(w0[c], end, GRID)
            W = np.repeat(w0[None, :], GRID, axis=0)
            W[:, c] = grid
            win = _winner(totals(W))
            changed = np.flatnonzero(win != win0)
            if not len(changed):
                row.update({f"{side}_to": np.nan, f"{side}_change": np.nan, f"{side}_winner": ""})
                continue
            lo, hi = grid[changed[0] - 1], grid[changed[0]]
            for _ in range(BISECT):  # narrow the switch point between two grid values
                mid = (lo + hi) / 2
                w = w0.copy()
                w[c] = mid
                if int(_winner(totals(w[None, :]))[0]) == win0:
                    lo = mid
                else:
                    hi = mid
            w = w0.copy()
            w[c] = hi
            new = int(_winner(totals(w[None, :]))[0])
            row.update({f"{side}_to": hi, f"{side}_change": (hi - w0[c]) / w0[c] if w0[c] else np.inf,
                        f"{side}_winner": ev.alt_ids[new]})
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["winner"] = ev.alt_ids[win0]
    return out


def rank_probabilities(ev: Evaluation, rules: Rules | None = None, *, draws: int = 10_000, spread: float = 0.2,
                       method: str = "uniform", concentration: float = 50.0, seed: int | None = 0) -> pd.DataFrame:
    """Probability of each alternative at each rank when the points vary at random.

    ``uniform``: every criterion's points multiplied independently by U(1 − spread, 1 + spread).
    ``dirichlet``: point shares drawn from a Dirichlet distribution centred on the chosen shares
    (``concentration`` larger = closer), scaled back to the same total.
    Rows: alternatives (excluded ones omitted); columns: ranks 1..n; values sum to 1 per row and column.
    """
    rules = rules or Rules()
    if draws < 1 or draws > 1_000_000:
        raise OhayamiError("試行回数は 1～1,000,000 にしてください。", field="draws")
    if not 0 <= spread < 1:
        raise OhayamiError("ばらつきは 0 以上 1 未満（例：±20% なら 0.2）にしてください。", field="spread")
    totals, excluded = _totals_fn(ev, rules)
    rng = np.random.default_rng(seed)
    w0 = ev.points
    if method == "uniform":
        W = w0[None, :] * rng.uniform(1 - spread, 1 + spread, size=(draws, len(w0)))
    elif method == "dirichlet":
        share = w0 / w0.sum()
        alpha = np.maximum(share * concentration, 1e-3)
        W = rng.dirichlet(alpha, size=draws) * w0.sum()
    else:
        raise OhayamiError(f"方式「{method}」は uniform か dirichlet にしてください。", field="method")
    keep = np.flatnonzero(~excluded)
    tot = totals(W)[:, keep]                                            # (D, A')
    n = len(keep)
    order = np.argsort(-(tot - 1e-9 * np.arange(n)[None, :]), axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(n)[None, :].repeat(draws, axis=0), axis=1)
    counts = np.bincount((np.arange(n)[None, :] * n + ranks).ravel(), minlength=n * n).reshape(n, n)
    return pd.DataFrame(counts / draws, index=pd.Index([ev.alt_ids[i] for i in keep], name="alternative_id"),
                        columns=pd.Index(range(1, n + 1), name="rank"))


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (1 = smallest), ties sharing the mean."""
    order = np.argsort(values, kind="stable")
    r = np.empty(len(values))
    r[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):
        m = values == v
        r[m] = r[m].mean()
    return r


def spearman(x, y) -> float:
    rx, ry = _ranks(np.asarray(x, float)), _ranks(np.asarray(y, float))
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def kendall_tau_b(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    dx = np.sign(x[:, None] - x[None, :])
    dy = np.sign(y[:, None] - y[None, :])
    iu = np.triu_indices(len(x), 1)
    dx, dy = dx[iu], dy[iu]
    n0 = len(dx)
    n1, n2 = (dx == 0).sum(), (dy == 0).sum()
    denom = np.sqrt((n0 - n1) * (n0 - n2))
    return float((dx * dy).sum() / denom) if denom else float("nan")


def intuition_check(ev: Evaluation, intuitive: Mapping[str, int], rules: Rules | None = None) -> dict:
    """Compare an evaluator's intuitive ranking with the computed one (the guide's type E step 3).

    ``intuitive`` maps alternative id → the rank the evaluator feels is right (1 = best); it may
    cover only some alternatives. Returns ``spearman``, ``kendall``, ``table`` (alternative, name,
    intuitive, computed, difference) and ``drivers``: for each criterion, how many points it
    contributes, summed over the pairs the two rankings order differently, in favour of the
    computed order — the criteria whose weights drive the difference, largest first.

    An alternative the evaluator ranked but the rules exclude (a failed must-have, a price over the
    ceiling, a score under a minimum) has no computed rank: it is listed in ``excluded``
    (alternative_id, name, intuitive, reasons) and the comparison runs on the others.
    """
    rules = rules or Rules()
    res = evaluate(ev, rules)
    t = res.table
    unknown = [a for a in intuitive if a not in t.index]
    if unknown:
        raise OhayamiError(f"評価対象「{unknown[0]}」は一覧にありません。", field="intuitive")
    ranked = [a for a in intuitive if intuitive[a] not in (None, "")]
    try:
        given = {a: float(intuitive[a]) for a in ranked}
    except (TypeError, ValueError):
        raise OhayamiError("感覚的な順位は 1, 2, 3 … の数で入れてください。", field="intuitive") from None
    out = [a for a in ranked if not t.loc[a, "selectable"]]
    excluded = pd.DataFrame({"alternative_id": out, "name": [t.loc[a, "name"] for a in out],
                             "intuitive": [int(given[a]) for a in out], "reasons": [list(t.loc[a, "reasons"]) for a in out]},
                            columns=["alternative_id", "name", "intuitive", "reasons"])
    ids = [a for a in ranked if t.loc[a, "selectable"]]
    if len(ids) < 2:
        gone = f"（除外・対象外：{'、'.join(excluded['name'])}）" if len(excluded) else ""
        if len(ranked) >= 2:   # the evaluator did rank enough: the rules left too few to compare
            raise OhayamiError(f"感覚的な順位は入力済みですが、除外されずに残った評価対象が{len(ids)}つだけのため、"
                               f"感覚との比較（順位相関）はできません{gone}。", field="intuitive")
        raise OhayamiError(f"感覚的な順位は、選べる評価対象を2つ以上並べてください{gone}。", field="intuitive")
    ranks = np.array([given[a] for a in ids])
    if (ranks < 1).any():
        raise OhayamiError("感覚的な順位は 1 以上にしてください。", field="intuitive")
    totals = t.loc[ids, "total"].to_numpy(float)
    # higher rank number = worse; compare with −total so both read "smaller is better"
    rho = spearman(ranks, -totals)
    tau = kendall_tau_b(ranks, -totals)
    computed = t.loc[ids, "rank"].to_numpy()
    table = pd.DataFrame({"alternative_id": ids, "name": t.loc[ids, "name"].to_numpy(), "intuitive": ranks.astype(int),
                          "computed": computed, "difference": computed - ranks})
    bd = res.breakdown.loc[ids].to_numpy()                                 # (n, C)
    push = np.zeros(bd.shape[1])
    pairs = 0
    for i in range(len(ids)):
        for j in range(len(ids)):
            # intuition puts i above j, the computation puts j above i
            if ranks[i] < ranks[j] and totals[j] > totals[i] + 1e-9:
                push += bd[j] - bd[i]
                pairs += 1
    drivers = pd.DataFrame({"criterion_id": ev.crit_ids, "name": [c.label for c in ev.criteria], "points": ev.points,
                            "push": push})
    drivers = drivers.sort_values("push", ascending=False, kind="stable").reset_index(drop=True)
    return {"spearman": rho, "kendall": tau, "table": table, "drivers": drivers, "discordant_pairs": pairs,
            "excluded": excluded}
