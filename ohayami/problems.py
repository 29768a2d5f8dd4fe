"""Type C workbench model: candidate problems → analysis → prioritisation → short list → target vision.

Follows the guide's three steps for type C (課題洗い出し, 課題分析・絞り込み, 実現したい地域像の設定).
Everything is kept in the workshop file as it is entered; the arithmetic is the shared scoring engine.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from . import exchange
from .errors import OhayamiError
from .guide import load_exclusion_reasons, load_priority_criteria, load_steps
from .scoring import Result, Rules, evaluate
from .labels import DIRECTION_LABELS, MARK_YES, direction_label, scale_label
from .scoring.scales import normalise_entry, parse_scale
from .store import TABLES, Workshop, now_iso
from .textio import clean_name, parse_number, strip_controls, text_field, title_key
from .formats import score_value
from .snapshots import Snapshots
from .workbench import (ROOM, Workbench, mean_disagreement, order_by_number, rank_text, scale_text,
                        scores_low_to_high)

SET_ID = "C"
ORIGINS = ("原課", "住民アンケート", "首長", "問い合わせ", "ワークショップ", "統計データ", "その他")
ANALYSIS_FIELDS = ("who", "how", "how_much", "cause", "evidence")
ANALYSIS_LABELS = {"who": "誰が", "how": "どの様に", "how_much": "どの程度", "cause": "要因", "evidence": "検証結果"}
VISION_FIELDS = ("beneficiary", "change", "degree")
VISION_LABELS = {"beneficiary": "受益者", "change": "受益者の状態はどう変わるか", "degree": "変化の程度"}
STATUS_LABELS = {"empty": "⚠ 未記入（具体化が不十分）", "partial": "一部記入", "done": "記入済み"}
MAX_TITLE = 200
MERGE_HINT = "出どころを足すときは統合を使ってください。"   # the workbench's advice on a duplicate title
DUPLICATE_SIMILARITY = 0.6
REBUILD_AFTER = 50   # more changed titles than this (or a tenth of all) rebuild the index
DEFAULT_DOTS = 3
MAX_DOTS = 50
DOT_REASON = "シール投票で上位{n}件に入らなかった"
# rows a deletion takes with the problem (and an undo brings back): table → the column naming the problem
DEPENDENT = {"scores": "alternative_id", "round_scores": "alternative_id", "round_items": "alternative_id",
             "dots": "alternative_id", "visions": "problem_id"}
COUNTED = {"scores": "scores", "round_scores": "scores", "dots": "dots"}   # what a deletion message counts


def _bigrams(t: str) -> set[str]:
    return {t[i:i + 2] for i in range(len(t) - 1)} or {t}


def _key_similarity(na: str, nb: str, ba: set[str] | None = None, bb: set[str] | None = None) -> float:
    """Dice coefficient of the bigrams of two title keys (bigrams passed in when already known)."""
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ba, bb = ba or _bigrams(na), bb or _bigrams(nb)
    return 2 * len(ba & bb) / (len(ba) + len(bb))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams of the normalised titles (1 = the same words)."""
    return _key_similarity(title_key(a), title_key(b))


def _score(a: str, b: str, dice: float) -> float:
    """The similarity of two title keys given the Dice coefficient of their bigram sets: 1 for the
    same key, 0 when one is empty, and at least 0.8 when one (of 4 characters or more) is inside
    the other."""
    s = 1.0 if a == b else (dice if a and b else 0.0)
    if s < 1 and min(len(a), len(b)) >= 4 and (a in b or b in a):
        s = max(s, 0.8)
    return s


def _entry_order(problem_id: str) -> tuple[int, str]:
    """The order ``order_by_number`` puts problems in: the number an id ends with, then the id."""
    m = re.search(r"(\d+)$", problem_id)
    return int(m.group(1)) if m else 0, problem_id


