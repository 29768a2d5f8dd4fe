"""The facilitator's cockpit model: who joined, n of N scored cells, missing intuitions and dots."""

from datetime import datetime, timedelta

import pytest

from ohayami import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.progress import progress, progress_lines, progress_table, record_join
from ohayami.vendors import VendorWorkbench
from ohayami.workbench import ROOM


@pytest.fixture
def e(ws):
    m = VendorWorkbench(ws)
    m.adopt_template([1, 9, 28])          # 3 criteria
    for name in ("A社", "B社"):            # 2 vendors → 6 cells each
        m.add_vendor(name, "", 1_000_000)
    return m


@pytest.fixture
def c(ws):
    m = ProblemWorkbench(ws)
    for t in ("窓口の待ち時間", "駐輪場が足りない", "バスが少ない"):
        m.add_problem(t)
    return m


def _score_all(m, who, alts=None, value=None):
    crit = m.criteria()
    for a in alts if alts is not None else m.alternatives()["alternative_id"]:
        for r in crit.itertuples():
            m.set_score(who, a, r.criterion_id, value or ("はい" if "はい" in r.scale else "3"))


def _row(frame, name):
    rows = frame[frame["name"] == name]
    assert len(rows) == 1, list(frame["name"])
    return rows.iloc[0]


def test_type_e_counts_cells_per_person_and_names_missing_intuitions(e):
    vids = list(e.vendors()["vendor_id"])
    cids = list(e.criteria()["criterion_id"])
    assert record_join(e.ws, "E", "山田") is True
    assert record_join(e.ws, "E", "山田") is False            # the first time stays
    record_join(e.ws, "E", "佐藤")
    record_join(e.ws, "E", "鈴木")
    _score_all(e, "山田")
    e.set_score("佐藤", vids[0], cids[0], "3")
    e.set_score("佐藤", vids[1], cids[0], "4")
    e.set_score("高橋", vids[0], cids[1], "2")                 # scored without naming first: still counted
    e.set_intuition("山田", {vids[0]: 1, vids[1]: 2})
    f = progress(e)
    assert list(f["name"]) == ["山田", "佐藤", "鈴木", "高橋"]
    assert [tuple(_row(f, n)[["scored", "expected"]]) for n in f["name"]] == [(6, 6), (2, 6), (0, 6), (1, 6)]
    assert list(f["intuition"]) == [True, False, False, False]
    assert bool(_row(f, "高橋")["joined"]) and _row(f, "高橋")["joined_at"] == ""
    when = datetime.fromisoformat(_row(f, "山田")["joined_at"])
    assert when.utcoffset() == timedelta(hours=9)               # JST
    lines = progress_lines(f)
    assert lines[0] == "4人中4人が参加しています。"
    assert lines[1] == "4人中1人が採点を終えました。"
    assert lines[2] == "採点が終わっていない人：佐藤（2/6）、鈴木（0/6）、高橋（1/6）"
    assert lines[3] == "感覚的な順位を入れていない人：佐藤、鈴木、高橋"
    table = progress_table(f)
    assert list(table.columns) == ["名前", "参加", "採点", "状況", "感覚的な順位"]
    assert table.iloc[0].tolist()[2:] == ["6/6", "済", "済"]
    assert table.iloc[1].tolist()[2:] == ["2/6", "あと4", "未入力"]
    assert table.iloc[3]["参加"] == "参加" and len(table.iloc[0]["参加"]) == 5   # 「14:02」


def test_a_person_known_but_not_joined_and_a_removed_participant(e):
    e.ws.upsert("people", {"name": "欠席者"}, {"role": "参加者"})
    record_join(e.ws, "E", "途中退出")
    f = progress(e)
    assert list(f["name"]) == ["欠席者", "途中退出"] and list(f["joined"]) == [False, True]
    assert progress_table(f)["参加"].tolist()[0] == "まだ"
    e.ws.delete("people", {"name": "途中退出"})             # the facilitator removes them
    f = progress(e)
    assert list(f["name"]) == ["欠席者"]
    assert progress_lines(f)[:2] == ["1人中0人が参加しています。", "1人中0人が採点を終えました。"]


def test_removed_criterion_or_vendor_changes_what_is_expected(e):
    _score_all(e, "山田")
    assert tuple(_row(progress(e), "山田")[["scored", "expected"]]) == (6, 6)
    e.add_vendor("C社", "", 2_000_000)
    assert tuple(_row(progress(e), "山田")[["scored", "expected"]]) == (6, 9)
    e.delete_vendor("V003")
    e.remove_criterion(e.criteria()["criterion_id"].iloc[-1])
    assert tuple(_row(progress(e), "山田")[["scored", "expected"]]) == (4, 4)


def test_type_c_excluded_problems_dots_and_rounds(c):
    crit = list(c.criteria()["criterion_id"])
    for extra in crit[2:]:                                    # keep two criteria: 3 problems → 6 cells
        c.remove_criterion(extra)
    k = crit[0]
    pids = list(c.problems()["problem_id"])
    record_join(c.ws, "C", "田中")
    record_join(c.ws, "C", "伊藤")
    _score_all(c, "田中")
    _score_all(c, ROOM)                                       # the room is not a person
    c.set_score("伊藤", pids[0], k, "5")
    f = progress(c)
    assert list(f["name"]) == ["田中", "伊藤"]
    assert "dots" not in f and "intuition" not in f and "round_scored" not in f
    assert tuple(_row(f, "伊藤")[["scored", "expected"]]) == (1, 6)
    c.set_exclusion(pids[2], "対象外")                           # no longer asked of anyone
    f = progress(c)
    assert tuple(_row(f, "田中")[["scored", "expected"]]) == (4, 4)
    c.place_dot("伊藤", pids[0])
    f = progress(c)
    assert list(f["dots"]) == [0, 1] and list(f["dots_budget"]) == [3, 3]
    assert "シールを貼り終えていない人：田中（0/3）、伊藤（1/3）" in progress_lines(f)
    assert progress_table(f)["シール"].tolist() == ["0/3", "1/3"]
    c.open_round([pids[0]])
    c.set_round_score(2, "田中", pids[0], k, "4")
    f = progress(c)
    assert list(f["round_scored"]) == [1, 0] and list(f["round_expected"]) == [2, 2]
    assert "2回目の採点が終わっていない人：田中（1/2）、伊藤（0/2）" in progress_lines(f)
    assert "2回目の採点" in progress_table(f).columns


def test_nothing_to_score_and_nobody_yet(ws):
    c = ProblemWorkbench(ws)                                   # criteria from the template, no problem yet
    assert progress_lines(progress(c)) == ["まだ誰も参加していません。参加者が名前を入れると、ここに表示されます。"]
    record_join(c.ws, "C", "田中")
    lines = progress_lines(progress(c))
    assert lines == ["1人中1人が参加しています。", "採点する対象（評価項目と、課題または事業者）がまだありません。"]


def test_record_join_refuses_bad_names_and_ignores_the_room(ws):
    assert record_join(ws, "C", ROOM) is False and record_join(ws, "C", "  ") is False
    assert ws.rows("joins").empty and ws.rows("people").empty
    with pytest.raises(OhayamiError) as err:
        record_join(ws, "C", "長" * 200)
    assert err.value.field == "name"
    assert record_join(ws, "C", "田\u200b中") is True           # stored without the invisible character
    assert list(ws.rows("joins")["name"]) == ["田中"] and list(ws.rows("people")["name"]) == ["田中"]
    rev = ws.revision()
    assert record_join(ws, "C", "田中") is False and ws.revision() == rev   # nothing written the second time
