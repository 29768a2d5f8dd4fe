"""Must-haves are gates, explicit per scale: hand-computed committees for each scale kind."""

import pandas as pd
import pytest

from ohayami import OhayamiError
from ohayami.scoring import Criterion, Evaluation, Rules, evaluate, parse_scale
from ohayami.vendors import VendorWorkbench


def long(table):
    """{evaluator: {alternative: {criterion: value}}} → long frame."""
    return pd.DataFrame([(e, a, c, v) for e, alts in table.items() for a, cs in alts.items() for c, v in cs.items()],
                        columns=["evaluator", "alternative_id", "criterion_id", "value"])


def _committee(gate: Criterion, entries: dict[str, tuple], rules=None):
    """Two evaluators; alternative → (evaluator 1's entry, evaluator 2's entry) on the gate; a 1-5
    criterion worth 100 points scored 5 for everyone, so only the gate can tell them apart."""
    scores = long({e: {a: {gate.criterion_id: v[i], "f": 5} for a, v in entries.items()}
                   for i, e in enumerate(("山田", "佐藤"))})
    ev = Evaluation(list(entries), [gate, Criterion("f", "機能", 100, "1-5")], scores)
    return evaluate(ev, rules).table


def test_yes_no_gate_fails_on_no():
    s = parse_scale("yes/no")
    assert s.passes("はい") and s.passes("適合") and not s.passes("いいえ") and not s.passes(False)
    assert s.pass_rule_text() == "いいえは不合格" and not s.needs_pass_level
    t = _committee(Criterion("g", "暗号化", 0, "yes/no", must_have=True), {"A": ("はい", "はい"), "B": ("はい", "いいえ")})
    assert not t.loc["A", "excluded"] and t.loc["B", "reasons"] == ["必須項目「暗号化」を満たしていない（佐藤）"]


@pytest.mark.parametrize("scale", ["○△×", "○△×-2", "○=1,△=0,×=0"])
def test_mark_gate_fails_only_on_cross(scale):
    s = parse_scale(scale)
    assert s.passes("○") and s.passes("△") and s.passes("▲") and not s.passes("×") and not s.passes("x")
    assert s.pass_rule_text() == "×（対応不可）のみ不合格"
    # △ (代替・カスタマイズで対応) passes even where its mark is 0, which the old ratio cut-off excluded
    t = _committee(Criterion("g", "帳票出力", 0, scale, must_have=True),
                   {"A": ("○", "△"), "B": ("△", "△"), "C": ("○", "×")})
    assert list(t.excluded) == [False, False, True]
    assert t.loc["C", "reasons"] == ["必須項目「帳票出力」を満たしていない（佐藤）"]
    with pytest.raises(OhayamiError, match="尺度の外"):
        s.passes("◎")


def test_numeric_gate_needs_a_stated_level():
    s = parse_scale("1-5")
    assert s.needs_pass_level and s.passes(4, "4") and s.passes("5", "4") and not s.passes(3, "4")
    assert s.pass_rule_text("4") == "4以上で合格" and s.pass_rule_text("") == "合格の水準が未設定"
    # level 4: a 3 (ratio 0.5, which the old hidden cut-off let through) fails
    t = _committee(Criterion("g", "応答速度", 0, "1-5", must_have=True, pass_level="4"),
                   {"A": (4, 5), "B": (3, 5), "C": (2, 1)})
    assert list(t.excluded) == [False, True, True]
    assert t.loc["C", "reasons"] == ["必須項目「応答速度」を満たしていない（山田、佐藤）"]
    # majority: B has one failing vote of two (not a majority), C two of two
    t = _committee(Criterion("g", "応答速度", 0, "1-5", must_have=True, pass_level="4"),
                   {"A": (4, 5), "B": (3, 5), "C": (2, 1)}, Rules(must_have_rule="majority"))
    assert list(t.excluded) == [False, False, True]
    with pytest.raises(OhayamiError, match="必須項目「応答速度」.*合格の水準を決めてください") as err:
        _committee(Criterion("g", "応答速度", 0, "1-5", must_have=True), {"A": (4, 5)})
    assert err.value.field == "pass_level"
    with pytest.raises(OhayamiError, match="合格の水準「9」は尺度の外"):
        _committee(Criterion("g", "応答速度", 0, "1-5", must_have=True, pass_level=9), {"A": (4, 5)})
    # a nice-to-have numeric criterion needs no level
    assert not _committee(Criterion("g", "応答速度", 10, "1-5"), {"A": (1, 1)}).loc["A", "excluded"]


def test_numeric_gate_where_lower_is_better():
    s = parse_scale("1-5", lower_is_better=True)
    assert s.passes(1, "2") and s.passes(2, "2") and not s.passes(3, "2")
    assert s.pass_rule_text("2") == "2以下で合格"
    t = _committee(Criterion("g", "障害件数", 0, "1-5", direction="lower", must_have=True, pass_level="2"),
                   {"A": (1, 2), "B": (2, 3)})
    assert list(t.excluded) == [False, True]


def test_graded_gate():
    s = parse_scale("A-E")
    assert s.passes("A", "C") and s.passes("C", "C") and not s.passes("D", "C")
    assert s.pass_rule_text("C") == "C以上で合格"
    t = _committee(Criterion("g", "体制", 0, "A-E", must_have=True, pass_level="B"),
                   {"A": ("A", "B"), "B": ("B", "C"), "C": ("C", "C")})
    assert list(t.excluded) == [False, True, True]
    # the level is read from a criteria frame too
    frame = pd.DataFrame({"criterion_id": ["g", "f"], "name": ["体制", "機能"], "points": [0, 10], "scale": ["A-E", "1-5"],
                          "must_have": [1, 0], "pass_level": ["D", None]})
    ev = Evaluation(["X"], frame, long({"山田": {"X": {"g": "D", "f": 3}}}))
    assert ev.pass_levels == ["D", ""] and not evaluate(ev).excluded[0]


def test_gates_follow_an_edited_score():
    gate = Criterion("g", "応答速度", 0, "1-5", must_have=True, pass_level="3")
    ev = Evaluation(["A"], [gate, Criterion("f", "機能", 10, "1-5")], long({"山田": {"A": {"g": 3, "f": 5}}}))
    worse = ev.with_score("山田", "A", "g", 2)
    assert evaluate(worse).excluded[0] and not evaluate(ev).excluded[0]
    assert not evaluate(worse.with_score("山田", "A", "g", "５")).excluded[0]


def test_workbench_refuses_a_numeric_must_have_without_a_level(ws):
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 25], must={25})
    assert m.pass_rules() == {ids[1]: "いいえは不合格"}
    with pytest.raises(OhayamiError, match="合格の水準") as err:
        m.update_criterion(ids[1], scale="1-5")
    assert err.value.field == "pass_level"
    assert m.criteria().set_index("criterion_id").loc[ids[1], "scale"] == "yes/no"   # nothing changed
    m.update_criterion(ids[0], scale="1-3")                                        # a nice-to-have: no level needed
    # the checks the criteria form uses once the table has a pass_level column
    assert m._check_criterion(cid=ids[1], scale="1-5", pass_level="４") == {"scale": "1-5", "pass_level": "4"}
    assert m._check_criterion(cid=ids[1], scale="○△×", pass_level="") == {"scale": "○△×", "pass_level": ""}
    with pytest.raises(OhayamiError, match="合格の水準「F」は尺度の外"):
        m._check_criterion(cid=ids[0], must_have=True, scale="A-E", pass_level="F")
