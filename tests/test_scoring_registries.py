"""Price formulas and weighting methods are registries: one more object is picked up everywhere.
Also: must-haves share no weight by default, and the engine's objects are honest about immutability."""

import numpy as np
import pandas as pd
import pytest

from ohayami import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.scoring import (Criterion, Evaluation, PriceRule, Rules, WEIGHT_METHODS, evaluate, price_methods,
                             weight_methods, weight_sensitivity)
from ohayami.scoring import price as price_registry
from ohayami.scoring import weights as weight_registry
from ohayami.vendors import VendorWorkbench


def long(table):
    return pd.DataFrame([(e, a, c, v) for e, alts in table.items() for a, cs in alts.items() for c, v in cs.items()],
                        columns=["evaluator", "alternative_id", "criterion_id", "value"])


class _Cheapest(price_registry.PriceMethod):
    """A toy formula: the cheapest eligible proposal gets all the price points, the others none."""

    def score(self, technical, prices, rule, eligible):
        ps = np.where(prices == prices[eligible].min(), rule.points, 0.0)
        return ps, technical + ps

    def formula(self, rule):
        return f"最安の提案に価格点 {rule.points:g} 点"


@pytest.fixture
def cheapest():
    m = price_registry.register(_Cheapest("cheapest", "最安に全点（試験用）", "最安方式"))
    yield m
    price_registry.unregister("cheapest")


def test_a_fourth_price_formula_is_one_object(cheapest, tmp_path):
    assert [m.name for m in price_methods()] == ["lowest", "additive", "division", "cheapest"]
    ev = Evaluation(["A", "B", "C"], [Criterion("q", "品質", 70, "0-7")],
                    long({"e": {"A": {"q": 7}, "B": {"q": 6}, "C": {"q": 3}}}),
                    prices={"A": 1_200_000, "B": 1_000_000, "C": 900_000})
    rule = PriceRule("cheapest", points=20, ceiling=1_100_000)
    t = evaluate(ev, Rules(price=rule)).table
    # A is over the ceiling (excluded), so C is the cheapest eligible: C 30 + 20 = 50, B 60 + 0 = 60
    assert t.price_score.to_dict() == {"A": 0.0, "B": 0.0, "C": 20.0}
    assert t.total.to_dict() == {"A": 70.0, "B": 60.0, "C": 50.0} and t.loc["A", "excluded"]
    assert t.loc["B", "rank"] == 1 and t.loc["C", "rank"] == 2
    assert rule.describe() == "最安の提案に価格点 20 点。予定価格 1,100,000 円を超える提案は除外"
    # the sensitivity analysis prices with it too: B = 6/7 q against C = 3/7 q + 20 → switch at q = 140/3
    s = weight_sensitivity(ev, Rules(price=rule)).set_index("criterion_id")
    assert s.attrs["winner"] == "B" and s.loc["q", "down_to"] == pytest.approx(140 / 3, abs=1e-6)
    assert s.loc["q", "down_winner"] == "C"
    # the rules form offers it and the report describes it
    from ohayami.ui.vendors import ResultsPanel, VendorsView
    v = VendorsView(tmp_path / "e")
    assert ("最安に全点（試験用）", "cheapest") in v.panel(ResultsPanel).ru_price.options
    m = VendorWorkbench(v.ws)
    m.set_rules(price={"method": "cheapest", "points": 20})
    from ohayami.reports import vendors_report_html
    assert "最安の提案に価格点 20 点" in vendors_report_html(m)


def test_price_registry_refuses_unknown_methods_and_names_the_known_ones():
    assert "cheapest" not in [m.name for m in price_methods()]
    with pytest.raises(OhayamiError, match="「cheapest」はありません。lowest・additive・division"):
        Rules(price=PriceRule("cheapest", points=20))
    with pytest.raises(OhayamiError, match="加算方式の価格点には予定価格"):
        Rules(price=PriceRule("additive", points=30))


