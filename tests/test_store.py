"""The workshop file: nothing entered is ever lost."""

import hashlib
import json
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from backends import PG_DSN, backend, open_spec, require_pg, ws  # noqa: F401  (fixtures: every store)

from ohayami import OhayamiError
from ohayami import store as S
from ohayami.store import open_workshop


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_upsert_logs_old_and_new_values(ws):
    assert ws.upsert("vendors", {"vendor_id": "V1"}, {"name": "A社", "price": 1000}, actor="山田")
    assert ws.upsert("vendors", {"vendor_id": "V1"}, {"price": 1200}, actor="佐藤")
    assert not ws.upsert("vendors", {"vendor_id": "V1"}, {"price": 1200}, actor="佐藤")  # no change, no log
    h = ws.history("vendors")
    assert list(zip(h.actor, h.field, h.old, h.new)) == [
        ("山田", "name", None, "A社"), ("山田", "price", None, "1000"), ("佐藤", "price", "1000", "1200")]
    assert ws.get("vendors", vendor_id="V1") == {"vendor_id": "V1", "name": "A社", "service": None,
                                                 "price": 1200.0, "notes": None}
    assert ws.delete("vendors", {"vendor_id": "V1"}, actor="山田")
    last = ws.history().iloc[-1]
    assert last.field == "*" and "A社" in last.old and last.new == "(削除)"
    assert ws.rows("vendors").empty


def test_bad_keys_and_columns_are_refused(ws):
    with pytest.raises(OhayamiError, match="キー"):
        ws.upsert("scores", {"set_id": "E", "evaluator": "", "alternative_id": "V1", "criterion_id": "c"}, {"value": 1})
    with pytest.raises(OhayamiError, match="列「colour」"):
        ws.upsert("vendors", {"vendor_id": "V1"}, {"colour": "red"})
    with pytest.raises(OhayamiError, match="表「nope」"):
        ws.rows("nope")
    assert ws.history().empty


def test_batch_is_all_or_nothing(ws):
    with pytest.raises(RuntimeError):
        with ws.batch("x"):
            ws.upsert("people", {"name": "a"}, {"department": "d"})
            raise RuntimeError("boom")
    assert ws.rows("people").empty and ws.history().empty


def test_reopen_shows_the_last_state(backend):
    w = backend.open("w")
    wid = w.workshop_id
    w.upsert("problems", {"problem_id": "P001"}, {"title": "窓口の混雑"})
    w.set_setting("cut_line", {"top": 5})
    w.close()
    w = backend.open("w.ohayami", create=False)
    assert w.get("problems", problem_id="P001")["title"] == "窓口の混雑"
    assert w.setting("cut_line") == {"top": 5} and w.workshop_id == wid and w.schema_version() == S.SCHEMA_VERSION


def _writer(args):
    spec, worker, n = args
    w = open_spec(spec, actor=f"w{worker}")
    for i in range(n):
        w.upsert("scores", {"set_id": "E", "evaluator": f"w{worker}", "alternative_id": f"V{i % 20}",
                            "criterion_id": f"c{i}"}, {"value": str(i % 5 + 1)})
        # everyone also edits the same shared row: ordinary contention, never an error
        w.upsert("settings", {"key": "last_writer"}, {"value": f'"w{worker}-{i}"'})
    w.close()
    return n


def test_eight_processes_two_hundred_edits_each(backend):
    spec = backend.spec("busy.ohayami")
    open_spec(spec).close()
    ctx = mp.get_context("spawn")
    with ctx.Pool(8) as pool:
        done = pool.map(_writer, [(spec, k, 200) for k in range(8)])
    assert done == [200] * 8
    w = open_spec(spec)
    scores = w.rows("scores")
    assert len(scores) == 1600
    assert scores.groupby("evaluator").size().to_dict() == {f"w{k}": 200 for k in range(8)}
    assert (w.history("scores").field == "value").sum() == 1600
    assert len(w.history("settings")) >= 8  # at least each writer's first edit of the shared row
    assert backend.integrity(w) == "ok"


KILLED_WRITER = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, sys.argv[2])
    from backends import open_spec
    w = open_spec(json.loads(sys.argv[1]))
    for i in range(10):
        w.upsert("problems", {"problem_id": f"P{i:03d}"}, {"title": f"committed {i}"})
    with w.batch("killer"):
        for i in range(10, 5000):
            w.upsert("problems", {"problem_id": f"P{i:03d}"}, {"title": f"uncommitted {i}"})
            if i == 2000:
                print("inside", flush=True)
                time.sleep(60)
