"""Import (all or nothing, every encoding) and export (Japanese headers, formulas neutralised, round trip)."""

import io

import openpyxl
import pandas as pd
import pytest

from ohayami import exchange as X
from ohayami.io import csv_bytes, neutralise, unneutralise, xlsx_bytes
from ohayami.store import open_workshop

SURVEY = "課題,生活のワンシーン,出どころ\n証明書の窓口が昼に混む,昼休みに住民票を取りに行く,住民アンケート\n" \
         "バスの本数が少ない,高齢者が通院する,首長\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("sep", [",", "\t"])
def test_problems_from_every_encoding_and_separator(ws, encoding, sep):
    raw = SURVEY.replace(",", sep).replace("\n", "\r\n").encode(encoding)
    assert X.import_table(ws, "problems", raw, name="survey.csv") == 2
    p = ws.rows("problems").sort_values("problem_id")
    assert list(p.problem_id) == ["P001", "P002"]
    assert list(p.title) == ["証明書の窓口が昼に混む", "バスの本数が少ない"]
    assert list(p.origin) == ["住民アンケート", "首長"]


def test_problems_from_xlsx(ws):
    data = xlsx_bytes({"回答": pd.DataFrame({"課題": ["ごみ出しの分別が分かりにくい"], "出どころ": ["問い合わせ"]})})
    assert X.import_table(ws, "problems", data, name="q.xlsx") == 1
    assert ws.rows("problems").loc[0, "title"] == "ごみ出しの分別が分かりにくい"


def test_a_bad_import_lists_every_bad_row_and_writes_nothing(ws):
    ws.upsert("problems", {"problem_id": "P001"}, {"title": "既にある課題"})
    csv = ("課題,出どころ\n正しい課題,原課\n,原課\n既にある課題,首長\n" + "長" * 201 + ",原課\n正しい課題,原課\n").encode()
    with pytest.raises(X.ImportRefused) as e:
        X.import_table(ws, "problems", csv, name="bad.csv")
    rows = [r for r, _ in e.value.errors]
    assert rows == [3, 4, 5, 6]
    msg = str(e.value)
    assert "4 件の誤り" in msg and "何も取り込んでいません" in msg and "3行目：「課題」が空です" in msg
    assert "重複" in msg and "200文字以内" in msg
    assert list(ws.rows("problems").title) == ["既にある課題"]


def test_vendors_criteria_and_scores(ws):
    X.import_table(ws, "vendors", "事業者名,サービス,価格\nA社,窓口くん,\"1,200,000\"\nB社,スマート窓口,980000円\n".encode("cp932"),
                   name="v.csv")
    v = ws.rows("vendors").set_index("vendor_id")
    assert v.loc["V001", "price"] == 1_200_000 and v.loc["V002", "price"] == 980_000
    X.import_table(ws, "criteria", "評価項目ID,評価項目,要件内訳,必須,尺度,配点\nf1,機能,機能,任意,1-5,30\n"
                   "s1,暗号化,セキュリティ,必須,,10\nu1,使いやすさ,ユーザビリティ,任意,A-E,20\n".encode(), name="c.csv", set_id="E")
    c = ws.rows("criteria").set_index("criterion_id")
    assert c.loc["s1", "must_have"] == 1 and c.loc["s1", "scale"] == "yes/no" and c.loc["f1", "weight"] == 30
    X.import_table(ws, "scores", "評価者\t事業者ID\t評価項目ID\t点数\n山田\tV001\tf1\t５\n山田\tV001\ts1\tはい\n"
                   "山田\tV001\tu1\tB\n".encode("cp932"), name="s.tsv", set_id="E")
    s = ws.rows("scores").set_index("criterion_id")["value"].to_dict()
    assert s == {"f1": "5", "s1": "はい", "u1": "B"}


@pytest.mark.parametrize("csv,needle", [
    ("価格,事業者名\n-5,A社\n", "0 より大きい"),
    ("価格,事業者名\nたかい,A社\n", "0 より大きい"),
    ("価格,事業者名\n100,\n", "事業者名）が空"),
])
def test_bad_vendor_rows(ws, csv, needle):
    with pytest.raises(X.ImportRefused, match=needle):
        X.import_table(ws, "vendors", csv.encode(), name="v.csv")
    assert ws.rows("vendors").empty


