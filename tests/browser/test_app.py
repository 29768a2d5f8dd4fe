"""The app (Voilà, code hidden) in a real browser: diagnosis, keyboard, type C and type E rounds, safety."""

import re

from .conftest import diagnose_type_c, shot

EVIL = "<img src=x onerror=alert(1)>"


def _open(page, base, notebook, ready_text, code):
    """Open a page of the app on the workshop with join code ``code`` (see conftest.app_code)."""
    page.goto(f"{base}/voila/render/{notebook}?w={code}")
    page.get_by_text(ready_text, exact=False).first.wait_for()


def test_no_code_is_shown(page, voila, app_code):
    _open(page, voila, "01_chart.ipynb", "質問 1 / 8", app_code)
    assert "chart.show" not in page.content() and "from ohayami" not in page.inner_text("body")
    assert page.locator(".jp-CodeMirrorEditor, .cm-editor, .jp-InputPrompt").count() == 0


def test_diagnosis_no_to_everything_then_yes_to_the_first(page, voila, app_code):
    _open(page, voila, "01_chart.ipynb", "質問 1 / 8", app_code)
    page.get_by_role("combobox", name="名前").fill(EVIL)  # a participant's name is only ever text
    page.get_by_role("textbox", name="所属").fill("<script>alert(2)</script>")
    shot(page, "app-chart-question")
    no = page.get_by_role("button", name="いいえ", exact=True)
    for k in range(8):
        no.click()
        if k < 7:
            page.get_by_text(f"質問 {k + 2} / 8").wait_for()
    page.get_by_text("結果を保存しました：Iタイプ").wait_for()
    page.get_by_text("ITプロジェクトに精通した専門家を頼ろう").first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    shot(page, "app-chart-result-I")
    page.get_by_role("button", name="次の参加者へ").click()
    page.get_by_text("質問 1 / 8").wait_for()
    page.get_by_role("button", name="はい", exact=True).click()
    page.get_by_text("結果を保存しました：Aタイプ").wait_for()
    page.get_by_role("tab", name="集計").click()
    page.get_by_text(re.compile(r"集計（\d+人）")).wait_for()
    _wait_figures(page, 1)
    shot(page, "app-chart-tally")


