"""Notebook 00's browser, driven without a browser."""

import ohayami
from ohayami.ui import guide_browser
from ohayami.ui.cards import card_html


def test_picking_a_type_shows_its_card():
    b = guide_browser.GuideBrowser()
    assert "基本の3ポイントを押さえよう" in b.card.value
    b.picker.value = "E"
    html = b.card.value
    assert "サービスの良し悪しの基準を考えよう" in html
    assert "評価項目・重みづけの妥当性チェック" in html
    assert "思わぬ予算超過" in html            # E's failure column
    assert "03_type_e_vendors.ipynb" in html  # points to the workbench
    assert "浜松市" in html


def test_every_card_shows_everything():
    for t in ohayami.TYPE_IDS:
        card = ohayami.type_card(t)
        html = card_html(card)
        for text in [card.first_move, *card.merits, *card.risks, *card.cautions, *card.steps.title]:
            # texts go through html.escape, so compare against the escaped form
            from ohayami.html import esc
            assert esc(text) in html, (t, text)
        for c in card.cases.itertuples():
            assert c.municipality in html


def test_type_specific_material_on_cards():
    assert "デジタル専門人材派遣" in card_html("G")
    assert "特別交付税措置" in card_html("F")
    assert "庁外とのネットワーキング" in card_html("I")
    assert "押さえていないとどうなるか" in card_html("A")


def test_text_from_an_edited_file_is_escaped(data_copy):
    p = data_copy / "types" / "B.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace(
        "first_move: デジタル実装の基本の流れを知ろう", "first_move: <img src=x onerror=alert(1)>"), encoding="utf-8")
    html = card_html(ohayami.type_card("B", data_copy))
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
