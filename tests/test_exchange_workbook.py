"""The whole-workshop Excel as a town-hall manager opens it: numbers are numbers (SUM works), settings
show their plain value, only the sheets that hold rows, the main ones first; and type E's export tab
writes it too. The import still reads it back exactly."""

import io

import openpyxl
import pytest

from chain_fill import fill_c
from ohayami import exchange as X
from ohayami.store import TABLES, open_workshop


def _c_workshop(ws):
    fill_c(ws)
    ws.set_setting("app.kind", "C")
    ws.set_setting("app.date", "2026-11-27")
    return ws


@pytest.fixture
def c_ws(tmp_path):
    ws = _c_workshop(open_workshop(tmp_path / "c"))
    yield ws
    ws.close()


def _book(ws) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(X.export_xlsx(ws)))


def _column(sheet, header: str) -> list:
    headers = [c.value for c in sheet[1]]
    k = headers.index(header)
    return [row[k].value for row in sheet.iter_rows(min_row=2)]


def test_scores_are_numbers_that_excel_can_sum(c_ws):
    values = _column(_book(c_ws)["評価点"], "値")
    assert len(values) == len(c_ws.rows("scores")) > 10
    assert all(type(v) is int for v in values), values[:5]
    assert sum(values) == sum(int(v) for v in c_ws.rows("scores")["value"])


def test_marks_words_and_number_like_text_stay_text_and_come_back(tmp_path):
    a = open_workshop(tmp_path / "a")
    a.upsert("vendors", {"vendor_id": "V001"}, {"name": "A社"})
    scales = {"m": "○△×", "y": "yes/no", "n": "1-5", "h": "1-10"}
    for cid, scale in scales.items():
        a.upsert("criteria", {"set_id": "E", "criterion_id": cid}, {"name": cid, "scale": scale, "must_have": 0,
                                                                     "direction": "higher"})
    for cid, value in {"m": "△", "y": "はい", "n": "2", "h": "10"}.items():
        a.upsert("scores", {"set_id": "E", "evaluator": "山田", "alternative_id": "V001", "criterion_id": cid},
                 {"value": value})
    # free text that only looks like a number: a leading zero, a trailing zero, an exponent, a huge number
    a.upsert("problems", {"problem_id": "P001"}, {"title": "2026", "how_much": "007", "who": "2.50", "cause": "1e3",
                                                  "evidence": "12345678901234567890", "position": 1})
    book = _book(a)
    scores = dict(zip(_column(book["評価点"], "評価項目ID"), _column(book["評価点"], "値")))
    assert scores == {"m": "△", "y": "はい", "n": 2, "h": 10}
    problem = {h: v for h, v in zip([c.value for c in book["課題"][1]], next(book["課題"].iter_rows(min_row=2)))}
    assert problem["課題"].value == 2026
    assert [problem[h].value for h in ("どの程度", "誰が", "要因", "検証結果")] == \
        ["007", "2.50", "1e3", "12345678901234567890"]
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, X.export_xlsx(a), name="a.xlsx")
    assert X.table_snapshot(a) == X.table_snapshot(b)
    assert b.get("scores", set_id="E", evaluator="山田", alternative_id="V001", criterion_id="n")["value"] == "2"


def test_settings_show_the_plain_value_and_keep_the_stored_one_for_the_import(c_ws, tmp_path):
    sheet = _book(c_ws)["設定"]
    headers = [c.value for c in sheet[1]]
    assert "値" not in headers and headers[:2] == ["設定の名前", "値の意味"]
    plain = dict(zip(_column(sheet, "項目"), _column(sheet, "値の意味")))
    assert plain["app.date"] == "2026-11-27" and plain["app.kind"].startswith("C")
    assert not any(str(v).startswith('"') for v in plain.values())
    record = dict(zip(_column(sheet, "項目"), _column(sheet, "値（記録用）")))
    assert record["app.date"] == '"2026-11-27"'
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, X.export_xlsx(c_ws), name="c.xlsx")
    assert (b.setting("app.kind"), b.setting("app.date")) == ("C", "2026-11-27")
    assert X.table_snapshot(c_ws) == X.table_snapshot(b)


def test_an_earlier_export_with_the_json_under_its_plain_header_still_imports(c_ws, tmp_path):
    book = _book(c_ws)
    sheet = book["設定"]
    for cell in sheet[1]:
        if cell.value == "値（記録用）":
            cell.value = "値"   # as the whole-workshop Excel headed it before
        elif cell.value == "値の意味":
            cell.value = None
            for (c,) in sheet.iter_rows(min_row=2, min_col=cell.column, max_col=cell.column):
                c.value = None
    buf = io.BytesIO()
    book.save(buf)
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, buf.getvalue(), name="old.xlsx")
    assert b.setting("app.date") == "2026-11-27"


def test_only_sheets_with_rows_the_workshops_own_first(c_ws):
    book = _book(c_ws)
    empty = [sh.title for sh in book.worksheets if sh.max_row < 2]
    assert not empty
    assert book.sheetnames[:2] == ["課題", "実現したい地域像"] and book.sheetnames[-1] == "変更履歴"
    labels = {TABLES[t].label for t in TABLES if not c_ws.rows(t).empty and t != "snapshots"}
    assert labels <= set(book.sheetnames)
    assert not {"支援策", "担い手", "事業者・サービス", "基本の3ポイント"} & set(book.sheetnames)
    assert len(book.sheetnames) < 20


def test_a_sheet_left_out_neither_fails_nor_deletes(c_ws, tmp_path):
    """The import reads a table's rows from its sheet; a table without a sheet keeps what it has."""
    b = open_workshop(tmp_path / "b")
    b.upsert("vendors", {"vendor_id": "V009"}, {"name": "Z社"})
    b.upsert("role_owners", {"owner_id": "O001"}, {"owner_name": "企画課", "owner_kind": "dept"})
    counts = X.import_workbook(b, X.export_xlsx(c_ws), name="c.xlsx")
    assert counts["scores"] == len(c_ws.rows("scores")) and "vendors" not in counts
    assert b.get("vendors", vendor_id="V009")["name"] == "Z社" and len(b.rows("role_owners")) == 1
    assert X.table_snapshot(b)["problems"] == X.table_snapshot(c_ws)["problems"]


def test_an_empty_workshop_still_gives_a_workbook(tmp_path):
    ws = open_workshop(tmp_path / "empty")
    book = _book(ws)
    assert len(book.sheetnames) >= 1
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, X.export_xlsx(ws), name="empty.xlsx")
    assert all(b.rows(t).empty for t in TABLES if t != "settings")


def test_type_e_export_tab_writes_the_whole_workshop(tmp_path, exported):
    from chain_fill import fill_e
    from ohayami.ui.vendors import ExportPanel, VendorsView

    v = VendorsView(tmp_path / "e")
    fill_e(v.ws)
    panel = v.panel(ExportPanel)
    panel.all_btn.click()
    path = exported(tmp_path / "e_出力", "e_全体", "xlsx")
    assert path.name in panel.x_msg.value and "download=" in panel.x_msg.value
    book = openpyxl.load_workbook(path)
    assert {"事業者・サービス", "評価項目", "評価点", "変更履歴"} <= set(book.sheetnames)
    assert all(type(x) is int for x in _column(book["評価点"], "値"))
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, path.read_bytes(), name=path.name)
    assert X.table_snapshot(b) == X.table_snapshot(v.ws)


def test_the_sheet_order_names_every_table_the_import_reads():
    assert sorted(X.SHEET_ORDER) == sorted(X.EXPORT_ORDER) and len(set(X.SHEET_ORDER)) == len(X.SHEET_ORDER)
