"""Weights have one source of truth with versions: a committee revision is a version of its own that a
later save of an evaluator's weights does not undo; results and the report name the version they use."""

import json
import sqlite3

import pytest

from ohayami import OhayamiError
from ohayami import store as S
from ohayami.problems import ProblemWorkbench
from ohayami.reports import vendors_report_html
from ohayami.store import open_workshop
from ohayami.vendors import VendorWorkbench
from ohayami.workbench import jst_text

# 機能関連, 使いやすさ, コスト: two evaluators' direct points; the mean of their shares is 50.3, 24.7, 25
YAMADA = (45, 30, 25)
SATO = (55.6, 19.4, 25)
# scores on 1–5 (ratio (v - 1) / 4), the same from both evaluators
SCORES = {"V001": (5, 1, 3), "V002": (3, 5, 3)}


@pytest.fixture
def weighted(ws):
    """The committee's criteria, vendors and weights, before anyone scored (the weights are not locked yet)."""
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 28, 31])
    m.add_vendor("A社", "窓口くん")
    m.add_vendor("B社", "スマート窓口")
    m.set_rules(price=None)
    m.set_evaluator_weights("山田", "direct", dict(zip(ids, YAMADA)))
    m.set_evaluator_weights("佐藤", "direct", dict(zip(ids, SATO)))
    return m, ids


@pytest.fixture
def committee(weighted):
    m, ids = weighted
    for who in ("山田", "佐藤"):
        for vid, vals in SCORES.items():
            for cid, v in zip(ids, vals):
                m.set_score(who, vid, cid, v)
    return m, ids


def _weights(m):
    return m.criteria().set_index("criterion_id")["weight"]


def test_a_committee_revision_survives_a_later_save_of_an_evaluators_weights(committee):
    m, (func, ease, cost) = committee
    assert _weights(m)[ease] == pytest.approx(24.7)
    # by hand: A 50.3·1 + 24.7·0 + 25·0.5 = 62.8; B 50.3·0.5 + 24.7·1 + 25·0.5 = 62.35
    assert m.results().table["technical"].tolist() == pytest.approx([62.8, 62.35])
    assert m.results().winners == ["V001"]
    entry = m.revise_weights({ease: 35}, "多世代が使うため、使いやすさを重く見直した", actor="佐藤")
    # the maximum stays 100: 機能関連 and コスト share the 65 points left in proportion (50.3 : 25)
    # → 43.42 and 21.58; A 43.42 + 0 + 10.79 = 54.21; B 21.71 + 35 + 10.79 = 67.5
    assert entry["after"] == {ease: 35, func: pytest.approx(43.42), cost: pytest.approx(21.58)}
    assert (entry["winner_before"], entry["winner_after"]) == (["V001"], ["V002"])
    assert m.results().winners == ["V002"]
    res = m.results()
    assert res.table["technical"].tolist() == pytest.approx([54.21, 67.5])
    assert res.max_technical == pytest.approx(100) and (res.table["total"] <= res.max_technical + 1e-9).all()
    # 「この人の重みを保存」 for 山田, nothing changed
    out = m.set_evaluator_weights("山田", "direct", dict(zip((func, ease, cost), YAMADA)))
    assert _weights(m)[ease] == 35
    assert m.results().winners == ["V002"]
    assert out["applied"] is False and "委員会の修正" in out["message"]
    assert m.evaluator_weights().loc["山田", ease] == pytest.approx(30)  # the evaluator's input is kept
    v = m.current_weights_version()
    assert v.kind == "revision" and v.label.startswith(f"版{v.no}（委員会の修正 ") and v.label.endswith(" 佐藤）")
    assert jst_text(v.at) in v.label and not v.changed_since
    assert m.results().weights_version == v
    assert m.results_frame(m.results()).attrs["weights_version"] == v.label


