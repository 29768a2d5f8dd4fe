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


def _img(fig) -> str:
    import base64

    from .ui.common import figure_png

    return f'<img alt="図" style="max-width:100%" src="data:image/png;base64,{base64.b64encode(figure_png(fig)).decode()}">'


def problems_report_html(model, figures: bool = True) -> str:
    """The type C report: why these problems were chosen, for a manager."""
    import math

    from . import plots
    from .problems import ANALYSIS_FIELDS, ANALYSIS_LABELS, VISION_FIELDS, VISION_LABELS
    from .workbench import WEIGHT_METHODS

    ws = model.ws
    res = model.results()
    crit = model.criteria()
    p = model.problems().set_index("problem_id")
    visions = model.visions()
    total_w = crit["weight"].sum()
    labels = crit.set_index("criterion_id")["name"].to_dict()
    now = datetime.now().strftime("%Y年%m月%d日")
    parts = ['<div class="oh">', "<h2>解決すべき課題の絞り込み 報告書</h2>",
             table(["ワークショップ", "作成日", "候補の課題", "採点した人"],
                   [(ws.name, now, f"{len(p)} 件", f"{len(set(model.scores()['evaluator']))} 人")]),
             "<h3>1. 進め方</h3>",
             "<p>内閣府『お悩みタイプ別「初めの一手」』のCタイプ（デジタル実装が目的化し、課題の洗い出し・原因特定・優先順位付けが"
             "手薄になっている）の初めの一手「もっと良くなってほしい生活のワンシーンを考えよう」に沿って、"
             "課題洗い出し → 課題分析・絞り込み → 実現したい地域像の設定 の順に進めました。</p>",
             "<h3>2. 評価項目と重み</h3>",
             f"<p>重みの決め方：{esc(WEIGHT_METHODS.get(ws.setting('C_weight_method', 'direct'), ''))}。"
             f"{esc(ws.setting('C_weight_message', ''))}</p>",
             table(["評価項目", "説明", "向き", "尺度", "重み", "割合"],
                   [(r.name, r.description, "高いほど良い" if r.direction == "higher" else "低いほど良い", r.scale,
                     f"{r.weight:g}", f"{r.weight / total_w:.0%}" if total_w else "") for r in crit.itertuples()])]
    if res is None:
        parts.append("<p>まだ結果がありません。</p></div>")
        return page("課題の絞り込み 報告書", "".join(parts))
    short = model.shortlist(res)
    cut = model.cut_line()
    t = res.table
    parts.append(f"<h3>3. 選んだ課題（{esc(cut.describe())}：{len(short)} 件）</h3>")
    parts.append("<p>参加者の採点を平均し、重みを掛けて合計した点数の高い順に並べ、上の基準で絞り込みました。</p>")
    for a in short:
        r = t.loc[a]
        top = res.breakdown.loc[a].sort_values(ascending=False).head(2)
        strengths = "、".join(f"{labels[c]}（{v:.1f}点）" for c, v in top.items() if v > 0)
        parts.append(f'<div class="oh-step"><h4>{int(r["rank"])}位　{esc(r["name"])}（{r["total"]:.2f} 点）</h4>')
        parts.append(f"<div>点数を押し上げた評価項目：{esc(strengths) or '—'}</div>")
        parts.append(f"<div>出どころ：{esc(p.loc[a, 'origin']) or '—'}　生活のワンシーン：{esc(p.loc[a, 'scene']) or '—'}</div>")
        parts.append(table(list(ANALYSIS_LABELS.values()), [[p.loc[a, f] for f in ANALYSIS_FIELDS]]))
        if model.analysis_status(p.loc[a].to_dict()) == "empty":
            parts.append('<div class="oh-error">課題分析が未記入です（具体化が不十分）。</div>')
        if a in visions.index:
            parts.append("<div><b>実現したい地域像</b></div>" +
                         table(list(VISION_LABELS.values()), [[visions.loc[a, f] or "" for f in VISION_FIELDS]]))
        parts.append("</div>")
    rest = res.ranking
    below = [a for a in rest.index if a not in short and t.loc[a, "selectable"]][:5]
    if below:
        parts.append("<h3>4. 惜しくも選ばなかった課題</h3>" + table(
            ["順位", "課題", "合計点"], [(int(t.loc[a, "rank"]), t.loc[a, "name"], f"{t.loc[a, 'total']:.2f}") for a in below]))
    out = [a for a in rest.index if not t.loc[a, "selectable"]]
    if out:
        parts.append("<h3>5. 検討から外した・まだ比べられない課題</h3>" + table(
            ["課題", "理由"], [(t.loc[a, "name"], "／".join(t.loc[a, "reasons"])) for a in out]))
    sp = res.spread[res.spread.alternative_id.isin(short)].sort_values("disagreement", ascending=False).head(5)
    sp = sp[sp.disagreement > 0]
    if len(sp):
        parts.append("<h3>6. 参加者の意見が分かれた点</h3>" + table(
            ["課題", "評価項目", "最低", "最高"],
            [(t.loc[r.alternative_id, "name"], labels[r.criterion_id], f"{r.min:.1f}", f"{r.max:.1f}") for r in sp.itertuples()
             if not math.isnan(r.min)]))
    if figures:
        parts.append("<h3>図：ランキングと評価項目ごとの内訳</h3>" + _img(plots.ranked_contributions(t, res.breakdown, labels)))
    parts.append('<p class="oh-note">ohayami Cタイプ作業台で作成。出典：内閣府『お悩みタイプ別「初めの一手」』</p></div>')
    return page("課題の絞り込み 報告書", "".join(parts))
