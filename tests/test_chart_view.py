"""The chart notebook's widgets, driven from pytest by setting values and clicking."""

import io
import re

import openpyxl
import pandas as pd

from ohayami import tally as T
from ohayami.reports import chart_result_html
from ohayami.ui.chart_view import ChartView


def _view(tmp_path, name="w"):
    return ChartView(tmp_path / name)


def test_buttons_are_labelled_exactly():
    import tempfile, pathlib
    v = ChartView(pathlib.Path(tempfile.mkdtemp()) / "w")
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
    v.tabs.selected_index = 1
    assert "集計（20人）" in v.tally_html.value
    assert v.tally_img.value[:4] == b"\x89PNG"
    v.ws.close()
    # a kernel restart: a new view on the same file shows the same tally
    v2 = _view(tmp_path, "round.ohayami")
    counts = T.tally(v2.ws).set_index("type_id")["count"]
    assert counts.to_dict() == pd.Series(expected).value_counts().reindex(list("ABCDEFGHI"), fill_value=0).to_dict()
    assert "集計（20人）" in v2.tally_html.value
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
    v.export_xlsx.click()
    path = exported(tmp_path / "w_出力", "診断チャート集計", "xlsx")
    assert path.exists() and "保存しました" in v.export_msg.value
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["集計", "回答"]
    cell = wb["回答"]["A2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    v.export_csv.click()
    raw = exported(tmp_path / "w_出力", "診断チャート回答", "csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert df.loc[0, "名前"] == "'=HYPERLINK(\"http://x\")" and df.loc[0, "タイプ"] == "A"


def test_every_type_card_can_be_browsed(tmp_path):
    v = _view(tmp_path)
    for t, move in [("G", "制度（外部人材派遣）を活用しよう"), ("I", "ITプロジェクトに精通した専門家を頼ろう")]:
        v.browse.value = t
        assert move in v.browse_card.value


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
