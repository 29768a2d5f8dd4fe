"""One number parser for every number a person types: the same rules at every call site."""

from __future__ import annotations

import pytest

from ohayami import OhayamiError
from ohayami import exchange as X
from ohayami.textio import clean_name, one_line, parse_number, text_field


# ---------------------------------------------------------------------- the function

@pytest.mark.parametrize("text,expected", [
    ("1200", 1200.0), ("１２００", 1200.0), ("1,200", 1200.0), ("１，２００", 1200.0), ("1,200,000円", 1_200_000.0),
    ("１２００円", 1200.0), ("－３．５", -3.5), ("-3.5", -3.5), (" 42 ", 42.0), ("2.5e3", 2500.0), ("1,234.5", 1234.5),
    (7, 7.0), (0.25, 0.25),
])
def test_accepted_spellings(text, expected):
    assert parse_number(text, "値", "value") == expected


@pytest.mark.parametrize("text,needle", [
    ("1_000", "「_」は使えません"), ("１_０００", "「_」は使えません"),
    ("inf", "数ではありません"), ("-inf", "数ではありません"), ("nan", "数ではありません"), ("Infinity", "数ではありません"),
    ("1e999", "大きすぎる"), (float("inf"), "大きすぎる"), (float("nan"), "大きすぎる"),
    ("たかい", "数ではありません"), ("12a", "数ではありません"), ("0x10", "数ではありません"), (True, "数ではありません"),
    ("1,00", "桁区切り"), ("1,2345", "桁区切り"), (",100", "桁区切り"),
    ("", "値が空です"), ("   ", "値が空です"), (None, "値が空です"),
])
def test_refused_spellings_name_the_label_and_field(text, needle):
    with pytest.raises(OhayamiError, match=needle) as e:
        parse_number(text, "値", "value")
    assert e.value.field == "value" and "値" in e.value.message


def test_empty_is_none_when_optional():
    assert parse_number("", "価格", "price", required=False) is None
    assert parse_number(None, "価格", "price", required=False) is None
    with pytest.raises(OhayamiError, match="「_」"):
        parse_number("1_0", "価格", "price", required=False)  # optional is not lenient


def test_ranges():
    assert parse_number("0", "重み", "w", minimum=0) == 0.0
    with pytest.raises(OhayamiError, match="0 以上の数"):
        parse_number("-0.1", "重み", "w", minimum=0)
    with pytest.raises(OhayamiError, match="0 より大きく"):
        parse_number("0", "価格", "p", minimum=0, strict_min=True)
    assert parse_number("0.01", "価格", "p", minimum=0, strict_min=True) == 0.01
    with pytest.raises(OhayamiError, match="0～100"):
        parse_number("100.5", "最低点", "r", minimum=0, maximum=100)
    assert parse_number("１００", "最低点", "r", minimum=0, maximum=100) == 100.0
    with pytest.raises(OhayamiError, match="1 以上の整数"):
        parse_number("2.5", "N", "n", minimum=1, integer=True)
    assert parse_number("３", "N", "n", minimum=1, integer=True) == 3.0
    with pytest.raises(OhayamiError, match="数（円）"):
        parse_number("高い", "価格", "p", minimum=0, strict_min=True, unit="円")


def test_text_helpers_moved_with_their_limits():
    assert clean_name("  山田   太郎 ", "名前", "n") == "山田 太郎"
    with pytest.raises(OhayamiError, match="60文字"):
        clean_name("あ" * 61, "名前", "n")
    with pytest.raises(OhayamiError, match="名前が空です") as e:
        one_line("  ", "名前", "n", 10)
    assert e.value.field == "n"
    with pytest.raises(OhayamiError, match="2000文字"):
        text_field("x" * 2001, "メモ", "memo")


# ---------------------------------------------------------------------- each call site

@pytest.fixture
def vendors(ws):
    from ohayami.vendors import VendorWorkbench
    return VendorWorkbench(ws)


def test_vendor_price_on_screen(vendors):
    vid = vendors.add_vendor("A社", price="１，２００，０００円")
    assert vendors.vendors().set_index("vendor_id").loc[vid, "price"] == 1_200_000
    for bad, needle in (("1_000", "「_」"), ("inf", "数ではありません"), ("1e999", "大きすぎる"), ("0", "0 より大きく")):
        with pytest.raises(OhayamiError, match=needle) as e:
            vendors.update_vendor(vid, price=bad)
        assert e.value.field == "price"
    vendors.update_vendor(vid, price="")
    assert vendors.vendors()["price"].isna().all()


