"""Types F and G worksheet model: 財源の支援策 (F) and 人材の支援策 (G), one model for both kinds.

Follows the guide's two steps for F and G: 支援策の収集 (the guide's list, loaded with one action, and
the town's own entries) → 支援策の決定 (each programme checked against the project, then a decision
with its reason and deadline). The check uses the one scoring engine of types C and E
(:func:`ohayami.scoring.evaluate`): the criteria are the kit's own (the guide's Step2 asks whether the
project fits the programme's 趣旨・ゴール; its caution asks whether the timing fits), each marked
○／△／× with weights the town can change; a must-have marked × excludes the programme, with the reason.
A decision is a new row each time, so changing one keeps the history.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import OhayamiError
from .formats import jst_text, now_jst, to_jst
from .guide import load_references, load_support_programmes, type_card
from .labels import MUST_LABELS
from .scoring import Criterion, Evaluation, Result, Rules, evaluate
from .scoring.scales import normalise_entry, parse_scale
from .store import WorkshopStore
from .store import now_jst as now_jst_iso
from .textio import clean_name, parse_date, parse_number, stored_row_problem, stored_value, text_field, title_key

PROGRAMME_COLUMNS = ["programme_id", "name", "provider", "deadline", "url", "description", "note", "source", "guide_place"]

GUIDE, OHAYAMI, OWN = "guide", "ohayami", "own"
SOURCE_LABELS = {GUIDE: "ガイド", OHAYAMI: "ohayami による補足", OWN: "追加した支援策"}
SCALE = "○△×"                      # the engine's preset: ○ = 1, △ = 0.5, × = 0; a must-have fails only on ×
MARKS = parse_scale(SCALE).levels
CHECKER = "確認"                    # the one evaluator: the room checks together
APPLY, SKIP, HOLD = "apply", "skip", "hold"
DECISIONS = {APPLY: "申請する", SKIP: "見送る", HOLD: "保留"}
MAX_NAME = 80
CRITERIA_LABEL, CHECKS_LABEL = "支援策の確認項目（support_criteria）", "支援策の確認結果（support_checks）"
PROGRAMMES_LABEL, DECISIONS_LABEL = "支援策（support_programmes）", "支援策の決定（support_decisions）"
FIX_PROGRAMME = "「1 支援策を集める」でこの支援策を選んで直すか、削除してください。"
FIX_DECISION = "「3 決定」でこの支援策の決定を記録し直してください（前の記録は履歴に残ります）。"
NOT_USABLE = "「{name}」（{pid}）は保存された内容に直すところがあるため使えません。" + FIX_PROGRAMME
FIX_CRITERION = ("「2 支援策を確かめる」の「確認項目と配点」で配点と必須を入れ直して保存してください"
                 "（それまで点数の計算から外しています）。")
FIX_CHECK = "「2 支援策を確かめる」でこの支援策の確認結果を選び直してください。"
KIT_CRITERIA_NOTE = "確認項目と既定の配点は ohayami によるもの（ガイドの Step2 と留意点から作成）です。配点は変えられます。"


@dataclass(frozen=True)
class KindSpec:
    """What differs between F and G: the words, and the second criterion (what the programme pays for)."""

    kind: str
    title: str
    short: str
    target: str
    target_note: str
    example: str


KINDS = {
    "F": KindSpec("F", "財源の支援策", "財源", "対象経費",
                  "事業の経費（機器・システム・委託など）が支援策の対象経費に入るか。", "例：〇〇県 DX推進補助金"),
    "G": KindSpec("G", "人材の支援策", "人材", "対象となる人材・役割",
                  "求める人材・役割（計画づくりの伴走、専門家の派遣など）が支援策の対象に入るか。", "例：〇〇県 DXアドバイザー派遣"),
}


def kit_criteria(kind: str) -> list[tuple[str, str, str, float, bool]]:
    """The kit's four check criteria for ``kind``: (id, name, description, default points, must-have)."""
    spec = KINDS[kind]
    return [
        ("K1", "趣旨・ゴールに合致", "検討している事業が、支援策の趣旨や求められるゴールに合致するか（ガイド Step2）。", 40.0, True),
        ("K2", spec.target, spec.target_note, 30.0, False),
        ("K3", "締切に間に合う",
         "申請の締切と、支援を要するタイミング・支援策の開始時期にズレがないか（ガイドの留意点）。", 15.0, True),
        ("K4", "必要書類を用意できる", "申請に必要な書類（計画書・見積など）を締切までに用意できるか。", 15.0, False),
    ]


