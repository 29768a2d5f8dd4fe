"""Frozen results (版): a worksheet's result frames saved as they were, with time, who and the
weights version, so that a signed 選定理由 stays what it was whatever is edited afterwards.

A snapshot is one row of the ``snapshots`` table: the frames are kept as JSON values (numbers stay
numbers, text stays text) with the Excel number formats they were exported with, so that exporting a
snapshot later gives the same workbook cells as the export at the moment it was saved. Snapshots
are not part of the whole-workshop workbook (a result can exceed what one Excel cell holds); the
workshop file keeps them, and each one exports as a workbook of its own.
"""

from __future__ import annotations

import json
import math
from typing import Mapping

import pandas as pd

from .errors import OhayamiError
from .formats import jst_text, stamped_name
from .io import xlsx_bytes
from .store import WorkshopStore, now_iso
from .textio import text_field

TABLE = "snapshots"
INFO_SHEET = "版の情報"
LIST_COLUMNS = ["版", "保存日時", "保存した人", "重みの版", "注記"]


def _plain(value: object) -> object:
    """A cell as a JSON value: numpy numbers become Python numbers, NaN/NA become null."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return "・".join(map(str, value))
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def encode(frames: Mapping[str, pd.DataFrame]) -> str:
    """The frames (sheet name → frame) as one JSON text, number formats included."""
    out = {}
    for name, df in frames.items():
        out[str(name)] = {"columns": [str(c) for c in df.columns],
                          "rows": [[_plain(v) for v in row] for row in df.itertuples(index=False)],
                          "number_formats": dict(df.attrs.get("number_formats", {}))}
    return json.dumps(out, ensure_ascii=False)


def decode(text: str) -> dict[str, pd.DataFrame]:
    """The frames of :func:`encode`, in their order, each with its number formats."""
    frames = {}
    for name, f in json.loads(text).items():
        df = pd.DataFrame(f["rows"], columns=f["columns"], dtype=object)
        df.attrs["number_formats"] = f.get("number_formats", {})
        frames[name] = df
    return frames


def save(ws: WorkshopStore, set_id: str, frames: Mapping[str, pd.DataFrame], *, weights_version: int,
         note: object = "", actor: str | None = None) -> int:
    """Keep ``frames`` as the next 版 of the set (1, 2, …); returns its number."""
    note = text_field(note, "版の注記", "note", 200)
    if not frames:
        raise OhayamiError("保存する結果がありません。評価項目・採点がそろってから版として保存してください。", field="snapshot")
    body = encode(frames)
    with ws.batch(actor):
        done = ws.rows(TABLE, set_id=set_id)["no"]
        no = int(max((float(n) for n in done), default=0)) + 1
        ws.upsert(TABLE, {"set_id": set_id, "no": no}, {
            "at": now_iso(), "actor": actor or ws.actor, "note": note, "weights_version": int(weights_version),
            "frames": body}, actor=actor)
    return no


def _row(ws: WorkshopStore, set_id: str, no: object) -> dict:
    try:
        key = int(no)
    except (TypeError, ValueError):
        raise OhayamiError(f"版「{no}」は 1, 2, 3 … の番号で選んでください。", field="snapshot") from None
    row = ws.get(TABLE, set_id=set_id, no=key)
    if row is None:
        raise OhayamiError(f"版 {key} はありません。", field="snapshot")
    return row


def listing(ws: WorkshopStore, set_id: str) -> pd.DataFrame:
    """The saved versions, oldest first: 版, 保存日時 (JST), 保存した人, 重みの版, 注記."""
    r = ws.rows(TABLE, set_id=set_id)
    rows = sorted(([int(float(x.no)), jst_text(x.at), x.actor or "", weights_text(x.weights_version), x.note or ""]
                   for x in r.itertuples()), key=lambda row: row[0])
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def weights_text(version: object) -> str:
    """「当初の重み」 for version 0, else 「版 n」 (see Workbench.current_weights_version)."""
    n = 0 if version is None or version != version else int(float(version))
    return "当初の重み" if n == 0 else f"版{n}"


def frames(ws: WorkshopStore, set_id: str, no: object) -> dict[str, pd.DataFrame]:
    """The frames of 版 ``no`` exactly as they were saved."""
    return decode(_row(ws, set_id, no)["frames"])


def info_frame(ws: WorkshopStore, set_id: str, no: object) -> pd.DataFrame:
    """The 版の情報 sheet: which version, when, who, which weights, the note."""
    row = _row(ws, set_id, no)
    return pd.DataFrame([("版", int(float(row["no"]))), ("保存日時", jst_text(row["at"])), ("保存した人", row["actor"] or ""),
                         ("重みの版", weights_text(row["weights_version"])), ("注記", row["note"] or ""),
                         ("ワークショップ", ws.name)], columns=["項目", "内容"])


def xlsx(ws: WorkshopStore, set_id: str, no: object, *, title: str = "") -> bytes:
    """版 ``no`` as a workbook: the 版の情報 sheet, then the result sheets as they were."""
    sheets = {INFO_SHEET: info_frame(ws, set_id, no), **frames(ws, set_id, no)}
    return xlsx_bytes(sheets, title=title)


def file_name(ws: WorkshopStore, set_id: str, no: object, stem: str) -> str:
    """「選定理由書_版2_2026-11-27_1402.xlsx」: the version and the time it was saved."""
    row = _row(ws, set_id, no)
    return stamped_name(f"{stem}_版{int(float(row['no']))}", "xlsx", row["at"])


class Snapshots:
    """What a worksheet model gains from its snapshots (mixed into the type C and type E models,
    which give ``ws``, ``SET_ID``, ``export_frames()``, ``weights_version()`` and ``FILE_STEM``)."""

    FILE_STEM = "結果"
    RESULT_SHEET = "結果"   # the sheet that exists only once there is a result to freeze

    def save_snapshot(self, note: object = "", actor: str | None = None) -> int:
        """「この結果を版として保存」: freeze the export frames as they are now; returns the 版 number."""
        frames = self.export_frames()
        if self.RESULT_SHEET not in frames:
            raise OhayamiError("まだ結果がありません。評価項目・採点がそろってから版として保存してください。", field="snapshot")
        return save(self.ws, self.SET_ID, frames, weights_version=self.weights_version(), note=note, actor=actor)

    def snapshot_message(self, no: int) -> str:
        """「版 2 として保存しました（2026年11月27日 14:02、当初の重み）」 for the panel."""
        row = listing(self.ws, self.SET_ID).set_index("版").loc[int(no)]
        return f"版 {int(no)} として保存しました（{row['保存日時']}、{row['重みの版']}）。"

    def snapshots_frame(self) -> pd.DataFrame:
        """The saved versions with their time (JST) and weights version, oldest first."""
        return listing(self.ws, self.SET_ID)

    def snapshot_frames(self, no: int) -> dict[str, pd.DataFrame]:
        return frames(self.ws, self.SET_ID, no)

    def snapshot_xlsx(self, no: int) -> bytes:
        """版 ``no`` as a workbook, the same cells as the export when it was saved (plus 版の情報)."""
        return xlsx(self.ws, self.SET_ID, no, title=f"{self.FILE_STEM} 版{int(no)} {self.ws.name}")

    def snapshot_file_name(self, no: int) -> str:
        return file_name(self.ws, self.SET_ID, no, self.FILE_STEM)

    def export_file_name(self, extension: str = "xlsx") -> str:
        """「選定理由書_2026-11-27_1402.xlsx」: the export's name with the time now (JST)."""
        return stamped_name(self.FILE_STEM, extension)
