"""Type E scoring rules as Japanese procurement practice writes them (issue 15 items 1-5), pinned with
hand-computed committees: must-have gates per scale, the must-have weighting rule, maximums beside
every total, blind and locked evaluator weights, the intuition check with an excluded vendor."""

import io

import openpyxl
import pytest

from ohayami import OhayamiError
from ohayami.reports import vendors_report_html
from ohayami.vendors import LOCKED, MUST_HAVE_RULES, VendorWorkbench


@pytest.fixture
def m(ws):
    return VendorWorkbench(ws)


# 機能 60 points, 使いやすさ 40, and four must-haves without points, one per kind of scale
GATES = [("暗号化", "yes/no", ""), ("帳票", "○△×", ""), ("稼働率", "1-5", "4"), ("体制", "A-E", "B")]
# 機能, 使いやすさ, then the gates in the order above
SCORES = {"A社": (5, 4, "はい", "△", 4, "B"),     # passes every gate (△ and the levels themselves pass)
          "B社": (4, 5, "はい", "○", 5, "A"),
          "C社": (5, 5, "いいえ", "○", 5, "A"),   # yes/no: いいえ fails
          "D社": (5, 5, "はい", "×", 5, "A"),     # marks: only × fails
          "E社": (5, 5, "はい", "○", 3, "A"),     # 1-5 with 4以上: 3 fails
          "F社": (5, 5, "はい", "○", 5, "C")}     # A-E with B以上: C fails


def _gated(m):
    ids = [m.add_criterion("機能", weight=60, group="機能"), m.add_criterion("使いやすさ", weight=40, group="使いやすさ")]
    ids += [m.add_criterion(n, scale=s, weight=0, must_have=True, pass_level=p, group="必須") for n, s, p in GATES]
    for name, vals in SCORES.items():
        vid = m.add_vendor(name)
        for cid, v in zip(ids, vals):
            m.set_score("山田", vid, cid, v)
    return ids


def test_each_kind_of_scale_has_its_own_explicit_gate(m):
    _gated(m)
    t = m.results().table.set_index("name")
    # by hand: A 60·1 + 40·0.75 = 90; B 60·0.75 + 40·1 = 85; the four others 100 but excluded
    assert t.loc[["A社", "B社"], "technical"].tolist() == pytest.approx([90, 85])
    assert t.loc["A社", "rank"] == 1 and t.loc["B社", "rank"] == 2
    failed = {"C社": "暗号化", "D社": "帳票", "E社": "稼働率", "F社": "体制"}
    for name, gate in failed.items():
        assert t.loc[name, "excluded"] and t.loc[name, "reasons"] == [f"必須項目「{gate}」を満たしていない（山田）"]
    assert list(m.pass_rules().values()) == ["いいえは不合格", "×（対応不可）のみ不合格", "4以上で合格", "B以上で合格"]
    crit = m.criteria_frame().set_index("評価項目")
    assert crit.loc["稼働率", "合否の判定"] == "4以上で合格" and crit.loc["稼働率", "尺度"] == "1～5 の整数"
    assert crit.loc["機能", "合否の判定"] == ""
    sheet = m.export_frames()["評価項目"].set_index("評価項目")
    assert (sheet.loc["体制", "合否の判定"], sheet.loc["体制", "合格の水準"], sheet.loc["暗号化", "合格の水準"]) == (
        "B以上で合格", "B", "")
    html = vendors_report_html(m, figures=False)
    assert "合否の判定</th>" in html and "×（対応不可）のみ不合格" in html


def test_a_numeric_must_have_without_a_pass_level_is_refused_and_nothing_is_written(m):
    m.add_criterion("機能", weight=60)
    with pytest.raises(OhayamiError, match="合格の水準") as e:
        m.add_criterion("稼働率", scale="1-5", must_have=True)
    assert e.value.field == "pass_level" and list(m.criteria()["name"]) == ["機能"]
    cid = m.add_criterion("稼働率", scale="1-5")
    with pytest.raises(OhayamiError, match="尺度の外"):
        m.update_criterion(cid, must_have=True, pass_level="7")
    m.update_criterion(cid, must_have=True, pass_level="４")   # a full-width digit is the same level
    c = m.criteria().set_index("name").loc["稼働率"]
    assert (c["must_have"], c["pass_level"], c["scale"]) == (1, "4", "1-5")
    # a must-have on ○/△/× needs no level, and changing a gated scale to one without a level is refused
    with pytest.raises(OhayamiError, match="合格の水準"):
        m.update_criterion(cid, scale="A-E")
    m.update_criterion(cid, scale="○△×")
    assert m.pass_rules() == {cid: "×（対応不可）のみ不合格"}


