"""The workshop file: everything entered in a workshop, saved as it is entered.

One SQLite file (standard library, no server) per workshop. Why SQLite: it is one file a town hall
can copy and archive, it survives a killed process (atomic commits with a journal), and in WAL mode
several kernels can read while one writes, each write waiting its turn (busy timeout) instead of
failing. Every write is one short ``BEGIN IMMEDIATE`` transaction that also appends to the change
log (who, when, table, row, field, old value, new value), so a committee can show how each score
came about.

Opening checks a file before anything writes to it: tables, columns, types, no trigger, view or index
ohayami did not create, numbers in number columns, JSON where JSON is kept. A file that fails is
refused with a Japanese message and left byte-identical. A new file is built complete under a
temporary name and linked into place, so participants opening a new workshop together all get the
same file.

The rest of the kit talks to :class:`Workshop` only through ``upsert``, ``delete``, ``rows``,
``history`` and ``batch``. A server database (PostgreSQL for a prefecture running workshops for
many towns) can replace SQLite behind the same five methods: the tables below map one to one, the
change log becomes a table written in the same transaction, and ``BEGIN IMMEDIATE`` becomes
``SELECT … FOR UPDATE`` on the edited row.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import sqlite3
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from .errors import OhayamiError

APP_ID = "ohayami-workshop"
NOT_SAVED = "入力した内容は保存されていません。"
BUSY_MESSAGE = "ワークショップファイルが他の画面で使用中のため保存できませんでした。もう一度保存してください。"
READ_ONLY_MESSAGE = ("このワークショップファイルは読み取り専用です。" + NOT_SAVED +
                     "書き込みできる場所にコピーするか、読み取り専用を外してから開き直してください。")
DISK_FULL_MESSAGE = ("ディスクの空きがないため保存できませんでした。" + NOT_SAVED +
                     "ディスクの空きを作ってから、もう一度保存してください。")
SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0
SUFFIX = ".ohayami"


@dataclass(frozen=True)
class Table:
    """A table of the workshop: its key columns, its value columns and their Japanese labels."""

    name: str
    label: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    numeric: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.values


TABLES: dict[str, Table] = {t.name: t for t in [
    Table("people", "参加者", ("name",), ("department", "role")),
    Table("chart_results", "診断結果", ("result_id",),
          ("participant", "department", "mode", "answers", "result", "types", "created_at")),
    Table("problems", "課題", ("problem_id",),
          ("title", "scene", "origin", "who", "how", "how_much", "cause", "evidence", "exclusion", "tags",
           "merged_into", "position"), numeric=("position",)),
    Table("visions", "実現したい地域像", ("problem_id",), ("beneficiary", "change", "degree")),
    Table("criteria", "評価項目", ("set_id", "criterion_id"),
          ("name", "requirement", "grp", "subgroup", "description", "example", "must_have", "direction",
           "scale", "weight", "position"), numeric=("must_have", "weight", "position")),
    Table("vendors", "事業者・サービス", ("vendor_id",), ("name", "service", "price", "notes"),
          numeric=("price",)),
    Table("scores", "評価点", ("set_id", "evaluator", "alternative_id", "criterion_id"), ("value",)),
    Table("weights", "重みづけ", ("set_id", "evaluator", "criterion_id"), ("value", "reason"), numeric=("value",)),
    Table("rankings", "感覚的な順位", ("set_id", "evaluator", "alternative_id"), ("rank",), numeric=("rank",)),
    Table("settings", "設定", ("key",), ("value",)),
]}

COLUMN_LABELS = {
    "name": "名前", "department": "所属", "role": "役割", "result_id": "結果ID", "participant": "参加者",
    "mode": "方式", "answers": "回答", "result": "タイプ", "types": "該当タイプ", "created_at": "日時",
    "problem_id": "課題ID", "title": "課題", "scene": "生活のワンシーン", "origin": "出どころ", "who": "誰が",
    "how": "どの様に", "how_much": "どの程度", "cause": "要因", "evidence": "検証結果", "exclusion": "除外理由",
    "tags": "まとめて解決できる課題のタグ", "merged_into": "統合先", "position": "並び順",
    "beneficiary": "受益者", "change": "状態の変化", "degree": "変化の程度",
    "set_id": "評価セット", "criterion_id": "評価項目ID", "requirement": "要件", "grp": "要件内訳",
    "subgroup": "小区分", "description": "概要", "example": "例", "must_have": "必須", "direction": "向き",
    "scale": "尺度", "weight": "配点", "vendor_id": "事業者ID", "service": "サービス", "price": "価格",
    "notes": "備考", "evaluator": "評価者", "alternative_id": "評価対象ID", "value": "値", "reason": "理由",
    "rank": "順位", "key": "項目",
}


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def _q(cols) -> str:
    """Quoted, comma-separated column names."""
    return ", ".join(f'"{c}"' for c in cols)


def _ddl() -> list[str]:
    out = []
    for t in TABLES.values():
        cols = [f'"{c}" {"REAL" if c in t.numeric else "TEXT"}' for c in t.columns]
        out.append(f'CREATE TABLE IF NOT EXISTS "{t.name}" ({", ".join(cols)}, PRIMARY KEY ({_q(t.keys)}))')
    out.append("CREATE TABLE IF NOT EXISTS changelog (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
               "actor TEXT NOT NULL, tbl TEXT NOT NULL, row_key TEXT NOT NULL, field TEXT NOT NULL, "
               "old TEXT, new TEXT)")
    return out


# version -> statements that bring a file from version-1 to version. When SCHEMA_VERSION goes up,
# freeze version 1's statements as literal text first: _ddl() always describes the newest tables.
MIGRATIONS: dict[int, list[str]] = {1: _ddl()}


# Columns whose text is JSON (read back with json.loads). The store refuses anything else there, and
# the check on opening refuses a file that holds anything else.
_JSON_COLUMNS: dict[str, tuple[str, ...]] = {"settings": ("value",), "chart_results": ("answers", "types")}
_META_DDL = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
# C0 and C1 controls (tab and newlines are handled before), DEL, lone surrogates and the two
# non-characters XML forbids: none of them can be typed on purpose, and any of them makes an XLSX
# export fail, so no text is stored with them.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _clean_text(text: str) -> str:
    """Text as stored: control characters stripped (a tab becomes a space, CR LF and a lone CR
    become LF, so multi-line text keeps its lines)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = text.replace("\t", " ")
    return _CONTROL_CHARS.sub("", text)


