"""The phone card of the type C and type E scoring tabs, driven by .value and .click(): a tap stores the
score, a refused save shows what is stored, 前へ／次へ／未採点へ move, anchors are on screen, and a narrow
window picks the card by itself until the participant chooses."""

import sqlite3

import pytest

from ohayami.errors import OhayamiError
from ohayami.ui import phone
from ohayami.ui.problems import ProblemsView, ScoringPanel as CScoring
from ohayami.ui.score_card import CARD, CARD_LABEL, CHOSEN, GRID
from ohayami.ui.vendors import ScoringPanel as EScoring, VendorsView

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def wide_screen(monkeypatch):
    """A fresh screen-width widget per test (0: the page has not reported a width yet)."""
    monkeypatch.setattr(phone, "_screen", None)
    yield phone.screen()


def stored(model, who, aid, cid):
    s = model.scores(who)
    hit = s[(s["alternative_id"] == aid) & (s["criterion_id"] == cid)]
    return hit["value"].iloc[0] if len(hit) else ""


@pytest.fixture
def type_c(tmp_path):
    v = ProblemsView(tmp_path / "c")
    for title in ("証明書の窓口が昼に混む", EVIL, "ごみの分別が分かりにくい"):
        v.model.add_problem(title)
    v.tabs.selected_index = 3
    sp = v.panel(CScoring)
    sp.modes.toggle.value = CARD
    sp.who.value = "山田"
    return v, sp


@pytest.fixture
def type_e(tmp_path):
    v = VendorsView(tmp_path / "e")
    m = v.model
    m.add_criterion("使いやすさ", scale="5段階", weight=10)
    m.add_criterion("標準機能", scale="1-5", weight=5)
    m.add_criterion("個人情報の保護", scale="yes/no", weight=0, must_have=True)
    for name in ("A社", "B社"):
        m.add_vendor(name, price="1000000")
    v.tabs.selected_index = 3
    sp = v.panel(EScoring)
    sp.modes.toggle.value = CARD
    sp.s_who.value = "山田"
    return v, sp


def test_type_c_tap_4_stores_4_and_shows_it_chosen(type_c):
    v, sp = type_c
    card = sp.card
    assert sp.modes.toggle.options[1][0] == CARD_LABEL
    assert sp.grid.widget.layout.display == "none" and card.widget.layout.display == ""
    assert "1/3" in card.where.value and "P001" in card.title.value
    cid = v.model.criteria()["criterion_id"].iloc[0]
    assert list(card.buttons[cid]) == ["1", "2", "3", "4", "5"]
    card.buttons[cid]["4"].click()
    assert stored(v.model, "山田", "P001", cid) == "4"
    assert card.shown(cid) == "4" and card.buttons[cid]["4"].description == CHOSEN + "4"
    assert card.buttons[cid]["4"].button_style == "primary" and card.buttons[cid]["3"].description == "3"
    assert "保存しました：P001" in sp.msg.value and "＝4" in sp.msg.value
    card.buttons[cid]["2"].click()   # another tap replaces it
    assert stored(v.model, "山田", "P001", cid) == "2" and card.shown(cid) == "2"


def test_type_c_anchors_are_next_to_the_buttons_and_names_are_escaped(type_c):
    v, sp = type_c
    notes = [row.children[2].value for row in sp.card.rows.children]
    assert len(notes) == len(v.model.criteria())
    assert any("1＝ごく一部の人　5＝住民の多く" in n for n in notes)
    assert any("1＝易しい（すぐ解決できる）　5＝とても難しい" in n for n in notes)   # lower is better
    heads = " ".join(row.children[0].value for row in sp.card.rows.children)
    assert "低いほど良い" in heads
    sp.card.next.click()
    assert "2/3" in sp.card.where.value and EVIL not in sp.card.title.value and "&lt;img" in sp.card.title.value


def test_a_refused_save_shows_the_stored_value(type_c, monkeypatch):
    v, sp = type_c
    card, m = sp.card, v.model
    cid = m.criteria()["criterion_id"].iloc[0]
    card.buttons[cid]["3"].click()
    assert stored(m, "山田", "P001", cid) == "3"

    def locked(*a, **k):
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr(m.ws, "upsert", locked)
    card.buttons[cid]["5"].click()
    assert "保存されていません" in sp.msg.value
    assert card.shown(cid) == "3" and stored(m, "山田", "P001", cid) == "3"
    monkeypatch.undo()

    def refuse(*a, **k):
        raise OhayamiError("この課題は採点できません。", field="score")
    monkeypatch.setattr(m, "set_score", refuse)
    card.buttons[cid]["1"].click()
    assert "この課題は採点できません" in sp.msg.value and card.shown(cid) == "3"


