"""Issue 16 items 1–10: type C without friction, each driven through the widgets as a facilitator would."""

import itertools
import re

import matplotlib
import pandas as pd
import pytest
from conftest import old_workshop

from ohayami import plots
from ohayami.errors import OhayamiError
from ohayami.reports import problems_report_html
from ohayami.store import open_workshop
from ohayami.ui.problems import (AnalysisPanel, DotsPanel, ExportPanel, ListPanel, ProblemsView, ResultsPanel, RoundPanel,
                                 ScoringPanel)

matplotlib.use("Agg")
TITLES = ("証明書の窓口が昼に混む", "バスの本数が少ない", "ごみの分別が分かりにくい", "子育て相談の予約が電話のみ")


def _view(tmp_path, titles=TITLES):
    v = ProblemsView(tmp_path / "c")
    for t in titles:
        v.model.add_problem(t, scene=f"{t}のシーン")
    v.panel(ListPanel).refresh()
    return v


def _score(v, who, values):
    """``who`` scores every criterion of problem i with values[i] through the scoring grid."""
    sp = v.panel(ScoringPanel)
    sp.refresh()
    sp.who.value = who
    for i, value in enumerate(values):
        for dd in sp.grid.row(i):
            dd.value = str(value)
    return sp


# ---------------------------------------------------------------------- 1. edit, split, merge after the fact
def test_1_title_and_scene_are_edited_and_a_problem_split_with_the_change_log(tmp_path):
    v = _view(tmp_path)
    ed = v.panel(ListPanel).editor
    ed.pick.value = "P001"
    assert ed.title.value == TITLES[0] and ed.scene.value == f"{TITLES[0]}のシーン"
    ed.title.value, ed.scene.value = "証明書の窓口が昼休みに混む", "昼休みに1時間待つ"
    ed.save_btn.click()
    assert "P001 を直しました" in ed.msg.value
    assert v.model.problem("P001")["title"] == "証明書の窓口が昼休みに混む"
    log = v.ws.history("problems")
    assert ((log["row_key"] == '["P001"]') & (log["field"] == "title") & (log["old"] == TITLES[0])).any()
    assert "証明書の窓口が昼休みに混む" in v.panel(ListPanel).problem_list.value
    # a title that another problem already has is refused next to the title box
    ed.title.value = TITLES[1]
    ed.save_btn.click()
    assert "同じ課題がすでにあります" in ed.msgs["title"].value
    # split: the new problem takes part of the scene, the original keeps the rest
    ed.pick.value = "P002"
    ed.scene.value = "平日の通院に使えない"
    ed.split_title.value, ed.split_scene.value = "休日のバスがない", "土日に買い物へ行けない"
    ed.split_btn.click()
    assert "P002 から P005「休日のバスがない」を分けました" in ed.msg.value
    assert v.model.problem("P005")["scene"] == "土日に買い物へ行けない"
    assert v.model.problem("P002")["scene"] == "平日の通院に使えない"
    assert ed.split_title.value == ""
    # merging after the fact is still there
    v.model.merge("P002", "P005")
    assert "P005" not in set(v.model.problems()["problem_id"])


# ---------------------------------------------------------------------- 2. delete: confirm, say what, undo
def test_2_delete_asks_first_says_what_went_and_undo_brings_back_the_scores(tmp_path):
    v = _view(tmp_path)
    _score(v, "山田", [5, 4, 3, 2])
    lp = v.panel(ListPanel)
    lp.delete_pick.value = "P003"
    lp.delete_btn.click()
    ed = lp.editor
    assert ed.confirm.layout.display == "" and "P003「ごみの分別が分かりにくい」（採点 8 件）を削除します" in ed.confirm_text.value
    assert len(v.model.problems()) == 4  # nothing deleted before the confirmation
    ed.cancel_btn.click()
    assert ed.confirm.layout.display == "none" and len(v.model.problems()) == 4
    lp.delete_btn.click()
    ed.confirm_btn.click()
    assert "削除しました：P003「ごみの分別が分かりにくい」（採点 8 件）" in lp.delete_msg.value
    assert "元に戻す" in lp.delete_msg.value
    assert "P003" not in set(v.model.problems()["problem_id"]) and "P003" not in set(v.model.scores()["alternative_id"])
    assert ed.undo_pick.value == "P003"
    # a problem added meanwhile never takes the deleted one's id
    assert v.model.add_problem("公民館の予約が紙") == "P005"
    ed.undo_btn.click()
    assert "元に戻しました：P003「ごみの分別が分かりにくい」（採点 8 件）" in lp.delete_msg.value
    assert v.model.problem("P003")["scene"] == "ごみの分別が分かりにくいのシーン"
    mine = v.model.scores("山田")
    assert sorted(mine[mine.alternative_id == "P003"]["value"]) == ["3"] * 8
    assert "P003" in lp.problem_list.value
    ed.undo_btn.click()   # nothing left to restore
    assert "元に戻す課題を選んでください" in lp.delete_msg.value or "元に戻せません" in lp.delete_msg.value


