"""Saving results to the workshop and counting them."""

import pytest

from ohayami import OhayamiError
from ohayami import tally as T
from ohayami.chart import Diagnosis
from ohayami.store import open_workshop


def _run(answers):
    d = Diagnosis()
    for a in answers:
        d.answer(a)
    return d


def test_record_and_tally(ws):
    T.record(ws, participant="山田", department="企画課", diagnosis=_run([True]))
    T.record(ws, participant="佐藤", diagnosis=_run([False, False, True]))
    T.record(ws, participant="鈴木", diagnosis=_run([False, False, True]))
    T.record(ws, mode=T.MODE_ALL, answers=[(f"Q{i}", i in (2, 6)) for i in range(1, 9)])
    t = T.tally(ws).set_index("type_id")
    assert t.loc["C", "count"] == 2 and t.loc["A", "count"] == 1 and t.loc["B", "count"] == 1
    assert t.loc["F", "count"] == 0 and t.loc["F", "applies"] == 1
    assert t["count"].sum() == 4 and t.loc["C", "share"] == 0.5
    assert T.primary_type(T.tally(ws)) == "C"


def test_a_participant_who_answers_again_counts_once(ws):
    T.record(ws, participant="山田", diagnosis=_run([True]))
    T.record(ws, participant="山田", diagnosis=_run([False, True]))
    t = T.tally(ws).set_index("type_id")
    assert t["count"].sum() == 1 and t.loc["B", "count"] == 1
    assert len(T.results(ws, latest_only=False)) == 2  # nothing is lost


def test_primary_type_tie_goes_to_the_earlier_type(ws):
    assert T.primary_type(T.tally(ws)) is None
    T.record(ws, participant="a", diagnosis=_run([False] * 8))
    T.record(ws, participant="b", diagnosis=_run([False, False, False, True]))
    assert T.primary_type(T.tally(ws)) == "D"


def test_unfinished_or_bad_records_are_refused_and_nothing_is_written(ws):
    with pytest.raises(OhayamiError, match="終わっていません"):
        T.record(ws, participant="x", diagnosis=_run([False]))
    with pytest.raises(OhayamiError, match="60文字") as e:
        T.record(ws, participant="長" * 61, diagnosis=_run([True]))
    assert e.value.field == "participant"
    with pytest.raises(OhayamiError, match="未回答"):
        T.record(ws, mode=T.MODE_ALL, answers=[("Q1", True)])
    assert ws.rows("chart_results").empty and ws.rows("people").empty


def test_results_survive_reopening(tmp_path):
    w = open_workshop(tmp_path / "round")
    T.record(w, participant="山田", department="企画課", diagnosis=_run([False, True]))
    w.close()
    w = open_workshop(tmp_path / "round.ohayami")
    res = T.results(w)
    assert list(res.participant) == ["山田"] and res.loc[0, "answers"] == [
        {"question_id": "Q1", "answer": False}, {"question_id": "Q2", "answer": True}]
    assert w.get("people", name="山田")["department"] == "企画課"
    table = T.results_table(w)
    assert list(table.loc[0, ["名前", "タイプ", "Q1", "Q2", "Q3"]]) == ["山田", "B", "いいえ", "はい", ""]
