"""The one catalogue of words the kit shows and reads back: column headers, directions, 必須／任意, yes/no.

Every Japanese header of a workshop column is written here once. Exports use :data:`COLUMN_LABELS`;
imports accept the label, the English column name and the older spellings in :data:`HEADER_ALIASES`
(so a workbook exported by an earlier version, or a town's own spreadsheet, still comes back in).
"""

from __future__ import annotations

# ---------------------------------------------------------------------- column headers

COLUMN_LABELS: dict[str, str] = {
    # people and the diagnostic chart
    "name": "名前", "department": "所属", "role": "役割", "result_id": "結果ID", "participant": "参加者",
    "mode": "方式", "answers": "回答", "result": "タイプ", "types": "該当タイプ", "created_at": "日時",
    # type C: problems and target visions
    "problem_id": "課題ID", "title": "課題", "scene": "生活のワンシーン", "origin": "出どころ", "who": "誰が",
    "how": "どの様に", "how_much": "どの程度", "cause": "要因", "evidence": "検証結果", "exclusion": "除外理由",
    "tags": "まとめて解決できる課題のタグ", "merged_into": "統合先", "position": "並び順",
    "beneficiary": "受益者", "change": "状態の変化", "degree": "変化の程度",
    # criteria, weights, scores (both evaluation sets)
    "set_id": "評価セット", "criterion_id": "評価項目ID", "requirement": "要件", "grp": "要件内訳",
    "subgroup": "小区分", "description": "概要", "example": "例", "must_have": "必須", "direction": "向き",
    "scale": "尺度", "weight": "配点", "evaluator": "評価者", "alternative_id": "評価対象ID", "value": "値",
    "reason": "理由", "rank": "順位",
    # type E: vendors
    "vendor_id": "事業者ID", "service": "サービス", "price": "価格", "notes": "備考",
    # settings
    "key": "項目",
    # type C: consensus rounds and dot voting
    "dots_per_person": "1人あたりのシール", "show_names": "報告書に名前を出す", "round_no": "採点の回", "count": "シールの数",
    # typed state of an evaluation set
    "pass_level": "合格の水準", "seeded": "初期設定済み", "weight_method": "重みの決め方", "weight_message": "重みの説明", "total": "配点の合計", "method": "方法", "inputs": "入力", "message": "説明", "at": "日時", "actor": "入力した人", "no": "番号", "before": "変更前", "after": "変更後", "winner_before": "見直し前の1位", "winner_after": "見直し後の1位", "record": "内容", "first_at": "最初の入力日時", "joined_at": "参加した日時", "note": "注記", "weights_version": "重みの版", "frames": "結果の表",
    "weight_must_haves": "必須項目にも配点", "weights_revealed": "評価者ごとの重みの公開",
    # weight versions
    "kind": "種類",
    # type A: the three points
    "point_no": "ポイント", "state": "状態", "basis": "根拠", "next_action": "次の一手", "due": "期日",
    # type I: the request to an expert and its checklists
    "request_id": "依頼ID", "bottleneck": "ボトルネック", "outcome": "期待する成果", "list_id": "リスト",
    "item_id": "項目ID", "source": "出所", "checked": "チェック",
    # type D: the research log and the RFI draft
    "theme_id": "テーマID", "theme": "テーマ", "vision": "実現したい地域像", "problem_ids": "Cタイプの課題ID",
    "read_theme": "Cタイプから読み込んだテーマ", "read_vision": "Cタイプから読み込んだ地域像", "read_at": "読み込んだ日時",
    "rfi_purpose": "RFIの目的", "rfi_due": "RFIの回答期限", "case_id": "事例ID", "town": "自治体", "what": "取組内容",
    "service_id": "サービスID", "vendor": "事業者", "keywords": "キーワード・カテゴリ", "found_at": "見つけた場所",
    "unknown": "まだ分からないこと", "candidate": "候補", "sent_vendor_id": "Eタイプの事業者ID",
    "sent_at": "Eタイプへ送った日時", "part": "区分", "text": "RFIの項目", "included": "RFIに含める",
    # types F and G: support programmes, their checks and decisions
    "programme_id": "支援策ID", "provider": "所管", "deadline": "締切", "url": "URL・参照先",
    "guide_place": "ガイドの箇所", "decision": "決定",
    # type B: the plan, the case interviews and the stage list
    "plan_id": "計画ID", "start": "開始年月", "interview_id": "聞き取りID", "interviewee": "誰に",
    "organisation": "所属・団体", "what_done": "取り組んだこと", "lessons": "学び", "heard_on": "聞いた日",
    "stage_id": "段階ID", "stage_name": "段階", "purpose": "目的", "tasks": "主な作業", "lead": "主導",
    "start_month": "開始月（何か月目）", "months": "期間（月）",
    # type H: tasks, owners, RACI and the communication rules
    "task_id": "作業ID", "task_name": "作業", "owner_id": "担い手ID", "owner_name": "担い手", "owner_kind": "担い手の区分",
    "raci": "役割（RACI）", "rule_id": "ルールID", "meeting": "会議体", "frequency": "頻度", "channel": "連絡手段",
    "members": "参加者",
}