# ---------------------------------------------------------------------- 3. analysis text never lost
def test_3_analysis_text_is_saved_on_leaving_the_field_and_survives_switching_problems(tmp_path):
    v = _view(tmp_path)
    ap = v.panel(AnalysisPanel)
    ap.pick.value = "P001"
    assert all(not w.continuous_update for w in ap.fields.values()) and not ap.tags.continuous_update
    ap.fields["who"].value = "昼休みに来る会社員"   # what the browser sends when the field is left
    ap.fields["cause"].value = "手書きの申請書"
    ap.tags.value = "窓口DX"
    assert "P001 の「タグ」を保存しました" in ap.msg.value
    ap.pick.value = "P002"            # no save button pressed
    assert ap.fields["who"].value == ""
    ap.pick.value = "P001"
    assert ap.fields["who"].value == "昼休みに来る会社員" and ap.fields["cause"].value == "手書きの申請書"
    assert v.model.problem("P001")["tags"] == "窓口DX"
    # loading a problem writes nothing
    before = len(v.ws.history())
    ap.pick.value = "P002"
    assert len(v.ws.history()) == before
    # a refused value is said next to its field and the stored text stays
    ap.fields["how"].value = "長" * 5000
    assert "文字以内" in ap.msgs["how"].value and v.model.problem("P002")["how"] is None


# ---------------------------------------------------------------------- 4. excluded: not scored, struck through
def test_4_an_excluded_problem_is_not_offered_for_scoring_and_is_struck_through_with_its_reason(tmp_path):
    v = _view(tmp_path)
    ap = v.panel(AnalysisPanel)
    ap.pick.value = "P002"
    ap.exclude.value = "need_unclear"
    ap.exclude_btn.click()
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    sp.who.value = "山田"
    assert sp.grid.alt_ids == ["P001", "P003", "P004"]
    labels = " ".join(lab.value for lab in sp.grid.labels)
    assert TITLES[1] not in labels
    for i in range(3):
        for dd in sp.grid.row(i):
            dd.value = str(5 - i)
    v.tabs.selected_index = 4
    rp = v.panel(ResultsPanel)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", rp.table.value)
    out = [r for r in rows if TITLES[1] in r]
    assert len(out) == 1 and 'class="oh-struck"' in out[0] and f"<s>{TITLES[1]}</s>" in out[0]
    assert "住民のニーズが不明" in out[0] and "<s>検討から外した" not in out[0]   # the reason is not struck
    assert all('oh-struck' not in r for r in rows if TITLES[0] in r)


# ---------------------------------------------------------------------- 5. the grid says what 1 and 5 mean
def test_5_scoring_headers_show_the_anchors_and_the_direction_and_wrap(tmp_path):
    v = _view(tmp_path)
    v.tabs.selected_index = 3
    sp = v.panel(ScoringPanel)
    heads = {r.name: h.value for r, h in zip(v.model.criteria().itertuples(), sp.grid.widget.children[0].children[1:])}
    hard = heads["解決の難しさ"]
    assert "1＝易しい（すぐ解決できる）" in hard and "5＝とても難しい" in hard and "低いほど良い" in hard
    assert "1＝ごく一部の人" in heads["影響を受ける人の多さ"] and "高いほど良い" in heads["影響を受ける人の多さ"]
    assert "white-space: normal" in hard and "oh-colhead-wrap" in hard
    # the full words are in the tooltip too, never cut to 「来年度に着手でき」
    assert 'title="来年度に着手できるか' in heads["来年度に着手できるか"]
    tpl = pd.read_csv("data/priority_criteria.csv")
    assert {"anchor_low", "anchor_high", "anchor_source"} <= set(tpl.columns) and tpl["anchor_low"].notna().all()
    # a criterion the facilitator adds gets the ends of its own scale
    v.model.add_criterion("住民の満足度", "higher", "1-3")
    sp.refresh()
    last = sp.grid.widget.children[0].children[-1].value
    assert "1＝低い" in last and "3＝高い" in last


