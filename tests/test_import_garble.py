"""Issue 13 item 12: imports that used to garble without an error. Each file is either refused with
its true reason (and nothing is written) or read correctly; none ends in the misleading 「課題が空です」."""

from __future__ import annotations

import pytest

from hostile_xlsx import sheet_xml, workbook
from ohayami import exchange as X
from ohayami.errors import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.textio import title_key
from ohayami.vendors import VendorWorkbench

EMPTY_TITLE = "「課題」が空"


def _refused(ws, raw: bytes, name: str, table: str = "problems") -> str:
    before = X.table_snapshot(ws)
    with pytest.raises(OhayamiError) as e:
        X.import_table(ws, table, raw, name=name)
    assert X.table_snapshot(ws) == before
    message = str(e.value)
    assert EMPTY_TITLE not in message
    return message


def _titles(ws) -> list[str]:
    return list(ws.rows("problems").sort_values("problem_id")["title"])


# ---------------------------------------------------------------------- refused with the reason

def test_an_unclosed_quote_is_refused_naming_its_line(ws):
    raw = '課題,出どころ\n証明書の窓口が混む,原課\n"バスが少ない,首長\nごみの分別,原課\n街灯が暗い,首長\n'.encode()
    msg = _refused(ws, raw, "quote.csv")
    assert "3 行目で始まる引用符「\"」が閉じていません" in msg


def test_text_after_a_closing_quote_is_refused_naming_its_line(ws):
    msg = _refused(ws, '課題,出どころ\n"窓口"が混む,原課\n'.encode(), "quote.csv")
    assert "2 行目の引用符「\"」の後ろに文字があります" in msg


def test_a_quoted_cell_with_a_line_break_is_one_row(ws):
    """The same quote rules still read Excel's own multi-line cells."""
    X.import_table(ws, "problems", '課題,生活のワンシーン\n窓口が混む,"昼休みに\n行くと1時間"\nバスが少ない,通院\n'.encode())
    assert _titles(ws) == ["窓口が混む", "バスが少ない"]
    assert ws.rows("problems").set_index("title").loc["窓口が混む", "scene"] == "昼休みに\n行くと1時間"


@pytest.mark.parametrize("raw,row,column", [
    ("課題,出どころ\n窓口が混む,原課\nバスが少ない,首長,通院に困る\n", 3, "C列（見出しより右）"),
    ("課題,,出どころ\n窓口が混む,昼に行く,原課\n", 2, "B列（見出しが空の列）"),
])
def test_cells_without_a_header_are_refused_naming_the_row(ws, raw, row, column):
    msg = _refused(ws, raw.encode(), "stray.csv")
    assert f"{row}行目：{column}" in msg


def test_cells_beyond_the_header_in_an_xlsx(ws):
    data = workbook([("回答", sheet_xml({1: {"A": "課題"}, 2: {"A": "窓口が混む"}, 4: {"A": "バス", "B": "首長"}}))])
    msg = _refused(ws, data, "stray.xlsx")
    assert "4行目：B列（見出しより右）に値「首長」" in msg


@pytest.mark.parametrize("header,needles", [
    ("課題,課題", ["見出し「課題」の列が2つあります"]),
    ("課題,タイトル", ["見出し「課題」と「タイトル」はどれも「課題」の列です"]),
    ("タイトル,課題名", ["見出し「タイトル」と「課題名」はどれも「課題」の列です"]),
    ("課題,課　題", ["見出し「課題」と「課　題」はどれも「課題」の列です"]),
])
def test_two_headers_for_one_column_are_refused_naming_both(ws, header, needles):
    msg = _refused(ws, f"{header}\n窓口が混む,バスが少ない\n".encode(), "dup.csv")
    assert all(n in msg for n in needles), msg
    assert "1行目" in msg


def test_an_unrecognised_title_header_is_named_not_every_row_called_empty(ws):
    msg = _refused(ws, "件名,出どころ\n窓口が混む,原課\nバスが少ない,首長\n".encode(), "unknown.csv")
    assert "見出しに必要な列がありません：課題（title）" in msg and "「タイトル」" in msg and "「件名」「出どころ」" in msg


# ---------------------------------------------------------------------- sheets

def _book(states):
    return workbook([("隠し", sheet_xml({1: {"A": "課題"}, 2: {"A": "隠れていた課題"}})),
                     ("回答", sheet_xml({1: {"A": "課題"}, 2: {"A": "見えている課題"}}))], states)


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_never_imported(ws, state):
    assert X.import_table(ws, "problems", _book([state, "visible"]), name="q.xlsx") == 1
    assert _titles(ws) == ["見えている課題"]


def test_a_named_hidden_sheet_or_no_visible_sheet_is_refused(ws):
    with pytest.raises(OhayamiError, match="シート「隠し」は非表示"):
        X.read_any(_book(["hidden", "visible"]), "q.xlsx", sheet="隠し")
    with pytest.raises(OhayamiError, match="表示されているシートがありません"):
        X.read_any(_book(["hidden", "veryHidden"]), "q.xlsx")
    assert ws.rows("problems").empty


# ---------------------------------------------------------------------- the same title, invisibly different

