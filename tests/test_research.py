"""Type D worksheet model: the theme read from C, the research log, the RFI draft, the hand-over to E,
every refusal, and the exports."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from ohayami import exchange as X
from ohayami.errors import OhayamiError
from ohayami.labels import MARK_YES
from ohayami.printouts import rfi_html
from ohayami.problems import ProblemWorkbench
from ohayami.research import (CASE, GUIDE, KEYWORD, LOG, QUESTION, RECIPIENT, RFI_QUESTIONS, SIMILAR, THEME,
                              UNKNOWN, Research, split_keywords)
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def model(ws):
    return Research(ws)


def _c_with_short_list(ws, titles=("窓口が昼に混む", "バスの本数が少ない", "公園の遊具が古い"), top=1):
    """A type C workbench with ``titles`` scored (best first) and the short list cut at ``top``."""
    c = ProblemWorkbench(ws)
    ids = [c.add_problem(t) for t in titles]
    for score, pid in zip((5, 3, 1), ids):
        for cid in c.criteria()["criterion_id"]:
            c.set_score("全員", pid, cid, score)
    c.set_cut_line("top", top)
    return c, ids


def _log(model):
    """One case, its service, and a similar service, both candidates with vendors."""
    k = model.add_case("A市", "申請書の自動作成で窓口の滞在時間を短縮", "R3 TYPE1採択事例集")
    s1 = model.add_service(CASE, "書かない窓口", "X社", "窓口DX、行かない窓口", case_id=k, unknown="基幹系と連携できるか")
    s2 = model.add_service(SIMILAR, "コンビニ交付", "Y社", "窓口DX", found_at="カタログ", notes="証明書")
    model.set_candidate(s1, True)
    model.set_candidate(s2, True)
    return k, s1, s2


# ---------------------------------------------------------------------- C → D: the theme

def test_reading_c_when_c_has_no_problems_says_what_to_do_and_writes_nothing(model):
    with pytest.raises(OhayamiError, match="Cタイプ作業台にまだ課題がありません") as e:
        model.read_from_c()
    assert e.value.field == "theme"
    assert model.ws.rows("criteria").empty and model.ws.rows("research_theme").empty  # C not seeded by reading it


def test_reading_c_when_nothing_is_on_the_short_list_names_cs_tabs(model):
    ProblemWorkbench(model.ws).add_problem("窓口が昼に混む")  # listed but never scored
    with pytest.raises(OhayamiError, match="「4 採点」.*「5 結果と絞り込み」"):
        model.read_from_c()
    assert model.theme().theme == ""


def test_the_theme_is_cs_short_list_with_its_vision(model):
    c, ids = _c_with_short_list(model.ws)
    c.set_vision(ids[0], beneficiary="来庁者", change="待たずに手続きできる", degree="待ち時間半減")
    reading = model.read_from_c()
    assert reading.theme.theme == "・窓口が昼に混む" and reading.theme.problem_ids == (ids[0],)
    assert reading.theme.vision == "・窓口が昼に混む：受益者：来庁者／受益者の状態はどう変わるか：待たずに手続きできる／変化の程度：待ち時間半減"
    assert "課題 1 件をテーマにしました" in reading.message
    assert reading.theme.read_at.endswith("+09:00")


def test_rereading_c_says_what_changed_and_that_hand_edits_were_replaced(model):
    c, ids = _c_with_short_list(model.ws)
    model.read_from_c()
    assert "変わりはありません" in model.read_from_c().message
    model.save_theme("窓口の混雑（手直し）", "")
    c.set_cut_line("top", 2)
    c.set_vision(ids[0], beneficiary="来庁者")
    msg = model.read_from_c().message
    assert f"加わった課題：{ids[1]} バスの本数が少ない" in msg and "地域像が変わりました" in msg
    assert "手で直したテーマ" in msg and "変更履歴" in msg
    assert model.theme().theme == "・窓口が昼に混む\n・バスの本数が少ない"
    c.set_cut_line("top", 1)
    assert f"外れた課題：{ids[1]}" in model.read_from_c().message


def test_the_theme_can_be_edited_and_must_not_be_empty(model):
    with pytest.raises(OhayamiError, match="テーマが空") as e:
        model.save_theme("  ", "住民が待たない")
    assert e.value.field == "theme" and model.ws.rows("research_theme").empty
    t = model.save_theme(f"窓口の混雑\x07{EVIL}", "待ち時間ゼロ")
    assert t.theme == f"窓口の混雑{EVIL}" and t.vision == "待ち時間ゼロ" and t.problem_ids == ()
    with pytest.raises(OhayamiError, match="1000文字以内"):
        model.save_theme("長" * 1001)


# ---------------------------------------------------------------------- the log

def test_cases_add_edit_delete_and_their_refusals(model):
    k = model.add_case(" A市 ", "申請の自動化", "https://example.jp/a")
    assert model.cases().iloc[0].to_dict() == {"case_id": k, "town": "A市", "what": "申請の自動化",
                                               "source": "https://example.jp/a", "notes": ""}
    with pytest.raises(OhayamiError, match="自治体名が空") as e:
        model.add_case("", "x")
    assert e.value.field == "town"
    model.update_case(k, "A市", "申請書の自動作成", "事例集 p.12", "電話で照会済み")
    assert model.cases_frame().loc[k, "メモ"] == "電話で照会済み"
    with pytest.raises(OhayamiError, match="取組事例「K999」はありません"):
        model.update_case("K999", "B市")
    s = model.add_service(CASE, "書かない窓口", "X社", case_id=k)
    with pytest.raises(OhayamiError, match=f"サービス（{s}）がつながっている"):
        model.delete_case(k)
    model.delete_service(s)
    model.delete_case(k)
    assert model.cases().empty


def test_services_rules(model):
    k = model.add_case("A市")
    with pytest.raises(OhayamiError, match="どの取組事例") as e:
        model.add_service(CASE, "書かない窓口", "X社")
    assert e.value.field == "case"
    with pytest.raises(OhayamiError, match="見つけた場所を選んで") as e:
        model.add_service(SIMILAR, "コンビニ交付", "Y社")
    assert e.value.field == "found_at"
    with pytest.raises(OhayamiError, match="見つけた場所「新聞」は選べません"):
        model.add_service(SIMILAR, "コンビニ交付", "Y社", found_at="新聞")
    with pytest.raises(OhayamiError, match="サービス名が空") as e:
        model.add_service(SIMILAR, " ", found_at="展示会")
    assert e.value.field == "name"
    with pytest.raises(OhayamiError, match="サービスの区分"):
        model.add_service("other", "x")
    s1 = model.add_service(CASE, "書かない窓口", "X社", "窓口DX, 行かない窓口／窓口ＤＸ", case_id=k)
    assert model.services().iloc[0]["keywords"] == "窓口DX、行かない窓口"  # split, repeats dropped
    with pytest.raises(OhayamiError, match="すでに調査ログにあります（S001）"):
        model.add_service(SIMILAR, "書かない 窓口", "Ｘ社", found_at="platform")
    s2 = model.add_service(SIMILAR, "書かない窓口", "Z社", found_at="platform")  # another vendor's is another service
    assert model.services_frame().loc[s2, "見つけた場所"] == "プラットフォーム"
    assert model.services_frame(CASE).loc[s1, "取組事例"] == f"{k} A市"
    model.update_service(s2, "窓口支援", "Z社", found_at="展示会", unknown="価格")
    assert model.services(SIMILAR).iloc[0][["name", "found_at", "unknown"]].tolist() == ["窓口支援", "exhibition", "価格"]
    with pytest.raises(OhayamiError, match="サービス「S999」はありません"):
        model.delete_service("S999")


def test_a_candidate_needs_a_vendor(model):
    s = model.add_service(SIMILAR, "コンビニ交付", "", found_at="カタログ")
    with pytest.raises(OhayamiError, match="事業者名がないので候補にできません") as e:
        model.set_candidate(s, True)
    assert e.value.field == "vendor" and not model.services().iloc[0]["candidate"]
    with pytest.raises(OhayamiError, match="「はい」か「いいえ」"):
        model.set_candidate(s, "yes")
    model.update_service(s, "コンビニ交付", "Y社", found_at="カタログ")
    model.set_candidate(s, True)
    with pytest.raises(OhayamiError, match="候補のサービスには事業者名が必要"):
        model.update_service(s, "コンビニ交付", "", found_at="カタログ")
    assert model.services_frame().loc[s, "候補"] == MARK_YES and model.services().iloc[0]["vendor"] == "Y社"


def test_open_keywords_are_the_cases_keywords_no_similar_service_has(model):
    k = model.add_case("A市")
    model.add_service(CASE, "書かない窓口", "X社", "窓口DX、行かない窓口", case_id=k)
    assert model.open_keywords() == ["窓口DX", "行かない窓口"]
    model.add_service(SIMILAR, "コンビニ交付", "Y社", "窓口ＤＸ", found_at="カタログ")
    assert model.open_keywords() == ["行かない窓口"]


# ---------------------------------------------------------------------- D → E: the candidates

def test_candidates_go_to_e_once_with_where_they_came_from(model):
    _, s1, s2 = _log(model)
    out = model.send_candidates_to_e()
    assert [s for s, _ in out.sent] == [s1, s2] and out.skipped == []
    e = VendorWorkbench(model.ws)  # E never opened before: it simply has them
    v = e.vendors().set_index("vendor_id")
    (_, v1), (_, v2) = out.sent
    assert (v.loc[v1, "name"], v.loc[v1, "service"]) == ("X社", "書かない窓口")
    assert v.loc[v1, "notes"].startswith(f"Dタイプ「サービスを知る」の実装されたサービス {s1}（A市の取組事例）から")
    assert "カタログで見つけた" in v.loc[v2, "notes"] and "証明書" in v.loc[v2, "notes"]
    assert model.services_frame().loc[s1, "Eタイプへ"] == v1
    again = model.send_candidates_to_e()  # double send: nothing added, each named
    assert again.sent == [] and [s for s, _ in again.skipped] == [s1, s2]
    assert f"すでに送りました（{v1}）" in again.message and len(VendorWorkbench(model.ws).vendors()) == 2


def test_a_vendor_already_in_e_is_skipped_and_named(model):
    e = VendorWorkbench(model.ws)
    vid = e.add_vendor("Ｙ社", "コンビニ 交付", 500000)
    _, s1, s2 = _log(model)
    out = model.send_candidates_to_e()
    assert [s for s, _ in out.sent] == [s1]
    assert out.skipped == [(s2, f"「Y社（コンビニ交付）」はEタイプの事業者一覧にすでにあります（{vid}）")]
    assert "送らなかった 1 件" in out.message and len(e.vendors()) == 2
    assert e.vendors().set_index("vendor_id").loc[vid, "price"] == 500000  # E's own row untouched


def test_a_vendor_deleted_in_e_can_be_sent_again(model):
    _, s1, _ = _log(model)
    sent = dict(model.send_candidates_to_e().sent)
    VendorWorkbench(model.ws).delete_vendor(sent[s1])
    out = model.send_candidates_to_e()
    assert [s for s, _ in out.sent] == [s1] and out.sent[0][1] != sent[s1]


def test_sending_without_candidates_is_refused(model):
    model.add_service(SIMILAR, "コンビニ交付", "Y社", found_at="カタログ")
    with pytest.raises(OhayamiError, match="候補のサービスがありません"):
        model.send_candidates_to_e()
    assert model.ws.rows("vendors").empty


def test_a_failed_send_adds_nothing(model, monkeypatch):
    _, s1, s2 = _log(model)
    calls = []
    real = VendorWorkbench.add_vendor

    def second_fails(self, *a, **k):
        calls.append(a)
        if len(calls) == 2:
            raise OhayamiError("だめ", field="name")
        return real(self, *a, **k)

    monkeypatch.setattr(VendorWorkbench, "add_vendor", second_fails)
    with pytest.raises(OhayamiError):
        model.send_candidates_to_e()
    assert model.ws.rows("vendors").empty and (model.services()["sent_vendor_id"] == "").all()


# ---------------------------------------------------------------------- the RFI draft

def test_the_rfi_is_generated_from_the_guide_and_the_log(model):
    assert model.rfi_topics() == ["機能", "価格", "導入実績"]  # D.yaml ※5
    model.save_theme("窓口の混雑\n公園")
    _log(model)
    assert model.generate_rfi() == {QUESTION: 6, RECIPIENT: 2}
    q = model.rfi_items(QUESTION)
    assert list(q["source"]) == [GUIDE, GUIDE, GUIDE, THEME, KEYWORD, UNKNOWN]
    assert list(q["text"][:3]) == [RFI_QUESTIONS[t] for t in ("機能", "価格", "導入実績")]
    assert "「窓口の混雑ほか」" in q["text"][3] and "「行かない窓口」" in q["text"][4]
    assert q["text"][5] == "書かない窓口について：基幹系と連携できるか"
    r = model.rfi_items(RECIPIENT)
    assert list(r["text"]) == ["X社", "Y社"] and set(r["source"]) == {LOG}
    assert model.generate_rfi() == {QUESTION: 0, RECIPIENT: 0}  # nothing twice


def test_rfi_edits_and_own_items_survive_a_new_generation(model):
    _log(model)
    model.generate_rfi()
    model.update_rfi(QUESTION, "Q002", text="価格：5年間の総額を教えてください。")
    model.update_rfi(QUESTION, "Q001", included=False)
    own = model.add_rfi(RECIPIENT, "Z社")
    model.delete_rfi(RECIPIENT, "R001")
    model.add_service(SIMILAR, "窓口予約", "W社", found_at="展示会")
    assert model.generate_rfi() == {QUESTION: 1, RECIPIENT: 2}  # 価格 re-offered (its text changed), X社 and W社
    q = model.rfi_items(QUESTION)
    assert q.iloc[1]["text"] == "価格：5年間の総額を教えてください。" and not q.iloc[0]["included"]
    assert own in set(model.rfi_items(RECIPIENT)["item_id"])
    frames = model.rfi_frames()
    assert "機能" not in "".join(frames["質問"]["質問"][:1]) and "Z社" in set(frames["送付先"]["送付先"])


def test_rfi_refusals(model):
    with pytest.raises(OhayamiError, match="RFIの質問が空") as e:
        model.add_rfi(QUESTION, "")
    assert e.value.field == "rfi_text"
    with pytest.raises(OhayamiError, match="区分"):
        model.add_rfi("memo", "x")
    model.add_rfi(QUESTION, "保守体制を教えてください")
    with pytest.raises(OhayamiError, match="すでにRFIの質問にあります"):
        model.add_rfi(QUESTION, "保守体制を教えてください。")
    with pytest.raises(OhayamiError, match="「Q009」はありません"):
        model.update_rfi(QUESTION, "Q009", text="x")
    with pytest.raises(OhayamiError, match="回答期限.*ありえない日付|ありえない日付"):
        model.save_rfi_info("機能を知る", "2026-02-30")
    assert model.save_rfi_info("機能を知る", "2026年12月1日") == ("機能を知る", "2026-12-01")


def test_split_keywords():
    assert split_keywords("「窓口DX」、行かない窓口,\n窓口ＤＸ／ ") == ["窓口DX", "行かない窓口"]


# ---------------------------------------------------------------------- exports

def test_the_log_exports_to_excel_as_text_and_the_rfi_prints_on_one_page(model):
    model.save_theme(EVIL)
    k = model.add_case("=HYPERLINK(\"http://x\")", "取組")
    model.add_service(CASE, "書かない窓口", "X社", case_id=k)
    model.generate_rfi()
    wb = load_workbook(io.BytesIO(model.export_xlsx()))
    assert wb.sheetnames[:4] == ["テーマ", "取組事例", "実装されたサービス", "類似サービス"]
    cell = wb["取組事例"]["B2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"  # text, never a formula
    assert "まだ足りないこと" in wb.sheetnames
    rfi = load_workbook(io.BytesIO(model.rfi_xlsx()))
    assert rfi.sheetnames == ["RFIの概要", "質問", "送付先"]
    page = rfi_html(model)
    assert "size: A4 portrait" in page and EVIL not in page and "&lt;script&gt;" in page
    assert "X社" in page and "機能・価格・導入実績" in page and "質問の文は ohayami による" in page


def test_whole_workshop_export_and_import_keep_the_log(model, tmp_path):
    _log(model)
    model.send_candidates_to_e()
    model.generate_rfi()
    model.save_theme("窓口の混雑")
    other = open_workshop(tmp_path / "copy")
    X.import_workbook(other, X.export_xlsx(model.ws))
    for t in ("research_theme", "research_cases", "research_services", "research_rfi"):
        assert X.table_snapshot(other)[t] == X.table_snapshot(model.ws)[t]
    assert Research(other).services_frame().equals(model.services_frame())


def test_an_empty_rfi_draft_prints_and_exports(model):
    """Before 「調査ログから作る」 the draft has no questions: the printout and the workbook still come
    out, with the parts' columns and no rows (the printout crashed on an empty draft)."""
    frames = model.rfi_frames()
    assert list(frames["質問"].columns) == ["ID", "質問", "出所"] and frames["質問"].empty
    assert "RFI（情報提供依頼書）の下書き" in rfi_html(model) and model.export_xlsx()[:2] == b"PK"


def test_the_hand_over_names_services_and_the_tabs_it_points_to_exist(model):
    from ohayami.ui.research import ResearchView
    with pytest.raises(OhayamiError) as e:
        model.send_candidates_to_e()
    titles = [p.title for p in ResearchView.PANELS]
    pointed = [t for t in re.findall(r"「([^」]+)」", e.value.message) if t[0].isdigit()]
    assert len(pointed) == 2 and set(pointed) <= set(titles)
    _log(model)
    out = model.send_candidates_to_e()
    (_, v1), (_, v2) = out.sent
    assert f"（書かない窓口（X社）→ 事業者一覧 {v1}、コンビニ交付（Y社）→ 事業者一覧 {v2}）" in out.message
    assert "S001" not in out.message
