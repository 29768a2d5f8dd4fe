"""Typed model state: the committee's rules round-trip through one validated record (model, rules
form, report), and the other state (reasons, revisions, intuition times, weighting inputs, cut
line) lives in its own rows that survive a reopen."""

import pytest

from ohayami import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.reports import vendors_report_html
from ohayami.scoring import PriceRule, Rules
from ohayami.store import open_workshop
from ohayami.ui.vendors import ExportPanel, ResultsPanel, VendorsView
from ohayami.vendors import (VendorWorkbench, group_minimum_from_text, group_minimum_text, percent,
                             rules_from_record, rules_to_record)


def _tied(m, weigh=None):
    """Two vendors with the same total: A strong on 機能, B strong on コスト (equal weights). ``weigh(ids)``
    runs before the scores (evaluators' weights are locked once scoring has started); then no tie."""
    ids = m.adopt_template([1, 31])
    assert list(m.criteria()["grp"]) == ["機能", "コスト"]
    if weigh is not None:
        weigh(ids)
    m.add_vendor("A社", "", 1_000_000)
    m.add_vendor("B社", "", 1_000_000)
    for vid, (f, c) in (("V001", (5, 3)), ("V002", (3, 5))):
        m.set_score("山田", vid, ids[0], f)
        m.set_score("山田", vid, ids[1], c)
    if weigh is None:
        t = m.results().table
        assert t["tie"].all() and (t["rank"] == 1).all()
    return ids


# ---------------------------------------------------------------------- the record itself

def test_record_round_trip_of_every_kind_of_rule():
    r = Rules(combine="sum", rounding="truncate", digits=2, must_have_rule="majority", min_total_ratio=0.6,
              min_group_ratio={"機能": 0.5, "セキュリティ": 0.3},
              price=PriceRule(method="additive", points=30, ceiling=1_300_000), tie_break=("group:機能", "price"))
    rec = rules_to_record(r)
    assert rec["min_group_ratio"] == {"機能": 0.5, "セキュリティ": 0.3} and rec["tie_break"] == ["group:機能", "price"]
    assert rec["price"]["ceiling"] == 1_300_000
    assert rules_from_record(rec) == r
    assert rules_from_record({}) == Rules()
    assert rules_from_record(rules_to_record(Rules(min_group_ratio=0.25))).min_group_ratio == 0.25


@pytest.mark.parametrize("record, message", [
    ({"colour": "red"}, "colour"),
    ({"min_total_ratio": "60%"}, "数に"),
    ({"min_group_ratio": {"機能": "half"}}, "要件内訳「機能」"),
    ({"min_group_ratio": {"機能": 1.5}}, "0～1"),
    ({"price": {"method": "lowest", "pts": 30}}, "pts"),
    ({"price": "lowest"}, "価格点のルール"),
    ({"digits": 1.5}, "整数"),
    ({"tie_break": ["cheapest"]}, "同点時"),
])
def test_a_bad_record_is_refused_in_japanese(record, message):
    with pytest.raises(OhayamiError, match=message):
        rules_from_record(record)


def test_form_texts_for_percentages_and_group_minimums():
    assert percent("60", "最低点") == pytest.approx(0.6) and percent(" 45％ ", "最低点") == pytest.approx(0.45)
    assert percent("", "最低点") is None
    with pytest.raises(OhayamiError, match="0～100"):
        percent("150", "最低点")
    assert group_minimum_from_text("30") == pytest.approx(0.3)
    assert group_minimum_from_text("機能:50、コスト：20") == {"機能": 0.5, "コスト": 0.2}
    assert group_minimum_from_text("機能=50\nコスト=20", ["機能", "コスト"]) == {"機能": 0.5, "コスト": 0.2}
    with pytest.raises(OhayamiError, match="要件内訳「性能」はありません"):
        group_minimum_from_text("性能:50", ["機能", "コスト"])
    with pytest.raises(OhayamiError, match="要件内訳:割合"):
        group_minimum_from_text("機能:50、30")
    for value in (None, 0.3, {"機能": 0.5, "コスト": 0.2}):
        assert group_minimum_from_text(group_minimum_text(value)) == value


# ---------------------------------------------------------------------- model → reopen → result → report

