"""The workshop file: everything entered in a workshop, saved as it is entered.

One SQLite file (standard library, no server) per workshop. Why SQLite: it is one file a town hall
can copy and archive, it survives a killed process (atomic commits with a journal), and in WAL mode
several kernels can read while one writes, each write waiting its turn (busy timeout) instead of
failing. Every write is one short ``BEGIN IMMEDIATE`` transaction that also appends to the change
log (who, when, table, row, field, old value, new value), so a committee can show how each score
came about.

The rest of the kit talks to a workshop only through the methods declared in :class:`WorkshopStore`
(a test checks that every attribute the package uses on a workshop is declared there). A server
database (PostgreSQL for a prefecture running workshops for many towns) can replace SQLite behind
the same protocol: the tables below map one to one, the change log becomes a table written in the
same transaction, and ``BEGIN IMMEDIATE`` becomes ``SELECT … FOR UPDATE`` on the edited row.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Protocol, runtime_checkable

import pandas as pd

from .errors import OhayamiError
from .labels import COLUMN_LABELS, column_label  # noqa: F401  (COLUMN_LABELS kept importable from here)

APP_ID = "ohayami-workshop"
SCHEMA_VERSION = 4
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
           "scale", "weight", "position", "pass_level"), numeric=("must_have", "weight", "position")),
    Table("vendors", "事業者・サービス", ("vendor_id",), ("name", "service", "price", "notes"),
          numeric=("price",)),
    Table("scores", "評価点", ("set_id", "evaluator", "alternative_id", "criterion_id"), ("value",)),
    Table("weights", "重みづけ", ("set_id", "evaluator", "criterion_id"), ("value", "reason"), numeric=("value",)),
    Table("rankings", "感覚的な順位", ("set_id", "evaluator", "alternative_id"), ("rank",), numeric=("rank",)),
    Table("settings", "設定", ("key",), ("value",)),
    # Typed state of an evaluation set: one row per fact, so that two people saving at once edit
    # different rows (or columns) instead of rewriting one shared JSON value.
    # weight_must_haves: the committee's rule that must-haves carry points too (they are gates only by
    # default); weights_revealed: when the facilitator showed everyone's weights (blind until then).
    Table("sets", "評価セットの設定", ("set_id",), ("seeded", "weight_method", "weight_message", "total",
                                           "weight_must_haves", "weights_revealed"),
          numeric=("seeded", "total", "weight_must_haves")),
    Table("weight_inputs", "重みづけの入力", ("set_id", "evaluator", "method"), ("inputs", "message", "at")),
    Table("weight_reasons", "重みの理由", ("set_id", "criterion_id"), ("reason", "actor", "at")),
    # Every version of a set's weights (one source of truth): who made it, when, of which kind
    # (combined from the evaluators' weights, a committee revision …), why, and the winner before and
    # after; the points per criterion in weight_version_values, with the points just before it.
    Table("weight_versions", "重みの版", ("set_id", "no"),
          ("at", "actor", "kind", "reason", "winner_before", "winner_after"), numeric=("no",)),
    Table("weight_version_values", "重みの版ごとの配点", ("set_id", "no", "criterion_id"), ("weight", "before"),
          numeric=("no", "weight", "before")),
    Table("rules", "評価のルール", ("set_id",), ("record",)),
    Table("cut_lines", "絞り込みの基準", ("set_id",), ("mode", "value"), numeric=("value",)),
    Table("intuitions", "感覚的な順位の入力", ("set_id", "evaluator"), ("first_at",)),
]}

JST = timezone(timedelta(hours=9), "JST")


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def now_jst() -> str:
    """Now in Japan Standard Time, ISO 8601 with its offset (records a committee signs carry JST)."""
    return datetime.now(JST).isoformat(timespec="seconds")


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


def _move_settings_v2(conn: sqlite3.Connection) -> None:
    """Version 1 kept rules, cut line, reasons, revisions, weighting inputs and intuition times as JSON
    values in ``settings``; version 2 has a table for each. Move every known key and log the move."""
    room = "（会場全体）"  # frozen: workbench.ROOM as it was in version 1
    labels = {"sets": "評価セットの設定", "weight_inputs": "重みづけの入力", "weight_reasons": "重みの理由",  # frozen too
              "weight_revisions": "重みの見直し", "rules": "評価のルール", "cut_lines": "絞り込みの基準",
              "intuitions": "感覚的な順位の入力"}
    at = now_iso()
    settings = dict(conn.execute('SELECT "key", value FROM settings').fetchall())
    moved: list[tuple[str, str]] = []

    def take(key: str, target: str) -> Any:
        try:
            value = json.loads(settings[key])
        except (TypeError, ValueError):
            return None  # unreadable JSON stays where it is, for a person to look at
        moved.append((key, target))
        return value

    def put(table: str, row: dict) -> None:
        cols = list(row)
        conn.execute(f'INSERT OR REPLACE INTO "{table}" ({_q(cols)}) VALUES ({", ".join("?" for _ in cols)})',
                     [_norm(row[c]) for c in cols])

    def put_set(set_id: str, **values) -> None:
        conn.execute('INSERT OR IGNORE INTO sets (set_id) VALUES (?)', (set_id,))
        for c, v in values.items():
            conn.execute(f'UPDATE sets SET "{c}"=? WHERE set_id=?', (_norm(v), set_id))

    for key in list(settings):
        if key == "C_seeded" and take(key, "sets"):
            put_set("C", seeded=1)
        elif key in ("C_weight_method", "E_weight_method"):
            put_set(key[0], weight_method=take(key, "sets"))
        elif key in ("C_weight_message", "E_weight_message"):
            put_set(key[0], weight_message=take(key, "sets"))
        elif key == "E_total":
            put_set("E", total=take(key, "sets"))
        elif key.startswith("C_weight_input_"):
            put("weight_inputs", {"set_id": "C", "evaluator": room, "method": key[len("C_weight_input_"):],
                                  "inputs": take(key, "weight_inputs") or {}, "at": at})
        elif key.startswith("E_weight_input:"):
            v = take(key, "weight_inputs") or {}
            if v.get("method"):
                put("weight_inputs", {"set_id": "E", "evaluator": key[len("E_weight_input:"):], "method": v["method"],
                                      "inputs": v.get("values") or {}, "at": at})
        elif key == "E_weight_reasons":
            for cid, reason in (take(key, "weight_reasons") or {}).items():
                put("weight_reasons", {"set_id": "E", "criterion_id": cid, "reason": reason})
        elif key == "E_revisions":
            for no, r in enumerate(take(key, "weight_revisions") or [], start=1):
                put("weight_revisions", {"set_id": "E", "no": no, "at": r.get("at"), "actor": r.get("by"),
                                         "reason": r.get("reason"), "before": r.get("before", {}),
                                         "after": r.get("after", {}), "winner_before": r.get("winner_before", []),
                                         "winner_after": r.get("winner_after", [])})
        elif key == "E_rules":
            put("rules", {"set_id": "E", "record": take(key, "rules") or {}})
        elif key == "C_cut":
            c = take(key, "cut_lines") or {}
            put("cut_lines", {"set_id": "C", "mode": c.get("mode", "top"), "value": c.get("value", 5)})
        elif key == "E_intuition_at":
            for who, first in (take(key, "intuitions") or {}).items():
                put("intuitions", {"set_id": "E", "evaluator": who, "first_at": first})
    for key, target in moved:
        conn.execute('DELETE FROM settings WHERE "key"=?', (key,))
        conn.execute("INSERT INTO changelog (at, actor, tbl, row_key, field, old, new) VALUES (?,?,?,?,?,?,?)",
                     (at, "（形式の更新）", "settings", json.dumps([key], ensure_ascii=False), "*", settings[key],
                      f"(表「{labels[target]}」へ移動)"))


def _weight_versions_v3(conn: sqlite3.Connection) -> None:
    """Version 2 kept the weights in force only in ``criteria.weight`` and the committee's revisions
    (before/after of the criteria they changed) in ``weight_revisions``, so a later save of an
    evaluator's weights could overwrite a revision unseen. Version 3 keeps every version of a set's
    weights. Rebuild them: walking back from today's weights through the revisions gives the weights
    before the first one (version 1), then one version per revision; when today's weights differ from
    what the last revision left, an evaluator's save had overwritten it, and a last version says so."""
    at = now_jst()
    actor = "（形式の更新）"
    crit = conn.execute("SELECT set_id, criterion_id, weight FROM criteria").fetchall()
    revs = conn.execute("SELECT set_id, no, at, actor, reason, before, after, winner_before, winner_after "
                        "FROM weight_revisions ORDER BY set_id, no").fetchall()

    def loads(text, default):
        try:
            value = json.loads(text) if text else default
        except ValueError:
            return default
        return value if isinstance(value, type(default)) else default

    def numbers(text) -> dict:
        return {str(k): float(v) for k, v in loads(text, {}).items() if isinstance(v, (int, float))}

    def put(set_id, no, when, who, kind, reason, weights, before, winners=([], [])) -> None:
        conn.execute('INSERT INTO weight_versions (set_id, no, at, actor, kind, reason, winner_before, winner_after) '
                     'VALUES (?,?,?,?,?,?,?,?)', (set_id, no, when, who, kind, reason,
                                                 json.dumps(winners[0], ensure_ascii=False),
                                                 json.dumps(winners[1], ensure_ascii=False)))
        conn.executemany('INSERT INTO weight_version_values (set_id, no, criterion_id, weight, "before") '
                         'VALUES (?,?,?,?,?)', [(set_id, no, k, w, None if before is None else before.get(k))
                                                for k, w in weights.items()])

    for set_id in sorted({r[0] for r in crit} | {r[0] for r in revs}):
        current = {cid: float(w or 0.0) for sid, cid, w in crit if sid == set_id}
        mine = [r for r in revs if r[0] == set_id]
        after_each, state = [], dict(current)
        for r in reversed(mine):
            state = {**state, **numbers(r[6])}
            after_each.insert(0, state)
            state = {**state, **numbers(r[5])}
        if mine:
            put(set_id, 1, mine[0][2], actor, "recorded", "最初の見直しより前の配点（形式の更新で記録）", state, None)
        else:
            put(set_id, 1, at, actor, "recorded", "それまでの配点（形式の更新で記録）", state, None)
        previous = state
        for i, r in enumerate(mine):
            put(set_id, i + 2, r[2], r[3], "revision", r[4], after_each[i], previous,
                (loads(r[7], []), loads(r[8], [])))
            previous = after_each[i]
        if mine and any(abs(previous.get(k, float("nan")) - w) > 1e-9 or k not in previous for k, w in current.items()):
            put(set_id, len(mine) + 2, at, actor, "evaluators",
                "形式の更新で記録：最後の見直しのあと、評価者の重みの保存で配点が作り直されていました（以前の版の動作）。"
                "見直しの配点に戻すには、もう一度見直してください。", current, previous)
        for r in mine:
            conn.execute("INSERT INTO changelog (at, actor, tbl, row_key, field, old, new) VALUES (?,?,?,?,?,?,?)",
                         (at, actor, "weight_revisions", json.dumps([set_id, r[1]], ensure_ascii=False), "*",
                          r[4], "(表「重みの版」へ移動)"))


