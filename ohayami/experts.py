"""Type I worksheet model: what to ask of an expert (専門家への依頼要件).

Follows the guide's three steps for type I: 専門家に求める要件の整理 (the bottleneck and the roles and
skills wanted) → ボトルネックを解消できる専門家を見つける (the channels) → 専門家の協力を得て推進 (the
受入れ環境 of the 留意点). The three checklists start from the guide's own words (I.yaml: the expert
examples' categories, the footnoted channels, the caution's 受入れ環境; G.yaml: the 人材の支援策) and
take the town's own entries; one row per item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import OhayamiError
from .guide import SOURCE_MARKS, type_card
from .labels import MARK_YES
from .store import WorkshopStore
from .textio import parse_date, text_field, title_key, clean_name

TYPE_ID = "I"
REQUEST_ID = "R001"
GUIDE, OHAYAMI, OWN = "guide", "ohayami", "own"
SOURCE_LABELS = {GUIDE: "ガイド", OHAYAMI: SOURCE_MARKS["ohayami"], OWN: "追加した項目"}
MAX_ITEM = 80


@dataclass(frozen=True)
class ListSpec:
    """One of the three checklists: its title, id prefix, the word for a ticked item, and where its
    starting items come from in the guide."""

    list_id: str
    title: str
    prefix: str
    check_label: str
    note: str


LISTS: dict[str, ListSpec] = {s.list_id: s for s in [
    ListSpec("skills", "専門家に求める役割・スキル", "S", "求める",
             "ガイドの「専門家の活用事例」の4つの区分から始めます（区分と事例はガイドのまま）。"),
    ListSpec("channels", "専門家の探し方", "C", "使う",
             "ガイドIタイプ Step2 の脚注（※2・※3）の窓口・制度と、Gタイプ「人材の支援策」から始めます。"),
    ListSpec("acceptance", "受入れ環境", "A", "整った",
             "ガイドIタイプの留意点が挙げる受入れ環境から始めます。"),
]}

# Kit-made acceptance items: the guide names three parts of the environment and points to a checklist
# (外部人材受入れ準備チェックリスト, 16頁) whose items the extracted text does not contain. These two are
# ohayami's, marked so on screen (SOURCE_LABELS[OHAYAMI]) and in data/TRANSCRIPTION.md.
OHAYAMI_ACCEPTANCE = (
    ("受入れ担当（庁内の窓口）を決める", "専門家が相談・調整を頼める職員を決めておく。"),
    ("期待する成果と期間を専門家と共有する", "依頼要件シートを渡し、ボトルネックと期待する成果を最初に確かめ合う。"),
)


@dataclass(frozen=True)
class Request:
    """The bottleneck the expert should clear, what should come of it, and by when."""

    bottleneck: str = ""
    outcome: str = ""
    due: str = ""


def _footnotes(text: str) -> set[str]:
    return set(re.findall(r"※\d+", text or ""))


class ExpertRequest:
    """The type I model over one workshop: the request and its three checklists."""

    def __init__(self, ws: WorkshopStore, data=None):
        self.ws, self.data = ws, data
        self.card = type_card(TYPE_ID, data)
        if not self._seeded():
            self._seed()

    def _seeded(self) -> bool:
        row = self.ws.get("expert_request", request_id=REQUEST_ID)
        return bool(row and row.get("seeded"))

    # ------------------------------------------------------------------ the guide's words
    def guide_step(self, step: int) -> tuple[str, str]:
        """(title, text) of the guide's type I step ``step`` (1 要件の整理, 2 見つける, 3 協力を得て推進)."""
        return self.card.step(step)

    def reference(self, mark: str) -> str:
        """The title of I's own reference whose note carries footnote ``mark`` (「※1」), or ""."""
        refs = self.card.references
        hit = refs[(refs.scope == TYPE_ID) & refs.summary.str.contains(mark, regex=False)]
        return hit.iloc[0]["title"] if len(hit) else ""

    def seeds(self) -> dict[str, list[tuple[str, str, str]]]:
        """list id → (name, description, source) of the starting items, from the guide's data."""
        skills: dict[str, list[str]] = {}
        for e in self.card.extras.get("expert_examples", []):
            skills.setdefault(e["category"], []).append(e["text"])
        # the examples' footnote marks (※1, ※2) point to notes the extracted text lacks: left out here
        out = {"skills": [(cat, "\n".join(re.sub(r"※\d+", "", t) for t in texts), GUIDE) for cat, texts in skills.items()]}
        _, step2 = self.guide_step(2)
        marks = _footnotes(step2)
        refs = self.card.references
        channels = []
        for r in refs[refs.scope == TYPE_ID].itertuples():
            if _footnotes(r.summary) & marks:
                note = re.sub(r"^※\d+\s*", "", r.summary)
                channels += [(name.strip(), note, GUIDE) for name in r.title.split("／") if name.strip()]
        seen = [title_key(n) for n, _, _ in channels]
        for prog in type_card("G", self.data).extras.get("programmes", []):
            key = title_key(prog["name"])
            if not any(key in s or s in key for s in seen):
                who = f"（{prog['ministry']}）" if prog.get("ministry") else ""
                channels.append((prog["name"] + who, prog["description"],
                                 OHAYAMI if prog.get("source") == OHAYAMI else GUIDE))
        out["channels"] = channels
        found = re.search(r"受入れ環境（([^）]+?)等?）", " ".join(self.card.cautions))
        if not found:
            raise OhayamiError("ガイドのデータ（I.yaml の留意点）に受入れ環境の項目がありません。", file="I.yaml")
        # the caution itself is shown once above the list (acceptance_note), not repeated per item
        out["acceptance"] = [(part, "", GUIDE) for part in found.group(1).split("・") if part] + \
            [(name, text, OHAYAMI) for name, text in OHAYAMI_ACCEPTANCE]
        return out

    def _seed(self) -> None:
        seeds = self.seeds()
        with self.ws.batch():
            if self._seeded():   # another page seeded between the first check and the write lock
                return
            for list_id, items in seeds.items():
                ids = self.ws.next_id("expert_items", LISTS[list_id].prefix, len(items), list_id=list_id)
                for pos, (item_id, (name, description, source)) in enumerate(zip(ids, items), start=1):
                    self.ws.upsert("expert_items", {"list_id": list_id, "item_id": item_id},
                                   {"name": name, "description": description, "source": source, "checked": 0,
                                    "position": pos})
            self.ws.upsert("expert_request", {"request_id": REQUEST_ID}, {"seeded": 1})

    def acceptance_note(self) -> str:
        """The guide's caution about the 受入れ環境 (the source of the acceptance list)."""
        return "\n".join(c for c in self.card.cautions if "受入れ" in c)

    # ------------------------------------------------------------------ the request
    def request(self) -> Request:
        row = self.ws.get("expert_request", request_id=REQUEST_ID) or {}
        return Request(*(row.get(c) or "" for c in ("bottleneck", "outcome", "due")))

    def save_request(self, bottleneck: object, outcome: object = "", due: object = "",
                     actor: str | None = None) -> Request:
        """The bottleneck (required), the outcome hoped for and the date it is needed by."""
        req = Request(text_field(bottleneck, "ボトルネック", "bottleneck", 1000),
                      text_field(outcome, "期待する成果", "outcome", 1000), parse_date(due, "いつまでに", "due"))
        if not req.bottleneck:
            raise OhayamiError("ボトルネックが空です。デジタル実装が進まない原因を一文で書いてください"
                               "（例：要件を書ける職員がいない）。", field="bottleneck")
        self.ws.upsert("expert_request", {"request_id": REQUEST_ID},
                       {"bottleneck": req.bottleneck, "outcome": req.outcome, "due": req.due}, actor=actor)
        return req

    # ------------------------------------------------------------------ the checklists
    @staticmethod
    def spec(list_id: str) -> ListSpec:
        try:
            return LISTS[list_id]
        except KeyError:
            raise OhayamiError(f"リスト「{list_id}」はありません。", field="list") from None

    def items(self, list_id: str) -> pd.DataFrame:
        """The items of one list in their order: item_id, name, description, source, checked (bool), notes."""
        self.spec(list_id)
        df = self.ws.rows("expert_items", list_id=list_id)
        cols = ["item_id", "name", "description", "source", "checked", "notes"]
        if df.empty:
            return pd.DataFrame(columns=cols)
        df = df.sort_values(["position", "item_id"], kind="stable").reset_index(drop=True)
        for c in ("description", "notes"):
            df[c] = df[c].where(df[c].notna(), "")
        df["checked"] = df["checked"].fillna(0).astype(float) > 0
        return df[cols]

    def _item(self, list_id: str, item_id: str) -> dict:
        spec = self.spec(list_id)
        row = self.ws.get("expert_items", list_id=list_id, item_id=item_id) if item_id else None
        if row is None:
            raise OhayamiError(f"{spec.title}に項目「{item_id}」はありません。", field="item")
        return row

    def add_item(self, list_id: str, name: object, description: object = "", actor: str | None = None) -> str:
        """A town's own item at the end of the list (ticked: it was added because it is wanted)."""
        spec = self.spec(list_id)
        text = clean_name(name, "項目", "name", MAX_ITEM)
        if not text:
            raise OhayamiError(f"{spec.title}に追加する項目が空です。", field="name")
        if any(title_key(n) == title_key(text) for n in self.items(list_id)["name"]):
            raise OhayamiError(f"「{text}」はすでに{spec.title}にあります。", field="name")
        description = text_field(description, "説明", "description", 500)
        with self.ws.batch(actor):
            item_id = self.ws.next_id("expert_items", spec.prefix, list_id=list_id)[0]
            position = len(self.ws.rows("expert_items", list_id=list_id)) + 1
            self.ws.upsert("expert_items", {"list_id": list_id, "item_id": item_id},
                           {"name": text, "description": description, "source": OWN, "checked": 1,
                            "position": position}, actor=actor)
        return item_id

    def set_checked(self, list_id: str, item_id: str, checked: bool, actor: str | None = None) -> None:
        self._item(list_id, item_id)
        if not isinstance(checked, bool):
            raise OhayamiError("チェックは「はい」か「いいえ」で選んでください。", field="checked")
        self.ws.upsert("expert_items", {"list_id": list_id, "item_id": item_id}, {"checked": int(checked)}, actor=actor)

    def set_notes(self, list_id: str, item_id: str, notes: object, actor: str | None = None) -> str:
        """A short memo for one item (who, what was found, how far it is)."""
        self._item(list_id, item_id)
        text = text_field(notes, "メモ", "notes", 300)
        self.ws.upsert("expert_items", {"list_id": list_id, "item_id": item_id}, {"notes": text}, actor=actor)
        return text

    def remove_item(self, list_id: str, item_id: str, actor: str | None = None) -> None:
        """Remove an item the town added; the guide's and ohayami's items stay (untick them instead)."""
        row = self._item(list_id, item_id)
        if row["source"] != OWN:
            raise OhayamiError(f"「{row['name']}」はガイド（または ohayami）の項目なので削除できません。"
                               "不要ならチェックを外してください。", field="item")
        self.ws.delete("expert_items", {"list_id": list_id, "item_id": item_id}, actor=actor)

    # ------------------------------------------------------------------ display frames
    def items_frame(self, list_id: str) -> pd.DataFrame:
        """One list as the screens, the export and the sheet show it (texts), indexed by item id."""
        spec = self.spec(list_id)
        df = self.items(list_id)
        return pd.DataFrame({
            "ID": df["item_id"], "項目": df["name"], "内容": df["description"],
            "出所": df["source"].map(lambda s: SOURCE_LABELS.get(s, s)),
            spec.check_label: df["checked"].map(lambda c: MARK_YES if c else ""), "メモ": df["notes"]}).set_index(
            df["item_id"].rename(None))

    def gaps(self) -> list[str]:
        """What the request sheet still lacks, in the order of the guide's steps (empty: complete)."""
        out = []
        req = self.request()
        if not req.bottleneck:
            out.append("ボトルネックが未記入です（1 ボトルネック）。")
        for list_id, spec in LISTS.items():
            items = self.items(list_id)
            if list_id == "acceptance":
                left = items[~items["checked"]]["name"].tolist()
                if left:
                    out.append(f"受入れ環境で整っていない項目：{'・'.join(left)}。")
            elif not items["checked"].any():
                out.append(f"{spec.title}で「{spec.check_label}」にした項目がありません。")
        return out

    def request_frame(self) -> pd.DataFrame:
        """The request itself as (項目, 内容) rows."""
        req = self.request()
        return pd.DataFrame([("ボトルネック", req.bottleneck), ("期待する成果", req.outcome), ("いつまでに", req.due)],
                            columns=["項目", "内容"])

    def sheet_frames(self) -> dict[str, pd.DataFrame]:
        """The 専門家への依頼要件 sheet's parts: the request, the wanted skills, the channels to use,
        and the whole acceptance checklist."""
        skills = self.items_frame("skills")
        channels = self.items_frame("channels")
        return {"依頼の内容": self.request_frame(),
                LISTS["skills"].title: skills[skills["求める"] == MARK_YES].drop(columns=["ID", "求める"]),
                LISTS["channels"].title: channels[channels["使う"] == MARK_YES].drop(columns=["ID", "使う"]),
                LISTS["acceptance"].title: self.items_frame("acceptance").drop(columns=["ID"])}

    def export_frames(self) -> dict[str, pd.DataFrame]:
        frames = {"依頼の内容": self.request_frame()}
        frames.update({spec.title: self.items_frame(list_id).reset_index(drop=True) for list_id, spec in LISTS.items()})
        frames["まだ足りないこと"] = pd.DataFrame({"内容": self.gaps()}, columns=["内容"])
        return frames

    def export_xlsx(self) -> bytes:
        from .io import xlsx_bytes

        return xlsx_bytes(self.export_frames(), title=f"専門家への依頼要件 {self.ws.name}")
