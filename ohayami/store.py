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

The rest of the kit talks to a workshop only through the methods declared in :class:`WorkshopStore`
(a test checks that every attribute the package uses on a workshop is declared there). A server
database (PostgreSQL, ``store_pg.py``) implements the same protocol: the tables below map one to
one, the change log is a table written in the same transaction, and writers take turns on an
advisory lock as ``BEGIN IMMEDIATE`` makes them here.
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
from typing import Any, Iterator, Protocol, runtime_checkable

import pandas as pd

from . import formats
from .errors import OhayamiError
from .labels import COLUMN_LABELS, column_label  # noqa: F401  (COLUMN_LABELS kept importable from here)

APP_ID = "ohayami-workshop"
NOT_SAVED = "入力した内容は保存されていません。"
BUSY_MESSAGE = "ワークショップファイルが他の画面で使用中のため保存できませんでした。もう一度保存してください。"
READ_ONLY_MESSAGE = ("このワークショップファイルは読み取り専用です。" + NOT_SAVED +
                     "書き込みできる場所にコピーするか、読み取り専用を外してから開き直してください。")
DISK_FULL_MESSAGE = ("ディスクの空きがないため保存できませんでした。" + NOT_SAVED +
                     "ディスクの空きを作ってから、もう一度保存してください。")
SCHEMA_VERSION = 8
SQLITE_MAGIC = b"SQLite format 3\x00"
NOT_A_WORKSHOP = "ohayami のワークショップファイルではありません。ファイルを確かめてください（ファイルは変更していません）。"
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
    # type A: one row per point of the guide's three (1 テーマ, 2 推進の中心的人物, 3 味方になってくれる上長)
    Table("readiness", "基本の3ポイント", ("point_no",), ("state", "who", "basis", "next_action", "due"),
          numeric=("point_no",)),
    # type I: the request (one row), and one row per item of its three checklists
    Table("expert_request", "専門家への依頼", ("request_id",), ("bottleneck", "outcome", "due", "seeded"),
          numeric=("seeded",)),
    Table("expert_items", "専門家の依頼要件の項目", ("list_id", "item_id"),
          ("name", "description", "source", "checked", "notes", "position"), numeric=("checked", "position")),
    # type B (version 8): the plan (its first month, whether the kit's stages were put in), the case
    # interviews of step 1, and the stage list of step 2, one row per stage in its own order
    Table("flow_plan", "実装の計画", ("plan_id",), ("start", "seeded"), numeric=("seeded",)),
    Table("flow_interviews", "事例の聞き取り", ("interview_id",),
          ("interviewee", "organisation", "what_done", "lessons", "heard_on")),
    Table("flow_stages", "実装の段階", ("stage_id",),
          ("stage_name", "purpose", "tasks", "lead", "start_month", "months", "source", "position"),
          numeric=("start_month", "months", "position")),
    # type H (version 8): tasks per stage, the owners, one RACI letter per task and owner, the rules
    Table("role_tasks", "実装の作業", ("task_id",), ("stage_name", "task_name", "source", "position"),
          numeric=("position",)),
    Table("role_owners", "担い手", ("owner_id",), ("owner_name", "owner_kind")),
    Table("role_raci", "役割分担", ("task_id", "owner_id"), ("raci",)),
    Table("role_rules", "コミュニケーションルール", ("rule_id",), ("meeting", "frequency", "channel", "members")),
    # a frozen result (版): the result frames as they were, so later edits never change a signed result
    Table("snapshots", "結果の版", ("set_id", "no"), ("at", "actor", "note", "weights_version", "frames"),
          numeric=("no", "weights_version")),
    # Type C's consensus round and dot voting (version 6): the first round stays in ``scores``, so
    # type E and the scoring sheets never see a round; later rounds keep their own scores.
    Table("set_options", "表示と投票の設定", ("set_id",), ("dots_per_person", "show_names"),
          numeric=("dots_per_person", "show_names")),
    Table("rounds", "採点の回", ("set_id", "round_no"), ("at", "actor"), numeric=("round_no",)),
    Table("round_items", "再採点する課題", ("set_id", "round_no", "alternative_id"), ("reason",), numeric=("round_no",)),
    Table("round_scores", "再採点の評価点", ("set_id", "round_no", "evaluator", "alternative_id", "criterion_id"), ("value",),
          numeric=("round_no",)),
    Table("dots", "シール投票", ("set_id", "evaluator", "alternative_id"), ("count",), numeric=("count",)),
    # type D (version 8): the research theme (one row, read from C's short list), the cases found, the
    # services (kind "case": implemented in a case; "similar": found elsewhere) and the RFI draft
    Table("research_theme", "調査のテーマ", ("theme_id",),
          ("theme", "vision", "problem_ids", "read_theme", "read_vision", "read_at", "rfi_purpose", "rfi_due")),
    Table("research_cases", "取組事例", ("case_id",), ("town", "what", "source", "notes")),
    Table("research_services", "調べたサービス", ("service_id",),
          ("kind", "case_id", "name", "vendor", "keywords", "found_at", "notes", "unknown", "candidate",
           "sent_vendor_id", "sent_at"), numeric=("candidate",)),
    Table("research_rfi", "RFIの下書き", ("part", "item_id"), ("text", "source", "included", "position"),
          numeric=("included", "position")),
    # types F and G (財源／人材の支援策): programmes, the kit's check criteria with their weights, one
    # check mark per programme and criterion, and every decision as its own row (the latest counts)
    Table("support_programmes", "支援策", ("kind", "programme_id"),
          ("name", "provider", "deadline", "url", "description", "note", "source", "guide_place", "position"),
          numeric=("position",)),
    Table("support_criteria", "支援策の確認項目", ("kind", "criterion_id"),
          ("name", "description", "weight", "must_have", "position"), numeric=("weight", "must_have", "position")),
    Table("support_checks", "支援策の確認結果", ("kind", "programme_id", "criterion_id"), ("value",)),
    Table("support_decisions", "支援策の決定", ("kind", "programme_id", "no"),
          ("decision", "reason", "deadline", "actor", "at"), numeric=("no",)),
    # when a person first named themselves on a worksheet's page (JST), for the facilitator's cockpit
    Table("joins", "参加の記録", ("set_id", "name"), ("joined_at",)),
]}



