"""Type C model: problems, analysis, criteria and weights, several participants' scores, short list, visions."""

import pytest

from ohayami import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.workbench import ROOM
from ohayami.reports import problems_report_html
from ohayami.store import open_workshop

SURVEY = ("課題,生活のワンシーン,出どころ\n証明書の窓口が昼に混む,昼休みに住民票を取りに行く,住民アンケート\n"
          "証明書窓口が昼に混雑する,昼に窓口へ行くと1時間待つ,窓口アンケート\nバスの本数が少ない,通院,首長\n"
          "ごみの分別が分かりにくい,転入者がごみを出す,問い合わせ\n")


@pytest.fixture
def m(ws):
    return ProblemWorkbench(ws)


def test_criteria_are_seeded_from_the_template_once(m, ws):
    assert list(m.criteria().criterion_id) == ["reach", "effect", "difficulty", "precedent", "will", "cost", "timing",
                                               "coverage"]
    m.update_criterion("cost", weight=5)
    assert ProblemWorkbench(ws).criteria().set_index("criterion_id").loc["cost", "weight"] == 5


def test_survey_in_cp932_duplicates_and_merge(m):
    assert m.import_problems(SURVEY.encode("cp932"), name="survey.csv") == 4
    dups = m.near_duplicates()
    assert (dups.iloc[0].a, dups.iloc[0].b) == ("P001", "P002") and len(dups) == 1
    m.merge("P001", "P002")
    p = m.problems().set_index("problem_id")
    assert "P002" not in p.index and p.loc["P001", "origin"] == "住民アンケート／窓口アンケート"
    assert "1時間待つ" in p.loc["P001", "scene"]
    assert m.problems(include_merged=True).set_index("problem_id").loc["P002", "merged_into"] == "P001"
    with pytest.raises(OhayamiError, match="統合済み"):
        m.set_analysis("P002", who="市民")


def test_titles_are_checked(m):
    m.add_problem("証明書の窓口が昼に混む")
    with pytest.raises(OhayamiError, match="同じ課題がすでにあります（P001"):
        m.add_problem(" 証明書の窓口が昼に混む。")
    with pytest.raises(OhayamiError, match="課題が空です") as e:
        m.add_problem("   ")
    assert e.value.field == "title"
    with pytest.raises(OhayamiError, match="200文字以内"):
        m.add_problem("あ" * 201)
    assert len(m.problems()) == 1


def test_analysis_status_and_exclusion(m):
    pid = m.add_problem("証明書の窓口が昼に混む")
    assert m.analysis_status(m.problems().iloc[0].to_dict()) == "empty"
    m.set_analysis(pid, who="市民", how="昼に2倍待つ")
    assert m.analysis_status(m.problems().iloc[0].to_dict()) == "partial"
    m.set_analysis(pid, how_much="平日昼 約1時間", cause="手書きの記入漏れ")
    assert m.analysis_status(m.problems().iloc[0].to_dict()) == "done"
    other = m.add_problem("バスが少ない")
    for c in m.criteria().criterion_id:
        m.set_score("山田", pid, c, 3)
        m.set_score("山田", other, c, 5)
    m.set_exclusion(other, "no_capacity")
    t = m.results().table
    assert t.loc[other, "excluded"] and t.loc[other, "reasons"] == ["検討から外した：原課に余力がない"]
    assert t.loc[pid, "rank"] == 1
    m.set_exclusion(other, "")
    assert m.results().table.loc[other, "rank"] == 1


def test_scores_are_validated_and_nothing_saved_is_touched(m):
    pid = m.add_problem("証明書の窓口が昼に混む")
    m.set_score("山田", pid, "reach", 4)
    for bad in ("たくさん", 9, "0"):
        with pytest.raises(OhayamiError, match="1～5 の整数"):
            m.set_score("山田", pid, "reach", bad)
    with pytest.raises(OhayamiError, match="名前"):
        m.set_score("", pid, "reach", 3)
    with pytest.raises(OhayamiError, match="評価項目「nope」"):
        m.set_score("山田", pid, "nope", 3)
    assert m.scores("山田").value.tolist() == ["4"]
    assert m.set_score("山田", pid, "reach", "") == "" and m.scores("山田").empty


def test_weights_three_ways(m):
    ids = list(m.criteria().criterion_id)
    with pytest.raises(OhayamiError, match="すべて 0"):
        m.set_weights("direct", {c: 0 for c in ids})
    with pytest.raises(OhayamiError, match="0 以上"):
        m.update_criterion("reach", weight=-1)
    out = m.set_weights("rank", {c: i + 1 for i, c in enumerate(ids)})
    w = m.criteria().set_index("criterion_id")["weight"]
    assert w["reach"] > w["effect"] > w["coverage"] and round(w.sum()) == 100
    pairs = {(a, b): 3 for i, a in enumerate(ids[:3]) for b in ids[i + 1:3]}
    m.remove_criterion("precedent")
    for c in ["will", "cost", "timing", "coverage"]:
        m.remove_criterion(c)
    out = m.set_weights("pairwise", pairs)
    w = m.criteria().set_index("criterion_id")["weight"]
    assert w["reach"] > w["effect"] > w["difficulty"] and "CR" in out["message"]
    assert m.weight_method() == "pairwise"
    with pytest.raises(OhayamiError, match="少なくとも1つ"):
        for c in list(m.criteria().criterion_id):
            m.remove_criterion(c)


