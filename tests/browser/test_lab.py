"""JupyterLab in a real browser: open a notebook, run all cells, see the widgets render and respond."""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import shot


def _wait_kernel_idle(page, base, seconds=90):
    """On a fresh home directory the kernel is still starting when the notebook shows, and Run All
    clicked then runs nothing. The toolbar's indicator says "idle" even before a kernel exists, so
    ask the server: a kernel with the page connected and idle; then the page must say idle too."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/kernels", timeout=10) as r:
                kernels = json.loads(r.read())
        except urllib.error.HTTPError:  # a kernel half-started can make the listing fail for a moment
            kernels = []
        if any(k["connections"] >= 1 and k["execution_state"] == "idle" for k in kernels):
            break
        assert time.monotonic() < deadline, f"no idle kernel after {seconds} s: {kernels}"
        page.wait_for_timeout(300)  # not time.sleep: the page's routed requests are served meanwhile
    page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()



def _open_and_run(page, base, notebook):
    """Open ``notebook`` and run all cells once its kernel is idle: cells run earlier, while the
    kernel is still connecting, are dropped and the test waits for output that never comes."""
    page.goto(f"{base}/lab/tree/{notebook}")
    page.locator(".jp-Notebook").first.wait_for()
    page.wait_for_function("() => document.querySelector('.jp-Notebook .jp-CodeCell') !== null")
    _wait_kernel_idle(page, base)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def test_chart_notebook_runs_in_jupyterlab(page, jupyterlab):
    _open_and_run(page, jupyterlab, "01_chart.ipynb")
    page.get_by_text("質問 1 / 8").wait_for()
    shot(page, "lab-chart-rendered")
    page.get_by_role("button", name="いいえ", exact=True).click()
    page.get_by_text("質問 2 / 8").wait_for()
    page.get_by_role("button", name="はい", exact=True).click()
    page.get_by_text("結果を保存しました：Bタイプ").wait_for()
    shot(page, "lab-chart-result")


def test_the_card_links_the_workbench_in_jupyterlab(page, jupyterlab):
    _open_and_run(page, jupyterlab, "01_chart.ipynb")
    page.get_by_role("tab", name="タイプ一覧").click()
    page.get_by_role("combobox", name="タイプ").select_option(index=2)  # C
    # the card of the type chosen (type A's card, shown first, has an open button of its own)
    link = page.locator('a.oh-open[href^="02_type_c_problems.ipynb"]')
    assert link.inner_text() == "この作業台を開く"
    # the page is /lab/tree/01_chart.ipynb: the relative link resolves to the sibling notebook in JupyterLab
    assert link.evaluate("a => a.href") == f"{jupyterlab}/lab/tree/02_type_c_problems.ipynb?workshop=workshop"
    with page.context.expect_page() as opened:
        link.click()
    lab = opened.value
    lab.get_by_role("tab", name="02_type_c_problems.ipynb").first.wait_for()
    shot(lab, "lab-chart-card-link-workbench")


def test_run_py_lab_opens_jupyterlab_in_japanese_with_nothing_from_the_internet(new_page, tmp_path):
    """``run.py lab``'s settings: the Japanese language pack is the default and no news is fetched."""
    import os
    import sys

    from .conftest import ROOT, _serve

    sys.path.insert(0, str(ROOT))
    from run import lab_args

    env = dict(os.environ, HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"))

    def command(port):
        return lab_args(Path(sys.executable), ["--no-browser", "--allow-root", f"--port={port}",
                                               "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
                                               "--ServerApp.password="])

    with _serve(command, env, tmp_path / "lab.log", "/lab") as base:
        page = new_page()
        outside = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base + "/")
                   else (outside.append(r.request.url), r.abort()))
        page.goto(f"{base}/lab/tree/01_chart.ipynb")
        page.get_by_role("menuitem", name="ファイル", exact=True).wait_for()
        for name in ("編集", "表示", "実行", "カーネル"):
            assert page.get_by_role("menuitem", name=name, exact=True).count() == 1
        _wait_kernel_idle(page, base)
        shot(page, "lab-japanese")
        assert outside == []
