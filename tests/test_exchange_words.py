"""The whole-workshop Excel in words: what a manager reads is never JSON, a code or an internal id;
the stored values stay in the record columns and the round trip stays exact."""

import io
import json

import openpyxl
import pytest

from chain_fill import fill_c, fill_d, fill_e, fill_h
from ohayami import exchange as X
from ohayami import labels as L
from ohayami.store import TABLES, open_workshop
from ohayami.vendors import VendorWorkbench

OTHER_VENDORS = (("C社", "窓口さん", 800_000), ("D社", "", 700_000))


def _chain(ws):
    """A workshop filled as the browser chain test fills it (C → D → E → H), plus what the chain leaves
    out: the committee's rules, an evaluator's ranks and comparisons, a deleted owner and the app's settings."""
    fill_c(ws)
    fill_d(ws)
    fill_e(ws, vendors=OTHER_VENDORS)
    roles = fill_h(ws)
    e = VendorWorkbench(ws)
    ids = list(e.criteria()["criterion_id"])
    e.set_rules(combine="sum", rounding="round", digits=2, min_total_ratio=0.6, tie_break=["price"],
                price={"method": "lowest", "points": 30.0})
    # as the weighting editor keeps them (scoring has started, so the model would refuse new weights)
    ws.upsert("weight_inputs", {"set_id": "E", "evaluator": "山田", "method": "rank"},
              {"inputs": dict(zip(ids, (2, 1))), "message": "順位から重みを計算しました（順位重心法）。"})
    ws.upsert("weight_inputs", {"set_id": "E", "evaluator": "佐藤", "method": "pairwise"},
              {"inputs": {f"{ids[0]}|{ids[1]}": 3.0}})
    roles.remove_owner(roles.add_owner("県の窓口", "庁外の団体・人物"))
    ws.set_setting("app.kind", "E")
    ws.set_setting("app.date", "2026-11-27")
    return ws


@pytest.fixture
def chain(tmp_path):
    ws = _chain(open_workshop(tmp_path / "chain"))
    yield ws
    ws.close()


def _is_record(sheet: str, header: str) -> bool:
    """The columns the import reads the stored values from, which a person is not meant to read:
    （記録用）, the ids, a setting's key, the log's row key."""
    return (header.endswith(L.RECORD_SUFFIX) or header.endswith("ID")
            or (sheet, header) in {("設定", "項目"), ("変更履歴", "行")})


def _codes(ws) -> set[str]:
    """Every internal code and id of this workshop: the stored codes of the coded columns, the settings'
    keys, the weighting methods and the value of every id column."""
    codes = {str(c) for words in X.CODE_WORDS.values() for c in words if isinstance(c, str)}
    codes |= set(L.SETTING_LABELS) | {"direct", "rank", "pairwise", "higher", "lower"}
    for t in TABLES.values():
        for col in t.columns:
            if col.endswith("_id") and col != "set_id":
                codes |= {str(v) for v in ws.rows(t.name)[col] if v}
    return codes - {""}


