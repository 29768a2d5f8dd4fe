"""Type H worksheet model: tasks seeded from B, owners, the RACI matrix and its checks, rules, exports."""

from __future__ import annotations

import io

import pytest

from ohayami import exchange as X
from ohayami.errors import OhayamiError
from ohayami.flow import Flow, default_stages
from ohayami.printouts import roles_html
from ohayami.roles import FROM_DEFAULT, FROM_FLOW, KINDS, OWN, RACI, Roles
from ohayami.store import open_workshop

from backends import backend  # noqa: F401  (the last test runs on every store)

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def model(ws):
    return Roles(ws)


def _tasks(model):
    return [(r.stage_name, r.task_name) for r in model.tasks().itertuples()]


def _team(model):
    """Two tasks (read from the defaults), three owners."""
    model.add_task("企画・構想", "課題と目指す姿の整理")
    model.add_task("調達", "契約")
    return [model.add_owner(n, k) for n, k in (("企画課", "庁内の課"), ("A社", "vendor"), ("DXアドバイザー", "外部専門家"))]


# ---------------------------------------------------------------------- tasks from B

def test_without_b_the_defaults_are_read_and_said_so(model, ws):
    r = model.seed_from_flow()
    assert (r.source, r.added, r.skipped) == (FROM_DEFAULT, 18, 0)
    assert "Bの段階一覧がまだないため" in r.message and "ohayami が用意した標準の段階一覧" in r.message
    assert _tasks(model) == [(s.stage_name, t) for s in default_stages() for t in s.tasks]
    assert set(model.tasks()["source"]) == {FROM_DEFAULT}
    assert ws.rows("flow_stages").empty   # reading B's list never fills it in


def test_bs_stored_stage_list_is_read_in_its_order_and_never_twice(model, ws):
    flow = Flow(ws)
    flow.update_stage("ST002", "予算化", "", "予算要求\n財源の検討", "town", 4, 3)
    flow.move_stage("ST002", -1)
    flow.remove_stage("ST006")
    r = model.seed_from_flow()
    assert r.source == FROM_FLOW and r.message.startswith("Bの段階一覧から作業を 14 件")
    assert model.stage_names() == list(flow.stages()["stage_name"])
    assert _tasks(model)[:2] == [("予算化", "予算要求"), ("予算化", "財源の検討")]
    again = model.seed_from_flow()
    assert (again.added, again.skipped) == (0, 14) and "重ねていません" in again.message
    assert len(model.tasks()) == 14
    flow.add_stage("広報", tasks="チラシ作成\n予算要求", lead="双方", start_month=20, months=2)
    third = model.seed_from_flow()
    assert third.added == 2 and _tasks(model)[-2:] == [("広報", "チラシ作成"), ("広報", "予算要求")]


def test_own_tasks_go_after_their_stage_and_are_checked(model):
    model.seed_from_flow()
    tid = model.add_task(" 調達 ", "住民説明会")
    tasks = _tasks(model)
    assert tasks[tasks.index(("調達", "契約")) + 1] == ("調達", "住民説明会")
    assert model.tasks().set_index("task_id").loc[tid, "source"] == OWN
    assert model.add_task("広報", "チラシ") == model.tasks().iloc[-1]["task_id"]
    model.update_task(tid, "調達", "事業者説明会")
    assert ("調達", "事業者説明会") in _tasks(model)
    for args, field, match in ((("", "x"), "stage_name", "空"), (("調達", ""), "task_name", "空"),
                               (("調達", "契　約"), "task_name", "すでに"), (("あ" * 41, "x"), "stage_name", "40文字"),
                               (("調達", "あ" * 61), "task_name", "60文字")):
        with pytest.raises(OhayamiError, match=match) as info:
            model.add_task(*args)
        assert info.value.field == field
    with pytest.raises(OhayamiError, match="すでに"):
        model.update_task(tid, "調達", "契約")
    with pytest.raises(OhayamiError, match="T999") as info:
        model.update_task("T999", "調達", "x")
    assert info.value.field == "task"


# ---------------------------------------------------------------------- owners and the matrix

