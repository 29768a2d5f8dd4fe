"""matplotlib set-up shared by every figure: Japanese glyphs and a colour-blind-safe palette.

matplotlib is imported only when a figure is drawn, so ``import ohayami`` stays light.

User text is data, never mathtext: a title like 「料金$x^$の改定」 would otherwise fail to draw
(and take the report with it) and 「A$社$B」 would come out in math glyphs. Every figure function
is wrapped by :func:`plain_text_figure`, so every title, label, tick, annotation and legend text
is drawn literally, whoever adds it.
"""

from __future__ import annotations

import functools

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


def no_mathtext(fig):
    """Draw every text of ``fig`` literally (``$`` is a dollar sign, not mathtext). Returns ``fig``.

    ``Figure.findobj`` also reaches tick labels (asking an axis for its ticks creates them) and
    legend entries, which no ``parse_math=`` argument can reach."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def plain_text_figure(draw):
    """Decorator for a function returning a figure: texts made while it runs are created without
    mathtext, and :func:`no_mathtext` runs on the result."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        setup()  # before the rc_context, which would undo the kit's style on exit
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return no_mathtext(draw(*args, **kwargs))
    return wrapper


def new_figure(width: float = 8.0, height: float = 4.5):
    """A figure and axes with the kit's style applied."""
    setup()
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


EXTRA_COLOURS = ("#999999", "#332288", "#88CCEE", "#117733", "#AA4499", "#DDCC77")


def figure_png(fig, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for a widget or an HTML report); the figure is closed."""
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def colours(n: int) -> list[str]:
    """n distinguishable colours, Okabe–Ito first."""
    base = list(PALETTE[:7]) + list(EXTRA_COLOURS)
    return [base[i % len(base)] for i in range(n)]


def short(text: str, n: int = 16) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


@plain_text_figure
def ranked_contributions(table, breakdown, labels: dict, top: int = 20, title: str = "ランキング（評価項目ごとの内訳）"):
    """Horizontal bars, best at the top, each criterion's contribution stacked."""
    import numpy as np

    t = table[table.selectable].sort_values(["rank", "total"], ascending=[True, False]).head(top)
    fig, ax = new_figure(10, max(3.0, 0.45 * len(t) + 1.6))
    if t.empty:
        ax.text(0.5, 0.5, "まだ順位の付いた候補がありません", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    cols = list(breakdown.columns)
    left = np.zeros(len(t))
    y = np.arange(len(t))[::-1]
    for colour, c in zip(colours(len(cols)), cols):
        vals = breakdown.loc[t.index, c].to_numpy(float)
        ax.barh(y, vals, left=left, color=colour, label=short(labels.get(c, c), 14), edgecolor="white", linewidth=0.5)
        left += np.clip(vals, 0, None)
    ax.set_yticks(y, [f"{int(r)}. {short(n, 18)}" for r, n in zip(t["rank"], t["name"])])
    for yy, total in zip(y, t["total"]):
        ax.text(total, yy, f" {total:.1f}", va="center", fontsize=11)
    ax.set_xlabel("点数")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=10, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


QUADRANT_LABEL_CHARS = 10   # a short title: legible from the back of a room at font size 13
QUADRANT_FONT = 13


def label_box(annotation, renderer):
    """The box of an annotation's text alone (``get_window_extent`` adds its leader line)."""
    from matplotlib.text import Text

    annotation.update_positions(renderer)   # what Annotation.get_window_extent does before measuring
    return Text.get_window_extent(annotation, renderer)


def place_labels(ax, points, texts, *, fontsize: float = QUADRANT_FONT, strong=(), avoid=()) -> list:
    """Label each point with its text where it overlaps no other label, no point and no artist in
    ``avoid``, trying spots around the point from near to far (the kit's own placement: no extra
    library). Far labels get a thin leader line; labels whose index is in ``strong`` are drawn darker
    (IPAexGothic has no bold). Returns the annotations, in the order of ``texts``. A label that finds
    no free spot takes the first spot inside the axes."""
    import numpy as np

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    px = ax.transData.transform(np.asarray(points, float).reshape(-1, 2))
    pt = fig.dpi / 72                      # display pixels per typographic point
    dots = [(x - 6 * pt, y - 6 * pt, x + 6 * pt, y + 6 * pt) for x, y in px]
    taken = [tuple(a.get_window_extent(renderer).extents) for a in avoid]
    frame = ax.get_window_extent(renderer).extents
    angles = np.radians([0, 180, 90, 270, 45, 135, 315, 225, 22, 158, 338, 202, 68, 112, 292, 248])
    spots = [(r * np.cos(a), r * np.sin(a)) for r in (8, 18, 30, 44, 60, 78, 98, 122) for a in angles]
    gap = 4.0   # display pixels between two labels, more than their white ground

    def free(b, k):
        others = taken + [d for i, d in enumerate(dots) if i != k]
        return not any(b[0] < o[2] + gap and b[2] + gap > o[0] and b[1] < o[3] + gap and b[3] + gap > o[1] for o in others)

    def make(k, dx, dy):
        ha = "left" if dx > 1 else "right" if dx < -1 else "center"
        va = "bottom" if dy > 1 else "top" if dy < -1 else "center"
        far = np.hypot(dx, dy) > 20
        return ax.annotate(texts[k], points[k], xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                           fontsize=fontsize, color="#000000" if k in strong else "#333333", zorder=4,
                           # a white ground: a leader line passing under a label does not cross its letters
                           bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
                           arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.8, "shrinkA": 0, "shrinkB": 4}
                           if far else None)

    out = []
    for k in range(len(texts)):
        probe = make(k, 0, 0)
        e = label_box(probe, renderer)
        probe.remove()
        w, h = e.width, e.height
        chosen = fallback = None
        for dx, dy in spots:
            x0 = px[k][0] + dx * pt - (0 if dx > 1 else w if dx < -1 else w / 2)
            y0 = px[k][1] + dy * pt - (0 if dy > 1 else h if dy < -1 else h / 2)
            b = (x0, y0, x0 + w, y0 + h)
            if not (b[0] >= frame[0] and b[2] <= frame[2] and b[1] >= frame[1] and b[3] <= frame[3]):
                continue
            if free(b, k):
                chosen = (dx, dy)
                break
            fallback = fallback or (dx, dy)
        ann = make(k, *(chosen or fallback or spots[0]))
        taken.append(tuple(label_box(ann, renderer).extents))
        out.append(ann)
    return out


