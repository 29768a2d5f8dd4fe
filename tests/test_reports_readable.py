"""What a manager reads in the C report and the E 選定理由書: scores as people entered them, no
columns of points that cannot be earned, and the 満点 next to every total."""

import html as htmllib
import io
import re

import openpyxl

from ohayami.labels import scale_code, scale_label
from ohayami.problems import ProblemWorkbench
from ohayami.reports import problems_report_html, vendors_report_html
from ohayami.scoring.scales import parse_scale
from ohayami.vendors import VendorWorkbench

from test_vendors import _setup

# 山田 gives 機能関連 of A社 a 1, 佐藤 a 5: the one split at 0.5 or more
SPLIT = {"山田": {"V001": [1, 4, "はい", 4, 3], "V002": [4, 4, "はい", 5, 4], "V003": [5, 5, "いいえ", 5, 5]},
         "佐藤": {"V001": [5, 4, "はい", 4, 3], "V002": [4, 3, "はい", 4, 4], "V003": [5, 5, "はい", 5, 5]}}


def _rows(page: str, heading: str) -> list[list[str]]:
    """The cells (text) of the first table after ``heading``, header row included."""
    rest = page[page.index(heading):]
    table = rest[:rest.index("</table>")]
    return [[htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def test_split_opinions_show_the_entries_given_not_points(ws):
    m = VendorWorkbench(ws)
    _setup(m, SPLIT)
    res = m.results()
    page = vendors_report_html(m, figures=False)
    rows = _rows(page, "評価者の意見が分かれた点")
    assert rows[0] == ["事業者", "評価項目", "点数", "最低", "最高"]
    a = res.table.loc["V001", "name"]
    # what the evaluators typed on the 1–5 scale, not 0.0 / 35.0 (the points those entries are worth)
    assert rows[1:] == [[a, "機能関連", "1、5", "1", "5"]]
    assert "35.0" not in " ".join(rows[1])
    # the same selection as before: every cell split by 0.5 or more, most split first
    sp = res.spread[res.spread.disagreement >= 0.5]
    assert len(rows) - 1 == len(sp) == 1


def test_breakdown_leaves_out_what_carries_no_points(ws):
    m = VendorWorkbench(ws)
    _setup(m, SPLIT)   # データ暗号化 (必須, 配点 0) is alone in セキュリティ; the rules give price no points
    res = m.results()
    assert res.group_max["セキュリティ"] == 0 and m.rules().price is None
    page = vendors_report_html(m, figures=False)
    result = page[page.index("4. 結果"):page.index("5. 評価者ごとの採点")]
    assert "セキュリティ（満点 0）" not in result and "価格点／満点" not in result and "0.00 / 0" not in result
    assert "機能（満点 35）" in result
    # said once, under the breakdown, naming the gate
    note = "必須項目（データ暗号化）は満たすかどうかの合否だけを判定し、点数はありません。"
    assert result.count(note) == 1 and result.index("内訳") < result.index(note)
    # the robustness table moves points: a gate without points is not in it
    robust = _rows(page, "1つの配点だけを動かして")
    assert "データ暗号化" not in [r[0] for r in robust]
    # the workbook leaves out the same columns
    book = openpyxl.load_workbook(io.BytesIO(m.export_xlsx()))
    head = {name: [c.value for c in book[name][1]] for name in ("結果", "評価項目ごとの点", "要件内訳ごとの小計")}
    assert not {"価格", "価格点", "価格点の満点"} & set(head["結果"]) and "技術点の満点" in head["結果"]
    assert "データ暗号化" not in head["評価項目ごとの点"] and "機能関連" in head["評価項目ごとの点"]
    assert "セキュリティ" not in head["要件内訳ごとの小計"] and "機能" in head["要件内訳ごとの小計"]


def test_price_columns_stay_when_price_gives_points(ws):
    m = VendorWorkbench(ws)
    _setup(m, SPLIT)
    m.set_rules(price={"method": "lowest", "points": 30})
    page = vendors_report_html(m, figures=False)
    assert "価格点／満点" in page and "30.00 / 30" in page
    book = openpyxl.load_workbook(io.BytesIO(m.export_xlsx()))
    assert {"価格", "価格点", "価格点の満点"} <= {c.value for c in book["結果"][1]}


def test_c_report_states_the_maximum_of_its_totals(ws):
    m = ProblemWorkbench(ws)
    best, mid = m.add_problem("窓口が混む"), m.add_problem("バスが少ない")
    m.update_criterion("reach", scale="A-E")
    for c in m.criteria().itertuples():
        levels = parse_scale(c.scale, c.direction == "lower").levels   # best first
        for who in ("山田", "佐藤"):
            m.set_score(who, best, c.criterion_id, levels[0])
            m.set_score(who, mid, c.criterion_id, levels[len(levels) // 2])
    m.set_cut_line("top", 1)
    res = m.results()
    top = res.table.loc[best, "total"]
    # the problem given every criterion's best entry reaches the maximum the report states
    full = f"{top:g}"
    page = problems_report_html(m, figures=False)
    assert f"合計点の満点は {full} 点です" in page
    assert f"1位　窓口が混む（{top:.2f} 点／満点 {full} 点）" in page
    assert _rows(page, "惜しくも選ばなかった課題")[0] == ["順位", "課題", f"合計点（満点 {full} 点）"]
    book = openpyxl.load_workbook(io.BytesIO(m.export_xlsx()))
    sheet = book["ランキング"]
    head = [c.value for c in sheet[1]]
    assert [r[head.index("合計点の満点")].value for r in sheet.iter_rows(min_row=2)] == [float(full)] * 2


def test_c_criteria_tab_offers_yes_no_in_japanese_and_stores_the_code(tmp_path):
    from ohayami.ui.problems import CriteriaPanel, ProblemsView

    v = ProblemsView(tmp_path / "c")
    cp = v.panel(CriteriaPanel)
    assert "はい／いいえ" in cp.scale.options and "yes/no" not in cp.scale.options
    cp.name.value, cp.scale.value, cp.weight.value = "国の補助がある", "はい／いいえ", "1"
    cp.add_btn.click()
    crit = v.model.criteria().set_index("name")
    assert crit.loc["国の補助がある", "scale"] == "yes/no"
    cp.pick.value = crit.loc["国の補助がある", "criterion_id"]
    assert cp.scale.value == "はい／いいえ"
    cp.save_btn.click()
    assert v.model.criteria().set_index("name").loc["国の補助がある", "scale"] == "yes/no"
    assert "はい／いいえ" in cp.table.value and "yes/no" not in cp.table.value
    # other scales pass through unchanged both ways
    assert scale_label("1-5") == scale_code("1-5") == "1-5" and scale_code(" はい／いいえ ") == "yes/no"


def test_results_tab_names_the_gates_left_out_of_its_columns(tmp_path):
    from ohayami.ui.vendors import ResultsPanel, VendorsView

    v = VendorsView(tmp_path / "e")
    _setup(v.model, SPLIT)
    v.tabs.selected_index = 5
    table = v.panel(ResultsPanel).res_table.value
    assert "セキュリティ（満点 0）" not in table and "価格点／満点" not in table
    assert "必須項目（データ暗号化）は満たすかどうかの合否だけを判定し、点数はありません。" in table
