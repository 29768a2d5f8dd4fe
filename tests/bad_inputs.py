"""The bad-input corpus: what a participant, a pasted spreadsheet or a crafted file can throw at the kit.

Every case names the issue item it covers, builds nothing by hand outside this file, and states the
words the Japanese message must contain (one of the alternatives separated by "|"). The test in
``test_bad_input_corpus.py`` runs each against a fresh workshop and checks that the message is
Japanese, names the problem, and that no table (nor the change log, nor the file's bytes for the
cases that open a file) changed.

Kinds:
- ``C`` / ``E`` / ``D``: ``action(model)`` on a seeded type C / type E / type D workbench must raise OhayamiError.
- ``import``: the bytes are imported into ``table`` (problems, vendors) and must be refused.
- ``open``: ``build(path)`` writes a file at ``path``; opening it must be refused, the file byte-identical.
- ``sheet``: ``tamper(sheet_bytes)`` edits a scoring sheet made for 佐藤; importing it must be refused.
- ``guide``: ``edit(data_folder)`` breaks a copy of data/; loading it must be refused, naming the file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Callable

CASES: list["Case"] = []


@dataclass
class Case:
    id: str
    item: str
    kind: str
    expect: str
    action: Callable | None = None
    data: bytes | None = None
    table: str = "problems"
    name: str = "input.csv"
    extra: dict = field(default_factory=dict)


def case(id: str, item: str, kind: str, expect: str, action=None, **kw) -> None:
    CASES.append(Case(id, item, kind, expect, action, **kw))


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def seed(ws, kind):
    """The worksheet model a case of ``kind`` runs on, seeded with a little of everything (the corpus
    test's default, and the participant page's cases below)."""
    from ohayami.problems import ProblemWorkbench
    from ohayami.support import SupportWorksheet
    from ohayami.vendors import VendorWorkbench

    if kind == "D":
        from ohayami.research import Research
        m = Research(ws)
        k = m.add_case("A市", "申請書の自動作成")
        m.add_service("case", "書かない窓口", "X社", "窓口DX", case_id=k)
        m.add_service("similar", "コンビニ交付", "", found_at="カタログ")
        return m
    if kind in ("F", "G"):
        m = SupportWorksheet(ws, kind)
        m.load_guide_list()
        m.add_programme("DX補助金", "〇〇県")
        return m
    if kind == "E":
        m = VendorWorkbench(ws)
        m.adopt_template([1, 28])
        m.add_vendor("A社", "窓口くん", 1_000_000)
        m.add_vendor("B社", "スマート窓口", 900_000)
        return m
    m = ProblemWorkbench(ws)
    m.add_problem("バスの本数が少ない")
    m.add_problem("窓口が昼に混む")
    return m


# The seeded workbenches' ids are whatever the model gives them, never assumed here.
def p1(m) -> str:
    return m.problems()["problem_id"].iloc[0]


def v(m, i: int) -> str:
    return m.vendors()["vendor_id"].iloc[i]


# ---------------------------------------------------------------------- type C forms
_C = "C"
case("c-title-empty", "form", _C, "空", lambda m: m.add_problem(""))
case("c-title-spaces", "form", _C, "空", lambda m: m.add_problem("　 \t "))
case("c-title-controls-only", "13.9", _C, "空", lambda m: m.add_problem("\x01\x07\x1b"))
case("c-title-too-long", "form", _C, "文字", lambda m: m.add_problem("長" * 1000))
case("c-title-duplicate", "form", _C, "すでに|同じ", lambda m: m.add_problem("バスの本数が少ない"))
case("c-title-duplicate-width", "form", _C, "すでに|同じ", lambda m: m.add_problem("バスの本数が少ない　"))
case("c-title-duplicate-zwsp", "13.12", _C, "すでに|同じ", lambda m: m.add_problem("バスの\u200b本数が少ない"))
case("c-title-duplicate-zwj", "13.12", _C, "すでに|同じ", lambda m: m.add_problem("バス\u200dの本数が少ない"))
case("c-scene-too-long", "form", _C, "文字", lambda m: m.add_problem("新しい課題", scene="x" * 5000))
case("c-update-unknown", "form", _C, "ありません", lambda m: m.update_problem("P999", title="x"))
case("c-update-bad-field", "form", _C, "変更できません", lambda m: m.update_problem(p1(m), merged_into="P2"))
case("c-update-title-empty", "form", _C, "空", lambda m: m.update_problem(p1(m), title=""))
case("c-update-title-dup", "form", _C, "すでに|同じ", lambda m: m.update_problem(p1(m), title="窓口が昼に混む"))
case("c-delete-unknown", "form", _C, "ありません", lambda m: m.delete_problem("P999"))
case("c-analysis-unknown", "form", _C, "ありません", lambda m: m.set_analysis("P999", who="高齢者"))
case("c-analysis-too-long", "form", _C, "文字", lambda m: m.set_analysis(p1(m), cause="長" * 5000))
case("c-analysis-bad-field", "form", _C, "変更できません|ありません", lambda m: m.set_analysis(p1(m), title="x"))
case("c-exclusion-unknown", "form", _C, "ありません", lambda m: m.set_exclusion("P999", "x"))
case("c-merge-self", "form", _C, "同じ|自身|別の", lambda m: m.merge(p1(m), p1(m)))
case("c-merge-unknown", "form", _C, "ありません", lambda m: m.merge(p1(m), "P999"))
case("c-vision-unknown", "form", _C, "ありません", lambda m: m.set_vision("P999", beneficiary="住民"))
case("c-vision-too-long", "form", _C, "文字", lambda m: m.set_vision(p1(m), change="長" * 5000))
case("c-cut-zero", "form", _C, "1 以上|1以上", lambda m: m.set_cut_line("top", "0"))
case("c-cut-fraction", "form", _C, "整数", lambda m: m.set_cut_line("top", "1.5"))
case("c-cut-negative", "form", _C, "0 以上|0以上", lambda m: m.set_cut_line("min", "-1"))
case("c-cut-underscore", "13.12", _C, "_", lambda m: m.set_cut_line("top", "1_0"))
case("c-cut-inf", "form", _C, "数", lambda m: m.set_cut_line("min", "inf"))
case("c-cut-nan", "form", _C, "数", lambda m: m.set_cut_line("min", "nan"))
case("c-cut-text", "form", _C, "数", lambda m: m.set_cut_line("top", "五"))
case("c-cut-mode", "form", _C, "上位N件", lambda m: m.set_cut_line("bottom", "3"))
case("c-score-no-name", "form", _C, "名前", lambda m: m.set_score("", p1(m), m.criteria()["criterion_id"][0], "3"))
case("c-score-out-of-scale", "form", _C, "入れられません", lambda m: m.set_score("山田", p1(m), m.criteria()["criterion_id"][0], "9"))
case("c-score-text", "form", _C, "入れられません", lambda m: m.set_score("山田", p1(m), m.criteria()["criterion_id"][0], "とても良い"))
case("c-score-unknown-problem", "form", _C, "ありません", lambda m: m.set_score("山田", "P999", m.criteria()["criterion_id"][0], "3"))
case("c-score-unknown-criterion", "form", _C, "ありません", lambda m: m.set_score("山田", p1(m), "k999", "3"))
case("c-score-name-too-long", "form", _C, "文字", lambda m: m.set_score("名" * 200, p1(m), m.criteria()["criterion_id"][0], "3"))
case("c-crit-empty", "form", _C, "空", lambda m: m.add_criterion(""))
case("c-crit-dup", "form", _C, "すでに", lambda m: m.add_criterion(m.criteria()["name"][0]))
case("c-crit-weight-negative", "form", _C, "0 以上|0以上", lambda m: m.add_criterion("新しい軸", weight="-1"))
case("c-crit-weight-text", "form", _C, "数", lambda m: m.add_criterion("新しい軸", weight="重い"))
case("c-crit-weight-inf", "form", _C, "数", lambda m: m.add_criterion("新しい軸", weight="inf"))
case("c-crit-weight-underscore", "13.12", _C, "_", lambda m: m.add_criterion("新しい軸", weight="1_0"))
case("c-crit-direction", "form", _C, "向き", lambda m: m.add_criterion("新しい軸", direction="up"))
case("c-crit-scale", "form", _C, "尺度", lambda m: m.add_criterion("新しい軸", scale="abc"))
case("c-crit-scale-reversed", "form", _C, "尺度", lambda m: m.add_criterion("新しい軸", scale="5-1"))
case("c-crit-remove-unknown", "form", _C, "ありません", lambda m: m.remove_criterion("k999"))
case("c-weights-all-zero", "form", _C, "0", lambda m: m.set_weights("direct", {c: "0" for c in m.criteria()["criterion_id"]}))
case("c-weights-unknown-criterion", "form", _C, "ありません", lambda m: m.set_weights("direct", {"k999": "3"}))
case("c-weights-unknown-method", "form", _C, "方法", lambda m: m.set_weights("magic", {}))
case("c-weights-rank-missing", "form", _C, "順位", lambda m: m.set_weights("rank", {m.criteria()["criterion_id"][0]: 1}))

# ---------------------------------------------------------------------- types F and G forms (支援策)
# The seeded F/G worksheet holds the guide's list and one own programme (the last row).
def own(m) -> str:
    return m.programmes()["programme_id"].iloc[-1]


def first(m) -> str:
    return m.programmes()["programme_id"].iloc[0]


for _K in ("F", "G"):
    k = _K.lower()
    case(f"{k}-name-empty", "form", _K, "空", lambda m: m.add_programme("　 "))
    case(f"{k}-name-dup-width", "form", _K, "すでに", lambda m: m.add_programme("ＤＸ 補助金"))
    case(f"{k}-deadline-impossible", "form", _K, "ありえない", lambda m: m.add_programme("新制度", deadline="2026/2/30"))
    case(f"{k}-deadline-words", "form", _K, "日付", lambda m: m.add_programme("新制度", deadline="来年度"))
    case(f"{k}-url-too-long", "form", _K, "文字", lambda m: m.add_programme("新制度", url="https://x/" + "a" * 400))
    case(f"{k}-guide-rename", "form", _K, "変えられません", lambda m: m.update_programme(first(m), name="別名"))
    case(f"{k}-guide-delete", "form", _K, "削除できません", lambda m: m.remove_programme(first(m)))
    case(f"{k}-check-off-scale", "form", _K, "○・△・×", lambda m: m.set_check(own(m), "K1", "5"))
    case(f"{k}-weight-inf", "13.12", _K, "inf|数", lambda m: m.set_criterion("K1", weight="inf"))
    case(f"{k}-weight-over", "form", _K, "100", lambda m: m.set_criterion("K2", weight="1000"))
    case(f"{k}-decision-no-reason", "form", _K, "理由", lambda m: m.decide(own(m), "見送る", "\u200b ", who="山田"))
    case(f"{k}-decision-no-who", "form", _K, "決めた人", lambda m: m.decide(own(m), "保留", "検討中", who="\x07"))
    case(f"{k}-decision-unknown", "form", _K, "申請する", lambda m: m.decide(own(m), "やる", "理由", who="山田"))
    case(f"{k}-apply-no-deadline", "form", _K, "締切", lambda m: m.decide(own(m), "申請する", "理由", who="山田"))
    case(f"{k}-apply-passed", "form", _K, "過ぎて",
         lambda m: m.decide(own(m), "申請する", "理由", "2000-01-01", who="山田"))


# ---------------------------------------------------------------------- type E forms
_E = "E"
case("e-vendor-empty", "form", _E, "空", lambda m: m.add_vendor(""))
case("e-vendor-dup", "form", _E, "すでに|同じ", lambda m: m.add_vendor("A社", "窓口くん"))
case("e-price-text", "form", _E, "数", lambda m: m.add_vendor("C社", price="高い"))
case("e-price-negative", "form", _E, "0 以上|0以上|正|0 より大き", lambda m: m.add_vendor("C社", price="-5"))
case("e-price-underscore", "13.12", _E, "_", lambda m: m.add_vendor("C社", price="1_000"))
case("e-price-inf", "form", _E, "数", lambda m: m.add_vendor("C社", price="inf"))
case("e-price-huge", "form", _E, "数|大きすぎ", lambda m: m.add_vendor("C社", price="1e999"))
case("e-price-nan", "form", _E, "数", lambda m: m.add_vendor("C社", price="nan"))
case("e-price-bad-commas", "form", _E, "数|,", lambda m: m.add_vendor("C社", price="1,00,0"))
case("e-vendor-notes-long", "form", _E, "文字", lambda m: m.add_vendor("C社", notes="長" * 5000))
case("e-vendor-update-unknown", "form", _E, "ありません", lambda m: m.update_vendor("V999", name="x"))
case("e-vendor-delete-unknown", "form", _E, "ありません", lambda m: m.delete_vendor("V999"))
case("e-rules-combine", "form", _E, "集計", lambda m: m.set_rules(combine="median"))
case("e-rules-ratio", "form", _E, "0～1", lambda m: m.set_rules(min_total_ratio=2))
case("e-rules-tie", "form", _E, "同点", lambda m: m.set_rules(tie_break=["coin"]))
case("e-rules-unknown-key", "form", _E, "ありません", lambda m: m.set_rules(magic=1))
case("e-rules-price-method", "form", _E, "価格", lambda m: m.set_rules(price={"method": "cheapest", "points": 30}))
case("e-rules-additive-no-ceiling", "form", _E, "予定価格", lambda m: m.set_rules(price={"method": "additive", "points": 30}))
_FORM = dict(combine="average", rounding="none", digits=1, must_have_rule="any", min_total="", min_group="",
             price_method="", price_points="30", ceiling="", tie_breaks=["", ""])
case("e-form-min-text", "form", _E, "数", lambda m: m.set_rules_from_form(**{**_FORM, "min_total": "六十"}))
case("e-form-min-150", "form", _E, "100", lambda m: m.set_rules_from_form(**{**_FORM, "min_total": "150"}))
case("e-form-min-underscore", "13.12", _E, "_", lambda m: m.set_rules_from_form(**{**_FORM, "min_total": "6_0"}))
case("e-form-group-unknown", "form", _E, "要件内訳", lambda m: m.set_rules_from_form(**{**_FORM, "min_group": "存在しない区分:30"}))
case("e-form-points-negative", "form", _E, "価格点", lambda m: m.set_rules_from_form(
    **{**_FORM, "price_method": "lowest", "price_points": "-1"}))
case("e-form-ceiling-zero", "form", _E, "予定価格", lambda m: m.set_rules_from_form(
    **{**_FORM, "price_method": "additive", "ceiling": "0"}))
case("e-form-ceiling-text", "form", _E, "予定価格", lambda m: m.set_rules_from_form(
    **{**_FORM, "price_method": "additive", "ceiling": "未定"}))
case("e-intuition-no-name", "form", _E, "名前", lambda m: m.set_intuition("", {v(m, 0): 1, v(m, 1): 2}))
case("e-intuition-rank-text", "form", _E, "順位", lambda m: m.set_intuition("佐藤", {v(m, 0): "一位", v(m, 1): 2}))
case("e-intuition-rank-high", "form", _E, "順位", lambda m: m.set_intuition("佐藤", {v(m, 0): 1, v(m, 1): 9}))
case("e-intuition-one-vendor", "form", _E, "2社以上", lambda m: m.set_intuition("佐藤", {v(m, 0): 1}))
case("e-intuition-unknown-vendor", "form", _E, "ありません|事業者", lambda m: m.set_intuition("佐藤", {v(m, 0): 1, "V999": 2}))
case("e-intuition-rank-zero", "form", _E, "順位", lambda m: m.set_intuition("佐藤", {v(m, 0): 0, v(m, 1): 1}))
case("e-revise-no-reason", "form", _E, "理由", lambda m: m.revise_weights({m.criteria()["criterion_id"][0]: 40}, ""))
case("e-revise-negative", "form", _E, "0 以上|0以上", lambda m: m.revise_weights({m.criteria()["criterion_id"][0]: -4}, "理由"))
case("e-revise-unknown", "form", _E, "ありません", lambda m: m.revise_weights({"e999": 4}, "理由"))
case("e-reason-unknown", "form", _E, "ありません", lambda m: m.set_weight_reason("e999", "大事"))
case("e-reason-too-long", "form", _E, "文字", lambda m: m.set_weight_reason(m.criteria()["criterion_id"][0], "長" * 5000))
case("e-evaluator-weights-no-name", "form", _E, "名前", lambda m: m.set_evaluator_weights(
    "", "direct", {c: "10" for c in m.criteria()["criterion_id"]}))
case("e-template-unknown-no", "form", _E, "ありません|番号", lambda m: m.adopt_template([999]))

# ---------------------------------------------------------------------- imports (CSV / XLSX)
_I = "import"
case("i-empty-file", "13.12", _I, "空", data=b"")
case("i-header-only", "13.12", _I, "行がありません|空", data=csv("課題,生活のワンシーン\n"))
case("i-no-title-column", "13.12", _I, "課題", data=csv("名前,メモ\n山田,バス\n"))
case("i-unbalanced-quote", "13.12", _I, "\"|引用符", data=csv('課題\n"バスが少ない\n窓口が混む\n道が暗い\n'))
case("i-extra-cells", "13.12", _I, "列", data=csv("課題,生活のワンシーン\n窓口が混む,昼,余分\n"))
case("i-duplicate-header", "13.12", _I, "課題", data=csv("課題,課題\nA,B\n"))
case("i-alias-pair", "13.12", _I, "課題|タイトル", data=csv("課題,タイトル\nA,B\n"))
case("i-duplicate-title-in-file", "form", _I, "同じ|重複|すでに", data=csv("課題\n窓口が混む\n窓口が混む\n"))
case("i-existing-title", "form", _I, "同じ|すでに", data=csv("課題\nバスの本数が少ない\n"))
case("i-zwsp-existing-title", "13.12", _I, "同じ|すでに", data=csv("課題\nバスの本\u200b数が少ない\n"))
case("i-title-too-long", "form", _I, "文字", data=csv("課題\n" + "長" * 1000 + "\n"))
case("i-binary", "13.12", _I, "文字コード|読めません|ファイル", data=bytes(range(256)) * 4)
case("i-utf16-nul", "13.12", _I, "文字コード|読めません", data="課題\n窓口\n".encode("utf-16-le"))
case("i-price-underscore", "13.12", _I, "_", data=csv("事業者,価格\nC社,1_000\n"), table="vendors")
case("i-price-text", "form", _I, "数", data=csv("事業者,価格\nC社,応相談\n"), table="vendors")
case("i-price-negative", "form", _I, "0 以上|0以上|正|0 より大き", data=csv("事業者,価格\nC社,-1\n"), table="vendors")
case("i-vendor-empty-name", "form", _I, "空", data=csv("事業者,価格\n,100\n"), table="vendors")
case("i-not-xlsx-zip", "13.11", _I, "Excel|xlsx|読めません", name="input.xlsx", data=(lambda: (
    lambda buf: (zipfile.ZipFile(buf, "w").writestr("hello.txt", "x") or True) and buf.getvalue())(io.BytesIO()))())
case("i-truncated-xlsx", "13.11", _I, "Excel|xlsx|読めません|壊れ", name="input.xlsx", data=b"PK\x03\x04" + b"\0" * 40)
# settings a file must never set, and stored times that are no times (whole-workshop workbook too)
case("i-settings-sheet-secret", "13.11", _I, "sheet_secret", table="settings",
     data=csv('項目,値\nsheet_secret,"""' + "00" * 32 + '"""\n'))
case("i-settings-kind-unknown", "13.11", _I, "種類", table="settings", data=csv('項目,値\napp.kind,"""Z"""\n'))
case("i-chart-time-not-a-time", "13.11", _I, "日時（記録用）", table="chart_results",
     data=csv("結果ID,日時（記録用）\nR1,きのう\nR2,9999\n"))

# ---------------------------------------------------------------------- guide data edits (OHAYAMI_DATA)
_G = "guide"


def _append(path: str, text: str, encoding: str = "utf-8"):
    def edit(folder):
        p = folder / path
        p.write_bytes(p.read_bytes() + text.encode(encoding))
    return edit


def _replace(path: str, old: str, new: str):
    def edit(folder):
        p = folder / path
        text = p.read_text(encoding="utf-8-sig")
        assert old in text, (path, old)
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def _nested_yaml(folder):
    (folder / "types" / "A.yaml").write_text("trouble: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")


def _long_chain(folder):
    p = folder / "chart.csv"
    lines = p.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0]
    rows = [header]
    n = 5000
    cols = header.split(",")
    for i in range(1, n + 1):
        rec = dict.fromkeys(cols, "")
        rec.update(question_id=f"q{i}", order=str(i), question=f"質問{i}", on_yes="A",
                   on_no=f"q{i + 1}" if i < n else "q1", wording="ohayami")  # a 5,000-long loop
        rows.append(",".join(rec[c] for c in cols))
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")


case("g-nested-yaml", "13.13", _G, "A.yaml", action=_nested_yaml)
case("g-long-loop", "13.13", _G, "chart.csv", action=_long_chain)
case("g-duplicate-yaml-key", "13.13", _G, "A.yaml", action=_append("types/A.yaml", "\nfirst_move: 二つ目\nfirst_move: 三つ目\n"))
case("g-weight-inf", "13.13", _G, "priority_criteria.csv", action=lambda f: _set_csv_cell(f, "priority_criteria.csv", "default_weight", "inf"))
case("g-weight-nan", "13.13", _G, "priority_criteria.csv", action=lambda f: _set_csv_cell(f, "priority_criteria.csv", "default_weight", "nan"))
case("g-scale-1000", "13.13", _G, "priority_criteria.csv", action=lambda f: _set_csv_cell(f, "priority_criteria.csv", "scale", "1-1000"))
case("g-direction", "13.13", _G, "priority_criteria.csv", action=lambda f: _set_csv_cell(f, "priority_criteria.csv", "direction", "up"))


def _set_csv_cell(folder, name: str, column: str, value: str) -> None:
    import csv as _csv

    p = folder / name
    rows = list(_csv.reader(io.StringIO(p.read_text(encoding="utf-8-sig"))))
    j = rows[0].index(column)
    rows[1][j] = value
    buf = io.StringIO()
    _csv.writer(buf, lineterminator="\n").writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")


# the kinds that need the workshop-file and scoring-sheet machinery are added in their own module
# (tests/bad_files.py) so that this one stays readable


# ---------------------------------------------------------------------- type D forms (research log)
_D = "D"
case("d-theme-empty", "form", _D, "空", lambda m: m.save_theme("　\t"))
case("d-theme-too-long", "form", _D, "文字", lambda m: m.save_theme("長" * 5000))
case("d-read-c-empty", "form", _D, "Cタイプ作業台", lambda m: m.read_from_c())
case("d-case-town-empty", "form", _D, "空", lambda m: m.add_case("\x01\x07"))
case("d-case-town-too-long", "form", _D, "文字", lambda m: m.add_case("市" * 500))
case("d-case-unknown", "form", _D, "ありません", lambda m: m.update_case("K999", "B市"))
case("d-case-linked", "form", _D, "つながっている", lambda m: m.delete_case("K001"))
case("d-service-no-case", "form", _D, "取組事例", lambda m: m.add_service("case", "窓口予約", "Z社"))
case("d-service-unknown-case", "form", _D, "ありません", lambda m: m.add_service("case", "窓口予約", "Z社", case_id="K9"))
case("d-service-name-empty", "form", _D, "空", lambda m: m.add_service("similar", "\u200b", found_at="展示会"))
case("d-service-dup-width", "13.12", _D, "すでに", lambda m: m.add_service("similar", "書かない　窓口", "Ｘ社",
                                                                       found_at="展示会"))
case("d-service-found-at-bad", "form", _D, "選べません", lambda m: m.add_service("similar", "窓口予約", found_at="=1+1"))
case("d-service-found-at-empty", "form", _D, "選んで", lambda m: m.add_service("similar", "窓口予約", found_at=""))
case("d-service-kind-bad", "form", _D, "区分", lambda m: m.add_service("vendor", "窓口予約"))
case("d-service-keywords-too-long", "form", _D, "文字", lambda m: m.add_service("similar", "窓口予約", keywords="k、" * 400,
                                                                              found_at="展示会"))
case("d-candidate-no-vendor", "form", _D, "事業者名", lambda m: m.set_candidate("S002", True))
case("d-candidate-not-bool", "form", _D, "はい", lambda m: m.set_candidate("S001", "true"))
case("d-send-no-candidates", "form", _D, "候補", lambda m: m.send_candidates_to_e())
case("d-rfi-empty", "form", _D, "空", lambda m: m.add_rfi("question", "  "))
case("d-rfi-part-bad", "form", _D, "区分", lambda m: m.add_rfi("answer", "x"))
case("d-rfi-due-bad", "form", _D, "日付|月は", lambda m: m.save_rfi_info("目的", "2026-13-01"))
case("d-rfi-unknown", "form", _D, "ありません", lambda m: m.delete_rfi("recipient", "R404"))
# ---------------------------------------------------------------------- type B and H forms
# ``extra["seed"]`` builds the worksheet model the action runs on (else :func:`seed`).
def _flow(ws):
    from ohayami.flow import Flow

    m = Flow(ws)
    m.add_interview("佐藤")
    return m


def _roles(ws):
    from ohayami.roles import Roles

    m = Roles(ws)
    m.add_task("調達", "契約")
    m.add_owner("企画課", "庁内の課")
    return m


def _t(m) -> str:
    return m.tasks()["task_id"].iloc[0]


def _o(m) -> str:
    return m.owners()["owner_id"].iloc[0]


_B, _H = "B", "H"
_STAGE = dict(stage_name="広報", purpose="", tasks="", lead="自治体", start_month="3", months="2")
for _id, _expect, _action in [
    ("b-interviewee-empty", "空", lambda m: m.add_interview("　")),
    ("b-interviewee-controls", "空", lambda m: m.add_interview("\x01\x07")),
    ("b-interview-date", "ありえない", lambda m: m.add_interview("田中", heard_on="2026-02-30")),
    ("b-interview-date-words", "読めません", lambda m: m.add_interview("田中", heard_on="来週")),
    ("b-interview-lessons-long", "文字", lambda m: m.add_interview("田中", lessons="長" * 5000)),
    ("b-interview-unknown", "ありません", lambda m: m.update_interview("IV999", "田中")),
    ("b-stage-empty", "空", lambda m: m.add_stage(**{**_STAGE, "stage_name": ""})),
    ("b-stage-dup", "すでに", lambda m: m.add_stage(**{**_STAGE, "stage_name": "調　達"})),
    ("b-stage-lead", "選べません", lambda m: m.add_stage(**{**_STAGE, "lead": "県"})),
    ("b-start-zero", "1～60", lambda m: m.add_stage(**{**_STAGE, "start_month": "0"})),
    ("b-start-fraction", "整数", lambda m: m.add_stage(**{**_STAGE, "start_month": "2.5"})),
    ("b-start-words", "数", lambda m: m.add_stage(**{**_STAGE, "start_month": "来月"})),
    ("b-months-negative", "1～36", lambda m: m.add_stage(**{**_STAGE, "months": "-1"})),
    ("b-months-huge", "数|大きすぎ", lambda m: m.add_stage(**{**_STAGE, "months": "1e999"})),
    ("b-months-underscore", "_", lambda m: m.add_stage(**{**_STAGE, "months": "1_2"})),
    ("b-stage-update-months", "1～36", lambda m: m.update_stage("ST001", **{**_STAGE, "months": "99"})),
    ("b-stage-move-unknown", "ありません", lambda m: m.move_stage("ST999", 1)),
    ("b-plan-start-month", "1～12", lambda m: m.set_plan_start("2026-13")),
]:
    case(_id, "form", _B, _expect, _action, extra={"seed": _flow})
for _id, _expect, _action in [
    ("h-task-empty", "空", lambda m: m.add_task("調達", "")),
    ("h-task-dup", "すでに", lambda m: m.add_task("調達", "契　約")),
    ("h-task-unknown", "ありません", lambda m: m.remove_task("T999")),
    ("h-owner-empty", "空", lambda m: m.add_owner("", "ベンダー")),
    ("h-owner-kind", "選べません", lambda m: m.add_owner("A社", "取引先")),
    ("h-owner-dup", "すでに", lambda m: m.add_owner("企画課 ", "dept")),
    ("h-raci-letter", "選べません", lambda m: m.set_raci(_t(m), _o(m), "X")),
    ("h-raci-unknown-owner", "いません", lambda m: m.set_raci(_t(m), "O999", "A")),
    ("h-rule-empty", "空", lambda m: m.add_rule("")),
    ("h-rule-long", "文字", lambda m: m.add_rule("定例会", channel="長" * 500)),
]:
    case(_id, "form", _H, _expect, _action, extra={"seed": _roles})


# ---------------------------------------------------------------------- the participant page (/p/<code>)
# What the page's JSON can carry: any type where a string belongs, names the room keeps for itself,
# problems or vendors not offered. ohayami.participant.Participation answers the server's handlers.
_P = "P"


def _part_c(ws):
    from ohayami.participant import Participation

    seed(ws, "C")
    return Participation(ws, "C")


def _part_e(ws):
    from ohayami.participant import Participation

    seed(ws, "E")
    return Participation(ws, "E")


def _pa(p) -> str:
    return p.state("")["alternatives"][0]["id"]


def _pc(p) -> str:
    return p.state("")["criteria"][0]["id"]


for _id, _expect, _action in [
    ("p-name-empty", "お名前を入れてください", lambda p: p.join("")),
    ("p-name-controls-only", "お名前を入れてください", lambda p: p.join("\x00\x1b\u200b")),
    ("p-name-room", "会場全体", lambda p: p.join("（会場全体）")),
    ("p-name-long", "文字以内", lambda p: p.join("長" * 500)),
    ("p-name-list", "形が正しくありません", lambda p: p.join(["山田"])),
    ("p-name-object", "形が正しくありません", lambda p: p.join({"$gt": ""})),
    ("p-name-bool", "形が正しくありません", lambda p: p.join(True)),
    ("p-score-unknown-problem", "採点の対象ではありません", lambda p: p.score("山田", "P999", _pc(p), "3")),
    ("p-score-unknown-criterion", "ありません", lambda p: p.score("山田", _pa(p), "zzz", "3")),
    ("p-score-off-scale", "入れられません", lambda p: p.score("山田", _pa(p), _pc(p), "6")),
    ("p-score-formula", "入れられません", lambda p: p.score("山田", _pa(p), _pc(p), "=1+1")),
    ("p-score-list", "形が正しくありません", lambda p: p.score("山田", _pa(p), _pc(p), ["3"])),
    ("p-score-no-name", "お名前", lambda p: p.score("", _pa(p), _pc(p), "3")),
    ("p-propose-empty", "空", lambda p: p.propose("山田", "  ")),
    ("p-propose-object", "形が正しくありません", lambda p: p.propose("山田", {"title": "x"})),
    ("p-propose-duplicate", "すでに|同じ", lambda p: p.propose("山田", "バスの本数が少ない")),
    ("p-rank-in-c", "Eタイプ", lambda p: p.rank("山田", {"P001": 1})),
]:
    case(_id, "page", _P, _expect, _action, extra={"seed": _part_c})
for _id, _expect, _action in [
    ("p-rank-one", "2社以上", lambda p: p.rank("委員", {_pa(p): 1})),
    ("p-rank-list", "形が正しくありません", lambda p: p.rank("委員", [1, 2])),
    ("p-rank-unknown-vendor", "ありません", lambda p: p.rank("委員", {_pa(p): 1, "V999": 2})),
    ("p-rank-zero", "順位は", lambda p: p.rank("委員", {_pa(p): 0, "V002": 1})),
    ("p-rank-words", "1, 2, 3", lambda p: p.rank("委員", {_pa(p): "一位", "V002": 1})),
    ("p-propose-in-e", "Cタイプ", lambda p: p.propose("委員", "課題")),
]:
    case(_id, "page", _P, _expect, _action, extra={"seed": _part_e})
