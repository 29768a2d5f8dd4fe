"""A named registry of small method objects (price formulas, weighting methods)."""

from __future__ import annotations

from typing import Generic, Iterator, Mapping, TypeVar

from ..errors import OhayamiError

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """name → method object, in the order registered. ``what`` names the kind in Japanese for the
    error raised on an unknown name (on ``field``)."""

    def __init__(self, what: str, field: str):
        self._items: dict[str, T] = {}
        self.what, self.field = what, field

    def register(self, item: T) -> T:
        """Add (or replace) ``item`` under its ``name``; returns it."""
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def methods(self) -> list[T]:
        """Every item, in the order registered."""
        return list(self._items.values())

    def get_or_raise(self, name: str) -> T:
        """The item called ``name``; raises OhayamiError naming the ones there are."""
        try:
            return self._items[name]
        except KeyError:
            raise OhayamiError(f"{self.what}「{name}」はありません。{'・'.join(self._items)} のどれかにしてください。",
                               field=self.field) from None

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
