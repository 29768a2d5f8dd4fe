"""What a participant's first screen costs. Every widget model is a message the kernel sends, Voilà's
server passes on (twice: to its executor and to the page) and the page builds, so the first tab of a
workbench keeps its model count down where the screen looks the same either way."""

import ipywidgets.widgets.widget as widget_module

from ohayami.ui.vendors import CriteriaPanel, VendorsView


def _built(make):
    before = set(widget_module._instances)
    made = make()
    return made, [widget_module._instances[k] for k in set(widget_module._instances) - before]


def test_type_e_first_screen_shares_the_example_rows_look(tmp_path):
    view, models = _built(lambda: VendorsView(tmp_path / "e"))
    # 493 when each of the guide's 32 example rows had its own layout and style per control
    assert len(models) <= 300, len(models)
    crit = view.panel(CriteriaPanel)
    uses = [use for use, _ in crit.t_checks.values()]
    musts = [must for _, must in crit.t_checks.values()]
    assert len(uses) == 32
    for controls in (uses, musts):
        assert len({id(w.layout) for w in controls}) == 1 and len({id(w.style) for w in controls}) == 1
    # the look each row had on its own
    assert uses[0].layout.width == "26em" and uses[0].style.description_width == "initial"
    assert musts[0].style.button_width == "4em"
    # the rows' state stays each row's own
    musts[3].value = True
    assert uses[3].value is True and not any(u.value for i, u in enumerate(uses) if i != 3)
    assert sum(m.value for m in musts) == 1
