"""The type E notebook's widgets, driven from pytest through the whole flow with two evaluators."""

import datetime
import io

import openpyxl

from ohayami.ui.vendors import (CheckPanel, CriteriaPanel, ExportPanel, IntuitionPanel, ResultsPanel, ScoringPanel,
                                VendorsPanel, VendorsView, WeightsPanel)


def _upload(widget, name, data):
    widget.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                     "last_modified": datetime.datetime.now()},)


def _criteria(v, numbers=(1, 2, 6, 9, 23, 25, 28, 31), must=(25,)):
    crit = v.panel(CriteriaPanel)
    for n in numbers:
        crit.t_checks[n][0].value = True
    for n in must:
        crit.t_checks[n][1].value = True
    crit.t_add.click()


def test_whole_flow_with_two_evaluators(tmp_path):
    v = VendorsView(tmp_path / "e")
    # step 1: criteria from the guide's template, one of our own, a must-have
    _criteria(v)
    crit = v.panel(CriteriaPanel)
    assert "8 項目を追加しました" in crit.t_msg.value and "必須 1" in crit.crit_table.value
    crit.ce_name.value, crit.ce_example.value, crit.ce_group.value = "夜間・休日の予約受付", "24時間予約できる", "機能"
    crit.ce_must.value = False
    crit.ce_add.click()
    assert "夜間・休日の予約受付" in crit.crit_table.value
    # vendors: two by hand, one from a CP932 CSV
    ven = v.panel(VendorsPanel)
    for n, s, p in (("A社", "窓口くん", "1,200,000"), ("B社", "スマート窓口", "900000")):
        ven.v_name.value, ven.v_service.value, ven.v_price.value = n, s, p
        ven.v_add.click()
    _upload(ven.v_upload, "vendors.csv", "事業者名,サービス,価格\nC社,かんたん窓口,1500000\n".encode("cp932"))
    ven.v_import.click()
    assert "取り込みました：vendors.csv（1 件）" in ven.v_msg.value and "C社" in ven.v_list.value
    # step 2: two evaluators weight separately
    v.tabs.selected_index = 1
    wts = v.panel(WeightsPanel)
    for who, method in (("山田", "direct"), ("佐藤", "rank")):
        wts.w_who.value = who
        wts.weights.method.value = method
        for i, w in enumerate(wts.weights.widgets.values()):
            w.value = str(10 + i) if method == "direct" else i + 1
        wts.weights.apply_btn.click()
        assert "重みを保存しました" in wts.weights.msg.value
    assert "山田" in wts.w_side.value and "佐藤" in wts.w_side.value and "まとめた重み" in wts.w_side.value
    wts.r_pick.value = wts.r_pick.options[6][1]
    wts.r_text.value = "住民情報を扱うサービスだから"
    wts.r_save.click()
    assert "理由を保存しました" in wts.r_msg.value
    # scoring: both evaluators, every vendor
    v.tabs.selected_index = 3
    sco = v.panel(ScoringPanel)
    for who, base in (("山田", 5), ("佐藤", 4)):
        sco.s_who.value = who
        for k, vid in enumerate(["V001", "V002", "V003"]):
            sco.s_vendor.value = vid
            for dd in sco.cells.values():
                levels = [o[1] for o in dd.options if o[1]]
                dd.value = ("いいえ" if vid == "V003" and who == "佐藤" else "はい") if "はい" in levels else str(max(1, base - k))
    assert "保存しました" in sco.s_msg.value
    # intuition before the result
    v.tabs.selected_index = 4
    itu = v.panel(IntuitionPanel)
    itu.i_who.value = "山田"
    for vid, r in zip(["V001", "V002", "V003"], [2, 1, 3]):
        itu.i_widgets[vid].value = r
    itu.i_save.click()
    assert "感覚的な順位を保存しました" in itu.i_msg.value and "まだの評価者：佐藤" in itu.i_status.value
    # results with price, a minimum score and a tie-break rule
    v.tabs.selected_index = 5
    res = v.panel(ResultsPanel)
    assert "まだ感覚的な順位を入れていない評価者がいます（佐藤）" in res.res_table.value
    res.ru_price.value, res.ru_price_points.value = "lowest", "30"
    res.ru_min.value = "40"
    res.ru_tie1.value = "technical"
    res.ru_apply.click()
    assert "ルールを保存しました" in res.res_msg.value
    assert "必須項目「データ暗号化」を満たしていない（佐藤）" in res.res_table.value
    assert "順位投票方式" in res.res_table.value
    assert res.res_bars.value[:4] == b"\x89PNG" and res.res_heat.value[:4] == b"\x89PNG"
    # step 3: check, revise with a reason, sensitivity
    v.tabs.selected_index = 6
    chk = v.panel(CheckPanel)
    chk.show_check()
    assert "順位相関" in chk.k_out.value
    first = next(iter(chk.k_widgets))
    chk.k_widgets[first].value = "1"
    chk.k_apply.click()
    assert "理由" in chk.k_reason_msg.value and chk.k_msg.value == ""  # refused: no reason given, said next to the box
    chk.k_widgets[first].value = "1"
    chk.k_reason.value = "機能関連の差が大きく効きすぎていたため"
    chk.k_apply.click()
    assert "重みを見直しました" in chk.k_msg.value
    assert v.model.revisions()[-1]["reason"] == "機能関連の差が大きく効きすぎていたため"
    chk.show_sensitivity(draws=2000)
    assert "順位の確率" in chk.k_sens_out.value and chk.k_sens_img.value[:4] == b"\x89PNG"
    # the result leaves as files
    v.tabs.selected_index = 7
    exp = v.panel(ExportPanel)
    exp.x_report.click()
    exp.x_xlsx.click()
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
    crit = v.panel(CriteriaPanel)
    crit.t_add.click()
    assert "チェックを入れて" in crit.t_msg.value
    _criteria(v, numbers=(1, 2))
    ven = v.panel(VendorsPanel)
    ven.v_name.value, ven.v_price.value = "A社", "高い"
    ven.v_add.click()
    assert "数（円）" in ven.v_fields["price"].value and v.model.vendors().empty
    ven.v_price.value = "-5"
    ven.v_add.click()
    assert "0 より大きく" in ven.v_fields["price"].value and ven.v_msg.value == ""
    _upload(ven.v_upload, "bad.csv", "事業者名,価格\n,100\nB社,-1\n".encode())
    ven.v_import.click()
    assert "2行目" in ven.v_msg.value and "3行目" in ven.v_msg.value and v.model.vendors().empty
    v.tabs.selected_index = 5
    res = v.panel(ResultsPanel)
    res.ru_min.value = "150"
    res.ru_apply.click()
    assert "0～100" in res.res_msg.value
    res.ru_min.value = ""
    res.ru_price.value = "additive"
    res.ru_ceiling.value = ""
    res.ru_apply.click()
    assert "予定価格" in res.res_msg.value
    assert v.model.rules_record() == {}


