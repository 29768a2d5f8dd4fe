"""Tab 2 支援策を確かめる: the kit's check criteria with their points, one ○／△／× per programme and
criterion, and the ranking the scoring engine gives (must-haves as gates, the excluded with a reason)."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc, ul
from ...support import KIT_CRITERIA_NOTE, MARKS
from .. import common as C
from ..panel import Panel, attempt
from ..sheet_parts import boxed, frame_html, heading, note

UNCHECKED = "（未）"


class ChecksPanel(Panel):
    """Criteria (points, 必須) saved together; each mark saved as it is chosen; the ranking below."""

    title = "2 支援策を確かめる"
    listens = frozenset({"programmes", "decisions"})

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(2)
        self.criteria_box = W.VBox()
        self.save_criteria_btn = C.button("配点と必須を保存", "primary")
        self.save_criteria_btn.on_click(self.save_criteria)
        self.criteria_msg = W.HTML()
        self.grid = W.VBox()
        self.msg = W.HTML()
        self.table = W.HTML()
        self.weights: dict[str, W.Text] = {}
        self.musts: dict[str, W.Checkbox] = {}
        self.marks: dict[tuple[str, str], W.Dropdown] = {}
        root = W.VBox([note(text, f"ガイド：Step2 {title}"), note(self.model.card.cautions[0], "ガイド：留意点"),
                       heading("確認項目と配点", KIT_CRITERIA_NOTE), self.criteria_box, self.save_criteria_btn,
                       self.criteria_msg,
                       heading("確認する", "○ 合う・△ 一部合う・× 合わない。必須の項目が × の支援策は対象外になります。"),
                       self.grid, self.msg, self.table])
        root.add_class("oh-support-checks")
        return root

    def refresh(self) -> None:
        crit = self.model.criteria()
        self.weights, self.musts, rows = {}, {}, []
        for r in self.model.criteria(all_rows=True).itertuples():   # an unusable stored one too, to correct it
            w = W.Text(value="" if r.weight != r.weight else f"{r.weight:g}", description=r.name,
                       layout=W.Layout(width="22em"))
            m = W.Checkbox(value=bool(r.must_have), description="必須", indent=False, layout=W.Layout(width="6em"))
            self.weights[r.criterion_id], self.musts[r.criterion_id] = w, m
            rows.append(W.HBox([w, m, W.HTML(f'<span class="oh-note">{esc(r.description)}</span>')]))
        self.criteria_box.children = rows
        checks = self.model.checks()
        stored = {(r.programme_id, r.criterion_id): r.value for r in checks.itertuples()}
        self.marks, lines = {}, []
        for p in self.model.programmes().itertuples():
            boxes = []
            for c in crit.itertuples():
                dd = W.Dropdown(options=[UNCHECKED, *MARKS], value=stored.get((p.programme_id, c.criterion_id), UNCHECKED),
                                description=c.name, layout=W.Layout(width="18em"))
                dd.observe(lambda ch, pid=p.programme_id, cid=c.criterion_id: self.mark(pid, cid, ch["new"]), names="value")
                self.marks[(p.programme_id, c.criterion_id)] = dd
                boxes.append(dd)
            line = W.VBox([W.HTML(f"<b>{esc(p.programme_id)} {esc(p.name)}</b>"), W.HBox(boxes[:2]), W.HBox(boxes[2:])])
            line.add_class(f"oh-check-{p.programme_id}")   # the browser test finds one programme's marks
            lines.append(line)
        self.grid.children = lines
        self.show_ranking()

    def show_ranking(self) -> None:
        ranking, problems = self.model.ranking(), self.model.stored_problems()
        alert = boxed(f'<div class="oh-error">{ul(problems)}</div>') if problems else ""
        self.table.value = alert + (frame_html(ranking, "確認結果（点数の順・対象外は理由つき）") if len(ranking) else "")

    # ------------------------------------------------------------------ handlers
    def mark(self, programme_id: str, criterion_id: str, value: str) -> None:
        ok, _ = attempt(self.msg, lambda: self.model.set_check(programme_id, criterion_id,
                                                               "" if value == UNCHECKED else value),
                        f"{programme_id} の確認結果を保存しました", reload=self.refresh)
        if not ok:   # a refused mark (the programme was deleted meanwhile): show what is stored
            attempt(W.HTML(), self.refresh)
            return
        self.show_ranking()
        self.view.changed("checks", self)

    def save_criteria(self, *_) -> None:
        changes = {cid: (self.weights[cid].value, self.musts[cid].value) for cid in self.weights}
        ok, _ = attempt(self.criteria_msg, lambda: self.model.set_criteria(changes), "配点と必須を保存しました",
                        fields={"weight": self.criteria_msg}, reload=self.refresh)
        if ok:
            self.refresh()
            self.view.changed("checks", self)
