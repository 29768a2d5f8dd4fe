"""One-page printable sheets of the worksheets (A4 portrait), built from the models' display frames.

Like :mod:`ohayami.reports`, every piece of text goes through :mod:`ohayami.html`'s escaping; the
page is meant to be handed to a manager or an expert, so it fits one sheet of paper: a compact print
style (9 pt body text), tables planned for the page width by :func:`ohayami.html.fit_table`, figures
drawn at their printed size, and the guide's words quoted with their source. What a manager does not
need on the page (a long list's tail, every open point) is in the worksheet's Excel, and the sheet
says so; a table that is long by nature (a town's 40 tasks) breaks between rows, repeats its header on
the next page, and the sheet says that it continues.
"""

from __future__ import annotations

import pandas as pd

from .formats import now_jst
from .html import STYLE, esc, fit_table, planned_lines, ul

# the printable area of A4 portrait at 12 mm margins is 186 × 273 mm; the figures are drawn at the
# printed width so that their 9–11 pt labels print at that size
PRINT_WIDTH_IN = 6.9
A4_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title>{style}
<style>@page {{ size: A4 portrait; margin: 12mm; }} body {{ margin: 0 auto; padding: 1em; }}
.oh-sheet table.oh-table {{ width: 100%; }}
.oh-sheet table.oh-table thead {{ display: table-header-group; }}
.oh-sheet table.oh-table tr, .oh-sheet img {{ break-inside: avoid; }}
.oh-sheet table.oh-facts th {{ font-weight: normal; }}
.oh-sheet img.oh-figure {{ display: block; max-width: 100%; height: auto; margin: 0.2em 0; }}
.oh-sheet .oh-meta {{ margin: 0 0 0.3em; }}
@media print {{ body {{ padding: 0; }}
  .oh.oh-sheet {{ font-size: 9pt; line-height: 1.35; }} .oh.oh-sheet h2 {{ font-size: 14pt; margin: 0 0 0.15em; }}
  .oh.oh-sheet h3 {{ font-size: 10.5pt; margin: 0.5em 0 0.15em; border-left-width: 4px; }}
  .oh.oh-sheet h4 {{ font-size: 9.5pt; margin: 0.3em 0 0.1em; }} .oh.oh-sheet p {{ margin: 0.15em 0; }}
  .oh.oh-sheet ul {{ margin: 0.1em 0; padding-left: 1.4em; }}
  .oh.oh-sheet table.oh-table {{ margin: 0.15em 0; }}
  .oh.oh-sheet table.oh-table th, .oh.oh-sheet table.oh-table td {{ padding: 0.05em 0.3em; }}
  .oh.oh-sheet .oh-note {{ font-size: 9pt; }} .oh.oh-sheet .oh-move {{ font-size: 11pt; }} }}
