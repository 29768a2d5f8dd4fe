"""Types F and G worksheet model: the guide's list, own programmes, checks with the scoring engine
(checked against hand computations), decisions with their history, exports."""

from __future__ import annotations

import datetime
import io
import sqlite3

import openpyxl
import pytest

from ohayami import exchange as X
from ohayami import store as S
from ohayami.errors import OhayamiError
from ohayami.guide import load_support_programmes, type_card
from ohayami.printouts import support_html
from ohayami.store import open_workshop
from ohayami.support import APPLY, HOLD, SKIP, SupportWorksheet, kit_criteria, parse_decision

EVIL = "<img src=x onerror=alert(1)>"
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def f(ws):
    return SupportWorksheet(ws, "F")


def _marks(m, pid, marks):
    for cid, mark in zip(m.criteria()["criterion_id"], marks):
        m.set_check(pid, cid, mark)


# ---------------------------------------------------------------------- the guide's list

def test_the_csv_holds_every_programme_the_guides_yaml_names_with_its_place():
    csv = load_support_programmes()
    for kind in "FG":
        names = set(csv[csv.kind == kind]["name"])
        for p in type_card(kind).extras["programmes"]:
            assert p["name"] in names, (kind, p["name"])
            row = csv[(csv.kind == kind) & (csv.name == p["name"])].iloc[0]
            assert row["provider"] == p["ministry"] and row["guide_place"].startswith("3章")
            if p["source"] == "guide":   # the guide's own table: its words unchanged
                assert row["description"] == p["description"]
    assert (csv["source"].isin(["guide", "ohayami"])).all()


def test_loading_the_guide_list_is_one_action_and_never_doubles(ws):
    g = SupportWorksheet(ws, "G")
    expected = load_support_programmes().query("kind == 'G'")["name"].tolist()
    assert g.load_guide_list() == len(expected)
    assert g.load_guide_list() == 0
    assert g.programmes()["name"].tolist() == expected
    assert SupportWorksheet(ws, "F").programmes().empty        # the kinds keep their own lists


def test_an_own_programme_is_added_edited_and_deleted(f):
    pid = f.add_programme(" 県DX補助金 ", "〇〇県", "2026年12月1日", "https://example.jp/dx", EVIL)
    row = f.programme(pid)
    assert (row["name"], row["deadline"], row["note"], row["source"]) == ("県DX補助金", "2026-12-01", EVIL, "own")
    f.update_programme(pid, name="県DX推進補助金", deadline="2026/12/15")
    assert f.programme(pid)["deadline"] == "2026-12-15" and f.programme(pid)["name"] == "県DX推進補助金"
    _marks(f, pid, "○○○○")
    f.remove_programme(pid)
    assert f.programmes().empty and f.checks().empty


@pytest.mark.parametrize("call, field, words", [
    (lambda m: m.add_programme(""), "name", "名前が空"),
    (lambda m: m.add_programme("x" * 81), "name", "80文字"),
    (lambda m: m.add_programme("デジタル田園都市国家構想交付金"), "name", "すでに一覧"),
    (lambda m: m.add_programme("ＤＸ補助金", deadline="2026-02-30"), "deadline", "ありえない日付"),
    (lambda m: m.add_programme("ＤＸ補助金", deadline="来月"), "deadline", "日付として読めません"),
    (lambda m: m.update_programme(m.programmes().programme_id[0], name="別の名前"), "name", "名前は変えられません"),
    (lambda m: m.update_programme(m.programmes().programme_id[0], provider="県"), "provider", "所管は変えられません"),
    (lambda m: m.remove_programme(m.programmes().programme_id[0]), "programme", "削除できません"),
    (lambda m: m.programme("P999"), "programme", "ありません"),
    (lambda m: m.set_check(m.programmes().programme_id[0], "K1", "◎"), "check", "○・△・×"),
    (lambda m: m.set_check(m.programmes().programme_id[0], "K9", "○"), "criterion", "確認項目"),
    (lambda m: m.set_criterion("K1", weight="-1"), "weight", "0"),
    (lambda m: m.set_criterion("K1", weight="abc"), "weight", "配点"),
    (lambda m: m.set_criterion("K1", must_have="yes"), "must_have", "はい"),
])
def test_refusals_name_their_field_and_change_nothing(f, call, field, words):
    f.load_guide_list()
    before = X.table_snapshot(f.ws)
    with pytest.raises(OhayamiError) as info:
        call(f)
    assert info.value.field == field and words in info.value.message
    assert X.table_snapshot(f.ws) == before