@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"])
def test_invisible_characters_do_not_make_a_new_title(ws, mark):
    assert title_key(f"証明書の{mark}窓口が混む") == title_key("証明書の窓口が混む")
    assert title_key("ｼｮｳﾒｲ") == title_key("ショウメイ")   # NFKC as before
    m = ProblemWorkbench(ws)
    m.add_problem("証明書の窓口が混む")
    with pytest.raises(OhayamiError, match="同じ課題がすでにあります"):
        m.add_problem(f"証明書の{mark}窓口が混む")
    msg = _refused(ws, f"課題\n{mark}証明書の窓口が{mark}混む\n".encode(), "zw.csv")
    assert "重複しています（P001）" in msg


# ---------------------------------------------------------------------- criteria template

def test_a_criteria_template_with_one_name_twice_is_refused_naming_both_rows(ws):
    e = VendorWorkbench(ws)
    raw = ("評価項目ID,評価項目,尺度,配点\nk1,機能,1-5,10\nk2,価格,1-5,10\nk3,機能,1-5,5\n").encode()
    before = X.table_snapshot(ws)
    with pytest.raises(X.ImportRefused) as exc:
        e.import_criteria(raw, name="template.csv")
    assert exc.value.errors == [(4, "評価項目名「機能」が 2行目と重なっています。名前を変えるか、どちらかの行を消してください")]
    assert X.table_snapshot(ws) == before


def test_a_criteria_template_repeating_a_name_already_in_the_set(ws):
    e = VendorWorkbench(ws)
    kept = e.add_criterion("セキュリティ")
    with pytest.raises(X.ImportRefused, match=f"評価項目名「セキュリティ」はすでにあります（{kept}）"):
        e.import_criteria("評価項目ID,評価項目\nz9,セキュリティ\n".encode(), name="template.csv")
    # the same name on the same id is that criterion, updated; a name freed by the file may be reused
    e.import_criteria(f"評価項目ID,評価項目,配点\n{kept},セキュリティ,7\n".encode(), name="template.csv")
    other = e.add_criterion("機能")
    e.import_criteria(f"評価項目ID,評価項目\n{kept},機能\n{other},セキュリティ\n".encode(), name="swap.csv")
    assert dict(zip(e.criteria()["criterion_id"], e.criteria()["name"])) == {kept: "機能", other: "セキュリティ"}


def test_a_template_from_another_set_drops_its_set_column_by_any_spelling(ws):
    e = VendorWorkbench(ws)
    e.import_criteria("評価 セット,評価項目ID,評価項目\nC,k1,機能\n".encode(), name="template.csv")
    assert set(ws.rows("criteria")["set_id"]) == {"E"}


def test_an_underscore_price_is_refused(ws):
    msg = _refused(ws, "事業者名,価格\nA社,1_000\n".encode(), "v.csv", table="vendors")
    assert "「_」は使えません" in msg


# ---------------------------------------------------------------------- read correctly

SURVEY = "課題,出どころ\n証明書の窓口が昼に混む,住民アンケート\nバスの本数が少ない,首長\n"
READ = ["証明書の窓口が昼に混む", "バスの本数が少ない"]


@pytest.mark.parametrize("label,raw", [
    ("ISO-2022-JP", SURVEY.encode("iso2022_jp")),
    ("double BOM", b"\xef\xbb\xbf" * 2 + SURVEY.encode()),
    ("UTF-16 (Excel's Unicode text)", SURVEY.replace(",", "\t").encode("utf-16")),
    ("semicolons", SURVEY.replace(",", ";").encode()),
    ("sep= hint", ("sep=;\n" + SURVEY.replace(",", ";")).encode("cp932")),
    ("full-width headers", SURVEY.replace("課題,出どころ", "課　題,出 どころ").encode()),
])
def test_files_that_used_to_read_as_empty_are_read(ws, label, raw):
    assert X.import_table(ws, "problems", raw, name=f"{label}.csv") == 2, label
    assert _titles(ws) == READ
    assert list(ws.rows("problems").sort_values("problem_id")["origin"]) == ["住民アンケート", "首長"]


def test_a_sep_hint_wins_over_the_header(ws):
    X.import_table(ws, "problems", "sep=;\n課題;出どころ\n窓口,受付が混む;原課\n".encode(), name="hint.csv")
    assert _titles(ws) == ["窓口,受付が混む"]


def test_a_full_width_id_header_keeps_the_ids(ws):
    X.import_table(ws, "problems", "ＩＤ,課　題\nP7,窓口が混む\n".encode(), name="wide.csv")
    assert list(ws.rows("problems")["problem_id"]) == ["P7"]


@pytest.mark.parametrize("raw,needle", [
    (b"\xef\xbb\xbf" + "課題\n".encode() + b"\x82\xa0\n", "UTF-8（BOM 付き）のはずですが、11 バイト目"),
    ("課題\n窓口\n".encode("utf-16-le"), "BOM のない UTF-16"),
    (b"\x1b$B" + b"\x7f\x7f" + b"\x1b(B\n", "ISO-2022-JP（JIS）として読めません"),
])
def test_an_encoding_that_cannot_be_read_is_named(ws, raw, needle):
    msg = _refused(ws, raw, "enc.csv")
    assert needle in msg