def test_must_haves_carry_no_points_unless_the_committee_says_so(m):
    a, b = m.add_criterion("機能"), m.add_criterion("使いやすさ")
    gate = m.add_criterion("暗号化", scale="yes/no", weight=0, must_have=True)
    m.set_evaluator_weights("山田", "rank", {a: 1, b: 2})
    w = m.criteria().set_index("criterion_id")["weight"]
    # rank-order centroid of 2: (1 + 1/2)/2 = 0.75 and (1/2)/2 = 0.25; the must-have gets nothing
    assert (w[a], w[b], w[gate]) == (pytest.approx(75), pytest.approx(25), 0)
    assert m.criteria_summary().endswith(MUST_HAVE_RULES[False])
    m.set_weight_must_haves(True)
    m.set_evaluator_weights("山田", "rank", {a: 1, b: 2, gate: 3})
    w = m.criteria().set_index("criterion_id")["weight"]
    # of 3: (1 + 1/2 + 1/3)/3, (1/2 + 1/3)/3, (1/3)/3
    assert (w[a], w[b], w[gate]) == (pytest.approx(61.111, abs=1e-3), pytest.approx(27.778, abs=1e-3),
                                     pytest.approx(11.111, abs=1e-3))
    assert m.criteria_summary().endswith(MUST_HAVE_RULES[True])
    rules = m.export_frames()["評価のルール"].set_index("項目")["内容"]
    assert rules["必須項目"] == MUST_HAVE_RULES[True]
    assert MUST_HAVE_RULES[True] in vendors_report_html(m, figures=False)
    vid = m.add_vendor("A社")
    m.set_score("山田", vid, a, 3)
    with pytest.raises(OhayamiError, match="採点が始まっている") as e:
        m.set_weight_must_haves(False)
    assert e.value.field == "weight_must_haves" and m.weight_must_haves()


def _priced(m):
    """機能 60, 使いやすさ 40; A社 1,000,000 円 (5, 3), B社 800,000 円 (3, 5), scored by 山田."""
    a, b = m.add_criterion("機能", weight=60, group="機能"), m.add_criterion("使いやすさ", weight=40, group="使いやすさ")
    for name, price, vals in (("A社", 1_000_000, (5, 3)), ("B社", 800_000, (3, 5))):
        vid = m.add_vendor(name, "", price)
        for cid, v in zip((a, b), vals):
            m.set_score("山田", vid, cid, v)
    return a, b


def test_maximums_and_thresholds_in_points(m):
    a, b = _priced(m)
    m.set_rules(price={"method": "lowest", "points": 30}, min_total_ratio=0.6, min_group_ratio={"機能": 0.5})
    res = m.results()
    t = res.table
    # A 60 + 20 = 80, price 30 × 0.8 = 24 → 104; B 30 + 40 = 70, price 30 → 100
    assert t["technical"].tolist() == pytest.approx([80, 70]) and t["total"].tolist() == pytest.approx([104, 100])
    assert (res.max_technical, res.max_price, res.max_total) == (100, 30, 130)
    assert t["max_total"].tolist() == [130, 130] and t["max_technical"].tolist() == [100, 100]
    assert m.maximum_text() == m.maximum_text(res) == "技術点の満点 100点／価格点の満点 30点／合計の満点 130点"
    assert m.threshold_texts() == {"min_total": "60%（= 60.0点）", "min_group": "機能 50%（= 30.0点）"}
    f = m.results_frame(res)
    assert list(f.columns[:4]) == ["順位", "事業者", "合計／満点", "除外・対象外の理由／備考"]
    assert list(f["合計／満点"]) == ["104.00 / 130", "100.00 / 130"] and list(f["技術点／満点"]) == ["80.00 / 100", "70.00 / 100"]
    sheet = m.export_frames()["結果"]
    assert list(sheet.columns[:5]) == ["順位", "事業者", "合計点", "合計の満点", "除外・対象外の理由"]
    assert sheet["合計点"].tolist() == pytest.approx([104, 100]) and sheet["合計の満点"].tolist() == [130, 130]
    rules = m.export_frames()["評価のルール"].set_index("項目")["内容"]
    assert rules["技術点の最低点"] == "60%（= 60.0点）" and rules["満点"] == m.maximum_text()
    html = vendors_report_html(m, figures=False)
    assert "技術点が満点の 60%（= 60.0点）未満は選定対象外" in html and "機能 50%（= 30.0点）" in html
    assert "合計の満点 130点" in html
    # a price formula without a maximum says so; the technical maximum stays
    m.set_rules(price={"method": "division"})
    assert m.maximums() == {"technical": 100, "price": None, "total": None}
    assert m.maximum_text() == "技術点の満点 100点／価格点：除算方式（技術点÷価格）のため満点なし"


