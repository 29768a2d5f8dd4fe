"""Scoring one alternative at a time: order, position, empty cells, next unscored, the scales' anchors."""

import pandas as pd
import pytest

from ohayami.errors import OhayamiError
from ohayami.one_by_one import Tour, anchors_text, button_levels, scale_anchors

ALTS = pd.DataFrame({"alternative_id": ["P001", "P002", "P003", "P004"], "name": ["窓口", "バス", "ごみ", "予約"]})
CRIT = pd.DataFrame({"criterion_id": ["reach", "effect", "difficulty"]})


def scores(*cells):
    return pd.DataFrame(cells, columns=["alternative_id", "criterion_id", "value"])


def test_the_order_and_the_position_are_the_alternatives_as_given():
    t = Tour.of(ALTS, CRIT, None)
    assert len(t) == 4 and t.alternative_ids == ("P001", "P002", "P003", "P004") and t.names[1] == "バス"
    assert [t.label(i) for i in range(4)] == ["1/4", "2/4", "3/4", "4/4"]
    assert t.clamp(-3) == 0 and t.clamp(9) == 3 and t.label(9) == "4/4"
    assert t.position_of("P003") == 2 and t.position_of("P999") is None and t.position_of(None) is None
    empty = Tour.of(ALTS.head(0), CRIT, None)
    assert len(empty) == 0 and empty.label(0) == "0/0" and empty.clamp(5) == 0 and empty.empty(0) == []
    assert empty.value(0, "reach") == "" and empty.next_unscored(0) is None and empty.progress_text(0) == ""


def test_empty_cells_in_criterion_order_and_stored_values_as_entries():
    s = scores(("P001", "effect", "4.0"), ("P001", "reach", 5), ("P002", "difficulty", ""), ("P002", "reach", None),
               ("P009", "reach", "3"), ("P001", "gone", "2"))
    t = Tour.of(ALTS, CRIT, s)
    assert t.value(0, "effect") == "4" and t.value(0, "reach") == "5" and t.value(0, "difficulty") == ""
    assert t.empty(0) == ["difficulty"]
    assert t.empty(1) == ["reach", "effect", "difficulty"]   # an empty entry is no score
    assert ("P009", "reach") not in dict(t.values) and ("P001", "gone") not in dict(t.values)
    assert t.complete() == 0
    assert t.progress_text(0, "課題") == "全項目採点済み 0 件（この課題は残り 1 項目）"


def test_next_unscored_goes_round_and_comes_back_last():
    full = [(a, c, "3") for a in ("P001", "P002", "P004") for c in CRIT["criterion_id"]]
    t = Tour.of(ALTS, CRIT, scores(*full))
    assert t.complete() == 3 and t.empty(2) == ["reach", "effect", "difficulty"]
    assert t.next_unscored(0) == 2 and t.next_unscored(3) == 2   # round the end
    assert t.next_unscored(2) == 2                               # only the one on screen is left
    assert t.progress_text(1) == "全項目採点済み 3 件（この候補は全項目採点済み）"
    done = Tour.of(ALTS, CRIT, scores(*full, *[("P003", c, "1") for c in CRIT["criterion_id"]]))
    assert done.complete() == 4 and done.next_unscored(0) is None
    assert Tour.of(ALTS, CRIT.head(0), None).next_unscored(0) is None   # no criteria: nothing to score


def test_two_alternatives_with_one_id_are_refused():
    twice = pd.DataFrame({"alternative_id": ["V001", "V001"], "name": ["A社", "B社"]})
    with pytest.raises(OhayamiError) as e:
        Tour.of(twice, CRIT, None)
    assert e.value.field == "alternative"


@pytest.mark.parametrize("scale, direction, levels", [
    ("1-5", "higher", ["1", "2", "3", "4", "5"]),
    ("1-5", "lower", ["1", "2", "3", "4", "5"]),     # counted the same way; the words say which end is good
    ("0-3", "higher", ["0", "1", "2", "3"]),
    ("5段階", "higher", ["0", "1", "3", "4", "5"]),
    ("A-E", "higher", ["A", "B", "C", "D", "E"]),
    ("○△×", "higher", ["○", "△", "×"]),
    ("yes/no", "higher", ["はい", "いいえ"]),
])
def test_button_levels(scale, direction, levels):
    assert button_levels(scale, direction) == levels


def test_anchors_are_the_given_words_at_the_ends_of_a_numeric_scale():
    a = scale_anchors("1-5", "higher", "ごく一部の人", "住民の多く")
    assert a == [("1", "ごく一部の人"), ("2", ""), ("3", ""), ("4", ""), ("5", "住民の多く")]
    assert anchors_text(a) == "1＝ごく一部の人　5＝住民の多く"
    hard = scale_anchors("1-5", "lower", "易しい（すぐ解決できる）", "とても難しい")
    assert anchors_text(hard) == "1＝易しい（すぐ解決できる）　5＝とても難しい"
    assert anchors_text(scale_anchors("1-5")) == "1＝低い　5＝高い"


def test_anchors_of_the_presets_name_every_level():
    assert anchors_text(scale_anchors("5段階")) == ("0＝全く不十分・問題がある　1＝不十分である　3＝普通である　"
                                                  "4＝優れている　5＝非常に優れている")
    assert scale_anchors("○△×")[1] == ("△", "代替・カスタマイズで対応")
    assert scale_anchors("はい/いいえ") == [("はい", "満たしている"), ("いいえ", "満たしていない")]
    assert anchors_text(scale_anchors("A-E")) == "A＝最も良い　E＝最も低い"
    assert anchors_text(scale_anchors("A=1,B=0.5,C=0", low="不可", high="優")) == "A＝優　C＝不可"


def test_an_unreadable_scale_is_refused_with_its_message():
    with pytest.raises(OhayamiError) as e:
        scale_anchors("たくさん")
    assert e.value.field == "scale"
