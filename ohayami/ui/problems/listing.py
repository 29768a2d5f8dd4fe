"""Tab 1 課題洗い出し: add problems one by one or from a survey file, merge near-duplicates; fix, split, delete."""

from __future__ import annotations

import ipywidgets as W

from ...problems import ORIGINS
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from .editing import ProblemEditor
from .parts import NOTES, frame_html, guide_note, heading


class ListPanel(Panel):
    """The candidate problems: entry, import, merging of near-duplicates and the list itself."""

    title = "1 課題洗い出し"
    listens = frozenset({"problems"})

    def build(self) -> W.Widget:
        self.title_text = W.Text(description="課題", placeholder="例：証明書の窓口が昼に混む", layout=W.Layout(width="40em"))
        self.scene = W.Textarea(description="ワンシーン", placeholder="例：昼休みに住民票を取りに行くと1時間待つ",
                                layout=W.Layout(width="40em", height="4em"))
        self.origin = W.Combobox(description="出どころ", options=list(ORIGINS), placeholder="原課・住民アンケート・首長…",
                                 ensure_option=False)
        inputs, self.msgs = with_messages({"title": self.title_text, "scene": self.scene, "origin": self.origin})
        self.add_btn = C.big_button("課題を追加", "primary")
        self.add_btn.on_click(self.add)
        self.add_msg = W.HTML()
        self.upload = W.FileUpload(accept=".csv,.xlsx,.tsv,.txt", multiple=False, description="ファイルを選ぶ")
        self.import_btn = C.big_button("取り込む", "", "選んだ CSV・Excel から課題を取り込む")
        self.import_btn.on_click(self.import_)
        self.import_msg = W.HTML()
        self.problem_list = W.HTML()
        self.dup_pick = W.Dropdown(description="似ている課題", layout=W.Layout(width="48em"))
        self.merge_btn = C.big_button("統合する", "warning", "右の課題を左の課題にまとめる（出どころは両方残ります）")
        self.merge_btn.on_click(self.merge)
        self.merge_msg = W.HTML()
        self.editor = ProblemEditor(self)
        # the deletion controls live in the editor; kept reachable under their old names
        self.delete_pick, self.delete_btn, self.delete_msg = self.editor.delete_pick, self.editor.delete_btn, self.editor.delete_msg
        return W.VBox([guide_note(self.model, 1), heading("課題を1件ずつ追加"), *inputs, self.add_btn, self.add_msg,
                       heading("まとめて取り込む（CSV・Excel）", NOTES["import"]), W.HBox([self.upload, self.import_btn]),
                       self.import_msg, heading("似ている課題をまとめる"), W.HBox([self.dup_pick, self.merge_btn]),
                       self.merge_msg, heading("課題の一覧"), self.problem_list, self.editor.widget])

    def refresh(self) -> None:
        frame = self.model.problems_frame()
        self.problem_list.value = frame_html(frame[["ID", "課題", "生活のワンシーン", "出どころ", "分析"]],
                                             after=f"全 {len(frame)} 件")
        pairs = [(f"{r.a} {r.title_a} ← {r.b} {r.title_b}（似ている度 {r.similarity:.0%}）", (r.a, r.b))
                 for r in self.model.near_duplicates().itertuples()]
        C.set_options(self.dup_pick, pairs or [("似ている課題はありません", None)])
        self.editor.refresh(frame)

    # ------------------------------------------------------------------ handlers
    def add(self, *_) -> None:
        ok, _pid = attempt(self.add_msg, lambda: self.model.add_problem(self.title_text.value, self.scene.value,
                                                                        self.origin.value),
                           lambda pid: f"追加しました：{pid} {self.model.problem(pid)['title']}", fields=self.msgs)
        if ok:
            self.title_text.value = self.scene.value = ""
            self.view.changed("problems")

    def import_(self, *_) -> None:
        def run():
            name, data = C.uploaded_files(self.upload)[0]
            return name, self.model.import_problems(data, name=name)

        if attempt(self.import_msg, run, lambda done: f"{done[1]} 件の課題を取り込みました（{done[0]}）")[0]:
            self.view.changed("problems")

    def merge(self, *_) -> None:
        pair = self.dup_pick.value
        if attempt(self.merge_msg, lambda: self.model.merge(*need(pair, "統合する組を選んでください。", "merge")),
                   lambda _: f"{pair[1]} を {pair[0]} に統合しました")[0]:
            self.view.changed("problems")