def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def now_jst() -> str:
    """Now in Japan Standard Time, ISO 8601 with its offset (records a committee signs carry JST)."""
    return formats.now_jst().isoformat(timespec="seconds")


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
        'CREATE TABLE IF NOT EXISTS "readiness" ("point_no" REAL, "state" TEXT, "who" TEXT, "basis" TEXT, '
        '"next_action" TEXT, "due" TEXT, PRIMARY KEY ("point_no"))',
        'CREATE TABLE IF NOT EXISTS "expert_request" ("request_id" TEXT, "bottleneck" TEXT, "outcome" TEXT, '
        '"due" TEXT, "seeded" REAL, PRIMARY KEY ("request_id"))',
        'CREATE TABLE IF NOT EXISTS "expert_items" ("list_id" TEXT, "item_id" TEXT, "name" TEXT, "description" TEXT, '
        '"source" TEXT, "checked" REAL, "notes" TEXT, "position" REAL, PRIMARY KEY ("list_id", "item_id"))',
    ],
    5: [
        'CREATE TABLE IF NOT EXISTS "snapshots" ("set_id" TEXT, "no" REAL, "at" TEXT, "actor" TEXT, "note" TEXT, '
        '"weights_version" REAL, "frames" TEXT, PRIMARY KEY ("set_id", "no"))',
    ],
    6: [
        'CREATE TABLE IF NOT EXISTS "set_options" ("set_id" TEXT, "dots_per_person" REAL, "show_names" REAL, '
        'PRIMARY KEY ("set_id"))',
        'CREATE TABLE IF NOT EXISTS "rounds" ("set_id" TEXT, "round_no" REAL, "at" TEXT, "actor" TEXT, '
        'PRIMARY KEY ("set_id", "round_no"))',
        'CREATE TABLE IF NOT EXISTS "round_items" ("set_id" TEXT, "round_no" REAL, "alternative_id" TEXT, "reason" TEXT, '
        'PRIMARY KEY ("set_id", "round_no", "alternative_id"))',
        'CREATE TABLE IF NOT EXISTS "round_scores" ("set_id" TEXT, "round_no" REAL, "evaluator" TEXT, '
        '"alternative_id" TEXT, "criterion_id" TEXT, "value" TEXT, '
        'PRIMARY KEY ("set_id", "round_no", "evaluator", "alternative_id", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "dots" ("set_id" TEXT, "evaluator" TEXT, "alternative_id" TEXT, "count" REAL, '
        'PRIMARY KEY ("set_id", "evaluator", "alternative_id"))',
    ],
    7: [
        'ALTER TABLE "sets" ADD COLUMN "weight_must_haves" REAL',
        'ALTER TABLE "sets" ADD COLUMN "weights_revealed" TEXT',
    ],
    8: [
        'CREATE TABLE IF NOT EXISTS "research_theme" ("theme_id" TEXT, "theme" TEXT, "vision" TEXT, "problem_ids" TEXT, '
        '"read_theme" TEXT, "read_vision" TEXT, "read_at" TEXT, "rfi_purpose" TEXT, "rfi_due" TEXT, PRIMARY KEY ("theme_id"))',
        'CREATE TABLE IF NOT EXISTS "research_cases" ("case_id" TEXT, "town" TEXT, "what" TEXT, "source" TEXT, '
        '"notes" TEXT, PRIMARY KEY ("case_id"))',
        'CREATE TABLE IF NOT EXISTS "research_services" ("service_id" TEXT, "kind" TEXT, "case_id" TEXT, "name" TEXT, '
        '"vendor" TEXT, "keywords" TEXT, "found_at" TEXT, "notes" TEXT, "unknown" TEXT, "candidate" REAL, '
        '"sent_vendor_id" TEXT, "sent_at" TEXT, PRIMARY KEY ("service_id"))',
        'CREATE TABLE IF NOT EXISTS "research_rfi" ("part" TEXT, "item_id" TEXT, "text" TEXT, "source" TEXT, '
        '"included" REAL, "position" REAL, PRIMARY KEY ("part", "item_id"))',
        'CREATE TABLE IF NOT EXISTS "support_programmes" ("kind" TEXT, "programme_id" TEXT, "name" TEXT, '
        '"provider" TEXT, "deadline" TEXT, "url" TEXT, "description" TEXT, "note" TEXT, "source" TEXT, '
        '"guide_place" TEXT, "position" REAL, PRIMARY KEY ("kind", "programme_id"))',
        'CREATE TABLE IF NOT EXISTS "support_criteria" ("kind" TEXT, "criterion_id" TEXT, "name" TEXT, '
        '"description" TEXT, "weight" REAL, "must_have" REAL, "position" REAL, PRIMARY KEY ("kind", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "support_checks" ("kind" TEXT, "programme_id" TEXT, "criterion_id" TEXT, '
        '"value" TEXT, PRIMARY KEY ("kind", "programme_id", "criterion_id"))',
        'CREATE TABLE IF NOT EXISTS "support_decisions" ("kind" TEXT, "programme_id" TEXT, "no" REAL, '
        '"decision" TEXT, "reason" TEXT, "deadline" TEXT, "actor" TEXT, "at" TEXT, '
        'PRIMARY KEY ("kind", "programme_id", "no"))',
        'CREATE TABLE IF NOT EXISTS "flow_plan" ("plan_id" TEXT, "start" TEXT, "seeded" REAL, PRIMARY KEY ("plan_id"))',
        'CREATE TABLE IF NOT EXISTS "flow_interviews" ("interview_id" TEXT, "interviewee" TEXT, "organisation" TEXT, '
        '"what_done" TEXT, "lessons" TEXT, "heard_on" TEXT, PRIMARY KEY ("interview_id"))',
        'CREATE TABLE IF NOT EXISTS "flow_stages" ("stage_id" TEXT, "stage_name" TEXT, "purpose" TEXT, "tasks" TEXT, '
        '"lead" TEXT, "start_month" REAL, "months" REAL, "source" TEXT, "position" REAL, PRIMARY KEY ("stage_id"))',
        'CREATE TABLE IF NOT EXISTS "role_tasks" ("task_id" TEXT, "stage_name" TEXT, "task_name" TEXT, "source" TEXT, '
        '"position" REAL, PRIMARY KEY ("task_id"))',
        'CREATE TABLE IF NOT EXISTS "role_owners" ("owner_id" TEXT, "owner_name" TEXT, "owner_kind" TEXT, '
        'PRIMARY KEY ("owner_id"))',
        'CREATE TABLE IF NOT EXISTS "role_raci" ("task_id" TEXT, "owner_id" TEXT, "raci" TEXT, '
        'PRIMARY KEY ("task_id", "owner_id"))',
        'CREATE TABLE IF NOT EXISTS "role_rules" ("rule_id" TEXT, "meeting" TEXT, "frequency" TEXT, "channel" TEXT, '
        '"members" TEXT, PRIMARY KEY ("rule_id"))',
        'CREATE TABLE IF NOT EXISTS "joins" ("set_id" TEXT, "name" TEXT, "joined_at" TEXT, '
        'PRIMARY KEY ("set_id", "name"))',
    ],
}


