"""One label catalogue: one header per column, one yes/no vocabulary, old headers still read back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ohayami import exchange as X
from ohayami import labels as L
from ohayami.chart import as_answer
from ohayami.scoring.scales import parse_scale
from ohayami.store import TABLES

PACKAGE = Path(__file__).resolve().parent.parent / "ohayami"


def test_every_workshop_column_has_one_label_and_no_two_columns_share_one():
    columns = {c for t in TABLES.values() for c in t.columns}
    assert columns <= set(L.COLUMN_LABELS), columns - set(L.COLUMN_LABELS)
    for t in TABLES.values():
        heads = [L.column_label(c) for c in t.columns]
        assert len(heads) == len(set(heads)), (t.name, heads)


def test_guide_files_use_the_same_header_for_the_same_column():
    shared = set(L.COLUMN_LABELS) & set(L.GUIDE_COLUMN_LABELS)
    differing = {c for c in shared if L.GUIDE_COLUMN_LABELS[c] != L.COLUMN_LABELS[c] and c != "title"}
    assert not differing  # "title" is a reference's title in the guide, a problem's title in a workshop
    assert L.GUIDE_COLUMN_LABELS["criterion_id"] == L.COLUMN_LABELS["criterion_id"] == "評価項目ID"


def test_guide_messages_name_the_criterion_column_like_the_export(data_copy):
    import ohayami

    path = data_copy / "priority_criteria.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("criterion_id", "id")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ohayami.OhayamiError, match="criterion_id（評価項目ID）"):
        ohayami.load_priority_criteria(data_copy)


def test_old_header_spellings_still_import(ws):
    # 「評価軸ID」 and 「名称」 were headers in earlier files; today's export says 評価項目ID and 名前
    X.import_table(ws, "criteria", "評価軸ID,名称,説明,必須／任意,向き\nk1,影響の大きさ,住民への影響,任意,低いほど良い\n".encode(),
                   set_id="C")
    row = ws.get("criteria", set_id="C", criterion_id="k1")
    assert (row["name"], row["description"], row["must_have"], row["direction"]) == ("影響の大きさ", "住民への影響", 0, "lower")
    X.import_table(ws, "problems", "課題ID,タイトル\nP001,バスが少ない\n".encode())
    X.import_table(ws, "scores", "評価者,課題ID,評価軸ID,点数\n山田,P001,k1,4\n".encode(), set_id="C")
    assert ws.get("scores", set_id="C", evaluator="山田", alternative_id="P001", criterion_id="k1")["value"] == "4"


def test_export_headers_come_from_the_catalogue(ws):
    ws.upsert("criteria", {"set_id": "E", "criterion_id": "e001"}, {"name": "機能"})
    frame = X.export_frames(ws, with_history=True)
    assert list(frame["評価項目"].columns) == [L.COLUMN_LABELS[c] for c in TABLES["criteria"].columns]
    assert set(frame["変更履歴"].columns) == set(L.CHANGELOG_LABELS.values())


@pytest.mark.parametrize("word", sorted(L.YES_WORDS | L.NO_WORDS))
def test_one_yes_no_vocabulary_everywhere(ws, word):
    yes = word in L.YES_WORDS
    assert as_answer(word) is yes  # the diagnostic chart
    assert parse_scale("yes/no").ratio(word) == (1.0 if yes else 0.0)  # a must-have score
    X.import_table(ws, "criteria", f"評価項目ID,名前,必須\nm1,個人情報の保護,{word}\n".encode(), set_id="E")
    assert ws.get("criteria", set_id="E", criterion_id="m1")["must_have"] == (1 if yes else 0)  # an import


def test_words_shown_come_from_the_catalogue():
    assert parse_scale("yes/no").levels == (L.YES, L.NO)
    assert L.must_label(1) == L.MUST_HAVE and L.must_label(0) == L.NICE_TO_HAVE and L.must_label(float("nan")) == "任意"
    assert [L.direction_label(d) for d in ("higher", "lower")] == ["高いほど良い", "低いほど良い"]
    assert L.direction_choices() == "higher（高いほど良い）か lower（低いほど良い）"


# Words that must be spelled only in labels.py outside the views ("必須" is also a scale's name, so it is
# not listed; the views may still spell a word inside a longer sentence).
CATALOGUED = {L.YES, L.NO, L.NICE_TO_HAVE, *L.DIRECTION_LABELS.values(), "評価軸ID", "名称"}


def test_no_module_outside_the_views_spells_a_catalogued_word():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui" or rel.name == "labels.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in CATALOGUED:
                found.append(f"{rel}:{node.lineno} {node.value}")
    assert not found, found
