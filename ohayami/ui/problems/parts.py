"""Small pieces the type C panels share: headings, the guide's step note, a display frame as HTML."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from ...html import STYLE, esc, table
from ...labels import DIRECTION_LABELS
from ..panel import attempt

# the explanations under the headings, in one place so that a facilitator's wording change is one edit
NOTES = {
    "import": ("住民アンケートや原課への照会の結果を、1行目に「課題」「生活のワンシーン」「出どころ」の見出しを付けて保存したもの。"
               "文字コードは UTF-8・Shift_JIS のどちらでも読めます。"),
    "exclude": ("ガイドの事例（初山別村）では、課題の具体化が十分にできない・住民のニーズが明らかでない・"
                "原課に余力がない課題を検討範囲から外しています。"),
    "weights": "配点を直接入れる・大事な順に順位を付ける・2つずつ比べる（一対比較）のどれかで重みを決めます。",
    "scoring": "自分の名前を選んでから、各課題を評価項目ごとに採点します。選ぶとすぐ保存されます。空欄に戻すと点数を取り消します。",
    "dots": ("ふだんのワークショップのシール投票と同じです。名前を選び、よいと思う課題に「＋」でシールを貼ります"
             "（1つの課題に何枚でも）。貼るとすぐ保存されます。"),
    "dots_filter": ("課題が多いときは、シールの多い課題だけを重みづけ採点に進めます。ほかの課題は理由つきで"
                    "「検討から外す」になり、2 課題分析 でいつでも戻せます。"),
    "round": ("1回目の採点で意見が分かれた課題を選び、会場で話し合ってから、その課題だけをもう一度採点します"
              "（デルファイ法の2回目）。1回目の点数も残り、結果は2回目の点数で計算します。"),
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


def scale_head(model):
    """A ScoreGrid ``head``: each column says what its ends mean and which way is better (read from
    the model each time the grid is rebuilt, so a changed criterion gets its own words)."""
    def head(r) -> tuple[str, str]:
        h = model.criterion_heads().loc[r.criterion_id]
        lower = h["direction"] == DIRECTION_LABELS["lower"]
        ends = "".join(f"<div>{esc(part)}</div>" for part in h["anchors"].split("　"))
        mark = f'<div style="color:#B00020;font-weight:bold">{esc(h["direction"])}</div>' if lower else \
            f'<div style="color:#555">{esc(h["direction"])}</div>'
        return (f"<b>{esc(h['name'])}</b>{ends}{mark}",
                f"{h['name']}\n{h['anchors']}\n{h['direction']}（{h['source']}）")
    return head


def struck_table_html(frame: pd.DataFrame, struck: list, keep: tuple[str, ...] = (), title: str = "",
                      headers: list[str] | None = None) -> str:
    """A display frame as a wide table where the rows indexed by ``struck`` are drawn struck through,
    except the columns in ``keep`` (the reason stays readable)."""
    heads = headers or list(frame.columns)
    body = []
    for idx, row in zip(frame.index, frame.values.tolist()):
        out = idx in struck
        cells = "".join(f"<td>{'<s>' + esc(v) + '</s>' if out and c not in keep and v != '' else esc(v)}</td>"
                        for c, v in zip(frame.columns, row))
        attr = ' class="oh-struck" style="color:#666"' if out else ""
        body.append(f"<tr{attr}>{cells}</tr>")
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    return (f'{STYLE}<div class="oh" style="max-width:none">' + (f"<h3>{esc(title)}</h3>" if title else "") +
            f'<div class="oh-scroll"><table class="oh-table oh-wide"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div></div>')