def test_a_guide_entry_takes_a_deadline_url_and_memo(f):
    f.load_guide_list()
    pid = f.programmes().programme_id[0]
    f.update_programme(pid, name=f.programme(pid)["name"], deadline="2026/9/30", url="https://www.chisou.go.jp/",
                       note="内閣府に相談済み")
    assert f.programme(pid)["deadline"] == "2026-09-30"


def test_all_points_zero_is_refused_and_the_criteria_are_the_kits_four(f):
    assert f.criteria()["name"].tolist() == [c[1] for c in kit_criteria("F")]
    assert SupportWorksheet(f.ws, "G").criteria()["name"][1] == "対象となる人材・役割"
    with pytest.raises(OhayamiError, match="すべて 0"):
        f.set_criteria({c: (0, False) for c in f.criteria()["criterion_id"]})
    assert f.criteria()["weight"].tolist() == [40, 30, 15, 15]   # all or nothing


# ---------------------------------------------------------------------- the engine

def test_ranking_matches_a_hand_computation_with_gates_and_a_passed_deadline(f):
    f.load_guide_list()
    a, b, c = f.programmes()["programme_id"]
    own = f.add_programme("県DX補助金", deadline="2026-03-31")   # before TODAY
    late = f.add_programme("市町村DX基金", deadline="2026-12-01")
    _marks(f, a, "○○△○")   # 40 + 30 + 15×0.5 + 15 = 92.5
    _marks(f, b, "○△○×")   # 40 + 30×0.5 + 15 + 0 = 70 (× on a criterion that is not a must-have)
    _marks(f, c, "○○×○")   # × on 締切に間に合う (must-have): excluded whatever its 85 points
    _marks(f, own, "○○○○")  # 100, but its deadline has passed
    _marks(f, late, "○△")   # two of four checked: still being checked
    r = f.ranking(TODAY)
    assert r.index.tolist() == [a, b, late, c, own]
    assert r.loc[a, "点数"] == 92.5 and r.loc[b, "点数"] == 70.0 and r.loc[c, "点数"] == 85.0
    assert (r.loc[a, "順位"], r.loc[b, "順位"]) == (1, 2)
    assert r.loc[c, "判定"] == "対象外" and r.loc[c, "理由"] == "必須項目「締切に間に合う」を満たしていない"
    assert r.loc[own, "判定"] == "対象外" and "締切（2026-03-31）を過ぎている" in r.loc[own, "理由"]
    assert r.loc[late, "判定"] == "確認中" and "締切に間に合う、必要書類を用意できる" in r.loc[late, "理由"]
    assert (r["満点"] == 100).all()
    # new weights: 10/10/40/40 and 対象経費 a must-have → b (△ passes the gate) = 10 + 5 + 40 + 0 = 55
    f.set_criteria({"K1": ("10", True), "K2": ("10", True), "K3": ("40", True), "K4": ("40", False)})
    r = f.ranking(TODAY)
    assert r.loc[a, "点数"] == 10 + 10 + 20 + 40 and r.loc[b, "点数"] == 55
    assert r.index.tolist()[:2] == [a, b]


def test_clearing_a_mark_puts_the_programme_back_to_being_checked(f):
    pid = f.add_programme("県DX補助金")
    _marks(f, pid, "○○○○")
    assert f.ranking().loc[pid, "判定"] == "候補"
    assert f.set_check(pid, "K4", "") == ""
    assert f.ranking().loc[pid, "判定"] == "確認中"


# ---------------------------------------------------------------------- decisions

def test_a_decision_keeps_reason_deadline_who_and_jst_time_and_a_change_keeps_the_history(f):
    pid = f.add_programme("県DX補助金", deadline="2026-12-01")
    d1 = f.decide(pid, "申請する", "対象経費に入る", who="企画課 山田", today=TODAY)
    assert (d1.decision, d1.deadline, d1.actor, d1.no) == (APPLY, "2026-12-01", "企画課 山田", 1)
    assert d1.at.endswith("+09:00")
    d2 = f.decide(pid, "保留", "県の要綱の改定を待つ", "2026年7月1日", who="DX推進会議", today=TODAY)
    assert f.decision(pid) == d2 and d2.deadline == "2026-07-01" and d2.no == 2
    hist = f.history_frame()
    assert hist["決定"].tolist() == ["申請する", "保留"] and hist["理由"].tolist() == ["対象経費に入る", "県の要綱の改定を待つ"]
    assert f.decisions_frame()["決定"].tolist() == ["保留"]
    assert "年" in f.decisions_frame()["日時（JST）"][0]
    assert f.ranking().loc[pid, "決定"] == "保留"
    with pytest.raises(OhayamiError, match="決定の記録"):
        f.remove_programme(pid)


