"""Type E workbench model: criteria → weights → vendors and scores → comparison → validity check.

Follows the guide's three steps for type E (評価項目の設定, 評価項目の重みづけ, 評価項目と重みづけの
妥当性チェック) and ends with a result the town can defend: every number, exclusion and revision
is kept in the workshop file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, fields

import numpy as np
import pandas as pd

from . import exchange
from .errors import OhayamiError
from .guide import load_criteria_template, load_weighting_scenes
from .labels import MARK_NO, MARK_YES, MUST_LABELS, direction_label, must_label
from .one_by_one import anchors_text, scale_anchors
from .scoring import PriceRule, Result, Rules, evaluate, intuition_check, rank_probabilities, weight_sensitivity
from .scoring.price import price_method as price_method_named
from .scoring.scales import parse_scale
from .scoring.weights import combine_evaluators, weighable
from .snapshots import Snapshots, weights_text as snapshot_weights_text
from .store import Workshop, now_iso, now_jst
from .textio import clean_name, one_line, parse_number, text_field
from .workbench import ROOM, SAME, Workbench, WeightsVersion, credit_names, mean_disagreement, order_by_number, rank_text, \
    scale_text, scores_low_to_high

SET_ID = "E"
GUIDE_ADVICE = ("必須項目は少なくしましょう。サービス提供に欠くことのできない機能（必須）と、あったら良い機能（任意）に"
                "分けて考えると、最少の費用で最大の効果を得やすくなります（ガイド Eタイプ Step1 の留意点）。")


DEFAULT_TOTAL = 100.0
LOCKED = ("採点が始まっているため、評価者の重みは固定されています（変えずに保存し直すことだけができます）。"
          "重みを変えるときは「7 妥当性チェック」の「重みの見直し」で理由を添えて新しい版にしてください。")
MUST_HAVE_RULES = {False: "必須項目は合否だけを判定し、配点はつけません（いいえ・×・合格の水準に届かない事業者は除外）。",
                   True: "必須項目は合否を判定したうえで、配点もつけます（委員会の決定）。"}


RULE_FIELDS = tuple(f.name for f in fields(Rules))
PRICE_FIELDS = tuple(f.name for f in fields(PriceRule))


def _number_in_record(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OhayamiError(f"評価のルールの{what}「{value}」は数にしてください。", field="rules")
    return float(value)


def rules_from_record(record: Mapping | None) -> Rules:
    """The engine's :class:`Rules` from their stored record (plain JSON values, as
    :func:`rules_to_record` writes them). A per-group minimum may be one ratio or {group: ratio};
    a tie-break may name ``group:<name>``. Anything else raises OhayamiError in Japanese."""
    rec = dict(record or {})
    unknown = [k for k in rec if k not in RULE_FIELDS]
    if unknown:
        raise OhayamiError(f"評価のルールに「{unknown[0]}」という項目はありません。", field="rules")
    price = rec.get("price")
    if isinstance(price, Mapping):
        bad = [k for k in price if k not in PRICE_FIELDS]
        if bad:
            raise OhayamiError(f"価格点のルールに「{bad[0]}」という項目はありません。", field="rules")
        rec["price"] = PriceRule(**{k: (_number_in_record(v, "価格点の" + k) if k in ("points", "ceiling", "unit")
                                        and v is not None else v) for k, v in price.items()})
    elif price is not None and not isinstance(price, PriceRule):
        raise OhayamiError("価格点のルールが読めません。保存し直してください。", field="rules")
    if "tie_break" in rec:
        tb = rec["tie_break"] or ()
        rec["tie_break"] = tuple(str(t) for t in ([tb] if isinstance(tb, str) else tb))
    if rec.get("min_total_ratio") is not None:
        rec["min_total_ratio"] = _number_in_record(rec["min_total_ratio"], "最低点")
    group = rec.get("min_group_ratio")
    if isinstance(group, Mapping):
        rec["min_group_ratio"] = {str(g): _number_in_record(v, f"要件内訳「{g}」の最低") for g, v in group.items()} or None
    elif group is not None:
        rec["min_group_ratio"] = _number_in_record(group, "要件内訳の最低")
    if "digits" in rec and (isinstance(rec["digits"], bool) or not isinstance(rec["digits"], int)):
        raise OhayamiError(f"桁「{rec['digits']}」は 0, 1, 2 … の整数にしてください。", field="rules")
    return Rules(**rec)


def rules_to_record(rules: Rules) -> dict:
    """The rules as plain JSON values (every field), the inverse of :func:`rules_from_record`."""
    out = {}
    for name in RULE_FIELDS:
        v = getattr(rules, name)
        if name == "price":
            v = None if v is None else asdict(v)
        elif name == "tie_break":
            v = list(v)
        elif isinstance(v, Mapping):
            v = dict(v)
        out[name] = v
    return out


CRITERIA_COLUMNS = ["評価項目", "要件内訳", "求める水準（例）", "区分", "合否の判定", "尺度", "配点", "割合"]
RESULT_LEAD = ["順位", "事業者", "合計／満点", "除外・対象外の理由／備考"]


def points_text(points: float) -> str:
    """Points as a maximum reads: 100, 110.3, 42.5 (no float noise)."""
    return f"{round(float(points), 2):g}"


def of_maximum(value: float, maximum: float | None) -> str:
    """「72.65 / 130」: a score next to its maximum (the score alone when there is none)."""
    return f"{value:.2f}" if maximum is None else f"{value:.2f} / {points_text(maximum)}"

def price_points_used(res: Result) -> bool:
    """Whether the rules give price any points (a formula without a maximum, 除算方式, does)."""
    return res.rules.price is not None and (res.max_price is None or res.max_price > 0)


def no_points_text(res: Result) -> str:
    """The sentence under a points breakdown naming the criteria it leaves out because they carry no
    points: must-haves are pass/fail gates; others were given 配点 0. "" when every criterion counts."""
    gone = [c for c, w in zip(res.ev.criteria, res.ev.points) if not w > 0]
    gates = [c.label for c in gone if c.must_have]
    zero = [c.label for c in gone if not c.must_have]
    out = []
    if gates:
        out.append("必須項目（" + "、".join(gates) + "）は満たすかどうかの合否だけを判定し、点数はありません。")
    if zero:
        out.append("配点 0 の評価項目（" + "、".join(zero) + "）は点数に入りません。")
    return ("".join(out) + "点数の内訳には載せていません。") if out else ""


TIE_BREAKS = [("なし", ""), ("技術点の高い方", "technical"), ("価格の安い方", "price")]
GROUP_TIE_BREAK = "group:"


def percent(text: object, label: str) -> float | None:
    """A percentage typed in a form ("60", "60%", "６０％") as a ratio (0.6); empty → None."""
    v = parse_number(str(text or "").strip().rstrip("%％"), label, "rules", minimum=0, maximum=100, required=False)
    return None if v is None else v / 100


def group_minimum_from_text(text: object, groups=None) -> float | dict | None:
    """The per-group minimum typed in the rules form: one percentage for every group ("30"), or one
    per group ("機能:30、セキュリティ:50"). ``groups`` (when given) are the groups that exist."""
    parts = [p.strip() for p in re.split(r"[,、，;；\n]", str(text or "")) if p.strip()]
    if not parts:
        return None
    named = [re.split(r"[:：=＝]", p) for p in parts]
    if len(parts) == 1 and len(named[0]) == 1:
        return percent(parts[0], "要件内訳の最低")
    out = {}
    for part, bits in zip(parts, named):
        if len(bits) < 2 or not bits[0].strip():
            raise OhayamiError(f"「{part}」は「要件内訳:割合」（例：機能:30）の形で書いてください。", field="rules")
        name = bits[0].strip()
        if groups is not None and name not in groups:
            raise OhayamiError(f"要件内訳「{name}」はありません（あるもの：{'、'.join(g for g in groups if g) or 'なし'}）。",
                               field="rules")
        out[name] = percent(bits[-1], f"要件内訳「{name}」の最低")
    return {g: v for g, v in out.items() if v is not None} or None


def group_minimum_text(value) -> str:
    """The per-group minimum as the rules form shows it (the inverse of :func:`group_minimum_from_text`)."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "、".join(f"{g}:{v * 100:g}" for g, v in value.items())
    return f"{value * 100:g}"


