"""The workshop file: nothing entered is ever lost."""

import hashlib
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from ohayami import OhayamiError
from ohayami import store as S
from ohayami.store import open_workshop


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def test_reopen_shows_the_last_state(tmp_path):
    w = open_workshop(tmp_path / "w")
    wid = w.workshop_id
    w.upsert("problems", {"problem_id": "P001"}, {"title": "窓口の混雑"})
    w.set_setting("cut_line", {"top": 5})
    w.close()
    w = open_workshop(tmp_path / "w.ohayami")
    assert w.get("problems", problem_id="P001")["title"] == "窓口の混雑"
    assert w.setting("cut_line") == {"top": 5} and w.workshop_id == wid and w.schema_version() == S.SCHEMA_VERSION


def _writer(args):
    path, worker, n = args
    w = open_workshop(path, actor=f"w{worker}")
    for i in range(n):
        w.upsert("scores", {"set_id": "E", "evaluator": f"w{worker}", "alternative_id": f"V{i % 20}",
                            "criterion_id": f"c{i}"}, {"value": str(i % 5 + 1)})
        # everyone also edits the same shared row: ordinary contention, never an error
        w.upsert("settings", {"key": "last_writer"}, {"value": f'"w{worker}-{i}"'})
    w.close()
    return n


def test_eight_processes_two_hundred_edits_each(tmp_path):
    path = tmp_path / "busy.ohayami"
    open_workshop(path).close()
    ctx = mp.get_context("spawn")
    with ctx.Pool(8) as pool:
        done = pool.map(_writer, [(str(path), k, 200) for k in range(8)])
    assert done == [200] * 8
    w = open_workshop(path)
    scores = w.rows("scores")
    assert len(scores) == 1600
    assert scores.groupby("evaluator").size().to_dict() == {f"w{k}": 200 for k in range(8)}
    assert (w.history("scores").field == "value").sum() == 1600
    assert len(w.history("settings")) >= 8  # at least each writer's first edit of the shared row
    assert w._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from ohayami.store import open_workshop
    w = open_workshop(sys.argv[1])
    for i in range(10):
        w.upsert("problems", {"problem_id": f"P{i:03d}"}, {"title": f"committed {i}"})
    with w.batch("killer"):
        for i in range(10, 5000):
            w.upsert("problems", {"problem_id": f"P{i:03d}"}, {"title": f"uncommitted {i}"})
            if i == 2000:
                print("inside", flush=True)
                time.sleep(60)
""")


def test_writer_killed_mid_transaction(tmp_path):
    path = tmp_path / "killed.ohayami"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    w = open_workshop(path)
    titles = sorted(w.rows("problems").title)
    assert titles == [f"committed {i}" for i in range(10)]
    assert w._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
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


def test_concurrent_open_of_a_new_file(tmp_path):
    path = tmp_path / "fresh.ohayami"
    a = open_workshop(path)
    b = open_workshop(path)
    a.upsert("people", {"name": "a"}, {})
    b.upsert("people", {"name": "b"}, {})
    assert sorted(a.rows("people").name) == ["a", "b"]
