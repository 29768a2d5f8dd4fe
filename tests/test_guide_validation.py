"""Broken or hand-edited files are refused with a Japanese message naming file, row and column."""

import pandas as pd
import pytest

import ohayami
from ohayami import OhayamiError


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copy_loads_like_the_original(data_copy):
    pd.testing.assert_frame_equal(ohayami.load_chart(data_copy), ohayami.load_chart())
    ohayami.validate_all(data_copy)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("kind", ["chart", "priority_criteria", "criteria_template", "references"])
def test_excel_encodings_load_the_same(data_copy, encoding, kind):
    from ohayami.guide import SPECS
    path = data_copy / SPECS[kind].file
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    loader = getattr(ohayami, f"load_{kind}")
    pd.testing.assert_frame_equal(loader(data_copy), loader())


def test_tab_separated_copy_loads_the_same(data_copy):
    import csv, io
    path = data_copy / "priority_criteria.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    pd.testing.assert_frame_equal(ohayami.load_priority_criteria(data_copy), ohayami.load_priority_criteria())


def test_undecodable_file(data_copy):
    (data_copy / "chart.csv").write_bytes(b"question_id,order\n\x81\xff\xfe\x80")
    with pytest.raises(OhayamiError, match="文字コード") as e:
        ohayami.load_chart(data_copy)
    assert e.value.file == "chart.csv"


def test_missing_column_named(data_copy):
    _edit(data_copy / "chart.csv", "on_yes,", "yes,")
    with pytest.raises(OhayamiError) as e:
        ohayami.load_chart(data_copy)
    assert e.value.file == "chart.csv" and e.value.row == 1
    assert "on_yes（はいの行き先）" in e.value.message


def test_empty_required_cell_named_with_row_and_column(data_copy):
    _edit(data_copy / "criteria_template.csv", "14,サービス要件,運用・保守性,,稼働時間,", "14,サービス要件,運用・保守性,,,")
    with pytest.raises(OhayamiError) as e:
        ohayami.load_criteria_template(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("criteria_template.csv", 15, "item")
    assert "評価項目" in str(e.value) and "15行目" in str(e.value)


def test_duplicate_id(data_copy):
    _edit(data_copy / "priority_criteria.csv", "cost,", "reach,")
    with pytest.raises(OhayamiError, match="重複") as e:
        ohayami.load_priority_criteria(data_copy)
    assert e.value.column == "criterion_id"


@pytest.mark.parametrize("old,new,col,msg", [
    (",higher,1-5,3,", ",better,1-5,3,", "direction", "higher"),
    (",higher,1-5,3,", ",higher,5-1,3,", "scale", "最小-最大"),
    (",higher,1-5,3,", ",higher,1-5,-1,", "default_weight", "0 以上"),
    (",higher,1-5,3,", ",higher,1-5,たくさん,", "default_weight", "0 以上"),
])
def test_bad_priority_values(data_copy, old, new, col, msg):
    _edit(data_copy / "priority_criteria.csv", old, new)
    with pytest.raises(OhayamiError, match=msg) as e:
        ohayami.load_priority_criteria(data_copy)
    assert e.value.column == col and e.value.row == 2


def test_chart_unknown_target(data_copy):
    _edit(data_copy / "chart.csv", ",C,Q4,", ",X,Q4,")
    with pytest.raises(OhayamiError, match="行き先「X」") as e:
        ohayami.load_chart(data_copy)
    assert (e.value.row, e.value.column) == (4, "on_yes")


def test_chart_cycle(data_copy):
    _edit(data_copy / "chart.csv", ",H,I,", ",H,Q1,")
    with pytest.raises(OhayamiError, match="循環"):
        ohayami.load_chart(data_copy)


def test_chart_unreachable_question(data_copy):
    _edit(data_copy / "chart.csv", ",D,Q5,", ",D,Q6,")
    with pytest.raises(OhayamiError, match="Q5") as e:
        ohayami.load_chart(data_copy)
    assert e.value.row == 6


def test_chart_order_not_a_number(data_copy):
    _edit(data_copy / "chart.csv", "Q2,2,", "Q2,二,")
    with pytest.raises(OhayamiError, match="整数") as e:
        ohayami.load_chart(data_copy)
    assert (e.value.row, e.value.column) == (3, "order")


def test_missing_type_file(data_copy):
    (data_copy / "types" / "F.yaml").unlink()
    with pytest.raises(OhayamiError, match="足りないタイプ：F"):
        ohayami.load_types(data_copy)


def test_extra_type_file(data_copy):
    text = (data_copy / "types" / "I.yaml").read_text(encoding="utf-8").replace("type_id: I", "type_id: J")
    (data_copy / "types" / "J.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(OhayamiError, match="A～I ではありません"):
        ohayami.load_types(data_copy)


def test_type_id_must_match_file_name(data_copy):
    _edit(data_copy / "types" / "B.yaml", "type_id: B", "type_id: C")
    with pytest.raises(OhayamiError, match="ファイル名") as e:
        ohayami.load_types(data_copy)
    assert e.value.file == "types/B.yaml"


def test_empty_step_text(data_copy):
    _edit(data_copy / "types" / "H.yaml",
          "    text: 体制構築ができれば、上長・関係者の合意を取り正式な文書を残しましょう。また、体制における連絡手段・会議の開催頻度等のコミュニケーションルールを設定しましょう。",
          '    text: ""')
    with pytest.raises(OhayamiError) as e:
        ohayami.load_steps(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("types/H.yaml", "steps[3]", "text")


def test_yaml_syntax_error_gives_line(data_copy):
    _edit(data_copy / "types" / "D.yaml", "merits:\n", "merits:\n - : [\n")
    with pytest.raises(OhayamiError, match="YAML") as e:
        ohayami.load_types(data_copy)
    assert isinstance(e.value.row, int) and e.value.file == "types/D.yaml"


def test_broken_type_specific_material(data_copy):
    _edit(data_copy / "types" / "G.yaml", "    ministry: 総務省\n", "    ministry: ''\n")
    with pytest.raises(OhayamiError) as e:
        ohayami.load_types(data_copy)
    assert e.value.row == "programmes[2]" and e.value.column == "ministry"


def test_unknown_type_card():
    with pytest.raises(OhayamiError, match="A～I"):
        ohayami.type_card("Z")
    assert ohayami.type_card(" c ").type_id == "C"


def test_edit_is_picked_up_without_restart(data_copy):
    assert ohayami.load_chart(data_copy).loc[0, "question"].startswith("デジタル実装")
    _edit(data_copy / "chart.csv", "Q1,1,デジタル実装の取組を", "Q1,1,【編集】デジタル実装の取組を")
    assert ohayami.load_chart(data_copy).loc[0, "question"].startswith("【編集】")
