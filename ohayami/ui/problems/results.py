"""Tab 5 結果と絞り込み: the ranking, the cut line for the short list, and the figures."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from ... import plots
from .. import common as C
from ..panel import Panel, attempt, with_messages
from .parts import frame_html, heading_html, struck_table_html

TAGS_TITLE = "まとめて解決できそうな課題（同じタグ）"
TAGS_EMPTY = "同じタグの付いた課題はまだありません（2 課題分析でタグを付けられます）。"


class ResultsPanel(Panel):
    """Ranking table, cut line, contribution bars, the priority matrix and the disagreement map."""

    title = "5 結果と絞り込み"

    def build(self) -> W.Widget:
        self.refresh_btn = C.big_button("結果を更新", "primary")
        self.refresh_btn.on_click(lambda *_: self.refresh())
        cut = self.model.cut_line()
        self.mode = W.ToggleButtons(options=[("上位N件", "top"), ("最低点", "min")], value=cut.mode, description="絞り込み")
        self.value = W.Text(value=f"{cut.value:g}", description="N／点", layout=W.Layout(width="14em"))
        self.apply_btn = C.button("絞り込みを保存")
        self.apply_btn.on_click(self.apply_cut)
        (cut_row,), self.msgs = with_messages({"cut": W.HBox([self.mode, self.value, self.apply_btn])})
        self.msg = W.HTML()
        self.table = W.HTML()
        self.bars, self.quad, self.heat = C.image(), C.image(), C.image()
        self.x = W.Dropdown(description="横軸")
        self.y = W.Dropdown(description="縦軸")
        self.set_axes()
        self.tags = W.HTML()
        for w in (self.x, self.y):
            w.observe(self._axis_chosen, names="value")
        return W.VBox([self.refresh_btn, cut_row, self.msg, self.table, self.bars, W.HBox([self.x, self.y]),
                       self.quad, self.heat, self.tags])

    def set_axes(self) -> None:
        """The matrix axes follow added, renamed and removed criteria (keeping the choice if it stays)."""
        options = [(r.name, r.criterion_id) for r in self.model.criteria().itertuples()]
        ids = [o[1] for o in options]
        x, y = (self.x.value, self.y.value) if self.x.value in ids and self.y.value in ids else self.model.matrix_axes()
        self._quiet = True
        try:
            for axis, value in ((self.x, x), (self.y, y)):
                axis.options, axis.value = options, value
        finally:
            self._quiet = False

    def _axis_chosen(self, *_) -> None:
        if not self._quiet:
            self.refresh()

    def on_change(self, topic: str) -> None:
        if topic == "criteria":
            self.set_axes()

    def refresh(self) -> None:
        self.show_results()

    def apply_cut(self, *_) -> None:
        if attempt(self.msg, lambda: self.model.set_cut_line(self.mode.value, self.value.value),
                   lambda cut: f"絞り込みを保存しました：{cut.describe()}", fields=self.msgs)[0]:
            self.refresh()

    def show_results(self, figures: bool = True) -> None:
        """Ranking and tag groups, then (with ``figures``) the three figures."""
        attempt(self.msg, lambda: self._show(figures))

    def _show(self, figures: bool) -> None:
        res = self.model.results()
        if res is None:
            self.table.value = C.error("課題と評価項目を入れると結果が表示されます。")
            return
        short = self.model.shortlist(res)
        frame = self.model.ranking_frame(res)
        names = set(frame.attrs["criteria"])
        no = self.model.current_round()
        after = f"、{no}回目の採点を反映" if no > 1 else ""
        self.table.value = struck_table_html(
            frame, frame.attrs["excluded"], keep=("対象外の理由",),
            title=f"ランキング（短いリスト：{self.model.cut_line().describe()}、{len(short)} 件{after}）",
            headers=[plots.short(h, 7) if h in names else h for h in frame.columns])
        groups = pd.DataFrame([(k, "、".join(v)) for k, v in self.model.tag_groups().items()], columns=["タグ", "課題"])
        self.tags.value = frame_html(groups, title=TAGS_TITLE) if len(groups) else heading_html(TAGS_TITLE, TAGS_EMPTY)
        if not figures:
            return
        labels = self.model.criteria().set_index("criterion_id")["name"].to_dict()
        names_by_id = res.table["name"].to_dict()
        C.show_figure(self.bars, plots.ranked_contributions(res.table, res.breakdown, labels))
        points = self.model.matrix(res, self.x.value, self.y.value)
        if len(points):
            xl, yl = labels[self.x.value], labels[self.y.value]
            C.show_figure(self.quad, plots.quadrant(
                points, points["x"], points["y"], names_by_id, f"{xl}（採点の平均・右ほど良い）",
                f"{yl}（採点の平均・上ほど良い）", highlight=short, title=f"{yl} × {xl}",
                xticks=self.model.matrix_ticks(self.x.value), yticks=self.model.matrix_ticks(self.y.value)))
            C.show_figure(self.heat, plots.disagreement_heatmap(res.spread, names_by_id, labels, list(res.ranking.index[:20]),
                                                                title="参加者の評価のばらつき（上位20件）"))