def test_the_division_unit_lives_in_the_method():
    rule = PriceRule("division")
    assert price_registry.price_method("division").unit(rule) == 1_000_000
    assert rule.describe() == "技術点 ÷ 価格（百万円あたり）"
    assert PriceRule("division", unit=1000).describe() == "技術点 ÷ 価格（千円あたり）"
    ev = Evaluation(["A"], [Criterion("q", "品質", 70, "0-5")], long({"e": {"A": {"q": 5}}}), prices={"A": 1_400_000})
    assert evaluate(ev, Rules(price=rule)).table.loc["A", "total"] == pytest.approx(50)


class _Equal(weight_registry.WeightMethod):
    """A toy method: every criterion weighs the same."""

    def compute(self, values, ids, names, base=None):
        return {k: 1 / len(ids) for k in ids}, "すべて同じ重みにしました。", {}


def test_a_fourth_weighting_method_is_one_object(ws):
    weight_registry.register(_Equal("equal", "すべて同じ", "points"))
    try:
        assert WEIGHT_METHODS["equal"] == "すべて同じ" and [m.name for m in weight_methods()][-1] == "equal"
        m = ProblemWorkbench(ws)
        out = m.set_weights("equal", {})
        n = len(m.criteria())
        assert out["message"] == "すべて同じ重みにしました。"
        assert m.criteria()["weight"].tolist() == [round(100 / n, 2)] * n
        from ohayami.ui.weights import WeightEditor
        ed = WeightEditor(m.criteria, lambda method: {}, lambda method, values: "")
        assert ("すべて同じ", "equal") in ed.method.options
    finally:
        weight_registry.unregister("equal")
    assert "equal" not in WEIGHT_METHODS
    with pytest.raises(OhayamiError, match="重みづけの方法「equal」はありません"):
        ProblemWorkbench(ws).set_weights("equal", {})


def test_must_haves_carry_no_weight_unless_asked(ws):
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 9, 25, 28], must={25})
    ranks = dict(zip(ids, [1, 2, 3, 4]))
    out = m.set_evaluator_weights("山田", "rank", ranks)
    # rank-order centroid over the three nice-to-haves (ranks 1, 2, 4): 11/18, 5/18, 2/18 of 100
    assert out["weights"] == pytest.approx({ids[0]: 1100 / 18, ids[1]: 500 / 18, ids[2]: 0, ids[3]: 200 / 18})
    assert m.criteria().set_index("criterion_id").loc[ids[2], "weight"] == 0
    # explicitly asked: four places, the must-have third (7/48 of 100)
    out = m.set_evaluator_weights("山田", "rank", ranks, weight_must_haves=True)
    assert out["weights"][ids[2]] == pytest.approx(700 / 48)
    # pairwise: judgments between the nice-to-haves only
    pairs = {(ids[0], ids[1]): 2, (ids[0], ids[3]): 4, (ids[1], ids[3]): 2}
    out = m.set_evaluator_weights("佐藤", "pairwise", pairs)
    assert out["weights"] == pytest.approx({ids[0]: 400 / 7, ids[1]: 200 / 7, ids[2]: 0, ids[3]: 100 / 7})
    with pytest.raises(OhayamiError, match="「データ暗号化」は必須項目.*配点はつけません"):
        m.set_evaluator_weights("鈴木", "direct", {ids[0]: 50, ids[2]: 10})
    # the weighting editor lists the must-have apart and asks no weight for it
    from ohayami.ui.weights import WeightEditor
    ed = WeightEditor(m.criteria, lambda method: {}, lambda method, values: "")
    ed.method.value = "rank"
    ed.rebuild()
    assert set(ed.widgets) == {ids[0], ids[1], ids[3]} and "データ暗号化" in ed.gates.value


