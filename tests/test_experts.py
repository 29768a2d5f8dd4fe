"""Type I worksheet model: the request, the three checklists seeded from the guide, every refusal, exports."""

from __future__ import annotations

import io
import re

import pytest

from ohayami import exchange as X
from ohayami.errors import OhayamiError
from ohayami.experts import GUIDE, LISTS, OHAYAMI, OHAYAMI_ACCEPTANCE, OWN, SOURCE_LABELS, ExpertRequest
from ohayami.guide import SOURCE_MARKS, type_card
from ohayami.labels import MARK_YES
from ohayami.printouts import expert_request_html
from ohayami.store import open_workshop

from backends import backend  # noqa: F401  (the last test runs on every store)

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def model(ws):
    return ExpertRequest(ws)


def _names(model, list_id):
    return list(model.items(list_id)["name"])


# ---------------------------------------------------------------------- seeds from the guide

def test_skills_start_from_the_guides_expert_example_categories(model):
    examples = type_card("I").extras["expert_examples"]
    assert _names(model, "skills") == list(dict.fromkeys(e["category"] for e in examples))
    first = model.items("skills").iloc[0]
    mine = [e["text"] for e in examples if e["category"] == first["name"]]
    assert first["description"].split("\n") == [re.sub(r"※\d+", "", t) for t in mine]
    assert "※" not in "".join(model.items("skills")["description"])
    assert set(model.items("skills")["source"]) == {GUIDE}


def test_channels_are_the_guides_step_2_footnotes_then_gs_programmes_without_repeats(model):
    names = _names(model, "channels")
    assert names[:3] == ["地方創生コンシェルジュ（内閣府相談窓口）", "デジタル専門人材派遣制度", "地方創生SDGs官民連携プラットフォーム"]
    g = [p["name"] for p in type_card("G").extras["programmes"]]
    assert "デジタル専門人材派遣" in g and not any(n.startswith("デジタル専門人材派遣（") for n in names)
    assert [n.split("（")[0] for n in names[3:]] == [x for x in g if x != "デジタル専門人材派遣"]
    assert "地域情報化アドバイザー派遣（総務省）" in names  # the ministry from G's table
    assert model.items("channels").iloc[0]["description"] == "様々な支援メニューの照会・選択ができる"


def test_acceptance_is_the_cautions_environment_plus_ohayamis_items_marked(model):
    items = model.items("acceptance")
    assert list(items["name"][:3]) == ["庁内への周知", "権限付与", "執務環境"]
    assert all(part in type_card("I").cautions[0] for part in items["name"][:3])
    kit = items[items.source == OHAYAMI]
    assert list(kit["name"]) == [n for n, _ in OHAYAMI_ACCEPTANCE]
    frame = model.items_frame("acceptance")
    assert set(frame.loc[kit["item_id"], "出所"]) == {SOURCE_MARKS["ohayami"]}
    assert model.acceptance_note() == type_card("I").cautions[0]


def test_seeds_follow_the_guide_data(data_copy, tmp_path):
    path = data_copy / "types" / "I.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("（庁内への周知・権限付与・執務環境等）", "（庁内への周知・席の用意等）"), encoding="utf-8")
    m = ExpertRequest(open_workshop(tmp_path / "w1"), data_copy)
    assert _names(m, "acceptance")[:2] == ["庁内への周知", "席の用意"]
    path.write_text(text.replace("専門家の受入れ環境（庁内への周知・権限付与・執務環境等）", "専門家の受入れ"), encoding="utf-8")
    with pytest.raises(OhayamiError, match="受入れ環境の項目がありません"):
        ExpertRequest(open_workshop(tmp_path / "w2"), data_copy)


def test_seeding_happens_once(model, ws):
    sid = model.add_item("skills", "データ分析")
    model.remove_item("skills", sid)
    n = {k: len(model.items(k)) for k in LISTS}
    again = ExpertRequest(ws)
    assert {k: len(again.items(k)) for k in LISTS} == n


