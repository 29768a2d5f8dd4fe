"""The chart engine: every path, back and restart, both modes, bad input."""

import itertools

import pytest

import ohayami
from ohayami import OhayamiError
from ohayami.chart import Chart, Diagnosis, check_all, diagnose


def test_public_api():
    assert ohayami.diagnose([False, False, True]) == "C"
    assert ohayami.check_all([False] * 8) == ["I"]


def test_every_path_of_the_chart():
    # i いいえ then はい leads to the (i+1)-th type; eight いいえ lead to I
    for i, t in enumerate("ABCDEFGH"):
        assert diagnose([False] * i + [True]) == t
    assert diagnose([False] * 8) == "I"


def test_words_as_answers():
    assert diagnose(["いいえ", "はい"]) == "B"
    assert diagnose(["no", "no", "yes"]) == "C"


def test_too_few_answers():
    with pytest.raises(OhayamiError, match="3問目") as e:
        diagnose([False, False])
    assert e.value.field == "answers"
    with pytest.raises(OhayamiError, match="1問目"):
        diagnose([])


def test_answers_after_the_decision():
    with pytest.raises(OhayamiError, match="2問目で診断が決まっています（Bタイプ）") as e:
        diagnose([False, True, False, False])
    assert "2個" in str(e.value)


@pytest.mark.parametrize("bad", ["たぶん", None, 3, "", 0.5])
def test_unreadable_answer(bad):
    with pytest.raises(OhayamiError, match="はい」か「いいえ"):
        diagnose([False, bad])


def test_not_a_sequence():
    with pytest.raises(OhayamiError):
        diagnose("はい")
    with pytest.raises(OhayamiError):
        diagnose(5)


def test_state_machine_back_and_restart():
    d = Diagnosis()
    assert d.current.question_id == "Q1" and d.progress() == (1, 8) and d.result is None
    d.back()  # nothing to take back at the first question
    assert d.current.question_id == "Q1"
    d.answer(False)
    d.answer(False)
    assert d.progress() == (3, 8) and d.current.on_yes == "C"
    d.back()
    assert d.current.question_id == "Q2" and d.answers == [False]
    assert d.answer(True) == "B" and d.done and d.current is None
    assert [(q.question_id, a) for q, a in d.path] == [("Q1", False), ("Q2", True)]
    with pytest.raises(OhayamiError, match="最初から"):
        d.answer(True)
    d.back()
    assert not d.done and d.current.question_id == "Q2"
    d.restart()
    assert d.answers == [] and d.current.question_id == "Q1"


def test_check_all_mode():
    assert check_all([False] * 8) == ["I"]
    assert check_all([True, False, True, False, False, True, False, False]) == ["A", "C", "F"]
    assert check_all([True] * 8) == list("ABCDEFGH")
    assert check_all({f"Q{i}": (i == 5) for i in range(1, 9)}) == ["E"]


def test_check_all_bad_input():
    with pytest.raises(OhayamiError, match="8 問すべて"):
        check_all([True] * 7)
    with pytest.raises(OhayamiError, match="未回答：Q8"):
        check_all({f"Q{i}": False for i in range(1, 8)})
    with pytest.raises(OhayamiError, match="Q9"):
        check_all({**{f"Q{i}": False for i in range(1, 9)}, "Q9": True})
    with pytest.raises(OhayamiError, match="4問目"):
        check_all([False, False, False, "?", False, False, False, False])


def test_chart_from_an_edited_file(data_copy):
    # a facilitator re-orders the chart: H is asked first
    p = data_copy / "chart.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Q1,1,", "Q1,2,").replace(",A,Q2,", ",A,I,")
    lines[8] = lines[8].replace("Q8,8,", "Q8,1,").replace(",H,I,", ",H,Q1,")
    p.write_text("\n".join(lines[:2] + [lines[8]]) + "\n", encoding="utf-8")
    chart = Chart(data_copy)
    assert chart.order == ["Q8", "Q1"]
    assert diagnose([True], chart) == "H"
    assert diagnose([False, True], chart) == "A"
    assert diagnose([False, False], chart) == "I"


def test_exhaustive_consistency_between_modes():
    # for every combination of answers, the chart's result is the first type 全問チェック lists
    for combo in itertools.product([False, True], repeat=8):
        types = check_all(combo)
        first_yes = combo.index(True) if True in combo else 8
        assert diagnose(list(combo[:first_yes + 1]) if first_yes < 8 else list(combo)) == types[0]
