"""Every printable report, opened in the browser: participant text is shown as text and runs nothing."""

import pytest

from ohayami import tally
from ohayami.chart import Diagnosis
from ohayami.problems import ProblemWorkbench
from ohayami.reports import chart_result_html, problems_report_html, vendors_report_html
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench

from .conftest import shot

EVIL = "<img src=x onerror=alert(1)>"
EVIL2 = "<script>alert(2)</script>"


@pytest.fixture
def reports(tmp_path):
    ws = open_workshop(tmp_path / "evil")
    d = Diagnosis()
    d.answer(True)
    rec = tally.record(ws, participant=EVIL, department=EVIL2, diagnosis=d)
    c = ProblemWorkbench(ws)
    pid = c.add_problem(EVIL, scene=EVIL2, origin=EVIL2)
    for cid in c.criteria().criterion_id:
        c.set_score(EVIL2, pid, cid, 4)
    c.set_analysis(pid, who=EVIL, evidence=EVIL2)
    c.set_vision(pid, beneficiary=EVIL)
    e = VendorWorkbench(ws)
    ids = e.adopt_template([1, 28])
    vid = e.add_vendor(EVIL, EVIL2, 1_000_000)
    for cid in ids:
        e.set_score(EVIL, vid, cid, 3)
    e.set_weight_reason(ids[0], EVIL2)
    out = {}
    for name, html in (("chart", chart_result_html(rec, workshop=EVIL)), ("typeC", problems_report_html(c)),
                       ("typeE", vendors_report_html(e))):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        out[name] = path
    return out


@pytest.mark.parametrize("name", ["chart", "typeC", "typeE"])
def test_report_shows_participant_text_as_text(page, reports, name):
    page.goto(reports[name].as_uri())
    page.get_by_text(EVIL).first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script").count() == 0
    assert EVIL2 in page.inner_text("body") or name == "chart" and EVIL in page.inner_text("body")
    shot(page, f"report-{name}")