# Columns whose text is JSON (read back with json.loads). The store refuses anything else there, and
# the check on opening refuses a file that holds anything else.
_JSON_COLUMNS: dict[str, tuple[str, ...]] = {"settings": ("value",), "chart_results": ("answers", "types")}
_META_DDL = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
# C0 and C1 controls (tab and newlines are handled before), DEL, lone surrogates and the two
# non-characters XML forbids: none of them can be typed on purpose, and any of them makes an XLSX
# export fail, so no text is stored with them.
# also the invisible format characters (zero-width spaces and joiners, direction marks and overrides,
# the BOM): they make look-alike names (「田中」 and 「田\u200b中」) and can disguise what a title says
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


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


class StoreBase:
    """What every store does the same way over its own connection: the context manager, table
    lookup, one-row reads, JSON settings and fresh ids (SQLite here, PostgreSQL in store_pg.py)."""

    _conn: Any

    def close(self) -> None:
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _table(self, table: str) -> Table:
        try:
            return TABLES[table]
        except KeyError:
            raise OhayamiError(f"表「{table}」はワークショップにありません。") from None

    def get(self, table: str, **key: Any) -> dict | None:
        df = self.rows(table, **key)
        return None if df.empty else df.iloc[0].to_dict()

    def set_setting(self, key: str, value: Any, actor: str | None = None) -> None:
        self.upsert("settings", {"key": key}, {"value": json.dumps(value, ensure_ascii=False)}, actor)

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