</style></head><body>{body}</body></html>"""
SOURCE_NOTE = "出典：内閣府『お悩みタイプ別「初めの一手」』"


def a4_page(title: str, body: str) -> str:
    """A standalone one-page (A4 portrait) HTML document; ``body`` must already be escaped."""
    return A4_PAGE.format(title=esc(title), style=STYLE, body=f'<div class="oh oh-sheet">{body}</div>')


def _columns(df: pd.DataFrame, names, numeric) -> tuple[list[str], dict]:
    cols = [str(c) for c in df.columns]
    where = {c: i for i, c in enumerate(cols)}   # by place: a duplicated name picks the last
    return cols, {"names": [where[n] for n in names if n in where],
                  "numeric": None if numeric is None else [where[n] for n in numeric if n in where]}


def _frame(df: pd.DataFrame, names: tuple[str, ...] = (), numeric: tuple[str, ...] | None = None) -> str:
    """A display frame as a table planned for the page width; ``names`` (and ``numeric``) by column name."""
    cols, kw = _columns(df, names, numeric)
    return fit_table(cols, df.values.tolist(), **kw)


# a line of the print style (9 pt at line-height 1.35) and the lines of the printable height (273 mm)
LINE_PX = 9 * 96 / 72 * 1.35
PAGE_LINES = 1031 / LINE_PX
# the parts' heights are summed with their margins, which chromium collapses between neighbours: measured
# against its layout of the sheets, the sum runs 3–5 % high
MARGINS_COLLAPSE = 0.96
NOTE_CHARS = 56      # full-width characters in a line of a note across the page


def _lines(df: pd.DataFrame, names: tuple[str, ...] = (), numeric: tuple[str, ...] | None = None) -> float:
    """About how many print lines :func:`_frame` of ``df`` takes (with the borders and padding of its rows)."""
    cols, kw = _columns(df, names, numeric)
    return sum(planned_lines(cols, df.values.tolist(), **kw)) + 0.14 * (len(df) + 1) + 0.25


HEAD_LINES, H3_LINES, H4_LINES = 3.0, 1.75, 1.4   # the title with its line of facts, a heading, a sub-heading


def _text_lines(*texts: str) -> float:
    """About how many print lines these paragraphs take (with their margins)."""
    return sum(-(-len(t) // NOTE_CHARS) + 0.25 for t in texts)


def _facts_lines(facts) -> float:
    return _lines(pd.DataFrame([list(f) for f in facts], columns=["項目", "内容"])) - 1.14   # no header row


def _continues(lines: float, what: str) -> str:
    """The note, under the sheet's title, for a sheet that runs past one page (about ``lines`` print lines):
    its tables go on to the next page, whole rows and their header repeated."""
    if lines * MARGINS_COLLAPSE <= PAGE_LINES:
        return ""
    return (f'<p class="oh-note oh-continues">{esc(what)}が多いため、このシートは次のページに続きます（表は行の途中で'
            "切れず、見出しは各ページに繰り返します。全体は Excel も参照）。</p>")


def _facts(facts) -> str:
    """(label, text) pairs as a two-column table without a header row."""
    rows = "".join(f'<tr><th style="text-align:left">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in facts)
    return ('<table class="oh-table oh-fit oh-facts"><colgroup><col style="width:24%"><col></colgroup>'
            f"<tbody>{rows}</tbody></table>")


def _head(title: str, workshop: str, extra: list[tuple[str, str]]) -> str:
    now = f"{now_jst():%Y年%m月%d日}"   # the date in Japan, wherever the server runs
    items = [("ワークショップ", workshop), ("作成日", now), *extra]
    return f"<h2>{esc(title)}</h2>" + '<p class="oh-meta">' + "　｜　".join(
        f"{esc(k)}：<b>{esc(v)}</b>" for k, v in items) + "</p>"


def _first(df: pd.DataFrame, limit: int | None, where: str) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows and, when some are left out, a note saying how many and where they are."""
    if limit is None or len(df) <= limit:
        return df, ""
    return df.head(limit), (f'<p class="oh-note">ほか {len(df) - limit} 件（全 {len(df)} 件。全体は Excel の'
                            f"{esc(where)}を参照）。</p>")


def readiness_card_html(model) -> str:
    """The readiness card (escaped HTML): the blocking point, its next action, and the guide's advice
    for it; the merits once all three points are できている. The worksheet's tab shows the same."""
    card = model.card()
    parts = [f'<div class="oh-move">{esc(card.headline)}</div>']
    if card.blocking is not None:
        rec = card.record
        todo = f"次の一手：{rec.next_action}（{rec.due}まで）" if rec.next_action else "次の一手がまだ決まっていません。"
        parts.append(f'<div class="{"oh-error" if card.missing_action else ""}">{esc(todo)}</div>')
        parts.append(f"<h3>ガイドの助言（{esc(card.blocking.label)}）</h3>" + _frame(model.advice_frame(card.blocking)))
    else:
        parts.append("<div>ガイドが挙げるメリット：</div>" + ul(card.merits, "oh-merit"))
    parts.append("".join(f'<p class="oh-note">ガイドの留意点：{esc(c)}</p>' for c in card.cautions))
    return "".join(parts)


def readiness_html(model) -> str:
    """Type A: the three points as recorded, the readiness card and the guide's advice for the
    blocking point, on one page."""
    card = model.card()
    parts = [_head("基本の3ポイント 準備度シート", model.ws.name,
                   [("できているポイント", f"{card.n_done} / {len(model.points)}")]),
             "<h3>準備度</h3>", readiness_card_html(model),
             "<h3>3ポイントの状況</h3>" + _frame(model.points_frame().drop(columns=["ガイドのポイント"]),
                                              names=("ポイント", "誰が")),
             f'<p class="oh-note">ohayami Aタイプ作業台で作成（状態の区分と短い名前は ohayami による）。{SOURCE_NOTE}</p>']
    return a4_page("基本の3ポイント 準備度シート", "".join(parts))


