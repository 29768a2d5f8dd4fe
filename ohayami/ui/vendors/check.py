"""Tab 7 妥当性チェック: the result against each evaluator's intuition, revised weights, sensitivity."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ..panel import Panel, attempt, error, html
from .parts import C, boxed, frame_table, guide_step


class CheckPanel(Panel):
    """Compare with the intuitive rankings, revise the points with a reason, test how robust the winner is."""

    title = "7 妥当性チェック"

    def build(self):
        self.k_run = C.big_button("感覚と比べる", "primary")
        self.k_run.on_click(lambda *_: self.show_check())
        self.k_out, self.k_inputs = W.HTML(), W.VBox()
        self.k_widgets: dict[str, W.Text] = {}
        self.k_reason = W.Textarea(description="見直しの理由", placeholder="例：機能の差が実際の使い勝手より大きく効いていたため",
                                   layout=W.Layout(width="40em", height="3.5em"))
        self.k_reason_msg, self.k_weight_msg = W.HTML(), W.HTML()
        self.k_apply = C.big_button("重みを見直す", "warning")
        self.k_apply.on_click(self._revise)
        self.k_msg, self.k_versions = W.HTML(), W.HTML()
        self.k_sens = C.big_button("感度分析", "", "重みを動かしたときの順位の安定性を調べる（1万回）")
        self.k_sens.on_click(lambda *_: self.show_sensitivity())
        self.k_sens_out = W.HTML()
        self.k_sens_img = C.image()
        return W.VBox([guide_step(3), self.k_run, self.k_out,
                       html("<h3>重みの見直し（理由は記録に残ります）</h3>"), self.k_inputs, self.k_weight_msg,
                       W.HBox([self.k_reason, self.k_reason_msg]), self.k_apply, self.k_msg, self.k_versions,
                       html("<h3>感度分析</h3>"), self.k_sens, self.k_sens_out, self.k_sens_img])

    def show_check(self):
        """Each evaluator's intuition against the computed ranking, and the boxes to revise the points
        (the boxes also when nobody has given an intuition yet: a committee may revise without one)."""
        shown = self.model.points_texts()
        self.k_widgets = {r.criterion_id: W.Text(value=shown[r.criterion_id], description=r.name[:8], tooltip=r.name)
                          for r in self.model.criteria().itertuples()}
        self.k_inputs.children = list(self.k_widgets.values())
        self._show_versions()
        ok, checks = attempt(self.k_out, self.model.check_summary)
        if not ok:
            return
        if not checks:
            self.k_out.value = error("まだ誰も感覚的な順位を入れていません（5 感覚的な順位）。")
            return
        parts = []
        for who, c in checks.items():
            if "error" in c:
                parts.append(f"<h4>{esc(who)}</h4>" + error(c["error"]))
                continue
            gone = "".join(f'<div class="oh-error">{esc(line)}</div>' for line in c["excluded"])
            parts.append(f"<h4>{esc(who)}：順位相関 {c['spearman']:.2f}（1＝一致、−1＝正反対）</h4>" + gone +
                         frame_table(c["table"]) + f"<div>食い違いを生んでいる評価項目：{esc(c['drivers'])}</div>")
        self.k_out.value = boxed("".join(parts))

    def _show_versions(self):
        """The versions of the weights (newest first), once there is more than the first."""
        versions = self.model.weight_versions()
        self.k_versions.value = "" if not self.model.revisions() else boxed(
            "<h4>重みの版（新しい順）</h4>" + frame_table(versions.iloc[:, :8]))

    def _revise(self, *_):
        if not self.k_widgets:
            self.show_check()
        changed = self.model.changed_points({k: w.value for k, w in self.k_widgets.items()})
        if not changed:
            self.k_msg.value = C.error("変える重みを入れてください。")
            return
        ok, _ = attempt(self.k_msg, lambda: self.model.revise_weights(changed, self.k_reason.value), self.model.revision_message,
                        fields={"reason": self.k_reason_msg, "weight": self.k_weight_msg})
        if ok:
            self.k_reason.value = ""
            self.view.changed("weights", self)
            self.show_check()

    def show_sensitivity(self, draws: int = 10_000):
        """How far each weight may move before the winner changes, and the rank probabilities."""
        from ... import plots

        ok, s = attempt(self.k_sens_out, lambda: self.model.sensitivity_summary(draws=draws))
        if not ok:
            return
        self.k_sens_out.value = boxed(f"<h4>1つの重みだけを動かしたとき（いまの1位：{esc(s['winner'])}）</h4>" +
                                      frame_table(s["one"]) +
                                      f"<h4>すべての重みを ±20% の範囲でランダムに動かしたとき（{draws:,} 回）の順位の確率</h4>" +
                                      frame_table(s["probabilities"]))
        attempt(self.k_sens_out, lambda: C.show_figure(self.k_sens_img, plots.rank_probability_heatmap(s["raw"], s["names"])))
