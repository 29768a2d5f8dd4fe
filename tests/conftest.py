import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ that a test may break."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def pytest_configure(config):
    """Notebooks run by nbval and views built by tests write their workshops to a scratch folder."""
    import os
    import tempfile
    os.environ.setdefault("OHAYAMI_WORKSHOPS", tempfile.mkdtemp(prefix="ohayami-ws-"))


@pytest.fixture
def ws(tmp_path):
    from ohayami.store import open_workshop
    w = open_workshop(tmp_path / "test")
    yield w
    w.close()


@pytest.fixture(autouse=True)
def callbacks_raise(monkeypatch):
    """ipywidgets swallows exceptions in button callbacks (a log line nobody reads); in tests they fail."""
    from ipywidgets.widgets.widget import CallbackDispatcher

    def call(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            local = callback(*args, **kwargs)
            value = local if local is not None else value
        return value

    monkeypatch.setattr(CallbackDispatcher, "__call__", call)


def pytest_terminal_summary(terminalreporter):
    """Say how large the bad-input corpus is (issue: the count is printed in the test output)."""
    try:
        from bad_files import FILE_CASES
        from bad_inputs import CASES
    except ImportError:
        return
    kinds = {}
    for c in CASES + FILE_CASES:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    terminalreporter.write_line(f"bad-input corpus: {len(CASES) + len(FILE_CASES)} cases "
                                f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")


@pytest.fixture
def exported():
    """``exported(folder, stem, ext)``: the newest export ``<stem>_YYYY-MM-DD_HHMM.<ext>`` in ``folder``
    (exports carry their JST time in the name, so that a second export never overwrites the first)."""
    import re

    def find(folder, stem, ext):
        pattern = re.compile(re.escape(stem) + r"_\d{4}-\d{2}-\d{2}_\d{4}\." + re.escape(ext))
        found = [p for p in Path(folder).iterdir() if pattern.fullmatch(p.name)]
        assert found, f"no {stem}_<time>.{ext} in {sorted(p.name for p in Path(folder).iterdir())}"
        return max(found, key=lambda p: p.stat().st_mtime)

    return find


def old_workshop(path, version: int, rows: dict | None = None):
    """A workshop file exactly as a kit at schema ``version`` made it (the migration steps up to it),
    with ``rows`` ({table: [{column: value}]}) written by plain SQL, for testing the upgrade."""
    import sqlite3
    import uuid

    from ohayami import store as S

    conn = sqlite3.connect(path)
    conn.execute(S._META_DDL)
    for v in range(1, version + 1):
        for step in S.MIGRATIONS[v]:
            step(conn) if callable(step) else conn.execute(step)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("app", S.APP_ID), ("schema_version", str(version)),
                                                        ("created_at", "2026-01-01T00:00:00+09:00"),
                                                        ("workshop_id", uuid.uuid4().hex)])
    for table, recs in (rows or {}).items():
        for rec in recs:
            conn.execute(f'INSERT INTO "{table}" ({", ".join(rec)}) VALUES ({", ".join("?" * len(rec))})',
                         list(rec.values()))
    conn.commit()
    conn.close()
    return path
