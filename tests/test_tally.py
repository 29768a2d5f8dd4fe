"""Saving results to the workshop and counting them."""

import io

import openpyxl
import pandas as pd
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
    assert T.primary_types(T.tally(ws)) == ["C"]


def test_a_participant_who_answers_again_counts_once(ws):
    T.record(ws, participant="山田", diagnosis=_run([True]))
    T.record(ws, participant="山田", diagnosis=_run([False, True]))
    t = T.tally(ws).set_index("type_id")
    assert t["count"].sum() == 1 and t.loc["B", "count"] == 1
    assert len(T.results(ws, latest_only=False)) == 2  # nothing is lost


def test_a_tie_is_reported_as_a_tie_in_the_charts_order(ws):
    assert T.primary_types(T.tally(ws)) == []
    T.record(ws, participant="a", diagnosis=_run([False] * 8))
    T.record(ws, participant="b", diagnosis=_run([False, False, False, True]))
    assert T.primary_types(T.tally(ws)) == ["D", "I"]
    T.record(ws, participant="c", diagnosis=_run([False] * 8))
    assert T.primary_types(T.tally(ws)) == ["I"]  # one more answer settles it


def test_summary_marks_every_tied_type_and_exports_the_share_as_a_percentage(ws):
    T.record(ws, participant="a", diagnosis=_run([True]))
    T.record(ws, participant="c", diagnosis=_run([False, False, True]))
    T.record(ws, participant="d", diagnosis=_run([False, False, True]))
    T.record(ws, participant="x", diagnosis=_run([True]))
    summary = T.summary_frame(T.tally(ws)).set_index("タイプ")
    assert list(summary.columns) == T.SUMMARY_COLUMNS[1:]
    assert summary.loc["Aタイプ", "主なタイプ"] == summary.loc["Cタイプ", "主なタイプ"] == "◎（同数）"
    assert (summary.drop(["Aタイプ", "Cタイプ"])["主なタイプ"] == "").all()
    wb = openpyxl.load_workbook(io.BytesIO(T.export_xlsx(ws)))
    sheet = wb["集計"]
    header = [c.value for c in sheet[1]]
    share = [row[header.index("割合")] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in share[:3]] == [0.5, 0, 0.5]  # numbers Excel can sum, not text
    assert {c.number_format for c in share} == {"0%"}
    assert sheet.cell(2, header.index("主なタイプ") + 1).value == "◎（同数）"
    csv = pd.read_csv(io.BytesIO(T.export_tally_csv(ws)), encoding="utf-8-sig").set_index("タイプ")
    assert csv.loc["Aタイプ", "割合"] == "50%" and csv.loc["Bタイプ", "割合"] == "0%"
    assert csv.loc["Cタイプ", "人数"] == 2


def test_answering_again_under_the_same_name_says_what_it_replaces(ws):
    first = T.record(ws, participant="山田", diagnosis=_run([False, False, True]))
    assert first["replaced"] is None and T.previous_result(ws, "山田")["result"] == "C"
    again = T.record(ws, participant=" 山田 ", diagnosis=_run([True]))  # the same name once trimmed
    assert again["replaced"] == "C" and T.previous_result(ws, "山田")["result"] == "A"
    assert T.record(ws, participant="佐藤", diagnosis=_run([True]))["replaced"] is None
    # unnamed answers are never "the same person"
    assert T.record(ws, diagnosis=_run([True]))["replaced"] is None
    assert T.record(ws, diagnosis=_run([True]))["replaced"] is None and T.previous_result(ws, "") is None


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
