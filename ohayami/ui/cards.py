"""The type card: everything the guide gives for one trouble type, as escaped HTML."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, quote

import pandas as pd

from ..guide import PROGRAMME_SUMMARY_MARK, TypeCard, type_card
from ..html import STYLE, esc, table, ul

WORKBENCH_NAMES = {
    "02_type_c_problems.ipynb": "Cタイプ作業台（課題の洗い出し・絞り込み・地域像）",
    "03_type_e_vendors.ipynb": "Eタイプ作業台（評価項目・重みづけ・サービス比較）",
    "10_type_a_readiness.ipynb": "Aタイプ作業台（基本の3ポイント・準備度カード）",
    "18_type_i_experts.ipynb": "Iタイプ作業台（専門家への依頼要件）",
    "13_type_d_research.ipynb": "Dタイプ作業台（取組事例・サービスの調査ログ・RFI）",
    "15_type_f_funding.ipynb": "Fタイプ作業台（財源の支援策の収集・確認・決定）",
    "16_type_g_people.ipynb": "Gタイプ作業台（人材の支援策の収集・確認・決定）",
    "11_type_b_flow.ipynb": "Bタイプ作業台（事例の聞き取り・実装の段階一覧・タイムライン）",
    "17_type_h_roles.ipynb": "Hタイプ作業台（作業・担い手・役割分担・体制図・体制案）",
}
# The page address's parameters, as ohayami.app.address reads them (a test keeps the two equal; the
# app's layer sits above the views, so the words are repeated here rather than imported).
JOIN_PARAM, NAME_PARAM = "w", "workshop"
# A link that looks like a button: the card's way into the worksheet must not read as a footnote.
OPEN_STYLE = ("display:inline-block;padding:0.5em 1.2em;margin:0.4em 0;border-radius:6px;background:#0072B2;"
              "color:#fff;font-size:20px;font-weight:bold;text-decoration:none")


def joined_code(query: str | None = None) -> str | None:
    """The join code this page was opened with (``?w=…``), or None.

    Voilà hands each page's kernel the page's query string as ``$QUERY_STRING``; JupyterLab has none.
    The notebook already opened the workshop from the same code (or refused it), so links that carry
    it open the same workshop."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    values = parse_qs(query or "", keep_blank_values=True).get(JOIN_PARAM)
    return values[-1] if values and values[-1] else None


def notebook_href(notebook: str, workshop: str | None = None, code: str | None = None) -> str:
    """The address of a notebook next to the current one, carrying the workshop: the join code
    (``?w=…``) when the page was joined with one, else the workshop's name (``?workshop=…``).

    Relative on purpose: the app shows a notebook at ``/voila/render/<nb>`` and JupyterLab at
    ``/lab/tree/<nb>``, so the bare name resolves to the sibling notebook in either (an absolute
    address would suit only one of them)."""
    if code:
        return f"{notebook}?{JOIN_PARAM}={quote(code, safe='')}"
    return notebook + (f"?{NAME_PARAM}={quote(workshop, safe='')}" if workshop else "")


def notebook_link(notebook: str, workshop: str | None = None, code: str | None = None) -> str:
    """An escaped link to a sibling notebook that opens in a new browser tab, the page left as it is.
    It reads as the worksheet's name: participants never see a file or notebook name."""
    return (f'<a href="{esc(notebook_href(notebook, workshop, code))}" target="_blank">'
            f"<b>{esc(WORKBENCH_NAMES.get(notebook, '作業台を開く'))}</b></a>")


def open_button(notebook: str, workshop: str | None = None, code: str | None = None,
                label: str = "この作業台を開く") -> str:
    """A prominent, button-like link to a worksheet on the same workshop (a new browser tab)."""
    return (f'<a class="oh-open" href="{esc(notebook_href(notebook, workshop, code))}" target="_blank" '
            f'style="{OPEN_STYLE}">{esc(label)}</a>')


def with_page_refs(text: str, pages: pd.DataFrame, workshop: str | None = None, code: str | None = None) -> str:
    """``text`` escaped, each of the guide's page references (「本書p.48」) followed by where the kit keeps
    that page: a relative notebook link (works in JupyterLab and Voilà alike) or a plain note."""
    html = esc(text)
    for r in pages.itertuples():
        ref = esc(r.ref)
        if ref not in html:
            continue
        link = f"：{notebook_link(r.link, workshop, code)}" if r.link else ""
        note = (f'<span class="oh-note" title="{esc(r.guide_place)}">（→ ohayami では：{esc(r.kit_place)}{link}）</span>')
        html = html.replace(ref, ref + note)
    return html


def _steps(card: TypeCard, workshop: str | None, code: str | None) -> str:
    label = "ポイント" if card.type_id == "A" else "Step"
    return "".join(
        f'<div class="oh-step"><h4>{esc(label)}{int(r.step_no)}：{esc(r.title)}</h4>'
        f"<div>{with_page_refs(r.text, card.page_refs, workshop, code)}</div></div>"
        for r in card.steps.itertuples())


