"""A workshop kept on a PostgreSQL server instead of a file, behind the same :class:`WorkshopStore`.

For a prefecture that runs workshops for many towns, or a citizen workshop with 100+ participants
spread over several machines (JupyterHub): every participant's kernel connects to one server.

Layout in the database: one schema per workshop (``ohayami_<workshop id>``) holding exactly the
tables of ``store.TABLES`` (created from those declarations, never from a copy), the change log and
a ``meta`` table like the SQLite file's; ``public.ohayami_workshops`` maps a workshop's name to its
schema. Each table has one hidden column, ``_seq``, so that rows come back in the order they were
first entered, as they do from the SQLite file.

Concurrency, the same as SQLite's ``BEGIN IMMEDIATE``: every write transaction first takes a
transaction-scoped advisory lock on the workshop (``pg_advisory_xact_lock``), so writers of one
workshop take turns and a read-modify-write inside :meth:`PgWorkshop.batch` cannot interleave with
another; readers never wait. Transactions run at READ COMMITTED, so each statement after the lock
sees everything committed before it. The change log is written in the same transaction as the edit;
because writers are serialised, its largest id grows with every commit and serves as ``revision()``.

psycopg (``pip install 'ohayami[pg]'``) is imported only when a server workshop is opened.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd

from .errors import OhayamiError
from .labels import column_label
from .store import (APP_ID, BUSY_TIMEOUT_S, MIGRATIONS, SCHEMA_VERSION, TABLES, StoreBase, Table, _column_value,
                    _log_text, _norm, _q, default_folder, now_iso)
from .textio import one_line

URL_SCHEMES = ("postgresql://", "postgres://")
REGISTRY = "public.ohayami_workshops"
# the columns of the change log, as the SQLite file has them (a test compares the two)
CHANGELOG = ("id", "at", "actor", "tbl", "row_key", "field", "old", "new")
_CREATE_LOCK = 0x6F686179616D69  # "ohayami": serialises creating workshops (and the registry)
NAME_LIMIT = 60


def _pg_ddl(schema: str) -> list[str]:
    """The workshop's tables in ``schema``: ``store.TABLES`` with PostgreSQL types."""
    out = [f'CREATE SCHEMA "{schema}"']
    for t in TABLES.values():
        cols = [f'"{c}" {"double precision" if c in t.numeric else "text"}' for c in t.columns]
        out.append(f'CREATE TABLE "{schema}"."{t.name}" ({", ".join(cols)}, '
                   f'"_seq" bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY ({_q(t.keys)}))')
    out.append(f'CREATE TABLE "{schema}".changelog (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, '
               'at text NOT NULL, actor text NOT NULL, tbl text NOT NULL, row_key text NOT NULL, '
               'field text NOT NULL, old text, new text)')
    out.append(f'CREATE TABLE "{schema}".meta (key text PRIMARY KEY, value text)')
    return out


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise OhayamiError("PostgreSQL のワークショップを開くには psycopg が必要です。"
                           "「pip install 'ohayami[pg]'」でインストールしてください。") from None
    return psycopg


def _connect(dsn: str):
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10, application_name="ohayami")
    except psycopg.Error as exc:
        raise OhayamiError("ワークショップのデータベースサーバーに接続できません。接続先（アドレス・利用者名・"
                           f"データベース名）とサーバーが動いているかを確かめてください（{_first_line(exc)}）。"
                           ) from exc
    # a writer waits its turn like SQLite's busy timeout, then gives up with a message, not forever
    conn.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _cast(t: Table, column: str, value: Any) -> Any:
    """A value as its column keeps it. SQLite converts by column affinity (a number written to a text
    column reads back as text); PostgreSQL refuses instead, so the conversion is done here. Text goes
    through the file store's own checks (control characters stripped, JSON where JSON is kept)."""
    if column not in t.numeric:
        value = _column_value(t, column, value)
        return None if value is None else value if isinstance(value, str) else str(value)
    value = _norm(value)
    if value is None:
        return None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise OhayamiError(f"{t.label}の「{column_label(column)}」には数値を入れてください"
                           f"（「{value}」は数値ではありません）。", field=column) from None


def _lock_key(workshop_id: str) -> int:
    """The workshop's advisory lock key: 60 bits of a hash of its id (two workshops do not share one)."""
    return int(hashlib.sha256(workshop_id.encode()).hexdigest()[:15], 16)


def _key_values(t: Table, key: dict) -> list:
    missing = [k for k in t.keys if k not in key or key[k] in (None, "")]
    if missing:
        raise OhayamiError(f"{t.label}のキー「{column_label(missing[0])}」がありません。", field=missing[0])
    return [_cast(t, k, key[k]) for k in t.keys]