def test_owners_are_grouped_by_kind_and_checked(model):
    a = model.add_owner("A社", "ベンダー")
    b = model.add_owner("企画課", "dept")
    assert list(model.owners()["owner_id"]) == [b, a]
    assert list(model.owners_frame()["区分"]) == ["庁内の課", "ベンダー"]
    model.update_owner(a, "A社（窓口サービス）", "vendor")
    for args, field, match in ((("", "dept"), "owner_name", "空"), (("福祉課", ""), "owner_kind", "選んでください"),
                               (("福祉課", "市民"), "owner_kind", "選べません"), (("企　画課", "dept"), "owner_name", "すでに"),
                               (("あ" * 61, "dept"), "owner_name", "60文字")):
        with pytest.raises(OhayamiError, match=match) as info:
            model.add_owner(*args)
        assert info.value.field == field
    with pytest.raises(OhayamiError, match="O999") as info:
        model.remove_owner("O999")
    assert info.value.field == "owner"
    assert len(model.owners()) == 2


def test_raci_cells_are_set_cleared_and_refused(model):
    o = _team(model)
    t = list(model.tasks()["task_id"])
    assert model.set_raci(t[0], o[0], "責任") == "A"
    assert model.set_raci(t[0], o[1], "r") == "R"
    assert model.set_raci(t[0], o[2], "相談（C）") == "C"
    assert model.raci() == {(t[0], o[0]): "A", (t[0], o[1]): "R", (t[0], o[2]): "C"}
    assert model.matrix_frame().iloc[0].tolist() == ["企画・構想", "課題と目指す姿の整理", "責任", "実行", "相談"]
    assert model.matrix_frame(short=True).iloc[0].tolist()[2:] == ["A", "R", "C"]
    assert model.set_raci(t[0], o[2], "") == "" and (t[0], o[2]) not in model.raci()
    with pytest.raises(OhayamiError, match="選べません") as info:
        model.set_raci(t[0], o[2], "X")
    assert info.value.field == "raci"
    with pytest.raises(OhayamiError, match="T999"):
        model.set_raci("T999", o[0], "A")
    with pytest.raises(OhayamiError, match="O999"):
        model.set_raci(t[0], "O999", "A")
    assert len(model.raci()) == 2


def test_the_rule_checks(model):
    o = _team(model)
    t = list(model.tasks()["task_id"])
    w = model.warnings()
    assert w == ["作業「課題と目指す姿の整理」（企画・構想）に責任（A）の担い手がいません。1人決めてください。",
                 "作業「契約」（調達）に責任（A）の担い手がいません。1人決めてください。",
                 *[f"担い手「{n}」に割り当てた作業がありません。役割を割り当てるか、担い手から外してください。"
                   for n in ("企画課", "A社", "DXアドバイザー")]]
    model.set_raci(t[0], o[0], "A")
    model.set_raci(t[1], o[0], "A")
    model.set_raci(t[1], o[1], "A")
    model.set_raci(t[0], o[2], "I")
    assert model.warnings() == ["作業「契約」（調達）に責任（A）が2人います（企画課・A社）。責任は1つの作業に1人にしてください。"]
    model.set_raci(t[1], o[1], "R")
    assert model.warnings() == []


def test_removing_a_task_or_owner_takes_its_cells(model, ws):
    o = _team(model)
    t = list(model.tasks()["task_id"])
    model.set_raci(t[0], o[0], "A")
    model.set_raci(t[1], o[0], "A")
    model.set_raci(t[1], o[1], "R")
    model.remove_task(t[0])
    assert set(ws.rows("role_raci")["task_id"]) == {t[1]}
    model.remove_owner(o[0])
    assert ws.rows("role_raci")[["task_id", "owner_id"]].values.tolist() == [[t[1], o[1]]]
    assert model.warnings()[0].startswith("作業「契約」（調達）に責任（A）の担い手がいません")


def test_summary_names_each_owners_tasks(model):
    o = _team(model)
    t = list(model.tasks()["task_id"])
    model.set_raci(t[0], o[0], "A")
    model.set_raci(t[1], o[0], "A")
    model.set_raci(t[1], o[1], "R")
    s = model.summary_frame()
    assert list(s.columns) == ["担い手", "区分", "責任を持つ作業", "実行する作業"]
    assert s.values.tolist() == [["企画課", "庁内の課", "企画・構想：課題と目指す姿の整理、調達：契約", ""],
                                 ["A社", "ベンダー", "", "調達：契約"], ["DXアドバイザー", "外部専門家", "", ""]]


def test_an_owner_called_like_a_column_keeps_the_matrix_whole(model):
    model.add_task("調達", "契約")
    o = model.add_owner("作業", "dept")
    model.set_raci(model.tasks().iloc[0]["task_id"], o, "A")
    m = model.matrix_frame()
    assert list(m.columns) == ["段階", "作業", "作業（担い手）"] and m.iloc[0].tolist() == ["調達", "契約", "責任"]
    page = roles_html(model)
    assert "<td>契約</td>" in page


