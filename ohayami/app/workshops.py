"""The workshops a facilitator can open in the app: list, create, find by join code.

A workshop is one workshop file (see :mod:`ohayami.store`) whose settings also hold its kind
(the chart, a type's worksheet or the project summary: :data:`KINDS`), its date and a short join code. The file's name is derived from the workshop's
name after validation, so a name can never reach outside the workshops folder; participants see
the name and the join code, never the file.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import OhayamiError
from ..labels import WORKSHOP_KIND_LABELS
from ..store import SUFFIX, default_folder, open_workshop
from ..textio import one_line

MAX_NAME = 40
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or copied from a projector survives.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 5

# kind → (what a facilitator reads, the notebook that serves it). A new worksheet is one entry; a
# kind is offered only while its notebook is in the notebooks folder (see available_kinds).
_NOTEBOOKS = {
    "chart": "01_chart.ipynb", "A": "10_type_a_readiness.ipynb", "B": "11_type_b_flow.ipynb",
    "C": "02_type_c_problems.ipynb", "D": "13_type_d_research.ipynb", "E": "03_type_e_vendors.ipynb",
    "F": "15_type_f_funding.ipynb", "G": "16_type_g_people.ipynb", "H": "17_type_h_roles.ipynb",
    "I": "18_type_i_experts.ipynb", "summary": "20_project_summary.ipynb",
}
KINDS: dict[str, tuple[str, str]] = {k: (WORKSHOP_KIND_LABELS[k], nb) for k, nb in _NOTEBOOKS.items()}
_MORE_ALIASES = {"チャート": "chart", "まとめ": "summary"}
_FORBIDDEN = set('/\\:*?"<>|')
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_KEYS = {"kind": "app.kind", "date": "app.date", "code": "app.code"}


@dataclass(frozen=True)
class WorkshopEntry:
    """One workshop as the app lists it."""
    name: str
    kind: str        # a key of KINDS, or "" for a file made outside the app (JupyterLab)
    date: str        # ISO date or ""
    code: str        # join code, or "" until one is given

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind][0] if self.kind in KINDS else "（種類未設定）"

    @property
    def notebook(self) -> str:
        """The notebook that serves this workshop's page (the chart when the kind is unknown)."""
        return KINDS.get(self.kind, KINDS["chart"])[1]


def check_name(value: object) -> str:
    """A workshop name that is safe as a file name: Japanese welcome; no path separators, no ``..``,
    no characters Windows refuses in file names, at most :data:`MAX_NAME` characters."""
    name = unicodedata.normalize("NFC", one_line(value, "ワークショップ名", "name", MAX_NAME))
    bad = sorted(c for c in set(name) if c in _FORBIDDEN)
    if bad:
        raise OhayamiError(f"ワークショップ名に使えない文字があります：{' '.join(bad)}　"
                           "（/ \\ : * ? \" < > | は使えません。別の文字に置き換えてください）", field="name")
    if ".." in name or name.startswith(".") or name.endswith("."):
        raise OhayamiError("ワークショップ名の先頭・末尾の「.」と「..」は使えません。", field="name")
    if name.split(".")[0].strip().lower() in _WINDOWS_DEVICES:
        raise OhayamiError(f"「{name}」は Windows で予約された名前のため使えません。別の名前にしてください。",
                           field="name")
    return name


def notebooks_folder() -> Path:
    """Where the kit's notebooks are: ``$OHAYAMI_NOTEBOOKS``, else ``notebooks/`` next to the package."""
    env = os.environ.get("OHAYAMI_NOTEBOOKS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "notebooks"


def available_kinds(folder: str | Path | None = None) -> dict[str, tuple[str, str]]:
    """The kinds whose notebook exists (in :data:`KINDS`' order): a worksheet still being built
    elsewhere is never offered."""
    root = Path(folder) if folder else notebooks_folder()
    return {k: v for k, v in KINDS.items() if (root / v[1]).is_file()}


def _aliases(kinds: dict[str, tuple[str, str]]) -> dict[str, str]:
    out = {}
    for key, (label, _) in kinds.items():
        for word in (key, f"{key}タイプ", label):
            out[unicodedata.normalize("NFKC", word).lower()] = key
    out.update({k: v for k, v in _MORE_ALIASES.items() if v in kinds})
    return out


def check_kind(value: object, folder: str | Path | None = None) -> str:
    """A kind of :func:`available_kinds` (its key, 「Cタイプ」 or its label; case forgiven)."""
    kinds = available_kinds(folder)
    key = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    found = _aliases(kinds).get(key)
    if found:
        return found
    offered = "、".join(f"{k}（{label}）" for k, (label, _) in kinds.items())
    raise OhayamiError(f"ワークショップの種類は次のどれかにしてください：{offered}（いま「{value}」）。", field="kind")


def check_date(value: object) -> str:
    """An ISO date from ``2025-04-01``, ``2025/4/1`` or ``2025年4月1日``; empty means today."""
    if value is None or str(value).strip() == "":
        return dt.date.today().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?",
                     unicodedata.normalize("NFKC", str(value)).strip())
    try:
        return dt.date(*map(int, m.groups())).isoformat()  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        raise OhayamiError(f"日付は 2025-04-01 のように年-月-日で入力してください（いま「{value}」）。",
                           field="date") from None


