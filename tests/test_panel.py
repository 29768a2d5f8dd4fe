"""The shared view frame: the error funnel, lazy panels and the scoring grid."""

from __future__ import annotations

import errno
import sqlite3

import ipywidgets as W
import pytest

from ohayami.errors import OhayamiError
from ohayami.problems import ProblemWorkbench
from ohayami.store import open_workshop
from ohayami.ui.panel import Panel, TabbedView, attempt, explain
from ohayami.ui.score_grid import ScoreGrid


@pytest.mark.parametrize("exc, words", [
    (OhayamiError("名前が空です。", field="name"), "名前が空です"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "読み取り専用"),
    (sqlite3.OperationalError("database or disk is full"), "ディスクの空き"),
    (sqlite3.OperationalError("database is locked"), "少し待って"),
    (OSError(errno.ENOSPC, "No space left on device"), "ディスクの空き"),
    (OSError(errno.EACCES, "Permission denied"), "権限"),
    (RuntimeError("boom"), "予期しないエラーが起きました（RuntimeError）"),
])
def test_every_exception_becomes_japanese(exc, words):
    msg = W.HTML()

    def fail():
        raise exc

    ok, result = attempt(msg, fail, "保存しました")
    assert (ok, result) == (False, None)
    assert words in msg.value and "role=\"alert\"" in msg.value
    assert words in explain(exc)


def test_field_error_goes_next_to_its_field_and_success_clears_it():
    msg, name_msg = W.HTML(), W.HTML()

    def fail():
        raise OhayamiError("名前が空です。", field="name")

    attempt(msg, fail, "ok", fields={"name": name_msg})
    assert "名前が空です" in name_msg.value and msg.value == ""
    ok, value = attempt(msg, lambda: 42, lambda v: f"保存しました（{v}）", fields={"name": name_msg})
    assert ok and value == 42 and name_msg.value == "" and "保存しました（42）" in msg.value


def test_text_in_messages_is_escaped():
    msg = W.HTML()
    attempt(msg, lambda: (_ for _ in ()).throw(OhayamiError("<img src=x onerror=alert(1)>")))
    assert "<img" not in msg.value and "&lt;img" in msg.value


class _Counting(Panel):
    title = "数える"
    builds = 0

    def build(self):
        type(self).builds += 1
        self.refreshed = 0
        return W.Label("x")

    def refresh(self):
        self.refreshed += 1


class _Other(_Counting):
    title = "ほか"
    builds = 0


def test_tabs_are_built_when_first_opened_and_refreshed_when_shown_again():
    _Counting.builds = _Other.builds = 0
    view = TabbedView(None, None, [_Counting, _Other], "見出し")
    assert (_Counting.builds, _Other.builds) == (1, 0)
    view.tabs.selected_index = 1
    assert _Other.builds == 1
    view.tabs.selected_index = 0
    view.tabs.selected_index = 1
    assert _Other.builds == 1 and view.panels[1].refreshed == 2
    assert view.panel(_Counting) is view.panels[0]


def _grid(tmp_path):
    ws = open_workshop(tmp_path / "g")
    m = ProblemWorkbench(ws)
    for t in ("バスが少ない", "窓口が混む"):
        m.add_problem(t)
    who = W.Combobox(value="")
    msg = W.HTML()
    g = ScoreGrid(m, who, msg, rows=3)
    g.set_criteria(m.criteria())
    return m, who, msg, g


def test_score_grid_saves_shows_and_restores(tmp_path, monkeypatch):
    m, who, msg, g = _grid(tmp_path)
    p = m.problems()
    g.show(p.rename(columns={"problem_id": "alternative_id", "title": "name"}))
    assert "名前を選ぶ" in msg.value and all(dd.disabled for dd in g.cells.values())
    who.value = "山田"
    g.show(p.rename(columns={"problem_id": "alternative_id", "title": "name"}))
    cid = m.criteria()["criterion_id"].iloc[0]
    dd = g.value(p["problem_id"].iloc[0], cid)
    dd.value = dd.options[3][1]
    stored = m.scores("山田")
    assert list(stored["value"]) == [dd.options[3][1]] and "保存しました" in msg.value
    # a write that fails puts the stored value back on screen
    monkeypatch.setattr(m, "set_score", lambda *a: (_ for _ in ()).throw(sqlite3.OperationalError("database or disk is full")))
    dd.value = dd.options[1][1]
    assert dd.value == stored["value"].iloc[0] and "ディスクの空き" in msg.value
    # the third row has no problem: hidden
    assert g.labels[2].layout.display == "none"


class _Broken(_Counting):
    title = "壊れる"
    builds = 0
    fail = "refresh"

    def build(self):
        if self.fail == "build":
            raise sqlite3.OperationalError("database is locked")
        return super().build()

    def refresh(self):
        if self.fail == "refresh":
            raise sqlite3.OperationalError("database is locked")


def test_a_tab_that_fails_to_load_says_so_in_japanese_and_loads_later():
    _Broken.fail = "build"
    view = TabbedView(None, None, [_Counting, _Broken], "見出し")
    view.tabs.selected_index = 1
    assert "少し待って" in view.msg.value and not view.panels[1].built   # tried again next time
    _Broken.fail = "refresh"
    view.tabs.selected_index = 0
    assert view.msg.value == ""
    view.tabs.selected_index = 1
    assert view.panels[1].built and "少し待って" in view.msg.value   # built, but not brought up to date
    _Broken.fail = ""
    view.tabs.selected_index = 0
    view.tabs.selected_index = 1
    assert view.msg.value == ""
