"""The guide as data: loaders that read ``data/`` into pandas and validate it.

Every loader takes an optional ``data_dir`` (default: the kit's own ``data/`` folder, or the
folder named by the environment variable ``OHAYAMI_DATA``) so that a facilitator's edited
copy loads the same way. A broken file raises :class:`OhayamiError` naming the file, the row
and the column. Frames are cached per file version and returned as copies.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import OhayamiError
from .labels import DIRECTION_LABELS, GUIDE_COLUMN_LABELS, direction_choices
from .textio import first_decoding, parse_number, read_text_table

TYPE_IDS = tuple("ABCDEFGHI")
FALLBACK_TYPE = "I"
REQUIREMENTS = ("サービス要件", "取引要件")
DIRECTIONS = tuple(DIRECTION_LABELS)
# A numeric scale has at most this many steps (0-100, the familiar 100-point score, is the widest):
# every level is a choice in the scoring grid's dropdown, and a committee cannot tell 1000 levels
# apart anyway, so a wider range is almost certainly a typo (1-1000 for 1-100 or 1-10).
MAX_SCALE_STEPS = 100
# The type files nest 5 levels deep; 20 leaves room for edits and stops a runaway nesting long
# before PyYAML's recursive composer would exhaust the stack.
MAX_YAML_DEPTH = 20


def data_dir(path: str | Path | None = None) -> Path:
    """The folder the guide is read from."""
    if path is not None:
        return Path(path)
    env = os.environ.get("OHAYAMI_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


# --------------------------------------------------------------------------- CSV tables

@dataclass(frozen=True)
class TableSpec:
    file: str
    required: tuple[str, ...]          # columns that must exist and hold text in every row
    optional: tuple[str, ...] = ()     # columns that must exist but may be blank
    key: str | None = None             # column whose values must be unique


SPECS: dict[str, TableSpec] = {
    "chart": TableSpec("chart.csv", ("question_id", "order", "question", "on_yes", "on_no"),
                       ("derived_from", "wording"), key="question_id"),
    "criteria_template": TableSpec(
        "criteria_template.csv", ("no", "requirement", "group", "item"),
        ("subgroup", "description", "example"), key="no"),
    "problem_template": TableSpec(
        "problem_template.csv", ("problem", "who", "how", "how_much", "cause", "evidence"), ("source",)),
    "vision_template": TableSpec(
        "vision_template.csv", ("beneficiary", "change", "degree"), ("problem", "source")),
    "priority_criteria": TableSpec(
        "priority_criteria.csv", ("criterion_id", "name", "direction", "scale", "default_weight"),
        ("description", "source"), key="criterion_id"),
    "exclusion_reasons": TableSpec(
        "exclusion_reasons.csv", ("reason_id", "label"), ("description", "source"), key="reason_id"),
    "references": TableSpec(
        "references.csv", ("ref_id", "need", "title", "summary", "how_to_use"),
        ("publisher", "kind", "related_types"), key="ref_id"),
    "weighting_scenes": TableSpec(
        "weighting_scenes.csv", ("scene_id", "situation", "emphasis", "source"), ("note",), key="scene_id"),
    "page_refs": TableSpec("page_refs.csv", ("ref", "guide_place", "kit_place"), ("link",), key="ref"),
    "support_programmes": TableSpec("support_programmes.csv", ("kind", "name", "source", "guide_place"),
                                    ("provider", "description", "url", "note")),
}

COLUMN_LABELS = GUIDE_COLUMN_LABELS  # one catalogue: ohayami.labels


def _read_table(kind: str, folder: Path) -> pd.DataFrame:
    spec = SPECS[kind]
    path = folder / spec.file
    if not path.exists():
        raise OhayamiError("ファイルが見つかりません。data フォルダーに元のファイルを戻してください。",
                           file=spec.file)
    header, rows = read_text_table(path, spec.file)
    missing = [c for c in spec.required + spec.optional if c not in header]
    if missing:
        raise OhayamiError(
            "必要な列がありません：" + "、".join(f"{c}（{COLUMN_LABELS.get(c, c)}）" for c in missing)
            + "。見出し行を元のファイルと同じにしてください。", file=spec.file, row=1)
    records = []
    for i, cells in enumerate(rows, start=2):
        if len(cells) > len(header) and any(cells[len(header):]):
            raise OhayamiError(f"列の数が見出しより多くなっています（{len(cells)}列）。"
                               "文中の「,」を含む場合はセル全体を「\"」で囲んでください。",
                               file=spec.file, row=i)
        rec = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        for col in spec.required:
            if not rec[col]:
                raise OhayamiError(f"「{COLUMN_LABELS.get(col, col)}」が空です。内容を入力してください。",
                                   file=spec.file, row=i, column=col)
        rec["_row"] = i
        records.append(rec)
    if not records:
        raise OhayamiError("データ行がありません。少なくとも1行入力してください。", file=spec.file)
    df = pd.DataFrame.from_records(records)
    if spec.key:
        dup = df[df[spec.key].duplicated()]
        if len(dup):
            r = dup.iloc[0]
            raise OhayamiError(f"「{r[spec.key]}」が重複しています。ID は1行に1つだけにしてください。",
                               file=spec.file, row=int(r["_row"]), column=spec.key)
    return df


def _int_col(df: pd.DataFrame, col: str, file: str) -> None:
    for _, r in df.iterrows():
        if not re.fullmatch(r"-?\d+", str(r[col])):
            raise OhayamiError(f"「{r[col]}」は整数ではありません。半角数字で入力してください。",
                               file=file, row=int(r["_row"]), column=col)
    df[col] = df[col].astype(int)


def _split_list(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,、]+", value or "") if v]


@lru_cache(maxsize=64)
def _cached(kind: str, stamp: tuple) -> pd.DataFrame:
    folder = Path(stamp[0]).parent
    df = _read_table(kind, folder)
    return _VALIDATORS.get(kind, lambda d, f: d)(df, folder)


# Tables checked against another file: their cache entry also depends on that file's version.
_DEPENDS = {"weighting_scenes": ("criteria_template",)}


def _load(kind: str, folder: str | Path | None) -> pd.DataFrame:
    folder = data_dir(folder)
    stamp = _stamp(folder / SPECS[kind].file)
    for other in _DEPENDS.get(kind, ()):
        stamp += _stamp(folder / SPECS[other].file)
    df = _cached(kind, stamp)
    return df.drop(columns="_row").copy()


def _validate_chart(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["chart"].file
    _int_col(df, "order", file)
    df = df.sort_values("order", kind="stable").reset_index(drop=True)
    qids = set(df["question_id"])
    clash = qids & set(TYPE_IDS)
    if clash:
        raise OhayamiError(f"質問ID「{sorted(clash)[0]}」はタイプ名（A～I）と同じです。Q1 のような ID にしてください。",
                           file=file)
    for _, r in df.iterrows():
        for col in ("on_yes", "on_no"):
            if r[col] not in qids and r[col] not in TYPE_IDS:
                raise OhayamiError(
                    f"行き先「{r[col]}」は質問IDでもタイプ（A～I）でもありません。"
                    "別の質問ID か A～I のどれかを書いてください。", file=file, row=int(r["_row"]), column=col)
    # Every question must be reachable from the first and every path must end at a type.
    nxt = {r.question_id: (r.on_yes, r.on_no) for r in df.itertuples()}
    rows = dict(zip(df["question_id"], df["_row"]))
    cycle = _find_cycle(df["question_id"].iloc[0], nxt)
    if cycle:
        shown = cycle if len(cycle) <= 12 else cycle[:5] + ["…"] + cycle[-5:]
        raise OhayamiError("質問の行き先が循環しています（" + " → ".join(shown) + "）。"
                           "どこかで必ずタイプに着くようにしてください。", file=file, row=int(rows[cycle[-2]]),
                           column="on_yes" if nxt[cycle[-2]][0] == cycle[-1] else "on_no")
    seen = _reachable(df["question_id"].iloc[0], nxt)
    unreachable = [q for q in df["question_id"] if q not in seen]
    if unreachable:
        q = unreachable[0]
        raise OhayamiError(f"質問「{q}」にはどの質問からも行けません。前の質問の行き先を見直してください。",
                           file=file, row=int(rows[q]), column="question_id")
    return df


def _find_cycle(start: str, nxt: dict[str, tuple[str, str]]) -> list[str]:
    """The first cycle met walking from ``start`` (ending where it began), or []. Iterative, so a
    chain of thousands of questions cannot exhaust the stack."""
    on_path: dict[str, int] = {}
    done: set[str] = set()
    path: list[str] = []
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        q, i = stack.pop()
        if i == 0:
            on_path[q] = len(path)
            path.append(q)
        targets = [t for t in nxt[q] if t in nxt]
        if i < len(targets):
            stack.append((q, i + 1))
            t = targets[i]
            if t in on_path:
                return path[on_path[t]:] + [t]
            if t not in done:
                stack.append((t, 0))
        else:
            done.add(q)
            del on_path[q]
            path.pop()
    return []


def _reachable(start: str, nxt: dict[str, tuple[str, str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for t in nxt[todo.pop()]:
            if t in nxt and t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _validate_criteria(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["criteria_template"].file
    _int_col(df, "no", file)
    for _, r in df.iterrows():
        if r["requirement"] not in REQUIREMENTS:
            raise OhayamiError(f"要件「{r['requirement']}」は「サービス要件」か「取引要件」にしてください。",
                               file=file, row=int(r["_row"]), column="requirement")
        if not r["description"] and not r["example"]:
            raise OhayamiError("概要と例のどちらも空です。どちらかを入力してください。",
                               file=file, row=int(r["_row"]), column="description")
    return df.sort_values("no").reset_index(drop=True)


def _parse_scale(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(-?\d+)\s*[-–～~]\s*(-?\d+)\s*", text)
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2))
    return (lo, hi) if lo < hi else None


def _validate_priority(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["priority_criteria"].file
    lows, highs, weights = [], [], []
    for _, r in df.iterrows():
        row = int(r["_row"])
        if r["direction"] not in DIRECTIONS:
            raise OhayamiError(f"向き「{r['direction']}」は {direction_choices()}にしてください。",
                               file=file, row=row, column="direction")
        scale = _parse_scale(r["scale"])
        if scale is None:
            raise OhayamiError(f"尺度「{r['scale']}」は「1-5」のように 最小-最大 の形で書いてください。",
                               file=file, row=row, column="scale")
        if scale[1] - scale[0] > MAX_SCALE_STEPS:
            raise OhayamiError(f"尺度「{r['scale']}」は段階が多すぎます（{scale[1] - scale[0]}段階）。"
                               f"最小と最大の差は {MAX_SCALE_STEPS} 以下にしてください（例：1-5、0-100）。",
                               file=file, row=row, column="scale")
        try:
            w = parse_number(r["default_weight"], COLUMN_LABELS["default_weight"], "default_weight", minimum=0)
        except OhayamiError as exc:
            raise OhayamiError(exc.message, file=file, row=row, column="default_weight") from None
        lows.append(scale[0]), highs.append(scale[1]), weights.append(w)
    df["scale_min"], df["scale_max"], df["default_weight"] = lows, highs, weights
    if sum(weights) <= 0:
        raise OhayamiError("既定の重みがすべて 0 です。少なくとも1つは 0 より大きくしてください。",
                           file=file, column="default_weight")
    return df


def _validate_references(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["references"].file
    lists = []
    for _, r in df.iterrows():
        types = _split_list(r["related_types"])
        bad = [t for t in types if t not in TYPE_IDS]
        if bad:
            raise OhayamiError(f"関連タイプ「{bad[0]}」は A～I ではありません。A～I を空白区切りで書いてください。",
                               file=file, row=int(r["_row"]), column="related_types")
        lists.append(types)
    df["related_types"] = lists
    return df


def _validate_scenes(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["weighting_scenes"].file
    tpl = _load("criteria_template", folder)
    known = (set(tpl["group"]) | set(tpl["subgroup"])) - {""}
    for _, r in df.iterrows():
        _check_source(r["source"], file, int(r["_row"]))
        if r["emphasis"] not in known:
            raise OhayamiError(f"要件内訳「{r['emphasis']}」は評価項目例（criteria_template.csv）にありません。"
                               "評価項目例の要件内訳か小区分の名前を書いてください。",
                               file=file, row=int(r["_row"]), column="emphasis")
    df["mark"] = [SOURCE_MARKS[s] for s in df["source"]]
    return df


# A notebook next to the one showing the card: the only kind of link a card makes, so that an edited
# data file cannot smuggle a javascript: or remote URL into the page.
_NOTEBOOK_LINK = re.compile(r"[0-9A-Za-z_-][0-9A-Za-z_.-]*\.ipynb")


def _validate_page_refs(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["page_refs"].file
    for _, r in df.iterrows():
        if r["link"] and not _NOTEBOOK_LINK.fullmatch(r["link"]):
            raise OhayamiError(f"リンク「{r['link']}」はノートブックのファイル名（例：03_type_e_vendors.ipynb）にしてください。",
                               file=file, row=int(r["_row"]), column="link")
    return df


def _validate_programmes(df: pd.DataFrame, folder: Path) -> pd.DataFrame:
    file = SPECS["support_programmes"].file
    seen = set()
    for _, r in df.iterrows():
        if r["kind"] not in ("F", "G"):
            raise OhayamiError(f"種類「{r['kind']}」は F（財源）か G（人材）にしてください。",
                               file=file, row=int(r["_row"]), column="kind")
        _check_source(r["source"], file, int(r["_row"]))
        if (r["kind"], r["name"]) in seen:
            raise OhayamiError(f"「{r['name']}」が {r['kind']} に2回あります。1行にまとめてください。",
                               file=file, row=int(r["_row"]), column="name")
        seen.add((r["kind"], r["name"]))
    return df


_VALIDATORS = {
    "support_programmes": _validate_programmes,
    "chart": _validate_chart,
    "criteria_template": _validate_criteria,
    "priority_criteria": _validate_priority,
    "references": _validate_references,
    "weighting_scenes": _validate_scenes,
    "page_refs": _validate_page_refs,
}

# --------------------------------------------------------------------------- trouble types (YAML)

TYPE_TEXT_FIELDS = ("type_id", "name", "trouble", "first_move")
TYPE_OPTIONAL_TEXT = ("first_move_note", "workbench")
TYPE_LIST_FIELDS = {  # field -> must it be non-empty?
    "trouble_items": True, "thoughts": False, "merits": True, "risks": True, "cautions": False,
}


# Type-specific material and the fields each entry must carry (failure_column: per pattern).
EXTRA_FIELDS = {
    "points": ("number", "title", "point", "pitfall_title", "pitfall", "how_title", "how",
               "case_failures", "case_actions"),
    "failure_column": ("title", "points"),
    "programmes": ("name", "description"),
    "expert_examples": ("category", "text"),
}
# Fields the guide gives for some entries only: left out when the guide has nothing there (G's 連携協定
# names no ministry), but a key that is written must hold text, so an accidental blank is caught.
EXTRA_OPTIONAL = {"programmes": ("ministry", "link")}
# Who wrote an entry: the guide, or ohayami (F's programme summaries, the kit's own weighting scenes).
SOURCES = {"guide": "ガイド", "ohayami": "ohayami"}
# What the screen adds after an entry ohayami wrote, so nobody takes it for the guide's text.
SOURCE_MARKS = {"guide": "", "ohayami": "ohayami の例・ガイドにはありません"}
PROGRAMME_SUMMARY_MARK = "ohayami による要約（ガイドの表ではありません）"


def _types_folder(folder: Path) -> Path:
    return folder / "types"


def _type_files_stamp(folder: Path) -> tuple:
    tdir = _types_folder(folder)
    files = sorted(tdir.glob("*.yaml")) if tdir.is_dir() else []
    return (str(folder),) + tuple(_stamp(f) for f in files)


def _require_text(value: Any, file: str, where: str, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OhayamiError(f"「{label}」が空か、文字列ではありません。内容を入力してください。",
                           file=file, row=where, column=label)
    return value.strip()


def _require_list(value: Any, file: str, where: str, nonempty: bool) -> list:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise OhayamiError("箇条書き（先頭が「- 」の行）で書いてください。", file=file, row=where)
    if nonempty and not value:
        raise OhayamiError("少なくとも1項目を書いてください。", file=file, row=where)
    return value


class _GuideYAMLError(Exception):
    def __init__(self, message: str, line: int, key: str | None = None):
        super().__init__(message)
        self.message, self.line, self.key = message, line, key


def _guide_loader():
    """A SafeLoader that refuses duplicate keys (PyYAML silently keeps the last) and nesting
    deeper than MAX_YAML_DEPTH (PyYAML's composer recurses once per level)."""
    import yaml

    class GuideLoader(yaml.SafeLoader):
        _depth = 0

        def compose_node(self, parent, index):
            self._depth += 1
            try:
                if self._depth > MAX_YAML_DEPTH:
                    raise _GuideYAMLError(f"入れ子が深すぎます（{MAX_YAML_DEPTH}段まで）。字下げや「[」「{{」の"
                                          "対応を確かめ、元のファイルの形に戻してください。", self.peek_event().start_mark.line + 1)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:
                    continue  # an unhashable key: SafeLoader itself refuses it below
                if first != key_node.start_mark.line + 1:
                    raise _GuideYAMLError(f"キー「{key}」が2回書かれています（{first}行目と"
                                          f"{key_node.start_mark.line + 1}行目）。どちらか1つにしてください。",
                                          key_node.start_mark.line + 1, str(key))
            return super().construct_mapping(node, deep)

    return GuideLoader


def _read_yaml(path: Path, file: str) -> Any:
    """A guide YAML file in UTF-8 (with or without BOM) or CP932, as the README promises."""
    import yaml  # imported here: only the loaders need it

    text = first_decoding(path.read_bytes())
    if text is None:
        raise OhayamiError("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存し直してください。", file=file)
    try:
        return yaml.load(text, Loader=_guide_loader())  # noqa: S506 (a SafeLoader subclass)
    except _GuideYAMLError as exc:
        raise OhayamiError(exc.message, file=file, row=exc.line, column=exc.key) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise OhayamiError("YAML の書き方に誤りがあります（字下げ・「:」・「- 」を確かめてください）。"
                           f"詳細: {getattr(exc, 'problem', exc)}", file=file, row=line) from exc


def _load_one_type(path: Path) -> dict:
    file = f"types/{path.name}"
    doc = _read_yaml(path, file)
    if not isinstance(doc, dict):
        raise OhayamiError("タイプの内容が読めません。元のファイルの形に戻してください。", file=file)
    for key in TYPE_TEXT_FIELDS:
        doc[key] = _require_text(doc.get(key), file, key, key)
    for key in TYPE_OPTIONAL_TEXT:
        doc[key] = (doc.get(key) or "").strip()
    if doc["type_id"] != path.stem:
        raise OhayamiError(f"type_id「{doc['type_id']}」がファイル名「{path.stem}」と一致しません。"
                           "ファイル名を タイプ名.yaml にしてください。", file=file, row="type_id", column="type_id")
    for key, nonempty in TYPE_LIST_FIELDS.items():
        items = _require_list(doc.get(key), file, key, nonempty)
        doc[key] = [_require_text(v, file, f"{key}[{i + 1}]", key) for i, v in enumerate(items)]
    steps = _require_list(doc.get("steps"), file, "steps", True)
    for i, st in enumerate(steps, start=1):
        if not isinstance(st, dict):
            raise OhayamiError("各ステップは title と text を持つ項目にしてください。", file=file, row=f"steps[{i}]")
        st["title"] = _require_text(st.get("title"), file, f"steps[{i}]", "title")
        st["text"] = _require_text(st.get("text"), file, f"steps[{i}]", "text")
    doc["steps"] = steps
    cases = _require_list(doc.get("cases"), file, "cases", False)
    for i, c in enumerate(cases, start=1):
        where = f"cases[{i}]"
        if not isinstance(c, dict):
            raise OhayamiError("各事例は prefecture・municipality・text を持つ項目にしてください。", file=file, row=where)
        for key in ("prefecture", "municipality"):
            c[key] = _require_text(c.get(key), file, where, key)
        texts = _require_list(c.get("text"), file, f"{where}.text", True)
        c["text"] = [_require_text(t, file, f"{where}.text", "text") for t in texts]
        for key in ("reading", "source", "programme"):
            c[key] = (c.get(key) or "").strip() if isinstance(c.get(key), (str, type(None))) else str(c[key])
    doc["cases"] = cases
    refs = _require_list(doc.get("references"), file, "references", False)
    for i, r in enumerate(refs, start=1):
        if not isinstance(r, dict):
            raise OhayamiError("各資料は title と note を持つ項目にしてください。", file=file, row=f"references[{i}]")
        r["title"] = _require_text(r.get("title"), file, f"references[{i}]", "title")
        r["note"] = (r.get("note") or "").strip()
    doc["references"] = refs
    summary = doc.get("summary")
    if not isinstance(summary, dict):
        raise OhayamiError("5章の一覧（summary）がありません。trouble・first_move・steps を書いてください。",
                           file=file, row="summary")
    for key in ("trouble", "first_move"):
        summary[key] = _require_text(summary.get(key), file, "summary", key)
    summary["steps"] = [_require_text(s, file, "summary.steps", "steps")
                        for s in _require_list(summary.get("steps"), file, "summary.steps", True)]
    for key, fields in EXTRA_FIELDS.items():
        if key not in doc:
            continue
        items = doc[key]["patterns"] if key == "failure_column" and isinstance(doc[key], dict) else doc[key]
        for i, item in enumerate(_require_list(items, file, key, True), start=1):
            if not isinstance(item, dict):
                raise OhayamiError("項目の形が崩れています。元のファイルの形に戻してください。", file=file,
                                   row=f"{key}[{i}]")
            for f in fields:
                if f == "number":
                    if not isinstance(item.get(f), int):
                        raise OhayamiError("number は整数にしてください。", file=file, row=f"{key}[{i}]", column=f)
                elif isinstance(item.get(f), list):
                    item[f] = [_require_text(v, file, f"{key}[{i}]", f) for v in item[f]]
                else:
                    item[f] = _require_text(item.get(f), file, f"{key}[{i}]", f)
            for f in EXTRA_OPTIONAL.get(key, ()):
                item[f] = _require_text(item[f], file, f"{key}[{i}]", f) if f in item else ""
            if key in EXTRA_OPTIONAL:
                item["source"] = _check_source(item.get("source") or "guide", file, f"{key}[{i}]")
    return doc


def _check_source(value: Any, file: str, where: Any, column: str = "source") -> str:
    if value not in SOURCES:
        raise OhayamiError(f"出所「{value}」は guide（ガイドの文）か ohayami（ohayami が補ったもの）にしてください。",
                           file=file, row=where, column=column)
    return value


@lru_cache(maxsize=8)
def _cached_types(stamp: tuple) -> dict[str, dict]:
    folder = Path(stamp[0])
    tdir = _types_folder(folder)
    if not tdir.is_dir():
        raise OhayamiError("タイプのフォルダー types が見つかりません。data/types を戻してください。", file="types/")
    docs: dict[str, dict] = {}
    for path in sorted(tdir.glob("*.yaml")):
        doc = _load_one_type(path)
        if doc["type_id"] in docs:
            raise OhayamiError(f"タイプ「{doc['type_id']}」が重複しています。", file=f"types/{path.name}")
        if doc["type_id"] not in TYPE_IDS:
            raise OhayamiError(f"タイプ「{doc['type_id']}」は A～I ではありません。このファイルを取り除いてください。",
                               file=f"types/{path.name}", column="type_id")
        docs[doc["type_id"]] = doc
    missing = [t for t in TYPE_IDS if t not in docs]
    if missing:
        raise OhayamiError("タイプがそろっていません。足りないタイプ：" + "、".join(missing)
                           + "。types フォルダーに A.yaml～I.yaml の9つを置いてください。", file="types/")
    return docs


def _type_docs(folder: str | Path | None) -> dict[str, dict]:
    return _cached_types(_type_files_stamp(data_dir(folder)))


def _check_type_id(type_id: str) -> str:
    tid = str(type_id).strip().upper()
    if tid not in TYPE_IDS:
        raise OhayamiError(f"タイプ「{type_id}」はありません。A～I のどれかを選んでください。", field="type_id")
    return tid


# --------------------------------------------------------------------------- public loaders

def load_types(data: str | Path | None = None) -> pd.DataFrame:
    """One row per trouble type, in the order A–I.

    Columns: ``type_id``, ``name``, ``trouble`` (the full sentence), ``trouble_items`` (list),
    ``thoughts`` (list of speech-bubble thoughts), ``first_move``, ``first_move_note``,
    ``merits`` (list), ``risks`` (list), ``cautions`` (list), ``summary_trouble``,
    ``summary_first_move``, ``summary_steps`` (list; chapter 5's one-line summary), ``n_steps``,
    ``n_cases``, ``workbench`` (the notebook that carries the first move out, or "").
    """
    docs = _type_docs(data)
    rows = []
    for tid in TYPE_IDS:
        d = docs[tid]
        rows.append({
            "type_id": tid, "name": d["name"], "trouble": d["trouble"],
            "trouble_items": list(d["trouble_items"]), "thoughts": list(d["thoughts"]),
            "first_move": d["first_move"], "first_move_note": d["first_move_note"],
            "merits": list(d["merits"]), "risks": list(d["risks"]), "cautions": list(d["cautions"]),
            "summary_trouble": d["summary"]["trouble"], "summary_first_move": d["summary"]["first_move"],
            "summary_steps": list(d["summary"]["steps"]), "n_steps": len(d["steps"]),
            "n_cases": len(d["cases"]), "workbench": d["workbench"],
        })
    return pd.DataFrame(rows)


def load_steps(data: str | Path | None = None) -> pd.DataFrame:
    """Every step of every first move. Columns: ``type_id``, ``step_no`` (1-based), ``title``, ``text``."""
    docs = _type_docs(data)
    rows = [{"type_id": t, "step_no": i, "title": s["title"], "text": s["text"]}
            for t in TYPE_IDS for i, s in enumerate(docs[t]["steps"], start=1)]
    return pd.DataFrame(rows)


def load_cases(data: str | Path | None = None) -> pd.DataFrame:
    """Every real case. Columns: ``type_id``, ``case_no``, ``prefecture``, ``municipality``,
    ``reading`` (kana, where the guide gives it), ``programme`` (the support programme used, F/G),
    ``text`` (list of the case's points), ``source`` (the footnote)."""
    docs = _type_docs(data)
    rows = [{"type_id": t, "case_no": i, "prefecture": c["prefecture"], "municipality": c["municipality"],
             "reading": c["reading"], "programme": c["programme"], "text": list(c["text"]),
             "source": c["source"]}
            for t in TYPE_IDS for i, c in enumerate(docs[t]["cases"], start=1)]
    return pd.DataFrame(rows, columns=["type_id", "case_no", "prefecture", "municipality", "reading",
                                       "programme", "text", "source"])


def load_references(data: str | Path | None = None) -> pd.DataFrame:
    """Chapter 4's resources and each type's own references.

    Columns: ``ref_id``, ``scope`` ("chapter4" or a type id), ``need``, ``title``, ``publisher``,
    ``kind``, ``summary``, ``how_to_use``, ``related_types`` (list of type ids; for chapter 4 this
    mapping is ours, for a type's own references it is the type).
    """
    ch4 = _load("references", data)
    ch4.insert(1, "scope", "chapter4")
    docs = _type_docs(data)
    own = [{"ref_id": f"{t}-{i}", "scope": t, "need": "", "title": r["title"], "publisher": "",
            "kind": "", "summary": r["note"], "how_to_use": "", "related_types": [t]}
           for t in TYPE_IDS for i, r in enumerate(docs[t]["references"], start=1)]
    return pd.concat([ch4, pd.DataFrame(own, columns=ch4.columns)], ignore_index=True)


def load_chart(data: str | Path | None = None) -> pd.DataFrame:
    """The diagnostic chart's questions, in asking order.

    Columns: ``question_id``, ``order``, ``question``, ``on_yes`` and ``on_no`` (a question id or a
    type id A–I), ``derived_from``, ``wording`` (who wrote the wording: ours, derived from the guide).
    """
    return _load("chart", data)


CHART_WORDING_NOTE = "質問文は ohayami がガイドの各タイプの悩みから作ったものです（ガイドの診断チャート図の文言ではありません）。"


def chart_wording_note(data: str | Path | None = None) -> str:
    """The one line the chart page shows while any question's ``wording`` says ohayami wrote it
    (the guide's chart is a figure the extracted text lacks); "" once every question is the guide's."""
    return CHART_WORDING_NOTE if load_chart(data)["wording"].str.contains("ohayami").any() else ""


def load_criteria_template(data: str | Path | None = None) -> pd.DataFrame:
    """The guide's 32 example evaluation items for a 窓口DX service.

    Columns: ``no``, ``requirement`` (サービス要件 / 取引要件), ``group`` (要件内訳), ``subgroup``
    (可用性 / 性能・拡張性 or ""), ``item``, ``description``, ``example``.
    """
    return _load("criteria_template", data)


def load_problem_template(data: str | Path | None = None) -> pd.DataFrame:
    """The problem-analysis template with the guide's example row.

    Columns: ``problem`` (課題), ``who`` (誰が), ``how`` (どの様に), ``how_much`` (どの程度),
    ``cause`` (要因), ``evidence`` (検証結果), ``source``.
    """
    return _load("problem_template", data)


def load_vision_template(data: str | Path | None = None) -> pd.DataFrame:
    """The target-vision template. Columns: ``problem``, ``beneficiary`` (受益者), ``change``
    (how the beneficiary's state changes), ``degree`` (by how much), ``source``."""
    return _load("vision_template", data)


def load_priority_criteria(data: str | Path | None = None) -> pd.DataFrame:
    """Type C prioritisation criteria.

    Columns: ``criterion_id``, ``name``, ``description``, ``direction`` ("higher" or "lower" is
    better), ``scale`` (e.g. "1-5"), ``scale_min``, ``scale_max``, ``default_weight``, ``source``.
    """
    return _load("priority_criteria", data)


def load_weighting_scenes(data: str | Path | None = None) -> pd.DataFrame:
    """Scenes that suggest which 要件内訳 to weight more (type E, Step2).

    Columns: ``scene_id``, ``situation`` (the scene), ``emphasis`` (a group or subgroup of the
    criteria template), ``source`` ("guide": the guide's own example, word for word; "ohayami": the
    kit's own), ``note``, ``mark`` (what the screen shows after a kit-made scene; "" for the guide's).
    """
    return _load("weighting_scenes", data)


def load_page_refs(data: str | Path | None = None) -> pd.DataFrame:
    """Where the guide's page references (「本書p.25～26」…) lead in the kit.

    Columns: ``ref`` (the words as the guide writes them), ``guide_place`` (what is on that page),
    ``kit_place`` (where the kit keeps it), ``link`` (a notebook next to this one, or "").
    """
    return _load("page_refs", data)


def load_support_programmes(data: str | Path | None = None) -> pd.DataFrame:
    """The programmes types F (財源) and G (人材) start from, with where the guide names them. Columns:
    ``kind`` (F/G), ``name``, ``provider``, ``description``, ``source`` (guide/ohayami), ``guide_place``,
    ``url``, ``note``."""
    return _load("support_programmes", data)


def load_exclusion_reasons(data: str | Path | None = None) -> pd.DataFrame:
    """Reasons the guide's cases give for taking a problem out. Columns: ``reason_id``, ``label``,
    ``description``, ``source``."""
    return _load("exclusion_reasons", data)


@dataclass
class TypeCard:
    """Everything the guide gives for one trouble type."""

    type_id: str
    name: str
    trouble: str
    trouble_items: list[str]
    thoughts: list[str]
    first_move: str
    first_move_note: str
    steps: pd.DataFrame
    merits: list[str]
    risks: list[str]
    cautions: list[str]
    cases: pd.DataFrame
    references: pd.DataFrame
    summary: dict
    workbench: str = ""
    extras: dict = field(default_factory=dict)
    page_refs: pd.DataFrame = field(default_factory=pd.DataFrame)  # the guide's page references in this card

    def step(self, step: int) -> tuple[str, str]:
        """(title, text) of this type's step ``step``, refused in Japanese when the guide data lacks it
        (every worksheet's 「ガイド：Step…」 note comes from here)."""
        hit = self.steps[self.steps.step_no == step]
        if hit.empty:
            raise OhayamiError(f"ガイドに{self.name}の Step{step} がありません。ガイドのデータを確かめてください。",
                               field="step")
        return hit.iloc[0]["title"], hit.iloc[0]["text"]


EXTRA_KEYS = tuple(EXTRA_FIELDS)


def type_card(type_id: str, data: str | Path | None = None) -> TypeCard:
    """Everything for one type: trouble, first move, steps, merits, risks, cautions, cases,
    references (its own and the chapter 4 resources related to it) and its own material
    (``extras``: A's ``points``, E's ``failure_column``, F/G's ``programmes``, I's ``expert_examples``)."""
    tid = _check_type_id(type_id)
    import copy

    d = copy.deepcopy(_type_docs(data)[tid])
    steps = load_steps(data)
    cases = load_cases(data)
    refs = load_references(data)
    refs = refs[refs["related_types"].apply(lambda ts: tid in ts)].reset_index(drop=True)
    texts = " ".join([*steps[steps.type_id == tid]["text"], *d["cautions"], *(r["note"] for r in d["references"])])
    pages = load_page_refs(data)
    pages = pages[pages["ref"].apply(lambda ref: ref in texts)].reset_index(drop=True)
    return TypeCard(
        type_id=tid, name=d["name"], trouble=d["trouble"], trouble_items=d["trouble_items"],
        thoughts=d["thoughts"], first_move=d["first_move"], first_move_note=d["first_move_note"],
        steps=steps[steps.type_id == tid].reset_index(drop=True),
        merits=d["merits"], risks=d["risks"], cautions=d["cautions"],
        cases=cases[cases.type_id == tid].reset_index(drop=True),
        references=refs, summary=d["summary"], workbench=d["workbench"],
        extras={k: d[k] for k in EXTRA_KEYS if k in d}, page_refs=pages,
    )


def validate_all(data: str | Path | None = None) -> None:
    """Load every file once; raise the first problem found. Also checks the chart reaches known types."""
    load_types(data)
    load_steps(data)
    load_chart(data)
    load_criteria_template(data)
    load_problem_template(data)
    load_vision_template(data)
    load_priority_criteria(data)
    load_exclusion_reasons(data)
    load_references(data)
    load_weighting_scenes(data)
    load_page_refs(data)
    load_support_programmes(data)
