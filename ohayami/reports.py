"""Printable HTML reports for a manager. All participant and guide text is escaped.

The pages print on A4 portrait (``@page``): every table has a fixed layout that fits the page width,
names break at most where they must, wide matrices are split into tables of a few columns with the
vendors given 記号 (A, B, …) listed once in full, and sections that start a new topic start a new page.
Times read in JST and numbers with the decimals the committee's rules give. A button prints the page
(the browser's 「PDFに保存」 makes the PDF); it does not print itself.
"""

from __future__ import annotations

import re

from .chart import Chart
from .formats import change_text, jst_text, now_jst, number_text
from .guide import type_card
from .html import STYLE, esc, fit_table, ul
from .labels import must_label, yes_no

PRINT_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{style}
<style>@page {{ size: A4 portrait; margin: 15mm; }}
body {{ margin: 0 auto; padding: 1em; }}
.oh-printbar {{ font-family: sans-serif; margin-bottom: 1em; }}
.oh-printbar button {{ font-size: 16px; padding: 0.3em 1em; }}
@media print {{ body {{ padding: 0; }} }}</style>
</head><body><div class="oh-printbar oh-noprint"><button type="button" onclick="window.print()">印刷・PDFに保存（A4 縦）</button>
　印刷画面で送信先を「PDFに保存」にすると PDF ファイルになります。</div>{body}</body></html>"""

# vendors shown by 記号 in the wide matrices; per table at most this many vendor columns
MATRIX_COLUMNS = 6


# a numbered section heading as the reports write it: <h3>4. … or <h3 class="…">4. …
_SECTION = re.compile(r'(<h3(?: class="[^"]*")?>)\d+\. ')


def number_sections(body: str) -> str:
    """Number the sections 1, 2, 3 … in the order they appear, so that a section left out (nothing to
    report) leaves no gap in the numbering a manager reads. Headings come from our own code: user text
    is escaped and cannot contain ``<h3``."""
    count = iter(range(1, 1000))
    return _SECTION.sub(lambda m: f"{m.group(1)}{next(count)}. ", body)


def page(title: str, body: str) -> str:
    """A standalone printable HTML page (A4 portrait) with a print button that does not print."""
    return PRINT_PAGE.format(title=esc(title), style=STYLE, body=number_sections(body))


def symbols(ids) -> dict[str, str]:
    """記号 A, B, … Z, A2, B2, … for vendors in the given order."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return {a: letters[i % 26] + (str(i // 26 + 1) if i >= 26 else "") for i, a in enumerate(ids)}


def split_columns(header: list[str], rows: list[list], keep: int = 1, per: int = MATRIX_COLUMNS):
    """A wide table as several narrower ones: the first ``keep`` columns repeated, then at most
    ``per`` of the others in each. Yields (header, rows)."""
    rest = list(range(keep, len(header)))
    for start in range(0, max(len(rest), 1), per):
        cols = list(range(keep)) + rest[start:start + per]
        yield [header[i] for i in cols], [[r[i] for i in cols] for r in rows]


def matrix_tables(header: list[str], rows: list[list], keep: int = 1, per: int = MATRIX_COLUMNS, **kw) -> str:
    """:func:`split_columns` rendered as small fitted tables."""
    return "".join(fit_table(h, r, small=True, **kw) for h, r in split_columns(header, rows, keep, per))


