"""Small pieces the type C panels share: headings, the guide's step note, a display frame as HTML."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from ...html import STYLE, esc, table
from ..panel import attempt

# the explanations under the headings, in one place so that a facilitator's wording change is one edit
NOTES = {
    "import": ("住民アンケートや原課への照会の結果を、1行目に「課題」「生活のワンシーン」「出どころ」の見出しを付けて保存したもの。"
               "文字コードは UTF-8・Shift_JIS のどちらでも読めます。"),
    "exclude": ("ガイドの事例（初山別村）では、課題の具体化が十分にできない・住民のニーズが明らかでない・"
                "原課に余力がない課題を検討範囲から外しています。"),
    "weights": "配点を直接入れる・大事な順に順位を付ける・2つずつ比べる（一対比較）のどれかで重みを決めます。",
    "scoring": "自分の名前を選んでから、各課題を評価項目ごとに採点します。選ぶとすぐ保存されます。空欄に戻すと点数を取り消します。",
    "export": "短いリストと分析・採点・地域像を Excel に、選んだ理由を管理職に説明する報告書を HTML（ブラウザで印刷できます）にします。",
}
PAGE_SIZE = 10   # problems per scoring page: a projector shows ten rows of dropdowns legibly


def heading_html(text: str, note: str = "") -> str:
    """A section heading, with a note under it, from plain text."""
    return (f'{STYLE}<div class="oh"><h3>{esc(text)}</h3>' +
            (f'<div class="oh-note">{esc(note)}</div>' if note else "") + "</div>")


def heading(text: str, note: str = "") -> W.HTML:
    return W.HTML(heading_html(text, note))


def text_html(text: str) -> str:
    """Plain text in the kit's style."""
    return f'{STYLE}<div class="oh">{esc(text)}</div>'


def guide_note(model, step: int) -> W.HTML:
    """The guide's own words for type C step ``step`` (a broken guide file shows its message instead)."""
    box = W.HTML()
    ok, found = attempt(box, lambda: model.guide_step(step))
    if ok:
        title, text = found
        box.value = f'{STYLE}<div class="oh oh-note"><b>ガイド：Step{step} {esc(title)}</b><br>{esc(text)}</div>'
    return box


def frame_html(frame: pd.DataFrame, title: str = "", after: str = "", wide: bool = False,
               headers: list[str] | None = None) -> str:
    """A display frame (texts from the model) as the kit's table under an optional title; ``after`` is
    plain text shown under it; ``headers`` replace the column names on screen."""
    style = ' style="max-width:none"' if wide else ""
    return (f'{STYLE}<div class="oh"{style}>' + (f"<h3>{esc(title)}</h3>" if title else "") +
            table(headers or list(frame.columns), frame.values.tolist(), wide=wide) +
            (f'<div class="oh-note">{esc(after)}</div>' if after else "") + "</div>")
