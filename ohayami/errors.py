"""The one error type of the kit: a Japanese message a participant can act on."""

from __future__ import annotations


class OhayamiError(ValueError):
    """Bad input or a broken file, with a Japanese message naming where and how to fix it.

    ``file``, ``row`` and ``column`` locate the problem when it comes from a file;
    ``field`` names the on-screen field a view should show the message next to.
    """

    def __init__(self, message: str, *, file: str | None = None, row: object = None,
                 column: str | None = None, field: str | None = None):
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.field = field
        where = []
        if file:
            where.append(f"ファイル「{file}」")
        if row is not None:
            where.append(f"{row}行目" if isinstance(row, int) else f"「{row}」")
        if column:
            where.append(f"列「{column}」")
        prefix = "の".join(where)
        super().__init__(f"{prefix}：{message}" if prefix else message)
