"""Notebook 01: the diagnostic chart, the workshop tally and every type's card."""

from __future__ import annotations


import ipywidgets as W

from .. import plots
from .. import tally as T
from ..chart import Chart, Diagnosis
from ..formats import stamped_name
from ..guide import chart_wording_note
from ..reports import chart_result_html
from ..store import Workshop
from ..workbench import person as known_person
from . import common as C
from .panel import attempt
from .cards import card_html
from ..html import STYLE, esc, table
from ..labels import NO, YES


class ChartView:
    """The chart one participant at a time, saved to the workshop as each result comes in."""

    def __init__(self, workshop: Workshop | str | None = None, data=None):
        self.ws = C.resolve_workshop(workshop)
        self.chart = Chart(data)
        self.diag = Diagnosis(self.chart)
        self.last_record: dict | None = None

        # who is answering
        self.name = W.Combobox(description="名前", placeholder="例：山田 花子（任意）",
                               options=self._known_names(), ensure_option=False,
                               layout=W.Layout(width="24em"))
        self.department = W.Text(description="所属", placeholder="例：企画課（任意）", layout=W.Layout(width="24em"))
        self.who_msg = W.HTML()
        self.name.observe(self._fill_department, names="value")
        self.mode = W.ToggleButtons(options=[("チャート（1問ずつ）", T.MODE_CHART), ("全問チェック", T.MODE_ALL)],
                                    value=T.MODE_CHART, description="方式")
        self.mode.observe(self._switch_mode, names="value")

        # chart mode
        self.progress = W.HTML()
        self.question = W.HTML()
        self.yes = C.big_button(YES, "primary", f"{YES}（この質問に当てはまる）")
        self.no = C.big_button(NO, "info", f"{NO}（当てはまらない）")
        self.back = C.big_button("戻る", "", "ひとつ前の質問に戻る")
        self.restart = C.big_button("最初から", "", "最初の質問からやり直す")
        self.yes.on_click(lambda _: self._answer(True))
        self.no.on_click(lambda _: self._answer(False))
        self.back.on_click(self._back)
        self.restart.on_click(self._restart)
        self.chart_box = W.VBox([self.progress, self.question,
                                 W.HBox([self.yes, self.no, self.back, self.restart])])

        # 全問チェック
        self.checks = {qid: W.ToggleButtons(options=[(YES, True), (NO, False)], value=None, tooltips=[YES, NO])
                       for qid in self.chart.order}
        self.judge = C.big_button("判定する", "primary", "全部の答えで判定する")
        self.judge.on_click(self._judge)
        rows = []
        for qid in self.chart.order:
            q = self.chart[qid]
            rows.append(W.HTML(f'{STYLE}<div class="oh"><b>質問 {q.order}</b>：{esc(q.text)}</div>'))
            rows.append(self.checks[qid])
        self.all_box = W.VBox(rows + [self.judge])

        # result
        self.message = W.HTML()
        self.result = W.HTML()
        self.report_link = W.HTML()
        self.save_again = C.big_button("保存し直す", "warning", "結果をもう一度保存する")
        self.save_again.layout.display = "none"
        self.save_again.on_click(lambda _: self._save())
        self.next_person = C.big_button("次の参加者へ", "success", "入力を空にして次の参加者の診断を始める")
        self.next_person.on_click(self._next_person)

        self.body = W.VBox()
        diagnose_tab = W.VBox([
            W.HTML(f'{STYLE}<div class="oh"><h2>診断チャート</h2>はい／いいえで答えると、'
                   "あなたの団体のお悩みタイプと「初めの一手」が分かります。名前と所属は任意です。"
                   f'<div class="oh-note">{esc(chart_wording_note(data))}</div></div>'),
            W.HBox([self.name, self.department]), self.who_msg, self.mode, self.body,
            self.message, self.save_again, self.report_link, self.result, self.next_person])

        # tally
        self.refresh = C.big_button("集計を更新", "primary", "保存された全員の結果を集計し直す")
        self.refresh.on_click(lambda _: self.show_tally())
        self.export_xlsx = C.big_button("Excel で保存", "", "集計と回答を Excel ファイルにする")
        self.export_csv = C.big_button("CSV で保存", "", "回答を CSV ファイルにする")
        self.export_xlsx.on_click(self._export_xlsx)
        self.export_csv.on_click(self._export_csv)
        self.tally_html = W.HTML()
        self.tally_img = C.image()
        self.export_msg = W.HTML()
        tally_tab = W.VBox([W.HBox([self.refresh, self.export_xlsx, self.export_csv]), self.export_msg,
                            self.tally_html, self.tally_img])

        # browse every type
        from ..guide import load_types
        types = load_types(data)
        self.browse = W.Dropdown(options=[(f"{r.name}：{r.first_move}", r.type_id) for r in types.itertuples()],
                                 value="A", description="タイプ", layout=W.Layout(width="40em"))
        self.browse_card = W.HTML(card_html("A"))
        self.browse.observe(lambda ch: setattr(self.browse_card, "value", card_html(ch["new"])), names="value")
        browse_tab = W.VBox([self.browse, self.browse_card])

        self.tabs = W.Tab(children=[diagnose_tab, tally_tab, browse_tab])
        for i, title in enumerate(["診断", "集計", "タイプ一覧"]):
            self.tabs.set_title(i, title)
        self.tabs.observe(lambda ch: self.show_tally() if ch["new"] == 1 else None, names="selected_index")
        self.widget = self.tabs
        C.widen_labels(self.widget)
        self._switch_mode()
        self.show_tally()

    # ------------------------------------------------------------------ participant
    def _known_names(self) -> list[str]:
        people = self.ws.rows("people")
        return sorted(n for n in people["name"].dropna() if n) if len(people) else []

    def _fill_department(self, change) -> None:
        person = known_person(self.ws, change["new"])
        if person and person.get("department") and not self.department.value:
            self.department.value = person["department"]

    # ------------------------------------------------------------------ chart mode
    def _switch_mode(self, *_):
        self._clear_result()
        self.diag.restart()
        for tb in self.checks.values():
            tb.value = None
        self.body.children = [self.chart_box] if self.mode.value == T.MODE_CHART else [self.all_box]
        self._show_question()

    def _show_question(self) -> None:
        q = self.diag.current
        n, total = self.diag.progress()
        if q is None:
            self.progress.value = f'{STYLE}<div class="oh"><b>診断完了</b>（{len(self.diag.answers)}問に回答）</div>'
            self.question.value = ""
        else:
            self.progress.value = f'{STYLE}<div class="oh" aria-live="polite"><b>質問 {n} / {total}</b></div>'
            self.question.value = (f'{STYLE}<div class="oh"><div style="font-size:28px;line-height:1.5;'
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

    def _back(self, *_):
        self._clear_result()
        self.diag.back()
        self._show_question()

    def _restart(self, *_):
        self._clear_result()
        self.diag.restart()
        self._show_question()

    # ------------------------------------------------------------------ 全問チェック
    def _judge(self, *_):
        unanswered = [self.chart[q].order for q, tb in self.checks.items() if tb.value is None]
        if unanswered:
            self.message.value = C.error("まだ答えていない質問があります：質問 "
                                         + "、".join(map(str, unanswered)) + "。すべて はい か いいえ を選んでください。")
            return
        self._finish(T.MODE_ALL)

    # ------------------------------------------------------------------ result
    def _clear_result(self) -> None:
        self.message.value = self.result.value = self.report_link.value = self.who_msg.value = ""
        self.save_again.layout.display = "none"
        self.last_record = None

    def _finish(self, mode: str) -> None:
        self._pending_mode = mode
        self._save()

    def _save(self) -> None:
        mode = self._pending_mode
        if mode == T.MODE_CHART:
            answers = dict(diagnosis=self.diag)
        else:
            answers = dict(answers=[(q, tb.value) for q, tb in self.checks.items()], chart=self.chart)
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
        self.message.value = C.ok(f"結果を保存しました：{rec['result']}タイプ{extra}")
        self.result.value = card_html(rec["result"])
        html = chart_result_html(rec, self.chart, workshop=self.ws.name)
        fname = stamped_name(f"診断結果_{rec['participant'] or '参加者'}", "html")
        self.report_link.value = C.download_link(html.encode("utf-8"), fname, "text/html",
                                                 "印刷用の結果（HTML）をダウンロード")
        self.name.options = self._known_names()

    def _next_person(self, *_):
        self.name.value = ""
        self.department.value = ""
        self._switch_mode()

    # ------------------------------------------------------------------ tally
    def show_tally(self) -> None:
        attempt(self.tally_html, self._show_tally)

    def _show_tally(self) -> None:
        df = T.tally(self.ws)
        primary = T.primary_type(df)
        total = int(df["count"].sum())
        rows = [(r.type_id, r.first_move, r.count, f"{r.share:.0%}", r.applies) for r in df.itertuples()]
        head = (f"<h2>集計（{total}人）</h2>" + (f'<div class="oh-move">グループの主なタイプ：{esc(primary)}タイプ'
                f"（{esc(df.set_index('type_id').loc[primary, 'first_move'])}）</div>" if primary
                else "<div>まだ結果がありません。</div>"))
        self.tally_html.value = (f'{STYLE}<div class="oh">{head}'
                                 + table(["タイプ", "初めの一手", "人数", "割合", "当てはまる人数（全問チェック含む）"], rows)
                                 + "</div>")
        C.show_figure(self.tally_img, plots.tally_figure(df, T.primary_type(df)))

    def _export(self, make, name: str, mime: str, label: str):
        self.export_msg.value = C.export_message(self.ws, make, name, mime, label)

    def _export_xlsx(self, *_):
        self._export(lambda: T.export_xlsx(self.ws, self.chart), stamped_name("診断チャート集計", "xlsx"), C.XLSX_MIME,
                     "Excel ファイルをダウンロード")

    def _export_csv(self, *_):
        self._export(lambda: T.export_csv(self.ws, self.chart), stamped_name("診断チャート回答", "csv"), "text/csv",
                     "CSV ファイルをダウンロード")


def show(workshop=None, data=None):
    """Build the chart view and return its root widget (the notebook displays it)."""
    return ChartView(workshop, data).widget