def test_scores_outside_the_scale_or_unknown(ws):
    X.import_table(ws, "criteria", "評価項目ID,評価項目,尺度\nf1,機能,1-5\n".encode(), set_id="C")
    ws.upsert("problems", {"problem_id": "P001"}, {"title": "t"})
    with pytest.raises(X.ImportRefused) as e:
        X.import_table(ws, "scores", "評価者,課題ID,評価項目ID,点数\n山田,P001,f1,6\n山田,P002,f1,3\n山田,P001,zz,3\n"
                       "山田,P001,f1,3\n山田,P001,f1,4\n".encode(), set_id="C")
    got = dict(e.value.errors)
    assert "尺度の外" in got[2] and "P002" in got[3] and "zz" in got[4] and "2行目と同じ" in got[5] and "2行目と同じ" in got[6]
    assert ws.rows("scores").empty


def test_missing_key_column_is_named(ws):
    with pytest.raises(X.ImportRefused, match="評価者（evaluator）"):
        X.import_table(ws, "scores", "事業者ID,評価項目ID,点数\nV1,c,1\n".encode(), set_id="E")


def test_formula_injection_is_neutralised():
    for v in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x"]:
        assert neutralise(v).startswith("'") and unneutralise(neutralise(v)) == v
    assert neutralise("普通の文") == "普通の文" and neutralise(-2) == -2
    raw = csv_bytes(pd.DataFrame({"課題": ["=HYPERLINK(\"http://evil\")", "@x"], "点": [1, -2]}))
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\r\n'@x,-2" in text
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": pd.DataFrame({"a": ["=1+1", "-x", "ok"]})})))
    cells = [c for c in wb["s"]["A"][1:]]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == ["=1+1", "-x", "ok"] and cells[0].quotePrefix and not cells[2].quotePrefix


def _fill(ws):
    X.import_table(ws, "problems", SURVEY.encode(), name="survey.csv")
    ws.upsert("problems", {"problem_id": "P001"}, {"who": "市民", "evidence": "=アンケートで不満多数", "position": 1})
    ws.upsert("visions", {"problem_id": "P001"}, {"beneficiary": "窓口を利用する住民", "degree": "待ち時間 60分→15分"})
    ws.upsert("vendors", {"vendor_id": "V001"}, {"name": "@A社", "price": 1200000.5, "notes": "-割引あり"})
    ws.upsert("criteria", {"set_id": "E", "criterion_id": "c1"}, {"name": "機能", "scale": "○△×-2", "weight": 40,
                                                               "must_have": 0, "direction": "higher"})
    ws.upsert("criteria", {"set_id": "E", "criterion_id": "c2"}, {"name": "セキュリティ", "scale": "yes/no",
                                                               "must_have": 1, "direction": "higher"})
    ws.upsert("scores", {"set_id": "E", "evaluator": "山田", "alternative_id": "V001", "criterion_id": "c1"}, {"value": "×"})
    ws.upsert("scores", {"set_id": "E", "evaluator": "山田", "alternative_id": "V001", "criterion_id": "c2"}, {"value": "はい"})
    ws.upsert("weights", {"set_id": "E", "evaluator": "山田", "criterion_id": "c1"}, {"value": 0.4, "reason": "+多世代が使う"})
    ws.upsert("rankings", {"set_id": "E", "evaluator": "山田", "alternative_id": "V001"}, {"rank": 1})
    ws.upsert("people", {"name": "山田"}, {"department": "企画課", "role": "評価者"})
    ws.set_setting("cut_line", {"top": 3})
    from ohayami import tally
    from ohayami.chart import Diagnosis
    d = Diagnosis()
    d.answer(False)
    d.answer(True)
    tally.record(ws, participant="佐藤", diagnosis=d)


def test_export_then_import_gives_back_the_same_workshop(tmp_path):
    a = open_workshop(tmp_path / "a")
    _fill(a)
    data = X.export_xlsx(a)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["課題", "実現したい地域像", "事業者・サービス"] and wb.sheetnames[-1] == "変更履歴"
    assert "参加者" in wb.sheetnames
    assert [c.value for c in wb["課題"][1]][:3] == ["課題ID", "課題", "生活のワンシーン"]
    b = open_workshop(tmp_path / "b")
    counts = X.import_workbook(b, data, name="export.xlsx")
    assert counts["problems"] == 2 and counts["scores"] == 2 and counts["chart_results"] == 1
    assert X.table_snapshot(a) == X.table_snapshot(b)


