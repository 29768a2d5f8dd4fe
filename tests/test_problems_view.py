"""The type C notebook's widgets, driven from pytest through the three steps with several participants."""

import datetime
import errno
import sqlite3

from ohayami.errors import OhayamiError
from ohayami.textio import MAX_TEXT
from ohayami.workbench import ROOM
from ohayami.ui.problems import (AnalysisPanel, CriteriaPanel, ExportPanel, ListPanel, ProblemsView, ResultsPanel,
                                 ScoringPanel, VisionPanel)

SURVEY = "課題,生活のワンシーン,出どころ\n証明書の窓口が昼に混む,昼休み,住民アンケート\nバスが少ない,通院,首長\n" \
         "ごみの分別が分かりにくい,転入,問い合わせ\n証明書窓口が昼に混雑,昼,原課\n"


def _upload(widget, name, data):
    widget.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                     "last_modified": datetime.datetime.now()},)


def test_three_steps_with_two_participants(tmp_path, exported):
    v = ProblemsView(tmp_path / "c")
    lp = v.panel(ListPanel)
    # step 1: import a survey saved by Excel in Shift_JIS, add one by hand, merge a near-duplicate
    _upload(lp.upload, "survey.csv", SURVEY.encode("cp932"))
    lp.import_btn.click()
    assert "4 件の課題を取り込みました" in lp.import_msg.value
    lp.title_text.value, lp.scene.value, lp.origin.value = "子育て相談の予約が電話のみ", "夜に予約できない", "住民アンケート"
    lp.add_btn.click()
    assert "追加しました：P005" in lp.add_msg.value
    assert lp.dup_pick.value == ("P001", "P004")
    lp.merge_btn.click()
    assert "P004 を P001 に統合しました" in lp.merge_msg.value
    assert "P004" not in lp.problem_list.value and "全 4 件" in lp.problem_list.value
    # step 2: analysis of one problem, exclusion of another
    ap = v.panel(AnalysisPanel)
    ap.pick.value = "P001"
    ap.fields["who"].value = "市民"
    ap.fields["how"].value = "昼に2倍待つ"
    ap.fields["how_much"].value = "平日昼 約1時間"
    ap.fields["cause"].value = "手書きの記入漏れ"
    ap.tags.value = "窓口DX"
    ap.save_btn.click()
    assert "P001 の分析を保存しました" in ap.msg.value and "記入済み" in ap.status.value
    ap.pick.value = "P003"
    ap.exclude.value = "need_unclear"
    ap.exclude_btn.click()
    assert "住民のニーズが不明" in ap.status.value
    # weights by ranking the criteria
    cp = v.panel(CriteriaPanel)
    cp.weights.method.value = "rank"
    for i, w in enumerate(cp.weights.widgets.values()):
        w.value = i + 1
    cp.weights.apply_btn.click()
    assert "順位重心法" in cp.weights.msg.value
    # scoring by two participants
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    for who, base in (("山田", 5), ("佐藤", 3)):
        sp.who.value = who
        for r in range(4):
            for dd in sp.grid.row(r):
                dd.value = str(max(1, base - r))
        assert "保存しました" in sp.msg.value
    # results and the cut line
    v.tabs.selected_index = 4
    rp = v.panel(ResultsPanel)
    rp.mode.value, rp.value.value = "top", "2"
    rp.apply_btn.click()
    assert "上位 2 件" in rp.msg.value
    assert rp.bars.value[:4] == b"\x89PNG" and rp.quad.value[:4] == b"\x89PNG" and rp.heat.value[:4] == b"\x89PNG"
    assert "住民のニーズが不明" in rp.table.value
    short = v.model.shortlist()
    assert short[0] == "P001"
    # step 3: the vision for a short-listed problem
    v.tabs.selected_index = 5
    vp = v.panel(VisionPanel)
    assert vp.pick.value == "P001"
    vp.fields["beneficiary"].value = "自治体窓口を利用する住民"
    vp.fields["change"].value = "待たずに受け取れる"
    vp.fields["degree"].value = "60分→15分"
    vp.save_btn.click()
    assert "地域像を保存しました" in vp.msg.value
    # exports
    xp = v.panel(ExportPanel)
    xp.xlsx_btn.click()
    assert exported(tmp_path / "c_出力", "課題の絞り込み", "xlsx").name in xp.msg.value
    xp.report_btn.click()
    assert exported(tmp_path / "c_出力", "課題の絞り込み報告書", "html").exists()
    # a kernel restart: a new view on the same file shows everything
    v.ws.close()
    v2 = ProblemsView(tmp_path / "c.ohayami")
    assert v2.model.shortlist() == short
    assert v2.ws.get("visions", problem_id="P001")["degree"] == "60分→15分"
    assert set(v2.model.scores().evaluator) == {"山田", "佐藤"}
    v2.tabs.selected_index = 3
    v2.panel(ScoringPanel).who.value = "山田"
    assert v2.panel(ScoringPanel).grid.row(0)[0].value == "5"  # the saved score is back on screen


