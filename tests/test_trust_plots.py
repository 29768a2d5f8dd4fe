"""User text never reaches matplotlib as mathtext: every figure draws titles, labels, ticks,
annotations and legends with ``$`` in them literally, and mathtext is never even parsed."""

import io

import matplotlib
import matplotlib.mathtext
import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from ohayami import plots
from ohayami.problems import ProblemWorkbench
from ohayami.vendors import VendorWorkbench

TITLES = ["料金$x^$の改定", "$$", "A$社$B"]


@pytest.fixture
def no_math_parse(monkeypatch):
    def refuse(self, s, *args, **kwargs):
        raise AssertionError(f"mathtext parsed {s!r}")
    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", refuse)


def _e(ws):
    m = VendorWorkbench(ws)
    ids = [m.add_criterion(t, group=f"{t}群") for t in TITLES]
    vendors = [m.add_vendor(t, "サービス", 1_000_000 + 10_000 * i) for i, t in enumerate(TITLES)]
    for who, base in (("$山田$", 2), ("佐藤", 4)):
        for i, v in enumerate(vendors):
            for j, k in enumerate(ids):
                m.set_score(who, v, k, 1 + (base + i + j) % 5)
    return m


def _c(ws):
    p = ProblemWorkbench(ws)
    for i, t in enumerate(TITLES):
        a = p.add_problem(t)
        for j, k in enumerate(p.criteria()["criterion_id"]):
            p.set_score("$鈴木$", a, k, 1 + (i + j) % 5)
    return p


def _figures(ws, title):
    """Every figure function of plots.py, with user text in every place it can go."""
    e = _e(ws)
    res = e.results()
    names = res.table["name"].to_dict()
    crit = e.criteria().set_index("criterion_id")["name"].to_dict()
    prob = e.sensitivity(draws=200)["probabilities"]
    yield plots.group_bars(res.table, res.groups, res.group_max, title=title)
    yield plots.radar(res.groups, res.group_max, names, title=title)
    yield plots.disagreement_heatmap(res.spread, names, crit, list(res.ranking.index), title=title)
    yield plots.rank_probability_heatmap(prob, names, title=title)
    c = _c(ws)
    r = c.results()
    labels = c.criteria().set_index("criterion_id")["name"].to_dict()
    yield plots.ranked_contributions(r.table, r.breakdown, labels, title=title)
    ratio = r.breakdown.iloc[:, 0] * 0 + 0.5
    yield plots.quadrant(r.table, ratio, ratio, r.table["name"].to_dict(), title, title, title=title)


@pytest.mark.parametrize("title", TITLES)
def test_every_figure_draws_dollars_literally(ws, title, no_math_parse):
    n = 0
    for fig in _figures(ws, title):
        buf = io.BytesIO()
        fig.savefig(buf, format="png")          # raised ValueError for 料金$x^$の改定 and $$
        assert buf.getbuffer().nbytes > 1000
        texts = [t for t in fig.findobj(Text) if t.get_text()]
        assert all(not t.get_parse_math() for t in texts)
        shown = {t.get_text() for t in texts}
        assert title in shown                       # exactly the input, no escaping left visible
        assert any("$" in s and s != title for s in shown)   # names in ticks, legends, labels too
        plt.close(fig)
        n += 1
    assert n == 6


def test_the_kit_style_survives_the_plain_text_wrapper(ws):
    fig = plots.rank_probability_heatmap(*_rank_input())
    assert matplotlib.rcParams["axes.unicode_minus"] is False and matplotlib.rcParams["text.parse_math"] is True
    plt.close(fig)


def _rank_input():
    import pandas as pd
    return pd.DataFrame([[0.5, 0.5], [0.5, 0.5]], index=["V1", "V2"], columns=[1, 2]), {"V1": "A$社$B", "V2": "$$"}


def test_reports_with_dollars_keep_their_figures(ws):
    from ohayami.reports import problems_report_html, vendors_report_html

    for html in (vendors_report_html(_e(ws)), problems_report_html(_c(ws))):
        assert "<img" in html and "A$社$B" in html