def expert_sheet_html(model) -> str:
    """The body of the 専門家への依頼要件 sheet (escaped HTML); the worksheet's last tab previews it."""
    parts = []
    for title, df in model.sheet_frames().items():
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(_frame(df, names=("項目",)) if len(df) else '<p class="oh-note">（まだありません）</p>')
        if title == "専門家に求める役割・スキル":
            parts.append(f'<p class="oh-note">ガイド：{esc(model.guide_step(1)[1])}</p>')
        elif title == "受入れ環境":
            parts.append(f'<p class="oh-note">ガイドの留意点：{esc(model.acceptance_note())}</p>')
    gaps = model.gaps()
    if gaps:
        parts.append('<h3>まだ足りないこと</h3><div class="oh-error">' + ul(gaps) + "</div>")
    return "".join(parts)


def expert_request_html(model) -> str:
    """Type I: the 専門家への依頼要件 sheet: the request, the roles and skills wanted, the channels
    to use, the acceptance checklist, and what is still missing, on one page."""
    frames, gaps = model.sheet_frames(), model.gaps()
    lines = (HEAD_LINES + H3_LINES * (len(frames) + bool(gaps)) + sum(_lines(df, ("項目",)) for df in frames.values())
             + _text_lines(model.guide_step(1)[1], model.acceptance_note(), *gaps, SOURCE_NOTE))
    parts = [_head("専門家への依頼要件", model.ws.name, [("いつまでに", model.request().due or "—")]),
             _continues(lines, "項目"), expert_sheet_html(model), f'<p class="oh-note">ohayami Iタイプ作業台で作成。{SOURCE_NOTE}</p>']
    return a4_page("専門家への依頼要件", "".join(parts))


# the summary's tables on paper: the first rows (a manager reads the top of a ranking) and the start of a
# long cell; the rest is in the Excel
SUMMARY_ROWS, SUMMARY_CHARS = 3, 40
SUMMARY_NAMES = ("課題", "サービス名", "事業者", "担い手")


def _clip(value: object, chars: int | None) -> object:
    text = str(value)
    return value if chars is None or not isinstance(value, str) or len(text) <= chars else text[:chars - 1] + "…"


def _clipped(df: pd.DataFrame, chars: int | None) -> pd.DataFrame:
    return df if chars is None else df.map(lambda v: _clip(v, chars))


def summary_section_html(section, limit: int | None = None, chars: int | None = None) -> str:
    """One section of the project summary (escaped HTML): its facts, its tables and what is still
    missing; an empty section says where to fill it in. The worksheet's screen shows the same, in
    full; the printout passes ``limit``, the rows of each table it shows, and ``chars``, the start of a
    long text it shows (the rest: see the Excel)."""
    parts = [f"<h3>{esc(section.heading)}</h3>"]
    if section.error:
        return parts[0] + f'<p class="oh-error">{esc(section.error)}</p>'
    if section.part is None:
        return parts[0] + f'<p class="oh-note oh-empty">{esc(section.provider.empty_text)}</p>'
    if section.part.facts:
        parts.append(_facts((k, _clip(v, chars and 2 * chars)) for k, v in section.part.facts))
    for title, df in section.part.tables:
        shown, more = _first(df, limit, f"「{section.title}・{title}」シート")
        parts.append(f"<h4>{esc(title)}</h4>" + _frame(_clipped(shown, chars), names=SUMMARY_NAMES) + more)
    parts.append("".join(f'<p class="oh-note">{esc(_clip(n, chars and 2 * chars))}</p>' for n in section.part.notes))
    return "".join(parts)