def test_rebuilding_from_the_evaluators_is_a_version_that_needs_a_reason_after_a_revision(committee):
    m, (func, ease, cost) = committee
    m.revise_weights({ease: 35}, "使いやすさを重く", actor="佐藤")
    revised = m.current_weights_version().no
    with pytest.raises(OhayamiError, match="理由") as e:
        m.rebuild_weights_from_evaluators("  ", actor="委員長")
    assert e.value.field == "reason" and m.current_weights_version().no == revised
    v = m.rebuild_weights_from_evaluators("評価者全員の重みに戻すと決めた", actor="委員長")
    assert v.no == revised + 1 and v.kind == "evaluators" and v.reason == "評価者全員の重みに戻すと決めた"
    assert (v.winner_before, v.winner_after) == (("V002",), ("V001",))
    assert v.changes == {func: (pytest.approx(43.42), pytest.approx(50.3)), ease: (35, pytest.approx(24.7)),
                         cost: (pytest.approx(21.58), 25)}
    assert _weights(m)[ease] == pytest.approx(24.7) and m.results().winners == ["V001"]
    # the revision is still on record, and still blocks silent overwrites
    assert [r["after"] for r in m.revisions()] == [{func: pytest.approx(43.42), ease: 35, cost: pytest.approx(21.58)}]
    # scoring has started: an evaluator's weights are locked, a changed save is refused
    with pytest.raises(OhayamiError, match="固定") as e:
        m.set_evaluator_weights("佐藤", "direct", dict(zip((func, ease, cost), (20, 60, 20))))
    assert e.value.field == "weight" and m.evaluator_weights().loc["佐藤", ease] == pytest.approx(19.4)
    assert _weights(m)[ease] == pytest.approx(24.7)


def test_before_any_revision_an_evaluators_save_makes_a_new_version(weighted):
    m, (func, ease, cost) = weighted
    versions = m.weight_version_records()
    assert [v.kind for v in versions] == ["evaluators", "evaluators"]
    assert versions[0].weights[ease] == 30 and versions[1].weights[ease] == pytest.approx(24.7)
    n = len(versions)
    m.set_evaluator_weights("山田", "direct", dict(zip((func, ease, cost), YAMADA)))  # same weights: no new version
    assert len(m.weight_version_records()) == n
    m.set_evaluator_weights("山田", "direct", dict(zip((func, ease, cost), (40, 35, 25))))
    assert len(m.weight_version_records()) == n + 1 and _weights(m)[ease] == pytest.approx(27.2)


def test_other_ways_to_change_weights_are_refused_over_a_revision(committee):
    m, (func, ease, cost) = committee
    m.revise_weights({ease: 35}, "使いやすさを重く")
    for attempt in (lambda: m.update_criterion(func, weight=60), lambda: m.set_weights("direct", {func: 60})):
        with pytest.raises(OhayamiError, match="委員会の修正") as e:
            attempt()
        assert e.value.field == "weight"
    assert _weights(m)[func] == pytest.approx(43.42)  # as the revision left it (keeping the total of 100)
    m.update_criterion(func, name="機能", weight=_weights(m)[func])  # the same weight: only the name changes
    with pytest.raises(OhayamiError, match="同じ"):
        m.revise_weights({ease: 35}, "もう一度")


def test_the_versions_frame_workbook_and_report_name_the_version(committee):
    m, (func, ease, cost) = committee
    m.revise_weights({ease: 35}, "使いやすさを重く", actor="佐藤")
    frame = m.weight_versions()
    assert list(frame.columns[:8]) == ["版", "日時", "入力した人", "種類", "理由", "変更", "前の1位", "この版の1位"]
    top = frame.iloc[0]
    assert (top["種類"], top["理由"], top["前の1位"], top["この版の1位"]) == (
        "委員会の修正", "使いやすさを重く", "A社（窓口くん）", "B社（スマート窓口）")
    name = m.criteria().set_index("criterion_id").loc[ease, "name"]
    names = m.criteria().set_index("criterion_id")["name"]
    assert top["変更"] == f"{names[func]} 50.3→43.4、{name} 24.7→35.0、{names[cost]} 25.0→21.6" and top[name] == 35  # the rules' decimals
    assert list(frame["版"]) == [f"版{n}" for n in range(len(frame), 0, -1)]
    frames = m.export_frames()
    assert "重みの版" in frames and set(frames["結果"]["重みの版"]) == {m.current_weights_version().label}
    html = vendors_report_html(m, figures=False)
    assert f"この結果は重みの{m.current_weights_version().label}で計算しました" in html
    assert "結果に使う重み：" in html and "重みの版（新しい順）" in html


