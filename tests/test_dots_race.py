"""Dots placed at the same moment (one person on two devices, two people typing the same name)
never pass the budget and are never lost."""

import multiprocessing as mp

from ohayami.problems import ProblemWorkbench
from ohayami.store import open_workshop


def _place(path, pid, clicks, out, start):
    from ohayami.errors import OhayamiError

    m = ProblemWorkbench(open_workshop(path))
    start.wait(60)   # everyone clicks at the same moment
    ok = 0
    for _ in range(clicks):
        try:
            m.place_dot("田中", pid)
            ok += 1
        except OhayamiError:
            pass
    out.put(ok)


def test_concurrent_dots_keep_the_budget_and_lose_nothing(tmp_path):
    path = tmp_path / "d.ohayami"
    m = ProblemWorkbench(open_workshop(path))
    ids = [m.add_problem(t) for t in ("バスが少ない", "窓口が混む", "道が暗い")]
    m.set_dot_budget(3)
    ctx = mp.get_context("spawn")
    out, start = ctx.Queue(), ctx.Barrier(6)
    procs = [ctx.Process(target=_place, args=(path, ids[i % 3], 10, out, start)) for i in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    accepted = sum(out.get(timeout=5) for _ in procs)
    placed = sum(ProblemWorkbench(open_workshop(path)).dots("田中").values())
    assert placed == accepted == 3   # every accepted click is stored, and no more than the budget
