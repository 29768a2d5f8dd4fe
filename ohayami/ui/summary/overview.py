"""Tab 1 まとめ: the chain at a glance, each section as the printout shows it, and the way to the
worksheet that fills it (on the same workshop)."""

from __future__ import annotations

import ipywidgets as W

from ...guide import load_types
from ...printouts import summary_section_html
from .. import common as C
from ..cards import WORKBENCH_NAMES, joined_code, open_button
from ..panel import Panel, attempt
from ..sheet_parts import boxed, frame_html


class OverviewPanel(Panel):
    """Read every section fresh (the worksheets are filled on other pages) and show them."""

    title = "1 まとめ"

    def build(self) -> W.Widget:
        self.reload = C.button("最新の入力で作り直す", "primary", "各作業台の最新の入力を読み直す")
        self.reload.on_click(lambda _: self.refresh())
        self.overview, self.sections, self.worksheets = W.HTML(), W.HTML(), W.HTML()
        self.msg = W.HTML()
        return W.VBox([self.reload, self.msg, self.overview, self.sections, self.worksheets])

    def refresh(self) -> None:
        attempt(self.msg, self._show)

    def _open(self, notebook: str, label: str) -> str:
        return open_button(notebook, self.ws.name, joined_code(), label) if notebook else ""

    def _show(self) -> None:
        sections = self.model.sections()
        self.overview.value = frame_html(self.model.overview_frame(sections), "流れ（問題 → 調査 → 選定 → 体制）")
        self.sections.value = boxed("".join(
            summary_section_html(s) + self._open(s.notebook, f"{s.provider.worksheet}を開く") for s in sections))
        types = load_types(self.model.data)
        links = [self._open(r.workbench, WORKBENCH_NAMES.get(r.workbench, f"{r.name}作業台"))
                 for r in types.itertuples() if r.workbench]
        self.worksheets.value = boxed("<h3>このワークショップの作業台</h3>" + " ".join(links))
