"""The engine checked against hand-computed examples of the kinds Japanese committees publish."""

import numpy as np
import pandas as pd
import pytest

from ohayami import OhayamiError
from ohayami.scoring import Criterion, Evaluation, PriceRule, Rules, evaluate, parse_scale, rank_vote, \
    round_half_up, truncate


def long(table):
    """{evaluator: {alternative: {criterion: value}}} → long frame."""
    return pd.DataFrame([(e, a, c, v) for e, alts in table.items() for a, cs in alts.items() for c, v in cs.items()],
                        columns=["evaluator", "alternative_id", "criterion_id", "value"])


def test_scales():
    assert parse_scale("1-5").ratio("5") == 1 and parse_scale("1-5").ratio(1) == 0
    assert parse_scale("1-5", lower_is_better=True).ratio(1) == 1
    assert parse_scale("0-5").ratio("３") == pytest.approx(0.6)
    ae = parse_scale("A-E")
    assert [ae.ratio(x) for x in "ABCDE"] == [1.0, 0.7, 0.5, 0.3, 0.0]
    five = parse_scale("5段階")
    assert [five.ratio(x) for x in (5, 4, 3, 1, 0)] == [1.0, 0.8, 0.6, 0.2, 0.0] and not five.is_valid(2)
    marks = parse_scale("○=1,△=0,×=-2")
    assert marks.additive and marks.ratio("〇") == 1 and marks.ratio("×") == -2
    yn = parse_scale("yes/no")
    assert yn.ratio("はい") == 1 and yn.ratio("いいえ") == 0 and yn.ratio(True) == 1
    with pytest.raises(OhayamiError, match="1～5 の整数"):
        parse_scale("1-5").ratio(6)
    with pytest.raises(OhayamiError, match="読めません"):
        parse_scale("A=1,B")


def test_rounding_is_half_up_and_truncation_toward_zero():
    assert round_half_up(2.25, 1) == 2.3 and round_half_up(2.35, 1) == 2.4  # float 2.35 is 2.34999…
    assert truncate(20.6666, 1) == 20.6 and truncate(1.0, 1) == 1.0 and truncate(0.29, 2) == 0.29


def test_five_member_committee_summing_with_a_minimum_score():
    crit = [Criterion("plan", "企画提案", 40, "0-5"), Criterion("track", "実績", 30, "0-5"),
            Criterion("team", "体制", 30, "0-5")]
    m = ["委員1", "委員2", "委員3", "委員4", "委員5"]
    data = {"X": {"plan": [5, 4, 4, 3, 5], "track": [3, 3, 4, 2, 3], "team": [4] * 5},
            "Y": {"plan": [2, 2, 3, 2, 1], "track": [5] * 5, "team": [1, 2, 1, 1, 2]},
            "Z": {"plan": [4] * 5, "track": [4] * 5, "team": [3] * 5}}
    scores = long({e: {a: {c: v[i] for c, v in cs.items()} for a, cs in data.items()} for i, e in enumerate(m)})
    ev = Evaluation({"X": "X社", "Y": "Y社", "Z": "Z社"}, crit, scores)
    r = evaluate(ev, Rules(combine="sum", min_total_ratio=0.6))
    t = r.table
    # by hand: X 168 + 90 + 120 = 378; Y 80 + 150 + 42 = 272; Z 160 + 120 + 90 = 370 (of 500)
    assert t.technical.to_dict() == pytest.approx({"X": 378, "Y": 272, "Z": 370})
    assert t.max_total.iloc[0] == 500
    assert t.loc["X", "rank"] == 1 and t.loc["Z", "rank"] == 2 and np.isnan(t.loc["Y", "rank"])
    assert not t.loc["Y", "selectable"] and not t.loc["Y", "excluded"]
    assert t.loc["Y", "reasons"] == ["技術点 272 点が最低基準（満点 500 点の 60%＝300 点）に届かない"]
    assert r.per_evaluator.loc["委員1", "X"] == pytest.approx(40 + 18 + 24)
    assert r.winners == ["X"]


def test_averaged_committee_with_letter_grades_and_truncation():
    crit = [Criterion("i1", "提案内容", 20, "A-E"), Criterion("i2", "運用", 10, "A-E")]
    scores = long({"e1": {"P": {"i1": "A", "i2": "A"}, "Q": {"i1": "B", "i2": "A"}},
                   "e2": {"P": {"i1": "B", "i2": "C"}, "Q": {"i1": "C", "i2": "B"}},
                   "e3": {"P": {"i1": "C", "i2": "D"}, "Q": {"i1": "B", "i2": "C"}}})
    ev = Evaluation(["P", "Q"], crit, scores)
    # P: (30 + 19 + 13) / 3 = 20.666…; Q: (24 + 17 + 19) / 3 = 20.0
    t = evaluate(ev, Rules(combine="average", rounding="truncate", digits=1)).table
    assert t.loc["P", "technical"] == 20.6 and t.loc["Q", "technical"] == 20.0
    assert evaluate(ev, Rules(combine="average", rounding="round", digits=1)).table.loc["P", "technical"] == 20.7
    assert evaluate(ev).table.loc["P", "technical"] == pytest.approx(62 / 3)


