"""One-page printable sheets of the worksheets (A4 portrait), built from the models' display frames.

Like :mod:`ohayami.reports`, every piece of text goes through :mod:`ohayami.html`'s escaping; the
page is meant to be handed to a manager or an expert, so it fits one sheet of paper: a smaller print
font, compact tables, and the guide's words quoted with their source.
"""

from __future__ import annotations

import pandas as pd

from .formats import now_jst
from .html import STYLE, esc, table, ul

A4_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title>{style}
<style>@page {{ size: A4 portrait; margin: 12mm; }} body {{ margin: 0 auto; padding: 1em; }}
.oh-sheet table.oh-table {{ width: 100%; }}
@media print {{ .oh-sheet {{ font-size: 9.5pt; line-height: 1.4; }} .oh-sheet h2 {{ font-size: 15pt; }}
  .oh-sheet h3 {{ font-size: 11.5pt; margin: 0.5em 0 0.2em; }} .oh-sheet table.oh-table th,
  .oh-sheet table.oh-table td {{ padding: 0.15em 0.4em; }} .oh-sheet .oh-note {{ font-size: 8.5pt; }} }}
</style></head><body>{body}</body></html>"""
SOURCE_NOTE = "出典：内閣府『お悩みタイプ別「初めの一手」』"


def a4_page(title: str, body: str) -> str:
    """A standalone one-page (A4 portrait) HTML document; ``body`` must already be escaped."""
    return A4_PAGE.format(title=esc(title), style=STYLE, body=f'<div class="oh oh-sheet">{body}</div>')


def _frame(df: pd.DataFrame) -> str:
    return table(list(df.columns), df.values.tolist())


def _head(title: str, workshop: str, extra: list[tuple[str, str]]) -> str:
    now = f"{now_jst():%Y年%m月%d日}"   # the date in Japan, wherever the server runs
    return f"<h2>{esc(title)}</h2>" + table(["ワークショップ", "作成日", *[k for k, _ in extra]],
                                            [[workshop, now, *[v for _, v in extra]]])


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
             "<h3>3ポイントの状況</h3>" + _frame(model.points_frame().drop(columns=["ガイドのポイント"])),
             f'<p class="oh-note">ohayami Aタイプ作業台で作成（状態の区分と短い名前は ohayami による）。{SOURCE_NOTE}</p>']
    return a4_page("基本の3ポイント 準備度シート", "".join(parts))


def expert_sheet_html(model) -> str:
    """The body of the 専門家への依頼要件 sheet (escaped HTML); the worksheet's last tab previews it."""
    parts = []
    for title, df in model.sheet_frames().items():
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(_frame(df) if len(df) else '<p class="oh-note">（まだありません）</p>')
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
    parts = [_head("専門家への依頼要件", model.ws.name, [("いつまでに", model.request().due or "—")]),
             expert_sheet_html(model), f'<p class="oh-note">ohayami Iタイプ作業台で作成。{SOURCE_NOTE}</p>']
    return a4_page("専門家への依頼要件", "".join(parts))


def summary_section_html(section) -> str:
    """One section of the project summary (escaped HTML): its facts, its tables and what is still
    missing; an empty section says where to fill it in. The worksheet's screen shows the same."""
    parts = [f"<h3>{esc(section.heading)}</h3>"]
    if section.error:
        return parts[0] + f'<p class="oh-error">{esc(section.error)}</p>'
    if section.part is None:
        return parts[0] + f'<p class="oh-note oh-empty">{esc(section.provider.empty_text)}</p>'
    if section.part.facts:
        parts.append(table(["項目", "内容"], [list(f) for f in section.part.facts]))
    for title, df in section.part.tables:
        parts.append(f"<h4>{esc(title)}</h4>" + _frame(df))
    parts.append("".join(f'<p class="oh-note">{esc(n)}</p>' for n in section.part.notes))
    return "".join(parts)


def project_summary_html(model) -> str:
    """The project summary (問題 → 調査 → 選定 → 体制) on one A4 page for a manager."""
    sections = model.sections()
    parts = [_head("プロジェクトのまとめ", model.ws.name,
                   [("入力のある段階", f"{sum(s.filled for s in sections)} / {len(sections)}")]),
             "<h3>流れ（問題 → 調査 → 選定 → 体制）</h3>", _frame(model.overview_frame(sections)),
             *[summary_section_html(s) for s in sections],
             f'<p class="oh-note">ohayami プロジェクトのまとめで作成（各作業台の入力から）。{SOURCE_NOTE}</p>']
    return a4_page("プロジェクトのまとめ", "".join(parts))
def rfi_sheet_html(model) -> str:
    """The body of the RFI draft (escaped HTML): overview, the questions and the recipients included; the
    type D worksheet's 出力 tab previews it."""
    parts = []
    for title, df in model.rfi_frames().items():
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(_frame(df) if len(df) else '<p class="oh-note">（まだありません）</p>')
    parts.append(f'<p class="oh-note">ガイド※5：{esc(model.rfi_note())}（質問の文は ohayami による）</p>')
    return "".join(parts)


def rfi_html(model) -> str:
    """Type D: the RFI (情報提供依頼書) draft generated from the research log, on one page."""
    purpose, due = model.rfi_info()
    parts = [_head("RFI（情報提供依頼書）の下書き", model.ws.name, [("回答期限", due or "—")]),
             rfi_sheet_html(model), f'<p class="oh-note">ohayami Dタイプ作業台で作成。{SOURCE_NOTE}</p>']
    return a4_page("RFI（情報提供依頼書）の下書き", "".join(parts))