class PgWorkshop(StoreBase):
    """One workshop on a PostgreSQL server. Open it with :func:`open_pg_workshop` or :func:`open_workshop_url`."""

    def __init__(self, conn, name: str, schema: str, workshop_id: str, folder: Path, actor: str):
        self._conn = conn
        self._name = name
        self._schema = schema
        self._workshop_id = workshop_id
        self._lock = _lock_key(workshop_id)
        self.path = folder  # no file: the local folder that holds this workshop's exports
        self.actor = actor
        self._in_batch = False

    # ------------------------------------------------------------------ lifecycle
    @property
    def name(self) -> str:
        return self._name

    @property
    def workshop_id(self) -> str:
        """A random id given at creation (also the schema's name); scoring sheets carry it."""
        return self._workshop_id

    def _execute(self, sql: str, params: Any = ()):
        psycopg = _psycopg()
        try:
            return self._conn.execute(sql, params)
        except psycopg.errors.LockNotAvailable as exc:
            raise OhayamiError("ワークショップが他の画面で使用中のため保存できませんでした。"
                               "もう一度保存してください。") from exc
        except psycopg.OperationalError as exc:
            raise OhayamiError("ワークショップのデータベースサーバーとの接続が切れました。入力は保存されて"
                               f"いない可能性があります。ページを開き直してください（{_first_line(exc)}）。") from exc

    def revision(self) -> tuple[int, int]:
        """Changes when anyone commits an edit: the change log's largest id (writers take turns, so it
        grows with every commit), and 0. Lets a view cache what it read until the workshop changes."""
        return (self._execute("SELECT coalesce(max(id), 0) FROM changelog").fetchone()[0], 0)

    def schema_version(self) -> int:
        return int(self._execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    # ------------------------------------------------------------------ writing
    @contextmanager
    def batch(self, actor: str | None = None) -> Iterator["PgWorkshop"]:
        """All writes inside succeed together or not at all, and no other writer of this workshop
        runs in between (a read-modify-write inside is safe)."""
        if self._in_batch:
            yield self
            return
        with self._write():
            self._in_batch = True
            try:
                yield self
            finally:
                self._in_batch = False

    @contextmanager
    def _write(self) -> Iterator[None]:
        if self._in_batch:
            yield
            return
        psycopg = _psycopg()
        try:
            with self._conn.transaction():
                self._execute("SELECT pg_advisory_xact_lock(%s)", (self._lock,))
                yield
        except psycopg.OperationalError as exc:  # e.g. the commit itself lost the server
            raise OhayamiError("ワークショップのデータベースサーバーとの接続が切れました。入力は保存されて"
                               f"いない可能性があります。ページを開き直してください（{_first_line(exc)}）。") from exc

    def _log(self, rows: list[tuple]) -> None:
        if rows:
            with self._conn.cursor() as cur:
                cur.executemany("INSERT INTO changelog (at, actor, tbl, row_key, field, old, new) "
                                "VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)

    def upsert(self, table: str, key: dict, values: dict, actor: str | None = None) -> bool:
        """Insert or update one row; log every changed field. Returns whether anything changed."""
        t = self._table(table)
        keyvals = _key_values(t, key)
        unknown = [c for c in values if c not in t.values]
        if unknown:
            raise OhayamiError(f"{t.label}に列「{unknown[0]}」はありません。")
        new = {c: _cast(t, c, v) for c, v in values.items()}
        where = " AND ".join(f'"{k}"=%s' for k in t.keys)
        row_key = json.dumps(keyvals, ensure_ascii=False)
        actor = actor or self.actor
        with self._write():
            cur = self._execute(f'SELECT {_q(t.values)} FROM "{t.name}" WHERE {where}', keyvals).fetchone()
            if cur is None:
                cols = list(t.keys) + list(new)
                self._execute(f'INSERT INTO "{t.name}" ({_q(cols)}) VALUES ({", ".join(["%s"] * len(cols))})',
                              keyvals + list(new.values()))
                changes = [(c, None, v) for c, v in new.items() if v is not None] or [("*", None, "(作成)")]
            else:
                old = dict(zip(t.values, cur))
                changes = [(c, old[c], v) for c, v in new.items() if old[c] != v]
                if changes:
                    sets = ", ".join(f'"{c}"=%s' for c, _, _ in changes)
                    self._execute(f'UPDATE "{t.name}" SET {sets} WHERE {where}', [v for _, _, v in changes] + keyvals)
            at = now_iso()
            self._log([(at, actor, t.name, row_key, c, _log_text(o), _log_text(n)) for c, o, n in changes])
        return bool(changes)

    def delete(self, table: str, key: dict, actor: str | None = None) -> bool:
        """Delete one row (logged with its old values). Returns whether a row was there."""
        t = self._table(table)
        keyvals = _key_values(t, key)
        where = " AND ".join(f'"{k}"=%s' for k in t.keys)
        with self._write():
            cur = self._execute(f'DELETE FROM "{t.name}" WHERE {where} RETURNING {_q(t.values)}', keyvals).fetchone()
            if cur is None:
                return False
            self._log([(now_iso(), actor or self.actor, t.name, json.dumps(keyvals, ensure_ascii=False), "*",
                        json.dumps(dict(zip(t.values, cur)), ensure_ascii=False), "(削除)")])
        return True

    # ------------------------------------------------------------------ reading
    def _select(self, t: Table, what: str, where: dict):
        """``SELECT what`` from the table, filtered by equality on its columns (checked first), in the
        order the rows were first entered."""
        bad = [c for c in where if c not in t.columns]
        if bad:
            raise OhayamiError(f"{t.label}に列「{bad[0]}」はありません。")
        sql = f'SELECT {what} FROM "{t.name}"'
        if where:
            sql += " WHERE " + " AND ".join(f'"{c}"=%s' for c in where)
        return self._execute(sql + ' ORDER BY "_seq"', [_cast(t, c, v) for c, v in where.items()])

    def rows(self, table: str, **where: Any) -> pd.DataFrame:
        """The table's rows (optionally filtered by equality on columns), in the order first entered."""
        cur = self._select(self._table(table), "*", where)
        df = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description], dtype=object)
        return df.drop(columns="_seq")

    def history(self, table: str | None = None) -> pd.DataFrame:
        """The change log, oldest first: id, at, actor, tbl, row_key, field, old, new."""
        sql = f"SELECT {', '.join(CHANGELOG)} FROM changelog" + (" WHERE tbl=%s" if table else "") + " ORDER BY id"
        return pd.DataFrame(self._execute(sql, [table] if table else []).fetchall(), columns=list(CHANGELOG),
                            dtype=object)

    def setting(self, key: str, default: Any = None) -> Any:
        row = self._execute('SELECT value FROM settings WHERE "key"=%s', (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    # ------------------------------------------------------------------ ids and files
    def export_folder(self) -> Path:
        """Where exports of this workshop are written: a local folder ``<name>_出力`` (created)."""
        self.path.mkdir(parents=True, exist_ok=True)
        return self.path


# ---------------------------------------------------------------------- opening

def _clean_workshop_name(name: Any) -> str:
    return one_line(name, "ワークショップ名", "workshop", NAME_LIMIT)


@contextmanager
def _registry(conn) -> Iterator[None]:
    """A transaction holding the registry of workshops, one at a time: creating the registry or one
    workshop twice at once must not fail."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
        conn.execute(f"CREATE TABLE IF NOT EXISTS {REGISTRY} (name text PRIMARY KEY, schema text UNIQUE NOT NULL, "
                     "created_at text NOT NULL)")
        yield


def _conform(conn, schema: str) -> None:
    """After migration steps written for SQLite: ``REAL`` means single precision in PostgreSQL, and a
    new table lacks ``_seq``. Bring every declared table to what a new workshop has."""
    have: dict[str, dict[str, str]] = {}
    for table, column, dtype in conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema=%s",
            (schema,)):
        have.setdefault(table, {})[column] = dtype
    for t in TABLES.values():
        cols = have.get(t.name, {})
        for c in t.numeric:
            if cols.get(c) not in (None, "double precision"):
                conn.execute(f'ALTER TABLE "{t.name}" ALTER COLUMN "{c}" TYPE double precision '
                             f'USING "{c}"::double precision')
        if cols and "_seq" not in cols:
            conn.execute(f'ALTER TABLE "{t.name}" ADD COLUMN "_seq" bigint GENERATED ALWAYS AS IDENTITY')


def _check_and_migrate(conn, name: str, schema: str) -> str:
    """Check the workshop's meta rows; bring an older workshop to this version. Returns its id."""
    conn.execute(f'SET search_path TO "{schema}"')
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("app") != APP_ID:
        raise OhayamiError(f"データベースのワークショップ「{name}」は ohayami のものではありません。")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise OhayamiError(f"ワークショップ「{name}」の版が読めません。") from None
    if version > SCHEMA_VERSION:
        raise OhayamiError(f"ワークショップ「{name}」は新しい版の ohayami（形式 {version}）で作られています。"
                           f"この ohayami は形式 {SCHEMA_VERSION} までしか開けません。ohayami を更新してください。"
                           "データは変更していません。")
    if version < SCHEMA_VERSION:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(meta["workshop_id"]),))  # no writer meanwhile
        for v in range(version + 1, SCHEMA_VERSION + 1):
            for step in MIGRATIONS[v]:
                if callable(step):  # written against a SQLite connection
                    raise OhayamiError(f"ワークショップ「{name}」（形式 {version}）をサーバー上で形式 {v} に"
                                       "移行できません。いったん Excel にエクスポートし、新しいワークショップに"
                                       "取り込んでください。データは変更していません。")
                conn.execute(step)
        _conform(conn, schema)
        conn.execute("UPDATE meta SET value=%s WHERE key='schema_version'", (str(SCHEMA_VERSION),))
    return meta["workshop_id"]


