"""Tab 6 結果: the committee's rules and the result they give (tables and figures)."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ...scoring.price import price_methods
from ..panel import Panel, attempt, error, html
from .parts import C, boxed, frame_table

FORM = {  # form field → (widget attribute, description)
    "combine": ("ru_combine", "評価者の集計"), "rounding": ("ru_rounding", "端数処理"), "digits": ("ru_digits", "桁"),
    "must_have_rule": ("ru_must", "必須項目"), "min_total": ("ru_min", "最低点（%）"), "min_group": ("ru_group", "区分の最低（%）"),
    "price_method": ("ru_price", "価格"), "price_points": ("ru_price_points", "価格点"), "ceiling": ("ru_ceiling", "予定価格"),
    "tie1": ("ru_tie1", "同点時①"), "tie2": ("ru_tie2", "同点時②")}


class ResultsPanel(Panel):
    """The rules form (saved as a whole) and the result tables and figures."""

    title = "6 結果"

    def build(self):
        d = {k: desc for k, (_, desc) in FORM.items()}
        self.ru_combine = W.ToggleButtons(options=[("平均", "average"), ("合計", "sum")], description=d["combine"])
        self.ru_rounding = W.ToggleButtons(options=[("しない", "none"), ("四捨五入", "round"), ("切り捨て", "truncate")],
                                           description=d["rounding"])
        self.ru_digits = W.Dropdown(options=[("整数", 0), ("小数1位", 1), ("小数2位", 2)], description=d["digits"])
        self.ru_must = W.ToggleButtons(options=[("1人でも×なら除外", "any"), ("過半数が×なら除外", "majority")],
                                       description=d["must_have_rule"])
        self.ru_min = W.Text(description=d["min_total"], placeholder="例：60")
        self.ru_group = W.Text(description=d["min_group"], placeholder="例：30 または 機能:30、セキュリティ:50",
                               layout=W.Layout(width="36em"))
        self.ru_price = W.Dropdown(options=[("価格を評価に入れない", "")] + [(m.label, m.name) for m in price_methods()],
                                   description=d["price_method"], layout=W.Layout(width="36em"))
        self.ru_price_points = W.Text(description=d["price_points"])
        self.ru_ceiling = W.Text(description=d["ceiling"])
        self.ru_tie1, self.ru_tie2 = W.Dropdown(description=d["tie1"]), W.Dropdown(description=d["tie2"])
        self.ru_points = W.HTML()
        self.load_rules()
        self.ru_apply = C.button("ルールを保存して計算", button_style="primary")
        self.ru_apply.on_click(self._apply_rules)
        self.res_msg, self.res_table = W.HTML(), W.HTML()
        self.res_total, self.res_bars, self.res_radar, self.res_heat = C.image(), C.image(), C.image(), C.image()
        return W.VBox([html("<h3>評価のルール</h3>"), self.ru_combine, W.HBox([self.ru_rounding, self.ru_digits]), self.ru_must,
                       W.HBox([self.ru_min, self.ru_group]), self.ru_points,
                       W.HBox([self.ru_price, self.ru_price_points, self.ru_ceiling]),
                       W.HBox([self.ru_tie1, self.ru_tie2]), self.ru_apply, self.res_msg, self.res_table, self.res_total,
                       self.res_bars, self.res_radar, self.res_heat])

    def load_rules(self):
        """Put the saved rules in the form (a group tie-break and a per-group minimum included)."""
        self._offer_ties()
        for k, v in self.model.rules_form().items():
            getattr(self, FORM[k][0]).value = v
        self._show_points()

    def _show_points(self):
        """The maximums, and what the thresholds mean in points (「60%（= 42.0点）」)."""
        ok, th = attempt(self.ru_points, self.model.threshold_texts)
        if not ok:
            return
        lines = [self.model.maximum_text()] + [f"{FORM[k][1]}：{v}" for k, v in th.items() if v]
        self.ru_points.value = boxed(f'<div class="oh-note">{"<br>".join(esc(x) for x in lines)}</div>')

    def _offer_ties(self):
        ties = self.model.tie_break_options()
        for dd in (self.ru_tie1, self.ru_tie2):
            C.set_options(dd, ties)

    def refresh(self):
        self._offer_ties()
        self._show_points()
        self.show_results()

    def _apply_rules(self, *_):
        form = {k: getattr(self, attr).value for k, (attr, _) in FORM.items()}
        form["tie_breaks"] = [form.pop("tie1"), form.pop("tie2")]
        if attempt(self.res_msg, lambda: self.model.set_rules_from_form(**form), "ルールを保存しました", reload=self.load_rules)[0]:
            self._show_points()
            self.show_results()

    def show_results(self, figures: bool = True):
        ok, res = attempt(self.res_table, self.model.results)
        if not ok:
            return
        if res is None:
            self.res_table.value = error("評価項目・事業者・採点がそろうと結果が表示されます。")
            return
        missing = self.model.missing_intuitions()
        note = (f'<div class="oh-error">まだ感覚的な順位を入れていない評価者がいます（{esc("、".join(missing))}）。'
                "先に「5 感覚的な順位」で入れてから結果を見てください。</div>") if missing else ""
        vote = self.model.rank_vote_frame()
        frame = self.model.results_frame(res)
        head = (f'<p class="oh-weights-version">この結果は重みの{esc(frame.attrs["weights_version"])}で計算しました。</p>'
                f'<p class="oh-maximums">{esc(frame.attrs["maximums"])}</p>')
        after = f'<p class="oh-no-points">{esc(frame.attrs["no_points"])}</p>' if frame.attrs["no_points"] else ""
        self.res_table.value = boxed(f"{note}<h3>結果</h3>{head}" + frame_table(frame, wide=True) + after) + (
            "" if vote.empty else boxed("<h4>参考：順位投票方式（各評価者が1位にした数が多い順。同数なら2位、3位の数）</h4>" +
                                        frame_table(vote)))
        if figures:
            attempt(self.res_msg, lambda: self._figures(res))  # a figure that fails says so; the tables stay

    def _figures(self, res):
        from ... import plots

        names = res.table["name"].to_dict()
        C.show_figure(self.res_total, plots.total_bars(res.table, res.max_total))
        C.show_figure(self.res_bars, plots.group_bars(res.table, res.groups, res.group_max, max_technical=res.max_technical,
                                                      title="要件内訳ごとの技術点（事業者別）"))
        C.show_figure(self.res_radar, plots.radar(res.groups, res.group_max, names))
        crit = self.model.criteria().set_index("criterion_id")["name"].to_dict()
        C.show_figure(self.res_heat, plots.disagreement_heatmap(res.spread, names, crit, list(res.ranking.index),
                                                                title="評価者のばらつき（0＝一致、1＝正反対）"))
