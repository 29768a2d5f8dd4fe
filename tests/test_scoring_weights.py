"""Weights: direct points, rank order centroid, pairwise comparison (AHP)."""

import numpy as np
import pandas as pd
import pytest

from ohayami import OhayamiError
from ohayami.scoring import ahp, combine_pairwise, combine_weights, direct_points, normalise, pairwise_matrix, \
    rank_order_centroid


def test_direct_points_must_add_up():
    pts = direct_points({"機能": 40, "使いやすさ": 35, "費用": 25}, total=100)
    assert pts.sum() == 100
    with pytest.raises(OhayamiError, match="合計が 90 点.*あと 10 点増やして"):
        direct_points({"機能": 40, "使いやすさ": 25, "費用": 25})
    with pytest.raises(OhayamiError, match="負の数"):
        direct_points({"機能": 110, "費用": -10})
    with pytest.raises(OhayamiError, match="すべて 0"):
        direct_points({"機能": 0, "費用": 0}, total=None)
    with pytest.raises(OhayamiError, match="数ではありません"):
        normalise({"機能": "たくさん"})


def test_normalise_relative_weights():
    assert normalise({"a": 1, "b": 3}, total=100).to_dict() == {"a": 25.0, "b": 75.0}


def test_rank_order_centroid_published_values():
    # Barron & Barrett (1996): n = 3 → 0.6111, 0.2778, 0.1111; n = 4 → 0.5208, 0.2708, 0.1458, 0.0625
    w = rank_order_centroid(["a", "b", "c"], total=1)
    assert np.allclose(w.to_numpy(), [11 / 18, 5 / 18, 2 / 18])
    w4 = rank_order_centroid(["a", "b", "c", "d"], total=1)
    assert np.allclose(w4.round(4).to_numpy(), [0.5208, 0.2708, 0.1458, 0.0625])


def test_rank_order_centroid_ties_and_bad_ranks():
    w = rank_order_centroid({"a": 1, "b": 1, "c": 3}, total=1)
    assert np.isclose(w["a"], w["b"]) and np.isclose(w["a"], (11 / 18 + 5 / 18) / 2)
    with pytest.raises(OhayamiError, match="1 以上の整数"):
        rank_order_centroid({"a": 0, "b": 1})
    with pytest.raises(OhayamiError, match="2回"):
        rank_order_centroid(["a", "a"])


# Saaty (1977), "A scaling method for priorities in hierarchical structures", J. Math. Psychology 15,
# 234–281: relative brightness of four chairs judged by an observer. Published: eigenvector
# 0.61, 0.24, 0.10, 0.05 and λmax = 4.39.
SAATY_LIGHT = pd.DataFrame([[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]],
                           index=list("ABCD"), columns=list("ABCD"))


def test_ahp_against_saatys_published_example():
    r = ahp(SAATY_LIGHT)
    assert np.allclose(r.weights.to_numpy(), [0.61, 0.24, 0.10, 0.05], atol=0.01)
    assert round(r.lambda_max, 2) == 4.39
    assert np.isclose(r.ci, (r.lambda_max - 4) / 3) and np.isclose(r.cr, r.ci / 0.90)
    assert r.cr > 0.1 and not r.consistent
    assert r.worst_pair is not None and r.worst_pair[0] != r.worst_pair[1]
    assert "0.1 を超えています" in r.message() and "いちばん食い違っている比較" in r.message()


def test_ahp_consistent_matrix_and_worst_pair_named():
    names = ["機能", "費用", "体制", "安定性", "使いやすさ"]
    w = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
    consistent = pd.DataFrame(w[:, None] / w[None, :], index=names, columns=names)
    r = ahp(consistent)
    assert np.allclose(r.weights, w) and r.cr < 1e-9 and r.consistent and "整合しています" in r.message()
    # spoil one judgment: 費用 vs 体制 (implied 1.25) entered as 1/7
    bad = consistent.copy()
    bad.loc["費用", "体制"], bad.loc["体制", "費用"] = 1 / 7, 7
    r = ahp(bad)
    assert r.cr > 0.1 and r.worst_pair == ("体制", "費用")
    assert "「体制」と「費用」" in r.message() and "入力 7" in r.message()


def test_pairwise_from_judgments_and_validation():
    m = pairwise_matrix({("機能", "費用"): 3, ("機能", "体制"): 5, ("費用", "体制"): 2})
    assert m.loc["費用", "機能"] == pytest.approx(1 / 3)
    with pytest.raises(OhayamiError, match="比較が入っていません"):
        pairwise_matrix({("機能", "費用"): 3, ("機能", "体制"): 5})
    bad = SAATY_LIGHT.copy()
    bad.loc["B", "A"] = 3
    with pytest.raises(OhayamiError, match="逆数になっていません"):
        ahp(bad)
    too_big = pd.DataFrame([[1, 12], [1 / 12, 1]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(OhayamiError, match="1/9～9"):
        ahp(too_big)
    with pytest.raises(OhayamiError, match="正の数"):
        pairwise_matrix({("a", "b"): 0})


def test_several_evaluators_by_geometric_mean():
    a = pairwise_matrix({("x", "y"): 2, ("x", "z"): 4, ("y", "z"): 2})
    b = pairwise_matrix({("x", "y"): 8, ("x", "z"): 1, ("y", "z"): 1 / 2})
    g = combine_pairwise([a, b])
    assert g.loc["x", "y"] == pytest.approx(4.0) and g.loc["x", "z"] == pytest.approx(2.0)
    assert g.loc["y", "z"] == pytest.approx(1.0) and g.loc["z", "y"] == pytest.approx(1.0)
    assert np.allclose(g.to_numpy() * g.to_numpy().T, 1.0)


def test_combine_direct_weights_of_several_evaluators():
    w = combine_weights({"山田": {"機能": 60, "費用": 40}, "佐藤": {"機能": 30, "費用": 70}}, total=100)
    assert w.to_dict() == pytest.approx({"機能": 45.0, "費用": 55.0})
