"""Type D worksheet model: knowing the services (サービスを知る) as a research log.

Follows the guide's three steps for type D: デジタル実装の取組事例を見つける (cases: town, what they
did, source) → 取組事例に掲載のサービスを知る (the services implemented in a case, their vendors and
keywords) → 類似サービスを広く知る (similar services and where they were found). The theme comes from
type C's short list and target visions (:meth:`Research.read_from_c`); the RFI draft is generated
from the log; services marked 候補 go to type E's vendor list (:meth:`Research.send_candidates_to_e`)
through :class:`ohayami.vendors.VendorWorkbench`'s own ``add_vendor``, so E's rules hold for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .errors import OhayamiError
from .guide import type_card
from .labels import MARK_YES
from .problems import ProblemWorkbench, VISION_FIELDS, VISION_LABELS
from .store import TABLES, WorkshopStore, now_jst
from .textio import clean_name, one_line, parse_date, text_field, title_key
from .vendors import VendorWorkbench
from .workbench import order_by_number

TYPE_ID = "D"
THEME_ID = "T"
CASE, SIMILAR = "case", "similar"
KIND_LABELS = {CASE: "実装されたサービス", SIMILAR: "類似サービス"}
# The worksheet's tabs: the panels take their titles from here, and the messages that point to a tab
# name it from here, so the two cannot drift apart.
TAB_TITLES = {"theme": "1 テーマ", "cases": "2 取組事例", CASE: "3 事例のサービス", SIMILAR: "4 類似サービス",
              "rfi": "5 RFIの下書き", "output": "6 出力"}
# where a similar service was found: the places the guide's Step3 names (※3 サービスカタログ, ITベンダーHP,
# 展示会, ※4 情報プラットフォーム, ※5 RFI) and the rest (専門誌, Web検索, 近隣自治体…)
FOUND_AT = {"catalogue": "カタログ", "vendor_site": "事業者サイト", "exhibition": "展示会",
            "platform": "プラットフォーム", "rfi": "RFI", "other": "その他"}
QUESTION, RECIPIENT = "question", "recipient"
PART_LABELS = {QUESTION: "質問", RECIPIENT: "送付先"}
GUIDE, THEME, KEYWORD, UNKNOWN, LOG, OWN = "guide", "theme", "keyword", "unknown", "log", "own"
RFI_SOURCES = {GUIDE: "ガイド※5（質問の文は ohayami）", THEME: "テーマから", KEYWORD: "キーワードから",
               UNKNOWN: "まだ分からないことから", LOG: "調査ログの事業者", OWN: "追加した項目"}
# The guide names what an RFI collects (※5: 機能・価格・導入実績等) but gives no questions; these
# sentences are ohayami's, marked so on screen (RFI_SOURCES[GUIDE]) and in data/TRANSCRIPTION.md.
RFI_QUESTIONS = {
    "機能": "機能：貴社サービスが標準で備える機能と、当団体のテーマに使える機能を教えてください。",
    "価格": "価格：導入費用と運用費用（年額）の目安、費用が変わる条件を教えてください。",
    "導入実績": "導入実績：自治体への導入実績（団体名・導入時期・規模）を教えてください。",
}
THEME_QUESTION = "テーマ：当団体のテーマ「{theme}」に対して、貴社が提案できるサービスを教えてください。"
KEYWORD_QUESTION = "「{kw}」に当たる貴社のサービスがあれば、その概要を教えてください。"
UNKNOWN_QUESTION = "{service}について：{unknown}"
MAX_NAME, MAX_TEXT = 100, 1000
E_NOTE_LIMIT = 1000   # type E's 備考 takes at most this many characters
NO_PROBLEMS = ("Cタイプ作業台にまだ課題がありません。Cタイプ作業台で課題を洗い出し、採点して絞り込んでから、"
               "もう一度「Cタイプの結果から読み込む」を押してください（テーマは手で書くこともできます）。")
NOTHING_CHOSEN = ("Cタイプでまだ課題が絞り込まれていません。Cタイプ作業台の「4 採点」で課題を採点し、"
                  "「5 結果と絞り込み」の短いリスト（★）に課題を残してから、もう一度「Cタイプの結果から読み込む」を押してください"
                  "（テーマは手で書くこともできます）。")


@dataclass(frozen=True)
class Theme:
    """The research theme: what is to be solved and the target vision (both editable)."""

    theme: str = ""
    vision: str = ""
    problem_ids: tuple[str, ...] = ()
    read_at: str = ""


@dataclass(frozen=True)
class ChosenProblem:
    """A problem on C's short list, with its target vision as one line (empty when not written)."""

    problem_id: str
    title: str
    vision: str = ""