# Columns of the guide's data files (data/*.csv) that the workshop tables do not have. A column both
# have (criterion_id, name, who …) takes its header from COLUMN_LABELS: one name per column.
GUIDE_COLUMN_LABELS: dict[str, str] = {
    **COLUMN_LABELS,
    "question_id": "質問ID", "order": "順番", "question": "質問", "on_yes": "はいの行き先",
    "on_no": "いいえの行き先", "group": "要件内訳", "item": "評価項目", "problem": "課題",
    "default_weight": "既定の重み", "reason_id": "理由ID", "label": "表示名", "ref_id": "資料ID",
    "need": "ニーズ", "title": "資料名", "summary": "概要", "how_to_use": "活用方法",
    "source": "出所", "scene_id": "場面ID", "situation": "運用時の場面", "emphasis": "重くする要件内訳",
    "note": "注記", "ref": "ガイドのページ参照", "guide_place": "ガイドの箇所", "kit_place": "ohayami での場所",
    "link": "リンク", "anchor_low": "最低点の意味", "anchor_high": "最高点の意味", "anchor_source": "目安の出所",
}

# Header spellings accepted on import besides the label and the English name: older exports
# (「評価軸ID」, 「名称」) and the words towns use in their own spreadsheets.
COMMON_ALIASES: dict[str, str] = {"評価軸ID": "criterion_id", "名称": "name"}
HEADER_ALIASES: dict[str, dict[str, str]] = {
    "problems": {"タイトル": "title", "課題名": "title", "シーン": "scene", "ワンシーン": "scene",
                 "出典": "origin", "出所": "origin", "きっかけ": "origin"},
    "vendors": {"事業者": "name", "事業者名": "name", "サービス名": "service", "金額": "price",
                "見積額": "price", "提案価格": "price"},
    "criteria": {"評価項目": "name", "項目": "name", "重み": "weight", "配点": "weight", "説明": "description",
                 "必須／任意": "must_have", "求める水準（例）": "example"},
    "scores": {"事業者ID": "alternative_id", "課題ID": "alternative_id", "点数": "value", "評価": "value"},
}

CHANGELOG_LABELS: dict[str, str] = {"id": "番号", "at": "日時", "actor": "変更した人", "tbl": "表",
                                    "row_key": "行", "target": "対象", "field": "項目", "old": "変更前", "new": "変更後",
                                    "change": "変更の内容"}


# A column the export shows in a readable form elsewhere keeps its stored value under its label with
# this suffix (「日時（記録用）」), for the import to read back exactly.
RECORD_SUFFIX = "（記録用）"