def _summary_lines(sections, overview: pd.DataFrame) -> float:
    lines = HEAD_LINES + H3_LINES * (len(sections) + 1) + _lines(overview, ("段階",)) + 1
    for s in sections:
        part = s.part
        if part is None:
            lines += 1
            continue
        lines += _facts_lines((k, _clip(v, 2 * SUMMARY_CHARS)) for k, v in part.facts) if part.facts else 0
        lines += _text_lines(*[_clip(n, 2 * SUMMARY_CHARS) for n in part.notes])
        for _, df in part.tables:
            lines += H4_LINES + _lines(_clipped(df.head(SUMMARY_ROWS), SUMMARY_CHARS), SUMMARY_NAMES) + (len(df) > SUMMARY_ROWS)
    return lines


def project_summary_html(model) -> str:
    """The project summary (問題 → 調査 → 選定 → 体制) on one A4 page for a manager: the chain at a
    glance, then each step's facts and the top of its tables."""
    sections = model.sections()
    overview = _clipped(model.overview_frame(sections), 2 * SUMMARY_CHARS)
    parts = [_head("プロジェクトのまとめ", model.ws.name,
                   [("入力のある段階", f"{sum(s.filled for s in sections)} / {len(sections)}")]),
             _continues(_summary_lines(sections, overview), "入力"),
             "<h3>流れ（問題 → 調査 → 選定 → 体制）</h3>", _frame(overview, names=("段階",)),
             *[summary_section_html(s, SUMMARY_ROWS, SUMMARY_CHARS) for s in sections],
             f'<p class="oh-note">ohayami プロジェクトのまとめで作成（各作業台の入力から）。長い項目は初めの部分だけを'
             f'載せています（全体は Excel を参照）。{SOURCE_NOTE}</p>']
    return a4_page("プロジェクトのまとめ", "".join(parts))


def rfi_sheet_html(model) -> str:
    """The body of the RFI draft (escaped HTML): overview, the questions and the recipients included; the
    type D worksheet's 出力 tab previews it."""
    parts = []
    for title, df in model.rfi_frames().items():
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(_frame(df, names=("項目", "送付先")) if len(df) else '<p class="oh-note">（まだありません）</p>')
    parts.append(f'<p class="oh-note">ガイド※5：{esc(model.rfi_note())}（質問の文は ohayami による）</p>')
    return "".join(parts)


def rfi_html(model) -> str:
    """Type D: the RFI (情報提供依頼書) draft generated from the research log, on one page."""
    purpose, due = model.rfi_info()
    frames = model.rfi_frames()
    lines = (HEAD_LINES + H3_LINES * len(frames) + sum(_lines(df, ("項目", "送付先")) for df in frames.values())
             + _text_lines(model.rfi_note(), SOURCE_NOTE))
    parts = [_head("RFI（情報提供依頼書）の下書き", model.ws.name, [("回答期限", due or "—")]),
             _continues(lines, "質問や送付先"), rfi_sheet_html(model), f'<p class="oh-note">ohayami Dタイプ作業台で作成。{SOURCE_NOTE}</p>']
    return a4_page("RFI（情報提供依頼書）の下書き", "".join(parts))


IMAGE_LINES = 96 / LINE_PX   # the print lines of an inch of a figure


def _mark(i: int) -> str:
    """①, ②, … ⑳ for the criteria's columns, (21), (22) … after."""
    return chr(0x2460 + i) if i < 20 else f"({i + 1})"


