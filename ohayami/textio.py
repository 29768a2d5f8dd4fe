"""Reading the CSV files people save from Excel: UTF-8, UTF-8 with BOM or CP932, comma or tab."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from .errors import OhayamiError

ENCODINGS = ("utf-8-sig", "cp932")


def decode_bytes(raw: bytes, name: str = "") -> str:
    """Decode a text file saved by Excel or an editor; BOM or not, UTF-8 or CP932."""
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise OhayamiError(
        "文字コードを判別できません。Excel で「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。",
        file=name or None,
    )


def sniff_delimiter(text: str) -> str:
    """Comma or tab, judged by the header line."""
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def read_text_table(source: str | Path | bytes, name: str = "") -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of a CSV/TSV given as a path or bytes; cells are stripped strings."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise OhayamiError(f"ファイルを読めません（{exc.strerror}）。場所と名前を確かめてください。",
                               file=name) from exc
    else:
        raw = source
    text = decode_bytes(raw, name)
    if not text.strip():
        raise OhayamiError("ファイルが空です。見出し行とデータを入れてください。", file=name or None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        rows = [[cell.strip() for cell in r] for r in reader]
    except csv.Error as exc:
        raise OhayamiError(f"CSV として読めません（{exc}）。引用符「\"」の対応を確かめてください。",
                           file=name or None) from exc
    header, body = rows[0], [r for r in rows[1:] if any(c for c in r)]
    return header, body


def title_key(title: str) -> str:
    """What makes two titles "the same": width (NFKC), case, spaces and punctuation ignored."""
    t = unicodedata.normalize("NFKC", str(title)).lower()
    return re.sub(r"[\s、。・,.!?！？「」（）()\[\]【】]", "", t)
