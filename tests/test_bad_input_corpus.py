"""Every case of the bad-input corpus (tests/bad_inputs.py, tests/bad_files.py) gets a Japanese message
that names the problem, and leaves the workshop exactly as it was (tables, change log, and for files
opened, their bytes). The corpus size is printed at the end of the run (see conftest.py)."""

from __future__ import annotations

import hashlib
import re
import shutil

import pytest

from bad_files import FILE_CASES
from bad_inputs import CASES, seed
from conftest import DATA
from ohayami import exchange, guide
from ohayami.errors import OhayamiError
from ohayami.store import open_workshop

ALL = CASES + FILE_CASES
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def corpus_size() -> int:
    return len(ALL)


def _state(ws):
    return exchange.table_snapshot(ws), len(ws.history())


def _check_message(exc: OhayamiError, expect: str) -> None:
    text = str(exc) + "".join(f"\n{w}：{m}" for w, m in getattr(exc, "errors", []) or [])
    assert JAPANESE.search(exc.message), text
    assert any(word in text for word in expect.split("|")), f"expected one of {expect!r} in: {text}"
    assert "Traceback" not in text and "KeyError" not in text


@pytest.mark.parametrize("c", ALL, ids=[c.id for c in ALL])
def test_bad_input_is_refused_in_japanese_and_changes_nothing(c, tmp_path, monkeypatch):
    if c.kind == "guide":
        folder = tmp_path / "data"
        shutil.copytree(DATA, folder)
        c.action(folder)
        with pytest.raises(OhayamiError) as info:
            guide.validate_all(folder)
        _check_message(info.value, c.expect)
        return
    if c.kind == "open":
        path = tmp_path / "attack.ohayami"
        c.action(path)
        before = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        with pytest.raises(OhayamiError) as info:
            open_workshop(path, create=False).close()
        _check_message(info.value, c.expect)
        after = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        assert after == before
        return
    if c.kind == "stored":
        _check_stored(c, tmp_path)
        return
    ws = open_workshop(tmp_path / "w")
    try:
        model = c.extra["seed"](ws) if "seed" in c.extra else \
            seed(ws, c.kind if c.kind in ("D", "F", "G") else
                  "E" if c.kind == "sheet" or c.kind == "E" or c.table == "vendors" else "C")
        if c.kind == "sheet":
            data = c.action(model, model.scoring_sheet("佐藤"))
        before = _state(ws)
        with pytest.raises(OhayamiError) as info:
            if c.kind in ("C", "E", "D", "F", "G") or "seed" in c.extra:
                c.action(model)
            elif c.kind == "import":
                exchange.import_table(ws, c.table, c.data, name=c.name)
            elif c.kind == "sheet":
                model.import_scoring_sheet(data, name="佐藤.xlsx")
            else:
                raise AssertionError(c.kind)
        _check_message(info.value, c.expect)
        assert _state(ws) == before
    finally:
        ws.close()


def _check_stored(c, tmp_path) -> None:
    """A file that opens but holds a row its worksheet cannot use: every view still works, the row is
    reported in Japanese (table, row, field), and reading writes nothing (the file stays byte-identical)."""
    path = tmp_path / "crafted.ohayami"
    c.action(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    ws = open_workshop(path, create=False)
    try:
        state = _state(ws)
        reports = c.extra["read"](ws)
        assert _state(ws) == state
    finally:
        ws.close()
    text = "\n".join(reports)
    assert any(c.expect in r and JAPANESE.search(r) and "直" in r for r in reports), text
    assert "Error" not in text and "Traceback" not in text and "nan" not in text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_corpus_covers_every_item_of_the_trust_issue():
    items = {c.item for c in ALL}
    for item in ("13.2", "13.3", "13.5", "13.9", "13.11", "13.12", "13.13"):
        assert item in items, item
    assert len(ALL) >= 120