def support_html(model) -> str:
    """Types F and G: the decisions by deadline with their reasons, the check results and the criteria's
    points, on one page. The criteria head their columns by number (①, ②…), listed once with their points."""
    title = f"{model.spec.title}の検討結果"
    decisions = model.decisions_frame()
    ranking = model.ranking().drop(columns=["満点"])
    crit = model.criteria_frame()
    marks = {name: _mark(i) for i, name in enumerate(crit["確認項目"])}
    ranking.columns = [marks.get(c, c) for c in ranking.columns]
    # the reasons name the criteria too: by their numbers they stay one or two lines
    for name in sorted(marks, key=len, reverse=True):
        ranking["理由"] = ranking["理由"].astype(str).str.replace(name, marks[name], regex=False)
    points = "　".join(f"{marks[r.確認項目]} {r.確認項目} {r.配点:g}点{'（必須）' if r.必須 == '必須' else ''}"
                      for r in crit.itertuples())
    decided = decisions.drop(columns=["日時（JST）"]).assign(**{"決めた人・日時": [
        f"{a} {t}" for a, t in zip(decisions["決めた人"], decisions["日時（JST）"])]}).drop(columns=["決めた人"])
    lines = (HEAD_LINES + 2 * H3_LINES + _lines(decided, ("支援策",), ()) + _lines(ranking, ("支援策",), ("順位", "点数"))
             + _text_lines(points, model.KIT_NOTE, model.card.cautions[0], SOURCE_NOTE))
    parts = [_head(title, model.ws.name, [("申請する", f"{(decisions['決定'] == '申請する').sum()} 件"),
                                         ("確認した支援策", f"{len(ranking)} 件")]),
             _continues(lines, "支援策や決定"), "<h3>決定（締切の順）</h3>",
             _frame(decided, names=("支援策",), numeric=()) if len(decisions)
             else '<p class="oh-note">（まだ決めていません）</p>',
             "<h3>確認結果</h3>", f'<p class="oh-note">確認項目と配点：{esc(points)}</p>',
             _frame(ranking, names=("支援策",), numeric=("順位", "点数")) if len(ranking)
             else '<p class="oh-note">（まだ支援策がありません）</p>',
             f'<p class="oh-note">{esc(model.KIT_NOTE)}</p>',
             f'<p class="oh-note">ガイドの留意点：{esc(model.card.cautions[0])}</p>',
             f'<p class="oh-note">ohayami {esc(model.kind)}タイプ作業台で作成。{SOURCE_NOTE}</p>']
    return a4_page(title, "".join(parts))


def _figure_img(make, alt: str, height_in: float) -> tuple[str, float]:
    """A figure drawn at the printed width (``make(size=…)``), smaller print fonts, embedded as a PNG
    that prints at that size (never wider than the page); with the print lines it takes."""
    import base64

    import matplotlib

    from .plots import figure_png, setup

    setup()   # before the rc_context, which would undo the kit's style on exit
    dpi = 150
    with matplotlib.rc_context({"font.size": 9.5, "axes.titlesize": 10.5, "axes.labelsize": 9.5}):
        png = figure_png(make(size=(PRINT_WIDTH_IN, height_in)), dpi=dpi)
    width, height = (int.from_bytes(png[i:i + 4], "big") / dpi for i in (16, 20))   # the PNG header's, in inches
    scale = min(1.0, PRINT_WIDTH_IN / width)   # a legend beside the axes may widen it: then it shrinks to the page
    data = base64.b64encode(png).decode("ascii")
    return (f'<img class="oh-figure" alt="{esc(alt)}" style="width:{width * 25.4:.0f}mm"'
            f' src="data:image/png;base64,{data}">', height * scale * IMAGE_LINES + 0.4)


def _warnings(items: list[str], where: str = "", limit: int | None = None, title: str = "確認が必要なこと") -> str:
    """What still needs deciding: the first ``limit`` points, the rest counted and left to the Excel's ``where``."""
    if not items:
        return ""
    limit = len(items) if limit is None else limit
    more = (f'<p class="oh-note">ほか {len(items) - limit} 件（全 {len(items)} 件は Excel の{esc(where)}を参照）。</p>'
            if len(items) > limit else "")
    return f'<h3>{esc(title)}</h3><div class="oh-error">' + ul(items[:limit]) + "</div>" + more


