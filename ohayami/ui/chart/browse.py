"""Tab タイプ一覧: every type's card, to look up a colleague's type or the next one."""

from __future__ import annotations

import ipywidgets as W

from ...guide import load_types
from ..cards import card_html, joined_code
from ..panel import Panel


class BrowsePanel(Panel):
    """A type picker and the chosen type's card (its workbench link opens on this workshop)."""

    title = "タイプ一覧"

    def build(self) -> W.Widget:
        types = load_types(self.view.data)
        self.browse = W.Dropdown(options=[(f"{r.name}：{r.first_move}", r.type_id) for r in types.itertuples()],
                                 value="A", description="タイプ", layout=W.Layout(width="40em"))
        self.card = W.HTML(self._card("A"))
        self.browse.observe(lambda ch: setattr(self.card, "value", self._card(ch["new"])), names="value")
        return W.VBox([self.browse, self.card])

    def _card(self, type_id: str) -> str:
        return card_html(type_id, workshop=self.ws.name, code=joined_code())
