"""Tab 集計: the group's count per type for the projector, and the exports."""

from __future__ import annotations

import ipywidgets as W

from ... import plots
from ... import tally as T
from ...formats import stamped_name
from ...html import STYLE, esc, table
from .. import common as C
from ..panel import Panel, attempt


def primary_html(df, primary: list[str]) -> str:
    """The headline: the group's primary type with its first move, or every tied type with each first move."""
    if not primary:
        return "<div>まだ結果がありません。</div>"
    moves = df.set_index("type_id")["first_move"]
    if len(primary) == 1:
        return f'<div class="oh-move">グループの主なタイプ：{esc(primary[0])}タイプ（{esc(moves[primary[0]])}）</div>'
    count = int(df.set_index("type_id").loc[primary[0], "count"])
    tied = "と".join(f"{t}タイプ" for t in primary)
    return (f'<div class="oh-move">グループの主なタイプ：{esc(tied)}が同数（各{count}人）</div>'
            "<div>それぞれの初めの一手：</div>"
            + "".join(f'<div class="oh-move">{esc(t)}タイプ：{esc(moves[t])}</div>' for t in primary))


class TallyPanel(Panel):
    """The count of the saved results (each named participant once), as a table and a bar chart."""

    title = "集計"
    listens = ("results",)

    def build(self) -> W.Widget:
        self.update = C.big_button("集計を更新", "primary", "保存された全員の結果を集計し直す")
        self.update.on_click(lambda _: self.refresh())
        self.export_xlsx = C.big_button("Excel で保存", "", "集計と回答を Excel ファイルにする")
        self.export_csv = C.big_button("回答を CSV で保存", "", "全員の回答を CSV ファイルにする")
        self.export_tally_csv = C.big_button("集計を CSV で保存", "", "タイプ別の人数と割合を CSV ファイルにする")
        self.export_xlsx.on_click(lambda _: self._export(lambda: T.export_xlsx(self.ws, self.model),
                                                         stamped_name("診断チャート集計", "xlsx"), C.XLSX_MIME, "Excel ファイルをダウンロード"))
        self.export_csv.on_click(lambda _: self._export(lambda: T.export_csv(self.ws, self.model),
                                                        stamped_name("診断チャート回答", "csv"), "text/csv", "CSV ファイルをダウンロード"))
        self.export_tally_csv.on_click(lambda _: self._export(lambda: T.export_tally_csv(self.ws), stamped_name("診断チャート集計", "csv"),
                                                              "text/csv", "CSV ファイルをダウンロード"))
        self.html = W.HTML()
        self.img = C.image()
        self.export_msg = W.HTML()
        return W.VBox([W.HBox([self.update, self.export_xlsx, self.export_csv, self.export_tally_csv]),
                       self.export_msg, self.html, self.img])

    def refresh(self) -> None:
        attempt(self.html, self._show)

    def _show(self) -> None:
        df = T.tally(self.ws)
        primary = T.primary_types(df)
        summary = T.summary_frame(df)
        summary["割合"] = summary["割合"].map(T.percent)
        self.html.value = (f'{STYLE}<div class="oh"><h2>集計（{int(df["count"].sum())}人）</h2>'
                           + primary_html(df, primary) + table(list(summary.columns), summary.values.tolist())
                           + "</div>")
        C.show_figure(self.img, plots.tally_figure(df, primary))

    def _export(self, make, name: str, mime: str, label: str) -> None:
        self.export_msg.value = C.export_message(self.ws, make, name, mime, label)