# a score rates the vendor, not the amount: on a cost criterion the good end is the cheap one
COST_WORDS = ("コスト", "費用", "価格", "料金", "金額")
COST_ENDS = ("費用が高い（不利）", "費用が安い（有利）")


def score_anchors(row) -> list[tuple[str, str]]:
    """What a criterion's scale points mean to an evaluator of vendors (criterion row with ``name``,
    ``scale``, ``direction``): 「1＝低い　5＝高い」, on a cost criterion 「1＝費用が高い（不利）
    5＝費用が安い（有利）」; a preset scale keeps its own words."""
    bad, good = COST_ENDS if any(w in str(row.name) for w in COST_WORDS) else ("", "")
    low, high = (good, bad) if row.direction == "lower" else (bad, good)
    return scale_anchors(row.scale, row.direction, low=low, high=high)


def score_anchor_line(row) -> str:
    """:func:`score_anchors` as one line with the direction: 「1＝低い　5＝高い（高いほど良い）」;
    "" for yes/no and mark scales, whose entries say it themselves."""
    if parse_scale(row.scale).kind in ("yesno", "marks"):
        return ""
    # 「点が」: on a cost criterion 「高いほど良い」 alone read as "the higher the cost, the better"
    return f"{anchors_text(score_anchors(row))}（点が{direction_label(row.direction)}）"


def tie_break_label(tie: str) -> str:
    """How a tie-break rule reads on screen and in the report."""
    if tie.startswith(GROUP_TIE_BREAK):
        return f"要件内訳「{tie[len(GROUP_TIE_BREAK):]}」の小計の高い方"
    return dict((v, k) for k, v in TIE_BREAKS).get(tie, tie)


