"""The app's own pages as plain HTML strings: landing, join (with its QR code), login, not found.

Self-contained (inline style, inline SVG): nothing is fetched from another server, so the pages
work on a closed network. Every piece of text goes through :func:`ohayami.html.esc`.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from ..html import esc
from .address import PARAM
from .workshops import WorkshopEntry

_CSS = """
body { font-family: "Noto Sans CJK JP", "IPAexGothic", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
       font-size: 18px; line-height: 1.6; color: #1a1a1a; margin: 0; background: #f6f8fa; }
main { max-width: 56em; margin: 0 auto; padding: 1.5em; background: #fff; min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 28px; margin: 0.2em 0 0.6em; }
h2 { font-size: 22px; border-left: 6px solid #0072B2; padding-left: 0.4em; margin: 1.2em 0 0.4em; }
a { color: #005a8c; }
ul.oh-pages { list-style: none; padding: 0; }
ul.oh-pages li { margin: 0.4em 0; }
ul.oh-pages a { display: block; padding: 0.7em 1em; border: 1px solid #c8d1da; border-radius: 8px;
                text-decoration: none; font-size: 20px; }
ul.oh-pages a:hover, ul.oh-pages a:focus { background: #eef5fb; }
table { border-collapse: collapse; } td, th { padding: 0.3em 0.8em; border-bottom: 1px solid #dde; text-align: left; }
.oh-join { text-align: center; }
.oh-join .oh-qr svg { display: block; margin: 0 auto; width: min(70vh, 100%); height: auto; }
.oh-join .oh-address { font-size: 26px; font-weight: bold; word-break: break-all; }
.oh-code { font-family: monospace; font-size: 1.4em; letter-spacing: 0.15em; }
label { display: block; margin: 0.6em 0 0.2em; }
input[type=password] { font-size: 20px; padding: 0.3em; width: 16em; max-width: 90%; }
button { font-size: 20px; padding: 0.4em 1.4em; margin-top: 0.8em; }
.oh-error { color: #b00020; font-weight: bold; }
"""


def page(title: str, body: str) -> str:
    """A whole Japanese HTML page around ``body`` (already escaped HTML)."""
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{esc(title)}</title><style>{_CSS}</style></head>'
            f"<body><main>{body}</main></body></html>")


def _notebook(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def notebook_title(path: Path) -> str:
    """A notebook's title as participants should read it: its metadata title, else its first heading,
    else its name without number and extension."""
    nb = _notebook(path)
    title = (nb.get("metadata") or {}).get("title")
    if title:
        return str(title)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", []))
            for line in src.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem.lstrip("0123456789_").replace("_", " ")


def needs_workshop(path: Path) -> bool:
    """Whether a notebook's page serves a workshop (its code reads the page address, see
    :mod:`ohayami.app.address`): in the app it opens only from a join code."""
    return any(cell.get("cell_type") == "code" and "ohayami.app.address" in "".join(cell.get("source", []))
               for cell in _notebook(path).get("cells", []))


def render_path(notebook: str, code: str | None = None) -> str:
    """The Voilà address of a notebook's page, with the workshop's join code when given."""
    url = f"/voila/render/{quote(notebook)}"
    return f"{url}?{PARAM}={quote(code)}" if code else url


# kinds whose join address leads to the participant page (ohayami.participant.KINDS; kept here too so
# that the launcher need not import the models to print an address; a test keeps the two equal)
PARTICIPANT_KINDS = ("C", "E")


def participant_path(code: str) -> str:
    """The address of a type C or E workshop's participant page (see :mod:`.participants`)."""
    return f"/p/{quote(code, safe='')}"


PROJECTOR = "04_projector.ipynb"   # the results on a projector (type C and type E workshops)


def _projector_link(base: str, entry: WorkshopEntry) -> str:
    if entry.kind not in ("C", "E"):
        return ""
    return f'<a href="{esc(base + render_path(PROJECTOR, entry.code))}" target="_blank">結果を投影</a>'


def _participant_link(base: str, entry: WorkshopEntry) -> str:
    if entry.kind not in PARTICIPANT_KINDS:
        return ""
    return f'<a href="{esc(base + participant_path(entry.code))}">参加者のページ</a>'


def landing(base_url: str, notebooks: list[Path], workshops: list[WorkshopEntry]) -> str:
    """The app's front page: the workshops with their pages, then the pages that need no workshop.

    A worksheet is never linked without a join code: in the app such a page opens nothing."""
    base = base_url.rstrip("/")
    free = [p for p in notebooks if not needs_workshop(p)]
    items = "".join(f'<li><a href="{esc(base + render_path(p.name))}">{esc(notebook_title(p))}</a></li>'
                    for p in free)
    body = ("<h1>デジタル実装ワークショップ・キット</h1>"
            "<p>開きたいページを選んでください。</p>")
    joinable = [w for w in workshops if w.code]
    if joinable:
        rows = "".join(
            f"<tr><td>{esc(w.name)}</td><td>{esc(w.kind_label)}</td><td>{esc(w.date)}</td>"
            f'<td><a href="{esc(base + render_path(w.notebook, w.code))}">ページを開く</a></td>'
            f"<td>{_participant_link(base, w)}</td>"
            f'<td><a href="{esc(base)}{esc(workshop_path(w.code))}">作業台の一覧</a></td>'
            f'<td><a href="{esc(base)}/join/{esc(w.code)}">参加用QRコード</a></td>'
            f"<td>{_projector_link(base, w)}</td></tr>" for w in joinable)
        body += ("<h2>ワークショップ</h2><table><thead><tr><th>名前</th><th>種類</th><th>日付</th>"
                 f"<th></th><th></th><th></th><th></th></tr></thead><tbody>{rows}</tbody></table>"
                 "<p>作業台は、ワークショップの「ページを開く」か「作業台の一覧」から開きます"
                 "（参加コードのないアドレスでは開きません）。</p>")
    else:
        body += ("<h2>ワークショップ</h2><p>ワークショップがまだありません。作業台は、ワークショップを作ってから"
                 "その参加コードで開きます。ワークショップは起動するときに作れます（練習にも使えます）：</p>"
                 "<p><code>python3 run.py app --workshop 練習 --kind C</code></p>"
                 "<p>参加者と共有するときは <code>--share</code> を付けてください。</p>")
    if free:
        body += f'<h2>ワークショップを選ばずに開けるページ</h2><ul class="oh-pages">{items}</ul>'
    return page("デジタル実装ワークショップ・キット", body)


def workshop_path(code: str) -> str:
    """The address of a workshop's own page (every worksheet of the workshop)."""
    return f"/ws/{quote(code, safe='')}"


def workshop(base_url: str, entry: WorkshopEntry, kinds: dict[str, tuple[str, str]]) -> str:
    """A workshop's page: every worksheet the kit has, each opening on this workshop (one workshop
    file holds them all), the workshop's own kind first."""
    base = base_url.rstrip("/")
    order = sorted(kinds, key=lambda k: k != entry.kind)
    items = "".join(f'<li><a href="{esc(base + render_path(kinds[k][1], entry.code))}">{esc(kinds[k][0])}</a></li>'
                    for k in order)
    if entry.kind in PARTICIPANT_KINDS:   # what the QR code opens: name and scoring, no kernel
        items = (f'<li><a href="{esc(base + participant_path(entry.code))}">参加者のページ（名前・採点'
                 f'{"・課題を出す" if entry.kind == "C" else "・感覚的な順位"}）</a></li>') + items
    body = (f"<h1>{esc(entry.name)}</h1><p>{esc(entry.kind_label)}　{esc(entry.date)}　参加コード："
            f'<span class="oh-code">{esc(entry.code)}</span></p>'
            "<p>このワークショップの作業台です。どの作業台の入力も、このワークショップのファイルに保存されます。</p>"
            f'<h2>作業台</h2><ul class="oh-pages">{items}</ul>'
            f'<p><a href="{esc(base)}/join/{esc(entry.code)}">参加用QRコード</a>　<a href="{esc(base)}/">最初のページへ</a></p>')
    return page(f"作業台の一覧：{entry.name}", body)


def join_url(public_base: str, code: str, token: str | None) -> str:
    """The short address a participant opens (and the QR code holds)."""
    url = f"{public_base.rstrip('/')}/j/{quote(code)}"
    return f"{url}?token={quote(token)}" if token else url


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` (segno, error correction M so a projector's glare is forgiven)."""
    import segno  # only the join page needs it

    return segno.make(url, error="m", micro=False).svg_inline(scale=10, border=2, title="参加用QRコード")


def join(entry: WorkshopEntry, url: str) -> str:
    """The page the facilitator projects: the workshop, a QR code and the address to type."""
    body = (f'<div class="oh-join"><h1>{esc(entry.name)}</h1>'
            f"<p>{esc(entry.kind_label)}　{esc(entry.date)}</p>"
            f'<div class="oh-qr">{qr_svg(url)}</div>'
            "<p>スマートフォンやパソコンのカメラでQRコードを読み取るか、ブラウザーに次のアドレスを入力してください。</p>"
            f'<p class="oh-address">{esc(url)}</p>'
            f'<p>参加コード：<span class="oh-code">{esc(entry.code)}</span></p></div>')
    return page(f"参加のご案内：{entry.name}", body)


def login(action: str, xsrf_html: str, next_url: str, failed: bool) -> str:
    """The page a visitor without the workshop's token sees."""
    error = ('<p class="oh-error" role="alert">合言葉（トークン）が違います。もう一度確かめてください。</p>'
             if failed else "")
    body = ("<h1>ワークショップに参加する</h1>"
            "<p>このページを開くには、ファシリテーターが配ったQRコードかアドレスから開き直してください。"
            "アドレスの最後にある <code>token=</code> の後ろの文字（合言葉）を下に入力しても入れます。</p>"
            f'{error}<form action="{esc(action)}?next={esc(quote(next_url, safe="/"))}" method="post">{xsrf_html}'
            '<label for="password_input">合言葉（トークン）</label>'
            '<input type="password" name="password" id="password_input" autocomplete="off" autofocus>'
            '<br><button type="submit" id="login_submit">入る</button></form>')
    return page("ワークショップに参加する", body)


def not_found(message: str) -> str:
    """A Japanese 404 page."""
    return page("ページが見つかりません", f'<h1>ページが見つかりません</h1><p class="oh-error">{esc(message)}</p>'
                '<p><a href="/">最初のページへ</a></p>')