def test_workbook_import_is_all_or_nothing_across_sheets(tmp_path):
    a = open_workshop(tmp_path / "a")
    _fill(a)
    wb = openpyxl.load_workbook(io.BytesIO(X.export_xlsx(a)))
    wb["評価点"]["E2"] = "△△"  # a bad score on the last sheets
    buf = io.BytesIO()
    wb.save(buf)
    b = open_workshop(tmp_path / "b")
    with pytest.raises(X.ImportRefused, match="シート「評価点」"):
        X.import_workbook(b, buf.getvalue(), name="edited.xlsx")
    assert all(b.rows(t).empty for t in ["problems", "vendors", "criteria", "scores", "people"])


def test_csv_round_trip_of_one_table(ws, tmp_path):
    _fill(ws)
    frame = X.export_frames(ws)["事業者・サービス"]
    raw = csv_bytes(frame)
    b = open_workshop(tmp_path / "b")
    X.import_table(b, "vendors", raw, name="vendors.csv")
    assert X.table_snapshot(ws)["vendors"] == X.table_snapshot(b)["vendors"]


def test_every_table_as_csv_comes_back(tmp_path):
    a = open_workshop(tmp_path / "a")
    _fill(a)
    files = X.export_csv_files(a, tmp_path / "csv")
    assert {f.name for f in files} >= {"課題.csv", "事業者・サービス.csv", "評価点.csv", "変更履歴.csv"}
    assert all(f.read_bytes().startswith(b"\xef\xbb\xbf") for f in files)
    b = open_workshop(tmp_path / "b")
    for table in ("people", "problems", "visions", "vendors", "criteria", "weights", "scores", "rankings", "chart_results",
                  "settings"):
        from ohayami.store import TABLES
        X.import_table(b, table, tmp_path / "csv" / f"{TABLES[table].label}.csv")
    assert X.table_snapshot(a) == X.table_snapshot(b)


def test_import_treats_titles_as_the_form_does(ws):
    """Width, spaces and punctuation do not make a different problem, in a file or against the workshop."""
    ws.upsert("problems", {"problem_id": "P001"}, {"title": "証明書の窓口が昼に混む"})
    csv = "課題\n証明書の窓口が 昼に混む。\nＢＵＳが少ない\nbusが少ない\n".encode()
    with pytest.raises(X.ImportRefused) as e:
        X.import_table(ws, "problems", csv, name="survey.csv")
    assert [r for r, _ in e.value.errors] == [2, 4]
    assert "P001" in e.value.errors[0][1]


def test_the_whole_workshop_excel_reads_in_words_and_comes_back(tmp_path):
    """Town-hall staff read answers, codes, names and JST times; the ids and stored times stay for the import."""
    from ohayami import tally
    from ohayami.chart import Diagnosis
    a = open_workshop(tmp_path / "a")
    _fill(a)
    a.upsert("criteria", {"set_id": "E", "criterion_id": "reach"}, {"name": "届く範囲", "scale": "1-5", "must_have": 0,
                                                                 "direction": "higher"})
    a.upsert("scores", {"set_id": "E", "evaluator": "山田", "alternative_id": "V001", "criterion_id": "reach"}, {"value": "3"})
    a.upsert("cut_lines", {"set_id": "C"}, {"mode": "top", "value": 5})
    a.set_setting("app.kind", "chart")
    d = Diagnosis()
    d.answer(True)
    while not d.done:
        d.answer(False)
    tally.record(a, participant="佐藤", diagnosis=d)   # answers again: replaces the first
    frames = X.export_frames(a)
    chart = frames["診断結果"]
    assert list(chart["回答"]) [0].startswith("Q1 いいえ、") and set(chart["方式"]) == {"チャート"}
    assert list(chart["最新"]) == ["（置き換え済み）", "○"]
    assert "結果ID" in chart.columns and chart["日時（日本時間）"].str.match(r"\d{4}年\d+月\d+日 \d\d:\d\d$").all()
    assert chart["日時（記録用）"].iloc[0] == a.rows("chart_results").sort_values("created_at")["created_at"].iloc[0]
    scores = frames["評価点"].set_index("評価項目ID")
    assert scores.loc["reach", "評価項目名"] == "届く範囲" and scores.loc["reach", "評価対象名"] == "@A社"
    assert frames["評価項目"].set_index("評価項目ID").loc["c2", "必須"] == "必須"
    assert frames["絞り込みの基準"]["方式"].iloc[0] == "上位N件"
    settings = frames["設定"].set_index("項目")
    assert settings.loc["app.kind", "値の意味"] == "診断チャート"
    log = frames["変更履歴"]
    assert "settings" not in set(log["表"]) and "設定" in set(log["表"]) and '["app.kind"]' not in set(log["行"])
    assert "app.kind" in set(log["行"]) and not log["日時"].str.contains(r"\+00:00|T\d").any()
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, X.export_xlsx(a), name="export.xlsx")
    assert X.table_snapshot(a) == X.table_snapshot(b)
    assert b.get("cut_lines", set_id="C")["mode"] == "top"


