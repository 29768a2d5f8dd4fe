"""What the type C and type E workbenches share: criteria, weights, scores, scoring sheets, the model.

A workbench works on one evaluation set of the workshop (``SET_ID``: "C" for problems, "E" for
vendor services). Reads are cached until anyone writes to the workshop file; a score this kernel
saves patches the cached model instead of reading every score again.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd

from .errors import OhayamiError
from .labels import DIRECTION_LABELS, VERSION_KIND_LABELS
from .scoring import Criterion, Evaluation
from .scoring.scales import normalise_entry, parse_scale
from .scoring.weights import WEIGHT_METHODS, weighable, weight_method, weight_value
from .store import Workshop, WorkshopStore, now_iso, now_jst
from .formats import JST, change_text
from .textio import clean_name, one_line, text_field

__all__ = ["ROOM", "VERSION_KINDS", "WEIGHT_METHODS", "WeightsVersion", "Workbench", "jst_text", "one_line",
           "order_by_number", "text_field"]
ROOM = "（会場全体）"

# How a version of the weights came about (code → what the screen and the report say).
VERSION_KINDS = VERSION_KIND_LABELS
SAME = 1e-9  # points closer than this are the same weight (they went through float arithmetic)


def jst_text(iso: str | None) -> str:
    """An ISO time as the screen and the report show it, in JST: 「2026年11月27日 14:02」 ("" if unreadable)."""
    try:
        when = datetime.fromisoformat(str(iso))
    except (TypeError, ValueError):
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(JST)
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"


@dataclass(frozen=True)
class WeightsVersion:
    """One version of a set's weights: number, when, who, kind (see :data:`VERSION_KINDS`), why, the
    points per criterion (and just before), and the winner before and after. ``no`` 0 stands for the
    points the criteria were created with, before any version; ``changed_since`` is True when the
    criteria's points no longer match the version (a criterion added or imported after it)."""

    no: int
    kind: str = ""
    at: str = ""
    actor: str = ""
    reason: str = ""
    weights: dict = field(default_factory=dict)
    before: dict = field(default_factory=dict)
    winner_before: tuple = ()
    winner_after: tuple = ()
    changed_since: bool = False

    @property
    def kind_label(self) -> str:
        return VERSION_KINDS.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """「版3（委員会の修正 2026年11月27日 14:02 佐藤）」, as the screen and the report name it."""
        if self.no == 0:
            text = "版なし（評価項目を作ったときの配点）"
        else:
            # a combination is the evaluators' work, whoever saved last: ``actor`` names them (see credit)
            made = (f"{self.kind_label}：{self.actor}", "") if self.kind == "evaluators" and self.actor else \
                (self.kind_label, self.actor)
            text = f"版{self.no}（" + " ".join(b for b in (made[0], jst_text(self.at), made[1]) if b) + "）"
        return text + ("※この版のあと評価項目の追加などで配点が変わっています" if self.changed_since else "")

    @property
    def changes(self) -> dict[str, tuple[float, float]]:
        """{criterion id: (points before, points in this version)} for the criteria this version changed."""
        return {k: (self.before[k], w) for k, w in self.weights.items()
                if self.before.get(k) is not None and abs(self.before[k] - w) > SAME}


def credit_names(names, shown: int = 3) -> str:
    """「山田・佐藤・鈴木ほか2人」: the people a combined result came from, for a version's label."""
    names = [str(n) for n in names]
    return "・".join(names[:shown]) + (f"ほか{len(names) - shown}人" if len(names) > shown else "")


def person(ws: Workshop, name: str) -> dict | None:
    """A participant's record (name, department, role), or None for someone not yet known."""
    return ws.get("people", name=name) if name else None


def mean_disagreement(result) -> pd.Series:
    """Per alternative, the mean disagreement (0 = everyone agrees, 1 = opposite ends) over its criteria."""
    return result.spread.groupby("alternative_id")["disagreement"].mean()


def _raw_order(level: str):
    """A scale level's place among numbers (by value); any other mark sorts after them."""
    try:
        return (0, float(level))
    except ValueError:
        return (1, 0.0)