class Workshop(StoreBase):
    """One workshop file. Open it with :func:`open_workshop`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, actor: str, *, read_only: bool = False):
        self.path = path
        self._conn = conn
        self.actor = actor
        self._in_batch = False
        self._read_only = read_only

    # ------------------------------------------------------------------ lifecycle
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

    @staticmethod
    def _key_values(t: Table, key: dict) -> list:
        """The row's key as stored; a missing or empty key part is refused in Japanese."""
        missing = [k for k in t.keys if k not in key or key[k] in (None, "")]
        if missing:
            raise OhayamiError(f"{t.label}のキー「{column_label(missing[0])}」がありません。", field=missing[0])
        return [_norm(key[k]) for k in t.keys]

    def upsert(self, table: str, key: dict, values: dict, actor: str | None = None) -> bool:
        """Insert or update one row; log every changed field. Returns whether anything changed.

        Text is stripped of control characters before it is stored (not refused: they come from
        pasted or imported text nobody can see, and an export must never fail on them). A tab
        becomes a space, line ends become ``\\n``. Number columns take numbers only and JSON
        columns valid JSON only; anything else raises :class:`OhayamiError` and writes nothing."""
        t = self._table(table)
        keyvals = self._key_values(t, key)
        unknown = [c for c in values if c not in t.values]
        if unknown:
            raise OhayamiError(f"{t.label}に列「{unknown[0]}」はありません。")
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

    def history(self, table: str | None = None) -> pd.DataFrame:
        """The change log, oldest first: id, at, actor, tbl, row_key, field, old, new."""
        sql = "SELECT * FROM changelog" + (" WHERE tbl=?" if table else "") + " ORDER BY id"
        cur = self._conn.execute(sql, [table] if table else [])
        return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)

    def setting(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute('SELECT value FROM settings WHERE "key"=?', (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    # ------------------------------------------------------------------ ids and files

    def export_folder(self) -> Path:
        """Where exports of this workshop are written: ``<name>_出力`` next to the file (created)."""
        folder = self.path.parent / f"{self.name}_出力"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


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
def _schema_from(statements: tuple) -> dict:
    mem = sqlite3.connect(":memory:")
    try:
        for step in statements:
            step(mem) if callable(step) else mem.execute(step)  # a migration step may be a function
        return _schema_of(mem)
    finally:
        mem.close()


@functools.lru_cache(maxsize=None)
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
    # Only SQLite opens the file here, never a plain open(): closing any descriptor of a file drops every
    # POSIX lock this process holds on it, the locks of a connection it keeps open included. SQLite then
    # takes that connection for gone, and the next connection to close deletes the write-ahead log under
    # it: its later writes went to a deleted file, unseen by every other process and lost if it was killed
    # (found with the participant page's server, which keeps each workshop open while it lists them all).
    if not os.access(path, os.R_OK):
        raise OhayamiError("ファイルを開けません（読み取りの許可がありません）。ファイルの権限を確かめてください。",
                           file=path.name)
    try:
        conn = _read_only_connection(path)
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc
    try:
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "encrypted" in str(exc):
                raise OhayamiError(NOT_A_WORKSHOP, file=path.name) from exc
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
            for step in MIGRATIONS[v]:
                step(conn) if callable(step) else conn.execute(step)
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
