"""The one-page worksheets in the app (Voilà, code hidden): filled in with the mouse and keyboard, exported."""

from pathlib import Path

from .conftest import APP_WORKSHOP, shot
from .test_app import _open

EVIL = "<img src=x onerror=alert(1)>"


def _download(page, link_text: str) -> str:
    with page.expect_download() as info:
        page.get_by_text(link_text).last.click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_type_a_worksheet_filled_in_and_exported(page, voila, app_code):
    _open(page, voila, "10_type_a_readiness.ipynb", "ポイント①テーマ", app_code)
    one = page.locator(".oh-point-1")
    one.get_by_role("button", name="できている", exact=True).click()
    one.get_by_role("textbox", name="根拠").fill("子育て支援（総合計画の重点プロジェクト）")
    one.get_by_role("button", name="ポイント①テーマを保存").click()
    page.get_by_text("ポイント①テーマを保存しました（できている）").wait_for()
    two = page.locator(".oh-point-2")
    two.get_by_role("button", name="一部", exact=True).click()
    two.get_by_role("textbox", name="誰が").fill(EVIL)
    two.get_by_role("textbox", name="次の一手").fill("専任のメンバーを付ける")
    two.get_by_role("textbox", name="期日").fill("2026/13/1")
    two.get_by_role("button", name="ポイント②推進の中心的人物を保存").click()
    two.get_by_text("ありえない日付").wait_for()  # refused next to the date
    two.get_by_role("textbox", name="期日").fill("2026年6月30日")
    two.get_by_role("button", name="ポイント②推進の中心的人物を保存").click()
    page.get_by_text("ポイント②推進の中心的人物を保存しました（一部）").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '2026-06-30')")
    shot(page, "app-typeA-points")
    page.get_by_role("tab", name="2 準備度カード").click()
    page.get_by_text("まず押さえるのは ポイント②推進の中心的人物（いま：一部）").wait_for()
    page.get_by_text("次の一手：専任のメンバーを付ける（2026-06-30まで）").wait_for()
    page.get_by_text(EVIL).first.wait_for()  # a participant's text is shown as text
    assert page.locator("img[src='x']").count() == 0
    shot(page, "app-typeA-card")
    page.get_by_role("tab", name="3 出力").click()
    page.get_by_role("button", name="準備度シート（HTML）").click()
    sheet = _download(page, "印刷用ページをダウンロード")
    assert "size: A4 portrait" in sheet and "&lt;img src=x onerror=alert(1)&gt;" in sheet and EVIL not in sheet
    assert "専任のメンバーを付ける" in sheet
    page.get_by_role("button", name="Excel で保存").click()
    with page.expect_download() as info:
        page.get_by_text("Excel をダウンロード").last.click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    shot(page, "app-typeA-export")


def test_type_i_worksheet_filled_in_and_exported(page, voila, workshops, app_code):
    _open(page, voila, "18_type_i_experts.ipynb", "期待する成果", app_code)
    page.get_by_role("textbox", name="ボトルネック").fill(EVIL)
    page.get_by_role("textbox", name="期待する成果").fill("来年度の調達に使える要件定義書")
    page.get_by_role("textbox", name="いつまでに").fill("2026-02-30")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("ありえない日付").wait_for()   # refused next to the date, nothing else lost
    page.get_by_role("textbox", name="いつまでに").fill("2026年9月30日")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("ボトルネックを保存しました").wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '2026-09-30')")

    page.get_by_role("tab", name="2 役割・スキル").click()
    page.get_by_role("textbox", name="項目").fill("要件定義書のレビュー経験")
    page.get_by_role("button", name="項目を追加").click()
    own = page.get_by_role("checkbox", name="求める：要件定義書のレビュー経験")
    own.wait_for()
    own.check()
    shot(page, "app-typeI-skills")

    page.get_by_role("tab", name="5 依頼要件シート").click()
    page.locator(":text('要件定義書のレビュー経験'):visible").first.wait_for()   # the preview shows the item
    from ohayami.store import open_workshop
    with open_workshop(workshops / f"{APP_WORKSHOP}.ohayami", create=False) as ws:   # the tick was stored
        items = ws.rows("expert_items")
        assert items.set_index("name").loc["要件定義書のレビュー経験", "checked"] == 1
    assert page.locator("img[src='x']").count() == 0
    page.get_by_role("button", name="依頼要件シート（HTML）").click()
    sheet = _download(page, "印刷用ページをダウンロード")
    assert "size: A4 portrait" in sheet and "&lt;img src=x onerror=alert(1)&gt;" in sheet and EVIL not in sheet
    assert "2026-09-30" in sheet and "要件定義書のレビュー経験" in sheet
    page.get_by_role("button", name="Excel で保存").click()
    with page.expect_download() as info:
        page.get_by_text("Excel をダウンロード").last.click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    shot(page, "app-typeI-export")
