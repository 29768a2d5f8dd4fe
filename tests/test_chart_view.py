"""The chart notebook's widgets, driven from pytest by setting values and clicking."""

import io
import re

import openpyxl
import pandas as pd

from ohayami import tally as T
from ohayami.reports import chart_result_html
from ohayami.ui.chart import BrowsePanel, ChartView, DiagnosePanel, TallyPanel


def _view(tmp_path, name="w"):
    """The diagnose panel of a new chart view (the view is its ``.view``)."""
    return ChartView(tmp_path / name).panel(DiagnosePanel)


def test_buttons_are_labelled_exactly():
    import tempfile, pathlib
    v = ChartView(pathlib.Path(tempfile.mkdtemp()) / "w").panel(DiagnosePanel)
    assert [b.description for b in (v.yes, v.no, v.back, v.restart)] == ["はい", "いいえ", "戻る", "最初から"]


def test_a_whole_diagnosis_by_clicking(tmp_path):
    v = _view(tmp_path)
    assert "質問 1 / 8" in v.progress.value and "何から取り組むべきか" in v.question.value
    assert v.back.disabled
    v.no.click()
    v.no.click()
    assert "質問 3 / 8" in v.progress.value
    v.back.click()
    assert "質問 2 / 8" in v.progress.value
    v.no.click()
    v.yes.click()  # Q3 → C
    assert "結果を保存しました：Cタイプ" in v.message.value
    assert "もっと良くなってほしい生活のワンシーンを考えよう" in v.result.value
    assert "02_type_c_problems.ipynb" in v.result.value
    assert v.yes.disabled and v.no.disabled
    assert T.results(v.ws)["result"].tolist() == ["C"]
    v.restart.click()
    assert "質問 1 / 8" in v.progress.value and v.result.value == ""


def test_twenty_participants_then_restart_loses_nothing(tmp_path):
    v = _view(tmp_path, "round")
    expected = []
    for i in range(20):
        v.name.value = f"参加者{i:02d}"
        v.department.value = ["企画課", "総務課", "市民課"][i % 3]
        k = i % 9  # spread over all nine types
        for _ in range(k):
            v.no.click()
        if k < 8:
            v.yes.click()
        expected.append("ABCDEFGHI"[k])
        assert "結果を保存しました" in v.message.value
        v.next_person.click()
        assert v.name.value == "" and "質問 1 / 8" in v.progress.value
    v.view.tabs.selected_index = 1
    tally = v.view.panel(TallyPanel)
    assert "集計（20人）" in tally.html.value
    assert tally.img.value[:4] == b"\x89PNG"
    v.ws.close()
    # a kernel restart: a new view on the same file shows the same tally
    v2 = _view(tmp_path, "round.ohayami")
    counts = T.tally(v2.ws).set_index("type_id")["count"]
    assert counts.to_dict() == pd.Series(expected).value_counts().reindex(list("ABCDEFGHI"), fill_value=0).to_dict()
    assert "集計（20人）" in v2.view.panel(TallyPanel).html.value
    assert "参加者05" in v2.name.options  # names are remembered
    v2.name.value = "参加者05"
    assert v2.department.value == "市民課"  # 5 % 3 == 2


def test_all_questions_mode(tmp_path):
    v = _view(tmp_path)
    v.mode.value = T.MODE_ALL
    v.judge.click()
    assert "まだ答えていない質問があります" in v.message.value
    assert v.ws.rows("chart_results").empty
    for i, tb in enumerate(v.checks.values()):
        tb.value = i in (2, 4)
    v.judge.click()
    assert "結果を保存しました：Cタイプ（ほかに当てはまるタイプ：E）" in v.message.value
    assert T.results(v.ws).loc[0, "types"] == ["C", "E"]


def test_bad_name_is_refused_next_to_the_field_and_kept_for_a_retry(tmp_path):
    v = _view(tmp_path)
    v.name.value = "名" * 70
    v.yes.click()
    assert "60文字以内" in v.who_msg.value and "保存されていません" in v.message.value
    assert v.ws.rows("chart_results").empty
    assert v.save_again.layout.display != "none"
    v.name.value = "山田"
    v.save_again.click()
    assert "結果を保存しました：Aタイプ" in v.message.value
    assert T.results(v.ws)["participant"].tolist() == ["山田"]