# ---------------------------------------------------------------------- 6. ranking: ★ without scrolling
def test_6_ranking_table_puts_rank_problem_total_and_the_short_list_first(tmp_path):
    v = _view(tmp_path)
    _score(v, "山田", [5, 4, 3, 2])
    v.tabs.selected_index = 4
    rp = v.panel(ResultsPanel)
    heads = re.findall(r"<th>(.*?)</th>", rp.table.value)
    assert heads[:4] == ["順位", "課題", "合計点", "短いリスト"]
    first = re.findall(r"<td>(.*?)</td>", re.findall(r"<tbody><tr[^>]*>(.*?)</tr>", rp.table.value)[0])
    assert first[:4] == ["1", TITLES[0], first[2], "★"]


# ---------------------------------------------------------------------- 7. quadrant labels
def _label_boxes(fig):
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), plots.label_box(t, renderer), t.get_fontsize()) for t in fig.axes[0].texts
            if t.get_gid() == "oh-point-label"]


@pytest.mark.parametrize("spots", ["grid", "same", "random"])
def test_7_quadrant_labels_are_short_titles_that_do_not_overlap(spots):
    import numpy as np

    n = 14
    ids = [f"P{i:03d}" for i in range(1, n + 1)]
    names = {a: f"{t}の課題" for a, t in zip(ids, ["証明書の窓口", "バスの本数", "ごみの分別", "子育て相談", "公民館の予約", "除雪の情報",
                                                   "高齢者の見守り", "観光案内", "防災無線", "図書館の時間", "給付金の申請",
                                                   "水道の検針", "空き家の情報", "窓口の待ち時間"])}
    rng = np.random.default_rng(7)
    if spots == "grid":
        x, y = rng.choice([0, .25, .5, .75, 1], n), rng.choice([0, .25, .5, .75, 1], n)
    elif spots == "same":
        x = y = np.full(n, 0.5)
    else:
        x, y = rng.random(n), rng.random(n)
    fig = plots.quadrant(pd.DataFrame(index=ids), pd.Series(x, index=ids), pd.Series(y, index=ids), names, "難しさ", "効果",
                         highlight=ids[:3])
    boxes = _label_boxes(fig)
    assert len(boxes) == n
    assert {b[0].lstrip("★") for b in boxes} == {plots.short(t, plots.QUADRANT_LABEL_CHARS) for t in names.values()}
    assert sum(b[0].startswith("★") for b in boxes) == 3
    assert all(size >= 12 for _, _, size in boxes)          # legible on a projector
    for (ta, a, _), (tb, b, _) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (ta, tb)
    frame = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for _, b, _ in boxes)
    matplotlib.pyplot.close(fig)


# ---------------------------------------------------------------------- 8. report: raw scores, names if allowed
def test_8_report_shows_the_raw_scores_and_names_only_when_the_facilitator_allows(tmp_path):
    v = _view(tmp_path)
    _score(v, "山田", [5, 5, 5, 5])
    _score(v, "佐藤", [1, 5, 5, 5])
    _score(v, "鈴木", [3, 5, 5, 5])
    v.model.set_cut_line("top", 4)
    html = problems_report_html(v.model, figures=False)
    section = html.split("参加者の意見が分かれた点")[1]
    # (the printable report sizes its cells for A4: a cell may carry a class)
    assert re.search(r"<td[^>]*>1、3、5</td>", section) and re.search(r"<td[^>]*>1</td><td[^>]*>5</td>", section)
    assert "山田" not in section and "佐藤" not in section and "名前は載せていません" in section
    shown = re.sub(r"<[^>]+>", " ", section.split("</table>")[0])   # the text a reader sees (not column widths)
    assert not re.search(r"\d+\.\d", shown)   # no weighted points such as 22.8
    xp = v.panel(ExportPanel)
    assert xp.names.value is False
    xp.names.value = True
    assert "報告書に名前を載せます" in xp.msg.value
    assert ProblemsView(tmp_path / "c.ohayami").model.report_names() is True   # a stored setting
    section = problems_report_html(v.model, figures=False).split("参加者の意見が分かれた点")[1]
    assert re.search(r"<td[^>]*>佐藤</td><td[^>]*>山田</td>", section)