def test_group_minimum_mapping_and_group_tie_break_survive_reopen_and_reach_the_report(tmp_path):
    m = VendorWorkbench(open_workshop(tmp_path / "e"))
    _tied(m)
    m.set_rules(tie_break=["group:機能"])
    m.ws.close()
    m = VendorWorkbench(open_workshop(tmp_path / "e"))
    assert m.rules().tie_break == ("group:機能",)
    t = m.results().table
    assert list(t.sort_values("rank").index) == ["V001", "V002"] and not t["tie"].any()
    m.set_rules(tie_break=["group:コスト"])
    assert m.results().winners == ["V002"]
    # B scored 3 of 1–5 on 機能, half of its maximum: below a 機能 minimum of 60 %, so A wins again
    m.set_rules(min_group_ratio={"機能": 0.6})
    m.ws.close()
    m = VendorWorkbench(open_workshop(tmp_path / "e"))
    assert m.rules().min_group_ratio == {"機能": 0.6}
    t = m.results().table
    assert m.results().winners == ["V001"] and not t.loc["V002", "selectable"]
    html = vendors_report_html(m, figures=False)
    assert "機能 60%" in html and "要件内訳「コスト」の小計の高い方" in html


def test_concurrent_rule_changes_in_one_record_are_merged(ws):
    m = VendorWorkbench(ws)
    other = VendorWorkbench(open_workshop(ws.path))
    m.set_rules(combine="sum")
    other.set_rules(rounding="round")  # reads the record inside its own write: keeps "sum"
    assert m.rules().combine == "sum" and m.rules().rounding == "round"
    before = m.rules_record()
    with pytest.raises(OhayamiError):
        other.set_rules(min_group_ratio={"機能": 3})
    assert m.rules_record() == before


# ---------------------------------------------------------------------- the rules form

def test_rules_form_keeps_a_group_minimum_mapping_and_a_group_tie_break(tmp_path, exported):
    m = VendorWorkbench(open_workshop(tmp_path / "e"))
    _tied(m)
    # saved by the model (or an older kit): the form opened to show it used to crash
    m.set_rules(min_group_ratio={"機能": 0.2, "コスト": 0.1}, tie_break=["group:コスト"])
    m.ws.close()
    v = VendorsView(tmp_path / "e.ohayami")
    res = v.panel(ResultsPanel)
    assert res.ru_group.value == "機能:20、コスト:10"
    assert res.ru_tie1.value == "group:コスト"
    assert ("要件内訳「機能」の小計の高い方", "group:機能") in res.ru_tie1.options
    v.tabs.selected_index = 5
    assert "V002" not in res.res_msg.value and "B社" in res.res_table.value
    # save through the form without touching anything: nothing is dropped
    res.ru_apply.click()
    assert "ルールを保存しました" in res.res_msg.value
    assert v.model.rules().tie_break == ("group:コスト",)
    assert v.model.rules().min_group_ratio == {"機能": 0.2, "コスト": 0.1}
    # change them in the form
    res.ru_group.value = "機能:50"
    res.ru_tie1.value, res.ru_tie2.value = "group:機能", "price"
    res.ru_apply.click()
    assert v.model.rules().min_group_ratio == {"機能": 0.5}
    assert v.model.rules().tie_break == ("group:機能", "price")
    v.ws.close()
    v2 = VendorsView(tmp_path / "e.ohayami")
    res2 = v2.panel(ResultsPanel)
    assert res2.ru_group.value == "機能:50" and (res2.ru_tie1.value, res2.ru_tie2.value) == ("group:機能", "price")
    res2.ru_group.value = "性能:50"
    res2.ru_apply.click()
    assert "要件内訳「性能」はありません" in res2.res_msg.value
    assert v2.model.rules().min_group_ratio == {"機能": 0.5}
    v2.tabs.selected_index = 7
    v2.panel(ExportPanel).x_report.click()
    html = exported(tmp_path / "e_出力", "選定理由書", "html").read_text(encoding="utf-8")
    assert "機能 50%" in html and "要件内訳「機能」の小計の高い方→価格" in html


# ---------------------------------------------------------------------- the other state, in rows

