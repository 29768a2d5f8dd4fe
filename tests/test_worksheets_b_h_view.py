"""The type B and type H worksheets' widgets, driven from pytest by setting values and clicking."""

from __future__ import annotations

from ohayami.guide import type_card
from ohayami.ui.cards import card_html
from ohayami.ui.flow import ExportPanel as FlowExport
from ohayami.ui.flow import FlowView, InterviewsPanel, StagesPanel, TimelinePanel
from ohayami.ui.roles import ChartPanel, ExportPanel, MatrixPanel, OwnersPanel, RolesView, RulesPanel, TasksPanel
from test_worksheets_a_i_view import EVIL, READONLY, _download, _fail


# ---------------------------------------------------------------------- type B

def test_type_b_interviews_are_logged_edited_and_deleted(tmp_path):
    v = FlowView(tmp_path / "b")
    f = v.panel(InterviewsPanel).form
    f.save_btn.click()
    assert "誰にが空" in f.msgs["interviewee"].value and v.model.interviews().empty
    f.fields["interviewee"].value, f.fields["heard_on"].value = EVIL, "2026/5/1"
    f.save_btn.click()
    assert "聞き取りを追加しました（IV001）" in f.msg.value
    assert f.pick.value == "IV001" and f.fields["heard_on"].value == "2026-05-01"   # shown as stored
    table = v.panel(InterviewsPanel).table.value
    assert EVIL not in table and "&lt;img src=x onerror=alert(1)&gt;" in table
    f.fields["lessons"].value, f.fields["heard_on"].value = "RFIで相場を知る", "2026-02-30"
    f.save_btn.click()
    assert "ありえない日付" in f.msgs["heard_on"].value and v.model.interviews().iloc[0]["lessons"] == ""
    f.fields["heard_on"].value = "2026年5月2日"
    f.save_btn.click()
    assert v.model.interviews().iloc[0][["lessons", "heard_on"]].tolist() == ["RFIで相場を知る", "2026-05-02"]
    f.delete_btn.click()
    assert "削除しました（IV001）" in f.msg.value and v.model.interviews().empty and f.pick.value is None


def test_type_b_stages_edited_reordered_and_the_timeline_follows(tmp_path):
    v = FlowView(tmp_path / "b")
    sp = v.panel(StagesPanel)
    assert "ガイドの図がないため ohayami が用意したもの" in sp.widget.children[0].value
    tl = v.panel(TimelinePanel)
    assert tl.image.value[:4] == b"\x89PNG" and "揃っています" in tl.checks.value
    f = sp.form
    f.pick.value = "ST004"
    assert (f.fields["stage_name"].value, f.fields["lead"].value, f.fields["start_month"].value) == ("調達", "town", "10")
    f.fields["start_month"].value = "０"
    f.save_btn.click()
    assert "1～60" in f.msgs["start_month"].value and v.model.stages().iloc[3]["start_month"] == 10
    f.fields["start_month"].value = "6"
    f.save_btn.click()
    assert "段階を保存しました（ST004）" in f.msg.value
    assert "「調達」（6か月目から）" in tl.checks.value   # refreshed by the topic
    sp.up_btn.click()
    assert "並べ替えました" in f.msg.value and list(v.model.stages()["stage_id"][2:4]) == ["ST004", "ST003"]
    f.pick.value = "ST001"
    sp.up_btn.click()
    assert "これ以上は動かせません" in f.msg.value
    f.pick.value = None
    assert f.fields["lead"].value == "town" and f.fields["stage_name"].value == ""
    f.fields["stage_name"].value, f.fields["tasks"].value = "広報", "チラシ作成\nSNS発信"
    f.fields["lead"].value, f.fields["start_month"].value, f.fields["months"].value = "both", "20", "2"
    f.save_btn.click()
    assert "段階を追加しました（ST007）" in f.msg.value and v.model.stages().iloc[-1]["tasks"] == ["チラシ作成", "SNS発信"]
    f.pick.value = None
    sp.up_btn.click()
    assert "並べ替える段階を選んでください" in f.msg.value and v.model.stages().iloc[-1]["stage_name"] == "広報"
    sp.start.value = "2026/13"
    sp.start_btn.click()
    assert "月は1～12" in sp.start_msgs["start"].value
    sp.start.value = "2026年4月"
    sp.start_btn.click()
    assert sp.start.value == "2026-04" and "2026年4月" in sp.table.value


