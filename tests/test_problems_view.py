"""The type C notebook's widgets, driven from pytest through the three steps with several participants."""

import datetime

from ohayami.workbench import ROOM
from ohayami.ui.problems_view import ProblemsView

SURVEY = "課題,生活のワンシーン,出どころ\n証明書の窓口が昼に混む,昼休み,住民アンケート\nバスが少ない,通院,首長\n" \
         "ごみの分別が分かりにくい,転入,問い合わせ\n証明書窓口が昼に混雑,昼,原課\n"


def _upload(widget, name, data):
    widget.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                     "last_modified": datetime.datetime.now()},)


def test_three_steps_with_two_participants(tmp_path):
    v = ProblemsView(tmp_path / "c")
    # step 1: import a survey saved by Excel in Shift_JIS, add one by hand, merge a near-duplicate
    _upload(v.upload, "survey.csv", SURVEY.encode("cp932"))
    v.import_btn.click()
    assert "4 件の課題を取り込みました" in v.import_msg.value
    v.title.value, v.scene.value, v.origin.value = "子育て相談の予約が電話のみ", "夜に予約できない", "住民アンケート"
    v.add_btn.click()
    assert "追加しました：P005" in v.add_msg.value
    assert v.dup_pick.value == ("P001", "P004")
    v.merge_btn.click()
    assert "P004 を P001 に統合しました" in v.merge_msg.value
    assert "P004" not in v.problem_list.value and "全 4 件" in v.problem_list.value
    # step 2: analysis of one problem, exclusion of another
    v.a_pick.value = "P001"
    v.a_fields["who"].value = "市民"
    v.a_fields["how"].value = "昼に2倍待つ"
    v.a_fields["how_much"].value = "平日昼 約1時間"
    v.a_fields["cause"].value = "手書きの記入漏れ"
    v.a_tags.value = "窓口DX"
    v.a_save.click()
    assert "P001 の分析を保存しました" in v.a_msg.value and "記入済み" in v.a_status.value
    v.a_pick.value = "P003"
    v.a_exclude.value = "need_unclear"
    v.a_exclude_btn.click()
    assert "住民のニーズが不明" in v.a_status.value
    # weights by ranking the criteria
    v.weights.method.value = "rank"
    for i, w in enumerate(v.weights.widgets.values()):
        w.value = i + 1
    v.weights.apply_btn.click()
    assert "順位重心法" in v.weights.msg.value
    # scoring by two participants
    v.tabs.selected_index = 3
    for who, base in (("山田", 5), ("佐藤", 3)):
        v.s_who.value = who
        for r, (label, dds) in enumerate(v.cells[:4]):
            for dd in dds:
                dd.value = str(max(1, base - r))
        assert "保存しました" in v.s_msg.value
    # results and the cut line
    v.tabs.selected_index = 4
    v.r_mode.value, v.r_value.value = "top", "2"
    v.r_apply.click()
    assert "上位 2 件" in v.r_msg.value
    assert v.r_bars.value[:4] == b"\x89PNG" and v.r_quad.value[:4] == b"\x89PNG" and v.r_heat.value[:4] == b"\x89PNG"
    assert "住民のニーズが不明" in v.r_table.value
    short = v.model.shortlist()
    assert short[0] == "P001"
    # step 3: the vision for a short-listed problem
    v.tabs.selected_index = 5
    assert v.v_pick.value == "P001"
    v.v_fields["beneficiary"].value = "自治体窓口を利用する住民"
    v.v_fields["change"].value = "待たずに受け取れる"
    v.v_fields["degree"].value = "60分→15分"
    v.v_save.click()
    assert "地域像を保存しました" in v.v_msg.value
    # exports
    v.x_xlsx.click()
    assert "課題の絞り込み.xlsx" in v.x_msg.value
    v.x_report.click()
    assert (tmp_path / "c_出力" / "課題の絞り込み報告書.html").exists()
    # a kernel restart: a new view on the same file shows everything
    v.ws.close()
    v2 = ProblemsView(tmp_path / "c.ohayami")
    assert v2.model.shortlist() == short
    assert v2.ws.get("visions", problem_id="P001")["degree"] == "60分→15分"
    assert set(v2.model.scores().evaluator) == {"山田", "佐藤"}
    v2.tabs.selected_index = 3
    v2.s_who.value = "山田"
    assert v2.cells[0][1][0].value == "5"  # the saved score is back on screen


