"""Which workshop a page serves, read from the page's address.

Voilà gives each page's kernel the request's query string in ``$QUERY_STRING`` (Voilà 0.5, see
``voila/handler.py``); the join address carries the workshop's join code as ``?w=<code>``. Opened
in JupyterLab there is no query string, and the notebook's own default is used, as before.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from ..errors import OhayamiError
from .workshops import find, find_code

PARAM = "w"
NAME_PARAM = "workshop"   # what the guide card's links carry (ui.cards.notebook_href)


def code_in_query(query: str | None) -> str | None:
    """The join code in a query string (``w=…``), or None when the address has none."""
    values = parse_qs(query or "", keep_blank_values=True).get(PARAM)
    return values[-1] if values else None


def workshop_in_address(default: str = "workshop", query: str | None = None) -> str:
    """The name of the workshop the page address asks for, or ``default`` without one.

    ``query`` defaults to this kernel's ``$QUERY_STRING``. A code no workshop has raises a Japanese
    :class:`OhayamiError` rather than silently opening another workshop."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    code = code_in_query(query)
    if code is None:
        names = parse_qs(query or "", keep_blank_values=True).get(NAME_PARAM)
        if not names:
            return default
        # a link from a guide card names its workshop: only one that exists opens (never a new file)
        entry = find(names[-1])
        if entry is None:
            raise OhayamiError("このアドレスのワークショップが見つかりません。ファシリテーターに"
                               "参加用のアドレスかQRコードをもらってください。", field="workshop")
        return entry.name
    entry = find_code(code)
    if entry is None:
        raise OhayamiError("この参加用アドレスのワークショップが見つかりません。ファシリテーターに"
                           "新しいQRコードかアドレスをもらってください。", field="code")
    return entry.name
