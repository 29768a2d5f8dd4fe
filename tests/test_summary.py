"""The project summary (問題 → 調査 → 選定 → 体制) over real type C and type E workshops."""

from __future__ import annotations

import io

import openpyxl
import pytest

from chain_fill import CHOSEN, PROBLEMS, VISION, fill_c, fill_e
from ohayami.errors import OhayamiError
from ohayami.printouts import project_summary_html
from ohayami.summary import PROVIDERS, Part, ProjectSummary, Provider, research_part, roles_part

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def summary(ws):
    return ProjectSummary(ws)


def _section(summary, key):
    return next(s for s in summary.sections() if s.provider.key == key)


def test_the_chain_runs_problem_research_selection_team_each_from_its_type():
    assert [(p.title, p.type_id) for p in PROVIDERS] == [("問題", "C"), ("調査", "D"), ("選定", "E"), ("体制", "H")]


def test_an_untouched_workshop_says_where_each_step_is_filled_in_and_writes_nothing(summary):
    before = summary.ws.revision()
    sections = summary.sections()
    assert [s.filled for s in sections] == [False] * 4
    assert sections[1].lead == "まだ入力されていません（Dタイプ作業台で取組事例・実装されたサービス・類似サービスを記録してください）。"
    assert all(s.lead.startswith(f"まだ入力されていません（{s.provider.type_id}タイプ作業台で") for s in sections)
    assert list(summary.overview_frame()["状態"]) == ["まだ"] * 4
    assert summary.ws.revision() == before  # reading the summary seeded no criteria, wrote no row
    assert summary.ws.rows("criteria").empty
    assert [s.notebook for s in sections][0::2] == ["02_type_c_problems.ipynb", "03_type_e_vendors.ipynb"]


def test_the_problem_section_shows_the_chosen_problem_and_its_vision(summary):
    fill_c(summary.ws)
    part = _section(summary, "problem").part
    assert dict(part.facts) == {"洗い出した課題": "3件", "絞り込んだ課題": CHOSEN}
    (title, table), = part.tables
    assert title == "絞り込んだ課題と実現したい地域像"
    assert table.to_dict("records") == [{"順位": 1, "課題": CHOSEN, "合計点": table.iloc[0]["合計点"],
                                        "受益者": VISION["beneficiary"], "受益者の状態はどう変わるか": VISION["change"],
                                        "変化の程度": VISION["degree"]}]
    assert part.notes == ()


def test_problems_not_yet_narrowed_and_a_missing_vision_are_said(summary):
    from ohayami.problems import ProblemWorkbench
    m = ProblemWorkbench(summary.ws)
    for t in PROBLEMS:
        m.add_problem(t, scene=f"{t}の場面")
    part = _section(summary, "problem").part
    assert dict(part.facts)["絞り込んだ課題"] == "まだありません"
    assert "「5 結果と絞り込み」" in part.notes[0]
    assert list(part.tables[0][1]["課題"]) == list(PROBLEMS)
    # scored and cut, but no vision written for the chosen one
    crit = m.criteria()
    for k, pid in enumerate(m.problems()["problem_id"]):
        for c in crit.itertuples():
            m.set_score("山田", pid, c.criterion_id, 5 - k if c.direction == "higher" else 1 + k)
    m.set_cut_line("top", 2)
    part = _section(summary, "problem").part
    assert dict(part.facts)["絞り込んだ課題"] == "、".join(PROBLEMS[:2])
    assert part.notes == (f"実現したい地域像がまだ書かれていない課題があります：{PROBLEMS[0]}、{PROBLEMS[1]}"
                          "（Cタイプ作業台の「6 実現したい地域像」で書いてください）。",)


