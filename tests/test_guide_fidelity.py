"""The guide exactly as written: each fix of the fidelity audit (issue 15, items 8–15) pinned against
the guide's extracted text (tests/fixtures/guide_extracted.txt, the same text data/ was transcribed from)."""

import re
from pathlib import Path

import pytest

import ohayami
from ohayami import OhayamiError
from ohayami.guide import (CHART_WORDING_NOTE, PROGRAMME_SUMMARY_MARK, chart_wording_note, load_page_refs,
                           load_weighting_scenes)
from ohayami.html import esc
from ohayami.ui.cards import card_html

SEED = (Path(__file__).parent / "fixtures" / "guide_extracted.txt").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPTION = (ROOT / "data" / "TRANSCRIPTION.md").read_text(encoding="utf-8")
DATA_TEXT = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").rglob("*"))
                    if p.suffix in (".yaml", ".csv"))


def flat(text: str) -> str:
    """The PDF extraction breaks lines and spaces inside table cells; compare without them."""
    return re.sub(r"\s+", "", text)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- item 8: G 人材の支援策一覧

def _g_table_rows():
    table = SEED[SEED.index("人材の支援策一覧※"):SEED.index("※留意点 作成時点で")]
    rows = [re.findall(r"<p>(.*?)</p>", line) for line in table.splitlines() if line.startswith("<p>")]
    return {flat(re.sub(r"\(.*\)", "", cells[0])): cells for cells in rows if len(cells) >= 3}


def test_g_link_column_is_a_link_not_a_ministry():
    seed = _g_table_rows()
    assert flat(seed["連携協定"][-1]) == "各自治体HP" and "(" not in seed["連携協定"][0]
    progs = {p["name"]: p for p in ohayami.type_card("G").extras["programmes"]}
    assert set(progs) == set(seed)
    assert progs["連携協定"]["link"] == "各自治体HP" and progs["連携協定"]["ministry"] == ""
    for name, cells in seed.items():
        if name == "連携協定":
            continue
        # the other rows: the ministry is the name cell's bracket, the LINK cell is a bare hyperlink
        assert f"({progs[name]['ministry']})" in cells[0] and cells[-1] == "LINK" and progs[name]["link"] == ""
    html = card_html("G")
    assert "<th>参照先</th>" in html and "連携協定</td><td></td>" in html and "<td>各自治体HP</td>" in html


