"""The type D worksheet in the app (Voilà, code hidden): the research log filled in with the mouse and
keyboard, two services sent to type E, the RFI draft and the log exported."""

from pathlib import Path

from .conftest import shot
from .test_app import _open

EVIL = "<img src=x onerror=alert(1)>"


def _service(page, sid, name, vendor, keywords, found_at=None):
    """Add a service in the open tab and tick it as a candidate."""
    page.get_by_role("textbox", name="サービス名").fill(name)
    page.get_by_role("textbox", name="事業者").fill(vendor)
    page.get_by_role("textbox", name="キーワード・カテゴリ").fill(keywords)
    if found_at:
        page.get_by_role("combobox", name="見つけた場所").select_option(label=found_at)
    page.get_by_role("button", name="追加", exact=True).click()
    page.get_by_text(f"追加しました：{sid}").wait_for()
    page.get_by_role("checkbox", name=f"候補：{sid} {name}（{vendor}）").check()
    page.get_by_text(f"{sid} を候補にしました").wait_for()


def test_type_d_worksheet_two_services_to_e_and_exported(page, voila, app_code):
    # the app's one workshop is shared with the other browser tests (C may or may not hold problems
    # there), so reading C is left to the widget tests and the chain test; the theme is typed here
    _open(page, voila, "13_type_d_research.ipynb", "Cタイプの結果から読み込む", app_code)
    page.get_by_role("textbox", name="テーマ").fill("庁舎窓口の混雑を解消したい")
    page.get_by_role("button", name="テーマを保存").click()
    page.get_by_text("テーマを保存しました").wait_for()

    page.get_by_role("tab", name="2 取組事例").click()
    page.get_by_role("textbox", name="自治体").fill(EVIL)
    page.get_by_role("textbox", name="出典・URL").fill("R3 TYPE1採択事例集")
    page.get_by_role("button", name="追加", exact=True).click()
    page.get_by_text("追加しました：K001").wait_for()
    page.get_by_text(EVIL).first.wait_for()  # a participant's text is shown as text
    assert page.locator("img[src='x']").count() == 0

    page.get_by_role("tab", name="3 事例のサービス").click()
    _service(page, "S001", "書かない窓口", "X社", "窓口DX、行かない窓口")

    page.get_by_role("tab", name="4 類似サービス").click()
    page.get_by_text("まだ類似サービスを調べていないキーワード").wait_for()
    _service(page, "S002", "コンビニ交付", "Y社", "窓口DX", found_at="カタログ")
    page.get_by_role("button", name="候補をEタイプの事業者一覧へ送る").click()
    page.get_by_text("Eタイプの事業者一覧へ 2 件送りました（書かない窓口（X社）→ 事業者一覧 V").wait_for()
    page.get_by_role("button", name="候補をEタイプの事業者一覧へ送る").click()
    page.get_by_text("送らなかった 2 件").wait_for()  # a second click adds nothing
    shot(page, "app-typeD-similar")

    page.get_by_role("tab", name="5 RFIの下書き").click()
    page.get_by_role("button", name="調査ログから作る").click()
    page.get_by_text("質問 5 件・送付先 2 件を足しました").wait_for()
    page.get_by_role("textbox", name="回答期限").fill("2026/12/1")
    page.get_by_role("button", name="目的と期限を保存").click()
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '2026-12-01')")
    shot(page, "app-typeD-rfi")

    page.get_by_role("tab", name="6 出力").click()
    page.get_by_role("button", name="RFIの下書き（HTML）").click()
    with page.expect_download() as info:
        page.get_by_text("印刷用ページをダウンロード").last.click()
    sheet = Path(info.value.path()).read_text(encoding="utf-8")
    assert "size: A4 portrait" in sheet and "2026-12-01" in sheet and "X社" in sheet and "Y社" in sheet
    page.get_by_role("button", name="Excel で保存").click()
    with page.expect_download() as info:
        page.get_by_text("Excel をダウンロード").last.click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    shot(page, "app-typeD-export")

    # type E lists both services as vendors
    _open(page, voila, "03_type_e_vendors.ipynb", "評価項目", app_code)
    page.get_by_role("tab", name="3 事業者").click()
    page.get_by_text("書かない窓口").first.wait_for()
    page.get_by_text("コンビニ交付").first.wait_for()