def test_someone_elses_edit_shows_on_the_next_tap(type_c):
    """The card re-reads the file after each tap, so it never keeps a value that is no longer stored."""
    v, sp = type_c
    crit = list(v.model.criteria()["criterion_id"])
    v.model.set_score("山田", "P001", crit[1], "5")   # the same person on a second device
    assert sp.card.shown(crit[1]) == ""
    sp.card.buttons[crit[0]]["2"].click()
    assert sp.card.shown(crit[1]) == "5" and sp.card.shown(crit[0]) == "2"


def test_next_prev_and_next_unscored(type_c):
    v, sp = type_c
    card, m = sp.card, v.model
    card.prev.click()
    assert "3/3" in card.where.value and "P003" in card.title.value    # round the start
    card.next.click()
    card.next.click()
    assert "2/3" in card.where.value
    for cid in m.criteria()["criterion_id"]:
        m.set_score("山田", "P003", cid, "3")
    card.unscored.click()
    assert "1/3" in card.where.value              # P003 is done: round to P001
    for cid in m.criteria()["criterion_id"]:
        card.buttons[cid]["4"].click()
    assert "この課題は全項目採点済み" in card.where.value and "全項目採点済み 2 件" in card.where.value
    card.unscored.click()
    assert "2/3" in card.where.value
    assert not card.unscored.disabled


def test_without_a_name_nothing_can_be_tapped(type_c):
    v, sp = type_c
    sp.who.value = ""
    cid = v.model.criteria()["criterion_id"].iloc[0]
    assert all(b.disabled for b in sp.card.buttons[cid].values())
    assert "採点する人の名前" in sp.msg.value


def test_back_to_the_grid_shows_the_cards_scores(type_c):
    v, sp = type_c
    cid = v.model.criteria()["criterion_id"].iloc[0]
    sp.card.buttons[cid]["5"].click()
    sp.modes.toggle.value = GRID
    assert sp.card.widget.layout.display == "none" and sp.grid.widget.layout.display == ""
    assert sp.grid.value("P001", cid).value == "5"


def test_type_e_one_vendor_at_a_time_with_its_scale_words(type_e):
    v, sp = type_e
    card, m = sp.card, v.model
    crit = m.criteria().set_index("name")["criterion_id"]
    assert sp.s_vendor.layout.display == "none"        # the card has its own 前へ／次へ
    assert list(card.buttons[crit["使いやすさ"]]) == ["0", "1", "3", "4", "5"]
    assert list(card.buttons[crit["個人情報の保護"]]) == ["はい", "いいえ"]
    notes = " ".join(row.children[2].value for row in card.rows.children)
    assert "5＝非常に優れている" in notes and "はい＝満たしている" in notes and "1＝低い　5＝高い" in notes
    heads = " ".join(row.children[0].value for row in card.rows.children)
    assert "【必須：いいえは不合格】" in heads
    aid = card.alternative_id
    card.buttons[crit["使いやすさ"]]["4"].click()
    card.buttons[crit["個人情報の保護"]]["はい"].click()
    assert stored(m, "山田", aid, crit["使いやすさ"]) == "4" and stored(m, "山田", aid, crit["個人情報の保護"]) == "はい"
    card.next.click()
    assert "2/2" in card.where.value and card.shown(crit["使いやすさ"]) == ""
    card.prev.click()
    assert card.shown(crit["使いやすさ"]) == "4"


def test_type_e_card_starts_at_the_vendor_the_grid_showed(tmp_path):
    v = VendorsView(tmp_path / "e2")
    v.model.add_criterion("使いやすさ", scale="1-5")
    for name in ("A社", "B社", "C社"):
        v.model.add_vendor(name)
    v.tabs.selected_index = 3
    sp = v.panel(EScoring)
    sp.s_who.value = "佐藤"
    sp.s_vendor.value = sp.s_vendor.options[2][1]
    sp.modes.toggle.value = CARD
    assert "3/3" in sp.card.where.value and "C社" in sp.card.title.value


