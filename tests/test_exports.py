"""What a town hall reads: JST times, numbers rounded as the rules say, an Excel workbook with numbers
as numbers and Japanese words, exports named by their time, and frozen result versions (版)."""

import io
import re

import openpyxl
import pytest
from conftest import old_workshop

from ohayami import OhayamiError
from ohayami import store as S
from ohayami.formats import change_text, jst_text, number_text, rounded, score_value, stamped_name
from ohayami.io import xlsx_bytes
from ohayami.problems import ProblemWorkbench
from ohayami.reports import vendors_report_html
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench

from test_vendors import _setup

UTC_TIME = "2026-11-27T05:02:31+00:00"     # 14:02 in Japan
CODES = {"True", "False", "true", "false", "higher", "lower", "average", "sum", "lowest", "chart", "yes/no", "1-5",
         "round", "truncate", "none", "any", "majority", "nan", "NaN", "None"}


def _cells(data: bytes) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {name: [[c.value for c in row] for row in wb[name].iter_rows()] for name in wb.sheetnames}


def _formats(data: bytes, sheet: str, header: str) -> set[str]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    return {c.number_format for (c,) in ws.iter_rows(min_row=2, min_col=col, max_col=col)}


# ---------------------------------------------------------------------- formats

def test_times_read_in_jst_whatever_the_stored_offset():
    assert jst_text(UTC_TIME) == "2026年11月27日 14:02"
    assert jst_text("2026-11-27T23:30:00-05:00") == "2026年11月28日 13:30"   # the next day in Japan
    assert jst_text("2026-01-05T09:07:00+09:00") == "2026年1月5日 09:07"
    assert jst_text("") == "" and jst_text(None) == "" and jst_text("昨日") == "昨日"
    assert stamped_name("選定理由書", "xlsx", UTC_TIME) == "選定理由書_2026-11-27_1402.xlsx"
    assert re.fullmatch(r"選定理由書_\d{4}-\d{2}-\d{2}_\d{4}\.html", stamped_name("選定理由書", ".html"))


def test_numbers_round_half_up_or_truncate_to_the_rules_digits():
    assert rounded(0.125, 2) == 0.13 and rounded(2.5, 0) == 3.0 and rounded(-1.25, 1) == -1.3  # half up, not to even
    assert rounded(24.6969, 1, "truncate") == 24.6 and rounded(24.6969, 1, "none") == 24.6969
    assert number_text(24.6969, 1) == "24.7" and number_text(35, 1) == "35.0" and number_text(1_200_000, 0, thousands=True) == "1,200,000"
    assert number_text(24.6969, 2, "truncate") == "24.69" and number_text(None) == "" and number_text(float("nan")) == ""
    assert change_text({"e1": 35}, {"e1": 24.6969}, {"e1": "機能関連"}, 1) == "機能関連 35.0→24.7"
    assert [score_value(v) for v in ("4", " 3.5", "はい", "B", "inf", 2)] == [4, 3.5, "はい", "B", "inf", 2]


def test_xlsx_keeps_numbers_as_numbers_with_their_format_and_says_yes_no():
    import pandas as pd

    df = pd.DataFrame({"点": [1.23456, 2.0], "済み": [True, False], "名前": ["=1+1", "A社"]})
    df.attrs["number_formats"] = {"点": "0.0"}
    data = xlsx_bytes({"表": df})
    assert _cells(data)["表"][1:] == [[1.23456, "はい", "=1+1"], [2.0, "いいえ", "A社"]]
    assert _formats(data, "表", "点") == {"0.0"}


# ---------------------------------------------------------------------- the type E workbook and report

@pytest.fixture
def e(ws):
    m = VendorWorkbench(ws)
    ids = _setup(m)
    m.set_rules(price={"method": "lowest", "points": 30}, rounding="round", digits=1)
    m.revise_weights({ids[0]: 24.6969}, "感覚との比較で機能を下げた")
    version = m.current_weights_version().no
    ws.upsert("weight_versions", {"set_id": "E", "no": version}, {"at": UTC_TIME})  # a known moment
    return m


