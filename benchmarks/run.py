"""How fast the kit feels, measured against the alternatives in the same run. Prints; never fails.

    .venv/bin/python benchmarks/run.py            # everything (about two minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # fewer repetitions, and no room (below)
    .venv/bin/python benchmarks/run.py --room     # only the room: 1, 8 and 30 participants at once

Each line gives a figure, what it is compared against, the ratio, and the target where the issue set
one. Figures are medians of repeated runs; comparisons are measured in the same run so that machine
noise cancels out in the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_room import bench_room  # noqa: E402
from bench_scoring import median_time  # noqa: E402  (one timing helper for both benchmarks)

ROWS: list[tuple[str, str, str, str, str]] = []


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1e3:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def row(what: str, value: float, against: str = "", other: float | None = None, target: str = "") -> None:
    ratio = f"{value / other:.2f}×" if other else ""
    ROWS.append((what, fmt(value), f"{against} {fmt(other)}" if other is not None else against, ratio, target))
    print(f"  {what}: {fmt(value)}" + (f"  vs {against} {fmt(other)} ({ratio})" if other is not None else ""), flush=True)


# ---------------------------------------------------------------------- import time

def python_time(code: str, repeat: int) -> float:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return median_time(lambda: subprocess.run([sys.executable, "-c", code], check=True, env=env), repeat)


def bench_import(repeat: int) -> None:
    print("import", flush=True)
    base = python_time("pass", repeat)
    pandas = python_time("import pandas", repeat) - base
    kit = python_time("import ohayami", repeat) - base
    row("import ohayami (interpreter start-up subtracted)", kit, "import pandas", pandas, "≤ 1.5× pandas")


# ---------------------------------------------------------------------- notebooks

BARE = [("code", "import pandas, matplotlib.pyplot, ipywidgets as W\nW.Button(description='x')")]


def run_notebook(path: Path, workshops: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    os.environ["OHAYAMI_WORKSHOPS"] = str(workshops)
    t = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return time.perf_counter() - t


def bench_notebooks(repeat: int) -> None:
    print("notebooks (kernel start + run all cells until the widgets are ready)", flush=True)
    sys.path.insert(0, str(ROOT / "tools"))
    from new_notebook import write

    tmp = Path(tempfile.mkdtemp())
    bare = tmp / "bare.ipynb"
    write(bare, BARE)
    base = median_time(lambda: run_notebook(bare, tmp), repeat)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        t = median_time(lambda: run_notebook(nb, tmp), repeat)
        row(f"notebook {nb.name}", t, "bare notebook (pandas, matplotlib, ipywidgets)", base, "< 2× bare")


# ---------------------------------------------------------------------- evaluation and sensitivity

def bench_engine(repeat: int) -> None:
    from bench_scoring import CASES, make

    from ohayami.scoring import Evaluation, Rules, evaluate, rank_probabilities

    print("scoring engine", flush=True)
    rules = Rules(combine="average", rounding="round", digits=1, min_total_ratio=0.3)
    for label, (A, C, E) in CASES.items():
        alts, crit, scores = make(A, C, E)
        full = median_time(lambda: evaluate(Evaluation(alts, crit, scores), rules), repeat)
        row(f"full evaluation, {label}", full, target="< 50 ms at workshop scale" if "×10" not in label else "")
        if "type E  " in label:
            ev = Evaluation(alts, crit, scores)
            draws = median_time(lambda: rank_probabilities(ev, rules, draws=10_000), max(1, repeat // 2))
            row(f"sensitivity, 10,000 draws, {label}", draws, target="< 0.5 s")


def bench_mcda(repeat: int) -> None:
    print("weighted-sum ranking per call, against established MCDA libraries", flush=True)
    from ohayami.scoring import Criterion, Evaluation, evaluate

    rng = np.random.default_rng(0)
    A, C = 20, 40
    ratings = rng.integers(1, 6, size=(A, C))
    points = rng.integers(1, 10, size=C).astype(float)
    import pandas as pd

    scores = pd.DataFrame({"evaluator": "e", "alternative_id": np.repeat([f"a{i}" for i in range(A)], C),
                           "criterion_id": np.tile([f"c{j}" for j in range(C)], A), "value": ratings.ravel()})
    crit = [Criterion(f"c{j}", points=points[j]) for j in range(C)]
    ev = Evaluation([f"a{i}" for i in range(A)], crit, scores)
    matrix = ev.R[0]
    ours = evaluate(ev).table["technical"].to_numpy()

    def cold():
        ev._cache.clear()  # the derived arrays an Evaluation keeps: recomputed, as after any edit
        return evaluate(ev)

    t_ours = median_time(lambda: evaluate(ev), repeat * 20)
    t_cold = median_time(cold, repeat * 20)
    try:
        import skcriteria as skc
        from skcriteria.agg.simple import WeightedSumModel

        dm = skc.mkdm(matrix, [max] * C, weights=points)
        theirs = WeightedSumModel().evaluate(dm).e_.score
        agree = np.allclose(ours, theirs)
        t = median_time(lambda: WeightedSumModel().evaluate(skc.mkdm(matrix, [max] * C, weights=points)), repeat * 20)
        row(f"ohayami evaluate() 20 × 40 (agrees with scikit-criteria: {agree})", t_ours, "scikit-criteria WSM", t)
        row("ohayami evaluate() 20 × 40, derived arrays recomputed", t_cold, "scikit-criteria WSM", t)
    except ImportError:
        ROWS.append(("scikit-criteria", "not installed", "", "", ""))
    try:
        from pymcdm.methods import WSM

        wsm = WSM(normalization_function=lambda x, cost=False: x)
        w = points / points.sum()
        theirs = wsm(matrix, w, np.ones(C)) * points.sum()
        agree = np.allclose(ours, theirs)
        t = median_time(lambda: wsm(matrix, w, np.ones(C)), repeat * 20)
        row(f"ohayami evaluate() 20 × 40 (agrees with pymcdm: {agree})", t_ours, "pymcdm WSM", t, "≤ 1× pymcdm")
        row("ohayami evaluate() 20 × 40, derived arrays recomputed", t_cold, "pymcdm WSM", t, "≤ 1× pymcdm")
        res = evaluate(ev)
        t_frames = median_time(lambda: (res.__dict__.pop("table", None), res.table), repeat * 20)
        row("building the labelled result table once it is read", t_frames)
    except ImportError:
        ROWS.append(("pymcdm", "not installed", "", "", ""))


# ---------------------------------------------------------------------- the reaction to one edited score

def fill_type_c(ws, P=200, C=10, E=30):
    from ohayami.problems import ProblemWorkbench

    m = ProblemWorkbench(ws)
    rng = np.random.default_rng(0)
    with ws.batch():
        for i in range(P):
            ws.upsert("problems", {"problem_id": f"P{i + 1:03d}"}, {"title": f"課題{i}"})
        while len(m.criteria()) < C:
            m.add_criterion(f"追加の観点{len(m.criteria())}")
        crit = list(m.criteria().criterion_id)[:C]
        for e in range(E):
            for i in range(P):
                for c in crit:
                    ws.upsert("scores", {"set_id": "C", "evaluator": f"参加者{e:02d}", "alternative_id": f"P{i + 1:03d}",
                                         "criterion_id": c}, {"value": str(rng.integers(1, 6))})


def fill_type_e(ws, V=20, C=40, E=10):
    from ohayami.vendors import VendorWorkbench

    m = VendorWorkbench(ws)
    rng = np.random.default_rng(0)
    with ws.batch():
        m.adopt_template(list(range(1, 33)), must={23, 25})
        while len(m.criteria()) < C:
            m.add_criterion(f"独自の項目{len(m.criteria())}", group="機能")
        for v in range(V):
            m.add_vendor(f"事業者{v}", "サービス", 1_000_000 + 10_000 * v)
        crit = m.criteria()
        for e in range(E):
            for v in range(V):
                for r in crit.itertuples():
                    ws.upsert("scores", {"set_id": "E", "evaluator": f"委員{e}", "alternative_id": f"V{v + 1:03d}",
                                         "criterion_id": r.criterion_id},
                              {"value": "はい" if r.must_have else str(rng.integers(1, 6))})


def bench_edit(repeat: int) -> None:
    from ohayami.store import open_workshop
    from ohayami.ui.problems import ProblemsView, ResultsPanel, ScoringPanel
    from ohayami.ui.vendors import ResultsPanel as VendorResults, ScoringPanel as VendorScoring, VendorsView

    print("one edited score → store write, re-ranking, refreshed table", flush=True)
    tmp = Path(tempfile.mkdtemp())
    ws = open_workshop(tmp / "c")
    fill_type_c(ws)
    t0 = time.perf_counter()
    v = ProblemsView(ws)
    row("type C 200 problems: building the view (tabs built when first opened)", time.perf_counter() - t0)
    v.tabs.selected_index = 3
    v.panel(ScoringPanel).who.value = "参加者03"
    results = v.panel(ResultsPanel)
    results.show_results(figures=False)
    dd = v.panel(ScoringPanel).grid.row(0)
    k = [0]

    def edit_c():
        k[0] += 1
        dd[k[0] % len(dd)].value = str(k[0] % 5 + 1)
        results.show_results(figures=False)

    row("type C 200 × 10 × 30: one score to refreshed ranking", median_time(edit_c, repeat * 3), target="< 100 ms")
    def save_c():
        k[0] += 1
        dd[0].value = str(k[0] % 5 + 1)

    row("type C: one score saved (store write, change log)", median_time(save_c, repeat * 3))
    ws2 = open_workshop(tmp / "e")
    fill_type_e(ws2)
    ve = VendorsView(ws2)
    ve.tabs.selected_index = 3
    ve.panel(VendorScoring).s_who.value = "委員3"
    ve.panel(VendorScoring).s_vendor.value = "V005"
    ve.panel(VendorResults).show_results(figures=False)
    cells = [d for d in ve.panel(VendorScoring).cells.values() if "はい" not in [o[1] for o in d.options]]

    def edit_e():
        k[0] += 1
        cells[k[0] % len(cells)].value = str(k[0] % 5 + 1)
        ve.panel(VendorResults).show_results(figures=False)

    row("type E 20 × 40 × 10: one score to refreshed ranking", median_time(edit_e, repeat * 3), target="< 100 ms")


def bench_participant(repeat: int) -> None:
    """What the participant page's server does per request, on the big type C workshop (200 × 10 × 30)."""
    from ohayami.participant import Participation
    from ohayami.store import open_workshop

    print("participant page: one request's work on the server (type C 200 × 10 × 30)", flush=True)
    ws = open_workshop(Path(tempfile.mkdtemp()) / "c")
    fill_type_c(ws)
    p = Participation(ws, "C")
    who = "参加者03"
    row("participant page: state for one participant (what the page shows)", median_time(lambda: p.state(who), repeat * 3),
        target="< 50 ms")
    aid, cid = p.state(who)["alternatives"][0]["id"], p.state(who)["criteria"][0]["id"]
    k = [0]

    def save():
        k[0] += 1
        p.score(who, aid, cid, str(k[0] % 5 + 1))
        p.state(who)

    row("participant page: one score saved and the state answered", median_time(save, repeat * 3), target="< 50 ms")


