"""Notebook 03: the type E workbench (評価項目の設定 → 重みづけ → 採点 → 妥当性チェック → 選定理由)."""

from __future__ import annotations

import math

import ipywidgets as W
import pandas as pd

from ..errors import OhayamiError
from ..guide import load_steps
from ..reports import vendors_report_html
from ..scoring.price import price_method, price_methods
from ..scoring.scales import parse_scale
from ..vendors import GUIDE_ADVICE, SCENES, VendorWorkbench
from . import common as C
from ..html import STYLE, esc, table
from ..labels import MUST_LABELS, must_label
from ..textio import parse_number
from .weights import WeightEditor

GROUPS = ["機能", "性能・品質", "運用・保守性", "移行性", "互換性", "セキュリティ", "ユーザビリティ・アクセシビリティ",
          "組織対応力", "技術的能力", "コスト", "安定性"]


def _guide_step(step: int) -> str:
    s = load_steps()
    r = s[(s.type_id == "E") & (s.step_no == step)].iloc[0]
    return f'{STYLE}<div class="oh oh-note"><b>ガイド：Step{step} {esc(r.title)}</b><br>{esc(r.text)}</div>'


def _html(body: str) -> W.HTML:
    return W.HTML(f'{STYLE}<div class="oh">{body}</div>')


