"""Bad page addresses in the app, in a real browser: a missing join code, a wrong one, script in the
address, or a workshop's name instead of its code. Each page says in Japanese what is wrong and what to
do, never Voilà's English error, and no workshop file is opened or created."""

from urllib.parse import quote

import pytest

from ohayami.app.workshops import create_workshop

from .conftest import shot

NAME = "住所の確認会"
PAGES = {"02_type_c_problems.ipynb": "課題を1件ずつ追加", "20_project_summary.ipynb": "流れ（問題 → 調査 → 選定 → 体制）",
         "04_projector.ipynb": "課題の優先順位"}
BAD = {"no-code": "", "token-only": "?token=abc", "bad-code": "?w=ZZZZZ", "unknown-code": "?w=33333",
       "script": "?w=" + quote("<script>alert(1)</script>"), "name": f"?workshop={quote(NAME)}",
       "path": "?workshop=" + quote("../../etc/passwd")}


@pytest.fixture(scope="module")
def entry(workshops):
    return create_workshop(NAME, "C", "2025-05-01", workshops)


def _files(folder):
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("notebook", list(PAGES))
def test_a_bad_address_shows_a_japanese_message_and_creates_no_file(page, voila, workshops, entry, notebook):
    before = _files(workshops)
    for label, query in BAD.items():
        page.goto(f"{voila}/voila/render/{notebook}{query}")
        message = page.locator(".oh-page-message")
        message.wait_for()
        text = page.inner_text("body")
        assert "このページを開けませんでした" in text and "ファシリテーター" in text and "QRコード" in text, label
        assert "error when executing" not in text and "Voil" not in text and "show_tracebacks" not in text, label
        assert page.locator(".widget-tab, .oh-score-grid").count() == 0, label   # no worksheet behind it
        shot(page, f"address-{notebook[:2]}-{label}")
    after = _files(workshops)
    new = after - before
    # no workshop file, and nothing else either (a file already there may have its SQLite journal)
    assert not {n for n in new if n.endswith(".ohayami")}, new
    assert all(n.rsplit("-", 1)[0] in before for n in new), new
    assert not any(n.startswith("workshop.") for n in after), after
    # the way out: the app's front page (JupyterLab's renderer opens an output's links in a new tab)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="最初のページへ").click()
    landing = opened.value
    landing.get_by_role("heading", name="デジタル実装ワークショップ・キット").wait_for()
    assert landing.url == f"{voila}/"


def test_the_join_code_still_opens_each_page(page, voila, entry):
    for notebook, ready in PAGES.items():
        page.goto(f"{voila}/voila/render/{notebook}?w={entry.code}")
        page.get_by_text(ready).first.wait_for()
        assert page.locator(".oh-page-message").count() == 0
        assert "error when executing" not in page.inner_text("body")
