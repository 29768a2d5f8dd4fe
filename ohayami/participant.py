"""The participant's page of a type C or type E workshop, as plain data: what it shows and what it saves.

A room of 20–40 people joins within the same minute, most of them to do two things: name themselves
and score (type C: also put forward a problem; type E: also give the intuitive ranking). The app serves
them a light page of its own (``/p/<code>``, :mod:`ohayami.app.participants`) that asks the server for
:meth:`Participation.state` and saves through the methods below; the full workbench (every tab) stays
one link away. Everything here goes through the same models, checks and messages as the workbench's
widgets (``set_score``, ``add_problem``, ``set_intuition``, :func:`progress.record_join`), so a page of
either kind stores exactly what the other would.

What leaves this module is JSON-ready plain text (never HTML): the page puts it on screen as text, so
whatever a participant typed stays text.
"""

from __future__ import annotations

import unicodedata

from .errors import OhayamiError
from .labels import DIRECTION_LABELS, MUST_HAVE
from .one_by_one import Tour, scale_anchors
from .problems import MERGE_HINT, ProblemWorkbench
from .progress import record_join
from .store import WorkshopStore
from .textio import clean_name
from .vendors import VendorWorkbench, score_anchors
from .workbench import ROOM

__all__ = ["KINDS", "NOUNS", "Participation"]

KINDS = ("C", "E")
NOUNS = {"C": "課題", "E": "事業者"}
NO_NAME = "お名前を入れてください（一覧から選ぶか、新しく入力します）。"
ROOM_NAME = (f"「{ROOM}」は、会場全体で合意した点数を入れるときの名前です。ファシリテーターの画面で使います。"
             "ご自分のお名前を入れてください。")