def test_function_list_with_negative_marks_never_below_zero():
    funcs = [Criterion(f"f{i}", f"機能{i}", 1, "○△×-2", group="機能") for i in range(4)]
    extra = Criterion("cost", "費用", 10, "1-5", group="コスト")
    scores = long({"担当": {"F1": dict(zip(["f0", "f1", "f2", "f3", "cost"], ["○", "○", "△", "×", 5])),
                           "F2": dict(zip(["f0", "f1", "f2", "f3", "cost"], ["×", "×", "○", "△", 5])),
                           "F3": dict(zip(["f0", "f1", "f2", "f3", "cost"], ["○", "○", "○", "△", 1]))}})
    ev = Evaluation(["F1", "F2", "F3"], funcs + [extra], scores)
    r = evaluate(ev)
    # F1: 1+1+0−2 = 0; F2: −2−2+1+0 = −3 → 0 (the function list cannot go below zero); F3: 3; cost 10/10/0
    assert r.groups["機能"].to_dict() == {"F1": 0, "F2": 0, "F3": 3}
    assert r.table.technical.to_dict() == {"F1": 10, "F2": 10, "F3": 3}
    assert r.table.loc["F1", "rank"] == 1 and r.table.loc["F2", "rank"] == 1 and r.table.loc["F1", "tie"]
    assert r.group_max["機能"] == 4


def _simple(prices=None, tech=None):
    tech = tech or {"A": "5", "B": "4", "C": "3"}
    return Evaluation(list(tech), [Criterion("q", "品質", 70, "0-5")],
                      long({"e": {a: {"q": v} for a, v in tech.items()}}), prices=prices)


def test_price_lowest_ratio():
    ev = _simple({"A": 1_000_000, "B": 900_000, "C": 800_000})
    t = evaluate(ev, Rules(price=PriceRule("lowest", points=30, rounding="truncate", digits=1))).table
    # 30 × 800,000 / price: 24.0, 26.666… → 26.6, 30.0; technical 70, 56, 42
    assert t.price_score.to_dict() == {"A": 24.0, "B": 26.6, "C": 30.0}
    assert t.total.to_dict() == pytest.approx({"A": 94.0, "B": 82.6, "C": 72.0})


def test_price_additive_with_ceiling():
    ev = _simple({"A": 1_200_000, "B": 1_000_000, "C": 1_600_000})
    t = evaluate(ev, Rules(price=PriceRule("additive", points=30, ceiling=1_500_000))).table
    assert t.loc["A", "price_score"] == pytest.approx(6.0) and t.loc["B", "price_score"] == pytest.approx(10.0)
    assert t.loc["C", "excluded"] and "予定価格（上限）1,500,000 円を超えている" in t.loc["C", "reasons"][0]
    assert t.loc["A", "rank"] == 1 and t.loc["B", "rank"] == 2 and np.isnan(t.loc["C", "rank"])


def test_price_division():
    ev = _simple({"A": 1_600_000, "B": 1_000_000, "C": 500_000})
    t = evaluate(ev, Rules(price=PriceRule("division", unit=1_000_000, rounding="round", digits=2))).table
    # 70 / 1.6 = 43.75; 56 / 1.0 = 56; 42 / 0.5 = 84
    assert t.total.to_dict() == pytest.approx({"A": 43.75, "B": 56.0, "C": 84.0})
    assert list(t.sort_values("rank").index) == ["C", "B", "A"]


def test_tie_break_by_technical_score():
    # A: technical 70 + price 20 = 90; B: technical 60 + price 30 = 90
    ev = Evaluation(["A", "B"], [Criterion("q", "品質", 70, "0-7")], long({"e": {"A": {"q": 7}, "B": {"q": 6}}}),
                    prices={"A": 1_500_000, "B": 1_000_000})
    rules = Rules(price=PriceRule("lowest", points=30), tie_break=("technical",))
    t = evaluate(ev, rules).table
    assert t.total.to_dict() == pytest.approx({"A": 90, "B": 90})
    assert t.loc["A", "rank"] == 1 and t.loc["B", "rank"] == 2 and not t.tie.any()
    assert t.loc["A", "note"] == "合計点が同点のため、技術点で順位を決定"
    t2 = evaluate(ev, Rules(price=PriceRule("lowest", points=30), tie_break=("price",))).table
    assert t2.loc["B", "rank"] == 1 and t2.loc["A", "rank"] == 2