# ---------------------------------------------------------------------- near-duplicate titles

TITLE_PARTS = (["駅前の", "昼の", "夜の", "冬の", "高齢者の", "子育て世帯の", "山間部の", "休日の", "観光客の", "外国人住民の"],
               ["窓口", "バス", "ごみ出し", "道路", "公園", "図書館", "保育園", "診療所", "駐車場", "街灯", "水道", "避難所",
                "学校", "商店街", "空き家", "除雪", "防災無線", "住民票", "児童館", "介護相談"],
               ["が混む", "が少ない", "が暗い", "が遠い", "が分かりにくい", "が古い", "に時間がかかる", "が足りない",
                "の情報が届かない", "の予約が取りにくい", "の費用が高い", "の担い手がいない"])


def problem_titles(n: int, seed: int = 0) -> list[str]:
    """Titles as a town's survey gives them, with more overlap than a real one: 2,400 phrasings
    and a shared 「…町…丁目」 tail, so that many bigrams are in thousands of titles."""
    rng = np.random.default_rng(seed)
    towns = "北南東西中上下本新旧"
    out, seen = [], set()
    while len(out) < n:
        a, b, c = (parts[rng.integers(len(parts))] for parts in TITLE_PARTS)
        t = f"{a}{b}{c}（{towns[rng.integers(10)]}{towns[rng.integers(10)]}町{rng.integers(1, 100)}丁目）"
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def all_pairs_duplicates(titles: list[str], threshold: float = 0.6) -> int:
    """The near-duplicate check as it was before the index (every pair compared); returns the count."""
    from ohayami.problems import _bigrams, _key_similarity
    from ohayami.textio import title_key

    norms = [title_key(t) for t in titles]
    grams = [_bigrams(k) for k in norms]
    found = 0
    for i in range(len(norms)):
        for j in range(i + 1, len(norms)):
            s = 1.0 if norms[i] == norms[j] else _key_similarity(norms[i], norms[j], grams[i], grams[j])
            if s < 1 and min(len(norms[i]), len(norms[j])) >= 4 and (norms[i] in norms[j] or norms[j] in norms[i]):
                s = max(s, 0.8)
            found += s >= threshold
    return found


