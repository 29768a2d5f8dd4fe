"""Small pieces the type E panels share: the guide's step box, tables from display frames, name boxes."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from ...guide import load_steps
from ...html import STYLE, esc, table
from .. import common as C
from ..panel import attempt


def guide_step(step: int) -> W.HTML:
    """The guide's text for type E step ``step``, as a note above a tab."""
    s = load_steps()
    r = s[(s.type_id == "E") & (s.step_no == step)].iloc[0]
    return W.HTML(f'{STYLE}<div class="oh oh-note"><b>ガイド：Step{step} {esc(r.title)}</b><br>{esc(r.text)}</div>')


def frame_table(frame: pd.DataFrame, wide: bool = False) -> str:
    """An escaped HTML table of a model's display frame."""
    return table(list(frame.columns), frame.values.tolist(), wide=wide)


def boxed(body: str) -> str:
    """``body`` (already escaped) in the kit's style, as an HTML widget value."""
    return f'{STYLE}<div class="oh">{body}</div>'


def who_box(placeholder: str, on_change, **kw) -> W.Combobox:
    """An evaluator's name box (pick a participant or type a new name); ``on_change()`` runs on edits."""
    box = W.Combobox(description="評価者", placeholder=placeholder, ensure_option=False, **kw)
    box.observe(lambda *_: on_change(), names="value")
    return box


def vendor_choices(model) -> list[tuple[str, str | None]]:
    """(label, vendor id) for a vendor dropdown; one empty choice when there is no vendor."""
    v = model.vendors()
    return [(f"{r.vendor_id} {r.name}", r.vendor_id) for r in v.itertuples()] or [("", None)]


def criterion_choices(model) -> list[tuple[str, str]]:
    return [(r.name, r.criterion_id) for r in model.criteria().itertuples()]


def import_files(msg: W.HTML, upload: W.FileUpload, read) -> None:
    """Import every chosen file with ``read(data, name=...)``; each file is all or nothing, and a
    failure that is not about the file's content (the workshop file cannot be written) is shown too."""
    ok, text = attempt(msg, lambda: C.import_each(upload, lambda data, name: read(data, name=name)))
    if ok:
        msg.value = text


def set_people(model, *boxes: W.Combobox) -> None:
    """Offer everyone who took part so far in these name boxes."""
    names = model.participants()
    for b in boxes:
        b.options = names


__all__ = ["C", "boxed", "criterion_choices", "frame_table", "guide_step", "import_files", "set_people", "vendor_choices", "who_box"]
