"""Signed scoring sheets: a participant who edits the very hidden sheet cannot make the import obey it.

Each attack edits the hidden ``_ohayami`` sheet with openpyxl the way a participant could, fills in
scores, and imports the sheet through the workbench. Every one is refused with a Japanese message
naming what differs, and no table of the workshop (nor the change log) changes.
"""

import io
import json
import threading
import zipfile

import openpyxl
import pytest

from ohayami import sheets as S
from ohayami.exchange import ImportRefused, export_xlsx, table_snapshot
from ohayami.problems import ProblemWorkbench
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench


@pytest.fixture
def e(ws):
    m = VendorWorkbench(ws)
    m.adopt_template([1, 28])            # two 1-5 criteria
    m.add_vendor("A社", "窓口くん", 1_000_000)
    m.add_vendor("B社", "スマート窓口", 900_000)
    return m


@pytest.fixture
def c(ws):
    p = ProblemWorkbench(ws)
    p.add_problem("証明書の窓口が昼に混む")
    p.add_problem("転入の手続きが分かりにくい")
    return p


def _state(ws):
    return table_snapshot(ws), len(ws.history())


def _edit(data: bytes, change=None, *, score=None, visible=None) -> bytes:
    """Change the hidden metadata (``change(meta)``), the visible sheet, and fill every score cell."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    meta = json.loads(wb[S.META]["A1"].value)
    if change:
        change(meta)
    wb[S.META]["A1"] = json.dumps(meta, ensure_ascii=False)
    sh = wb[S.SHEET]
    if visible:
        visible(sh)
    n_alts = sum(1 for r in range(S.FIRST_ROW, S.FIRST_ROW + 50) if sh.cell(r, 1).value)
    n_crit = sum(1 for col in range(S.FIRST_COL, S.FIRST_COL + 50) if sh.cell(S.ID_ROW, col).value)
    for i in range(n_alts):
        for j in range(n_crit):
            sh.cell(S.FIRST_ROW + i, S.FIRST_COL + j).value = 3 if score is None else score
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _refused(model, data, *words):
    ws = model.ws
    before = _state(ws)
    with pytest.raises(ImportRefused) as err:
        model.import_scoring_sheet(data, name="attack.xlsx")
    assert _state(ws) == before, "a refused sheet changed the workshop"
    text = str(err.value)
    assert "attack.xlsx" in text and "何も取り込んでいません" in text
    for w in words:
        assert w in text, (w, text)
    return err.value


def test_untouched_sheets_import_under_the_evaluator_the_workshop_signed(e):
    assert e.import_scoring_sheet(_edit(e.scoring_sheet("佐藤")), name="sato.xlsx") == 4
    s = e.scores()
    assert set(s["evaluator"]) == {"佐藤"} and set(s["value"]) == {"3"}
    assert set(e.ws.history("scores")["actor"]) == {"佐藤"}
    assert "佐藤" in set(e.ws.rows("people")["name"])   # issuing a sheet makes the person a participant


def test_a_changed_evaluator_is_refused(e):
    e.scoring_sheet("山田")
    sato = e.scoring_sheet("佐藤")
    hidden_only = _edit(sato, lambda m: m.update(evaluator="山田"))
    _refused(e, hidden_only, "評価者", "署名")
    # the careful attacker also unprotects the sheet and rewrites the visible name
    both = _edit(sato, lambda m: m.update(evaluator="山田"), visible=lambda sh: sh.cell(3, 2, "山田"))
    err = _refused(e, both, "評価者", "「佐藤」さんの評価シート", "署名")
    assert e.scores().empty and [w for w, _ in err.errors] == ["評価者", "署名"]


def test_a_wider_scale_is_refused_and_the_workshop_scale_is_kept(e):
    first = e.criteria()["criterion_id"].iloc[0]

    def widen(m):
        m["scales"][0] = "0-100"

    data = _edit(e.scoring_sheet("佐藤"), widen, score=100)
    _refused(e, data, "評価項目", "尺度が「0-100」", "「1-5」")
    # even with the hidden sheet intact a 100 is checked against the workshop's scale
    err = _refused(e, _edit(e.scoring_sheet("佐藤"), score=100), "尺度の外", "1～5 の整数")
    assert all(w.startswith(S.SHEET) for w, _ in err.errors)
    assert e.criteria().set_index("criterion_id").loc[first, "scale"] == "1-5"


def test_a_vendor_that_does_not_exist_is_refused(e):
    def add(m):
        m["alternatives"].append("V999")

    def row(sh):
        sh.cell(S.FIRST_ROW + 2, 1, "V999")
        sh.cell(S.FIRST_ROW + 2, 2, "架空の事業者")

    _refused(e, _edit(e.scoring_sheet("佐藤"), add, visible=row), "事業者", "V999")


@pytest.mark.parametrize("direction", ["E→C", "C→E"])
def test_switching_the_evaluation_set_is_refused(e, c, direction):
    src, dst = (e, c) if direction == "E→C" else (c, e)
    sheet = src.scoring_sheet("佐藤")
    _refused(dst, _edit(sheet, lambda m: m.update(set_id=dst.SET_ID)), "署名")
    _refused(dst, _edit(sheet), "評価セット", "署名")
    assert dst.scores().empty and src.scores().empty


def test_problems_set_names_problems(c):
    def add(m):
        m["alternatives"].append("P999")

    _refused(c, _edit(c.scoring_sheet("佐藤"), add), "課題", "P999")


def test_a_removed_signature_is_refused(e):
    _refused(e, _edit(e.scoring_sheet("佐藤"), lambda m: m.pop("signature")), "署名がありません")
    _refused(e, _edit(e.scoring_sheet("佐藤"), lambda m: m.update(signature="")), "署名がありません")


def test_a_signature_copied_from_another_evaluator_is_refused(e):
    sato_sig = json.loads(openpyxl.load_workbook(io.BytesIO(e.scoring_sheet("佐藤")))[S.META]["A1"].value)["signature"]
    yamada = e.scoring_sheet("山田")
    _refused(e, _edit(yamada, lambda m: m.update(signature=sato_sig)), "評価者", "「佐藤」さんの評価シート", "署名")


def test_a_sheet_made_before_the_criteria_changed_is_refused(e):
    sheet = e.scoring_sheet("佐藤")
    e.update_criterion(e.criteria()["criterion_id"].iloc[0], scale="1-3")
    _refused(e, _edit(sheet, score=2), "評価項目", "「1-3」", "署名")
    sheet = e.scoring_sheet("佐藤")
    e.add_vendor("C社", "かんたん窓口", 800_000)
    _refused(e, _edit(sheet, score=2), "事業者", "「C社（かんたん窓口）」がありません", "署名")


def test_the_secret_never_leaves_the_workshop_file(e):
    sheet = e.scoring_sheet("佐藤")
    secret = e.ws.setting(S.SECRET_KEY)
    assert isinstance(secret, str) and len(bytes.fromhex(secret)) == 32
    for data in (sheet, export_xlsx(e.ws)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert not any(secret in z.read(n).decode("utf-8", "replace") for n in z.namelist())
    # the key is made once; more sheets reuse it
    e.scoring_sheet("山田")
    assert e.ws.setting(S.SECRET_KEY) == secret


def test_kernels_making_their_first_sheets_together_share_one_secret(tmp_path):
    open_workshop(tmp_path / "shared").close()
    barrier = threading.Barrier(8)
    keys, errors = [], []

    def first_sheet():
        try:
            w = open_workshop(tmp_path / "shared", create=False)
            barrier.wait()
            keys.append(S.sheet_secret(w))
            w.close()
        except Exception as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=first_sheet) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(keys) == 8 and len(set(keys)) == 1


def test_a_sheet_from_an_old_file_with_forbidden_characters_is_made_and_read_back(ws):
    """An older workshop file may hold characters an XLSX cannot (they are stripped on entry now)."""
    import sqlite3

    m = ProblemWorkbench(ws)
    pid = m.add_problem("窓口が混む")
    conn = sqlite3.connect(ws.path)
    conn.execute("UPDATE problems SET title = ? WHERE problem_id = ?", ("窓口\x01が混む", pid))
    conn.commit()
    conn.close()
    data = ProblemWorkbench(open_workshop(ws.path)).scoring_sheet("田中")
    sh = openpyxl.load_workbook(io.BytesIO(data))[S.SHEET]
    assert sh.cell(S.FIRST_ROW, 2).value == "窓口が混む"
    filled = _edit(data)
    assert ProblemWorkbench(open_workshop(ws.path)).import_scoring_sheet(filled, name="tanaka.xlsx") > 0