def flow_html(model) -> str:
    """Type B: the implementation flow on one page: the timeline, the stage list (marked as the kit's
    where it is), and the first case interviews (all of them in the Excel)."""
    stages = model.stages_frame()
    table = pd.DataFrame({"順": stages["順"], "段階": stages["段階"],
                          "主な作業": stages["主な作業"].str.replace("\n", "、"), "主導": stages["主導"],
                          "期間": [f"{s}〜{e}（{m}か月）" for s, e, m in zip(stages["開始"], stages["終了"],
                                                                       stages["期間（月）"])],
                          "出所": stages["出所"]})
    height = min(6.0, max(2.0, 0.3 * len(stages) + 1.1))
    shown, more = _first(model.interviews_frame().drop(columns=["ID"]), 3, "「事例の聞き取り」シート")
    order = model.order_warnings()
    figure, figure_lines = _figure_img(model.timeline_figure, "実装の予定（段階ごとの期間）", height)
    lines = (HEAD_LINES + 3 * H3_LINES + figure_lines + _lines(table, ("段階", "期間"), ("順",))
             + _lines(shown, ("誰に", "所属・団体")) + _text_lines(model.KIT_NOTE, SOURCE_NOTE, *order) + bool(more))
    parts = [_head("デジタル実装の基本の流れ", model.ws.name, [("開始年月", model.plan_start() or "—"),
                                                              ("段階の数", str(len(stages)))]),
             _continues(lines, "段階"),
             "<h3>実装の予定</h3>", figure,
             _warnings(order), "<h3>実装の段階</h3>",
             _frame(table, names=("段階", "期間"), numeric=("順",)), f'<p class="oh-note">{esc(model.KIT_NOTE)}</p>']
    parts.append("<h3>事例の聞き取り</h3>" + (_frame(shown, names=("誰に", "所属・団体")) + more if len(shown) else
                                          '<p class="oh-note">（まだありません）</p>'))
    parts.append(f'<p class="oh-note">ohayami Bタイプ作業台で作成。{SOURCE_NOTE}</p>')
    return a4_page("デジタル実装の基本の流れ", "".join(parts))


APPROVAL_BOX = ('<h3>承認欄</h3><table class="oh-table oh-fit"><thead><tr><th>起案</th><th>確認</th><th>承認</th>'
                '<th>日付</th></tr></thead><tbody><tr style="height:16mm"><td></td><td></td><td></td><td></td></tr>'
                '</tbody></table>')
APPROVAL_LINES = H3_LINES + 1.2 + 16 / 25.4 * IMAGE_LINES


def roles_html(model) -> str:
    """Type H: the 体制案 for the 上長's approval on one page: the organisation chart, the RACI matrix
    (owners by number, listed above it), the communication rules, the first points still to decide (all of
    them in the Excel), and an approval box. A matrix of many tasks goes on to a second page."""
    owners = model.owners_frame()
    numbers = [f"{i}" for i in range(1, len(owners) + 1)]   # by place: two owners may even share a name
    matrix = model.matrix_frame(short=True)
    matrix.columns = ["段階", "作業", *numbers]
    legend = "　".join(f"{n} {name}（{kind}）" for n, name, kind in zip(numbers, owners["担い手"], owners["区分"]))
    n_rows = owners["区分"].nunique() + len(owners)   # the chart's rows: a heading per kind, then its owners
    height = min(5.5, max(1.8, 0.28 * max(n_rows, len(model.stage_names()), 1) + 0.6))
    rules, warnings = model.rules_frame().drop(columns=["ID"]), model.warnings()
    figure, figure_lines = _figure_img(model.org_chart_figure, "体制図（案）", height)
    lines = (HEAD_LINES + (3 + bool(warnings)) * H3_LINES + figure_lines + _lines(matrix, ("段階",), ())
             + _lines(rules, ("会議体",)) + _text_lines(legend, model.RACI_NOTE, *warnings[:3], SOURCE_NOTE)
             + (len(warnings) > 3) + APPROVAL_LINES)
    parts = [_head("体制案（役割分担）", model.ws.name, [("担い手", f"{len(owners)}"), ("作業", f"{len(matrix)}")]),
             _continues(lines, "作業"), "<h3>体制図</h3>", figure,
             "<h3>役割分担（R 実行・A 責任・C 相談・I 報告）</h3>",
             f"<p>列の番号と担い手：{esc(legend)}</p>" if legend else '<p class="oh-note">担い手はまだいません。</p>',
             _frame(matrix, names=("段階",), numeric=()) if len(matrix) else '<p class="oh-note">（まだ作業がありません）</p>',
             f'<p class="oh-note">{esc(model.RACI_NOTE)}</p>', "<h3>コミュニケーションルール</h3>"]
    parts.append(_frame(rules, names=("会議体",)) if len(rules) else '<p class="oh-note">（まだありません）</p>')
    parts.append(_warnings(warnings, "「確認事項」シート", limit=3))
    parts.append(APPROVAL_BOX)
    parts.append(f'<p class="oh-note">ohayami Hタイプ作業台で作成。{SOURCE_NOTE}</p>')
    return a4_page("体制案（役割分担）", "".join(parts))
