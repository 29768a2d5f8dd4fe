"""Tab 合意ラウンド: re-score the problems where opinions split, and compare round 1 with round 2."""

from __future__ import annotations

import ipywidgets as W

from ...problems import RoundScoring
from ...workbench import ROOM
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..score_grid import ScoreGrid
from .parts import NOTES, PAGE_SIZE, frame_html, heading, scale_head, text_html

EMPTY = "1回目の採点が入ると、意見が分かれた課題がここに出ます。"


class RoundPanel(Panel):
    """Marking the split problems (the model suggests), the round's scoring grid, and round 1 vs 2."""

    title = "合意ラウンド"
    listens = frozenset({"problems", "criteria"})

    def build(self) -> W.Widget:
        self.splits = W.HTML()
        self.pick = W.SelectMultiple(description="もう一度採点", layout=W.Layout(width="40em", height="9em"))
        self.open_btn = C.big_button("合意ラウンドを始める", "primary", "選んだ課題だけを、全員がもう一度採点する")
        self.open_btn.on_click(self.open_round)
        (pick_row,), self.msgs = with_messages({"round": self.pick})
        self.msg = W.HTML()
        self.who = W.Combobox(description="採点する人", placeholder="名前を入力または選択", ensure_option=False,
                              layout=W.Layout(width="24em"))
        self.round_label = W.HTML()
        self.grid_msg = W.HTML()
        self.grid = ScoreGrid(RoundScoring(self.model, self.model.current_round()), self.who, self.grid_msg, rows=PAGE_SIZE,
                              head=scale_head(self.model))
        self.who.observe(lambda *_: self.show_grid(), names="value")
        self.compare = W.HTML()
        self.compare_btn = C.button("比べる（更新）")
        self.compare_btn.on_click(lambda *_: self.show_compare())
        return W.VBox([heading("合意ラウンド（2回目の採点）", NOTES["round"]), self.splits, pick_row, self.open_btn, self.msg,
                       self.round_label, self.who, self.grid_msg, self.grid.widget,
                       heading("1回目と2回目の比較"), self.compare_btn, self.compare])

    def refresh(self) -> None:
        res = self.model.results(1)
        if res is None:
            self.splits.value, self.pick.options = C.error(EMPTY), []
        else:
            splits = self.model.opinion_splits(res, limit=8, round_no=1)
            self.splits.value = frame_html(splits, title="1回目で意見が分かれた点（点数は参加者がつけたもの）") if len(splits) \
                else text_html("1回目の採点では、意見の分かれた課題はありません。")
            suggested = self.model.suggest_round_items(res)
            ranked = res.ranking[res.table.loc[res.ranking.index, "selectable"].astype(bool)]
            self.pick.options = [(f"{a} {r['name']}" + ("（おすすめ）" if a in suggested else ""), a) for a, r in ranked.iterrows()]
            self.pick.value = tuple(suggested)
        self.who.options = [n for n in self.model.scorer_options() if n != ROOM]
        self.show_grid()
        self.show_compare()

    def show_grid(self) -> None:
        no = self.model.current_round()
        self.grid.widget.layout.display = "" if no > 1 else "none"
        self.who.layout.display = self.grid.widget.layout.display
        if no <= 1:
            self.round_label.value = text_html("まだ合意ラウンドは始まっていません。")
            return
        self.grid.model = RoundScoring(self.model, no)
        self.grid.use_criteria(self.model.criteria())
        self.round_label.value = text_html(f"{no}回目の採点：名前を選び、下の課題だけをもう一度採点してください。")
        self.grid.show_page(self.model.round_problems(no))

    def show_compare(self) -> None:
        if self.model.current_round() <= 1:
            self.compare.value = text_html("合意ラウンドのあとに、1回目と2回目の順位とばらつきを並べて表示します。")
            return
        comp = self.model.round_comparison()
        self.compare.value = frame_html(comp, title="1回目と2回目（順位の変化・ばらつきの変化）", wide=True,
                                        after="ばらつき：0＝全員一致、1＝正反対。マイナスは意見が近づいたことを示します。")

    def open_round(self, *_) -> None:
        chosen = list(self.pick.value)
        if attempt(self.msg, lambda: self.model.open_round(need(chosen, "もう一度採点する課題を1つ以上選んでください。", "round")),
                   lambda no: f"{no}回目の採点を始めました（{len(chosen)} 件）", fields=self.msgs)[0]:
            self.view.changed("round", source=self)
            self.show_grid()
            self.show_compare()
