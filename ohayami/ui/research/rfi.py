"""Tab 5 RFI: the draft of the 情報提供依頼書 generated from the log (questions, to whom), editable."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc
from ...research import PART_LABELS, QUESTION, RECIPIENT, RFI_SOURCES, TAB_TITLES
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..sheet_parts import heading, note


class RfiPanel(Panel):
    """Purpose and due date; 「調査ログから作る」 adds the questions and recipients the log suggests; each
    item can be edited, left out, or deleted, and own items added."""

    title = TAB_TITLES["rfi"]
    listens = frozenset({"log", "theme"})

    def build(self) -> W.Widget:
        self.purpose = W.Textarea(description="RFIの目的", placeholder="例：窓口DXサービスの機能・価格・導入実績を知り、"
                                  "来年度の選定の参考にする", layout=W.Layout(width="40em", height="4em"))
        self.due = W.Text(description="回答期限", placeholder="2026-12-01", layout=W.Layout(width="18em"))
        inputs, self.msgs = with_messages({"rfi_purpose": self.purpose, "rfi_due": self.due})
        self.save_btn = C.button("目的と期限を保存", button_style="primary")
        self.save_btn.on_click(self.save_info)
        self.generate_btn = C.big_button("調査ログから作る", "info",
                                         "ガイドの RFI の説明・テーマ・キーワード・まだ分からないこと・事業者から質問と送付先を足す")
        self.generate_btn.on_click(self.generate)
        self.msg = W.HTML()
        self.lists = {part: W.VBox() for part in PART_LABELS}
        self.rows: dict[tuple[str, str], tuple[W.Checkbox, W.Text]] = {}
        self.new_part = W.Dropdown(description="区分", options=[(v, k) for k, v in PART_LABELS.items()],
                                   layout=W.Layout(width="14em"))
        self.new_text = W.Text(description="内容", layout=W.Layout(width="36em"))
        add_inputs, self.add_msgs = with_messages({"rfi_text": self.new_text})
        self.add_btn = C.button("追加", button_style="primary")
        self.add_btn.on_click(self.add)
        self.remove_pick = W.Dropdown(description="削除する項目", layout=W.Layout(width="30em"))
        self.remove_btn = C.button("削除", button_style="danger")
        self.remove_btn.on_click(self.remove)
        return W.VBox([note(self.model.rfi_note(), "ガイド※5：RFI"), *inputs, self.save_btn, self.generate_btn, self.msg,
                       heading("質問", "チェックを外すと RFI に含めません。文は直接直せます（入力欄を離れると保存）。"),
                       self.lists[QUESTION], heading("送付先（調査ログの事業者）"), self.lists[RECIPIENT],
                       heading("自分で追加・削除"), self.new_part, *add_inputs, self.add_btn,
                       W.HBox([self.remove_pick, self.remove_btn])])

    def refresh(self) -> None:
        self.purpose.value, self.due.value = self.model.rfi_info()
        self.rows, options = {}, []
        for part, box in self.lists.items():
            children = []
            for r in self.model.rfi_items(part).itertuples():
                tick = W.Checkbox(value=bool(r.included), description=r.item_id, indent=False,
                                  layout=W.Layout(width="6em"))
                text = W.Text(value=r.text, continuous_update=False, layout=W.Layout(width="40em"))
                tick.observe(lambda ch, p=part, i=r.item_id: self.edit(p, i, included=bool(ch["new"])), names="value")
                text.observe(lambda ch, p=part, i=r.item_id: self.edit(p, i, text=ch["new"]), names="value")
                self.rows[(part, r.item_id)] = (tick, text)
                children.append(W.HBox([tick, text, W.HTML(f'<span class="oh-note">{esc(RFI_SOURCES.get(r.source, ""))}</span>')]))
                options.append((f"{PART_LABELS[part]} {r.item_id} {r.text[:30]}", (part, r.item_id)))
            box.children = children or [heading("（まだありません。「調査ログから作る」を押してください）")]
        C.set_options(self.remove_pick, options or [("（項目はありません）", None)])

    def save_info(self, *_) -> None:
        ok, info = attempt(self.msg, lambda: self.model.save_rfi_info(self.purpose.value, self.due.value),
                           "RFIの目的と回答期限を保存しました", fields=self.msgs, reload=self.refresh)
        if ok:
            self.due.value = info[1]
            self.view.changed("rfi", self)

    def generate(self, *_) -> None:
        ok, added = attempt(self.msg, self.model.generate_rfi,
                            lambda a: f"調査ログから質問 {a[QUESTION]} 件・送付先 {a[RECIPIENT]} 件を足しました")
        if ok:
            self.refresh()
            self.view.changed("rfi", self)

    def edit(self, part: str, item_id: str, **change) -> None:
        ok = attempt(self.msg, lambda: self.model.update_rfi(part, item_id, **change), f"{item_id} を保存しました")[0]
        if not ok:
            self.refresh()   # the screen shows what the file holds
        self.view.changed("rfi", self)

    def add(self, *_) -> None:
        ok, item_id = attempt(self.msg, lambda: self.model.add_rfi(self.new_part.value, self.new_text.value),
                              lambda i: f"追加しました：{i}", fields=self.add_msgs)
        if ok:
            self.new_text.value = ""
            self.refresh()
            self.view.changed("rfi", self)

    def remove(self, *_) -> None:
        pick = self.remove_pick.value
        if attempt(self.msg, lambda: self.model.delete_rfi(*need(pick, "削除する項目を選んでください。", "rfi_item")),
                   f"{pick[1] if pick else ''} を削除しました")[0]:
            self.refresh()
            self.view.changed("rfi", self)