def header_lookup(table: str, columns) -> dict[str, str]:
    """header text → column name for one table: the English name, the label (also with
    :data:`RECORD_SUFFIX`), or an accepted alias."""
    cols = set(columns)
    lookup = {c: c for c in cols}
    lookup.update({COLUMN_LABELS.get(c, c): c for c in cols})
    lookup.update({COLUMN_LABELS.get(c, c) + RECORD_SUFFIX: c for c in cols})
    lookup.update({h: c for h, c in COMMON_ALIASES.items() if c in cols})
    lookup.update({h: c for h, c in HEADER_ALIASES.get(table, {}).items() if c in cols})
    return lookup


def column_label(column: str) -> str:
    """The Japanese header of a column (the column name itself when it has none)."""
    return COLUMN_LABELS.get(column, column)


# ---------------------------------------------------------------------- direction, 必須／任意

HIGHER, LOWER = "higher", "lower"
DIRECTION_LABELS: dict[str, str] = {HIGHER: "高いほど良い", LOWER: "低いほど良い"}
# what an import reads as a direction (a blank cell is the usual "higher is better")
DIRECTION_WORDS: dict[str, str] = {HIGHER: HIGHER, DIRECTION_LABELS[HIGHER]: HIGHER, "高": HIGHER,
                                   LOWER: LOWER, DIRECTION_LABELS[LOWER]: LOWER, "低": LOWER, "": HIGHER}

MUST_HAVE, NICE_TO_HAVE = "必須", "任意"
MUST_LABELS: dict[int, str] = {1: MUST_HAVE, 0: NICE_TO_HAVE}


def direction_choices() -> str:
    """「higher（高いほど良い）か lower（低いほど良い）」 for messages about a file's direction cell."""
    return "か ".join(f"{k}（{v}）" for k, v in DIRECTION_LABELS.items())


def direction_label(direction: str) -> str:
    return DIRECTION_LABELS.get(direction, direction)


def must_label(must_have: object) -> str:
    return MUST_HAVE if must_have and must_have == must_have else NICE_TO_HAVE


# ---------------------------------------------------------------------- yes / no

YES, NO = "はい", "いいえ"
# The one yes/no vocabulary: chart answers, yes/no scale entries and 必須 cells in an import all read it.
# Compared after .strip().lower().
YES_WORDS: frozenset[str] = frozenset({YES, "適合", "満たす", "○", "yes", "y", "1", "true", "可"})
NO_WORDS: frozenset[str] = frozenset({NO, "不適合", "満たさない", "×", "no", "n", "0", "false", "不可"})
# 必須 column on import: the 必須／任意 words or any yes/no word; a blank cell is 任意
MUST_WORDS: dict[str, int] = {MUST_HAVE: 1, NICE_TO_HAVE: 0, "": 0,
                              **{w: 1 for w in YES_WORDS}, **{w: 0 for w in NO_WORDS}}
# marks in result tables: selectable or not, on the short list or not
MARK_YES, MARK_NO = "○", "×"


def yes_no(value: object) -> str:
    return YES if value else NO


# a scale's code as a list of scales offers it; the code is what is stored (parse_scale reads it)
SCALE_LABELS: dict[str, str] = {"yes/no": f"{YES}／{NO}"}


def scale_label(scale: object) -> str:
    """A scale code as the criteria tabs show it (「yes/no」 → 「はい／いいえ」); other scales as written."""
    return SCALE_LABELS.get(str(scale).strip(), str(scale))


def scale_code(text: object) -> str:
    """What a scale box holds, back to the code that is stored (「はい／いいえ」 → 「yes/no」)."""
    key = str(text or "").strip()
    return next((code for code, label in SCALE_LABELS.items() if label == key), key)


# ---------------------------------------------------------------------- codes kept in the workshop file

