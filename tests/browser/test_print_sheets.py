"""The one-page printouts, filled in as a town would, printed by chromium: each is ONE A4 portrait page
and nothing sticks out sideways. The worksheets promise 「A4 1枚」; a second page or a cut table is
what a manager would get on paper otherwise."""

import re

import pytest
from chain_fill import fill_c, fill_d, fill_e, fill_h

from ohayami import printouts
from ohayami.experts import ExpertRequest
from ohayami.flow import Flow
from ohayami.readiness import ReadinessSheet
from ohayami.research import Research
from ohayami.roles import Roles
from ohayami.store import open_workshop
from ohayami.summary import ProjectSummary
from ohayami.support import SupportWorksheet

from .conftest import ARTIFACTS

A4_WIDTH_PX = 794


def _support(ws, kind):
    m = SupportWorksheet(ws, kind)
    m.load_guide_list()
    first = m.programmes()["programme_id"].iloc[0]
    m.decide(first, "保留", "対象経費に当てはまるか県に確認中のため", who="企画課 山田")
    return m


def _readiness(ws):
    m = ReadinessSheet(ws)
    for n, state in ((1, "できている"), (2, "一部"), (3, "まだ")):
        m.save_point(n, state=state, who="企画課 山田", basis="総合計画の重点プロジェクトに位置づけ済み",
                     next_action="副町長に月例で進み具合を報告する", due="2026-06-30")
    return m


def _experts(ws):
    m = ExpertRequest(ws)
    m.save_request("要件定義を書ける職員がいない", outcome="仕様書の案", due="2026-09-30")
    return m


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sheets")
    ws = open_workshop(folder / "一枚もの")
    fill_c(ws)
    fill_d(ws)
    fill_e(ws, vendors=())   # E scores the two vendors D sent
    fill_h(ws)
    made = {
        "summary": printouts.project_summary_html(ProjectSummary(ws)),
        "roles": printouts.roles_html(Roles(ws)),
        "flow": printouts.flow_html(Flow(ws)),
        "rfi": printouts.rfi_html(Research(ws)),
        "funding": printouts.support_html(_support(ws, "F")),
        "people": printouts.support_html(_support(ws, "G")),
        "readiness": printouts.readiness_html(_readiness(ws)),
        "experts": printouts.expert_request_html(_experts(ws)),
    }
    out = {}
    for name, html in made.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        out[name] = path
    yield out
    ws.close()


