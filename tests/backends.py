"""The two workshop stores, SQLite (a file) and PostgreSQL (a server), as one pytest parameter.

A test module that imports ``backend`` and ``ws`` from here runs each test that uses them once per
store. The PostgreSQL run needs a server named by ``OHAYAMI_PG_DSN`` (``.ci/run`` starts one); without
it that run is skipped with the reason, except where a server was promised (``OHAYAMI_PG_DSN`` set,
or ``CI`` set): there an unreachable server fails the test instead of hiding behind a skip.
"""

from __future__ import annotations

import functools
import os
import uuid
from pathlib import Path

import pytest

PG_DSN = os.environ.get("OHAYAMI_PG_DSN", "")


@functools.cache
def pg_unavailable() -> str:
    """Why the PostgreSQL store cannot be tested here ("" when it can)."""
    if not PG_DSN:
        return "no PostgreSQL server: set OHAYAMI_PG_DSN (.ci/run starts one, see .ci/pg.sh)"
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[pg]')"
    try:
        psycopg.connect(PG_DSN, connect_timeout=5).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at OHAYAMI_PG_DSN is not reachable: {exc}"
    return ""


def require_pg() -> None:
    """Skip (or, where a server was promised, fail) when PostgreSQL cannot be tested."""
    reason = pg_unavailable()
    if reason:
        if PG_DSN or os.environ.get("CI"):
            pytest.fail(f"PostgreSQL store not tested: {reason}")
        pytest.skip(reason)


def open_spec(spec: tuple, actor: str = "ファシリテーター", create: bool = True):
    """Open a workshop from a picklable spec (for worker processes): ("sqlite", path) or ("pg", dsn, name)."""
    if spec[0] == "sqlite":
        from ohayami.store import open_workshop
        return open_workshop(spec[1], actor=actor, create=create)
    from ohayami.store_pg import open_pg_workshop
    return open_pg_workshop(spec[1], spec[2], actor=actor, create=create, folder=spec[3])


class Backend:
    """Opens workshops by a short name on one store; every test gets fresh ones."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind = kind
        self.tmp_path = tmp_path
        self._suffix = uuid.uuid4().hex[:8]  # PostgreSQL workshops outlive a test's tmp_path
        self._names: set[str] = set()

    def spec(self, name: str) -> tuple:
        if self.kind == "sqlite":
            return ("sqlite", str(self.tmp_path / name))
        # "w" and "w.ohayami" are one workshop, as they are one file
        full = f"{name.removesuffix('.ohayami')}-{self._suffix}"
        self._names.add(full)
        return ("pg", PG_DSN, full, str(self.tmp_path))

    def open(self, name: str, actor: str = "ファシリテーター", create: bool = True):
        return open_spec(self.spec(name), actor, create)

    def columns(self, ws, table: str) -> list[tuple[str, str]]:
        """(column, "REAL" or "TEXT") of a table as the store created it, in order."""
        if self.kind == "sqlite":
            return [(r[1], r[2]) for r in ws._conn.execute(f'PRAGMA table_info("{table}")')]
        cur = ws._conn.execute("SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position",
                               (ws._schema, table))
        return [(c, "REAL" if t == "double precision" else "TEXT" if t == "text" else t) for c, t in cur
                if c != "_seq"]  # the hidden insertion order, see store_pg

    def integrity(self, ws) -> str:
        """"ok" when the store is sound: SQLite's integrity check; on the server, no writer left
        holding a workshop lock or an open transaction (e.g. one killed mid-batch)."""
        if self.kind == "sqlite":
            return ws._conn.execute("PRAGMA integrity_check").fetchone()[0]
        locks = ws._conn.execute("SELECT count(*) FROM pg_locks WHERE locktype='advisory' "
                                 "AND pid <> pg_backend_pid()").fetchone()[0]
        open_tx = ws._conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname=current_database() "
                                   "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()").fetchone()[0]
        return "ok" if locks == open_tx == 0 else f"{locks} advisory locks, {open_tx} open transactions"

    def cleanup(self) -> None:
        if self.kind == "pg":
            from ohayami.store_pg import drop_pg_workshop
            for name in self._names:
                drop_pg_workshop(PG_DSN, name)


@pytest.fixture(params=["sqlite", "pg"])
def backend(request, tmp_path):
    """Each store in turn (PostgreSQL skipped with the reason when no server is reachable)."""
    if request.param == "pg":
        require_pg()
    b = Backend(request.param, tmp_path)
    yield b
    b.cleanup()


@pytest.fixture
def ws(backend):
    """A fresh workshop on each store (overrides conftest's SQLite-only ``ws``)."""
    w = backend.open("test")
    yield w
    w.close()