# version -> steps (SQL text, or a function given the connection) that bring a file from version-1
# to version, all in one transaction. The statements are frozen text: _ddl() describes only the
# newest tables, and a file of every older version must still end up with exactly those.
MIGRATIONS: dict[int, list] = {
    1: [
        'CREATE TABLE IF NOT EXISTS "people" ("name" TEXT, "department" TEXT, "role" TEXT, PRIMARY KEY ("name"))',
        'CREATE TABLE IF NOT EXISTS "chart_results" ("result_id" TEXT, "participant" TEXT, "department" TEXT, '
        '"mode" TEXT, "answers" TEXT, "result" TEXT, "types" TEXT, "created_at" TEXT, PRIMARY KEY ("result_id"))',
        'CREATE TABLE IF NOT EXISTS "problems" ("problem_id" TEXT, "title" TEXT, "scene" TEXT, "origin" TEXT, '
        '"who" TEXT, "how" TEXT, "how_much" TEXT, "cause" TEXT, "evidence" TEXT, "exclusion" TEXT, "tags" TEXT, '
        '"merged_into" TEXT, "position" REAL, PRIMARY KEY ("problem_id"))',
        'CREATE TABLE IF NOT EXISTS "visions" ("problem_id" TEXT, "beneficiary" TEXT, "change" TEXT, "degree" TEXT, '
        'PRIMARY KEY ("problem_id"))',
        'CREATE TABLE IF NOT EXISTS "criteria" ("set_id" TEXT, "criterion_id" TEXT, "name" TEXT, "requirement" TEXT, '
        '"grp" TEXT, "subgroup" TEXT, "description" TEXT, "example" TEXT, "must_have" REAL, "direction" TEXT, '
        '"scale" TEXT, "weight" REAL, "position" REAL, PRIMARY KEY ("set_id", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "vendors" ("vendor_id" TEXT, "name" TEXT, "service" TEXT, "price" REAL, '
        '"notes" TEXT, PRIMARY KEY ("vendor_id"))',
        'CREATE TABLE IF NOT EXISTS "scores" ("set_id" TEXT, "evaluator" TEXT, "alternative_id" TEXT, '
        '"criterion_id" TEXT, "value" TEXT, PRIMARY KEY ("set_id", "evaluator", "alternative_id", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "weights" ("set_id" TEXT, "evaluator" TEXT, "criterion_id" TEXT, "value" REAL, '
        '"reason" TEXT, PRIMARY KEY ("set_id", "evaluator", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "rankings" ("set_id" TEXT, "evaluator" TEXT, "alternative_id" TEXT, "rank" REAL, '
        'PRIMARY KEY ("set_id", "evaluator", "alternative_id"))',
        'CREATE TABLE IF NOT EXISTS "settings" ("key" TEXT, "value" TEXT, PRIMARY KEY ("key"))',
        "CREATE TABLE IF NOT EXISTS changelog (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
        "actor TEXT NOT NULL, tbl TEXT NOT NULL, row_key TEXT NOT NULL, field TEXT NOT NULL, old TEXT, new TEXT)",
    ],
    2: [
        'ALTER TABLE "criteria" ADD COLUMN "pass_level" TEXT',
        'CREATE TABLE IF NOT EXISTS "sets" ("set_id" TEXT, "seeded" REAL, "weight_method" TEXT, '
        '"weight_message" TEXT, "total" REAL, PRIMARY KEY ("set_id"))',
        'CREATE TABLE IF NOT EXISTS "weight_inputs" ("set_id" TEXT, "evaluator" TEXT, "method" TEXT, "inputs" TEXT, '
        '"message" TEXT, "at" TEXT, PRIMARY KEY ("set_id", "evaluator", "method"))',
        'CREATE TABLE IF NOT EXISTS "weight_reasons" ("set_id" TEXT, "criterion_id" TEXT, "reason" TEXT, '
        '"actor" TEXT, "at" TEXT, PRIMARY KEY ("set_id", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "weight_revisions" ("set_id" TEXT, "no" REAL, "at" TEXT, "actor" TEXT, '
        '"reason" TEXT, "before" TEXT, "after" TEXT, "winner_before" TEXT, "winner_after" TEXT, '
        'PRIMARY KEY ("set_id", "no"))',
        'CREATE TABLE IF NOT EXISTS "rules" ("set_id" TEXT, "record" TEXT, PRIMARY KEY ("set_id"))',
        'CREATE TABLE IF NOT EXISTS "cut_lines" ("set_id" TEXT, "mode" TEXT, "value" REAL, PRIMARY KEY ("set_id"))',
        'CREATE TABLE IF NOT EXISTS "intuitions" ("set_id" TEXT, "evaluator" TEXT, "first_at" TEXT, '
        'PRIMARY KEY ("set_id", "evaluator"))',
        _move_settings_v2,
    ],
    3: [
        'CREATE TABLE IF NOT EXISTS "weight_versions" ("set_id" TEXT, "no" REAL, "at" TEXT, "actor" TEXT, "kind" TEXT, '
        '"reason" TEXT, "winner_before" TEXT, "winner_after" TEXT, PRIMARY KEY ("set_id", "no"))',
        'CREATE TABLE IF NOT EXISTS "weight_version_values" ("set_id" TEXT, "no" REAL, "criterion_id" TEXT, '
        '"weight" REAL, "before" REAL, PRIMARY KEY ("set_id", "no", "criterion_id"))',
        _weight_versions_v3,
        'DROP TABLE "weight_revisions"',
    ],
    4: [
        'ALTER TABLE "sets" ADD COLUMN "weight_must_haves" REAL',
        'ALTER TABLE "sets" ADD COLUMN "weights_revealed" TEXT',
    ],
}


