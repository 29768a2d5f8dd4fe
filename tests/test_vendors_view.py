"""The type E notebook's widgets, driven from pytest through the whole flow with two evaluators."""

import datetime
import io

import openpyxl

from ohayami.ui.vendors_view import VendorsView


def _upload(widget, name, data):
    widget.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                     "last_modified": datetime.datetime.now()},)


def _criteria(v, numbers=(1, 2, 6, 9, 23, 25, 28, 31), must=(25,)):
    for n in numbers:
        v.t_checks[n][0].value = True
    for n in must:
        v.t_checks[n][1].value = True
    v.t_add.click()


def test_whole_flow_with_two_evaluators(tmp_path):
    v = VendorsView(tmp_path / "e")
    # step 1: criteria from the guide's template, one of our own, a must-have
    _criteria(v)
    assert "8 項目を追加しました" in v.t_msg.value and "必須 1" in v.crit_table.value
    v.ce_name.value, v.ce_example.value, v.ce_group.value = "夜間・休日の予約受付", "24時間予約できる", "機能"
    v.ce_must.value = False
    v.ce_add.click()
    assert "夜間・休日の予約受付" in v.crit_table.value
    # vendors: two by hand, one from a CP932 CSV
    for n, s, p in (("A社", "窓口くん", "1,200,000"), ("B社", "スマート窓口", "900000")):
        v.v_name.value, v.v_service.value, v.v_price.value = n, s, p
        v.v_add.click()
    _upload(v.v_upload, "vendors.csv", "事業者名,サービス,価格\nC社,かんたん窓口,1500000\n".encode("cp932"))
    v.v_import.click()
    assert "取り込みました：vendors.csv（1 件）" in v.v_msg.value and "C社" in v.v_list.value
    # step 2: two evaluators weight separately
    v.tabs.selected_index = 1
    for who, method in (("山田", "direct"), ("佐藤", "rank")):
        v.w_who.value = who
        v.weights.method.value = method
        for i, w in enumerate(v.weights.widgets.values()):
            w.value = str(10 + i) if method == "direct" else i + 1
        v.weights.apply_btn.click()
        assert "重みを保存しました" in v.weights.msg.value
    assert "山田" in v.w_side.value and "佐藤" in v.w_side.value and "まとめた重み" in v.w_side.value
    v.r_pick.value = v.r_pick.options[6][1]
    v.r_text.value = "住民情報を扱うサービスだから"
    v.r_save.click()
    assert "理由を保存しました" in v.r_msg.value
    # scoring: both evaluators, every vendor
    v.tabs.selected_index = 3
    for who, base in (("山田", 5), ("佐藤", 4)):
        v.s_who.value = who
        for k, vid in enumerate(["V001", "V002", "V003"]):
            v.s_vendor.value = vid
            for dd in v.s_cells.values():
                levels = [o[1] for o in dd.options if o[1]]
                dd.value = ("いいえ" if vid == "V003" and who == "佐藤" else "はい") if "はい" in levels else str(max(1, base - k))
    assert "保存しました" in v.s_msg.value
    # intuition before the result
    v.tabs.selected_index = 4
    v.i_who.value = "山田"
    for vid, r in zip(["V001", "V002", "V003"], [2, 1, 3]):
        v.i_widgets[vid].value = r
    v.i_save.click()
    assert "感覚的な順位を保存しました" in v.i_msg.value and "まだの評価者：佐藤" in v.i_status.value
    # results with price, a minimum score and a tie-break rule
    v.tabs.selected_index = 5
    assert "まだ感覚的な順位を入れていない評価者がいます（佐藤）" in v.res_table.value
    v.ru_price.value, v.ru_price_points.value = "lowest", "30"
    v.ru_min.value = "40"
    v.ru_tie1.value = "technical"
    v.ru_apply.click()
    assert "ルールを保存しました" in v.res_msg.value
    assert "必須項目「データ暗号化」を満たしていない（佐藤）" in v.res_table.value
    assert "順位投票方式" in v.res_table.value
    assert v.res_bars.value[:4] == b"\x89PNG" and v.res_heat.value[:4] == b"\x89PNG"
    # step 3: check, revise with a reason, sensitivity
    v.tabs.selected_index = 6
    v.show_check()
    assert "順位相関" in v.k_out.value
    first = next(iter(v.k_widgets))
    v.k_widgets[first].value = "1"
    v.k_apply.click()
    assert "理由" in v.k_msg.value  # refused: no reason given
    v.k_widgets[first].value = "1"
    v.k_reason.value = "機能関連の差が大きく効きすぎていたため"
    v.k_apply.click()
    assert "重みを見直しました" in v.k_msg.value
    assert v.model.revisions()[-1]["reason"] == "機能関連の差が大きく効きすぎていたため"
    v.show_sensitivity(draws=2000)
    assert "順位の確率" in v.k_sens_out.value and v.k_sens_img.value[:4] == b"\x89PNG"
    # the result leaves as files
    v.tabs.selected_index = 7
    v.x_report.click()
    v.x_xlsx.click()
    out = tmp_path / "e_出力"
    html = (out / "選定理由書.html").read_text(encoding="utf-8")
    assert "住民情報を扱うサービスだから" in html and "機能関連の差が大きく効きすぎていたため" in html
    wb = openpyxl.load_workbook(out / "事業者選定.xlsx")
    assert {"評価項目", "評価者ごとの重み", "事業者", "採点", "結果"} <= set(wb.sheetnames)
    # a kernel restart keeps everything
    v.ws.close()
    v2 = VendorsView(tmp_path / "e.ohayami")
    assert len(v2.model.scores()) == 2 * 3 * 9  # two evaluators × three vendors × nine criteria
    assert v2.model.rules().price.method == "lowest" and v2.model.intuitions()["山田"]["V002"] == 1