def _edited_workbook(a, sheet: str, edit) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(X.export_xlsx(a)))
    edit(wb[sheet])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append_setting(key: str, value: str):
    def edit(sh):
        header = [c.value for c in sh[1]]
        row = [None] * len(header)
        row[header.index("項目")], row[header.index("値（記録用）")] = key, value
        sh.append(row)
    return edit


def _set_setting(key: str, value: str):
    def edit(sh):
        header = [c.value for c in sh[1]]
        for row in sh.iter_rows(min_row=2):
            if row[header.index("項目")].value == key:
                row[header.index("値（記録用）")].value = value
    return edit


def test_a_workbook_cannot_set_the_scoring_sheets_signing_key(tmp_path):
    """Whoever wrote the key into a workbook could sign scoring sheets the workshop would accept."""
    from ohayami import sheets
    a = open_workshop(tmp_path / "a")
    _fill(a)
    data = _edited_workbook(a, "設定", _append_setting(X.SHEET_SECRET, '"' + "00" * 32 + '"'))
    b = open_workshop(tmp_path / "b")
    with pytest.raises(X.ImportRefused) as e:
        X.import_workbook(b, data, name="crafted.xlsx")
    assert "sheet_secret" in e.value.message and "シート「設定」" in str(e.value)
    assert len(e.value.errors) == 1 and "行目" in e.value.message
    assert b.setting(sheets.SECRET_KEY) is None and b.rows("problems").empty   # nothing imported


@pytest.mark.parametrize("value, words", [('"Z"', "種類"), ("7", "種類"), ('"chart "', "種類")])
def test_a_workbook_kind_must_be_one_of_the_kinds(tmp_path, value, words):
    a = open_workshop(tmp_path / "a")
    _fill(a)
    b = open_workshop(tmp_path / "b")
    with pytest.raises(X.ImportRefused, match=words):
        X.import_workbook(b, _edited_workbook(a, "設定", _append_setting("app.kind", value)), name="x.xlsx")
    assert b.setting("app.kind") is None and b.rows("problems").empty


def test_a_workbook_kind_and_date_of_the_app_come_back(tmp_path):
    a = open_workshop(tmp_path / "a")
    _fill(a)
    a.set_setting("app.kind", "E")
    a.set_setting("app.date", "2026-11-27")
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, X.export_xlsx(a), name="x.xlsx")
    assert (b.setting("app.kind"), b.setting("app.date")) == ("E", "2026-11-27")
    with pytest.raises(X.ImportRefused, match="開催日"):
        X.import_workbook(b, _edited_workbook(a, "設定", _set_setting("app.date", '"2026-13-40"')), name="x.xlsx")
    assert b.setting("app.date") == "2026-11-27"


def test_a_workbook_keeps_the_workshops_own_join_code(tmp_path):
    """/j/<code> leads to one workshop: a file's code would send another workshop's participants here."""
    a = open_workshop(tmp_path / "a")
    _fill(a)
    a.set_setting("app.code", "ACDEF")
    b = open_workshop(tmp_path / "b")
    b.set_setting("app.code", "WXY34")
    X.import_workbook(b, X.export_xlsx(a), name="x.xlsx")
    assert b.setting("app.code") == "WXY34" and not b.rows("problems").empty


@pytest.mark.parametrize("when", ["9999", "きのう", "2026-11-27", "2026-13-01T10:00:00"])
def test_stored_times_must_be_times(tmp_path, when):
    a = open_workshop(tmp_path / "a")
    _fill(a)

    def edit(sh):
        col = [c.value for c in sh[1]].index("日時（記録用）") + 1
        sh.cell(row=2, column=col, value=when)
    b = open_workshop(tmp_path / "b")
    with pytest.raises(X.ImportRefused) as e:
        X.import_workbook(b, _edited_workbook(a, "診断結果", edit), name="x.xlsx")
    assert [r for r, _ in e.value.errors] == [2] and "日時（記録用）" in e.value.message and f"「{when}」" in e.value.message
    assert b.rows("chart_results").empty and b.rows("problems").empty
