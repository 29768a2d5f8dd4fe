"""The type B and type H worksheets in the app (Voilà, code hidden): B's stage list filled in and
exported, then H reads B's stages into its tasks, gets owners, a RACI cell and a rule, and exports the 体制案."""

from pathlib import Path

from .conftest import shot
from .test_app import _open

EVIL = "<img src=x onerror=alert(1)>"


def _download(page, link_text: str) -> str:
    with page.expect_download() as info:
        page.get_by_text(link_text).last.click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def _excel(page) -> None:
    page.get_by_role("button", name="Excel で保存").click()
    with page.expect_download() as info:
        page.get_by_text("Excel をダウンロード").last.click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


def test_type_b_then_h_filled_in_and_exported(page, voila, app_code):
    _open(page, voila, "11_type_b_flow.ipynb", "ガイド：Step1", app_code)
    page.get_by_role("textbox", name="誰に").fill(EVIL)
    page.get_by_role("textbox", name="聞いた日").fill("2026/13/1")
    page.get_by_role("button", name="聞き取りを保存").click()
    page.get_by_text("ありえない日付").wait_for()
    page.get_by_role("textbox", name="聞いた日").fill("2026/5/1")
    page.get_by_role("button", name="聞き取りを保存").click()
    page.get_by_text("聞き取りを追加しました（IV001）").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '2026-05-01')")
    assert page.locator("img[src='x']").count() == 0
    shot(page, "app-typeB-interviews")
    page.get_by_role("tab", name="2 段階一覧").click()
    page.get_by_text("この段階一覧はガイドの図がないため ohayami が用意したものです").first.wait_for()
    page.get_by_role("textbox", name="段階", exact=True).fill("住民への広報")
    page.get_by_role("textbox", name="主な作業").fill("チラシ作成\nSNS発信")
    page.get_by_role("button", name="双方", exact=True).click()
    page.get_by_role("textbox", name="開始月（何か月目）").fill("0")
    page.get_by_role("textbox", name="期間（月）").fill("2")
    page.get_by_role("button", name="段階を保存").click()
    page.get_by_text("1～60 の整数").first.wait_for()   # refused next to the month
    page.get_by_role("textbox", name="開始月（何か月目）").fill("20")
    page.get_by_role("button", name="段階を保存").click()
    page.get_by_text("段階を追加しました（ST007）").wait_for()
    page.get_by_role("button", name="▲ 上へ").click()
    page.get_by_text("並べ替えました").wait_for()
    shot(page, "app-typeB-stages")
    page.get_by_role("tab", name="3 タイムライン").click()
    page.locator("img").last.wait_for()
    page.get_by_text("より先に始まる予定です").first.wait_for()   # 運用・効果検証 (18) now after 広報 (20)
    shot(page, "app-typeB-timeline")
    page.get_by_role("tab", name="4 出力").click()
    page.get_by_role("button", name="実装の流れ（HTML）").click()
    sheet = _download(page, "印刷用ページをダウンロード")
    assert "size: A4 portrait" in sheet and "住民への広報" in sheet and "ohayami が用意したもの" in sheet
    assert "&lt;img src=x onerror=alert(1)&gt;" in sheet and EVIL not in sheet
    _excel(page)

    _open(page, voila, "17_type_h_roles.ipynb", "Bの段階一覧：7 段階", app_code)
    page.get_by_role("button", name="Bの段階一覧から作業を読み込む").click()
    page.get_by_text("Bの段階一覧から作業を 20 件読み込みました").wait_for()
    page.get_by_role("cell", name="SNS発信", exact=True).wait_for()   # the task table has B's own stage
    shot(page, "app-typeH-tasks")
    page.get_by_role("tab", name="2 担い手").click()
    page.get_by_role("textbox", name="担い手").fill("企画課")
    page.get_by_role("button", name="担い手を保存").click()
    page.get_by_text("担い手を追加しました（O001）").wait_for()
    page.get_by_role("combobox", name="編集する担い手").select_option(label="（新しい担い手）")
    page.get_by_role("textbox", name="担い手").fill("A社")
    page.get_by_role("combobox", name="区分").select_option(label="ベンダー")
    page.get_by_role("button", name="担い手を保存").click()
    page.get_by_text("担い手を追加しました（O002）").wait_for()
    page.get_by_role("tab", name="3 役割分担").click()
    grid = page.locator(".oh-raci-grid")
    grid.locator("select").first.select_option(label="責任（A）")
    page.get_by_text("の役割を保存しました").first.wait_for()   # named by the task, not its id
    assert page.get_by_text("T001 の役割").count() == 0
    page.get_by_text("担い手「A社」に割り当てた作業がありません").wait_for()
    shot(page, "app-typeH-matrix")
    page.get_by_role("tab", name="4 体制図").click()
    page.get_by_text("担い手ごとの責任と実行").wait_for()
    page.get_by_role("tab", name="5 ルール").click()
    page.get_by_role("textbox", name="会議体").fill("推進会議（定例）")
    page.get_by_role("textbox", name="参加者").fill(EVIL)
    page.get_by_role("button", name="ルールを保存").click()
    page.get_by_text("ルールを追加しました（M001）").wait_for()
    page.get_by_role("tab", name="6 体制案").click()
    page.get_by_role("button", name="体制案（HTML）").click()
    doc = _download(page, "印刷用ページをダウンロード")
    assert "承認欄" in doc and "推進会議（定例）" in doc and "data:image/png;base64," in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc and EVIL not in doc
    _excel(page)
    shot(page, "app-typeH-export")