""")


def test_writer_killed_mid_transaction(backend):
    spec = backend.spec("killed.ohayami")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, json.dumps(spec), os.path.dirname(__file__)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    w = open_spec(spec)
    titles = sorted(w.rows("problems").title)
    assert titles == [f"committed {i}" for i in range(10)]
    _wait_for(lambda: backend.integrity(w) == "ok")  # the server notices the dead client by itself
    assert backend.integrity(w) == "ok"
    w.upsert("problems", {"problem_id": "P999"}, {"title": "after the crash"})  # still writable


def test_corrupted_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "bad.ohayami"
    w = open_workshop(path)
    for i in range(300):
        w.upsert("problems", {"problem_id": f"P{i:03d}"}, {"title": "x" * 200})
    w._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    w.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = os.urandom(4096)  # a damaged page
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(OhayamiError, match="壊れています"):
        open_workshop(path)
    assert _digest(path) == before


@pytest.mark.parametrize("content", [b"just some text, not a workshop", b"PK\x03\x04 an excel file"])
def test_file_of_the_wrong_kind(tmp_path, content):
    path = tmp_path / "notes.ohayami"
    path.write_bytes(content)
    with pytest.raises(OhayamiError, match="ワークショップファイルではありません"):
        open_workshop(path)
    assert path.read_bytes() == content


def test_other_sqlite_database_and_empty_file(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = _digest(other)
    with pytest.raises(OhayamiError, match="別のデータベース"):
        open_workshop(other)
    assert _digest(other) == before
    empty = tmp_path / "empty.ohayami"
    empty.write_bytes(b"")
    with pytest.raises(OhayamiError, match="空のファイル"):
        open_workshop(empty)
    assert empty.read_bytes() == b""
    with pytest.raises(OhayamiError, match="見つかりません"):
        open_workshop(tmp_path / "missing", create=False)


def test_file_from_a_newer_kit(tmp_path):
    path = tmp_path / "new.ohayami"
    open_workshop(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(OhayamiError, match="新しい版"):
        open_workshop(path)
    assert _digest(path) == before


def test_file_from_an_older_kit_is_migrated_with_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "old.ohayami"
    w = open_workshop(path)
    w.upsert("vendors", {"vendor_id": "V1"}, {"name": "A社"})
    w.close()
    old, new = S.SCHEMA_VERSION, S.SCHEMA_VERSION + 1
    monkeypatch.setattr(S, "SCHEMA_VERSION", new)
    monkeypatch.setitem(S.MIGRATIONS, new, ['ALTER TABLE vendors ADD COLUMN url TEXT'])
    w = open_workshop(path)
    assert w.schema_version() == new
    assert w.get("vendors", vendor_id="V1")["name"] == "A社"
    assert "url" in w.rows("vendors").columns
    assert (tmp_path / f"old.ohayami.bak-v{old}").exists()


def test_concurrent_open_of_a_new_file(backend):
    a = backend.open("fresh.ohayami")
    b = backend.open("fresh.ohayami")
    a.upsert("people", {"name": "a"}, {})
    b.upsert("people", {"name": "b"}, {})
    assert sorted(a.rows("people").name) == ["a", "b"]


def test_a_new_file_has_exactly_the_declared_tables(backend):
    w = backend.open("fresh")
    for name, t in S.TABLES.items():
        cols = [c for c, _ in backend.columns(w, name)]
        assert tuple(cols) == t.columns, name
        types = dict(backend.columns(w, name))
        assert {c for c, ty in types.items() if ty == "REAL"} == set(t.numeric), name


V1_SETTINGS = {
    "C_seeded": True, "C_weight_method": "pairwise", "C_weight_message": "CR 0.03（整合的）",
    "C_weight_input_pairwise": {"effect|cost": 3}, "C_weight_input_direct": {"effect": 5},
    "C_cut": {"mode": "min", "value": 3.5}, "E_total": 120.0, "E_weight_message": "2 人の重みの割合を平均しました。",
    "E_weight_input:山田": {"method": "rank", "values": {"e001": 1, "e002": 2}},
    "E_weight_reasons": {"e001": "毎日使うため", "e002": "予算が限られるため"},
    "E_revisions": [{"at": "2024-05-01T10:00:00+09:00", "by": "委員長", "reason": "見直し", "before": {"e001": 30},
                     "after": {"e001": 40}, "winner_before": ["V001"], "winner_after": ["V002"]}],
    "E_rules": {"combine": "sum", "min_group_ratio": {"機能": 0.5}, "tie_break": ["group:機能"],
                "price": {"method": "lowest", "points": 30}},
    "E_intuition_at": {"山田": "2024-05-01T09:00:00+09:00"},
    "sheet_secret": "kept as it is",
}


def _version_1_file(path):
    """A workshop file as the version-1 kit wrote it: its tables, its meta rows, state as JSON settings."""
    import json
    con = sqlite3.connect(path)
    for stmt in S.MIGRATIONS[1]:
        con.execute(stmt)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("app", S.APP_ID), ("schema_version", "1"),
                                                       ("created_at", "2024-05-01"), ("workshop_id", "abc")])
    con.execute("INSERT INTO criteria (set_id, criterion_id, name, weight) VALUES ('E', 'e001', '機能関連', 30)")
    con.executemany("INSERT INTO settings VALUES (?, ?)",
                    [(k, json.dumps(v, ensure_ascii=False)) for k, v in V1_SETTINGS.items()])
    con.commit()
    con.close()


def test_version_1_settings_move_into_their_tables(tmp_path):
    from ohayami.problems import ProblemWorkbench
    from ohayami.vendors import VendorWorkbench

    path = tmp_path / "v1.ohayami"
    _version_1_file(path)
    w = open_workshop(path)
    assert w.schema_version() == S.SCHEMA_VERSION and w.workshop_id == "abc"
    bak = sqlite3.connect(tmp_path / "v1.ohayami.bak-v1")
    assert bak.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
    assert bak.execute("SELECT count(*) FROM settings").fetchone()[0] == len(V1_SETTINGS)
    bak.close()
    assert w.get("criteria", set_id="E", criterion_id="e001")["pass_level"] is None
    assert list(w.rows("settings")["key"]) == ["sheet_secret"] and w.setting("sheet_secret") == "kept as it is"
    moved = w.history("settings")
    assert len(moved) == len(V1_SETTINGS) - 1 and set(moved.field) == {"*"}
    e = VendorWorkbench(w)
    assert e.total() == 120.0 and e.weight_message() == "2 人の重みの割合を平均しました。"
    assert e.weight_inputs_by_evaluator() == {"山田": {"method": "rank", "values": {"e001": 1, "e002": 2}}}
    assert e.weight_reasons() == {"e001": "毎日使うため", "e002": "予算が限られるため"}
    assert e.revisions() == [{"no": 1, **V1_SETTINGS["E_revisions"][0]}]
    r = e.rules()
    assert (r.combine, r.min_group_ratio, r.tie_break, r.price.points) == ("sum", {"機能": 0.5}, ("group:機能",), 30)
    assert w.get("intuitions", set_id="E", evaluator="山田")["first_at"] == "2024-05-01T09:00:00+09:00"
    c = ProblemWorkbench(w)
    assert c.criteria().empty  # seeded in version 1 (its criteria were deleted): not seeded again
    assert c.weight_method() == "pairwise" and c.weight_message() == "CR 0.03（整合的）"
    assert c.weight_input("pairwise") == {"effect|cost": 3} and c.weight_input("direct") == {"effect": 5}
    assert (c.cut_line().mode, c.cut_line().value) == ("min", 3.5)
    w.close()
    assert open_workshop(path).schema_version() == S.SCHEMA_VERSION  # opening again changes nothing more


def _state_writer(args):
    """One evaluator saving their reason and their own rule 30 times."""
    from ohayami.vendors import VendorWorkbench

    spec, k, n = args
    m = VendorWorkbench(open_spec(spec, actor=f"w{k}"))
    rule = RULE_EDITS[k]
    for i in range(n):
        m.set_weight_reason(f"e{k + 1:03d}", f"w{k}-{i}")
        m.set_rules(**{rule[0]: rule[1] if i % 2 else rule[2]})
    m.ws.close()
    return n


# field, the value saved on odd saves (the last one, as 30 saves end on i = 29), the other value
RULE_EDITS = [("combine", "sum", "average"), ("rounding", "truncate", "round"), ("digits", 2, 0),
              ("must_have_rule", "majority", "any"), ("min_total_ratio", 0.6, 0.1),
              ("min_group_ratio", {"機能": 0.4}, 0.2), ("price", {"method": "lowest", "points": 30.0}, None),
              ("tie_break", ["price"], ["technical"])]


def test_eight_evaluators_saving_reasons_and_rules_at_once_lose_nothing(backend):
    from ohayami.vendors import VendorWorkbench

    spec = backend.spec("committee.ohayami")
    m = VendorWorkbench(open_spec(spec))
    ids = m.adopt_template(list(range(1, 9)))
    assert ids == [f"e{k + 1:03d}" for k in range(8)]
    m.ws.close()
    ctx = mp.get_context("spawn")
    with ctx.Pool(8) as pool:
        assert pool.map(_state_writer, [(spec, k, 30) for k in range(8)]) == [30] * 8
    m = VendorWorkbench(open_spec(spec))
    assert m.weight_reasons() == {f"e{k + 1:03d}": f"w{k}-29" for k in range(8)}
    rec = m.rules_record()
    assert {f: rec[f] for f, _, _ in RULE_EDITS if f != "price"} == {f: last for f, last, _ in RULE_EDITS if f != "price"}
    assert rec["price"] is not None and (rec["price"]["method"], rec["price"]["points"]) == ("lowest", 30.0)
    assert (m.ws.history("weight_reasons").field == "reason").sum() == 8 * 30


def _increment(args):
    """A read-modify-write of one shared counter, n times, each inside a batch."""
    spec, k, n = args
    w = open_spec(spec, actor=f"w{k}")
    for _ in range(n):
        with w.batch():
            w.set_setting("counter", w.setting("counter", 0) + 1)
            w.upsert("people", {"name": f"w{k}"}, {"role": str(w.setting("counter"))})
    w.close()
    return n


def test_read_modify_writes_in_batches_lose_nothing(backend):
    spec = backend.spec("counter")
    open_spec(spec).close()
    ctx = mp.get_context("spawn")
    with ctx.Pool(8) as pool:
        assert pool.map(_increment, [(spec, k, 30) for k in range(8)]) == [30] * 8
    w = open_spec(spec)
    assert w.setting("counter") == 8 * 30
    # every increment saw the one before it: the logged values are exactly 1..240, each once
    assert sorted(int(v) for v in w.history("settings").new) == list(range(1, 241))
    assert backend.integrity(w) == "ok"


def test_revision_changes_when_another_connection_writes(backend):
    a, b = backend.open("rev"), backend.open("rev")
    before = a.revision()
    assert a.revision() == before  # reading changes nothing
    b.upsert("people", {"name": "山田"}, {"department": "総務課"})
    after = a.revision()
    assert after != before
    assert not b.upsert("people", {"name": "山田"}, {"department": "総務課"})  # no change, no new revision
    assert a.revision() == after
    with pytest.raises(RuntimeError):
        with b.batch():
            b.upsert("people", {"name": "佐藤"}, {})
            raise RuntimeError("rolled back")
    assert a.revision() == after and a.get("people", name="佐藤") is None
    a.close()
    b.close()


# ---------------------------------------------------------------------- the server store only

pg_only = pytest.mark.parametrize("backend", ["pg"], indirect=True)


@pg_only
def test_pg_workshop_satisfies_the_protocol(backend):
    from test_store_protocol import declared

    from ohayami.store_pg import PgWorkshop
    with backend.open("proto") as w:
        assert isinstance(w, S.WorkshopStore)
        assert declared() - set(dir(PgWorkshop)) <= {"path", "actor"}
        assert w.path == backend.tmp_path / f"{w.name}_出力" and not w.path.exists()
        assert w.export_folder() == w.path and w.path.is_dir()


@pg_only
def test_pg_change_log_has_the_file_s_columns(backend, tmp_path):
    from ohayami.store_pg import CHANGELOG
    with open_workshop(tmp_path / "file") as f:
        assert tuple(r[1] for r in f._conn.execute("PRAGMA table_info(changelog)")) == CHANGELOG
    with backend.open("log") as w:
        cols = [r[0] for r in w._conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema=%s AND table_name='changelog' "
            "ORDER BY ordinal_position", (w._schema,))]
        assert tuple(cols) == CHANGELOG


@pg_only
def test_pg_rows_keep_the_order_first_entered(backend):
    with backend.open("order") as w:
        for name in ["山田", "佐藤", "鈴木"]:
            w.upsert("people", {"name": name}, {"role": "委員"})
        for _ in range(3):  # updates write new row versions on the server; the order must not follow them
            w.upsert("people", {"name": "山田"}, {"role": "委員長"})
            w.upsert("people", {"name": "山田"}, {"role": "委員"})
        assert list(w.rows("people").name) == ["山田", "佐藤", "鈴木"]


@pg_only
def test_pg_values_are_stored_as_their_columns_say(backend):
    with backend.open("types") as w:
        w.upsert("scores", {"set_id": "E", "evaluator": "山田", "alternative_id": "V001", "criterion_id": "e001"},
                 {"value": 3})
        w.upsert("vendors", {"vendor_id": "V001"}, {"price": "1200", "notes": 1.5})
        assert w.get("scores", set_id="E", evaluator="山田", alternative_id="V001", criterion_id="e001")["value"] == "3"
        assert w.rows("scores", value=3).shape[0] == 1  # a number looked up in a text column, as SQLite does
        assert w.get("vendors", vendor_id="V001")["price"] == 1200.0
        assert w.get("vendors", vendor_id="V001")["notes"] == "1.5"
        with pytest.raises(OhayamiError, match="価格.*数値") as e:
            w.upsert("vendors", {"vendor_id": "V001"}, {"price": "千円"})
        assert e.value.field == "price" and w.get("vendors", vendor_id="V001")["price"] == 1200.0


def test_both_stores_strip_controls_and_refuse_broken_json(backend):
    """The server store applies the file store's own value checks (one mechanism, not a copy)."""
    with backend.open("values") as w:
        w.upsert("problems", {"problem_id": "P001"}, {"title": "窓口\x07が\u200b混む"})
        assert w.get("problems", problem_id="P001")["title"] == "窓口が混む"
        with pytest.raises(OhayamiError, match="JSON"):
            w.upsert("settings", {"key": "x"}, {"value": "{broken"})
        assert w.get("settings", key="x") is None