def check_code(value: object) -> str:
    """A join code as typed: case and surrounding spaces forgiven; anything else refused."""
    code = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise OhayamiError("参加コードが正しくありません。QRコードか、画面に出ているアドレスをもう一度確かめてください。",
                           field="code")
    return code


def workshop_path(name: str, folder: str | Path | None = None) -> Path:
    """The workshop file for a (validated) name."""
    return Path(folder or default_folder()) / f"{check_name(name)}{SUFFIX}"


def _entry(path: Path) -> WorkshopEntry:
    with open_workshop(path, create=False) as ws:
        values = {k: ws.setting(key, "") or "" for k, key in _KEYS.items()}
    return WorkshopEntry(name=path.stem, **values)


_LISTED: dict[Path, tuple[tuple, list]] = {}   # folder → (what its files looked like, their entries)
_LISTED_LOCK = threading.Lock()


def _looks(paths: list[Path]) -> tuple:
    """What the files look like from outside (size, modification time, and the same for the write-ahead
    log where a write waits to be checkpointed): unchanged, their settings are unchanged too."""
    out = []
    for path in paths:
        for p in (path, path.with_name(path.name + "-wal")):
            try:
                st = p.stat()
                out.append((p.name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            except OSError:
                out.append((p.name, None))
    return tuple(out)


def list_workshops(folder: str | Path | None = None) -> list[WorkshopEntry]:
    """Every readable workshop in the folder, newest date first, then by name. Damaged or foreign
    files are skipped (opening them in JupyterLab says what is wrong).

    Opening and checking every file took 127 ms for a year's 43 workshops, and every join address asks
    (a room scanning the QR code at once queued for seconds): the list is kept while no file changed."""
    root = Path(folder or default_folder())
    paths = sorted(root.glob(f"*{SUFFIX}"))
    looks = _looks(paths)
    with _LISTED_LOCK:
        hit = _LISTED.get(root)
    if hit is not None and hit[0] == looks:
        return list(hit[1])
    out = []
    for path in paths:
        try:
            out.append(_entry(path))
        except OhayamiError:
            continue
    entries = sorted(sorted(out, key=lambda e: e.name), key=lambda e: e.date, reverse=True)
    with _LISTED_LOCK:
        _LISTED[root] = (looks, entries)
    return list(entries)


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def create_workshop(name: object, kind: object, date: object = None,
                    folder: str | Path | None = None) -> WorkshopEntry:
    """A new workshop file with its kind, date and a fresh join code. An existing name is refused."""
    path = workshop_path(name, folder)  # type: ignore[arg-type]
    kind, date = check_kind(kind), check_date(date)
    if path.exists():
        raise OhayamiError(f"「{path.stem}」という名前のワークショップは既にあります。一覧から選ぶか、別の名前にしてください。",
                           field="name")
    code = _new_code({e.code for e in list_workshops(path.parent)})
    with open_workshop(path) as ws, ws.batch():
        for key, value in (("kind", kind), ("date", date), ("code", code)):
            ws.set_setting(_KEYS[key], value)
    return WorkshopEntry(path.stem, kind, date, code)


def prepare(entry: WorkshopEntry, kind: object = None, folder: str | Path | None = None) -> WorkshopEntry:
    """The entry ready to be joined: a join code given if it has none, and its kind set (or changed)
    when ``kind`` is given or it has none yet."""
    path = workshop_path(entry.name, folder)
    new_kind = check_kind(kind) if kind else (entry.kind or "chart")
    code = entry.code or _new_code({e.code for e in list_workshops(path.parent)})
    date = entry.date or check_date(None)
    if (new_kind, code, date) != (entry.kind, entry.code, entry.date):
        with open_workshop(path, create=False) as ws, ws.batch():
            for key, value in (("kind", new_kind), ("date", date), ("code", code)):
                ws.set_setting(_KEYS[key], value)
    return WorkshopEntry(entry.name, new_kind, date, code)


def find(name: object, folder: str | Path | None = None) -> WorkshopEntry | None:
    """The workshop called ``name``, or None."""
    path = workshop_path(name, folder)  # type: ignore[arg-type]
    return _entry(path) if path.exists() else None


def find_code(code: object, folder: str | Path | None = None) -> WorkshopEntry | None:
    """The workshop a join code opens, or None (a malformed code raises, and so does a code two files
    share: a copy of a workshop file carries its code, and the copy that sorted first took the room's
    input while the facilitator worked on the original)."""
    code = check_code(code)
    found = [e for e in list_workshops(folder) if e.code == code]
    if len(found) > 1:
        names = "、".join(f"「{e.name}」" for e in found)
        raise OhayamiError(f"参加コード {code} のワークショップが {len(found)} つあります（{names}）。ワークショップの"
                           "ファイルをコピーすると起きます。ファシリテーターは、使わない方のファイルをワークショップの"
                           "フォルダーから移してください（参加者の方は、ファシリテーターに知らせてください）。", field="code")
    return found[0] if found else None
