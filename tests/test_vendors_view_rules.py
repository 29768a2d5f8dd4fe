"""The type E panels for issue 15 items 1-5, driven by setting widget values and clicking: the pass level
on the criteria form, blind and locked weights, the weight version on every tab, maximums and thresholds
in points, the intuition check with an excluded vendor, and the issue-13 scenario end to end."""

import pytest

from ohayami.ui.vendors import CheckPanel, CriteriaPanel, ResultsPanel, ScoringPanel, VendorsView, WeightsPanel
from ohayami.ui.vendors.weights import SAVE, SAVE_LOCKED
from ohayami.vendors import MUST_HAVE_RULES

# the issue-13 committee: 機能関連, 使いやすさ, コスト; two evaluators' direct points average to 50.3, 24.7, 25
YAMADA, SATO = (45, 30, 25), (55.6, 19.4, 25)
SCORES = {"V001": (5, 1, 3), "V002": (3, 5, 3)}


def _committee(v, score=True):
    m = v.model
    ids = m.adopt_template([1, 28, 31])
    m.add_vendor("A社", "窓口くん")
    m.add_vendor("B社", "スマート窓口")
    m.set_evaluator_weights("山田", "direct", dict(zip(ids, YAMADA)))
    m.set_evaluator_weights("佐藤", "direct", dict(zip(ids, SATO)))
    if score:
        for who in ("山田", "佐藤"):
            for vid, vals in SCORES.items():
                for cid, val in zip(ids, vals):
                    m.set_score(who, vid, cid, val)
    return ids


def test_issue_13_a_revision_survives_an_unchanged_save_in_the_weights_tab(tmp_path):
    v = VendorsView(tmp_path / "e")
    func, ease, cost = _committee(v)
    m = v.model
    assert m.results().winners == ["V001"]
    v.tabs.selected_index = 6
    chk = v.panel(CheckPanel)
    chk.show_check()
    assert chk.k_widgets[ease].value == "24.7"
    chk.k_widgets[ease].value = "35"
    chk.k_reason.value = "多世代が使うため、使いやすさを重く見直した"
    chk.k_apply.click()
    revised = m.current_weights_version()
    assert chk.k_msg.value.count(f"重みを見直しました（{revised.label}）。1位：A社 → B社。") == 1
    assert "重みの版（新しい順）" in chk.k_versions.value and "委員会の修正" in chk.k_versions.value
    # tab 2: 山田 presses save without changing anything
    v.tabs.selected_index = 1
    wts = v.panel(WeightsPanel)
    wts.w_who.value = "山田"
    wts.weights.method.value = "direct"
    assert [w.value for w in wts.weights.widgets.values()] == ["45", "30", "25"]
    assert wts.weights.apply_btn.description == SAVE_LOCKED
    wts.weights.apply_btn.click()
    assert m.criteria().set_index("criterion_id").loc[ease, "weight"] == 35 and m.results().winners == ["V002"]
    assert m.current_weights_version() == revised
    assert "山田 さんの重みを保存しました" in wts.w_warn.value and f"結果に使う重みは{revised.label}のまま" in wts.w_warn.value
    assert f"結果に使う重み（{revised.label}）" in wts.w_side.value
    v.tabs.selected_index = 5
    res = v.panel(ResultsPanel)
    assert f"この結果は重みの{revised.label}で計算しました。" in res.res_table.value
    # a changed save is refused: the weights are locked once scoring has started
    wts.weights.widgets[ease].value = "40"
    wts.weights.widgets[func].value = "35"
    wts.weights.apply_btn.click()
    assert "固定" in wts.weights.msg.value and m.evaluator_weights().loc["山田", ease] == pytest.approx(30)


def test_rebuilding_from_the_evaluators_needs_a_reason_after_a_revision(tmp_path):
    v = VendorsView(tmp_path / "e")
    func, ease, cost = _committee(v)
    v.model.revise_weights({ease: 35}, "使いやすさを重く")
    v.tabs.selected_index = 1
    wts = v.panel(WeightsPanel)
    wts.w_rebuild.click()
    assert "理由" in wts.w_reason_msg.value and v.model.criteria().set_index("criterion_id").loc[ease, "weight"] == 35
    wts.w_reason.value = "評価者全員の重みに戻すと委員会で決めた"
    wts.w_rebuild.click()
    label = v.model.current_weights_version().label
    assert f"重みを作り直しました：{label}" in wts.w_rebuild_msg.value and "評価者の重みから合成" in label
    assert v.model.results().winners == ["V001"] and f"結果に使う重み（{label}）" in wts.w_side.value


def test_blind_weighting_in_the_weights_tab(tmp_path):
    v = VendorsView(tmp_path / "e")
    v.model.adopt_template([1, 28, 31])
    v.tabs.selected_index = 1
    wts = v.panel(WeightsPanel)
    assert wts.weights.apply_btn.description == SAVE
    wts.w_who.value = "山田"
    for w, pts in zip(wts.weights.widgets.values(), ("50", "30", "20")):
        w.value = pts
    wts.weights.apply_btn.click()
    assert "重みを保存しました" in wts.weights.msg.value
    assert "<th>山田</th>" not in wts.w_side.value and "全員が保存するか" in wts.w_note.value
    assert "保存済み：山田" in wts.w_note.value
    wts.w_reveal.click()
    assert "公開しました" in wts.w_reveal_msg.value and "<th>山田</th>" in wts.w_side.value and wts.w_note.value == ""