def test_a_written_but_blank_link_is_refused(data_copy):
    _edit(data_copy / "types" / "G.yaml", "    link: 各自治体HP\n", "    link: ''\n")
    with pytest.raises(OhayamiError) as e:
        ohayami.load_types(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("types/G.yaml", "programmes[5]", "link")


# ---------------------------------------------------------------- item 9: F programmes are ours

def test_f_programmes_are_marked_as_the_kits_summary():
    assert "人材の支援策一覧" in SEED and "財源の支援策一覧" not in SEED  # the guide has a table for G only
    f = ohayami.type_card("F").extras["programmes"]
    for p in f:
        assert f"【{p['name']}】" in SEED          # the names are the guide's case headings …
        assert flat(p["description"]) not in flat(SEED)  # … the descriptions are not the guide's
        assert p["source"] == "ohayami"
    assert all(p["source"] == "guide" for p in ohayami.type_card("G").extras["programmes"])
    f_html, g_html = card_html("F"), card_html("G")
    assert f"財源の支援策</h3><div class=\"oh-note\">{PROGRAMME_SUMMARY_MARK}</div>" in f_html
    assert PROGRAMME_SUMMARY_MARK not in g_html


def test_programme_source_must_be_guide_or_ohayami(data_copy):
    _edit(data_copy / "types" / "F.yaml", "    source: ohayami\n", "    source: 内閣府\n")
    with pytest.raises(OhayamiError, match="guide") as e:
        ohayami.load_types(data_copy)
    assert (e.value.row, e.value.column) == ("programmes[1]", "source")


# ---------------------------------------------------------------- item 10: the chart's wording is ours

def test_chart_page_says_the_questions_are_the_kits(tmp_path):
    from ohayami.ui.chart import ChartView
    assert "質問文は ohayami がガイドの各タイプの悩みから作ったものです" in CHART_WORDING_NOTE
    chart = ohayami.load_chart()
    assert chart.wording.str.contains("ohayami").all()
    assert not any(flat(q) in flat(SEED) for q in chart.question)  # no question is the guide's own sentence
    header = [w.value for w in ChartView(tmp_path / "w").widget.children if isinstance(getattr(w, "value", None), str)]
    assert any(CHART_WORDING_NOTE in text for text in header)


def test_chart_note_goes_once_every_question_is_the_guides(data_copy):
    path = data_copy / "chart.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r",ohayami作成[^\n]*", ",ガイドの図の文言", text), encoding="utf-8")
    assert chart_wording_note(data_copy) == "" and chart_wording_note() == CHART_WORDING_NOTE


# ---------------------------------------------------------------- item 11: weighting scenes

def test_weighting_scenes_tell_the_guides_from_the_kits():
    sc = load_weighting_scenes().set_index("scene_id")
    guide, ours = sc[sc.source == "guide"], sc[sc.source == "ohayami"]
    step2 = SEED[SEED.index("評価項目の重みづけ\n\n自団体に最もマッチ"):SEED.index("Step3\n\n評価項目・重みづけの妥当性チェック")]
    assert len(guide) == 2 and all(f"例：{s}" in step2 for s in guide.situation)  # word for word
    assert len(ours) == 3 and not any(flat(s) in flat(SEED) for s in ours.situation)
    for word in ("止められない", "データを引き継ぐ", "職員が少なく"):
        assert ours.situation.str.contains(word).sum() == 1
    assert (ours.mark != "").all() and (guide.mark == "").all()


def test_scenes_on_the_type_e_screen_carry_the_mark(ws):
    from ohayami.ui.vendors import VendorsView, WeightsPanel
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(ws)
    pairs = m.scene_lines()
    marked = [s for s, _ in pairs if "ohayami の例" in s]
    assert len(pairs) == 5 and len(marked) == 3 and all("止められない" in s or "引き継ぐ" in s or "職員が少なく" in s
                                                         for s in marked)
    screen = VendorsView(ws).panel(WeightsPanel).widget
    shown = " ".join(w.value for w in screen.children if hasattr(w, "value") and isinstance(w.value, str))
    assert all(esc(s) in shown for s, _ in pairs) and shown.count("ohayami の例") == 3
    assert list(m.weighting_scenes().source) == ["guide", "guide", "ohayami", "ohayami", "ohayami"]
    # every scene points at a 要件内訳 a criterion taken from the template can carry
    tpl = m.template()
    assert {g for _, g in pairs} <= set(tpl.subgroup) | set(tpl.group)


def test_a_scene_must_name_a_known_group_and_source(data_copy):
    _edit(data_copy / "weighting_scenes.csv", ",移行性,ohayami,", ",移行,ohayami,")
    with pytest.raises(OhayamiError, match="要件内訳「移行」") as e:
        load_weighting_scenes(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("weighting_scenes.csv", 5, "emphasis")
    _edit(data_copy / "weighting_scenes.csv", ",移行,ohayami,", ",移行性,kit,")
    with pytest.raises(OhayamiError) as e:
        load_weighting_scenes(data_copy)
    assert (e.value.row, e.value.column) == (5, "source")


def test_renaming_a_group_in_the_template_is_checked_against_the_scenes(data_copy):
    assert len(load_weighting_scenes(data_copy)) == 5
    path = data_copy / "criteria_template.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",移行性,", ",データ移行,"), encoding="utf-8")
    with pytest.raises(OhayamiError, match="移行性"):
        load_weighting_scenes(data_copy)


# ---------------------------------------------------------------- item 12: case sources

def test_case_sources_are_the_guides_footnotes_or_nothing():
    cases = ohayami.load_cases()
    assert not cases.source.str.contains("抽出|脚注").any()
    for c in cases[cases.source != ""].itertuples():
        assert c.source in SEED, c.source            # the footnote exactly as the guide prints it
    assert set(cases[cases.source == ""].type_id) == {"B", "C", "D", "E"}
    assert len(cases[cases.source == ""]) == 17
    assert "出典：" not in card_html("E") and "抽出テキスト" not in card_html("C")
    assert "出典：※3 「令和5年度地域におけるデジタル実装計画の策定支援に向けた調査事業」" in card_html("H")
    assert "脚注の本文は抽出テキストに含まれていない" not in DATA_TEXT
    assert "脚注本文は抽出テキストにない" in TRANSCRIPTION  # the note lives here only


# ---------------------------------------------------------------- item 13: page references

def test_every_page_reference_leads_somewhere_in_the_kit():
    pages = load_page_refs().set_index("ref")
    assert set(pages.index) == {"本書p.25～26", "本書p.48", "本書p.20", "本書p.14"}
    steps = " ".join(ohayami.load_steps().text)
    for ref in pages.index:
        assert ref in SEED and ref in steps
    # p.20 is where the guide explains RFI before E refers to it: D's 用語補足 ※5
    assert SEED.index("※5 RFI(Request for Information)") < SEED.index("RFIについては本書p.20参照")
    # p.48: the catalogue is on the E card's own reference list
    assert "デジタル実装の優良事例を支えるサービス/システムのカタログ" in " ".join(ohayami.type_card("E").references.title)
    assert "デジタル実装の優良事例を支えるサービス/システムのカタログ" in pages.loc["本書p.48", "kit_place"]


def test_cards_annotate_page_references():
    e = card_html("E")
    assert re.search(r"本書p\.25～26<span[^>]*>（→ ohayami では：[^<]*"
                     r'<a href="03_type_e_vendors.ipynb" target="_blank">', e)
    assert "本書p.48<span" in e and "本書p.20<span" in e and "Dタイプのカード" in e
    h = card_html("H")
    assert re.search(r"本書p\.14<span[^>]*>（→ ohayami では：[^<]*Bタイプ作業台の「2 段階一覧」[^<]*"
                     r'<a href="11_type_b_flow.ipynb" target="_blank">', h)
    assert ohayami.type_card("A").page_refs.empty and "→ ohayami では" not in card_html("A")  # no ref, no note


def test_page_reference_links_are_notebooks_and_text_is_escaped(data_copy):
    path = data_copy / "page_refs.csv"
    _edit(path, ",03_type_e_vendors.ipynb", ",javascript:alert(1)")
    with pytest.raises(OhayamiError, match="ノートブック") as e:
        load_page_refs(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("page_refs.csv", 2, "link")
    _edit(path, ",javascript:alert(1)", ",03_type_e_vendors.ipynb")
    _edit(path, "評価項目例の32項目は", "<img src=x onerror=alert(1)>")
    html = card_html(ohayami.type_card("E", data_copy))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# ---------------------------------------------------------------- item 14: TRANSCRIPTION.md

def test_transcription_corrections_match_the_seed():
    # 初山別村 (しよさんべつ in the extraction) is in C's and H's cases, not B's
    assert SEED.count("しよさんべつ") == 2 and "| C・H（初山別村のよみ） | しよさんべつ |" in TRANSCRIPTION
    sho = ohayami.load_cases().query("municipality == '初山別村'")
    assert sorted(sho.type_id) == ["C", "H"]
    # 「…ましょ。」 without う: three in E Step1, two in its cautions
    assert len(re.findall("ましょ。", SEED)) == 5 and "（5か所" in TRANSCRIPTION and "（4か所）" not in TRANSCRIPTION
    assert "ましょ。" not in DATA_TEXT


def test_kept_typos_are_really_kept():
    line = next(ln for ln in TRANSCRIPTION.splitlines() if "そのまま残した" in ln and "例：" in ln)
    kept = re.findall(r"「(.+?)」", line)
    assert kept == ["担っていきける", "払い出する"]
    for typo in kept:
        assert typo in SEED and typo in DATA_TEXT
    # 「基本的の流れ」 is only on B's (and, in the extraction, C's) overview page; the kit keeps the detail page's
    assert SEED.count("デジタル実装の基本的の流れを知ろう") == 2 and "基本的の流れ" not in DATA_TEXT
    assert ohayami.load_types().set_index("type_id").loc["B", "first_move"] == "デジタル実装の基本の流れを知ろう"
    assert "初めの一手\n\nデジタル実装の基本の流れを知ろう" in SEED


def test_h_trouble_is_written_as_each_page_writes_it():
    t = ohayami.load_types().set_index("type_id").loc["H"]
    overview = SEED.index("Hタイプの悩み")
    detail = SEED.index("Hタイプの悩み", overview + 1)
    assert "するのかが分からない" in t.trouble_items[0] and t.trouble_items[0] in SEED[overview:detail]
    assert "するのが分からない" in t.trouble and t.trouble in SEED[detail:detail + 200]
    assert "するのが分からない" in t.summary_trouble


def test_criteria_hierarchy_follows_the_guides_table():
    ct = ohayami.load_criteria_template()
    service = ct[ct.requirement == "サービス要件"]
    assert list(dict.fromkeys(service.group)) == ["機能", "性能・品質"]
    # the unbroken rows of the extraction: 性能・品質 (level 1) next to 可用性 (level 2), then 性能・拡張性
    assert "6\t\t性能・品質\t可用性\t稼働率" in SEED and "8\t\t\t性能・拡張性\t" in SEED
    sub = service[service.group == "性能・品質"]
    assert list(dict.fromkeys(sub.subgroup)) == ["可用性", "性能・拡張性", "運用・保守性", "移行性", "互換性",
                                                 "セキュリティ", "ユーザビリティ・アクセシビリティ"]
    assert "ここは ohayami の判断" in TRANSCRIPTION


def test_adopted_criteria_take_the_finest_group(ws):
    from ohayami.vendors import VendorWorkbench
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 6, 9, 14, 25, 29])
    grp = m.criteria().set_index("criterion_id").loc[ids, "grp"].tolist()
    assert grp == ["機能", "可用性", "性能・拡張性", "運用・保守性", "セキュリティ", "組織対応力"]


# ---------------------------------------------------------------- item 15: the 5段階 preset

def test_five_grade_preset_is_the_proposal_review_scale():
    from ohayami.scoring import scales
    five = scales.parse_scale("5段階")
    assert five.levels == ("5", "4", "3", "1", "0")
    assert [five.ratio(g) for g in five.levels] == [int(g) / 5 for g in five.levels]
    assert "非常に優れている=5点" in scales.__doc__ and "不十分である=1点" in scales.__doc__
    even = scales.parse_scale("1-5")
    assert [even.ratio(v) for v in range(1, 6)] == [0, 0.25, 0.5, 0.75, 1]