def test_bad_input_is_refused_next_to_the_field(tmp_path):
    v = ProblemsView(tmp_path / "c")
    v.title.value = "課題A"
    v.add_btn.click()
    v.title.value = "課題A"
    v.add_btn.click()
    assert "同じ課題がすでにあります" in v.add_msg.value
    _upload(v.upload, "bad.csv", "課題,出どころ\n,原課\n課題B,\n".encode("utf-8"))
    v.import_btn.click()
    assert "2行目：「課題」が空です" in v.import_msg.value and "何も取り込んでいません" in v.import_msg.value
    assert len(v.model.problems()) == 1
    v.tabs.selected_index = 3
    v.s_who.value = "山田"
    dd = v.cells[0][1][0]
    dd.value = "4"
    assert v.model.scores("山田").value.tolist() == ["4"]
    v.c_pick.value = "reach"
    v.c_weight.value = "-3"
    v.c_save.click()
    assert "0 以上の数" in v.c_msg.value
    assert v.model.criteria().set_index("criterion_id").loc["reach", "weight"] == 3
    v.weights.method.value = "direct"
    for w in v.weights.widgets.values():
        w.value = "0"
    v.weights.apply_btn.click()
    assert "すべて 0" in v.weights.msg.value
    assert v.model.criteria().weight.sum() > 0
    # removing the criterion on the matrix's axis leaves a working results screen
    v.c_pick.value = "difficulty"
    v.c_remove.click()
    assert "削除しました" in v.c_msg.value and v.r_x.value != "difficulty"
    v.tabs.selected_index = 4
    assert "ランキング" in v.r_table.value


def test_room_grid_and_scoring_sheets(tmp_path):
    import io

    import openpyxl
    v = ProblemsView(tmp_path / "c")
    for t in ("課題A", "課題B"):
        v.title.value = t
        v.add_btn.click()
    v.tabs.selected_index = 3
    v.s_room.click()
    assert v.s_who.value == ROOM
    for dd in v.cells[0][1]:
        dd.value = "3"
    v.s_who.value = "鈴木"
    v.sheets.make_btn.click()
    path = tmp_path / "c_出力" / "採点シート_鈴木.xlsx"
    wb = openpyxl.load_workbook(path)
    sh = wb["評価シート"]
    for r in (10, 11):
        for c in range(3, 3 + len(v.model.criteria())):
            sh.cell(r, c).value = 4
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    v.sheets.upload.value = ({"name": "鈴木.xlsx", "type": "", "size": len(data), "content": memoryview(data),
                             "last_modified": datetime.datetime.now()},)
    v.sheets.import_btn.click()
    assert "取り込みました：鈴木.xlsx" in v.sheets.msg.value
    assert set(v.model.scores().evaluator) == {ROOM, "鈴木"}
    assert v.cells[0][1][0].value == "4"


def test_participant_text_is_escaped_everywhere(tmp_path):
    v = ProblemsView(tmp_path / "c")
    evil = "<img src=x onerror=alert(1)>"
    v.title.value = evil
    v.add_btn.click()
    v.tabs.selected_index = 3
    v.s_who.value = "<script>alert(2)</script>"
    for dd in v.cells[0][1]:
        dd.value = "3"
    v.tabs.selected_index = 4
    v.x_report.click()
    html = (tmp_path / "c_出力" / "課題の絞り込み報告書.html").read_text(encoding="utf-8")
    for text in (v.problem_list.value, v.r_table.value, v.cells[0][0].value, v.a_status.value, html):
        assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in v.problem_list.value