def test_workbook_has_numbers_japanese_words_and_jst_times(e):
    data = e.export_xlsx()
    cells = _cells(data)
    every = [v for rows in cells.values() for row in rows for v in row]
    assert not [v for v in every if isinstance(v, str) and (v in CODES or v.lstrip().startswith(("{", "[")))]
    scores = cells["採点"]
    assert scores[0] == ["評価者", "事業者", "評価項目", "点数"]
    assert {type(r[3]) for r in scores[1:]} == {int, str} and {r[3] for r in scores[1:] if isinstance(r[3], str)} == {"はい", "いいえ"}
    assert [r[3] for r in scores[1:] if r[0] == "佐藤" and r[1] == "A社"] == [4, 4, "はい", 4, 3]
    crit = {r[0]: r for r in cells["評価項目"][1:]}
    head = cells["評価項目"][0]
    scale, points = head.index("尺度"), head.index("配点")
    assert crit["機能関連"][scale] == "1～5 の整数" and crit["データ暗号化"][scale] == "はい か いいえ"
    assert crit["機能関連"][points] == 24.6969 and _formats(data, "評価項目", "配点") == {"0.0"}
    result = cells["結果"]
    head = result[0]
    rows = {r[head.index("事業者")]: r for r in result[1:]}
    res = e.results()
    assert rows["B社（スマート窓口）"][head.index("順位")] == 1
    assert rows["B社（スマート窓口）"][head.index("合計点")] == pytest.approx(float(res.table.loc["V002", "total"]))
    assert rows["C社（かんたん窓口）"][head.index("順位")] is None and rows["C社（かんたん窓口）"][head.index("選定対象")] == "×"
    assert _formats(data, "結果", "技術点") == {"0.0"} and _formats(data, "結果", "価格") == {"#,##0"}
    rev = cells["重みの見直し"]
    assert rev[1][rev[0].index("日時")] == "2026年11月27日 14:02"
    change = rev[1][rev[0].index("変更")]   # the typed change, then the others rebalanced to keep the total
    assert change.startswith("機能関連 35.0→24.7、") and all(
        re.fullmatch(r"\d+\.\d", x) for pair in re.findall(r"([\d.]+)→([\d.]+)", change) for x in pair)
    about = dict(cells["この表について"][1:])
    assert about["重みの版"] == f"版{e.weights_version()}" and "日本時間" in about["時刻"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", about["作成日時"])


def test_report_revision_log_formats_both_sides_alike_in_jst(e):
    html = vendors_report_html(e, figures=False)
    assert "機能関連 35.0→24.7" in html and "24.6969" not in html
    assert "2026年11月27日 14:02" in html and "T05:02" not in html
    assert "@page { size: A4 portrait; margin: 15mm; }" in html and 'onclick="window.print()"' in html


def test_export_names_carry_the_time(e):
    assert re.fullmatch(r"選定理由書_\d{4}-\d{2}-\d{2}_\d{4}\.xlsx", e.export_file_name())
    assert re.fullmatch(r"課題の絞り込み_\d{4}-\d{2}-\d{2}_\d{4}\.html", ProblemWorkbench(e.ws).export_file_name("html"))


# ---------------------------------------------------------------------- snapshots (版)

def _result_sheets(cells: dict) -> dict:
    return {k: v for k, v in cells.items() if k not in ("この表について", "版の情報")}


def test_a_snapshot_does_not_change_when_scores_are_edited_later(e):
    before_frames = e.export_frames()
    before_xlsx = e.export_xlsx()
    no = e.save_snapshot(note="第1回選定委員会で確定", actor="委員長")
    assert no == 1 and e.snapshot_message(no).startswith("版 1 として保存しました（")
    total_before = float(e.results().table.loc["V001", "total"])
    e.set_score("山田", "V001", e.criteria().criterion_id[0], 1)          # edited after the version was saved
    assert float(e.results().table.loc["V001", "total"]) < total_before
    live = _cells(e.export_xlsx())
    frozen = e.snapshot_frames(no)
    assert list(frozen) == list(before_frames)
    for name, df in before_frames.items():
        assert frozen[name].values.tolist() == df.astype(object).where(df.notna(), None).values.tolist(), name
        assert list(frozen[name].columns) == [str(c) for c in df.columns]
    snap = _cells(e.snapshot_xlsx(no))
    assert _result_sheets(snap) == _result_sheets(_cells(before_xlsx))    # the export of the 版 is what it was
    assert _result_sheets(live)["結果"] != _result_sheets(snap)["結果"]     # while today's export moved on
    assert _formats(e.snapshot_xlsx(no), "結果", "技術点") == _formats(before_xlsx, "結果", "技術点") == {"0.0"}
    info = dict(snap["版の情報"][1:])
    assert info["版"] == 1 and info["保存した人"] == "委員長" and info["重みの版"] == f"版{e.weights_version()}"
    assert info["注記"] == "第1回選定委員会で確定" and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", info["保存日時"])


def test_snapshots_are_listed_with_time_and_weights_version(e):
    version = e.weights_version()
    speed_then = e.criteria().set_index("name").loc["通常時の要求速度", "weight"]
    first = e.save_snapshot()
    e.revise_weights({e.criteria().criterion_id[1]: 20}, "速度を重視")
    second = e.save_snapshot(note="見直し後")
    listing = e.snapshots_frame()
    assert list(listing.columns) == ["版", "保存日時", "保存した人", "重みの版", "注記"]
    assert listing["版"].tolist() == [first, second] == [1, 2]
    assert listing["重みの版"].tolist() == [f"版{version}", f"版{version + 1}"] and listing["注記"].tolist() == ["", "見直し後"]
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", t) for t in listing["保存日時"])
    assert re.fullmatch(r"選定理由書_版2_\d{4}-\d{2}-\d{2}_\d{4}\.xlsx", e.snapshot_file_name(2))
    frozen = e.snapshot_frames(1)["評価項目"]
    configured = frozen.set_index("評価項目").loc["通常時の要求速度", "配点"]
    assert configured == pytest.approx(speed_then) and speed_then != 20 and e.criteria().set_index("name").loc["通常時の要求速度", "weight"] == 20


def test_snapshot_refusals_in_japanese(ws, e):
    with pytest.raises(OhayamiError, match="版 3 はありません") as info:
        e.snapshot_xlsx(3)
    assert info.value.field == "snapshot"
    with pytest.raises(OhayamiError, match="番号"):
        e.snapshot_frames("最新")
    with pytest.raises(OhayamiError, match="まだ結果がありません"):
        VendorWorkbench(open_workshop(ws.path.with_name("empty"))).save_snapshot()
    with pytest.raises(OhayamiError, match="注記"):
        e.save_snapshot(note="長" * 500)
    assert e.snapshots_frame().empty


def test_type_c_snapshot_and_weights_version(ws):
    c = ProblemWorkbench(ws)
    pid = c.add_problem("証明書の窓口が昼に混む")
    for cid in c.criteria().criterion_id:
        c.set_score("山田", pid, cid, 4)
    version = c.weights_version()
    c.update_criterion(c.criteria().criterion_id[0], weight=9)
    assert c.weights_version() == version + 1
    no = c.save_snapshot()
    rank = c.snapshot_frames(no)["ランキング"]
    assert rank["合計点"].tolist() == c.export_frames()["ランキング"]["合計点"].tolist()
    c.set_score("山田", pid, c.criteria().criterion_id[0], 1)
    assert c.snapshot_frames(no)["ランキング"]["合計点"].tolist() == rank["合計点"].tolist()
    assert c.export_frames()["ランキング"]["合計点"].tolist() != rank["合計点"].tolist()
    assert c.snapshots_frame()["重みの版"].tolist() == [f"版{version + 1}"]


def test_a_version_4_file_gains_the_snapshots_table(tmp_path):
    path = old_workshop(tmp_path / "old.ohayami", 4, {"vendors": [{"vendor_id": "V001", "name": "A社"}]})
    w = open_workshop(path)
    assert w.schema_version() == S.SCHEMA_VERSION and (tmp_path / "old.ohayami.bak-v4").exists()
    assert w.get("vendors", vendor_id="V001")["name"] == "A社" and w.rows("snapshots").empty
