"""The app at room scale: N participants open the join address at the same moment.

For each N it starts ``run.py app --share``'s server on a free port with a fresh workshop, opens N
chromium pages at once (one browser, one context per participant, on this same machine) and
measures the time until every page shows its form, the CPU the server and its kernels spent per
participant, the CPU each page's renderer spent, and the memory of each participant's kernel.
Prints; never fails.

Two targets per kind:
- ``C``/``E``: what the join address (the QR code) opens, the participant page (``/p/<code>``, no
  kernel). The workshop is filled as in the chain test; after the form shows, each participant
  names themselves and saves one score, and the time until all have is printed too.
- ``C-workbench``/``E-workbench``: the full workbench page (Voilà, one kernel per page), empty
  workshop, first tab's form, as measured before the participant page existed.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("OHAYAMI_CHROMIUM", "/usr/bin/chromium")
TOKEN = "bench-room-token"
# what "the form is there" means: one concrete control of the first tab, per kind
READY = {"C": "参加する", "E": "参加する", "C-workbench": "課題を追加", "E-workbench": "選んだ項目を追加"}
NOTEBOOK = {"C-workbench": "02_type_c_problems.ipynb", "E-workbench": "03_type_e_vendors.ipynb"}
PAGE_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu(procs) -> dict[int, float]:
    out = {}
    for p in procs:
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except Exception:  # noqa: BLE001 - a process that ended between listing and reading
            pass
    return out


def _tree(pid: int):
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def _settle(pid: int, quiet_s: float = 1.5, limit_s: float = 120) -> None:
    """Wait until the server and its kernels have been (nearly) idle for ``quiet_s``."""
    deadline = time.monotonic() + limit_s
    last = sum(_cpu(_tree(pid)).values())
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = sum(_cpu(_tree(pid)).values())
        if now - last < 0.05 * quiet_s:
            return
        last = now


def psutil_uss(pid: int) -> int:
    """The server process's own memory (USS, bytes; 0 when it cannot be read)."""
    import psutil

    try:
        return psutil.Process(pid).memory_full_info().uss
    except psutil.Error:
        return 0


def _kernels(pid: int):
    return [p for p in _tree(pid) if "ipykernel" in " ".join(_safe_cmdline(p))]


def _safe_cmdline(p) -> list[str]:
    try:
        return p.cmdline()
    except Exception:  # noqa: BLE001
        return []


def _renderers():
    """Chromium processes started by this benchmark (Playwright's driver is our child)."""
    procs = [p for p in _tree(os.getpid()) if "chrom" in (p.name() or "").lower()]
    return procs, [p for p in procs if "--type=renderer" in _safe_cmdline(p)]