def test_the_selection_section_names_the_winner_its_score_why_and_the_weighting(summary):
    from ohayami.formats import to_jst
    fill_e(summary.ws)
    part = _section(summary, "selection").part
    facts = dict(part.facts)
    # A社: 60 × (5→1.0) + 40 × (4→0.75) = 90; B社: 60 × 0.5 + 40 × 0.5 = 50
    assert facts["選定（1位）"] == "A社（窓口くん）" and facts["合計／満点"] == "90.00 / 100"
    # the lead of 40 points: 機能関連 60 × (1.0 − 0.5) = 30, 使いやすさ 40 × (0.75 − 0.5) = 10
    assert facts["2位との差"] == "B社（スマート窓口）より 40.00点上"
    assert facts["差がついた主な項目"] == "機能関連 +30.00点、ユーザーにとっての使いやすさ・誰でも使えるかどうか +10.00点"
    assert "2位が上回った項目" not in facts                      # B社 is better nowhere
    day = to_jst(summary.ws.rows("weight_versions")["at"].iloc[0])
    assert facts["重みづけ"] == f"{day.year}年{day.month}月{day.day}日に会場全体で決めた配点（入力：委員会）"
    assert "重みの版" not in facts and "版1" not in facts["重みづけ"]
    assert facts["比べた事業者"] == "2者"
    ranking = part.tables[0][1]
    assert list(ranking["事業者"]) == ["A社（窓口くん）", "B社（スマート窓口）"] and list(ranking["順位"]) == ["1", "2"]


def test_vendors_without_scores_or_with_a_missing_price_are_said_not_hidden(summary):
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(summary.ws)
    m.add_vendor("A社")
    part = _section(summary, "selection").part
    assert dict(part.facts) == {"候補の事業者": "A社"} and "まだ採点されていません" in part.notes[0]
    fill_e(summary.ws, vendors=(("B社", "", ""), ("C社", "", 500)))
    m.set_rules(price={"method": "lowest", "points": 30})
    part = _section(summary, "selection").part
    assert part.notes[0].startswith("結果を計算できません：価格点を使うには")


def test_a_section_that_cannot_be_read_says_why_and_the_others_still_show(summary):
    fill_c(summary.ws)

    def broken(ws, data=None):
        raise OhayamiError("壊れています")
    summary.providers = [*PROVIDERS[:1], Provider("x", "調査", "D", "Dタイプ作業台", "…", broken)]
    first, second = summary.sections()
    assert first.filled and second.state == "読めません" and second.error == "Dタイプ作業台のデータを読めません：壊れています"


def test_a_worksheet_adds_its_section_with_one_entry(summary):
    assert research_part(summary.ws) is None and roles_part(summary.ws) is None  # nothing entered yet
    summary.providers = [*PROVIDERS, Provider("extra", "財源", "F", "Fタイプ作業台", "支援策を集めてください",
                                              lambda ws, data=None: Part((("採択", "デジタル田園都市国家構想交付金"),)))]
    last = summary.sections()[-1]
    assert last.heading == "財源（Fタイプ作業台）" and last.lead == "採択：デジタル田園都市国家構想交付金"


def test_the_one_page_printout_and_the_workbook_escape_user_text(summary):
    fill_c(summary.ws, problems=(EVIL, "バス", "子育て"), vision={**VISION, "change": "=HYPERLINK(\"x\")"})
    fill_e(summary.ws, vendors=(("A社" + EVIL, "", 1), ("=1+1", "", 2)))
    html = project_summary_html(summary)
    assert "size: A4 portrait" in html and EVIL not in html and "&lt;img src=x" in html
    assert "まだ入力されていません（Dタイプ作業台で" in html and "まだ入力されていません（Hタイプ作業台で" in html
    assert "入力のある段階" in html and "2 / 4" in html
    wb = openpyxl.load_workbook(io.BytesIO(summary.export_xlsx()))
    assert wb.sheetnames == ["まとめ", "問題", "問題・絞り込んだ課題と実現したい地域像", "選定", "選定・ランキング"]
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert EVIL in cells and all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert "=HYPERLINK(\"x\")" in cells and "A社" + EVIL in cells and "=1+1" in cells  # text, never a formula


