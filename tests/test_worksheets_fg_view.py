"""The type F and G worksheets' widgets, driven from pytest by setting values and clicking."""

from __future__ import annotations

import base64
import re
import sqlite3

from ohayami.ui.support import ChecksPanel, DecisionPanel, ProgrammesPanel, SupportExportPanel, SupportView

READONLY = sqlite3.OperationalError("attempt to write a readonly database")
EVIL = "<img src=x onerror=alert(1)>"


def _download(msg_html: str) -> bytes:
    return base64.b64decode(re.search(r'base64,([A-Za-z0-9+/=]+)"', msg_html).group(1))


def test_type_f_collect_check_decide_export(tmp_path):
    v = SupportView(tmp_path / "w", "F")
    p = v.panel(ProgrammesPanel)
    p.load_btn.click()
    assert "ガイドの支援策を 3 件読み込みました" in p.msg.value and "デジタル田園都市国家構想交付金" in p.table.value
    p.load_btn.click()
    assert "すべて一覧にあります" in p.msg.value
    p.name.value, p.provider.value, p.deadline.value, p.note.value = "県DX補助金", "〇〇県", "2026年12月1日", EVIL
    p.add_btn.click()
    assert "追加しました：P004" in p.msg.value
    assert p.pick.value == "P004" and p.deadline.value == "2026-12-01"   # shown as stored
    assert EVIL not in p.table.value and "&lt;img" in p.table.value
    c = v.panel(ChecksPanel)
    for cid, mark in zip(("K1", "K2", "K3", "K4"), "○○△○"):
        c.marks[("P004", cid)].value = mark
    for cid, mark in zip(("K1", "K2", "K3", "K4"), "○○×○"):
        c.marks[("P003", cid)].value = mark
    assert "P003 の確認結果を保存しました" in c.msg.value
    assert "92.5" in c.table.value and "必須項目「締切に間に合う」を満たしていない" in c.table.value
    assert v.model.checks().query("programme_id == 'P004'")["value"].tolist() == list("○○△○")
    d = v.panel(DecisionPanel)
    d.pick.value, d.decision.value, d.reason.value, d.who.value = "P004", "apply", "対象経費に入る", "企画課 山田"
    d.decide_btn.click()
    assert "P004 を「申請する」と記録しました" in d.msg.value and "2026-12-01" in d.table.value
    d.pick.value, d.decision.value, d.reason.value, d.who.value = "P004", "hold", "県に確認中", "企画課 山田"
    d.decide_btn.click()
    assert "決定の履歴" in d.history.value and "対象経費に入る" in d.history.value
    assert "いまの決定：保留（県に確認中）" in d.current.value
    e = v.panel(SupportExportPanel)
    e.html_btn.click()
    page = _download(e.msg.value).decode("utf-8")
    assert "size: A4 portrait" in page and "県に確認中" in page and EVIL not in page
    assert len(list(v.ws.export_folder().glob("財源の支援策_*.html"))) == 1
    e.xlsx_btn.click()
    assert _download(e.msg.value)[:2] == b"PK"
    again = SupportView(v.ws, "F").panel(ChecksPanel)   # another participant's page shows what is stored
    assert again.marks[("P004", "K3")].value == "△"


def test_refusals_show_next_to_their_field_and_nothing_is_saved(tmp_path):
    v = SupportView(tmp_path / "w", "G")
    p = v.panel(ProgrammesPanel)
    p.name.value, p.deadline.value = "県の人材派遣", "2026-02-30"
    p.add_btn.click()
    assert "ありえない日付" in p.msgs["deadline"].value and v.model.programmes().empty
    assert p.deadline.value == "2026-02-30"   # a refused entry stays for correcting
    p.deadline.value = ""
    p.add_btn.click()
    d = v.panel(DecisionPanel)
    d.pick.value, d.decision.value, d.who.value = "P001", "skip", "山田"
    d.decide_btn.click()
    assert "理由が空" in d.msgs["reason"].value and v.model.history() == []
    d.reason.value, d.who.value = "他の制度を使う", ""
    d.decide_btn.click()
    assert "決めた人が空" in d.msgs["who"].value and v.model.history() == []
    c = v.panel(ChecksPanel)
    for cid in c.weights:
        c.weights[cid].value = "0"
    c.save_criteria_btn.click()
    assert "すべて 0" in c.criteria_msg.value and v.model.criteria()["weight"].tolist() == [40, 30, 15, 15]
    p.pick.value = "P001"
    p.save_btn.click()
    assert "保存しました" in p.msg.value


def test_a_failed_write_says_so_and_the_marks_show_what_is_stored(tmp_path, monkeypatch):
    v = SupportView(tmp_path / "w", "F")
    v.panel(ProgrammesPanel).load_btn.click()
    c = v.panel(ChecksPanel)
    c.marks[("P001", "K1")].value = "○"

    def fail(*_a, **_k):
        raise READONLY
    monkeypatch.setattr(v.model, "set_check", fail)
    c.marks[("P001", "K1")].value = "×"
    assert "読み取り専用" in c.msg.value
    assert c.marks[("P001", "K1")].value == "○"   # the stored mark, not the refused one


def test_type_g_view_opens_on_the_guides_people_list(tmp_path):
    v = SupportView(tmp_path / "w", "G")
    assert "Gタイプ作業台" in v.header.value
    p = v.panel(ProgrammesPanel)
    p.load_btn.click()
    assert "地域活性化起業人" in p.table.value and "各自治体HP" in p.table.value
    assert "対象となる人材・役割" in v.panel(ChecksPanel).weights["K2"].description


def test_crafted_stored_rows_are_named_on_their_tabs_and_can_be_fixed_in_the_form(tmp_path):
    from ohayami.store import open_workshop
    from ohayami.support import SupportWorksheet

    with open_workshop(tmp_path / "w") as ws:   # a file crafted before the page opens it
        m = SupportWorksheet(ws, "F")
        m.load_guide_list()
        m.decide("P002", "保留", "県に確認中", who="企画課")
        ws.upsert("support_programmes", {"kind": "F", "programme_id": "P001"}, {"deadline": "zzz"})
        ws.upsert("support_decisions", {"kind": "F", "programme_id": "P002", "no": 2},
                  {"decision": EVIL, "reason": "x", "actor": "誰か"})
    v = SupportView(tmp_path / "w", "F")
    p = v.panel(ProgrammesPanel)
    assert "support_programmes）」の「P001」（列「締切」" in p.table.value and "「1 支援策を集める」" in p.table.value
    assert "デジタル田園都市国家構想交付金" not in p.table.value.split("の一覧")[1]     # left out of the list itself
    assert ("P001 デジタル田園都市国家構想交付金（要修正）", "P001") in p.pick.options
    p.pick.value = "P001"
    assert p.deadline.value == "zzz"                                    # what is stored, to be corrected
    p.deadline.value = "2026年12月1日"
    p.save_btn.click()
    assert "P001 を保存しました" in p.msg.value and "support_programmes" not in p.table.value
    assert ("P001 デジタル田園都市国家構想交付金", "P001") in p.pick.options
    d = v.panel(DecisionPanel)
    assert "support_decisions）」の「P002・2」（列「決定」" in d.table.value and EVIL not in d.table.value
    d.pick.value = "P002"
    assert "まだ決めていません" in d.current.value                        # the unusable latest is not replaced by the older
    c = v.panel(ChecksPanel)
    assert "support_decisions" in c.table.value                         # the checks tab lists every stored problem