@pg_only
def test_pg_workshop_from_a_newer_kit_is_refused_untouched(backend):
    with backend.open("newer") as w:
        w.upsert("people", {"name": "山田"}, {})
        w._conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(OhayamiError, match="新しい版"):
        backend.open("newer")
    spec = backend.spec("newer")
    import psycopg
    with psycopg.connect(spec[1]) as conn:
        schema = conn.execute("SELECT schema FROM ohayami_workshops WHERE name=%s", (spec[2],)).fetchone()[0]
        assert conn.execute(f'SELECT value FROM "{schema}".meta WHERE key=%s', ("schema_version",)).fetchone() == ("99",)
        assert conn.execute(f'SELECT name FROM "{schema}".people').fetchall() == [("山田",)]


@pg_only
def test_pg_workshop_from_an_older_kit_is_migrated(backend, monkeypatch):
    with backend.open("older") as w:
        w.upsert("vendors", {"vendor_id": "V1"}, {"name": "A社"})
    new = S.SCHEMA_VERSION + 1
    monkeypatch.setattr(S, "SCHEMA_VERSION", new)
    monkeypatch.setitem(S.MIGRATIONS, new, ['ALTER TABLE vendors ADD COLUMN url TEXT',
                                            'CREATE TABLE IF NOT EXISTS "extra" ("k" TEXT, "n" REAL, PRIMARY KEY ("k"))'])
    monkeypatch.setitem(S.TABLES, "extra", S.Table("extra", "追加", ("k",), ("n",), numeric=("n",)))
    import ohayami.store_pg as P
    monkeypatch.setattr(P, "SCHEMA_VERSION", new)
    w = backend.open("older")
    assert w.schema_version() == new
    assert w.get("vendors", vendor_id="V1")["name"] == "A社"
    assert "url" in w.rows("vendors").columns
    assert backend.columns(w, "extra") == [("k", "TEXT"), ("n", "REAL")]  # SQLite's REAL became double precision
    w.upsert("extra", {"k": "a"}, {"n": 0.1})
    w.upsert("extra", {"k": "b"}, {"n": 1})
    assert list(w.rows("extra").n) == [0.1, 1.0]  # full precision, in the order entered
    w.close()