def _plain(value: object, what: str, numbers: bool = False) -> str:
    """A value from the page as text. The page sends strings (and, with ``numbers``, a whole number is
    read as its digits); a list, an object, a flag or a fraction is not something the page sends, so it
    is refused rather than stored as text."""
    if value is None:
        return ""
    if isinstance(value, str) or (numbers and isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise OhayamiError(f"{what}の形が正しくありません。ページを読み込み直してください。", field=what)


# Characters that show nothing (or nothing of their own) but make a name another string: format characters,
# combining marks left after NFKC (U+034F, variation selectors), Hangul fillers.
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def _invisible(c: str) -> bool:
    return unicodedata.category(c) in ("Cf", "Cc", "Mn", "Me") or c in _FILLERS


def _visible(name: str) -> str:
    """A name without what cannot be seen (kept as typed otherwise)."""
    return "".join(c for c in unicodedata.normalize("NFC", name) if not _invisible(c))


def _fold(name: str) -> str:
    """A name as it reads: width forms, traditional forms of the room's words, brackets, spaces and
    invisible characters do not make another name (「(会場 全体)」「⦅會場全體⦆」 read as the room's)."""
    text = unicodedata.normalize("NFKC", name).replace("會", "会").replace("體", "体")
    return "".join(c for c in text if not c.isspace() and not _invisible(c) and not unicodedata.category(c).startswith("P"))


class Participation:
    """One participant page's view of workshop ``ws`` of ``kind`` (``"C"`` or ``"E"``)."""

    def __init__(self, ws: WorkshopStore, kind: str, data=None):
        if kind not in KINDS:
            raise OhayamiError("このワークショップには参加者用の採点ページがありません。作業台から開いてください。",
                               field="kind")
        self.ws, self.kind, self.noun = ws, kind, NOUNS[kind]
        self.model = ProblemWorkbench(ws, data) if kind == "C" else VendorWorkbench(ws, data)

    # ------------------------------------------------------------------ who
    def person(self, who: object, required: bool = True) -> str:
        """A participant's name as stored (control characters stripped, spaces folded); the whole room's
        name is the facilitator's, never a participant's."""
        # invisible characters are not part of a name anyone can see (a soft hyphen, a combining grapheme
        # joiner or a Hangul filler made a second 「（会場全体）」, or a name that shows as blank)
        name = clean_name(_visible(_plain(who, "お名前")), "お名前", "who")
        if name and _fold(name) == _fold(ROOM):
            raise OhayamiError(ROOM_NAME, field="who")
        if required and not name:
            raise OhayamiError(NO_NAME, field="who")
        return name

    def people(self) -> list[str]:
        """The names the page offers: everyone the workshop knows (``people``: a first score or a join
        adds them), in the order they came. Not the workbench's ``participants()``, which also reads
        every score to find evaluators missing from ``people``: 60,000 scores took 80 ms a request."""
        return [n for n in self.ws.rows("people")["name"] if n and n != ROOM]

    # ------------------------------------------------------------------ what the page shows
    def round_no(self) -> int:
        """The scoring round the page scores in: type C's consensus round once the facilitator opened one
        (only the problems where opinions split, scored again), else 1."""
        return self.model.current_round() if self.kind == "C" else 1

    def _alternatives(self, round_no: int = 1):
        if self.kind != "C":
            return self.model.alternatives()
        return self.model.round_problems(round_no) if round_no > 1 else self.model.scoring_alternatives()

    def _scores(self, name: str, round_no: int):
        return self.model.round_scores(round_no, name) if round_no > 1 else self.model.scores(name)

    def _criteria(self) -> list[dict]:
        crit = self.model.criteria()
        if self.kind == "C":
            heads = self.model.criterion_heads()
            out = []
            for r in crit.itertuples():
                h = heads.loc[r.criterion_id]
                lower = r.direction == "lower"
                out.append({"id": r.criterion_id, "name": r.name, "tag": "",
                            "note": DIRECTION_LABELS["lower" if lower else "higher"], "warn": lower, "more": "",
                            "anchors": [list(p) for p in scale_anchors(r.scale, r.direction, h["low"], h["high"])]})
            return out
        gates = self.model.pass_rules()
        out = []
        for r in crit.itertuples():
            rule = gates.get(r.criterion_id, "")
            tag = (f"【{MUST_HAVE}：{rule}】" if rule else f"【{MUST_HAVE}】") if r.must_have else ""
            more = "：".join(str(t) for t in (r.grp, r.example) if t)
            out.append({"id": r.criterion_id, "name": r.name, "tag": tag, "note": "", "warn": False, "more": more,
                        "anchors": [list(p) for p in score_anchors(r)]})
        return out

    def state(self, who: object = "") -> dict:
        """Everything the page shows for ``who`` ("" before they have named themselves): the names to
        offer, the alternatives and criteria with what each scale point means, their stored scores, and
        (type E) their intuitive ranking."""
        name = self.person(who, required=False)
        no = self.round_no()
        alts = self._alternatives(no)
        crit = self.model.criteria()
        criteria = self._criteria()
        levels = {c["id"]: {level for level, _ in c["anchors"]} for c in criteria}

        def on_scale(frame):
            # a score outside its criterion's scale now (the facilitator narrowed it) is not a score the
            # page can show as a button: counted as scored it said 「全項目採点済み」 with nothing chosen
            if frame is None or not len(frame):
                return frame
            return frame[[v in levels.get(c, ()) for c, v in zip(frame["criterion_id"], frame["value"])]]
        mine = self._scores(name, no) if name else None
        tour = Tour.of(alts, crit, on_scale(mine))
        # what the narrowed scale left out, shown on its row: 「前の点数 5 は尺度の外になりました」
        dropped: dict[str, dict[str, str]] = {}
        if mine is not None and len(mine):
            offered = set(tour.alternative_ids)
            for r in mine.itertuples():
                value = str(r.value)
                if r.alternative_id in offered and r.criterion_id in levels and value and value not in levels[r.criterion_id]:
                    dropped.setdefault(r.alternative_id, {})[r.criterion_id] = value
        by_alternative: dict[str, dict[str, str]] = {}
        for (aid, cid), entry in tour.values:
            by_alternative.setdefault(aid, {})[cid] = entry
        out = {"kind": self.kind, "noun": self.noun, "who": name, "people": self.people(), "round": no,
               "alternatives": [{"id": a, "name": n} for a, n in zip(tour.alternative_ids, tour.names)],
               "criteria": criteria, "scores": by_alternative,
               "complete": tour.complete(), "cells": len(tour) * len(tour.criterion_ids),
               "scored": len(tour.values), "off_scale": dropped}
        if no > 1:
            # what the participant gave before this round, shown beside the buttons (Delphi: think again)
            merged = self.model.round_scores_merged(no - 1)
            before: dict[str, dict[str, str]] = {}
            if name:
                offered = set(tour.alternative_ids)
                for r in merged[(merged["evaluator"] == name) & merged["alternative_id"].isin(offered)].itertuples():
                    before.setdefault(r.alternative_id, {})[r.criterion_id] = r.value
            out["previous"] = before
        if self.kind == "C" and self.dots_in_use():
            open_ = self.model.scoring_alternatives()
            out["dots"] = {"budget": self.model.dot_budget(), "mine": self.model.dots(name) if name else {},
                           "problems": [{"id": a, "name": n} for a, n in zip(open_["alternative_id"], open_["name"])]}
        if self.kind == "E":
            mine = self.model.intuitions().get(name, {}) if name else {}
            out["ranking"] = {aid: int(r) for aid, r in mine.items()}
        return out

    # ------------------------------------------------------------------ what the page saves
    def join(self, who: object) -> dict:
        """``who`` names themselves: recorded for the facilitator's cockpit (once), then their state and
        what to tell them (a name already in the room is said: two people under one name share one sheet)."""
        name = self.person(who)
        first = record_join(self.ws, self.model.SET_ID, name)
        honoured = name if name.endswith(("さん", "様", "さま", "くん", "ちゃん")) else f"{name} さん"
        message = (f"{honoured}、ようこそ。" if first else
                   f"「{name}」さんは、すでに参加しています。ご本人ならこのまま続けてください。別の人なら、"
                   "「別の名前にする」で区別できる名前にしてください（同じ名前の点数は1人分として保存されます）。")
        return {**self.state(name), "message": message, "again": not first}

    def score(self, who: object, alternative_id: object, criterion_id: object, entry: object) -> dict:
        """Save one score ("" clears it) through the workbench's own ``set_score``; returns the entry as
        stored and a message naming what was saved."""
        name = self.person(who)
        aid, cid = _plain(alternative_id, "採点する" + self.noun), _plain(criterion_id, "評価項目")
        no = self.round_no()
        offered = set(self._alternatives(no)["alternative_id"])
        if aid not in offered:
            raise OhayamiError(f"この{self.noun}は、いまは採点の対象ではありません。ページを読み込み直してください。",
                               field="alternative")
        entry = _plain(entry, "点数", numbers=True).strip()
        crit = {c["id"]: c for c in self._criteria()}
        if entry and cid in crit and entry not in {level for level, _ in crit[cid]["anchors"]}:
            # only the page's own buttons: the scale's looser spellings (yes, 1) would be stored as typed
            # and show as no button chosen while they count as scored
            levels = "、".join(level for level, _ in crit[cid]["anchors"])
            raise OhayamiError(f"「{crit[cid]['name']}」に「{entry}」は入れられません。{levels} のどれかを選んでください。",
                               field="score")
        stored = (self.model.set_round_score(no, name, aid, cid, entry) if no > 1
                  else self.model.set_score(name, aid, cid, entry))
        label = crit[cid]["name"]   # set_score has refused a criterion the workshop does not have
        said = f"「{label}」＝{stored}" if stored else f"「{label}」の点数を取り消しました"
        said = f"{said}（{no}回目の採点）" if no > 1 else said
        return {"stored": stored, "message": f"保存しました：{said}" if stored else said}

    def dots_in_use(self) -> bool:
        """Type C: the facilitator set the dots per person (tab シール投票), or someone placed one."""
        options = self.ws.get("set_options", set_id=self.model.SET_ID) or {}
        return options.get("dots_per_person") is not None or len(self.ws.rows("dots", set_id=self.model.SET_ID)) > 0

    def dot(self, who: object, alternative_id: object, step: object) -> dict:
        """Type C: put one dot on a problem (``step`` 1) or take one back (-1), through ``place_dot``."""
        if self.kind != "C" or not self.dots_in_use():
            raise OhayamiError("いまはシール投票をしていません。", field="dots")
        name = self.person(who)
        if step not in (1, -1) or isinstance(step, bool):
            raise OhayamiError("シールの操作の形が正しくありません。ページを読み込み直してください。", field="dots")
        aid = _plain(alternative_id, "シールを貼る課題")
        if aid not in set(self.model.scoring_alternatives()["alternative_id"]):
            raise OhayamiError("この課題は、いまはシール投票の対象ではありません。ページを読み込み直してください。",
                               field="dots")
        left = self.model.place_dot(name, aid, step)
        return {"message": f"{'シールを貼りました' if step > 0 else 'シールをはがしました'}（残り {left} 枚）"}

    def propose(self, who: object, title: object, scene: object = "") -> dict:
        """Type C: put forward a problem (the listing tab's ``add_problem``; the name is its origin)."""
        if self.kind != "C":
            raise OhayamiError("課題を出せるのは、Cタイプのワークショップだけです。", field="kind")
        name = self.person(who)
        try:
            pid = self.model.add_problem(_plain(title, "課題"), _plain(scene, "生活のワンシーン"), origin=name, actor=name)
        except OhayamiError as e:
            if MERGE_HINT in e.message:   # merging is the facilitator's tool, not on this page
                raise OhayamiError(e.message.replace(MERGE_HINT, "もう出ているので、追加しなくてだいじょうぶです。"
                                                     "違う点があるときは、違いがわかるように書いてください。"),
                                   field=e.field) from None
            raise
        return {"id": pid, "message": f"追加しました：{pid} {self.model.problem(pid)['title']}"}

    def rank(self, who: object, ranks: object) -> dict:
        """Type E: the ranking ``who`` feels is right ({vendor id: 1, 2, …}), entered before any result."""
        if self.kind != "E":
            raise OhayamiError("感覚的な順位は、Eタイプのワークショップで入れます。", field="kind")
        name = self.person(who)
        if not isinstance(ranks, dict):
            raise OhayamiError("順位の形が正しくありません。ページを読み込み直してください。", field="ranking")
        clean = {}
        for k, v in ranks.items():
            text = _plain(v, "順位", numbers=True).strip()
            if text and not text.isdigit():
                raise OhayamiError(f"順位「{text}」は 1, 2, 3 … の数にしてください。", field="ranking")
            clean[str(k)] = text
        self.model.set_intuition(name, clean, actor=name)
        return {"ranking": {aid: int(r) for aid, r in self.model.intuitions().get(name, {}).items()},
                "message": "感覚的な順位を保存しました。"}
