"""The scoring grid shared by the type C and type E workbenches.

One dropdown per (alternative, criterion) for the evaluator named in ``who``. A choice is saved at
once through the model; if the model refuses it (or the file cannot be written) the dropdown goes
back to what is stored, so the screen never shows a score that is not in the workshop file.

Two layouts: ``"rows"`` (type C: a page of alternatives as rows, criteria as columns) and
``"single"`` (type E: one alternative at a time, criteria as rows with their description).
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import pandas as pd

from ..html import esc
from ..scoring.scales import parse_scale
from .panel import attempt, error


# the widget's own CSS keeps an HTML label on one cut line; a header with its scale needs several
NO_ROW = "この行には採点する相手が表示されていません。もう一度選び直してください。"
HEAD_STYLE = ("<style>.oh-score-grid .widget-html-content:has(.oh-colhead-wrap) { white-space: normal; height: auto; "
              "line-height: 1.3; overflow: visible; } .oh-colhead-wrap { white-space: normal; font-size: 14px; "
              "overflow-wrap: anywhere; }</style>")


class ScoreGrid:
    """Dropdown cells for one evaluator; ``show(alternatives)`` fills them from the workshop file."""

    def __init__(self, model, who: W.ValueWidget, msg: W.HTML, *, layout: str = "rows", rows: int = 10,
                 describe: Callable[[object], str] | None = None, name_width: str = "18em",
                 missing_who: str = "採点する人の名前を選ぶか入力してください。",
                 head: Callable[[object], tuple[str, str]] | None = None):
        if layout not in ("rows", "single"):
            raise ValueError(layout)
        self.model, self.who, self.msg = model, who, msg
        self.layout, self.n_rows, self.describe = layout, (rows if layout == "rows" else 1), describe
        self.name_width, self.missing_who = name_width, missing_who
        self.head = head   # criterion row → (escaped HTML, plain tooltip) of its column header
        self.widget = W.VBox()
        self.widget.add_class("oh-score-grid")
        self.labels: list[W.HTML] = []
        self.cells: dict[tuple[int, str], W.Dropdown] = {}
        self.alt_ids: list[str] = []
        self._crit = pd.DataFrame()
        self._loading = False
        self.page = 0

    # ------------------------------------------------------------------ building
    def _dropdown(self, i: int, r) -> W.Dropdown:
        scale = parse_scale(r.scale, r.direction == "lower")
        dd = W.Dropdown(options=[("", "")] + [(v, v) for v in scale.levels],
                        layout=W.Layout(width="9em" if self.layout == "single" else "8em"))
        dd._oh = (i, r.criterion_id)
        dd.observe(self._on_score, names="value")
        self.cells[(i, r.criterion_id)] = dd
        return dd

    def _head(self, r) -> W.HTML:
        """A column header: the criterion's name, or what ``head`` makes of the row, wrapped, never cut."""
        if self.head is None:
            return W.HTML(f'<div class="oh-colhead" title="{esc(r.name)}">{esc(r.name)}</div>', layout=W.Layout(width="8em"))
        body, tip = self.head(r)
        return W.HTML(f'{HEAD_STYLE}<div class="oh-colhead oh-colhead-wrap" title="{esc(tip)}">{body}</div>',
                      layout=W.Layout(width="8em", height="auto"))

    def set_criteria(self, criteria: pd.DataFrame) -> None:
        """Rebuild the cells for these criteria (after criteria were added, removed or changed)."""
        self._crit = criteria.reset_index(drop=True)
        self.cells, self.labels = {}, []
        if self.layout == "rows":
            head = W.HBox([W.Label("", layout=W.Layout(width=self.name_width))] +
                          [self._head(r) for r in self._crit.itertuples()])
            rows = [head]
            for i in range(self.n_rows):
                label = W.HTML(layout=W.Layout(width=self.name_width))
                self.labels.append(label)
                rows.append(W.HBox([label] + [self._dropdown(i, r) for r in self._crit.itertuples()]))
        else:
            label = W.HTML()
            self.labels.append(label)
            rows = [label]
            for r in self._crit.itertuples():
                text = self.describe(r) if self.describe else esc(r.name)
                rows.append(W.HBox([W.HTML(text, layout=W.Layout(width="34em")), self._dropdown(0, r)]))
        self.widget.children = rows

    def use_criteria(self, criteria: pd.DataFrame) -> bool:
        """Rebuild the cells only if ``criteria`` differ (ids, names, scales, directions) from those
        on screen, so that showing a tab again keeps its widgets. Returns whether it rebuilt."""
        cols = ["criterion_id", "name", "scale", "direction"]
        if self.cells and criteria[cols].reset_index(drop=True).equals(self._crit[cols]):
            return False
        self.set_criteria(criteria)
        return True

    # ------------------------------------------------------------------ filling
    def evaluator(self) -> str:
        return (self.who.value or "").strip()

    def show(self, alternatives: pd.DataFrame, label: Callable[[object], str] | None = None) -> None:
        """Show these alternatives (``alternative_id`` and ``name`` columns; at most ``rows`` of them)
        with the evaluator's stored scores. ``label(row)`` gives a row's HTML (escaped)."""
        alts = alternatives.head(self.n_rows).reset_index(drop=True)
        self.alt_ids = list(alts["alternative_id"])
        who = self.evaluator()
        ok_, mine = attempt(self.msg, lambda: self.model.scores(who) if who else None)
        have = {} if mine is None else {(r.alternative_id, r.criterion_id): r.value for r in mine.itertuples()}
        self._loading = True
        try:
            for i in range(self.n_rows):
                visible = i < len(alts)
                if i < len(self.labels):
                    self.labels[i].layout.display = "" if visible else "none"
                    if visible:
                        row = alts.iloc[i]
                        self.labels[i].value = label(row) if label else f"<b>{esc(row['alternative_id'])}</b> {esc(row['name'])}"
                for (j, cid), dd in self.cells.items():
                    if j != i:
                        continue
                    dd.layout.display = "" if visible or self.layout == "single" else "none"
                    dd.disabled = not (who and visible)
                    v = have.get((self.alt_ids[i], cid), "") if visible else ""
                    dd.value = v if v in [o[1] for o in dd.options] else ""
        finally:
            self._loading = False
        if not who:
            self.msg.value = error(self.missing_who)
        elif ok_:
            self.msg.value = ""

    def show_page(self, alternatives: pd.DataFrame, step: int = 0,
                  label: Callable[[object], str] | None = None) -> str:
        """Show the page ``step`` pages away from the current one (0: the same page again, kept within
        the pages there are) of ``alternatives``, ``rows`` per page. Returns e.g. "2 / 5 ページ（全 48 件）"."""
        pages = max(1, -(-len(alternatives) // self.n_rows))
        self.page = min(max(0, self.page + step), pages - 1)
        self.show(alternatives.iloc[self.page * self.n_rows:(self.page + 1) * self.n_rows], label)
        return f"{self.page + 1} / {pages} ページ（全 {len(alternatives)} 件）"

    def row(self, i: int) -> list[W.Dropdown]:
        """The dropdowns of screen row ``i`` in criterion order."""
        return [self.cells[(i, cid)] for cid in self._crit["criterion_id"] if (i, cid) in self.cells]

    def value(self, alternative_id: str, criterion_id: str):
        """The dropdown showing this cell (None if not on screen)."""
        if alternative_id not in self.alt_ids:
            return None
        return self.cells.get((self.alt_ids.index(alternative_id), criterion_id))

    # ------------------------------------------------------------------ saving
    def _on_score(self, change):
        if self._loading:
            return
        dd = change["owner"]
        i, cid = dd._oh
        if i >= len(self.alt_ids):
            # a choice on a row that no longer shows anything (the page changed under the pointer):
            # nothing to store it for, so clear it rather than leave a score that isn't saved, and say
            # so unless the cell is hidden and disabled (then no person picked it)
            if not dd.disabled:
                self.msg.value = error(self.missing_who if not self.evaluator() else NO_ROW)
            self._loading = True
            try:
                dd.value = ""
            finally:
                self._loading = False
            return
        aid = self.alt_ids[i]
        name = self._crit.set_index("criterion_id")["name"].get(cid, cid)
        who = self.who.value
        ok_, saved = attempt(self.msg, lambda: self.model.set_score(who, aid, cid, change["new"]),
                             lambda s: f"保存しました：{aid} の「{name}」＝{s or '（取り消し）'}")
        if not ok_:
            self._restore(dd, who, aid, cid, change["old"])

    def _restore(self, dd: W.Dropdown, who: str, aid: str, cid: str, fallback: str) -> None:
        """Put back what the workshop file holds for this cell (the previous value if it can't be read)."""
        stored = fallback
        try:
            s = self.model.scores(who)
            hit = s[(s["alternative_id"] == aid) & (s["criterion_id"] == cid)]
            stored = hit["value"].iloc[0] if len(hit) else ""
        except Exception:  # noqa: BLE001 - the file is unreadable: the old value is the best we know
            pass
        self._loading = True
        try:
            dd.value = stored if stored in [o[1] for o in dd.options] else ""
        finally:
            self._loading = False