# Codes a workshop stores, as a person reads them. The whole-workshop Excel shows the words and its
# import reads either the word or the code back (see exchange.CODE_WORDS).
CHART_MODE_LABELS: dict[str, str] = {"chart": "チャート", "all": "全問チェック"}
CUT_LINE_LABELS: dict[str, str] = {"top": "上位N件", "min": "最低点"}
VERSION_KIND_LABELS: dict[str, str] = {
    "evaluators": "評価者の重みから合成",
    "revision": "委員会の修正",
    "room": "全体での重みづけ",
    "edit": "配点の直接入力",
    "recorded": "形式の更新時の配点",
}
# the page a workshop was made for (app.workshops.KINDS adds each page's notebook)
WORKSHOP_KIND_LABELS: dict[str, str] = {
    "chart": "診断チャート",
    "A": "Aタイプ作業台（基本の3ポイント）",
    "B": "Bタイプ作業台（基本の流れ）",
    "C": "Cタイプ作業台（課題を選ぶ）",
    "D": "Dタイプ作業台（サービスを知る）",
    "E": "Eタイプ作業台（事業者を比べる）",
    "F": "Fタイプ作業台（財源の支援策）",
    "G": "Gタイプ作業台（人材の支援策）",
    "H": "Hタイプ作業台（役割分担案）",
    "I": "Iタイプ作業台（専門家を頼る）",
    "summary": "プロジェクトのまとめ（問題→調査→選定→体制）",
}


# The worksheets' own codes (the models keep the same dicts; tests/test_exchange_words.py checks that
# they agree), so that the whole-workshop Excel, below the models, can show them as words.
SERVICE_KIND_LABELS: dict[str, str] = {"case": "実装されたサービス", "similar": "類似サービス"}
FOUND_AT_LABELS: dict[str, str] = {"catalogue": "カタログ", "vendor_site": "事業者サイト", "exhibition": "展示会",
                                   "platform": "プラットフォーム", "rfi": "RFI", "other": "その他"}
RFI_PART_LABELS: dict[str, str] = {"question": "質問", "recipient": "送付先"}
RFI_SOURCE_LABELS: dict[str, str] = {"guide": "ガイド※5（質問の文は ohayami）", "theme": "テーマから",
                                     "keyword": "キーワードから", "unknown": "まだ分からないことから",
                                     "log": "調査ログの事業者", "own": "追加した項目"}
OWNER_KIND_LABELS: dict[str, str] = {"dept": "庁内の課", "external": "庁外の団体・人物", "vendor": "ベンダー",
                                     "expert": "外部専門家"}
TASK_SOURCE_LABELS: dict[str, str] = {"flow": "Bの段階一覧から", "default": "ohayami の既定の段階から", "own": "追加した作業"}
STAGE_LEAD_LABELS: dict[str, str] = {"town": "自治体", "vendor": "ベンダー", "both": "双方"}
STAGE_SOURCE_LABELS: dict[str, str] = {"ohayami": "ohayami の段階", "own": "追加・変更した段階"}
READINESS_STATE_LABELS: dict[str, str] = {"done": "できている", "partly": "一部", "not_yet": "まだ"}
DECISION_LABELS: dict[str, str] = {"apply": "申請する", "skip": "見送る", "hold": "保留"}
SUPPORT_SOURCE_LABELS: dict[str, str] = {"guide": "ガイド", "ohayami": "ohayami による補足", "own": "追加した支援策"}
EXPERT_SOURCE_LABELS: dict[str, str] = {"guide": "ガイド", "ohayami": "ohayami の例・ガイドにはありません", "own": "追加した項目"}
EXPERT_LIST_LABELS: dict[str, str] = {"skills": "専門家に求める役割・スキル", "channels": "専門家の探し方",
                                      "acceptance": "受入れ環境"}
# settings a workshop keeps (app.workshops writes app.*); the export names them, the key stays the record
SETTING_LABELS: dict[str, str] = {"app.kind": "ワークショップの種類", "app.date": "開催日", "app.code": "参加コード"}
OTHER_SETTING = "その他の設定"


def yes_no_word(text: object) -> bool | None:
    """True for a yes word, False for a no word (:data:`YES_WORDS`, :data:`NO_WORDS`), else None."""
    key = str(text).strip().lower()
    return True if key in YES_WORDS else False if key in NO_WORDS else None
