"""What the type C and type E workbenches share: criteria, weights, scores, scoring sheets, the model.

A workbench works on one evaluation set of the workshop (``SET_ID``: "C" for problems, "E" for
vendor services). Reads are cached until anyone writes to the workshop file; a score this kernel
saves patches the cached model instead of reading every score again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import exchange
from .errors import OhayamiError
from .scoring import Criterion, Evaluation, ahp, pairwise_matrix, rank_order_centroid
from .scoring.scales import normalise_entry, parse_scale
from .store import Workshop
from .tally import clean_name

WEIGHT_METHODS = {"direct": "配点を直接入れる", "rank": "順位を付ける", "pairwise": "一対比較"}
ROOM = "（会場全体）"
MAX_TEXT = 2000


def text_field(value: object, label: str, field: str, limit: int = MAX_TEXT) -> str:
    """Trimmed free text of at most ``limit`` characters."""
    text = str(value or "").strip()
    if len(text) > limit:
        raise OhayamiError(f"{label}は{limit}文字以内にしてください（いま{len(text)}文字）。", field=field)
    return text


def one_line(value: object, label: str, field: str, limit: int) -> str:
    """A required one-line name: spaces folded, not empty, at most ``limit`` characters."""
    text = clean_name(value, label, field, limit)
    if not text:
        raise OhayamiError(f"{label}が空です。", field=field)
    return text


def order_by_number(df: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Rows in the order of the number their id ends with (P2 before P10), then by id."""
    n = df[id_column].str.extract(r"(\d+)$", expand=False).fillna("0").astype(int)
    return df.assign(_n=n).sort_values(["_n", id_column]).drop(columns="_n").reset_index(drop=True)