def test_a_revision_keeps_the_maximum_and_no_total_passes_it(m):
    a, b = _priced(m)
    m.set_rules(price={"method": "lowest", "points": 30})
    entry = m.revise_weights({a: 30}, "使いやすさを重く見直した")
    # the 30 points 機能 gave up go to 使いやすさ (the only other weighted criterion): 70
    assert entry["after"] == {a: 30, b: 70} and sum(m.criteria()["weight"]) == pytest.approx(100)
    res = m.results()
    # A 30 + 70·0.5 = 65 (+24 = 89); B 15 + 70 = 85 (+30 = 115)
    assert res.table["technical"].tolist() == pytest.approx([65, 85]) and res.winners == ["V002"]
    assert (res.max_technical, res.max_total) == (pytest.approx(100), pytest.approx(130))
    assert (res.table["total"] <= res.max_total).all() and (res.table["technical"] <= res.max_technical).all()
    with pytest.raises(OhayamiError, match="超えます") as e:
        m.revise_weights({a: 120}, "機能だけで")
    assert e.value.field == "weight"
    with pytest.raises(OhayamiError, match="100 点"):
        m.revise_weights({a: 50, b: 40}, "両方を変える")
    m.revise_weights({a: 50, b: 50}, "半々にする")
    assert m.maximums()["technical"] == pytest.approx(100)


def test_a_summed_committee_has_the_maximum_of_every_evaluator(m):
    a, b = _priced(m)
    for vid in ("V001", "V002"):
        for cid in (a, b):
            m.set_score("佐藤", vid, cid, 3)
    m.set_rules(combine="sum", min_total_ratio=0.5)
    assert m.results().max_technical == 200 and m.threshold_texts()["min_total"] == "50%（= 100.0点）"


def test_blind_weighting_until_everyone_saved_or_the_facilitator_reveals(m):
    a, b = m.add_criterion("機能"), m.add_criterion("使いやすさ")
    m.ws.upsert("people", {"name": "鈴木"}, {"role": "評価者"})
    m.set_evaluator_weights("山田", "direct", {a: 70, b: 30})
    in_force = f"結果に使う重み（{m.current_weights_version().label}）"
    assert not m.weights_revealed() and list(m.weights_frame().columns) == ["評価項目", in_force]
    m.set_evaluator_weights("佐藤", "direct", {a: 50, b: 50})
    assert m.weights_pending() == ["鈴木"] and not m.weights_revealed()
    assert "佐藤" not in m.weights_frame().columns and "全員が保存するか" in m.weights_note()
    assert "保存済み：佐藤、山田／まだ：鈴木" in m.weights_note()
    m.set_evaluator_weights("鈴木", "direct", {a: 60, b: 40})
    assert m.weights_revealed() and {"山田", "佐藤", "鈴木"} <= set(m.weights_frame().columns)


def test_the_facilitator_reveals_and_scoring_locks_the_weights(m):
    a, b = m.add_criterion("機能"), m.add_criterion("使いやすさ")
    with pytest.raises(OhayamiError, match="まだ誰も"):
        m.reveal_weights()
    m.set_evaluator_weights("山田", "direct", {a: 70, b: 30})
    m.reveal_weights(actor="委員長")
    assert m.weights_revealed() and "山田" in m.weights_frame().columns and m.weights_note() == ""
    assert m.ws.get("sets", set_id="E")["weights_revealed"]
    vid = m.add_vendor("A社")
    m.set_score("山田", vid, a, 4)
    assert m.weights_locked() and LOCKED in m.weights_note()
    versions = len(m.weight_version_records())
    with pytest.raises(OhayamiError, match="固定") as e:
        m.set_evaluator_weights("山田", "direct", {a: 60, b: 40})
    assert e.value.field == "weight"
    with pytest.raises(OhayamiError, match="固定"):
        m.set_evaluator_weights("佐藤", "direct", {a: 70, b: 30})   # a newcomer cannot add weights either
    out = m.set_evaluator_weights("山田", "direct", {a: 70, b: 30})  # the same weights: kept, nothing changes
    assert out["applied"] and len(m.weight_version_records()) == versions
    assert m.criteria().set_index("criterion_id")["weight"].to_dict() == {a: pytest.approx(70), b: pytest.approx(30)}


