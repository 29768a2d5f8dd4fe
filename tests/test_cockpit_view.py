"""The facilitator's cockpit and the projector view, kernel side: a tick redraws one HTML output only
when the workshop changed, never touches what the facilitator typed, stops while the tab is hidden;
names chosen in a name box are recorded as joins; the projector shows results only."""

import re

import pytest

from ohayami.problems import ProblemWorkbench
from ohayami.store import open_workshop
from ohayami.ui import cockpit as K
from ohayami.ui import projector as P
from ohayami.ui.problems import ProblemsView
from ohayami.ui.problems import ScoringPanel as CScoring
from ohayami.ui.vendors import IntuitionPanel, VendorsView
from ohayami.vendors import VendorWorkbench

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def sent(monkeypatch):
    out = []
    monkeypatch.setattr(K.Ticker, "send", lambda self, content, buffers=None: out.append(content))
    return out


def _tick(ticker):
    ticker._on_message(ticker, {"type": "tick"}, [])


def _changes(widget, name="value"):
    seen = []
    widget.observe(lambda ch: seen.append(ch["new"]), names=name)
    return seen


def _open(view, kind):
    i = next(i for i, p in enumerate(view.panels) if isinstance(p, kind))
    view.tabs.selected_index = i
    return view.panels[i]


def _c_view(tmp_path):
    v = ProblemsView(tmp_path / "c")
    for t in ("窓口が混む", "バスが少ない"):
        v.model.add_problem(t)
    for extra in list(v.model.criteria()["criterion_id"])[2:]:
        v.model.remove_criterion(extra)                        # 2 problems × 2 criteria = 4 cells
    return v


def test_a_tick_redraws_only_when_someone_wrote_and_keeps_the_typed_filter(tmp_path, sent):
    v = _c_view(tmp_path)
    panel = _open(v, K.ProgressPanel)
    assert "まだ誰も参加していません" in panel.out.value
    panel.name_filter.value = "田"                               # the facilitator typed here
    seen = _changes(panel.out)
    _tick(panel.ticker)
    assert seen == [] and sent == [{"type": "tock"}]             # nothing changed: nothing redrawn, tick answered
    # another participant's kernel scores (its own connection to the file)
    with open_workshop(tmp_path / "c", create=False) as other:
        m = ProblemWorkbench(other)
        pid = m.problems()["problem_id"].iloc[0]
        for cid in m.criteria()["criterion_id"]:
            m.set_score("田中", pid, cid, "4")
        m.set_score("佐藤", pid, m.criteria()["criterion_id"].iloc[0], "2")
    _tick(panel.ticker)
    assert len(seen) == 1
    text = re.sub("<[^>]+>", " ", panel.out.value)
    assert "2人中0人が採点を終えました" in text and "田中（2/4）" in text and "佐藤（1/4）" in text
    assert "田中" in text and panel.out.value.count("<tr>") == 2      # table: header + 田中 only (filter 「田」)
    assert panel.name_filter.value == "田"
    _tick(panel.ticker)
    _tick(panel.ticker)
    assert len(seen) == 1                                        # no write since: no redraw
    # a write that changes nothing shown (a problem's scene) is read, but the HTML is left alone
    v.model.update_problem(pid, scene="朝")
    _tick(panel.ticker)
    assert len(seen) == 1 and panel.name_filter.value == "田"


def test_a_hidden_tab_stops_its_ticker_and_ignores_ticks(tmp_path, sent):
    v = _c_view(tmp_path)
    panel = _open(v, K.ProgressPanel)
    assert panel.ticker.running
    v.tabs.selected_index = 0
    assert not panel.ticker.running
    seen = _changes(panel.out)
    v.model.set_score("田中", v.model.problems()["problem_id"].iloc[0], v.model.criteria()["criterion_id"].iloc[0], "3")
    _tick(panel.ticker)
    assert seen == []
    _open(v, K.ProgressPanel)                                   # shown again: brought up to date at once
    assert panel.ticker.running and len(seen) == 1 and "田中（1/4）" in panel.out.value


def test_choosing_a_name_records_a_join(tmp_path):
    v = _c_view(tmp_path)
    v.model.ws.upsert("people", {"name": "鈴木"}, {"role": "参加者"})
    sp = _open(v, CScoring)
    sp.who.value = "鈴木"                                        # a name offered in the box
    assert list(v.ws.rows("joins")["name"]) == ["鈴木"]
    panel = _open(v, K.ProgressPanel)
    assert "1人中1人が参加しています" in panel.out.value