@pg_only
def test_pg_workshops_by_name_listed_and_dropped(backend):
    from ohayami.store_pg import drop_pg_workshop, list_pg_workshops
    spec = backend.spec("named")
    with pytest.raises(OhayamiError, match="データベースにありません"):
        backend.open("named", create=False)
    backend.open("named").close()
    assert spec[2] in list_pg_workshops(PG_DSN)
    with pytest.raises(OhayamiError, match="ワークショップ名が空"):
        open_spec(("pg", PG_DSN, " \x07 ", spec[3]))
    assert drop_pg_workshop(PG_DSN, spec[2]) and not drop_pg_workshop(PG_DSN, spec[2])
    assert spec[2] not in list_pg_workshops(PG_DSN)


@pg_only
def test_pg_workshop_opened_by_its_address(backend):
    from psycopg.conninfo import conninfo_to_dict
    from urllib.parse import urlencode

    from ohayami.store_pg import is_pg_url, open_workshop_url
    spec = backend.spec("アドレス")
    query = urlencode({"workshop": spec[2], **conninfo_to_dict(PG_DSN)})
    w = open_workshop_url(f"postgresql:///?{query}", folder=backend.tmp_path)
    assert w.name == spec[2]
    w.upsert("people", {"name": "山田"}, {})
    w.close()
    assert backend.open("アドレス").get("people", name="山田") is not None
    assert is_pg_url("postgresql://h/db?workshop=a") and is_pg_url("postgres://h/db?workshop=a")
    assert not is_pg_url("workshop") and not is_pg_url(None)