def test_type_b_failed_write_shows_what_is_stored(tmp_path, monkeypatch):
    v = FlowView(tmp_path / "b")
    f = v.panel(StagesPanel).form
    f.pick.value = "ST002"
    f.fields["months"].value = "9"
    monkeypatch.setattr(v.model, "update_stage", _fail(READONLY))
    f.save_btn.click()
    assert "保存されていません" in f.msg.value and f.fields["months"].value == "3"


def test_type_b_exports(tmp_path):
    v = FlowView(tmp_path / "b")
    e = v.panel(FlowExport)
    e.html_btn.click()
    page = _download(e.msg.value).decode("utf-8")
    assert "size: A4 portrait" in page and "ohayami が用意したもの" in page
    e.xlsx_btn.click()
    assert _download(e.msg.value)[:2] == b"PK" and len(list(v.ws.export_folder().glob("デジタル実装の基本の流れ_*.xlsx"))) == 1


# ---------------------------------------------------------------------- type H

def _fill_h(v):
    tp = v.panel(TasksPanel)
    tp.seed_btn.click()
    op = v.panel(OwnersPanel).form
    for name, kind in (("企画課", "dept"), ("A社", "vendor")):
        op.pick.value = None
        op.fields["owner_name"].value, op.fields["owner_kind"].value = name, kind
        op.save_btn.click()
    return tp, op


def test_type_h_tasks_from_b_owners_matrix_chart_and_rules(tmp_path):
    v = RolesView(tmp_path / "h")
    tp = v.panel(TasksPanel)
    assert "Bの段階一覧はまだありません" in tp.source.value
    FlowView(v.ws).model.add_stage("広報", tasks="チラシ作成", lead="both", start_month=20, months=2)
    tp.refresh()
    assert "Bの段階一覧：7 段階" in tp.source.value
    tp, op = _fill_h(v)
    assert "Bの段階一覧から作業を 19 件読み込みました" in tp.seed_msg.value
    tp.seed_btn.click()
    assert "0 件" in tp.seed_msg.value and len(v.model.tasks()) == 19
    f = tp.form
    f.fields["stage_name"].value, f.fields["task_name"].value = "広報", "チラシ作成"
    f.save_btn.click()
    assert "すでに" in f.msgs["task_name"].value
    assert "担い手を追加しました（O002）" in op.msg.value
    mp = v.panel(MatrixPanel)
    assert mp.stage.value == "企画・構想" and len(mp.cells) == 3 * 2
    mp.cells[("T001", "O001")].value = "A"
    mp.cells[("T001", "O002")].value = "A"
    assert "責任（A）が2人います（企画課・A社）" in mp.checks.value
    mp.cells[("T001", "O002")].value = "C"
    assert "責任（A）が2人" not in mp.checks.value and "相談" in mp.table.value
    cp = v.panel(ChartPanel)
    assert cp.image.value[:4] == b"\x89PNG" and "企画・構想：課題と目指す姿の整理" in cp.table.value
    mp.stage.value = "広報"
    assert set(mp.cells) == {("T019", "O001"), ("T019", "O002")}
    mp.cells[("T019", "O002")].value = "A"
    assert "広報：チラシ作成" in cp.table.value   # the chart listens to the matrix
    rp = v.panel(RulesPanel).form
    rp.fields["meeting"].value, rp.fields["frequency"].value = "推進会議", "月1回"
    rp.save_btn.click()
    assert "ルールを追加しました（M001）" in rp.msg.value and "推進会議" in v.panel(RulesPanel).table.value
    e = v.panel(ExportPanel)
    e.html_btn.click()
    page = _download(e.msg.value).decode("utf-8")
    assert "承認欄" in page and "推進会議" in page and "size: A4 portrait" in page
    e.xlsx_btn.click()
    assert _download(e.msg.value)[:2] == b"PK" and len(list(v.ws.export_folder().glob("体制案_*.html"))) == 1


