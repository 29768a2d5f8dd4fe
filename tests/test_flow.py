"""Type B worksheet model: the interview log, the kit's stage list and its edits, every refusal, exports."""

from __future__ import annotations

import io
import sqlite3

import pytest

from ohayami import exchange as X
from ohayami import store as S
from ohayami.errors import OhayamiError
from ohayami.flow import (DEFAULTS_FILE, KIT, KIT_NOTE, LEAD_COLOURS, OWN, SOURCE_LABELS, Flow, default_stages,
                          month_label, split_tasks, stored_stages)
from ohayami.printouts import flow_html
from ohayami.store import open_workshop

from backends import backend  # noqa: F401  (the last test runs on every store)

EVIL = "<script>alert(1)</script>"
KIT_STAGES = ["企画・構想", "予算化", "調達準備（RFI・仕様書）", "調達", "設計・構築", "運用・効果検証"]


@pytest.fixture
def model(ws):
    return Flow(ws)


def _names(model):
    return list(model.stages()["stage_name"])


# ---------------------------------------------------------------------- the kit's stage list

def test_the_stage_list_starts_from_the_kits_csv_marked_as_the_kits(model):
    assert _names(model) == KIT_STAGES == [s.stage_name for s in default_stages()]
    first = model.stages().iloc[0]
    assert first["tasks"] == ["課題と目指す姿の整理", "他団体の事例の調査", "庁内の合意形成"]
    assert set(model.stages()["source"]) == {KIT}
    assert set(model.stages_frame()["出所"]) == {SOURCE_LABELS[KIT]}
    assert "ガイドの図がないため ohayami が用意したもの" in KIT_NOTE
    assert list(model.stages()["lead"][-2:]) == ["vendor", "both"]


def test_seeding_happens_once_even_when_every_stage_is_removed(model, ws):
    for sid in model.stages()["stage_id"]:
        model.remove_stage(sid)
    assert Flow(ws).stages().empty


def test_the_defaults_file_is_checked_like_a_typed_stage(data_copy, tmp_path):
    path = data_copy / DEFAULTS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",自治体,4,3", ",自治体,4,0"), encoding="utf-8")
    with pytest.raises(OhayamiError, match="期間") as info:
        Flow(open_workshop(tmp_path / "w1"), data_copy)
    assert (info.value.file, info.value.row, info.value.column) == (DEFAULTS_FILE, 3, "months")
    path.write_text(text.replace("予算化,", "企画・構想,"), encoding="utf-8")
    with pytest.raises(OhayamiError, match="重複"):
        default_stages(data_copy)
    path.write_text(text.replace("lead,", "who_leads,"), encoding="utf-8")
    with pytest.raises(OhayamiError, match="lead（主導）"):
        default_stages(data_copy)
    path.unlink()
    with pytest.raises(OhayamiError, match="見つかりません"):
        default_stages(data_copy)


# ---------------------------------------------------------------------- Step1: interviews

def test_interviews_are_added_edited_and_deleted(model):
    iid = model.add_interview(" 佐藤さん ", "○○市 情報政策課", "基幹系の更新", "RFIで相場をつかむ", "2026年5月1日")
    assert iid == "IV001"
    row = model.interviews().iloc[0]
    assert (row["interviewee"], row["heard_on"]) == ("佐藤さん", "2026-05-01")
    model.update_interview(iid, "佐藤さん", "○○市", "基幹系の更新", "仕様書は早めに", "2026/5/2")
    assert model.interviews_frame().iloc[0][["学び", "聞いた日"]].tolist() == ["仕様書は早めに", "2026-05-02"]
    assert model.add_interview("田中さん") == "IV002"
    model.delete_interview(iid)
    assert list(model.interviews()["interview_id"]) == ["IV002"]


@pytest.mark.parametrize("args,field,match", [
    (("",), "interviewee", "誰にが空"), (("\x00 ",), "interviewee", "空"), (("あ" * 61,), "interviewee", "60文字"),
    (("佐藤", "あ" * 81), "organisation", "80文字"), (("佐藤", "", "あ" * 1001), "what_done", "1000文字"),
    (("佐藤", "", "", "あ" * 1001), "lessons", "1000文字"), (("佐藤", "", "", "", "2026-02-30"), "heard_on", "ありえない"),
    (("佐藤", "", "", "", "先週"), "heard_on", "読めません"),
])
def test_interview_refusals_name_the_field_and_save_nothing(model, args, field, match):
    with pytest.raises(OhayamiError, match=match) as info:
        model.add_interview(*args)
    assert info.value.field == field
    assert model.interviews().empty


def test_an_unknown_interview_is_refused(model):
    iid = model.add_interview("佐藤")
    for call in (lambda: model.update_interview("IV999", "x"), lambda: model.delete_interview("IV999")):
        with pytest.raises(OhayamiError, match="IV999") as info:
            call()
        assert info.value.field == "interview"
    with pytest.raises(OhayamiError, match="ありえない"):
        model.update_interview(iid, "佐藤", heard_on="2026-13-01")
    assert model.interviews().iloc[0]["heard_on"] == ""


