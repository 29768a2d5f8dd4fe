"""Type C workbench model: candidate problems → analysis → prioritisation → short list → target vision.

Follows the guide's three steps for type C (課題洗い出し, 課題分析・絞り込み, 実現したい地域像の設定).
Everything is kept in the workshop file as it is entered; the arithmetic is the shared scoring engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import exchange
from .errors import OhayamiError
from .guide import load_exclusion_reasons, load_priority_criteria, load_steps
from .scoring import Result, Rules, evaluate
from .labels import DIRECTION_LABELS, MARK_YES, direction_label
from .store import Workshop
from .textio import parse_number, text_field, title_key
from .formats import score_value
from .snapshots import Snapshots
from .workbench import ROOM, Workbench, mean_disagreement, order_by_number, rank_text, scale_text

SET_ID = "C"
ORIGINS = ("原課", "住民アンケート", "首長", "問い合わせ", "ワークショップ", "統計データ", "その他")
ANALYSIS_FIELDS = ("who", "how", "how_much", "cause", "evidence")
ANALYSIS_LABELS = {"who": "誰が", "how": "どの様に", "how_much": "どの程度", "cause": "要因", "evidence": "検証結果"}
VISION_FIELDS = ("beneficiary", "change", "degree")
VISION_LABELS = {"beneficiary": "受益者", "change": "受益者の状態はどう変わるか", "degree": "変化の程度"}
STATUS_LABELS = {"empty": "⚠ 未記入（具体化が不十分）", "partial": "一部記入", "done": "記入済み"}
MAX_TITLE = 200
DUPLICATE_SIMILARITY = 0.6


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


@dataclass
class CutLine:
    mode: str = "top"      # "top" (the best N) or "min" (a minimum score)
    value: float = 5

    def describe(self) -> str:
        return f"上位 {int(self.value)} 件" if self.mode == "top" else f"合計点 {self.value:g} 点以上"


class ProblemWorkbench(Workbench, Snapshots):
    """The type C model over one workshop. Views call these methods and show the results."""

    SET_ID = SET_ID
    FILE_STEM = "課題の絞り込み"
    RESULT_SHEET = "ランキング"

    def __init__(self, ws: Workshop, data=None):
        super().__init__(ws, data)
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
            "尺度": crit["scale"], "重み": [f"{w:g}" for w in crit["weight"]],
            "割合": [f"{w / total:.0%}" if total else "" for w in crit["weight"]]}).reset_index(drop=True)

    def scorer_options(self) -> list[str]:
        """The names to offer in the scorer box: everyone known, the whole room last."""
        return [n for n in self.participants() if n != ROOM] + [ROOM]

    def alternatives(self) -> pd.DataFrame:
        p = self.problems()
        return pd.DataFrame({"alternative_id": p["problem_id"], "name": p["title"]})

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
        t = " ".join(str(title or "").split())
        if not t:
            raise OhayamiError("課題が空です。困っていることを一文で書いてください（例：証明書の窓口が昼に混む）。", field="title")
        if len(t) > MAX_TITLE:
            raise OhayamiError(f"課題は{MAX_TITLE}文字以内にしてください（いま{len(t)}文字）。詳しい内容は「生活のワンシーン」へ。",
                               field="title")
        nt = title_key(t)
        for r in self.problems().itertuples():
            if r.problem_id != problem_id and title_key(r.title) == nt:
                raise OhayamiError(f"同じ課題がすでにあります（{r.problem_id}：{r.title}）。出どころを足すときは統合を使ってください。",
                                   field="title")
        return t

    def add_problem(self, title: str, scene: str = "", origin: str = "", actor: str | None = None) -> str:
        """Add a candidate problem; returns its id (P001, P002, …)."""
        t = self._check_title(title)
        scene = text_field(scene, "生活のワンシーン", "scene")
        origin = text_field(origin, "出どころ", "origin", 60)
        pid = self.ws.next_id("problems", "P")[0]
        self.ws.upsert("problems", {"problem_id": pid}, {"title": t, "scene": scene, "origin": origin}, actor=actor)
        return pid

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

    def delete_problem(self, problem_id: str, actor: str | None = None) -> None:
        self._existing(problem_id)
        self.ws.delete("problems", {"problem_id": problem_id}, actor=actor)

    def import_problems(self, source, name: str = "", actor: str | None = None) -> int:
        """Problems from a CSV/XLSX (a resident survey, a department questionnaire); all or nothing."""
        return exchange.import_table(self.ws, "problems", source, name=name, actor=actor)

    def near_duplicates(self, threshold: float = DUPLICATE_SIMILARITY) -> pd.DataFrame:
        """Pairs of problems whose titles are the same or very similar, most similar first."""
        p = self.problems()
        ids, titles = list(p["problem_id"]), list(p["title"])   # plain lists: pandas lookups in the pair loop cost 10×
        norms = [title_key(t) for t in titles]
        grams = [_bigrams(n) for n in norms]
        rows = []
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                # equal keys count as duplicates even when empty (a title of punctuation only)
                s = 1.0 if norms[i] == norms[j] else _key_similarity(norms[i], norms[j], grams[i], grams[j])
                if s < 1 and min(len(norms[i]), len(norms[j])) >= 4 and (norms[i] in norms[j] or norms[j] in norms[i]):
                    s = max(s, 0.8)
                if s >= threshold:
                    rows.append((ids[i], ids[j], titles[i], titles[j], round(s, 3)))
        return pd.DataFrame(rows, columns=["a", "b", "title_a", "title_b", "similarity"]).sort_values(
            "similarity", ascending=False, kind="stable").reset_index(drop=True)

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

    def results(self) -> Result | None:
        """The ranking (average over participants), with exclusions and analysis status."""
        ev = self.evaluation()
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
        for a, r in res.ranking.iterrows():
            rows.append([rank_text(r["rank"], r["tie"]), a, r["name"], f"{r['total']:.2f}"] +
                        [f"{res.breakdown.at[a, c]:.2f}" for c in crit["criterion_id"]] +
                        [r["n_scorers"], f"{spread.get(a, 0):.2f}", "★" if a in short else "", STATUS_LABELS[r["analysis"]],
                         "／".join(r["reasons"])])
        df = pd.DataFrame(rows, index=list(res.ranking.index), columns=[
            "順位", "ID", "課題", "合計点", *crit["name"], "採点した人数", "ばらつき", "短いリスト", "分析", "対象外の理由"])
        df.attrs["criteria"] = list(crit["name"])
        return df

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
                       "合計点": round(float(r["total"]), 2), "採点した人数": r["n_scorers"],
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
                                                        if c == "合計点" or c.endswith("（点）")}
        frames["評価項目と重み"].attrs["number_formats"] = {"重み": "0.0"}
        return frames

    def weights_version(self) -> int:
        """How many times the weights were changed after the criteria were made (0: as first set). One
        save that changes several weights at once is one change (the change log's rows share a time)."""
        h = self.ws.history("criteria")
        mine = h[(h["field"] == "weight") & h["old"].notna() & h["row_key"].astype(str).str.startswith(f'["{SET_ID}"')]
        return int(mine["at"].nunique())

    def export_xlsx(self) -> bytes:
        from .formats import JST_FORMAT_NOTE, jst_text
        from .io import xlsx_bytes
        from .store import now_iso

        about = pd.DataFrame({"項目": ["ワークショップ", "作成日時", "時刻"],
                              "内容": [self.ws.name, jst_text(now_iso()), JST_FORMAT_NOTE]})
        return xlsx_bytes({"この表について": about, **self.export_frames()}, title=f"課題の絞り込み {self.ws.name}")