@plain_text_figure
def quadrant(table, x, y, labels: dict, xlabel: str, ylabel: str, highlight=(), x_mid=0.5, y_mid=0.5,
             title: str = "効果と難しさ", xticks=None, yticks=None):
    """A 2 × 2 matrix: each point is a candidate, labelled with its short title (★ on the short list)
    where no label covers another; projector-sized text.

    ``x`` and ``y`` are Series of ratios (0–1) indexed like ``table``; ``xticks``/``yticks`` are
    (ratio, text) pairs, e.g. where each entry of the participants' 1–5 scale falls."""
    import numpy as np

    fig, ax = new_figure(10, 7)
    ids = list(table.index)
    xs, ys = x.loc[ids].to_numpy(float), y.loc[ids].to_numpy(float)
    # points on the same spot are spread on a small circle so that every label stays readable
    seen: dict[tuple, int] = {}
    pos = []
    for xi, yi in zip(xs, ys):
        k = (round(xi, 3), round(yi, 3))
        n = seen.get(k, 0)
        seen[k] = n + 1
        ang = n * 2.399  # golden angle
        r = 0.03 * np.sqrt(n)
        pos.append((xi + r * np.cos(ang), yi + r * np.sin(ang)))
    for (px, py), a in zip(pos, ids):
        hot = a in highlight
        ax.scatter(px, py, s=110 if hot else 60, color=PALETTE[1] if hot else PALETTE[0], zorder=3,
                   edgecolor="black" if hot else "none")
    ax.axvline(x_mid, color="#888888", lw=1, ls="--")
    ax.axhline(y_mid, color="#888888", lw=1, ls="--")
    ax.set_xlim(-0.12, 1.12)
    ax.set_ylim(-0.12, 1.12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    for ticks, set_ticks in ((xticks, ax.set_xticks), (yticks, ax.set_yticks)):
        if ticks:
            set_ticks([p for p, _ in ticks], [t for _, t in ticks])
    ax.set_title(title)
    corner = ax.text(1.1, 1.1, "優先して検討", ha="right", va="top", fontsize=13, color=PALETTE[2])
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    texts = [("★" if a in highlight else "") + short(labels.get(a, a), QUADRANT_LABEL_CHARS) for a in ids]
    bold = {i for i, a in enumerate(ids) if a in highlight}
    # the short list is placed first: its labels get the nearest spots
    order = sorted(range(len(ids)), key=lambda i: (i not in bold, i))
    placed = place_labels(ax, [pos[i] for i in order], [texts[i] for i in order],
                          strong={j for j, i in enumerate(order) if i in bold}, avoid=[corner])
    for ann in placed:
        ann.set_gid("oh-point-label")
    return fig


@plain_text_figure
def disagreement_heatmap(spread, labels_rows: dict, labels_cols: dict, rows: list, title: str = "評価のばらつき（0＝一致、1＝正反対）"):
    """Rows × criteria heat map of how far evaluators disagree."""

    cols = list(labels_cols)
    m = spread.pivot(index="alternative_id", columns="criterion_id", values="disagreement").reindex(index=rows, columns=cols)
    fig, ax = new_figure(max(6, 0.9 * len(cols) + 3), max(3, 0.42 * len(rows) + 1.8))
    im = ax.imshow(m.to_numpy(float), cmap="cividis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), [short(labels_cols[c], 8) for c in cols], rotation=35, ha="right")
    ax.set_yticks(range(len(rows)), [short(labels_rows.get(r, r), 16) for r in rows])
    for i in range(len(rows)):
        for j in range(len(cols)):
            v = m.iat[i, j]
            if v == v:
                ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=9, color="white" if v < 0.6 else "black")
    fig.colorbar(im, ax=ax, fraction=0.04)
    ax.set_title(title)
    return fig


def _ranking_order(table) -> list:
    """Selectable vendors by total, then the others (the order of the results table)."""
    return list(table.sort_values(["selectable", "total"], ascending=[False, False]).index)


def _mark_ranks(ax, table, order, tops) -> None:
    """「1位」 over each selectable bar, 「除外・対象外」 (hatched) over the others."""
    for i, a in enumerate(order):
        if not table.loc[a, "selectable"]:
            ax.bar(i, tops[i], fill=False, hatch="//", edgecolor="#B00020", linewidth=0)
            ax.text(i, tops[i], "除外・対象外", ha="center", va="bottom", fontsize=10, color="#B00020")
        else:
            ax.text(i, tops[i], f"{int(table.loc[a, 'rank'])}位", ha="center", va="bottom", fontsize=11)


@plain_text_figure
def total_bars(table, max_total: float | None, title: str = "合計点（順位を決める点数）"):
    """The totals that decide the ranking: technical points and price points stacked per vendor,
    with the 合計の満点 as a dashed line (none under a price formula without a maximum)."""
    import numpy as np

    order = _ranking_order(table)
    fig, ax = new_figure(max(7, 1.1 * len(order) + 4), 5)
    tech = table.loc[order, "technical"].to_numpy(float)
    price = table.loc[order, "total"].to_numpy(float) - tech
    ax.bar(range(len(order)), tech, color=PALETTE[0], label="技術点", edgecolor="white")
    if np.abs(price).max(initial=0) > 0:
        ax.bar(range(len(order)), price, bottom=tech, color=PALETTE[1], label="価格点", edgecolor="white")
    tops = table.loc[order, "total"].to_numpy(float)
    _mark_ranks(ax, table, order, tops)
    if max_total is not None and max_total == max_total:
        ax.axhline(max_total, color="#555555", linestyle="--", linewidth=1)
        ax.text(len(order) - 0.5, max_total, f"合計の満点 {round(float(max_total), 2):g}点", ha="right", va="bottom",
                fontsize=10, color="#555555")
        ax.set_ylim(0, max_total * 1.12)
        ax.set_ylabel(f"合計点（満点 {round(float(max_total), 2):g}点）")
    else:
        ax.set_ylabel("合計点")
        ax.margins(y=0.12)
    ax.set_xticks(range(len(order)), [short(table.loc[a, "name"], 10) for a in order], rotation=20, ha="right")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=10, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@plain_text_figure
def group_bars(table, groups, group_max, title: str = "要件内訳ごとの点数（事業者別）", max_technical: float | None = None):
    """Stacked bars: each vendor's technical score split by requirement group; excluded vendors hatched.
    With ``max_technical`` the axis says the 技術点の満点."""
    import numpy as np

    order = _ranking_order(table)
    fig, ax = new_figure(max(7, 1.1 * len(order) + 4), 5)
    bottom = np.zeros(len(order))
    cols = list(groups.columns)
    for colour, g in zip(colours(len(cols)), cols):
        vals = groups.loc[order, g].to_numpy(float)
        ax.bar(range(len(order)), vals, bottom=bottom, color=colour, label=short(g or "（区分なし）", 14), edgecolor="white")
        bottom += vals
    _mark_ranks(ax, table, order, bottom)
    ax.set_xticks(range(len(order)), [short(table.loc[a, "name"], 10) for a in order], rotation=20, ha="right")
    ax.set_ylabel("技術点" if max_technical is None else f"技術点（満点 {round(float(max_technical), 2):g}点）")
    ax.margins(y=0.12)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=10, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@plain_text_figure
def radar(groups, group_max, names: dict, top: int = 6, title: str = "要件内訳ごとの達成度（満点に対する割合）"):
    """One small radar chart per vendor: each requirement group's share of its maximum."""
    import numpy as np

    setup()
    import matplotlib.pyplot as plt

    cols = [g for g in groups.columns if group_max.get(g, 0) > 0]
    vendors = list(groups.index[:top])
    n = max(1, len(vendors))
    ncol = min(3, n)
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 4.2 * nrow), subplot_kw={"projection": "polar"}, squeeze=False)
    if len(cols) < 3:
        for ax in axes.ravel():
            ax.set_axis_off()
        axes[0, 0].text(0.5, 0.5, "要件内訳が3つ以上あるとレーダーチャートを描きます", transform=axes[0, 0].transAxes,
                        ha="center")
        return fig
    angles = np.linspace(0, 2 * np.pi, len(cols), endpoint=False)
    for k, ax in enumerate(axes.ravel()):
        if k >= len(vendors):
            ax.set_axis_off()
            continue
        a = vendors[k]
        vals = np.array([groups.loc[a, g] / group_max[g] for g in cols])
        ax.plot(np.r_[angles, angles[:1]], np.r_[vals, vals[:1]], color=PALETTE[k % 7], lw=2)
        ax.fill(np.r_[angles, angles[:1]], np.r_[vals, vals[:1]], color=PALETTE[k % 7], alpha=0.25)
        ax.set_xticks(angles, [short(g, 7) for g in cols], fontsize=9)
        ax.set_ylim(0, 1)
        ax.set_yticks([0.5, 1.0], ["50%", "100%"], fontsize=8)
        ax.set_title(short(names.get(a, a), 14), fontsize=12, pad=14)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


