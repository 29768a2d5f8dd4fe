"""The type A and type I worksheets' widgets, driven from pytest by setting values and clicking."""

from __future__ import annotations

import base64
import re
import sqlite3

from ohayami.experts import LISTS
from ohayami.ui.experts import AcceptancePanel, ChannelsPanel, ExpertsView, RequestPanel, SheetPanel, SkillsPanel
from ohayami.ui.readiness import CardPanel, ExportPanel, PointsPanel, ReadinessView

READONLY = sqlite3.OperationalError("attempt to write a readonly database")
EVIL = "<img src=x onerror=alert(1)>"


def _fail(exc):
    def raise_(*_a, **_k):
        raise exc
    return raise_


def _download(msg_html: str) -> bytes:
    return base64.b64decode(re.search(r'base64,([A-Za-z0-9+/=]+)"', msg_html).group(1))


# ---------------------------------------------------------------------- type A

def test_type_a_three_points_the_card_follows_and_exports(tmp_path):
    v = ReadinessView(tmp_path / "a")
    pp = v.panel(PointsPanel)
    card = v.panel(CardPanel)
    assert "ポイント①テーマ" in card.card.value and "未記入" in card.card.value
    f1 = pp.form(1)
    f1.state.value, f1.basis.value = "done", "子育て支援（総合計画の重点プロジェクト）"
    f1.save_btn.click()
    assert "ポイント①テーマを保存しました（できている）" in f1.msg.value
    assert "まず押さえるのは ポイント②推進の中心的人物" in card.card.value  # refreshed by the topic
    f2 = pp.form(2)
    f2.state.value, f2.who.value = "partly", "企画課 山田"
    f2.next_action.value, f2.due.value = "専任のメンバーを付ける", "2026年6月30日"
    f2.save_btn.click()
    assert f2.due.value == "2026-06-30"  # shown as stored
    assert "次の一手：専任のメンバーを付ける（2026-06-30まで）" in card.card.value
    e = v.panel(ExportPanel)
    e.html_btn.click()
    page = _download(e.msg.value).decode("utf-8")
    assert "size: A4 portrait" in page and "企画課 山田" in page
    assert len(list(v.ws.export_folder().glob("基本の3ポイント_準備度シート_*.html"))) == 1
    e.xlsx_btn.click()
    assert _download(e.msg.value)[:2] == b"PK"
    # the stored values come back in a new view (another participant's page)
    again = ReadinessView(v.ws).panel(PointsPanel).form(2)
    assert (again.state.value, again.who.value, again.due.value) == ("partly", "企画課 山田", "2026-06-30")


def test_type_a_refusals_show_next_to_their_field(tmp_path):
    v = ReadinessView(tmp_path / "a")
    f = v.panel(PointsPanel).form(3)
    f.save_btn.click()  # no state chosen
    assert "状態を選んでください" in f.msgs["state"].value and f.msg.value == ""
    f.state.value = "done"
    f.save_btn.click()
    assert "誰が（上長）" in f.msgs["who"].value and "状態" not in f.msgs["state"].value
    f.state.value, f.next_action.value, f.due.value = "not_yet", "上長に定例報告", "2026-02-30"
    f.save_btn.click()
    assert "ありえない日付" in f.msgs["due"].value
    assert f.due.value == "2026-02-30"  # a refused entry stays on screen for correcting
    assert v.ws.rows("readiness").empty


def test_type_a_failed_write_says_so_and_shows_what_is_stored(tmp_path, monkeypatch):
    v = ReadinessView(tmp_path / "a")
    f = v.panel(PointsPanel).form(2)
    f.state.value, f.who.value = "partly", "山田"
    f.save_btn.click()
    f.who.value = "佐藤"
    monkeypatch.setattr(v.model, "save_point", _fail(READONLY))
    f.save_btn.click()
    assert "読み取り専用" in f.msg.value and "保存されていません" in f.msg.value
    assert f.who.value == "山田"  # the screen shows what the file holds