def group_minimum_sentence(value) -> str | None:
    """The per-group minimum as a sentence for the report, or None when there is none."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return "要件内訳の小計が満点の次の割合未満は選定対象外：" + "、".join(f"{g or '（区分なし）'} {v:.0%}" for g, v in value.items())
    return f"各要件内訳の小計が満点の {value:.0%} 未満は選定対象外"


class VendorWorkbench(Workbench, Snapshots):
    """The type E model over one workshop."""

    SET_ID = SET_ID
    FILE_STEM = "選定理由書"
    CRITERION_PREFIX = "e"

    def __init__(self, ws: Workshop, data=None):
        super().__init__(ws, data)

    # ------------------------------------------------------------------ step 1: criteria
    def template(self) -> pd.DataFrame:
        return load_criteria_template(self.data)

    def weighting_scenes(self) -> pd.DataFrame:
        """Scenes that suggest what to weight more (guide Step2 and the kit's own, told apart by
        ``source`` and ``mark``); see :func:`ohayami.guide.load_weighting_scenes`."""
        return load_weighting_scenes(self.data)

    def scene_lines(self) -> list[tuple[str, str]]:
        """(scene as the screen shows it, 要件内訳 to weight more); a scene the kit made up carries its mark."""
        return [(f"{r.situation}（{r.mark}）" if r.mark else r.situation, r.emphasis)
                for r in self.weighting_scenes().itertuples()]

    def group_choices(self) -> list[str]:
        """要件内訳 a criterion can take: the template's groups and subgroups, then those in use."""
        tpl = self.template()
        names = list(tpl["group"]) + list(tpl["subgroup"]) + list(self.criteria()["grp"])
        return [g for g in dict.fromkeys(str(n) for n in names) if g and g != "nan"]

    def adopt_template(self, numbers, must: set | None = None, actor: str | None = None) -> list[str]:
        """Add the guide's template items ``numbers`` (1–32) as criteria; those in ``must`` are 必須.
        A criterion's 要件内訳 is the finest one the guide names (セキュリティ, not 性能・品質), so that
        subtotals and per-group minimums can be set where a committee draws its lines."""
        tpl = self.template().set_index("no")
        must = set(must or ())
        bad = [n for n in numbers if n not in tpl.index]
        if bad:
            raise OhayamiError(f"評価項目例に #{bad[0]} はありません（1～{len(tpl)}）。", field="template")
        have = set(self.criteria()["name"])
        ids = []
        with self.ws.batch(actor):
            for n in numbers:
                r = tpl.loc[n]
                name = r["item"] if r["item"] not in have else f"{r['item']}（#{n}）"
                if name in have:
                    continue
                cid = self.add_criterion(name, scale="yes/no" if n in must else "1-5", weight=0 if n in must else 1,
                                         description=r["description"], example=r["example"], group=r["subgroup"] or r["group"],
                                         requirement=r["requirement"], must_have=n in must, actor=actor)
                have.add(name)
                ids.append(cid)
        return ids

    def add_criterion(self, name: str, direction: str = "higher", scale: str = "1-5", weight: float = 1.0,
                      description: str = "", actor: str | None = None, *, example: str = "", group: str = "",
                      requirement: str = "サービス要件", must_have: bool = False, pass_level: str = "") -> str:
        with self._batch(actor):
            cid = super().add_criterion(name, direction, scale, weight, description, actor)
            self.update_criterion(cid, actor=actor, example=example, group=group, requirement=requirement,
                                  must_have=must_have, pass_level=pass_level)
        return cid

    def update_criterion(self, criterion_id: str, actor: str | None = None, **fields) -> None:
        """Change a criterion. A must-have keeps its scale: on yes/no いいえ fails, on ○/△/× only ×
        fails, and on a numeric or graded scale ``pass_level`` (合格の水準) must be given."""
        extra = {}
        if "example" in fields:
            extra["example"] = text_field(fields.pop("example"), "求める水準（例）", "example", 1000)
        if "group" in fields:
            extra["grp"] = text_field(fields.pop("group"), "要件内訳", "group", 60)
        if "requirement" in fields:
            req = str(fields.pop("requirement") or "")
            if req not in ("サービス要件", "取引要件"):
                raise OhayamiError("要件は「サービス要件」か「取引要件」を選んでください。", field="requirement")
            extra["requirement"] = req
        if criterion_id not in set(self.criteria()["criterion_id"]):
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。", field="criterion")
        with self._batch(actor):
            if fields:
                super().update_criterion(criterion_id, actor=actor, **fields)
            if extra:
                self.ws.upsert("criteria", {"set_id": SET_ID, "criterion_id": criterion_id}, extra, actor=actor)

    def must_have_warning(self) -> str:
        """A warning when more criteria are must-haves than the guide advises (more than about a
        third, and more than three), else ""."""
        crit = self.criteria()
        n_must = int(crit["must_have"].sum())
        if len(crit) and n_must > max(3, len(crit) // 3):
            return (f"必須項目が {n_must} 個あります。ガイドは必須を少なくするよう勧めています。"
                    "本当に欠かせない項目だけを必須にしましょう。")
        return ""

    def criteria_template_xlsx(self) -> bytes:
        """The criteria set as a reusable XLSX template for the next procurement."""
        from .exchange import export_frames
        from .io import xlsx_bytes

        frame = export_frames(self.ws, with_history=False)["評価項目"]
        frame = frame[frame["評価セット"] == SET_ID]
        return xlsx_bytes({"評価項目": frame}, title="評価項目テンプレート")

    def import_criteria(self, source, name: str = "", actor: str | None = None) -> int:
        """Criteria from a saved template (or any table with the same headers); all or nothing."""
        df = exchange.read_any(source, name)
        name = name or "評価項目テンプレート"
        # a template from another set (or another town) lands in this one
        cmap = exchange.column_map("criteria", [c for c in df.columns if c != "_row"])
        df = df.drop(columns=[h for h, c in cmap.items() if c == "set_id"])
        return exchange.import_table(self.ws, "criteria", df, name=name, set_id=SET_ID, actor=actor)

    # ------------------------------------------------------------------ step 2: weights
    def set_evaluator_weights(self, evaluator: str, method: str, values: dict, actor: str | None = None,
                              weight_must_haves: bool | None = None) -> dict:
        """One evaluator's weights (by a registered method), kept beside the others'. The combined
        weights (the mean of each evaluator's shares, or the method's own combination when everyone
        used it, e.g. the geometric-mean pairwise matrix) become a new version of the criteria's
        points, scaled to the total, unless the committee has revised the weights: then the input is
        kept and the weights in force stay (``applied`` False; the message says so) until someone
        rebuilds them on purpose (:meth:`rebuild_weights_from_evaluators`). Must-haves carry no
        points unless the committee's rule says so (:meth:`weight_must_haves`; the argument overrides).
        Once scoring has started the evaluators' weights are locked: a save that changes them is
        refused (the revision with a reason is the way), a save of the same weights is kept."""
        who = clean_name(evaluator, "評価者の名前", "evaluator")
        if not who:
            raise OhayamiError("重みづけをする評価者の名前を入れてください。", field="evaluator")
        if weight_must_haves is None:
            weight_must_haves = self.weight_must_haves()
        ids = list(self.criteria()["criterion_id"])
        w, message, stored = self.weights_from(method, values, {k: 0.0 for k in ids}, weight_must_haves)
        total = sum(w.values())
        mine = {k: w[k] / total * self.total() for k in ids}
        if self.weights_locked():
            ew = self.evaluator_weights()
            before = ew.loc[who].to_dict() if who in ew.index else {}
            if not before or any(not abs(before.get(k, float("nan")) - v) <= 1e-6 for k, v in mine.items()):
                raise OhayamiError(LOCKED, field="weight")
        applied = not self.has_committee_revision()
        with self.ws.batch(actor or who):
            for k in ids:
                self.ws.upsert("weights", {"set_id": SET_ID, "evaluator": who, "criterion_id": k},
                               {"value": mine[k]}, actor=actor or who)
            self._save_weight_input(who, method, stored, message, actor or who, only_method=True)
            if self.ws.get("people", name=who) is None:
                self.ws.upsert("people", {"name": who}, {"role": "評価者"}, actor=actor or who)
            combined, how = self._combined_weights(weight_must_haves)
            if applied:
                current = self.criteria().set_index("criterion_id")["weight"].to_dict()
                if any(abs(current[k] - v) > SAME for k, v in combined.items()) or not self.weight_version_records():
                    self._write_weights_version(combined, "evaluators", "", actor or who,
                                                credit=credit_names(self.evaluator_weights().index))
                self._set_state(actor or who, weight_message=how)
        version = self.current_weights_version()
        if not applied:
            message = (f"{message} {who} さんの重みを保存しました。結果に使う重みは{version.label}のままです"
                       "（委員会の修正があるため）。評価者の重みから作り直すときは「評価者の重みから作り直す」を"
                       "理由を添えて押してください。").strip()
        return {"weights": mine, "message": message, "combined": combined, "applied": applied, "version": version}

    def rebuild_weights_from_evaluators(self, reason: str = "", actor: str | None = None,
                                        weight_must_haves: bool | None = None) -> WeightsVersion:
        """「評価者の重みから作り直す」: the evaluators' combined weights become a new version on purpose.
        After a committee revision this needs a reason (it undoes the revision); the winner before and
        after are recorded."""
        text = text_field(reason, "作り直す理由", "reason", 500)
        if self.evaluator_weights().empty:
            raise OhayamiError("まだ評価者の重みがありません。先に「この人の重みを保存」で重みを付けてください。",
                               field="evaluator")
        if not text and self.has_committee_revision():
            raise OhayamiError("委員会の修正を評価者の重みで置き換えます。理由を書いてください（報告書に残ります）。",
                               field="reason")
        with self.ws.batch(actor):
            combined, how = self._combined_weights(self.weight_must_haves() if weight_must_haves is None
                                                   else weight_must_haves)
            version = self._write_weights_version(combined, "evaluators", text, actor,
                                                  credit=credit_names(self.evaluator_weights().index))
            self._set_state(actor, weight_message=how)
        return version

    # ------------------------------------------------------------------ the committee's weighting rules
    def weight_must_haves(self) -> bool:
        """The committee's rule: must-haves carry points too (by default they are gates only)."""
        return bool(self._state().get("weight_must_haves") or 0)

    def set_weight_must_haves(self, on: bool, actor: str | None = None) -> None:
        """Store the rule (refused once scoring has started: it would change what the scores are worth)."""
        if self.weights_locked() and bool(on) != self.weight_must_haves():
            raise OhayamiError("採点が始まっているため、必須項目に配点するかどうかは変えられません。", field="weight_must_haves")
        self._set_state(actor, weight_must_haves=1 if on else 0)

    def must_have_rule_text(self) -> str:
        """The must-have rule in one sentence, for the screen, the report and the workbook."""
        return MUST_HAVE_RULES[self.weight_must_haves()]

    def weights_locked(self) -> bool:
        """Evaluators' weights are locked once scoring has started (any score stored in this set)."""
        return len(self.scores()) > 0

    def weights_revealed(self) -> bool:
        """Whether the evaluators may see each other's weights: the facilitator revealed them, or at
        least two evaluators saved and every participant the workshop knows has saved (blind weighting)."""
        if self._state().get("weights_revealed"):
            return True
        saved = set(self.evaluator_weights().index)
        return len(saved) >= 2 and not self.weights_pending()

    def weights_pending(self) -> list[str]:
        """Participants who have not saved their weights yet."""
        saved = set(self.evaluator_weights().index)
        return [p for p in self.participants() if p not in saved and p != ROOM]

    def reveal_weights(self, actor: str | None = None) -> None:
        """The facilitator shows everyone's weights before all have saved (kept with its time)."""
        if self.evaluator_weights().empty:
            raise OhayamiError("まだ誰も重みを保存していません。公開するものがありません。", field="reveal")
        self._set_state(actor, weights_revealed=now_jst())

    def weights_note(self) -> str:
        """Why the evaluators' weights are hidden, or the lock, for the weighting tab ("" when neither)."""
        parts = []
        if not self.weights_revealed():
            saved = list(self.evaluator_weights().index)
            pending = self.weights_pending()
            parts.append("評価者ごとの重みは、全員が保存するか、ファシリテーターが公開するまで表示しません"
                         "（ほかの人の重みに引きずられないため）。保存済み：" + ("、".join(saved) or "なし") +
                         (f"／まだ：{'、'.join(pending)}" if pending else ""))
        if self.weights_locked():
            parts.append(LOCKED)
        return " ".join(parts)

    def total(self) -> float:
        total = self._state().get("total")
        return DEFAULT_TOTAL if total is None else float(total)

    def evaluator_weights(self) -> pd.DataFrame:
        """Evaluators × criteria: each evaluator's points."""
        w = self.ws.rows("weights", set_id=SET_ID)
        if w.empty:
            return pd.DataFrame()
        ids = list(self.criteria()["criterion_id"])
        w = w[w["criterion_id"].isin(ids)]
        return w.pivot(index="evaluator", columns="criterion_id", values="value").reindex(columns=ids).astype(float)

    def _combined_weights(self, weight_must_haves: bool) -> tuple[dict, str]:
        """The committee's points per criterion from every evaluator's weights, and how they were combined."""
        ew = self.evaluator_weights()
        saved = self.weight_inputs_by_evaluator()
        inputs = {e: saved.get(e, {}) for e in ew.index}
        crit = self.criteria()
        names = crit.set_index("criterion_id")["name"].to_dict()
        ids = list(weighable(crit, weight_must_haves)["criterion_id"])
        shares, how = combine_evaluators(inputs, ew, ids, names)
        # float noise (75.00000000000001) would not survive a round trip through Excel
        return {k: round(float(shares.get(k, 0.0)) * self.total(), 9) for k in names}, how

    def set_weight_reason(self, criterion_id: str, reason: str, actor: str | None = None) -> None:
        """Why a criterion weighs heavily (the scene behind it), kept for the report."""
        if criterion_id not in set(self.criteria()["criterion_id"]):
            raise OhayamiError(f"評価項目「{criterion_id}」はありません。", field="criterion")
        text = text_field(reason, "理由", "reason", 300)
        self.ws.upsert("weight_reasons", {"set_id": SET_ID, "criterion_id": criterion_id},
                       {"reason": text, "actor": actor or self.ws.actor, "at": now_iso()}, actor=actor)

    def weight_reasons(self) -> dict:
        """{criterion id: why it weighs heavily}."""
        r = self.ws.rows("weight_reasons", set_id=SET_ID)
        return {row.criterion_id: row.reason or "" for row in r.itertuples()}

    # ------------------------------------------------------------------ vendors
    def vendors(self) -> pd.DataFrame:
        return self._cached("vendors", self._vendors).copy()

    def _vendors(self) -> pd.DataFrame:
        v = self.ws.rows("vendors")
        if v.empty:
            return pd.DataFrame(columns=["vendor_id", "name", "service", "price", "notes"])
        v = order_by_number(v, "vendor_id")
        for c in ("name", "service", "notes"):
            v[c] = v[c].where(v[c].notna(), "")
        v["price"] = pd.to_numeric(v["price"], errors="coerce")
        return v

    def alternatives(self) -> pd.DataFrame:
        v = self.vendors()
        return pd.DataFrame({"alternative_id": v["vendor_id"],
                             "name": [f"{n}（{s}）" if s else n for n, s in zip(v["name"], v["service"])]})

    def _alternative_name(self, alternative_id: str) -> str:
        v = self.ws.get("vendors", vendor_id=alternative_id)
        if v is None:
            raise OhayamiError(f"事業者「{alternative_id}」はありません。", field="vendor")
        return v["name"]

    def _check_vendor(self, name=None, service=None, price=None, notes=None, vid=None) -> dict:
        out = {}
        if name is not None:
            out["name"] = one_line(name, "事業者名", "name", 100)
        if service is not None:
            out["service"] = text_field(service, "サービス名", "service", 100)
        if name is not None or service is not None:
            v = self.vendors()
            clash = v[(v["name"] == out.get("name")) & (v["service"] == out.get("service", "")) & (v["vendor_id"] != vid)]
            if len(clash):
                raise OhayamiError(f"同じ事業者・サービスがすでにあります（{clash.iloc[0]['vendor_id']}）。", field="name")
        if price is not None:
            out["price"] = parse_number(price, "価格", "price", minimum=0, strict_min=True, unit="円", required=False)
        if notes is not None:
            out["notes"] = text_field(notes, "備考", "notes", 1000)
        return out

    def add_vendor(self, name: str, service: str = "", price: object = "", notes: str = "",
                   actor: str | None = None) -> str:
        values = self._check_vendor(name, service, price, notes)
        vid = self.ws.next_id("vendors", "V")[0]
        self.ws.upsert("vendors", {"vendor_id": vid}, values, actor=actor)
        return vid

    def update_vendor(self, vendor_id: str, actor: str | None = None, **fields) -> None:
        self._alternative_name(vendor_id)
        cur = self.ws.get("vendors", vendor_id=vendor_id)
        renaming = "name" in fields or "service" in fields  # the pair is checked together for duplicates
        values = self._check_vendor(fields.get("name", cur["name"]) if renaming else None,
                                    fields.get("service", cur["service"] or "") if renaming else None,
                                    fields.get("price"), fields.get("notes"), vid=vendor_id)
        self.ws.upsert("vendors", {"vendor_id": vendor_id}, values, actor=actor)

    def delete_vendor(self, vendor_id: str, actor: str | None = None) -> None:
        self._alternative_name(vendor_id)
        self.ws.delete("vendors", {"vendor_id": vendor_id}, actor=actor)

    def import_vendors(self, source, name: str = "", actor: str | None = None) -> int:
        return exchange.import_table(self.ws, "vendors", source, name=name, actor=actor)

    # ------------------------------------------------------------------ rules and results
    def points_digits(self) -> int:
        return self.rules().digits

    def rules_record(self) -> dict:
        """The committee's rules as stored (plain JSON values), {} before anyone saved them."""
        row = self.ws.get("rules", set_id=SET_ID)
        return json.loads(row["record"]) if row and row["record"] else {}

    def rules(self) -> Rules:
        """The committee's rules (the engine's defaults until saved)."""
        return rules_from_record(self.rules_record())

    def set_rules(self, actor: str | None = None, **rules) -> Rules:
        """Change some of the committee's rules. The merged rules are validated before anything is
        written (bad rules change nothing), and read and written in one transaction so that two
        people changing different rules at once both keep their change."""
        with self.ws.batch(actor):
            record = {**self.rules_record(), **rules}
            checked = rules_from_record(record)
            self.ws.upsert("rules", {"set_id": SET_ID}, {"record": rules_to_record(checked)}, actor=actor)
        return checked

    def groups(self) -> list[str]:
        """The requirement groups (要件内訳) of the criteria, in criteria order."""
        return [g for g in dict.fromkeys(self.criteria()["grp"]) if g]

    def tie_break_options(self) -> list[tuple[str, str]]:
        """(label, value) choices for the tie-break rule: technical, price, and one per group
        (a saved group that no longer exists stays offered, so opening the form keeps it)."""
        saved = [t[len(GROUP_TIE_BREAK):] for t in self.rules().tie_break if t.startswith(GROUP_TIE_BREAK)]
        groups = list(dict.fromkeys(self.groups() + saved))
        return TIE_BREAKS + [(tie_break_label(GROUP_TIE_BREAK + g), GROUP_TIE_BREAK + g) for g in groups]

    def rules_form(self) -> dict:
        """The saved rules as the rules form shows them: choices as values, numbers as texts."""
        r = self.rules()
        p = r.price
        ties = list(r.tie_break) + ["", ""]
        return {"combine": r.combine, "rounding": r.rounding, "digits": r.digits, "must_have_rule": r.must_have_rule,
                "min_total": "" if r.min_total_ratio is None else f"{r.min_total_ratio * 100:g}",
                "min_group": group_minimum_text(r.min_group_ratio), "price_method": p.method if p else "",
                "price_points": f"{p.points if p else 30:g}", "ceiling": f"{p.ceiling:.0f}" if p and p.ceiling else "",
                "tie1": ties[0], "tie2": ties[1]}

    def set_rules_from_form(self, *, combine: str, rounding: str, digits: int, must_have_rule: str, min_total: str,
                            min_group: str, price_method: str, price_points: str, ceiling: str, tie_breaks,
                            actor: str | None = None) -> Rules:
        """Save the rules as typed in the rules form (percentages and numbers as text)."""
        price = None
        if price_method:
            method = price_method_named(price_method)
            pts = parse_number(price_points, "価格点", "rules", minimum=0) if method.uses_points else 0.0
            ceil = parse_number(ceiling, "予定価格", "rules", minimum=0, strict_min=True, unit="円", required=False)
            price = {"method": price_method, "points": pts, "ceiling": ceil}
        return self.set_rules(actor, combine=combine, rounding=rounding, digits=digits, must_have_rule=must_have_rule,
                              min_total_ratio=percent(min_total, "最低点"),
                              min_group_ratio=group_minimum_from_text(min_group, self.groups()), price=price,
                              tie_break=list(dict.fromkeys(t for t in tie_breaks if t)))

    def prices(self) -> dict | None:
        v = self.vendors().set_index("vendor_id")["price"]
        if v.isna().any() or v.empty:
            return None
        return v.to_dict()

    def results(self) -> Result | None:
        ev = self.evaluation()
        if ev is None:
            return None
        rules = self.rules()
        if rules.price is not None and ev.prices is None:
            missing = self.vendors()
            missing = missing[missing["price"].isna()]["name"].tolist()
            raise OhayamiError("価格点を使うには、すべての事業者に価格を入れてください（未入力：" + "、".join(missing) + "）。",
                               field="price")
        res = evaluate(ev, rules)
        # the result names the version of the weights it was computed with (screen and report say it)
        res.weights_version = self.current_weights_version()
        return res

    # ------------------------------------------------------------------ maximums (満点) and thresholds
    def _criterion_maxima(self) -> pd.Series:
        """Each criterion's most points (points × the scale's best ratio; × evaluators when summed)."""
        crit = self.criteria()
        ev = self.evaluation()
        times = len(ev.evaluators) if ev is not None and self.rules().combine == "sum" else 1
        best = [max(parse_scale(r.scale, r.direction == "lower").ratios.values()) for r in crit.itertuples()]
        return pd.Series(crit["weight"].to_numpy(float) * best * times, index=crit["grp"].to_numpy())

    def maximums(self, res: Result | None = None) -> dict:
        """技術点・価格点・合計の満点 as the rules give them: {"technical", "price", "total"} in points
        (price and total None under a price formula without a maximum, e.g. 除算方式)."""
        if res is not None:
            return {"technical": res.max_technical, "price": res.max_price, "total": res.max_total}
        rules = self.rules()
        tech = float(self._criterion_maxima().sum())
        price = 0.0 if rules.price is None else price_method_named(rules.price.method).max_points(rules.price)
        return {"technical": tech, "price": price, "total": None if price is None else tech + price}

    def maximum_text(self, res: Result | None = None) -> str:
        """「技術点の満点 100点／価格点の満点 30点／合計の満点 130点」, shown next to every total."""
        m = self.maximums(res)
        parts = [f"技術点の満点 {points_text(m['technical'])}点"]
        if self.rules().price is not None:
            parts.append(f"価格点の満点 {points_text(m['price'])}点" if m["price"] is not None
                         else "価格点：除算方式（技術点÷価格）のため満点なし")
        if m["total"] is not None:
            parts.append(f"合計の満点 {points_text(m['total'])}点")
        return "／".join(parts)

    def threshold_texts(self) -> dict[str, str]:
        """The thresholds with the points they mean, for the rules form and the report:
        {"min_total": "60%（= 60.0点）", "min_group": "機能 30%（= 15.0点）、…"} ("" when not set)."""
        rules = self.rules()
        maxima = self._criterion_maxima()
        out = {"min_total": "", "min_group": ""}
        if rules.min_total_ratio is not None:
            out["min_total"] = f"{rules.min_total_ratio:.0%}（= {maxima.sum() * rules.min_total_ratio:.1f}点）"
        g = rules.min_group_ratio
        if g is not None:
            by_group = maxima.groupby(level=0).sum()
            ratios = g if isinstance(g, Mapping) else {k: g for k in by_group.index}
            out["min_group"] = "、".join(f"{k or '（区分なし）'} {v:.0%}（= {by_group.get(k, 0.0) * v:.1f}点）"
                                        for k, v in ratios.items())
        return out

    def results_frame(self, res: Result) -> pd.DataFrame:
        """The results table as the screen and the report show it (texts, best first, indexed by
        vendor id), what decides first: rank, vendor, total / 満点, why a vendor is excluded or not
        selectable; then technical / 満点, price and price points / 満点 (only when the rules give price
        points), each group's subtotal with its maximum in the header (only groups that carry points)
        and disagreement. ``attrs["no_points"]`` says which criteria carry no points (「」 when all do)."""
        spread = mean_disagreement(res)
        # a group of must-haves only (配点 0) would be a column of 0.0 out of 0: it carries no points
        groups = [g for g in res.groups.columns if res.group_max[g] > 0]
        priced = price_points_used(res)
        rows = []
        for a, r in res.ranking.iterrows():
            price = ["" if pd.isna(r["price"]) else f"{r['price']:,.0f}", of_maximum(r["price_score"], res.max_price)]
            rows.append([rank_text(r["rank"], r["tie"]), r["name"], of_maximum(r["total"], res.max_total),
                         "／".join(r["reasons"]) + (f"（{r['note']}）" if r["note"] else ""),
                         of_maximum(r["technical"], res.max_technical), *(price if priced else [])] +
                        [f"{res.groups.loc[a, g]:.1f}" for g in groups] + [f"{spread.get(a, 0):.2f}"])
        columns = [*RESULT_LEAD, "技術点／満点", *(["価格", "価格点／満点"] if priced else []),
                   *[f"{g or '（区分なし）'}（満点 {points_text(res.group_max[g])}）" for g in groups], "ばらつき"]
        frame = pd.DataFrame(rows, columns=columns, index=list(res.ranking.index))
        frame.attrs["weights_version"] = self._version_of(res).label
        frame.attrs["maximums"] = self.maximum_text(res)
        frame.attrs["no_points"] = no_points_text(res)
        return frame

    def opinion_splits(self, res: Result, threshold: float = 0.5, limit: int = 8) -> pd.DataFrame:
        """Where evaluators disagree most (disagreement ≥ ``threshold``, at most ``limit``), in the
        entries they gave on the criterion's scale: 事業者, 評価項目, 点数 (every entry, low to high),
        最低, 最高."""
        sp = res.spread.sort_values("disagreement", ascending=False, kind="stable")
        sp = sp[sp.disagreement >= threshold].head(limit)
        raw = self.scores()
        crit = self.criteria().set_index("criterion_id")
        rows = []
        for r in sp.itertuples():
            c = crit.loc[r.criterion_id]
            mine = scores_low_to_high(raw[(raw.alternative_id == r.alternative_id) & (raw.criterion_id == r.criterion_id)],
                                      parse_scale(c["scale"], c["direction"] == "lower"))
            rows.append([res.table.loc[r.alternative_id, "name"], c["name"], "、".join(mine["value"]),
                         mine["value"].iloc[0], mine["value"].iloc[-1]])
        return pd.DataFrame(rows, columns=["事業者", "評価項目", "点数", "最低", "最高"])

    def _version_of(self, res: Result) -> WeightsVersion:
        """The version of the weights a result was computed with."""
        return getattr(res, "weights_version", None) or self.current_weights_version()

    def rank_vote(self):
        """The rank-vote rule (first places, then second, then third) as a second opinion on the result."""
        from .scoring import rank_vote

        ev = self.evaluation()
        return None if ev is None or ev.R.shape[0] == 0 else rank_vote(ev, self.rules())

    # ------------------------------------------------------------------ step 3: validity check
    def set_intuition(self, evaluator: str, ranks: dict, actor: str | None = None) -> None:
        """The ranking an evaluator feels is right, entered before seeing the result."""
        who = clean_name(evaluator, "評価者の名前", "evaluator")
        if not who:
            raise OhayamiError("評価者の名前を入れてください。", field="evaluator")
        ids = set(self.vendors()["vendor_id"])
        clean = {}
        for vid, r in ranks.items():
            if vid not in ids:
                raise OhayamiError(f"事業者「{vid}」はありません。", field="ranking")
            if r in (None, ""):
                continue
            try:
                ri = int(r)
            except (TypeError, ValueError):
                raise OhayamiError(f"順位「{r}」は 1, 2, 3 … の数にしてください。", field="ranking") from None
            if not 1 <= ri <= len(ids):
                raise OhayamiError(f"順位は 1～{len(ids)} にしてください。", field="ranking")
            clean[vid] = ri
        if len(clean) < 2:
            raise OhayamiError("感覚的な順位は、2社以上に付けてください。", field="ranking")
        with self.ws.batch(actor or who):
            for vid in ids:
                key = {"set_id": SET_ID, "evaluator": who, "alternative_id": vid}
                if vid in clean:
                    self.ws.upsert("rankings", key, {"rank": clean[vid]}, actor=actor or who)
                else:
                    self.ws.delete("rankings", key, actor=actor or who)
            if self.ws.get("intuitions", set_id=SET_ID, evaluator=who) is None:
                # the first entry's time shows the ranking was given before the result was known
                self.ws.upsert("intuitions", {"set_id": SET_ID, "evaluator": who}, {"first_at": now_iso()},
                               actor=actor or who)

    def intuitions(self) -> dict[str, dict[str, int]]:
        r = self.ws.rows("rankings", set_id=SET_ID)
        out: dict[str, dict[str, int]] = {}
        for row in r.itertuples():
            out.setdefault(row.evaluator, {})[row.alternative_id] = int(row.rank)
        return out

    def check(self) -> dict:
        """Intuition check for each evaluator and for the committee (mean intuitive ranks)."""
        ev = self.evaluation()
        if ev is None:
            raise OhayamiError("評価項目・事業者・採点がそろってから確認できます。", field="check")
        rules = self.rules()
        out = {}
        intu = self.intuitions()
        for who, ranks in intu.items():
            try:
                out[who] = intuition_check(ev, ranks, rules)
            except OhayamiError as exc:
                out[who] = {"error": exc.message}
        if len(intu) > 1:
            df = pd.DataFrame(intu)
            mean = df.mean(axis=1).rank(method="min").astype(int).to_dict()
            try:
                out["（委員会の平均）"] = intuition_check(ev, mean, rules)
            except OhayamiError as exc:
                out["（委員会の平均）"] = {"error": exc.message}
        return out

    def revise_weights(self, points: dict, reason: str, actor: str | None = None) -> dict:
        """Revise the criteria's points after the check: a new version of the weights (委員会の修正)
        with its reason, before/after and the winner before/after, which a later save of an
        evaluator's weights does not undo. Returns the entry as :meth:`revisions` lists it; the version
        is :meth:`current_weights_version`."""
        reason = text_field(reason, "見直しの理由", "reason", 500)
        if not reason:
            raise OhayamiError("重みを見直す理由を書いてください（報告書に残ります）。", field="reason")
        crit = self.criteria().set_index("criterion_id")
        unknown = [k for k in points if k not in crit.index]
        if unknown:
            raise OhayamiError(f"評価項目「{unknown[0]}」はありません。", field="weight")
        new = {k: self._check_criterion(weight=v)["weight"] for k, v in points.items()}
        before = crit["weight"].to_dict()
        if all(abs(before[k] - v) <= SAME for k, v in new.items()):
            raise OhayamiError("配点が今と同じです。変える配点を入れてください。", field="weight")
        if sum({**before, **new}.values()) <= 0:
            raise OhayamiError("重みがすべて 0 になります。少なくとも1つは 0 より大きくしてください。", field="weight")
        new = self._keep_points_total(new, before)
        version = self._write_weights_version(new, "revision", reason, actor)
        return {"no": len(self.revisions()), "at": version.at, "by": version.actor,
                "reason": reason, "before": {k: before[k] for k in new}, "after": new,
                "winner_before": list(version.winner_before), "winner_after": list(version.winner_after)}

    @staticmethod
    def _keep_points_total(new: dict, before: dict) -> dict:
        """The revised points with the total kept: 技術点の満点 is what the rules set, so the criteria
        not typed share what is left in proportion to their points (a revision once let the maximum
        drift to 110.3 by raising one criterion). Refused when the typed points alone pass the total,
        or when nothing is left to absorb a difference."""
        total = sum(before.values())
        typed = sum(new.values())
        rest = {k: w for k, w in before.items() if k not in new and w > SAME}
        left = total - typed
        if left < -1e-9:
            raise OhayamiError(f"見直した配点の合計 {typed:g} 点が配点の合計（技術点の満点）{total:g} 点を超えます。"
                               "満点は変わらないので、ほかの配点を下げて合わせてください。", field="weight")
        if not rest:
            if abs(left) > 1e-6:
                raise OhayamiError(f"配点の合計を {total:g} 点（技術点の満点）にしてください。いまの入力では {typed:g} 点です。",
                                   field="weight")
            return new
        share = sum(rest.values())
        # to the hundredth of a point, as a committee writes points; the rounding rest goes to the
        # largest so that the total stays exact
        moved = {k: round(w * left / share, 2) for k, w in rest.items()}
        big = max(moved, key=moved.get)
        moved[big] = round(left - sum(v for k, v in moved.items() if k != big), 10)
        return {**new, **moved}

    def revisions(self) -> list[dict]:
        """The committee's weight revisions, oldest first: no (1 = the first revision), at, by, reason,
        before and after (the criteria it changed), winner before and after."""
        out = []
        for v in self.weight_version_records():
            if v.kind == "revision":
                changes = v.changes
                out.append({"no": len(out) + 1, "at": v.at, "by": v.actor, "reason": v.reason,
                            "before": {k: a for k, (a, _) in changes.items()},
                            "after": {k: b for k, (_, b) in changes.items()},
                            "winner_before": list(v.winner_before), "winner_after": list(v.winner_after)})
        return out

    def _winners(self) -> list[str]:
        try:
            res = self.results()
        except OhayamiError:
            return []  # e.g. a price rule while a price is missing: no winner to record
        return list(res.winners) if res is not None else []

    def sensitivity(self, draws: int = 10_000, spread: float = 0.2, seed: int = 0) -> dict:
        ev = self.evaluation()
        if ev is None:
            raise OhayamiError("評価項目・事業者・採点がそろってから分析できます。", field="sensitivity")
        rules = self.rules()
        return {"one_at_a_time": weight_sensitivity(ev, rules),
                "probabilities": rank_probabilities(ev, rules, draws=draws, spread=spread, seed=seed)}

    # ------------------------------------------------------------------ export
    def export_frames(self) -> dict[str, pd.DataFrame]:
        """Every number of the selection as sheets a town hall can use: Japanese headers and words,
        scores and points as numbers (shown with the rules' decimals), times in JST."""
        from .formats import change_text, excel_number_format, jst_text, score_value

        rules = self.rules()
        points = excel_number_format(rules.digits if rules.rounding != "none" else 2)
        formats = {"配点": excel_number_format(rules.digits), "価格": "#,##0", "価格（円）": "#,##0"}

        def sheet(df: pd.DataFrame, number_format: str | None = None, **more) -> pd.DataFrame:
            # every numeric column not named otherwise shows as points
            fmt = {c: number_format for c in df.columns if number_format and pd.api.types.is_numeric_dtype(df[c])}
            df.attrs["number_formats"] = {**fmt, **{c: f for c, f in formats.items() if c in df.columns}, **more}
            return df

        crit = self.criteria()
        labels = crit.set_index("criterion_id")["name"].to_dict()
        ew = self.evaluator_weights()
        blind = not ew.empty and not self.weights_revealed()   # blind weighting: nobody's weights leave the kit yet
        frames = {"評価項目": sheet(pd.DataFrame({
            "評価項目": crit["name"], "要件": crit["requirement"], "要件内訳": crit["grp"], "求める水準（例）": crit["example"],
            "必須／任意": np.where(crit["must_have"] == 1, MUST_LABELS[1], MUST_LABELS[0]),
            "合否の判定": [self.pass_rules().get(c, "") for c in crit["criterion_id"]],
            "合格の水準": [p if m else "" for p, m in zip(crit["pass_level"].fillna(""), crit["must_have"])],
            "尺度": [scale_text(x) for x in crit["scale"]],
            "配点": ["（公開前）"] * len(crit) if blind else crit["weight"].astype(float),
            "重みの理由": [self.weight_reasons().get(c, "") for c in crit["criterion_id"]]}))}
        frames["評価のルール"] = self.rules_frame()
        if not ew.empty and not blind:
            ew = ew.rename(columns=labels).rename_axis(columns=None)
            frames["評価者ごとの重み"] = sheet(ew.reset_index().rename(columns={"evaluator": "評価者"}),
                                            excel_number_format(rules.digits))
        v = self.vendors()
        frames["事業者"] = sheet(v.rename(columns={"vendor_id": "事業者ID", "name": "事業者", "service": "サービス",
                                                "price": "価格", "notes": "備考"}))
        s = self.scores()
        vn = v.set_index("vendor_id")["name"].to_dict()
        frames["採点"] = sheet(pd.DataFrame({"評価者": s["evaluator"], "事業者": s["alternative_id"].map(vn),
                                           "評価項目": s["criterion_id"].map(labels),
                                           "点数": [score_value(x) for x in s["value"]]}, dtype=object))
        try:
            res = self.results()
        except OhayamiError:
            res = None
        if res is not None:
            t = res.ranking
            out = pd.DataFrame({"順位": pd.Series([None if pd.isna(r) else int(r) for r in t["rank"]], index=t.index,
                                                dtype=object), "事業者": t["name"],
                                "合計点": t["total"], "合計の満点": t["max_total"],
                                "除外・対象外の理由": t["reasons"].map("／".join), "技術点": t["technical"],
                                "技術点の満点": t["max_technical"], "価格": t["price"], "価格点": t["price_score"],
                                "価格点の満点": t["max_price"], "選定対象": np.where(t["selectable"], MARK_YES, MARK_NO),
                                "備考": t["note"], "重みの版": self._version_of(res).label})
            if not price_points_used(res):    # columns of 0 out of 0 say nothing: the rules give price no points
                out = out.drop(columns=["価格", "価格点", "価格点の満点"])
            frames["結果"] = sheet(out, points, 順位="0")
            # criteria and groups that carry no points (must-have gates) are left out, as in the report
            frames["要件内訳ごとの小計"] = sheet(
                res.groups.loc[:, res.group_max.reindex(res.groups.columns).to_numpy() > 0]
                .rename(index=res.table["name"]).rename(columns=lambda g: g or "（区分なし）")
                .reset_index(names="事業者"), points)
            frames["評価項目ごとの点"] = sheet(
                res.breakdown.loc[:, res.ev.points > 0]
                .rename(columns=labels, index=res.table["name"]).reset_index(names="事業者"), points)
            frames["評価者ごとの技術点"] = sheet(
                res.per_evaluator.rename(columns=res.table["name"]).reset_index(names="評価者"), points)
            sp = res.spread.assign(事業者=res.spread["alternative_id"].map(vn), 評価項目=res.spread["criterion_id"].map(labels))
            frames["評価のばらつき"] = sheet(
                sp[["事業者", "評価項目", "n", "min", "max", "mean", "std", "range", "disagreement"]].rename(
                    columns={"n": "人数", "min": "最低", "max": "最高", "mean": "平均", "std": "標準偏差", "range": "幅",
                             "disagreement": "ばらつき（0～1）"}), points, 人数="0")
        versions = self.weight_versions()
        if len(versions) and not blind:
            frames["重みの版"] = versions
        revs = self.revisions()
        if revs:
            frames["重みの見直し"] = sheet(pd.DataFrame([{
                "日時": jst_text(r["at"]), "見直した人": r["by"] or "", "理由": r["reason"],
                "変更": change_text(r["before"], r["after"], labels, rules.digits),
                "見直し前の1位": "・".join(vn.get(w, w) for w in r["winner_before"]),
                "見直し後の1位": "・".join(vn.get(w, w) for w in r["winner_after"])} for r in revs]))
        return frames

    def rules_frame(self) -> pd.DataFrame:
        """The rules a reader of the workbook needs beside the numbers: the must-have rule, the
        maximums and the thresholds in points (項目, 内容)."""
        th = self.threshold_texts()
        rows = [("必須項目", self.must_have_rule_text()), ("満点", self.maximum_text()),
                ("技術点の最低点", th["min_total"] or "なし"), ("要件内訳の最低", th["min_group"] or "なし")]
        return pd.DataFrame(rows, columns=["項目", "内容"])

    def export_xlsx(self) -> bytes:
        """The workbook of :meth:`export_frames`, opened by a sheet saying when it was made (JST)."""
        from .formats import JST_FORMAT_NOTE, jst_text
        from .io import xlsx_bytes

        about = pd.DataFrame({"項目": ["ワークショップ", "作成日時", "重みの版", "時刻"], "内容": [
            self.ws.name, jst_text(now_iso()), snapshot_weights_text(self.weights_version()), JST_FORMAT_NOTE]})
        return xlsx_bytes({"この表について": about, **self.export_frames()}, title=f"事業者選定 {self.ws.name}")

    # ------------------------------------------------------------------ display frames for the screens
    def criteria_frame(self) -> pd.DataFrame:
        """The criteria as the criteria tab lists them (texts): name, group, level, 必須／任意, scale,
        points and their share of the total."""
        crit = self.criteria()
        total = crit["weight"].sum()
        gates = self.pass_rules()
        return pd.DataFrame({
            "評価項目": crit["name"], "要件内訳": crit["grp"], "求める水準（例）": crit["example"],
            "区分": [must_label(m) for m in crit["must_have"]], "合否の判定": [gates.get(c, "") for c in crit["criterion_id"]],
            "尺度": [scale_text(x) for x in crit["scale"]],
            "配点": [f"{w:.1f}" for w in crit["weight"]],
            "割合": [f"{w / total:.0%}" if total else "" for w in crit["weight"]]}, columns=CRITERIA_COLUMNS)

    def criteria_summary(self) -> str:
        """「全 N 項目（必須 k）」 and the must-have rule, under the criteria table."""
        crit = self.criteria()
        return f"全 {len(crit)} 項目（必須 {int(crit['must_have'].sum())}）。{self.must_have_rule_text()}"

    def weights_frame(self) -> pd.DataFrame:
        """Criteria × evaluators' points and the points in force, headed by the version they are
        (texts); empty before anyone weighted. Blind weighting: the evaluators' columns appear only
        once :meth:`weights_revealed` (:meth:`weights_note` says why they are missing)."""
        ew = self.evaluator_weights()
        if ew.empty:
            return pd.DataFrame()
        blind = not self.weights_revealed()
        if blind:
            ew = ew.iloc[:0]
        crit = self.criteria()
        # while weighting is blind, the weights in force (made from the evaluators' so far) would tell
        # one evaluator's weights to the next: they show once revealed
        rows = [[name] + ["" if np.isnan(ew.loc[e, c]) else f"{ew.loc[e, c]:.1f}" for e in ew.index] +
                ["（公開前）" if blind else f"{w:.1f}"]
                for c, name, w in zip(crit["criterion_id"], crit["name"], crit["weight"])]
        return pd.DataFrame(rows, columns=["評価項目", *ew.index, f"結果に使う重み（{self.current_weights_version().label}）"])

    def vendors_frame(self) -> pd.DataFrame:
        """The vendors as the vendors tab lists them (texts, prices with thousands separators)."""
        v = self.vendors()
        return pd.DataFrame({"ID": v["vendor_id"], "事業者": v["name"], "サービス": v["service"],
                             "価格（円）": ["" if pd.isna(p) else f"{p:,.0f}" for p in v["price"]], "備考": v["notes"]},
                            columns=["ID", "事業者", "サービス", "価格（円）", "備考"])

    def price_text(self, vendor_id: str) -> str:
        """A vendor's stored price as it is typed into a price box ("" when none)."""
        v = self.vendors().set_index("vendor_id")["price"]
        return "" if vendor_id not in v.index or pd.isna(v[vendor_id]) else f"{v[vendor_id]:.0f}"

    def missing_intuitions(self) -> list[str]:
        """Evaluators who scored but have not given their intuitive ranking yet (sorted)."""
        done = self.intuitions()
        return [s for s in sorted(set(self.scores()["evaluator"])) if s not in done]

    def rank_vote_frame(self) -> pd.DataFrame:
        """The rank-vote second opinion as a table (texts); empty when there is nothing to vote on."""
        rv = self.rank_vote()
        if rv is None or not len(rv):
            return pd.DataFrame()
        places = [c for c in ("first", "second", "third") if c in rv.columns]
        label = {"first": "1位の数", "second": "2位の数", "third": "3位の数"}
        return pd.DataFrame([[rank_text(r["rank"], r["tie"]), r["name"], *[r[c] for c in places]] for _, r in rv.iterrows()],
                            columns=["順位", "事業者", *[label[c] for c in places]])

    def check_summary(self, drivers: int = 3) -> dict[str, dict]:
        """Per evaluator (and the committee): ``error``, or ``spearman``, ``table`` (事業者, 感覚の順位,
        計算の順位 — every vendor the evaluator ranked, 「除外・対象外」 for those the rules exclude),
        ``excluded`` (one sentence per excluded vendor: which, its intuitive rank, why) and ``drivers``
        (the criteria that push the result away from the intuition most)."""
        out = {}
        for who, c in self.check().items():
            if "error" in c:
                out[who] = {"error": c["error"]}
                continue
            t, gone = c["table"], c["excluded"]
            top = c["drivers"][c["drivers"]["push"] > 0].head(drivers)
            table = pd.DataFrame({"事業者": list(t["name"]) + list(gone["name"]),
                                  "感覚の順位": list(t["intuitive"]) + list(gone["intuitive"]),
                                  "計算の順位": ["" if np.isnan(x) else int(x) for x in t["computed"]] + ["除外・対象外"] * len(gone)})
            out[who] = {"spearman": float(c["spearman"]), "table": table,
                        "excluded": [f"{r.name}（感覚の順位 {r.intuitive}位）は除外・対象外です："
                                     f"{'／'.join(r.reasons)}。順位相関は残りの {len(t)} 者で計算しました。"
                                     for r in gone.itertuples()],
                        "drivers": "、".join(f"{r.name}（{r.push:.1f}点分）" for r in top.itertuples()) or "なし"}
        return out

    def points_texts(self) -> dict[str, str]:
        """{criterion id: its points as the revision boxes show them}."""
        crit = self.criteria()
        return {c: f"{w:.1f}" for c, w in zip(crit["criterion_id"], crit["weight"])}

    def changed_points(self, texts: Mapping[str, object]) -> dict[str, object]:
        """The entries of ``texts`` (criterion id → typed points) that differ from what the boxes showed."""
        shown = self.points_texts()
        return {k: v for k, v in texts.items() if str(v).strip() != shown.get(k, "0.0")}

    def revision_message(self, entry: dict) -> str:
        """「重みを見直しました（版4…）。1位：A → B。…」 for a revision returned by :meth:`revise_weights`:
        the version now in force, the winner before and after, and every point that moved (the
        criteria not typed moved to keep the total)."""
        names = self.vendors().set_index("vendor_id")["name"].to_dict()
        labels = self.criteria().set_index("criterion_id")["name"].to_dict()
        moved = "、".join(f"{labels.get(k, k)} {entry['before'][k]:.1f}→{entry['after'][k]:.1f}" for k in entry["after"])
        return (f"重みを見直しました（{self.current_weights_version().label}）。1位：" +
                "・".join(names.get(w, w) for w in entry["winner_before"]) + " → " +
                "・".join(names.get(w, w) for w in entry["winner_after"]) +
                f"。配点の合計（技術点の満点 {sum(self.criteria()['weight']):g} 点）は変えずに：{moved}")

    def sensitivity_summary(self, draws: int = 10_000) -> dict:
        """The sensitivity analysis as the check tab shows it: ``winner`` (name), ``one`` (one weight
        moved at a time, texts), ``probabilities`` (rank probabilities, texts), ``raw`` (the numbers)
        and ``names`` (vendor id → name, for the figure)."""
        s = self.sensitivity(draws=draws)
        names = self.vendors().set_index("vendor_id")["name"].to_dict()
        one = s["one_at_a_time"]

        def moved(to, change, winner):
            return "変わらない" if pd.isna(to) else f"{to:.1f}（{change:+.0%}）で {names.get(winner, '')} が1位"

        p = s["probabilities"]
        return {"winner": names.get(one.attrs["winner"], ""), "names": names, "raw": p,
                "one": pd.DataFrame([(r.name, f"{r.points:.1f}", moved(r.down_to, r.down_change, r.down_winner),
                                      moved(r.up_to, r.up_change, r.up_winner)) for r in one.itertuples()],
                                    columns=["評価項目", "いまの配点", "下げると", "上げると"]),
                "probabilities": pd.DataFrame([[names.get(a, a)] + [f"{v:.0%}" for v in p.loc[a]] for a in p.index],
                                              columns=["事業者", *[f"{k}位" for k in p.columns]])}