def test_bad_input_is_refused_next_to_the_field(tmp_path):
    v = ProblemsView(tmp_path / "c")
    lp = v.panel(ListPanel)
    lp.title_text.value = "課題A"
    lp.add_btn.click()
    lp.title_text.value = "課題A"
    lp.add_btn.click()
    assert "同じ課題がすでにあります" in lp.msgs["title"].value  # next to the title box, not under the button
    assert lp.add_msg.value == ""
    _upload(lp.upload, "bad.csv", "課題,出どころ\n,原課\n課題B,\n".encode("utf-8"))
    lp.import_btn.click()
    assert "2行目：「課題」が空です" in lp.import_msg.value and "何も取り込んでいません" in lp.import_msg.value
    assert len(v.model.problems()) == 1
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    sp.who.value = "山田"
    dd = sp.grid.row(0)[0]
    dd.value = "4"
    assert v.model.scores("山田").value.tolist() == ["4"]
    cp = v.panel(CriteriaPanel)
    cp.pick.value = "reach"
    cp.weight.value = "-3"
    cp.save_btn.click()
    assert "0 以上の数" in cp.msgs["weight"].value
    assert v.model.criteria().set_index("criterion_id").loc["reach", "weight"] == 3
    cp.weights.method.value = "direct"
    for w in cp.weights.widgets.values():
        w.value = "0"
    cp.weights.apply_btn.click()
    assert "すべて 0" in cp.weights.msg.value
    assert v.model.criteria().weight.sum() > 0
    # removing the criterion on the matrix's axis leaves a working results screen
    rp = v.panel(ResultsPanel)
    assert rp.x.value == "difficulty"
    cp.pick.value = "difficulty"
    cp.remove_btn.click()
    assert "削除しました" in cp.msg.value and rp.x.value != "difficulty"
    v.tabs.selected_index = 4
    assert "ランキング" in rp.table.value


def test_room_grid_and_scoring_sheets(tmp_path):
    import io

    import openpyxl
    v = ProblemsView(tmp_path / "c")
    lp = v.panel(ListPanel)
    for t in ("課題A", "課題B"):
        lp.title_text.value = t
        lp.add_btn.click()
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    sp.room_btn.click()
    assert sp.who.value == ROOM
    for dd in sp.grid.row(0):
        dd.value = "3"
    sp.who.value = "鈴木"
    sp.sheets.make_btn.click()
    path = tmp_path / "c_出力" / "採点シート_鈴木.xlsx"
    wb = openpyxl.load_workbook(path)
    sh = wb["評価シート"]
    for r in (10, 11):
        for c in range(3, 3 + len(v.model.criteria())):
            sh.cell(r, c).value = 4
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    sp.sheets.upload.value = ({"name": "鈴木.xlsx", "type": "", "size": len(data), "content": memoryview(data),
                              "last_modified": datetime.datetime.now()},)
    sp.sheets.import_btn.click()
    assert "取り込みました：鈴木.xlsx" in sp.sheets.msg.value
    assert set(v.model.scores().evaluator) == {ROOM, "鈴木"}
    assert sp.grid.row(0)[0].value == "4"


