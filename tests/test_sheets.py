"""Scoring sheets: generated per evaluator, filled by a script as a person would in Excel, imported back."""

import io

import openpyxl
import pandas as pd
import pytest

from ohayami import sheets as S
from ohayami.exchange import ImportRefused
from ohayami.store import open_workshop

ALTS = pd.DataFrame({"alternative_id": ["V001", "V002", "V003"], "name": ["A社 窓口くん", "B社 スマート窓口", "C社 =cmd"]})
CRIT = pd.DataFrame({"criterion_id": ["f1", "u1", "s1", "c1"], "name": ["機能", "使いやすさ", "暗号化（必須）", "費用"],
                     "scale": ["1-5", "A-E", "yes/no", "1-3"], "must_have": [0, 0, 1, 0],
                     "direction": ["higher", "higher", "higher", "lower"]})
GOOD = [[5, "B", "はい", 1], [3, "A", "いいえ", 3], [4, "C", "はい", 2]]


def _sheet(ws, evaluator="山田"):
    return openpyxl.load_workbook(io.BytesIO(S.scoring_sheet(ws, "E", evaluator, ALTS, CRIT)))


def _import(ws, data, name):
    return S.import_scoring_sheet(ws, data, set_id="E", alternatives=ALTS, criteria=CRIT, name=name)


def _fill(wb, values=GOOD):
    sh = wb[S.SHEET]
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            sh.cell(S.FIRST_ROW + i, S.FIRST_COL + j).value = v
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sheet_layout_protection_and_validation(ws):
    wb = _sheet(ws)
    sh = wb[S.SHEET]
    assert sh["B2"].value == ws.name and sh["B3"].value == "山田"
    assert sh.protection.sheet
    assert not sh.cell(S.FIRST_ROW, S.FIRST_COL).protection.locked
    assert sh.cell(S.FIRST_ROW, 2).protection.locked and sh["B3"].protection.locked
    assert sh.cell(S.FIRST_ROW + 2, 2).value == "C社 =cmd" and sh.cell(S.FIRST_ROW + 2, 2).data_type == "s"
    dvs = {str(dv.sqref): dv for dv in sh.data_validations.dataValidation}
    assert dvs["C10:C12"].type == "whole" and (dvs["C10:C12"].formula1, dvs["C10:C12"].formula2) == ("1", "5")
    assert dvs["D10:D12"].type == "list" and dvs["D10:D12"].formula1 == '"A,B,C,D,E"'
    assert dvs["E10:E12"].formula1 == '"はい,いいえ"'
    assert wb[S.META].sheet_state == "veryHidden"


def test_filled_sheets_from_two_evaluators_come_back(ws):
    assert _import(ws, _fill(_sheet(ws, "山田")), name="yamada.xlsx") == 12
    assert _import(ws, _fill(_sheet(ws, "佐藤"), [[4, "A", "はい", 2]] * 3), name="sato.xlsx") == 12
    s = ws.rows("scores")
    assert len(s) == 24
    yamada = s[s.evaluator == "山田"].set_index(["alternative_id", "criterion_id"])["value"]
    assert yamada[("V002", "s1")] == "いいえ" and yamada[("V001", "f1")] == "5" and yamada[("V003", "u1")] == "C"
    assert set(ws.history("scores").actor) == {"山田", "佐藤"}


def test_missing_and_out_of_scale_scores_name_every_cell(ws):
    bad = [[6, "B", "はい", 1], [None, "F", "たぶん", 3], [4, "C", "はい", 0]]
    with pytest.raises(ImportRefused) as e:
        _import(ws, _fill(_sheet(ws), bad), name="yamada.xlsx")
    cells = [c for c, _ in e.value.errors]
    assert cells == ["評価シート!C10", "評価シート!C11", "評価シート!D11", "評価シート!E11", "評価シート!F12"]
    assert "yamada.xlsx" in str(e.value) and "点数が空です（B社 スマート窓口 × 機能）" in str(e.value)
    assert ws.rows("scores").empty


def test_sheet_for_another_workshop(ws, tmp_path):
    other = open_workshop(tmp_path / "other")
    with pytest.raises(ImportRefused, match="別のワークショップ"):
        _import(ws, _fill(_sheet(other)), name="other.xlsx")
    assert ws.rows("scores").empty


def test_changed_layout(ws):
    wb = _sheet(ws)
    sh = wb[S.SHEET]
    sh.protection.sheet = False
    sh.delete_cols(S.FIRST_COL + 1)  # someone removed the 使いやすさ column
    with pytest.raises(ImportRefused, match="評価シート!D7") as e:
        _import(ws, _fill(wb, [[5, "はい", 1]] * 3), name="edited.xlsx")
    assert "列の追加・削除・並べ替え" in str(e.value)
    wb = _sheet(ws)
    wb[S.SHEET]["A11"] = "V009"
    with pytest.raises(ImportRefused, match="評価シート!A11"):
        _import(ws, _fill(wb), name="edited.xlsx")
    assert ws.rows("scores").empty


def test_not_a_scoring_sheet(ws):
    plain = openpyxl.Workbook()
    buf = io.BytesIO()
    plain.save(buf)
    with pytest.raises(ImportRefused, match="評価シートではありません"):
        _import(ws, buf.getvalue(), name="plain.xlsx")
    with pytest.raises(Exception, match="Excel ファイルとして読めません"):
        _import(ws, b"not excel", name="x.xlsx")


def test_sheet_needs_an_evaluator_and_content(ws):
    with pytest.raises(Exception, match="評価者の名前"):
        S.scoring_sheet(ws, "E", " ", ALTS, CRIT)
    with pytest.raises(Exception, match="1つ以上"):
        S.scoring_sheet(ws, "E", "山田", ALTS.iloc[:0], CRIT)
