"""The type E notebook's widgets, driven from pytest through the whole flow with two evaluators."""

import datetime
import io
import sqlite3

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


def test_whole_flow_with_two_evaluators(tmp_path, exported):
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
    assert "山田" in wts.w_side.value and "佐藤" in wts.w_side.value and "結果に使う重み（版" in wts.w_side.value
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
    html = exported(out, "選定理由書", "html").read_text(encoding="utf-8")
    assert "住民情報を扱うサービスだから" in html and "機能関連の差が大きく効きすぎていたため" in html
    wb = openpyxl.load_workbook(exported(out, "選定理由書", "xlsx"))
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


def test_vendor_and_evaluator_text_is_escaped(tmp_path, exported):
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
    html = exported(tmp_path / "e_出力", "選定理由書", "html").read_text(encoding="utf-8")
    res = v.panel(ResultsPanel)
    for text in (ven.v_list.value, ven.v_msg.value, res.res_table.value, html):
        assert "<img src=x" not in text and "<b>山田" not in text


def _scored(tmp_path):
    """A view with two criteria, two vendors and one score by 山田 (V001, first criterion = 3)."""
    v = VendorsView(tmp_path / "e")
    _criteria(v, numbers=(1, 2), must=())
    ven = v.panel(VendorsPanel)
    for n in ("A社", "B社"):
        ven.v_name.value = n
        ven.v_add.click()
    v.tabs.selected_index = 3
    sco = v.panel(ScoringPanel)
    sco.s_who.value, sco.s_vendor.value = "山田", "V001"
    first = next(iter(sco.cells))
    sco.cells[first].value = "3"
    assert "保存しました：V001" in sco.s_msg.value
    return v, sco, first


def test_a_refused_score_puts_the_stored_value_back(tmp_path):
    v, sco, first = _scored(tmp_path)
    # another session removes the criterion while this screen still shows it
    from ohayami.vendors import VendorWorkbench
    VendorWorkbench(v.ws).remove_criterion(first)
    sco.cells[first].value = "5"
    assert "ありません" in sco.s_msg.value and sco.cells[first].value == "3"
    stored = v.model.scores("山田")
    assert list(stored.loc[stored["criterion_id"] == first, "value"]) == ["3"]


def test_failed_writes_say_so_in_japanese_and_show_what_is_stored(tmp_path, monkeypatch):
    v, sco, first = _scored(tmp_path)
    readonly = sqlite3.OperationalError("attempt to write a readonly database")

    def fail(exc):
        def raise_(*a, **k):
            raise exc
        return raise_

    # scoring: the dropdown goes back to the stored 3
    monkeypatch.setattr(v.model, "set_score", fail(readonly))
    sco.cells[first].value = "5"
    assert "読み取り専用" in sco.s_msg.value and "保存されていません" in sco.s_msg.value and sco.cells[first].value == "3"
    monkeypatch.setattr(v.model, "set_score", fail(RuntimeError("boom")))
    sco.cells[first].value = "4"
    assert "予期しないエラーが起きました（RuntimeError）" in sco.s_msg.value and sco.cells[first].value == "3"
    # intuitive ranking: the dropdowns show the stored ranks again
    v.tabs.selected_index = 4
    itu = v.panel(IntuitionPanel)
    itu.i_who.value = "山田"
    itu.i_widgets["V001"].value, itu.i_widgets["V002"].value = 2, 1
    itu.i_save.click()
    assert "感覚的な順位を保存しました" in itu.i_msg.value
    for exc, words in ((readonly, "読み取り専用"), (RuntimeError("boom"), "予期しないエラーが起きました（RuntimeError）")):
        monkeypatch.setattr(v.model, "set_intuition", fail(exc))
        itu.i_widgets["V001"].value, itu.i_widgets["V002"].value = 1, 2
        itu.i_save.click()
        assert words in itu.i_msg.value and "保存しました" not in itu.i_msg.value
        assert (itu.i_widgets["V001"].value, itu.i_widgets["V002"].value) == (2, 1)
    assert v.model.intuitions()["山田"] == {"V001": 2, "V002": 1}
    # rules: the form shows the stored rules again
    v.tabs.selected_index = 5
    res = v.panel(ResultsPanel)
    res.ru_min.value = "40"
    res.ru_apply.click()
    assert "ルールを保存しました" in res.res_msg.value
    monkeypatch.setattr(v.model, "set_rules_from_form", fail(readonly))
    res.ru_min.value, res.ru_combine.value = "70", "sum"
    res.ru_apply.click()
    assert "読み取り専用" in res.res_msg.value and (res.ru_min.value, res.ru_combine.value) == ("40", "average")
    # a vendor's price and a weight reason: the boxes show what the file holds
    ven = v.panel(VendorsPanel)
    ven.v_pick.value = "V002"
    ven.v_pick_price.value = "500000"
    ven.v_update.click()
    assert "価格を保存しました" in ven.v_edit_msg.value and ven.v_pick_price.value == "500000"
    monkeypatch.setattr(v.model, "update_vendor", fail(RuntimeError("boom")))
    ven.v_pick_price.value = "600000"
    ven.v_update.click()
    assert "予期しないエラーが起きました（RuntimeError）" in ven.v_edit_msg.value and ven.v_pick_price.value == "500000"
    wts = v.panel(WeightsPanel)
    wts.r_text.value = "住民情報を扱うため"
    wts.r_save.click()
    monkeypatch.setattr(v.model, "set_weight_reason", fail(readonly))
    wts.r_text.value = "別の理由"
    wts.r_save.click()
    assert "読み取り専用" in wts.r_msg.value and wts.r_text.value == "住民情報を扱うため"
    # adopting template items: a message, nothing added
    crit = v.panel(CriteriaPanel)
    monkeypatch.setattr(v.model, "adopt_template", fail(RuntimeError("boom")))
    crit.t_checks[3][0].value = True
    crit.t_add.click()
    assert "予期しないエラーが起きました（RuntimeError）" in crit.t_msg.value and len(v.model.criteria()) == 2