async def _open_all(url: str, n: int, ready: str, act: bool = False) -> tuple[list[float], list[float], int, float]:
    """Open ``n`` pages at once; returns (each page's seconds until ready, until its first score was
    saved (``act``), blank pages, browser CPU s)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        contexts = [await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
                    for _ in range(n)]
        pages = [await c.new_page() for c in contexts]
        all_before, _ = _renderers()
        b_before = _cpu(all_before)
        start = time.perf_counter()

        async def one(k, pg):
            try:
                await pg.goto(url, timeout=PAGE_TIMEOUT_S * 1000)
                await pg.get_by_role("button", name=ready).first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
                seen = time.perf_counter() - start
                if not act:
                    return seen, None
                # the participant page: name yourself, then tap the first criterion's 3 and see it saved
                await pg.get_by_label("お名前").fill(f"参加者{k + 1}")
                await pg.get_by_role("button", name="参加する").click()
                await pg.locator(".oh-crit .oh-levels button").nth(2).click(timeout=PAGE_TIMEOUT_S * 1000)
                await pg.get_by_text("保存しました").first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
                return seen, time.perf_counter() - start
            except Exception as e:  # noqa: BLE001 - a page that never showed its form is counted, not raised
                print(f"    a page did not show its form: {type(e).__name__}: {str(e).splitlines()[0][:200]}",
                      flush=True)
                return None, None

        results = await asyncio.gather(*(one(k, pg) for k, pg in enumerate(pages)))
        await asyncio.sleep(2)  # the widgets' last messages after the form shows
        procs, renderers = _renderers()
        after = _cpu(procs)
        browser_cpu = _delta(b_before, {pid: t for pid, t in after.items() if pid in {r.pid for r in renderers}})
        for c in contexts:
            await c.close()
        await browser.close()
    done = [t for t, _ in results if t is not None]
    saved = [t for _, t in results if t is not None]
    return done, saved, n - len(done), browser_cpu


def one_room(kind: str, n: int, extra_env: dict | None = None) -> dict:
    """One fresh server, one workshop of ``kind``, ``n`` participants at once."""
    sys.path.insert(0, str(ROOT))
    from run import app_args

    from ohayami.app import workshops

    folder = Path(tempfile.mkdtemp(prefix="bench-room-"))
    base_kind = kind.split("-")[0]
    entry = workshops.create_workshop(f"ベンチ {kind}", base_kind, "2025-05-01", folder)
    if kind in ("C", "E"):   # the participant page scores what the workshop holds: fill it as the chain test does
        sys.path.insert(0, str(ROOT / "tests"))
        from chain_fill import fill_c, fill_e

        from ohayami.store import open_workshop

        with open_workshop(folder / f"ベンチ {kind}.ohayami") as ws:
            (fill_c if kind == "C" else fill_e)(ws)
    port = _free_port()
    env = dict(os.environ, OHAYAMI_WORKSHOPS=str(folder), PYTHONPATH=str(ROOT), **(extra_env or {}))
    log = open(folder / "server.log", "w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(app_args(Path(sys.executable), True, port, TOKEN), cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2).close()
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.2)
        _settle(proc.pid)  # a kernel pool, if any, is filled before the participants come
        ready_s = time.perf_counter() - t0
        idle_kernels = len(_kernels(proc.pid))
        server_before = psutil_uss(proc.pid)
        before = _cpu(_tree(proc.pid))
        warm_cpu = sum(before.values())  # the server's start and the kernels it prepared ahead
        url = (f"{base}/voila/render/{NOTEBOOK[kind]}?token={TOKEN}&w={entry.code}" if kind in NOTEBOOK
               else f"{base}/j/{entry.code}?token={TOKEN}")
        times, saved, blank, browser_cpu = asyncio.run(_open_all(url, n, READY[kind], act=kind not in NOTEBOOK))
        during = _delta(before, _cpu(_tree(proc.pid)))
        _settle(proc.pid)
        after = _cpu(_tree(proc.pid))
        server_growth = psutil_uss(proc.pid) - server_before
        mem = []
        for k in _kernels(proc.pid):
            try:
                info = k.memory_full_info()
                mem.append((info.uss, info.rss))
            except Exception:  # noqa: BLE001
                pass
        return {"kind": kind, "n": n, "all_s": max(times) if times else float("nan"),
                "saved_s": max(saved) if len(saved) == n else float("nan"),
                "median_s": statistics.median(times) if times else float("nan"), "blank": blank,
                "server_cpu": _delta(before, after) / n, "server_cpu_during": during / n,
                "browser_cpu": browser_cpu / n, "uss": statistics.median(u for u, _ in mem) if mem else 0,
                "rss": statistics.median(r for _, r in mem) if mem else 0, "kernels": len(mem),
                "idle_kernels": idle_kernels, "startup_s": ready_s, "startup_cpu": warm_cpu,
                "server_growth": server_growth}
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


MIB = 1024 * 1024

BREAKDOWN = textwrap.dedent("""
    import sys, tempfile, pathlib, tracemalloc
    def rss():
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) * 1024
    steps = [("python", rss())]
    import ipykernel.ipkernel, ipykernel.kernelapp; steps.append(("ipykernel + IPython (the kernel itself)", rss()))
    import numpy; steps.append(("numpy", rss()))
    import pandas; steps.append(("pandas", rss()))
    import ipywidgets; steps.append(("ipywidgets", rss()))
    from ohayami.ui import {module}; steps.append(("ohayami.ui.{module} (the view's own code)", rss()))
    from ohayami.store import open_workshop
    ws = open_workshop(pathlib.Path(tempfile.mkdtemp()) / "w")
    view = {module}.show(ws); steps.append(("the view built (first tab)", rss()))
    prev = 0
    for name, value in steps:
        print(f"{{name}}\\t{{(value - prev) / 1048576:.1f}}")
        prev = value
    heavy = [m for m in ("matplotlib", "openpyxl", "scipy", "PIL", "segno") if m in sys.modules]
    print(f"heavy modules loaded\\t{{','.join(heavy) or 'none'}}")
