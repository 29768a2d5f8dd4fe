"""Tabs 2–4: the three checklists (役割・スキル, 探し方, 受入れ環境), each ticked and noted item by item."""

from __future__ import annotations

import ipywidgets as W

from ...experts import LISTS, OWN, SOURCE_LABELS
from ...html import esc
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..sheet_parts import boxed, heading, note


class ChecklistPanel(Panel):
    """One list: a row per item (tick, what the guide says, a memo), a form to add the town's own,
    and removal of what the town added. Ticks and memos are saved as they change."""

    list_id = ""
    step = 0   # the guide's type I step whose words stand above the list

    @property
    def spec(self):
        return LISTS[self.list_id]

    def guide_notes(self) -> list[W.Widget]:
        title, text = self.model.guide_step(self.step)
        return [note(text, f"ガイド：Step{self.step} {title}")]

    def build(self) -> W.Widget:
        self.rows = W.VBox()
        self.msg = W.HTML()
        self.name = W.Text(description="項目", placeholder="例：データ分析の経験", layout=W.Layout(width="30em"))
        self.description = W.Text(description="説明", layout=W.Layout(width="40em"))
        inputs, self.msgs = with_messages({"name": self.name, "description": self.description})
        self.add_btn = C.button("項目を追加", button_style="primary")
        self.add_btn.on_click(self.add)
        self.remove_pick = W.Dropdown(description="削除する項目", layout=W.Layout(width="30em"))
        self.remove_btn = C.button("削除", button_style="danger", tooltip="追加した項目を削除する")
        self.remove_btn.on_click(self.remove)
        self.checks: dict[str, W.Checkbox] = {}
        self.notes: dict[str, W.Text] = {}
        return W.VBox([heading(self.spec.title, self.spec.note), *self.guide_notes(), self.rows, self.msg,
                       heading("項目を追加"), *inputs, self.add_btn,
                       W.HBox([self.remove_pick, self.remove_btn])])

    def refresh(self) -> None:
        """Rebuild the rows from the workshop file (new widgets, so loading never saves)."""
        items = self.model.items(self.list_id)
        self.checks, self.notes, rows = {}, {}, []
        for r in items.itertuples():
            box = W.Checkbox(value=bool(r.checked), description=f"{self.spec.check_label}：{r.name}", indent=False,
                             layout=W.Layout(width="auto"))
            memo = W.Text(value=r.notes, placeholder="メモ（担当・状況）", continuous_update=False,
                          layout=W.Layout(width="24em"))
            box.observe(lambda ch, i=r.item_id: self.tick(i, ch["new"]), names="value")
            memo.observe(lambda ch, i=r.item_id: self.memo(i, ch["new"]), names="value")
            mark = SOURCE_LABELS.get(r.source, r.source)
            detail = boxed(f'<div class="oh-note">{esc(r.description)}{"（" + esc(mark) + "）" if mark else ""}</div>')
            self.checks[r.item_id], self.notes[r.item_id] = box, memo
            rows.append(W.VBox([W.HBox([box, memo]), W.HTML(detail)]))
        self.rows.children = rows
        own = items[items.source == OWN]
        C.set_options(self.remove_pick, [(f"{r.item_id} {r.name}", r.item_id) for r in own.itertuples()]
                      or [("（追加した項目はありません）", None)])

    # ------------------------------------------------------------------ handlers
    def tick(self, item_id: str, value: bool) -> None:
        attempt(self.msg, lambda: self.model.set_checked(self.list_id, item_id, bool(value)),
                f"{item_id} を保存しました", reload=self.refresh)
        self.view.changed("items", self)

    def memo(self, item_id: str, value: str) -> None:
        attempt(self.msg, lambda: self.model.set_notes(self.list_id, item_id, value), f"{item_id} のメモを保存しました",
                reload=self.refresh)
        self.view.changed("items", self)

    def add(self, *_) -> None:
        ok, item_id = attempt(self.msg, lambda: self.model.add_item(self.list_id, self.name.value, self.description.value),
                              lambda i: f"追加しました：{i}", fields=self.msgs)
        if ok:
            self.name.value = self.description.value = ""
            self.refresh()
            self.view.changed("items", self)

    def remove(self, *_) -> None:
        item_id = self.remove_pick.value
        if attempt(self.msg, lambda: self.model.remove_item(self.list_id, need(item_id, "削除する項目を選んでください。",
                                                                                 "item")), f"{item_id} を削除しました")[0]:
            self.refresh()
            self.view.changed("items", self)


class SkillsPanel(ChecklistPanel):
    title = "2 役割・スキル"
    list_id = "skills"
    step = 1


class ChannelsPanel(ChecklistPanel):
    title = "3 探し方"
    list_id = "channels"
    step = 2


class AcceptancePanel(ChecklistPanel):
    title = "4 受入れ環境"
    list_id = "acceptance"

    def guide_notes(self) -> list[W.Widget]:
        return [note(self.model.acceptance_note(), "ガイド：留意点")]