# ---------------------------------------------------------------------- the request

def test_request_is_saved_with_an_iso_date(model):
    req = model.save_request("要件を書ける\x00職員がいない", "要件定義書ができる", "2026年4月1日")
    assert req.bottleneck == "要件を書ける職員がいない" and req.due == "2026-04-01"
    assert model.request() == req


@pytest.mark.parametrize("args,field,match", [
    (("",), "bottleneck", "ボトルネックが空"), (("  \n ",), "bottleneck", "ボトルネックが空"),
    (("あ" * 1001,), "bottleneck", "1000文字"), (("x", "あ" * 1001), "outcome", "1000文字"),
    (("x", "", "2026-02-30"), "due", "ありえない"), (("x", "", "そのうち"), "due", "読めません"),
])
def test_request_refusals_name_the_field_and_save_nothing(model, args, field, match):
    with pytest.raises(OhayamiError, match=match) as info:
        model.save_request(*args)
    assert info.value.field == field
    assert model.request().bottleneck == ""


# ---------------------------------------------------------------------- the checklists

def test_own_items_are_added_ticked_at_the_end(model):
    sid = model.add_item("skills", "  データ  分析の経験 ", "統計を読める")
    items = model.items("skills")
    assert sid == "S005" and items.iloc[-1]["name"] == "データ 分析の経験"
    assert items.iloc[-1]["checked"] and items.iloc[-1]["source"] == OWN
    assert model.items_frame("skills").loc[sid, "出所"] == SOURCE_LABELS[OWN]
    assert model.add_item("channels", "県のDX推進課に相談") == "C008"


@pytest.mark.parametrize("list_id,name,field,match", [
    ("skills", "", "name", "空"), ("skills", "\x00 ", "name", "空"), ("skills", "あ" * 81, "name", "80文字"),
    ("skills", "専門的知見の活用", "name", "すでに"), ("skills", "専門的知見の　活用", "name", "すでに"),
    ("nothing", "x", "list", "ありません"),
])
def test_add_item_refusals(model, list_id, name, field, match):
    before = len(model.ws.rows("expert_items"))
    with pytest.raises(OhayamiError, match=match) as info:
        model.add_item(list_id, name)
    assert info.value.field == field
    assert len(model.ws.rows("expert_items")) == before


def test_tick_memo_and_their_refusals(model):
    model.set_checked("channels", "C001", True)
    assert model.items("channels").iloc[0]["checked"]
    model.set_checked("channels", "C001", False)
    assert not model.items("channels").iloc[0]["checked"]
    assert model.set_notes("channels", "C001", " 4/10 に電話で相談 ") == "4/10 に電話で相談"
    with pytest.raises(OhayamiError, match="はい") as info:
        model.set_checked("channels", "C001", "yes")
    assert info.value.field == "checked"
    with pytest.raises(OhayamiError, match="C999") as info:
        model.set_checked("channels", "C999", True)
    assert info.value.field == "item"
    with pytest.raises(OhayamiError, match="300文字") as info:
        model.set_notes("channels", "C001", "あ" * 301)
    assert info.value.field == "notes"


def test_only_own_items_can_be_removed(model):
    with pytest.raises(OhayamiError, match="チェックを外して") as info:
        model.remove_item("acceptance", "A001")
    assert info.value.field == "item"
    with pytest.raises(OhayamiError, match="削除できません"):
        model.remove_item("acceptance", "A004")  # ohayami's item stays too
    aid = model.add_item("acceptance", "PCとアカウントの用意")
    model.remove_item("acceptance", aid)
    assert "PCとアカウントの用意" not in _names(model, "acceptance")


# ---------------------------------------------------------------------- the sheet