def _norm(value: Any) -> Any:
    """Values as stored: text stays text (stripped of control characters), numbers stay numbers;
    None, NaN and "" are NULL."""
    if isinstance(value, str):
        value = _clean_text(value)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return value.item()
    return value


def _column_value(t: Table, column: str, value: Any) -> Any:
    """One value for ``t.column`` as stored, or OhayamiError: numbers in number columns and valid
    JSON in JSON columns, so that the file always passes the check made when it is opened."""
    v = _norm(value)
    label = f"{t.label}の「{COLUMN_LABELS.get(column, column)}」"
    if v is None:
        return None
    if column in t.numeric:
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, (int, float)):
            return v
        try:
            return float(str(v).strip())
        except ValueError:
            raise OhayamiError(f"{label}は数で入れてください（「{v}」は数ではありません）。", field=column) from None
    if column in _JSON_COLUMNS.get(t.name, ()):
        try:
            json.loads(v)
        except (TypeError, ValueError):
            raise OhayamiError(f"{label}の値が読めません（JSON ではありません）。保存していません。", field=column) from None
    return v


def _log_text(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


class Workshop:
    """One workshop file. Open it with :func:`open_workshop`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, actor: str, *, read_only: bool = False):
        self.path = path
        self._conn = conn
        self.actor = actor
        self._in_batch = False
        self._read_only = read_only

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "Workshop":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def read_only(self) -> bool:
        """True when the file could only be opened for reading: every write raises OhayamiError."""
        return self._read_only

    @property
    def workshop_id(self) -> str:
        """A random id given at creation; scoring sheets carry it so they come back to the right workshop."""
        return self._conn.execute("SELECT value FROM meta WHERE key='workshop_id'").fetchone()[0]

    def revision(self) -> tuple[int, int]:
        """Changes when anyone commits to the file: (SQLite data_version, this connection's changes).
        Lets a view cache what it read until the file changes."""
        return (self._conn.execute("PRAGMA data_version").fetchone()[0], self._conn.total_changes)

    def schema_version(self) -> int:
        return int(self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    # ------------------------------------------------------------------ writing
    @contextmanager
    def batch(self, actor: str | None = None) -> Iterator["Workshop"]:
        """All writes inside succeed together or not at all (used by imports)."""
        if self._in_batch:
            yield self
            return
        self._in_batch = True
        try:
            with self._transaction():
                yield self
        finally:
            self._in_batch = False

    def _begin(self) -> None:
        if self._read_only:
            raise OhayamiError(READ_ONLY_MESSAGE)
        # BEGIN IMMEDIATE takes the write lock now, so the read-compare-write below cannot interleave.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) and time.monotonic() <= deadline:
                    time.sleep(0.05)
                    continue
                raise _storage_error(exc) or OhayamiError(BUSY_MESSAGE) from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._begin()
        try:
            yield
        except BaseException as exc:
            self._rollback()
            mapped = _storage_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise (_storage_error(exc) or OhayamiError(f"保存できませんでした（{exc}）。{NOT_SAVED}")) from exc

    def _rollback(self) -> None:
        # SQLite rolls a transaction back by itself after some errors (a full disk among them); a
        # second ROLLBACK would raise "no transaction is active" and hide the real error.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[None]:
        if not self._in_batch:
            with self._transaction():
                yield
            return
        if not self._conn.in_transaction:
            # an earlier error inside this batch made SQLite roll back: writing on would commit
            # each row by itself and break "all or nothing"
            raise OhayamiError(f"保存の途中で失敗したため、このまとめての保存は取り消されました。{NOT_SAVED}")
        yield

    def _table(self, table: str) -> Table:
        try:
            return TABLES[table]
        except KeyError:
            raise OhayamiError(f"表「{table}」はワークショップにありません。") from None

    def upsert(self, table: str, key: dict, values: dict, actor: str | None = None) -> bool:
        """Insert or update one row; log every changed field. Returns whether anything changed.

        Text is stripped of control characters before it is stored (not refused: they come from
        pasted or imported text nobody can see, and an export must never fail on them). A tab
        becomes a space, line ends become ``\\n``. Number columns take numbers only and JSON
        columns valid JSON only; anything else raises :class:`OhayamiError` and writes nothing."""
        t = self._table(table)
        missing = [k for k in t.keys if k not in key or key[k] in (None, "")]
        if missing:
            raise OhayamiError(f"{t.label}のキー「{COLUMN_LABELS.get(missing[0], missing[0])}」がありません。")
        unknown = [c for c in values if c not in t.values]
        if unknown:
            raise OhayamiError(f"{t.label}に列「{unknown[0]}」はありません。")
        keyvals = [_norm(key[k]) for k in t.keys]
        where = " AND ".join(f'"{k}"=?' for k in t.keys)
        row_key = json.dumps(keyvals, ensure_ascii=False)
        actor = actor or self.actor
        new = {c: _column_value(t, c, v) for c, v in values.items()}
        with self._write():
            cur = self._conn.execute(f'SELECT {_q(t.values)} '
                                     f'FROM "{t.name}" WHERE {where}', keyvals).fetchone()
            if cur is None:
                cols = list(t.keys) + list(new)
                self._conn.execute(
                    f'INSERT INTO "{t.name}" ({_q(cols)}) '
                    f'VALUES ({", ".join("?" for _ in cols)})', keyvals + list(new.values()))
                changes = [(c, None, v) for c, v in new.items() if v is not None] or [("*", None, "(作成)")]
            else:
                old = dict(zip(t.values, cur))
                changes = [(c, old[c], v) for c, v in new.items() if old[c] != v]
                if changes:
                    sets = ", ".join(f'"{c}"=?' for c, _, _ in changes)
                    self._conn.execute(f'UPDATE "{t.name}" SET {sets} WHERE {where}',
                                       [v for _, _, v in changes] + keyvals)
            at = now_iso()
            self._conn.executemany(
                "INSERT INTO changelog (at, actor, tbl, row_key, field, old, new) VALUES (?,?,?,?,?,?,?)",
                [(at, actor, t.name, row_key, c, _log_text(o), _log_text(n)) for c, o, n in changes])
        return bool(changes)

    def delete(self, table: str, key: dict, actor: str | None = None) -> bool:
        """Delete one row (logged with its old values). Returns whether a row was there."""
        t = self._table(table)
        keyvals = [_norm(key[k]) for k in t.keys]
        where = " AND ".join(f'"{k}"=?' for k in t.keys)
        with self._write():
            cur = self._conn.execute(f'SELECT {_q(t.values)} '
                                     f'FROM "{t.name}" WHERE {where}', keyvals).fetchone()
            if cur is None:
                return False
            self._conn.execute(f'DELETE FROM "{t.name}" WHERE {where}', keyvals)
            self._conn.execute(
                "INSERT INTO changelog (at, actor, tbl, row_key, field, old, new) VALUES (?,?,?,?,?,?,?)",
                (now_iso(), actor or self.actor, t.name, json.dumps(keyvals, ensure_ascii=False), "*",
                 json.dumps(dict(zip(t.values, cur)), ensure_ascii=False), "(削除)"))
        return True

    # ------------------------------------------------------------------ reading
    def rows(self, table: str, **where: Any) -> pd.DataFrame:
        """The table's rows (optionally filtered by equality on columns) as a frame."""
        t = self._table(table)
        bad = [c for c in where if c not in t.columns]
        if bad:
            raise OhayamiError(f"{t.label}に列「{bad[0]}」はありません。")
        sql = f'SELECT * FROM "{t.name}"'
        if where:
            sql += " WHERE " + " AND ".join(f'"{c}"=?' for c in where)
        cur = self._conn.execute(sql, [_norm(v) for v in where.values()])
        return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)

    def get(self, table: str, **key: Any) -> dict | None:
        df = self.rows(table, **key)
        return None if df.empty else df.iloc[0].to_dict()

    def history(self, table: str | None = None) -> pd.DataFrame:
        """The change log, oldest first: id, at, actor, tbl, row_key, field, old, new."""
        sql = "SELECT * FROM changelog" + (" WHERE tbl=?" if table else "") + " ORDER BY id"
        cur = self._conn.execute(sql, [table] if table else [])
        return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)

    def setting(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute('SELECT value FROM settings WHERE "key"=?', (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any, actor: str | None = None) -> None:
        self.upsert("settings", {"key": key}, {"value": json.dumps(value, ensure_ascii=False)}, actor)


# ---------------------------------------------------------------------- opening

NOT_CHANGED = "ファイルは変更していません。"
DAMAGED_MESSAGE = ("ワークショップファイルが壊れています。バックアップ（.bak）やエクスポートした Excel から"
                   "復元してください。" + NOT_CHANGED)
_KIND_LABELS = {"table": "表", "view": "ビュー", "trigger": "トリガー", "index": "索引"}
_NUMBER_TYPES = ("REAL", "INTEGER", "NUMERIC")
_TEMP_SUFFIX = ".creating"


def _storage_kind(exc: BaseException) -> str | None:
    """What went wrong underneath SQLite: "full", "readonly", "io", "busy", or None."""
    if isinstance(exc, OSError):
        return {errno.ENOSPC: "full", getattr(errno, "EDQUOT", errno.ENOSPC): "full",
                errno.EROFS: "readonly", errno.EIO: "io"}.get(exc.errno)
    if not isinstance(exc, sqlite3.Error):
        return None
    name, text = getattr(exc, "sqlite_errorname", None) or "", str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "readonly"
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return "io"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "busy"
    return None


def _storage_error(exc: BaseException) -> OhayamiError | None:
    """The Japanese message for a write that failed underneath (full disk, read-only file), or None."""
    if isinstance(exc, OhayamiError):
        return None
    kind = _storage_kind(exc)
    if kind == "io":
        return OhayamiError(f"ディスクへの書き込みに失敗しました（{exc}）。{NOT_SAVED}"
                            "ディスクやネットワークの接続を確かめて、もう一度保存してください。")
    message = {"full": DISK_FULL_MESSAGE, "readonly": READ_ONLY_MESSAGE, "busy": BUSY_MESSAGE}.get(kind)
    return OhayamiError(message) if message else None


def _folder_writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (tried for real: permissions alone miss read-only
    mounts and network shares)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _folder_message(path: Path) -> OhayamiError:
    return OhayamiError(f"ワークショップファイルのあるフォルダ（{path.parent}）に書き込めないため開けません。"
                        "ファイルは壊れていません（変更していません）。書き込めるフォルダにファイルをコピーして"
                        "から開くか、フォルダの書き込みの許可を管理者に確かめてください。", file=path.name)


def _open_error(path: Path, exc: sqlite3.Error) -> OhayamiError:
    """The Japanese message for a file SQLite could not open or read."""
    wal_files = all(Path(f"{path}{s}").exists() for s in ("-wal", "-shm"))
    if not wal_files and not _folder_writable(path.parent):
        # WAL needs to create <name>-wal and <name>-shm next to the file; a folder that forbids it is
        # not a damaged file, and saying so would invite a destructive restore
        return _folder_message(path)
    if _storage_kind(exc) == "busy":
        return OhayamiError("ワークショップファイルが他の画面で使用中のため開けませんでした。もう一度開いてください。",
                            file=path.name)
    if isinstance(exc, sqlite3.OperationalError):
        return OhayamiError(f"ファイルを開けません（{exc}）。{NOT_CHANGED}", file=path.name)
    return OhayamiError(DAMAGED_MESSAGE, file=path.name)


def _read_only_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                           isolation_level=None)


def _schema_of(conn: sqlite3.Connection) -> dict:
    """Every schema entry ((type, name) -> (table, SQL text)) and every table's columns."""
    entries = {(kind, name): (tbl, " ".join(sql.split()) if sql else None)
               for kind, name, tbl, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
               if not name.startswith("sqlite_stat")}  # ANALYZE statistics change no result
    columns = {name: [(c[1], c[2].upper(), c[3], c[4], c[5]) for c in conn.execute(f'PRAGMA table_info("{name}")')]
               for kind, name in entries if kind == "table"}
    return {"entries": entries, "columns": columns}


@functools.lru_cache(maxsize=16)
def _schema_from(statements: tuple[str, ...]) -> dict:
    mem = sqlite3.connect(":memory:")
    try:
        for stmt in statements:
            mem.execute(stmt)
        return _schema_of(mem)
    finally:
        mem.close()


def _expected_schema(version: int) -> dict:
    """What a file of ``version`` holds: the tables the migrations up to it create (built in memory,
    so it follows TABLES and MIGRATIONS when they change)."""
    return _schema_from((_META_DDL, *(s for v in range(1, version + 1) for s in MIGRATIONS[v])))


def _label(table: str) -> str:
    t = TABLES.get(table)
    label = t.label if t else {"changelog": "変更履歴", "meta": "管理情報"}.get(table)
    return f"{label}（{table}）" if label else table


def _schema_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """What in the file differs from the tables ohayami creates, in Japanese, or None."""
    want, have = _expected_schema(version), _schema_of(conn)
    for kind, name in want["entries"]:
        if kind == "table" and (kind, name) not in have["entries"]:
            if ("view", name) in have["entries"]:
                return f"表「{_label(name)}」が本物の表ではなく、ビュー（ほかの値を見せる仕掛け）に置き換えられています。"
            return f"表「{_label(name)}」がありません。"
    for (kind, name), (tbl, _) in have["entries"].items():
        if (kind, name) not in want["entries"]:
            what = _KIND_LABELS.get(kind, kind)
            return f"ohayami が作っていない{what}「{name}」（表「{_label(tbl)}」に対して）があります。"
    for (kind, name), (tbl, sql) in want["entries"].items():
        if (kind, name) not in have["entries"]:
            return f"{_KIND_LABELS.get(kind, kind)}「{name}」（表「{_label(tbl)}」）がありません。"
        if kind != "table":
            continue
        cols, got = want["columns"][name], {c[0]: c for c in have["columns"][name]}
        for col in cols:
            if col[0] not in got:
                return f"表「{_label(name)}」に列「{col[0]}」がありません。"
            if got[col[0]][1] != col[1]:
                return f"表「{_label(name)}」の列「{col[0]}」の型が {col[1] or 'なし'} ではなく {got[col[0]][1] or 'なし'} です。"
            if got[col[0]][2:] != col[2:]:
                return f"表「{_label(name)}」の列「{col[0]}」の制約（主キー・必須・既定値）が違います。"
        extra = [c for c in got if c not in {col[0] for col in cols}]
        if extra:
            return f"表「{_label(name)}」に ohayami が作っていない列「{extra[0]}」があります。"
        if [c[0] for c in have["columns"][name]] != [c[0] for c in cols] or have["entries"][(kind, name)][1] != sql:
            return f"表「{_label(name)}」の定義（列の並びや制約）が違います。"
    return None


def _data_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """A number column holding text, or a JSON column holding what JSON cannot read, or None."""
    want = _expected_schema(version)
    for table, cols in want["columns"].items():
        nums = [c[0] for c in cols if c[1] in _NUMBER_TYPES and not (c[1] == "INTEGER" and c[4])]
        if not nums:
            continue  # an INTEGER PRIMARY KEY is the row id: always a number
        bad = conn.execute("SELECT " + ", ".join(
            f"""sum(typeof("{c}") NOT IN ('integer', 'real', 'null'))""" for c in nums) + f' FROM "{table}"').fetchone()
        for col, n in zip(nums, bad):
            if n:
                example = conn.execute(f'SELECT "{col}" FROM "{table}" WHERE typeof("{col}") '
                                       "NOT IN ('integer', 'real', 'null') LIMIT 1").fetchone()[0]
                return (f"表「{_label(table)}」の列「{COLUMN_LABELS.get(col, col)}（{col}）」に数でない値"
                        f"「{str(example)[:40]}」があります（{n} 件）。")
    for table, json_cols in _JSON_COLUMNS.items():
        for col in json_cols:
            if table not in want["columns"] or col not in {c[0] for c in want["columns"][table]}:
                continue
            key = TABLES[table].keys[0]
            sql = f'SELECT "{key}", "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL'
            try:  # SQLite's own check first (fast); Python's json has the last word (it also reads NaN)
                suspects = conn.execute(sql + f' AND NOT json_valid("{col}")').fetchall()
            except sqlite3.OperationalError:
                suspects = conn.execute(sql).fetchall()
            for k, text in suspects:
                try:
                    json.loads(text)
                except (TypeError, ValueError):
                    return (f"表「{_label(table)}」の「{k}」の列「{COLUMN_LABELS.get(col, col)}（{col}）」"
                            "の値が読めません（JSON ではありません）。")
    return None


def _check_existing(path: Path) -> int:
    """Check an existing file without changing it (read-only connection); return its schema version."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise OhayamiError(f"ファイルを開けません（{exc.strerror}）。", file=path.name) from exc
    if head != SQLITE_MAGIC:
        raise OhayamiError("ohayami のワークショップファイルではありません。ファイルを確かめてください"
                           "（ファイルは変更していません）。", file=path.name)
    try:
        conn = _read_only_connection(path)
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    try:
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                raise OhayamiError("ohayami のワークショップファイルではありません（別のデータベースです）。"
                                   "ファイルは変更していません。", file=path.name) from exc
            raise _open_error(path, exc) from exc
        if meta.get("app") != APP_ID:
            raise OhayamiError("ohayami のワークショップファイルではありません。ファイルは変更していません。",
                               file=path.name)
        try:
            version = int(meta.get("schema_version", ""))
        except (TypeError, ValueError):
            version = 0
        if version < 1:
            raise OhayamiError(f"ワークショップファイルの版「{meta.get('schema_version')}」が正しくありません。"
                               f"ohayami が作ったものと違うため開きません。{NOT_CHANGED}", file=path.name)
        if version > SCHEMA_VERSION:
            raise OhayamiError(f"このファイルは新しい版の ohayami（ファイル形式 {version}）で作られています。"
                               f"この ohayami は形式 {SCHEMA_VERSION} までしか開けません。ohayami を更新してください。"
                               "ファイルは変更していません。", file=path.name)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            problem = _schema_problem(conn, version) if ok else None
            problem = problem or (_data_problem(conn, version) if ok else None)
        except sqlite3.DatabaseError as exc:
            raise _open_error(path, exc) from exc
        if not ok:
            raise OhayamiError(DAMAGED_MESSAGE, file=path.name)
        if problem or not meta.get("workshop_id"):
            problem = problem or "管理情報（meta）にワークショップIDがありません。"
            raise OhayamiError(f"ワークショップファイルの中身が ohayami の作ったものと違うため開きません：{problem}"
                               f"{NOT_CHANGED}バックアップ（.bak）やエクスポートした Excel から新しいワークショップに"
                               "戻してください。", file=path.name)
        return version
    finally:
        conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    conn = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable across a killed process
        return conn
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _open_error(path, exc) from exc


def _backup(path: Path, target: Path) -> None:
    """Copy what is committed, WAL included (a plain file copy misses it), through a second
    connection: the migrating one holds the write lock, so the copy is exactly what it migrates."""
    src, dst = _read_only_connection(path), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _migrate(conn: sqlite3.Connection, path: Path, start: int) -> None:
    conn.execute("BEGIN IMMEDIATE")  # waits (busy timeout) while another opener migrates
    try:
        if start > 0:
            now = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if int(now[0]) >= SCHEMA_VERSION:  # that other opener has done it meanwhile
                conn.execute("COMMIT")
                return
            _backup(path, path.with_name(f"{path.name}.bak-v{start}"))
        conn.execute(_META_DDL)
        for v in range(start + 1, SCHEMA_VERSION + 1):
            for stmt in MIGRATIONS[v]:
                conn.execute(stmt)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('app', ?)", (APP_ID,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (now_iso(),))
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('workshop_id', ?)", (uuid.uuid4().hex,))
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if _storage_kind(exc) == "full":
            raise OhayamiError("ディスクの空きがないため、ワークショップファイルを新しい形式に更新できませんでした。"
                               f"{NOT_CHANGED}ディスクの空きを作ってから開き直してください。", file=path.name) from exc
        raise


def _new_file_connection(tmp: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(tmp), timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _link_into_place(tmp: Path, path: Path) -> None:
    """Give the finished file its real name unless another opener got there first (then theirs,
    equally complete, is the workshop)."""
    try:
        os.link(tmp, path)  # never replaces: FileExistsError when someone else won
    except FileExistsError:
        return
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # a file system without hard links (FAT, some network shares): rename refuses an existing
        # target on Windows; elsewhere a narrow race remains, the price of no link support
        try:
            if not path.exists():
                os.rename(tmp, path)
        except FileExistsError:
            return


def _create(path: Path) -> None:
    """Create the workshop at ``path`` atomically: build it complete (tables, meta, WAL mode) under a
    temporary name in the same folder, then link it into place. Whatever happens, no empty or
    half-built file is left under the real name, and the temporary files are removed."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}{_TEMP_SUFFIX}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _new_file_connection(tmp)
        try:
            _migrate(conn, tmp, 0)
            conn.execute("PRAGMA journal_mode = WAL")  # now, while no one else can hold the file
        finally:
            conn.close()
        _link_into_place(tmp, path)
    except (OSError, sqlite3.Error, OhayamiError) as exc:
        kind = _storage_kind(exc.__cause__ if isinstance(exc, OhayamiError) and exc.__cause__ else exc)
        if kind == "full":
            raise OhayamiError("ディスクの空きがないため、ワークショップファイルを作れませんでした（ファイルは作って"
                               "いません）。ディスクの空きを作ってから、もう一度開いてください。", file=path.name) from exc
        if kind == "readonly" or not _folder_writable(path.parent):
            raise OhayamiError(f"フォルダ（{path.parent}）に書き込めないため、ワークショップファイルを作れません"
                               "でした。書き込めるフォルダを選んでください。", file=path.name) from exc
        if isinstance(exc, OhayamiError):
            raise
        raise OhayamiError(f"ワークショップファイルを作れませんでした（{exc}）。", file=path.name) from exc
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(f"{tmp}{suffix}")
            except OSError:
                pass


def open_workshop(path: str | Path, *, create: bool = True, actor: str = "ファシリテーター") -> Workshop:
    """Open (or create) a workshop file.

    A file that is not a workshop, is damaged, holds tables, columns, values, triggers or views
    ohayami did not make, or comes from a newer kit raises :class:`OhayamiError` and is left
    byte-identical; an older one is migrated after a backup copy ``<name>.bak-v<old version>`` is
    made. Creating is atomic, so any number of participants may open a new workshop at once. A
    file this process may not write is opened read-only (:attr:`Workshop.read_only`)."""
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(SUFFIX)
    if not path.exists():
        if not create:
            raise OhayamiError("ワークショップファイルが見つかりません。名前と場所を確かめてください。", file=path.name)
        _create(path)
    elif path.stat().st_size == 0:
        # today's kit never leaves one (creation is atomic); an older kit did when creation was
        # cut short. It holds nothing, but someone might still be writing it, so the user decides.
        raise OhayamiError("空のファイルです。ohayami のワークショップファイルではありません。作成が途中で止まった"
                           "ときに残るファイルで、中身はありません。このファイルを削除してから開き直すと、新しい"
                           "ワークショップとして作られます。", file=path.name)
    version = _check_existing(path)
    if not os.access(path, os.W_OK):
        if version < SCHEMA_VERSION:
            raise OhayamiError("古い形式のファイルで新しい形式への更新が必要ですが、読み取り専用のため更新できません。"
                               f"読み取り専用を外してから開いてください。{NOT_CHANGED}", file=path.name)
        try:
            conn = _read_only_connection(path)
        except sqlite3.Error as exc:
            raise _open_error(path, exc) from exc
        return Workshop(path, conn, actor, read_only=True)
    conn = _connect(path)
    if version < SCHEMA_VERSION:
        _migrate(conn, path, version)
    return Workshop(path, conn, actor)


def default_folder() -> Path:
    """Where workshops are kept unless told otherwise: ``$OHAYAMI_WORKSHOPS`` or ``./workshops``."""
    env = os.environ.get("OHAYAMI_WORKSHOPS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "workshops"
