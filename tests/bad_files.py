"""The bad-input corpus, part 2: workshop files crafted to hurt, and scoring sheets edited by a participant.

See tests/bad_inputs.py for the kinds; the runner is tests/test_bad_input_corpus.py.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile

import openpyxl

from bad_inputs import Case

FILE_CASES: list[Case] = []


def _open_case(id: str, item: str, expect: str, build) -> None:
    FILE_CASES.append(Case(id, item, "open", expect, build))


def _sheet_case(id: str, item: str, expect: str, tamper) -> None:
    FILE_CASES.append(Case(id, item, "sheet", expect, tamper))


# ---------------------------------------------------------------------- workshop files
def _workshop(path, sql: str | None = None, *, fill: bool = True) -> None:
    """A real workshop file with a few rows, then ``sql`` run on it with plain sqlite3 (as an attacker would)."""
    from ohayami.problems import ProblemWorkbench
    from ohayami.store import open_workshop

    ws = open_workshop(path)
    if fill:
        m = ProblemWorkbench(ws)
        m.add_problem("バスの本数が少ない")
        m.set_score("山田", m.problems()["problem_id"][0], m.criteria()["criterion_id"][0], "3")
    ws.close()
    conn = sqlite3.connect(path)
    if sql:
        conn.executescript(sql)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def _sql(sql: str):
    return lambda path: _workshop(path, sql)


def _rebuild_without(table: str, column: str) -> str:
    return (f'ALTER TABLE "{table}" DROP COLUMN "{column}";')


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    return buf.getvalue()


def _other_sqlite(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()


def _damaged(path) -> None:
    _workshop(path)
    raw = bytearray(path.read_bytes())
    page = 4096
    for i in range(page * 2, min(len(raw), page * 4)):
        raw[i] = 0xA5
    path.write_bytes(bytes(raw))


def _truncated(path) -> None:
    _workshop(path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


_open_case("o-empty", "13.5", "空", _bytes(b""))
_open_case("o-text", "13.3", "ワークショップファイルではありません", _bytes("課題\nバス\n".encode()))
_open_case("o-html", "13.3", "ワークショップファイルではありません", _bytes(b"<html><script>alert(1)</script></html>"))
_open_case("o-zip", "13.3", "ワークショップファイルではありません", _bytes(_zip_bytes()))
_open_case("o-other-sqlite", "13.3", "ワークショップファイルではありません|別のデータベース", _other_sqlite)
_open_case("o-damaged", "13.3", "壊れ", _damaged)
_open_case("o-truncated", "13.3", "壊れ|ワークショップファイルではありません", _truncated)
_open_case("o-newer", "13.3", "新しい版", _sql("UPDATE meta SET value='999' WHERE key='schema_version';"))
_open_case("o-version-negative", "13.3", "版|形式", _sql("UPDATE meta SET value='-5' WHERE key='schema_version';"))
_open_case("o-version-text", "13.3", "版|形式", _sql("UPDATE meta SET value='abc' WHERE key='schema_version';"))
_open_case("o-version-missing", "13.3", "版|形式", _sql("DELETE FROM meta WHERE key='schema_version';"))
_open_case("o-app-id", "13.3", "ワークショップファイルではありません", _sql("UPDATE meta SET value='other' WHERE key='app';"))
_open_case("o-dropped-column", "13.3", "problems|課題|列", _sql(_rebuild_without("problems", "scene")))
_open_case("o-dropped-value-column", "13.3", "scores|評価点|列", _sql(_rebuild_without("scores", "value")))
_open_case("o-extra-column", "13.3", "列", _sql('ALTER TABLE "problems" ADD COLUMN "evil" TEXT;'))
_open_case("o-missing-table", "13.3", "vendors|事業者|表", _sql('DROP TABLE "vendors";'))
_open_case("o-missing-changelog", "13.3", "changelog|変更履歴|表", _sql("DROP TABLE changelog;"))
_open_case("o-text-in-number", "13.3", "vendors|事業者|数", _sql(
    "INSERT INTO vendors (vendor_id, name, price) VALUES ('V9', 'X社', 'とても高い');"))
_open_case("o-text-in-weight", "13.3", "criteria|評価項目|数", _sql("UPDATE criteria SET weight='重い';"))
_open_case("o-bad-json-settings", "13.3", "settings|設定|JSON", _sql(
    "INSERT INTO settings (key, value) VALUES ('x', '{not json');"))
_open_case("o-trigger-delete-log", "13.3", "トリガー|trigger", _sql(
    "CREATE TRIGGER evil AFTER INSERT ON changelog BEGIN DELETE FROM changelog; END;"))
_open_case("o-trigger-rewrite-scores", "13.3", "トリガー|trigger", _sql(
    "CREATE TRIGGER evil2 AFTER INSERT ON scores BEGIN UPDATE scores SET value='1'; END;"))
_open_case("o-view-shadow", "13.3", "ビュー|view|scores|評価点", _sql(
    "DROP TABLE scores; CREATE VIEW scores AS SELECT 'C' AS set_id, '佐藤' AS evaluator, 'P1' AS alternative_id, "
    "'k1' AS criterion_id, '5' AS value;"))
_open_case("o-extra-view", "13.3", "ビュー|view", _sql("CREATE VIEW spy AS SELECT * FROM people;"))
_open_case("o-foreign-index", "13.3", "索引|インデックス|index", _sql(
    "CREATE UNIQUE INDEX evil_idx ON scores(value);"))
_open_case("o-missing-primary-key", "13.3", "problems|課題|キー|列", _sql(
    'ALTER TABLE problems RENAME TO p_old; CREATE TABLE problems AS SELECT * FROM p_old; DROP TABLE p_old;'))


# ---------------------------------------------------------------------- scoring sheets
def _edit_sheet(change=None, *, visible=None, score=3, meta_cell=None):
    def tamper(model, data: bytes) -> bytes:
        from ohayami import sheets as S

        wb = openpyxl.load_workbook(io.BytesIO(data))
        meta = json.loads(wb[S.META]["A1"].value)
        if change:
            change(meta, model)
        wb[S.META]["A1"] = meta_cell if meta_cell is not None else json.dumps(meta, ensure_ascii=False)
        sh = wb[S.SHEET]
        if visible:
            visible(sh, model)
        for i in range(len(model.alternatives())):
            for j in range(len(model.criteria())):
                sh.cell(S.FIRST_ROW + i, S.FIRST_COL + j).value = score
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    return tamper


def _other_evaluator_signature(meta, model):
    other = openpyxl.load_workbook(io.BytesIO(model.scoring_sheet("山田")))
    from ohayami import sheets as S

    theirs = json.loads(other[S.META]["A1"].value)
    meta["signature"] = theirs["signature"]


_sheet_case("s-evaluator", "13.2", "評価者|署名", _edit_sheet(lambda m, _: m.update(evaluator="山田")))
_sheet_case("s-scale", "13.2", "尺度|評価項目", _edit_sheet(lambda m, _: m["scales"].__setitem__(0, "0-100"), score=100))
_sheet_case("s-score-out-of-scale", "13.2", "尺度の外", _edit_sheet(score=100))
_sheet_case("s-score-text", "13.2", "尺度の外", _edit_sheet(score="とても良い"))
_sheet_case("s-score-empty", "13.2", "空", _edit_sheet(score=None))
_sheet_case("s-alternative", "13.2", "事業者|評価対象|署名", _edit_sheet(lambda m, _: m["alternatives"].append("V99")))
_sheet_case("s-set", "13.2", "評価セット|署名|別", _edit_sheet(lambda m, _: m.update(set_id="C")))
_sheet_case("s-no-signature", "13.2", "署名", _edit_sheet(lambda m, _: m.pop("signature")))
_sheet_case("s-copied-signature", "13.2", "署名|評価者", _edit_sheet(
    lambda m, model: (_other_evaluator_signature(m, model), m.update(evaluator="山田"))))
_sheet_case("s-other-workshop", "13.2", "別のワークショップ", _edit_sheet(lambda m, _: m.update(workshop_id="0" * 32)))
_sheet_case("s-broken-meta", "13.2", "管理情報", _edit_sheet(meta_cell="{not json"))
_sheet_case("s-old-layout", "13.2", "管理情報|古い", _edit_sheet(lambda m, _: m.update(layout=1)))
_sheet_case("s-criteria-order", "13.2", "評価項目|署名", _edit_sheet(lambda m, _: m["criteria"].reverse()))
_sheet_case("s-not-a-sheet", "13.2", "評価シートではありません|Excel", lambda model, data: model.export_xlsx())
_sheet_case("s-not-xlsx", "13.2", "Excel", lambda model, data: b"not an xlsx at all")


# ---------------------------------------------------------------------- stored rows a worksheet cannot use
# Files that pass the open check (right tables, numbers where numbers go) but hold values no typed input
# could give. The worksheet reads them through the checks typed input goes through: every view still
# shows the rest, each bad row is reported in Japanese (table, row, field, how to fix), nothing is written.

def _filled_workshop(sql: str):
    def build(path) -> None:
        from ohayami.flow import Flow
        from ohayami.roles import Roles
        from ohayami.store import open_workshop
        from ohayami.support import SupportWorksheet

        ws = open_workshop(path)
        Flow(ws)
        roles = Roles(ws)
        roles.seed_from_flow()
        town = roles.add_owner("企画課", "dept")
        roles.add_owner("A社", "vendor")
        roles.set_raci(roles.tasks()["task_id"].iloc[0], town, "A")
        f = SupportWorksheet(ws, "F")
        f.load_guide_list()
        f.set_check(f.programmes()["programme_id"].iloc[0], f.criteria()["criterion_id"].iloc[0], "○")
        f.decide("P001", "保留", "県に確認中", who="企画課")
        f.decide("P002", "見送る", "対象経費に入らない", who="企画課")
        ws.close()
        conn = sqlite3.connect(path)   # the file stays in WAL mode, as ohayami leaves it
        conn.executescript(sql)
        conn.close()
    return build


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def read_b(ws) -> list[str]:
    """Every view of type B over ``ws``; returns what the worksheet reports about its stored rows."""
    from ohayami.flow import Flow
    from ohayami.printouts import flow_html

    m = Flow(ws)
    m.stages_frame(), m.export_xlsx(), flow_html(m), m.stage_picks()
    _close(m.timeline_figure())
    return m.order_warnings()


def read_h(ws) -> list[str]:
    """Every view of type H (and the project summary, which reads H) over ``ws``; returns its reports."""
    from ohayami.printouts import roles_html
    from ohayami.roles import Roles
    from ohayami.summary import ProjectSummary

    m = Roles(ws)
    m.matrix_frame(), m.summary_frame(), m.export_xlsx(), roles_html(m), m.owner_picks(), m.task_picks()
    _close(m.org_chart_figure())
    ProjectSummary(ws).export_xlsx()
    return m.warnings()


def read_f(ws) -> list[str]:
    """Every view of type F over ``ws``; returns what the worksheet reports about its stored rows."""
    from ohayami.printouts import support_html
    from ohayami.support import SupportWorksheet

    m = SupportWorksheet(ws, "F")
    m.ranking(), m.export_xlsx(), m.criteria(all_rows=True), support_html(m), m.programme_picks()
    m.decisions_frame(), m.history_frame(), m.programmes_frame()
    return m.stored_problems()


def _stored_case(id: str, expect: str, sql: str, read) -> None:
    FILE_CASES.append(Case(id, "13.3", "stored", expect, _filled_workshop(sql), extra={"read": read}))


_stored_case("st-b-start-month-huge", "flow_stages）」の「ST002」（列「開始月", "UPDATE flow_stages SET start_month=1e9 "
             "WHERE stage_id='ST002';", read_b)
_stored_case("st-b-months-negative", "「ST001」（列「期間（月）」", "UPDATE flow_stages SET months=-5 WHERE stage_id='ST001';",
             read_b)
_stored_case("st-b-start-month-null", "「ST003」（列「開始月", "UPDATE flow_stages SET start_month=NULL "
             "WHERE stage_id='ST003';", read_b)
_stored_case("st-b-lead-unknown", "「ST004」（列「主導」", "UPDATE flow_stages SET lead='zzz' WHERE stage_id='ST004';", read_b)
_stored_case("st-b-stage-name-null", "「ST005」（列「段階」", "UPDATE flow_stages SET stage_name=NULL "
             "WHERE stage_id='ST005';", read_b)
_stored_case("st-b-plan-start-text", "flow_plan）」の「P001」（列「開始年月」", "UPDATE flow_plan SET start='abc';", read_b)
_stored_case("st-b-plan-start-month-13", "開始年月「2026-13」", "UPDATE flow_plan SET start='2026-13';", read_b)
_stored_case("st-h-owner-kind-unknown", "role_owners）」の「O001」（列「担い手の区分」",
             "UPDATE role_owners SET owner_kind='zzz' WHERE owner_id='O001';", read_h)
_stored_case("st-h-owner-name-null", "role_owners）」の「O002」（列「担い手」",
             "UPDATE role_owners SET owner_name=NULL WHERE owner_id='O002';", read_h)
_stored_case("st-h-raci-letter", "role_raci）」の「T001・O001」", "UPDATE role_raci SET raci='Z';", read_h)
_stored_case("st-h-task-name-null", "role_tasks）」の「T002」（列「作業」",
             "UPDATE role_tasks SET task_name=NULL WHERE task_id='T002';", read_h)
_stored_case("st-f-criterion-weight-negative", "support_criteria）」の「K1」（列「配点」",
             "UPDATE support_criteria SET weight=-5 WHERE kind='F' AND criterion_id='K1';", read_f)
_stored_case("st-f-check-mark", "support_checks）」", "UPDATE support_checks SET value='Q';", read_f)
_stored_case("st-f-programme-name-empty", "support_programmes）」の「P002」（列「名前」",
             "UPDATE support_programmes SET name='' WHERE kind='F' AND programme_id='P002';", read_f)
_stored_case("st-f-programme-name-controls", "support_programmes）」の「P003」（列「名前」",
             "UPDATE support_programmes SET name=char(1)||char(7)||' ' WHERE kind='F' AND programme_id='P003';", read_f)
_stored_case("st-f-programme-deadline-words", "support_programmes）」の「P001」（列「締切」",
             "UPDATE support_programmes SET deadline='zzz' WHERE kind='F' AND programme_id='P001';", read_f)
_stored_case("st-f-programme-name-long", "support_programmes）」の「P001」（列「名前」",
             "UPDATE support_programmes SET name=printf('%.500c', 'x') WHERE kind='F' AND programme_id='P001';", read_f)
_stored_case("st-f-decision-unknown", "support_decisions）」の「P001・1」（列「決定」",
             "UPDATE support_decisions SET decision='zzz' WHERE programme_id='P001';", read_f)
_stored_case("st-f-decision-reason-null", "support_decisions）」の「P002・1」（列「理由」",
             "UPDATE support_decisions SET reason=NULL WHERE programme_id='P002';", read_f)
_stored_case("st-f-decision-deadline-impossible", "support_decisions）」の「P001・1」（列「締切」",
             "UPDATE support_decisions SET deadline='2026-02-30' WHERE programme_id='P001';", read_f)
_stored_case("st-f-decision-no-fraction", "support_decisions）」の「P001・2.5」（列「番号」",
             "UPDATE support_decisions SET no=2.5 WHERE programme_id='P001';", read_f)
_stored_case("st-f-decision-actor-empty", "support_decisions）」の「P002・1」（列「入力した人」",
             "UPDATE support_decisions SET actor='　' WHERE programme_id='P002';", read_f)
_stored_case("st-f-decision-at-words", "support_decisions）」の「P001・1」（列「日時」",
             "UPDATE support_decisions SET at='yesterday' WHERE programme_id='P001';", read_f)
