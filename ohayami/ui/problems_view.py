"""Notebook 02: the type C workbench (課題の洗い出し → 分析・絞り込み → 実現したい地域像)."""

from __future__ import annotations

import math

import ipywidgets as W
import pandas as pd

from ..errors import OhayamiError
from ..guide import load_exclusion_reasons, load_problem_template, load_steps, load_vision_template
from ..problems import (ANALYSIS_FIELDS, ANALYSIS_LABELS, ORIGINS, STATUS_LABELS, VISION_FIELDS, VISION_LABELS,
                        ProblemWorkbench)
from ..workbench import ROOM
from ..reports import problems_report_html
from ..scoring.scales import parse_scale
from . import common as C
from ..html import STYLE, esc, table
from ..labels import DIRECTION_LABELS, direction_label
from .weights import WeightEditor

PAGE_SIZE = 10
STATUS = STATUS_LABELS


def _guide_text(type_id: str, step: int) -> str:
    s = load_steps()
    r = s[(s.type_id == type_id) & (s.step_no == step)].iloc[0]
    return f'{STYLE}<div class="oh oh-note"><b>ガイド：Step{step} {esc(r.title)}</b><br>{esc(r.text)}</div>'


def _field(widget, msg: W.HTML) -> W.VBox:
    return W.VBox([widget, msg])