def test_tie_break_by_group_subtotal_and_an_unresolved_tie():
    crit = [Criterion("s", "セキュリティ", 50, "0-5", group="セキュリティ"), Criterion("u", "使いやすさ", 50, "0-5", group="UX")]
    ev = Evaluation(["A", "B", "C"], crit, long({"e": {"A": {"s": 2, "u": 4}, "B": {"s": 4, "u": 2},
                                                         "C": {"s": 4, "u": 2}}}))
    t = evaluate(ev, Rules(tie_break=("group:セキュリティ",))).table
    assert t.loc["B", "rank"] == 1 and t.loc["C", "rank"] == 1 and t.loc["A", "rank"] == 3
    assert t.loc["B", "tie"] and t.loc["C", "tie"] and not t.loc["A", "tie"]
    assert "同順位" in t.loc["B", "note"]
    no_rule = evaluate(ev).table
    assert (no_rule["rank"] == 1).all() and no_rule.tie.all()
    with pytest.raises(OhayamiError, match="要件内訳「費用」"):
        evaluate(ev, Rules(tie_break=("group:費用",)))


def test_must_have_not_met_excludes_with_the_reason():
    crit = [Criterion("enc", "データ暗号化", 0, "yes/no", must_have=True), Criterion("f", "機能", 100, "1-5")]
    scores = long({"山田": {"A": {"enc": "はい", "f": 5}, "B": {"enc": "いいえ", "f": 5}, "C": {"enc": "はい", "f": 2}},
                   "佐藤": {"A": {"enc": "はい", "f": 4}, "B": {"enc": "はい", "f": 5}, "C": {"enc": "いいえ", "f": 2}},
                   "鈴木": {"A": {"enc": "はい", "f": 4}, "B": {"enc": "いいえ", "f": 5}, "C": {"enc": "はい", "f": 2}}})
    ev = Evaluation(["A", "B", "C"], crit, scores)
    t = evaluate(ev).table
    assert t.loc["B", "technical"] > t.loc["A", "technical"]  # the best score…
    assert t.loc["B", "excluded"] and t.loc["B", "reasons"] == ["必須項目「データ暗号化」を満たしていない（山田、鈴木）"]
    assert t.loc["A", "rank"] == 1 and t.loc["C", "excluded"]
    t2 = evaluate(ev, Rules(must_have_rule="majority")).table
    assert t2.loc["B", "excluded"] and not t2.loc["C", "excluded"]


def test_group_minimum():
    crit = [Criterion("a", "機能A", 50, "0-5", group="機能"), Criterion("b", "安定性", 50, "0-5", group="安定性")]
    ev = Evaluation(["X", "Y"], crit, long({"e": {"X": {"a": 5, "b": 1}, "Y": {"a": 3, "b": 3}}}))
    t = evaluate(ev, Rules(min_group_ratio=0.3)).table
    assert not t.loc["X", "selectable"] and "「安定性」の小計 10 点が最低基準（50 点の 30%＝15 点）に届かない" in t.loc["X", "reasons"]
    assert t.loc["Y", "rank"] == 1


def test_spread_shows_where_evaluators_disagree():
    ev = Evaluation(["A"], [Criterion("f", "機能", 40, "1-5"), Criterion("u", "使いやすさ", 60, "1-5")],
                    long({"e1": {"A": {"f": 5, "u": 3}}, "e2": {"A": {"f": 1, "u": 3}}}))
    s = evaluate(ev).spread.set_index("criterion_id")
    assert s.loc["f", "range"] == 40 and s.loc["f", "disagreement"] == 1.0
    assert s.loc["u", "range"] == 0 and s.loc["u", "std"] == 0


def test_rank_vote_rule():
    crit = [Criterion("q", "総合", 10, "0-10")]
    # evaluators' own orders: e1 A>B>C, e2 B>A>C, e3 C>A>B, e4 B>C>A, e5 A>C>B
    per = {"e1": (9, 8, 1), "e2": (8, 9, 1), "e3": (8, 1, 9), "e4": (1, 9, 8), "e5": (9, 1, 8)}
    scores = long({e: {a: {"q": v} for a, v in zip("ABC", vals)} for e, vals in per.items()})
    rv = rank_vote(Evaluation(list("ABC"), crit, scores))
    # first places: A 2, B 2, C 1; second places: A 2 (e2, e3), B 1 (e1) → A wins the tie
    assert rv.loc["A", "first"] == 2 and rv.loc["B", "first"] == 2 and rv.loc["A", "second"] == 2
    assert list(rv.index) == ["A", "B", "C"] and not rv.tie.any()