def test_research_from_type_d_shows_the_theme_and_the_candidates_sent_on_to_e(summary):
    from chain_fill import fill_d
    fill_c(summary.ws)
    fill_d(summary.ws)
    part = _section(summary, "research").part
    facts = dict(part.facts)
    assert CHOSEN in facts["テーマ"] and facts["実現したい地域像"]
    assert facts["調べたもの"] == "取組事例 1件・サービス 2件（候補 2件）"
    (title, table), = part.tables
    assert title == "候補のサービス" and list(table["サービス名"]) == ["窓口くん", "スマート窓口"]
    assert list(table["Eタイプへ"]) == ["送った", "送った"]
    assert set(summary.ws.rows("vendors")["name"]) == {"A社", "B社"}   # the hand-over reached E


def test_team_from_type_h_names_who_is_responsible_and_the_meetings(summary):
    from chain_fill import fill_h
    m = fill_h(summary.ws)
    first = m.tasks().iloc[0]
    part = _section(summary, "team").part
    facts = dict(part.facts)
    assert facts["担い手"] == "2者（企画課、A社）" and facts["会議体"] == "定例会（週1回）"
    assert facts["作業"] == f"{len(m.tasks())}件"
    (title, table), = part.tables
    row = table.set_index("担い手").loc["企画課"]
    assert title == "担い手と役割" and row["責任を持つ作業"] == f"{first.stage_name}：{first.task_name}"
    assert part.notes and all("責任" in n or "担当" in n or "作業" in n for n in part.notes)  # the open points


def test_no_first_place_says_scoring_is_unfinished_not_excluded(summary):
    """Vendors not yet scored are not 「除外」: the summary says how far scoring is and what to do."""
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(summary.ws)
    ids = m.adopt_template([1, 28])
    m.set_weights("direct", dict(zip(ids, (60, 40))), actor="委員会")
    m.add_vendor("A社")
    m.add_vendor("B社")
    m.set_score("山田", "V001", ids[0], 5)
    part = _section(summary, "selection").part
    chosen = dict(part.facts)["選定（1位）"]
    assert chosen == "採点が終わっていません（採点の済んだ事業者 0/2者）" and "除外" not in chosen
    assert "「4 採点」" in part.notes[0]
    for vid in ("V001", "V002"):
        for cid in ids:
            m.set_score("山田", vid, cid, 1)
    m.set_rules(min_total_ratio=0.9)
    part = _section(summary, "selection").part
    assert dict(part.facts)["選定（1位）"].startswith("選べる事業者がありません")
    assert "A社" in part.notes[0] and "最低基準" in part.notes[0]


def test_combined_weights_name_the_evaluators_not_the_last_saver(summary):
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(summary.ws)
    ids = m.adopt_template([1, 28])
    m.set_evaluator_weights("山田", "direct", dict(zip(ids, (60, 40))))
    m.set_evaluator_weights("佐藤 一郎", "direct", dict(zip(ids, (40, 60))))
    label = m.current_weights_version().label
    assert "評価者の重みから合成：" in label and "山田" in label and not label.endswith("佐藤 一郎）")


def test_the_theme_shows_as_lines_without_list_markers(summary):
    from chain_fill import fill_d
    from ohayami.research import Research
    fill_c(summary.ws)
    fill_d(summary.ws)
    Research(summary.ws).save_theme("・窓口の待ち時間が長い\n・ 証明書の発行に時間がかかる", "- 待たない窓口")
    facts = dict(_section(summary, "research").part.facts)
    assert facts["テーマ"] == "窓口の待ち時間が長い\n証明書の発行に時間がかかる"
    assert facts["実現したい地域像"] == "待たない窓口"
    page = project_summary_html(summary)
    assert "窓口の待ち時間が長い<br>証明書の発行" in page and "・窓口の待ち時間" not in page


def _three_vendors(ws):
    """A社 wins on 機能関連, B社 is better on 使いやすさ and price, C社 is far behind (price points: 30, lowest)."""
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 28])
    m.set_weights("direct", dict(zip(ids, (60, 40))), actor="委員会")
    for name, price, values in (("A社", 1_000_000, (5, 3)), ("B社", 800_000, (3, 5)), ("C社", 900_000, (1, 1))):
        vid = m.add_vendor(name, "", price)
        for cid, v in zip(ids, values):
            m.set_score("山田", vid, cid, v)
    m.set_rules(price={"method": "lowest", "points": 30})
    return m, ids


