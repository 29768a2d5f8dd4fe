"""Printable HTML reports for a manager. All participant and guide text is escaped."""

from __future__ import annotations

from datetime import datetime

from .chart import Chart
from .guide import type_card
from .ui.html import STYLE, esc, table, ul

PRINT_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title>{style}
<style>@page {{ size: A4; margin: 15mm; }} body {{ margin: 0 auto; padding: 1em; }}</style>
</head><body>{body}</body></html>"""


def page(title: str, body: str) -> str:
    """A standalone printable HTML page."""
    return PRINT_PAGE.format(title=esc(title), style=STYLE, body=body)


def chart_result_html(record: dict, chart: Chart | None = None, workshop: str = "") -> str:
    """One page for one participant: the answers given, the resulting type, its first move and
    steps, and the relevant cases (and, for 全問チェック, the other types that apply)."""
    chart = chart or Chart()
    card = type_card(record["result"])
    when = record.get("created_at", "")
    try:
        when = datetime.fromisoformat(when).strftime("%Y年%m月%d日 %H:%M")
    except (TypeError, ValueError):
        pass
    who = record.get("participant") or "（名前の記入なし）"
    dept = record.get("department") or ""
    answers = [(chart[a["question_id"]].order, chart[a["question_id"]].text, "はい" if a["answer"] else "いいえ")
               for a in record["answers"] if a["question_id"] in chart.questions]
    parts = ['<div class="oh">', "<h2>診断チャートの結果</h2>",
             table(["ワークショップ", "名前", "所属", "日時"], [(workshop, who, dept, when)]),
             f"<h3>結果：{esc(card.name)}</h3>", f'<div class="oh-trouble">{ul(card.trouble_items)}</div>']
    others = [t for t in record.get("types", []) if t != record["result"]]
    if others:
        parts.append("<div>ほかに当てはまるタイプ：" + esc("、".join(f"{t}タイプ" for t in others))
                     + "（まずは上の初めの一手から始めましょう）</div>")
    parts.append("<h3>初めの一手</h3>")
    if card.first_move_note:
        parts.append(f"<div>{esc(card.first_move_note)}</div>")
    parts.append(f'<div class="oh-move">{esc(card.first_move)}</div>')
    label = "ポイント" if card.type_id == "A" else "Step"
    for r in card.steps.itertuples():
        parts.append(f'<div class="oh-step"><h4>{label}{r.step_no}：{esc(r.title)}</h4><div>{esc(r.text)}</div></div>')
    parts.append("<h3>メリット</h3>" + ul(card.merits) + "<h3>デメリット</h3>" + ul(card.risks))
    if len(card.cases):
        parts.append("<h3>参考となる事例</h3>")
        for c in card.cases.itertuples():
            parts.append(f"<h4>{esc(c.prefecture)}{esc(c.municipality)}</h4>{ul(c.text)}")
    parts.append("<h3>回答</h3>" + table(["#", "質問", "回答"], answers))
    parts.append('<p class="oh-note">ohayami 診断チャート（質問文はガイドの各タイプの悩みから作成）。'
                 "出典：内閣府『お悩みタイプ別「初めの一手」』</p></div>")
    return page(f"診断チャートの結果 {who}", "".join(parts))
