"""Type E model: criteria from the template, several evaluators' weights and scores, must-haves,
thresholds, price, ties, the intuition check, revised weights, sensitivity and the report."""

import re
import io

import numpy as np
import openpyxl
import pytest

from ohayami import OhayamiError
from ohayami.reports import vendors_report_html
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench


@pytest.fixture
def m(ws):
    return VendorWorkbench(ws)


def _setup(m, scores_by_evaluator=None):
    """Criteria #1 (機能関連), #9 (通常時の要求速度), #25 (データ暗号化, 必須), #28 (使いやすさ), #31 (コスト);
    vendors A, B, C."""
    ids = m.adopt_template([1, 9, 25, 28, 31], must={25})
    for n, s, p in (("A社", "窓口くん", 1_200_000), ("B社", "スマート窓口", 900_000), ("C社", "かんたん窓口", 1_500_000)):
        m.add_vendor(n, s, p)
    m.set_evaluator_weights("山田", "direct", dict(zip(ids, [40, 10, 0, 30, 20])))
    m.set_evaluator_weights("佐藤", "direct", dict(zip(ids, [30, 20, 0, 30, 20])))
    default = {
        "山田": {"V001": [5, 4, "はい", 4, 3], "V002": [4, 4, "はい", 5, 4], "V003": [5, 5, "いいえ", 5, 5]},
        "佐藤": {"V001": [4, 4, "はい", 4, 3], "V002": [4, 3, "はい", 4, 4], "V003": [5, 5, "はい", 5, 5]},
    }
    for who, per in (scores_by_evaluator or default).items():
        for vid, vals in per.items():
            for cid, v in zip(ids, vals):
                m.set_score(who, vid, cid, v)
    return ids


def test_template_items_become_criteria(m):
    ids = m.adopt_template([1, 25, 29], must={25})
    c = m.criteria().set_index("criterion_id")
    assert list(c["name"]) == ["機能関連", "データ暗号化", "開発体制・運用保守体制、責任者の経歴・資格有無"]
    assert c.loc[ids[1], "must_have"] == 1 and c.loc[ids[1], "scale"] == "yes/no" and c.loc[ids[1], "grp"] == "セキュリティ"
    assert c.loc[ids[2], "requirement"] == "取引要件" and "統括責任者" in c.loc[ids[2], "example"]
    # a must-have keeps its scale; on 1–5 the committee states the pass level, or the change is refused
    with pytest.raises(OhayamiError, match="合格の水準") as e:
        m.update_criterion(ids[0], example="住民票・印鑑証明の申請書を自動作成できる", must_have=True)
    assert e.value.field == "pass_level" and m.criteria().set_index("criterion_id").loc[ids[0], "must_have"] == 0
    m.update_criterion(ids[0], example="住民票・印鑑証明の申請書を自動作成できる", must_have=True, pass_level="3")
    c = m.criteria().set_index("criterion_id")
    assert c.loc[ids[0], "example"].startswith("住民票") and c.loc[ids[0], "scale"] == "1-5"
    assert c.loc[ids[0], "must_have"] == 1 and c.loc[ids[0], "pass_level"] == "3"
    with pytest.raises(OhayamiError, match="#40"):
        m.adopt_template([40])
    with pytest.raises(OhayamiError, match="サービス要件"):
        m.update_criterion(ids[0], requirement="その他")


