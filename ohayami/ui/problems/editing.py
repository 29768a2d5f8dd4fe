"""Part of tab 1: fix a problem's title and scene, split one in two, delete with confirmation and undo."""

from __future__ import annotations

import ipywidgets as W

from .. import common as C
from ..panel import attempt, need, with_messages
from .parts import heading

CHOOSE = "課題を選んでください。"


def _gone_text(g: dict) -> str:
    extra = "、".join(t for t in (f"採点 {g['scores']} 件" if g["scores"] else "", f"シール {g['dots']} 枚" if g["dots"] else "") if t)
    return f"{g['problem_id']}「{g['title']}」" + (f"（{extra}）" if extra else "")


class ProblemEditor:
    """Widgets and handlers for changing problems after they were added; ``panel`` is the ListPanel."""

    def __init__(self, panel):
        self.panel, self.model = panel, panel.model
        self.pick = W.Dropdown(description="直す課題", layout=W.Layout(width="40em"))
        self.pick.observe(self.load, names="value")
        self.title = W.Text(description="課題（修正）", layout=W.Layout(width="40em"))
        self.scene = W.Textarea(description="ワンシーン", layout=W.Layout(width="40em", height="4em"))
        self.split_title = W.Text(description="分ける課題", placeholder="新しい課題の一文", layout=W.Layout(width="40em"))
        self.split_scene = W.Textarea(description="そのシーン", placeholder="新しい課題に移すワンシーン",
                                      layout=W.Layout(width="40em", height="3.5em"))
        inputs, self.msgs = with_messages({"title": self.title, "scene": self.scene})
        split_inputs, split_msgs = with_messages({"split_title": self.split_title, "split_scene": self.split_scene})
        self.msgs.update(split_msgs)
        self.msgs["remaining_scene"] = self.msgs["scene"]
        self.save_btn = C.button("変更を保存", button_style="primary", tooltip="課題とワンシーンを直す（変更履歴に残ります）")
        self.save_btn.on_click(self.save)
        self.split_btn = C.button("分割する", tooltip="上のワンシーンを元の課題に残し、下の内容で新しい課題を作る")
        self.split_btn.on_click(self.split)
        self.msg = W.HTML()
        self.delete_pick = W.Dropdown(description="削除する課題", layout=W.Layout(width="40em"))
        self.delete_btn = C.button("削除", button_style="danger", tooltip="選んだ課題を削除する（確認します）")
        self.delete_btn.on_click(self.ask_delete)
        self.confirm_text = W.HTML()
        self.confirm_btn = C.button("削除する", button_style="danger")
        self.cancel_btn = C.button("やめる")
        self.confirm_btn.on_click(self.delete)
        self.cancel_btn.on_click(lambda *_: self._confirming(None))
        self.confirm = W.VBox([self.confirm_text, W.HBox([self.confirm_btn, self.cancel_btn])],
                              layout=W.Layout(display="none"))
        self.undo_pick = W.Dropdown(description="削除した課題", layout=W.Layout(width="40em"))
        self.undo_btn = C.button("元に戻す", tooltip="削除した課題を、採点と一緒に元に戻す")
        self.undo_btn.on_click(self.undo)
        self.delete_msg = W.HTML()
        self._pending: str | None = None
        self.widget = W.VBox([heading("課題を直す・分割する", "直した内容は変更履歴に残ります。分割は、下の課題を新しく作り、上のワンシーンを元の課題に残します。"),
                              self.pick, *inputs, self.save_btn, *split_inputs, self.split_btn, self.msg,
                              heading("課題を削除する", "削除した課題は、ワークショップの間「元に戻す」で採点ごと戻せます。"),
                              W.HBox([self.delete_pick, self.delete_btn]), self.confirm,
                              W.HBox([self.undo_pick, self.undo_btn]), self.delete_msg])

    def refresh(self, frame) -> None:
        """New choices from the problems frame (ids and titles) and the deleted problems."""
        options = [(f"{pid} {t}", pid) for pid, t in frame["課題"].items()]
        C.set_options(self.pick, options or [("課題がまだありません", None)])
        C.set_options(self.delete_pick, [("", None)] + options)
        gone = self.model.deleted_problems()
        C.set_options(self.undo_pick, [(f"{pid} {r.課題}（{r.削除した日時[:16].replace('T', ' ')}）", pid)
                                       for pid, r in gone.iterrows()] or [("削除した課題はありません", None)])

    def load(self, *_) -> None:
        p = self.model.problem(self.pick.value) or {}
        self.title.value, self.scene.value = p.get("title") or "", p.get("scene") or ""

    def _done(self) -> None:
        self.panel.view.changed("problems")
        self.panel.refresh()

    # ------------------------------------------------------------------ handlers
    def save(self, *_) -> None:
        pid = self.pick.value
        if attempt(self.msg, lambda: self.model.update_problem(need(pid, CHOOSE, "problem"), title=self.title.value,
                                                               scene=self.scene.value),
                   f"{pid} を直しました（変更履歴に残ります）", fields=self.msgs)[0]:
            self._done()

    def split(self, *_) -> None:
        pid = self.pick.value
        ok, new = attempt(self.msg, lambda: self.model.split_problem(need(pid, CHOOSE, "problem"), self.split_title.value,
                                                                     self.split_scene.value, remaining_scene=self.scene.value),
                          lambda new: f"{pid} から {new}「{self.model.problem(new)['title']}」を分けました", fields=self.msgs)
        if ok:
            self.split_title.value = self.split_scene.value = ""
            self._done()

    def _confirming(self, preview: dict | None) -> None:
        self._pending = preview and preview["problem_id"]
        self.confirm.layout.display = "" if preview else "none"
        self.confirm_text.value = C.error(f"{_gone_text(preview)}を削除します。よろしいですか？（「元に戻す」で戻せます）") \
            if preview else ""

    def ask_delete(self, *_) -> None:
        pid = self.delete_pick.value
        ok, preview = attempt(self.delete_msg, lambda: self.model.delete_preview(need(pid, "削除する課題を選んでください。", "problem")))
        self._confirming(preview if ok else None)
        if ok:
            self.delete_msg.value = ""

    def delete(self, *_) -> None:
        pid = self._pending
        ok, _ = attempt(self.delete_msg, lambda: self.model.delete_problem(need(pid, "削除する課題を選んでください。", "problem")),
                        lambda g: f"削除しました：{_gone_text(g)}。「元に戻す」で戻せます")
        self._confirming(None)
        if ok:
            self._done()

    def undo(self, *_) -> None:
        pid = self.undo_pick.value
        if attempt(self.delete_msg, lambda: self.model.restore_problem(need(pid, "元に戻す課題を選んでください。", "restore")),
                   lambda g: f"元に戻しました：{_gone_text(g)}")[0]:
            self._done()