def chart_result_html(record: dict, chart: Chart | None = None, workshop: str = "") -> str:
    """One page for one participant: the answers given, the resulting type, its first move and
    steps, and the relevant cases (and, for 全問チェック, the other types that apply)."""
    chart = chart or Chart()
    card = type_card(record["result"])
    when = jst_text(record.get("created_at", ""))
    who = record.get("participant") or "（名前の記入なし）"
    dept = record.get("department") or ""
    answers = [(chart[a["question_id"]].order, chart[a["question_id"]].text, yes_no(a["answer"]))
               for a in record["answers"] if a["question_id"] in chart.questions]
    parts = ['<div class="oh">', "<h2>診断チャートの結果</h2>",
             fit_table(["ワークショップ", "名前", "所属", "日時"], [(workshop, who, dept, when)]),
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
    parts.append("<h3>回答</h3>" + fit_table(["#", "質問", "回答"], answers, numeric=()))
    parts.append('<p class="oh-note">ohayami 診断チャート（質問文はガイドの各タイプの悩みから作成）。'
                 "出典：内閣府『お悩みタイプ別「初めの一手」』</p></div>")
    return page(f"診断チャートの結果 {who}", "".join(parts))


def _img(fig) -> str:
    import base64

    from .plots import figure_png

    return f'<img alt="図" class="oh-figure" src="data:image/png;base64,{base64.b64encode(figure_png(fig)).decode()}">'


def problems_report_html(model, figures: bool = True) -> str:
    """The type C report: why these problems were chosen, for a manager."""
    from . import plots
    from .problems import ANALYSIS_FIELDS, ANALYSIS_LABELS, VISION_FIELDS, VISION_LABELS
    from .vendors import points_text
    from .workbench import WEIGHT_METHODS

    ws = model.ws
    res = model.results()
    crit = model.criteria()
    p = model.problems().set_index("problem_id")
    visions = model.visions()
    crit_frame = model.criteria_frame()  # the same frame the criteria tab shows
    labels = crit.set_index("criterion_id")["name"].to_dict()
    now = jst_text(now_jst())
    parts = ['<div class="oh">', "<h2>解決すべき課題の絞り込み 報告書</h2>",
             fit_table(["ワークショップ", "作成日時", "候補の課題", "採点した人"],
                       [(ws.name, now, f"{len(p)} 件", f"{len(set(model.scores()['evaluator']))} 人")]),
             "<h3>1. 進め方</h3>",
             "<p>内閣府『お悩みタイプ別「初めの一手」』のCタイプ（デジタル実装が目的化し、課題の洗い出し・原因特定・優先順位付けが"
             "手薄になっている）の初めの一手「もっと良くなってほしい生活のワンシーンを考えよう」に沿って、"
             "課題洗い出し → 課題分析・絞り込み → 実現したい地域像の設定 の順に進めました。</p>",
             "<h3>2. 評価項目と重み</h3>",
             f"<p>重みの決め方：{esc(WEIGHT_METHODS.get(model.weight_method(), ''))}。"
             f"{esc(model.weight_message())}</p>",
             fit_table(list(crit_frame.columns), crit_frame.values.tolist(), small=True)]
    if res is None:
        parts.append("<p>まだ結果がありません。</p></div>")
        return page("課題の絞り込み 報告書", "".join(parts))
    short = model.shortlist(res)
    cut = model.cut_line()
    t = res.table
    parts.append(f"<h3 class=\"oh-newpage\">3. 選んだ課題（{esc(cut.describe())}：{len(short)} 件）</h3>")
    # the engine's own maximum: each criterion's weight × the best its scale gives, averaged over participants
    full = points_text(res.max_total)
    parts.append("<p>参加者の採点を平均し、重みを掛けて合計した点数の高い順に並べ、上の基準で絞り込みました。"
                 f'<span class="oh-maximums">合計点の満点は {full} 点です（評価項目の重みの合計：どの項目も、尺度のいちばん良い点で重みの分だけの点になります）。</span></p>')
    for a in short:
        r = t.loc[a]
        top = res.breakdown.loc[a].sort_values(ascending=False).head(2)
        strengths = "、".join(f"{labels[c]}（{v:.1f}点）" for c, v in top.items() if v > 0)
        parts.append(f'<div class="oh-step"><h4>{int(r["rank"])}位　{esc(r["name"])}（{r["total"]:.2f} 点／満点 {full} 点）</h4>')
        parts.append(f"<div>点数を押し上げた評価項目：{esc(strengths) or '—'}</div>")
        parts.append(f"<div>出どころ：{esc(p.loc[a, 'origin']) or '—'}　生活のワンシーン：{esc(p.loc[a, 'scene']) or '—'}</div>")
        parts.append(fit_table(list(ANALYSIS_LABELS.values()), [[p.loc[a, f] for f in ANALYSIS_FIELDS]], small=True))
        if model.analysis_status(p.loc[a].to_dict()) == "empty":
            parts.append('<div class="oh-error">課題分析が未記入です（具体化が不十分）。</div>')
        if a in visions.index:
            parts.append("<div><b>実現したい地域像</b></div>" +
                         fit_table(list(VISION_LABELS.values()), [[visions.loc[a, f] or "" for f in VISION_FIELDS]],
                                   small=True))
        parts.append("</div>")
    ranking = model.ranking_frame(res)
    below = [a for a in ranking.index if a not in short and t.loc[a, "selectable"]][:5]
    if below:
        parts.append("<h3>4. 惜しくも選ばなかった課題</h3>" + fit_table(
            ["順位", "課題", f"合計点（満点 {full} 点）"], ranking.loc[below, ["順位", "課題", "合計点"]].values.tolist(),
            names=[1]))
    out = [a for a in ranking.index if not t.loc[a, "selectable"]]
    if out:
        parts.append("<h3>5. 検討から外した・まだ比べられない課題</h3>" + fit_table(
            ["課題", "理由"], ranking.loc[out, ["課題", "対象外の理由"]].values.tolist(), names=[0]))
    splits = model.opinion_splits(res, short)
    if len(splits):
        parts.append("<h3>6. 参加者の意見が分かれた点</h3><p>参加者がつけた点数（低い順）と、いちばん低い・高い点。" +
                     ("" if model.report_names() else "名前は載せていません（ファシリテーターの設定）。") + "</p>" +
                     fit_table(list(splits.columns), splits.values.tolist(), names=[0]))
    if model.current_round() > 1:
        comp = model.round_comparison()
        parts.append(f"<h3>7. 合意ラウンド（1回目と{model.current_round()}回目）</h3>"
                     "<p>意見が分かれた課題（再採点 ★）を話し合い、もう一度採点しました。順位は2回目の採点によるものです。</p>" +
                     fit_table(list(comp.columns), comp.values.tolist(), names=[0]))
    if figures:
        parts.append('<h3 class="oh-newpage">図：ランキングと評価項目ごとの内訳</h3>'
                     + _img(plots.ranked_contributions(t, res.breakdown, labels)))
    parts.append('<p class="oh-note">ohayami Cタイプ作業台で作成。出典：内閣府『お悩みタイプ別「初めの一手」』</p></div>')
    return page("課題の絞り込み 報告書", "".join(parts))


# columns of the results frame that lead the printed results table; any other column (subtotals
# per 要件内訳 and the like) goes to the detail tables after it
# what the ranking table leads with (issue 15: rank, vendor, total / maximum, the reason a vendor is out);
# every other column goes to the detail tables so that the vendor's name keeps its width on A4
LEAD_COLUMNS = ("順位", "事業者", "合計", "合計／満点", "除外・対象外の理由／備考", "除外・対象外の理由")


def _is_lead(column: str) -> bool:
    return column in LEAD_COLUMNS


def results_tables(frame, codes: dict[str, str]) -> str:
    """The results frame (indexed by vendor id) as one table that fits a page (rank, vendor,
    totals, reasons) and small detail tables for the other columns, vendors by their 記号."""
    lead = [c for c in frame.columns if _is_lead(c)]
    rest = [c for c in frame.columns if c not in lead]
    names = [lead.index("事業者")] if "事業者" in lead else []
    out = fit_table(lead, frame[lead].values.tolist(), names=names)
    if rest:
        rows = [[codes.get(a, a)] + list(frame.loc[a, rest]) for a in frame.index]
        out += "<h4>内訳</h4>" + matrix_tables(["記号", *rest], rows)
    return out


def vendors_report_html(model, figures: bool = True) -> str:
    """The type E 選定理由書: criteria and why, weights and why, every evaluator's scores,
    exclusions, price, ranking and how robust it is; printable on A4 portrait."""
    import pandas as pd

    from . import plots
    from .errors import OhayamiError
    from .vendors import group_minimum_sentence, tie_break_label

    ws = model.ws
    crit = model.criteria()
    labels = crit.set_index("criterion_id")["name"].to_dict()
    vendors = model.vendors()
    vn = vendors.set_index("vendor_id")["name"].to_dict()
    codes = symbols(vendors["vendor_id"])
    reasons = model.weight_reasons()
    total_w = crit["weight"].sum()
    rules = model.rules()
    digits = rules.digits

    def pts(v) -> str:
        return number_text(v, digits)

    gates, thresholds = model.pass_rules(), model.threshold_texts()
    ew = model.evaluator_weights()
    blind = not ew.empty and not model.weights_revealed()   # blind weighting: no one's weights are printed yet
    parts = ['<div class="oh">', "<h2>事業者選定 選定理由書</h2>",
             fit_table(["ワークショップ", "作成日時", "事業者", "評価者"],
                       [(ws.name, jst_text(now_jst()), f"{len(vendors)} 者",
                         "、".join(sorted(set(model.scores()["evaluator"]))))]),
             "<h3>1. 評価の考え方</h3>",
             "<p>内閣府『お悩みタイプ別「初めの一手」』のEタイプの初めの一手「サービスの良し悪しの基準を考えよう」に沿って、"
             "① 評価項目の設定（サービス要件と取引要件、必須と任意の区別）、② 評価項目の重みづけ、"
             "③ 評価項目・重みづけの妥当性チェック（感覚との比較）の順に進めました。</p>",
             "<h3>2. 評価項目と重み</h3>",
             fit_table(["評価項目", "要件", "要件内訳", "求める水準", "区分", "合否の判定", "配点", "割合", "重い理由"],
                       [(r.name, r.requirement, r.grp, r.example, must_label(r.must_have), gates.get(r.criterion_id, ""),
                         *(("（公開前）", "") if blind else (pts(r.weight), f"{r.weight / total_w:.0%}" if total_w else "")),
                         reasons.get(r.criterion_id, "")) for r in crit.itertuples()], numeric=[6, 7], small=True),
             f"<p>{esc(model.must_have_rule_text())}　{esc(model.maximum_text())}</p>",
             f"<p>{esc(model.weight_message())}</p>",
             f'<p class="oh-weights-version">結果に使う重み：{esc(model.current_weights_version().label)}</p>']
    if blind:
        parts.append(f"<p>{esc(model.weights_note())}</p>")
    elif not ew.empty:
        parts.append("<h4>評価者ごとの重み</h4>" + matrix_tables(
            ["評価項目", *ew.index], [[labels[c]] + [pts(ew.loc[e, c]) for e in ew.index] for c in ew.columns]))
    price = rules.price
    rule_text = [f"評価者の点数は{'平均' if rules.combine == 'average' else '合計'}で集計",
                 {"none": "端数処理なし", "round": f"小数{rules.digits}位に四捨五入", "truncate": f"小数{rules.digits}位に切り捨て"}[rules.rounding],
                 "必須項目は" + ("1人でも満たさないと判断すれば除外" if rules.must_have_rule == "any" else "過半数が満たさないと判断すれば除外")]
    if rules.min_total_ratio is not None:
        rule_text.append(f"技術点が満点の {thresholds['min_total']}未満は選定対象外")
    if rules.min_group_ratio is not None:
        rule_text.append(f"{group_minimum_sentence(rules.min_group_ratio)}（{thresholds['min_group']}）")
    if price is not None:
        rule_text.append(price.describe())
    if rules.tie_break:
        rule_text.append("同点のときは " + "→".join({"technical": "技術点", "price": "価格"}.get(t) or tie_break_label(t)
                                                  for t in rules.tie_break))
    parts.append("<h3>3. 評価のルール</h3>" + ul(rule_text))
    try:
        res = model.results()
    except OhayamiError as exc:
        parts.append(f'<p class="oh-error">{esc(exc.message)}</p></div>')
        return page("選定理由書", "".join(parts))
    if res is None:
        parts.append("<p>まだ結果がありません。</p></div>")
        return page("選定理由書", "".join(parts))
    parts.append('<h3 class="oh-newpage">4. 結果</h3>')
    parts.append("<h4>事業者（記号は内訳・採点の表で使います）</h4>" + fit_table(
        ["記号", "事業者", "サービス", "価格（円）"],
        [(codes[r.vendor_id], r.name, r.service, "" if pd.isna(r.price) else f"{r.price:,.0f}") for r in vendors.itertuples()],
        names=[1]))
    winners = [vn.get(a, a) for a in res.winners]
    if winners:
        parts.append(f'<div class="oh-move">1位：{esc("・".join(winners))}</div>')
    frame = model.results_frame(res)
    parts.append(f'<p class="oh-weights-version">この結果は重みの{esc(frame.attrs["weights_version"])}で計算しました。</p>'
                 f'<p class="oh-maximums">{esc(frame.attrs["maximums"])}</p>')
    frame = frame.drop(columns="ばらつき", errors="ignore")
    parts.append(results_tables(frame, codes))
    if frame.attrs.get("no_points"):
        parts.append(f'<p class="oh-no-points">{esc(frame.attrs["no_points"])}</p>')
    s = model.scores()
    parts.append('<h3 class="oh-newpage">5. 評価者ごとの採点</h3>'
                 "<p>列は事業者の記号（4. 結果の事業者の表を参照）。</p>")
    for who in sorted(set(s["evaluator"])):
        mine = s[s.evaluator == who].pivot(index="criterion_id", columns="alternative_id", values="value")
        mine = mine.reindex(index=[c for c in crit["criterion_id"] if c in mine.index])
        parts.append(f'<div class="oh-keep"><h4>{esc(who)}</h4>' + matrix_tables(
            ["評価項目", *[codes.get(a, a) for a in mine.columns]],
            [[labels[c]] + [v if isinstance(v, str) else "" for v in mine.loc[c]] for c in mine.index]) + "</div>")
    splits = model.opinion_splits(res, threshold=0.5, limit=8)
    if len(splits):
        parts.append("<h4>評価者の意見が分かれた点（ばらつき 0.5 以上）</h4>"
                     "<p>評価者がつけた点数（尺度のまま、低い順）と、いちばん低い・高い点。</p>" +
                     fit_table(list(splits.columns), splits.values.tolist(), names=[0], small=True))
    parts.append("<h3>6. 妥当性チェック（感覚との比較）</h3>")
    try:
        checks = model.check()
    except OhayamiError:
        checks = {}
    rows = [(who, f"{c['spearman']:.2f}", "、".join(r.name for r in c["drivers"][c["drivers"].push > 0].head(2).itertuples()),
             "／".join(f"{r.name}（感覚 {r.intuitive}位）：{'／'.join(r.reasons)}" for r in c["excluded"].itertuples()))
            for who, c in checks.items() if "error" not in c]
    refused = [(who, c["error"]) for who, c in checks.items() if "error" in c]
    if rows:
        parts.append(fit_table(["評価者", "順位相関（1＝一致、除外した事業者を除く）", "食い違いを生んだ評価項目",
                                "感覚で順位を付けたが除外・対象外"], rows))
    if refused and model.intuitions():
        # entered but not comparable (the rules left one vendor, say): said per person, not "not entered"
        parts.append(fit_table(["評価者", "感覚との比較ができない理由"], refused, small=True))
    elif not rows:
        parts.append("<p>感覚的な順位は入力されていません。</p>")
    revs = model.revisions()
    if revs:
        parts.append("<h4>重みの見直し</h4>" + fit_table(
            ["日時", "理由", "変更", "見直し前の1位", "見直し後の1位"],
            [(jst_text(r["at"]), r["reason"], change_text(r["before"], r["after"], labels, digits),
              "・".join(vn.get(w, w) for w in r["winner_before"]), "・".join(vn.get(w, w) for w in r["winner_after"]))
             for r in revs], names=[3, 4], small=True))
    versions = model.weight_versions()
    if len(versions) and not blind:
        parts.append("<h4>重みの版（新しい順）</h4>" + fit_table(list(versions.columns[:8]), versions.iloc[:, :8].values.tolist(),
                                                              small=True))
    parts.append("<h3>7. 結果の頑健さ</h3>")
    try:
        sens = model.sensitivity(draws=10_000)
        p = sens["probabilities"]
        if res.winners and res.winners[0] in p.index:
            w = res.winners[0]
            parts.append(f"<p>すべての配点を ±20% の範囲でランダムに1万回動かしたとき、{esc(vn.get(w, w))} が1位になる確率は "
                         f"{p.loc[w, 1]:.0%} でした。</p>")
        one = sens["one_at_a_time"]
        one = one[one["points"] > 0]    # a must-have gate (配点 0) has no points to move
        closest = one.assign(m=one[["down_change", "up_change"]].abs().min(axis=1)).sort_values("m").head(3)
        rows = [(r.name, pts(r.points), "—" if pd.isna(r.m) else f"{r.m:.0%}") for r in closest.itertuples()]
        parts.append("<p>1つの配点だけを動かして1位が入れ替わるまでの変化（小さいほど結果が揺らぎやすい）：</p>" +
                     fit_table(["評価項目", "配点", "必要な変化"], rows))
    except OhayamiError as exc:
        parts.append(f"<p>{esc(exc.message)}</p>")
    if figures:
        parts.append('<h3 class="oh-newpage">図：順位を決めた合計点</h3>' + _img(plots.total_bars(res.table, res.max_total)))
    parts.append('<p class="oh-note">ohayami Eタイプ作業台で作成。出典：内閣府『お悩みタイプ別「初めの一手」』</p></div>')
    return page("選定理由書", "".join(parts))