def bench_duplicates(repeat: int, n: int = 10_000) -> None:
    from ohayami.problems import ProblemWorkbench
    from ohayami.store import open_workshop

    print(f"near-duplicate titles at {n:,} problems", flush=True)
    titles = problem_titles(n + 200)
    ws = open_workshop(Path(tempfile.mkdtemp()) / "dups")
    with ws.batch():
        for i, t in enumerate(titles[:n], start=1):
            ws.upsert("problems", {"problem_id": f"P{i:05d}"}, {"title": t})
    m = ProblemWorkbench(ws)
    t0 = time.perf_counter()
    pairs = len(m.near_duplicates())
    row(f"first duplicate list at {n:,} problems ({pairs:,} pairs): bigram index built", time.perf_counter() - t0)
    extra = iter(titles[n:])
    row(f"課題を追加 at {n:,} problems (title check and index update)",
        median_time(lambda: m.add_problem(next(extra)), repeat * 3), target="< 100 ms")
    row(f"課題を追加 and the refreshed duplicate list at {n:,} problems",
        median_time(lambda: (m.add_problem(next(extra)), m.near_duplicates()), repeat * 3))
    small = titles[:2000]
    t0 = time.perf_counter()
    all_pairs_duplicates(small)
    before = time.perf_counter() - t0
    from ohayami.problems import TitleIndex
    t0 = time.perf_counter()
    TitleIndex().sync((f"P{i}", t) for i, t in enumerate(small))
    row("duplicate list from scratch at 2,000 problems: bigram index", time.perf_counter() - t0,
        "every pair compared (as before)", before)