@dataclass(frozen=True)
class Decision:
    """One decision about one programme: what, why, by when, who and when (ISO, JST)."""

    programme_id: str
    no: int
    decision: str
    reason: str
    deadline: str
    actor: str
    at: str

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


def parse_decision(value: object) -> str:
    """申請する／見送る／保留 (or apply/skip/hold) → the stored code."""
    text = clean_name(value, "決定", "decision", 20)
    for code, label in DECISIONS.items():
        if text in (code, label):
            return code
    raise OhayamiError("決定を「申請する」「見送る」「保留」から選んでください。", field="decision")


def _reason(engine_reason: str) -> str:
    """The engine's reason in this worksheet's words (one evaluator: the room, so no name)."""
    text = engine_reason.removesuffix(f"（{CHECKER}）")
    return text.replace("まだ誰も採点していない評価項目があります", "まだ確認していない項目があります")


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)


class SupportWorksheet:
    """The type F or G model over one workshop: programmes, checks, decisions (``kind`` "F" or "G")."""

    KIT_NOTE = KIT_CRITERIA_NOTE

    def __init__(self, ws: WorkshopStore, kind: str, data=None):
        if kind not in KINDS:
            raise OhayamiError(f"支援策の種類「{kind}」は F（財源）か G（人材）にしてください。", field="kind")
        self.ws, self.kind, self.data = ws, kind, data
        self.spec = KINDS[kind]
        self.card = type_card(kind, data)
        if self.ws.rows("support_criteria", kind=kind).empty:
            self._seed_criteria()

    def _seed_criteria(self) -> None:
        with self.ws.batch():
            if not self.ws.rows("support_criteria", kind=self.kind).empty:   # another page seeded meanwhile
                return
            for pos, (cid, name, description, points, must) in enumerate(kit_criteria(self.kind), start=1):
                self.ws.upsert("support_criteria", {"kind": self.kind, "criterion_id": cid},
                               {"name": name, "description": description, "weight": points, "must_have": int(must),
                                "position": pos})

    # ------------------------------------------------------------------ the guide's words
    def guide_step(self, step: int) -> tuple[str, str]:
        """(title, text) of the guide's step ``step`` for this kind (1 収集, 2 決定)."""
        return self.card.step(step)

    def sources_frame(self) -> pd.DataFrame:
        """The guide's chapter-4 references for this kind: where to look for programmes."""
        refs = load_references(self.data)
        refs = refs[refs["related_types"].apply(lambda t: self.kind in t)]
        return pd.DataFrame({"資料": refs["title"], "発行": refs["publisher"], "活用方法": refs["how_to_use"]})

    def guide_programmes(self) -> pd.DataFrame:
        """The starting list for this kind (data/support_programmes.csv)."""
        df = load_support_programmes(self.data)
        return df[df["kind"] == self.kind].reset_index(drop=True)

    # ------------------------------------------------------------------ programmes
    def _read_programmes(self) -> tuple[pd.DataFrame, pd.Series, list[str]]:
        """Every stored programme in order (texts), whether each is usable, and the reports of those
        that are not: a stored row goes through the checks a typed one does (:meth:`_fields`)."""
        df = self.ws.rows("support_programmes", kind=self.kind)
        if df.empty:
            return pd.DataFrame(columns=PROGRAMME_COLUMNS), pd.Series([], dtype=bool), []
        df = df.sort_values(["position", "programme_id"], kind="stable").reset_index(drop=True)
        rows, ok, problems = [], [], []
        for rec in df.to_dict("records"):
            row = {c: _text(rec[c]) for c in PROGRAMME_COLUMNS}
            try:
                values = self._fields(*(stored_value(rec[f]) for f in ("name", "provider", "deadline", "url", "note")))
                ok.append(True)
            except OhayamiError as exc:
                problems.append(stored_row_problem(PROGRAMMES_LABEL, rec["programme_id"], exc, FIX_PROGRAMME))
                values = {}
                ok.append(False)
            rows.append({**row, **values})   # a usable row shows what a typed entry would have stored
        return pd.DataFrame(rows, columns=PROGRAMME_COLUMNS), pd.Series(ok, dtype=bool), problems

    def programmes(self, all_rows: bool = False) -> pd.DataFrame:
        """programme_id, name, provider, deadline, url, description, note, source, guide_place, in their
        order. A stored programme that fails the checks typed input goes through (an empty name, a
        deadline that is no date…) is left out and reported by :meth:`stored_problems`, unless
        ``all_rows`` (the picker that lets it be corrected, the checks for duplicate names)."""
        df, ok, _ = self._read_programmes()
        return df if all_rows else df[ok.to_numpy()].reset_index(drop=True)

    def programme_picks(self) -> list[tuple[str, str]]:
        """(label, programme id) of every stored programme, unusable ones too (marked), so they can be fixed."""
        df, ok, _ = self._read_programmes()
        return [(f"{r.programme_id} {r.name}" + ("" if good else "（要修正）"), r.programme_id)
                for r, good in zip(df.itertuples(), ok)]

    def _usable(self, programme_id: object) -> dict:
        """The programme's stored row, refused (with how to fix it) when the checks leave it out."""
        row = self.programme(programme_id)
        if programme_id not in set(self.programmes()["programme_id"]):
            raise OhayamiError(NOT_USABLE.format(name=row["name"] or "名前なし", pid=programme_id), field="programme")
        return row

    def programme(self, programme_id: object) -> dict:
        row = self.ws.get("support_programmes", kind=self.kind, programme_id=programme_id) if programme_id else None
        if row is None:
            raise OhayamiError(f"{self.spec.title}に「{programme_id}」はありません。一覧から選んでください。",
                               field="programme")
        return {k: _text(v) for k, v in row.items()}

    def _check_unique(self, name: str, own_id: str = "") -> None:
        df = self.programmes(all_rows=True)
        for r in df.itertuples():
            if r.programme_id != own_id and title_key(r.name) == title_key(name):
                raise OhayamiError(f"「{name}」はすでに一覧にあります（{r.programme_id}）。", field="name")

    def _insert(self, values: dict, actor: str | None) -> str:
        pid = self.ws.next_id("support_programmes", "P", kind=self.kind)[0]
        df = self.ws.rows("support_programmes", kind=self.kind)
        position = (float(df["position"].max()) if len(df) else 0.0) + 1
        self.ws.upsert("support_programmes", {"kind": self.kind, "programme_id": pid},
                       {**values, "position": position}, actor=actor)
        return pid

    def load_guide_list(self, actor: str | None = None) -> int:
        """Add the guide's programmes for this kind that are not in the list yet; the number added."""
        added = 0
        with self.ws.batch(actor):
            have = {title_key(n) for n in self.programmes(all_rows=True)["name"]}
            for r in self.guide_programmes().itertuples():
                if title_key(r.name) in have:
                    continue
                self._insert({"name": r.name, "provider": r.provider, "description": r.description, "url": r.url,
                              "note": r.note, "source": r.source, "guide_place": r.guide_place}, actor)
                have.add(title_key(r.name))
                added += 1
        return added

    def _fields(self, name, provider, deadline, url, note) -> dict:
        out = {}
        if name is not None:
            out["name"] = clean_name(name, "支援策の名前", "name", MAX_NAME)
            if not out["name"]:
                raise OhayamiError(f"支援策の名前が空です。制度の名前を書いてください（{self.spec.example}）。", field="name")
        if provider is not None:
            out["provider"] = clean_name(provider, "所管", "provider", 60)
        if deadline is not None:
            out["deadline"] = parse_date(deadline, "締切", "deadline")
        if url is not None:
            out["url"] = clean_name(url, "URL・参照先", "url", 300)
        if note is not None:
            out["note"] = text_field(note, "メモ", "note", 500)
        return out

    def add_programme(self, name: object, provider: object = "", deadline: object = "", url: object = "",
                      note: object = "", actor: str | None = None) -> str:
        """A programme the town found itself; returns its id."""
        values = self._fields(name, provider, deadline, url, note)
        with self.ws.batch(actor):
            self._check_unique(values["name"])
            return self._insert({**values, "source": OWN}, actor)

    def update_programme(self, programme_id: str, *, name: object = None, provider: object = None,
                         deadline: object = None, url: object = None, note: object = None,
                         actor: str | None = None) -> dict:
        """Change fields of a programme (None: unchanged). The guide's entries keep their name and 所管;
        their deadline, URL and memo are the town's to fill in."""
        row = self.programme(programme_id)
        values = self._fields(name, provider, deadline, url, note)
        if row["source"] != OWN:
            for f, label in (("name", "名前"), ("provider", "所管")):
                if f in values and values[f] != row[f]:
                    raise OhayamiError(f"「{row['name']}」はガイドの一覧の支援策なので{label}は変えられません。"
                                       "締切・URL・メモは書き込めます。", field=f)
        with self.ws.batch(actor):
            if "name" in values:
                self._check_unique(values["name"], programme_id)
            self.ws.upsert("support_programmes", {"kind": self.kind, "programme_id": programme_id}, values, actor=actor)
        return self.programme(programme_id)

    def remove_programme(self, programme_id: str, actor: str | None = None) -> None:
        """Delete a programme the town added, with its checks. The guide's entries stay (decide 見送る
        instead), and so does any programme with a decision on record (its history must stay)."""
        row = self.programme(programme_id)
        if row["source"] != OWN:
            raise OhayamiError(f"「{row['name']}」はガイドの一覧の支援策なので削除できません。使わないなら「見送る」と"
                               "決めて理由を残してください。", field="programme")
        if len(self.ws.rows("support_decisions", kind=self.kind, programme_id=programme_id)):   # unusable rows too
            raise OhayamiError(f"「{row['name']}」には決定の記録があるため削除できません。使わないなら「見送る」と決めてください。",
                               field="programme")
        with self.ws.batch(actor):
            for cid in self.criteria()["criterion_id"]:
                self.ws.delete("support_checks", {"kind": self.kind, "programme_id": programme_id, "criterion_id": cid},
                               actor=actor)
            self.ws.delete("support_programmes", {"kind": self.kind, "programme_id": programme_id}, actor=actor)

    # ------------------------------------------------------------------ criteria and checks
    def _read_criteria(self) -> tuple[pd.DataFrame, pd.Series, list[str]]:
        """Every stored criterion in order, whether each is usable, and the reports of those that are not."""
        df = self.ws.rows("support_criteria", kind=self.kind).sort_values(["position", "criterion_id"], kind="stable")
        df = df.reset_index(drop=True)
        df["name"] = df["name"].map(_text)
        ok, problems = [], []
        for r in df.itertuples():
            try:   # the checks a typed criterion goes through (set_criterion), applied to the stored row
                if not clean_name(r.name, "確認項目の名前", "name", MAX_NAME):
                    raise OhayamiError("確認項目の名前が空です。", field="name")
                parse_number(stored_value(r.weight), f"「{r.name}」の配点", "weight", minimum=0, maximum=100)
                if stored_value(r.must_have) not in ("", 0, 1):
                    raise OhayamiError(f"必須かどうか「{r.must_have}」は 0（いいえ）か 1（はい）にしてください。",
                                       field="must_have")
            except OhayamiError as exc:
                problems.append(stored_row_problem(CRITERIA_LABEL, r.criterion_id,
                                                   exc, FIX_CRITERION))
                ok.append(False)
                continue
            ok.append(True)
        df["weight"] = pd.to_numeric(df["weight"], errors="coerce").astype(float)
        df["must_have"] = pd.to_numeric(df["must_have"], errors="coerce").fillna(0).astype(float) > 0
        df["description"] = df["description"].map(_text)
        return df[["criterion_id", "name", "description", "weight", "must_have"]], pd.Series(ok, dtype=bool), problems

    def criteria(self, all_rows: bool = False) -> pd.DataFrame:
        """criterion_id, name, description, weight (float), must_have (bool), in their order. A stored
        criterion that fails the checks is left out (reported by :meth:`stored_problems`) unless
        ``all_rows``, which the form for the points uses so it can be corrected."""
        df, ok, _ = self._read_criteria()
        return df if all_rows else df[ok.to_numpy()].reset_index(drop=True)

    def stored_problems(self) -> list[str]:
        """Reports of stored programmes, criteria, check marks and decisions the worksheet cannot use (a
        crafted or damaged file), each naming the table, the row and the field and how to fix it."""
        return (self.programme_problems() + self._read_criteria()[2] + self._read_checks()[1]
                + self.decision_problems())

    def programme_problems(self) -> list[str]:
        """Reports of the stored programmes left out (see :meth:`programmes`)."""
        return self._read_programmes()[2]

    def _criterion(self, criterion_id: str) -> dict:
        row = self.ws.get("support_criteria", kind=self.kind, criterion_id=criterion_id) if criterion_id else None
        if row is None:
            raise OhayamiError(f"確認項目「{criterion_id}」はありません。", field="criterion")
        return row

    def set_criterion(self, criterion_id: str, *, weight: object = None, must_have: object = None,
                      actor: str | None = None) -> None:
        """A criterion's points (0–100) and whether it is a must-have (× then excludes the programme)."""
        row = self._criterion(criterion_id)
        values: dict = {}
        if weight is not None:
            values["weight"] = parse_number(weight, f"「{row['name']}」の配点", "weight", minimum=0, maximum=100)
        if must_have is not None:
            if not isinstance(must_have, bool):
                raise OhayamiError("必須かどうかは「はい」か「いいえ」で選んでください。", field="must_have")
            values["must_have"] = int(must_have)
        with self.ws.batch(actor):
            others = self.criteria()
            others = others[others["criterion_id"] != criterion_id]
            if values.get("weight", row["weight"]) == 0 and (others["weight"] == 0).all():
                raise OhayamiError("配点がすべて 0 になります。少なくとも1つの確認項目に 0 より大きい配点を入れてください。",
                                   field="weight")
            self.ws.upsert("support_criteria", {"kind": self.kind, "criterion_id": criterion_id}, values, actor=actor)

    def set_criteria(self, changes: dict, actor: str | None = None) -> None:
        """Several criteria at once, all or nothing: criterion id → (points, must-have)."""
        with self.ws.batch(actor):
            for cid, (weight, must_have) in changes.items():
                self.set_criterion(cid, weight=weight, must_have=must_have, actor=actor)

    def set_check(self, programme_id: str, criterion_id: str, value: object, actor: str | None = None) -> str:
        """One check mark (○ 合う・△ 一部・× 合わない; "" clears it); returns the mark stored."""
        self._usable(programme_id)
        crit = self._criterion(criterion_id)
        mark = normalise_entry(value)
        if mark and mark not in MARKS:
            raise OhayamiError(f"「{crit['name']}」の確認結果「{mark}」は ○・△・× のどれかにしてください（空欄は未確認）。",
                               field="check")
        key = {"kind": self.kind, "programme_id": programme_id, "criterion_id": criterion_id}
        if mark:
            self.ws.upsert("support_checks", key, {"value": mark}, actor=actor)
        else:
            self.ws.delete("support_checks", key, actor=actor)
        return mark

    def _read_checks(self) -> tuple[pd.DataFrame, list[str]]:
        cols = ["programme_id", "criterion_id", "value"]
        df = self.ws.rows("support_checks", kind=self.kind)
        if df.empty:
            return pd.DataFrame(columns=cols), []
        good = df["value"].isin(MARKS)
        problems = [stored_row_problem(
            CHECKS_LABEL, f"{r.programme_id}・{r.criterion_id}",
            OhayamiError(f"確認結果「{stored_value(r.value)}」は ○・△・× のどれかにしてください（空欄は未確認）。", field="value"),
            FIX_CHECK) for r in df[~good].itertuples()]
        return df[good][cols].reset_index(drop=True), problems

    def checks(self) -> pd.DataFrame:
        """The stored marks: programme_id, criterion_id, value (a mark other than ○△× is left out and
        reported by :meth:`stored_problems`)."""
        return self._read_checks()[0]

    def evaluation(self) -> Evaluation | None:
        """The engine's model: programmes × criteria, one evaluator (the room); None without programmes."""
        progs = self.programmes()
        if progs.empty:
            return None
        crit = self.criteria()
        if crit.empty:   # every stored criterion is unusable: stored_problems says which and how to fix
            return None
        criteria = [Criterion(r.criterion_id, r.name, r.weight, SCALE, "higher", "", bool(r.must_have))
                    for r in crit.itertuples()]
        s = self.checks()
        s = s[s["programme_id"].isin(set(progs["programme_id"])) & s["criterion_id"].isin(set(crit["criterion_id"]))]
        s = s.assign(evaluator=CHECKER)
        return Evaluation(dict(zip(progs["programme_id"], progs["name"])), criteria,
                          s.rename(columns={"programme_id": "alternative_id"})[
                              ["evaluator", "alternative_id", "criterion_id", "value"]], allow_missing=True)

    def result(self, today: _dt.date | None = None) -> Result | None:
        """The ranking: must-haves as gates, a programme whose deadline has passed excluded."""
        ev = self.evaluation()
        if ev is None:
            return None
        today = today or now_jst().date()
        passed = {r.programme_id: f"締切（{r.deadline}）を過ぎている"
                  for r in self.programmes().itertuples() if r.deadline and r.deadline < today.isoformat()}
        return evaluate(ev, Rules(combine="average"), exclude=passed)

    def ranking(self, today: _dt.date | None = None) -> pd.DataFrame:
        """The ranked table the screen, the export and the printout show: candidates by points, then
        those still being checked, then those excluded (with the reason)."""
        progs = self.programmes()
        marks = [c for c in self.criteria()["name"]]
        cols = ["順位", "支援策", "所管", "締切", *marks, "点数", "満点", "判定", "理由", "決定"]
        res = self.result(today)
        if res is None:
            return pd.DataFrame(columns=cols)
        t = res.table
        checks = self.checks().pivot(index="programme_id", columns="criterion_id", values="value") \
            if len(self.checks()) else pd.DataFrame()
        crit = self.criteria()
        current = {d.programme_id: d.label for d in self.current_decisions()}
        rows = []
        for i, r in enumerate(progs.itertuples()):
            tr = t.loc[r.programme_id]
            if tr["excluded"]:
                status, order = "対象外", 2
            elif not tr["selectable"]:
                status, order = "確認中", 1
            else:
                status, order = "候補", 0
            reasons = "／".join(_reason(x) for x in tr["reasons"])
            row = {"順位": int(tr["rank"]) if status == "候補" else "", "支援策": r.name, "所管": r.provider,
                   "締切": r.deadline}
            for cid, name in zip(crit["criterion_id"], crit["name"]):
                v = checks.at[r.programme_id, cid] if r.programme_id in checks.index and cid in checks.columns else None
                row[name] = _text(v)
            row.update({"点数": float(np.round(tr["total"], 1)) if status != "確認中" else "", "満点": float(res.max_technical), "判定": status,
                        "理由": reasons, "決定": current.get(r.programme_id, ""), "_order": order, "_i": i,
                        "_rank": tr["rank"] if status == "候補" else 0, "ID": r.programme_id})
            rows.append(row)
        df = pd.DataFrame(rows).sort_values(["_order", "_rank", "_i"], kind="stable")
        return df.set_index(pd.Index(df.pop("ID"), name=None))[cols]

    # ------------------------------------------------------------------ decisions
    def _read_decisions(self, programme_id: str | None = None) -> tuple[list[Decision], dict[str, float], list[str]]:
        """The stored decisions that pass the checks a typed decision goes through (oldest first), the
        highest stored number per programme (unusable rows too) and the reports of the rows left out."""
        where = {"kind": self.kind} | ({"programme_id": programme_id} if programme_id else {})
        df = self.ws.rows("support_decisions", **where)
        good, last, problems = [], {}, []
        for rec in df.to_dict("records"):
            pid = rec["programme_id"]
            try:
                no = int(parse_number(stored_value(rec["no"]), "決定の回", "no", minimum=1, integer=True))
                last[pid] = max(last.get(pid, 0.0), no)
                code = parse_decision(stored_value(rec["decision"]))
                reason = text_field(stored_value(rec["reason"]), "理由", "reason", 500)
                if not reason:
                    raise OhayamiError(f"「{DECISIONS[code]}」の理由が空です。", field="reason")
                actor = clean_name(stored_value(rec["actor"]), "決めた人", "actor", 40)
                if not actor:
                    raise OhayamiError("決めた人が空です。", field="actor")
                due = parse_date(stored_value(rec["deadline"]), "締切", "deadline")
                at = _text(rec["at"])
                if at and to_jst(at) is None:
                    raise OhayamiError(f"日時「{at}」は日時として読めません。", field="at")
            except OhayamiError as exc:
                n = rec["no"]
                n = f"{n:g}" if isinstance(n, float) and n == n else _text(n) or "番号なし"
                problems.append(stored_row_problem(DECISIONS_LABEL, f"{pid}・{n}", exc, FIX_DECISION))
                continue
            good.append(Decision(pid, no, code, reason, due, actor, at))
        return sorted(good, key=lambda d: (d.programme_id, d.no)), last, problems

    def history(self, programme_id: str | None = None) -> list[Decision]:
        """Every decision (of one programme, or all), oldest first; a stored row that fails the checks
        is left out (:meth:`decision_problems` reports it)."""
        return self._read_decisions(programme_id)[0]

    def decision_problems(self) -> list[str]:
        """Reports of the stored decisions left out (see :meth:`history`)."""
        return self._read_decisions()[2]

    def decision(self, programme_id: str) -> Decision | None:
        """The decision in force for a programme (its latest), or None."""
        return next((d for d in self.current_decisions() if d.programme_id == programme_id), None)

    def current_decisions(self) -> list[Decision]:
        """The latest decision of each programme. When the latest stored row is unusable, the programme
        has none in force (an older decision would claim what the file no longer says)."""
        good, last, _ = self._read_decisions()
        latest: dict[str, Decision] = {}
        for d in good:
            latest[d.programme_id] = d
        return [d for d in latest.values() if d.no >= last.get(d.programme_id, 0)]

    def decide(self, programme_id: str, decision: object, reason: object, deadline: object = "", who: object = "",
               today: _dt.date | None = None) -> Decision:
        """Record a decision with its reason, deadline (default: the programme's 締切), who and when
        (JST). A reason and a name are required; 申請する needs a deadline that has not passed. The
        earlier decisions stay as the history."""
        row = self._usable(programme_id)
        code = parse_decision(decision)
        reason = text_field(reason, "理由", "reason", 500)
        if not reason:
            raise OhayamiError(f"「{DECISIONS[code]}」の理由が空です。なぜそう決めたのかを書いてください"
                               "（例：対象経費に入らない、締切までに計画書が用意できる）。", field="reason")
        actor = clean_name(who, "決めた人", "who", 40)
        if not actor:
            raise OhayamiError("決めた人が空です。決めた人（または会議の名前）を書いてください。", field="who")
        due = parse_date(deadline, "締切", "deadline") or row["deadline"]
        if code == APPLY:
            if not due:
                raise OhayamiError("「申請する」には締切が必要です。申請の締切を 2026-12-01 の形で入れてください。",
                                   field="deadline")
            today = today or now_jst().date()
            if due < today.isoformat():
                raise OhayamiError(f"締切（{due}）はもう過ぎています。「申請する」にはできません。次の募集を確かめて"
                                   "締切を入れ直すか、「見送る」か「保留」にしてください。", field="deadline")
        with self.ws.batch(actor):
            done = self.ws.rows("support_decisions", kind=self.kind, programme_id=programme_id)
            taken = pd.to_numeric(done["no"], errors="coerce").max() if len(done) else float("nan")
            no = int(taken) + 1 if taken == taken else 1   # a crafted number that is no number is skipped
            at = now_jst_iso()
            self.ws.upsert("support_decisions", {"kind": self.kind, "programme_id": programme_id, "no": no},
                           {"decision": code, "reason": reason, "deadline": due, "actor": actor, "at": at}, actor=actor)
        return Decision(programme_id, no, code, reason, due, actor, at)

    # ------------------------------------------------------------------ display frames
    def _names(self) -> dict[str, str]:
        return dict(zip(self.programmes()["programme_id"], self.programmes()["name"]))

    def programmes_frame(self) -> pd.DataFrame:
        """The list as the screen and the export show it, indexed by programme id."""
        df = self.programmes()
        return pd.DataFrame({"ID": df["programme_id"], "支援策": df["name"], "所管": df["provider"],
                             "締切": df["deadline"], "URL・参照先": df["url"], "概要": df["description"],
                             "メモ": df["note"], "出所": df["source"].map(lambda s: SOURCE_LABELS.get(s, s)),
                             "ガイドの箇所": df["guide_place"]}).set_index(df["programme_id"].rename(None))

    def criteria_frame(self) -> pd.DataFrame:
        crit = self.criteria()
        return pd.DataFrame({"確認項目": crit["name"], "内容": crit["description"], "配点": crit["weight"],
                             "必須": crit["must_have"].map(lambda m: MUST_LABELS[bool(m)]),
                             "合否の判定": crit["must_have"].map(lambda m: "×（合わない）のみ対象外" if m else "")})

    def decisions_frame(self) -> pd.DataFrame:
        """The decisions in force, by deadline (those without one last)."""
        names = self._names()
        rows = [(names.get(d.programme_id, d.programme_id), d.label, d.reason, d.deadline, d.actor, jst_text(d.at))
                for d in sorted(self.current_decisions(), key=lambda d: (not d.deadline, d.deadline, d.programme_id))]
        return pd.DataFrame(rows, columns=["支援策", "決定", "理由", "締切", "決めた人", "日時（JST）"])

    def history_frame(self) -> pd.DataFrame:
        """Every decision made, each programme's in order (a changed decision shows all its steps)."""
        names = self._names()
        rows = [(names.get(d.programme_id, d.programme_id), d.no, d.label, d.reason, d.deadline, d.actor,
                 jst_text(d.at)) for d in self.history()]
        return pd.DataFrame(rows, columns=["支援策", "回", "決定", "理由", "締切", "決めた人", "日時（JST）"])

    def export_frames(self, today: _dt.date | None = None) -> dict[str, pd.DataFrame]:
        return {"決定": self.decisions_frame(), "確認結果": self.ranking(today).reset_index(drop=True),
                "確認項目と配点": self.criteria_frame(), f"{self.spec.title}の一覧": self.programmes_frame().reset_index(drop=True),
                "決定の履歴": self.history_frame()}

    def export_xlsx(self) -> bytes:
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"{self.spec.title} {self.ws.name}")


__all__ = ["APPLY", "CHECKER", "DECISIONS", "Decision", "HOLD", "KINDS", "KIT_CRITERIA_NOTE", "KindSpec", "MARKS",
           "SCALE", "SKIP", "SOURCE_LABELS", "SupportWorksheet", "kit_criteria", "parse_decision"]