def test_type_a_text_is_shown_as_text(tmp_path):
    v = ReadinessView(tmp_path / "a")
    f = v.panel(PointsPanel).form(2)
    f.state.value, f.who.value = "partly", EVIL
    f.save_btn.click()
    table = v.panel(CardPanel).table.value
    assert EVIL not in table and "&lt;img src=x onerror=alert(1)&gt;" in table


# ---------------------------------------------------------------------- type I

def test_type_i_request_checklists_and_sheet(tmp_path):
    v = ExpertsView(tmp_path / "i")
    rp = v.panel(RequestPanel)
    rp.save_btn.click()
    assert "ボトルネックが空" in rp.msgs["bottleneck"].value
    rp.bottleneck.value, rp.outcome.value, rp.due.value = "要件を書ける職員がいない", "要件定義書", "2026/4/1"
    rp.save_btn.click()
    assert "ボトルネックを保存しました" in rp.msg.value and rp.due.value == "2026-04-01"
    sheet = v.panel(SheetPanel)
    assert "要件を書ける職員がいない" in sheet.preview.value
    sp = v.panel(SkillsPanel)
    assert [c.description for c in sp.checks.values()][0] == "求める：専門的知見の活用"
    sp.checks["S003"].value = True
    assert "S003 を保存しました" in sp.msg.value
    assert "庁内調整" in sheet.preview.value  # the sheet listens to the checklists
    sp.name.value, sp.description.value = "データ分析の経験", "統計を読める"
    sp.add_btn.click()
    assert "追加しました：S005" in sp.msg.value and sp.checks["S005"].value is True and sp.name.value == ""
    sp.remove_pick.value = "S005"
    sp.remove_btn.click()
    assert "S005" not in sp.checks and "S005 を削除しました" in sp.msg.value
    cp = v.panel(ChannelsPanel)
    cp.checks["C001"].value = True
    cp.notes["C001"].value = "4/10 に相談"
    assert "C001 のメモを保存しました" in cp.msg.value
    ap = v.panel(AcceptancePanel)
    for box in ap.checks.values():
        box.value = True
    assert "まだ足りないこと" not in sheet.preview.value
    sheet.html_btn.click()
    page = _download(sheet.msg.value).decode("utf-8")
    assert "専門家への依頼要件" in page and "4/10 に相談" in page and "size: A4 portrait" in page
    sheet.xlsx_btn.click()
    assert _download(sheet.msg.value)[:2] == b"PK"
    assert len(list(v.ws.export_folder().glob("専門家への依頼要件_*.xlsx"))) == 1


def test_type_i_refusals_and_guide_items_that_cannot_be_removed(tmp_path):
    v = ExpertsView(tmp_path / "i")
    sp = v.panel(SkillsPanel)
    sp.name.value = "庁内調整"
    sp.add_btn.click()
    assert "すでに" in sp.msgs["name"].value
    sp.remove_btn.click()
    assert "削除する項目を選んでください" in sp.msg.value
    rp = v.panel(RequestPanel)
    rp.bottleneck.value, rp.due.value = "人がいない", "2026-13-01"
    rp.save_btn.click()
    assert "月は1～12" in rp.msgs["due"].value
    assert v.model.request().bottleneck == ""


def test_type_i_failed_tick_puts_the_stored_value_back(tmp_path, monkeypatch):
    v = ExpertsView(tmp_path / "i")
    ap = v.panel(AcceptancePanel)
    monkeypatch.setattr(v.model, "set_checked", _fail(READONLY))
    ap.checks["A001"].value = True
    assert "保存されていません" in ap.msg.value
    assert ap.checks["A001"].value is False  # rebuilt from the file
    assert not v.model.items("acceptance").iloc[0]["checked"]


def test_type_i_tabs_are_built_when_first_opened(tmp_path):
    v = ExpertsView(tmp_path / "i")
    assert [p.built for p in v.panels] == [True, False, False, False, False]
    v.tabs.selected_index = 2
    assert v.panels[2].built and len(v.panels[2].checks) == len(v.model.items(LISTS["channels"].list_id))
