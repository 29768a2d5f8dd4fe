"""Pieces shared by the views: messages, download links, figures as images, opening a workshop."""

from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets as W

from ..errors import OhayamiError
from ..exchange import export_xlsx
from ..formats import stamped_name
from ..plots import figure_png
from ..store import Workshop, WorkshopStore, default_folder, open_workshop
from ..store_pg import is_pg_url, open_workshop_url
from ..html import esc
from .panel import UNEXPECTED, error, ok, widen_labels  # noqa: F401  (the views import them from here)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An <a download> link carrying the file itself, so it works in JupyterLab and in Voilà alike."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a download="{esc(filename)}" href="data:{esc(mime)};base64,{b64}" '
            f'style="font-size:18px">⬇ {esc(label)}</a>')


def image() -> W.Image:
    """An image widget that stays hidden until it has a picture (an empty one shows a broken icon)."""
    return W.Image(format="png", layout=W.Layout(max_width="1000px", display="none"))


def show_figure(widget: W.Image, fig) -> None:
    widget.value = figure_png(fig)
    widget.layout.display = ""


def resolve_workshop(workshop: WorkshopStore | str | Path | None) -> WorkshopStore:
    """A workshop from an object, a name in the default folder, a path, or a server address
    (``postgresql://…?workshop=名前``)."""
    if isinstance(workshop, WorkshopStore):
        return workshop
    if workshop is None:
        workshop = "workshop"
    if is_pg_url(workshop):
        return open_workshop_url(str(workshop))
    p = Path(workshop)
    if not p.is_absolute() and p.parent == Path("."):
        p = default_folder() / p
    return open_workshop(p)


def big_button(description: str, style: str = "", tooltip: str = "") -> W.Button:
    b = W.Button(description=description, button_style=style, tooltip=tooltip or description,
                 layout=W.Layout(width="max-content", min_width="10em", height="3.2em"))
    b.style.font_size = "20px"
    return b


def set_options(dd, options: list) -> None:
    """Replace a selection widget's options, keeping the chosen value if it is still offered,
    otherwise choosing the first option (ipywidgets leaves nothing chosen in some cases)."""
    current = dd.value
    dd.options = options
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if current in values:
        dd.value = current
    elif values:
        dd.index = 0


def export_message(ws: Workshop, make, name: str, mime: str, label: str) -> str:
    """Build an export with ``make()`` and save it; any failure becomes a message, never a crash."""
    try:
        return save_export(ws, make(), name, mime, label)
    except Exception as exc:  # noqa: BLE001 - a failed export is a message, never a silent button
        return error(exc)


WHOLE_WORKSHOP = "ワークショップ全体を Excel に書き出す"


def whole_workshop_button(ws: Workshop, export) -> W.Button:
    """The button that writes every table of the workshop as one workbook (the file the import reads
    back), through the panel's own ``export(make, name, mime, label)``, as its other exports go."""
    b = button(WHOLE_WORKSHOP)
    b.on_click(lambda *_: export(lambda: export_xlsx(ws), stamped_name(f"{ws.name}_全体", "xlsx"), XLSX_MIME,
                                 "Excel をダウンロード"))
    return b


def save_export(ws: Workshop, data: bytes, name: str, mime: str, label: str) -> str:
    """Write an export next to the workshop file; return the message with a download link."""
    path = ws.export_folder() / name
    path.write_bytes(data)
    # the download link is what a participant's own PC uses; the folder is the facilitator's copy
    return ok(f"保存しました：{name}（ファシリテーターのパソコンの「{path.parent.name}」フォルダーにも保存）") + \
        download_link(data, name, mime, label)


def uploaded_files(upload) -> list[tuple[str, bytes]]:
    """(name, bytes) of the files chosen in a FileUpload widget."""
    if not upload.value:
        raise OhayamiError("先にファイルを選んでください。", field="upload")
    return [(f["name"], bytes(f["content"])) for f in upload.value]


def import_each(upload, fn) -> str:
    """Call ``fn(data, name)`` for every chosen file; each file is all or nothing on its own."""
    try:
        files = uploaded_files(upload)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Japanese message (see panel.explain)
        return error(exc)
    done, errors = [], []
    for name, data in files:
        try:
            n = fn(data, name)
            done.append(f"{name}（{n} 件）")
        except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others' results
            errors.append(exc)
    return (ok("取り込みました：" + "、".join(done)) if done else "") + "".join(error(e) for e in errors)


def button(description: str, button_style: str = "", tooltip: str = "") -> W.Button:
    """A button as wide as its Japanese label (the default width cuts long labels off)."""
    return W.Button(description=description, button_style=button_style, tooltip=tooltip or description,
                    layout=W.Layout(width="max-content", min_width="8em"))


class SheetControls:
    """Make a scoring sheet for the person in ``who`` and import filled sheets (both workbenches)."""

    def __init__(self, ws: Workshop, model, who, after_import, noun: str = "採点シート"):
        self.ws, self.model, self.who, self.after_import, self.noun = ws, model, who, after_import, noun
        self.make_btn = button(f"{noun}（Excel）を作る", tooltip=f"選んだ人の{noun}を作る")
        self.make_btn.on_click(self.make)
        self.upload = W.FileUpload(accept=".xlsx", multiple=True, description="記入済みシートを選ぶ")
        self.import_btn = button(f"{noun}を取り込む")
        self.import_btn.on_click(self.import_)
        self.msg = W.HTML()
        self.widget = W.VBox([W.HBox([self.make_btn, self.upload, self.import_btn]), self.msg])

    def make(self, *_):
        who = (self.who.value or "").strip()
        if not who:
            self.msg.value = error(f"{self.noun}を作る人の名前を選ぶか入力してください。")
            return
        self.msg.value = export_message(self.ws, lambda: self.model.scoring_sheet(who), f"{self.noun}_{who}.xlsx",
                                        XLSX_MIME, f"{self.noun}をダウンロード")

    def import_(self, *_):
        self.msg.value = import_each(self.upload, lambda data, name: self.model.import_scoring_sheet(data, name=name))
        self.after_import()
