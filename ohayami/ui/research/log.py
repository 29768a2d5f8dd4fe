"""Tabs 2–4: the research log, as the guide's three steps: cases, the services they implemented, similar
services. Each tab lists what is recorded, and one form adds a row or edits the row chosen above it."""

from __future__ import annotations

import ipywidgets as W

from ...research import CASE, FOUND_AT, SIMILAR, TAB_TITLES
from .. import common as C
from ..panel import Panel, attempt, need, with_messages
from ..sheet_parts import frame_html, heading, note

NEW = "（新しく追加する）"


def _text(desc: str, placeholder: str = "", width: str = "36em") -> W.Text:
    return W.Text(description=desc, placeholder=placeholder, layout=W.Layout(width=width))


class LogPanel(Panel):
    """A table of rows above one form: choose a row to edit it, or 「新しく追加する」 to add one."""

    step = 0
    table_name = ""
    listens = frozenset({"log"})

    def fields(self) -> dict[str, W.Widget]:
        raise NotImplementedError

    def frame(self):
        raise NotImplementedError

    def row_options(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def load(self, row_id: str | None) -> None:
        """Fill the form with the chosen row (or empty it for a new one)."""
        raise NotImplementedError

    def build(self) -> W.Widget:
        title, text = self.model.guide_step(self.step)
        self.table = W.HTML()
        self.pick = W.Dropdown(description="編集する行", options=[(NEW, None)], layout=W.Layout(width="30em"))
        self.pick.observe(lambda ch: attempt(self.msg, lambda: self.load(ch["new"])), names="value")
        self.form = self.fields()
        inputs, self.msgs = with_messages(self.form)
        self.add_btn = C.button("追加", button_style="primary")
        self.update_btn = C.button("変更を保存", button_style="info")
        self.delete_btn = C.button("削除", button_style="danger")
        self.add_btn.on_click(self.add)
        self.update_btn.on_click(self.update)
        self.delete_btn.on_click(self.delete)
        self.msg = W.HTML()
        return W.VBox([note(text, f"ガイド：Step{self.step} {title}"), self.table, *self.extra_top(),
                       heading(f"{self.table_name}を追加・編集"), self.pick, *inputs,
                       W.HBox([self.add_btn, self.update_btn, self.delete_btn]), self.msg, *self.extra_bottom()])

    def extra_top(self) -> list[W.Widget]:
        return []

    def extra_bottom(self) -> list[W.Widget]:
        return []

    def show_table(self) -> None:
        df = self.frame()
        self.table.value = frame_html(df) if len(df) else heading("（まだありません）").value

    def refresh(self) -> None:
        self.show_table()
        C.set_options(self.pick, [(NEW, None)] + self.row_options())
        self.load(self.pick.value)

    def saved(self) -> None:
        self.refresh()
        self.view.changed("log", self)

    def add(self, *_) -> None:
        ok, new_id = attempt(self.msg, self.do_add, lambda i: f"追加しました：{i}", fields=self.msgs)
        if ok:
            self.pick.value = None
            self.load(None)
            self.saved()

    def update(self, *_) -> None:
        row_id = self.pick.value
        if attempt(self.msg, lambda: self.do_update(need(row_id, "編集する行を選んでください。", "pick")),
                   f"{row_id} を保存しました", fields=self.msgs, reload=self.refresh)[0]:
            self.saved()

    def delete(self, *_) -> None:
        row_id = self.pick.value
        if attempt(self.msg, lambda: self.do_delete(need(row_id, "削除する行を選んでください。", "pick")),
                   f"{row_id} を削除しました")[0]:
            self.pick.value = None
            self.saved()


class CasesPanel(LogPanel):
    """Step1: the cases found (town, what they did, source)."""

    title = TAB_TITLES["cases"]
    step = 1
    table_name = "取組事例"

    def fields(self):
        self.town = _text("自治体", "例：A市", "20em")
        self.what = W.Textarea(description="取組内容", placeholder="例：申請書の自動作成で窓口の待ち時間を短縮",
                               layout=W.Layout(width="36em", height="4em"))
        self.source = _text("出典・URL", "例：R3 TYPE1採択事例集 p.12／近隣自治体への照会")
        self.notes = _text("メモ")
        return {"town": self.town, "what": self.what, "source": self.source, "notes": self.notes}

    def extra_top(self):
        refs = self.model.card.references
        own = refs[refs.scope == "D"]
        text = "\n".join(f"{r.title}：{r.summary}" for r in own.itertuples() if "事例" in r.title)
        return [note(text, "ガイドが挙げる事例集")] if text else []

    def frame(self):
        return self.model.cases_frame()

    def row_options(self):
        return [(f"{r.case_id} {r.town}", r.case_id) for r in self.model.cases().itertuples()]

    def load(self, row_id):
        row = self.model.cases().set_index("case_id").loc[row_id] if row_id else None
        for name, w in self.form.items():
            w.value = "" if row is None else row[name]

    def _values(self):
        return self.town.value, self.what.value, self.source.value, self.notes.value

    def do_add(self):
        return self.model.add_case(*self._values())

    def do_update(self, row_id):
        self.model.update_case(row_id, *self._values())

    def do_delete(self, row_id):
        self.model.delete_case(row_id)


class ServicesPanel(LogPanel):
    """Steps 2 and 3: services of one kind, their 候補 ticks, and the hand-over of candidates to type E."""

    kind = CASE
    table_name = "サービス"
    listens = frozenset({"log", "candidates"})

    def fields(self):
        self.case = W.Dropdown(description="取組事例", layout=W.Layout(width="30em"))
        self.name = _text("サービス名", "例：書かない窓口")
        self.vendor = _text("事業者", "例：株式会社〇〇", "24em")
        self.keywords = _text("キーワード・カテゴリ", "例：窓口DX、行かない窓口（「、」で区切る）")
        self.unknown = _text("まだ分からないこと", "例：基幹系システムと連携できるか（RFIの質問になります）")
        self.notes = _text("メモ")
        out = {"case": self.case, "name": self.name, "vendor": self.vendor, "keywords": self.keywords}
        if self.kind == SIMILAR:
            self.found_at = W.Dropdown(description="見つけた場所", options=[("（選ぶ）", None)] +
                                       [(v, k) for k, v in FOUND_AT.items()], layout=W.Layout(width="24em"))
            out["found_at"] = self.found_at
        return {**out, "unknown": self.unknown, "notes": self.notes}

    def extra_top(self):
        self.candidates = W.VBox()
        self.send_btn = C.big_button("候補をEタイプの事業者一覧へ送る", "success",
                                     "候補にチェックしたサービスを、Eタイプ作業台の「3 事業者」に追加する")
        self.send_btn.on_click(self.send)
        self.send_msg = W.HTML()
        self.hint = W.HTML()
        return [self.hint, heading("候補", "Eタイプで比べたいサービスにチェックします（事業者名が必要です）。"),
                self.candidates, self.send_btn, self.send_msg]

    def frame(self):
        return self.model.services_frame(self.kind)

    def row_options(self):
        return [(f"{r.service_id} {r.name}", r.service_id) for r in self.model.services(self.kind).itertuples()]

    def refresh(self) -> None:
        first = [] if self.kind == CASE else [("（なし）", None)]
        C.set_options(self.case, first + [(f"{r.case_id} {r.town}", r.case_id) for r in self.model.cases().itertuples()]
                      or [(f"（先に「{TAB_TITLES['cases']}」で事例を追加）", None)])
        super().refresh()
        self.refresh_candidates()

    def refresh_candidates(self) -> None:
        """The 候補 ticks and the table, rebuilt from the file (new widgets, so loading never saves)."""
        self.show_table()
        rows = []
        for r in self.model.services(self.kind).itertuples():
            box = W.Checkbox(value=bool(r.candidate), indent=False, layout=W.Layout(width="auto"),
                             description=f"候補：{r.service_id} {r.name}（{r.vendor or '事業者名なし'}）"
                             + (f" → Eタイプ {r.sent_vendor_id}" if r.sent_vendor_id else ""))
            box.observe(lambda ch, i=r.service_id: self.tick(i, ch["new"]), names="value")
            rows.append(box)
        self.candidates.children = rows
        kws = self.model.open_keywords()
        self.hint.value = "" if self.kind == CASE or not kws else \
            note("、".join(kws), "まだ類似サービスを調べていないキーワード").value

    def load(self, row_id):
        row = self.model.services().set_index("service_id").loc[row_id] if row_id else None
        for name, w in self.form.items():
            value = None if row is None else row["case_id" if name == "case" else name]
            if isinstance(w, W.Dropdown):
                values = [o[1] for o in w.options]
                w.value = value if value in values else values[0] if values else None
            else:
                w.value = value or ""

    def _values(self):
        return dict(name=self.name.value, vendor=self.vendor.value, keywords=self.keywords.value,
                    case_id=self.case.value or "", found_at=getattr(self, "found_at", None) and self.found_at.value or "",
                    notes=self.notes.value, unknown=self.unknown.value)

    def do_add(self):
        return self.model.add_service(self.kind, **self._values())

    def do_update(self, row_id):
        self.model.update_service(row_id, **self._values())

    def do_delete(self, row_id):
        self.model.delete_service(row_id)

    def tick(self, service_id: str, value: bool) -> None:
        ok = attempt(self.send_msg, lambda: self.model.set_candidate(service_id, bool(value)),
                     f"{service_id} を{'候補にしました' if value else '候補から外しました'}")[0]
        self.refresh_candidates()   # a refused tick goes back to what the file holds
        if ok:
            self.view.changed("candidates", self)

    def send(self, *_) -> None:
        if attempt(self.send_msg, self.model.send_candidates_to_e, lambda h: h.message, reload=self.refresh)[0]:
            self.refresh_candidates()
            self.view.changed("candidates", self)


class CaseServicesPanel(ServicesPanel):
    title = TAB_TITLES[CASE]
    step = 2
    kind = CASE
    table_name = "事例で実装されたサービス"


class SimilarServicesPanel(ServicesPanel):
    title = TAB_TITLES[SIMILAR]
    step = 3
    kind = SIMILAR
    table_name = "類似サービス"