def test_bad_input_names_alternative_criterion_and_evaluator():
    crit = [Criterion("f", "機能", 10, "1-5")]
    with pytest.raises(OhayamiError, match="評価者「山田」の「A社」×「機能」の点数「7」は尺度の外です。1～5 の整数"):
        Evaluation({"A": "A社"}, crit, long({"山田": {"A": {"f": 7}}}))
    with pytest.raises(OhayamiError, match="点数が入っていないところが 1 か所.*佐藤：B社×機能"):
        Evaluation({"A": "A社", "B": "B社"}, crit, long({"佐藤": {"A": {"f": 3}}}))
    with pytest.raises(OhayamiError, match="評価項目「zz」は一覧にありません"):
        Evaluation({"A": "A社"}, crit, long({"佐藤": {"A": {"zz": 3}}}))
    with pytest.raises(OhayamiError, match="評価対象「Q」は一覧にありません"):
        Evaluation({"A": "A社"}, crit, long({"佐藤": {"Q": {"f": 3}}}))
    with pytest.raises(OhayamiError, match="0 以上"):
        Evaluation({"A": "A社"}, [Criterion("f", "機能", -1)], long({"佐藤": {"A": {"f": 3}}}))
    with pytest.raises(OhayamiError, match="すべて 0"):
        Evaluation({"A": "A社"}, [Criterion("f", "機能", 0)], long({"佐藤": {"A": {"f": 3}}}))
    with pytest.raises(OhayamiError, match="A社」の価格（0）"):
        Evaluation({"A": "A社"}, crit, long({"佐藤": {"A": {"f": 3}}}), prices={"A": 0})
    with pytest.raises(OhayamiError, match="2つあります"):
        Evaluation({"A": "A社"}, crit, pd.concat([long({"佐藤": {"A": {"f": 3}}})] * 2))
    with pytest.raises(OhayamiError, match="予定価格"):
        Rules(price=PriceRule("additive", points=30))


def test_weighted_sum_and_ranking_agree_with_scikit_criteria():
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.simple import WeightedSumModel
    rng = np.random.default_rng(7)
    for trial in range(5):
        A, C, E = rng.integers(3, 12), rng.integers(2, 15), rng.integers(1, 6)
        crit = [Criterion(f"c{i}", points=float(rng.integers(1, 20)), scale="1-5") for i in range(C)]
        scores = pd.DataFrame([(f"e{e}", f"a{a}", f"c{c}", int(rng.integers(1, 6)))
                               for e in range(E) for a in range(A) for c in range(C)],
                              columns=["evaluator", "alternative_id", "criterion_id", "value"])
        ev = Evaluation([f"a{a}" for a in range(A)], crit, scores)
        ours = evaluate(ev).table
        dm = skc.mkdm(ev.R.mean(axis=0), [max] * C, weights=ev.points)
        theirs = WeightedSumModel().evaluate(dm)
        assert np.allclose(ours.technical.to_numpy(), theirs.e_.score, atol=1e-9)
        # ranks agree wherever there is no exact tie
        if len(np.unique(ours.technical.round(9))) == A:
            assert list(ours["rank"].astype(int)) == list(theirs.rank_)


def test_partial_scoring_in_a_workshop():
    crit = [Criterion("reach", "影響の大きさ", 3, "1-5"), Criterion("diff", "難しさ", 2, "1-5", direction="lower")]
    scores = long({"山田": {"P1": {"reach": 5, "diff": 1}, "P2": {"reach": 3}},
                   "佐藤": {"P1": {"reach": 3, "diff": 3}}})
    with pytest.raises(OhayamiError, match="入っていない"):
        Evaluation(["P1", "P2", "P3"], crit, scores)
    ev = Evaluation(["P1", "P2", "P3"], crit, scores, allow_missing=True)
    t = evaluate(ev).table
    # P1: reach (1 + 0.5) / 2 × 3 = 2.25; diff lower is better: (1 + 0.5) / 2 × 2 = 1.5 → 3.75
    assert t.loc["P1", "technical"] == pytest.approx(3.75) and t.loc["P1", "rank"] == 1
    assert not t.loc["P2", "selectable"] and t.loc["P2", "reasons"] == ["まだ誰も採点していない評価項目があります（難しさ）"]
    assert "影響の大きさ、難しさ" in t.loc["P3", "reasons"][0]
    with pytest.raises(OhayamiError, match="平均"):
        evaluate(ev, Rules(combine="sum"))
    empty = Evaluation(["P1"], crit, long({}).reindex(columns=["evaluator", "alternative_id", "criterion_id", "value"]),
                       allow_missing=True)
    assert not evaluate(empty).table.loc["P1", "selectable"]
