"""Tab 2 重みづけ: each evaluator weights the criteria; the combined weights and the reasons behind them."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ..panel import Panel, attempt, html
from ..weights import WeightEditor
from .parts import C, boxed, criterion_choices, frame_table, guide_step, set_people, who_box


class WeightsPanel(Panel):
    """One evaluator's weights at a time, everyone's side by side, and why a criterion weighs heavily."""

    title = "2 重みづけ"
    listens = ("criteria", "weights")  # a revision in the check tab changes the combined weights

    def build(self):
        self.w_who = who_box("重みを付ける人の名前", lambda: self.weights.rebuild())
        self.weights = WeightEditor(self.model.criteria, self._saved_weights, self._apply_weights, "この人の重みを保存")
        self.w_side = W.HTML()
        scenes = "".join(f"<li>「{esc(s)}」→ <b>{esc(g)}</b> を重く</li>" for s, g in self.model.scene_lines())
        self.r_pick = W.Dropdown(description="評価項目", layout=W.Layout(width="34em"))
        self.r_pick.observe(lambda *_: self._load_reason(), names="value")
        self.r_text = W.Text(description="重い理由", placeholder="例：多世代が利用するサービスのため", layout=W.Layout(width="40em"))
        self.r_text_msg = W.HTML()
        self.r_save = C.button("理由を保存")
        self.r_save.on_click(self._save_reason)
        self.r_msg = W.HTML()
        return W.VBox([guide_step(2),
                       html(f"<h3>場面から考える</h3><ul>{scenes}</ul>"
                            '<div class="oh-note">サービスを使う具体的な場面を思い浮かべ、何が大事か・何を欠いてはいけないかを考えます。</div>'),
                       self.w_who, self.weights.widget, html("<h3>評価者ごとの重みと、まとめた重み</h3>"), self.w_side,
                       html("<h3>重くした理由（報告書に載ります）</h3>"), self.r_pick, W.HBox([self.r_text, self.r_text_msg]),
                       self.r_save, self.r_msg])

    def refresh(self):
        set_people(self.model, self.w_who)
        self.weights.rebuild()
        self._refresh_side()
        C.set_options(self.r_pick, criterion_choices(self.model))
        self._load_reason()

    def _refresh_side(self):
        frame = self.model.weights_frame()
        self.w_side.value = boxed("まだ誰も重みを付けていません。" if frame.empty else
                                  frame_table(frame) + f'<div class="oh-note">{esc(self.model.weight_message())}</div>')

    def _saved_weights(self, method: str) -> dict:
        who = (self.w_who.value or "").strip()
        return self.model.weight_input(method, who) if who else {}

    def _apply_weights(self, method: str, values: dict) -> str:
        out = self.model.set_evaluator_weights(self.w_who.value, method, values)
        self._refresh_side()
        self.view.changed("weights", self)
        return out["message"]

    def _load_reason(self):
        self.r_text.value = self.model.weight_reasons().get(self.r_pick.value, "") if self.r_pick.value else ""

    def _save_reason(self, *_):
        attempt(self.r_msg, lambda: self.model.set_weight_reason(self.r_pick.value, self.r_text.value),
                "理由を保存しました", fields={"reason": self.r_text_msg}, reload=self._load_reason)