def _norm(value: Any) -> Any:
    """Values as stored: text stays text, numbers stay numbers; None, NaN and "" are NULL."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return value.item()
    return value


def _log_text(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


@runtime_checkable
class WorkshopStore(Protocol):
    """Everything the kit asks of a workshop, whatever keeps it (SQLite here, PostgreSQL later).

    Models, views, imports and reports use only these members; ``tests/test_store_protocol.py``
    parses the package and fails when code reaches for anything else on a workshop object.
    """

    path: Path    # the file (a server backend: a local folder that holds its exports)
    actor: str    # who is recorded in the change log when a write names nobody

    @property
    def name(self) -> str: ...
    @property
    def workshop_id(self) -> str: ...
    def schema_version(self) -> int: ...
    def revision(self) -> tuple[int, int]: ...
    def batch(self, actor: str | None = None) -> Any: ...
    def upsert(self, table: str, key: dict, values: dict, actor: str | None = None) -> bool: ...
    def delete(self, table: str, key: dict, actor: str | None = None) -> bool: ...
    def rows(self, table: str, **where: Any) -> pd.DataFrame: ...
    def get(self, table: str, **key: Any) -> dict | None: ...
    def history(self, table: str | None = None) -> pd.DataFrame: ...
    def setting(self, key: str, default: Any = None) -> Any: ...
    def set_setting(self, key: str, value: Any, actor: str | None = None) -> None: ...
    def next_id(self, table: str, prefix: str, n: int = 1, *, column: str | None = None,
                taken: Any = (), **where: Any) -> list[str]: ...
    def export_folder(self) -> Path: ...
    def close(self) -> None: ...
    def __enter__(self) -> Any: ...
    def __exit__(self, *exc: Any) -> None: ...


class Workshop:
    """One workshop file. Open it with :func:`open_workshop`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, actor: str):
        self.path = path
        self._conn = conn
        self.actor = actor
        self._in_batch = False

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
        self._begin()
        self._in_batch = True
        try:
            yield self
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._in_batch = False

    def _begin(self) -> None:
        # BEGIN IMMEDIATE takes the write lock now, so the read-compare-write below cannot interleave.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise OhayamiError("ワークショップファイルが他の画面で使用中のため保存できませんでした。"
                                       "もう一度保存してください。") from exc
                time.sleep(0.05)

    @contextmanager
    def _write(self) -> Iterator[None]:
        if self._in_batch:
            yield
            return
        self._begin()
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    def _table(self, table: str) -> Table:
        try:
            return TABLES[table]
        except KeyError:
            raise OhayamiError(f"表「{table}」はワークショップにありません。") from None

    @staticmethod
    def _key_values(t: Table, key: dict) -> list:
        """The row's key as stored; a missing or empty key part is refused in Japanese."""
        missing = [k for k in t.keys if k not in key or key[k] in (None, "")]
        if missing:
            raise OhayamiError(f"{t.label}のキー「{column_label(missing[0])}」がありません。", field=missing[0])
        return [_norm(key[k]) for k in t.keys]

    def upsert(self, table: str, key: dict, values: dict, actor: str | None = None) -> bool:
        """Insert or update one row; log every changed field. Returns whether anything changed."""
        t = self._table(table)
        keyvals = self._key_values(t, key)
        unknown = [c for c in values if c not in t.values]
        if unknown:
            raise OhayamiError(f"{t.label}に列「{unknown[0]}」はありません。")
        where = " AND ".join(f'"{k}"=?' for k in t.keys)
        row_key = json.dumps(keyvals, ensure_ascii=False)
        actor = actor or self.actor
        with self._write():
            cur = self._conn.execute(f'SELECT {_q(t.values)} '
                                     f'FROM "{t.name}" WHERE {where}', keyvals).fetchone()
            new = {c: _norm(v) for c, v in values.items()}
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
        keyvals = self._key_values(t, key)
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
        cur = self._select(self._table(table), "*", where)
        return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)

    def _select(self, t: Table, what: str, where: dict) -> sqlite3.Cursor:
        """``SELECT what`` from the table, filtered by equality on its columns (checked first)."""
        bad = [c for c in where if c not in t.columns]
        if bad:
            raise OhayamiError(f"{t.label}に列「{bad[0]}」はありません。")
        sql = f'SELECT {what} FROM "{t.name}"'
        if where:
            sql += " WHERE " + " AND ".join(f'"{c}"=?' for c in where)
        return self._conn.execute(sql, [_norm(v) for v in where.values()])

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

    # ------------------------------------------------------------------ ids and files
    def next_id(self, table: str, prefix: str, n: int = 1, *, column: str | None = None,
                taken: Any = (), **where: Any) -> list[str]:
        """``n`` fresh ids ``<prefix>001``… for ``column`` (default: the table's last key column),
        after the highest number already used in the table (among rows matching ``where``) or in
        ``taken`` (ids an import is about to use). Computed by the store, so a server database can
        take them from a sequence instead."""
        t = self._table(table)
        column = column or t.keys[-1]
        if column not in t.keys:
            raise OhayamiError(f"{t.label}の「{column_label(column)}」は番号を振る列ではありません。")
        if not re.fullmatch(r"[A-Za-z]+", prefix):
            raise OhayamiError(f"番号の頭文字「{prefix}」は英字にしてください。")
        used = [r[0] for r in self._select(t, f'"{column}"', where)] + list(taken)
        pattern = re.compile(rf"{prefix}(\d+)")
        nums = [int(m.group(1)) for u in used if (m := pattern.fullmatch(str(u)))]
        start = max(nums, default=0) + 1
        return [f"{prefix}{i:03d}" for i in range(start, start + n)]

    def export_folder(self) -> Path:
        """Where exports of this workshop are written: ``<name>_出力`` next to the file (created)."""
        folder = self.path.parent / f"{self.name}_出力"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


