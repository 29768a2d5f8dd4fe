"""The type C notebook's widgets, driven from pytest through the three steps with several participants."""

import datetime

from ohayami.workbench import ROOM
from ohayami.ui.problems import (AnalysisPanel, CriteriaPanel, ExportPanel, ListPanel, ProblemsView, ResultsPanel,
                                 ScoringPanel, VisionPanel)

SURVEY = "課題,生活のワンシーン,出どころ\n証明書の窓口が昼に混む,昼休み,住民アンケート\nバスが少ない,通院,首長\n" \
         "ごみの分別が分かりにくい,転入,問い合わせ\n証明書窓口が昼に混雑,昼,原課\n"


def _upload(widget, name, data):
    widget.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                     "last_modified": datetime.datetime.now()},)


def test_three_steps_with_two_participants(tmp_path):
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
    assert "課題の絞り込み.xlsx" in xp.msg.value
    xp.report_btn.click()
    assert (tmp_path / "c_出力" / "課題の絞り込み報告書.html").exists()
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


def test_participant_text_is_escaped_everywhere(tmp_path):
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
    html = (tmp_path / "c_出力" / "課題の絞り込み報告書.html").read_text(encoding="utf-8")
    for text in (lp.problem_list.value, v.panel(ResultsPanel).table.value, sp.grid.labels[0].value,
                 v.panel(AnalysisPanel).status.value, html):
        assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in lp.problem_list.value
