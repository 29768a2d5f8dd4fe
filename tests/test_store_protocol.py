"""The declared store interface: what the kit asks of a workshop is written down, and nothing more is used."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from backends import backend, ws  # noqa: F401  (the tests that take ``ws`` run on every store)

from ohayami import OhayamiError
from ohayami.store import Workshop, WorkshopStore, open_workshop

PACKAGE = Path(__file__).resolve().parent.parent / "ohayami"
WORKSHOP_NAMES = {"ws", "workshop"}  # local names and attributes (self.ws, model.ws) that hold a workshop


def declared() -> set[str]:
    """Members declared in the WorkshopStore protocol (methods, properties and annotated attributes)."""
    body = {k for k in vars(WorkshopStore) if not k.startswith("_abc") and k not in
            {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__parameters__",
             "__protocol_attrs__", "__subclasshook__", "__init__", "__non_callable_proto_members__",
             "_is_protocol", "_is_runtime_protocol", "__annotations__", "__orig_bases__", "__abstractmethods__"}}
    return body | set(WorkshopStore.__annotations__)


def used_on_workshops(source: str) -> set[str]:
    """Attribute names used on ``ws``/``workshop`` and on ``<anything>.ws``/``.workshop`` in a source text."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            v = node.value
            if (isinstance(v, ast.Name) and v.id in WORKSHOP_NAMES) or \
                    (isinstance(v, ast.Attribute) and v.attr in WORKSHOP_NAMES):
                used.add(node.attr)
    return used


def test_open_workshop_satisfies_the_protocol(tmp_path):
    with open_workshop(tmp_path / "w") as ws:
        assert isinstance(ws, WorkshopStore)
    assert not isinstance(object(), WorkshopStore)


def test_every_attribute_the_kit_uses_on_a_workshop_is_declared():
    used: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for attr in used_on_workshops(path.read_text(encoding="utf-8")):
            used.setdefault(attr, []).append(str(path.relative_to(PACKAGE)))
    assert {"rows", "upsert", "batch", "revision", "next_id", "export_folder"} <= set(used)  # the scan sees the kit
    missing = {a: files for a, files in used.items() if a not in declared()}
    assert not missing, f"used on a workshop but not declared in store.WorkshopStore: {missing}"


def test_the_scan_sees_every_spelling():
    src = "def f(ws, model):\n    ws.rows('x')\n    model.ws.secret()\n    self.workshop.path\n    other.rows()\n"
    assert used_on_workshops(src) == {"rows", "secret", "path"}


def test_every_declared_member_exists_on_the_sqlite_workshop():
    assert declared() - set(dir(Workshop)) <= {"path", "actor"}  # instance attributes, set in __init__
    assert {"next_id", "export_folder", "revision", "schema_version", "batch", "delete"} <= declared()


def test_delete_refuses_a_missing_key_and_an_unknown_table_in_japanese(ws):
    ws.upsert("vendors", {"vendor_id": "V001"}, {"name": "A社"})
    with pytest.raises(OhayamiError, match="キー「事業者ID」がありません") as e:
        ws.delete("vendors", {})
    assert e.value.field == "vendor_id"
    with pytest.raises(OhayamiError, match="キー「評価者」"):
        ws.delete("scores", {"set_id": "E", "alternative_id": "V001", "criterion_id": "c"})
    with pytest.raises(OhayamiError, match="表「nope」"):
        ws.delete("nope", {"x": 1})
    assert len(ws.rows("vendors")) == 1
    assert ws.delete("vendors", {"vendor_id": "V001"}) and not ws.delete("vendors", {"vendor_id": "V001"})


def test_next_id_follows_the_highest_number_in_the_store(ws):
    assert ws.next_id("vendors", "V") == ["V001"]
    ws.upsert("vendors", {"vendor_id": "V002"}, {"name": "A社"})
    ws.upsert("vendors", {"vendor_id": "V010"}, {"name": "B社"})
    ws.upsert("vendors", {"vendor_id": "X999"}, {"name": "C社"})  # another prefix does not count
    assert ws.next_id("vendors", "V", 3) == ["V011", "V012", "V013"]
    assert ws.next_id("vendors", "V", 1, taken={"V020", "note"}) == ["V021"]
    # criteria are numbered per evaluation set
    ws.upsert("criteria", {"set_id": "E", "criterion_id": "e004"}, {"name": "機能"})
    assert ws.next_id("criteria", "e", set_id="E") == ["e005"]
    assert ws.next_id("criteria", "e", set_id="C") == ["e001"]
    with pytest.raises(OhayamiError, match="番号を振る列ではありません"):
        ws.next_id("vendors", "V", column="name")
    with pytest.raises(OhayamiError, match="列「colour」"):
        ws.next_id("vendors", "V", colour="red")
    with pytest.raises(OhayamiError, match="英字"):
        ws.next_id("vendors", "V(")


def test_models_number_through_the_store(ws):
    from ohayami.problems import ProblemWorkbench
    from ohayami.vendors import VendorWorkbench

    ws.upsert("vendors", {"vendor_id": "V041"}, {"name": "先にある社"})
    assert VendorWorkbench(ws).add_vendor("新しい社") == "V042"
    ws.upsert("problems", {"problem_id": "P009"}, {"title": "既存の課題"})
    assert ProblemWorkbench(ws).add_problem("新しい課題") == "P010"
    vb = VendorWorkbench(ws)
    first = vb.add_criterion("操作のしやすさ")
    assert vb.add_criterion("費用") == f"e{int(first[1:]) + 1:03d}"


def test_export_folder_is_next_to_the_file(tmp_path):
    with open_workshop(tmp_path / "town") as ws:
        folder = ws.export_folder()
        assert folder == tmp_path / "town_出力" and folder.is_dir()
        assert ws.export_folder() == folder  # asking again is harmless