def test_criteria_template_round_trip(m, tmp_path):
    m.adopt_template([1, 25], must={25})
    m.add_criterion("24時間の予約受付", group="機能", example="夜間も予約できる")
    data = m.criteria_template_xlsx()
    other = VendorWorkbench(open_workshop(tmp_path / "next"))
    assert other.import_criteria(data, name="template.xlsx") == 3
    a = m.criteria()[["name", "grp", "must_have", "scale", "example"]]
    b = other.criteria()[["name", "grp", "must_have", "scale", "example"]]
    assert a.to_dict("records") == b.to_dict("records")
    # a type C criteria table imported as a type E template lands in set E
    import pandas as pd
    from ohayami.io import csv_bytes
    c_table = pd.DataFrame({"評価セット": ["C"], "評価項目ID": ["x1"], "名前": ["影響の大きさ"], "尺度": ["1-5"]})
    assert other.import_criteria(csv_bytes(c_table), name="c.csv") == 1
    assert "影響の大きさ" in set(other.criteria()["name"]) and other.ws.rows("criteria", set_id="C").empty


def test_weights_side_by_side_and_combined(m):
    ids = _setup(m)
    ew = m.evaluator_weights()
    assert set(ew.index) == {"佐藤", "山田"} and ew.loc["山田"].sum() == pytest.approx(100)
    combined = m.criteria().set_index("criterion_id")["weight"]
    assert combined[ids[0]] == pytest.approx(35) and combined[ids[1]] == pytest.approx(15)
    assert combined.sum() == pytest.approx(100)
    with pytest.raises(OhayamiError, match="すべて 0"):
        m.set_evaluator_weights("鈴木", "direct", {i: 0 for i in ids})
    with pytest.raises(OhayamiError, match="名前"):
        m.set_evaluator_weights(" ", "direct", {i: 1 for i in ids})
    assert len(m.evaluator_weights()) == 2  # nothing saved for the refused ones


def test_pairwise_weights_of_several_evaluators_use_the_geometric_mean(m):
    ids = m.adopt_template([1, 9, 28])
    m.set_evaluator_weights("山田", "pairwise", {(ids[0], ids[1]): 4, (ids[0], ids[2]): 2, (ids[1], ids[2]): 1 / 2})
    out = m.set_evaluator_weights("佐藤", "pairwise", {(ids[0], ids[1]): 1, (ids[0], ids[2]): 2, (ids[1], ids[2]): 2})
    assert "CR" in out["message"]
    assert "幾何平均" in m.weight_message()
    w = m.criteria().set_index("criterion_id")["weight"]
    # geometric means: (0,1) = √(4·1) = 2, (0,2) = √(2·2) = 2, (1,2) = √(½·2) = 1 → a consistent matrix
    # whose priorities are 1/2, 1/4, 1/4 (the mean of the two evaluators' own priorities would differ)
    assert w[ids[0]] > w[ids[1]] and w.sum() == pytest.approx(100)
    assert w.to_dict() == pytest.approx({ids[0]: 50, ids[1]: 25, ids[2]: 25})


def test_results_with_must_have_exclusion_price_threshold_and_reasons(m):
    _setup(m)
    m.set_rules(price={"method": "lowest", "points": 30}, min_total_ratio=0.5)
    r = m.results()
    t = r.table
    assert t.loc["V003", "excluded"] and "必須項目「データ暗号化」を満たしていない（山田）" in t.loc["V003", "reasons"]
    # lowest price among the eligible: B 900,000 → B 30 points, A 30 × 0.75 = 22.5
    assert t.loc["V002", "price_score"] == pytest.approx(30) and t.loc["V001", "price_score"] == pytest.approx(22.5)
    assert set(r.winners) <= {"V001", "V002"} and not np.isnan(t.loc["V001", "rank"])
    # by hand, points 35/15/0/30/20, ratios (v − 1)/4 averaged over the two evaluators:
    # A 35·0.875 + 15·0.75 + 30·0.75 + 20·0.5 = 74.375 (+ 22.5); B 35·0.75 + 15·0.625 + 30·0.875 + 20·0.75 = 76.875 (+ 30)
    assert t.total.loc[["V001", "V002"]].to_list() == pytest.approx([96.875, 106.875])
    assert r.winners == ["V002"]
    m.set_rules(min_total_ratio=0.99)
    t = m.results().table
    assert not t.selectable.any() and "最低基準" in t.loc["V001", "reasons"][0]