def test_bad_input_next_to_the_field(tmp_path):
    v = VendorsView(tmp_path / "e")
    v.t_add.click()
    assert "チェックを入れて" in v.t_msg.value
    _criteria(v, numbers=(1, 2))
    v.v_name.value, v.v_price.value = "A社", "高い"
    v.v_add.click()
    assert "数（円）" in v.v_msg.value and v.model.vendors().empty
    v.v_price.value = "-5"
    v.v_add.click()
    assert "0 より大きく" in v.v_msg.value
    _upload(v.v_upload, "bad.csv", "事業者名,価格\n,100\nB社,-1\n".encode())
    v.v_import.click()
    assert "2行目" in v.v_msg.value and "3行目" in v.v_msg.value and v.model.vendors().empty
    v.tabs.selected_index = 5
    v.ru_min.value = "150"
    v.ru_apply.click()
    assert "0～100" in v.res_msg.value
    v.ru_min.value = ""
    v.ru_price.value = "additive"
    v.ru_ceiling.value = ""
    v.ru_apply.click()
    assert "予定価格" in v.res_msg.value
    assert v.model.rules_record() == {}


def test_scoring_sheets_round_trip(tmp_path):
    v = VendorsView(tmp_path / "e")
    _criteria(v, numbers=(1, 25), must=(25,))
    for n in ("A社", "B社"):
        v.v_name.value = n
        v.v_add.click()
    v.tabs.selected_index = 3
    v.s_who.value = "鈴木"
    v.sheets.make_btn.click()
    wb = openpyxl.load_workbook(tmp_path / "e_出力" / "評価シート_鈴木.xlsx")
    sh = wb["評価シート"]
    sh["C10"], sh["D10"], sh["C11"], sh["D11"] = 4, "はい", 2, "いいえ"
    buf = io.BytesIO()
    wb.save(buf)
    _upload(v.sheets.upload, "鈴木.xlsx", buf.getvalue())
    v.sheets.import_btn.click()
    assert "取り込みました：鈴木.xlsx（4 件）" in v.sheets.msg.value
    v.s_vendor.value = "V002"
    assert [dd.value for dd in v.s_cells.values()] == ["2", "いいえ"]


def test_vendor_and_evaluator_text_is_escaped(tmp_path):
    v = VendorsView(tmp_path / "e")
    _criteria(v, numbers=(1,))
    v.v_name.value = "<img src=x onerror=alert(1)>"
    v.v_add.click()
    v.tabs.selected_index = 3
    v.s_who.value = "<b>山田</b>"
    v.s_vendor.value = "V001"
    next(iter(v.s_cells.values())).value = "3"
    v.tabs.selected_index = 5
    v.tabs.selected_index = 7
    v.x_report.click()
    html = (tmp_path / "e_出力" / "選定理由書.html").read_text(encoding="utf-8")
    for text in (v.v_list.value, v.v_msg.value, v.res_table.value, html):
        assert "<img src=x" not in text and "<b>山田" not in text
