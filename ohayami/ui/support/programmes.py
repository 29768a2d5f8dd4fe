"""Tab 1 支援策を集める: the guide's list loaded with one action, the town's own added, edited, deleted."""

from __future__ import annotations

import ipywidgets as W

from ...html import ul
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..sheet_parts import boxed, frame_html, heading, note

NEW = None   # the picker's "a new programme" entry


class ProgrammesPanel(Panel):
    """The list as a table, and one form: pick a programme to edit it, or add a new one."""

    title = "1 支援策を集める"

    def build(self) -> W.Widget:
        m = self.model
        title, text = m.guide_step(1)
        self.load_btn = C.big_button("ガイドの支援策を読み込む", "primary", f"ガイドにある{m.spec.title}を一覧に入れる")
        self.load_btn.on_click(self.load)
        self.table = W.HTML()
        self.pick = W.Dropdown(description="編集する支援策", layout=W.Layout(width="34em"))
        self.pick.observe(lambda ch: self.fill(), names="value")
        self.name = W.Text(description="名前", placeholder=m.spec.example, layout=W.Layout(width="34em"))
        self.provider = W.Text(description="所管", placeholder="例：総務省・〇〇県", layout=W.Layout(width="24em"))
        self.deadline = W.Text(description="締切", placeholder="2026-12-01", layout=W.Layout(width="18em"))
        self.url = W.Text(description="URL・参照先", placeholder="https://…", layout=W.Layout(width="40em"))
        self.note = W.Textarea(description="メモ", layout=W.Layout(width="40em", height="3.5em"))
        inputs, self.msgs = with_messages({"name": self.name, "provider": self.provider, "deadline": self.deadline,
                                           "url": self.url, "note": self.note})
        self.add_btn = C.button("新しい支援策として追加", "primary")
        self.save_btn = C.button("変更を保存")
        self.remove_btn = C.button("削除", "danger", "追加した支援策を削除する")
        self.add_btn.on_click(self.add)
        self.save_btn.on_click(self.save)
        self.remove_btn.on_click(self.remove)
        self.msg = W.HTML()
        sources = m.sources_frame()
        root = W.VBox([note(text, f"ガイド：Step1 {title}"), note(m.card.cautions[-1], "ガイド：留意点"),
                       W.HTML(frame_html(sources, "探すときの情報源（ガイド4章）")) if len(sources) else W.HTML(),
                       self.load_btn, self.table, heading("支援策を追加・編集",
                                                          "ガイドの支援策は名前と所管を変えられません。締切・URL・メモを書き込めます。"),
                       self.pick, *inputs, W.HBox([self.add_btn, self.save_btn, self.remove_btn]), self.msg])
        root.add_class("oh-support-programmes")
        return root

    def refresh(self) -> None:
        frame = self.model.programmes_frame().drop(columns=["ID", "ガイドの箇所"])
        problems = self.model.programme_problems()   # stored rows left out of the list: which, and how to fix
        alert = boxed(f'<div class="oh-error">{ul(problems)}</div>') if problems else ""
        self.table.value = alert + (frame_html(frame, f"{self.model.spec.title}の一覧（{len(frame)}件）") if len(frame) else
                                    frame_html(frame, "まだ支援策がありません。「ガイドの支援策を読み込む」か、下のフォームで追加してください。"))
        C.set_options(self.pick, [("（新しい支援策）", NEW)] + self.model.programme_picks())
        self.fill()

    def fill(self) -> None:
        """Show the picked programme's stored fields (empty for a new one)."""
        pid = self.pick.value
        row = self.model.programme(pid) if pid else {}
        for f in ("name", "provider", "deadline", "url", "note"):
            getattr(self, f).value = row.get(f, "")
        for w in self.msgs.values():
            w.value = ""

    def _changed(self) -> None:
        self.refresh()
        self.view.changed("programmes", self)

    def _values(self) -> dict:
        return {f: getattr(self, f).value for f in ("name", "provider", "deadline", "url", "note")}

    # ------------------------------------------------------------------ handlers
    def load(self, *_) -> None:
        ok, n = attempt(self.msg, self.model.load_guide_list,
                        lambda n: f"ガイドの支援策を {n} 件読み込みました" if n else "ガイドの支援策はすべて一覧にあります")
        if ok:
            self._changed()

    def add(self, *_) -> None:
        ok, pid = attempt(self.msg, lambda: self.model.add_programme(**self._values()), lambda p: f"追加しました：{p}",
                          fields=self.msgs)
        if ok:
            self.pick.value = None
            self._changed()
            self.pick.value = pid

    def save(self, *_) -> None:
        pid = self.pick.value
        ok, _ = attempt(self.msg, lambda: self.model.update_programme(
            need(pid, "変更する支援策を選んでください（新しい支援策は「追加」）。", "programme"), **self._values()),
                        f"{pid} を保存しました", fields=self.msgs, reload=self.fill)
        if ok:
            self._changed()

    def remove(self, *_) -> None:
        pid = self.pick.value
        ok, _ = attempt(self.msg, lambda: self.model.remove_programme(need(pid, "削除する支援策を選んでください。", "programme")),
                        f"{pid} を削除しました")
        if ok:
            self._changed()