def _looks_like_json(text: str) -> bool:
    text = text.strip()
    if text[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_no_readable_cell_is_json_a_code_or_an_id(chain):
    data = X.export_xlsx(chain)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    codes = _codes(chain)
    assert {"reach", "case", "similar", "dept", "vendor", "app.kind", "default", "catalogue", "T001", "O001"} <= codes
    bad, read = [], 0
    for sh in wb.worksheets:
        header = [c.value for c in sh[1]]
        for row in sh.iter_rows(min_row=2):
            for h, cell in zip(header, row):
                if _is_record(sh.title, h) or not isinstance(cell.value, str):
                    continue
                read += 1
                if _looks_like_json(cell.value) or cell.value.strip() in codes:
                    bad.append((sh.title, h, cell.value))
    assert read > 500 and not bad, bad[:20]


def test_the_record_columns_still_hold_what_was_stored(chain):
    frames = X.export_frames(chain)
    inputs = frames["重みづけの入力"].set_index("評価者")
    stored = chain.get("weight_inputs", set_id="E", evaluator="山田", method="rank")["inputs"]
    assert inputs.loc["山田", "入力（記録用）"] == stored and json.loads(stored)
    assert inputs.loc["山田", "方法"] == "順位を付ける"
    assert frames["評価のルール"]["内容（記録用）"].iloc[0] == chain.get("rules", set_id="E")["record"]
    owners = frames["担い手"].set_index("担い手")
    assert owners.loc["企画課", "担い手の区分"] == "庁内の課" and owners.loc["A社", "担い手の区分"] == "ベンダー"
    services = frames["調べたサービス"].set_index("名前")
    assert list(services["種類"]) == ["実装されたサービス", "類似サービス"] and services.loc["スマート窓口", "見つけた場所"] == "カタログ"
    settings = frames["設定"]
    assert list(settings.columns[:2]) == ["設定の名前", "値の意味"] and "値" not in settings.columns
    assert dict(zip(settings["項目"], settings["値の意味"]))["app.date"] == "2026-11-27"
    assert dict(zip(settings["項目"], settings["値（記録用）"]))["app.date"] == '"2026-11-27"'
    assert dict(zip(settings["項目"], settings["設定の名前"])) == {"app.kind": "ワークショップの種類", "app.date": "開催日"}
    assert dict(zip(settings["項目"], settings["値の意味"]))["app.kind"] == "Eタイプ作業台（事業者を比べる）"
    raci = frames["役割分担"]
    assert list(raci["作業名"].unique()) == [chain.rows("role_tasks").sort_values("task_id")["task_name"].iloc[0]]
    assert sorted(raci["担い手名"]) == ["A社", "企画課"]


def test_round_trip_of_the_chain_is_exact(chain, tmp_path):
    data = X.export_xlsx(chain)
    b = open_workshop(tmp_path / "b")
    X.import_workbook(b, data, name="chain.xlsx")
    assert X.table_snapshot(chain) == X.table_snapshot(b)
    again = X.export_frames(b, with_history=False)
    first = X.export_frames(chain, with_history=False)
    for label, df in first.items():
        assert again[label].fillna("").astype(str).values.tolist() == df.fillna("").astype(str).values.tolist(), label


def test_an_import_reads_the_codes_or_the_words(tmp_path):
    """A town's own file may carry the codes (as earlier exports did) or the words the export writes."""
    ws = open_workshop(tmp_path / "w")
    X.import_table(ws, "role_owners", "担い手ID,担い手,担い手の区分\nO001,企画課,dept\nO002,県,庁外の団体・人物\n".encode())
    assert dict(zip(ws.rows("role_owners")["owner_id"], ws.rows("role_owners")["owner_kind"])) == \
        {"O001": "dept", "O002": "external"}


NAMES = {"c1": "費用", "c2": "機能", "c3": "使いやすさ"}


@pytest.mark.parametrize("method, inputs, words", [
    ("direct", {"c1": 30, "c2": 50, "c3": 20}, "費用: 30点（30%）、機能: 50点（50%）、使いやすさ: 20点（20%）"),
    ("direct", {"c1": 1, "c2": 2}, "費用: 1点（33%）、機能: 2点（67%）"),
    ("rank", {"c1": 2, "c2": 1, "c3": 3}, "機能: 1位、費用: 2位、使いやすさ: 3位"),
    ("pairwise", {"c1|c2": 3, "c2|c3": 1, "c1|c3": 0.2}, "「費用」は「機能」より3倍重要、「機能」と「使いやすさ」は同じくらい重要、"
                                                          "「使いやすさ」は「費用」より5倍重要"),
    ("direct", {"gone": 10}, "gone: 10点（100%）"),          # a criterion since deleted keeps its id
    ("direct", "not json", "not json"),                       # a crafted row: said as it is, no failure
    ("future", {"c1": {"a": 1}}, "費用: a: 1"),
])
def test_weights_as_entered_read_in_words(method, inputs, words):
    text = X.weights_input_text(method, inputs if isinstance(inputs, str) else json.dumps(inputs), NAMES)
    assert text == words


def test_rules_read_one_sentence_per_rule():
    record = {"combine": "average", "rounding": "truncate", "digits": 1, "must_have_rule": "majority",
              "min_total_ratio": 0.6, "min_group_ratio": {"機能": 0.5, "": 0.3},
              "price": {"method": "lowest", "points": 30.0, "ceiling": None, "rounding": "none", "digits": 2, "unit": None},
              "tie_break": ["technical", "price", "group:機能"]}
    assert X.rules_text(json.dumps(record, ensure_ascii=False)).split("。")[:-1] == [
        "評価者の点数は平均で集計します",
        "点数は小数1位で切り捨てます",
        "必須項目は、過半数が満たさないと判断すれば除外します",
        "技術点が満点の 60% 未満は選定対象外とします",
        "要件内訳の小計が満点の次の割合未満は選定対象外とします：機能 50%、（区分なし） 30%",
        "価格点は「価格点 30 点 × 最低価格 ÷ 提案価格」で計算します",
        "同点のときは 技術点の高い方 → 価格の安い方 → 要件内訳「機能」の小計の高い方 の順で決めます",
    ]
    # the engine's defaults for what a record leaves out; a crafted rule is said, never a failed export
    assert X.rules_text("{}") == "評価者の点数は平均で集計します。端数は処理しません。必須項目は、1人でも満たさないと判断すれば除外します。"
    assert "価格点のルール" in X.rules_text(json.dumps({"price": {"method": "nope"}}))
    assert X.rules_text("壊れた") == "壊れた"


def test_the_change_log_says_before_and_after_in_words(tmp_path):
    ws = open_workshop(tmp_path / "w")
    ws.upsert("problems", {"problem_id": "P001"}, {"title": "バスが少ない"})
    ws.upsert("criteria", {"set_id": "C", "criterion_id": "reach"}, {"name": "影響の大きさ", "direction": "higher"})
    ws.upsert("scores", {"set_id": "C", "evaluator": "山田", "alternative_id": "P001", "criterion_id": "reach"}, {"value": "3"})
    ws.upsert("scores", {"set_id": "C", "evaluator": "山田", "alternative_id": "P001", "criterion_id": "reach"}, {"value": "4"})
    ws.upsert("criteria", {"set_id": "C", "criterion_id": "reach"}, {"direction": "lower"})
    ws.upsert("weight_inputs", {"set_id": "C", "evaluator": "山田", "method": "direct"}, {"inputs": {"reach": 100}})
    ws.upsert("role_owners", {"owner_id": "O001"}, {"owner_name": "企画課", "owner_kind": "dept"})
    ws.delete("role_owners", {"owner_id": "O001"})
    ws.set_setting("app.kind", "chart")
    log = X.changelog_frame(ws)
    score = log[(log["表"] == "評価点") & (log["変更前"] != "")].iloc[0]
    assert (score["行"], score["対象"]) == ("C・山田・P001・reach", "C・山田・バスが少ない・影響の大きさ")
    assert (score["変更前"], score["変更後"], score["変更の内容"]) == ("3", "4", "前: 3 → 後: 4")
    direction = log[(log["表"] == "評価項目") & (log["項目"] == "向き")].iloc[-1]
    assert direction["変更の内容"] == "前: 高いほど良い → 後: 低いほど良い"
    inputs = log[log["表"] == "重みづけの入力"].iloc[0]
    assert inputs["対象"] == "C・山田・配点を直接入れる" and inputs["変更後"] == "影響の大きさ: 100点（100%）"
    gone = log[(log["表"] == "担い手") & (log["項目"] == "（行全体）")].iloc[-1]
    assert gone["変更前"] == "担い手: 企画課、担い手の区分: 庁内の課" and gone["変更の内容"].endswith("後: (削除)")
    kind = log[log["表"] == "設定"].iloc[-1]
    assert (kind["行"], kind["対象"], kind["変更後"]) == ("app.kind", "ワークショップの種類", "診断チャート")


def test_words_made_of_user_text_stay_data(tmp_path):
    """A criterion named like a formula or with a control character: the words are text cells, stripped."""
    ws = open_workshop(tmp_path / "w")
    ws.upsert("criteria", {"set_id": "E", "criterion_id": "e001"}, {"name": "=HYPERLINK(\"x\")"})
    ws.upsert("weight_inputs", {"set_id": "E", "evaluator": "山田", "method": "direct"},
              {"inputs": {"e001": 60}})
    assert X.weights_input_text("direct", '{"e001": 1}', {"e001": "費\x07用"}) == "費用: 1点（100%）"
    wb = openpyxl.load_workbook(io.BytesIO(X.export_xlsx(ws)))
    sh = wb["重みづけの入力"]
    col = [c.value for c in sh[1]].index("入力した重み")
    cell = sh[2][col]
    assert cell.value == "=HYPERLINK(\"x\"): 60点（100%）" and cell.data_type == "s"


def test_the_labels_are_the_models_own_words():
    """The catalogue repeats the models' code dicts (the export sits below them): they must not drift."""
    from ohayami import experts, flow, readiness, research, roles, support
    assert L.SERVICE_KIND_LABELS == research.KIND_LABELS and L.FOUND_AT_LABELS == research.FOUND_AT
    assert L.RFI_PART_LABELS == research.PART_LABELS and L.RFI_SOURCE_LABELS == research.RFI_SOURCES
    assert L.OWNER_KIND_LABELS == roles.KINDS and L.TASK_SOURCE_LABELS == roles.SOURCE_LABELS
    assert L.STAGE_LEAD_LABELS == flow.LEAD_LABELS and L.STAGE_SOURCE_LABELS == flow.SOURCE_LABELS
    assert L.READINESS_STATE_LABELS == readiness.STATE_LABELS
    assert L.DECISION_LABELS == support.DECISIONS and L.SUPPORT_SOURCE_LABELS == support.SOURCE_LABELS
    assert L.EXPERT_SOURCE_LABELS == experts.SOURCE_LABELS
    assert L.EXPERT_LIST_LABELS == {k: s.title for k, s in experts.LISTS.items()}
    for words in X.CODE_WORDS.values():   # every word reads back to one code
        assert len({str(w) for w in words.values()}) == len(words)
