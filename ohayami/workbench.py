"""What the type C and type E workbenches share: criteria, weights, scores, scoring sheets, the model.

A workbench works on one evaluation set of the workshop (``SET_ID``: "C" for problems, "E" for
vendor services). Reads are cached until anyone writes to the workshop file; a score this kernel
saves patches the cached model instead of reading every score again.
"""

from __future__ import annotations

import json

import pandas as pd

from .errors import OhayamiError
from .labels import DIRECTION_LABELS
from .scoring import Criterion, Evaluation
from .scoring.scales import normalise_entry, parse_scale
from .scoring.weights import WEIGHT_METHODS, weighable, weight_method, weight_value
from .store import Workshop, WorkshopStore, now_iso
from .textio import clean_name, one_line, text_field

__all__ = ["ROOM", "WEIGHT_METHODS", "Workbench", "one_line", "order_by_number", "text_field"]
ROOM = "（会場全体）"


def person(ws: Workshop, name: str) -> dict | None:
    """A participant's record (name, department, role), or None for someone not yet known."""
    return ws.get("people", name=name) if name else None


def mean_disagreement(result) -> pd.Series:
    """Per alternative, the mean disagreement (0 = everyone agrees, 1 = opposite ends) over its criteria."""
    return result.spread.groupby("alternative_id")["disagreement"].mean()


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

    # ------------------------------------------------------------------ criteria and weights
    def criteria(self) -> pd.DataFrame:
        return self._cached("criteria", self._criteria).copy()

    def _criteria(self) -> pd.DataFrame:
        df = self.ws.rows("criteria", set_id=self.SET_ID)
        if df.empty:
            return pd.DataFrame(columns=["set_id", "criterion_id", "name", "requirement", "grp", "subgroup", "description",
                                         "example", "must_have", "direction", "scale", "weight", "position"])
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
        allowed = {"name", "direction", "scale", "weight", "description"}
        bad = [k for k in fields if k not in allowed]
        if bad:
            raise OhayamiError(f"評価項目の「{bad[0]}」は変更できません。", field=bad[0])
        values = self._check_criterion(cid=criterion_id, **fields)
        if "weight" in values:
            self._check_not_all_zero({criterion_id: values["weight"]})
        self.ws.upsert("criteria", {"set_id": self.SET_ID, "criterion_id": criterion_id}, values, actor=actor)

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
        Returns {"weights": …, "message": …}; the inputs are kept for the report."""
        current = self.criteria().set_index("criterion_id")["weight"].to_dict()
        w, message, stored = self.weights_from(method, values, current, weight_must_haves)
        if weight_method(method).gives_shares:
            w = {k: round(v * 100, 2) for k, v in w.items()}
        with self.ws.batch(actor):
            for k, v in w.items():
                self.ws.upsert("criteria", {"set_id": self.SET_ID, "criterion_id": k}, {"weight": float(v)}, actor=actor)
            self._save_weight_input(ROOM, method, stored, message, actor)
            self._set_state(actor, weight_method=method, weight_message=message)
        return {"weights": w, "message": message}

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
