"""The diagnostic chart (診断チャート) as a pure state machine, without widgets.

Two modes:
- the chart: one question at a time; はい leads to a type, いいえ to the next question; the first
  type reached is the result (:class:`Diagnosis`, :func:`diagnose`);
- 全問チェック: every question answered; every type whose question got はい applies, in the
  chart's order, the first being the primary first move; none gives the fallback type I
  (:func:`check_all`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .errors import OhayamiError
from .guide import FALLBACK_TYPE, TYPE_IDS, load_chart
from .labels import NO_WORDS, YES_WORDS



@dataclass(frozen=True)
class Question:
    question_id: str
    order: int
    text: str
    on_yes: str
    on_no: str


class Chart:
    """The questions and where each answer leads (validated by :func:`ohayami.load_chart`)."""

    def __init__(self, data=None, frame=None):
        df = load_chart(data) if frame is None else frame
        self.questions = {r.question_id: Question(r.question_id, int(r.order), r.question, r.on_yes, r.on_no)
                          for r in df.itertuples()}
        self.order = list(df["question_id"])
        self.first = self.order[0]

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, qid: str) -> Question:
        return self.questions[qid]

    def is_type(self, target: str) -> bool:
        return target in TYPE_IDS and target not in self.questions


def as_answer(value: object, where: str = "") -> bool:
    """Read one answer: a bool, or はい/いいえ (also yes/no, 1/0). Anything else is refused."""
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_":  # numpy.bool_
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in YES_WORDS:
            return True
        if v in NO_WORDS:
            return False
    raise OhayamiError(f"{where}答え「{value}」は読めません。「はい」か「いいえ」で答えてください。", field="answers")


class Diagnosis:
    """One participant walking through the chart: answer, back, restart, path and result."""

    def __init__(self, chart: Chart | None = None):
        self.chart = chart or Chart()
        self._answers: list[tuple[str, bool]] = []

    @property
    def current(self) -> Question | None:
        """The question to ask now, or None when the result is known."""
        node = self.chart.first
        for _, yes in self._answers:
            q = self.chart[node]
            node = q.on_yes if yes else q.on_no
        return None if self.chart.is_type(node) else self.chart[node]

    @property
    def result(self) -> str | None:
        """The type reached, or None while questions remain."""
        if not self._answers or self.current is not None:
            return None
        qid, yes = self._answers[-1]
        q = self.chart[qid]
        return q.on_yes if yes else q.on_no

    @property
    def done(self) -> bool:
        return self.result is not None

    @property
    def path(self) -> list[tuple[Question, bool]]:
        """The questions asked so far with their answers."""
        return [(self.chart[qid], yes) for qid, yes in self._answers]

    @property
    def answers(self) -> list[bool]:
        return [yes for _, yes in self._answers]

    def progress(self) -> tuple[int, int]:
        """(number of the current question, number of questions in the chart); for 「質問 3 / 8」."""
        return (min(len(self._answers) + 1, len(self.chart)), len(self.chart))

    def answer(self, value: object) -> str | None:
        """Answer the current question; returns the result once it is known."""
        q = self.current
        if q is None:
            raise OhayamiError("診断はもう終わっています。やり直すときは「最初から」を押してください。", field="answers")
        self._answers.append((q.question_id, as_answer(value)))
        return self.result

    def back(self) -> None:
        """Take back the last answer (at the first question: nothing to take back)."""
        if self._answers:
            self._answers.pop()

    def restart(self) -> None:
        self._answers.clear()


def diagnose(answers: Sequence[object], chart: Chart | None = None) -> str:
    """The type reached by ``answers`` given in asking order. The first はい decides; all いいえ gives I.

    Too few answers, or answers after the decision, raise :class:`OhayamiError`.
    """
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Iterable):
        raise OhayamiError("答えは はい／いいえ の並びで渡してください。", field="answers")
    d = Diagnosis(chart)
    answers = list(answers)
    for i, a in enumerate(answers, start=1):
        if d.done:
            raise OhayamiError(f"{i - 1}問目で診断が決まっています（{d.result}タイプ）。"
                               f"それより後の答え（{len(answers) - i + 1}個）は取り除いてください。", field="answers")
        d.answer(as_answer(a, f"{i}問目の"))
    if not d.done:
        n, total = d.progress()
        raise OhayamiError(f"答えが足りません。{n}問目（全{total}問）にも答えてください。", field="answers")
    return d.result  # type: ignore[return-value]


def check_all(answers: Sequence[object] | Mapping[str, object], chart: Chart | None = None) -> list[str]:
    """全問チェック: all types whose question was answered はい, in the chart's order; ["I"] if none.

    ``answers`` is one answer per question in chart order, or a mapping question_id → answer.
    The first type is the primary first move.
    """
    chart = chart or Chart()
    if isinstance(answers, Mapping):
        unknown = [k for k in answers if k not in chart.questions]
        if unknown:
            raise OhayamiError(f"質問「{unknown[0]}」はチャートにありません。", field="answers")
        missing = [q for q in chart.order if q not in answers]
        if missing:
            raise OhayamiError(f"全問チェックでは全部の質問に答えてください。未回答：{'、'.join(missing)}", field="answers")
        values = [answers[q] for q in chart.order]
    else:
        if isinstance(answers, (str, bytes)):
            raise OhayamiError("答えは はい／いいえ の並びで渡してください。", field="answers")
        values = list(answers)
        if len(values) != len(chart):
            raise OhayamiError(f"全問チェックでは {len(chart)} 問すべてに答えてください（いま {len(values)} 個）。",
                               field="answers")
    types: list[str] = []
    for qid, value in zip(chart.order, values):
        q = chart[qid]
        if as_answer(value, f"{q.order}問目の") and chart.is_type(q.on_yes) and q.on_yes not in types:
            types.append(q.on_yes)
    return types or [FALLBACK_TYPE]
