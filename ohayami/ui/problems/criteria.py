"""Tab 3 評価項目と重み: the criteria the problems are scored on, and their weights."""

from __future__ import annotations

import ipywidgets as W

from ...labels import DIRECTION_LABELS, scale_code, scale_label
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..weights import WeightEditor
from .parts import NOTES, frame_html, heading

# offered as the tab shows them (はい／いいえ); the stored code comes back through scale_code
SCALES = [scale_label(s) for s in ("1-5", "1-3", "0-5", "A-E", "○△×", "yes/no")]
CHOOSE = "評価項目を選んでください。"


class CriteriaPanel(Panel):
    """The criteria table, a form to change, add or remove one, and the weighting editor."""

    title = "3 評価項目と重み"
    listens = frozenset({"criteria"})

    def build(self) -> W.Widget:
        self.table = W.HTML()
        self.pick = W.Dropdown(description="評価項目", layout=W.Layout(width="30em"))
        self.pick.observe(self.load, names="value")
        self.name = W.Text(description="名前")
        self.desc = W.Text(description="説明", layout=W.Layout(width="40em"))
        self.direction = W.ToggleButtons(options=[(v, k) for k, v in DIRECTION_LABELS.items()], description="向き")
        self.scale = W.Combobox(description="尺度", options=SCALES, ensure_option=False)
        self.weight = W.Text(description="重み")
        inputs, self.msgs = with_messages({"name": self.name, "description": self.desc, "direction": self.direction,
                                           "scale": self.scale, "weight": self.weight})
        self.save_btn = C.button("変更を保存", button_style="primary")
        self.save_btn.on_click(self.save)
        self.add_btn = C.button("新しい評価項目として追加")
        self.add_btn.on_click(self.add)
        self.remove_btn = C.button("この評価項目を削除", button_style="danger")
        self.remove_btn.on_click(self.remove)
        self.msg = W.HTML()
        self.weights = WeightEditor(self.model.criteria, self.model.weight_input, self.apply_weights)
        return W.VBox([heading("評価項目（ガイドと事例が使う観点）"), self.table, self.pick, *inputs,
                       W.HBox([self.save_btn, self.add_btn, self.remove_btn]), self.msg,
                       heading("重みづけ", NOTES["weights"]), self.weights.widget])

    def refresh(self) -> None:
        self.table.value = frame_html(self.model.criteria_frame(), after=self.model.weight_message())
        C.set_options(self.pick, [(r.name, r.criterion_id) for r in self.model.criteria().itertuples()])
        self.weights.rebuild()

    def load(self, *_) -> None:
        """Fill the form with the chosen criterion as stored."""
        crit = self.model.criteria().set_index("criterion_id")
        if self.pick.value not in crit.index:
            return
        r = crit.loc[self.pick.value]
        self.name.value, self.desc.value = r["name"], r["description"]
        self.direction.value, self.scale.value, self.weight.value = r["direction"], scale_label(r["scale"]), f"{r['weight']:g}"

    # ------------------------------------------------------------------ handlers
    def _form(self) -> dict:
        return {"name": self.name.value, "description": self.desc.value, "direction": self.direction.value,
                "scale": scale_code(self.scale.value), "weight": self.weight.value}

    def save(self, *_) -> None:
        cid = self.pick.value
        if attempt(self.msg, lambda: self.model.update_criterion(need(cid, CHOOSE, "criterion"), **self._form()),
                   lambda _: "評価項目を保存しました。" + self.model.off_scale_note(cid), fields=self.msgs)[0]:
            self.view.changed("criteria")

    def add(self, *_) -> None:
        form = self._form()
        ok, cid = attempt(self.msg, lambda: self.model.add_criterion(form["name"], form["direction"], form["scale"] or "1-5",
                                                                     form["weight"] or 1, form["description"]),
                          lambda _: f"評価項目「{form['name'].strip()}」を追加しました", fields=self.msgs)
        if ok:
            self.view.changed("criteria")
            self.pick.value = cid

    def remove(self, *_) -> None:
        cid, name = self.pick.value, self.name.value
        if attempt(self.msg, lambda: self.model.remove_criterion(need(cid, CHOOSE, "criterion")),
                   f"評価項目「{name}」を削除しました（それまでの採点は記録に残ります）")[0]:
            self.view.changed("criteria")

    def apply_weights(self, method: str, values: dict) -> str:
        """The weighting editor's apply: save, tell the other tabs, and say what the method made of it."""
        message = self.model.set_weights(method, values)["message"]
        self.view.changed("criteria")
        return message
