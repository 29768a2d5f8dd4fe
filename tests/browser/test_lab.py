"""JupyterLab in a real browser: open a notebook, run all cells, see the widgets render and respond."""

from .conftest import shot


def test_chart_notebook_runs_in_jupyterlab(page, jupyterlab):
    page.goto(f"{jupyterlab}/lab/tree/01_chart.ipynb")
    page.locator(".jp-Notebook").first.wait_for()
    page.wait_for_function("() => document.querySelector('.jp-Notebook .jp-CodeCell') !== null")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.get_by_text("質問 1 / 8").wait_for()
    shot(page, "lab-chart-rendered")
    page.get_by_role("button", name="いいえ", exact=True).click()
    page.get_by_text("質問 2 / 8").wait_for()
    page.get_by_role("button", name="はい", exact=True).click()
    page.get_by_text("結果を保存しました：Bタイプ").wait_for()
    shot(page, "lab-chart-result")
