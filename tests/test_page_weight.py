"""What a participant's first screen costs. Every widget model is a message the kernel sends, Voilà's
server passes on (twice: to its executor and to the page) and the page builds, so the first tab of a
workbench keeps its model count down where the screen looks the same either way."""

import re
from pathlib import Path

import ipywidgets.widgets.widget as widget_module
import voila
from jupyter_core.paths import jupyter_path

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


TEMPLATE = Path(__file__).resolve().parent.parent / "ohayami/app/share/jupyter/voila/templates/ohayami/index.html.j2"


def _voila_static() -> Path:
    for root in jupyter_path("voila"):
        static = Path(root) / "templates" / "base" / "static"
        if (static / "voila.js").exists():
            return static
    raise AssertionError("Voilà's page bundle (templates/base/static/voila.js) is not installed")


def test_the_mathjax_stand_in_names_the_installed_voila_build():
    """The page template gives Voilà's MathJax plugin chunk in advance as a plugin that never starts;
    chunk and module ids belong to one Voilà build. The template's version must be the installed
    one (else the stand-in is left out and every page loads MathJax again), and its ids must be
    where that build keeps the MathJax plugin."""
    found = re.search(r"\{%-? set mathjax_chunk = \{'voila': '([^']+)', 'chunk': (\d+), 'module': (\d+)\}", TEMPLATE.read_text())
    assert found, "the template no longer names the MathJax chunk"
    version, chunk, module = found.group(1), found.group(2), found.group(3)
    assert version == voila.__version__
    static = _voila_static()
    share = re.search(r'"@jupyterlab/mathjax-extension","[^"]+",\(\(\)=>Promise\.all\(\[([^\]]*)\]\)\.then\(\(\(\)=>\(\)=>x\((\d+)\)',
                      (static / "voila.js").read_text())
    assert share, "voila.js no longer provides @jupyterlab/mathjax-extension as a shared module"
    assert f"x.e({chunk})" in share.group(1).split(",") and share.group(2) == module
    source = (static / f"{chunk}.voila.js").read_text()
    assert f"[[{chunk}],{{{module}:" in source and '"@jupyterlab/mathjax-extension:plugin"' in source