def test_participant_text_is_escaped_everywhere(tmp_path, exported):
    v = ProblemsView(tmp_path / "c")
    evil = "<img src=x onerror=alert(1)>"
    lp = v.panel(ListPanel)
    lp.title_text.value = evil
    lp.add_btn.click()
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    sp.who.value = "<script>alert(2)</script>"
    for dd in sp.grid.row(0):
        dd.value = "3"
    v.tabs.selected_index = 4
    v.panel(ExportPanel).report_btn.click()
    html = exported(tmp_path / "c_出力", "課題の絞り込み報告書", "html").read_text(encoding="utf-8")
    for text in (lp.problem_list.value, v.panel(ResultsPanel).table.value, sp.grid.labels[0].value,
                 v.panel(AnalysisPanel).status.value, html):
        assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in lp.problem_list.value


READONLY = sqlite3.OperationalError("attempt to write a readonly database")


def _fail(exc):
    def raise_(*_a, **_k):
        raise exc
    return raise_


def _view_with_problems(tmp_path, titles=("窓口が混む", "バスが少ない")):
    v = ProblemsView(tmp_path / "c")
    for t in titles:
        v.model.add_problem(t)
    v.panel(ListPanel).refresh()
    return v


def test_tabs_are_built_when_first_opened(tmp_path):
    v = ProblemsView(tmp_path / "c")
    assert len(v.panels) == 10 and [p.built for p in v.panels] == [True] + [False] * 9
    assert v.tabs.children[3].children == ()
    v.tabs.selected_index = 3
    assert v.panels[3].built and v.tabs.children[3].children == (v.panels[3].widget,)
    assert not any(p.built for p in v.panels[4:])


def test_a_failed_write_says_so_in_japanese_and_the_screen_keeps_what_is_stored(tmp_path, monkeypatch):
    v = _view_with_problems(tmp_path)
    lp = v.panel(ListPanel)
    # adding a problem to a read-only file
    monkeypatch.setattr(v.model, "add_problem", _fail(READONLY))
    lp.title_text.value = "ごみの分別が分かりにくい"
    lp.add_btn.click()
    assert "読み取り専用" in lp.add_msg.value and "保存されていません" in lp.add_msg.value
    assert "全 2 件" in lp.problem_list.value and "ごみの分別" not in lp.problem_list.value
    assert lp.title_text.value == "ごみの分別が分かりにくい"  # kept, so it can be saved again
    monkeypatch.undo()
    # a score: read-only file, then an unexpected error; the dropdown shows the stored score each time
    sp = v.panel(ScoringPanel)
    sp.who.value = "山田"
    dd = sp.grid.row(0)[0]
    dd.value = "4"
    for exc, words in ((READONLY, "読み取り専用"), (RuntimeError("boom"), "予期しないエラーが起きました（RuntimeError）")):
        monkeypatch.setattr(v.model, "set_score", _fail(exc))
        dd.value = "2"
        assert words in sp.msg.value and dd.value == "4"
    assert v.model.scores("山田")["value"].tolist() == ["4"]
    # a criterion's weight: the table keeps showing the stored weight
    cp = v.panel(CriteriaPanel)
    cp.pick.value = "reach"
    stored = v.model.criteria().set_index("criterion_id").loc["reach", "weight"]
    monkeypatch.setattr(v.model, "update_criterion", _fail(RuntimeError("boom")))
    cp.weight.value = "9"
    cp.save_btn.click()
    assert "予期しないエラーが起きました（RuntimeError）" in cp.msg.value and "画面を閉じずに" in cp.msg.value
    assert f"<td>{stored:g}</td>" in cp.table.value and "<td>9</td>" not in cp.table.value
    # the weighting editor, the exclusion and the cut line
    monkeypatch.setattr(v.model, "set_weights", _fail(READONLY))
    cp.weights.apply_btn.click()
    assert "読み取り専用" in cp.weights.msg.value
    ap = v.panel(AnalysisPanel)
    ap.pick.value = "P002"
    monkeypatch.setattr(v.model, "set_exclusion", _fail(RuntimeError("boom")))
    ap.exclude.value = "need_unclear"
    ap.exclude_btn.click()
    assert "予期しないエラー" in ap.msg.value and "住民のニーズが不明" not in ap.status.value
    rp = v.panel(ResultsPanel)
    cut = v.model.cut_line()
    monkeypatch.setattr(v.model, "set_cut_line", _fail(READONLY))
    rp.value.value = "1"
    rp.apply_btn.click()
    assert "読み取り専用" in rp.msg.value and v.model.cut_line() == cut
    # an export on a full disk
    xp = v.panel(ExportPanel)
    monkeypatch.setattr(v.model, "export_xlsx", _fail(OSError(errno.ENOSPC, "No space left on device")))
    xp.xlsx_btn.click()
    assert "ディスクの空き" in xp.msg.value and "download=" not in xp.msg.value