def test_address_without_a_workshop_name_and_an_unreachable_server(tmp_path):
    from ohayami.store_pg import open_pg_workshop, split_url
    assert split_url("postgresql://u@h:5433/db?sslmode=disable&workshop=%E7%94%BA") == \
        ("postgresql://u@h:5433/db?sslmode=disable", "町")
    assert split_url("postgresql:///db?workshop=a") == ("postgresql:///db", "a")  # a local socket keeps its //
    with pytest.raises(OhayamiError, match="workshop=ワークショップ名") as e:
        split_url("postgresql://u@h/db")
    assert e.value.field == "workshop"
    pytest.importorskip("psycopg")
    with pytest.raises(OhayamiError, match="接続できません"):
        open_pg_workshop(f"host={tmp_path} port=1 dbname=x connect_timeout=2", "町")


def test_without_psycopg_the_message_says_what_to_install(monkeypatch):
    from ohayami.store_pg import open_pg_workshop
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(OhayamiError, match=r"ohayami\[pg\]"):
        open_pg_workshop("host=/nowhere dbname=x", "町")


@pg_only
def test_pg_writer_waits_for_a_batch_then_gives_up_in_japanese(backend):
    a, b = backend.open("turns"), backend.open("turns")
    b._conn.execute("SET lock_timeout = 300")  # instead of 30 s
    with a.batch():
        a.upsert("people", {"name": "山田"}, {"role": "委員"})
        assert b.rows("people").empty  # a reader neither waits nor sees the open batch
        with pytest.raises(OhayamiError, match="使用中"):
            b.upsert("people", {"name": "佐藤"}, {})
    assert list(b.rows("people").name) == ["山田"]
    assert b.upsert("people", {"name": "佐藤"}, {})  # once the batch is over, the next writer goes on
    a.close()
    b.close()