def test_ceiling_and_bad_rules(m):
    _setup(m)
    m.set_rules(price={"method": "additive", "points": 30, "ceiling": 1_300_000})
    t = m.results().table
    assert t.loc["V003", "excluded"] and any("予定価格" in s for s in t.loc["V003", "reasons"])
    before = m.rules_record()
    with pytest.raises(OhayamiError, match="予定価格"):
        m.set_rules(price={"method": "additive", "points": 30})
    with pytest.raises(OhayamiError, match="0～1"):
        m.set_rules(min_total_ratio=60)
    assert m.rules_record() == before


def test_missing_price_is_named(m):
    _setup(m)
    m.add_vendor("D社", "", "")
    m.set_rules(price={"method": "lowest", "points": 30})
    with pytest.raises(OhayamiError, match="未入力：D社"):
        m.results()


def test_tie_broken_by_price(m):
    ids = m.adopt_template([1])
    m.add_vendor("A社", "", 1_000_000)
    m.add_vendor("B社", "", 800_000)
    for vid in ("V001", "V002"):
        m.set_score("山田", vid, ids[0], 4)
    t = m.results().table
    assert t["tie"].all() and (t["rank"] == 1).all()
    m.set_rules(tie_break=["price"])
    t = m.results().table
    assert t.loc["V002", "rank"] == 1 and t.loc["V001", "rank"] == 2 and "価格の安さ" in t.loc["V002", "note"]


def test_intuition_check_and_revision_with_reason(m):
    ids = _setup(m)
    m.set_rules(price=None)
    # by hand: A (78.75 + 70) / 2 = 74.375; B (82.5 + 71.25) / 2 = 76.875 → B wins
    assert m.results().table.technical.loc[["V001", "V002"]].tolist() == pytest.approx([74.375, 76.875])
    assert m.results().winners == ["V002"]
    # both evaluators feel A is better than B
    m.set_intuition("山田", {"V001": 1, "V002": 2, "V003": 3})
    m.set_intuition("佐藤", {"V001": 1, "V002": 2})
    checks = m.check()
    assert set(checks) == {"山田", "佐藤", "（委員会の平均）"}
    assert checks["山田"]["discordant_pairs"] == 1 and checks["山田"]["spearman"] < 1
    with pytest.raises(OhayamiError, match="理由"):
        m.revise_weights({ids[3]: 5}, "  ")
    entry = m.revise_weights({ids[3]: 5, ids[4]: 5}, "使いやすさの差を重く見すぎていたため")
    assert entry["before"][ids[3]] == pytest.approx(30) and entry["after"][ids[3]] == 5
    assert m.revisions()[-1]["reason"] == "使いやすさの差を重く見すぎていたため"
    assert m.results().winners == ["V001"]
    hist = m.ws.history("criteria")
    assert (hist.field == "weight").any()
    with pytest.raises(OhayamiError, match="2社以上"):
        m.set_intuition("鈴木", {"V001": 1})
    with pytest.raises(OhayamiError, match="1～3"):
        m.set_intuition("鈴木", {"V001": 1, "V002": 9})


def test_sensitivity(m):
    _setup(m)
    s = m.sensitivity(draws=2000)
    p = s["probabilities"]
    assert "V003" not in p.index and np.allclose(p.sum(axis=1), 1)
    assert set(s["one_at_a_time"]["criterion_id"]) == set(m.criteria()["criterion_id"])


def test_vendor_input_is_checked(m):
    m.add_vendor("A社", "窓口くん", "1,200,000円")
    assert m.vendors().loc[0, "price"] == 1_200_000
    for bad, msg in (("0", "0 より大きく"), ("安い", "数（円）")):
        with pytest.raises(OhayamiError, match=msg):
            m.add_vendor("B社", "", bad)
    with pytest.raises(OhayamiError, match="すでにあります"):
        m.add_vendor("A社", "窓口くん", "")
    with pytest.raises(OhayamiError, match="空です"):
        m.add_vendor("  ")
    assert len(m.vendors()) == 1