@plain_text_figure
def rank_probability_heatmap(prob, names: dict, title: str = "重みを ±20% 動かしたときの順位の確率"):
    fig, ax = new_figure(max(5, 0.9 * prob.shape[1] + 4), max(3, 0.5 * len(prob) + 1.6))
    im = ax.imshow(prob.to_numpy(float), cmap="cividis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(prob.shape[1]), [f"{c}位" for c in prob.columns])
    ax.set_yticks(range(len(prob)), [short(names.get(a, a), 14) for a in prob.index])
    for i in range(len(prob)):
        for j in range(prob.shape[1]):
            v = prob.iat[i, j]
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=10, color="white" if v < 0.6 else "black")
    fig.colorbar(im, ax=ax, fraction=0.04)
    ax.set_title(title)
    return fig


def tally_figure(df, primary: str | list[str] | None = None):
    """Bar chart of participants per type (``type_id``, ``count``), the ``primary`` type highlighted;
    several primary types (a tie) are all highlighted and the title says they tie."""
    primary = [primary] if isinstance(primary, str) else list(primary or [])
    fig, ax = new_figure(9, 4.2)
    colors = [PALETTE[1] if t in primary else PALETTE[0] for t in df["type_id"]]
    bars = ax.bar(list(df["type_id"]), df["count"], color=colors)
    ax.bar_label(bars, labels=[str(c) if c else "" for c in df["count"]], padding=2)
    ax.set_ylabel("人数")
    ax.set_xlabel("お悩みタイプ")
    tie = "・".join(primary) + ("が同数" if len(primary) > 1 else "")
    ax.set_title("お悩みタイプ別の人数" + (f"（主なタイプ：{tie}）" if primary else ""))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@plain_text_figure
def projector_bars(names, totals, highlight=(), maximum: float | None = None, title: str = "合計点"):
    """Horizontal bars of the totals, best at the top, for a projector at 1024×768: large type, at
    most ~950 px wide at the kit's dpi; the bars at positions ``highlight`` in the second colour."""
    n = max(1, len(names))
    fig, ax = new_figure(9.2, min(6.4, 0.55 * n + 1.5))
    y = list(range(len(names)))[::-1]
    colours_ = [PALETTE[1] if i in set(highlight) else PALETTE[0] for i in range(len(names))]
    bars = ax.barh(y, list(totals), color=colours_)
    ax.bar_label(bars, labels=[f"{round(t, 2):g}" for t in totals], padding=4, fontsize=16)  # as the table says
    ax.set_yticks(y, [short(t, 14) for t in names], fontsize=16)
    ax.tick_params(axis="x", labelsize=14)
    top = maximum if maximum is not None and maximum == maximum and maximum > 0 else max(list(totals) or [1])
    ax.set_xlim(0, top * 1.15)
    ax.set_title(title, fontsize=18)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