def test_criteria_editing(m):
    cid = m.add_criterion("住民の声の多さ", "higher", "1-3", 2)
    assert m.criteria().set_index("criterion_id").loc[cid, "scale"] == "1-3"
    with pytest.raises(OhayamiError, match="すでにあります"):
        m.add_criterion("費用感")
    with pytest.raises(OhayamiError, match="尺度"):
        m.update_criterion(cid, scale="たくさん")
    m.update_criterion(cid, name="住民からの要望の多さ", direction="lower")
    assert m.criteria().set_index("criterion_id").loc[cid, "name"] == "住民からの要望の多さ"


def _full_round(m, n_problems=6, people=("山田", "佐藤", "鈴木")):
    ids = [m.add_problem(f"課題{i}") for i in range(n_problems)]
    crit = list(m.criteria().criterion_id)
    for k, who in enumerate(people):
        for i, pid in enumerate(ids):
            for c in crit:
                m.set_score(who, pid, c, (i + k) % 5 + 1)
    return ids


def test_ranking_with_several_participants_and_the_cut_line(m):
    _full_round(m)
    res = m.results()
    t = res.table
    assert (t.n_scorers == 3).all() and t["rank"].notna().all()
    best = t.sort_values("rank").index[0]
    assert t.loc[best, "total"] == t.total.max()
    m.set_cut_line("top", 2)
    assert len(m.shortlist()) >= 2 and all(t.loc[a, "rank"] <= 2 for a in m.shortlist())
    m.set_cut_line("min", t.total.max())
    assert m.shortlist() == list(t.index[t.total >= t.total.max() - 1e-9])
    with pytest.raises(OhayamiError, match="1 以上の整数"):
        m.set_cut_line("top", 0)
    with pytest.raises(OhayamiError, match="数ではありません"):
        m.set_cut_line("min", "高い")
    # the spread shows where participants disagree
    assert res.spread.disagreement.max() > 0


def test_room_grid_and_partial_scoring(m):
    a, b = m.add_problem("課題A"), m.add_problem("課題B")
    for c in m.criteria().criterion_id:
        m.set_score(ROOM, a, c, 5)
    t = m.results().table
    assert t.loc[a, "rank"] == 1 and not t.loc[b, "selectable"]
    assert "まだ誰も採点していない" in t.loc[b, "reasons"][0]


def test_tags_visions_and_exports(m, tmp_path):
    ids = _full_round(m, 4)
    m.update_problem(ids[0], tags="窓口DX, 予約")
    m.update_problem(ids[2], tags="予約")
    assert m.tag_groups() == {"予約": [ids[0], ids[2]]}
    m.set_cut_line("top", 2)
    short = m.shortlist()
    m.set_vision(short[0], beneficiary="<b>住民</b>", change="待たずに受け取れる", degree="=60分→15分")
    frames = m.export_frames()
    assert list(frames) == ["ランキング", "短いリスト", "評価項目と重み", "採点", "課題一覧"]
    sl = frames["短いリスト"]
    assert sl.loc[0, "受益者"] == "<b>住民</b>" and sl.loc[0, "変化の程度"] == "=60分→15分"
    import io
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(m.export_xlsx()))
    cells = [c for row in wb["短いリスト"].iter_rows() for c in row if c.value == "=60分→15分"]
    assert cells and cells[0].data_type == "s"
    html = problems_report_html(m, figures=False)
    assert "<b>住民</b>" not in html and "&lt;b&gt;住民&lt;/b&gt;" in html
    assert "選んだ課題" in html and "評価項目と重み" in html


def test_nothing_is_lost_on_reopen(tmp_path):
    w = open_workshop(tmp_path / "c")
    m = ProblemWorkbench(w)
    ids = _full_round(m, 3)
    m.set_analysis(ids[0], who="市民")
    before = m.results().table.total.to_dict()
    w.close()
    m2 = ProblemWorkbench(open_workshop(tmp_path / "c.ohayami"))
    assert m2.results().table.total.to_dict() == before
    assert m2.problems().set_index("problem_id").loc[ids[0], "who"] == "市民"


def test_cached_model_follows_own_edits_and_other_kernels(tmp_path):
    import numpy as np
    path = tmp_path / "shared.ohayami"
    a = ProblemWorkbench(open_workshop(path))
    b = ProblemWorkbench(open_workshop(path))  # a second kernel on the same file
    ids = _full_round(a, 4)
    first = a.results().table.total.copy()
    a.set_score("山田", ids[3], "reach", 1)           # patched in place
    a.set_score("山田", ids[3], "effect", "")         # cleared
    patched = a.results().table.total
    rebuilt = ProblemWorkbench(a.ws)._evaluation()
    from ohayami.scoring import evaluate, Rules
    assert np.allclose(patched.to_numpy(), evaluate(rebuilt, Rules()).table.total.to_numpy())
    assert not np.allclose(patched.to_numpy(), first.to_numpy())
    b.results()
    a.set_score("佐藤", ids[0], "reach", 5)
    a.set_score("佐藤", ids[1], "reach", 1)
    assert np.allclose(b.results().table.total.to_numpy(), a.results().table.total.to_numpy())
    b.set_score("鈴木", ids[2], "timing", 1)
    assert np.allclose(a.results().table.total.to_numpy(), b.results().table.total.to_numpy())