class TitleIndex:
    """Near-duplicate pairs of problem titles, kept up to date one title at a time.

    An inverted index from each title key's character bigrams to the titles having them: two titles
    that share no bigram have a similarity of 0 (or the same key, which shares all), so the
    candidates for a title are found from its own bigrams' lists, and the exact similarity (the
    Dice coefficient, with at least 0.8 when one key contains the other) is computed only for them.
    Adding one title costs the length of its bigrams' lists, not a pass over every pair.
    """

    def __init__(self, floor: float = DUPLICATE_SIMILARITY):
        self.floor = floor          # pairs at least this similar are kept
        self.revision = None        # the workshop revision the index reflects (set by the owner)
        self.titles: dict[str, str] = {}
        self.order: dict[str, tuple[int, str]] = {}   # id → its place in entry order
        self._slot: dict[str, int] = {}
        self._ids: list[str] = []
        self._keys: list[str] = []
        self._grams: list[set[str]] = []
        self._sizes = np.zeros(64, dtype=np.int64)
        self._alive = np.zeros(64, dtype=bool)
        self._postings: dict[str, list[int]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._pairs: dict[str, dict[str, float]] = {}

    def __len__(self) -> int:
        return len(self._slot)

    def same_key(self, title: str, other_than: str | None = None) -> str | None:
        """The id of a problem whose title is "the same" as ``title`` (``title_key``), if any."""
        return next((pid for pid in sorted(self._by_key.get(title_key(title), ()), key=self.order.get)
                     if pid != other_than), None)

    def sync(self, items) -> None:
        """Make the index hold exactly ``items`` ((id, title) pairs): a few changed titles are
        updated one by one, many (an import, the first build) by building the index afresh."""
        new = dict(items)
        gone = [pid for pid, t in self.titles.items() if new.get(pid) != t]
        fresh = [(pid, t) for pid, t in new.items() if self.titles.get(pid) != t]
        removed_slots = len(self._ids) - len(self._slot) + len(gone)
        if len(fresh) > max(REBUILD_AFTER, len(new) // 10) or removed_slots > max(REBUILD_AFTER, len(new)):
            self._build(new)
            return
        for pid in gone:
            self.remove(pid)
        for pid, t in fresh:
            self.add(pid, t)

    def add(self, pid: str, title: str) -> None:
        """One more title, compared with the indexed ones through its bigrams' lists."""
        if pid in self.titles:
            self.remove(pid)
        key = title_key(title)
        grams = _bigrams(key)
        hits = np.fromiter(chain.from_iterable(self._postings.get(g, ()) for g in grams), dtype=np.int64)
        for other, s in self._similar(key, len(grams), hits).items():
            self._pair(pid, other, s)
        self._insert(pid, title, key, grams)

    def _pair(self, a: str, b: str, s: float) -> None:
        self._pairs.setdefault(a, {})[b] = s
        self._pairs.setdefault(b, {})[a] = s

    def _insert(self, pid: str, title: str, key: str, grams: set[str]) -> int:
        slot = len(self._ids)
        if slot == len(self._sizes):
            self._sizes = np.concatenate([self._sizes, np.zeros(slot, dtype=np.int64)])
            self._alive = np.concatenate([self._alive, np.zeros(slot, dtype=bool)])
        self._sizes[slot], self._alive[slot] = len(grams), True
        self._ids.append(pid)
        self._keys.append(key)
        self._grams.append(grams)
        self._slot[pid] = slot
        self.titles[pid] = title
        self.order[pid] = _entry_order(pid)
        self._by_key.setdefault(key, set()).add(pid)
        for g in grams:
            self._postings.setdefault(g, []).append(slot)
        return slot

    def _build(self, items: dict[str, str]) -> None:
        """Index ``items`` from nothing: each title against the ones before it, with the bigrams'
        lists as arrays so that the counting runs in numpy rather than item by item."""
        revision = self.revision
        self.__init__(self.floor)
        self.revision = revision
        for pid, t in items.items():
            key = title_key(t)
            self._insert(pid, t, key, _bigrams(key))
        lists = {g: np.asarray(slots, dtype=np.int64) for g, slots in self._postings.items()}
        for x, (key, grams) in enumerate(zip(self._keys, self._grams)):
            before = [a[:np.searchsorted(a, x)] for a in (lists[g] for g in grams)]
            for other, s in self._similar(key, len(grams), np.concatenate(before)).items():
                self._pair(self._ids[x], other, s)

    def remove(self, pid: str) -> None:
        slot = self._slot.pop(pid)
        self._alive[slot] = False
        del self.titles[pid], self.order[pid]
        self._by_key[self._keys[slot]].discard(pid)
        for other in self._pairs.pop(pid, {}):
            self._pairs[other].pop(pid, None)

    def _similar(self, key: str, n_grams: int, hits: np.ndarray) -> dict[str, float]:
        """id → similarity of the indexed titles at least ``floor`` similar to ``key``, from
        ``hits``: the slots on the lists of the key's ``n_grams`` bigrams, one entry per shared bigram."""
        if not hits.size:
            return {}
        counts = np.bincount(hits)
        cand = np.flatnonzero(counts)
        cand = cand[self._alive[cand]]
        shared, sizes = counts[cand], self._sizes[cand]
        dice = 2 * shared / (n_grams + sizes)
        # one key inside the other needs every bigram of the shorter one to be shared
        inside = (shared == np.minimum(sizes, n_grams)) & (len(key) >= 4)
        out = {}
        for k in np.flatnonzero((dice >= self.floor) | inside):
            s = _score(key, self._keys[cand[k]], float(dice[k]))
            if s >= self.floor:
                out[self._ids[cand[k]]] = s
        return out

    def pairs(self, threshold: float) -> list[tuple[str, str, float]]:
        """(a, b, similarity) with a before b in entry order, for every pair at least ``threshold``
        similar (``threshold`` not below ``floor``)."""
        order = self.order
        out = []
        for a, others in self._pairs.items():
            oa = order[a]
            out.extend((a, b, s) for b, s in others.items() if s >= threshold and oa < order[b])
        return out

    def frame(self, pairs) -> pd.DataFrame:
        """``pairs`` as views show them: most similar first, then in entry order."""
        columns = ["a", "b", "title_a", "title_b", "similarity"]
        if not pairs:
            return pd.DataFrame([], columns=columns)
        rank = {pid: i for i, pid in enumerate(sorted(self.order, key=self.order.__getitem__))}
        a, b, s = zip(*pairs)
        shown = np.array([round(x, 3) for x in s])
        at = np.lexsort((np.array([rank[x] for x in b]), np.array([rank[x] for x in a]), -shown))
        a, b = [a[i] for i in at], [b[i] for i in at]
        return pd.DataFrame({"a": a, "b": b, "title_a": [self.titles[x] for x in a],
                             "title_b": [self.titles[x] for x in b], "similarity": shown[at]}, columns=columns)


@dataclass
class CutLine:
    mode: str = "top"      # "top" (the best N) or "min" (a minimum score)
    value: float = 5

    def describe(self) -> str:
        return f"上位 {int(self.value)} 件" if self.mode == "top" else f"合計点 {self.value:g} 点以上"


def _two_places(value) -> str:
    """A number as the ranking shows it; blank (not "nan") for one nobody has scored yet."""
    return "" if value is None or value != value else f"{value:.2f}"


class RoundScoring:
    """One scoring round seen through the workbench's score methods, for the shared ScoreGrid."""

    def __init__(self, model: "ProblemWorkbench", round_no: int):
        self.model, self.round_no = model, round_no

    def scores(self, evaluator: str | None = None) -> pd.DataFrame:
        return self.model.round_scores(self.round_no, evaluator)

    def set_score(self, evaluator: str, alternative_id: str, criterion_id: str, value: object) -> str:
        return self.model.set_round_score(self.round_no, evaluator, alternative_id, criterion_id, value)


class ProblemWorkbench(Workbench, Snapshots):
    """The type C model over one workshop. Views call these methods and show the results."""

    SET_ID = SET_ID
    FILE_STEM = "課題の絞り込み"
    RESULT_SHEET = "ランキング"

    def __init__(self, ws: Workshop, data=None):
        super().__init__(ws, data)
        self._titles = TitleIndex()
        if not self._state().get("seeded"):
            self._seed_criteria()

    def guide_step(self, step: int) -> tuple[str, str]:
        """(title, text) of the guide's type C step ``step`` (1 洗い出し, 2 分析・絞り込み, 3 地域像)."""
        s = load_steps(self.data)
        hit = s[(s.type_id == SET_ID) & (s.step_no == step)]
        if hit.empty:
            raise OhayamiError(f"ガイドにCタイプの Step{step} がありません。ガイドのデータを確かめてください。", field="step")
        return hit.iloc[0]["title"], hit.iloc[0]["text"]

    def criteria_frame(self) -> pd.DataFrame:
        """The criteria as the screen and the report list them (texts): name, description, direction,
        scale, weight and its share of the total weight."""
        crit = self.criteria()
        total = crit["weight"].sum()
        return pd.DataFrame({
            "評価項目": crit["name"], "説明": crit["description"], "向き": crit["direction"].map(direction_label),
            "尺度": crit["scale"].map(scale_label), "重み": [f"{w:g}" for w in crit["weight"]],
            "割合": [f"{w / total:.0%}" if total else "" for w in crit["weight"]]}).reset_index(drop=True)

    def scorer_options(self) -> list[str]:
        """The names to offer in the scorer box: everyone known, the whole room last."""
        return [n for n in self.participants() if n != ROOM] + [ROOM]

    def alternatives(self) -> pd.DataFrame:
        p = self.problems()
        return pd.DataFrame({"alternative_id": p["problem_id"], "name": p["title"]})

    def scoring_alternatives(self) -> pd.DataFrame:
        """The problems a scorer sees: those taken out of consideration (検討から外す) are not offered."""
        p = self.problems()
        p = p[p["exclusion"] == ""]
        return pd.DataFrame({"alternative_id": p["problem_id"], "name": p["title"]}).reset_index(drop=True)

    def criterion_heads(self) -> pd.DataFrame:
        """What each scoring column says about its scale, indexed by criterion id: ``name``,
        ``anchors`` (「1＝ごく一部の人　5＝住民の多く」), ``direction`` (「高いほど良い」) and ``source``
        (where the anchors' words come from), ``low``/``high`` (the words alone). Anchors come from the guide data's criteria template
        while the criterion keeps the template's scale; otherwise they only name the ends."""
        tpl = load_priority_criteria(self.data).set_index("criterion_id")
        rows = []
        for r in self.criteria().itertuples():
            scale = parse_scale(r.scale, r.direction == "lower")
            # levels run best first: the written low end is the last one unless lower is better
            lo, hi = (scale.levels[-1], scale.levels[0]) if r.direction != "lower" else (scale.levels[0], scale.levels[-1])
            t = tpl.loc[r.criterion_id].to_dict() if r.criterion_id in tpl.index else {}
            # anchor columns are optional in a facilitator's own data folder
            known = str(t.get("scale")) == r.scale and bool(t.get("anchor_low")) and bool(t.get("anchor_high"))
            words = (t["anchor_low"], t["anchor_high"]) if known else ("低い", "高い")
            source = (t.get("anchor_source") or "ガイドのデータ") if known else "ohayami の目安"
            rows.append((r.criterion_id, r.name, f"{lo}＝{words[0]}　{hi}＝{words[1]}", direction_label(r.direction), source,
                         *words))
        return pd.DataFrame(rows, columns=["criterion_id", "name", "anchors", "direction", "source", "low", "high"]
                            ).set_index("criterion_id")

    def _alternative_name(self, alternative_id: str) -> str:
        return self._existing(alternative_id)["title"]

    # ------------------------------------------------------------------ step 1: problems
    def _seed_criteria(self) -> None:
        tpl = load_priority_criteria(self.data)
        with self.ws.batch():
            for i, r in enumerate(tpl.itertuples(), start=1):
                self.ws.upsert("criteria", {"set_id": SET_ID, "criterion_id": r.criterion_id}, {
                    "name": r.name, "description": r.description, "direction": r.direction, "scale": r.scale,
                    "weight": float(r.default_weight), "position": i, "must_have": 0})
            self._set_state(seeded=1, weight_method="direct")

    def problems(self, include_merged: bool = False) -> pd.DataFrame:
        """Problems in entry order; merged ones only with ``include_merged``."""
        return self._cached(f"problems:{include_merged}", lambda: self._problems(include_merged)).copy()

    def _problems(self, include_merged: bool) -> pd.DataFrame:
        df = self.ws.rows("problems")
        if df.empty:
            return pd.DataFrame(columns=["problem_id", "title", "scene", "origin", *ANALYSIS_FIELDS, "exclusion",
                                         "tags", "merged_into", "position"])
        df = order_by_number(df, "problem_id")
        for c in df.columns:
            if c not in ("position",):
                df[c] = df[c].where(df[c].notna(), "")
        if not include_merged:
            df = df[df["merged_into"] == ""].reset_index(drop=True)
        return df

    def problem(self, problem_id: str | None) -> dict | None:
        """One problem's record (title, scene, analysis, tags, exclusion …), or None."""
        return self.ws.get("problems", problem_id=problem_id) if problem_id else None

    def _existing(self, problem_id: str) -> dict:
        p = self.ws.get("problems", problem_id=problem_id)
        if p is None:
            raise OhayamiError(f"課題「{problem_id}」はありません。", field="problem")
        if p.get("merged_into"):
            raise OhayamiError(f"課題「{p['title']}」は「{p['merged_into']}」に統合済みです。", field="problem")
        return p

    def _check_title(self, title: object, problem_id: str | None = None) -> str:
        t = " ".join(strip_controls(str(title or "")).split())
        if not t:
            raise OhayamiError("課題が空です。困っていることを一文で書いてください（例：証明書の窓口が昼に混む）。", field="title")
        if len(t) > MAX_TITLE:
            raise OhayamiError(f"課題は{MAX_TITLE}文字以内にしてください（いま{len(t)}文字）。詳しい内容は「生活のワンシーン」へ。",
                               field="title")
        index = self._title_index()
        same = index.same_key(t, other_than=problem_id)
        if same is not None:
            raise OhayamiError(f"同じ課題がすでにあります（{same}：{index.titles[same]}）。{MERGE_HINT}",
                               field="title")
        return t

    def _title_index(self) -> TitleIndex:
        """The near-duplicate index of the (unmerged) problems, brought up to the workshop's revision."""
        index = self._titles
        rev = self.ws.revision()
        if index.revision != rev:
            p = self.problems()
            index.sync(zip(p["problem_id"], p["title"]))
            index.revision = rev
        return index

    def add_problem(self, title: str, scene: str = "", origin: str = "", actor: str | None = None) -> str:
        """Add a candidate problem; returns its id (P001, P002, …)."""
        t = self._check_title(title)
        scene = text_field(scene, "生活のワンシーン", "scene")
        origin = text_field(origin, "出どころ", "origin", 60)
        index = self._title_index()
        before = index.revision
        pid = self._new_id()
        self.ws.upsert("problems", {"problem_id": pid}, {"title": t, "scene": scene, "origin": origin}, actor=actor)
        after = self.ws.revision()
        if after[0] == before[0]:
            # nobody else committed in between (SQLite's data_version is unchanged): the index needs
            # only this title, not a re-read of every problem
            index.add(pid, t)
            index.revision = after
        return pid

    def _new_id(self) -> str:
        # a deleted problem keeps its id, so that 元に戻す never meets a newer problem under the same id
        return self.ws.next_id("problems", "P", taken=self._deleted_log()["problem_id"])[0]

    def update_problem(self, problem_id: str, actor: str | None = None, **fields) -> None:
        self._existing(problem_id)
        values = {}
        for k, v in fields.items():
            if k == "title":
                values[k] = self._check_title(v, problem_id)
            elif k in ("scene", "origin", "tags"):
                values[k] = text_field(v, {"scene": "生活のワンシーン", "origin": "出どころ", "tags": "タグ"}[k], k)
            else:
                raise OhayamiError(f"項目「{k}」は変更できません。", field=k)
        self.ws.upsert("problems", {"problem_id": problem_id}, values, actor=actor)

    def split_problem(self, problem_id: str, title: str, scene: str = "", remaining_scene: str | None = None,
                      actor: str | None = None, **analysis) -> str:
        """A new problem taking part of ``problem_id``'s scene (and analysis); the original keeps its
        origin and tags, and ``remaining_scene`` (when given) becomes its scene. Returns the new id."""
        p = self._existing(problem_id)
        t = self._check_title(title)
        bad = [k for k in analysis if k not in ANALYSIS_FIELDS]
        if bad:
            raise OhayamiError(f"分析の項目「{bad[0]}」はありません。", field=bad[0])
        values = {"title": t, "scene": text_field(scene, "生活のワンシーン", "scene"), "origin": p.get("origin"),
                  "tags": p.get("tags"), **{k: text_field(v, ANALYSIS_LABELS[k], k) for k, v in analysis.items()}}
        rest = None if remaining_scene is None else text_field(remaining_scene, "元の課題のワンシーン", "remaining_scene")
        pid = self._new_id()
        with self.ws.batch(actor):
            self.ws.upsert("problems", {"problem_id": pid}, values, actor=actor)
            if rest is not None:
                self.ws.upsert("problems", {"problem_id": problem_id}, {"scene": rest}, actor=actor)
        return pid

    def delete_problem(self, problem_id: str, actor: str | None = None) -> dict:
        """Delete a problem with its scores, dots and vision (all kept in the change log for
        :meth:`restore_problem`). Returns what went: ``{"problem_id", "title", "scores", "dots"}``."""
        gone = self.delete_preview(problem_id)
        with self.ws.batch(actor):
            # the problem's row first: restore reads the rows logged right after it
            self.ws.delete("problems", {"problem_id": problem_id}, actor=actor)
            for table, key in self._dependents(problem_id):
                self.ws.delete(table, key, actor=actor)
        return gone

    def delete_preview(self, problem_id: str) -> dict:
        """What :meth:`delete_problem` would take: ``{"problem_id", "title", "scores", "dots"}``."""
        p = self._existing(problem_id)
        out = {"problem_id": problem_id, "title": p["title"], "scores": 0, "dots": 0}
        for table, _ in self._dependents(problem_id):
            if table in COUNTED:
                out[COUNTED[table]] += 1
        return out

    def _dependents(self, problem_id: str) -> list[tuple[str, dict]]:
        """(table, key) of every row that belongs to the problem (scores, dots, rounds, vision)."""
        out = []
        for table, col in DEPENDENT.items():
            where = {col: problem_id} if table == "visions" else {"set_id": SET_ID, col: problem_id}
            out += [(table, r) for r in self.ws.rows(table, **where)[list(TABLES[table].keys)].to_dict("records")]
        return out

    def _deleted_log(self) -> pd.DataFrame:
        """The change log's deletions of problems (id, problem_id, at, actor, old), oldest first."""
        h = self.ws.history("problems")
        h = h[h["new"] == "(削除)"].copy()
        h["problem_id"] = [json.loads(k)[0] for k in h["row_key"]]
        return h[["id", "problem_id", "at", "actor", "old"]]

    def deleted_problems(self) -> pd.DataFrame:
        """Problems deleted and not restored, last deleted first, indexed by id: 課題, 削除した日時, 削除した人."""
        log = self._deleted_log().drop_duplicates("problem_id", keep="last")
        present = set(self.ws.rows("problems")["problem_id"])
        log = log[~log["problem_id"].isin(present)].iloc[::-1]
        return pd.DataFrame({"課題": [json.loads(o).get("title") or "" for o in log["old"]], "削除した日時": list(log["at"]),
                             "削除した人": list(log["actor"])}, index=list(log["problem_id"]))

    def restore_problem(self, problem_id: str, actor: str | None = None) -> dict:
        """元に戻す: put a deleted problem back as it was, with the scores, dots and vision deleted with
        it (read from the change log). Returns ``{"problem_id", "title", "scores", "dots"}``."""
        log = self._deleted_log()
        log = log[log["problem_id"] == problem_id]
        if log.empty or self.ws.get("problems", problem_id=problem_id) is not None:
            raise OhayamiError(f"課題「{problem_id}」は削除されていないため、元に戻せません。", field="restore")
        last = log.iloc[-1]
        row = json.loads(last["old"])
        self._check_title(row.get("title"))
        h = self.ws.history()
        after = h[h["id"] > last["id"]]
        taken = []
        # the deletion was one transaction: its rows follow the problem's own, with nothing in between
        for r in after.itertuples():
            if r.new != "(削除)" or r.tbl not in DEPENDENT:
                break
            key = dict(zip(TABLES[r.tbl].keys, json.loads(r.row_key)))
            if key.get(DEPENDENT[r.tbl]) != problem_id:
                break
            taken.append((r.tbl, key, json.loads(r.old)))
        back = {"problem_id": problem_id, "title": row.get("title"), "scores": 0, "dots": 0}
        with self.ws.batch(actor):
            self.ws.upsert("problems", {"problem_id": problem_id}, row, actor=actor)
            for table, key, values in taken:
                self.ws.upsert(table, key, values, actor=actor)
                if table in COUNTED:
                    back[COUNTED[table]] += 1
        return back

    def import_problems(self, source, name: str = "", actor: str | None = None) -> int:
        """Problems from a CSV/XLSX (a resident survey, a department questionnaire); all or nothing."""
        return exchange.import_table(self.ws, "problems", source, name=name, actor=actor)

    def near_duplicates(self, threshold: float = DUPLICATE_SIMILARITY) -> pd.DataFrame:
        """Pairs of problems whose titles are the same or very similar, most similar first.

        Served from the bigram index (kept per workshop revision, updated title by title); a
        threshold below the index's builds a one-off index, and a threshold of 0 lists every pair."""
        index = self._title_index()
        if threshold >= index.floor:
            build = lambda: index.frame(index.pairs(threshold))  # noqa: E731
        else:
            build = lambda: self._near_duplicates_below(threshold, index)  # noqa: E731
        return self._cached(f"near_duplicates:{threshold!r}", build).copy()

    @staticmethod
    def _near_duplicates_below(threshold: float, index: TitleIndex) -> pd.DataFrame:
        wide = TitleIndex(floor=max(threshold, 1e-12))
        wide.sync(index.titles.items())
        pairs = wide.pairs(wide.floor)
        if threshold <= 0:   # every pair qualifies; those sharing no bigram have a similarity of 0
            found = {(a, b) for a, b, _ in pairs}
            ids = sorted(index.titles, key=index.order.get)
            pairs += [(a, b, 0.0) for i, a in enumerate(ids) for b in ids[i + 1:] if (a, b) not in found]
        return index.frame(pairs)

    def problems_frame(self) -> pd.DataFrame:
        """The problems as the screens list them (texts, entry order, indexed by id): ID, title, scene,
        origin, analysis status, exclusion reason and tags."""
        p = self.problems()
        return pd.DataFrame({
            "ID": p["problem_id"], "課題": p["title"], "生活のワンシーン": p["scene"], "出どころ": p["origin"],
            "分析": [STATUS_LABELS[self.analysis_status(r._asdict())] for r in p.itertuples()],
            "除外": [self.exclusion_label(x) if x else "" for x in p["exclusion"]], "タグ": p["tags"]}).set_index(
            p["problem_id"].rename(None))

    def merge(self, keep: str, drop: str, actor: str | None = None) -> None:
        """Merge ``drop`` into ``keep``: both sources, scenes and tags are kept on ``keep``."""
        if keep == drop:
            raise OhayamiError("同じ課題どうしは統合できません。", field="merge")
        k, d = self._existing(keep), self._existing(drop)

        def join(a, b, sep="／"):
            parts = [x for x in dict.fromkeys((a or "").split(sep) + (b or "").split(sep)) if x]
            return sep.join(parts)

        with self.ws.batch(actor):
            self.ws.upsert("problems", {"problem_id": keep}, {
                "origin": join(k.get("origin"), d.get("origin")), "scene": join(k.get("scene"), d.get("scene"), "\n"),
                "tags": join(k.get("tags"), d.get("tags"), ","),
                **{f: k.get(f) or d.get(f) for f in ANALYSIS_FIELDS}}, actor=actor)
            self.ws.upsert("problems", {"problem_id": drop}, {"merged_into": keep}, actor=actor)

    # ------------------------------------------------------------------ step 2: analysis
    def set_analysis(self, problem_id: str, actor: str | None = None, **fields) -> None:
        self._existing(problem_id)
        bad = [k for k in fields if k not in ANALYSIS_FIELDS]
        if bad:
            raise OhayamiError(f"分析の項目「{bad[0]}」はありません。", field=bad[0])
        values = {k: text_field(v, ANALYSIS_LABELS[k], k) for k, v in fields.items()}
        self.ws.upsert("problems", {"problem_id": problem_id}, values, actor=actor)

    def save_analysis(self, problem_id: str, tags: str | None = None, actor: str | None = None, **fields) -> None:
        """The analysis form at once: the analysis fields and the tags are saved together or not at all."""
        with self.ws.batch(actor):
            self.set_analysis(problem_id, actor=actor, **fields)
            if tags is not None:
                self.update_problem(problem_id, actor=actor, tags=tags)

    @staticmethod
    def analysis_status(row) -> str:
        """"empty" (not concrete enough yet), "partial" or "done" (who, how, how much and cause given)."""
        filled = [bool(str(row.get(f) if isinstance(row, dict) else getattr(row, f, "") or "").strip())
                  for f in ANALYSIS_FIELDS]
        if not any(filled):
            return "empty"
        return "done" if all(filled[:4]) else "partial"

    def set_exclusion(self, problem_id: str, reason: str, actor: str | None = None) -> None:
        """Take a problem out of the ranking with a reason (a reason id from the guide's cases or free
        text); an empty reason puts it back."""
        self._existing(problem_id)
        reason = text_field(reason, "除外理由", "exclusion", 200)
        self.ws.upsert("problems", {"problem_id": problem_id}, {"exclusion": reason}, actor=actor)

    def exclusion_label(self, reason: str) -> str:
        reasons = load_exclusion_reasons(self.data).set_index("reason_id")
        return reasons.loc[reason, "label"] if reason in reasons.index else reason

    def results(self, round_no: int | None = None) -> Result | None:
        """The ranking (average over participants) after round ``round_no`` (default: the latest; see
        :meth:`open_round`), with exclusions and analysis status."""
        no = round_no or self.current_round()
        ev = self.evaluation() if no <= 1 else self._cached(f"evaluation:{no}",
                                                            lambda: self._evaluation(self.round_scores_merged(no)))
        if ev is None:
            return None
        p = self.problems().set_index("problem_id")
        exclude = {pid: f"検討から外した：{self.exclusion_label(r)}" for pid, r in p["exclusion"].items() if r}
        res = evaluate(ev, Rules(combine="average"), exclude=exclude)
        t = res.table
        status = {r.Index: self.analysis_status(r._asdict()) for r in p.itertuples()}
        t["analysis"] = t.index.map(status)
        t["tags"] = t.index.map(p["tags"])
        t["n_scorers"] = [int((~np.isnan(ev.R[:, i, :])).any(axis=1).sum()) for i in range(len(t))]
        return res

    def cut_line(self) -> CutLine:
        c = self.ws.get("cut_lines", set_id=SET_ID)
        return CutLine() if c is None else CutLine(c["mode"], float(c["value"]))

    def set_cut_line(self, mode: str, value: object, actor: str | None = None) -> CutLine:
        if mode not in ("top", "min"):
            raise OhayamiError("絞り込みは「上位N件」か「最低点」を選んでください。", field="cut")
        v = parse_number(value, "上位N件の N" if mode == "top" else "最低点", "cut", minimum=1 if mode == "top" else 0,
                         integer=mode == "top")
        self.ws.upsert("cut_lines", {"set_id": SET_ID}, {"mode": mode, "value": v}, actor=actor)
        return CutLine(mode, v)

    def shortlist(self, result: Result | None = None) -> list[str]:
        """Problem ids on the short list, best first (ties at the cut line are all kept)."""
        res = result or self.results()
        if res is None:
            return []
        t = res.table[res.table.selectable].sort_values(["rank", "total"], ascending=[True, False])
        cut = self.cut_line()
        if cut.mode == "top":
            return list(t.index[t["rank"] <= cut.value])
        return list(t.index[t["total"] >= cut.value - 1e-9])

    def ranking_frame(self, res: Result) -> pd.DataFrame:
        """The ranking as the screen and the report show it (texts, best first, indexed by problem
        id): rank, id, title, total, each criterion's points, scorers, disagreement, short list,
        analysis status and why a problem is not ranked. ``attrs["criteria"]`` names the criterion
        columns."""
        short = self.shortlist(res)
        crit = self.criteria()
        spread = mean_disagreement(res)
        rows = []
        # what a facilitator reads first stays on the left (no sideways scrolling to find ★); detail after
        for a, r in res.ranking.iterrows():
            rows.append([rank_text(r["rank"], r["tie"]), r["name"], f"{r['total']:.2f}", "★" if a in short else "", a] +
                        [f"{res.breakdown.at[a, c]:.2f}" for c in crit["criterion_id"]] +
                        [r["n_scorers"], _two_places(spread.get(a)), STATUS_LABELS[r["analysis"]], "／".join(r["reasons"])])
        df = pd.DataFrame(rows, index=list(res.ranking.index), columns=[
            "順位", "課題", "合計点", "短いリスト", "ID", *crit["name"], "採点した人数", "ばらつき", "分析", "対象外の理由"])
        df.attrs["criteria"] = list(crit["name"])
        excluded = set(self.problems().query("exclusion != ''")["problem_id"])
        df.attrs["excluded"] = [a for a in df.index if a in excluded]
        return df

    # ------------------------------------------------------------------ where opinions split
    def report_names(self) -> bool:
        """Whether the report may name who gave the extreme scores (the facilitator decides)."""
        return bool((self.ws.get("set_options", set_id=SET_ID) or {}).get("show_names") or 0)

    def set_report_names(self, allowed: bool, actor: str | None = None) -> None:
        self.ws.upsert("set_options", {"set_id": SET_ID}, {"show_names": 1 if allowed else 0}, actor=actor)

    def opinion_splits(self, res: Result, ids: list[str] | None = None, limit: int = 5,
                       round_no: int | None = None) -> pd.DataFrame:
        """Where opinions split most (problems ``ids``, default all ranked), in the 1–5 scores people
        gave: 課題, 評価項目, 点数 (every score, low to high), 最低, 最高, and — only when
        :meth:`report_names` allows — 最低をつけた人, 最高をつけた人."""
        sp = res.spread
        if ids is not None:
            sp = sp[sp.alternative_id.isin(ids)]
        sp = sp[sp.disagreement > 0].sort_values("disagreement", ascending=False, kind="stable").head(limit)
        raw = self.round_scores_merged(round_no)
        crit = self.criteria().set_index("criterion_id")
        names = self.report_names()
        rows = []
        for r in sp.itertuples():
            mine = raw[(raw.alternative_id == r.alternative_id) & (raw.criterion_id == r.criterion_id)]
            c = crit.loc[r.criterion_id]
            scale = parse_scale(c["scale"], c["direction"] == "lower")
            mine = scores_low_to_high(mine, scale)
            lo, hi = mine["value"].iloc[0], mine["value"].iloc[-1]
            row = [res.table.loc[r.alternative_id, "name"], c["name"], "、".join(mine["value"]), lo, hi]
            if names:
                row += ["、".join(mine.loc[mine["value"] == lo, "evaluator"]), "、".join(mine.loc[mine["value"] == hi, "evaluator"])]
            rows.append(row)
        cols = ["課題", "評価項目", "点数", "最低", "最高"] + (["最低をつけた人", "最高をつけた人"] if names else [])
        return pd.DataFrame(rows, columns=cols)

    # ------------------------------------------------------------------ consensus round (Delphi-style)
    def current_round(self) -> int:
        """The latest scoring round: 1 until the facilitator opens a consensus round."""
        r = self.ws.rows("rounds", set_id=SET_ID)
        return int(max(r["round_no"], default=1))

    def suggest_round_items(self, res: Result | None = None, n: int = 3) -> list[str]:
        """The ranked problems where opinions split most (mean disagreement above 0), most split first."""
        res = res or self.results(1)
        if res is None:
            return []
        spread = mean_disagreement(res)
        ranked = res.table.index[res.table["selectable"].astype(bool)]
        spread = spread[spread.index.isin(ranked) & (spread > 0)].sort_values(ascending=False, kind="stable")
        return list(spread.index[:n])

    def open_round(self, problem_ids: list[str], actor: str | None = None) -> int:
        """Open the next round on ``problem_ids`` (re-scored by everyone; the rest keep their scores).
        Returns the round's number."""
        ids = list(dict.fromkeys(problem_ids or []))
        if not ids:
            raise OhayamiError("もう一度採点する課題を1つ以上選んでください。", field="round")
        for pid in ids:
            p = self._existing(pid)
            if p.get("exclusion"):
                raise OhayamiError(f"課題「{p['title']}」は検討から外しています。", field="round")
        with self.ws.batch(actor):   # the number is taken inside the transaction: two clicks open one round each
            no = self.current_round() + 1
            self.ws.upsert("rounds", {"set_id": SET_ID, "round_no": no}, {"at": now_iso(), "actor": actor or self.ws.actor},
                           actor=actor)
            for pid in ids:
                self.ws.upsert("round_items", {"set_id": SET_ID, "round_no": no, "alternative_id": pid},
                               {"reason": "意見が分かれた"}, actor=actor)
        return no

    def round_problems(self, round_no: int | None = None) -> pd.DataFrame:
        """The problems to re-score in round ``round_no`` (default: the latest): alternative_id, name."""
        no = round_no or self.current_round()
        ids = set(self.ws.rows("round_items", set_id=SET_ID, round_no=no)["alternative_id"]) if no > 1 else None
        alts = self.scoring_alternatives()
        return alts if ids is None else alts[alts["alternative_id"].isin(ids)].reset_index(drop=True)

    def round_scores(self, round_no: int, evaluator: str | None = None) -> pd.DataFrame:
        """The scores entered in round ``round_no`` (round 1: the ordinary scores)."""
        if round_no <= 1:
            return self.scores(evaluator)
        where = {"set_id": SET_ID, "round_no": round_no, **({"evaluator": evaluator} if evaluator else {})}
        return self.ws.rows("round_scores", **where)

    def set_round_score(self, round_no: int, evaluator: str, alternative_id: str, criterion_id: str, value: object) -> str:
        """Save one score of round ``round_no`` (an empty value clears it); only the round's problems."""
        if round_no <= 1:
            return self.set_score(evaluator, alternative_id, criterion_id, value)
        who = clean_name(evaluator, "名前", "evaluator")
        if not who:
            raise OhayamiError("採点する人の名前を選ぶか入力してください。", field="evaluator")
        if alternative_id not in set(self.round_problems(round_no)["alternative_id"]):
            raise OhayamiError(f"課題「{alternative_id}」は{round_no}回目の採点の対象ではありません。", field="score")
        crit = self.criteria().set_index("criterion_id")
        if criterion_id not in crit.index:
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。", field="criterion")
        c, entry = crit.loc[criterion_id], normalise_entry(value)
        scale = parse_scale(c["scale"], c["direction"] == "lower")
        if entry and not scale.is_valid(entry):
            raise OhayamiError(f"「{c['name']}」に「{entry}」は入れられません。{scale.describe()}を入れてください。", field="score")
        key = {"set_id": SET_ID, "round_no": round_no, "evaluator": who, "alternative_id": alternative_id,
               "criterion_id": criterion_id}
        if entry:
            self.ws.upsert("round_scores", key, {"value": entry}, actor=who)
        else:
            self.ws.delete("round_scores", key, actor=who)
        return entry

    def round_scores_merged(self, round_no: int | None = None) -> pd.DataFrame:
        """The scores that count after round ``round_no`` (default: the latest): round 1's, each
        replaced by the same person's later score for the same problem and criterion."""
        no = round_no or self.current_round()
        cols = ["evaluator", "alternative_id", "criterion_id", "value"]
        merged = self.scores()[cols]
        for k in range(2, no + 1):
            later = self.round_scores(k)[cols]
            merged = pd.concat([merged, later]).drop_duplicates(cols[:3], keep="last")
        return merged.reset_index(drop=True)

    def round_comparison(self, before: int = 1, after: int | None = None) -> pd.DataFrame:
        """Round ``before`` and round ``after`` (default: the latest) side by side, indexed by problem id:
        課題, 再採点, 順位 before/after, 順位の変化, ばらつき before/after, ばらつきの変化."""
        after = after or self.current_round()
        a, b = self.results(before), self.results(after)
        if a is None or b is None:
            return pd.DataFrame()
        again = set(self.round_problems(after)["alternative_id"]) if after > 1 else set()
        sa, sb = mean_disagreement(a), mean_disagreement(b)
        rows = []
        for pid, r in b.ranking.iterrows():
            r1, r2 = a.table.loc[pid, "rank"], r["rank"]
            move = "" if r1 != r1 or r2 != r2 else "→" if r1 == r2 else (f"↑{int(r1 - r2)}" if r2 < r1 else f"↓{int(r2 - r1)}")
            d1, d2 = sa.get(pid, 0.0), sb.get(pid, 0.0)
            rows.append([r["name"], "★" if pid in again else "", rank_text(r1, a.table.loc[pid, "tie"]),
                         rank_text(r2, r["tie"]), move, f"{d1:.2f}", f"{d2:.2f}", f"{d2 - d1:+.2f}"])
        return pd.DataFrame(rows, index=list(b.ranking.index), columns=[
            "課題", "再採点", f"{before}回目の順位", f"{after}回目の順位", "順位の変化", f"{before}回目のばらつき",
            f"{after}回目のばらつき", "ばらつきの変化"])

    # ------------------------------------------------------------------ dot voting (シール投票)
    def dot_budget(self) -> int:
        """How many dots each participant may place (set by the facilitator)."""
        v = (self.ws.get("set_options", set_id=SET_ID) or {}).get("dots_per_person")
        return DEFAULT_DOTS if v is None or v != v else int(v)

    def set_dot_budget(self, value: object, actor: str | None = None) -> int:
        n = int(parse_number(value, "1人あたりのシールの数", "dots", minimum=1, maximum=MAX_DOTS, integer=True))
        self.ws.upsert("set_options", {"set_id": SET_ID}, {"dots_per_person": n}, actor=actor)
        return n

    def dots(self, evaluator: str | None = None) -> dict[str, int]:
        """Problem id → dots placed (by ``evaluator``, or by everyone)."""
        where = {"set_id": SET_ID, **({"evaluator": evaluator} if evaluator else {})}
        d = self.ws.rows("dots", **where)
        return {k: int(v) for k, v in d.groupby("alternative_id")["count"].sum().items()} if len(d) else {}

    def place_dot(self, evaluator: str, problem_id: str, step: int = 1) -> int:
        """Put one dot on a problem (``step`` = -1 takes one back). Returns the dots the person has left."""
        who = clean_name(evaluator, "名前", "evaluator")
        if not who:
            raise OhayamiError("シールを貼る人の名前を選ぶか入力してください。", field="evaluator")
        p = self._existing(problem_id)
        if p.get("exclusion"):
            raise OhayamiError(f"課題「{p['title']}」は検討から外しています。", field="dots")
        # read, check and write in one transaction: two devices of one person (or two people typing
        # the same name) placing dots at once never pass the budget or lose a dot
        with self.ws.batch(who):
            mine = self.dots(who)
            now = mine.get(problem_id, 0) + step
            if now < 0:
                raise OhayamiError(f"「{p['title']}」にはシールを貼っていません。", field="dots")
            budget = self.dot_budget()
            if step > 0 and sum(mine.values()) + step > budget:
                raise OhayamiError(f"シールは1人 {budget} 枚までです（すべて貼りました）。はがしてから貼り直してください。",
                                   field="dots")
            key = {"set_id": SET_ID, "evaluator": who, "alternative_id": problem_id}
            if now:
                self.ws.upsert("dots", key, {"count": now}, actor=who)
            else:
                self.ws.delete("dots", key, actor=who)
            if self.ws.get("people", name=who) is None:
                self.ws.upsert("people", {"name": who}, {"role": "参加者"}, actor=who)
        return budget - sum(mine.values()) - step

    def dot_ranking_frame(self) -> pd.DataFrame:
        """The dot vote as the ranking views show it (best first, indexed by problem id): 順位, 課題,
        シールの数, 短いリスト (the cut line applied to the dots), ID, 貼った人数."""
        d = self.ws.rows("dots", set_id=SET_ID)
        alts = self.scoring_alternatives()
        total = {k: int(v) for k, v in d.groupby("alternative_id")["count"].sum().items()} if len(d) else {}
        voters = d.groupby("alternative_id")["evaluator"].nunique().to_dict() if len(d) else {}
        f = pd.DataFrame({"課題": list(alts["name"]), "シールの数": [total.get(a, 0) for a in alts["alternative_id"]],
                          "ID": list(alts["alternative_id"]), "貼った人数": [voters.get(a, 0) for a in alts["alternative_id"]]},
                         index=list(alts["alternative_id"]))
        f = f.sort_values("シールの数", ascending=False, kind="stable")
        rank = f["シールの数"].rank(method="min", ascending=False)
        tie = rank.duplicated(keep=False)
        cut = self.cut_line()
        keep = rank <= cut.value if cut.mode == "top" else f["シールの数"] >= cut.value
        f.insert(0, "順位", [rank_text(r, t) for r, t in zip(rank, tie)])
        f.insert(3, "短いリスト", ["★" if k and n > 0 else "" for k, n in zip(keep, f["シールの数"])])
        return f

    def filter_by_dots(self, top: object, actor: str | None = None) -> list[str]:
        """A first filter before the weighted scoring: problems outside the best ``top`` by dots (ties
        kept) are taken out of consideration with the reason 「シール投票で上位N件に入らなかった」.
        Returns the ids taken out."""
        n = int(parse_number(top, "残す件数", "dots_top", minimum=1, integer=True))
        f = self.dot_ranking_frame()
        if f["シールの数"].sum() == 0:
            raise OhayamiError("まだシールが貼られていません。", field="dots_top")
        rank = f["シールの数"].rank(method="min", ascending=False)
        out = list(f.index[rank > n])
        with self.ws.batch(actor):
            for pid in out:
                self.set_exclusion(pid, DOT_REASON.format(n=n), actor=actor)
        return out

    def matrix(self, res: Result, x: str, y: str) -> pd.DataFrame:
        """The priority matrix's points, indexed by problem id: for each rankable problem its points on
        criteria ``x`` and ``y`` as a share of that criterion's weight (0 worst … 1 best; a criterion
        weighing 0 gives 0)."""
        weights = self.criteria().set_index("criterion_id")["weight"]
        for axis in (x, y):
            if axis not in weights.index:
                raise OhayamiError(f"評価項目「{axis}」はありません。軸を選び直してください。", field="axis")
        share = res.breakdown[[x, y]].div(weights[[x, y]].replace(0, np.nan)).fillna(0)
        rankable = res.table.index[res.table["selectable"].astype(bool)]
        return pd.DataFrame({"x": share.loc[rankable, x], "y": share.loc[rankable, y]}, index=rankable)

    def matrix_ticks(self, criterion_id: str) -> list[tuple[float, str]]:
        """Where each entry of a criterion's scale falls on the priority matrix's 0–1 axis, as
        (position, entry): participants read 「1」…「5」 on the axis, not the ratio the points use.
        A lower-is-better criterion reads 5 on the left and 1 on the right (right is always better)."""
        crit = self.criteria().set_index("criterion_id")
        if criterion_id not in crit.index:
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。軸を選び直してください。", field="axis")
        r = crit.loc[criterion_id]
        scale = parse_scale(r["scale"], r["direction"] == "lower")
        return sorted((float(scale.ratio(level)), level) for level in scale.levels)

    def matrix_axes(self) -> tuple[str, str]:
        """The criteria the priority matrix starts with (x, y): the guide's 難易度 × 効果 when present,
        otherwise the last and the first criterion."""
        ids = list(self.criteria()["criterion_id"])
        if not ids:
            raise OhayamiError("評価項目がありません。評価項目を1つ以上追加してください。", field="criterion")
        return ("difficulty" if "difficulty" in ids else ids[-1]), ("effect" if "effect" in ids else ids[0])

    def tag_groups(self) -> dict[str, list[str]]:
        """Tag → problems sharing it: problems one solution could cover together."""
        out: dict[str, list[str]] = {}
        for r in self.problems().itertuples():
            for tag in [t.strip() for t in re.split(r"[,、，]", r.tags or "") if t.strip()]:
                out.setdefault(tag, []).append(r.problem_id)
        return {k: v for k, v in out.items() if len(v) > 1}

    # ------------------------------------------------------------------ step 3: vision
    def set_vision(self, problem_id: str, actor: str | None = None, **fields) -> None:
        self._existing(problem_id)
        bad = [k for k in fields if k not in VISION_FIELDS]
        if bad:
            raise OhayamiError(f"地域像の項目「{bad[0]}」はありません。", field=bad[0])
        self.ws.upsert("visions", {"problem_id": problem_id},
                       {k: text_field(v, VISION_LABELS[k], k) for k, v in fields.items()}, actor=actor)

    def vision(self, problem_id: str | None) -> dict | None:
        """The target vision written for one problem, or None."""
        return self.ws.get("visions", problem_id=problem_id) if problem_id else None

    def visions(self) -> pd.DataFrame:
        v = self.ws.rows("visions")
        return v.set_index("problem_id") if len(v) else pd.DataFrame(columns=list(VISION_FIELDS))

    # ------------------------------------------------------------------ export
    def export_frames(self) -> dict[str, pd.DataFrame]:
        res = self.results()
        p = self.problems().set_index("problem_id")
        v = self.visions()
        crit = self.criteria()
        short = self.shortlist(res)
        frames = {}
        if res is not None:
            t = res.ranking
            rank_rows = []
            for a, r in t.iterrows():
                row = {"順位": "" if np.isnan(r["rank"]) else int(r["rank"]), "課題ID": a, "課題": r["name"],
                       "合計点": round(float(r["total"]), 2), "合計点の満点": round(float(res.max_total), 2),
                       "採点した人数": r["n_scorers"],
                       "短いリスト": MARK_YES if a in short else "", "分析": {"empty": "未記入（具体化が不十分）", "partial": "一部",
                                                                   "done": "記入済み"}[r["analysis"]],
                       "除外・対象外の理由": "／".join(r["reasons"])}
                for c in crit.itertuples():
                    row[f"{c.name}（点）"] = round(float(res.breakdown.loc[a, c.criterion_id]), 2)
                rank_rows.append(row)
            frames["ランキング"] = pd.DataFrame(rank_rows)
        short_rows = []
        for a in short:
            row = {"課題ID": a, "課題": p.loc[a, "title"], "生活のワンシーン": p.loc[a, "scene"], "出どころ": p.loc[a, "origin"]}
            row.update({ANALYSIS_LABELS[f]: p.loc[a, f] for f in ANALYSIS_FIELDS})
            if res is not None:
                row["順位"] = int(res.table.loc[a, "rank"])
                row["合計点"] = round(float(res.table.loc[a, "total"]), 2)
            row.update({VISION_LABELS[f]: (v.loc[a, f] if a in v.index and v.loc[a, f] is not None else "")
                        for f in VISION_FIELDS})
            short_rows.append(row)
        frames["短いリスト"] = pd.DataFrame(short_rows)
        frames["評価項目と重み"] = pd.DataFrame({
            "評価項目": crit["name"], "説明": crit["description"], "向き": crit["direction"].map(DIRECTION_LABELS),
            "尺度": [scale_text(x) for x in crit["scale"]], "重み": crit["weight"].astype(float)})
        s = self.scores()
        names = p["title"].to_dict()
        cnames = crit.set_index("criterion_id")["name"].to_dict()
        frames["採点"] = pd.DataFrame({"採点者": s["evaluator"], "課題ID": s["alternative_id"],
                                     "課題": s["alternative_id"].map(names), "評価項目": s["criterion_id"].map(cnames),
                                     "点数": [score_value(x) for x in s["value"]]}, dtype=object)
        allp = self.problems(include_merged=True)
        allp = allp.assign(exclusion=[self.exclusion_label(x) if x else "" for x in allp["exclusion"]])
        frames["課題一覧"] = allp.rename(columns={"problem_id": "課題ID", "title": "課題", "scene": "生活のワンシーン",
                                              "origin": "出どころ", **ANALYSIS_LABELS, "exclusion": "除外理由",
                                              "tags": "タグ", "merged_into": "統合先"}).drop(columns=["position"])
        for name in ("ランキング", "短いリスト"):
            if name in frames:
                frames[name].attrs["number_formats"] = {c: "0.00" for c in frames[name].columns
                                                        if c.startswith("合計点") or c.endswith("（点）")}
        frames["評価項目と重み"].attrs["number_formats"] = {"重み": "0.0"}
        return frames

    def export_xlsx(self) -> bytes:
        from .formats import JST_FORMAT_NOTE, jst_text
        from .io import xlsx_bytes
        from .store import now_iso

        about = pd.DataFrame({"項目": ["ワークショップ", "作成日時", "時刻"],
                              "内容": [self.ws.name, jst_text(now_iso()), JST_FORMAT_NOTE]})
        return xlsx_bytes({"この表について": about, **self.export_frames()}, title=f"課題の絞り込み {self.ws.name}")
