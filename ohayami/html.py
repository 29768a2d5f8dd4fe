"""Small HTML helpers. Every piece of text goes through :func:`esc` before it reaches HTML."""

from __future__ import annotations

from html import escape
from typing import Iterable


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
@media print { .oh { font-size: 12pt; max-width: none; } .oh h2 { font-size: 18pt; } }
</style>
"""
