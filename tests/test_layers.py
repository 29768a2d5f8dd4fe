"""Layers point down only, and no module imports itself back through another.

Every import in ``ohayami/`` is read with ``ast`` (top-level, function-local and relative imports
alike) and each module is placed in a layer. An import may go to a lower layer or stay in its own;
an import to a higher layer fails, and so does any cycle. The order, lowest first:

0. ``errors``                         — the one error type
1. ``textio labels html io formats`` — ground: text, numbers, words, HTML, file formats, JST times, no model
2. ``scoring.registry scoring.scales scoring.weights scoring.price`` — small method objects over plain values
3. ``scoring.engine``                 — the engine; it imports the registries, never the reverse
4. ``scoring.sensitivity scoring``    — analyses over the engine, and the package's public face
5. ``guide store store_pg``           — the guide's data; the workshop file (or server)
6. ``chart exchange plots snapshots`` — the chart state machine; import/export; figures; frozen results
7. ``tally sheets``                   — the chart's tally (uses chart); scoring sheets (use exchange)
8. ``workbench``                      — what every scored worksheet shares
9. ``problems vendors readiness experts`` (+ one model per new worksheet)
9a. ``research``                     — type D: reads C's short list, adds vendors to E
9b. ``summary``                        — the project summary, over every worksheet model
10. ``reports printouts``             — printable pages over the models (printouts: one-page worksheet sheets)
11. ``ui.panel ui.common ui.cards ui.weights ui.score_grid ui.sheet_parts ui.connection`` — the error funnel, panels and shared widget pieces
12. ``ui.*_view ui.guide_browser ui.<worksheet>.*`` — one view or panel package per notebook
13. ``app.workshops app.network``       — the app's workshop registry (over the store), network addresses
14. ``app app.*``                      — the served app: page address, pages, Voilà server, launcher
15. ``ohayami`` (the package ``__init__``) — the notebook-facing facade; nothing inside imports it

Differences from the sketch in the issue (errors < textio … < scoring, guide, store < chart, tally,
exchange, sheets, plots < …): scoring is split so that price and weighting registries sit below the
engine (the "no circle" rule of DESIGN.md), and chart/exchange sit one layer below tally/sheets
because tally reads chart results and sheets reuse the import's error type. Same-layer imports are
allowed; the cycle check keeps them honest.

The mapping is default-deny: a module that is not listed fails with a message saying where to add it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ohayami"

LAYERS: list[tuple[str, ...]] = [
    ("errors",),
    ("textio", "labels", "html", "io", "formats"),
    ("scoring.registry", "scoring.scales", "scoring.weights", "scoring.price"),
    ("scoring.engine",),
    ("scoring.sensitivity", "scoring"),
    ("guide", "store", "store_pg"),
    ("chart", "exchange", "plots", "snapshots"),
    ("tally", "sheets"),
    ("workbench", "one_by_one"),
    ("problems", "vendors", "readiness", "experts", "support", "flow", "roles"),
    ("research",),  # type D reads C's short list and adds vendors to E: above both
    ("summary",),  # the project summary reads every worksheet model (research and roles too)
    ("reports", "printouts", "progress", "participant"),
    ("ui.panel", "ui.common", "ui.cards", "ui.weights", "ui.score_grid", "ui.sheet_parts", "ui.connection",
     "ui.phone", "ui.score_card", "ui.cockpit"),
    ("ui", "ui.chart.*", "ui.guide_browser", "ui.problems.*",
     "ui.vendors.*", "ui.readiness.*", "ui.experts.*", "ui.summary.*", "ui.research.*", "ui.support.*",
     "ui.flow.*", "ui.roles.*", "ui.projector"),
    ("app.workshops", "app.network"),  # the app's workshop registry (over the store) and addresses
    ("app", "app.address", "app.pages", "app.server", "app.launch", "app.*"),  # the served app
    ("",),  # ohayami/__init__.py
]


def layer_of(module: str) -> int | None:
    """The layer index of a module name relative to the package ("" is the package itself)."""
    for i, names in enumerate(LAYERS):
        for pattern in names:
            if module == pattern or (pattern.endswith(".*") and module.startswith(pattern[:-1])) \
                    or (pattern.endswith(".*") and module == pattern[:-2]):
                return i
    return None


def modules() -> dict[str, Path]:
    """Package-relative module name → file, for every .py file in ohayami/."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports anywhere in its file (relative or absolute)."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if name else []
    base_parts = here if is_pkg else here[:-1]
    found: set[str] = set()

    def add(target: str) -> None:
        # "from . import exchange" names a module; "from .scoring import Criterion" names its package
        while target not in known and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in known:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "ohayami" or a.name.startswith("ohayami."):
                    add(a.name[len("ohayami."):] if "." in a.name else "")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base_parts[: len(base_parts) - (node.level - 1)] if node.level > 1 else list(base_parts)
                mod = ".".join(parts + ([node.module] if node.module else []))
            elif node.module and (node.module == "ohayami" or node.module.startswith("ohayami.")):
                mod = node.module[len("ohayami."):] if "." in node.module else ""
            else:
                continue
            for a in node.names:
                sub = f"{mod}.{a.name}" if mod else a.name
                add(sub if sub in known else mod)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def test_every_module_has_a_layer():
    unmapped = [m or "ohayami/__init__" for m in modules() if layer_of(m) is None]
    assert not unmapped, (f"modules without a layer: {unmapped}. Add each to LAYERS in tests/test_layers.py "
                          "at the lowest layer that holds everything it imports (and say why in the docstring).")


def test_imports_point_down():
    upward = []
    for mod, targets in import_graph().items():
        for t in targets:
            lm, lt = layer_of(mod), layer_of(t)
            if lm is not None and lt is not None and lt > lm:
                upward.append(f"{mod or 'ohayami'} (layer {lm}) imports {t or 'ohayami'} (layer {lt})")
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(sorted(upward))


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (c := visit(m)):
                return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (c := visit(n)):
            return c
    return None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(c or "ohayami" for c in cycle)


def test_the_checks_catch_what_they_should(tmp_path):
    # the parser sees relative, function-local and absolute imports
    src = tmp_path / "mod.py"
    src.write_text("from .errors import OhayamiError\nimport ohayami.store\n"
                   "def f():\n    from ..ohayami import nothing\n    from .ui import common\n", encoding="utf-8")
    known = {"errors", "store", "ui", "ui.common", "workbench"}
    assert imports_of("workbench", src, known) == {"errors", "store", "ui.common"}
    # an unlisted module gets no layer; a cycle is found
    assert layer_of("brand_new_model") is None and layer_of("ui.vendors.rules_panel") == layer_of("ui.chart")
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("mod", ["reports", "problems", "vendors", "workbench", "exchange", "plots"])
def test_models_and_reports_never_import_widgets(mod):
    assert not {t for t in import_graph()[mod] if t == "ui" or t.startswith("ui.")}
