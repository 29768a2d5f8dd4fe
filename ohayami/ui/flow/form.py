"""A form over the rows of one table (pick a row or a new one, edit its fields, save or delete it),
shared by the type B and type H panels: interviews, stages, tasks, owners, communication rules."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as W

from .. import common as C
from ..panel import attempt, need, with_messages

NEW = None


class RecordForm:
    """The picker offers 「（新しい…）」 and the stored rows; choosing a row shows what is stored for it.
    Saving sends every field to the model at once (``add(values)`` or ``update(row_id, values)``), then
    shows the row as stored; a refused field gets its message next to it and stays for correcting."""

    def __init__(self, noun: str, fields: dict[str, W.Widget], *, rows: Callable[[], list[tuple[str, str]]],
                 load: Callable[[str], dict], add: Callable[[dict], str], update: Callable[[str, dict], Any],
                 delete: Callable[[str], Any], after: Callable[[], None], defaults: dict | None = None):
        self.noun, self.fields = noun, fields
        self._rows, self._load, self._add, self._update, self._delete, self._after = rows, load, add, update, delete, after
        self.defaults = defaults or {}
        self.pick = W.Dropdown(description=f"編集する{noun}", options=[(f"（新しい{noun}）", NEW)], value=NEW,
                               layout=W.Layout(width="36em"))
        self.pick.observe(lambda _: self.show_selected(), names="value")
        inputs, self.msgs = with_messages(fields)
        self.save_btn = C.button(f"{noun}を保存", button_style="primary")
        self.delete_btn = C.button(f"この{noun}を削除", button_style="danger")
        self.save_btn.on_click(self.save)
        self.delete_btn.on_click(self.delete)
        self.msg = W.HTML()
        self.buttons = W.HBox([self.save_btn, self.delete_btn])
        self.widget = W.VBox([self.pick, *inputs, self.buttons, self.msg])

    def refresh(self) -> None:
        """Offer the stored rows again, keeping the chosen one when it still exists."""
        C.set_options(self.pick, [(f"（新しい{self.noun}）", NEW), *self._rows()])
        self.show_selected()

    def show_selected(self) -> None:
        row_id = self.pick.value
        values = self.defaults if row_id is NEW else self._load(row_id)
        for key, widget in self.fields.items():
            widget.value = values.get(key, "" if not isinstance(widget, W.Dropdown) else widget.options[0][1])
        self.delete_btn.disabled = row_id is NEW

    def values(self) -> dict:
        return {key: widget.value for key, widget in self.fields.items()}

    def save(self, *_) -> None:
        row_id = self.pick.value
        if row_id is NEW:
            ok, new_id = attempt(self.msg, lambda: self._add(self.values()), lambda i: f"{self.noun}を追加しました（{i}）",
                                 fields=self.msgs, reload=self.show_selected)
        else:
            ok, _ = attempt(self.msg, lambda: self._update(row_id, self.values()), f"{self.noun}を保存しました（{row_id}）",
                            fields=self.msgs, reload=self.show_selected)
            new_id = row_id
        if ok:
            text = self.msg.value
            self.refresh()
            self.pick.value = new_id   # the row as stored (dates and numbers as the model keeps them)
            self.msg.value = text
            self._after()

    def delete(self, *_) -> None:
        row_id = self.pick.value
        ok, _ = attempt(self.msg, lambda: self._delete(need(row_id, f"削除する{self.noun}を選んでください。", "row")),
                        f"{self.noun}を削除しました（{row_id}）")
        if ok:
            text = self.msg.value
            self.pick.value = NEW
            self.refresh()
            self.msg.value = text
            self._after()
