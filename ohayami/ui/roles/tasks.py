"""Tab 1 作業: the tasks per stage, read from type B's stage list with one button, and the town's own."""

from __future__ import annotations

import ipywidgets as W

from ...flow import stored_stages
from .. import common as C
from ..panel import Panel, attempt
from ..sheet_parts import frame_html, note
from ..flow.form import RecordForm


class TasksPanel(Panel):
    title = "1 作業"

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(1)
        self.source = W.HTML()
        self.seed_btn = C.big_button("Bの段階一覧から作業を読み込む", "primary",
                                     "Bタイプ作業台の段階一覧の「主な作業」を、この一覧に加える（同じ作業は重ねない）")
        self.seed_btn.on_click(self.seed)
        self.seed_msg = W.HTML()
        m = self.model
        fields = {"stage_name": W.Combobox(description="段階", placeholder="一覧から選ぶか、入力", ensure_option=False,
                                           layout=W.Layout(width="30em")),
                  "task_name": W.Text(description="作業", placeholder="例：住民向け説明会の開催", layout=W.Layout(width="36em"))}
        self.form = RecordForm(
            "作業", fields, rows=m.task_picks, load=m.task_form,
            add=lambda v: m.add_task(**v), update=lambda i, v: m.update_task(i, **v), delete=m.remove_task,
            after=self.after_change)
        self.table = W.HTML()
        return W.VBox([note(text, f"ガイド：Step1 {title}"), self.source, self.seed_btn, self.seed_msg, self.table,
                       self.form.widget])

    def refresh(self) -> None:
        n = len(stored_stages(self.ws))
        self.source.value = C.ok(f"Bの段階一覧：{n} 段階") if n else C.error(
            "Bの段階一覧はまだありません。読み込むと ohayami の既定の段階一覧（ガイドの図ではありません）の作業を使います。")
        self.form.fields["stage_name"].options = tuple(self.model.stage_names())
        self.form.refresh()
        self.table.value = frame_html(self.model.tasks_frame(), "段階ごとの作業")

    def after_change(self) -> None:
        self.refresh()
        self.view.changed("tasks", self)

    def seed(self, *_) -> None:
        ok, _ = attempt(self.seed_msg, self.model.seed_from_flow, lambda r: r.message)
        if ok:
            text = self.seed_msg.value
            self.after_change()
            self.seed_msg.value = text
