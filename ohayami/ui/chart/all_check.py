"""全問チェック: every question with its はい／いいえ, the chosen answer unmistakable on a projector."""

from __future__ import annotations

import ipywidgets as W

from ...chart import Chart
from ...html import STYLE, esc
from ...labels import NO, YES
from .. import common as C

# The chosen answer: Okabe–Ito blue with white bold text (contrast 5:1) and a ✔, so that it reads at the
# back of a room and without colour; the other answer stays light grey with dark text.
CHOSEN_COLOR, CHOSEN_TEXT = "#0072B2", "white"
OTHER_COLOR, OTHER_TEXT = "#EEEEEE", "#1A1A1A"
CHECK = "✔ "


class YesNo:
    """One question's はい／いいえ as two buttons; ``value`` is True, False or None (not answered yet)."""

    def __init__(self, label: str = ""):
        self.label = label
        self.yes, self.no = self._button(YES), self._button(NO)
        self.yes.on_click(lambda _: setattr(self, "value", True))
        self.no.on_click(lambda _: setattr(self, "value", False))
        self.widget = W.HBox([self.yes, self.no])
        self.widget.add_class("oh-yesno")
        self.value = None

    @staticmethod
    def _button(word: str) -> W.Button:
        b = W.Button(description=word, layout=W.Layout(width="8em", height="2.6em"))
        b.style.font_size = "20px"
        return b

    @property
    def value(self) -> bool | None:
        return self._value

    @value.setter
    def value(self, value: bool | None) -> None:
        self._value = value
        for button, answer, word in ((self.yes, True, YES), (self.no, False, NO)):
            chosen = value is answer
            button.description = CHECK + word if chosen else word
            button.style.button_color = CHOSEN_COLOR if chosen else OTHER_COLOR
            button.style.text_color = CHOSEN_TEXT if chosen else OTHER_TEXT
            button.style.font_weight = "bold" if chosen else "normal"
            button.tooltip = f"{self.label}{word}（選んでいます）" if chosen else f"{self.label}{word} を選ぶ"


class AllCheck:
    """Every question of the chart in order, each with a :class:`YesNo`, and the 判定する button."""

    def __init__(self, chart: Chart):
        self.chart = chart
        self.checks = {qid: YesNo(f"質問 {chart[qid].order}：") for qid in chart.order}
        self.judge = C.big_button("判定する", "primary", "全部の答えで判定する")
        rows: list[W.Widget] = []
        for qid in chart.order:
            q = chart[qid]
            rows += [W.HTML(f'{STYLE}<div class="oh"><b>質問 {q.order}</b>：{esc(q.text)}</div>'), self.checks[qid].widget]
        self.widget = W.VBox(rows + [self.judge])

    def clear(self) -> None:
        for yn in self.checks.values():
            yn.value = None

    def unanswered(self) -> list[int]:
        """The numbers (as the screen shows them) of the questions not answered yet."""
        return [self.chart[q].order for q, yn in self.checks.items() if yn.value is None]

    def answers(self) -> list[tuple[str, bool | None]]:
        return [(q, yn.value) for q, yn in self.checks.items()]