def test_exports(tmp_path, exported):
    v = _view(tmp_path)
    v.name.value = "=HYPERLINK(\"http://x\")"
    v.yes.click()
    t = v.view.panel(TallyPanel)
    t.export_xlsx.click()
    path = exported(tmp_path / "w_出力", "診断チャート集計", "xlsx")
    assert path.exists() and "保存しました" in t.export_msg.value
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["集計", "回答"]
    cell = wb["回答"]["A2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    t.export_csv.click()
    raw = exported(tmp_path / "w_出力", "診断チャート回答", "csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert df.loc[0, "名前"] == "'=HYPERLINK(\"http://x\")" and df.loc[0, "タイプ"] == "A"


def test_every_type_card_can_be_browsed(tmp_path):
    v = ChartView(tmp_path / "w").panel(BrowsePanel)
    for t, move in [("G", "制度（外部人材派遣）を活用しよう"), ("I", "ITプロジェクトに精通した専門家を頼ろう")]:
        v.browse.value = t
        assert move in v.card.value


def test_report_escapes_participant_text(tmp_path):
    v = _view(tmp_path)
    v.name.value = "<img src=x onerror=alert(1)>"
    v.department.value = "<script>alert(2)</script>"
    v.no.click()
    v.yes.click()
    html = chart_result_html(v.last_record, v.chart, workshop="<b>ws</b>")
    assert "<img" not in html and "<script>" not in html and "<b>ws" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "デジタル実装の基本の流れを知ろう" in html and "北塩原村" in html
    assert re.search(r"<td>1</td><td>[^<]+</td><td>いいえ</td>", html)
    assert "<img" not in v.message.value + v.result.value + v.report_link.value


# ---------------------------------------------------------------- issue 16, items 11–15

def test_all_questions_mode_shows_the_chosen_answer_unmistakably(tmp_path):
    from ohayami.ui.chart.all_check import CHOSEN_COLOR, CHOSEN_TEXT, OTHER_COLOR

    v = _view(tmp_path)
    v.mode.value = T.MODE_ALL
    first = v.checks["Q1"]
    assert [first.yes.description, first.no.description] == ["はい", "いいえ"]
    assert first.yes.style.button_color == first.no.style.button_color == OTHER_COLOR
    first.yes.click()
    assert first.value is True and first.yes.description == "✔ はい" and first.no.description == "いいえ"
    assert (first.yes.style.button_color, first.yes.style.text_color, first.yes.style.font_weight) == (
        CHOSEN_COLOR, CHOSEN_TEXT, "bold")
    assert first.no.style.button_color == OTHER_COLOR and "選んでいます" in first.yes.tooltip
    first.no.click()  # changing one's mind moves the mark
    assert first.value is False and first.no.description == "✔ いいえ" and first.yes.description == "はい"
    assert first.no.style.button_color == CHOSEN_COLOR and first.yes.style.button_color == OTHER_COLOR
    for i, yn in enumerate(v.checks.values()):
        (yn.yes if i == 2 else yn.no).click()
    v.judge.click()
    assert "結果を保存しました：Cタイプ" in v.message.value
    v.next_person.click()  # the next participant starts with nothing chosen
    assert all(yn.value is None and "✔" not in yn.yes.description + yn.no.description for yn in v.checks.values())


def test_answering_again_under_the_same_name_says_so(tmp_path):
    v = _view(tmp_path)
    v.name.value = "山田"
    assert v.who_msg.value == ""
    v.no.click(), v.no.click(), v.yes.click()
    assert "結果を保存しました：Cタイプ" in v.message.value and "置き換え" not in v.message.value
    v.next_person.click()
    v.name.value = "山田"
    assert "この名前の回答がすでにあります（Cタイプ）" in v.who_msg.value  # warned before answering
    v.yes.click()
    assert "結果を保存しました：Aタイプ。前回の回答（Cタイプ）を置き換えました" in v.message.value
    v.next_person.click()
    v.name.value = "佐藤"
    assert v.who_msg.value == ""
    v.yes.click()
    assert "置き換え" not in v.message.value


def test_a_tie_is_shown_as_a_tie_with_both_first_moves(tmp_path):
    v = _view(tmp_path)
    for name, answers in (("a", [True]), ("c", [False, False, True])):
        v.name.value = name
        for yes in answers:
            (v.yes if yes else v.no).click()
        v.next_person.click()
    tally = v.view.panel(TallyPanel)
    text = tally.html.value
    assert "グループの主なタイプ：AタイプとCタイプが同数（各1人）" in text
    assert "Aタイプ：基本の3ポイントを押さえよう" in text and "Cタイプ：もっと良くなってほしい生活のワンシーンを考えよう" in text
    assert "グループの主なタイプ：Aタイプ（" not in text
    assert text.count("◎（同数）") == 2 and "<td>50%</td>" in text
    v.name.value = "d"
    v.no.click(), v.no.click(), v.yes.click()  # the tally tab follows a new result
    assert "グループの主なタイプ：Cタイプ（もっと良くなってほしい生活のワンシーンを考えよう）" in tally.html.value


def test_the_figure_highlights_every_tied_type():
    from ohayami.plots import PALETTE, tally_figure
    import matplotlib.colors as mc

    df = pd.DataFrame({"type_id": list("ABCDEFGHI"), "count": [1, 0, 1, 0, 0, 0, 0, 0, 0]})
    fig = tally_figure(df, ["A", "C"])
    ax = fig.axes[0]
    assert "主なタイプ：A・Cが同数" in ax.get_title()
    colours = [mc.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[0] == colours[2] == PALETTE[1].lower() and colours[1] == PALETTE[0].lower()
    assert "主なタイプ：A）" in tally_figure(df.assign(count=[2, 0, 1, 0, 0, 0, 0, 0, 0]), ["A"]).axes[0].get_title()


def test_tally_csv_button_writes_readable_percentages(tmp_path, exported):
    v = _view(tmp_path)
    for _ in range(3):
        v.yes.click()
        v.next_person.click()
    v.no.click(), v.yes.click()
    t = v.view.panel(TallyPanel)
    t.export_tally_csv.click()
    assert "保存しました" in t.export_msg.value
    df = pd.read_csv(exported(tmp_path / "w_出力", "診断チャート集計", "csv"), encoding="utf-8-sig")
    assert df.set_index("タイプ")["割合"].to_dict()["Aタイプ"] == "75%"
    assert df.set_index("タイプ")["割合"].to_dict()["Bタイプ"] == "25%"
    t.export_xlsx.click()
    sheet = openpyxl.load_workbook(exported(tmp_path / "w_出力", "診断チャート集計", "xlsx"))["集計"]
    assert (sheet["D2"].value, sheet["D2"].number_format) == (0.75, "0%")


def test_the_workbench_link_opens_the_same_workshop(tmp_path):
    v = _view(tmp_path, "第2回 a&b")
    v.no.click(), v.no.click(), v.yes.click()
    href = re.search(r'<a class="oh-open" href="([^"]*)" target="_blank" style="[^"]*">この作業台を開く</a>',
                     v.result.value)
    # relative: /voila/render/<nb> in the app and /lab/tree/<nb> in JupyterLab both resolve it to the sibling
    assert href and href.group(1) == "02_type_c_problems.ipynb?workshop=%E7%AC%AC2%E5%9B%9E%20a%26b"
    browse = v.view.panel(BrowsePanel)
    browse.browse.value = "E"
    assert 'href="03_type_e_vendors.ipynb?workshop=%E7%AC%AC2%E5%9B%9E%20a%26b"' in browse.card.value
    from ohayami.ui.cards import card_html
    assert 'href="02_type_c_problems.ipynb" target="_blank"' in card_html("C")  # the guide browser has no workshop


def test_a_page_joined_with_a_code_links_the_worksheet_with_the_same_code(tmp_path, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "w=K7Q3M&x=1")  # as Voilà gives the page's address to its kernel
    v = _view(tmp_path, "第3回")
    v.yes.click()  # yes to the first question: type A, whose worksheet exists
    assert 'href="10_type_a_readiness.ipynb?w=K7Q3M"' in v.result.value and "?workshop=" not in v.result.value
    browse = v.view.panel(BrowsePanel)
    browse.browse.value = "I"
    assert 'href="18_type_i_experts.ipynb?w=K7Q3M"' in browse.card.value
    from dataclasses import replace

    from ohayami.guide import type_card
    from ohayami.ui.cards import card_html
    assert "この作業台を開く" not in card_html(replace(type_card("C"), workbench=""))  # no worksheet: the card only


def test_the_card_and_the_app_read_the_same_address_words():
    from ohayami.app import address
    from ohayami.ui import cards
    assert (cards.JOIN_PARAM, cards.NAME_PARAM) == (address.PARAM, address.NAME_PARAM)
    assert cards.joined_code("w=ABCDE") == address.code_in_query("w=ABCDE") == "ABCDE"
    assert cards.joined_code("workshop=x") is None and cards.joined_code("w=") is None
    # a code is data in the address: quoted, then escaped in the HTML
    assert cards.notebook_href("02_type_c_problems.ipynb", "x", code='A"&<') == "02_type_c_problems.ipynb?w=A%22%26%3C"


def test_card_links_read_as_worksheet_names_never_as_file_names():
    """The guide's page references link into the kit (「本書p.25～26」 → type E's template): the link reads
    as the worksheet's name; the README promises participants never see a notebook's file name."""
    import re

    from ohayami.ui.cards import WORKBENCH_NAMES, card_html
    for t in "ABCDEFGHI":
        html = card_html(t, workshop="第1回")
        shown = re.sub(r"<[^>]+>", "", html)   # the text a person reads, without tags and addresses
        assert ".ipynb" not in shown, t
    e = card_html("E", workshop="第1回")
    assert f"<b>{WORKBENCH_NAMES['03_type_e_vendors.ipynb']}</b>" in e