def _cases(card: TypeCard) -> str:
    out = []
    for c in card.cases.itertuples():
        reading = f"（{esc(c.reading)}）" if c.reading else ""
        prog = f"<div>【{esc(c.programme)}】</div>" if c.programme else ""
        src = f'<div class="oh-note">出典：{esc(c.source)}</div>' if c.source else ""
        out.append(f"<h4>{esc(c.prefecture)}{esc(c.municipality)}{reading}</h4>{prog}{ul(c.text)}{src}")
    return "".join(out)


def _extras(card: TypeCard) -> str:
    ex = card.extras
    out = []
    if "points" in ex:
        out.append("<h3>基本の3ポイント（押さえていないとどうなるか・押さえるための対応）</h3>")
        for p in ex["points"]:
            out.append(
                f'<div class="oh-step"><h4>ポイント{esc(p["number"])}：{esc(p["title"])}</h4>'
                f"<div>{esc(p['point'])}</div>"
                f"<h4>押さえたい点：{esc(p['pitfall_title'])}</h4><div>{esc(p['pitfall'])}</div>"
                f"<h4>押さえるための対応：{esc(p['how_title'])}</h4>{ul(p['how'])}"
                f"<h4>参考となる事例：押さえていないとどうなるか</h4>{ul(p['case_failures'])}"
                f"<h4>参考となる事例：押さえるための対応</h4>{ul(p['case_actions'])}</div>")
    if "failure_column" in ex:
        fc = ex["failure_column"]
        out.append(f"<h3>{esc(fc['title'])}</h3>{ul(fc['intro'])}<h4>サービス(システム)選定の失敗パターン</h4>")
        for i, pat in enumerate(fc["patterns"], start=1):
            out.append(f"<h4>{i}. {esc(pat['title'])}</h4>{ul(pat['points'])}")
        out.append(f"<h4>サービス(システム)選定の失敗事例</h4>{ul(fc['cases'])}")
    if "programmes" in ex:
        out.append(_programmes(card.type_id, ex["programmes"]))
    if "expert_examples" in ex:
        out.append("<h3>専門家の活用事例</h3>")
        out.append(table(["分類", "内容"], [(e["category"], e["text"]) for e in ex["expert_examples"]]))
    return "".join(out)


def _programmes(type_id: str, programmes: list[dict]) -> str:
    title = "財源の支援策" if type_id == "F" else "人材の支援策一覧"
    ours = [p["source"] == "ohayami" for p in programmes]
    out = [f"<h3>{esc(title)}</h3>"]
    if all(ours):
        out.append(f'<div class="oh-note">{esc(PROGRAMME_SUMMARY_MARK)}</div>')
    header = ["制度", "所管", "概要"]
    rows = [[p["name"], p["ministry"], p["description"] + (f"（{PROGRAMME_SUMMARY_MARK}）" if mine and not all(ours) else "")]
            for p, mine in zip(programmes, ours)]
    if any(p["link"] for p in programmes):  # the guide's LINK column, where it holds words (「各自治体HP」)
        header.append("参照先")
        for row, p in zip(rows, programmes):
            row.append(p["link"])
    out.append(table(header, rows))
    return "".join(out)


def _references(card: TypeCard) -> str:
    rows = []
    for r in card.references.itertuples():
        if r.scope == "chapter4":
            rows.append((r.title, r.publisher, f"{r.summary}\n活用方法：{r.how_to_use}"))
        else:
            rows.append((r.title, "", r.summary))
    return table(["資料", "発行", "内容"], rows) if rows else ""


def card_html(card: TypeCard | str, *, with_style: bool = True, workshop: str | None = None,
              code: str | None = None) -> str:
    """The full card as HTML; every guide and user text is escaped. Links to a workbench notebook
    carry the join ``code`` when given, else ``workshop``, so it opens on the same workshop."""
    if isinstance(card, str):
        card = type_card(card)
    parts = [STYLE if with_style else "", '<div class="oh">']
    parts.append(f"<h2>{esc(card.name)}の悩み</h2>")
    parts.append(f'<div class="oh-trouble">{ul(card.trouble_items)}</div>')
    if card.thoughts:
        parts.append('<div class="oh-thought">' + "".join(f"<div>「{esc(t)}」</div>" for t in card.thoughts) + "</div>")
    parts.append("<h3>初めの一手</h3>")
    if card.first_move_note:
        parts.append(f"<div>{esc(card.first_move_note)}</div>")
    parts.append(f'<div class="oh-move">{esc(card.first_move)}</div>')
    if card.workbench:
        name = WORKBENCH_NAMES.get(card.workbench, card.workbench)
        parts.append(f'<div class="oh-trouble">{open_button(card.workbench, workshop, code)}'
                     f"<div>この初めの一手は {esc(name)} で実際に進められます"
                     f"（同じワークショップのファイルに保存されます）。</div></div>")
    parts.append(_steps(card, workshop, code))
    parts.append("<h3>メリット（悩みを解消することによる）</h3>" + ul(card.merits, "oh-merit"))
    parts.append("<h3>デメリット（解消しないままにしておくことによる）</h3>" + ul(card.risks, "oh-risk"))
    if card.cautions:
        parts.append("<h3>留意点</h3>" + ul(card.cautions))
    if len(card.cases):
        parts.append("<h3>参考となる事例</h3>" + _cases(card))
    parts.append(_extras(card))
    refs = _references(card)
    if refs:
        parts.append("<h3>関連資料</h3>" + refs)
    parts.append("</div>")
    return "".join(parts)