# ---------------------------------------------------------------------- opening

def _check_existing(path: Path) -> int:
    """Check an existing file without changing it; return its schema version."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise OhayamiError(f"ファイルを開けません（{exc.strerror}）。", file=path.name) from exc
    if head != SQLITE_MAGIC:
        raise OhayamiError("ohayami のワークショップファイルではありません。ファイルを確かめてください"
                           "（ファイルは変更していません）。", file=path.name)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise OhayamiError(f"ファイルを開けません（{exc}）。", file=path.name) from exc
    try:
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                raise OhayamiError("ohayami のワークショップファイルではありません（別のデータベースです）。"
                                   "ファイルは変更していません。", file=path.name) from exc
            raise OhayamiError("ワークショップファイルが壊れています。バックアップ（.bak）やエクスポートした"
                               "Excel から復元してください。", file=path.name) from exc
        if meta.get("app") != APP_ID:
            raise OhayamiError("ohayami のワークショップファイルではありません。ファイルは変更していません。",
                               file=path.name)
        try:
            version = int(meta.get("schema_version", ""))
        except ValueError:
            raise OhayamiError("ワークショップファイルの版が読めません。", file=path.name) from None
        if version > SCHEMA_VERSION:
            raise OhayamiError(f"このファイルは新しい版の ohayami（ファイル形式 {version}）で作られています。"
                               f"この ohayami は形式 {SCHEMA_VERSION} までしか開けません。ohayami を更新してください。"
                               "ファイルは変更していません。", file=path.name)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError:
            check = "error"
        if check != "ok":
            raise OhayamiError("ワークショップファイルが壊れています。バックアップ（.bak）やエクスポートした"
                               "Excel から復元してください。ファイルは変更していません。", file=path.name)
        return version
    finally:
        conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable across a killed process
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, start: int) -> None:
    if start < SCHEMA_VERSION and start > 0:
        # SQLite's backup copies what is committed, also what still sits in the -wal file (a plain
        # file copy would miss it)
        bak = sqlite3.connect(str(path.with_name(f"{path.name}.bak-v{start}")))
        try:
            conn.backup(bak)
        finally:
            bak.close()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        for v in range(start + 1, SCHEMA_VERSION + 1):
            for step in MIGRATIONS[v]:
                step(conn) if callable(step) else conn.execute(step)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('app', ?)", (APP_ID,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (now_iso(),))
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('workshop_id', ?)", (uuid.uuid4().hex,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def open_workshop(path: str | Path, *, create: bool = True, actor: str = "ファシリテーター") -> Workshop:
    """Open (or create) a workshop file. A file that is not a workshop, is damaged, or comes from a
    newer kit raises :class:`OhayamiError` and is left untouched; an older one is migrated after a
    backup copy ``<name>.bak-v<old version>`` is made."""
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(SUFFIX)
    if path.exists():
        if path.stat().st_size == 0:
            raise OhayamiError("空のファイルです。ohayami のワークショップファイルではありません。", file=path.name)
        version = _check_existing(path)
        conn = _connect(path)
        if version < SCHEMA_VERSION:
            _migrate(conn, path, version)
    else:
        if not create:
            raise OhayamiError("ワークショップファイルが見つかりません。名前と場所を確かめてください。", file=path.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path)
        _migrate(conn, path, 0)
    return Workshop(path, conn, actor)


def default_folder() -> Path:
    """Where workshops are kept unless told otherwise: ``$OHAYAMI_WORKSHOPS`` or ``./workshops``."""
    env = os.environ.get("OHAYAMI_WORKSHOPS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "workshops"