def test_scoring_sheets_round_trip(tmp_path):
    v = VendorsView(tmp_path / "e")
    _criteria(v, numbers=(1, 25), must=(25,))
    ven = v.panel(VendorsPanel)
    for n in ("A社", "B社"):
        ven.v_name.value = n
        ven.v_add.click()
    v.tabs.selected_index = 3
    sco = v.panel(ScoringPanel)
    sco.s_who.value = "鈴木"
    sco.sheets.make_btn.click()
    wb = openpyxl.load_workbook(tmp_path / "e_出力" / "評価シート_鈴木.xlsx")
    sh = wb["評価シート"]
    sh["C10"], sh["D10"], sh["C11"], sh["D11"] = 4, "はい", 2, "いいえ"
    buf = io.BytesIO()
    wb.save(buf)
    _upload(sco.sheets.upload, "鈴木.xlsx", buf.getvalue())
    sco.sheets.import_btn.click()
    assert "取り込みました：鈴木.xlsx（4 件）" in sco.sheets.msg.value
    sco.s_vendor.value = "V002"
    assert [dd.value for dd in sco.cells.values()] == ["2", "いいえ"]


def test_vendor_and_evaluator_text_is_escaped(tmp_path):
    v = VendorsView(tmp_path / "e")
    _criteria(v, numbers=(1,))
    ven = v.panel(VendorsPanel)
    ven.v_name.value = "<img src=x onerror=alert(1)>"
    ven.v_add.click()
    v.tabs.selected_index = 3
    sco = v.panel(ScoringPanel)
    sco.s_who.value = "<b>山田</b>"
    sco.s_vendor.value = "V001"
    next(iter(sco.cells.values())).value = "3"
    v.tabs.selected_index = 5
    v.tabs.selected_index = 7
    exp = v.panel(ExportPanel)
    exp.x_report.click()
    html = (tmp_path / "e_出力" / "選定理由書.html").read_text(encoding="utf-8")
    res = v.panel(ResultsPanel)
    for text in (ven.v_list.value, ven.v_msg.value, res.res_table.value, html):
        assert "<img src=x" not in text and "<b>山田" not in text
