"""Sensitivity of the ranking and the intuition check."""

import numpy as np
import pandas as pd
import pytest

from ohayami import OhayamiError
from ohayami.scoring import (Criterion, Evaluation, PriceRule, Rules, evaluate, intuition_check, kendall_tau_b,
                             rank_probabilities, spearman, weight_sensitivity)


def _two():
    # A: ratios (1, 0); B: (0.5, 1). Points 60 / 40 → A = 60, B = 70: B wins.
    crit = [Criterion("w1", "機能", 60, "0-2"), Criterion("w2", "使いやすさ", 40, "0-2")]
    scores = pd.DataFrame([("e", "A", "w1", 2), ("e", "A", "w2", 0), ("e", "B", "w1", 1), ("e", "B", "w2", 2)],
                          columns=["evaluator", "alternative_id", "criterion_id", "value"])
    return Evaluation(["A", "B"], crit, scores)


def test_weight_sensitivity_matches_the_algebra():
    s = weight_sensitivity(_two()).set_index("criterion_id")
    assert s.attrs["winner"] == "B"
    # lowering w2: B = 30 + w2 ≤ A = 60 when w2 ≤ 30; raising w1: A = w1 > B = w1/2 + 40 when w1 > 80
    assert s.loc["w2", "down_to"] == pytest.approx(30, abs=1e-6) and s.loc["w2", "down_winner"] == "A"
    assert s.loc["w2", "down_change"] == pytest.approx(-0.25, abs=1e-6)
    assert s.loc["w1", "up_to"] == pytest.approx(80, abs=1e-6) and s.loc["w1", "up_change"] == pytest.approx(1 / 3)
    # lowering w1 only helps B; raising w2 only helps B: no change of winner
    assert np.isnan(s.loc["w1", "down_to"]) and np.isnan(s.loc["w2", "up_to"])


def test_rank_probabilities_are_distributions():
    rng = np.random.default_rng(3)
    crit = [Criterion(f"c{i}", points=float(rng.integers(1, 10))) for i in range(6)]
    scores = pd.DataFrame([(f"e{e}", f"a{a}", f"c{c}", int(rng.integers(1, 6)))
                           for e in range(3) for a in range(5) for c in range(6)],
                          columns=["evaluator", "alternative_id", "criterion_id", "value"])
    ev = Evaluation([f"a{a}" for a in range(5)], crit, scores)
    for method in ("uniform", "dirichlet"):
        p = rank_probabilities(ev, draws=2000, method=method, seed=1)
        assert p.shape == (5, 5)
        assert np.allclose(p.sum(axis=1), 1) and np.allclose(p.sum(axis=0), 1)
    # without variation the computed ranking comes out every time
    p0 = rank_probabilities(ev, draws=50, spread=0.0)
    ranks = evaluate(ev).table["rank"]
    for a, r in ranks.items():
        assert p0.loc[a, int(r)] == 1.0
    # the same seed gives the same answer
    assert rank_probabilities(ev, draws=500, seed=9).equals(rank_probabilities(ev, draws=500, seed=9))


def test_rank_probabilities_apply_the_spread():
    # A = 60·u1, B = 30·u1 + 40·u2 with u ~ U(1 − s, 1 + s): A comes first when u2 < 0.75·u1.
    # s = 0: never (B always first); s = 0.2: P = ∫ (0.75x − 0.8)/0.4 dx/0.4 over x in [16/15, 1.2] = 1/24;
    # s = 0.5: P = ∫ (0.75x − 0.5) dx over x in [2/3, 1.5] = 25/96.
    ev = _two()
    p0 = rank_probabilities(ev, draws=1000, spread=0.0)
    assert p0.loc["B", 1] == 1.0 and p0.loc["A", 2] == 1.0
    p = rank_probabilities(ev, draws=40_000, spread=0.2, seed=4)
    assert p.loc["A", 1] == pytest.approx(1 / 24, abs=0.005) and p.loc["B", 1] == pytest.approx(23 / 24, abs=0.005)
    p = rank_probabilities(ev, draws=40_000, spread=0.5, seed=4)
    assert p.loc["A", 1] == pytest.approx(25 / 96, abs=0.008)
    p = rank_probabilities(ev, draws=40_000, method="dirichlet", concentration=1e6, seed=4)
    assert p.loc["B", 1] == 1.0                                    # a huge concentration stays on the chosen shares


def test_rank_probabilities_leave_out_excluded_and_check_input():
    crit = [Criterion("m", "必須", 0, "yes/no", must_have=True), Criterion("f", "機能", 10)]
    scores = pd.DataFrame([("e", "A", "m", "はい"), ("e", "A", "f", 3), ("e", "B", "m", "いいえ"), ("e", "B", "f", 5)],
                          columns=["evaluator", "alternative_id", "criterion_id", "value"])
    ev = Evaluation(["A", "B"], crit, scores)
    assert list(rank_probabilities(ev, draws=10).index) == ["A"]
    with pytest.raises(OhayamiError, match="0 以上 1 未満"):
        rank_probabilities(ev, spread=1.5)
    with pytest.raises(OhayamiError, match="uniform か dirichlet"):
        rank_probabilities(ev, method="normal")


def test_sensitivity_with_price():
    ev = Evaluation(["A", "B"], [Criterion("q", "品質", 70, "0-7")],
                    pd.DataFrame([("e", "A", "q", 7), ("e", "B", "q", 5)],
                                 columns=["evaluator", "alternative_id", "criterion_id", "value"]),
                    prices={"A": 1_200_000, "B": 800_000})
    rules = Rules(price=PriceRule("lowest", points=30))
    # A: 70 + 20 = 90; B: 50 + 30 = 80 → A; lowering q: A = q + 20, B = 5/7 q + 30 → switch at q = 35
    s = weight_sensitivity(ev, rules).set_index("criterion_id")
    assert s.attrs["winner"] == "A" and s.loc["q", "down_to"] == pytest.approx(35, abs=1e-6)


def test_rank_correlations():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1)
    assert kendall_tau_b([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3)
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1)


def test_intuition_check_names_the_weight_that_drives_the_difference():
    ev = _two()  # computed: B first (thanks to 使いやすさ)
    out = intuition_check(ev, {"A": 1, "B": 2})
    assert out["spearman"] == pytest.approx(-1) and out["kendall"] == pytest.approx(-1)
    assert out["discordant_pairs"] == 1
    assert out["drivers"].iloc[0]["criterion_id"] == "w2" and out["drivers"].iloc[0]["push"] == pytest.approx(40)
    t = out["table"].set_index("alternative_id")
    assert t.loc["A", "computed"] == 2 and t.loc["A", "intuitive"] == 1
    agree = intuition_check(ev, {"A": 2, "B": 1})
    assert agree["spearman"] == pytest.approx(1) and agree["discordant_pairs"] == 0
    # revising the weights as the check suggests makes the two agree
    revised = ev.with_points({"w2": 20})
    assert intuition_check(revised, {"A": 1, "B": 2})["spearman"] == pytest.approx(1)
    with pytest.raises(OhayamiError, match="2つ以上"):
        intuition_check(ev, {"A": 1})
    with pytest.raises(OhayamiError, match="Z"):
        intuition_check(ev, {"A": 1, "Z": 2})