class VendorsView:
    """Eight tabs; every entry is saved to the workshop as it is made."""

    def __init__(self, workshop=None, data=None):
        self.ws = C.resolve_workshop(workshop)
        self.model = VendorWorkbench(self.ws, data)
        self._loading = False
        tabs = [("1 評価項目", self._build_criteria()), ("2 重みづけ", self._build_weights()),
                ("3 事業者", self._build_vendors()), ("4 採点", self._build_scoring()),
                ("5 感覚的な順位", self._build_intuition()), ("6 結果", self._build_results()),
                ("7 妥当性チェック", self._build_check()), ("8 出力", self._build_export())]
        self.tabs = W.Tab(children=[t[1] for t in tabs])
        for i, (title, _) in enumerate(tabs):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._on_tab, names="selected_index")
        self.widget = W.VBox([_html("<h2>Eタイプ作業台：サービスの良し悪しの基準を考えよう</h2>評価項目を決め、重みを付け、"
                                    "事業者のサービスを採点して比べ、感覚との違いを確かめて、選定理由を説明できる形にします。"
                                    "入力は自動でワークショップファイルに保存されます。"), self.tabs])
        self.refresh_all()
        C.widen_labels(self.widget)

    # ================================================================== 1 評価項目
    def _build_criteria(self):
        tpl = self.model.template()
        self.t_checks = {}
        rows = []
        for r in tpl.itertuples():
            use = W.Checkbox(value=False, description=f"#{r.no} {r.item[:24]}", indent=False, layout=W.Layout(width="26em"))
            must = W.ToggleButtons(options=[(MUST_LABELS[0], False), (MUST_LABELS[1], True)], value=False,
                                   style={"button_width": "4em"})
            self.t_checks[r.no] = (use, must)
            rows.append(W.HBox([use, must, W.HTML(f'<span style="font-size:13px">{esc(r.group)}：{esc(r.example or r.description)}</span>')]))
        self.t_add = C.big_button("選んだ項目を追加", "primary")
        self.t_add.on_click(self._adopt)
        self.t_msg = W.HTML()
        self.crit_table = W.HTML()
        self.ce_pick = W.Dropdown(description="評価項目", layout=W.Layout(width="34em"))
        self.ce_pick.observe(self._load_criterion, names="value")
        self.ce_name = W.Text(description="名前", layout=W.Layout(width="34em"))
        self.ce_example = W.Textarea(description="求める水準", layout=W.Layout(width="40em", height="3.5em"))
        self.ce_group = W.Combobox(description="要件内訳", options=GROUPS, ensure_option=False)
        self.ce_req = W.ToggleButtons(options=["サービス要件", "取引要件"], description="要件")
        self.ce_must = W.ToggleButtons(options=[(MUST_LABELS[0], False), (MUST_LABELS[1], True)], description="区分")
        self.ce_scale = W.Combobox(description="尺度", options=["1-5", "0-5", "1-3", "A-E", "5段階", "○△×", "○△×-2", "yes/no"],
                                   ensure_option=False)
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
        return W.VBox([W.HTML(_guide_step(1)), _html(f'<div class="oh-trouble">{esc(GUIDE_ADVICE)}</div>'),
                       _html("<h3>ガイドの評価項目例（窓口DXサービス）から選ぶ</h3>"), W.VBox(rows), self.t_add, self.t_msg,
                       _html("<h3>この調達の評価項目</h3>"), self.crit_table,
                       self.ce_pick, self.ce_name, self.ce_example, self.ce_group, self.ce_req, self.ce_must, self.ce_scale,
                       W.HBox([self.ce_save, self.ce_add, self.ce_remove]), self.ce_msg,
                       _html("<h3>次の調達のために</h3>"), W.HBox([self.tpl_save, self.tpl_upload, self.tpl_import]),
                       self.tpl_msg])

    def _adopt(self, *_):
        chosen = [n for n, (use, _) in self.t_checks.items() if use.value]
        must = {n for n, (use, m) in self.t_checks.items() if use.value and m.value}
        if not chosen:
            self.t_msg.value = C.error("追加する項目にチェックを入れてください。")
            return
        try:
            ids = self.model.adopt_template(chosen, must)
        except OhayamiError as exc:
            self.t_msg.value = C.error(exc)
            return
        for use, m in self.t_checks.values():
            use.value, m.value = False, False
        self.t_msg.value = C.ok(f"{len(ids)} 項目を追加しました")
        self.refresh_all()

    def _refresh_criteria(self):
        crit = self.model.criteria()
        total = crit["weight"].sum()
        n_must = int(crit["must_have"].sum())
        warning = self.model.must_have_warning()
        warn = f'<div class="oh-error">{esc(warning)}</div>' if warning else ""
        self.crit_table.value = (f'{STYLE}<div class="oh">' + table(
            ["評価項目", "要件内訳", "求める水準（例）", "区分", "尺度", "配点", "割合"],
            [(r.name, r.grp, r.example, must_label(r.must_have), r.scale, f"{r.weight:.1f}",
              f"{r.weight / total:.0%}" if total else "") for r in crit.itertuples()]) +
            f"<div>全 {len(crit)} 項目（必須 {n_must}）</div>{warn}</div>")
        C.set_options(self.ce_pick, [(r.name, r.criterion_id) for r in crit.itertuples()])

    def _load_criterion(self, *_):
        crit = self.model.criteria().set_index("criterion_id")
        if self.ce_pick.value not in crit.index:
            return
        r = crit.loc[self.ce_pick.value]
        self.ce_name.value, self.ce_example.value, self.ce_group.value = r["name"], r["example"], r["grp"]
        self.ce_req.value = r["requirement"] if r["requirement"] in ("サービス要件", "取引要件") else "サービス要件"
        self.ce_must.value, self.ce_scale.value = bool(r["must_have"]), r["scale"]

    def _criterion_fields(self) -> dict:
        return {"name": self.ce_name.value, "example": self.ce_example.value, "group": self.ce_group.value,
                "requirement": self.ce_req.value, "must_have": self.ce_must.value, "scale": self.ce_scale.value or "1-5"}

    def _save_criterion(self, *_):
        if not self.ce_pick.value:
            self.ce_msg.value = C.error("評価項目を選んでください。")
            return
        try:
            self.model.update_criterion(self.ce_pick.value, **self._criterion_fields())
        except OhayamiError as exc:
            self.ce_msg.value = C.error(exc)
            return
        self.ce_msg.value = C.ok("評価項目を保存しました")
        self.refresh_all()

    def _add_criterion(self, *_):
        f = self._criterion_fields()
        try:
            cid = self.model.add_criterion(f.pop("name"), scale=f.pop("scale"), weight=1, **f)
        except OhayamiError as exc:
            self.ce_msg.value = C.error(exc)
            return
        self.ce_msg.value = C.ok(f"評価項目「{self.ce_name.value.strip()}」を追加しました")
        self.refresh_all()
        self.ce_pick.value = cid

    def _remove_criterion(self, *_):
        try:
            self.model.remove_criterion(self.ce_pick.value)
        except OhayamiError as exc:
            self.ce_msg.value = C.error(exc)
            return
        self.ce_msg.value = C.ok("評価項目を削除しました（それまでの採点は記録に残ります）")
        self.refresh_all()

    def _save_template(self, *_):
        try:
            self.tpl_msg.value = C.save_export(self.ws, self.model.criteria_template_xlsx(), "評価項目テンプレート.xlsx",
                                               C.XLSX_MIME, "テンプレートをダウンロード")
        except (OhayamiError, OSError) as exc:
            self.tpl_msg.value = C.error(exc)

    def _import_template(self, *_):
        self.tpl_msg.value = C.import_each(self.tpl_upload, lambda data, name: self.model.import_criteria(data, name=name))
        self.refresh_all()

    # ================================================================== 2 重みづけ
    def _build_weights(self):
        self.w_who = W.Combobox(description="評価者", placeholder="重みを付ける人の名前", ensure_option=False)
        self.w_who.observe(lambda *_: self.weights.rebuild(), names="value")
        self.weights = WeightEditor(self.model.criteria, self._saved_weights, self._apply_weights, "この人の重みを保存")
        self.w_side = W.HTML()
        scenes = "".join(f"<li>「{esc(s)}」→ <b>{esc(g)}</b> を重く</li>" for s, g in SCENES)
        self.r_pick = W.Dropdown(description="評価項目", layout=W.Layout(width="34em"))
        self.r_text = W.Text(description="重い理由", placeholder="例：多世代が利用するサービスのため", layout=W.Layout(width="40em"))
        self.r_save = C.button("理由を保存")
        self.r_save.on_click(self._save_reason)
        self.r_msg = W.HTML()
        return W.VBox([W.HTML(_guide_step(2)),
                       _html(f"<h3>場面から考える</h3><ul>{scenes}</ul>"
                             '<div class="oh-note">サービスを使う具体的な場面を思い浮かべ、何が大事か・何を欠いてはいけないかを考えます。</div>'),
                       self.w_who, self.weights.widget, _html("<h3>評価者ごとの重みと、まとめた重み</h3>"), self.w_side,
                       _html("<h3>重くした理由（報告書に載ります）</h3>"), self.r_pick, self.r_text, self.r_save, self.r_msg])

    def _saved_weights(self, method: str) -> dict:
        who = (self.w_who.value or "").strip()
        return self.model.weight_input(method, who) if who else {}

    def _apply_weights(self, method: str, values: dict) -> str:
        out = self.model.set_evaluator_weights(self.w_who.value, method, values)
        self._refresh_weights()
        self._refresh_criteria()
        return out["message"]

    def _refresh_weights(self):
        ew = self.model.evaluator_weights()
        crit = self.model.criteria()
        names = crit.set_index("criterion_id")["name"].to_dict()
        if ew.empty:
            self.w_side.value = _html("まだ誰も重みを付けていません。").value
        else:
            rows = [[names[c]] + [f"{ew.loc[e, c]:.1f}" if not math.isnan(ew.loc[e, c]) else "" for e in ew.index] +
                    [f"{w:.1f}"] for c, w in zip(crit["criterion_id"], crit["weight"])]
            self.w_side.value = (f'{STYLE}<div class="oh">' + table(["評価項目", *ew.index, "まとめた重み"], rows) +
                                 f'<div class="oh-note">{esc(self.model.weight_message())}</div></div>')
        C.set_options(self.r_pick, [(r.name, r.criterion_id) for r in crit.itertuples()])
        reasons = self.model.weight_reasons()
        self.r_text.value = reasons.get(self.r_pick.value, "") if self.r_pick.value else ""

    def _save_reason(self, *_):
        try:
            self.model.set_weight_reason(self.r_pick.value, self.r_text.value)
        except OhayamiError as exc:
            self.r_msg.value = C.error(exc)
            return
        self.r_msg.value = C.ok("理由を保存しました")

    # ================================================================== 3 事業者
    def _build_vendors(self):
        self.v_name = W.Text(description="事業者", placeholder="例：株式会社〇〇")
        self.v_service = W.Text(description="サービス", placeholder="例：書かない窓口システム")
        self.v_price = W.Text(description="価格（円）", placeholder="例：1200000")
        self.v_notes = W.Textarea(description="備考", layout=W.Layout(width="40em", height="3em"))
        self.v_add = C.big_button("事業者を追加", "primary")
        self.v_add.on_click(self._add_vendor)
        self.v_msg = W.HTML()
        self.v_upload = W.FileUpload(accept=".csv,.xlsx", description="ファイルを選ぶ")
        self.v_import = C.button("事業者を取り込む")
        self.v_import.on_click(self._import_vendors)
        self.v_list = W.HTML()
        self.v_pick = W.Dropdown(description="事業者", layout=W.Layout(width="30em"))
        self.v_pick_price = W.Text(description="価格（円）")
        self.v_update = C.button("価格を保存")
        self.v_update.on_click(self._update_price)
        self.v_delete = C.button("削除", button_style="danger")
        self.v_delete.on_click(self._delete_vendor)
        return W.VBox([_html("<h3>比べる事業者・サービス</h3>"), self.v_name, self.v_service, self.v_price, self.v_notes,
                       self.v_add, self.v_msg,
                       _html('<div class="oh-note">まとめて取り込むときは、1行目に「事業者名」「サービス」「価格」「備考」の見出しを付けた '
                             "CSV か Excel を選びます。</div>"), W.HBox([self.v_upload, self.v_import]), self.v_list,
                       W.HBox([self.v_pick, self.v_pick_price, self.v_update, self.v_delete])])

    def _add_vendor(self, *_):
        try:
            vid = self.model.add_vendor(self.v_name.value, self.v_service.value, self.v_price.value, self.v_notes.value)
        except OhayamiError as exc:
            self.v_msg.value = C.error(exc)
            return
        self.v_msg.value = C.ok(f"追加しました：{vid} {self.v_name.value.strip()}")
        self.v_name.value = self.v_service.value = self.v_price.value = self.v_notes.value = ""
        self.refresh_all()

    def _import_vendors(self, *_):
        self.v_msg.value = C.import_each(self.v_upload, lambda data, name: self.model.import_vendors(data, name=name))
        self.refresh_all()

    def _update_price(self, *_):
        try:
            self.model.update_vendor(self.v_pick.value, price=self.v_pick_price.value)
        except OhayamiError as exc:
            self.v_msg.value = C.error(exc)
            return
        self.v_msg.value = C.ok("価格を保存しました")
        self.refresh_all()

    def _delete_vendor(self, *_):
        try:
            self.model.delete_vendor(self.v_pick.value)
        except OhayamiError as exc:
            self.v_msg.value = C.error(exc)
            return
        self.refresh_all()

    def _refresh_vendors(self):
        v = self.model.vendors()
        self.v_list.value = f'{STYLE}<div class="oh">' + table(
            ["ID", "事業者", "サービス", "価格（円）", "備考"],
            [(r.vendor_id, r.name, r.service, "" if pd.isna(r.price) else f"{r.price:,.0f}", r.notes) for r in v.itertuples()]
        ) + "</div>"
        C.set_options(self.v_pick, [(f"{r.vendor_id} {r.name}", r.vendor_id) for r in v.itertuples()] or [("", None)])

    # ================================================================== 4 採点
    def _build_scoring(self):
        self.s_who = W.Combobox(description="評価者", placeholder="名前を入力または選択", ensure_option=False)
        self.s_who.add_class("oh-score-who")
        self.s_who.observe(lambda *_: self._load_vendor_page(), names="value")
        self.s_vendor = W.Dropdown(description="事業者", layout=W.Layout(width="30em"))
        self.s_vendor.add_class("oh-score-vendor")
        self.s_vendor.observe(lambda *_: self._load_vendor_page(), names="value")
        self.s_grid = W.VBox()
        self.s_grid.add_class("oh-score-grid")
        self.s_msg = W.HTML()
        self.sheets = C.SheetControls(self.ws, self.model, self.s_who, lambda: self._load_vendor_page(), "評価シート")
        return W.VBox([_html("<h3>採点</h3><div class=\"oh-note\">評価者の名前と事業者を選び、評価項目ごとに点数を選びます。"
                             "選ぶとすぐ保存されます。必須項目は満たしていれば「はい」です。</div>"),
                       W.HBox([self.s_who, self.s_vendor]), self.s_msg, self.s_grid,
                       _html("<h3>紙・Excel で採点する委員会</h3>"), self.sheets.widget])

    def _rebuild_grid(self):
        crit = self.model.criteria()
        self._crit = crit
        rows = []
        self.s_cells = {}
        for r in crit.itertuples():
            scale = parse_scale(r.scale, r.direction == "lower")
            dd = W.Dropdown(options=[("", "")] + [(v, v) for v in scale.levels], layout=W.Layout(width="9em"))
            dd.observe(self._on_score, names="value")
            dd._oh = r.criterion_id
            self.s_cells[r.criterion_id] = dd
            tag = "【必須】" if r.must_have else ""
            rows.append(W.HBox([W.HTML(f"{esc(tag)}{esc(r.name)}<br><small>{esc(r.grp)}：{esc(r.example)}</small>",
                                       layout=W.Layout(width="34em")), dd]))
        self.s_grid.children = rows
        self._load_vendor_page()

    def _load_vendor_page(self):
        if not hasattr(self, "s_cells"):
            return
        who = (self.s_who.value or "").strip()
        vid = self.s_vendor.value
        mine = self.model.scores(who) if who else pd.DataFrame(columns=["alternative_id", "criterion_id", "value"])
        have = {r.criterion_id: r.value for r in mine.itertuples() if r.alternative_id == vid}
        self._loading = True
        try:
            for cid, dd in self.s_cells.items():
                v = have.get(cid, "")
                dd.value = v if v in [o[1] for o in dd.options] else ""
                dd.disabled = not (who and vid)
        finally:
            self._loading = False
        self.s_msg.value = "" if who and vid else C.error("評価者の名前と事業者を選んでください。")

    def _on_score(self, change):
        if self._loading:
            return
        dd = change["owner"]
        try:
            saved = self.model.set_score(self.s_who.value, self.s_vendor.value, dd._oh, change["new"])
        except OhayamiError as exc:
            self.s_msg.value = C.error(exc)
            self._loading = True
            dd.value = change["old"]
            self._loading = False
            return
        name = self._crit.set_index("criterion_id").loc[dd._oh, "name"]
        self.s_msg.value = C.ok(f"保存しました：「{name}」＝{saved or '（取り消し）'}")

    # ================================================================== 5 感覚的な順位
    def _build_intuition(self):
        self.i_who = W.Combobox(description="評価者", placeholder="名前", ensure_option=False)
        self.i_who.observe(lambda *_: self._load_intuition(), names="value")
        self.i_box = W.VBox()
        self.i_save = C.big_button("順位を保存", "primary")
        self.i_save.on_click(self._save_intuition)
        self.i_msg = W.HTML()
        self.i_status = W.HTML()
        return W.VBox([W.HTML(_guide_step(3)),
                       _html('<div class="oh-trouble">結果を見る前に、各評価者が「感覚的に良いと思う順位」を入れてください。'
                             "あとで計算結果と比べて、評価項目や重みが自団体に合っているか確かめます。</div>"),
                       self.i_who, self.i_box, self.i_save, self.i_msg, self.i_status])

    def _load_intuition(self):
        v = self.model.vendors()
        who = (self.i_who.value or "").strip()
        saved = self.model.intuitions().get(who, {})
        n = len(v)
        self.i_widgets = {}
        rows = []
        for r in v.itertuples():
            dd = W.Dropdown(options=[("", None)] + [(str(k), k) for k in range(1, n + 1)], value=saved.get(r.vendor_id),
                            layout=W.Layout(width="7em"))
            self.i_widgets[r.vendor_id] = dd
            rows.append(W.HBox([W.Label(f"{r.vendor_id} {r.name} {r.service}", layout=W.Layout(width="30em")), dd]))
        self.i_box.children = rows

    def _save_intuition(self, *_):
        try:
            self.model.set_intuition(self.i_who.value, {k: w.value for k, w in self.i_widgets.items()})
        except OhayamiError as exc:
            self.i_msg.value = C.error(exc)
            return
        self.i_msg.value = C.ok(f"{self.i_who.value.strip()} さんの感覚的な順位を保存しました")
        self._refresh_intuition_status()

    def _refresh_intuition_status(self):
        done = sorted(self.model.intuitions())
        scorers = sorted(set(self.model.scores()["evaluator"]))
        missing = [s for s in scorers if s not in done]
        self.i_status.value = _html(f"入力済み：{esc('、'.join(done) or 'なし')}" +
                                    (f"<br>まだの評価者：{esc('、'.join(missing))}" if missing else "")).value

    # ================================================================== 6 結果
    def _build_results(self):
        f = self.model.rules_form()
        self.ru_combine = W.ToggleButtons(options=[("平均", "average"), ("合計", "sum")], value=f["combine"],
                                          description="評価者の集計")
        self.ru_rounding = W.ToggleButtons(options=[("しない", "none"), ("四捨五入", "round"), ("切り捨て", "truncate")],
                                           value=f["rounding"], description="端数処理")
        self.ru_digits = W.Dropdown(options=[("整数", 0), ("小数1位", 1), ("小数2位", 2)], value=f["digits"],
                                    description="桁")
        self.ru_must = W.ToggleButtons(options=[("1人でも×なら除外", "any"), ("過半数が×なら除外", "majority")],
                                       value=f["must_have_rule"], description="必須項目")
        self.ru_min = W.Text(value=f["min_total"], description="最低点（%）", placeholder="例：60")
        self.ru_group = W.Text(value=f["min_group"], description="区分の最低（%）", placeholder="例：30 または 機能:30、セキュリティ:50",
                               layout=W.Layout(width="36em"))
        self.ru_price = W.Dropdown(options=[("価格を評価に入れない", "")] + [(m.label, m.name) for m in price_methods()], value=f["price_method"], description="価格",
                                   layout=W.Layout(width="36em"))
        self.ru_price_points = W.Text(value=f["price_points"], description="価格点")
        self.ru_ceiling = W.Text(value=f["ceiling"], description="予定価格")
        ties = self.model.tie_break_options()
        self.ru_tie1 = W.Dropdown(options=ties, value=f["tie1"], description="同点時①")
        self.ru_tie2 = W.Dropdown(options=ties, value=f["tie2"], description="同点時②")
        self.ru_apply = C.button("ルールを保存して計算", button_style="primary")
        self.ru_apply.on_click(self._apply_rules)
        self.res_msg = W.HTML()
        self.res_table = W.HTML()
        self.res_bars = C.image()
        self.res_radar = C.image()
        self.res_heat = C.image()
        return W.VBox([_html("<h3>評価のルール</h3>"), self.ru_combine, W.HBox([self.ru_rounding, self.ru_digits]), self.ru_must,
                       W.HBox([self.ru_min, self.ru_group]), W.HBox([self.ru_price, self.ru_price_points, self.ru_ceiling]),
                       W.HBox([self.ru_tie1, self.ru_tie2]), self.ru_apply, self.res_msg, self.res_table, self.res_bars,
                       self.res_radar, self.res_heat])

    def _refresh_tie_breaks(self):
        ties = self.model.tie_break_options()
        for dd in (self.ru_tie1, self.ru_tie2):
            C.set_options(dd, ties)

    def _apply_rules(self, *_):
        try:
            self.model.set_rules_from_form(
                combine=self.ru_combine.value, rounding=self.ru_rounding.value, digits=self.ru_digits.value,
                must_have_rule=self.ru_must.value, min_total=self.ru_min.value, min_group=self.ru_group.value,
                price_method=self.ru_price.value, price_points=self.ru_price_points.value, ceiling=self.ru_ceiling.value,
                tie_breaks=[self.ru_tie1.value, self.ru_tie2.value])
        except OhayamiError as exc:
            self.res_msg.value = C.error(exc)
            return
        self.res_msg.value = C.ok("ルールを保存しました")
        self.show_results()

    def show_results(self, figures: bool = True):
        from .. import plots

        try:
            res = self.model.results()
        except OhayamiError as exc:
            self.res_table.value = C.error(exc)
            return
        if res is None:
            self.res_table.value = C.error("評価項目・事業者・採点がそろうと結果が表示されます。")
            return
        missing = [s for s in sorted(set(self.model.scores()["evaluator"])) if s not in self.model.intuitions()]
        note = (f'<div class="oh-error">まだ感覚的な順位を入れていない評価者がいます（{esc("、".join(missing))}）。'
                "先に「5 感覚的な順位」で入れてから結果を見てください。</div>") if missing else ""
        frame = self.model.results_frame(res)
        self.res_table.value = (f'{STYLE}<div class="oh">{note}<h3>結果</h3>' +
                                table(list(frame.columns), frame.values.tolist(), wide=True) + "</div>")
        rv = self.model.rank_vote()
        if rv is not None and len(rv):
            places = [c for c in ("first", "second", "third") if c in rv.columns]
            label = {"first": "1位の数", "second": "2位の数", "third": "3位の数"}
            self.res_table.value += (f'{STYLE}<div class="oh"><h4>参考：順位投票方式（各評価者が1位にした数が多い順。'
                                     "同数なら2位、3位の数）</h4>" +
                                     table(["順位", "事業者", *[label[c] for c in places]],
                                           [[f"{r['rank']}{'（同順）' if r['tie'] else ''}", r["name"], *[r[c] for c in places]]
                                            for _, r in rv.iterrows()]) + "</div>")
        if not figures:
            return
        names = res.table["name"].to_dict()
        C.show_figure(self.res_bars, plots.group_bars(res.table, res.groups, res.group_max))
        C.show_figure(self.res_radar, plots.radar(res.groups, res.group_max, names))
        crit = self.model.criteria().set_index("criterion_id")["name"].to_dict()
        C.show_figure(self.res_heat, plots.disagreement_heatmap(res.spread, names, crit, list(res.ranking.index),
                                                                      title="評価者のばらつき（0＝一致、1＝正反対）"))

    # ================================================================== 7 妥当性チェック
    def _build_check(self):
        self.k_run = C.big_button("感覚と比べる", "primary")
        self.k_run.on_click(lambda *_: self.show_check())
        self.k_out = W.HTML()
        self.k_inputs = W.VBox()
        self.k_reason = W.Textarea(description="見直しの理由", placeholder="例：機能の差が実際の使い勝手より大きく効いていたため",
                                   layout=W.Layout(width="40em", height="3.5em"))
        self.k_apply = C.big_button("重みを見直す", "warning")
        self.k_apply.on_click(self._revise)
        self.k_msg = W.HTML()
        self.k_sens = C.big_button("感度分析", "", "重みを動かしたときの順位の安定性を調べる（1万回）")
        self.k_sens.on_click(lambda *_: self.show_sensitivity())
        self.k_sens_out = W.HTML()
        self.k_sens_img = C.image()
        return W.VBox([W.HTML(_guide_step(3)), self.k_run, self.k_out,
                       _html("<h3>重みの見直し（理由は記録に残ります）</h3>"), self.k_inputs, self.k_reason, self.k_apply,
                       self.k_msg, _html("<h3>感度分析</h3>"), self.k_sens, self.k_sens_out, self.k_sens_img])

    def show_check(self):
        try:
            checks = self.model.check()
        except OhayamiError as exc:
            self.k_out.value = C.error(exc)
            return
        if not checks:
            self.k_out.value = C.error("まだ誰も感覚的な順位を入れていません（5 感覚的な順位）。")
            return
        parts = []
        for who, c in checks.items():
            if "error" in c:
                parts.append(f"<h4>{esc(who)}</h4>" + C.error(c["error"]))
                continue
            rows = [(r.name, r.intuitive, "" if math.isnan(r.computed) else int(r.computed)) for r in c["table"].itertuples()]
            top = c["drivers"][c["drivers"]["push"] > 0].head(3)
            drivers = "、".join(f"{r.name}（{r.push:.1f}点分）" for r in top.itertuples()) or "なし"
            parts.append(f"<h4>{esc(who)}：順位相関 {c['spearman']:.2f}（1＝一致、−1＝正反対）</h4>" +
                         table(["事業者", "感覚の順位", "計算の順位"], rows) +
                         f"<div>食い違いを生んでいる評価項目：{esc(drivers)}</div>")
        self.k_out.value = f'{STYLE}<div class="oh">' + "".join(parts) + "</div>"
        crit = self.model.criteria()
        self.k_widgets = {r.criterion_id: W.Text(value=f"{r.weight:.1f}", description=r.name[:8], tooltip=r.name)
                          for r in crit.itertuples()}
        self.k_inputs.children = list(self.k_widgets.values())

    def _revise(self, *_):
        if not getattr(self, "k_widgets", None):
            self.show_check()
        current = self.model.criteria().set_index("criterion_id")["weight"]
        changed = {k: w.value for k, w in self.k_widgets.items() if str(w.value).strip() != f"{current.get(k, 0):.1f}"}
        if not changed:
            self.k_msg.value = C.error("変える重みを入れてください。")
            return
        try:
            entry = self.model.revise_weights(changed, self.k_reason.value)
        except OhayamiError as exc:
            self.k_msg.value = C.error(exc)
            return
        names = self.model.vendors().set_index("vendor_id")["name"].to_dict()
        self.k_msg.value = C.ok("重みを見直しました。1位：" + "・".join(names.get(w, w) for w in entry["winner_before"]) + " → " +
                                "・".join(names.get(w, w) for w in entry["winner_after"]))
        self.k_reason.value = ""
        self._refresh_criteria()
        self.show_check()

    def show_sensitivity(self, draws: int = 10_000):
        from .. import plots

        try:
            s = self.model.sensitivity(draws=draws)
        except OhayamiError as exc:
            self.k_sens_out.value = C.error(exc)
            return
        names = self.model.vendors().set_index("vendor_id")["name"].to_dict()
        one = s["one_at_a_time"]
        rows = []
        for r in one.itertuples():
            down = "変わらない" if pd.isna(r.down_to) else f"{r.down_to:.1f}（{r.down_change:+.0%}）で {names.get(r.down_winner, '')} が1位"
            up = "変わらない" if pd.isna(r.up_to) else f"{r.up_to:.1f}（{r.up_change:+.0%}）で {names.get(r.up_winner, '')} が1位"
            rows.append((r.name, f"{r.points:.1f}", down, up))
        p = s["probabilities"]
        prob_rows = [[names.get(a, a)] + [f"{v:.0%}" for v in p.loc[a]] for a in p.index]
        self.k_sens_out.value = (f'{STYLE}<div class="oh"><h4>1つの重みだけを動かしたとき（いまの1位：'
                                 f'{esc(names.get(one.attrs["winner"], ""))}）</h4>' +
                                 table(["評価項目", "いまの配点", "下げると", "上げると"], rows) +
                                 f"<h4>すべての重みを ±20% の範囲でランダムに動かしたとき（{draws:,} 回）の順位の確率</h4>" +
                                 table(["事業者", *[f"{k}位" for k in p.columns]], prob_rows) + "</div>")
        C.show_figure(self.k_sens_img, plots.rank_probability_heatmap(p, names))

    # ================================================================== 8 出力
    def _build_export(self):
        self.x_report = C.big_button("選定理由（HTML）", "primary", "管理職・監査向けの選定理由書を作る")
        self.x_xlsx = C.big_button("Excel（全数値）", "primary")
        self.x_report.on_click(lambda *_: self._export(lambda: vendors_report_html(self.model).encode("utf-8"),
                                                       "選定理由書.html", "text/html", "選定理由書をダウンロード"))
        self.x_xlsx.on_click(lambda *_: self._export(self.model.export_xlsx, "事業者選定.xlsx", C.XLSX_MIME,
                                                     "Excel をダウンロード"))
        self.x_msg = W.HTML()
        return W.VBox([_html("<h3>出力</h3>選定理由書（評価項目とその理由、重みとその理由、全評価者の採点、除外、価格、順位、"
                             "結果の頑健さ）を HTML に、すべての数値を Excel にします。"),
                       W.HBox([self.x_report, self.x_xlsx]), self.x_msg])

    def _export(self, make, name: str, mime: str, label: str):
        self.x_msg.value = C.export_message(self.ws, make, name, mime, label)

    # ================================================================== shared
    def _on_tab(self, change):
        idx = change["new"]
        if idx == 1:
            self._refresh_weights()
        elif idx == 3:
            self._refresh_people()
            self._load_vendor_page()
        elif idx == 4:
            self._refresh_people()
            self._load_intuition()
            self._refresh_intuition_status()
        elif idx == 5:
            self._refresh_tie_breaks()
            self.show_results()

    def _refresh_people(self):
        names = self.model.participants()
        for w in (self.w_who, self.s_who, self.i_who):
            w.options = names

    def refresh_all(self):
        self._refresh_criteria()
        self._refresh_vendors()
        self._refresh_weights()
        self._refresh_people()
        v = self.model.vendors()
        C.set_options(self.s_vendor, [(f"{r.vendor_id} {r.name}", r.vendor_id) for r in v.itertuples()] or [("", None)])
        self._rebuild_grid()
        self._load_intuition()


def show(workshop=None, data=None):
    """Build the type E workbench and return its root widget."""
    return VendorsView(workshop, data).widget
