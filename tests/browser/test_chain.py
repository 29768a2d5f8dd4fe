"""The chain in a real browser: a page joined with a code → the chart's result card → the type C
worksheet on the same workshop → the workshop's page → the project summary showing C's chosen
problem and E's vendor. C and E are filled through their models to keep the test fast."""

from __future__ import annotations

from chain_fill import CHOSEN, VISION, fill_c, fill_e

from ohayami.app import workshops as W
from ohayami.store import open_workshop

from .conftest import diagnose_type_c, shot


def test_chart_card_opens_the_worksheet_and_the_summary_on_the_same_workshop(page, voila, workshops):
    entry = W.create_workshop("第2回 連鎖の確認", "chart", "2025-06-01", workshops)
    with open_workshop(W.workshop_path(entry.name, workshops)) as ws:
        fill_c(ws)
        fill_e(ws)

    page.goto(f"{voila}/voila/render/01_chart.ipynb?w={entry.code}")
    diagnose_type_c(page)
    link = page.get_by_role("link", name="この作業台を開く")
    assert link.evaluate("a => a.href") == f"{voila}/voila/render/02_type_c_problems.ipynb?w={entry.code}"
    shot(page, "chain-chart-card")
    with page.context.expect_page() as opened:
        link.click()
    c_page = opened.value
    c_page.set_default_timeout(90_000)
    c_page.get_by_text(CHOSEN).first.wait_for()   # the problems entered in this workshop, not the practice file
    assert c_page.get_by_text(f"ワークショップ：{entry.name}").count() >= 1
    shot(c_page, "chain-type-c-same-workshop")

    page.goto(f"{voila}/ws/{entry.code}")
    summary_link = page.get_by_role("link", name="プロジェクトのまとめ（問題→調査→選定→体制）")
    assert summary_link.get_attribute("href").endswith(f"/voila/render/20_project_summary.ipynb?w={entry.code}")
    assert page.get_by_role("link", name="Eタイプ作業台（事業者を比べる）").count() == 1
    shot(page, "chain-workshop-page")
    summary_link.click()
    page.get_by_text("流れ（問題 → 調査 → 選定 → 体制）").wait_for()
    body = page.inner_text("body")
    assert CHOSEN in body and VISION["change"] in body and "A社（窓口くん）" in body and "90.00 / 100" in body
    assert "まだ入力されていません（Dタイプ作業台で" in body and "まだ入力されていません（Hタイプ作業台で" in body
    assert page.get_by_role("link", name="Cタイプ作業台を開く").get_attribute("href") == \
        f"02_type_c_problems.ipynb?w={entry.code}"
    shot(page, "chain-summary")
