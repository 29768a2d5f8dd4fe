"""Japanese text in figures renders with real glyphs from the font the kit ships."""

import warnings

import matplotlib
from matplotlib import font_manager

from ohayami import plots


def test_japanese_renders_without_missing_glyphs(tmp_path):
    fig, ax = plots.new_figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning: make it fail
        ax.bar(["課題洗い出し", "評価項目の重みづけ", "−２点"], [3, -2, 1])
        ax.set_title("お悩みタイプ別の人数（診断チャート）")
        ax.set_ylabel("参加者数")
        fig.savefig(tmp_path / "ja.png")
    path = font_manager.findfont(matplotlib.rcParams["font.family"][0], fallback_to_default=False)
    assert path.endswith("ipaexg.ttf")
    assert (tmp_path / "ja.png").stat().st_size > 5000
    matplotlib.pyplot.close(fig)


def test_font_has_the_glyphs_we_use():
    from matplotlib.ft2font import FT2Font
    plots.setup()
    font = FT2Font(font_manager.findfont("IPAexGothic", fallback_to_default=False))
    cmap = font.get_charmap()
    for ch in "診断チャート初めの一手必須任意○△×重みづけ事業者":
        assert ord(ch) in cmap, ch
