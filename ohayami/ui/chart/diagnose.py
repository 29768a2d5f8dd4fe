"""Tab 診断: one participant at a time through the chart (or 全問チェック), the result saved as it comes."""

from __future__ import annotations

import ipywidgets as W

from ... import tally as T
from ...chart import Diagnosis
from ...formats import stamped_name
from ...html import STYLE, esc
from ...labels import NO, YES
from ...reports import chart_result_html
from ...workbench import person as known_person
from .. import common as C
from ..cards import card_html, joined_code
from ..panel import Panel, attempt
from .all_check import AllCheck


def note(text: str) -> str:
    return f'{STYLE}<div class="oh"><span class="oh-note">ℹ {esc(text)}</span></div>'


class DiagnosePanel(Panel):
    """Who answers, the questions, and the saved result with its card and printable page."""

    title = "診断"

    def build(self) -> W.Widget:
        self.chart = self.model
        self.diag = Diagnosis(self.chart)
        self.last_record: dict | None = None
        self._pending_mode = T.MODE_CHART
        self.name = W.Combobox(description="名前", placeholder="例：山田 花子（任意）", options=[],
                               ensure_option=False, layout=W.Layout(width="24em"))
        self.department = W.Text(description="所属", placeholder="例：企画課（任意）", layout=W.Layout(width="24em"))
        self.who_msg = W.HTML()
        self.name.observe(self._on_name, names="value")
        self.mode = W.ToggleButtons(options=[("チャート（1問ずつ）", T.MODE_CHART), ("全問チェック", T.MODE_ALL)],
                                    value=T.MODE_CHART, description="方式")
        self.mode.observe(self._switch_mode, names="value")

        self.progress, self.question = W.HTML(), W.HTML()
        self.yes = C.big_button(YES, "primary", f"{YES}（この質問に当てはまる）")
        self.no = C.big_button(NO, "info", f"{NO}（当てはまらない）")
        self.back = C.big_button("戻る", "", "ひとつ前の質問に戻る")
        self.restart = C.big_button("最初から", "", "最初の質問からやり直す")
        self.yes.on_click(lambda _: self._answer(True))
        self.no.on_click(lambda _: self._answer(False))
        self.back.on_click(lambda _: self._step(self.diag.back))
        self.restart.on_click(lambda _: self._step(self.diag.restart))
        answers = W.HBox([self.yes, self.no, self.back, self.restart])
        answers.add_class("oh-fit-row")
        answers.add_class("oh-answer-buttons")
        self.chart_box = W.VBox([self.progress, self.question, answers])
        self.all_check = AllCheck(self.chart)
        self.checks, self.judge = self.all_check.checks, self.all_check.judge
        self.judge.on_click(self._judge)

        self.message, self.result, self.report_link = W.HTML(), W.HTML(), W.HTML()
        self.save_again = C.big_button("保存し直す", "warning", "結果をもう一度保存する")
        self.save_again.layout.display = "none"
        self.save_again.on_click(lambda _: self._save())
        self.next_person = C.big_button("次の参加者へ", "success", "入力を空にして次の参加者の診断を始める")
        self.next_person.on_click(self._next_person)
        self.body = W.VBox()
        self._switch_mode()
        who = W.HBox([self.name, self.department])
        who.add_class("oh-fit-row")
        return W.VBox([who, self.who_msg, self.mode, self.body,
                       self.message, self.save_again, self.report_link, self.result, self.next_person])

    def refresh(self) -> None:
        people = self.ws.rows("people")
        self.name.options = sorted(n for n in people["name"].dropna() if n) if len(people) else []

    # ------------------------------------------------------------------ who
    def _on_name(self, change) -> None:
        person = known_person(self.ws, change["new"])
        if person and person.get("department") and not self.department.value:
            self.department.value = person["department"]
        ok, before = attempt(self.who_msg, lambda: T.previous_result(self.ws, change["new"]), fields={})
        if ok:  # say it before the answers, not only after: the earlier answer will be replaced
            self.who_msg.value = note(f"この名前の回答がすでにあります（{before['result']}タイプ）。"
                                      "もう一度答えると、前回の回答を置き換えます。") if before else ""

    # ------------------------------------------------------------------ chart mode
    def _switch_mode(self, *_):
        self._clear_result()
        self.diag.restart()
        self.all_check.clear()
        self.body.children = [self.chart_box] if self.mode.value == T.MODE_CHART else [self.all_check.widget]
        self._show_question()

    def _show_question(self) -> None:
        q = self.diag.current
        n, total = self.diag.progress()
        if q is None:
            self.progress.value = f'{STYLE}<div class="oh"><b>診断完了</b>（{len(self.diag.answers)}問に回答）</div>'
            self.question.value = ""
        else:
            self.progress.value = f'{STYLE}<div class="oh" aria-live="polite"><b>質問 {n} / {total}</b></div>'
            self.question.value = (f'{STYLE}<div class="oh"><div class="oh-question" style="font-size:28px;line-height:1.5;'
                                   f'padding:0.5em 0">{esc(q.text)}</div></div>')
        self.yes.disabled = self.no.disabled = q is None
        self.back.disabled = not self.diag.answers

    def _answer(self, yes: bool) -> None:
        if self.diag.done:
            self.message.value = C.error("診断はもう終わっています。やり直すときは「最初から」を押してください。")
            return
        self.diag.answer(yes)
        self._show_question()
        if self.diag.done:
            self._finish(T.MODE_CHART)

    def _step(self, move) -> None:
        self._clear_result()
        move()
        self._show_question()

    def _judge(self, *_):
        unanswered = self.all_check.unanswered()
        if unanswered:
            self.message.value = C.error("まだ答えていない質問があります：質問 "
                                         + "、".join(map(str, unanswered)) + "。すべて はい か いいえ を選んでください。")
            return
        self._finish(T.MODE_ALL)

    # ------------------------------------------------------------------ result
    def _clear_result(self) -> None:
        self.message.value = self.result.value = self.report_link.value = ""
        self.save_again.layout.display = "none"
        self.last_record = None

    def _finish(self, mode: str) -> None:
        self._pending_mode = mode
        self._save()

    def _save(self) -> None:
        mode = self._pending_mode
        answers = (dict(diagnosis=self.diag) if mode == T.MODE_CHART
                   else dict(answers=self.all_check.answers(), chart=self.chart))
        saved, rec = attempt(self.message, lambda: T.record(self.ws, participant=self.name.value,
                                                            department=self.department.value, mode=mode, **answers),
                             fields={"participant": self.who_msg, "department": self.who_msg})
        if not saved:
            self.save_again.layout.display = ""
            self.message.value = self.message.value or C.error("結果はまだ保存されていません。直してから「保存し直す」を押してください。")
            return
        self.last_record = rec
        self.save_again.layout.display = "none"
        self.who_msg.value = ""
        others = rec["types"][1:]
        extra = f"（ほかに当てはまるタイプ：{'、'.join(others)}）" if others else ""
        replaced = f"。前回の回答（{rec['replaced']}タイプ）を置き換えました" if rec["replaced"] else ""
        self.message.value = C.ok(f"結果を保存しました：{rec['result']}タイプ{extra}{replaced}")
        self.result.value = card_html(rec["result"], workshop=self.ws.name, code=joined_code())
        html = chart_result_html(rec, self.chart, workshop=self.ws.name)
        fname = stamped_name(f"診断結果_{rec['participant'] or '参加者'}", "html")
        self.report_link.value = C.download_link(html.encode("utf-8"), fname, "text/html",
                                                 "印刷用の結果（HTML）をダウンロード")
        self.refresh()
        self.view.changed("results", self)

    def _next_person(self, *_):
        self.name.value = ""
        self.department.value = ""
        self.who_msg.value = ""
        self._switch_mode()
