"""Files that leave the kit: no cell of any workbook is a formula the kit did not put there on purpose.

Criterion, vendor, group, problem and evaluator names become sheet headers, sheet rows and the
scoring sheets' rows 8–9. Each of them is given a hostile name, every workbook the kit writes is
opened with openpyxl, and every cell is checked: never a formula, and text that starts like one
carries Excel's quote prefix. CSV headers get the same escape, and the escape round-trips.
"""

import io

import openpyxl
import pandas as pd
import pytest

from ohayami import io as kio
from ohayami import sheets as S
from ohayami.exchange import export_xlsx, read_any
from ohayami.problems import ProblemWorkbench
from ohayami.ui.chart import ChartView, DiagnosePanel, TallyPanel
from ohayami.vendors import VendorWorkbench

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "'=x"]
STARTS = ("=", "+", "-", "@")


def _assert_inert(data: bytes, what: str) -> int:
    """Every cell of every sheet: no formula; formula-like text only with the quote prefix. Returns
    how many hostile-looking cells were seen (so the test knows the names really got in)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen = 0
    for sh in wb.worksheets:
        assert not sh.title.startswith("'"), (what, sh.title)   # Excel refuses such a sheet name
        for row in sh.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (what, sh.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(STARTS):
                    assert cell.quotePrefix, (what, sh.title, cell.coordinate, cell.value)
                    seen += 1
    return seen


@pytest.fixture
def e(ws):
    m = VendorWorkbench(ws)
    ids = [m.add_criterion(n, group=g) for n, g in zip(HOSTILE, HOSTILE[::-1])]
    vendors = [m.add_vendor(n, "サービス", 1_000_000 + 1000 * i) for i, n in enumerate(HOSTILE)]
    for who in ("=山田", "+佐藤"):  # everyone weights before scoring starts (then the weights are locked)
        m.set_evaluator_weights(who, "direct", {k: 10 + i for i, k in enumerate(ids)})
    for who in ("=山田", "+佐藤"):
        for v in vendors:
            for k in ids:
                m.set_score(who, v, k, 3)
    return m


@pytest.fixture
def c(ws):
    p = ProblemWorkbench(ws)
    crit = [p.add_criterion(n) for n in HOSTILE]
    probs = [p.add_problem(t) for t in HOSTILE]
    for a in probs:
        for k in list(p.criteria()["criterion_id"]):
            p.set_score("@鈴木", a, k, 3)
    assert crit and probs
    return p


def test_type_e_export_and_scoring_sheet(e):
    assert e.results() is not None
    data = e.export_xlsx()
    sheets = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    for name in ("評価者ごとの重み", "要件内訳ごとの小計", "評価項目ごとの点", "評価者ごとの技術点"):
        assert name in sheets
    assert _assert_inert(data, "type E export") > 0
    sheet = e.scoring_sheet("-田中")
    assert _assert_inert(sheet, "type E scoring sheet") > 0
    sh = openpyxl.load_workbook(io.BytesIO(sheet))[S.SHEET]
    names = [sh.cell(S.NAME_ROW, S.FIRST_COL + j).value for j in range(len(HOSTILE))]
    assert names == HOSTILE     # the text itself is unchanged
    assert _assert_inert(export_xlsx(e.ws), "whole workshop export") > 0


def test_type_c_export_and_scoring_sheet(c):
    data = c.export_xlsx()
    assert "ランキング" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert _assert_inert(data, "type C export") > 0
    assert _assert_inert(c.scoring_sheet("=評価者"), "type C scoring sheet") > 0


def test_chart_tally_export(tmp_path, exported):
    v = ChartView(tmp_path / "w")
    d = v.panel(DiagnosePanel)
    for name in HOSTILE:
        d.name.value = name
        d.department.value = name
        d.yes.click()
        d.next_person.click()
    v.panel(TallyPanel).export_xlsx.click()
    data = exported(tmp_path / "w_出力", "診断チャート集計", "xlsx").read_bytes()
    assert _assert_inert(data, "chart tally export") > 0


def test_headers_and_sheet_names_of_any_frame():
    df = pd.DataFrame({h: [h, 1] for h in HOSTILE})
    data = kio.xlsx_bytes({h: df for h in HOSTILE})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert all(not t.startswith("'") and not t.endswith("'") for t in wb.sheetnames)
    assert _assert_inert(data, "xlsx_bytes") > 0
    text = kio.csv_bytes(df).decode("utf-8-sig")
    fields = [f for line in text.splitlines() for f in line.split(",")]
    assert not [f for f in fields if f.lstrip('"').startswith(STARTS)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_escaped_text_round_trips(fmt):
    values = ["=x", "'=x", "''+y", "'plain", "-", "普通の文"]
    df = pd.DataFrame({"'=見出し": values, "=見出し": values})
    data = kio.csv_bytes(df) if fmt == "csv" else kio.xlsx_bytes({"表": df})
    back = read_any(data, name=f"x.{fmt}")
    assert list(back.columns[:2]) == ["'=見出し", "=見出し"]
    assert list(back.iloc[:, 0]) == values and list(back.iloc[:, 1]) == values


def test_neutralise_is_undone_exactly():
    for v in ["=1", "'=1", "''=1", "'", "''", "'a", "a", "@", "-1", "\t=1"]:
        assert kio.unneutralise(kio.neutralise(v)) == v