class Workbench:
    """Criteria, weights and scores of one evaluation set in a workshop."""

    SET_ID = ""
    CRITERION_PREFIX = "k"

    def __init__(self, ws: Workshop, data=None):
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

    def _check_criterion(self, name=None, direction=None, scale=None, weight=None, description=None, cid=None) -> dict:
        out = {}
        if name is not None:
            n = one_line(name, "評価項目の名前", "name", 60)
            if any(r.name == n and r.criterion_id != cid for r in self.criteria().itertuples()):
                raise OhayamiError(f"評価項目「{n}」はすでにあります。", field="name")
            out["name"] = n
        if direction is not None:
            if direction not in ("higher", "lower"):
                raise OhayamiError("向きは「高いほど良い」か「低いほど良い」を選んでください。", field="direction")
            out["direction"] = direction
        if scale is not None:
            parse_scale(str(scale))
            out["scale"] = str(scale).strip()
        if weight is not None:
            try:
                w = float(str(weight).strip())
            except ValueError:
                raise OhayamiError(f"重み「{weight}」は数にしてください。", field="weight") from None
            if not w >= 0 or w != w or w == float("inf"):
                raise OhayamiError(f"重み「{weight}」は 0 以上の数にしてください。", field="weight")
            out["weight"] = w
        if description is not None:
            out["description"] = text_field(description, "説明", "description", 300)
        return out

    def add_criterion(self, name: str, direction: str = "higher", scale: str = "1-5", weight: float = 1.0,
                      description: str = "", actor: str | None = None) -> str:
        values = self._check_criterion(name, direction, scale, weight, description)
        crit = self.criteria()
        cid = exchange._next_ids(set(crit["criterion_id"]), self.CRITERION_PREFIX, 1)[0]
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

    def weights_from(self, method: str, values: dict, base: dict) -> tuple[dict, str, dict]:
        """(weight per criterion, a message, the inputs to keep) for one weighting.

        ``direct``: the points as given; criteria not given keep ``base``. ``rank``: rank-order-centroid
        shares from {id: rank}. ``pairwise``: AHP shares from {(i, j): a_ij}, the message giving CR.
        Shares add up to 1; the caller scales them."""
        crit = self.criteria()
        ids = list(crit["criterion_id"])
        names = crit.set_index("criterion_id")["name"].to_dict()
        if method == "direct":
            unknown = [k for k in values if k not in ids]
            if unknown:
                raise OhayamiError(f"評価項目「{unknown[0]}」はありません。", field="weight")
            checked = {k: self._check_criterion(weight=v)["weight"] for k, v in values.items()}
            w = {**{k: base[k] for k in ids}, **checked}
            if sum(w.values()) <= 0:
                raise OhayamiError("重みがすべて 0 です。少なくとも1つは 0 より大きくしてください。", field="weight")
            return w, "配点をそのまま使います。", checked
        if method == "rank":
            missing = [k for k in ids if k not in values]
            if missing:
                raise OhayamiError(f"すべての評価項目に順位を付けてください（未入力：{names[missing[0]]}）。", field="weight")
            w = rank_order_centroid({k: values[k] for k in ids}, total=1.0).to_dict()
            return w, "順位から重みを計算しました（順位重心法）。", {k: int(values[k]) for k in ids}
        if method == "pairwise":
            res = ahp(pairwise_matrix(dict(values), ids).rename(index=names, columns=names))
            return res.weights.set_axis(ids).to_dict(), res.message(), {f"{i}|{j}": a for (i, j), a in values.items()}
        raise OhayamiError(f"重みづけの方法「{method}」はありません。", field="method")

    def set_weights(self, method: str, values: dict, actor: str | None = None) -> dict:
        """Weights by ``direct`` points {id: points}, ``rank`` {id: rank} or ``pairwise``
        {(i, j): a_ij}; shares become points out of 100. Returns {"weights": …, "message": …}; the
        inputs are kept for the report."""
        current = self.criteria().set_index("criterion_id")["weight"].to_dict()
        w, message, stored = self.weights_from(method, values, current)
        if method != "direct":
            w = {k: round(v * 100, 2) for k, v in w.items()}
        with self.ws.batch(actor):
            for k, v in w.items():
                self.ws.upsert("criteria", {"set_id": self.SET_ID, "criterion_id": k}, {"weight": float(v)}, actor=actor)
            self.ws.set_setting(f"{self.SET_ID}_weight_method", method, actor)
            self.ws.set_setting(f"{self.SET_ID}_weight_input_{method}", stored, actor)
            self.ws.set_setting(f"{self.SET_ID}_weight_message", message, actor)
        return {"weights": w, "message": message}

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
            # Our own edit: patch the cached model instead of reading every score again.
            ev = hit[1]
            ev.R[ev.evaluators.index(who), ev.alt_ids.index(alternative_id), ev.crit_ids.index(criterion_id)] = \
                scale.ratio(entry) if entry else np.nan
            # nobody else committed meanwhile (data_version unchanged): what we cached is still right
            self._memo = {k: (after, v) for k, (r, v) in self._memo.items() if r == before}
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

    def _evaluation(self) -> Evaluation | None:
        alts = self.alternatives()
        crit = self.criteria()
        if alts.empty or crit.empty:
            return None
        s = self.scores()
        s = s[s["alternative_id"].isin(set(alts["alternative_id"])) & s["criterion_id"].isin(set(crit["criterion_id"]))]
        criteria = [Criterion(r.criterion_id, r.name, float(r.weight), r.scale, r.direction, r.grp, bool(r.must_have))
                    for r in crit.itertuples()]
        return Evaluation(dict(zip(alts["alternative_id"], alts["name"])), criteria,
                          s[["evaluator", "alternative_id", "criterion_id", "value"]], prices=self.prices(alts),
                          allow_missing=True)

    # ------------------------------------------------------------------ what a subclass provides
    def alternatives(self) -> pd.DataFrame:
        """The alternatives being compared: ``alternative_id``, ``name``."""
        raise NotImplementedError

    def _alternative_name(self, alternative_id: str) -> str:
        """The alternative's name; raises OhayamiError if it cannot be scored."""
        raise NotImplementedError

    def prices(self, alternatives: pd.DataFrame) -> dict | None:
        return None
