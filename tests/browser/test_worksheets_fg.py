"""The type F and G worksheets in the app (Voilà, code hidden): F filled in with the mouse and keyboard
(the guide's list, one own programme, checks, a decision, exports); G: its own list, printed."""

from pathlib import Path

from .conftest import shot
from .test_app import _open

EVIL = "<img src=x onerror=alert(1)>"


def test_type_f_worksheet_filled_in_and_exported(page, voila, app_code):
    _open(page, voila, "15_type_f_funding.ipynb", "ガイドの支援策を読み込む", app_code)
    tab1 = page.locator(".oh-support-programmes")
    tab1.get_by_role("button", name="ガイドの支援策を読み込む").click()
    page.get_by_text("ガイドの支援策を 3 件読み込みました").wait_for()
    tab1.get_by_role("textbox", name="名前").fill(EVIL)
    tab1.get_by_role("textbox", name="所管").fill("〇〇県")
    tab1.get_by_role("textbox", name="締切").fill("2099/2/30")
    tab1.get_by_role("button", name="新しい支援策として追加").click()
    tab1.get_by_text("ありえない日付").wait_for()   # refused next to the date, nothing added
    tab1.get_by_role("textbox", name="締切").fill("2099年12月1日")
    tab1.get_by_role("button", name="新しい支援策として追加").click()
    page.get_by_text("追加しました：P004").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '2099-12-01')")
    assert page.locator("img[src='x']").count() == 0
    shot(page, "app-typeF-programmes")
    page.get_by_role("tab", name="2 支援策を確かめる").click()
    for pid, marks in (("P004", "○○△○"), ("P003", "○○×○")):
        row = page.locator(f".oh-check-{pid}")
        for name, mark in zip(("趣旨・ゴールに合致", "対象経費", "締切に間に合う", "必要書類を用意できる"), marks):
            row.get_by_label(name).select_option(mark)
            page.get_by_text(f"{pid} の確認結果を保存しました").wait_for()
    checks = page.locator(".oh-support-checks")
    checks.get_by_text("必須項目「締切に間に合う」を満たしていない").wait_for()
    checks.get_by_role("cell", name="92.5").wait_for()
    shot(page, "app-typeF-checks")
    page.get_by_role("tab", name="3 決定").click()
    decide = page.locator(".oh-support-decisions")
    decide.get_by_label("支援策").select_option(label=f"P004 {EVIL}（候補）")  # first by points
    decide.get_by_role("button", name="申請する").click()
    decide.get_by_role("button", name="決定を記録").click()
    decide.get_by_text("理由が空").wait_for()   # a decision without a reason is refused
    decide.get_by_role("textbox", name="理由").fill("対象経費に入り、計画書も締切までに用意できる")
    decide.get_by_role("textbox", name="決めた人").fill("企画課 山田")
    decide.get_by_role("button", name="決定を記録").click()
    page.get_by_text("P004 を「申請する」と記録しました").wait_for()
    decide.get_by_role("cell", name="2099-12-01").first.wait_for()
    shot(page, "app-typeF-decision")
    page.get_by_role("tab", name="4 出力").click()
    page.get_by_role("button", name="印刷用ページ（HTML）").click()
    with page.expect_download() as info:
        page.get_by_text("印刷用ページをダウンロード").last.click()
    sheet = Path(info.value.path()).read_text(encoding="utf-8")
    assert "size: A4 portrait" in sheet and "対象経費に入り" in sheet and "2099-12-01" in sheet
    assert EVIL not in sheet and "&lt;img src=x onerror=alert(1)&gt;" in sheet
    page.get_by_role("button", name="Excel で保存").click()
    with page.expect_download() as info:
        page.get_by_text("Excel をダウンロード").last.click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    shot(page, "app-typeF-export")


def test_type_g_worksheet_opens(page, voila, app_code):
    _open(page, voila, "16_type_g_people.ipynb", "Gタイプ作業台", app_code)
    page.get_by_text("人材の支援策の収集").first.wait_for()
    page.get_by_role("button", name="ガイドの支援策を読み込む").click()
    page.get_by_text("地域活性化起業人").first.wait_for()
    shot(page, "app-typeG")
    page.get_by_role("tab", name="4 出力").click()
    page.get_by_role("button", name="印刷用ページ（HTML）").click()
    with page.expect_download() as info:
        page.get_by_text("印刷用ページをダウンロード").last.click()
    sheet = Path(info.value.path()).read_text(encoding="utf-8")
    assert "size: A4 portrait" in sheet and "地域活性化起業人" in sheet \
        and "<title>人材の支援策の検討結果</title>" in sheet
