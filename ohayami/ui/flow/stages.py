"""Tab 2 段階一覧: the implementation flow as an editable, reorderable stage list (the kit's to start with)."""

from __future__ import annotations

import ipywidgets as W

from ...flow import KIT_NOTE, LEAD_LABELS
from ...html import esc, ul
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..sheet_parts import boxed, frame_html, note
from .form import RecordForm


class StagesPanel(Panel):
    title = "2 段階一覧"

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(2)
        fields = {"stage_name": W.Text(description="段階", placeholder="例：調達準備（RFI・仕様書）",
                                       layout=W.Layout(width="30em")),
                  "purpose": W.Textarea(description="目的", layout=W.Layout(width="40em", height="3.5em")),
                  "tasks": W.Textarea(description="主な作業", placeholder="1行に1つ（例：RFIの実施）",
                                      layout=W.Layout(width="40em", height="5em")),
                  "lead": W.ToggleButtons(options=[(v, k) for k, v in LEAD_LABELS.items()], description="主導"),
                  "start_month": W.Text(description="開始月（何か月目）", placeholder="例：7", layout=W.Layout(width="18em")),
                  "months": W.Text(description="期間（月）", placeholder="例：3", layout=W.Layout(width="14em"))}
        m = self.model
        self.form = RecordForm(
            "段階", fields, rows=m.stage_picks,
            load=self._load, add=lambda v: m.add_stage(**v), update=lambda i, v: m.update_stage(i, **v),
            delete=m.remove_stage, after=self.after_change,
            defaults={"lead": "town", "start_month": "", "months": ""})
        self.up_btn = C.button("▲ 上へ", tooltip="選んだ段階を1つ上へ")
        self.down_btn = C.button("▼ 下へ", tooltip="選んだ段階を1つ下へ")
        self.up_btn.on_click(lambda *_: self.move(-1))
        self.down_btn.on_click(lambda *_: self.move(1))
        self.form.buttons.children = [*self.form.buttons.children, self.up_btn, self.down_btn]
        self.start = W.Text(description="1か月目の年月", placeholder="2026-04（空なら「何か月目」で表示）",
                            layout=W.Layout(width="24em"))
        start_inputs, self.start_msgs = with_messages({"start": self.start})
        self.start_btn = C.button("開始年月を保存")
        self.start_btn.on_click(self.save_start)
        self.start_msg = W.HTML()
        self.table = W.HTML()
        kit = W.HTML(boxed(f'<div class="oh-error oh-kit-note">{esc(KIT_NOTE)}</div>'))
        return W.VBox([kit, note(text, f"ガイド：Step2 {title}"), self.table, self.form.widget,
                       *start_inputs, self.start_btn, self.start_msg])

    def _load(self, stage_id: str) -> dict:
        values = self.model.stage_form(stage_id)
        # the toggle can only show a valid lead; an unusable stored one is named in the checks above
        return {**values, "lead": values["lead"] if values["lead"] in LEAD_LABELS else "town"}

    def refresh(self) -> None:
        self.form.refresh()
        self.start.value = self.model.plan_start()
        self.refresh_table()

    def refresh_table(self) -> None:
        problems = self.model.stored_problems()
        alert = boxed(f'<div class="oh-error">{ul(problems)}</div>') if problems else ""
        self.table.value = alert + frame_html(self.model.stages_frame(), "実装の段階（上から順に進めます）")

    def after_change(self) -> None:
        self.refresh_table()
        self.view.changed("stages", self)

    def move(self, step: int) -> None:
        stage_id = self.form.pick.value
        ok, moved = attempt(self.form.msg, lambda: self.model.move_stage(need(stage_id, "並べ替える段階を選んでください。",
                                                                             "stage"), step),
                            lambda done: "並べ替えました" if done else "これ以上は動かせません")
        if ok:
            text = self.form.msg.value
            self.form.refresh()
            self.form.msg.value = text
            self.after_change()

    def save_start(self, *_) -> None:
        ok, start = attempt(self.start_msg, lambda: self.model.set_plan_start(self.start.value),
                            lambda s: f"開始年月を保存しました（{s or '未設定'}）", fields=self.start_msgs,
                            reload=lambda: setattr(self.start, "value", self.model.plan_start()))
        if ok:
            self.start.value = start
            self.after_change()
