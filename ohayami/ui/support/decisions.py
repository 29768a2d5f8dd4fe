"""Tab 3 決定: 申請する／見送る／保留 per programme, with its reason, deadline, who and when (JST);
the decisions in force by deadline, and every earlier decision as the history."""

from __future__ import annotations

import ipywidgets as W

from ...html import ul
from ...support import DECISIONS
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..sheet_parts import boxed, frame_html, heading, note


class DecisionPanel(Panel):
    """One form for a decision; a decision is added, never overwritten (the history keeps the earlier)."""

    title = "3 決定"
    listens = frozenset({"programmes", "checks"})

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(2)
        self.pick = W.Dropdown(description="支援策", layout=W.Layout(width="34em"))
        self.pick.observe(lambda ch: self.show_current(), names="value")
        self.current = W.HTML()
        self.decision = W.ToggleButtons(options=[(label, code) for code, label in DECISIONS.items()], value=None,
                                        description="決定")
        self.reason = W.Textarea(description="理由", placeholder="例：対象経費に入り、締切までに計画書を用意できる",
                                 layout=W.Layout(width="40em", height="4em"))
        self.deadline = W.Text(description="締切", placeholder="空欄なら支援策の締切", layout=W.Layout(width="18em"))
        self.who = W.Text(description="決めた人", placeholder="例：企画課 山田／DX推進会議", layout=W.Layout(width="24em"))
        inputs, self.msgs = with_messages({"decision": self.decision, "reason": self.reason,
                                           "deadline": self.deadline, "who": self.who})
        self.decide_btn = C.big_button("決定を記録", "primary", "決定を理由・締切とともに記録する")
        self.decide_btn.on_click(self.decide)
        self.msg = W.HTML()
        self.table = W.HTML()
        self.history = W.HTML()
        root = W.VBox([note(text, f"ガイド：Step2 {title}"), heading("決定を記録", "決め直すと、前の決定は履歴に残ります。"),
                       self.pick, self.current, *inputs, self.decide_btn, self.msg, self.table, self.history])
        root.add_class("oh-support-decisions")
        return root

    def refresh(self) -> None:
        ranking = self.model.ranking()
        C.set_options(self.pick, [(f"{pid} {r['支援策']}（{r['判定']}）", pid) for pid, r in ranking.iterrows()]
                      or [("（支援策がまだありません）", None)])
        decisions = self.model.decisions_frame()
        problems = self.model.decision_problems()
        alert = boxed(f'<div class="oh-error">{ul(problems)}</div>') if problems else ""
        self.table.value = alert + (frame_html(decisions, "決定（締切の順）") if len(decisions) else "")
        history = self.model.history_frame()
        self.history.value = frame_html(history, "決定の履歴") if len(history) > len(decisions) else ""
        self.show_current()

    def show_current(self) -> None:
        pid = self.pick.value
        d = self.model.decision(pid) if pid else None
        if d is None:
            text = "まだ決めていません。"
        else:
            text = f"いまの決定：{d.label}（{d.reason}）" + (f" 締切 {d.deadline}" if d.deadline else "")
        self.current.value = note(text).value
        if pid:
            self.deadline.placeholder = f"空欄なら支援策の締切（{self.model.programme(pid)['deadline'] or 'なし'}）"

    def decide(self, *_) -> None:
        pid = self.pick.value
        ok, d = attempt(self.msg, lambda: self.model.decide(
            need(pid, "決める支援策を選んでください。", "programme"),
            need(self.decision.value, "決定を「申請する」「見送る」「保留」から選んでください。", "decision"),
            self.reason.value, self.deadline.value, self.who.value),
            lambda d: f"{pid} を「{d.label}」と記録しました", fields=self.msgs)
        if ok:
            self.reason.value = self.deadline.value = ""
            self.decision.value = None
            self.refresh()
            self.view.changed("decisions", self)