def test_reasons_revisions_intuitions_and_inputs_are_rows(tmp_path):
    m = VendorWorkbench(open_workshop(tmp_path / "e", actor="委員長"))
    def weigh(ids):
        m.set_evaluator_weights("山田", "rank", {ids[0]: 1, ids[1]: 2})
        m.set_evaluator_weights("山田", "direct", {ids[0]: 70, ids[1]: 30})

    ids = _tied(m, weigh)
    m.set_weight_reason(ids[0], "窓口で毎日使うため", actor="山田")
    m.set_weight_reason(ids[1], "予算が限られるため", actor="佐藤")
    m.set_intuition("山田", {"V001": 1, "V002": 2})
    first = m.ws.get("intuitions", set_id="E", evaluator="山田")["first_at"]
    m.set_intuition("山田", {"V001": 2, "V002": 1})
    entry = m.revise_weights({ids[0]: 40}, "機能の差が大きすぎた")
    m.revise_weights({ids[1]: 40}, "コストも同じだけ大事")
    m.ws.close()
    m = VendorWorkbench(open_workshop(tmp_path / "e"))
    assert m.weight_reasons() == {ids[0]: "窓口で毎日使うため", ids[1]: "予算が限られるため"}
    assert m.ws.get("weight_reasons", set_id="E", criterion_id=ids[1])["actor"] == "佐藤"
    revs = m.revisions()
    assert [r["no"] for r in revs] == [1, 2] and revs[0] == entry
    # the total stays 100: the other criterion takes what 機能関連 gave up
    assert revs[0]["before"] == {ids[0]: 70.0, ids[1]: 30.0} and revs[0]["after"] == {ids[0]: 40.0, ids[1]: 60.0}
    assert m.ws.get("intuitions", set_id="E", evaluator="山田")["first_at"] == first
    # one evaluator, one method: the direct points replaced the ranks
    assert m.weight_inputs_by_evaluator() == {"山田": {"method": "direct", "values": {ids[0]: 70.0, ids[1]: 30.0}}}
    assert m.weight_input("rank", "山田") == {} and m.weight_input("direct", "山田") == {ids[0]: 70.0, ids[1]: 30.0}
    assert "1 人の重み" in m.weight_message()
    assert m.ws.rows("settings").empty  # nothing went to the key/value table


def test_type_c_weighting_and_cut_line_are_rows(tmp_path):
    m = ProblemWorkbench(open_workshop(tmp_path / "c"))
    ids = list(m.criteria()["criterion_id"])
    m.set_weights("rank", {c: i + 1 for i, c in enumerate(ids)})
    m.set_weights("direct", {ids[0]: 5})
    m.set_cut_line("min", "3.5")
    m.ws.close()
    m = ProblemWorkbench(open_workshop(tmp_path / "c"))
    assert m.weight_method() == "direct" and m.weight_message() == "配点をそのまま使います。"
    # the room's inputs are remembered per method, so switching back shows the ranks again
    assert m.weight_input("rank") == {c: i + 1 for i, c in enumerate(ids)} and m.weight_input("direct") == {ids[0]: 5.0}
    cut = m.cut_line()
    assert (cut.mode, cut.value) == ("min", 3.5)
    assert len(m.criteria()) == len(ids)  # reopening does not seed the criteria twice
    assert m.ws.rows("settings").empty


def test_typed_state_leaves_and_returns_with_the_workshop_workbook(tmp_path):
    from ohayami import exchange as X

    m = VendorWorkbench(open_workshop(tmp_path / "a"))
    ids = _tied(m, lambda ids: m.set_evaluator_weights("山田", "pairwise", {(ids[0], ids[1]): 3}))
    m.set_weight_reason(ids[0], "毎日使うため")
    m.set_rules(min_group_ratio={"機能": 0.5}, tie_break=["group:機能"])
    m.set_intuition("山田", {"V001": 1, "V002": 2})
    m.revise_weights({ids[0]: 2}, "機能を重く")
    ProblemWorkbench(m.ws).set_cut_line("top", 3)
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, X.export_xlsx(m.ws), name="export.xlsx")
    snap_a, snap_b = X.table_snapshot(m.ws), X.table_snapshot(b)
    for table in ("sets", "weight_inputs", "weight_reasons", "weight_versions", "weight_version_values", "rules", "cut_lines",
                  "intuitions"):
        assert snap_a[table] and snap_a[table] == snap_b[table], table
    other = VendorWorkbench(b)
    assert other.rules() == m.rules() and other.revisions() == m.revisions()
