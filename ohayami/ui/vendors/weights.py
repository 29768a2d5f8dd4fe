"""Tab 2 重みづけ: each evaluator weights the criteria blind; the weights in force and the reasons behind them."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ..panel import Panel, attempt, error, html
from ..weights import WeightEditor
from .parts import C, boxed, criterion_choices, frame_table, guide_step, set_people, who_box

SAVE = "この人の重みを保存"
SAVE_LOCKED = "この人の重みを保存（採点開始後は固定：同じ重みの保存のみ）"


class WeightsPanel(Panel):
    """One evaluator's weights at a time (the others' hidden until all saved or revealed), the weights
    in force with their version, a rebuild from the evaluators' weights, and why a criterion weighs heavily."""

    title = "2 重みづけ"
    listens = ("criteria", "weights")  # a revision in the check tab changes the weights in force

    def build(self):
        self.w_who = who_box("重みを付ける人の名前", lambda: self.weights.rebuild())
        self.w_must = W.Checkbox(description="必須項目にも配点する（委員会で決めた場合だけ）", indent=False)
        self.w_must_msg, self._loading = W.HTML(), False
        self.w_must.observe(lambda ch: self._set_must(ch["new"]), names="value")
        self.weights = WeightEditor(self.model.criteria, self._saved_weights, self._apply_weights, SAVE,
                                    must_haves_weighted=self.model.weight_must_haves)
        self.w_warn, self.w_side, self.w_note = W.HTML(), W.HTML(), W.HTML()
        self.w_reveal = C.button("評価者ごとの重みを公開（ファシリテーター）")
        self.w_reveal.on_click(self._reveal)
        self.w_reveal_msg = W.HTML()
        self.w_reason = W.Text(description="作り直す理由", placeholder="例：評価者全員の重みに戻すと委員会で決めた",
                               layout=W.Layout(width="40em"))
        self.w_reason_msg, self.w_rebuild_msg = W.HTML(), W.HTML()
        self.w_rebuild = C.button("評価者の重みから作り直す", button_style="warning")
        self.w_rebuild.on_click(self._rebuild)
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
                            '<div class="oh-note">サービスを使う具体的な場面を思い浮かべ、何が大事か・何を欠いてはいけないかを考えます。'
                            "ほかの人の重みは、全員が保存するまで見えません。</div>"),
                       W.HBox([self.w_must, self.w_must_msg]), self.w_who, self.weights.widget, self.w_warn,
                       html("<h3>評価者ごとの重みと、結果に使う重み</h3>"), self.w_note, self.w_side,
                       W.HBox([self.w_reveal, self.w_reveal_msg]),
                       W.HBox([self.w_reason, self.w_reason_msg]), self.w_rebuild, self.w_rebuild_msg,
                       html("<h3>重くした理由（報告書に載ります）</h3>"), self.r_pick, W.HBox([self.r_text, self.r_text_msg]),
                       self.r_save, self.r_msg])

    def refresh(self):
        set_people(self.model, self.w_who)
        self._loading = True
        self.w_must.value = self.model.weight_must_haves()
        self._loading = False
        self.weights.rebuild()
        self._refresh_side()
        C.set_options(self.r_pick, criterion_choices(self.model))
        self._load_reason()

    def _refresh_side(self):
        locked = self.model.weights_locked()
        self.weights.apply_btn.description = SAVE_LOCKED if locked else SAVE
        self.weights.apply_btn.tooltip = "採点が始まったので、重みを変えるときは「7 妥当性チェック」で理由を添えて見直します" if locked else ""
        note = self.model.weights_note()
        self.w_note.value = boxed(f'<div class="oh-note">{esc(note)}</div>') if note else ""
        frame = self.model.weights_frame()
        self.w_side.value = boxed("まだ誰も重みを付けていません。" if frame.empty else
                                  frame_table(frame) + f'<div class="oh-note">{esc(self.model.weight_message())}</div>')

    def _set_must(self, on: bool):
        if self._loading:
            return
        ok, _ = attempt(self.w_must_msg, lambda: self.model.set_weight_must_haves(on),
                        lambda _: self.model.must_have_rule_text())
        self._loading = True
        self.w_must.value = self.model.weight_must_haves()  # a refused change goes back to the stored rule
        self._loading = False
        if ok:
            self.weights.rebuild()
            self.view.changed("criteria", self)

    def _saved_weights(self, method: str) -> dict:
        who = (self.w_who.value or "").strip()
        return self.model.weight_input(method, who) if who else {}

    def _apply_weights(self, method: str, values: dict) -> str:
        self.w_warn.value = ""
        out = self.model.set_evaluator_weights(self.w_who.value, method, values)
        if not out["applied"]:
            self.w_warn.value = error(out["message"])
        self._refresh_side()
        self.view.changed("weights", self)
        return out["message"]

    def _reveal(self, *_):
        if attempt(self.w_reveal_msg, self.model.reveal_weights, "評価者ごとの重みを公開しました",
                   fields={"reveal": self.w_reveal_msg})[0]:
            self._refresh_side()

    def _rebuild(self, *_):
        ok, _ = attempt(self.w_rebuild_msg, lambda: self.model.rebuild_weights_from_evaluators(self.w_reason.value),
                        lambda v: f"重みを作り直しました：{v.label}",
                        fields={"reason": self.w_reason_msg, "evaluator": self.w_rebuild_msg})
        if ok:
            self.w_reason.value = ""
            self._refresh_side()
            self.view.changed("weights", self)

    def _load_reason(self):
        self.r_text.value = self.model.weight_reasons().get(self.r_pick.value, "") if self.r_pick.value else ""

    def _save_reason(self, *_):
        attempt(self.r_msg, lambda: self.model.set_weight_reason(self.r_pick.value, self.r_text.value),
                "理由を保存しました", fields={"reason": self.r_text_msg}, reload=self._load_reason)