def test_the_lead_is_the_engines_breakdown_and_price_points_and_says_where_the_runner_up_was_better(summary):
    from ohayami.summary import lead_contributions
    m, ids = _three_vendors(summary.ws)
    res = m.results()
    second, lead = lead_contributions(res)
    t = res.table
    assert second == "V002"
    # the same numbers the report's figure uses (res.breakdown), and they add up to the gap of the totals
    assert lead["機能関連"] == pytest.approx(res.breakdown.loc["V001", ids[0]] - res.breakdown.loc["V002", ids[0]])
    assert lead.sum() == pytest.approx(t.loc["V001", "total"] - t.loc["V002", "total"])
    assert list(lead.index) == ["機能関連", "価格点", "ユーザーにとっての使いやすさ・誰でも使えるかどうか"]
    # A社 80 + 24 = 104, B社 70 + 30 = 100
    facts = dict(_section(summary, "selection").part.facts)
    assert facts["2位との差"] == "B社より 4.00点上" and facts["差がついた主な項目"] == "機能関連 +30.00点"
    assert facts["2位が上回った項目"] == "ユーザーにとっての使いやすさ・誰でも使えるかどうか（B社が 20.00点上）"
    # a committee revision turns the result round: the new reasons, the reason of the revision in words
    m.revise_weights({ids[0]: 50}, "使いやすさを重く見るため", actor="佐藤")
    facts = dict(_section(summary, "selection").part.facts)
    assert facts["選定（1位）"] == "B社"
    assert facts["2位との差"] == "A社より 6.00点上"
    assert facts["差がついた主な項目"] == "ユーザーにとっての使いやすさ・誰でも使えるかどうか +25.00点、価格点 +6.00点"
    assert facts["2位が上回った項目"] == "機能関連（A社が 25.00点上）"
    assert "委員会で見直した配点（入力：佐藤）。見直しの理由：使いやすさを重く見るため" in facts["重みづけ"]


def test_no_reasons_without_one_winner_and_a_runner_up(summary):
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(summary.ws)
    ids = m.adopt_template([1, 28])
    vid = m.add_vendor("A社")
    for cid in ids:
        m.set_score("山田", vid, cid, 4)
    facts = dict(_section(summary, "selection").part.facts)
    assert facts["選定（1位）"] == "A社" and "2位との差" not in facts       # nobody to beat
    assert facts["重みづけ"] == "評価項目を作ったときの配点のまま（重みづけの見直しはありません）"
    other = m.add_vendor("B社")
    for cid in ids:
        m.set_score("山田", other, cid, 4)
    facts = dict(_section(summary, "selection").part.facts)
    assert facts["選定（1位）"].endswith("（同点）") and "2位との差" not in facts


def test_the_printout_and_the_workbook_say_why_in_words_not_the_version_number(summary):
    fill_e(summary.ws)
    page = project_summary_html(summary)
    assert "差がついた主な項目" in page and "機能関連 +30.00点、ユーザーにとっての使いやすさ" in page
    assert "重みの版" not in page and "重みづけ" in page and "会場全体で決めた配点" in page
    book = openpyxl.load_workbook(io.BytesIO(summary.export_xlsx()))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "差がついた主な項目" in cells and "重みづけ" in cells and not any("重みの版" in c for c in cells)


def test_a_winner_decided_by_the_tie_break_says_so(summary):
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(summary.ws)
    ids = m.adopt_template([1, 28])
    for name, price in (("A社", 900_000), ("B社", 800_000)):
        vid = m.add_vendor(name, "", price)
        for cid in ids:
            m.set_score("山田", vid, cid, 4)
    m.set_rules(tie_break=["price"])
    facts = dict(_section(summary, "selection").part.facts)
    assert facts["選定（1位）"] == "B社"
    assert facts["2位との差"] == "A社と合計点は同じ（同点のときの決め方で1位）" and "差がついた主な項目" not in facts