@dataclass(frozen=True)
class ThemeReading:
    """What one read from C wrote, and what changed since the theme stood as it was."""

    theme: Theme
    changes: tuple[str, ...]

    @property
    def message(self) -> str:
        return "Cタイプの結果を読み込みました。" + "".join(self.changes)


@dataclass
class Handover:
    """The result of sending the candidates to type E: (service id, vendor id) sent, (service id, why) skipped."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)   # service id → 「書かない窓口（X社）」

    @property
    def message(self) -> str:
        """「…2 件送りました（書かない窓口（X社）→ 事業者一覧 V001、…）」: services by name, vendors by the
        id E's list shows."""
        shown = "、".join(f"{self.names.get(s, s)}→ 事業者一覧 {v}" for s, v in self.sent)
        parts = [f"Eタイプの事業者一覧へ {len(self.sent)} 件送りました" + (f"（{shown}）。" if self.sent else "。")]
        if self.skipped:
            parts.append(f"送らなかった {len(self.skipped)} 件：" + "／".join(f"{s} {why}" for s, why in self.skipped))
        return "".join(parts)


def split_keywords(value: object) -> list[str]:
    """Keywords typed with 、 , ， ／ / or new lines between them, in order, without repeats."""
    text = text_field(value, "キーワード・カテゴリ", "keywords", 300)
    out: dict[str, str] = {}
    for kw in re.split(r"[,、，／/\n]", text):
        kw = " ".join(kw.strip().strip("「」『』\"").split())
        if kw and title_key(kw) not in out:
            out[title_key(kw)] = kw
    return list(out.values())


def parse_found_at(value: object) -> str:
    """A place from its key or its word (カタログ・事業者サイト・展示会・プラットフォーム・RFI・その他)."""
    text = str(value or "").strip()
    for key, label in FOUND_AT.items():
        if text in (key, label):
            return key
    if not text:
        raise OhayamiError("類似サービスを見つけた場所を選んでください（" + "・".join(FOUND_AT.values()) + "）。",
                           field="found_at")
    raise OhayamiError(f"見つけた場所「{text}」は選べません。" + "・".join(FOUND_AT.values()) + " のどれかを選んでください。",
                       field="found_at")