def test_gaps_shrink_as_the_sheet_is_filled(model):
    assert len(model.gaps()) == 4
    model.save_request("要件を書ける職員がいない")
    model.set_checked("skills", "S001", True)
    model.set_checked("channels", "C002", True)
    assert model.gaps() == ["受入れ環境で整っていない項目：" + "・".join(_names(model, "acceptance")) + "。"]
    for item_id in model.items("acceptance")["item_id"]:
        model.set_checked("acceptance", item_id, True)
    assert model.gaps() == []


def test_the_sheet_lists_what_is_wanted_and_the_whole_acceptance_list(model):
    model.save_request("要件を書ける職員がいない", due="2026-04-01")
    model.set_checked("skills", "S003", True)
    model.set_checked("channels", "C001", True)
    model.set_checked("acceptance", "A002", True)
    frames = model.sheet_frames()
    assert list(frames["専門家に求める役割・スキル"]["項目"]) == ["庁内調整"]
    assert list(frames["専門家の探し方"]["項目"]) == ["地方創生コンシェルジュ（内閣府相談窓口）"]
    acc = frames["受入れ環境"]
    assert len(acc) == len(model.items("acceptance")) and list(acc["整った"][:3]) == ["", MARK_YES, ""]
    assert frames["依頼の内容"].set_index("項目").loc["いつまでに", "内容"] == "2026-04-01"


def test_xlsx_is_text_only_with_every_list(model):
    from openpyxl import load_workbook

    model.save_request("=HYPERLINK(\"http://x\")")
    model.add_item("skills", "+danger", "-1")
    wb = load_workbook(io.BytesIO(model.export_xlsx()))
    assert wb.sheetnames == ["依頼の内容", *[s.title for s in LISTS.values()], "まだ足りないこと"]
    cell = wb["依頼の内容"]["B2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s" and cell.quotePrefix
    names = [c.value for c in wb["専門家に求める役割・スキル"]["B"]]
    assert "+danger" in names


def test_printout_is_one_escaped_a4_portrait_page(model):
    model.save_request(EVIL, EVIL, "2026-04-01")
    sid = model.add_item("skills", EVIL)
    page = expert_request_html(model)
    assert "@page { size: A4 portrait" in page and "<h2>専門家への依頼要件</h2>" in page
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "2026-04-01" in page and sid not in page  # ids are for the screen, not the sheet
    assert type_card("I").cautions[0] in page and "外部人材スキル標準" in page
    assert SOURCE_MARKS["ohayami"] in page  # ohayami's acceptance items are marked as such


def test_whole_workshop_export_and_import_keep_the_request(model, tmp_path):
    model.save_request("要件を書ける職員がいない", due="2026-04-01")
    model.add_item("channels", "県のDX推進課")
    model.set_notes("channels", "C001", "相談済み")
    other = open_workshop(tmp_path / "copy")
    X.import_workbook(other, X.export_xlsx(model.ws))
    for t in ("expert_request", "expert_items"):
        assert X.table_snapshot(other)[t] == X.table_snapshot(model.ws)[t]
    copy = ExpertRequest(other)  # already seeded: nothing added twice
    assert copy.items("channels").equals(model.items("channels")) and copy.request() == model.request()


def test_both_worksheets_on_every_store(backend):
    """The A and I models over the file and over the server store (skipped without a server)."""
    from ohayami.readiness import ReadinessSheet

    ws = backend.open("worksheets")
    r = ReadinessSheet(ws)
    r.save_point(1, state="できている", basis="子育て支援", next_action="原課ヒアリング", due="2026/5/1")
    assert r.record(1).due == "2026-05-01" and r.card().blocking.number == 2
    m = ExpertRequest(ws)
    m.save_request("要件を書ける職員がいない", due="2026年4月1日")
    m.set_checked("skills", "S002", True)
    sid = m.add_item("skills", "データ分析")
    m.remove_item("skills", sid)
    again = ExpertRequest(backend.open("worksheets"))
    assert again.request().due == "2026-04-01" and list(again.items("skills")["checked"]) == [False, True, False, False]