# ---------------------------------------------------------------------- Step2: stages

def test_a_stage_is_added_at_the_end_and_an_edited_kit_stage_becomes_the_towns(model):
    sid = model.add_stage("住民への広報", "使ってもらう", "チラシ作成\nSNS発信／チラシ作成\n\n", "双方", "２０", "２")
    df = model.stages()
    assert sid == "ST007" and df.iloc[-1]["stage_name"] == "住民への広報"
    assert df.iloc[-1]["tasks"] == ["チラシ作成", "SNS発信"] and (df.iloc[-1]["start_month"], df.iloc[-1]["months"]) == (20, 2)
    assert df.iloc[-1]["source"] == OWN
    kit = df.iloc[1]
    model.update_stage(kit["stage_id"], kit["stage_name"], kit["purpose"], "\n".join(kit["tasks"]), "自治体", 4, 3)
    assert model.stages().iloc[1]["source"] == KIT   # saved unchanged: still the kit's
    model.update_stage(kit["stage_id"], "予算化", kit["purpose"], "予算要求", "town", 4, 5)
    assert model.stages().iloc[1][["source", "months", "tasks"]].tolist() == [OWN, 5, ["予算要求"]]


@pytest.mark.parametrize("kwargs,field,match", [
    ({"stage_name": ""}, "stage_name", "空"), ({"stage_name": "あ" * 41}, "stage_name", "40文字"),
    ({"stage_name": "調達"}, "stage_name", "すでに"), ({"stage_name": "調　達"}, "stage_name", "すでに"),
    ({"lead": ""}, "lead", "選んでください"), ({"lead": "国"}, "lead", "選べません"),
    ({"start_month": ""}, "start_month", "空"), ({"start_month": "0"}, "start_month", "1～60"),
    ({"start_month": "61"}, "start_month", "1～60"), ({"start_month": "1.5"}, "start_month", "整数"),
    ({"start_month": "四月"}, "start_month", "数ではありません"), ({"start_month": "1_0"}, "start_month", "_"),
    ({"months": "0"}, "months", "1～36"), ({"months": "-2"}, "months", "1～36"), ({"months": "37"}, "months", "1～36"),
    ({"months": "inf"}, "months", "数"), ({"purpose": "あ" * 301}, "purpose", "300文字"),
    ({"tasks": "あ" * 61}, "tasks", "60文字"), ({"tasks": "\n".join(f"作業{i}" for i in range(13))}, "tasks", "12個"),
])
def test_stage_refusals_in_japanese_name_the_field_and_save_nothing(model, kwargs, field, match):
    form = {"stage_name": "広報", "purpose": "", "tasks": "", "lead": "town", "start_month": "3", "months": "2", **kwargs}
    before = model.stages()
    with pytest.raises(OhayamiError, match=match) as info:
        model.add_stage(**form)
    assert info.value.field == field
    with pytest.raises(OhayamiError, match=match):
        model.update_stage(before.iloc[0]["stage_id"], **{**form, "stage_name": kwargs.get("stage_name", "企画・構想")})
    assert model.stages().equals(before)


def test_stages_are_reordered_and_removed(model):
    ids = list(model.stages()["stage_id"])
    assert model.move_stage(ids[2], -1) is True
    assert _names(model)[1:3] == ["調達準備（RFI・仕様書）", "予算化"]
    assert model.move_stage(ids[0], -1) is False and model.move_stage(ids[-1], 1) is False
    with pytest.raises(OhayamiError, match="1つ上か1つ下"):
        model.move_stage(ids[0], 2)
    model.remove_stage(ids[3])
    assert "調達" not in _names(model)
    new = model.add_stage("広報", lead="双方", start_month=1, months=1)
    assert _names(model)[-1] == "広報" and model.move_stage(new, -1) and _names(model)[-2] == "広報"
    for call in (lambda: model.remove_stage("ST999"), lambda: model.move_stage("ST999", 1),
                 lambda: model.update_stage("ST999", "x", lead="town", start_month=1, months=1)):
        with pytest.raises(OhayamiError, match="ST999") as info:
            call()
        assert info.value.field == "stage"


def test_order_warnings_name_a_stage_planned_before_the_one_above(model):
    assert model.order_warnings() == []
    ids = list(model.stages()["stage_id"])
    model.move_stage(ids[3], -1)   # 調達 (10か月目) above 調達準備 (7か月目)
    assert model.order_warnings() == ["「調達準備（RFI・仕様書）」（7か月目から）が、一つ前の「調達」（10か月目から）より先に"
                                      "始まる予定です。順番か開始月を確かめてください。"]


