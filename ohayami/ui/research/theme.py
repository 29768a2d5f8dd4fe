"""Tab 1 テーマ: what the research is for, read from type C's short list or written by hand."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ...research import TAB_TITLES
from .. import common as C
from ..panel import Panel, attempt, with_messages
from ..sheet_parts import note


class ThemePanel(Panel):
    """The theme and the target vision; 「Cタイプの結果から読み込む」 fills both from C."""

    title = TAB_TITLES["theme"]

    def build(self) -> W.Widget:
        card = self.model.card
        self.theme = W.Textarea(description="テーマ", placeholder="例：庁舎窓口の混雑を解消したい",
                                layout=W.Layout(width="40em", height="5em"))
        self.vision = W.Textarea(description="実現したい地域像", layout=W.Layout(width="40em", height="5em"))
        inputs, self.msgs = with_messages({"theme": self.theme, "vision": self.vision})
        self.read_btn = C.big_button("Cタイプの結果から読み込む", "info",
                                     "Cタイプ作業台の短いリストの課題と実現したい地域像をテーマにする")
        self.read_btn.on_click(self.read)
        self.save_btn = C.big_button("テーマを保存", "primary")
        self.save_btn.on_click(self.save)
        self.msg = W.HTML()
        self.source = W.HTML()
        return W.VBox([note(card.first_move, "ガイド：初めの一手"), note(card.trouble, "Dタイプの悩み"),
                       self.read_btn, self.source, *inputs, self.save_btn, self.msg])

    def refresh(self) -> None:
        t = self.model.theme()
        self.theme.value, self.vision.value = t.theme, t.vision
        self.source.value = (f'<div class="oh-note">Cタイプの課題 {esc("、".join(t.problem_ids))} から読み込みました'
                             f'（{esc(t.read_at[:16].replace("T", " "))}）。</div>' if t.problem_ids else "")

    def read(self, *_) -> None:
        ok, reading = attempt(self.msg, self.model.read_from_c, lambda r: r.message, fields=self.msgs,
                              reload=self.refresh)
        if ok:
            self.refresh()
            self.view.changed("theme", self)

    def save(self, *_) -> None:
        if attempt(self.msg, lambda: self.model.save_theme(self.theme.value, self.vision.value), "テーマを保存しました",
                   fields=self.msgs, reload=self.refresh)[0]:
            self.view.changed("theme", self)