def test_field_errors_are_shown_next_to_their_field(tmp_path):
    v = VendorsView(tmp_path / "e")
    crit = v.panel(CriteriaPanel)
    _criteria(v, numbers=(1,), must=())
    crit.ce_name.value = crit.ce_pick.options[0][0]  # the name is taken
    crit.ce_add.click()
    assert "すでにあります" in crit.ce_fields["name"].value and crit.ce_msg.value == ""
    crit.ce_name.value, crit.ce_scale.value = "新しい項目", "5-1"
    crit.ce_add.click()
    assert crit.ce_fields["name"].value == "" and "尺度「5-1」" in crit.ce_fields["scale"].value and crit.ce_msg.value == ""
    assert list(v.model.criteria()["name"]) == [crit.ce_pick.options[0][0]]
    ven = v.panel(VendorsPanel)
    ven.v_name.value = ""
    ven.v_add.click()
    assert ven.v_fields["name"].value and v.model.vendors().empty
    v.tabs.selected_index = 6
    chk = v.panel(CheckPanel)
    chk.k_reason.value = ""
    chk.k_apply.click()
    assert "そろってから確認できます" in chk.k_out.value and "変える重みを入れてください" in chk.k_msg.value


def test_tabs_are_built_when_first_opened(tmp_path):
    v = VendorsView(tmp_path / "e")
    assert [p.built for p in v.panels] == [True] + [False] * 8
    v.tabs.selected_index = 3
    assert v.panels[3].built and not v.panels[5].built
    # a criterion added in tab 1 reaches the scoring grid that is already built
    _criteria(v, numbers=(1, 2), must=())
    assert len(v.panel(ScoringPanel).cells) == 2


def test_blind_weights_never_leave_the_kit_before_they_are_revealed(tmp_path):
    """Found by the attack run: one evaluator's saved weights showed as the weights in force, in the
    workbook and in the report, before the others had saved theirs."""
    import io as _io

    import openpyxl as _openpyxl

    from ohayami.reports import vendors_report_html
    from ohayami.store import open_workshop
    from ohayami.vendors import VendorWorkbench

    m = VendorWorkbench(open_workshop(tmp_path / "blind"))
    a, b = m.add_criterion("機能"), m.add_criterion("使いやすさ")
    m.ws.upsert("people", {"name": "佐藤"}, {"role": "評価者"})
    m.set_evaluator_weights("山田", "direct", {a: 83, b: 17})
    assert not m.weights_revealed()
    shown = m.weights_frame()
    assert "83.0" not in shown.to_string() and "（公開前）" in shown.iloc[:, -1].tolist()
    book = _openpyxl.load_workbook(_io.BytesIO(m.export_xlsx()))
    cells = [str(c.value) for sh in book.worksheets for row in sh.iter_rows() for c in row if c.value is not None]
    assert "評価者ごとの重み" not in book.sheetnames and not any(v.startswith("83") for v in cells)
    html = vendors_report_html(m, figures=False)
    assert "83.0" not in html and "（公開前）" in html
    m.reveal_weights()
    assert "83.0" in m.weights_frame().to_string() and "評価者ごとの重み" in _openpyxl.load_workbook(
        _io.BytesIO(m.export_xlsx())).sheetnames


def test_choosing_must_on_a_template_row_ticks_that_row(tmp_path):
    """A facilitator who clicks 必須 on an example means to use it: the row is ticked and added as a must-have."""
    v = VendorsView(tmp_path / "e")
    crit = v.panel(CriteriaPanel)
    use, must = crit.t_checks[25]
    must.value = True
    assert use.value is True
    crit.t_add.click()
    frame = v.model.criteria()
    assert len(frame) == 1 and bool(frame["must_have"].iloc[0])
    assert crit.t_checks[3][0].value is False  # other rows untouched
