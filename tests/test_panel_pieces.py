"""Additions to the shared view frame: need(), field messages, listening panels, ScoreGrid pages."""

from __future__ import annotations

import ipywidgets as W
import pytest

from ohayami.errors import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.store import open_workshop
from ohayami.ui.panel import Panel, TabbedView, attempt, need, with_messages
from ohayami.ui.score_grid import ScoreGrid


@pytest.mark.parametrize("empty", [None, "", (), []])
def test_need_refuses_nothing_chosen(empty):
    with pytest.raises(OhayamiError, match="選んでください") as e:
        need(empty, "課題を選んでください。", "problem")
    assert e.value.field == "problem"


@pytest.mark.parametrize("value", ["P001", ("P001", "P002"), 0])
def test_need_passes_a_choice_through(value):
    assert need(value, "課題を選んでください。") == value


def test_with_messages_puts_a_message_under_each_input_for_attempt():
    name, note = W.Text(), W.Text()
    boxes, msgs = with_messages({"name": name, "note": note})
    assert [b.children[0] for b in boxes] == [name, note] and [b.children[1] for b in boxes] == [msgs["name"], msgs["note"]]
    general = W.HTML()
    attempt(general, lambda: need("", "名前を入れてください。", "name"), "ok", fields=msgs)
    assert "名前を入れてください" in msgs["name"].value and msgs["note"].value == "" and general.value == ""


class _Listening(Panel):
    title = "聞く"
    listens = frozenset({"criteria"})

    def build(self):
        self.refreshed = 0
        return W.Label("x")

    def refresh(self):
        self.refreshed += 1


class _Deaf(_Listening):
    title = "聞かない"
    listens = frozenset()


def test_a_built_panel_refreshes_on_the_topics_it_listens_to():
    view = TabbedView(None, None, [_Listening, _Deaf], "見出し")
    deaf = view.panel(_Deaf)
    listening = view.panels[0]
    before = (listening.refreshed, deaf.refreshed)
    view.changed("criteria")
    view.changed("problems")
    assert (listening.refreshed, deaf.refreshed) == (before[0] + 1, before[1])


@pytest.fixture
def grid(tmp_path):
    ws = open_workshop(tmp_path / "g")
    m = ProblemWorkbench(ws)
    for n in range(1, 8):
        m.add_problem(f"課題その{n}について")
    who = W.Combobox(value="山田")
    g = ScoreGrid(m, who, W.HTML(), rows=3)
    yield m, g
    ws.close()


def test_score_grid_pages_clamp_and_show_their_rows(grid):
    m, g = grid
    g.use_criteria(m.criteria())
    alts = m.alternatives()
    assert g.show_page(alts) == "1 / 3 ページ（全 7 件）" and g.alt_ids == ["P001", "P002", "P003"]
    assert g.show_page(alts, 5) == "3 / 3 ページ（全 7 件）" and g.alt_ids == ["P007"]
    assert [lab.layout.display for lab in g.labels] == ["", "none", "none"]
    assert g.show_page(alts, -1) == "2 / 3 ページ（全 7 件）" and g.alt_ids == ["P004", "P005", "P006"]
    assert g.show_page(alts.head(0)) == "1 / 1 ページ（全 0 件）" and g.alt_ids == []


def test_score_grid_rebuilds_only_for_changed_criteria(grid):
    m, g = grid
    assert g.use_criteria(m.criteria()) is True
    cells = dict(g.cells)
    assert g.use_criteria(m.criteria()) is False and g.cells == cells
    assert [dd._oh[1] for dd in g.row(0)] == list(m.criteria()["criterion_id"])
    m.update_criterion("reach", scale="1-3")
    assert g.use_criteria(m.criteria()) is True
    g.show(m.alternatives())
    assert sorted(o[1] for o in g.value("P001", "reach").options) == ["", "1", "2", "3"]
