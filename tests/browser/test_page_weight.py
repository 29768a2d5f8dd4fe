"""A participant's page loads what it uses and no more: no MathJax (Voilà's page started it to
typeset the controls' labels), no code-highlighting extension; the page works as before."""

import re
from pathlib import Path

from jupyter_core.paths import jupyter_path


def _voila_static() -> Path:
    return next(Path(r) / "templates/base/static" for r in jupyter_path("voila")
                if (Path(r) / "templates/base/static/voila.js").exists())


def test_type_e_page_loads_no_mathjax_and_no_highlighting(page, voila, app_code):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{voila}/voila/render/03_type_e_vendors.ipynb?w={app_code}")
    page.get_by_role("button", name="選んだ項目を追加").wait_for()
    label = page.get_by_text("#1 機能関連", exact=True)
    label.wait_for()
    # the scripts MathJax's plugin fetches when it first typesets (its chunk names them)
    mathjax = set(re.findall(r"\.e\((\d+)\)", (_voila_static() / "3307.voila.js").read_text()))
    assert len(mathjax) >= 10
    chunks = {m.group(1) for u in requested if (m := re.search(r"/voila/static/(\d+)\.voila\.js", u))}
    assert len(chunks) > 30   # Voilà's own page scripts still load
    assert not chunks & (mathjax | {"3307"}), sorted(chunks & (mathjax | {"3307"}))
    assert not [u for u in requested if "jupyterlab_pygments" in u]
    assert page.locator("mjx-container, .MathJax").count() == 0
    # a checkbox's label is its plain text, and the control still works
    page.get_by_role("checkbox", name="#1 機能関連").check()
    page.get_by_role("button", name="選んだ項目を追加").click()
    page.get_by_text("1 項目を追加しました").wait_for()