def support_html(model) -> str:
    """Types F and G: the decisions by deadline with their reasons, the check results and the criteria's
    points, on one page."""
    title = f"{model.spec.title}の検討結果"
    decisions = model.decisions_frame()
    ranking = model.ranking().drop(columns=["満点"])
    crit = model.criteria_frame()
    points = "・".join(f"{r.確認項目} {r.配点:g}点{'（必須）' if r.必須 == '必須' else ''}" for r in crit.itertuples())
    parts = [_head(title, model.ws.name, [("申請する", f"{(decisions['決定'] == '申請する').sum()} 件"),
                                         ("確認した支援策", f"{len(ranking)} 件")]),
             "<h3>決定（締切の順）</h3>",
             _frame(decisions.drop(columns=["日時（JST）"]).assign(**{"決めた人・日時": [
                 f"{a} {t}" for a, t in zip(decisions["決めた人"], decisions["日時（JST）"])]}).drop(columns=["決めた人"]))
             if len(decisions) else '<p class="oh-note">（まだ決めていません）</p>',
             "<h3>確認結果</h3>",
             _frame(ranking) if len(ranking) else '<p class="oh-note">（まだ支援策がありません）</p>',
             f'<p class="oh-note">確認項目と配点：{esc(points)}。{esc(model.KIT_NOTE)}</p>',
             f'<p class="oh-note">ガイドの留意点：{esc(model.card.cautions[0])}</p>',
             f'<p class="oh-note">ohayami {esc(model.kind)}タイプ作業台で作成。{SOURCE_NOTE}</p>']
    return a4_page(title, "".join(parts))
def _figure_img(fig, alt: str) -> str:
    import base64

    from .plots import figure_png

    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return f'<img alt="{esc(alt)}" style="max-width:100%;max-height:85mm" src="data:image/png;base64,{data}">'


def _warnings(items: list[str], title: str = "確認が必要なこと") -> str:
    return f'<h3>{esc(title)}</h3><div class="oh-error">' + ul(items) + "</div>" if items else ""


def flow_html(model) -> str:
    """Type B: the implementation flow on one page: the timeline, the stage list (marked as the kit's
    where it is), and the case interviews."""
    stages = model.stages_frame()
    parts = [_head("デジタル実装の基本の流れ", model.ws.name, [("開始年月", model.plan_start() or "—"),
                                                              ("段階の数", str(len(stages)))]),
             "<h3>実装の予定</h3>", _figure_img(model.timeline_figure(), "実装の予定（段階ごとの期間）"),
             _warnings(model.order_warnings()),
             "<h3>実装の段階</h3>" + _frame(stages.drop(columns=["目的"])),
             f'<p class="oh-note">{esc(model.KIT_NOTE)}</p>']
    interviews = model.interviews_frame().drop(columns=["ID"])
    parts.append("<h3>事例の聞き取り</h3>" + (_frame(interviews) if len(interviews) else
                                          '<p class="oh-note">（まだありません）</p>'))
    parts.append(f'<p class="oh-note">ohayami Bタイプ作業台で作成。{SOURCE_NOTE}</p>')
    return a4_page("デジタル実装の基本の流れ", "".join(parts))


APPROVAL_BOX = ('<h3>承認欄</h3><table class="oh-table" style="width:100%"><tr><th>起案</th><th>確認</th><th>承認</th>'
                '<th>日付</th></tr><tr style="height:18mm"><td></td><td></td><td></td><td></td></tr></table>')


def roles_html(model) -> str:
    """Type H: the 体制案 for the 上長's approval on one page: the owners, the RACI matrix (owners by
    number), the communication rules, the organisation chart, what still needs deciding, and an
    approval box."""
    owners = model.owners_frame()
    numbers = {name: f"{i}" for i, name in enumerate(owners["担い手"], start=1)}
    matrix = model.matrix_frame(short=True)
    matrix.columns = ["段階", "作業", *numbers.values()]   # by place: an owner may be called 「段階」 too
    parts = [_head("体制案（役割分担）", model.ws.name, [("担い手", f"{len(owners)}"), ("作業", f"{len(matrix)}")]),
             "<h3>担い手</h3>" + _frame(pd.DataFrame({"番号": list(numbers.values()), "担い手": owners["担い手"],
                                                    "区分": owners["区分"]})),
             "<h3>役割分担（R 実行・A 責任・C 相談・I 報告）</h3>" + _frame(matrix),
             f'<p class="oh-note">{esc(model.RACI_NOTE)}</p>',
             "<h3>体制図</h3>", _figure_img(model.org_chart_figure(), "体制図（案）"),
             "<h3>コミュニケーションルール</h3>"]
    rules = model.rules_frame().drop(columns=["ID"])
    parts.append(_frame(rules) if len(rules) else '<p class="oh-note">（まだありません）</p>')
    parts.append(_warnings(model.warnings()))
    parts.append(APPROVAL_BOX)
    parts.append(f'<p class="oh-note">ohayami Hタイプ作業台で作成。{SOURCE_NOTE}</p>')
    return a4_page("体制案（役割分担）", "".join(parts))