def test_a_typed_new_name_joins_once_it_is_finished_not_letter_by_letter(tmp_path):
    v = _c_view(tmp_path)
    sp = _open(v, CScoring)
    # the page sends the box's value only when the name is finished (Enter, leaving the box, a pick
    # from the list): the letters of 「新人」 being typed never reach the kernel
    assert sp.who.continuous_update is False
    before = v.ws.revision()
    for blank in ("", "　 ", "\x01\x07"):                       # empty, spaces, control characters only
        sp.who.value = blank
    assert v.ws.rows("joins").empty and v.ws.revision() == before
    sp.who.value = "新\x07人 "                                   # finished: control character and space dropped
    sp.who.value = ""
    sp.who.value = "新人"                                         # the same name again is the same join
    assert list(v.ws.rows("joins")["name"]) == ["新人"] and v.ws.get("people", name="新人") is not None
    panel = _open(v, K.ProgressPanel)
    text = re.sub("<[^>]+>", " ", panel.out.value)
    assert "1人中1人が参加しています" in text and "新人" in text   # joined before saving anything
    assert v.ws.rows("scores").empty


def test_a_name_typed_in_type_e_joins_and_a_too_long_one_is_said(tmp_path):
    v = VendorsView(tmp_path / "e")
    from ohayami.ui.vendors import ScoringPanel as EScoring
    sp = _open(v, EScoring)
    ip = _open(v, IntuitionPanel)
    assert sp.s_who.continuous_update is False and ip.i_who.continuous_update is False
    sp.s_who.value = "委員 佐藤"
    ip.i_who.value = "委員 佐藤"
    assert list(v.ws.rows("joins")["name"]) == ["委員 佐藤"]
    sp.s_who.value = "長" * 200
    assert "文字以内" in v.msg.value and list(v.ws.rows("joins")["name"]) == ["委員 佐藤"]


def test_type_e_cockpit_names_who_has_no_intuitive_ranking(tmp_path, sent):
    v = VendorsView(tmp_path / "e")
    m = v.model
    m.adopt_template([1, 9])
    for n in ("A社", "B社"):
        m.add_vendor(n, "", 1_000_000)
    m.ws.upsert("people", {"name": EVIL}, {"role": "評価者"})
    m.ws.upsert("people", {"name": "山田"}, {"role": "評価者"})
    ip = _open(v, IntuitionPanel)
    ip.i_who.value = "山田"
    m.set_intuition("山田", {"V001": 1, "V002": 2})
    assert set(v.ws.rows("joins")["name"]) == {"山田"}
    panel = _open(v, K.ProgressPanel)
    assert "感覚的な順位を入れていない人：&lt;script&gt;" in panel.out.value and "<script>" not in panel.out.value
    assert "感覚的な順位" in panel.out.value and "未入力" in panel.out.value


def test_the_projector_link_keeps_the_workshop_and_drops_the_token(tmp_path):
    with open_workshop(tmp_path / "町の会議") as ws:
        assert K.projector_href(ws, "w=ABCDE&token=secret") == "04_projector.ipynb?w=ABCDE"
        assert K.projector_href(ws, "") == "04_projector.ipynb?workshop=%E7%94%BA%E3%81%AE%E4%BC%9A%E8%AD%B0"


def test_the_ticker_front_end_is_inline_and_clears_its_timer():
    assert not re.search(r"\bimport\b|https?://|fetch\(|<script", K._ESM)
    assert "clearInterval(timer)" in K._ESM and "getClientRects" in K._ESM and 'get("running")' in K._ESM


@pytest.mark.parametrize("raw, expected", [("2", 2.0), ("abc", K.DEFAULT_TICK_S), ("0", 0.5), ("1e9", 60.0)])
def test_the_tick_interval(monkeypatch, raw, expected):
    monkeypatch.setenv(K.TICK_ENV, raw)
    assert K.tick_interval() == expected


def _e_results(tmp_path):
    ws = open_workshop(tmp_path / "e")
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 9])
    for n in ("A社", EVIL):
        m.add_vendor(n, "", 1_000_000)
    for who, vals in (("山田", {"V001": ["5", "4"], "V002": ["3", "3"]}), ("佐藤", {"V001": ["4", "4"], "V002": ["2", "3"]})):
        for vid, row in vals.items():
            for cid, val in zip(ids, row):
                m.set_score(who, vid, cid, val)
    return ws, m


