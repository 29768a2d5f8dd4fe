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


def test_the_whole_chain_chart_c_d_e_summary(page, voila, workshops):
    """The issue's walk: chart → C (3 problems, one chosen) → D (C's choice read as the theme, 2 services
    found and sent on) → E (those 2 as vendors, scored) → the project summary shows all of it. C's
    scoring and E's scoring are done through their models (their screens have tests of their own);
    every hand-over is clicked in the browser."""
    from chain_fill import SERVICES, fill_h
    from ohayami.vendors import VendorWorkbench

    from .test_worksheets_d import _service

    entry = W.create_workshop("第3回 連鎖の通し", "chart", "2025-06-02", workshops)
    path = W.workshop_path(entry.name, workshops)
    with open_workshop(path) as ws:
        fill_c(ws)   # 3 problems scored by two people, the first chosen (top 1) with its vision

    page.goto(f"{voila}/voila/render/01_chart.ipynb?w={entry.code}")
    diagnose_type_c(page)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="この作業台を開く").click()
    c_page = opened.value
    c_page.set_default_timeout(90_000)
    c_page.get_by_text(CHOSEN).first.wait_for()
    c_page.close()

    # D: the theme comes from C's choice; two services found, both candidates, sent to E with one click
    page.goto(f"{voila}/voila/render/13_type_d_research.ipynb?w={entry.code}")
    page.get_by_role("button", name="Cタイプの結果から読み込む").click()
    page.wait_for_function(f"() => [...document.querySelectorAll('textarea, input')].some(i => i.value.includes({CHOSEN!r}))")
    (n1, v1), (n2, v2) = SERVICES
    page.get_by_role("tab", name="2 取組事例").click()
    page.get_by_role("textbox", name="自治体").fill("北見市")
    page.get_by_role("button", name="追加", exact=True).click()
    page.get_by_text("追加しました：K001").wait_for()
    page.get_by_role("tab", name="3 事例のサービス").click()
    _service(page, "S001", n1, v1, "窓口DX")
    page.get_by_role("tab", name="4 類似サービス").click()
    _service(page, "S002", n2, v2, "窓口DX", found_at="カタログ")
    page.get_by_role("button", name="候補をEタイプの事業者一覧へ送る").click()
    page.get_by_text("Eタイプの事業者一覧へ 2 件送りました").wait_for()
    shot(page, "chain-d-sent")

    # E: the two services are its vendors; scored (two criteria, one evaluator), the first wins
    with open_workshop(path) as ws:
        m = VendorWorkbench(ws)
        vendors = m.vendors()
        assert list(vendors["name"]) == [v1, v2] and list(vendors["service"]) == [n1, n2]
        ids = m.adopt_template([1, 28])
        m.set_weights("direct", dict(zip(ids, (60, 40))), actor="委員会")
        for vid, values in zip(vendors["vendor_id"], ((5, 4), (3, 3))):
            for cid, v in zip(ids, values):
                m.set_score("山田", vid, cid, v)
        fill_h(ws)
    page.goto(f"{voila}/voila/render/03_type_e_vendors.ipynb?w={entry.code}")
    page.get_by_role("tab", name="3 事業者").click()
    page.get_by_text(n1).first.wait_for()
    page.get_by_text(n2).first.wait_for()

    page.goto(f"{voila}/voila/render/20_project_summary.ipynb?w={entry.code}")
    page.get_by_text("流れ（問題 → 調査 → 選定 → 体制）").wait_for()
    body = page.inner_text("body")
    assert CHOSEN in body and VISION["change"] in body                       # 問題
    assert "取組事例 1件・サービス 2件（候補 2件）" in body and n2 in body     # 調査
    assert f"{v1}（{n1}）" in body and "90.00 / 100" in body                 # 選定
    assert "2者（企画課、A社）" in body and "定例会（週1回）" in body          # 体制
    assert "まだ入力されていません" not in body
    shot(page, "chain-summary-all")