@pytest.mark.parametrize("name", ["summary", "roles", "flow", "rfi", "funding", "people", "readiness", "experts"])
def test_one_page_sheet_prints_on_one_a4_page(page, sheets, name):
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    page.goto(sheets[name].as_uri())
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= A4_WIDTH_PX, f"{name} is {width} px wide"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(format="A4", path=str(ARTIFACTS / f"sheet-{name}-A4.pdf"), print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"{name} prints on {pages} pages"
    assert "次のページに続きます" not in sheets[name].read_text(encoding="utf-8")


# ---------------------------------------------------------------------- a town with a lot to say

LONG = "住民への説明会を地区ごとに開き、高齢の方には紙の案内も配って、窓口での質問に職員が答えられるようにする"
URL = "https://www.example.lg.jp/soshiki/kikaku/digital/madoguchi/kakikata_guide_2026_ver3.pdf"
A4_PRINTABLE_PX = 703      # 210 mm less the sheets' 12 mm margins, at 96 px per inch
A4_PRINTABLE_HEIGHT_PX = 1031


def _big(ws):
    """Everything a large town might enter: 12 problems, 14 services, 14 stages, 40 tasks for 10 owners,
    25 programmes, long texts and an unbroken address in the cells."""
    from ohayami.research import SIMILAR

    fill_c(ws, problems=tuple(f"{i}番目の課題：{LONG[:30]}" for i in range(1, 13)),
           vision={"beneficiary": LONG, "change": LONG, "degree": URL})
    res = fill_d(ws)
    for i in range(12):
        sid = res.add_service(SIMILAR, f"窓口サービス{i}号{URL[:40]}", f"株式会社デジタル窓口ソリューションズ{i}", "窓口DX",
                              found_at="catalogue")
        res.set_candidate(sid, True)
    res.send_candidates_to_e()
    res.generate_rfi()
    fill_e(ws, vendors=())
    flow = Flow(ws)
    for i in range(8):
        flow.add_stage(f"追加の段階{i}（{LONG[:12]}）", tasks=f"{LONG[:20]}\n{LONG[20:40]}", lead="town",
                       start_month=30 + i, months=3)
        flow.add_interview(f"{i}市 DX推進課 担当者", organisation="県DX推進課", what_done=LONG, lessons=LONG + URL)
    roles = fill_h(ws)
    kinds = ("dept", "external", "vendor", "expert")
    owners = [roles.add_owner(f"担い手{i} {LONG[:14]}", kinds[i % 4]) for i in range(8)]
    for i in range(22):
        roles.add_task(f"運用・効果検証{i % 3}", f"{i}: {LONG[:28]}")
    for i, tid in enumerate(roles.tasks()["task_id"]):
        roles.set_raci(tid, owners[i % 8], "A")
        roles.set_raci(tid, owners[(i + 1) % 8], "R")
    for i in range(4):
        roles.add_rule(f"会議{i}", "月1回", LONG, "、".join(f"担い手{k}" for k in range(8)))
    made = {}
    for kind in ("F", "G"):
        m = _support(ws, kind)
        for i in range(22):
            pid = m.add_programme(f"{i}：{LONG[:26]}支援事業", provider="総務省 自治行政局", deadline="2027-03-31",
                                  url=URL, note=LONG)
            m.decide(pid, "保留", LONG + URL, who="企画課 山田")
        made[kind] = m
    ready = _readiness(ws)
    ready.save_point(1, state="一部", who="企画課 山田", basis=LONG * 2, next_action=LONG + URL, due="2026-06-30")
    experts = _experts(ws)
    experts.save_request(LONG * 3, outcome=LONG + URL, due="2026-09-30")
    for i in range(6):
        experts.add_item("skills", f"スキル{i}：{LONG[:30]}", LONG)
    return {
        "summary": printouts.project_summary_html(ProjectSummary(ws)),
        "roles": printouts.roles_html(roles),
        "flow": printouts.flow_html(flow),
        "rfi": printouts.rfi_html(Research(ws)),
        "funding": printouts.support_html(made["F"]),
        "people": printouts.support_html(made["G"]),
        "readiness": printouts.readiness_html(ready),
        "experts": printouts.expert_request_html(experts),
    }


@pytest.fixture(scope="module")
def big_sheets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    ws = open_workshop(folder / "大きな町")
    out = {}
    for name, html in _big(ws).items():
        out[name] = folder / f"{name}.html"
        out[name].write_text(html, encoding="utf-8")
    yield out
    ws.close()


MEASURE = """() => {
  const sheet = document.querySelector('.oh-sheet');
  const cells = [...sheet.querySelectorAll('td, th')].filter(c => c.scrollWidth > c.clientWidth + 1);
  const rows = [...sheet.querySelectorAll('tr')];
  return {width: document.documentElement.scrollWidth, sheet: sheet.scrollWidth,
          overflowing: cells.map(c => c.textContent.slice(0, 40)),
          rows: rows.length,
          splittable: rows.filter(r => getComputedStyle(r).breakInside !== 'avoid').length,
          tallest: Math.max(0, ...rows.map(r => r.getBoundingClientRect().height)),
          heads: [...sheet.querySelectorAll('table')].filter(t => t.tHead).map(t => getComputedStyle(t.tHead).display)};
}"""


@pytest.mark.parametrize("name", ["summary", "roles", "flow", "rfi", "funding", "people", "readiness", "experts"])
def test_a_long_sheet_breaks_between_rows_and_says_it_continues(page, big_sheets, name):
    """Too much for one page: nothing sticks out sideways or out of its cell at the printable width,
    every row is kept whole (it may not split and no row is taller than a page), headers repeat on the
    next page, and a sheet that runs to a second page says so on the first."""
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": A4_PRINTABLE_HEIGHT_PX})
    page.goto(big_sheets[name].as_uri())
    got = page.evaluate(MEASURE)
    assert got["width"] <= A4_PRINTABLE_PX and got["sheet"] <= A4_PRINTABLE_PX, f"{name}: {got}"
    assert got["overflowing"] == [], f"{name}: cells wider than their column: {got['overflowing']}"
    assert got["rows"] > 3 and got["splittable"] == 0
    assert got["tallest"] < A4_PRINTABLE_HEIGHT_PX, f"{name}: a row {got['tallest']} px tall cannot stay whole"
    assert got["heads"] and set(got["heads"]) == {"table-header-group"}
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(format="A4", path=str(ARTIFACTS / f"sheet-{name}-big-A4.pdf"), print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    text = big_sheets[name].read_text(encoding="utf-8")
    says = "次のページに続きます" in text
    assert says == (pages > 1), f"{name} prints on {pages} pages but {'says' if says else 'does not say'} it continues"
    if name in ("summary", "roles"):   # what the page leaves out, the Excel has
        assert "全体は Excel" in text