class Research:
    """The type D model over one workshop. Views call these methods and show the frames they return."""

    def __init__(self, ws: WorkshopStore, data=None):
        self.ws, self.data = ws, data
        self.card = type_card(TYPE_ID, data)

    # ------------------------------------------------------------------ the guide's words
    def guide_step(self, step: int) -> tuple[str, str]:
        """(title, text) of the guide's type D step ``step`` (1 事例, 2 事例のサービス, 3 類似サービス)."""
        return self.card.step(step)

    def rfi_note(self) -> str:
        """The guide's footnote on RFI (※5), the source of the seeded questions."""
        refs = self.card.references
        hit = refs[(refs.scope == TYPE_ID) & refs.title.str.contains("RFI", regex=False)]
        return hit.iloc[0]["summary"] if len(hit) else ""

    def rfi_topics(self) -> list[str]:
        """What the guide says an RFI collects (※5: 機能・価格・導入実績), in its order."""
        found = re.search(r"情報[(（]([^)）]+?)等?[)）]", self.rfi_note())
        if not found:
            raise OhayamiError("ガイドのデータ（D.yaml の関連資料）に RFI で集める情報がありません。", file="D.yaml")
        return [t for t in found.group(1).split("・") if t]

    # ------------------------------------------------------------------ theme (from type C)
    def theme(self) -> Theme:
        row = self.ws.get("research_theme", theme_id=THEME_ID) or {}
        ids = tuple(i for i in (row.get("problem_ids") or "").split(",") if i)
        return Theme(row.get("theme") or "", row.get("vision") or "", ids, row.get("read_at") or "")

    def save_theme(self, theme: object, vision: object = "", actor: str | None = None) -> Theme:
        """The theme (required) and the target vision, as edited by hand."""
        t = text_field(theme, "テーマ", "theme", MAX_TEXT)
        if not t:
            raise OhayamiError("テーマが空です。解決したい課題・テーマを書くか、「Cタイプの結果から読み込む」を押してください。",
                               field="theme")
        v = text_field(vision, "実現したい地域像", "vision", MAX_TEXT)
        self.ws.upsert("research_theme", {"theme_id": THEME_ID}, {"theme": t, "vision": v}, actor=actor)
        return self.theme()

    def chosen_in_c(self) -> list[ChosenProblem]:
        """C's chosen problems: its short list, best first, each with its target vision. Raises with what to
        do in C when it has none."""
        if self.ws.rows("problems").empty:   # C never used: do not let reading it seed C's criteria
            raise OhayamiError(NO_PROBLEMS, field="theme")
        c = ProblemWorkbench(self.ws, self.data)
        ids = c.shortlist()
        if not ids:
            raise OhayamiError(NOTHING_CHOSEN, field="theme")
        titles = c.problems().set_index("problem_id")["title"]
        out = []
        for pid in ids:
            v = c.vision(pid) or {}
            vision = "／".join(f"{VISION_LABELS[f]}：{v[f]}" for f in VISION_FIELDS if v.get(f))
            out.append(ChosenProblem(pid, titles.get(pid, pid), vision))
        return out

    def read_from_c(self, actor: str | None = None) -> ThemeReading:
        """Write C's chosen problems and their visions as the theme; say what changed since the last read
        (problems added or gone, the vision, hand edits replaced)."""
        chosen = self.chosen_in_c()
        theme = "\n".join(f"・{p.title}" for p in chosen)
        vision = "\n".join(f"・{p.title}：{p.vision}" for p in chosen if p.vision)
        before = self.ws.get("research_theme", theme_id=THEME_ID) or {}
        old_ids = [i for i in (before.get("problem_ids") or "").split(",") if i]
        new_ids = [p.problem_id for p in chosen]
        titles = {p.problem_id: p.title for p in chosen}
        changes = []
        if not old_ids and not before.get("theme"):
            changes.append(f"課題 {len(chosen)} 件をテーマにしました。")
        else:
            added = [f"{i} {titles[i]}" for i in new_ids if i not in old_ids]
            gone = [i for i in old_ids if i not in new_ids]
            if added:
                changes.append("加わった課題：" + "、".join(added) + "。")
            if gone:
                changes.append("短いリストから外れた課題：" + "、".join(gone) + "。")
            if (before.get("read_vision") or "") != vision and old_ids:
                changes.append("地域像が変わりました。")
            edited = [w for w, col, read in (("テーマ", "theme", "read_theme"), ("地域像", "vision", "read_vision"))
                      if (before.get(col) or "") != (before.get(read) or "")]
            if edited:
                changes.append("手で直した" + "・".join(edited) + "をCタイプの内容で置き換えました（前の内容は変更履歴に残っています）。")
            if not changes:
                changes.append("前に読み込んだときから変わりはありません。")
        if len(theme) > MAX_TEXT or len(vision) > MAX_TEXT:
            raise OhayamiError(f"Cタイプの短いリストが長すぎてテーマ（{MAX_TEXT}文字まで）に入りません。"
                               "Cタイプで絞り込みの基準を厳しくするか、テーマを手で書いてください。", field="theme")
        self.ws.upsert("research_theme", {"theme_id": THEME_ID},
                       {"theme": theme, "vision": vision, "read_theme": theme, "read_vision": vision,
                        "problem_ids": ",".join(new_ids), "read_at": now_jst()}, actor=actor)
        return ThemeReading(self.theme(), tuple(changes))

    # ------------------------------------------------------------------ step 1: cases
    def cases(self) -> pd.DataFrame:
        """case_id, town, what, source, notes in the order entered."""
        cols = ["case_id", "town", "what", "source", "notes"]
        df = self.ws.rows("research_cases")
        if df.empty:
            return pd.DataFrame(columns=cols)
        df = order_by_number(df, "case_id")
        return df[cols].fillna("")

    def _case_values(self, town, what, source, notes) -> dict:
        return {"town": one_line(town, "自治体名", "town", MAX_NAME),
                "what": text_field(what, "取組内容", "what", MAX_TEXT),
                "source": text_field(source, "出典・URL", "source", 500),
                "notes": text_field(notes, "メモ", "notes", MAX_TEXT)}

    def add_case(self, town: object, what: object = "", source: object = "", notes: object = "",
                 actor: str | None = None) -> str:
        """A case found (Step1): the town (required), what it did, where it is written (事例集・URL・照会)."""
        values = self._case_values(town, what, source, notes)
        with self.ws.batch(actor):
            case_id = self.ws.next_id("research_cases", "K")[0]
            self.ws.upsert("research_cases", {"case_id": case_id}, values, actor=actor)
        return case_id

    def _case(self, case_id: object) -> dict:
        row = self.ws.get("research_cases", case_id=str(case_id or "")) if case_id else None
        if row is None:
            raise OhayamiError(f"取組事例「{case_id or ''}」はありません。事例を選んでください。", field="case")
        return row

    def update_case(self, case_id: str, town: object, what: object = "", source: object = "", notes: object = "",
                    actor: str | None = None) -> None:
        self._case(case_id)
        self.ws.upsert("research_cases", {"case_id": case_id}, self._case_values(town, what, source, notes), actor=actor)

    def delete_case(self, case_id: str, actor: str | None = None) -> None:
        """Delete a case; refused while services of the log name it (delete or re-link them first)."""
        row = self._case(case_id)
        linked = self.services(CASE)
        linked = linked[linked["case_id"] == case_id]["service_id"].tolist()
        if linked:
            raise OhayamiError(f"取組事例「{row['town']}」にはサービス（{'、'.join(linked)}）がつながっているので削除できません。"
                               "先にそのサービスを削除するか、別の事例につなぎ替えてください。", field="case")
        self.ws.delete("research_cases", {"case_id": case_id}, actor=actor)

    # ------------------------------------------------------------------ steps 2 and 3: services
    def services(self, kind: str | None = None) -> pd.DataFrame:
        """The services of the log (of one kind), in the order entered; candidate is a bool."""
        cols = list(TABLES["research_services"].columns)
        df = self.ws.rows("research_services")
        if df.empty:
            return pd.DataFrame(columns=cols)
        df = order_by_number(df, "service_id")
        if kind is not None:
            df = df[df["kind"] == self._kind(kind)]
        df = df[cols].copy()
        for c in cols:
            if c != "candidate":
                df[c] = df[c].where(df[c].notna(), "")
        df["candidate"] = df["candidate"].fillna(0).astype(float) > 0
        return df.reset_index(drop=True)

    @staticmethod
    def _kind(kind: object) -> str:
        if kind not in KIND_LABELS:
            raise OhayamiError(f"サービスの区分「{kind}」はありません（実装されたサービス・類似サービス）。", field="kind")
        return str(kind)

    def _service(self, service_id: object) -> dict:
        row = self.ws.get("research_services", service_id=str(service_id or "")) if service_id else None
        if row is None:
            raise OhayamiError(f"サービス「{service_id or ''}」はありません。サービスを選んでください。", field="service")
        return row

    def _service_values(self, kind: str, name, vendor, keywords, case_id, found_at, notes, unknown,
                        service_id: str | None = None) -> dict:
        values = {"kind": kind, "name": one_line(name, "サービス名", "name", MAX_NAME),
                  "vendor": clean_name(vendor, "事業者名", "vendor", MAX_NAME),
                  "keywords": "、".join(split_keywords(keywords)),
                  "notes": text_field(notes, "メモ", "notes", MAX_TEXT),
                  "unknown": text_field(unknown, "まだ分からないこと", "unknown", 300)}
        if kind == CASE:
            values["case_id"] = self._case(need_case(case_id))["case_id"]
            values["found_at"] = ""
        else:
            values["case_id"] = self._case(case_id)["case_id"] if case_id else ""
            values["found_at"] = parse_found_at(found_at)
        same = self.services()
        same = same[(same["service_id"] != (service_id or "")) &
                    (same["name"].map(title_key) == title_key(values["name"])) &
                    (same["vendor"].map(title_key) == title_key(values["vendor"]))]
        if len(same):
            raise OhayamiError(f"「{values['name']}」（{values['vendor'] or '事業者名なし'}）はすでに調査ログにあります"
                               f"（{same.iloc[0]['service_id']}）。", field="name")
        return values

    def add_service(self, kind: str, name: object, vendor: object = "", keywords: object = "", case_id: object = "",
                    found_at: object = "", notes: object = "", unknown: object = "", actor: str | None = None) -> str:
        """A service: kind "case" (Step2, linked to the case it was implemented in) or "similar" (Step3, with
        where it was found). Name required; the same name and vendor twice is refused."""
        kind = self._kind(kind)
        values = self._service_values(kind, name, vendor, keywords, case_id, found_at, notes, unknown)
        with self.ws.batch(actor):
            sid = self.ws.next_id("research_services", "S")[0]
            self.ws.upsert("research_services", {"service_id": sid}, {**values, "candidate": 0}, actor=actor)
        return sid

    def update_service(self, service_id: str, name: object, vendor: object = "", keywords: object = "",
                       case_id: object = "", found_at: object = "", notes: object = "", unknown: object = "",
                       actor: str | None = None) -> None:
        """Edit a service (its kind stays); a candidate keeps a vendor name (E needs one)."""
        row = self._service(service_id)
        values = self._service_values(row["kind"], name, vendor, keywords, case_id, found_at, notes, unknown, service_id)
        if row.get("candidate") and not values["vendor"]:
            raise OhayamiError("候補のサービスには事業者名が必要です（Eタイプの事業者一覧に送るため）。"
                               "事業者名を書くか、先に候補を外してください。", field="vendor")
        self.ws.upsert("research_services", {"service_id": service_id}, values, actor=actor)

    def delete_service(self, service_id: str, actor: str | None = None) -> None:
        """Delete a service from the log (a vendor already sent to E stays in E)."""
        self._service(service_id)
        self.ws.delete("research_services", {"service_id": service_id}, actor=actor)

    def set_candidate(self, service_id: str, candidate: bool, actor: str | None = None) -> None:
        """Mark a service as 候補 (a candidate for type E) or take the mark off."""
        row = self._service(service_id)
        if not isinstance(candidate, bool):
            raise OhayamiError("候補は「はい」か「いいえ」で選んでください。", field="candidate")
        if candidate and not row.get("vendor"):
            raise OhayamiError(f"「{row['name']}」には事業者名がないので候補にできません。"
                               "Eタイプの事業者一覧に送るには事業者名が必要です。先に事業者名を書いてください。", field="vendor")
        self.ws.upsert("research_services", {"service_id": service_id}, {"candidate": int(candidate)}, actor=actor)

    def open_keywords(self) -> list[str]:
        """Keywords of the implemented services that no similar service carries yet (still to search)."""
        s = self.services()
        seen = {title_key(k) for ks in s[s["kind"] == SIMILAR]["keywords"] for k in split_keywords(ks)}
        out: dict[str, str] = {}
        for ks in s[s["kind"] == CASE]["keywords"]:
            for k in split_keywords(ks):
                if title_key(k) not in seen:
                    out.setdefault(title_key(k), k)
        return list(out.values())

    # ------------------------------------------------------------------ hand-over to type E
    def send_candidates_to_e(self, actor: str | None = None) -> Handover:
        """Add every candidate to type E's vendor list in one transaction. A candidate already sent, or whose
        vendor and service E already has, is skipped and named; each vendor added says in its 備考 where it
        came from, and the log keeps the vendor id."""
        cand = self.services()
        cand = cand[cand["candidate"]]
        if cand.empty:
            raise OhayamiError(f"候補のサービスがありません。「{TAB_TITLES[CASE]}」「{TAB_TITLES[SIMILAR]}」で、"
                               "Eタイプで比べたいサービスの「候補」にチェックしてください。", field="send")
        e = VendorWorkbench(self.ws, self.data)
        out = Handover()
        with self.ws.batch(actor):
            vendors = e.vendors()
            have = {(title_key(n), title_key(s)): vid for vid, n, s in
                    zip(vendors["vendor_id"], vendors["name"], vendors["service"])}
            for r in cand.itertuples():
                if r.sent_vendor_id and r.sent_vendor_id in set(vendors["vendor_id"]):
                    out.skipped.append((r.service_id, f"「{r.name}」はすでに送りました（{r.sent_vendor_id}）"))
                    continue
                key = (title_key(r.vendor), title_key(r.name))
                if key in have:
                    out.skipped.append((r.service_id, f"「{r.vendor}（{r.name}）」はEタイプの事業者一覧にすでにあります"
                                                      f"（{have[key]}）"))
                    continue
                vid = e.add_vendor(r.vendor, r.name, notes=self._origin_note(r), actor=actor)
                have[key] = vid
                self.ws.upsert("research_services", {"service_id": r.service_id},
                               {"sent_vendor_id": vid, "sent_at": now_jst()}, actor=actor)
                out.sent.append((r.service_id, vid))
                out.names[r.service_id] = f"{r.name}（{r.vendor}）" if r.vendor else r.name
        return out

    def _origin_note(self, r) -> str:
        where = f"{FOUND_AT.get(r.found_at, '')}で見つけた" if r.kind == SIMILAR else ""
        if r.case_id:
            case = self.ws.get("research_cases", case_id=r.case_id) or {}
            where += ("・" if where else "") + f"{case.get('town') or r.case_id}の取組事例"
        note = f"Dタイプ「サービスを知る」の{KIND_LABELS[r.kind]} {r.service_id}（{where}）から"
        if r.keywords:
            note += f"。キーワード：{r.keywords}"
        if r.notes:
            note += f"。{r.notes}"
        return note if len(note) <= E_NOTE_LIMIT else note[:E_NOTE_LIMIT - 1] + "…"

    # ------------------------------------------------------------------ the RFI draft
    def rfi_items(self, part: str) -> pd.DataFrame:
        """The questions or the recipients of the draft in their order: item_id, text, source, included (bool)."""
        self._part(part)
        cols = ["item_id", "text", "source", "included"]
        df = self.ws.rows("research_rfi", part=part)
        if df.empty:
            return pd.DataFrame(columns=cols)
        df = df.sort_values(["position", "item_id"], kind="stable").reset_index(drop=True)
        df["included"] = df["included"].fillna(0).astype(float) > 0
        return df[cols]

    @staticmethod
    def _part(part: object) -> str:
        if part not in PART_LABELS:
            raise OhayamiError(f"RFIの区分「{part}」はありません（質問・送付先）。", field="part")
        return str(part)

    def suggested_rfi(self) -> dict[str, list[tuple[str, str]]]:
        """part → (text, source) the log suggests: the guide's topics, the theme, one question per open
        keyword and per unknown, and every vendor of the log as a recipient."""
        topics = self.rfi_topics()
        questions = [(RFI_QUESTIONS.get(t, f"{t}：{t}について教えてください。"), GUIDE) for t in topics]
        theme = self.theme().theme
        if theme:
            first = theme.splitlines()[0].lstrip("・") + ("ほか" if len(theme.splitlines()) > 1 else "")
            questions.append((THEME_QUESTION.format(theme=first), THEME))
        questions += [(KEYWORD_QUESTION.format(kw=kw), KEYWORD) for kw in self.open_keywords()]
        s = self.services()
        questions += [(UNKNOWN_QUESTION.format(service=r.name, unknown=r.unknown), UNKNOWN)
                      for r in s.itertuples() if r.unknown]
        vendors = dict.fromkeys(v for v in s["vendor"] if v)
        return {QUESTION: questions, RECIPIENT: [(v, LOG) for v in vendors]}

    def generate_rfi(self, actor: str | None = None) -> dict[str, int]:
        """Add what the log suggests and the draft lacks (same text ignored); edits and own items stay.
        Returns part → number added."""
        added = {}
        with self.ws.batch(actor):
            for part, items in self.suggested_rfi().items():
                have = {title_key(t) for t in self.rfi_items(part)["text"]}
                new = [(t, src) for t, src in items if title_key(t) not in have]
                self._insert_rfi(part, new, actor)
                added[part] = len(new)
        return added

    def _insert_rfi(self, part: str, items: list[tuple[str, str]], actor: str | None) -> list[str]:
        if not items:
            return []
        prefix = "Q" if part == QUESTION else "R"
        ids = self.ws.next_id("research_rfi", prefix, len(items), part=part)
        start = len(self.ws.rows("research_rfi", part=part))
        for pos, (item_id, (text, source)) in enumerate(zip(ids, items), start=start + 1):
            self.ws.upsert("research_rfi", {"part": part, "item_id": item_id},
                           {"text": text, "source": source, "included": 1, "position": pos}, actor=actor)
        return ids

    def _rfi_text(self, part: str, text: object) -> str:
        label = PART_LABELS[part]
        value = text_field(text, label, "rfi_text", 500) if part == QUESTION else clean_name(text, label, "rfi_text", MAX_NAME)
        if not value:
            raise OhayamiError(f"RFIの{label}が空です。", field="rfi_text")
        return value

    def add_rfi(self, part: str, text: object, actor: str | None = None) -> str:
        """A question or a recipient of the town's own at the end of the draft."""
        part = self._part(part)
        value = self._rfi_text(part, text)
        if any(title_key(t) == title_key(value) for t in self.rfi_items(part)["text"]):
            raise OhayamiError(f"「{value}」はすでにRFIの{PART_LABELS[part]}にあります。", field="rfi_text")
        with self.ws.batch(actor):
            return self._insert_rfi(part, [(value, OWN)], actor)[0]

    def _rfi_row(self, part: str, item_id: object) -> dict:
        part = self._part(part)
        row = self.ws.get("research_rfi", part=part, item_id=str(item_id or "")) if item_id else None
        if row is None:
            raise OhayamiError(f"RFIの{PART_LABELS[part]}「{item_id or ''}」はありません。", field="rfi_item")
        return row

    def update_rfi(self, part: str, item_id: str, text: object = None, included: bool | None = None,
                   actor: str | None = None) -> None:
        """Edit the text of a question or recipient, or whether it goes into the RFI."""
        self._rfi_row(part, item_id)
        values = {}
        if text is not None:
            values["text"] = self._rfi_text(part, text)
        if included is not None:
            if not isinstance(included, bool):
                raise OhayamiError("RFIに含めるかは「はい」か「いいえ」で選んでください。", field="included")
            values["included"] = int(included)
        self.ws.upsert("research_rfi", {"part": part, "item_id": item_id}, values, actor=actor)

    def delete_rfi(self, part: str, item_id: str, actor: str | None = None) -> None:
        self._rfi_row(part, item_id)
        self.ws.delete("research_rfi", {"part": part, "item_id": item_id}, actor=actor)

    def rfi_info(self) -> tuple[str, str]:
        """(purpose, answer due date) of the RFI."""
        row = self.ws.get("research_theme", theme_id=THEME_ID) or {}
        return row.get("rfi_purpose") or "", row.get("rfi_due") or ""

    def save_rfi_info(self, purpose: object, due: object = "", actor: str | None = None) -> tuple[str, str]:
        values = {"rfi_purpose": text_field(purpose, "RFIの目的", "rfi_purpose", 500),
                  "rfi_due": parse_date(due, "回答期限", "rfi_due")}
        self.ws.upsert("research_theme", {"theme_id": THEME_ID}, values, actor=actor)
        return self.rfi_info()

    # ------------------------------------------------------------------ display frames and exports
    def theme_frame(self) -> pd.DataFrame:
        t = self.theme()
        return pd.DataFrame([("テーマ", t.theme), ("実現したい地域像", t.vision),
                             ("Cタイプの課題", "、".join(t.problem_ids)), ("Cタイプから読み込んだ日時", t.read_at)],
                            columns=["項目", "内容"])

    def cases_frame(self) -> pd.DataFrame:
        """Step1's cases as shown and exported (texts), indexed by case id."""
        df = self.cases()
        return pd.DataFrame({"ID": df["case_id"], "自治体": df["town"], "取組内容": df["what"],
                             "出典・URL": df["source"], "メモ": df["notes"]}).set_index(df["case_id"].rename(None))

    def services_frame(self, kind: str | None = None) -> pd.DataFrame:
        """The services (of one kind) as shown and exported (texts), indexed by service id: kind, name,
        vendor, keywords, the case, where found, 候補, and the type E vendor it was sent as."""
        df = self.services(kind)
        towns = self.cases().set_index("case_id")["town"]
        return pd.DataFrame({
            "ID": df["service_id"], "区分": df["kind"].map(KIND_LABELS), "サービス名": df["name"], "事業者": df["vendor"],
            "キーワード・カテゴリ": df["keywords"],
            "取組事例": [f"{c} {towns.get(c, '')}".strip() if c else "" for c in df["case_id"]],
            "見つけた場所": df["found_at"].map(lambda f: FOUND_AT.get(f, "")),
            "候補": df["candidate"].map(lambda c: MARK_YES if c else ""), "まだ分からないこと": df["unknown"],
            "メモ": df["notes"], "Eタイプへ": df["sent_vendor_id"]}).set_index(df["service_id"].rename(None))

    def rfi_frame(self, part: str, only_included: bool = False) -> pd.DataFrame:
        df = self.rfi_items(part)
        if only_included:   # astype: an empty frame's column is object, which pandas would read as column names
            df = df[df["included"].astype(bool)]
        return pd.DataFrame({"ID": df["item_id"], PART_LABELS[part]: df["text"],
                             "出所": df["source"].map(lambda s: RFI_SOURCES.get(s, s)),
                             "含める": df["included"].map(lambda c: MARK_YES if c else "")}).reset_index(drop=True)

    def rfi_frames(self) -> dict[str, pd.DataFrame]:
        """The RFI draft's parts: purpose and due date, the questions and the recipients included."""
        purpose, due = self.rfi_info()
        head = pd.DataFrame([("テーマ", self.theme().theme), ("目的", purpose), ("回答期限", due)], columns=["項目", "内容"])
        return {"RFIの概要": head,
                "質問": self.rfi_frame(QUESTION, True).drop(columns=["含める"]),
                "送付先": self.rfi_frame(RECIPIENT, True).drop(columns=["含める", "出所"])}

    def gaps(self) -> list[str]:
        """What the log still lacks, in the order of the guide's steps (empty: nothing)."""
        out = []
        if not self.theme().theme:
            out.append("テーマが未記入です（テーマ）。")
        if self.cases().empty:
            out.append("取組事例がまだありません（Step1）。")
        s = self.services()
        if not (s["kind"] == CASE).any():
            out.append("取組事例で実装されたサービスがまだありません（Step2）。")
        if not (s["kind"] == SIMILAR).any():
            out.append("類似サービスがまだありません（Step3）。")
        kws = self.open_keywords()
        if kws:
            out.append("類似サービスをまだ調べていないキーワード：" + "、".join(kws) + "。")
        if not s["candidate"].any():
            out.append("候補にしたサービスがありません。")
        return out

    def export_frames(self) -> dict[str, pd.DataFrame]:
        frames = {"テーマ": self.theme_frame(), "取組事例": self.cases_frame().reset_index(drop=True)}
        for kind, label in KIND_LABELS.items():
            frames[label] = self.services_frame(kind).reset_index(drop=True)
        frames["RFIの質問"] = self.rfi_frame(QUESTION)
        frames["RFIの送付先"] = self.rfi_frame(RECIPIENT)
        frames["まだ足りないこと"] = pd.DataFrame({"内容": self.gaps()}, columns=["内容"])
        return frames

    def export_xlsx(self) -> bytes:
        """The whole research log (theme, cases, services, RFI draft) as an Excel workbook."""
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"サービス調査ログ {self.ws.name}")

    def rfi_xlsx(self) -> bytes:
        """The RFI draft (overview, questions, recipients) as an Excel workbook."""
        from .io import xlsx_bytes

        return xlsx_bytes(self.rfi_frames(), title=f"RFI（情報提供依頼書）の下書き {self.ws.name}")


def need_case(case_id: object) -> str:
    if not case_id:
        raise OhayamiError(f"実装されたサービスは、どの取組事例のサービスかを選んでください（先に「{TAB_TITLES['cases']}」で事例を追加）。",
                           field="case")
    return str(case_id)


__all__ = ["CASE", "FOUND_AT", "Handover", "KIND_LABELS", "QUESTION", "RECIPIENT", "Research", "SIMILAR", "Theme",
           "ThemeReading"]