def test_the_intuition_check_names_an_excluded_vendor_and_compares_the_rest(m):
    _gated(m)
    # 山田 feels C社 is best, but C社 failed the must-have 暗号化
    m.set_intuition("山田", {"V003": 1, "V002": 2, "V001": 3})
    c = m.check_summary()["山田"]
    assert c["excluded"] == ["C社（感覚の順位 1位）は除外・対象外です：必須項目「暗号化」を満たしていない（山田）。"
                             "順位相関は残りの 2 者で計算しました。"]
    # on the remaining two, the intuition puts B above A, the computation A (90) above B (85)
    assert c["spearman"] == pytest.approx(-1.0)
    t = c["table"].set_index("事業者")
    assert t.loc["C社", "計算の順位"] == "除外・対象外" and t.loc["C社", "感覚の順位"] == 1
    assert (t.loc["A社", "計算の順位"], t.loc["B社", "計算の順位"]) == (1, 2)
    # 機能 pushes A above B by (60 − 45) = 15 points
    assert c["drivers"] == "機能（15.0点分）"
    html = vendors_report_html(m, figures=False)
    assert "C社（感覚 1位）：必須項目「暗号化」を満たしていない（山田）" in html
    # with only one comparable vendor left, the refusal names the excluded ones
    m.set_intuition("佐藤", {"V003": 1, "V001": 2})
    assert "除外・対象外：C社" in m.check_summary()["佐藤"]["error"]


def test_the_workbook_keeps_scores_as_numbers_and_the_rules_sheet(m):
    _priced(m)
    wb = openpyxl.load_workbook(io.BytesIO(m.export_xlsx()))
    assert "評価のルール" in wb.sheetnames
    head = [c.value for c in wb["結果"][1]]
    assert head[:4] == ["順位", "事業者", "合計点", "合計の満点"]
    assert isinstance(wb["結果"].cell(row=2, column=3).value, (int, float))


def test_rankings_left_incomparable_by_the_rules_are_said_not_called_missing(tmp_path):
    """Evaluators ranked three vendors, the must-have excluded two: the report said 「感覚的な順位は入力
    されていません」 and tab 7 told them to rank two (facilitator review); now it says why it cannot compare."""
    from ohayami.reports import vendors_report_html
    from ohayami.store import open_workshop
    from ohayami.vendors import VendorWorkbench

    with open_workshop(tmp_path / "w") as ws:
        m = VendorWorkbench(ws)
        m.adopt_template([1])
        gate = m.add_criterion("データの国内保管", scale="yes/no", must_have=True)
        ids = [m.add_vendor(n, "サービス", 1_000_000) for n in ("A社", "B社", "C社")]
        first = m.criteria()["criterion_id"].iloc[0]
        for who in ("委員1", "委員2"):
            for k, vid in enumerate(ids):
                m.set_score(who, vid, first, str(5 - k))
                m.set_score(who, vid, gate, "はい" if k == 0 else "いいえ")
            m.set_intuition(who, {vid: k + 1 for k, vid in enumerate(ids)})
        checks = m.check()
        assert all("error" in c for c in checks.values())
        assert "除外されずに残った評価対象が1つだけ" in checks["委員1"]["error"]
        html = vendors_report_html(m, figures=False)
        assert "感覚的な順位は入力されていません" not in html
        assert "感覚との比較ができない理由" in html and "除外されずに残った評価対象が1つだけ" in html


def test_low_to_high_runs_from_the_worst_mark_to_the_best_on_graded_scales():
    """Split-opinion tables printed 最低 ○ / 最高 × (final review): marks are listed best first."""
    import pandas as pd

    from ohayami.scoring.scales import parse_scale
    from ohayami.workbench import scores_low_to_high

    for scale, entries, low_to_high in (("○△×", ["○", "×", "△"], ["×", "△", "○"]),
                                         ("A-E", ["A", "E", "C"], ["E", "C", "A"]),
                                         ("yes/no", ["はい", "いいえ"], ["いいえ", "はい"]),
                                         ("1-5", ["5", "1", "3"], ["1", "3", "5"])):
        cell = pd.DataFrame({"value": entries, "evaluator": [f"人{k}" for k in range(len(entries))]})
        assert list(scores_low_to_high(cell, parse_scale(scale))["value"]) == low_to_high, scale