def test_type_h_removing_an_owner_updates_the_matrix(tmp_path):
    v = RolesView(tmp_path / "h")
    _, op = _fill_h(v)
    mp = v.panel(MatrixPanel)
    mp.cells[("T001", "O002")].value = "R"
    op.pick.value = "O002"
    op.delete_btn.click()
    assert "担い手を削除しました（O002）" in op.msg.value
    assert all(o == "O001" for _, o in mp.cells) and v.ws.rows("role_raci").empty


def test_type_h_failed_cell_puts_the_stored_value_back(tmp_path, monkeypatch):
    v = RolesView(tmp_path / "h")
    _fill_h(v)
    mp = v.panel(MatrixPanel)
    monkeypatch.setattr(v.model, "set_raci", _fail(READONLY))
    mp.cells[("T001", "O001")].value = "A"
    assert "保存されていません" in mp.msg.value and mp.cells[("T001", "O001")].value == ""
    assert v.model.raci() == {}


def test_the_cards_open_the_worksheets_on_the_same_workshop():
    for t, nb in (("B", "11_type_b_flow.ipynb"), ("H", "17_type_h_roles.ipynb")):
        assert type_card(t).workbench == nb
        html = card_html(t, workshop="第1回")
        assert f'<a class="oh-open" href="{nb}?workshop=%E7%AC%AC1%E5%9B%9E" target="_blank"' in html
        assert "この作業台を開く" in html


# ---------------------------------------------------------------------- a crafted file

def test_unusable_stored_rows_are_named_on_screen_and_can_be_corrected(tmp_path):
    import sqlite3

    from ohayami.store import open_workshop
    from ohayami.support import SupportWorksheet
    from ohayami.ui.support import SupportView
    from ohayami.ui.support.checks import ChecksPanel

    v = FlowView(tmp_path / "b")
    r = RolesView(tmp_path / "b")
    r.panel(TasksPanel).seed_btn.click()
    r.model.add_owner("企画課", "dept")
    f_model = SupportWorksheet(open_workshop(tmp_path / "b.ohayami"), "F")
    f_model.load_guide_list()
    conn = sqlite3.connect(tmp_path / "b.ohayami")
    conn.executescript("UPDATE flow_stages SET start_month=1e9 WHERE stage_id='ST002';"
                       "UPDATE role_owners SET owner_kind='zzz';"
                       "UPDATE support_criteria SET weight=-5 WHERE kind='F' AND criterion_id='K2';")
    conn.close()
    v, r = FlowView(tmp_path / "b"), RolesView(tmp_path / "b")
    sp = v.panel(StagesPanel)
    assert "「ST002」" in sp.table.value and "開始月" in sp.table.value
    f = sp.form
    f.pick.value = "ST002"
    assert "要修正" in dict((i, lab) for lab, i in f.pick.options)["ST002"]
    assert f.fields["start_month"].value == "1000000000"   # what is stored, to be corrected
    f.fields["start_month"].value = "4"
    f.save_btn.click()
    assert "段階を保存しました（ST002）" in f.msg.value and "「ST002」" not in sp.table.value
    op = r.panel(OwnersPanel).form
    op.pick.value = "O001"
    assert op.fields["owner_kind"].value == "dept"
    assert "担い手の区分" in r.panel(MatrixPanel).checks.value
    op.save_btn.click()
    assert "担い手の区分" not in r.panel(MatrixPanel).checks.value
    s = SupportView(tmp_path / "b", "F")
    cp = s.panel(ChecksPanel)
    assert "「K2」" in cp.table.value and cp.weights["K2"].value == "-5"