# ---------------------------------------------------------------------- memory

MEMORY_SCRIPT = textwrap.dedent("""
    import sys, tempfile, pathlib
    sys.path.insert(0, {bench!r})
    import pandas, matplotlib, ipywidgets, numpy
    {body}
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's peak
    print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")))
""")


def bench_memory() -> None:
    print("peak memory (resident set, one process)", flush=True)
    bench = str(ROOT / "benchmarks")
    base = MEMORY_SCRIPT.format(bench=bench, body="")
    body = textwrap.dedent("""
        from run import fill_type_c, fill_type_e
        from ohayami.store import open_workshop
        from ohayami.ui.problems import ProblemsView, ResultsPanel
        from ohayami.ui.vendors import ResultsPanel as VendorResults, VendorsView
        d = pathlib.Path(tempfile.mkdtemp())
        w = open_workshop(d / "c"); fill_type_c(w); v = ProblemsView(w); v.panel(ResultsPanel).show_results()
        w2 = open_workshop(d / "e"); fill_type_e(w2); ve = VendorsView(w2); ve.panel(VendorResults).show_results()
    """)
    full = MEMORY_SCRIPT.format(bench=bench, body=body)
    kb = [int(subprocess.run([sys.executable, "-c", s], check=True, capture_output=True, text=True).stdout.split()[-1])
          for s in (base, full)]
    ROWS.append(("peak memory, both workbenches at workshop scale with figures", f"{kb[1] / 1024:.0f} MiB",
                 f"pandas + matplotlib + ipywidgets alone {kb[0] / 1024:.0f} MiB", f"{kb[1] / kb[0]:.2f}×", ""))
    print(f"  {ROWS[-1]}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--room", action="store_true", help="only the room (participants joining at once)")
    args = ap.parse_args()
    if args.room:
        args.only = ["room"]
    repeat = 3 if args.quick else 7
    steps = {"import": lambda: bench_import(repeat), "notebooks": lambda: bench_notebooks(max(1, repeat // 3)),
             "engine": lambda: bench_engine(repeat), "mcda": lambda: bench_mcda(repeat), "edit": lambda: bench_edit(repeat),
             "participant": lambda: bench_participant(repeat),
             "duplicates": lambda: bench_duplicates(repeat), "memory": bench_memory,
             "room": lambda: bench_room(ROWS)}
    for name, fn in steps.items():
        if (args.only is None and not (args.quick and name == "room")) or name in (args.only or ()):
            fn()
    print("\n| measurement | value | compared with | ratio | target |\n|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")
    print(json.dumps({"cpus": os.cpu_count(), "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
