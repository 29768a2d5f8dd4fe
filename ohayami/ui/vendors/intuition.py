"""Tab 5 感覚的な順位: each evaluator's felt ranking, entered before the result is seen."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ..cockpit import watch_joins
from ..panel import Panel, attempt, html
from .parts import C, boxed, guide_step, set_people, who_box


class IntuitionPanel(Panel):
    """A rank dropdown per vendor for the evaluator in the name box, and who has not ranked yet."""

    title = "5 感覚的な順位"
    listens = ("vendors",)

    def build(self):
        self.i_who = who_box("名前", self.load)
        watch_joins(self, self.i_who)
        self.i_box = W.VBox()
        self.i_widgets: dict[str, W.Dropdown] = {}
        self.i_save = C.big_button("順位を保存", "primary")
        self.i_save.on_click(self._save_intuition)
        self.i_msg, self.i_ranking_msg, self.i_status = W.HTML(), W.HTML(), W.HTML()
        return W.VBox([guide_step(3),
                       html('<div class="oh-trouble">結果を見る前に、各評価者が「感覚的に良いと思う順位」を入れてください。'
                            "あとで計算結果と比べて、評価項目や重みが自団体に合っているか確かめます。</div>"),
                       self.i_who, self.i_box, self.i_ranking_msg, self.i_save, self.i_msg, self.i_status])

    def refresh(self):
        set_people(self.model, self.i_who)
        self.load()
        self._refresh_status()

    def load(self):
        """One dropdown per vendor, showing the evaluator's stored rank."""
        v = self.model.vendors()
        saved = self.model.intuitions().get((self.i_who.value or "").strip(), {})
        ranks = [("", None)] + [(str(k), k) for k in range(1, len(v) + 1)]
        self.i_widgets, rows = {}, []
        for r in v.itertuples():
            dd = W.Dropdown(options=ranks, value=saved.get(r.vendor_id), layout=W.Layout(width="7em"))
            self.i_widgets[r.vendor_id] = dd
            rows.append(W.HBox([W.Label(f"{r.vendor_id} {r.name} {r.service}", layout=W.Layout(width="30em")), dd]))
        self.i_box.children = rows

    def _save_intuition(self, *_):
        who = (self.i_who.value or "").strip()
        ok, _ = attempt(self.i_msg, lambda: self.model.set_intuition(self.i_who.value, {k: w.value for k, w in self.i_widgets.items()}),
                        f"{who} さんの感覚的な順位を保存しました", fields={"ranking": self.i_ranking_msg}, reload=self.load)
        if ok:
            self._refresh_status()

    def _refresh_status(self):
        done = sorted(self.model.intuitions())
        missing = self.model.missing_intuitions()
        self.i_status.value = boxed(f"入力済み：{esc('、'.join(done) or 'なし')}" +
                                    (f"<br>まだの評価者：{esc('、'.join(missing))}" if missing else ""))