def test_one_similarity_for_the_function_and_the_duplicate_list(m):
    from ohayami.problems import similarity

    m.import_problems(SURVEY.encode(), name="survey.csv")
    m.add_problem("窓口の待ち時間")
    m.add_problem("窓口の待ち時間が長い")  # contained in the other: counted as at least 0.8
    dups = m.near_duplicates(threshold=0.0)
    titles = m.problems().set_index("problem_id")["title"]
    for r in dups.itertuples():
        s = similarity(titles[r.a], titles[r.b])
        assert r.similarity == (round(max(s, 0.8), 3) if {r.a, r.b} == {"P005", "P006"} else round(s, 3))
    assert len(dups) == 15  # every pair of the six, with a threshold of 0
    assert similarity("証明書の窓口が昼に混む", "証明書の窓口が昼に混む。") == 1.0 and similarity("", "窓口") == 0.0


def test_ranking_frame_is_what_screen_and_report_show(m):
    ids = _full_round(m, 4, people=("山田", "佐藤"))
    m.set_exclusion(ids[3], "free text reason")
    m.set_cut_line("top", 1)
    res = m.results()
    f = m.ranking_frame(res)
    t = res.table
    crit = m.criteria()
    # what a facilitator reads first comes first (issue 16.6): rank, problem, total, short list; detail after
    assert list(f.columns) == ["順位", "課題", "合計点", "短いリスト", "ID", *crit["name"], "採点した人数", "ばらつき", "分析",
                               "対象外の理由"]
    assert f.attrs["criteria"] == list(crit["name"])
    best = t.sort_values("rank").index[0]
    assert f.index[0] == best and f.loc[best, "順位"].startswith("1") and f.loc[best, "短いリスト"] == "★"
    assert f.loc[best, "合計点"] == f"{t.loc[best, 'total']:.2f}" and f.loc[best, "採点した人数"] == 2
    mean = res.spread[res.spread.alternative_id == best].disagreement.mean()
    assert f.loc[best, "ばらつき"] == f"{mean:.2f}"
    assert f.loc[ids[3], "順位"] == "" and "free text reason" in f.loc[ids[3], "対象外の理由"]
    assert f.loc[best, "分析"] == "⚠ 未記入（具体化が不十分）"
    html = problems_report_html(m, figures=False)
    assert "free text reason" in html


def test_problem_and_vision_records(m):
    pid = m.add_problem("バスが少ない", scene="通院")
    assert m.problem(pid)["scene"] == "通院" and m.problem("P999") is None and m.problem(None) is None
    assert m.vision(pid) is None
    m.set_vision(pid, beneficiary="高齢者")
    assert m.vision(pid)["beneficiary"] == "高齢者"


def test_report_sections_are_numbered_without_gaps(m):
    """Sections with nothing to report are left out; the ones shown are numbered 1, 2, 3 … all the same."""
    import re
    _full_round(m, 3)
    m.set_cut_line("top", 3)   # every problem chosen: no 「惜しくも選ばなかった」, no excluded ones
    html = problems_report_html(m, figures=False)
    numbers = [int(n) for n in re.findall(r"<h3(?: class=\"[^\"]*\")?>(\d+)\. ", html)]
    assert "惜しくも選ばなかった課題" not in html and "参加者の意見が分かれた点" in html
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 4


def test_priority_matrix_axes_read_in_the_participants_scale(m):
    """The matrix plots ratios 0–1; its axes say 1…5 as the participants scored, and a lower-is-better
    criterion (難易度) reads 5 on the left and 1 on the right, so that right stays better."""
    from ohayami import plots
    cid = m.add_criterion("住民の声の多さ", "higher", "1-3", 2)
    assert m.matrix_ticks(cid) == [(0.0, "1"), (0.5, "2"), (1.0, "3")]
    low = m.add_criterion("手間", "lower", "1-5", 1)
    assert [t for _, t in m.matrix_ticks(low)] == ["5", "4", "3", "2", "1"]
    with pytest.raises(OhayamiError, match="軸を選び直して"):
        m.matrix_ticks("nope")
    ids = [m.add_problem(f"課題{i}") for i in range(3)]
    for c in m.criteria().criterion_id:
        for i, pid in enumerate(ids):
            m.set_score("山田", pid, c, i + 1)
    res = m.results()
    pts = m.matrix(res, low, cid)
    fig = plots.quadrant(pts, pts["x"], pts["y"], {i: i for i in ids}, "手間", "声", xticks=m.matrix_ticks(low),
                         yticks=m.matrix_ticks(cid))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["5", "4", "3", "2", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3"]
