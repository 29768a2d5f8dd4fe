"""Tab 1 事例の聞き取り: the log of case interviews (庁内の過去事例・他団体), added, edited and deleted."""

from __future__ import annotations

import ipywidgets as W

from ..panel import Panel
from ..sheet_parts import frame_html, note
from .form import RecordForm


class InterviewsPanel(Panel):
    title = "1 事例の聞き取り"

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(1)
        wide = W.Layout(width="40em")
        fields = {"interviewee": W.Text(description="誰に", placeholder="例：情報政策課 佐藤さん（前の基幹システム更新の担当）",
                                        layout=wide),
                  "organisation": W.Text(description="所属・団体", placeholder="例：○○市 情報政策課", layout=wide),
                  "what_done": W.Textarea(description="取り組んだこと", layout=W.Layout(width="40em", height="4em")),
                  "lessons": W.Textarea(description="学び", placeholder="例：仕様書の前に RFI で相場をつかんだのがよかった",
                                        layout=W.Layout(width="40em", height="4em")),
                  "heard_on": W.Text(description="聞いた日", placeholder="2026-05-01", layout=W.Layout(width="18em"))}
        m = self.model
        self.form = RecordForm(
            "聞き取り", fields,
            rows=lambda: [(f"{r.interview_id} {r.interviewee}", r.interview_id) for r in m.interviews().itertuples()],
            load=lambda i: m.interviews().set_index("interview_id").loc[i].to_dict(),
            add=lambda v: m.add_interview(**v), update=lambda i, v: m.update_interview(i, **v),
            delete=m.delete_interview, after=self.after_change)
        self.table = W.HTML()
        return W.VBox([note(text, f"ガイド：Step1 {title}"), self.table, self.form.widget])

    def refresh(self) -> None:
        self.form.refresh()
        self.refresh_table()

    def refresh_table(self) -> None:
        df = self.model.interviews_frame()
        self.table.value = frame_html(df, "聞き取りの記録" if len(df) else "聞き取りの記録（まだありません）")

    def after_change(self) -> None:
        self.refresh_table()
        self.view.changed("interviews", self)
