"""Tab 1 評価項目: pick criteria from the guide's examples, edit them, keep them as a template."""

from __future__ import annotations

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from ...html import esc
from ...labels import MUST_LABELS, scale_code, scale_label
from ..panel import Panel, attempt, html
from .parts import C, boxed, criterion_choices, frame_table, guide_step, import_files

# offered as the tab shows them (はい／いいえ); the stored code comes back through scale_code
SCALES = [scale_label(s) for s in ("1-5", "0-5", "1-3", "A-E", "5段階", "○△×", "○△×-2", "yes/no")]
REQUIREMENTS = ["サービス要件", "取引要件"]


def _must_toggle(**kw) -> W.ToggleButtons:
    return W.ToggleButtons(options=[(MUST_LABELS[0], False), (MUST_LABELS[1], True)], value=False, **kw)


class CriteriaPanel(Panel):
    """The procurement's criteria: the guide's examples to pick from, an editor, a reusable template."""

    title = "1 評価項目"
    listens = ("criteria", "weights")

    def build(self):
        from ...vendors import GUIDE_ADVICE

        self.t_checks, rows = {}, []
        # The guide's 32 examples are the first screen every participant loads. Each widget's own
        # layout and style would be two more models per widget for the kernel to send, the server to
        # pass on and the page to build (this tab had 493 models); one shared per kind looks the same
        # and nothing changes them after this (widen_labels finds the width it would set).
        use_look = {"layout": W.Layout(width="26em"), "style": CheckboxStyle(description_width="initial")}
        must_look = {"layout": W.Layout(), "style": W.ToggleButtonsStyle(button_width="4em")}
        note_look = {"layout": W.Layout(), "style": HTMLStyle()}
        row_layout = W.Layout()
        for r in self.model.template().itertuples():
            shown = r.item if len(r.item) <= 24 else r.item[:23] + "…"   # the full name in the tooltip
            use = W.Checkbox(value=False, description=f"#{r.no} {shown}", tooltip=r.item, indent=False, **use_look)
            must = _must_toggle(**must_look)
            must.observe(lambda ch, use=use: ch["new"] and setattr(use, "value", True), names="value")  # 必須 implies 使う
            self.t_checks[r.no] = (use, must)
            note = W.HTML(f'<span style="font-size:13px">{esc(r.group)}：{esc(r.example or r.description)}</span>', **note_look)
            rows.append(W.HBox([use, must, note], layout=row_layout))
        self.t_add = C.big_button("選んだ項目を追加", "primary")
        self.t_add.on_click(self._adopt)
        self.t_msg, self.crit_table = W.HTML(), W.HTML()
        self.ce_pick = W.Dropdown(description="評価項目", layout=W.Layout(width="34em"))
        self.ce_pick.observe(lambda *_: self._load_criterion(), names="value")
        self.ce_name = W.Text(description="名前", layout=W.Layout(width="34em"))
        self.ce_example = W.Textarea(description="求める水準", layout=W.Layout(width="40em", height="3.5em"))
        self.ce_group = W.Combobox(description="要件内訳", options=self.model.group_choices(), ensure_option=False)
        self.ce_req = W.ToggleButtons(options=REQUIREMENTS, description="要件")
        self.ce_must = _must_toggle(description="区分")
        self.ce_scale = W.Combobox(description="尺度", options=SCALES, ensure_option=False)
        self.ce_pass = W.Text(description="合格の水準", placeholder="必須で数・段階の尺度のとき（例：3）")
        self.ce_fields = {f: W.HTML() for f in ("name", "example", "group", "requirement", "scale", "pass_level")}
        self.ce_save = C.button("変更を保存", button_style="primary")
        self.ce_add = C.button("自分たちの評価項目として追加")
        self.ce_remove = C.button("この評価項目を削除", button_style="danger")
        self.ce_save.on_click(self._save_criterion)
        self.ce_add.on_click(self._add_criterion)
        self.ce_remove.on_click(self._remove_criterion)
        self.ce_msg = W.HTML()
        self.tpl_save = C.button("評価項目をテンプレート（Excel）に保存")
        self.tpl_save.on_click(self._save_template)
        self.tpl_upload = W.FileUpload(accept=".xlsx,.csv", description="テンプレートを選ぶ")
        self.tpl_import = C.button("テンプレートから読み込む")
        self.tpl_import.on_click(self._import_template)
        self.tpl_msg = W.HTML()
        f = self.ce_fields
        return W.VBox([guide_step(1), html(f'<div class="oh-trouble">{esc(GUIDE_ADVICE)}</div>'),
                       html("<h3>ガイドの評価項目例（窓口DXサービス）から選ぶ</h3>"), W.VBox(rows), self.t_add, self.t_msg,
                       html("<h3>この調達の評価項目</h3>"), self.crit_table, self.ce_pick,
                       W.HBox([self.ce_name, f["name"]]), W.HBox([self.ce_example, f["example"]]),
                       W.HBox([self.ce_group, f["group"]]), W.HBox([self.ce_req, f["requirement"]]), self.ce_must,
                       W.HBox([self.ce_scale, f["scale"]]), W.HBox([self.ce_pass, f["pass_level"]]),
                       html('<div class="oh-note">必須項目の合否：はい/いいえ はいいえで不合格、○△× は×（対応不可）だけ不合格'
                            "（△は代替・カスタマイズで対応として合格）。数や段階の尺度は合格の水準を決めます。</div>"),
                       W.HBox([self.ce_save, self.ce_add, self.ce_remove]), self.ce_msg,
                       html("<h3>次の調達のために</h3>"), W.HBox([self.tpl_save, self.tpl_upload, self.tpl_import]),
                       self.tpl_msg])

    def refresh(self):
        warning = self.model.must_have_warning()
        self.crit_table.value = boxed(frame_table(self.model.criteria_frame()) +
                                      f"<div>{esc(self.model.criteria_summary())}</div>" +
                                      (f'<div class="oh-error">{esc(warning)}</div>' if warning else ""))
        C.set_options(self.ce_pick, criterion_choices(self.model))

    def _changed(self):
        self.refresh()
        self.view.changed("criteria", self)

    def _adopt(self, *_):
        chosen = [n for n, (use, _) in self.t_checks.items() if use.value]
        must = {n for n, (use, m) in self.t_checks.items() if use.value and m.value}
        if not chosen:
            self.t_msg.value = C.error("追加する項目にチェックを入れてください。")
            return
        ok, _ = attempt(self.t_msg, lambda: self.model.adopt_template(chosen, must), lambda ids: f"{len(ids)} 項目を追加しました")
        if ok:
            for use, m in self.t_checks.values():
                use.value, m.value = False, False
            self._changed()

    def _load_criterion(self):
        crit = self.model.criteria().set_index("criterion_id")
        if self.ce_pick.value not in crit.index:
            return
        r = crit.loc[self.ce_pick.value]
        self.ce_name.value, self.ce_example.value, self.ce_group.value = r["name"], r["example"], r["grp"]
        self.ce_req.value = r["requirement"] if r["requirement"] in REQUIREMENTS else REQUIREMENTS[0]
        self.ce_must.value, self.ce_scale.value = bool(r["must_have"]), scale_label(r["scale"])
        self.ce_pass.value = r["pass_level"] if isinstance(r["pass_level"], str) else ""

    def _criterion_fields(self) -> dict:
        return {"name": self.ce_name.value, "example": self.ce_example.value, "group": self.ce_group.value,
                "requirement": self.ce_req.value, "must_have": self.ce_must.value, "scale": scale_code(self.ce_scale.value) or "1-5",
                "pass_level": self.ce_pass.value}

    def _edit(self, fn, ok_text):
        ok, result = attempt(self.ce_msg, fn, ok_text, fields=self.ce_fields)
        if ok:
            self._changed()
        return ok, result

    def _save_criterion(self, *_):
        if not self.ce_pick.value:
            self.ce_msg.value = C.error("評価項目を選んでください。")
            return
        cid = self.ce_pick.value
        self._edit(lambda: self.model.update_criterion(cid, **self._criterion_fields()),
                   lambda _: "評価項目を保存しました。" + self.model.off_scale_note(cid))

    def _add_criterion(self, *_):
        f = self._criterion_fields()
        name, scale = f.pop("name"), f.pop("scale")
        ok, cid = self._edit(lambda: self.model.add_criterion(name, scale=scale, weight=1, **f),
                             f"評価項目「{name.strip()}」を追加しました")
        if ok:
            self.ce_pick.value = cid

    def _remove_criterion(self, *_):
        self._edit(lambda: self.model.remove_criterion(self.ce_pick.value), "評価項目を削除しました（それまでの採点は記録に残ります）")

    def _save_template(self, *_):
        self.tpl_msg.value = C.export_message(self.ws, self.model.criteria_template_xlsx, "評価項目テンプレート.xlsx",
                                              C.XLSX_MIME, "テンプレートをダウンロード")

    def _import_template(self, *_):
        import_files(self.tpl_msg, self.tpl_upload, self.model.import_criteria)
        self._changed()
