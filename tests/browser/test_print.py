"""The 選定理由書 and the type C report printed by chromium on A4 portrait: nothing sticks out sideways
and every vendor name sits on one or two lines, even for a committee with long company names."""

import re

import pytest

from ohayami.problems import ProblemWorkbench
from ohayami.reports import problems_report_html, vendors_report_html
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench

from .conftest import ARTIFACTS

A4_WIDTH_PX = 794            # 210 mm at 96 px per inch
PRINTABLE_PX = 680           # 210 mm less the report's 15 mm margins on each side
LONG_NAMES = ["株式会社デジタル窓口ソリューションズ・ジャパン", "北海道地域情報システム協同組合連合会",
              "ＮＥＸＴ自治体クラウドサービス株式会社", "合同会社まちのデジタル"]


def _committee(ws):
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 2, 9, 12, 16, 20, 25, 28, 29, 31], must={25})
    for i, name in enumerate(LONG_NAMES):
        m.add_vendor(name, "窓口支援サービス" if i % 2 else "", 1_000_000 + 150_000 * i)
    committee = (("山田", 3), ("佐藤", 4), ("鈴木", 2))
    for who, base in committee:   # everyone weights before anyone scores (weights lock once scoring starts)
        m.set_evaluator_weights(who, "direct", {c: 0 if c == ids[6] else (k % 4) + base for k, c in enumerate(ids)})
    for who, base in committee:
        for j, vid in enumerate(m.vendors()["vendor_id"]):
            for k, cid in enumerate(ids):
                m.set_score(who, vid, cid, "はい" if cid == ids[6] else 1 + (j + k + base) % 5)
        m.set_intuition(who, {v: r for r, v in enumerate(m.vendors()["vendor_id"], start=1)})
    m.set_rules(price={"method": "lowest", "points": 30}, min_total_ratio=0.3)
    m.set_weight_reason(ids[0], "窓口に来られない住民が多いため、オンラインで手続きが完結することを重視した")
    m.revise_weights({ids[0]: 24.6969}, "感覚との比較で機能を下げた")
    return m


def _problems(ws):
    c = ProblemWorkbench(ws)
    for i, title in enumerate(("高齢者が通院のための交通手段を確保できず、予約の取り直しが何度も発生している",
                  "証明書の窓口が昼に混む", "子育て世帯への情報が届かない")):
        pid = c.add_problem(title, scene="朝の窓口", origin="住民アンケート")
        for cid in c.criteria().criterion_id:
            c.set_score("山田", pid, cid, 5 - i)
    c.set_cut_line("top", 1)  # the others are listed by name as 惜しくも選ばなかった課題
    return c


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    ws = open_workshop(folder / "長い名前の委員会")
    out = {}
    for name, html in (("typeE", vendors_report_html(_committee(ws))), ("typeC", problems_report_html(_problems(ws)))):
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        out[name] = path
    yield out
    ws.close()


MEASURE = """() => {
  const cells = [...document.querySelectorAll('.oh-name > span')];
  return {
    scroll: document.documentElement.scrollWidth,
    names: cells.map(s => {
      const lh = parseFloat(getComputedStyle(s.parentElement).lineHeight);
      return {text: s.textContent, rects: s.getClientRects().length,
              byHeight: Math.round(s.getBoundingClientRect().height / lh)};
    }),
  };
}"""


@pytest.mark.parametrize("name", ["typeE", "typeC"])
def test_report_prints_on_a4_portrait(page, printed, name):
    page.emulate_media(media="print")
    for width in (A4_WIDTH_PX, PRINTABLE_PX):
        page.set_viewport_size({"width": width, "height": 1123})
        page.goto(printed[name].as_uri())
        m = page.evaluate(MEASURE)
        assert m["scroll"] <= width, f"{name} is {m['scroll']} px wide at a {width} px page"
        if name == "typeE":
            shown = {c["text"] for c in m["names"]}
            assert all(any(n in t for t in shown) for n in LONG_NAMES)
        assert m["names"], "no vendor or problem name cell was measured"
        too_tall = [c for c in m["names"] if c["rects"] > 2 or c["byHeight"] > 2]
        assert not too_tall, f"names on more than two lines at {width} px: {too_tall}"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(format="A4", path=str(ARTIFACTS / f"report-{name}-A4.pdf"), print_background=True)
    boxes = {tuple(float(x) for x in b.split()) for b in re.findall(rb"/MediaBox \[0 0 ([\d.]+ [\d.]+)\]", pdf)}
    assert pdf.startswith(b"%PDF") and boxes and all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1.5 for w, h in boxes)
    assert page.locator("button", has_text="印刷").is_visible() is False  # the print button stays off the paper
