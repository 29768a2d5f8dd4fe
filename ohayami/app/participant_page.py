"""The participant page's HTML: one document, its style and script inline, nothing from another server.

The script builds every piece of text with ``textContent`` (never ``innerHTML``), so names, problems
and vendors typed by anyone stay text. It shows only what the server answered it has stored: a tap
saves and then paints the answer; a refused or lost save leaves the stored value on screen with a
Japanese message, and a lost connection says so in a banner until the server answers again.
"""

from __future__ import annotations

import json

from ..html import esc
from ..problems import MAX_TITLE
from ..textio import MAX_NAME
from .pages import _CSS

__all__ = ["page", "problem"]

POLL_MS = 8000   # how often an open page asks again (new problems, vendors or criteria from the facilitator)
WAIT_MS = 45000  # how long a request may take before the page says the connection is lost (the store waits
                 # up to 30 s for a file another program holds)

_STYLE = """
main { max-width: 44em; padding: 1em; }
h1 { font-size: 24px; margin: 0.2em 0; }
h2 { font-size: 21px; }
.oh-sub { color: #444; margin: 0 0 0.6em; }
.oh-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
input[type=text], textarea, select { font-size: 20px; padding: 0.35em; box-sizing: border-box; }
input[type=text], textarea { width: 100%; max-width: 24em; }
textarea { height: 4.2em; }
button { font-size: 20px; padding: 0.35em 1em; margin: 0; min-height: 48px; min-width: 44px; border-radius: 8px;
         border: 1px solid #8a99a8; background: #f4f6f8; color: #1a1a1a; cursor: pointer; }
button.oh-primary { background: #0072B2; color: #fff; border-color: #0072B2; }
button:disabled { opacity: 0.5; cursor: default; }
.oh-crit { border-top: 1px solid #dde; padding: 0.6em 0; }
.oh-crit-name { font-weight: bold; }
.oh-warn { color: #B00020; font-weight: bold; }
.oh-tag { color: #6b3d00; font-weight: bold; }
.oh-levels { display: flex; gap: 6px; margin: 0.4em 0; }
.oh-levels button { flex: 1 1 0; font-size: 22px; min-height: 56px; padding: 0.2em; }
.oh-levels button[aria-pressed=true] { background: #0072B2; color: #fff; border-color: #004f7c; font-weight: bold; }
.oh-anchors, .oh-more, .oh-note { color: #555; font-size: 16px; }
.oh-roundnote { background: #fff8e1; border-left: 6px solid #E69F00; padding: 0.5em 0.8em; font-weight: bold; }
.oh-before { color: #6b3d00; font-size: 16px; font-weight: bold; }
.oh-clear { font-size: 16px; min-height: 44px; padding: 0.2em 0.8em; }
.oh-nav { display: flex; gap: 8px; margin: 0.8em 0; }
.oh-nav button { flex: 1 1 0; }
.oh-where { font-size: 18px; }
.oh-where b { font-size: 24px; }
.oh-msg { position: fixed; left: 0; right: 0; bottom: 0; margin: 0; padding: 0.5em 1em; z-index: 6;
          background: #e8f5e9; color: #1b5e20; font-weight: bold; border-top: 2px solid #1b5e20; }
.oh-msg:empty { display: none; }
.oh-msg.oh-bad { background: #fff5f5; color: #b00020; border-top-color: #b00020; }
body { padding-bottom: 5em; }
.oh-offline { position: sticky; top: 0; z-index: 5; background: #b00020; color: #fff; padding: 0.6em 1em;
              font-weight: bold; border-radius: 6px; }
.oh-rank { display: flex; align-items: center; gap: 8px; margin: 0.3em 0; }
.oh-rank select { min-height: 48px; min-width: 5em; }
.oh-rank span { flex: 1 1 auto; overflow-wrap: anywhere; }
section { margin-bottom: 1.2em; }
.oh-card-title { overflow-wrap: anywhere; }
@media (max-width: 600px) { body { font-size: 17px; } main { padding: 0.6em; } }
"""

