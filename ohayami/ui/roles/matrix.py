"""Tab 3 役割分担: the RACI matrix one stage at a time (a dropdown per task and owner), saved as chosen,
with the rule checks and the whole matrix below."""

from __future__ import annotations

import ipywidgets as W

from ...html import esc, ul
from ...roles import RACI, RACI_NOTE
from .. import common as C
from ..panel import Panel, attempt
from ..sheet_parts import boxed, frame_html

CHOICES = [("—", ""), *[(f"{v}（{k}）", k) for k, v in RACI.items()]]


class MatrixPanel(Panel):
    title = "3 役割分担"
    listens = frozenset({"tasks", "owners"})

    def build(self) -> W.Widget:
        self.stage = W.Dropdown(description="段階", layout=W.Layout(width="30em"))
        self.stage.observe(lambda _: self.build_grid(), names="value")
        self.grid = W.VBox()
        self.grid.add_class("oh-raci-grid")
        self.msg = W.HTML()
        self.checks = W.HTML()
        self.table = W.HTML()
        self.cells: dict[tuple[str, str], W.Dropdown] = {}
        return W.VBox([W.HTML(boxed(f'<div class="oh-note">{esc(RACI_NOTE)}</div>')), self.stage, self.grid, self.msg,
                       self.checks, self.table])

    def refresh(self) -> None:
        C.set_options(self.stage, self.model.stage_names() or [("（作業がありません。「1 作業」で読み込んでください）", None)])
        self.build_grid()

    def build_grid(self) -> None:
        """New dropdowns for the chosen stage's tasks, showing what is stored (loading never saves)."""
        tasks, owners, cells = self.model.tasks(), self.model.owners(), self.model.raci()
        tasks = tasks[tasks.stage_name == self.stage.value]
        self.cells = {}
        head = W.HBox([W.Label("作業", layout=W.Layout(width="16em")),
                       *[W.Label(o.owner_name, layout=W.Layout(width="9em")) for o in owners.itertuples()]])
        rows = [head]
        for t in tasks.itertuples():
            boxes = []
            for o in owners.itertuples():
                dd = W.Dropdown(options=CHOICES, value=cells.get((t.task_id, o.owner_id), ""),
                                layout=W.Layout(width="9em"), description_allow_html=False)
                dd.observe(lambda ch, k=(t.task_id, o.owner_id): self.set(k, ch["new"]), names="value")
                self.cells[(t.task_id, o.owner_id)] = dd
                boxes.append(dd)
            rows.append(W.HBox([W.Label(t.task_name, layout=W.Layout(width="16em")), *boxes]))
        self.grid.children = rows if len(owners) else [W.HTML(C.error("担い手がいません。「2 担い手」で追加してください。"))]
        self.show_checks()

    def set(self, key: tuple[str, str], value: str) -> None:
        task = dict(zip(self.model.tasks()["task_id"], self.model.tasks()["task_name"])).get(key[0], key[0])
        if attempt(self.msg, lambda: self.model.set_raci(*key, value), f"「{task}」の役割を保存しました",
                   reload=self.build_grid)[0]:
            self.show_checks()
            self.view.changed("raci", self)

    def show_checks(self) -> None:
        warnings = self.model.warnings()
        self.checks.value = boxed("<h3>確認</h3>" + (f'<div class="oh-error">{ul(warnings)}</div>' if warnings else
                                  '<div class="oh-ok">どの作業にも責任（A）が1人ずつ、どの担い手にも役割があります。</div>'))
        self.table.value = frame_html(self.model.matrix_frame(), "役割分担（全体）")
