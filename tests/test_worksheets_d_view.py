"""The type D worksheet's widgets, driven from pytest by setting values and clicking."""

from __future__ import annotations

import base64
import re
import sqlite3

from ohayami.problems import ProblemWorkbench
from ohayami.ui.research import (CaseServicesPanel, CasesPanel, OutputPanel, ResearchView, RfiPanel,
                                 SimilarServicesPanel, ThemePanel)
from ohayami.vendors import VendorWorkbench

READONLY = sqlite3.OperationalError("attempt to write a readonly database")
EVIL = "<img src=x onerror=alert(1)>"


def _download(msg_html: str) -> bytes:
    return base64.b64decode(re.search(r'base64,([A-Za-z0-9+/=]+)"', msg_html).group(1))


def _fill_service(p, name, vendor, keywords="", **more):
    p.pick.value = None
    p.name.value, p.vendor.value, p.keywords.value = name, vendor, keywords
    for k, v in more.items():
        getattr(p, k).value = v
    p.add_btn.click()


def test_theme_from_c_log_candidates_to_e_rfi_and_exports(tmp_path):
    v = ResearchView(tmp_path / "d")
    tp = v.panel(ThemePanel)
    tp.read_btn.click()
    assert "Cタイプ作業台にまだ課題がありません" in tp.msgs["theme"].value and tp.theme.value == ""
    c = ProblemWorkbench(v.ws)
    pid = c.add_problem("窓口が昼に混む")
    for cid in c.criteria()["criterion_id"]:
        c.set_score("全員", pid, cid, 4)
    tp.read_btn.click()
    assert "課題 1 件をテーマにしました" in tp.msg.value and tp.theme.value == "・窓口が昼に混む"
    assert f"Cタイプの課題 {pid} から読み込みました" in tp.source.value
    tp.theme.value += "（庁舎1階）"
    tp.save_btn.click()
    assert "テーマを保存しました" in tp.msg.value and v.model.theme().theme.endswith("（庁舎1階）")

    cp = v.panel(CasesPanel)
    cp.add_btn.click()
    assert "自治体名が空" in cp.msgs["town"].value
    cp.town.value, cp.what.value, cp.source.value = "A市", "申請書の自動作成", "R3 TYPE1採択事例集"
    cp.add_btn.click()
    assert "追加しました：K001" in cp.msg.value and "A市" in cp.table.value and cp.town.value == ""
    sp = v.panel(CaseServicesPanel)
    assert sp.case.value == "K001"  # the case added in the other tab is offered
    _fill_service(sp, "書かない窓口", "X社", "窓口DX、行かない窓口", unknown="基幹系と連携できるか")
    assert "追加しました：S001" in sp.msg.value and "書かない窓口" in sp.table.value
    ss = v.panel(SimilarServicesPanel)
    assert "窓口DX、行かない窓口" in ss.hint.value  # keywords still to search
    _fill_service(ss, "コンビニ交付", "Y社", "窓口DX")
    assert "見つけた場所を選んで" in ss.msgs["found_at"].value
    ss.found_at.value = "catalogue"
    ss.add_btn.click()
    assert "追加しました：S002" in ss.msg.value and "行かない窓口" in ss.hint.value and "窓口DX" not in ss.hint.value
    # edit the chosen row
    ss.pick.value = "S002"
    assert (ss.name.value, ss.found_at.value) == ("コンビニ交付", "catalogue")
    ss.notes.value = "証明書"
    ss.update_btn.click()
    assert "S002 を保存しました" in ss.msg.value and v.model.services().iloc[1]["notes"] == "証明書"
    # both candidates, sent to E with one click, and a second click sends nothing
    ss.send_btn.click()
    assert "候補のサービスがありません" in ss.send_msg.value
    sp.candidates.children[0].value = True
    ss.refresh()
    ss.candidates.children[0].value = True
    assert "S002 を候補にしました" in ss.send_msg.value
    ss.send_btn.click()
    assert "Eタイプの事業者一覧へ 2 件送りました（書かない窓口（X社）→ 事業者一覧 V001、コンビニ交付（Y社）→ 事業者一覧 V002）" \
        in ss.send_msg.value
    assert list(VendorWorkbench(v.ws).vendors()["service"]) == ["書かない窓口", "コンビニ交付"]
    assert "→ Eタイプ V002" in ss.candidates.children[0].description
    sp.refresh()
    sp.send_btn.click()
    assert "0 件送りました" in sp.send_msg.value and "すでに送りました（V001）" in sp.send_msg.value
    assert len(VendorWorkbench(v.ws).vendors()) == 2

    rp = v.panel(RfiPanel)
    rp.generate_btn.click()
    assert "質問 6 件・送付先 2 件を足しました" in rp.msg.value
    tick, text = rp.rows[("question", "Q001")]
    tick.value = False
    assert "Q001 を保存しました" in rp.msg.value and not v.model.rfi_items("question").iloc[0]["included"]
    text.value = "機能：窓口で使える機能を教えてください。"
    assert v.model.rfi_items("question").iloc[0]["text"] == "機能：窓口で使える機能を教えてください。"
    rp.new_part.value, rp.new_text.value = "recipient", "Z社"
    rp.add_btn.click()
    assert "追加しました：R003" in rp.msg.value and ("recipient", "R003") in rp.rows
    rp.purpose.value, rp.due.value = "窓口DXの情報を集める", "2026/12/1"
    rp.save_btn.click()
    assert rp.due.value == "2026-12-01"

    out = v.panel(OutputPanel)
    assert "Z社" in out.preview.value and "窓口で使える機能" not in out.preview.value  # left out of the RFI
    out.html_btn.click()
    page = _download(out.msg.value).decode("utf-8")
    assert "size: A4 portrait" in page and "書かない窓口について：基幹系と連携できるか" in page
    out.rfi_xlsx_btn.click()
    assert _download(out.msg.value)[:2] == b"PK" and len(list(v.ws.export_folder().glob("RFI下書き_*.xlsx"))) == 1
    out.xlsx_btn.click()
    assert _download(out.msg.value)[:2] == b"PK" and len(list(v.ws.export_folder().glob("サービス調査ログ_*.xlsx"))) == 1