class ProblemsView:
    """Seven tabs, one per piece of work, all saving to the workshop as they go."""

    def __init__(self, workshop=None, data=None):
        self.ws = C.resolve_workshop(workshop)
        self.model = ProblemWorkbench(self.ws, data)
        self.data = data
        self._loading = False
        self.page = 0
        tabs = [("1 課題洗い出し", self._build_list()), ("2 課題分析", self._build_analysis()),
                ("3 評価項目と重み", self._build_criteria()), ("4 採点", self._build_scoring()),
                ("5 結果と絞り込み", self._build_results()), ("6 実現したい地域像", self._build_vision()),
                ("7 出力", self._build_export())]
        self.tabs = W.Tab(children=[t[1] for t in tabs])
        for i, (title, _) in enumerate(tabs):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._on_tab, names="selected_index")
        self.widget = W.VBox([W.HTML(f'{STYLE}<div class="oh"><h2>Cタイプ作業台：解決すべき課題を選ぶ</h2>'
                                     "もっと良くなってほしい生活のワンシーンから課題を集め、分析して、優先順位を付けて絞り込み、"
                                     "実現したい地域像を書きます。入力は自動でワークショップファイルに保存されます。</div>"),
                              self.tabs])
        self.refresh_all()
        C.widen_labels(self.widget)

    # ================================================================== 1 課題洗い出し
    def _build_list(self):
        self.title = W.Text(description="課題", placeholder="例：証明書の窓口が昼に混む", layout=W.Layout(width="40em"))
        self.scene = W.Textarea(description="ワンシーン", placeholder="例：昼休みに住民票を取りに行くと1時間待つ",
                                layout=W.Layout(width="40em", height="4em"))
        self.origin = W.Combobox(description="出どころ", options=list(ORIGINS), placeholder="原課・住民アンケート・首長…",
                                 ensure_option=False)
        self.add_btn = C.big_button("課題を追加", "primary")
        self.add_btn.on_click(self._add_problem)
        self.add_msg = W.HTML()
        self.upload = W.FileUpload(accept=".csv,.xlsx,.tsv,.txt", multiple=False, description="ファイルを選ぶ")
        self.import_btn = C.big_button("取り込む", "", "選んだ CSV・Excel から課題を取り込む")
        self.import_btn.on_click(self._import_problems)
        self.import_msg = W.HTML()
        self.problem_list = W.HTML()
        self.dup_pick = W.Dropdown(description="似ている課題", layout=W.Layout(width="48em"))
        self.merge_btn = C.big_button("統合する", "warning", "右の課題を左の課題にまとめる（出どころは両方残ります）")
        self.merge_btn.on_click(self._merge)
        self.merge_msg = W.HTML()
        self.delete_pick = W.Dropdown(description="削除する課題", layout=W.Layout(width="40em"))
        self.delete_btn = C.button("削除", button_style="danger", tooltip="選んだ課題を削除する")
        self.delete_btn.on_click(self._delete)
        return W.VBox([
            W.HTML(_guide_text("C", 1)),
            W.HTML(f'{STYLE}<div class="oh"><h3>課題を1件ずつ追加</h3></div>'),
            self.title, self.scene, self.origin, self.add_btn, self.add_msg,
            W.HTML(f'{STYLE}<div class="oh"><h3>まとめて取り込む（CSV・Excel）</h3><div class="oh-note">'
                   "住民アンケートや原課への照会の結果を、1行目に「課題」「生活のワンシーン」「出どころ」の見出しを付けて保存したもの。"
                   "文字コードは UTF-8・Shift_JIS のどちらでも読めます。</div></div>"),
            W.HBox([self.upload, self.import_btn]), self.import_msg,
            W.HTML(f'{STYLE}<div class="oh"><h3>似ている課題をまとめる</h3></div>'),
            W.HBox([self.dup_pick, self.merge_btn]), self.merge_msg,
            W.HTML(f'{STYLE}<div class="oh"><h3>課題の一覧</h3></div>'), self.problem_list,
            W.HBox([self.delete_pick, self.delete_btn])])

    def _add_problem(self, *_):
        try:
            pid = self.model.add_problem(self.title.value, self.scene.value, self.origin.value)
        except OhayamiError as exc:
            self.add_msg.value = C.error(exc)
            return
        self.add_msg.value = C.ok(f"追加しました：{pid} {self.title.value.strip()}")
        self.title.value = self.scene.value = ""
        self.refresh_all()

    def _import_problems(self, *_):
        try:
            name, data = C.uploaded_files(self.upload)[0]
            n = self.model.import_problems(data, name=name)
        except OhayamiError as exc:
            self.import_msg.value = C.error(exc)
            return
        self.import_msg.value = C.ok(f"{n} 件の課題を取り込みました（{name}）")
        self.refresh_all()

    def _merge(self, *_):
        if not self.dup_pick.value:
            self.merge_msg.value = C.error("統合する組を選んでください。")
            return
        keep, drop = self.dup_pick.value
        try:
            self.model.merge(keep, drop)
        except OhayamiError as exc:
            self.merge_msg.value = C.error(exc)
            return
        self.merge_msg.value = C.ok(f"{drop} を {keep} に統合しました")
        self.refresh_all()

    def _delete(self, *_):
        if not self.delete_pick.value:
            return
        try:
            self.model.delete_problem(self.delete_pick.value)
        except OhayamiError as exc:
            self.add_msg.value = C.error(exc)
            return
        self.refresh_all()

    def _refresh_list(self):
        p = self.model.problems()
        self.problem_list.value = f'{STYLE}<div class="oh">' + table(
            ["ID", "課題", "生活のワンシーン", "出どころ", "分析"],
            [(r.problem_id, r.title, r.scene, r.origin, STATUS[self.model.analysis_status(r._asdict())])
             for r in p.itertuples()]) + f"<div>全 {len(p)} 件</div></div>"
        dups = self.model.near_duplicates()
        C.set_options(self.dup_pick, [(f"{r.a} {r.title_a} ← {r.b} {r.title_b}（似ている度 {r.similarity:.0%}）", (r.a, r.b))
                                      for r in dups.itertuples()] or [("似ている課題はありません", None)])
        C.set_options(self.delete_pick, [("", None)] + [(f"{r.problem_id} {r.title}", r.problem_id) for r in p.itertuples()])

    # ================================================================== 2 課題分析
    def _build_analysis(self):
        ex = load_problem_template(self.data).iloc[0]
        model = table(["課題", *ANALYSIS_LABELS.values()], [[ex.problem, ex.who, ex.how, ex.how_much, ex.cause, ex.evidence]])
        self.a_pick = W.Dropdown(description="課題", layout=W.Layout(width="40em"))
        self.a_pick.observe(self._load_analysis, names="value")
        self.a_fields = {f: W.Textarea(description=ANALYSIS_LABELS[f], layout=W.Layout(width="40em", height="3.5em"))
                         for f in ANALYSIS_FIELDS}
        self.a_tags = W.Text(description="タグ", placeholder="例：窓口DX, 予約（同じタグ＝ひとつの解決策でまとめて解決できそう）",
                             layout=W.Layout(width="40em"))
        self.a_save = C.big_button("保存", "primary", "この課題の分析を保存する")
        self.a_save.on_click(self._save_analysis)
        reasons = load_exclusion_reasons(self.data)
        self.a_exclude = W.Dropdown(description="除外", options=[("（検討に残す）", "")] +
                                    [(f"{r.label}（{r.description}）", r.reason_id) for r in reasons.itertuples()],
                                    layout=W.Layout(width="40em"))
        self.a_exclude_btn = C.button("除外を保存", tooltip="選んだ理由で検討から外す／戻す")
        self.a_exclude_btn.on_click(self._save_exclusion)
        self.a_msg = W.HTML()
        self.a_status = W.HTML()
        return W.VBox([W.HTML(_guide_text("C", 2)),
                       W.HTML(f'{STYLE}<div class="oh"><h3>課題分析のお手本（ガイドの例）</h3>{model}</div>'),
                       self.a_pick, *self.a_fields.values(), self.a_tags, self.a_save,
                       W.HTML(f'{STYLE}<div class="oh"><h3>検討から外す</h3><div class="oh-note">ガイドの事例（初山別村）では、'
                              "課題の具体化が十分にできない・住民のニーズが明らかでない・原課に余力がない課題を検討範囲から外しています。</div></div>"),
                       W.HBox([self.a_exclude, self.a_exclude_btn]), self.a_msg, self.a_status])

    def _load_analysis(self, *_):
        pid = self.a_pick.value
        p = self.model.problem(pid)
        self._loading = True
        for f, w in self.a_fields.items():
            w.value = (p or {}).get(f) or ""
        self.a_tags.value = (p or {}).get("tags") or ""
        self.a_exclude.value = (p or {}).get("exclusion") or "" if ((p or {}).get("exclusion") or "") in \
            [o[1] for o in self.a_exclude.options] else ""
        self._loading = False

    def _save_analysis(self, *_):
        pid = self.a_pick.value
        if not pid:
            self.a_msg.value = C.error("分析する課題を選んでください。")
            return
        try:
            self.model.set_analysis(pid, **{f: w.value for f, w in self.a_fields.items()})
            self.model.update_problem(pid, tags=self.a_tags.value)
        except OhayamiError as exc:
            self.a_msg.value = C.error(exc)
            return
        self.a_msg.value = C.ok(f"{pid} の分析を保存しました")
        self._refresh_status()
        self._refresh_list()

    def _save_exclusion(self, *_):
        pid = self.a_pick.value
        if not pid:
            self.a_msg.value = C.error("課題を選んでください。")
            return
        try:
            self.model.set_exclusion(pid, self.a_exclude.value)
        except OhayamiError as exc:
            self.a_msg.value = C.error(exc)
            return
        self.a_msg.value = C.ok(f"{pid} を検討から外しました" if self.a_exclude.value else f"{pid} を検討に戻しました")
        self._refresh_status()

    def _refresh_status(self):
        p = self.model.problems()
        self.a_status.value = f'{STYLE}<div class="oh"><h3>分析の状況</h3>' + table(
            ["ID", "課題", "分析", "除外", "タグ"],
            [(r.problem_id, r.title, STATUS[self.model.analysis_status(r._asdict())],
              self.model.exclusion_label(r.exclusion) if r.exclusion else "", r.tags) for r in p.itertuples()]) + "</div>"
        C.set_options(self.a_pick, [(f"{r.problem_id} {r.title}", r.problem_id) for r in p.itertuples()])

    # ================================================================== 3 評価項目と重み
    def _build_criteria(self):
        self.c_table = W.HTML()
        self.c_pick = W.Dropdown(description="評価項目", layout=W.Layout(width="30em"))
        self.c_pick.observe(self._load_criterion, names="value")
        self.c_name = W.Text(description="名前")
        self.c_desc = W.Text(description="説明", layout=W.Layout(width="40em"))
        self.c_dir = W.ToggleButtons(options=[(v, k) for k, v in DIRECTION_LABELS.items()], description="向き")
        self.c_scale = W.Combobox(description="尺度", options=["1-5", "1-3", "0-5", "A-E", "○△×", "yes/no"],
                                  ensure_option=False)
        self.c_weight = W.Text(description="重み")
        self.c_save = C.button("変更を保存", button_style="primary")
        self.c_save.on_click(self._save_criterion)
        self.c_add = C.button("新しい評価項目として追加")
        self.c_add.on_click(self._add_criterion)
        self.c_remove = C.button("この評価項目を削除", button_style="danger")
        self.c_remove.on_click(self._remove_criterion)
        self.c_msg = W.HTML()
        self.weights = WeightEditor(self.model.criteria, self._saved_weights, self._apply_weights)
        return W.VBox([W.HTML(f'{STYLE}<div class="oh"><h3>評価項目（ガイドと事例が使う観点）</h3></div>'), self.c_table,
                       self.c_pick, self.c_name, self.c_desc, self.c_dir, self.c_scale, self.c_weight,
                       W.HBox([self.c_save, self.c_add, self.c_remove]), self.c_msg,
                       W.HTML(f'{STYLE}<div class="oh"><h3>重みづけ</h3><div class="oh-note">配点を直接入れる・大事な順に順位を付ける・'
                              "2つずつ比べる（一対比較）のどれかで重みを決めます。</div></div>"),
                       self.weights.widget])

    def _refresh_criteria(self):
        crit = self.model.criteria()
        total = crit["weight"].sum()
        self.c_table.value = f'{STYLE}<div class="oh">' + table(
            ["評価項目", "説明", "向き", "尺度", "重み", "割合"],
            [(r.name, r.description, direction_label(r.direction), r.scale,
              f"{r.weight:g}", f"{r.weight / total:.0%}" if total else "") for r in crit.itertuples()]) + \
            f'<div class="oh-note">{esc(self.model.weight_message())}</div></div>'
        C.set_options(self.c_pick, [(r.name, r.criterion_id) for r in crit.itertuples()])
        self.weights.rebuild()
        if hasattr(self, "r_x"):  # the matrix axes follow added, renamed and removed criteria
            for axis in (self.r_x, self.r_y):
                C.set_options(axis, [(r.name, r.criterion_id) for r in crit.itertuples()])

    def _load_criterion(self, *_):
        crit = self.model.criteria().set_index("criterion_id")
        if self.c_pick.value not in crit.index:
            return
        r = crit.loc[self.c_pick.value]
        self.c_name.value, self.c_desc.value = r["name"], r["description"]
        self.c_dir.value, self.c_scale.value, self.c_weight.value = r["direction"], r["scale"], f"{r['weight']:g}"

    def _save_criterion(self, *_):
        try:
            self.model.update_criterion(self.c_pick.value, name=self.c_name.value, description=self.c_desc.value,
                                        direction=self.c_dir.value, scale=self.c_scale.value, weight=self.c_weight.value)
        except OhayamiError as exc:
            self.c_msg.value = C.error(exc)
            return
        self.c_msg.value = C.ok("評価項目を保存しました")
        self._refresh_criteria()
        self._rebuild_grid()

    def _add_criterion(self, *_):
        try:
            cid = self.model.add_criterion(self.c_name.value, self.c_dir.value, self.c_scale.value or "1-5",
                                           self.c_weight.value or 1, self.c_desc.value)
        except OhayamiError as exc:
            self.c_msg.value = C.error(exc)
            return
        self.c_msg.value = C.ok(f"評価項目「{self.c_name.value.strip()}」を追加しました")
        self._refresh_criteria()
        self.c_pick.value = cid
        self._rebuild_grid()

    def _remove_criterion(self, *_):
        try:
            name = self.c_name.value
            self.model.remove_criterion(self.c_pick.value)
        except OhayamiError as exc:
            self.c_msg.value = C.error(exc)
            return
        self.c_msg.value = C.ok(f"評価項目「{name}」を削除しました（それまでの採点は記録に残ります）")
        self._refresh_criteria()
        self._rebuild_grid()

    def _saved_weights(self, method: str) -> dict:
        return self.model.weight_input(method)

    def _apply_weights(self, method: str, values: dict) -> str:
        out = self.model.set_weights(method, values)
        self._refresh_criteria()
        return out["message"]

    # ================================================================== 4 採点
    def _build_scoring(self):
        self.s_who = W.Combobox(description="採点する人", placeholder="名前を入力または選択", ensure_option=False,
                                layout=W.Layout(width="24em"))
        self.s_who.observe(lambda *_: self._load_page(), names="value")
        self.s_room = C.button("会場全体で採点する", tooltip="会場全体の合意した点数を入れる")
        self.s_room.on_click(lambda *_: setattr(self.s_who, "value", ROOM))
        self.s_prev = C.button("◀ 前の10件")
        self.s_next = C.button("次の10件 ▶")
        self.s_prev.on_click(lambda *_: self._goto(self.page - 1))
        self.s_next.on_click(lambda *_: self._goto(self.page + 1))
        self.s_page = W.HTML()
        self.s_msg = W.HTML()
        self.s_grid = W.VBox()
        self.s_grid.add_class("oh-score-grid")
        self.sheets = C.SheetControls(self.ws, self.model, self.s_who, lambda: self._load_page(), "採点シート")
        self._rebuild_grid()
        return W.VBox([W.HTML(f'{STYLE}<div class="oh"><h3>採点</h3><div class="oh-note">自分の名前を選んでから、'
                              "各課題を評価項目ごとに採点します。選ぶとすぐ保存されます。空欄に戻すと点数を取り消します。</div></div>"),
                       W.HBox([self.s_who, self.s_room]), W.HBox([self.s_prev, self.s_page, self.s_next]), self.s_msg,
                       self.s_grid,
                       W.HTML(f'{STYLE}<div class="oh"><h3>紙・Excel で採点する場合</h3></div>'),
                       self.sheets.widget])

    def _rebuild_grid(self):
        """One row of dropdowns per problem on the page; widgets are reused across pages."""
        crit = self.model.criteria()
        self._crit = crit
        head = W.HBox([W.Label("課題", layout=W.Layout(width="18em"))] +
                      [W.Label(r.name[:9], tooltip=r.name, layout=W.Layout(width="8em")) for r in crit.itertuples()])
        self.cells = []
        rows = [head]
        for i in range(PAGE_SIZE):
            label = W.HTML(layout=W.Layout(width="18em"))
            dds = []
            for r in crit.itertuples():
                scale = parse_scale(r.scale, r.direction == "lower")
                dd = W.Dropdown(options=[("", "")] + [(v, v) for v in scale.levels], layout=W.Layout(width="8em"))
                dd.observe(self._on_score, names="value")
                dd._oh = (i, r.criterion_id)
                dds.append(dd)
            self.cells.append((label, dds))
            rows.append(W.HBox([label] + dds))
        self.s_grid.children = rows
        self._load_page()

    def _page_problems(self) -> pd.DataFrame:
        p = self.model.problems()
        pages = max(1, math.ceil(len(p) / PAGE_SIZE))
        self.page = min(max(0, self.page), pages - 1)
        self.s_page.value = f'{STYLE}<div class="oh">{self.page + 1} / {pages} ページ（全 {len(p)} 件）</div>'
        return p.iloc[self.page * PAGE_SIZE:(self.page + 1) * PAGE_SIZE].reset_index(drop=True)

    def _goto(self, page: int):
        self.page = page
        self._load_page()

    def _load_page(self):
        if not hasattr(self, "cells"):
            return
        rows = self._page_problems()
        who = (self.s_who.value or "").strip()
        mine = self.model.scores(who) if who else pd.DataFrame(columns=["alternative_id", "criterion_id", "value"])
        have = {(r.alternative_id, r.criterion_id): r.value for r in mine.itertuples()}
        self._loading = True
        try:
            self._page_ids = list(rows["problem_id"])
            for i, (label, dds) in enumerate(self.cells):
                visible = i < len(rows)
                label.layout.display = "" if visible else "none"
                for dd in dds:
                    dd.layout.display = "" if visible else "none"
                    dd.disabled = not who
                if not visible:
                    continue
                pid = rows.loc[i, "problem_id"]
                label.value = f"<b>{esc(pid)}</b> {esc(rows.loc[i, 'title'])}"
                for dd in dds:
                    v = have.get((pid, dd._oh[1]), "")
                    dd.value = v if v in [o[1] for o in dd.options] else ""
        finally:
            self._loading = False
        if not who:
            self.s_msg.value = C.error("採点する人の名前を選ぶか入力してください。")
        else:
            self.s_msg.value = ""

    def _on_score(self, change):
        if self._loading:
            return
        dd = change["owner"]
        i, cid = dd._oh
        pid = self._page_ids[i]
        try:
            saved = self.model.set_score(self.s_who.value, pid, cid, change["new"])
        except OhayamiError as exc:
            self.s_msg.value = C.error(exc)
            self._loading = True
            dd.value = change["old"]  # what was saved before stays on screen and in the file
            self._loading = False
            return
        name = self._crit.set_index("criterion_id").loc[cid, "name"]
        self.s_msg.value = C.ok(f"保存しました：{pid} の「{name}」＝{saved or '（取り消し）'}")

    # ================================================================== 5 結果と絞り込み
    def _build_results(self):
        self.r_refresh = C.big_button("結果を更新", "primary")
        self.r_refresh.on_click(lambda *_: self.show_results())
        cut = self.model.cut_line()
        self.r_mode = W.ToggleButtons(options=[("上位N件", "top"), ("最低点", "min")], value=cut.mode, description="絞り込み")
        self.r_value = W.Text(value=f"{cut.value:g}", description="N／点", layout=W.Layout(width="14em"))
        self.r_apply = C.button("絞り込みを保存")
        self.r_apply.on_click(self._apply_cut)
        self.r_msg = W.HTML()
        self.r_table = W.HTML()
        self.r_bars = C.image()
        crit = self.model.criteria()
        options = [(r.name, r.criterion_id) for r in crit.itertuples()]
        ids = set(crit["criterion_id"])
        self.r_x = W.Dropdown(options=options, value="difficulty" if "difficulty" in ids else options[-1][1],
                              description="横軸")
        self.r_y = W.Dropdown(options=options, value="effect" if "effect" in ids else options[0][1], description="縦軸")
        self.r_quad = C.image()
        self.r_heat = C.image()
        self.r_tags = W.HTML()
        for w in (self.r_x, self.r_y):
            w.observe(lambda *_: self.show_results(), names="value")
        return W.VBox([self.r_refresh, W.HBox([self.r_mode, self.r_value, self.r_apply]), self.r_msg, self.r_table,
                       self.r_bars, W.HBox([self.r_x, self.r_y]), self.r_quad, self.r_heat, self.r_tags])

    def _apply_cut(self, *_):
        try:
            cut = self.model.set_cut_line(self.r_mode.value, self.r_value.value)
        except OhayamiError as exc:
            self.r_msg.value = C.error(exc)
            return
        self.r_msg.value = C.ok(f"絞り込みを保存しました：{cut.describe()}")
        self.show_results()

    def show_results(self, figures: bool = True):
        from .. import plots

        res = self.model.results()
        if res is None:
            self.r_table.value = C.error("課題と評価項目を入れると結果が表示されます。")
            return
        short = self.model.shortlist(res)
        crit = self.model.criteria()
        labels = crit.set_index("criterion_id")["name"].to_dict()
        frame = self.model.ranking_frame(res)
        names = set(frame.attrs["criteria"])
        headers = [plots.short(h, 7) if i >= 4 and h in names else h for i, h in enumerate(frame.columns)]
        self.r_table.value = (f'{STYLE}<div class="oh" style="max-width:none"><h3>ランキング（短いリスト：'
                              f"{esc(self.model.cut_line().describe())}、{len(short)} 件）</h3>" +
                              table(headers, frame.values.tolist(), wide=True) + "</div>")
        groups = self.model.tag_groups()
        self.r_tags.value = (f'{STYLE}<div class="oh"><h3>まとめて解決できそうな課題（同じタグ）</h3>' +
                             (table(["タグ", "課題"], [(k, "、".join(v)) for k, v in groups.items()]) if groups
                              else "<div>同じタグの付いた課題はまだありません（2 課題分析でタグを付けられます）。</div>") + "</div>")
        if not figures:
            return
        C.show_figure(self.r_bars, plots.ranked_contributions(res.table, res.breakdown, labels))
        ratios = res.breakdown.div(crit.set_index("criterion_id")["weight"].replace(0, float("nan")))
        sel = res.table[res.table.selectable].index
        if len(sel):
            C.show_figure(self.r_quad, plots.quadrant(
                res.table.loc[sel], ratios[self.r_x.value].fillna(0), ratios[self.r_y.value].fillna(0),
                res.table["name"].to_dict(), f"{labels[self.r_x.value]}（右ほど良い）", f"{labels[self.r_y.value]}（上ほど良い）",
                highlight=short, title=f"{labels[self.r_y.value]} × {labels[self.r_x.value]}"))
            top = list(res.ranking.index[:20])
            C.show_figure(self.r_heat, plots.disagreement_heatmap(
                res.spread, res.table["name"].to_dict(), labels, top, title="参加者の評価のばらつき（上位20件）"))

    # ================================================================== 6 実現したい地域像
    def _build_vision(self):
        ex = load_vision_template(self.data).iloc[0]
        model = table(list(VISION_LABELS.values()), [[ex.beneficiary, ex.change, ex.degree]])
        self.v_pick = W.Dropdown(description="課題", layout=W.Layout(width="40em"))
        self.v_pick.observe(self._load_vision, names="value")
        self.v_fields = {f: W.Textarea(description=VISION_LABELS[f][:6], placeholder=VISION_LABELS[f],
                                       layout=W.Layout(width="40em", height="3.5em")) for f in VISION_FIELDS}
        self.v_save = C.big_button("保存", "primary", "この課題の地域像を保存する")
        self.v_save.on_click(self._save_vision)
        self.v_msg = W.HTML()
        return W.VBox([W.HTML(_guide_text("C", 3)),
                       W.HTML(f'{STYLE}<div class="oh"><h3>お手本</h3>{model}<div class="oh-note">{esc(ex.source)}</div></div>'),
                       self.v_pick, *self.v_fields.values(), self.v_save, self.v_msg])

    def _refresh_vision_pick(self):
        res = self.model.results()
        short = self.model.shortlist(res)
        names = self.model.problems().set_index("problem_id")["title"].to_dict()
        C.set_options(self.v_pick, [(f"{a} {names.get(a, '')}", a) for a in short] or [("短いリストがまだありません", None)])

    def _load_vision(self, *_):
        v = self.model.vision(self.v_pick.value)
        for f, w in self.v_fields.items():
            w.value = (v or {}).get(f) or ""

    def _save_vision(self, *_):
        if not self.v_pick.value:
            self.v_msg.value = C.error("短いリストの課題を選んでください（5 結果と絞り込み で絞り込みます）。")
            return
        try:
            self.model.set_vision(self.v_pick.value, **{f: w.value for f, w in self.v_fields.items()})
        except OhayamiError as exc:
            self.v_msg.value = C.error(exc)
            return
        self.v_msg.value = C.ok(f"{self.v_pick.value} の地域像を保存しました")

    # ================================================================== 7 出力
    def _build_export(self):
        self.x_xlsx = C.big_button("Excel で保存", "primary")
        self.x_report = C.big_button("報告書（HTML）", "primary", "管理職向けの印刷用報告書を作る")
        self.x_all = C.button("ワークショップ全体を Excel に書き出す")
        self.x_xlsx.on_click(self._export_xlsx)
        self.x_report.on_click(self._export_report)
        self.x_all.on_click(self._export_all)
        self.x_msg = W.HTML()
        return W.VBox([W.HTML(f'{STYLE}<div class="oh"><h3>出力</h3>短いリストと分析・採点・地域像を Excel に、'
                              "選んだ理由を管理職に説明する報告書を HTML（ブラウザで印刷できます）にします。</div>"),
                       W.HBox([self.x_xlsx, self.x_report, self.x_all]), self.x_msg])

    def _export(self, make, name: str, mime: str, label: str):
        self.x_msg.value = C.export_message(self.ws, make, name, mime, label)

    def _export_xlsx(self, *_):
        self._export(self.model.export_xlsx, "課題の絞り込み.xlsx", C.XLSX_MIME, "Excel をダウンロード")

    def _export_report(self, *_):
        self._export(lambda: problems_report_html(self.model).encode("utf-8"), "課題の絞り込み報告書.html", "text/html",
                     "報告書をダウンロード")

    def _export_all(self, *_):
        from ..exchange import export_xlsx
        self._export(lambda: export_xlsx(self.ws), f"{self.ws.name}_全体.xlsx", C.XLSX_MIME, "Excel をダウンロード")

    # ================================================================== shared
    def _on_tab(self, change):
        idx = change["new"]
        if idx == 3:
            self._refresh_people()
            self._load_page()
        elif idx == 4:
            self.show_results()
        elif idx == 5:
            self._refresh_vision_pick()

    def _refresh_people(self):
        self.s_who.options = [n for n in self.model.participants() if n != ROOM] + [ROOM]

    def refresh_all(self):
        self._refresh_list()
        self._refresh_status()
        self._refresh_criteria()
        self._refresh_people()
        self._load_page()


def show(workshop=None, data=None):
    """Build the type C workbench and return its root widget."""
    return ProblemsView(workshop, data).widget