# ---------------------------------------------------------------------- 9. consensus round
def test_9_consensus_round_rescoring_only_the_split_problems_with_both_rounds_kept(tmp_path):
    v = _view(tmp_path)
    _score(v, "山田", [5, 5, 2, 3])
    _score(v, "佐藤", [1, 5, 2, 3])
    v.tabs.selected_index = 8
    rd = v.panel(RoundPanel)
    assert "意見が分かれた点" in rd.splits.value and "<td>1、5</td>" in rd.splits.value
    assert rd.pick.value == ("P001",)                       # suggested by the model: the most split
    assert rd.grid.widget.layout.display == "none"
    rd.open_btn.click()
    assert "2回目の採点を始めました（1 件）" in rd.msg.value
    rd.who.value = "佐藤"
    assert rd.grid.alt_ids == ["P001"]
    for dd in rd.grid.row(0):
        dd.value = "5"
    assert "保存しました" in rd.grid_msg.value
    rd.who.value = "山田"
    for dd in rd.grid.row(0):
        dd.value = "5"
    # both rounds stay in the file; type E's scores table is untouched by the round
    assert set(v.model.scores("佐藤").query("alternative_id == 'P001'")["value"]) == {"1"}
    assert set(v.model.round_scores(2, "佐藤")["value"]) == {"5"}
    assert v.ws.rows("scores", set_id="E").empty
    with pytest.raises(OhayamiError, match="対象ではありません"):
        v.model.set_round_score(2, "佐藤", "P002", "reach", "3")
    rd.compare_btn.click()
    rows = re.findall(r"<tr>(.*?)</tr>", rd.compare.value)
    p1 = [r for r in rows if TITLES[0] in r][0]
    assert "★" in p1 and "1.00" in p1 and "0.00" in p1 and "-1.00" in p1   # spread before, after, change
    assert "1回目の順位" in rd.compare.value and "順位の変化" in rd.compare.value
    comp = v.model.round_comparison()
    assert comp.loc["P001", "2回目の順位"].startswith("1") and comp.loc["P001", "順位の変化"] in ("→", "↑1")
    # the ranking and the report use round 2
    v.tabs.selected_index = 4
    assert "2回目の採点を反映" in v.panel(ResultsPanel).table.value
    assert "合意ラウンド（1回目と2回目）" in problems_report_html(v.model, figures=False)
    # the round survives reopening the file
    assert ProblemsView(tmp_path / "c.ohayami").model.current_round() == 2


# ---------------------------------------------------------------------- 10. dot voting
def test_10_dot_voting_with_a_budget_feeds_the_ranking_and_filters_before_scoring(tmp_path):
    v = _view(tmp_path)
    v.tabs.selected_index = 7
    dp = v.panel(DotsPanel)
    dp.budget.value = "2"
    dp.budget_btn.click()
    assert "1人あたりのシールを 2 枚にしました" in dp.msg.value
    plus = lambda pid: dp.row(pid).children[3]          # noqa: E731
    minus = lambda pid: dp.row(pid).children[1]         # noqa: E731
    assert plus("P001").disabled                         # no name, no dots
    dp.who.value = "山田"
    plus("P001").click()
    plus("P001").click()
    assert "残り 0 枚" in dp.msg.value
    plus("P002").click()
    assert "シールは1人 2 枚まで" in dp.msg.value and v.model.dots("山田") == {"P001": 2}
    minus("P001").click()
    plus("P003").click()
    dp.who.value = "佐藤"
    plus("P003").click()
    plus("P004").click()
    assert v.model.dots() == {"P001": 1, "P003": 2, "P004": 1}
    heads = re.findall(r"<th>(.*?)</th>", dp.ranking.value)
    assert heads[:4] == ["順位", "課題", "シールの数", "短いリスト"]
    first = re.findall(r"<td>(.*?)</td>", re.findall(r"<tbody><tr>(.*?)</tr>", dp.ranking.value)[0])
    assert first[:4] == ["1", TITLES[2], "2", "★"]
    # a first filter before the weighted scoring: the rest is taken out, with its reason
    dp.top.value = "1"
    dp.filter_btn.click()
    assert "3 件を検討から外しました" in dp.msg.value
    assert list(v.model.scoring_alternatives()["alternative_id"]) == ["P003"]
    assert "シール投票で上位1件に入らなかった" in v.model.problem("P001")["exclusion"]
    assert [r._oh_id for r in dp.rows.children] == ["P003"]


# ---------------------------------------------------------------------- the file
def test_the_round_tables_come_with_a_migration_and_an_older_file_is_migrated(tmp_path):
    from ohayami import store as S

    before = 5   # the round and dot tables came with migration step 6
    assert "dots" in " ".join(s for s in S.MIGRATIONS[6] if isinstance(s, str))
    path = old_workshop(tmp_path / "old.ohayami", before, {"problems": [{"problem_id": "P001", "title": "窓口"}]})
    w = open_workshop(path)
    assert w.schema_version() == S.SCHEMA_VERSION and (tmp_path / f"old.ohayami.bak-v{before}").exists()
    w.upsert("dots", {"set_id": "C", "evaluator": "山田", "alternative_id": "P001"}, {"count": 2})
    assert w.get("problems", problem_id="P001")["title"] == "窓口"