def test_committee_pairwise_weights_combine_by_geometric_mean_over_the_nice_to_haves(ws):
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 9, 25, 28], must={25})
    a, b, d = ids[0], ids[1], ids[3]
    m.set_evaluator_weights("山田", "pairwise", {(a, b): 4, (a, d): 2, (b, d): 1 / 2})
    m.set_evaluator_weights("佐藤", "pairwise", {(a, b): 1, (a, d): 2, (b, d): 2})
    # geometric means 2, 2, 1: a consistent matrix with priorities 1/2, 1/4, 1/4
    w = m.criteria().set_index("criterion_id")["weight"]
    assert w.to_dict() == pytest.approx({a: 50, b: 25, ids[2]: 0, d: 25})


def test_evaluation_is_read_only_and_with_score_derives_a_new_one():
    crit = [Criterion("f", "機能", 60, "1-5"), Criterion("u", "使いやすさ", 40, "1-5")]
    ev = Evaluation(["A", "B"], crit, long({"e1": {"A": {"f": 5, "u": 1}, "B": {"f": 3, "u": 3}},
                                            "e2": {"A": {"f": 4, "u": 2}, "B": {"f": 3}}}), allow_missing=True)
    for arr in (ev.R, ev.points, ev.failed, ev.must):
        with pytest.raises(ValueError):
            arr[(0,) * arr.ndim] = 0
    before = evaluate(ev).table.technical.copy()
    new = ev.with_score("e2", "B", "u", 5)
    assert np.isnan(ev.R[1, 1, 1]) and new.R[1, 1, 1] == 1.0 and not new.R.flags.writeable
    assert evaluate(ev).table.technical.equals(before)
    rebuilt = Evaluation(["A", "B"], crit, long({"e1": {"A": {"f": 5, "u": 1}, "B": {"f": 3, "u": 3}},
                                                 "e2": {"A": {"f": 4, "u": 2}, "B": {"f": 3, "u": 5}}}))
    assert np.allclose(evaluate(new).table.technical, evaluate(rebuilt).table.technical)
    # B: f (0.5 + 0.5) / 2 × 60 = 30, u (0.5 + 1) / 2 × 40 = 30
    assert evaluate(new).table.loc["B", "technical"] == pytest.approx(60)
    assert np.isnan(new.with_score("e2", "B", "u", "").R[1, 1, 1])
    with pytest.raises(OhayamiError, match="評価者「e9」"):
        ev.with_score("e9", "A", "f", 3)
    with pytest.raises(OhayamiError, match="尺度の外"):
        ev.with_score("e1", "A", "f", 9)
    revised = ev.with_points({"u": 10})
    assert list(ev.points) == [60, 40] and list(revised.points) == [60, 10] and not revised.points.flags.writeable


def test_workbench_edit_leaves_the_earlier_evaluation_untouched(ws):
    m = ProblemWorkbench(ws)
    pid = m.add_problem("窓口が混む")
    crit = list(m.criteria().criterion_id)
    for c in crit:
        m.set_score("山田", pid, c, 3)
    ev0 = m.evaluation()
    R0 = ev0.R.copy()
    m.set_score("山田", pid, crit[0], 5)
    ev1 = m.evaluation()
    assert ev1 is not ev0 and np.array_equal(ev0.R, R0, equal_nan=True)
    assert np.array_equal(ev1.R, ProblemWorkbench(ws)._evaluation().R, equal_nan=True)


def test_result_frames_are_built_when_read():
    ev = Evaluation(["A", "B"], [Criterion("f", "機能", 10, "1-5", group="g")], long({"e": {"A": {"f": 5}, "B": {"f": 2}}}))
    r = evaluate(ev)
    assert r.winners == ["A"]
    assert not {"table", "breakdown", "groups", "per_evaluator", "spread"} & set(vars(r))
    assert r.table.loc["B", "rank"] == 2 and r.groups.loc["B", "g"] == pytest.approx(2.5) and "table" in vars(r)
