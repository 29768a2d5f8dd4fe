"""JupyterLab in a real browser: open a notebook, run all cells, see the widgets render and respond."""

from .conftest import shot


def _open_and_run(page, base, notebook):
    """Open ``notebook`` and run all cells once its kernel is idle: cells run earlier, while the
    kernel is still connecting, are dropped and the test waits for output that never comes."""
    page.goto(f"{base}/lab/tree/{notebook}")
    page.locator(".jp-Notebook").first.wait_for()
    page.wait_for_function("() => document.querySelector('.jp-Notebook .jp-CodeCell') !== null")
    page.wait_for_function("() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
                           ".some(e => /\\| *(Idle|アイドル)/.test(e.textContent))")
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
    link = page.get_by_role("link", name="02_type_c_problems.ipynb")
    # the page is /lab/tree/01_chart.ipynb: the relative link resolves to the sibling notebook in JupyterLab
    assert link.evaluate("a => a.href") == f"{jupyterlab}/lab/tree/02_type_c_problems.ipynb?workshop=workshop"
    with page.context.expect_page() as opened:
        link.click()
    lab = opened.value
    lab.get_by_role("tab", name="02_type_c_problems.ipynb").first.wait_for()
    shot(lab, "lab-chart-card-link-workbench")
