"""Tab シール投票: each participant puts N dots on problems; a quick ranking or a first filter."""

from __future__ import annotations

import ipywidgets as W

from ...workbench import ROOM
from .. import common as C
from ..panel import Panel, attempt, with_messages
from .parts import NOTES, frame_html, heading, text_html


class DotsPanel(Panel):
    """The facilitator sets the dots per person; each participant places them; the dots' ranking."""

    title = "シール投票"
    listens = frozenset({"problems"})

    def build(self) -> W.Widget:
        self.budget = W.Text(description="1人あたりのシール", layout=W.Layout(width="18em"))
        self.budget_btn = C.button("枚数を保存")
        self.budget_btn.on_click(self.save_budget)
        self.who = W.Combobox(description="貼る人", placeholder="名前を入力または選択", ensure_option=False,
                              layout=W.Layout(width="24em"))
        self.who.observe(lambda *_: self.show_rows(), names="value")
        self.left = W.HTML()
        self.rows = W.VBox()
        self.msg = W.HTML()
        self.ranking = W.HTML()
        self.top = W.Text(description="残す件数", value="5", layout=W.Layout(width="14em"))
        self.filter_btn = C.button("上位だけを採点に進める", button_style="warning",
                                   tooltip="シールの少ない課題を「検討から外す」にする（理由つき・2 課題分析で戻せます）")
        self.filter_btn.on_click(self.filter)
        (budget_row, filter_row), self.msgs = with_messages({"dots": W.HBox([self.budget, self.budget_btn]),
                                                             "dots_top": W.HBox([self.top, self.filter_btn])})
        return W.VBox([heading("シール投票", NOTES["dots"]), budget_row, W.HBox([self.who, self.left]), self.msg, self.rows,
                       self.ranking, heading("重みづけ採点の前の絞り込み", NOTES["dots_filter"]), filter_row])

    def refresh(self) -> None:
        self.budget.value = str(self.model.dot_budget())
        self.who.options = [n for n in self.model.scorer_options() if n != ROOM]
        self.show_rows()

    def show_rows(self) -> None:
        """One row per problem that can be voted on: its title, − / ＋ and the person's dots on it."""
        who = (self.who.value or "").strip()
        mine = self.model.dots(who) if who else {}
        rows = []
        for r in self.model.scoring_alternatives().itertuples():
            minus, plus = C.button("－", tooltip="シールを1枚はがす"), C.button("＋", button_style="info", tooltip="シールを1枚貼る")
            minus.on_click(lambda _, a=r.alternative_id: self.place(a, -1))
            plus.on_click(lambda _, a=r.alternative_id: self.place(a, 1))
            minus.disabled = plus.disabled = not who
            n = mine.get(r.alternative_id, 0)
            rows.append(W.HBox([W.HTML(text_html(f"{r.alternative_id} {r.name}"), layout=W.Layout(width="30em")), minus,
                                W.HTML(text_html("●" * n or "—"), layout=W.Layout(width="8em")), plus]))
            rows[-1]._oh_id = r.alternative_id
        self.rows.children = rows
        left = self.model.dot_budget() - sum(mine.values())
        self.left.value = text_html(f"残り {left} 枚" if who else "名前を選ぶとシールを貼れます")
        self.ranking.value = frame_html(self.model.dot_ranking_frame(), title="シール投票の結果（多い順）",
                                        after=f"短いリスト ★ は絞り込みの基準（{self.model.cut_line().describe()}）で選んでいます。")

    def row(self, problem_id: str) -> W.HBox:
        """The row of one problem (tests press its buttons)."""
        return next(r for r in self.rows.children if r._oh_id == problem_id)

    # ------------------------------------------------------------------ handlers
    def place(self, problem_id: str, step: int) -> None:
        who = self.who.value
        if attempt(self.msg, lambda: self.model.place_dot(who, problem_id, step),
                   lambda left: f"{'貼りました' if step > 0 else 'はがしました'}：{problem_id}（残り {left} 枚）")[0]:
            self.show_rows()

    def save_budget(self, *_) -> None:
        if attempt(self.msg, lambda: self.model.set_dot_budget(self.budget.value),
                   lambda n: f"1人あたりのシールを {n} 枚にしました", fields=self.msgs)[0]:
            self.show_rows()

    def filter(self, *_) -> None:
        if attempt(self.msg, lambda: self.model.filter_by_dots(self.top.value),
                   lambda out: f"{len(out)} 件を検討から外しました（{'、'.join(out) or 'なし'}）", fields=self.msgs)[0]:
            self.view.changed("problems")
            self.show_rows()
