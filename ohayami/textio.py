"""Reading the text tables people save from Excel or an editor, and the numbers and names they type.

A text table may be UTF-8 (with one BOM, several or none), CP932, UTF-16 with a BOM (Excel's
「Unicode テキスト」) or ISO-2022-JP (JIS, from old mail); separated by commas, tabs or semicolons;
and may start with Excel's ``sep=`` hint. Anything else is refused with the reason, never guessed.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from pathlib import Path

from .errors import OhayamiError

ENCODINGS = ("utf-8-sig", "cp932")

# Limits of one imported table (CSV or XLSX sheet). A workshop's survey or vendor list is a few
# hundred rows; the limits are far above that and low enough that a hostile or mistaken file is
# refused in a moment instead of filling the kernel's memory.
MAX_ROWS = 5000                        # data rows, the header not counted
MAX_COLUMNS = 100
MAX_TABLE_BYTES = 10 * 1024 * 1024     # a CSV file, as saved
SPLIT_HINT = "ファイルを分けて（{rows}行・{cols}列以内ずつ）取り込んでください。"

_JIS_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D", b"\x1b$(Q")
_DELIMITERS = (",", "\t", ";")
_SEP_HINT = re.compile(r"sep=(.)\s*")


def limit_hint() -> str:
    """How to get a file under the import limits, in Japanese."""
    return SPLIT_HINT.format(rows=MAX_ROWS, cols=MAX_COLUMNS)


def first_decoding(raw: bytes, encodings=ENCODINGS) -> str | None:
    """``raw`` decoded with the first of ``encodings`` that fits (UTF-8 with or without BOM, then
    CP932), or None."""
    for enc in encodings:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def decode_bytes(raw: bytes, name: str = "") -> str:
    """Decode a text file saved by Excel or an editor: UTF-8 (any number of BOMs), CP932, UTF-16
    with a BOM or ISO-2022-JP. A file that is none of them is refused, naming the encoding tried."""
    def refuse(what: str) -> OhayamiError:
        return OhayamiError(f"{what}Excel で「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。", file=name or None)

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise refuse(f"UTF-16 のファイルとして読めません（{exc.start} バイト目）。") from exc
    elif any(e in raw for e in _JIS_ESCAPES) and max(raw, default=0) < 0x80:
        try:
            text = raw.decode("iso2022_jp_ext")
        except UnicodeDecodeError as exc:
            raise refuse(f"文字コード ISO-2022-JP（JIS）として読めません（{exc.start} バイト目）。") from exc
    elif b"\x00" in raw:
        raise refuse("文字コードを判別できません（NUL 文字があります。BOM のない UTF-16 か、テキストではないファイルのようです）。")
    elif raw.startswith(b"\xef\xbb\xbf"):
        try:
            text = raw[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            # a BOM says UTF-8: falling back to CP932 would read the whole file as garbage
            raise refuse(f"UTF-8（BOM 付き）のはずですが、{exc.start + 4} バイト目が UTF-8 ではありません。") from exc
    else:
        text = first_decoding(raw)
        if text is None:
            raise refuse("文字コードを判別できません（UTF-8 でも Shift_JIS（CP932）でもありません）。")
    # Some editors add a BOM to a file that already has one; the second would become part of the first header.
    return text.lstrip("\ufeff")


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon, judged by the header line (a comma on a tie)."""
    first = text.split("\n", 1)[0]
    return max(_DELIMITERS, key=lambda d: (first.count(d), d == ","))