# ---------------------------------------------------------------------- rules

def test_rules_are_added_edited_removed_and_checked(model):
    rid = model.add_rule("推進会議", "月1回", "チャット", "企画課・A社")
    model.update_rule(rid, "推進会議（定例）", "隔週", "チャット、急ぎは電話", "企画課・A社")
    assert model.rules_frame().iloc[0][["会議体", "頻度"]].tolist() == ["推進会議（定例）", "隔週"]
    for kwargs, field, match in (({"meeting": ""}, "meeting", "空"), ({"meeting": "x", "frequency": "あ" * 61}, "frequency", "60文字"),
                                 ({"meeting": "x", "channel": "あ" * 201}, "channel", "200文字"),
                                 ({"meeting": "x", "members": "あ" * 201}, "members", "200文字")):
        with pytest.raises(OhayamiError, match=match) as info:
            model.add_rule(**kwargs)
        assert info.value.field == field
    with pytest.raises(OhayamiError, match="M999") as info:
        model.remove_rule("M999")
    assert info.value.field == "rule"
    model.remove_rule(rid)
    assert model.rules().empty


# ---------------------------------------------------------------------- chart and exports

def test_org_chart_draws_owners_by_kind_and_a_line_per_accountable_stage(model):
    o = _team(model)
    t = list(model.tasks()["task_id"])
    model.set_raci(t[0], o[0], "A")
    model.set_raci(t[1], o[0], "A")
    model.set_raci(t[1], o[1], "R")
    ax = model.org_chart_figure().axes[0]
    texts = [x.get_text() for x in ax.texts]
    assert [x for x in texts if x.startswith("【")] == ["【庁内の課】", "【ベンダー】", "【外部専門家】"]
    assert {"企画課", "A社", "DXアドバイザー", "企画・構想", "調達"} <= set(texts)
    assert len(ax.lines) == 2   # 企画課 → both stages; R draws no line


def test_org_chart_with_ten_owners_keeps_boxes_apart(model):
    model.seed_from_flow()
    kinds = list(KINDS)
    ids = [model.add_owner(f"担い手{i}の名前$x$", kinds[i % 4]) for i in range(10)]
    for i, tid in enumerate(model.tasks()["task_id"]):
        model.set_raci(tid, ids[i % 10], "A")
    fig = model.org_chart_figure()
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(r) for t in fig.axes[0].texts if t.get_bbox_patch() is not None]
    assert len(boxes) == 10 + 6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def test_xlsx_and_the_approval_document(model):
    from openpyxl import load_workbook

    o = _team(model)
    model.set_raci(model.tasks().iloc[0]["task_id"], o[0], "A")
    model.add_rule("=cmd|' /C calc'!A0", "月1回")
    model.add_owner(EVIL, "external")
    wb = load_workbook(io.BytesIO(model.export_xlsx()))
    assert wb.sheetnames == ["役割分担（RACI）", "担い手", "作業", "担い手ごとの責任", "コミュニケーションルール", "確認事項"]
    assert wb["コミュニケーションルール"]["B2"].data_type == "s"
    page = roles_html(model)
    assert "@page { size: A4 portrait" in page and EVIL not in page and "&lt;script&gt;" in page
    assert "承認欄" in page and "data:image/png;base64," in page and "確認が必要なこと" in page
    assert all(f"{v}" in page for v in RACI.values())


def test_whole_workshop_export_and_import_keep_the_roles(model, tmp_path):
    o = _team(model)
    model.set_raci(model.tasks().iloc[0]["task_id"], o[0], "A")
    model.add_rule("推進会議", "月1回")
    other = open_workshop(tmp_path / "copy")
    X.import_workbook(other, X.export_xlsx(model.ws))
    for t in ("role_tasks", "role_owners", "role_raci", "role_rules"):
        assert X.table_snapshot(other)[t] == X.table_snapshot(model.ws)[t]
    assert Roles(other).summary_frame().equals(model.summary_frame())


def test_roles_on_every_store(backend):
    """The H model over the file and over the server store (skipped without a server)."""
    ws = backend.open("roles")
    Flow(ws).add_stage("広報", tasks="チラシ作成", lead="双方", start_month=20, months=2)
    m = Roles(ws)
    assert m.seed_from_flow().added == 19
    o = m.add_owner("企画課", "dept")
    m.set_raci(m.tasks().iloc[-1]["task_id"], o, "A")
    again = Roles(backend.open("roles"))
    assert again.summary_frame().iloc[0]["責任を持つ作業"] == "広報：チラシ作成"
    assert again.seed_from_flow().added == 0