def test_a_refused_score_puts_back_what_is_stored(tmp_path, monkeypatch):
    v = _view_with_problems(tmp_path)
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    sp.who.value = "山田"
    dd = sp.grid.value("P001", "reach")
    dd.value = "2"
    # another participant's kernel narrows the scale: 5 is no longer a score the model accepts
    v.model.update_criterion("reach", scale="1-3")
    dd.value = "5"
    assert "「5」は入れられません" in sp.msg.value and "1～3 の整数" in sp.msg.value
    assert dd.value == "2" and v.model.scores("山田")["value"].tolist() == ["2"]
    # a refusal from the model for any reason leaves the stored score on screen
    monkeypatch.setattr(v.model, "set_score", _fail(OhayamiError("この点数は入れられません。", field="score")))
    dd.value = "1"
    assert "この点数は入れられません" in sp.msg.value and dd.value == "2"


def test_field_errors_stand_next_to_their_field(tmp_path):
    v = _view_with_problems(tmp_path)
    cp = v.panel(CriteriaPanel)
    cp.pick.value = "reach"
    cp.name.value = v.model.criteria().set_index("criterion_id").loc["effect", "name"]
    cp.save_btn.click()
    assert "すでにあります" in cp.msgs["name"].value and cp.msg.value == ""
    cp.load()  # the stored name back in the form
    cp.scale.value = ""
    cp.save_btn.click()
    assert "尺度が空です" in cp.msgs["scale"].value and cp.msgs["name"].value == ""
    ap = v.panel(AnalysisPanel)
    ap.pick.value = "P001"
    ap.fields["cause"].value = "あ" * (MAX_TEXT + 1)
    ap.save_btn.click()
    assert "文字以内" in ap.msgs["cause"].value and ap.msgs["who"].value == ""
    rp = v.panel(ResultsPanel)
    rp.mode.value, rp.value.value = "top", "0"
    rp.apply_btn.click()
    assert "上位N件の N" in rp.msgs["cut"].value
    # nothing chosen: the handler says what to choose instead of calling the model with nothing
    lp = v.panel(ListPanel)
    lp.dup_pick.value = None
    lp.merge_btn.click()
    assert "統合する組を選んでください" in lp.merge_msg.value
    lp.delete_pick.value = None
    lp.delete_btn.click()
    assert "削除する課題を選んでください" in lp.delete_msg.value and len(v.model.problems()) == 2
    vp = v.panel(VisionPanel)
    assert vp.pick.value is None
    vp.save_btn.click()
    assert "短いリストの課題を選んでください" in vp.msg.value


def test_pages_of_problems_and_other_tabs_follow_changes(tmp_path):
    v = _view_with_problems(tmp_path, [f"課題その{n}について" for n in range(1, 24)])
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    assert "1 / 3 ページ（全 23 件）" in sp.page_label.value
    sp.next_btn.click()
    sp.next_btn.click()
    sp.next_btn.click()  # past the last page stays on the last page
    assert "3 / 3 ページ" in sp.page_label.value
    assert [lab.layout.display for lab in sp.grid.labels] == [""] * 3 + ["none"] * 7
    assert "P021" in sp.grid.labels[0].value
    sp.prev_btn.click()
    assert "2 / 3 ページ" in sp.page_label.value and "P011" in sp.grid.labels[0].value
    # a problem added on tab 1 and a criterion added on tab 3 reach the built scoring tab
    lp = v.panel(ListPanel)
    lp.title_text.value = "新しい課題"
    lp.add_btn.click()
    assert "全 24 件" in sp.page_label.value
    cp = v.panel(CriteriaPanel)
    n = len(sp.grid.row(0))
    cp.name.value = "住民の納得感"
    cp.add_btn.click()
    assert "追加しました" in cp.msg.value and len(sp.grid.row(0)) == n + 1
    assert cp.pick.value == v.model.criteria()["criterion_id"].iloc[-1]