""")


def kernel_breakdown(kind: str) -> list[tuple[str, str]]:
    """What a participant's kernel holds, by import step (resident-set growth in MiB)."""
    module = {"C": "problems", "E": "vendors"}[kind]
    out = subprocess.run([sys.executable, "-c", BREAKDOWN.format(module=module)], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT)
    if out.returncode:
        return [("breakdown failed", out.stderr.strip().splitlines()[-1] if out.stderr else "")]
    return [tuple(line.split("\t", 1)) for line in out.stdout.strip().splitlines()]


def bench_room(rows: list, kinds=("C", "E", "C-workbench", "E-workbench"), sizes=(1, 8, 30),
               workbench_sizes=(1, 8), repeat: int = 1) -> None:
    """Measure and print; append one summary row per (kind, N) to ``rows``."""
    print("room: N participants open the join address at once (server, kernels and chromium on this machine)",
          flush=True)
    if not Path(CHROMIUM).exists():
        print(f"  skipped: no chromium at {CHROMIUM}")
        return
    try:
        import playwright.async_api  # noqa: F401
        import psutil  # noqa: F401
    except ImportError as e:
        print(f"  skipped: {e}")
        return
    for kind in kinds:
        workbench = kind in NOTEBOOK
        for n in (workbench_sizes if workbench else sizes):
            runs = []
            for _ in range(repeat):
                try:
                    runs.append(one_room(kind, n))
                except Exception as e:  # noqa: BLE001 - the benchmark prints, it never fails
                    print(f"  {kind} N={n}: failed: {type(e).__name__}: {e}", flush=True)
            if not runs:
                continue
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "kind"}
            blank = int(sum(r["blank"] for r in runs))
            if workbench:
                memory = (f"kernel USS {med['uss'] / MIB:.0f} MiB, RSS {med['rss'] / MIB:.0f} MiB "
                          f"({int(med['kernels'])} kernels after, {int(med['idle_kernels'])} prepared before)")
            else:
                memory = (f"no kernel per participant (server grew {med['server_growth'] / MIB:.0f} MiB; "
                          f"{int(med['idle_kernels'])} workbench kernels prepared)")
            saved = "" if workbench else f"; all joined and saved a score {med['saved_s']:.1f} s"
            line = (f"{kind} N={n:>2}: all see the form {med['all_s']:.1f} s (median page {med['median_s']:.1f} s, "
                    f"blank {blank}){saved}; server CPU/participant {med['server_cpu']:.2f} s "
                    f"(until all see it {med['server_cpu_during']:.2f} s); browser CPU/page {med['browser_cpu']:.2f} s; "
                    f"{memory}; server ready {med['startup_s']:.0f} s, {med['startup_cpu']:.0f} s CPU ahead; "
                    f"{len(runs)} run(s)")
            print("  " + line, flush=True)
            rows.append((f"room {kind}, {n} at once: all see the form", f"{med['all_s']:.1f} s",
                         f"server {med['server_cpu']:.2f} s CPU/participant, browser {med['browser_cpu']:.2f} s/page, "
                         + (f"kernel {med['uss'] / MIB:.0f} MiB USS" if workbench else "no kernel"),
                         f"blank {blank}", "≤ 25 s at 30, ≤ 0.5 s server, ≤ 1 s browser, ≤ 80 MiB"))
        if workbench:
            print(f"  what a type {kind} kernel holds (resident-set growth per step, MiB):", flush=True)
            for name, value in kernel_breakdown(kind.split("-")[0]):
                print(f"    {name}: {value}", flush=True)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--kinds", nargs="*", default=["C", "E", "C-workbench", "E-workbench"])
    ap.add_argument("--sizes", nargs="*", type=int, default=[1, 8, 30], help="participants at once (participant page)")
    ap.add_argument("--workbench-sizes", nargs="*", type=int, default=[1, 8], help="… on the workbench page")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    bench_room([], a.kinds, a.sizes, a.workbench_sizes, a.repeat)
