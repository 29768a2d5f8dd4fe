"""Small HTML helpers. Every piece of text goes through :func:`esc` before it reaches HTML."""

from __future__ import annotations

import math
import re
from html import escape
from typing import Iterable, Sequence


def esc(value: object) -> str:
    """Escape any value for HTML text or attribute context; newlines become <br>."""
    return escape("" if value is None else str(value), quote=True).replace("\n", "<br>")


def ul(items: Iterable[object], cls: str = "") -> str:
    items = list(items)
    if not items:
        return ""
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def table(header: list[str], rows: Iterable[Iterable[object]], cls: str = "oh-table", wide: bool = False) -> str:
    """An escaped HTML table; ``wide`` tables keep their columns readable and scroll sideways."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    html = f'<table class="{esc(cls)}{" oh-wide" if wide else ""}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="oh-scroll">{html}</div>' if wide else html


_NUMBER = re.compile(r"^[-+−]?[\d,]*\.?\d+(%|点|円|位)?$|^[—–-]?$")


def _looks_numeric(column: Sequence[str]) -> bool:
    filled = [c for c in column if c.strip() not in ("", "—", "-")]
    return bool(filled) and all(_NUMBER.match(c.strip()) for c in filled)


def _text_width(text: str) -> float:
    """Width in full-width characters (a half-width one counts half)."""
    return sum(1 if ord(ch) > 0x2E7F else 0.55 for ch in text)


# column widths are planned for the printable width of A4 portrait (210 mm less 15 mm margins) at the
# print font sizes; as percentages they scale to any wider screen
PAGE_PX = 680.0


def _column_widths(header, cols, numeric: set, names: set, font: float) -> list[float]:
    """Percentages of the table width: each column gets what its content needs at least (numbers
    whole, names 8 characters, other text 4), then the room left goes to names and text up to their
    longest line (names 16 characters, text 20), and what is still left to every column in proportion."""
    pad = 0.7 * font + 2
    low, high = [], []
    for i, h in enumerate(header):
        longest = max([_text_width(c.split("\n", 1)[0]) for c in cols[i]] + [0.0])
        # a header may wrap, to two lines over a number, never to a character a line
        hw = _text_width(str(h))
        head = min(max(-(-hw // 2), min(hw, 3)), 6) if i in numeric else min(hw, 4)
        if i in numeric:
            lo = hi = max(longest, head)
        elif i in names:
            lo, hi = max(min(longest, 8), head), max(min(longest, 16), head)
        else:
            lo, hi = max(min(longest, 4), head), max(min(longest, 20), head, 2)
        low.append(lo * font + pad)
        high.append(hi * font + pad)
    widths = list(low)
    room = PAGE_PX - sum(widths)
    grow = [hi - lo for lo, hi in zip(low, high)]
    if room > 0 and sum(grow) > 0:
        take = min(1.0, room / sum(grow))
        widths = [w + g * take for w, g in zip(widths, grow)]
        room = PAGE_PX - sum(widths)
    if room > 0:
        widths = [w + room * hi / sum(high) for w, hi in zip(widths, high)]
    total = sum(widths) or 1.0
    return [w / total * 100 for w in widths]


def _plan(header, rows, names, numeric, small):
    rows = [["" if c is None else str(c) for c in r] for r in rows]
    n = len(header)
    cols = [[r[i] for r in rows if i < len(r)] for i in range(n)]
    names = set(names)
    numeric = {i for i in range(n) if i not in names and _looks_numeric(cols[i])} if numeric is None else set(numeric)
    return rows, numeric, names, _column_widths(header, cols, numeric, names, 11.3 if small else 14.0)


def planned_lines(header: list[str], rows: Iterable[Iterable[object]], *, names: Iterable[int] = (),
                  numeric: Iterable[int] | None = None, font: float = 12.0) -> list[int]:
    """About how many lines of text each row of :func:`fit_table` takes on A4 portrait at ``font`` px
    (header first): a printout uses it to tell whether its tables still fit one page."""
    rows, numeric, names, widths = _plan(header, rows, names, numeric, False)

    def lines(row) -> int:
        counts = [1]
        for text, w in zip(row, widths):
            room = max(w / 100 * PAGE_PX - 0.7 * font - 2, font)   # the cell's text width, in px
            counts.append(sum(max(1, math.ceil(_text_width(part) * font / room)) for part in str(text).split("\n")))
        return max(counts)

    return [lines(header)] + [lines(r) for r in rows]


def fit_table(header: list[str], rows: Iterable[Iterable[object]], *, names: Iterable[int] = (),
              numeric: Iterable[int] | None = None, small: bool = False, cls: str = "oh-table") -> str:
    """An escaped table that fits the width of its page (A4 portrait included): fixed layout with
    column widths in proportion to their content (capped, so that one long text cannot squeeze the
    others to a character a line), numbers right-aligned, and the ``names`` columns (vendors,
    problems) broken only where they must. ``numeric`` columns are found from the cells when not given."""
    rows, numeric, names, widths = _plan(header, rows, names, numeric, small)
    colgroup = "<colgroup>" + "".join(f'<col style="width:{w:.1f}%">' for w in widths) + "</colgroup>"

    def cell(tag: str, i: int, text: object) -> str:
        kind = " ".join(k for k, on in (("oh-num", i in numeric), ("oh-name", i in names)) if on)
        body = f"<span>{esc(text)}</span>" if i in names else esc(text)
        return f'<{tag} class="{kind}">{body}</{tag}>' if kind else f"<{tag}>{body}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    extra = " oh-fit" + (" oh-small" if small else "")
    return f'<table class="{esc(cls)}{extra}">{colgroup}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# Projector-friendly base style shared by the views and the printable reports.
STYLE = """
<style>
.oh { font-family: "IPAexGothic", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
      font-size: 18px; line-height: 1.6; color: #1a1a1a; max-width: 60em; }
.oh h2 { font-size: 28px; margin: 0.4em 0; }
.oh h3 { font-size: 22px; margin: 0.8em 0 0.3em; border-left: 6px solid #0072B2; padding-left: 0.4em; }
.oh h4 { font-size: 19px; margin: 0.6em 0 0.2em; }
.oh .oh-trouble { background: #f2f6fa; padding: 0.6em 0.9em; border-radius: 6px; }
.oh .oh-move { font-size: 24px; font-weight: bold; color: #0072B2; }
.oh .oh-thought { color: #555; font-style: italic; }
.oh .oh-step { border: 1px solid #c8d3de; border-radius: 6px; padding: 0.5em 0.8em; margin: 0.4em 0; }
.oh .oh-merit li::marker { content: "＋ "; color: #009E73; }
.oh .oh-risk li::marker { content: "－ "; color: #D55E00; }
.oh table.oh-table { border-collapse: collapse; margin: 0.4em 0; }
.oh table.oh-table th, .oh table.oh-table td { border: 1px solid #b0b8c0; padding: 0.3em 0.6em; vertical-align: top; }
.oh table.oh-table td { min-width: 3em; }
.oh .oh-scroll { overflow-x: auto; max-width: 100%; }
.oh table.oh-wide { width: max-content; font-size: 16px; }
.oh table.oh-wide td { max-width: 22em; }
.oh table.oh-table th { background: #e8eef4; white-space: nowrap; }
.oh .oh-note { color: #555; font-size: 15px; }
.oh .oh-error { color: #B00020; font-weight: bold; }
.oh .oh-ok { color: #006B3C; font-weight: bold; }
.oh table.oh-fit { table-layout: fixed; width: 100%; }
.oh table.oh-fit th { white-space: normal; word-break: keep-all; overflow-wrap: anywhere; }
.oh table.oh-fit td { min-width: 0; overflow-wrap: anywhere; }
.oh table.oh-small { font-size: 0.8em; }
.oh table.oh-table .oh-num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.oh table.oh-table th.oh-num { white-space: normal; }
.oh table.oh-table .oh-name { word-break: keep-all; overflow-wrap: anywhere; }
.oh img.oh-figure { display: block; max-width: 100%; height: auto; }
@media print {
  .oh { font-size: 10.5pt; line-height: 1.5; max-width: none; }
  .oh h2 { font-size: 16pt; } .oh h3 { font-size: 13pt; } .oh h4 { font-size: 11pt; }
  .oh h2, .oh h3, .oh h4 { break-after: avoid; }
  .oh table.oh-small { font-size: 8.5pt; }
  .oh table.oh-table th, .oh table.oh-table td { padding: 0.15em 0.35em; }
  .oh table.oh-table tr, .oh img.oh-figure, .oh .oh-keep { break-inside: avoid; }
  .oh .oh-newpage { break-before: page; }
  .oh .oh-scroll { overflow: visible; }
  .oh table.oh-wide { width: 100%; table-layout: fixed; }
  .oh table.oh-wide td, .oh table.oh-wide th { overflow-wrap: anywhere; white-space: normal; }
  .oh-noprint { display: none !important; }
}
</style>
"""
