"""The type E display frames the panels show (computed in the model, not in the view), and the
error funnel's reload of what is stored after a failed write."""

import sqlite3

import ipywidgets as W
import pytest

from ohayami import OhayamiError
from ohayami.ui.panel import attempt
from ohayami.vendors import MUST_HAVE_RULES, VendorWorkbench

USABILITY = "ユーザーにとっての使いやすさ・誰でも使えるかどうか"  # template item #28


@pytest.fixture
def m(ws):
    return VendorWorkbench(ws)


def _two_by_two(m):
    """Criteria #1 (1-5, 1 point) and #28 (1-5, 3 points); A社 priced, B社 not; 山田 scored both."""
    ids = m.adopt_template([1, 28])
    m.update_criterion(ids[1], weight=3)
    m.add_vendor("A社", "窓口くん", "1,200,000")
    m.add_vendor("B社")
    for vid, vals in (("V001", (5, 2)), ("V002", (1, 5))):
        for cid, val in zip(ids, vals):
            m.set_score("山田", vid, cid, val)
    return ids


def test_criteria_frame_shares_labels_and_summary(m):
    ids = m.adopt_template([1, 25, 28], must={25})
    m.update_criterion(ids[2], weight=3)
    f = m.criteria_frame()
    assert list(f.columns) == ["評価項目", "要件内訳", "求める水準（例）", "区分", "合否の判定", "尺度", "配点", "割合"]
    assert list(f["区分"]) == ["任意", "必須", "任意"] and list(f["尺度"]) == ["1～5 の整数", "はい か いいえ", "1～5 の整数"]  # words, not codes
    assert list(f["合否の判定"]) == ["", "いいえは不合格", ""]
    assert list(f["配点"]) == ["1.0", "0.0", "3.0"] and list(f["割合"]) == ["25%", "0%", "75%"]
    assert m.criteria_summary() == "全 3 項目（必須 1）。" + MUST_HAVE_RULES[False]


def test_weights_frame_one_column_per_evaluator(m):
    assert m.weights_frame().empty
    ids = m.adopt_template([1, 28])
    m.set_evaluator_weights("山田", "direct", dict(zip(ids, [30, 10])))
    m.set_evaluator_weights("佐藤", "direct", dict(zip(ids, [10, 10])))
    f = m.weights_frame().set_index("評価項目")
    in_force = f"結果に使う重み（{m.current_weights_version().label}）"
    assert list(f.columns) == ["佐藤", "山田", in_force]
    assert f.loc["機能関連", "山田"] == "75.0" and f.loc["機能関連", "佐藤"] == "50.0"
    assert f.loc["機能関連", in_force] == "62.5"  # the mean of the two shares


def test_vendors_frame_and_price_text(m):
    _two_by_two(m)
    f = m.vendors_frame()
    assert list(f["価格（円）"]) == ["1,200,000", ""] and list(f["サービス"]) == ["窓口くん", ""]
    assert (m.price_text("V001"), m.price_text("V002"), m.price_text("V404")) == ("1200000", "", "")


def test_missing_intuitions_and_rank_vote_frame(m):
    assert m.rank_vote_frame().empty
    _two_by_two(m)
    m.set_score("佐藤", "V001", m.criteria()["criterion_id"].iloc[0], 3)
    assert m.missing_intuitions() == ["佐藤", "山田"]
    m.set_intuition("山田", {"V001": 1, "V002": 2})
    assert m.missing_intuitions() == ["佐藤"]
    f = m.rank_vote_frame()
    assert list(f.columns[:3]) == ["順位", "事業者", "1位の数"] and set(f["事業者"]) == {"A社（窓口くん）", "B社"}


def test_check_summary_names_the_drivers(m):
    _two_by_two(m)
    m.set_intuition("山田", {"V001": 1, "V002": 2})  # the points (3 on #28) put B社 first
    c = m.check_summary()["山田"]
    assert c["spearman"] == pytest.approx(-1.0)
    assert list(c["table"].columns) == ["事業者", "感覚の順位", "計算の順位"]
    assert list(c["table"]["感覚の順位"]) == [1, 2] and list(c["table"]["計算の順位"]) == [2, 1]
    assert c["drivers"].startswith(USABILITY + "（") and c["drivers"].endswith("点分）") and "機能関連" not in c["drivers"]


def test_changed_points_and_revision_message(m):
    ids = _two_by_two(m)
    assert m.points_texts() == {ids[0]: "1.0", ids[1]: "3.0"}
    assert m.changed_points({ids[0]: "1.0", ids[1]: " 5 "}) == {ids[1]: " 5 "}
    assert m.changed_points({ids[0]: "1.0", ids[1]: "3.0"}) == {}
    entry = m.revise_weights({ids[1]: "0.5"}, "使いやすさの差は小さいため")
    # the maximum stays 4 points: 機能関連 takes the 2.5 points 使いやすさ gave up (1 → 3.5)
    # A (5, 2): 3.5·1 + 0.5·0.25 = 3.625; B (1, 5): 0 + 0.5·1 = 0.5 → A社 first
    assert m.revision_message(entry) == (f"重みを見直しました（{m.current_weights_version().label}）。1位：B社 → A社。"
                                         f"配点の合計（技術点の満点 4 点）は変えずに：{USABILITY} 3.0→0.5、機能関連 1.0→3.5")


def test_sensitivity_summary_tables(m):
    _two_by_two(m)
    s = m.sensitivity_summary(draws=200)
    assert s["winner"] == "B社" and set(s["names"].values()) == {"A社", "B社"}
    assert list(s["one"].columns) == ["評価項目", "いまの配点", "下げると", "上げると"]
    assert list(s["probabilities"].columns) == ["事業者", "1位", "2位"]
    row = s["one"].set_index("評価項目").loc[USABILITY]
    assert row["いまの配点"] == "3.0" and "A社 が1位" in row["下げると"] and row["上げると"] == "変わらない"


def test_attempt_reloads_what_is_stored_only_after_a_failed_write():
    msg, reloads = W.HTML(), []

    def fail(exc):
        def raise_():
            raise exc
        return raise_

    attempt(msg, fail(OhayamiError("順位は 1～3 にしてください。", field="ranking")), reload=lambda: reloads.append(1))
    assert reloads == [] and "順位は" in msg.value  # a refused entry stays on screen for correcting
    attempt(msg, fail(sqlite3.OperationalError("attempt to write a readonly database")), reload=lambda: reloads.append(2))
    assert reloads == [2] and "読み取り専用" in msg.value
    attempt(msg, fail(RuntimeError("boom")), reload=fail(OSError("gone")))  # an unreadable file: the message stays
    assert "RuntimeError" in msg.value