def read_text_rows(raw: bytes, name: str = "", *, max_rows: int | None = MAX_ROWS
                   ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of a CSV/TSV given as bytes; blank rows are left out.

    Row numbers are as Excel shows them (the header is row 1, a cell with line breaks is one row).
    Refused with the reason: an unclosed 「"」 (naming the line it opens on), more than ``max_rows``
    data rows or :data:`MAX_COLUMNS` columns, more than :data:`MAX_TABLE_BYTES` bytes.
    """
    where = name or None
    if max_rows is not None and len(raw) > MAX_TABLE_BYTES:
        raise OhayamiError(f"ファイルが大きすぎます（{len(raw) / 2**20:.1f} MB、{MAX_TABLE_BYTES // 2**20} MB まで）。"
                           + limit_hint(), file=where)
    text = decode_bytes(raw, name)
    lines_before = 0
    first, _, rest = text.partition("\n")
    hint = _SEP_HINT.fullmatch(first.strip("\r"))
    if hint:   # Excel's own hint line names the separator; it is not the header
        delimiter, text, lines_before = hint.group(1), rest, 1
    else:
        delimiter = sniff_delimiter(text)
    if not text.strip():
        raise OhayamiError("ファイルが空です。見出し行とデータを入れてください。", file=where)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    last_line = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record]
            while cells and cells[-1] == "":
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise OhayamiError(f"{number}行目に {len(cells)} 列あります（{MAX_COLUMNS}列まで）。" + limit_hint(),
                                   file=where, row=number)
            if max_rows is not None and number > max_rows + 1 and cells:
                raise OhayamiError(f"行が多すぎます（見出しのほかに {max_rows} 行まで）。" + limit_hint(), file=where)
            last_line = reader.line_num
            if cells:
                rows.append((number, cells))
    except csv.Error as exc:
        opened = last_line + 1 + lines_before
        if "end of data" in str(exc):
            msg = (f"テキストの {opened} 行目で始まる引用符「\"」が閉じていません（そこから最後までが一つのセルになってしまいます）。"
                   "「\"」を閉じるか、消してください。")
        else:
            msg = (f"テキストの {reader.line_num + lines_before} 行目の引用符「\"」の後ろに文字があります（{exc}）。"
                   "セルの中の「\"」は「\"\"」と二つ重ねてください。")
        raise OhayamiError(f"CSV として読めません。{msg}", file=where) from exc
    if not rows:
        raise OhayamiError("ファイルが空です。見出し行とデータを入れてください。", file=where)
    if rows[0][0] != 1:
        raise OhayamiError("1行目（見出し行）が空です。1行目に見出しを入れてください。", file=where, row=1)
    return rows[0][1], rows[1:]


def read_text_table(source: str | Path | bytes, name: str = "") -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of a CSV/TSV given as a path or bytes; cells are stripped strings,
    blank rows left out. No row limit: the guide's own data files use it too."""
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
    header, rows = read_text_rows(raw, name, max_rows=None)
    return header, [cells for _, cells in rows]


# Characters that draw nothing: zero-width spaces and joiners, word joiner, BOM, bidi marks (all of
# Unicode's "format" category), and the variation selectors that pick a kanji's glyph.
_INVISIBLE = re.compile(r"[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def title_key(title: str) -> str:
    """What makes two titles "the same": width (NFKC), case, spaces, punctuation and invisible
    characters (zero-width spaces, joiners, BOM) ignored."""
    t = unicodedata.normalize("NFKC", str(title)).lower()
    t = "".join(ch for ch in _INVISIBLE.sub("", t) if unicodedata.category(ch) != "Cf")
    return re.sub(r"[\s、。・,.!?！？「」（）()\[\]【】]", "", t)


def header_key(text: str) -> str:
    """A header as the import compares it: width (NFKC), case, spaces and invisible characters ignored
    (「ＩＤ」 = 「ID」, 「課　題」 = 「課題」)."""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = "".join(ch for ch in _INVISIBLE.sub("", t) if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s", "", t)


# ---------------------------------------------------------------------- names and free text

MAX_NAME = 60     # a person's name or a department: one line a projector can show
MAX_TEXT = 2000   # free text: long enough for an analysis note, short enough for one Excel cell


# C0/C1 control characters, DEL, and what XML (so XLSX) cannot hold. A newline survives in free text;
# a tab becomes a space. Stripped, not refused: they arrive invisibly from copy and paste, and the
# person typing cannot see what to remove.
# also the invisible format characters (zero-width spaces and joiners, direction marks and overrides,
# the BOM): they make look-alike names (「田中」 and 「田\u200b中」) and can disguise what a title says
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


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


# ---------------------------------------------------------------------- dates typed by people

# 2026-12-01, 2026/12/1, 2026.12.1 and 2026年12月1日 (日 optional), after full-width digits are folded
_DATE = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)")
_WIDE_DATE = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


def parse_date(value: object, label: str, field: str, *, required: bool = False) -> str:
    """A calendar date typed by a person, as ISO ``YYYY-MM-DD``.

    Accepts ``2026-12-01``, ``2026/12/1``, ``2026.12.1`` and ``2026年12月1日`` (full-width digits
    too); refuses other spellings and dates that do not exist (2026-02-30). An empty value gives ""
    (or raises when ``required``). Every refusal names ``label`` and carries ``field``."""
    import datetime

    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = strip_controls(str(value or "")).strip()
    if not text:
        if required:
            raise OhayamiError(f"{label}が空です。日付を 2026-12-01 の形で入れてください。", field=field)
        return ""
    m = _DATE.fullmatch(text.translate(_WIDE_DATE))
    if not m:
        raise OhayamiError(f"{label}「{text}」は日付として読めません。2026-12-01・2026/12/1・2026年12月1日 の"
                           "どれかの形で入れてください。", field=field)
    y, mo, d = (int(g) for g in (m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)))
    if not 1 <= mo <= 12 or y < 1:
        why = "月は1～12" if y >= 1 else "0年はありません"
        raise OhayamiError(f"{label}「{text}」はありえない日付です（{why}）。2026-12-01 の形で入れ直してください。",
                           field=field)
    try:
        return datetime.date(y, mo, d).isoformat()
    except ValueError:
        raise OhayamiError(f"{label}「{text}」はありえない日付です（{y}年{mo}月に{d}日はありません）。"
                           "カレンダーで確かめて入れ直してください。", field=field) from None


# ---------------------------------------------------------------------- stored rows read back

def stored_value(value: object) -> object:
    """A stored cell as typed input: NULL (None or NaN) reads as an empty field."""
    return "" if value is None or (isinstance(value, float) and value != value) else value


def stored_row_problem(table_label: str, row_id: str, exc: OhayamiError, fix: str) -> str:
    """The Japanese report of one stored row a worksheet cannot use (a crafted or damaged file): the
    table, the row, the field, what is wrong (``exc``, from the check typed input goes through) and
    how to fix it."""
    from .labels import COLUMN_LABELS

    where = f"（列「{COLUMN_LABELS.get(exc.field, exc.field)}」）" if exc.field else ""
    return f"ワークショップの表「{table_label}」の「{row_id}」{where}が使えないため表示していません：{exc.message}{fix}"