def test_a_narrow_window_starts_in_the_card_until_the_participant_picks(tmp_path, wide_screen):
    v = ProblemsView(tmp_path / "c")
    v.model.add_problem("バスが少ない")
    v.tabs.selected_index = 3
    sp = v.panel(CScoring)
    assert sp.modes.mode == GRID                     # no width reported yet: the grid, as before
    wide_screen.width = 1280
    assert sp.modes.mode == GRID
    wide_screen.width = 390                          # the page reports a phone
    assert sp.modes.mode == CARD and sp.card.widget.layout.display == ""
    sp.modes.toggle.value = GRID                     # the participant wants the grid
    wide_screen.width = 380
    assert sp.modes.mode == GRID
    # a phone that reported its width before the tab was opened starts in the card
    v2 = ProblemsView(tmp_path / "c2")
    v2.tabs.selected_index = 3
    assert v2.panel(CScoring).modes.mode == CARD


def test_the_screen_widget_is_one_per_kernel_and_ships_its_css_inline(wide_screen):
    assert phone.screen() is wide_screen and not wide_screen.narrow
    wide_screen.width = phone.NARROW
    assert wide_screen.narrow
    assert "@media (max-width: 600px)" in phone.CSS and "innerWidth" in phone._ESM
    assert "http" not in phone._ESM and "import" not in phone._ESM


def test_type_c_clearing_a_score_removes_it_from_the_file(type_c):
    v, sp = type_c
    card, m = sp.card, v.model
    cid, other = list(m.criteria()["criterion_id"])[:2]
    assert card.clears[cid].disabled                      # nothing stored: nothing to clear
    card.buttons[cid]["4"].click()
    card.buttons[other]["2"].click()
    assert not card.clears[cid].disabled
    card.clears[cid].click()
    assert stored(m, "山田", "P001", cid) == "" and card.shown(cid) == ""
    assert all(b.button_style == "" and not b.description.startswith(CHOSEN) for b in card.buttons[cid].values())
    assert "取り消しました：P001" in sp.msg.value and card.clears[cid].disabled
    assert stored(m, "山田", "P001", other) == "2" and card.shown(other) == "2"   # the rest stays
    assert "この課題は全項目採点済み" not in card.where.value
    card.buttons[cid]["5"].click()                        # and it can be scored again
    assert stored(m, "山田", "P001", cid) == "5"


def test_a_refused_clear_shows_the_stored_value_again(type_c, monkeypatch):
    v, sp = type_c
    card, m = sp.card, v.model
    cid = m.criteria()["criterion_id"].iloc[0]
    card.buttons[cid]["3"].click()

    def locked(*a, **k):
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr(m.ws, "delete", locked)
    card.clears[cid].click()
    assert "保存されていません" in sp.msg.value
    assert card.shown(cid) == "3" and stored(m, "山田", "P001", cid) == "3" and not card.clears[cid].disabled
    monkeypatch.undo()
    m.set_score("山田", "P001", cid, "")                  # cleared on a second device meanwhile
    monkeypatch.setattr(m, "set_score", lambda *a, **k: (_ for _ in ()).throw(OhayamiError("取り消せません。", field="score")))
    card.clears[cid].click()
    assert "取り消せません" in sp.msg.value and card.shown(cid) == "" and card.clears[cid].disabled


def test_without_a_name_nothing_can_be_cleared(type_c):
    v, sp = type_c
    cid = v.model.criteria()["criterion_id"].iloc[0]
    sp.card.buttons[cid]["2"].click()
    sp.who.value = ""
    assert sp.card.clears[cid].disabled
    sp.card.clear(cid)                                    # even if a stale page sends the click
    assert stored(v.model, "山田", "P001", cid) == "2"


def test_type_e_clearing_a_must_have_answer(type_e):
    v, sp = type_e
    card, m = sp.card, v.model
    must = m.criteria().set_index("name")["criterion_id"]["個人情報の保護"]
    aid = card.alternative_id
    card.buttons[must]["いいえ"].click()
    assert stored(m, "山田", aid, must) == "いいえ"
    card.clears[must].click()
    assert stored(m, "山田", aid, must) == "" and card.shown(must) == "" and "取り消しました" in sp.s_msg.value
    assert card.clears[must].tooltip == "個人情報の保護の点数を取り消す"
