"""Tab 2 課題分析: who, how, how much, cause and evidence for each problem; tags; taking one out."""

from __future__ import annotations

import ipywidgets as W

from ...guide import load_exclusion_reasons, load_problem_template
from ...html import STYLE, table
from ...problems import ANALYSIS_FIELDS, ANALYSIS_LABELS
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from .parts import NOTES, frame_html, guide_note, heading


class AnalysisPanel(Panel):
    """One problem at a time: its analysis form, its tags, and whether it stays in the ranking."""

    title = "2 課題分析"
    listens = frozenset({"problems"})

    def build(self) -> W.Widget:
        ex = load_problem_template(self.model.data).iloc[0]
        example = table(["課題", *ANALYSIS_LABELS.values()], [[ex.problem, ex.who, ex.how, ex.how_much, ex.cause, ex.evidence]])
        self.pick = W.Dropdown(description="課題", layout=W.Layout(width="40em"))
        self.pick.observe(self.load, names="value")
        # continuous_update=False: the value arrives when the field is left (before another problem is
        # picked), and is saved then; nothing typed is lost by switching problems
        self.fields = {f: W.Textarea(description=ANALYSIS_LABELS[f], continuous_update=False,
                                     layout=W.Layout(width="40em", height="3.5em")) for f in ANALYSIS_FIELDS}
        self.tags = W.Text(description="タグ", placeholder="例：窓口DX, 予約（同じタグ＝ひとつの解決策でまとめて解決できそう）",
                           continuous_update=False, layout=W.Layout(width="40em"))
        inputs, self.msgs = with_messages({**self.fields, "tags": self.tags})
        self._loading = False
        for f, w in {**self.fields, "tags": self.tags}.items():
            w.observe(lambda ch, f=f: self.save_field(f, ch["new"]), names="value")
        self.save_btn = C.big_button("保存", "primary", "この課題の分析を保存する")
        self.save_btn.on_click(self.save)
        reasons = load_exclusion_reasons(self.model.data)
        self.exclude = W.Dropdown(description="除外", options=[("（検討に残す）", "")] +
                                  [(f"{r.label}（{r.description}）", r.reason_id) for r in reasons.itertuples()],
                                  layout=W.Layout(width="40em"))
        self.exclude_btn = C.button("除外を保存", tooltip="選んだ理由で検討から外す／戻す")
        self.exclude_btn.on_click(self.save_exclusion)
        self.msg = W.HTML()
        self.status = W.HTML()
        return W.VBox([guide_note(self.model, 2), W.HTML(f'{STYLE}<div class="oh"><h3>課題分析のお手本（ガイドの例）</h3>'
                                                        f"{example}</div>"),
                       self.pick, *inputs, self.save_btn, heading("検討から外す", NOTES["exclude"]),
                       W.HBox([self.exclude, self.exclude_btn]), self.msg, self.status])

    def refresh(self) -> None:
        frame = self.model.problems_frame()
        self.status.value = frame_html(frame[["ID", "課題", "分析", "除外", "タグ"]], title="分析の状況")
        C.set_options(self.pick, [(f"{pid} {t}", pid) for pid, t in frame["課題"].items()])

    def load(self, *_) -> None:
        """Fill the form with what is stored for the chosen problem."""
        p = self.model.problem(self.pick.value) or {}
        self._loading = True
        try:
            for f, w in self.fields.items():
                w.value = p.get(f) or ""
            self.tags.value = p.get("tags") or ""
        finally:
            self._loading = False
        reason = p.get("exclusion") or ""
        self.exclude.value = reason if reason in [o[1] for o in self.exclude.options] else ""

    # ------------------------------------------------------------------ handlers
    def save(self, *_) -> None:
        pid = self.pick.value
        if attempt(self.msg, lambda: self.model.save_analysis(need(pid, "分析する課題を選んでください。", "problem"),
                                                              tags=self.tags.value,
                                                              **{f: w.value for f, w in self.fields.items()}),
                   f"{pid} の分析を保存しました", fields=self.msgs)[0]:
            self.view.changed("problems")

    def save_field(self, field: str, value: str) -> None:
        """Save one field as soon as its value arrives (on leaving it)."""
        pid = self.pick.value
        if self._loading or not pid:
            return
        label = ANALYSIS_LABELS.get(field, "タグ")
        save = (lambda: self.model.update_problem(pid, tags=value)) if field == "tags" else \
            (lambda: self.model.set_analysis(pid, **{field: value}))
        if attempt(self.msg, save, f"{pid} の「{label}」を保存しました", fields=self.msgs)[0]:
            self.view.changed("problems")

    def save_exclusion(self, *_) -> None:
        pid, reason = self.pick.value, self.exclude.value
        if attempt(self.msg, lambda: self.model.set_exclusion(need(pid, "課題を選んでください。", "problem"), reason),
                   f"{pid} を検討から外しました" if reason else f"{pid} を検討に戻しました")[0]:
            self.view.changed("problems")