def test_opening_a_file_again_in_the_same_process_keeps_the_open_connections_locks(tmp_path):
    """A process that keeps a workshop open (the participant page's server, a kernel) and opens the same
    file again (listing the workshops) must keep its SQLite locks. A plain open()/close() of the file
    dropped them (POSIX locks are per process, see sqlite.org/howtocorrupt.html §2.2): the next other
    process to close its connection took itself for the last one and deleted the write-ahead log under
    the first, whose later writes then reached no other process (and were lost if it was killed)."""
    import subprocess
    import sys

    def other_process(sql: str) -> str:
        code = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute(sys.argv[2]).fetchone()[0]); c.close()"
        return subprocess.run([sys.executable, "-c", code, str(path), sql], capture_output=True, text=True,
                              check=True).stdout.strip()

    path = tmp_path / "w.ohayami"
    open_workshop(path).close()
    keep = open_workshop(path)
    keep.upsert("people", {"name": "最初の人"}, {"role": "参加者"})
    with open_workshop(path, create=False) as again:
        again.rows("people")
    assert other_process("SELECT count(*) FROM people") == "1"
    assert path.with_name(path.name + "-wal").exists()
    keep.upsert("people", {"name": "見える人"}, {"role": "参加者"})
    assert other_process("SELECT count(*) FROM people WHERE name = '見える人'") == "1"
    keep.close()
