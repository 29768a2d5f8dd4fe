"""Type A worksheet model: the three points, every rule and refusal, the readiness card, exports."""

from __future__ import annotations

import io
import sqlite3

import pytest

from ohayami import exchange as X
from ohayami import store as S
from ohayami.errors import OhayamiError
from ohayami.guide import type_card
from ohayami.printouts import readiness_html
from ohayami.readiness import DONE, NOT_YET, PARTLY, STATE_LABELS, ReadinessSheet, parse_state
from ohayami.store import open_workshop

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def sheet(ws):
    return ReadinessSheet(ws)


def _done(sheet, n, **kw):
    fields = {1: {"basis": "子育て支援"}, 2: {"who": "企画課 山田"}, 3: {"who": "企画課長"}}[n]
    return sheet.save_point(n, state=DONE, **{**fields, **kw})


def test_the_points_are_the_guides_three_in_its_order(sheet):
    guide = type_card("A").extras["points"]
    assert [p.title for p in sheet.points] == [g["title"] for g in guide]
    assert [p.number for p in sheet.points] == [1, 2, 3]
    assert [p.how for p in sheet.points] == [tuple(g["how"]) for g in guide]


def test_nothing_written_reads_as_unset_and_blocks_at_the_first_point(sheet):
    frame = sheet.points_frame()
    assert list(frame["状態"]) == ["未記入"] * 3
    card = sheet.card()
    assert card.blocking.number == 1 and card.n_done == 0 and card.missing_action
    assert "ポイント①テーマ" in card.headline and "未記入" in card.headline


@pytest.mark.parametrize("word,key", [("できている", DONE), ("done", DONE), ("一部", PARTLY), (" まだ ", NOT_YET),
                                      ("not_yet", NOT_YET)])
def test_state_from_its_word_or_key(word, key):
    assert parse_state(word) == key


@pytest.mark.parametrize("word,match", [("", "選んでください"), ("たぶん", "選べません"), (None, "選んでください")])
def test_state_refused(sheet, word, match):
    with pytest.raises(OhayamiError, match=match) as info:
        sheet.save_point(2, state=word)
    assert info.value.field == "state"
    assert sheet.ws.rows("readiness").empty


@pytest.mark.parametrize("n,field", [(1, "basis"), (2, "who"), (3, "who")])
def test_done_needs_what_the_guide_asks_to_be_clear(sheet, n, field):
    with pytest.raises(OhayamiError, match="できている") as info:
        sheet.save_point(n, state="できている")
    assert info.value.field == field
    assert sheet.record(n).state is None
    assert sheet.save_point(n, state="一部").state == PARTLY  # 一部 needs nothing


def test_next_action_and_its_date_go_together(sheet):
    with pytest.raises(OhayamiError, match="期日を入れて") as info:
        sheet.save_point(2, state="まだ", next_action="熱意のある職員を探す")
    assert info.value.field == "due"
    with pytest.raises(OhayamiError, match="次の一手") as info:
        sheet.save_point(2, state="まだ", due="2026-12-01")
    assert info.value.field == "next_action"
    assert sheet.ws.rows("readiness").empty


@pytest.mark.parametrize("typed", ["2026-12-01", "2026/12/1", "2026年12月1日", "２０２６／１２／０１", " 2026.12.1 "])
def test_dates_are_stored_as_iso(sheet, typed):
    rec = sheet.save_point(3, state="まだ", next_action="上長に定例報告する", due=typed)
    assert rec.due == "2026-12-01" and sheet.record(3).due == "2026-12-01"


@pytest.mark.parametrize("typed,match", [("2026-02-30", "ありえない"), ("2026-13-01", "月は1～12"),
                                         ("2025/2/29", "ありえない"), ("来週", "読めません"), ("12/1", "読めません")])
def test_impossible_or_unreadable_dates_are_refused_and_nothing_is_saved(sheet, typed, match):
    with pytest.raises(OhayamiError, match=match) as info:
        sheet.save_point(1, state="まだ", next_action="テーマを決める", due=typed)
    assert info.value.field == "due"
    assert sheet.ws.rows("readiness").empty


def test_unknown_point_and_long_text_are_refused(sheet):
    with pytest.raises(OhayamiError, match="1～3") as info:
        sheet.save_point(4, state="まだ")
    assert info.value.field == "point"
    with pytest.raises(OhayamiError, match="60文字") as info:
        sheet.save_point(2, state="一部", who="あ" * 61)
    assert info.value.field == "who"
    with pytest.raises(OhayamiError, match="300文字") as info:
        sheet.save_point(2, state="一部", next_action="あ" * 301, due="2026-01-01")
    assert info.value.field == "next_action"


def test_text_loses_control_characters_and_is_kept_as_written(sheet):
    rec = sheet.save_point(1, state="できている", basis="住民サービス\x00の効率化\n（総合計画）", who="企画\x07課")
    assert rec.basis == "住民サービスの効率化\n（総合計画）" and rec.who == "企画課"
    assert sheet.record(1) == rec


