"""Reading the CSV files people save from Excel: UTF-8, UTF-8 with BOM or CP932, comma or tab."""

from __future__ import annotations

import csv
import io
import math
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


# ---------------------------------------------------------------------- names and free text

MAX_NAME = 60     # a person's name or a department: one line a projector can show
MAX_TEXT = 2000   # free text: long enough for an analysis note, short enough for one Excel cell


# C0/C1 control characters, DEL, and what XML (so XLSX) cannot hold. A newline survives in free text;
# a tab becomes a space. Stripped, not refused: they arrive invisibly from copy and paste, and the
# person typing cannot see what to remove.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab → space, CR/CRLF → newline)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def clean_name(text: object, label: str, field: str, limit: int = MAX_NAME) -> str:
    """Trimmed one-line text of at most ``limit`` characters (may be empty: names and departments are
    optional). Control characters are stripped first."""
    value = " ".join(strip_controls(str(text or "")).split())
    if len(value) > limit:
        raise OhayamiError(f"{label}は{limit}文字以内で入力してください（いま{len(value)}文字）。", field=field)
    return value


def one_line(value: object, label: str, field: str, limit: int) -> str:
    """A required one-line name: spaces folded, not empty, at most ``limit`` characters."""
    text = clean_name(value, label, field, limit)
    if not text:
        raise OhayamiError(f"{label}が空です。", field=field)
    return text


def text_field(value: object, label: str, field: str, limit: int = MAX_TEXT) -> str:
    """Trimmed free text of at most ``limit`` characters, control characters stripped (newlines kept)."""
    text = strip_controls(str(value or "")).strip()
    if len(text) > limit:
        raise OhayamiError(f"{label}は{limit}文字以内にしてください（いま{len(text)}文字）。", field=field)
    return text


# ---------------------------------------------------------------------- numbers typed by people

# What a Japanese keyboard or an Excel cell produces besides ASCII digits.
_WIDE = str.maketrans("０１２３４５６７８９．－＋−", "0123456789.-+-")
# Python's float() also takes "1_000", "inf", "nan" and surrounding junk; people never mean those.
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def _expected(minimum, maximum, strict_min: bool, integer: bool, unit: str) -> tuple[str, str]:
    """(what the field takes, how to fix an out-of-range value) in Japanese."""
    kind = "整数" if integer else "数"
    if minimum is not None and maximum is not None:
        rng, fix = f"{minimum:g}～{maximum:g} の", f"{minimum:g}～{maximum:g} に"
    elif minimum is not None and strict_min:
        rng, fix = f"{minimum:g} より大きい", f"{minimum:g} より大きく"
    elif minimum is not None:
        rng, fix = f"{minimum:g} 以上の", f"{minimum:g} 以上の{kind}に"
    elif maximum is not None:
        rng, fix = f"{maximum:g} 以下の", f"{maximum:g} 以下の{kind}に"
    else:
        rng, fix = "", f"{kind}に"
    return f"{rng}{kind}{f'（{unit}）' if unit else ''}", fix


def parse_number(value: object, label: str, field: str, *, minimum: float | None = None,
                 maximum: float | None = None, strict_min: bool = False, integer: bool = False,
                 unit: str = "", required: bool = True) -> float | None:
    """A number typed by a person (or read from a cell), checked against its range.

    Accepts full-width digits (１２３．５, －), thousands separators 「,」「，」 and a trailing 「円」;
    refuses ``1_000``, ``inf``, ``nan`` and anything too large to be finite. An empty value raises
    (or gives None when ``required`` is False). Every refusal is an :class:`OhayamiError` naming
    ``label``, with ``field`` for the view.
    """
    expect, fix = _expected(minimum, maximum, strict_min, integer, unit)
    if isinstance(value, bool):
        raise OhayamiError(f"{label}「{value}」は数ではありません。{expect}を入れてください。", field=field)
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        number, text = float(value), f"{value}"
    else:
        text = "" if value is None else str(value).strip()
        if text == "":
            if not required:
                return None
            raise OhayamiError(f"{label}が空です。{expect}を入れてください。", field=field)
        t = text.translate(_WIDE).replace("，", ",").replace(" ", "").replace("\u3000", "")
        t = t[:-1] if t.endswith("円") else t
        if "_" in t:
            raise OhayamiError(f"{label}「{text}」に「_」は使えません。桁の区切りには「,」を使ってください。", field=field)
        if "," in t:
            if not _GROUPED.fullmatch(t):
                raise OhayamiError(f"{label}「{text}」の「,」の位置が桁区切りになっていません。{expect}を入れてください"
                                   "（例：1,200,000）。", field=field)
            t = t.replace(",", "")
        if not _PLAIN.fullmatch(t):
            raise OhayamiError(f"{label}「{text}」は数ではありません。{expect}を入れてください"
                               "（全角数字・桁区切りの「,」・「円」も使えます）。", field=field)
        number = float(t)
    if not math.isfinite(number):
        raise OhayamiError(f"{label}「{text}」は大きすぎるか数ではありません。{expect}を入れてください。", field=field)
    out_of_range = ((integer and not number.is_integer())
                    or (minimum is not None and (number < minimum or (strict_min and number == minimum)))
                    or (maximum is not None and number > maximum))
    if out_of_range:
        raise OhayamiError(f"{label}「{text}」は {expect}ではありません。{fix}してください。", field=field)
    return number
