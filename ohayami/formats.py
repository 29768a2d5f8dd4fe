"""How times, numbers and file names read for a person: JST times, rounding as the rules say.

The workshop file keeps ISO 8601 times with their offset (whatever the machine's zone); a person
reads them in Japan Standard Time as 「2026年11月27日 14:02」. Japan has no daylight saving, so a
fixed +09:00 offset is exact and needs no time-zone database (Windows has none by default).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

JST = timezone(timedelta(hours=9), "JST")
JST_FORMAT_NOTE = "日時はすべて日本時間（JST）"


def to_jst(value: object) -> datetime | None:
    """A time (ISO text or datetime) in JST; None when it is empty or not a time. A time without
    an offset is taken as the machine's local time, as :func:`datetime.now` would give it."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value.strip():
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(JST)


def jst_text(value: object, default: str = "") -> str:
    """「2026年11月27日 14:02」 for a stored time; text that is not a time comes back as it is."""
    dt = to_jst(value)
    if dt is None:
        empty = value is None or value == "" or (isinstance(value, float) and math.isnan(value))
        return default if empty else str(value)
    return f"{dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M}"


def now_jst() -> datetime:
    return datetime.now(JST)


def file_stamp(when: object = None) -> str:
    """「2026-11-27_1402」 (JST), for file names that sort by time."""
    dt = to_jst(when) if when is not None else now_jst()
    return f"{(dt or now_jst()):%Y-%m-%d_%H%M}"


def stamped_name(stem: str, extension: str, when: object = None) -> str:
    """A file name with its JST time: ``stamped_name("選定理由書", "xlsx")`` → 「選定理由書_2026-11-27_1402.xlsx」."""
    return f"{stem}_{file_stamp(when)}.{extension.lstrip('.')}"


def rounded(value: float, digits: int, rounding: str = "round") -> float:
    """``value`` to ``digits`` decimals: ``round`` half up (as a town hall rounds, not to even),
    ``truncate`` toward zero, ``none`` unchanged. Decimal arithmetic, so 0.125 → 0.13."""
    if value is None or not math.isfinite(value) or rounding == "none":
        return value
    mode = ROUND_DOWN if rounding == "truncate" else ROUND_HALF_UP
    q = Decimal(1).scaleb(-int(digits))
    return float(Decimal(repr(float(value))).quantize(q, rounding=mode))


def number_text(value: object, digits: int = 1, rounding: str = "round", *, thousands: bool = False) -> str:
    """A number as a person reads it, with exactly ``digits`` decimals (rounded by ``rounding``;
    ``none`` still shows ``digits`` decimals, rounded half up); "" for an empty value."""
    if value is None or isinstance(value, str) and not value.strip():
        return ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return ""
    v = rounded(v, digits, "round" if rounding == "none" else rounding)
    return f"{v:,.{int(digits)}f}" if thousands else f"{v:.{int(digits)}f}"


def excel_number_format(digits: int, *, thousands: bool = False) -> str:
    """The Excel number format that shows ``digits`` decimals (``0.0``, ``#,##0``)."""
    base = "#,##0" if thousands else "0"
    return base + ("." + "0" * int(digits) if digits > 0 else "")


def change_text(before: dict, after: dict, labels: dict, digits: int) -> str:
    """「機能関連 35.0→24.7、…」: each changed value with both sides shown with the same decimals."""
    return "、".join(f"{labels.get(k, k)} {number_text(before.get(k), digits)}→{number_text(v, digits)}"
                    for k, v in after.items())


def score_value(value: object) -> object:
    """A score as a spreadsheet should hold it: a number when it is one (「4」→4, 「3.5」→3.5),
    the entry itself otherwise (「はい」「B」「○」)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return value
        if not math.isfinite(number):
            return value
        return int(number) if number.is_integer() and "." not in text else number
    return value
