"""Tab 6 実現したい地域像: for each short-listed problem, who benefits, how their day changes, and how much."""

from __future__ import annotations

import ipywidgets as W

from ...guide import load_vision_template
from ...html import STYLE, esc, table
from ...problems import VISION_FIELDS, VISION_LABELS
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from .parts import guide_note

CHOOSE = "短いリストの課題を選んでください（5 結果と絞り込み で絞り込みます）。"


class VisionPanel(Panel):
    """The target vision form for the problems on the short list."""

    title = "6 実現したい地域像"

    def build(self) -> W.Widget:
        ex = load_vision_template(self.model.data).iloc[0]
        example = table(list(VISION_LABELS.values()), [[ex.beneficiary, ex.change, ex.degree]])
        self.pick = W.Dropdown(description="課題", layout=W.Layout(width="40em"))
        self.pick.observe(self.load, names="value")
        self.fields = {f: W.Textarea(description=VISION_LABELS[f][:6], placeholder=VISION_LABELS[f],
                                     layout=W.Layout(width="40em", height="3.5em")) for f in VISION_FIELDS}
        inputs, self.msgs = with_messages(self.fields)
        self.save_btn = C.big_button("保存", "primary", "この課題の地域像を保存する")
        self.save_btn.on_click(self.save)
        self.msg = W.HTML()
        return W.VBox([guide_note(self.model, 3),
                       W.HTML(f'{STYLE}<div class="oh"><h3>お手本</h3>{example}<div class="oh-note">{esc(ex.source)}</div></div>'),
                       self.pick, *inputs, self.save_btn, self.msg])

    def refresh(self) -> None:
        names = self.model.problems().set_index("problem_id")["title"].to_dict()
        C.set_options(self.pick, [(f"{pid} {names.get(pid, '')}", pid) for pid in self.model.shortlist()]
                      or [("短いリストがまだありません", None)])

    def load(self, *_) -> None:
        """Fill the form with the vision stored for the chosen problem."""
        v = self.model.vision(self.pick.value) or {}
        for f, w in self.fields.items():
            w.value = v.get(f) or ""

    def save(self, *_) -> None:
        pid = self.pick.value
        attempt(self.msg, lambda: self.model.set_vision(need(pid, CHOOSE, "problem"), **{f: w.value for f, w in self.fields.items()}),
                f"{pid} の地域像を保存しました", fields=self.msgs)
