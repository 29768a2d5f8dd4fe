"""Which workshop a page serves, read from the page's address.

Voilà gives each page's kernel the request's query string in ``$QUERY_STRING`` (Voilà 0.5, see
``voila/handler.py``); the join address carries the workshop's join code as ``?w=<code>``. Opened
in JupyterLab there is no query string, and the notebook's own default is used, as before.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from ..errors import OhayamiError
from .workshops import find_code

PARAM = "w"


def code_in_query(query: str | None) -> str | None:
    """The join code in a query string (``w=…``), or None when the address has none."""
    values = parse_qs(query or "", keep_blank_values=True).get(PARAM)
    return values[-1] if values else None


def workshop_in_address(default: str = "workshop", query: str | None = None) -> str:
    """The name of the workshop the page address asks for, or ``default`` without one.

    ``query`` defaults to this kernel's ``$QUERY_STRING``. A code no workshop has raises a Japanese
    :class:`OhayamiError` rather than silently opening another workshop."""
    code = code_in_query(os.environ.get("QUERY_STRING", "") if query is None else query)
    if code is None:
        return default
    entry = find_code(code)
    if entry is None:
        raise OhayamiError("この参加用アドレスのワークショップが見つかりません。ファシリテーターに"
                           "新しいQRコードかアドレスをもらってください。", field="code")
    return entry.name