def test_the_must_have_rule_and_pass_level_on_screen(tmp_path):
    v = VendorsView(tmp_path / "e")
    crit = v.panel(CriteriaPanel)
    for n in (1, 28):
        crit.t_checks[n][0].value = True
    crit.t_add.click()
    assert MUST_HAVE_RULES[False] in crit.crit_table.value
    crit.ce_pick.value = crit.ce_pick.options[0][1]
    crit.ce_must.value, crit.ce_scale.value, crit.ce_pass.value = True, "1-5", ""
    crit.ce_save.click()
    assert "合格の水準" in crit.ce_fields["pass_level"].value and crit.ce_msg.value == ""
    assert v.model.criteria()["must_have"].sum() == 0
    crit.ce_pass.value = "3"
    crit.ce_save.click()
    assert "評価項目を保存しました" in crit.ce_msg.value and "3以上で合格" in crit.crit_table.value
    v.tabs.selected_index = 3
    sco = v.panel(ScoringPanel)
    labels = " ".join(h.value for box in sco.grid.widget.children[1:] for h in box.children[:1])
    assert "【必須：3以上で合格】機能関連" in labels
    # the committee's rule to weight must-haves too, in tab 2 and back in tab 1
    v.tabs.selected_index = 1
    wts = v.panel(WeightsPanel)
    assert "必須項目（合否だけを判定し、配点はつけません）：機能関連" in wts.weights.gates.value
    wts.w_must.value = True
    assert MUST_HAVE_RULES[True] in wts.w_must_msg.value and wts.weights.gates.value == ""
    assert len(wts.weights.widgets) == 2 and MUST_HAVE_RULES[True] in crit.crit_table.value
    # once scoring has started the rule is fixed; the box goes back to the stored rule
    v.model.add_vendor("A社")
    v.model.set_score("山田", "V001", v.model.criteria()["criterion_id"][1], 3)
    wts.w_must.value = False
    assert "採点が始まっている" in wts.w_must_msg.value and wts.w_must.value is True


def test_results_tab_says_the_maximums_the_thresholds_and_the_version(tmp_path):
    v = VendorsView(tmp_path / "e")
    func, ease, cost = _committee(v)
    v.model.update_vendor("V001", price=1_000_000)
    v.model.update_vendor("V002", price=800_000)
    v.tabs.selected_index = 5
    res = v.panel(ResultsPanel)
    res.ru_price.value, res.ru_price_points.value, res.ru_min.value = "lowest", "30", "60"
    res.ru_apply.click()
    assert "ルールを保存しました" in res.res_msg.value
    assert "技術点の満点 100点／価格点の満点 30点／合計の満点 130点" in res.ru_points.value
    assert "最低点（%）：60%（= 60.0点）" in res.ru_points.value
    table = res.res_table.value
    assert table.index("<th>順位</th>") < table.index("<th>合計／満点</th>") < table.index("<th>技術点／満点</th>")
    assert " / 130</td>" in table and "この結果は重みの版" in table
    assert res.res_total.value[:4] == b"\x89PNG" and res.res_bars.value[:4] == b"\x89PNG"


def test_check_tab_says_which_ranked_vendor_was_excluded(tmp_path):
    v = VendorsView(tmp_path / "e")
    m = v.model
    func, ease, cost = _committee(v)
    gate = m.add_criterion("データ暗号化", scale="yes/no", weight=0, must_have=True)
    m.add_vendor("C社")
    for who in ("山田", "佐藤"):
        for vid in ("V001", "V002"):
            m.set_score(who, vid, gate, "はい")
        for cid, val in zip((func, ease, cost, gate), (5, 5, 5, "いいえ" if who == "佐藤" else "はい")):
            m.set_score(who, "V003", cid, val)
    m.set_intuition("山田", {"V003": 1, "V001": 2, "V002": 3})
    v.tabs.selected_index = 6
    chk = v.panel(CheckPanel)
    chk.show_check()
    assert ("C社（感覚の順位 1位）は除外・対象外です：必須項目「データ暗号化」を満たしていない（佐藤）。"
            "順位相関は残りの 2 者で計算しました。") in chk.k_out.value
    assert "<td>除外・対象外</td>" in chk.k_out.value


def test_the_e_criteria_tab_offers_yes_no_in_japanese_and_stores_the_same_scale(tmp_path):
    from ohayami.ui.vendors import CriteriaPanel, VendorsView

    v = VendorsView(tmp_path / "e")
    i = next(k for k, p in enumerate(v.panels) if isinstance(p, CriteriaPanel))
    v.tabs.selected_index = i
    crit = v.panels[i]
    assert "yes/no" not in crit.ce_scale.options and "はい／いいえ" in crit.ce_scale.options
    crit.ce_name.value, crit.ce_scale.value = "データの国内保管", "はい／いいえ"
    crit._add_criterion()
    stored = v.model.criteria().set_index("name").loc["データの国内保管", "scale"]
    assert stored == "yes/no" and crit.ce_scale.value == "はい／いいえ"
