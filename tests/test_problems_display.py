"""The type C display frames and small model methods the panels use instead of doing sums themselves."""

import math

import pytest

from ohayami.errors import OhayamiError
from ohayami.guide import load_steps
from ohayami.problems import STATUS_LABELS, ProblemWorkbench
from ohayami.store import open_workshop
from ohayami.textio import MAX_TEXT
from ohayami.workbench import ROOM


@pytest.fixture
def m(tmp_path):
    ws = open_workshop(tmp_path / "d")
    yield ProblemWorkbench(ws)
    ws.close()


def test_problems_frame_shows_status_exclusion_and_tags(m):
    a = m.add_problem("証明書の窓口が昼に混む", scene="昼休み", origin="原課")
    b = m.add_problem("バスが少ない")
    m.save_analysis(a, tags="窓口DX", who="市民", how="待つ", how_much="1時間", cause="手書き")
    m.set_exclusion(b, "need_unclear")
    f = m.problems_frame()
    assert list(f.index) == [a, b]
    assert list(f.columns) == ["ID", "課題", "生活のワンシーン", "出どころ", "分析", "除外", "タグ"]
    assert f.loc[a].tolist() == [a, "証明書の窓口が昼に混む", "昼休み", "原課", STATUS_LABELS["done"], "", "窓口DX"]
    assert f.loc[b, "分析"] == STATUS_LABELS["empty"]
    assert f.loc[b, "除外"] == m.exclusion_label("need_unclear") != "need_unclear"


def test_save_analysis_is_all_or_nothing(m):
    pid = m.add_problem("バスが少ない")
    with pytest.raises(OhayamiError) as e:
        m.save_analysis(pid, tags="あ" * (MAX_TEXT + 1), who="高齢者")
    assert e.value.field == "tags"
    assert m.problem(pid)["who"] in ("", None)  # the analysis was not saved without its tags
    m.save_analysis(pid, tags="交通", who="高齢者")
    assert (m.problem(pid)["who"], m.problem(pid)["tags"]) == ("高齢者", "交通")


def test_criteria_frame_gives_each_weight_its_share(m):
    crit = m.criteria()
    ids = list(crit["criterion_id"])
    m.set_weights("direct", {c: (3 if i == 0 else 1) for i, c in enumerate(ids)})
    f = m.criteria_frame()
    total = 3 + (len(ids) - 1)
    assert list(f.columns) == ["評価項目", "説明", "向き", "尺度", "重み", "割合"]
    assert f["評価項目"].tolist() == crit["name"].tolist()
    assert f["重み"].tolist() == ["3"] + ["1"] * (len(ids) - 1)
    assert f["割合"].iloc[0] == f"{3 / total:.0%}" and f["割合"].iloc[1] == f"{1 / total:.0%}"
    assert set(f["向き"]) <= {"高いほど良い", "低いほど良い"} and len(set(f["向き"])) >= 1


def test_matrix_is_the_share_of_each_criterion_weight(m):
    a, b, c = (m.add_problem(t) for t in ("窓口が混む", "バスが少ない", "ごみの分別"))
    crit = m.criteria().set_index("criterion_id")
    x, y = m.matrix_axes()
    assert (x, y) == ("difficulty", "effect")  # the guide's 難易度 × 効果
    for cid in crit.index:  # the guide's criteria are all on 1-5
        for pid, v in ((a, "5"), (b, "1"), (c, "5")):
            m.set_score("山田", pid, cid, v)
    m.set_exclusion(c, "no_capacity")
    res = m.results()
    pts = m.matrix(res, x, y)
    assert list(pts.index) == [a, b]  # an excluded problem is not on the matrix
    for pid in (a, b):
        for axis, cid in (("x", x), ("y", y)):
            assert math.isclose(pts.loc[pid, axis], res.breakdown.loc[pid, cid] / crit.loc[cid, "weight"])
    assert math.isclose(pts.loc[a, "y"], 1.0) and math.isclose(pts.loc[b, "y"], 0.0)
    m.update_criterion(y, weight=0)
    assert (m.matrix(m.results(), x, y)["y"] == 0).all()  # a criterion weighing nothing sits at 0, not NaN
    with pytest.raises(OhayamiError) as e:
        m.matrix(res, "nothing", y)
    assert e.value.field == "axis"


def test_matrix_axes_fall_back_to_the_last_and_first_criterion(m):
    m.remove_criterion("difficulty")
    m.remove_criterion("effect")
    ids = list(m.criteria()["criterion_id"])
    assert m.matrix_axes() == (ids[-1], ids[0])


def test_scorer_options_put_the_room_last_once(m):
    pid = m.add_problem("バスが少ない")
    cid = m.criteria()["criterion_id"].iloc[0]
    for who in (ROOM, "山田", "佐藤"):
        m.set_score(who, pid, cid, "3")
    opts = m.scorer_options()
    assert opts[-1] == ROOM and opts.count(ROOM) == 1 and {"山田", "佐藤"} <= set(opts[:-1])


def test_guide_step_reads_the_guide(m):
    s = load_steps()
    row = s[(s.type_id == "C") & (s.step_no == 2)].iloc[0]
    assert m.guide_step(2) == (row["title"], row["text"])
    with pytest.raises(OhayamiError, match="Step9"):
        m.guide_step(9)