def test_projector_type_e_shows_the_ranking_with_its_weights_version(tmp_path, sent, monkeypatch):
    ws, m = _e_results(tmp_path)
    drawn = []
    real = P.plots.projector_bars
    monkeypatch.setattr(P.plots, "projector_bars", lambda *a, **k: drawn.append(a) or real(*a, **k))
    view = P.ProjectorView(ws)
    html = view.out.value
    assert view.kind == "E" and html.count("<h1>") == 1 and "e：事業者の評価結果</h1>" in html
    assert "重みの版" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert html.index("A社") < html.index("&lt;script&gt;") and 'src="data:image/png;base64,' in html
    assert "進行状況" not in html and "ファシリテーター" not in html      # results only
    assert len(drawn) == 1 and drawn[0][0] == ("A社", EVIL) and drawn[0][2] == (0,)
    seen = _changes(view.out)
    _tick(view.ticker)
    assert seen == [] and len(drawn) == 1
    m.set_score("佐藤", "V002", m.criteria()["criterion_id"].iloc[0], "5")
    _tick(view.ticker)
    assert len(seen) == 1 and len(drawn) == 2
    m.update_vendor("V001", notes="メモ")                        # nothing shown changes: no new figure, no redraw
    _tick(view.ticker)
    assert len(seen) == 1 and len(drawn) == 2
    ws.close()


def test_projector_type_c_shows_the_short_list(tmp_path, sent):
    v = _c_view(tmp_path)
    m = v.model
    pids = list(m.problems()["problem_id"])
    for who, (a, b) in (("田中", ("5", "2")), ("佐藤", ("4", "1"))):
        for cid in m.criteria()["criterion_id"]:
            m.set_score(who, pids[0], cid, a)
            m.set_score(who, pids[1], cid, b)
    m.set_cut_line("top", 1)
    html = P.ProjectorView(v.ws, "C").out.value
    assert "c：課題の優先順位</h1>" in html and "★は短いリスト" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert "窓口が混む" in rows[1] and "★" in rows[1] and "★" not in rows[2]


def test_projector_without_results_and_for_a_chart_workshop(tmp_path, sent):
    with open_workshop(tmp_path / "empty") as ws:
        html = P.ProjectorView(ws, "C").out.value
        assert "課題と評価項目がそろい" in html and "<img" not in html
        ws.set_setting(P.KIND_SETTING, "chart")
        assert "診断チャートの「集計」タブ" in P.ProjectorView(ws).out.value


def test_the_projector_shows_c_or_e_of_a_workshop_started_as_a_chart(tmp_path):
    """A workshop made as a chart goes on to C and E from the result card: the cockpit's link names
    its tab's kind and the projector shows those results, not the chart's pointer page."""
    ws = open_workshop(tmp_path / "chart-first")
    ws.set_setting("app.kind", "chart")
    assert P._kind(ws, None) == "chart"                      # nothing else yet: the chart's page
    ProblemWorkbench(ws).add_problem("窓口の待ち時間が長い")
    assert P._kind(ws, None) == "C" and P._kind(ws, "E") == "E"
    assert K.projector_href(ws, "w=ABCDE&token=t", kind="E") == "04_projector.ipynb?w=ABCDE&kind=E"
    assert P.kind_in_address("w=ABCDE&kind=E") == "E" and P.kind_in_address("kind=<x>") is None
    view = P.ProjectorView(ws, P.kind_in_address("w=ABCDE&kind=C"))
    assert view.kind == "C" and "chart-first：課題の優先順位" in view.out.value and "診断チャートの集計は" not in view.out.value


def test_the_workbench_opened_from_the_participant_page_goes_on_under_the_same_name(tmp_path, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "w=ABCDE&who=%E5%B7%9D%E4%B8%8A%E3%80%80%E8%8A%B1%E5%AD%90%00")  # 川上　花子 + NUL
    v = _c_view(tmp_path)
    sp = _open(v, CScoring)
    assert sp.who.value == "川上 花子"                      # cleaned as any typed name
    assert list(v.ws.rows("joins")["name"]) == ["川上 花子"]
    ve = VendorsView(open_workshop(tmp_path / "e"))
    intuition = _open(ve, IntuitionPanel)
    assert intuition.i_who.value == "川上 花子"
    for query in ("w=ABCDE&who=%EF%BC%88%E4%BC%9A%E5%A0%B4%E5%85%A8%E4%BD%93%EF%BC%89", "w=ABCDE&who=" + "a" * 300,
                  "w=ABCDE"):   # the room's name, too long, none: the box stays empty
        assert K.name_in_address(query) == ""
