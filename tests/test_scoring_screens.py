"""Scoring screens: no choice is dropped silently, type E says what its scale's ends mean, and the
weight boxes show the whole criterion name."""

import re

from ohayami.ui.vendors import ScoringPanel, VendorsPanel, VendorsView

from test_vendors_view import _criteria, _scored


def test_a_choice_on_a_row_with_nothing_shown_is_cleared_with_a_message(tmp_path):
    v, sco, first = _scored(tmp_path)
    sco.grid.show(v.model.alternatives().head(0))   # the vendor went away under the pointer
    dd = sco.grid.cells[(0, first)]
    dd.disabled = False   # a late event from the browser does not care about disabled
    dd.value = "5"
    assert dd.value == "" and "表示されていません" in sco.s_msg.value
    stored = v.model.scores("山田")
    assert list(stored.loc[stored["criterion_id"] == first, "value"]) == ["3"]


def _type_e(tmp_path):
    v = VendorsView(tmp_path / "e")
    _criteria(v, numbers=(25, 1, 31), must=(25,))
    ven = v.panel(VendorsPanel)
    ven.v_name.value = "A社"
    ven.v_add.click()
    return v


def test_type_e_rows_say_what_the_scale_ends_mean(tmp_path):
    v = _type_e(tmp_path)
    v.tabs.selected_index = 3
    sco = v.panel(ScoringPanel)
    rows = {re.sub("<[^>]+>", " ", box.children[0].value): box for box in sco.grid.widget.children[1:]}
    cost = next(t for t in rows if "イニシャルコスト" in t)
    assert "1＝" in cost and "5＝" in cost and "安い" in cost, cost
    assert "（点が高いほど良い）" in cost   # never 「（高いほど良い）」 alone next to a cost: higher cost is not better
    plain = next(t for t in rows if t.lstrip().startswith("機能関連"))
    assert "1＝低い　5＝高い（点が高いほど良い）" in plain, plain
    must = next(t for t in rows if "データ暗号化" in t)
    assert "5＝" not in must
    # the phone card says the same
    card = " ".join(w.value for w in sco.card.widget.children[2].children[2].children if hasattr(w, "value"))
    assert "安い" in card, card


def _weight_rows(editor):
    return [re.sub("<style>.*?</style>|<[^>]+>", "", row.children[0].value) for row in editor.inputs.children]


def test_weight_boxes_show_the_whole_criterion_name(tmp_path):
    from ohayami.ui.problems import CriteriaPanel, ProblemsView
    from ohayami.ui.vendors import WeightsPanel

    c = ProblemsView(tmp_path / "c")
    editor = c.panel(CriteriaPanel).weights
    names = list(c.model.criteria()["name"])
    for method in ("direct", "rank"):
        editor.method.value = method
        editor.rebuild()
        assert _weight_rows(editor) == names
    v = _type_e(tmp_path)
    v.tabs.selected_index = 1
    editor = v.panel(WeightsPanel).weights
    editor.rebuild()
    assert any("イニシャルコスト、ランニングコスト" in t for t in _weight_rows(editor))
