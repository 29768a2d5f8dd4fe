"""One weighted multi-criteria engine for type C problems and type E vendor services."""

from .scales import PRESETS, Scale, normalise_entry, parse_scale

__all__ = ["PRESETS", "Scale", "normalise_entry", "parse_scale"]