# The script, kept plain (no build step, no library): the page must start in a fraction of a second
# on an old phone, and be readable by whoever maintains the kit.
_SCRIPT = r"""
"use strict";
(() => {
const cfg = JSON.parse(document.getElementById("oh-config").textContent);
const $ = (id) => document.getElementById(id);
const KEY = "ohayami-who-" + cfg.code;
const UNEXPECTED = "思いがけない問題が起きました。ページを読み込み直してください。直らないときは、ファシリテーターに知らせてください（保存済みの内容は残っています）。";
const OFFLINE = "サーバーとの接続が切れています。最後の操作は保存されていないかもしれません。つながると、保存されている内容を自動で表示します。";
let state = null, position = 0, saving = 0, offline = false, retry = null;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids) if (kid) e.append(kid);
  return e;
}
let hush = null;
function say(text, bad) {
  const m = $("oh-msg");
  m.textContent = text || "";
  m.className = "oh-msg" + (bad ? " oh-bad" : "");
  m.setAttribute("role", bad ? "alert" : "status");
  clearTimeout(hush);
  // a confirmation makes room again (on a phone the bar covers a row); a problem stays until the next step
  if (text && !bad) hush = setTimeout(() => { if (m.textContent === text) say(""); }, 5000);
}
function setOffline(on) {
  offline = on;
  $("oh-offline").hidden = !on;
  if (on && !retry) retry = setInterval(() => refresh(true), 3000);
  if (!on && retry) { clearInterval(retry); retry = null; }
}
function xsrf() {
  const m = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : "";
}
async function call(action, body) {
  const get = action === "state";
  const url = cfg.api + "/" + action + (get ? "?who=" + encodeURIComponent(body.who || "") : "");
  let res;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), cfg.wait);   // a save never spins for ever
  try {
    res = await fetch(url, {method: get ? "GET" : "POST", credentials: "same-origin", cache: "no-store",
                            headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf()},
                            body: get ? undefined : JSON.stringify(body), signal: stop.signal});
  } catch (e) {
    setOffline(true);
    return {ok: false, lost: true, data: {error: OFFLINE}};
  } finally {
    clearTimeout(timer);
  }
  setOffline(false);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  const relogin = res.status === 403 || res.redirected;
  if (!data || typeof data !== "object") {
    data = {error: relogin ? "このページを開き直す必要があります。参加用のQRコードかアドレスから開き直してください。" : UNEXPECTED};
  }
  return {ok: res.ok && !data.error, relogin: relogin && !res.ok || res.redirected, data};
}
function who() { return state && state.who ? state.who : ""; }

// ------------------------------------------------------------------ painting
function paint() {
  const joined = !!who();
  $("oh-joined").hidden = !joined;
  $("oh-name").hidden = joined;
  $("oh-work").hidden = !joined;
  $("oh-me").textContent = who();
  // the workbench opens under the same name (its scoring tabs read ?who=)
  $("oh-workbench").href = cfg.workbench + (who() ? "&who=" + encodeURIComponent(who()) : "");
  const list = $("oh-people");
  list.replaceChildren(...(state ? state.people : []).map((n) => el("option", {value: n})));
  if (!joined) return;
  paintCard();
  if (state.kind === "C") paintDots();
  if (state.kind === "E") paintRanking();
}
function scoreOf(aid, cid) { return ((state.scores || {})[aid] || {})[cid] || ""; }
function emptyOf(i) {
  const a = state.alternatives[i];
  return state.criteria.filter((c) => !scoreOf(a.id, c.id)).length;
}
function paintCard() {
  const alts = state.alternatives, crits = state.criteria, n = alts.length;
  position = n ? Math.min(Math.max(position, 0), n - 1) : 0;
  const where = $("oh-where"), rows = $("oh-rows");
  if (!n || !crits.length) {
    where.replaceChildren();
    $("oh-title").textContent = !n ? "採点する" + state.noun + "がまだありません" : "評価項目がまだありません";
    rows.replaceChildren(el("p", {class: "oh-note", text: "ファシリテーターが準備するまでお待ちください。準備ができると、ここに自動で出ます。"}));
    for (const b of ["oh-prev", "oh-next", "oh-unscored"]) $(b).disabled = true;
    return;
  }
  const a = alts[position], left = emptyOf(position);
  $("oh-round").hidden = !(state.round > 1);
  $("oh-round").textContent = state.round > 1 ? "合意ラウンド（" + state.round + "回目の採点）：意見が分かれた" +
    state.noun + "だけを、もう一度採点してください。ボタンの下に、前回のあなたの点数が出ています。" : "";
  const here = left ? "この" + state.noun + "は残り " + left + " 項目" : "この" + state.noun + "は全項目採点済み";
  where.replaceChildren(el("b", {text: (position + 1) + "/" + n}), " ",
    el("span", {class: "oh-note", text: "全項目採点済み " + state.complete + " 件（" + here + "）"}));
  $("oh-title").textContent = a.id + " " + a.name;
  rows.replaceChildren(...crits.map((c) => criterionRow(a, c)));
  $("oh-prev").disabled = $("oh-next").disabled = n < 2;
  $("oh-unscored").disabled = state.scored >= state.cells;
}
function criterionRow(a, c) {
  const stored = scoreOf(a.id, c.id);
  const head = el("div", {class: "oh-crit-name"},
    c.tag ? el("span", {class: "oh-tag", text: c.tag}) : null, c.name,
    c.note ? el("span", {class: c.warn ? "oh-warn" : "oh-note", text: "（" + c.note + "）"}) : null);
  const buttons = c.anchors.map(([entry, meaning]) => el("button", {
    type: "button", "aria-pressed": entry === stored ? "true" : "false",
    "aria-label": c.name + "：" + entry + (meaning ? "（" + meaning + "）" : ""),
    text: (entry === stored ? "✔ " : "") + entry, onclick: () => save(a.id, c.id, entry)}));
  const words = c.anchors.filter(([, m]) => m).map(([e, m]) => e + "＝" + m).join("　");
  const before = state.round > 1 ? ((state.previous || {})[a.id] || {})[c.id] : undefined;
  const off = ((state.off_scale || {})[a.id] || {})[c.id];
  const clear = stored ? el("button", {type: "button", class: "oh-clear", text: "取り消す",
    "aria-label": c.name + "の点数を取り消す", onclick: () => save(a.id, c.id, "")}) : null;
  return el("div", {class: "oh-crit", "data-criterion": c.id}, head,
    el("div", {class: "oh-levels"}, ...buttons),
    words ? el("div", {class: "oh-anchors", text: words}) : null,
    c.more ? el("div", {class: "oh-more", text: c.more}) : null,
    state.round > 1 ? el("div", {class: "oh-before", text: "前回のあなたの点数：" + (before || "なし")}) : null,
    off ? el("div", {class: "oh-warn", text: "前の点数「" + off + "」は、尺度が変わったため使えなくなりました。付け直してください。"}) : null,
    clear);
}
function paintDots() {
  const box = $("oh-dots"), d = state.dots;
  box.hidden = !d;
  if (!d) return;
  const used = Object.values(d.mine).reduce((x, y) => x + y, 0);
  $("oh-dots-left").textContent = "1人 " + d.budget + " 枚。残り " + (d.budget - used) + " 枚です。";
  $("oh-dot-rows").replaceChildren(...d.problems.map((p) => {
    const mine = d.mine[p.id] || 0;
    return el("div", {class: "oh-rank"},
      el("button", {type: "button", class: "oh-dot-minus", text: "－", disabled: !mine,
                    "aria-label": p.id + " " + p.name + " のシールを1枚はがす", onclick: () => dot(p.id, -1)}),
      el("b", {class: "oh-dot-count", text: "●".repeat(mine) || "0"}),
      el("button", {type: "button", class: "oh-dot-plus", text: "＋", disabled: used >= d.budget,
                    "aria-label": p.id + " " + p.name + " にシールを1枚貼る", onclick: () => dot(p.id, 1)}),
      el("span", {text: p.id + " " + p.name}));
  }));
}
async function dot(aid, step) {
  for (const b of document.querySelectorAll("#oh-dot-rows button")) b.disabled = true;
  const r = await call("dot", {who: who(), alternative: aid, step});
  if (r.ok) { take(r.data); say(r.data.message); }
  else { paintDots(); say(r.data.error, true); }
}
let rankDirty = false, rankAlts = null;
function paintRanking() {
  const box = $("oh-ranks"), n = state.alternatives.length;
  const mine = state.ranking || {};
  const alts = JSON.stringify(state.alternatives);
  if (rankDirty && alts === rankAlts) return;   // choices not saved yet are never overwritten by a poll
  // the vendors changed under choices not saved yet: keep each choice whose vendor is still there
  const kept = {};
  if (rankDirty) for (const s of box.querySelectorAll("select")) if (s.value) kept[s.dataset.alternative] = s.value;
  const keeping = Object.keys(kept).length > 0;
  rankAlts = alts;
  rankDirty = keeping;
  box.replaceChildren(...state.alternatives.map((a) => {
    const sel = el("select", {"data-alternative": a.id, "aria-label": a.id + " " + a.name + " の順位"},
      el("option", {value: "", text: "－"}),
      ...Array.from({length: n}, (_, k) => el("option", {value: String(k + 1), text: (k + 1) + "位"})));
    sel.value = keeping ? (kept[a.id] || "") : (mine[a.id] ? String(mine[a.id]) : "");
    sel.addEventListener("change", () => {
      rankDirty = true;
      $("oh-rank-state").textContent = "上の順位はまだ保存されていません。「順位を保存」を押してください。";
    });
    return el("div", {class: "oh-rank"}, sel, el("span", {text: a.id + " " + a.name}));
  }));
  $("oh-rank-save").disabled = n < 2;
  $("oh-rank-state").textContent = keeping ?
    state.noun + "の一覧が変わりました。選んでいた順位は残しています（まだ保存されていません）。" :
    Object.keys(mine).length ? "保存済みの順位を表示しています。" : "まだ保存していません。";
}

// ------------------------------------------------------------------ actions
let lastState = "";
function take(data) {
  if (data && data.state) {
    const text = JSON.stringify(data.state);
    if (text === lastState) return;   // a poll with nothing new leaves the screen (and a finger on it) alone
    lastState = text;
    const shown = state && who() && state.alternatives[position] ? state.alternatives[position] : null;
    state = data.state;
    const i = shown ? state.alternatives.findIndex((a) => a.id === shown.id) : -1;
    if (i >= 0) position = i;
    paint();
    if (shown && i < 0 && who()) {
      // taken out by the facilitator: say so, or the next tap would land on the card now in its place
      say("「" + shown.id + " " + shown.name + "」は、ファシリテーターが採点の対象から外しました。いま表示しているのは別の" +
          state.noun + "です。", true);
    }
  }
}
async function refresh(quiet) {
  const r = await call("state", {who: who()});
  if (r.ok) take(r.data);
  else if (r.relogin || (!quiet && !r.lost)) say(r.data.error, true);   // a lost login is said, always
}
async function join() {
  const name = $("oh-who").value;
  $("oh-join").disabled = true;
  const r = await call("join", {who: name});
  $("oh-join").disabled = false;
  if (!r.ok) { say(r.data.error, true); return; }
  try { localStorage.setItem(KEY, r.data.state.who); } catch (e) { /* private mode: the name is asked again */ }
  position = 0;
  lastState = "";
  take(r.data);
  say(r.data.message, r.data.again);   // a name already in the room stays on screen until the next step
}
async function save(aid, cid, entry) {
  const row = document.querySelector('.oh-crit[data-criterion="' + CSS.escape(cid) + '"]');
  if (row) for (const b of row.querySelectorAll("button")) b.disabled = true;
  saving++;
  say("保存しています…");
  const r = await call("score", {who: who(), alternative: aid, criterion: cid, entry});
  saving--;
  if (r.ok) { take(r.data); say(r.data.message); }
  else { paint(); say(r.data.error, true); }
}
function turn(step) {
  const n = state.alternatives.length;
  if (n) position = (position + step + n) % n;
  paintCard();
  say("");
}
function toUnscored() {
  const n = state.alternatives.length;
  for (let k = 1; k <= n; k++) {
    const i = (position + k) % n;
    if (emptyOf(i)) { position = i; break; }
  }
  paintCard();
}
async function propose() {
  $("oh-padd").disabled = true;
  const r = await call("propose", {who: who(), title: $("oh-ptitle").value, scene: $("oh-pscene").value});
  $("oh-padd").disabled = false;
  if (!r.ok) { say(r.data.error, true); return; }
  $("oh-ptitle").value = ""; $("oh-pscene").value = "";   // cleared only once stored
  take(r.data);
  say(r.data.message);
}
async function rank() {
  const ranking = {};
  for (const s of document.querySelectorAll("#oh-ranks select")) if (s.value) ranking[s.dataset.alternative] = s.value;
  $("oh-rank-save").disabled = true;
  const r = await call("rank", {who: who(), ranking});
  $("oh-rank-save").disabled = false;
  if (!r.ok) {
    // what is chosen stays (nothing typed is lost), but it is not called saved
    $("oh-rank-state").textContent = "上の順位はまだ保存されていません。";
    say(r.data.error, true);
    return;
  }
  rankDirty = false;
  take(r.data);
  paintRanking();
  say(r.data.message);
}
function other() {
  try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
  state = Object.assign({}, state, {who: ""});
  lastState = "";
  $("oh-who").value = "";
  paint();
  $("oh-who").focus();
}

$("oh-join").addEventListener("click", join);
$("oh-who").addEventListener("keydown", (e) => { if (e.key === "Enter") join(); });
$("oh-other").addEventListener("click", other);
$("oh-prev").addEventListener("click", () => turn(-1));
$("oh-next").addEventListener("click", () => turn(1));
$("oh-unscored").addEventListener("click", toUnscored);
if (cfg.kind === "C") $("oh-padd").addEventListener("click", propose);
if (cfg.kind === "E") $("oh-rank-save").addEventListener("click", rank);
setInterval(() => { if (!saving && !offline && document.visibilityState === "visible") refresh(true); }, cfg.poll);
let kept = "";
try { kept = localStorage.getItem(KEY) || ""; } catch (e) { kept = ""; }
(async () => {
  const r = await call("state", {who: kept});
  if (r.ok) { take(r.data); if (kept) say(who() + " さんとして続けます。"); }
  else {
    if (kept) { const again = await call("state", {who: ""}); if (again.ok) take(again.data); }
    if (!state) say(r.data.error, true);
  }
  $("oh-loading").hidden = true;
  $("oh-name-box").hidden = false;
})();
})();
"""