def open_pg_workshop(dsn: str, name: str, *, create: bool = True, actor: str = "ファシリテーター",
                     folder: str | Path | None = None) -> PgWorkshop:
    """Open (or create) the workshop ``name`` in the PostgreSQL database at ``dsn`` (a libpq
    connection string or URL). Exports go to ``<folder>/<name>_出力`` (default: the workshops folder).
    A workshop from a newer kit is refused and left untouched; an older one is migrated in one
    transaction."""
    name = _clean_workshop_name(name)
    conn = _connect(dsn)
    try:
        with _registry(conn):
            row = conn.execute(f"SELECT schema FROM {REGISTRY} WHERE name=%s", (name,)).fetchone()
            if row is None:
                if not create:
                    raise OhayamiError(f"ワークショップ「{name}」はデータベースにありません。名前を確かめてください。",
                                       field="workshop")
                workshop_id = uuid.uuid4().hex
                schema = f"ohayami_{workshop_id}"
                for stmt in _pg_ddl(schema):
                    conn.execute(stmt)
                conn.execute(f"INSERT INTO {REGISTRY} (name, schema, created_at) VALUES (%s, %s, %s)",
                             (name, schema, now_iso()))
                conn.execute(f'INSERT INTO "{schema}".meta VALUES (%s, %s), (%s, %s), (%s, %s), (%s, %s)',
                             ("app", APP_ID, "schema_version", str(SCHEMA_VERSION), "created_at", now_iso(),
                              "workshop_id", workshop_id))
            else:
                schema = row[0]
            workshop_id = _check_and_migrate(conn, name, schema)
    except BaseException:
        conn.close()
        raise
    base = Path(folder) if folder is not None else default_folder()
    return PgWorkshop(conn, name, schema, workshop_id, base / f"{name}_出力", actor)