def test_plan_start_names_the_months(model):
    assert model.stages_frame().iloc[1][["開始", "終了"]].tolist() == ["4か月目", "6か月目"]
    assert model.set_plan_start("２０２６年４月") == "2026-04"
    assert model.stages_frame().iloc[5][["開始", "終了"]].tolist() == ["2027年9月", "2028年8月"]
    assert month_label("2026-11", 3) == "2027年1月"
    for bad, match in (("2026-13", "月は1～12"), ("来年", "読めません"), ("2026-04-01x", "読めません")):
        with pytest.raises(OhayamiError, match=match) as info:
            model.set_plan_start(bad)
        assert info.value.field == "start"
    assert model.plan_start() == "2026-04"
    assert model.set_plan_start("") == "" and model.stages_frame().iloc[0]["開始"] == "1か月目"


def test_split_tasks_folds_repeats_and_blank_lines():
    assert split_tasks("RFI の実施\r\nＲＦＩ の実施\n\n／要件の整理") == ["RFI の実施", "要件の整理"]
    assert split_tasks("") == []


# ---------------------------------------------------------------------- figure and exports

def test_timeline_bars_follow_the_stages_and_their_leads(model):
    fig = model.timeline_figure()
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_width() > 0]
    assert [round(b.get_x() + 0.5) for b in bars] == list(model.stages()["start_month"])
    assert [round(b.get_width()) for b in bars] == list(model.stages()["months"])
    colours = {k: tuple(round(c, 3) for c in __import__("matplotlib").colors.to_rgba(v)) for k, v in LEAD_COLOURS.items()}
    assert [tuple(round(c, 3) for c in b.get_facecolor()) for b in bars] == [colours[k] for k in model.stages()["lead"]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["自治体が主導", "ベンダーが主導", "双方が主導"]
    top_down = sorted(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]), reverse=True)
    assert [name for _, name in top_down] == KIT_STAGES   # the first stage at the top


def test_timeline_draws_dollar_signs_literally_and_an_empty_list(model):
    sid = model.add_stage("費用$x^2$の確認", lead="town", start_month=2, months=1)
    fig = model.timeline_figure()
    assert "費用$x^2$の確認" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    fig.canvas.draw()   # mathtext would fail here
    for s in model.stages()["stage_id"]:
        model.remove_stage(s)
    assert sid and "段階がありません" in [t.get_text() for t in model.timeline_figure().axes[0].texts][0]


def test_xlsx_is_text_only(model):
    from openpyxl import load_workbook

    model.add_interview("=HYPERLINK(\"http://x\")", lessons="+1")
    wb = load_workbook(io.BytesIO(model.export_xlsx()))
    assert wb.sheetnames == ["事例の聞き取り", "実装の段階", "計画"]
    cell = wb["事例の聞き取り"]["B2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert [c.value for c in wb["実装の段階"]["B"]][1:] == KIT_STAGES


def test_printout_is_one_escaped_a4_page_with_the_kit_note(model):
    model.add_interview(EVIL, lessons=EVIL)
    model.add_stage(EVIL, lead="town", start_month=1, months=1)
    page = flow_html(model)
    assert "@page { size: A4 portrait" in page and EVIL not in page and "&lt;script&gt;" in page
    assert KIT_NOTE in page and "data:image/png;base64," in page and "調達準備（RFI・仕様書）" in page


def test_whole_workshop_export_and_import_keep_the_flow(model, tmp_path):
    model.add_interview("佐藤", heard_on="2026-05-01")
    model.move_stage("ST002", 1)
    model.set_plan_start("2026-04")
    other = open_workshop(tmp_path / "copy")
    X.import_workbook(other, X.export_xlsx(model.ws))
    for t in ("flow_plan", "flow_interviews", "flow_stages"):
        assert X.table_snapshot(other)[t] == X.table_snapshot(model.ws)[t]
    assert Flow(other).stages().equals(model.stages())   # already seeded: nothing added twice


def test_a_version_7_file_gets_the_flow_and_role_tables(tmp_path):
    path = tmp_path / "old.ohayami"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for v in range(1, 8):
        for step in S.MIGRATIONS[v]:
            step(con) if callable(step) else con.execute(step)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("app", S.APP_ID), ("schema_version", "7"),
                                                      ("workshop_id", "v7"), ("created_at", "2025-05-01")])
    con.commit()
    con.close()
    w = open_workshop(path)
    assert w.schema_version() == S.SCHEMA_VERSION and (tmp_path / "old.ohayami.bak-v7").exists()
    for name in ("flow_plan", "flow_interviews", "flow_stages", "role_tasks", "role_owners", "role_raci", "role_rules"):
        assert tuple(r[1] for r in w._conn.execute(f'PRAGMA table_info("{name}")')) == S.TABLES[name].columns
    assert _names(Flow(w)) == KIT_STAGES


def test_flow_on_every_store(backend):
    """The B model over the file and over the server store (skipped without a server)."""
    ws = backend.open("flow")
    m = Flow(ws)
    m.add_interview("佐藤", heard_on="2026/5/1")
    sid = m.add_stage("広報", lead="双方", start_month=20, months=2)
    m.move_stage(sid, -1)
    again = Flow(backend.open("flow"))
    assert _names(again)[-2:] == ["広報", "運用・効果検証"] and again.interviews().iloc[0]["heard_on"] == "2026-05-01"
    assert list(stored_stages(ws)["stage_name"]) == _names(again)