def _config(info: dict, api: str, workbench: str, kind: str) -> str:
    # JSON inside <script>: "<" escaped so that no text can close the element
    return json.dumps({"code": info["code"], "api": api, "workbench": workbench, "kind": kind, "poll": POLL_MS,
                       "wait": WAIT_MS},
                      ensure_ascii=False).replace("<", "\\u003c")


def page(info: dict, api: str, workbench: str, kind: str) -> str:
    """The whole page for workshop ``info`` (``name``, ``kind_label``, ``code``) of ``kind`` C or E."""
    noun = "課題" if kind == "C" else "事業者"
    propose = ("" if kind != "C" else
               '<section id="oh-propose"><h2>課題を出す</h2>'
               '<p class="oh-note">「もっと良くなってほしい生活のワンシーン」から、困っていることを1件ずつ出してください。</p>'
               f'<label for="oh-ptitle">課題（困っていること）</label><input type="text" id="oh-ptitle" maxlength="{MAX_TITLE}">'
               '<label for="oh-pscene">生活のワンシーン（書ける人だけ）</label><textarea id="oh-pscene"></textarea>'
               '<div><button type="button" id="oh-padd" class="oh-primary">課題を追加</button></div></section>')
    ranking = ("" if kind != "E" else
               '<section id="oh-ranking"><h2>感覚的な順位</h2>'
               '<p class="oh-note">結果を見る前に、どの事業者が良いと感じたかの順位を付けてください'
               '（採点の重みが感覚と合っているかを確かめるのに使います）。2社以上に付けます。</p>'
               '<div id="oh-ranks"></div><p class="oh-note" id="oh-rank-state"></p>'
               '<button type="button" id="oh-rank-save" class="oh-primary">順位を保存</button></section>')
    body = (f'<h1>{esc(info["name"])}</h1><p class="oh-sub">{esc(info["kind_label"])}　参加者のページ</p>'
            f'<div id="oh-offline" class="oh-offline" role="alert" hidden>サーバーとの接続が切れています。'
            '最後の操作は保存されていないかもしれません。つながると、保存されている内容を自動で表示します。</div>'
            '<p id="oh-loading">読み込んでいます…</p>'
            '<div id="oh-name-box" hidden>'
            '<section id="oh-name"><h2>お名前</h2>'
            '<p class="oh-note">一覧から選ぶか、新しく入力してください。採点は、このお名前で保存されます。</p>'
            f'<div class="oh-row"><input type="text" id="oh-who" list="oh-people" maxlength="{MAX_NAME}" autocomplete="name"'
            ' aria-label="お名前"><datalist id="oh-people"></datalist>'
            '<button type="button" id="oh-join" class="oh-primary">参加する</button></div></section>'
            '<p id="oh-joined" hidden><span id="oh-me" style="font-weight:bold"></span> さんとして参加中　'
            '<button type="button" id="oh-other" class="oh-clear">別の名前にする</button></p>'
            '</div>'
            '<p id="oh-msg" class="oh-msg" role="status" aria-live="polite"></p>'
            '<div id="oh-work" hidden>'
            f'{propose}'
            + ('<section id="oh-dots" hidden><h2>シール投票</h2><p class="oh-note">良いと思う課題にシールを貼ってください'
               '（同じ課題に何枚でも）。「－」ではがせます。</p><p id="oh-dots-left" class="oh-where"></p>'
               '<div id="oh-dot-rows"></div></section>' if kind == "C" else "")
            + f'<section id="oh-score"><h2>採点（{noun}を1件ずつ）</h2>'
            '<p class="oh-note">点数を押すと、すぐ保存されます。押し直すと変わり、「取り消す」で空に戻ります。</p>'
            '<p id="oh-round" class="oh-roundnote" role="status" hidden></p><p id="oh-where" class="oh-where"></p><h3 id="oh-title" class="oh-card-title"></h3><div id="oh-rows"></div>'
            '<div class="oh-nav"><button type="button" id="oh-prev">◀ 前へ</button>'
            '<button type="button" id="oh-unscored">未採点へ</button>'
            '<button type="button" id="oh-next">次へ ▶</button></div></section>'
            f'{ranking}'
            '</div>'
            f'<p><a id="oh-workbench" href="{esc(workbench)}">作業台（すべての機能）を開く</a>'
            f'<span class="oh-note">　{"課題の分析・絞り込み・結果" if kind == "C" else "評価項目・事業者・比較の結果"}'
            'はこちら。開くまで少し時間がかかります。</span></p>')
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{esc(info["name"])}：参加者のページ</title>'
            f"<style>{_CSS}{_STYLE}</style></head><body><main>{body}</main>"
            f'<script type="application/json" id="oh-config">{_config(info, api, workbench, kind)}</script>'
            f"<script>{_SCRIPT}</script></body></html>")


def problem(message: str) -> str:
    """The page when the address opens no workshop (escaped)."""
    from .pages import not_found

    return not_found(message)