def test_exports_and_report(m):
    _setup(m)
    m.add_vendor("<script>alert(1)</script>", "=cmd", 1_000_000)
    m.set_weight_reason(m.criteria().criterion_id[3], "多世代が利用するサービスのため")
    frames = m.export_frames()
    for sheet in ("評価項目", "評価者ごとの重み", "事業者", "採点"):
        assert sheet in frames
    wb = openpyxl.load_workbook(io.BytesIO(m.export_xlsx()))
    cell = [c for row in wb["事業者"].iter_rows() for c in row if c.value == "=cmd"][0]
    assert cell.data_type == "s"
    html = vendors_report_html(m, figures=False)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "多世代が利用するサービスのため" in html and "選定理由書" in html


def test_full_results_and_report_once_everyone_scored(m):
    _setup(m)
    m.set_intuition("山田", {"V001": 1, "V002": 2, "V003": 3})
    m.revise_weights({m.criteria().criterion_id[0]: 50}, "機能を重視")
    frames = m.export_frames()
    assert {"結果", "要件内訳ごとの小計", "評価者ごとの技術点", "評価のばらつき", "重みの見直し"} <= set(frames)
    html = vendors_report_html(m, figures=True)
    assert "1位：" in html and "結果の頑健さ" in html and "data:image/png;base64," in html


def test_results_frame_is_what_screen_and_report_show(m):
    _setup(m)
    m.set_rules(price={"method": "lowest", "points": 30})
    res = m.results()
    f = m.results_frame(res)
    # what decides comes first; the combined points are 35, 15, 0 (必須), 30, 20: 技術点の満点 100, 価格点 30
    assert list(f.columns) == ["順位", "事業者", "合計／満点", "除外・対象外の理由／備考", "技術点／満点", "価格",
                               "価格点／満点", *[f"{g}（満点 {res.group_max[g]:g}）" for g in res.groups.columns
                                                 if res.group_max[g] > 0], "ばらつき"]
    # the must-have データ暗号化 (配点 0) is the only criterion of セキュリティ: no column of 0.0 out of 0
    assert res.group_max["セキュリティ"] == 0 and "セキュリティ（満点 0）" not in f.columns
    assert (res.max_technical, res.max_price, res.max_total) == (pytest.approx(100), 30, pytest.approx(130))
    assert list(f.index) == list(res.ranking.index)
    w = res.winners[0]
    assert f.loc[w, "順位"] == "1" and f.loc[w, "合計／満点"] == f"{res.table.loc[w, 'total']:.2f} / 130"
    assert f.loc["V002", "価格"] == "900,000" and f.loc["V002", "価格点／満点"] == "30.00 / 30"
    assert f.loc["V003", "順位"] == "" and "データ暗号化" in f.loc["V003", "除外・対象外の理由／備考"]
    mean = res.spread[res.spread.alternative_id == "V001"].disagreement.mean()
    assert f.loc["V001", "ばらつき"] == f"{mean:.2f}" and mean > 0
    assert f.attrs["maximums"] == "技術点の満点 100点／価格点の満点 30点／合計の満点 130点"
    html = vendors_report_html(m, figures=False)
    assert "ばらつき</th>" not in html and re.search(rf"<td[^>]*>{re.escape(str(f.loc['V001', '技術点／満点']))}</td>", html)


def test_must_have_warning_above_about_a_third(m):
    m.adopt_template(list(range(1, 13)), must={1, 2, 3, 4, 5})  # 5 of 12: more than a third and more than three
    assert "必須項目が 5 個" in m.must_have_warning()
    m.update_criterion(m.criteria()["criterion_id"][0], must_have=False)  # 4 of 12: a third
    assert m.must_have_warning() == ""
