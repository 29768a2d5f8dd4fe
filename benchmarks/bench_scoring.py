"""Scoring-engine benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_scoring.py

Times a full evaluation (build the model from a long table of scores, then evaluate) and the
sensitivity analyses, at workshop scale and at ten times that, for type C (problems) and type E
(vendors). Each figure is the median of several runs.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from ohayami.scoring import Criterion, Evaluation, Rules, evaluate, rank_probabilities, weight_sensitivity

CASES = {
    "type C  200 problems × 10 criteria × 30 participants": (200, 10, 30),
    "type C ×10  2000 × 10 × 30": (2000, 10, 30),
    "type E  20 vendors × 40 criteria × 10 evaluators": (20, 40, 10),
    "type E ×10  200 × 40 × 10": (200, 40, 10),
}


def make(A: int, C: int, E: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    crit = [Criterion(f"c{i}", f"項目{i}", float(rng.integers(1, 10)), "1-5", group=f"g{i % 5}") for i in range(C)]
    e, a, c = np.meshgrid(np.arange(E), np.arange(A), np.arange(C), indexing="ij")
    scores = pd.DataFrame({"evaluator": [f"e{i}" for i in e.ravel()], "alternative_id": [f"a{i}" for i in a.ravel()],
                           "criterion_id": [f"c{i}" for i in c.ravel()],
                           "value": rng.integers(1, 6, e.size).astype(str)})
    return {f"a{i}": f"案{i}" for i in range(A)}, crit, scores


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    print(f"{'case':52} {'build+evaluate':>15} {'evaluate only':>14} {'10,000 draws':>13} {'one-at-a-time':>14}")
    for label, (A, C, E) in CASES.items():
        alts, crit, scores = make(A, C, E)
        ev = Evaluation(alts, crit, scores)
        rules = Rules(combine="average", rounding="round", digits=1, min_total_ratio=0.3)
        full = median_time(lambda: evaluate(Evaluation(alts, crit, scores), rules))
        only = median_time(lambda: evaluate(ev, rules))
        draws = median_time(lambda: rank_probabilities(ev, rules, draws=10_000), repeat=3)
        sens = median_time(lambda: weight_sensitivity(ev, rules), repeat=3)
        print(f"{label:52} {full * 1e3:12.1f} ms {only * 1e3:11.1f} ms {draws * 1e3:10.0f} ms {sens * 1e3:11.0f} ms")


if __name__ == "__main__":
    main()
