"""Tab 3 事業者: the vendors and services to compare, typed in or imported, with their prices."""

from __future__ import annotations

import ipywidgets as W

from ..panel import Panel, attempt, html
from .parts import C, boxed, frame_table, import_files, vendor_choices


class VendorsPanel(Panel):
    """Add, import, reprice and delete vendors."""

    title = "3 事業者"

    def build(self):
        self.v_name = W.Text(description="事業者", placeholder="例：株式会社〇〇")
        self.v_service = W.Text(description="サービス", placeholder="例：書かない窓口システム")
        self.v_price = W.Text(description="価格（円）", placeholder="例：1200000")
        self.v_notes = W.Textarea(description="備考", layout=W.Layout(width="40em", height="3em"))
        self.v_fields = {f: W.HTML() for f in ("name", "service", "price", "notes")}
        self.v_add = C.big_button("事業者を追加", "primary")
        self.v_add.on_click(self._add_vendor)
        self.v_msg = W.HTML()
        self.v_upload = W.FileUpload(accept=".csv,.xlsx", description="ファイルを選ぶ")
        self.v_import = C.button("事業者を取り込む")
        self.v_import.on_click(self._import_vendors)
        self.v_list = W.HTML()
        self.v_pick = W.Dropdown(description="事業者", layout=W.Layout(width="30em"))
        self.v_pick.observe(lambda *_: self._load_price(), names="value")
        self.v_pick_price = W.Text(description="価格（円）")
        self.v_update = C.button("価格を保存")
        self.v_update.on_click(self._update_price)
        self.v_delete = C.button("削除", button_style="danger")
        self.v_delete.on_click(self._delete_vendor)
        self.v_edit_msg = W.HTML()
        f = self.v_fields
        return W.VBox([html("<h3>比べる事業者・サービス</h3>"), W.HBox([self.v_name, f["name"]]),
                       W.HBox([self.v_service, f["service"]]), W.HBox([self.v_price, f["price"]]),
                       W.HBox([self.v_notes, f["notes"]]), self.v_add, self.v_msg,
                       html('<div class="oh-note">まとめて取り込むときは、1行目に「事業者名」「サービス」「価格」「備考」の見出しを付けた '
                            "CSV か Excel を選びます。</div>"), W.HBox([self.v_upload, self.v_import]), self.v_list,
                       W.HBox([self.v_pick, self.v_pick_price, self.v_update, self.v_delete]), self.v_edit_msg])

    def refresh(self):
        self.v_list.value = boxed(frame_table(self.model.vendors_frame()))
        C.set_options(self.v_pick, vendor_choices(self.model))
        self._load_price()

    def _changed(self):
        self.refresh()
        self.view.changed("vendors", self)

    def _load_price(self):
        self.v_pick_price.value = self.model.price_text(self.v_pick.value) if self.v_pick.value else ""

    def _add_vendor(self, *_):
        name = self.v_name.value.strip()
        ok, _ = attempt(self.v_msg, lambda: self.model.add_vendor(self.v_name.value, self.v_service.value, self.v_price.value,
                                                                   self.v_notes.value),
                        lambda vid: f"追加しました：{vid} {name}", fields=self.v_fields)
        if ok:
            self.v_name.value = self.v_service.value = self.v_price.value = self.v_notes.value = ""
            self._changed()

    def _import_vendors(self, *_):
        import_files(self.v_msg, self.v_upload, self.model.import_vendors)
        self._changed()

    def _update_price(self, *_):
        if attempt(self.v_edit_msg, lambda: self.model.update_vendor(self.v_pick.value, price=self.v_pick_price.value),
                   "価格を保存しました", reload=self._load_price)[0]:
            self._changed()

    def _delete_vendor(self, *_):
        if attempt(self.v_edit_msg, lambda: self.model.delete_vendor(self.v_pick.value), "事業者を削除しました")[0]:
            self._changed()