def test_decisions_are_listed_by_deadline_those_without_last(f):
    ids = [f.add_programme(n, deadline=d) for n, d in (("A補助金", "2026-12-01"), ("B補助金", ""), ("C補助金", "2026-08-01"))]
    for pid in ids:
        f.decide(pid, SKIP if pid == ids[1] else HOLD, "理由あり", who="山田", today=TODAY)
    assert f.decisions_frame()["支援策"].tolist() == ["C補助金", "A補助金", "B補助金"]


@pytest.mark.parametrize("kw, field, words", [
    ({"decision": "申請する", "reason": "  "}, "reason", "理由が空"),
    ({"decision": "たぶん", "reason": "x"}, "decision", "申請する"),
    ({"decision": "見送る", "reason": "x", "who": ""}, "who", "決めた人が空"),
    ({"decision": "申請する", "reason": "x"}, "deadline", "締切が必要"),
    ({"decision": "申請する", "reason": "x", "deadline": "2026-05-31"}, "deadline", "過ぎています"),
    ({"decision": "保留", "reason": "x", "deadline": "2026/13/1"}, "deadline", "ありえない日付"),
])
def test_decision_refusals(f, kw, field, words):
    pid = f.add_programme("県DX補助金")
    before = X.table_snapshot(f.ws)
    args = {"who": "山田", "deadline": ""} | kw
    with pytest.raises(OhayamiError) as info:
        f.decide(pid, args["decision"], args["reason"], args["deadline"], args["who"], today=TODAY)
    assert info.value.field == field and words in info.value.message
    assert X.table_snapshot(f.ws) == before


def test_parse_decision_reads_codes_and_labels():
    assert [parse_decision(w) for w in ("申請する", "skip", "保留")] == [APPLY, SKIP, HOLD]


# ---------------------------------------------------------------------- exports

def test_exports_keep_text_as_text_and_the_printout_escapes(f):
    pid = f.add_programme("=HYPERLINK(\"http://x\")", deadline="2026-12-01", note=EVIL)
    _marks(f, pid, "○○○○")
    f.decide(pid, "申請する", EVIL, who="山田", today=TODAY)
    book = openpyxl.load_workbook(io.BytesIO(f.export_xlsx()))
    assert {"決定", "確認結果", "確認項目と配点", "財源の支援策の一覧", "決定の履歴"} <= set(book.sheetnames)
    cell = next(c for row in book["確認結果"].iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"    # text, never a formula
    page = support_html(f)
    assert "size: A4 portrait" in page and EVIL not in page and "&lt;img src=x" in page
    assert "申請する" in page and "2026-12-01" in page


def test_whole_workshop_export_and_import_keep_the_support_tables(f, tmp_path):
    f.load_guide_list()
    pid = f.programmes().programme_id[0]
    _marks(f, pid, "○△")
    f.decide(pid, "保留", "要綱待ち", who="山田")
    other = open_workshop(tmp_path / "copy")
    X.import_workbook(other, X.export_xlsx(f.ws))
    for t in ("support_programmes", "support_criteria", "support_checks", "support_decisions"):
        assert X.table_snapshot(other)[t] == X.table_snapshot(f.ws)[t], t
    assert SupportWorksheet(other, "F").decision(pid) == f.decision(pid)


def test_a_version_7_file_gets_the_support_tables(tmp_path):
    path = tmp_path / "old.ohayami"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for v in range(1, 8):
        for step in S.MIGRATIONS[v]:
            step(con) if callable(step) else con.execute(step)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("app", S.APP_ID), ("schema_version", "7"),
                                                      ("workshop_id", "v7"), ("created_at", "2025-05-01")])
    con.commit()
    con.close()
    w = open_workshop(path)
    assert w.schema_version() == S.SCHEMA_VERSION >= 8 and (tmp_path / "old.ohayami.bak-v7").exists()
    for name in ("support_programmes", "support_criteria", "support_checks", "support_decisions"):
        cols = [r[1] for r in w._conn.execute(f'PRAGMA table_info("{name}")')]
        assert tuple(cols) == S.TABLES[name].columns
    assert SupportWorksheet(w, "G").load_guide_list() > 0