def test_keyboard_alone_and_accessible_names(page, voila, app_code):
    _open(page, voila, "01_chart.ipynb", "質問 1 / 8", app_code)
    for name in ("はい", "いいえ", "戻る", "最初から"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    # reach いいえ with Tab only
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == "いいえ":
            break
    else:
        raise AssertionError("いいえ could not be reached with the Tab key")
    page.keyboard.press("Enter")
    page.get_by_text("質問 2 / 8").wait_for()
    for k in range(7):
        page.keyboard.press("Enter" if k % 2 else "Space")
        if k < 6:
            page.get_by_text(f"質問 {k + 3} / 8").wait_for()
    page.get_by_text("結果を保存しました：Iタイプ").wait_for()
    shot(page, "app-chart-keyboard")


def test_all_questions_mode_shows_the_chosen_answer_unmistakably(page, voila, app_code):
    _open(page, voila, "01_chart.ipynb", "質問 1 / 8", app_code)
    page.get_by_role("button", name="全問チェック").click()
    rows = page.locator(".oh-yesno")
    rows.first.wait_for()
    assert rows.count() == 8
    rows.nth(0).get_by_role("button", name="はい", exact=True).click()
    rows.nth(1).get_by_role("button", name="いいえ", exact=True).click()
    rows.nth(0).get_by_role("button", name="✔ はい").wait_for()
    rows.nth(1).get_by_role("button", name="✔ いいえ").wait_for()
    style = "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.fontWeight]; }"
    chosen = rows.nth(0).get_by_role("button", name="✔ はい").evaluate(style)
    other = rows.nth(0).get_by_role("button", name="いいえ", exact=True).evaluate(style)
    unanswered = rows.nth(2).get_by_role("button", name="はい", exact=True).evaluate(style)
    assert chosen[:2] == ["rgb(0, 114, 178)", "rgb(255, 255, 255)"] and chosen[2] in ("700", "bold"), chosen
    assert other[0] == unanswered[0] == "rgb(238, 238, 238)" and other[1] == "rgb(26, 26, 26)", (other, unanswered)
    shot(page, "app-chart-all-check")


def test_the_card_links_the_workbench_on_the_same_workshop(page, voila, app_code):
    _open(page, voila, "01_chart.ipynb", "質問 1 / 8", app_code)
    diagnose_type_c(page)
    link = page.get_by_role("link", name="この作業台を開く")
    assert link.evaluate("a => a.href") == f"{voila}/voila/render/02_type_c_problems.ipynb?w={app_code}"
    # a button, not a footnote: the first thing under the first move, large and filled
    assert link.evaluate("a => getComputedStyle(a).backgroundColor") == "rgb(0, 114, 178)"
    with page.context.expect_page() as opened:
        link.click()
    workbench = opened.value
    workbench.get_by_text("課題を1件ずつ追加").wait_for()
    assert workbench.url.endswith(f"/voila/render/02_type_c_problems.ipynb?w={app_code}")
    shot(workbench, "app-chart-card-link-workbench")


def _wait_grid_ready(pg):
    """The scoring dropdowns are enabled once a name (and a vendor) is chosen."""
    pg.wait_for_function("() => [...document.querySelectorAll('.oh-score-grid select')].some(s => !s.disabled)")


def _wait_figures(pg, n):
    pg.wait_for_function("n => [...document.querySelectorAll('img')].filter(i => i.naturalWidth > 0).length >= n", arg=n)


def _score_all(pg, n_rows, values):
    selects = pg.locator(".oh-score-grid select")
    per_row = selects.count() // 10
    for r in range(n_rows):
        for c in range(per_row):
            sel = selects.nth(r * per_row + c)
            sel.select_option(values[(r + c) % len(values)])
            pg.get_by_text("保存しました").first.wait_for()


def test_type_c_round_with_two_participants(page, new_page, voila, app_code):
    _open(page, voila, "02_type_c_problems.ipynb", "課題を1件ずつ追加", app_code)
    for title in ("証明書の窓口が昼に混む", "バスの本数が少ない", EVIL):
        page.get_by_role("textbox", name="課題", exact=True).fill(title)
        page.get_by_role("button", name="課題を追加").click()
        page.get_by_text("追加しました").first.wait_for()
        page.wait_for_function("t => document.body.innerText.includes(t)", arg=title)
    page.get_by_text(EVIL).first.wait_for()  # shown as text
    assert page.locator("img[src='x']").count() == 0
    shot(page, "app-typeC-problems")
    other = new_page()
    _open(other, voila, "02_type_c_problems.ipynb", "課題を1件ずつ追加", app_code)
    for pg, who, values in ((page, "山田", ["5", "4"]), (other, "佐藤", ["2", "3"])):
        pg.get_by_role("tab", name="4 採点").click()
        pg.get_by_role("combobox", name="採点する人").fill(who)
        pg.get_by_role("combobox", name="採点する人").press("Enter")
        _wait_grid_ready(pg)
        _score_all(pg, 3, values)
    shot(other, "app-typeC-scoring")
    page.get_by_role("tab", name="5 結果と絞り込み").click()
    page.get_by_role("button", name="結果を更新").click()
    page.get_by_text("ランキング（短いリスト").wait_for()
    _wait_figures(page, 3)
    table = page.locator("table").filter(has_text="採点した人数").first.inner_text()
    assert re.search(r"\t2\t", table), table  # both participants counted for the problems
    shot(page, "app-typeC-results")


def test_type_e_round_with_two_evaluators(page, new_page, voila, app_code):
    _open(page, voila, "03_type_e_vendors.ipynb", "ガイドの評価項目例", app_code)
    for number in (1, 28):
        page.get_by_role("checkbox", name=re.compile(rf"^#{number} ")).check()
    page.get_by_role("button", name="選んだ項目を追加").click()
    page.get_by_text("2 項目を追加しました").wait_for()
    page.get_by_role("tab", name="3 事業者").click()
    for name, price in (("A社", "1200000"), (EVIL, "900000")):
        page.get_by_role("textbox", name="事業者", exact=True).fill(name)
        page.get_by_role("textbox", name="価格（円）").first.fill(price)
        page.get_by_role("button", name="事業者を追加").click()
        page.wait_for_function("t => document.body.innerText.includes('追加しました：' ) && document.body.innerText.includes(t)",
                               arg=name)
    assert page.locator("img[src='x']").count() == 0
    other = new_page()
    _open(other, voila, "03_type_e_vendors.ipynb", "ガイドの評価項目例", app_code)
    criteria = ("機能関連", "ユーザーにとっての使いやすさ・誰でも使えるかどうか")  # #1 and #28, in grid order
    for pg, who, vals in ((page, "山田", ["5", "3"]), (other, "佐藤", ["4", "2"])):
        pg.get_by_role("tab", name="4 採点").click()
        who_box = pg.locator(".oh-score-who input")
        who_box.fill(who)
        who_box.press("Enter")
        for k, vendor in enumerate(("V001", "V002")):
            pg.locator(".oh-score-vendor select").select_option(index=k)
            _wait_grid_ready(pg)
            selects = pg.locator(".oh-score-grid select")
            assert selects.count() == len(criteria)
            for c in range(selects.count()):
                value = vals[(k + c) % 2]
                selects.nth(c).select_option(value)
                # this cell's own message: an earlier 「保存しました」 on the page proves nothing
                pg.get_by_text(f"保存しました：{vendor} の「{criteria[c]}」＝{value}").wait_for()
    shot(other, "app-typeE-scoring")
    page.get_by_role("tab", name="6 結果").click()
    page.get_by_role("button", name="ルールを保存して計算").click()
    page.get_by_text("ルールを保存しました").wait_for()
    _wait_figures(page, 3)
    result = page.locator("table").filter(has_text="技術点").first.inner_text()
    assert "A社" in result and EVIL in result
    shot(page, "app-typeE-results")