def test_weight_on_screen(vendors):
    cid = vendors.add_criterion("操作性", weight="１２．５")
    assert vendors.criteria().set_index("criterion_id").loc[cid, "weight"] == 12.5
    for bad, needle in (("1_0", "「_」"), ("nan", "数ではありません"), ("", "重みが空です"), ("-1", "0 以上")):
        with pytest.raises(OhayamiError, match=needle) as e:
            vendors.update_criterion(cid, weight=bad)
        assert e.value.field == "weight"
    vendors.update_criterion(cid, weight="1,000")
    assert vendors.criteria().set_index("criterion_id").loc[cid, "weight"] == 1000


def test_numbers_in_an_import(ws):
    X.import_table(ws, "vendors", "事業者名,価格\nA社,１，２００円\nB社,\"3,000\"\n".encode(), name="v.csv")
    assert sorted(ws.rows("vendors")["price"]) == [1200.0, 3000.0]
    with pytest.raises(X.ImportRefused) as e:
        X.import_table(ws, "vendors", "事業者名,価格\nC社,1_000\nD社,inf\nE社,1e999\n".encode(), name="v.csv")
    assert [r for r, _ in e.value.errors] == [2, 3, 4] and "「_」" in e.value.errors[0][1]
    with pytest.raises(X.ImportRefused, match="配点「1_0」に「_」は使えません"):
        X.import_table(ws, "criteria", "評価項目ID,評価項目,配点\nf1,機能,1_0\n".encode(), set_id="E")
    X.import_table(ws, "criteria", "評価項目ID,評価項目,配点,並び順\nf1,機能,３０,２\n".encode(), set_id="E")
    row = ws.get("criteria", set_id="E", criterion_id="f1")
    assert (row["weight"], row["position"]) == (30.0, 2.0)


def test_cut_line(ws):
    from ohayami.problems import ProblemWorkbench

    m = ProblemWorkbench(ws)
    assert m.set_cut_line("top", "３").value == 3
    assert m.set_cut_line("min", "１２．５").value == 12.5
    with pytest.raises(OhayamiError, match="「_」") as e:
        m.set_cut_line("min", "1_0")
    assert e.value.field == "cut"


def test_guide_default_weight(data_copy):
    import ohayami

    path = data_copy / "priority_criteria.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",higher,1-5,3,", ",higher,1-5,1_0,", 1), encoding="utf-8")
    with pytest.raises(OhayamiError, match="「_」") as e:
        ohayami.load_priority_criteria(data_copy)
    assert e.value.column == "default_weight" and e.value.row == 2


def test_rules_form_percent_and_price(tmp_path):
    from ohayami.ui.vendors import ResultsPanel, VendorsView

    v = VendorsView(tmp_path / "e")
    v.tabs.selected_index = 5
    res = v.panel(ResultsPanel)
    res.ru_min.value = "1_0"
    res.ru_apply.click()
    assert "「_」" in res.res_msg.value
    res.ru_min.value = "５０％"
    res.ru_price.value = "additive"
    res.ru_price_points.value = "３０"
    res.ru_ceiling.value = "2,000,000円"
    res.ru_apply.click()
    assert "ルールを保存しました" in res.res_msg.value
    rules = v.model.rules()
    assert rules.min_total_ratio == 0.5 and rules.price.points == 30 and rules.price.ceiling == 2_000_000
    res.ru_ceiling.value = "inf"
    res.ru_apply.click()
    assert "予定価格「inf」は数ではありません" in res.res_msg.value
    assert v.model.rules().price.ceiling == 2_000_000  # nothing saved



def test_invisible_format_characters_never_make_a_look_alike_name(ws):
    from ohayami.problems import ProblemWorkbench

    m = ProblemWorkbench(ws)
    pid = m.add_problem("窓口が\u202e混む")
    m.set_dot_budget(10)
    assert m.problem(pid)["title"] == "窓口が混む"
    for name in ("田中", "田中\u200b", "\u200c田中", "田\u2060中", "\ufeff田中"):
        m.place_dot(name, pid)
    assert [p for p in m.participants() if "田" in p] == ["田中"]
    with pytest.raises(OhayamiError, match="名前"):
        m.place_dot("\u200b\u200d", pid)