# ---------------------------------------------------------------------- stored rows a typed entry could not give

def _crafted(f):
    """The guide's list, two own programmes, decisions; then rows no form could store, written past the model."""
    f.load_guide_list()
    good = f.add_programme("県DX補助金", deadline="2026-12-01")
    bad = f.add_programme("町の独自基金")
    f.decide(good, "申請する", "対象経費に入る", who="企画課", today=TODAY)
    f.decide(bad, "保留", "県に確認中", who="企画課", today=TODAY)
    f.decide(bad, "見送る", "対象外", who="企画課", today=TODAY)
    ws = f.ws
    ws.upsert("support_programmes", {"kind": "F", "programme_id": bad}, {"deadline": "zzz"})
    ws.upsert("support_programmes", {"kind": "F", "programme_id": "P001"}, {"name": "\x01\x07"})
    ws.upsert("support_decisions", {"kind": "F", "programme_id": good, "no": 2},
              {"decision": "たぶん", "reason": "x", "actor": "誰か", "at": "2026-06-02T10:00:00+09:00"})
    return good, bad


def test_crafted_programmes_and_decisions_are_named_and_left_out_while_the_rest_shows(f):
    good, bad = _crafted(f)
    before = f.ws.revision()
    problems = f.stored_problems()
    assert any("support_programmes）」の「P001」（列「名前」" in p and "空" in p and "直" in p for p in problems)
    assert any(f"support_programmes）」の「{bad}」（列「締切」" in p and "「zzz」" in p for p in problems)
    assert any(f"support_decisions）」の「{good}・2」（列「決定」" in p and "申請する" in p for p in problems)
    assert f.programme_problems() == problems[:2] and f.decision_problems() == problems[2:]
    listed = list(f.programmes()["programme_id"])
    assert "P001" not in listed and bad not in listed and {"P002", "P003", good} <= set(listed)
    ranking = f.ranking(TODAY)
    assert set(ranking.index) == set(listed) and "zzz" not in ranking.to_string()
    # a bad latest decision is not replaced by the one before it: nothing is in force for that programme
    assert f.decision(good) is None and [d.no for d in f.history(good)] == [1]
    assert f.decision(bad).label == "見送る" and [d.label for d in f.history(bad)] == ["保留", "見送る"]
    page = support_html(f)
    assert "たぶん" not in page and "zzz" not in page and "町の独自基金" not in page
    f.export_xlsx()
    picks = {pid: label for label, pid in f.programme_picks()}          # every stored row, to be fixed in the form
    assert picks["P001"] == "P001 （要修正）"
    assert picks[bad] == f"{bad} 町の独自基金（要修正）" and picks[good] == f"{good} 県DX補助金"
    assert f.ws.revision() == before                                    # reading wrote nothing


def test_an_unusable_programme_takes_no_check_nor_decision_until_it_is_fixed(f):
    good, bad = _crafted(f)
    for action in (lambda: f.decide(bad, "保留", "確認中", who="企画課", today=TODAY),
                   lambda: f.set_check(bad, "K1", "○")):
        with pytest.raises(OhayamiError) as info:
            action()
        assert info.value.field == "programme" and "町の独自基金" in info.value.message and "直" in info.value.message
    assert [d.no for d in f.history(bad)] == [1, 2]
    f.update_programme(bad, deadline="2026-11-30")                      # corrected in the form
    assert bad in set(f.programmes()["programme_id"]) and not any(bad in p for p in f.programme_problems())
    f.set_check(bad, "K1", "○")
    # a new decision after the unusable one is numbered past it and is the one in force again
    d = f.decide(good, "見送る", "今年度は見送る", who="企画課", today=TODAY)
    assert d.no == 3 and f.decision(good).label == "見送る"
    # the guide's list: a programme whose stored name is gone comes back, one with a bad field is not doubled
    f.ws.upsert("support_programmes", {"kind": "F", "programme_id": "P002"}, {"deadline": "来週"})
    assert f.load_guide_list() == 1
    names = list(f.programmes(all_rows=True)["name"])
    assert names.count(load_support_programmes().query("kind == 'F'")["name"].iloc[0]) == 1
    assert names.count(f.programme("P002")["name"]) == 1 and f.load_guide_list() == 0