def is_pg_url(address: Any) -> bool:
    """Whether ``address`` names a workshop on a PostgreSQL server (``postgresql://…``)."""
    return isinstance(address, str) and address.lower().startswith(URL_SCHEMES)


def split_url(url: str) -> tuple[str, str]:
    """``postgresql://user@host/db?workshop=名前`` → (the connection URL without ``workshop``, the name).
    The name travels in the address; libpq would refuse the unknown parameter, so it is taken out."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [v for k, v in query if k == "workshop"]
    if not names or not names[0].strip():
        raise OhayamiError("アドレスにワークショップ名がありません。末尾に「?workshop=ワークショップ名」を"
                           "付けてください。", field="workshop")
    rest = urlencode([(k, v) for k, v in query if k != "workshop"])
    # by hand: urlunsplit drops the "//" of an empty host ("postgresql:///db", a local socket)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{rest}" if rest else ""), names[0]


def open_workshop_url(url: str, *, create: bool = True, actor: str = "ファシリテーター",
                      folder: str | Path | None = None) -> PgWorkshop:
    """Open the workshop named in a ``postgresql://…?workshop=名前`` address."""
    dsn, name = split_url(url)
    return open_pg_workshop(dsn, name, create=create, actor=actor, folder=folder)


def list_pg_workshops(dsn: str) -> list[str]:
    """The names of the workshops in the database, oldest first (for a facilitator's picker)."""
    conn = _connect(dsn)
    try:
        exists = conn.execute("SELECT to_regclass(%s)", (REGISTRY,)).fetchone()[0]
        if exists is None:
            return []
        return [r[0] for r in conn.execute(f"SELECT name FROM {REGISTRY} ORDER BY created_at, name")]
    finally:
        conn.close()


def drop_pg_workshop(dsn: str, name: str) -> bool:
    """Delete a workshop and everything in it from the database. Returns whether it was there."""
    name = _clean_workshop_name(name)
    conn = _connect(dsn)
    try:
        with _registry(conn):
            row = conn.execute(f"DELETE FROM {REGISTRY} WHERE name=%s RETURNING schema", (name,)).fetchone()
            if row is not None:
                conn.execute(f'DROP SCHEMA "{row[0]}" CASCADE')
        return row is not None
    finally:
        conn.close()