def test_a_typed_weight_is_a_version_and_a_later_criterion_shows_as_a_change(ws):
    c = ProblemWorkbench(ws)
    assert c.current_weights_version().no == 0 and c.current_weights_version().label.startswith("版なし")
    cid = c.criteria()["criterion_id"][0]
    c.update_criterion(cid, weight=7)
    v = c.current_weights_version()
    assert (v.no, v.kind, v.weights[cid]) == (1, "edit", 7)
    c.set_weights("direct", {k: 10 for k in c.criteria()["criterion_id"]})
    assert c.current_weights_version().kind == "room"
    c.add_criterion("費用の安さ", weight=3)
    assert c.current_weights_version().changed_since and "配点が変わっています" in c.current_weights_version().label


def test_jst_text_reads_any_offset():
    assert jst_text("2026-11-27T05:02:00+00:00") == "2026年11月27日 14:02"
    assert jst_text("2026-11-27T14:02:09+09:00") == "2026年11月27日 14:02"
    assert jst_text("") == "" and jst_text(None) == ""


def _version_2_file(path, criteria, revisions):
    """A workshop file as the version-2 kit wrote it, with E criteria points and committee revisions."""
    con = sqlite3.connect(path)
    for v in (1, 2):
        for step in S.MIGRATIONS[v]:
            step(con) if callable(step) else con.execute(step)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [("app", S.APP_ID), ("schema_version", "2"),
                                                       ("created_at", "2026-11-01"), ("workshop_id", "abc")])
    con.executemany("INSERT INTO criteria (set_id, criterion_id, name, weight, scale, direction, must_have, position) "
                    "VALUES ('E', ?, ?, ?, '1-5', 'higher', 0, ?)",
                    [(cid, cid, w, i) for i, (cid, w) in enumerate(criteria.items())])
    for no, r in enumerate(revisions, start=1):
        con.execute("INSERT INTO weight_revisions VALUES ('E', ?, ?, ?, ?, ?, ?, ?, ?)",
                    (no, r["at"], r["by"], r["reason"], json.dumps(r["before"]), json.dumps(r["after"]),
                     json.dumps(["V001"]), json.dumps(["V002"])))
    con.commit()
    con.close()


REVS = [{"at": "2026-11-20T10:00:00+09:00", "by": "委員長", "reason": "機能を重く", "before": {"f": 40}, "after": {"f": 50}},
        {"at": "2026-11-21T10:00:00+09:00", "by": "佐藤", "reason": "使いやすさも", "before": {"u": 30}, "after": {"u": 35}}]


def test_version_2_revisions_become_versions(tmp_path):
    path = tmp_path / "v2.ohayami"
    _version_2_file(path, {"f": 50, "u": 35, "c": 30}, REVS)
    m = VendorWorkbench(open_workshop(path))
    assert m.ws.schema_version() == S.SCHEMA_VERSION
    v = m.weight_version_records()
    assert [x.kind for x in v] == ["recorded", "revision", "revision"]
    assert v[0].weights == {"f": 40, "u": 30, "c": 30}
    assert v[1].weights == {"f": 50, "u": 30, "c": 30} and v[2].weights == {"f": 50, "u": 35, "c": 30}
    assert [(x.at, x.actor, x.reason) for x in v[1:]] == [(r["at"], r["by"], r["reason"]) for r in REVS]
    assert m.revisions() == [{"no": i + 1, **r, "winner_before": ["V001"], "winner_after": ["V002"]}
                             for i, r in enumerate(REVS)]
    assert m.current_weights_version().label == "版3（委員会の修正 2026年11月21日 10:00 佐藤）"
    assert len(m.ws.history("weight_revisions")) == 2
    with pytest.raises(OhayamiError):
        m.ws.rows("weight_revisions")  # the old table is gone: one source of truth


def test_a_revision_that_an_old_kit_overwrote_is_recorded_as_overwritten(tmp_path):
    path = tmp_path / "v2.ohayami"
    _version_2_file(path, {"f": 42, "u": 30, "c": 28}, REVS[:1])  # an evaluator's save undid f 40 → 50
    m = VendorWorkbench(open_workshop(path))
    v = m.weight_version_records()
    assert [x.kind for x in v] == ["recorded", "revision", "evaluators"]
    assert v[1].changes == {"f": (40, 50)} and v[2].changes == {"f": (50, 42)}
    assert "作り直されていました" in v[2].reason and not m.current_weights_version().changed_since
    assert m.has_committee_revision()