def test_the_card_names_the_first_point_not_done_in_the_guides_order(sheet):
    _done(sheet, 1)
    sheet.save_point(2, state="一部", who="山田", next_action="専任のメンバーを付ける", due="2026-06-30")
    _done(sheet, 3)
    card = sheet.card()
    assert card.blocking.number == 2 and card.n_done == 2 and not card.missing_action
    assert card.record.next_action == "専任のメンバーを付ける"
    _done(sheet, 2)
    sheet.clear_point(3)
    card = sheet.card()
    assert card.blocking.number == 3 and card.record.state is None and card.missing_action
    _done(sheet, 3)
    card = sheet.card()
    assert card.blocking is None and card.n_done == 3 and "すべて押さえています" in card.headline
    assert card.merits == tuple(type_card("A").merits)
    assert sheet.advice_frame().empty


def test_advice_is_the_guides_for_the_blocking_point(sheet):
    _done(sheet, 1)
    guide = type_card("A").extras["points"][1]
    advice = sheet.advice_frame()
    assert advice.iloc[0]["ガイドの記述"] == f"{guide['pitfall_title']}：{guide['pitfall']}"
    assert list(advice[advice["区分"].str.startswith("押さえるための対応")]["ガイドの記述"]) == guide["how"]
    assert list(advice[advice["区分"] == "事例での対応"]["ガイドの記述"]) == guide["case_actions"]
    assert guide["how_title"] in advice.iloc[1]["区分"]


def test_each_save_is_one_row_per_point_and_logged(sheet):
    sheet.save_point(2, state="まだ", who="佐藤", actor="山田")
    sheet.save_point(2, state="一部", who="佐藤", actor="山田")
    assert len(sheet.ws.rows("readiness")) == 1
    log = sheet.ws.history("readiness")
    assert list(log[log.field == "state"]["new"]) == [NOT_YET, PARTLY] and set(log.actor) == {"山田"}


def test_points_frame_shows_the_words(sheet):
    sheet.save_point(3, state="一部", who="課長", basis="理解はあるが多忙", next_action="月1回報告", due="2026/4/1")
    row = sheet.points_frame().iloc[2]
    assert (row["状態"], row["誰が"], row["根拠"], row["次の一手"], row["期日"]) == (
        STATE_LABELS[PARTLY], "課長", "理解はあるが多忙", "月1回報告", "2026-04-01")


def test_xlsx_has_the_frames_as_text_only_cells(sheet):
    from openpyxl import load_workbook

    sheet.save_point(1, state="まだ", basis="=1+1", next_action="@SUM(A1)", due="2026-12-01")
    wb = load_workbook(io.BytesIO(sheet.export_xlsx()))
    assert wb.sheetnames == ["基本の3ポイント", "準備度", "ガイドの助言"]
    ws = wb["基本の3ポイント"]
    assert [c.value for c in ws[1]] == list(sheet.points_frame().columns)
    cell = ws["E2"]
    assert cell.value == "=1+1" and cell.data_type == "s" and cell.quotePrefix
    assert ws["F2"].value == "@SUM(A1)" and ws["F2"].data_type == "s"
    assert wb["準備度"]["B3"].value == "ポイント①テーマ"


def test_printout_is_one_escaped_a4_portrait_page(sheet):
    sheet.save_point(2, state="一部", who=EVIL, next_action=EVIL, due="2026-12-01")
    _done(sheet, 1)
    page = readiness_html(sheet)
    assert "@page { size: A4 portrait" in page
    assert EVIL not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "まず押さえるのは ポイント②推進の中心的人物" in page
    assert type_card("A").extras["points"][1]["how"][0] in page
    assert type_card("A").cautions[0] in page


def test_whole_workshop_export_and_import_keep_the_points(sheet, tmp_path):
    _done(sheet, 1, next_action="原課ヒアリング", due="2026-05-01")
    sheet.save_point(3, state="まだ", who="課長")
    data = X.export_xlsx(sheet.ws)
    other = open_workshop(tmp_path / "copy")
    X.import_workbook(other, data)
    assert X.table_snapshot(other)["readiness"] == X.table_snapshot(sheet.ws)["readiness"]
    assert ReadinessSheet(other).record(1) == sheet.record(1)


def _version_2_file(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for v in (1, 2):
        for step in S.MIGRATIONS[v]:
            step(con) if callable(step) else con.execute(step)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("app", S.APP_ID), ("schema_version", "2"),
                                                      ("workshop_id", "v2"), ("created_at", "2024-05-01")])
    con.execute("INSERT INTO vendors (vendor_id, name) VALUES ('V001', 'A社')")
    con.commit()
    con.close()


def test_a_version_2_file_gets_the_worksheet_tables(tmp_path):
    path = tmp_path / "old.ohayami"
    _version_2_file(path)
    w = open_workshop(path)
    assert w.schema_version() == S.SCHEMA_VERSION >= 3
    assert (tmp_path / "old.ohayami.bak-v2").exists()
    for name in ("readiness", "expert_request", "expert_items"):
        cols = [r[1] for r in w._conn.execute(f'PRAGMA table_info("{name}")')]
        assert tuple(cols) == S.TABLES[name].columns
    assert w.get("vendors", vendor_id="V001")["name"] == "A社"
    assert ReadinessSheet(w).save_point(1, state="一部").state == PARTLY
