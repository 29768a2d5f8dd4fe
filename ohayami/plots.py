"""matplotlib set-up shared by every figure: Japanese glyphs and a colour-blind-safe palette.

matplotlib is imported only when a figure is drawn, so ``import ohayami`` stays light.
"""

from __future__ import annotations

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_READY = False


def setup() -> None:
    """Use the IPAexGothic font shipped by ``matplotlib-fontja`` and projector-friendly sizes."""
    global _READY
    if _READY:
        return
    import matplotlib
    import matplotlib_fontja  # noqa: F401  (registers the font and sets font.family on import)
    from cycler import cycler

    matplotlib.rcParams.update({
        "font.size": 13,
        "axes.titlesize": 15,
        "axes.labelsize": 13,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.unicode_minus": False,   # IPAexGothic has no U+2212; use the ASCII minus
        "figure.dpi": 100,
        "savefig.bbox": "tight",
    })
    _READY = True


def new_figure(width: float = 8.0, height: float = 4.5):
    """A figure and axes with the kit's style applied."""
    setup()
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))
