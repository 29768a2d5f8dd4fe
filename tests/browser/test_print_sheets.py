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