def scores_low_to_high(cell: pd.DataFrame, scale) -> pd.DataFrame:
    """One cell's scores (columns ``value``, ``evaluator``) low to high as people entered them
    (「1、2、2、4、5」), so that a reader sees the scale they scored on, not the points it became."""
    levels = list(scale.levels)
    if all(_raw_order(v)[0] == 0 for v in levels):
        order = {v: i for i, v in enumerate(sorted(levels, key=_raw_order))}
    else:   # marks and grades are listed best first (A…E, ○△×, はい いいえ): the lowest is the last
        order = {v: i for i, v in enumerate(reversed(levels))}
    return cell.assign(_o=cell["value"].map(order)).sort_values(["_o", "evaluator"], kind="stable").drop(columns="_o")


def rank_text(rank: float, tie: bool) -> str:
    """A rank as the screens and reports show it: "2", "2（同点）", or empty when not ranked."""
    return "" if rank != rank else f"{int(rank)}{'（同点）' if tie else ''}"


def order_by_number(df: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Rows in the order of the number their id ends with (P2 before P10), then by id."""
    n = df[id_column].str.extract(r"(\d+)$", expand=False).fillna("0").astype(int)
    return df.assign(_n=n).sort_values(["_n", id_column]).drop(columns="_n").reset_index(drop=True)


class Workbench:
    """Criteria, weights and scores of one evaluation set in a workshop."""

    SET_ID = ""
    CRITERION_PREFIX = "k"

    def __init__(self, ws: WorkshopStore, data=None):
        self.ws = ws
        self.data = data
        self._memo: dict[str, tuple[tuple, object]] = {}

    def _cached(self, key: str, build):
        """What ``build`` returns, reused until anyone writes to the workshop file."""
        rev = self.ws.revision()
        hit = self._memo.get(key)
        if hit is not None and hit[0] == rev:
            return hit[1]
        value = build()
        self._memo[key] = (rev, value)
        return value

    @contextmanager
    def _batch(self, actor: str | None = None):
        """``ws.batch`` that forgets what was read inside it when it rolls back: the revision does not go
        back with the rollback, so a cached read of the undone writes would otherwise look current."""
        try:
            with self.ws.batch(actor):
                yield
        except BaseException:
            self._memo.clear()
            raise

    # ------------------------------------------------------------------ criteria and weights
    def criteria(self) -> pd.DataFrame:
        return self._cached("criteria", self._criteria).copy()

    def _criteria(self) -> pd.DataFrame:
        df = self.ws.rows("criteria", set_id=self.SET_ID)
        if df.empty:
            return pd.DataFrame(columns=["set_id", "criterion_id", "name", "requirement", "grp", "subgroup", "description",
                                         "example", "must_have", "direction", "scale", "weight", "position", "pass_level"])
        df["weight"] = df["weight"].astype(float).fillna(0.0)
        df["position"] = df["position"].astype(float).fillna(999)
        df["must_have"] = df["must_have"].astype(float).fillna(0).astype(int)
        for c in ("name", "requirement", "grp", "subgroup", "description", "example", "direction", "scale"):
            df[c] = df[c].where(df[c].notna(), "")
        return df.sort_values(["position", "criterion_id"]).reset_index(drop=True)

    def _check_criterion(self, name=None, direction=None, scale=None, weight=None, description=None, cid=None,
                         must_have=None, pass_level=None) -> dict:
        out = {}
        if name is not None:
            n = one_line(name, "評価項目の名前", "name", 60)
            if any(r.name == n and r.criterion_id != cid for r in self.criteria().itertuples()):
                raise OhayamiError(f"評価項目「{n}」はすでにあります。", field="name")
            out["name"] = n
        if direction is not None:
            if direction not in DIRECTION_LABELS:
                raise OhayamiError("向きは" + "か".join(f"「{v}」" for v in DIRECTION_LABELS.values()) + "を選んでください。",
                                   field="direction")
            out["direction"] = direction
        if scale is not None:
            parse_scale(str(scale))
            out["scale"] = str(scale).strip()
        if weight is not None:
            out["weight"] = weight_value(weight)
        if description is not None:
            out["description"] = text_field(description, "説明", "description", 300)
        if must_have is not None or pass_level is not None or (scale is not None and cid is not None):
            level = self._check_gate(cid, name, direction, scale, must_have, pass_level)
            if pass_level is not None:
                out["pass_level"] = level
        if must_have is not None:
            out["must_have"] = 1 if must_have else 0
        return out

    def _check_gate(self, cid, name, direction, scale, must_have, pass_level) -> str:
        """A must-have on a numeric or graded scale needs a stated pass level (the gate is never implicit).
        Returns the pass level as stored."""
        rows = self.criteria()
        row = rows[rows["criterion_id"] == cid].to_dict("records")[0] if cid is not None and (rows["criterion_id"] == cid).any() \
            else {}
        must = bool(must_have) if must_have is not None else bool(row.get("must_have") or 0)
        if pass_level is None:
            pass_level = row.get("pass_level")
        level = "" if pass_level is None or pass_level != pass_level else str(pass_level)
        if not must:
            return normalise_entry(level)
        sc = parse_scale(str(scale if scale is not None else row.get("scale") or "1-5"),
                         (direction if direction is not None else row.get("direction")) == "lower")
        label = name if name is not None else row.get("name") or cid or ""
        return sc.check_pass_level(level, f"必須項目「{label}」")

    def add_criterion(self, name: str, direction: str = "higher", scale: str = "1-5", weight: float = 1.0,
                      description: str = "", actor: str | None = None) -> str:
        values = self._check_criterion(name, direction, scale, weight, description)
        crit = self.criteria()
        cid = self.ws.next_id("criteria", self.CRITERION_PREFIX, set_id=self.SET_ID)[0]
        pos = (crit["position"].max() + 1) if len(crit) else 1
        self.ws.upsert("criteria", {"set_id": self.SET_ID, "criterion_id": cid},
                       {**values, "position": float(pos), "must_have": 0}, actor=actor)
        return cid

    def update_criterion(self, criterion_id: str, actor: str | None = None, **fields) -> None:
        if criterion_id not in set(self.criteria()["criterion_id"]):
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。", field="criterion")
        allowed = {"name", "direction", "scale", "weight", "description", "must_have", "pass_level"}
        bad = [k for k in fields if k not in allowed]
        if bad:
            raise OhayamiError(f"評価項目の「{bad[0]}」は変更できません。", field=bad[0])
        values = self._check_criterion(cid=criterion_id, **fields)
        weight = values.pop("weight", None)
        current = self.criteria().set_index("criterion_id")["weight"].to_dict()
        changes_weight = weight is not None and abs(current[criterion_id] - weight) > SAME
        if changes_weight:
            self._check_not_all_zero({criterion_id: weight})
            self._refuse_over_revision("評価項目の配点の変更")
        with self.ws.batch(actor):
            if values:
                self.ws.upsert("criteria", {"set_id": self.SET_ID, "criterion_id": criterion_id}, values, actor=actor)
            if changes_weight:
                # a typed weight is a version of its own, so results can say which weights they use
                self._write_weights_version({criterion_id: weight}, "edit", "", actor)

    def off_scale_note(self, criterion_id: str) -> str:
        """What to say after a criterion was saved when stored scores fall outside its scale now (the scale
        was narrowed): "" when none do. Results refuse until they are scored again, so the facilitator
        learns it here, not from the results tab."""
        crit = self.criteria().set_index("criterion_id")
        if criterion_id not in crit.index:
            return ""
        c = crit.loc[criterion_id]
        scale = parse_scale(c["scale"], c["direction"] == "lower")
        s = self.ws.rows("scores", set_id=self.SET_ID, criterion_id=criterion_id)
        off = [who for who, v in zip(s["evaluator"], s["value"]) if normalise_entry(v) and not scale.is_valid(normalise_entry(v))]
        if not off:
            return ""
        people = "、".join(sorted(set(off))[:5]) + ("ほか" if len(set(off)) > 5 else "")
        return (f"　⚠ 採点済みの {len(off)} 件（{people}）が新しい尺度の外になりました。結果はこの点数が付け直されるまで"
                f"出ません。尺度を戻すか、その人に付け直してもらってください。")

    def remove_criterion(self, criterion_id: str, actor: str | None = None) -> None:
        crit = self.criteria()
        if criterion_id not in set(crit["criterion_id"]):
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。", field="criterion")
        if len(crit) == 1:
            raise OhayamiError("評価項目は少なくとも1つ必要です。", field="criterion")
        self._check_not_all_zero({criterion_id: 0.0})
        # the scores stay in the file (and in the change log); they no longer count
        self.ws.delete("criteria", {"set_id": self.SET_ID, "criterion_id": criterion_id}, actor=actor)

    def _check_not_all_zero(self, change: dict) -> None:
        w = self.criteria().set_index("criterion_id")["weight"].to_dict()
        w.update(change)
        if sum(w.values()) <= 0:
            raise OhayamiError("重みがすべて 0 になります。少なくとも1つは 0 より大きくしてください。", field="weight")

    def weights_from(self, method: str, values: dict, base: dict, weight_must_haves: bool = False) -> tuple[dict, str, dict]:
        """(weight per criterion, a message, the inputs to keep) for one weighting by a registered
        method (:mod:`ohayami.scoring.weights`): ``direct`` {id: points}, ``rank`` {id: rank},
        ``pairwise`` {(i, j): a_ij}. Must-haves get 0 unless ``weight_must_haves``; ``base`` gives the
        current weights. Shares (``gives_shares``) add up to 1; the caller scales them."""
        m = weight_method(method)
        crit = self.criteria()
        names = crit.set_index("criterion_id")["name"].to_dict()
        ids = list(weighable(crit, weight_must_haves)["criterion_id"])
        if not ids:
            raise OhayamiError("重みをつける評価項目がありません（すべて必須項目です）。任意の評価項目を加えてください。",
                               field="weight")
        w, message, stored = m.compute(values, ids, names, base)
        return {k: float(w.get(k, 0.0)) for k in names}, message, stored

    def set_weights(self, method: str, values: dict, actor: str | None = None, weight_must_haves: bool = False) -> dict:
        """Weights by a registered method (see :meth:`weights_from`); shares become points out of 100.
        They become a new version of the weights (kind 全体での重みづけ). Returns {"weights": …,
        "message": …, "version": …}; the inputs are kept for the report."""
        self._refuse_over_revision("重みづけ")
        current = self.criteria().set_index("criterion_id")["weight"].to_dict()
        w, message, stored = self.weights_from(method, values, current, weight_must_haves)
        if weight_method(method).gives_shares:
            w = {k: round(v * 100, 2) for k, v in w.items()}
        with self.ws.batch(actor):
            version = self._write_weights_version(w, "room", "", actor)
            self._save_weight_input(ROOM, method, stored, message, actor)
            self._set_state(actor, weight_method=method, weight_message=message)
        return {"weights": w, "message": message, "version": version}

    # ------------------------------------------------------------------ versions of the weights
    def weight_version_records(self) -> list[WeightsVersion]:
        """Every version of this set's weights, oldest first."""
        return self._cached("weight_versions", self._weight_version_records)

    def _weight_version_records(self) -> list[WeightsVersion]:
        rows = self.ws.rows("weight_versions", set_id=self.SET_ID)
        values = self.ws.rows("weight_version_values", set_id=self.SET_ID)
        out = []
        for r in rows.itertuples():
            no = int(float(r.no))
            mine = values[values["no"].astype(float) == no]
            out.append(WeightsVersion(
                no, r.kind or "", r.at or "", r.actor or "", r.reason or "",
                {c: float(w) for c, w in zip(mine["criterion_id"], mine["weight"])},
                {c: (None if b is None or b != b else float(b)) for c, b in zip(mine["criterion_id"], mine["before"])},
                tuple(json.loads(r.winner_before or "[]")), tuple(json.loads(r.winner_after or "[]"))))
        return sorted(out, key=lambda v: v.no)

    def weights_version(self) -> int:
        """The number of the weights version results use now (0: the points the criteria were made with)."""
        return self.current_weights_version().no

    def current_weights_version(self) -> WeightsVersion:
        """The version of the weights that results use now: the latest (``no`` 0 before any)."""
        versions = self.weight_version_records()
        if not versions:
            return WeightsVersion(0)
        last = versions[-1]
        now = self.criteria().set_index("criterion_id")["weight"].to_dict()
        drift = any(k not in last.weights or abs(last.weights[k] - w) > SAME for k, w in now.items())
        return replace(last, changed_since=drift)

    def weight_versions(self) -> pd.DataFrame:
        """The versions of the weights as the screen, the report and the workbook show them (newest
        first): 版, 日時 (JST), 入力した人, 種類, 理由, 変更, 前の1位, この版の1位, then each criterion's points."""
        crit = self.criteria()
        names = crit.set_index("criterion_id")["name"].to_dict()
        alt = self.alternatives().set_index("alternative_id")["name"].to_dict() if len(crit) else {}
        digits = self.points_digits()
        rows = []
        for v in reversed(self.weight_version_records()):
            changes = v.changes
            rows.append([f"版{v.no}", jst_text(v.at), v.actor, v.kind_label, v.reason,
                         change_text({k: a for k, (a, _) in changes.items()}, {k: b for k, (_, b) in changes.items()},
                                     names, digits),
                         "・".join(alt.get(w, w) for w in v.winner_before), "・".join(alt.get(w, w) for w in v.winner_after)] +
                        [None if v.weights.get(c) is None else round(v.weights[c], digits) for c in crit["criterion_id"]])
        columns = ["版", "日時", "入力した人", "種類", "理由", "変更", "前の1位", "この版の1位", *names.values()]
        return pd.DataFrame(rows, columns=columns)

    def points_digits(self) -> int:
        """Decimals a person sees for points (type E: the rules' digits)."""
        return 1

    def has_committee_revision(self) -> bool:
        """Whether the committee has revised the weights (after which only an explicit version changes them)."""
        return any(v.kind == "revision" for v in self.weight_version_records())

    def _refuse_over_revision(self, what: str) -> None:
        if self.has_committee_revision():
            last = [v for v in self.weight_version_records() if v.kind == "revision"][-1]
            raise OhayamiError(f"重みには委員会の修正（版{last.no}）があります。{what}で上書きはできません。"
                               "配点を変えるときは「重みの見直し」で理由を添えて新しい版にしてください。", field="weight")

    def _winners(self) -> list[str]:
        """The alternatives ranked first with the weights in force (a worksheet without a winner: [])."""
        return []

    def _write_weights_version(self, weights: dict, kind: str, reason: str, actor: str | None,
                               credit: str | None = None) -> WeightsVersion:
        """Make ``weights`` (criterion id → points; the others keep theirs) the new version in force:
        the criteria's points and the version row are written in one transaction, with the winner
        before and after. ``credit`` is whom the version names as its maker (default: ``actor``)."""
        current = self.criteria().set_index("criterion_id")["weight"].to_dict()
        full = {k: float(weights.get(k, w)) for k, w in current.items()}
        winner_before = self._winners()
        with self.ws.batch(actor):
            for k, w in full.items():
                self.ws.upsert("criteria", {"set_id": self.SET_ID, "criterion_id": k}, {"weight": w}, actor=actor)
            done = self.ws.rows("weight_versions", set_id=self.SET_ID)["no"]
            no = int(max((float(n) for n in done), default=0)) + 1
            winner_after = self._winners()
            self.ws.upsert("weight_versions", {"set_id": self.SET_ID, "no": no}, {
                "at": now_jst(), "actor": credit or actor or self.ws.actor, "kind": kind, "reason": reason,
                "winner_before": list(winner_before), "winner_after": list(winner_after)}, actor=actor)
            for k, w in full.items():
                self.ws.upsert("weight_version_values", {"set_id": self.SET_ID, "no": no, "criterion_id": k},
                               {"weight": w, "before": current[k]}, actor=actor)
        return self.current_weights_version()

    # ------------------------------------------------------------------ the set's own state
    def _state(self) -> dict:
        """This set's row of ``sets`` (weighting method and message, total points, seeded)."""
        return self.ws.get("sets", set_id=self.SET_ID) or {}

    def _set_state(self, actor: str | None = None, **values) -> None:
        self.ws.upsert("sets", {"set_id": self.SET_ID}, values, actor=actor)

    def weight_method(self) -> str:
        """The weighting method last used for the whole set ("direct" until someone chooses)."""
        return self._state().get("weight_method") or "direct"

    def weight_message(self) -> str:
        """What the last weighting said about itself (e.g. the consistency ratio), for screen and report."""
        return self._state().get("weight_message") or ""

    def _save_weight_input(self, evaluator: str, method: str, inputs: dict, message: str, actor: str | None,
                           only_method: bool = False) -> None:
        """Keep what was entered for a weighting; ``only_method`` forgets the person's other methods."""
        with self.ws.batch(actor):
            if only_method:
                for other in self.ws.rows("weight_inputs", set_id=self.SET_ID, evaluator=evaluator)["method"]:
                    if other != method:
                        self.ws.delete("weight_inputs", {"set_id": self.SET_ID, "evaluator": evaluator, "method": other},
                                       actor=actor)
            self.ws.upsert("weight_inputs", {"set_id": self.SET_ID, "evaluator": evaluator, "method": method},
                           {"inputs": inputs, "message": message, "at": now_iso()}, actor=actor)

    def weight_input(self, method: str, evaluator: str | None = None) -> dict:
        """The inputs last saved for ``method`` (by ``evaluator``, or by the room as a whole), or {}."""
        row = self.ws.get("weight_inputs", set_id=self.SET_ID, evaluator=evaluator or ROOM, method=method)
        return json.loads(row["inputs"]) if row and row["inputs"] else {}

    def weight_inputs_by_evaluator(self) -> dict[str, dict]:
        """{evaluator: {"method": …, "values": …}}: each person's last weighting inputs."""
        rows = self.ws.rows("weight_inputs", set_id=self.SET_ID)
        return {r.evaluator: {"method": r.method, "values": json.loads(r.inputs) if r.inputs else {}}
                for r in rows.itertuples() if r.evaluator != ROOM}

    # ------------------------------------------------------------------ scoring
    def participants(self) -> list[str]:
        s = self.ws.rows("scores", set_id=self.SET_ID)
        people = self.ws.rows("people")
        names = list(dict.fromkeys(list(people["name"]) + list(s["evaluator"])))
        return [n for n in names if n]

    def scores(self, evaluator: str | None = None) -> pd.DataFrame:
        s = self.ws.rows("scores", set_id=self.SET_ID) if evaluator is None else \
            self.ws.rows("scores", set_id=self.SET_ID, evaluator=evaluator)
        return s

    def set_score(self, evaluator: str, alternative_id: str, criterion_id: str, value: object) -> str:
        """Save one score (an empty value clears it). Returns the stored entry."""
        who = clean_name(evaluator, "名前", "evaluator")
        if not who:
            raise OhayamiError("採点する人の名前を選ぶか入力してください。", field="evaluator")
        label = self._alternative_name(alternative_id)
        crit = self.criteria().set_index("criterion_id")
        if criterion_id not in crit.index:
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。", field="criterion")
        key = {"set_id": self.SET_ID, "evaluator": who, "alternative_id": alternative_id, "criterion_id": criterion_id}
        entry = normalise_entry(value)
        c = crit.loc[criterion_id]
        scale = parse_scale(c["scale"], c["direction"] == "lower")
        if entry and not scale.is_valid(entry):
            raise OhayamiError(f"「{label}」の「{c['name']}」に「{entry}」は入れられません。{scale.describe()}を入れてください。",
                               field="score")
        hit = self._memo.get("evaluation")
        before = self.ws.revision()
        fresh = hit is not None and hit[0] == before
        if entry == "":
            self.ws.delete("scores", key, actor=who)
        else:
            self.ws.upsert("scores", key, {"value": entry}, actor=who)
            if who != ROOM and self.ws.get("people", name=who) is None:
                self.ws.upsert("people", {"name": who}, {"role": "参加者"}, actor=who)
        after = self.ws.revision()
        if fresh and after[0] == before[0] and hit[1] is not None and who in hit[1].evaluators:
            # Our own edit: derive the cached model with this one entry instead of reading every score again.
            # Nobody else committed meanwhile (data_version unchanged): the rest of what we cached is still right.
            memo = {k: (after, v) for k, (r, v) in self._memo.items() if r == before}
            memo["evaluation"] = (after, hit[1].with_score(who, alternative_id, criterion_id, entry))
            self._memo = memo
        return entry

    def scoring_sheet(self, evaluator: str) -> bytes:
        """The signed XLSX scoring sheet for one evaluator; the evaluator joins the participants."""
        from .sheets import scoring_sheet

        who = clean_name(evaluator, "名前", "evaluator")
        data = scoring_sheet(self.ws, self.SET_ID, who, self.alternatives(), self.criteria())
        if who != ROOM and self.ws.get("people", name=who) is None:
            self.ws.upsert("people", {"name": who}, {"role": "参加者"})
        return data

    def import_scoring_sheet(self, source, name: str = "") -> int:
        """Import a filled scoring sheet, checked against this set's current criteria and alternatives."""
        from .sheets import import_scoring_sheet

        return import_scoring_sheet(self.ws, source, set_id=self.SET_ID, alternatives=self.alternatives(),
                                    criteria=self.criteria(), name=name)

    # ------------------------------------------------------------------ results
    def evaluation(self) -> Evaluation | None:
        return self._cached("evaluation", self._evaluation)

    def _evaluation(self, scores: pd.DataFrame | None = None) -> Evaluation | None:
        """The model over ``scores`` (default: the stored scores)."""
        alts = self.alternatives()
        crit = self.criteria()
        if alts.empty or crit.empty:
            return None
        s = self.scores() if scores is None else scores
        s = s[s["alternative_id"].isin(set(alts["alternative_id"])) & s["criterion_id"].isin(set(crit["criterion_id"]))]
        # pass_level: a column the criteria table may not have yet
        criteria = [Criterion(r.criterion_id, r.name, float(r.weight), r.scale, r.direction, r.grp, bool(r.must_have),
                              _text(getattr(r, "pass_level", "")))
                    for r in crit.itertuples()]
        return Evaluation(dict(zip(alts["alternative_id"], alts["name"])), criteria,
                          s[["evaluator", "alternative_id", "criterion_id", "value"]], prices=self.prices(),
                          allow_missing=True)

    def pass_rules(self) -> dict[str, str]:
        """Must-have criterion id → its gate in Japanese (「いいえは不合格」「3以上で合格」…)."""
        return {r.criterion_id: parse_scale(r.scale, r.direction == "lower").pass_rule_text(_text(getattr(r, "pass_level", "")))
                for r in self.criteria().itertuples() if r.must_have}

    # ------------------------------------------------------------------ what a subclass provides
    def alternatives(self) -> pd.DataFrame:
        """The alternatives being compared: ``alternative_id``, ``name``."""
        raise NotImplementedError

    def _alternative_name(self, alternative_id: str) -> str:
        """The alternative's name; raises OhayamiError if it cannot be scored."""
        raise NotImplementedError

    def prices(self) -> dict | None:
        """Alternative id → price, when every alternative has one."""
        return None


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)


def scale_text(scale: str) -> str:
    """A criterion's scale as a person reads it in an export (「1～5 の整数」), never the code."""
    try:
        return parse_scale(scale).describe()
    except OhayamiError:
        return str(scale)