def test_refusals_stay_on_screen_and_a_refused_tick_goes_back(tmp_path):
    v = ResearchView(tmp_path / "d")
    sp = v.panel(CaseServicesPanel)
    _fill_service(sp, "書かない窓口", "X社")
    assert "どの取組事例" in sp.msgs["case"].value and sp.name.value == "書かない窓口"
    ss = v.panel(SimilarServicesPanel)
    _fill_service(ss, "コンビニ交付", "", found_at="exhibition")
    ss.candidates.children[0].value = True
    assert "事業者名がないので候補にできません" in ss.send_msg.value
    assert ss.candidates.children[0].value is False and not v.model.services().iloc[0]["candidate"]
    ss.update_btn.click()
    assert "編集する行を選んでください" in ss.msg.value
    cp = v.panel(CasesPanel)
    cp.delete_btn.click()
    assert "削除する行を選んでください" in cp.msg.value


def test_a_failed_write_shows_what_the_file_holds(tmp_path, monkeypatch):
    v = ResearchView(tmp_path / "d")
    tp = v.panel(ThemePanel)
    tp.theme.value = "窓口の混雑"
    tp.save_btn.click()
    tp.theme.value = "別のテーマ"

    def fail(*_a, **_k):
        raise READONLY

    monkeypatch.setattr(v.model, "save_theme", fail)
    tp.save_btn.click()
    assert "読み取り専用" in tp.msg.value and tp.theme.value == "窓口の混雑"


def test_text_is_shown_as_text_and_tabs_are_built_when_opened(tmp_path):
    v = ResearchView(tmp_path / "d")
    assert [p.built for p in v.panels] == [True, False, False, False, False, False]
    cp = v.panel(CasesPanel)
    cp.town.value = EVIL
    cp.add_btn.click()
    assert EVIL not in cp.table.value and "&lt;img src=x onerror=alert(1)&gt;" in cp.table.value
