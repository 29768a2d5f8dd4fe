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
    _edit(data_copy / "criteria_template.csv", "14,サービス要件,性能・品質,運用・保守性,稼働時間,", "14,サービス要件,性能・品質,運用・保守性,,")
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


# --------------------------------------------------------------------------- hand edits that used to crash or slip through

@pytest.mark.parametrize("nesting", ["flow", "block"])
def test_deeply_nested_yaml_is_refused_not_a_recursion_error(data_copy, nesting):
    n = 5000
    deep = ("extra: " + "[" * n + "]" * n) if nesting == "flow" else \
        "extra:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(n)) + " " * (n + 1) + "end: 1"
    path = data_copy / "types" / "A.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + deep + "\n", encoding="utf-8")
    with pytest.raises(OhayamiError, match="入れ子が深すぎます") as e:
        ohayami.load_types(data_copy)
    assert e.value.file == "types/A.yaml" and isinstance(e.value.row, int) and e.value.row > 10


def test_cp932_yaml_is_accepted(data_copy, tmp_path):
    import shutil
    same = tmp_path / "utf8"
    shutil.copytree(data_copy, same)
    for folder, encoding in ((data_copy, "cp932"), (same, "utf-8")):
        for path in (folder / "types").glob("*.yaml"):
            # U+2014 and superscripts have no CP932 code; an editor saving Shift_JIS replaces them
            text = path.read_text(encoding="utf-8").replace("—", "―").replace("²", "2").replace("¹", "1")
            path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    pd.testing.assert_frame_equal(ohayami.load_types(data_copy), ohayami.load_types(same))
    pd.testing.assert_frame_equal(ohayami.load_steps(data_copy), ohayami.load_steps(same))
    (data_copy / "types" / "B.yaml").write_bytes(b"type_id: B\nname: \x81\xff\xfe\x80\n")
    with pytest.raises(OhayamiError, match="CP932") as e:
        ohayami.load_types(data_copy)
    assert e.value.file == "types/B.yaml"


@pytest.mark.parametrize("old,new,key", [
    ("name: Aタイプ\n", "name: Aタイプ\nname: 別の名前\n", "name"),
    ("first_move: 基本の3ポイントを押さえよう\n", "first_move: 基本の3ポイントを押さえよう\nfirst_move: 上書き\n", "first_move"),
])
def test_duplicate_yaml_keys_are_refused(data_copy, old, new, key):
    path = data_copy / "types" / "A.yaml"
    _edit(path, old, new)
    line = path.read_text(encoding="utf-8").splitlines().index(new.splitlines()[1]) + 1
    with pytest.raises(OhayamiError, match=f"キー「{key}」が2回") as e:
        ohayami.load_types(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("types/A.yaml", line, key)
    assert f"{line}行目" in str(e.value)


def test_duplicate_key_inside_a_step_is_refused(data_copy):
    path = data_copy / "types" / "H.yaml"
    text = path.read_text(encoding="utf-8")
    i = text.index("    text: 体制構築ができれば")
    path.write_text(text[:i] + "    title: 二つ目のタイトル\n" + text[i:], encoding="utf-8")
    with pytest.raises(OhayamiError, match="キー「title」が2回") as e:
        ohayami.load_steps(data_copy)
    assert e.value.file == "types/H.yaml" and e.value.column == "title"


def _chain(n: int, last: str) -> str:
    head = "question_id,order,question,on_yes,on_no,derived_from,wording\n"
    return head + "".join(f"Q{i},{i},質問{i}？,A,{f'Q{i + 1}' if i < n else last},,\n" for i in range(1, n + 1))


def test_a_5000_question_chain_loads_without_recursion_error(data_copy):
    (data_copy / "chart.csv").write_text(_chain(5000, "B"), encoding="utf-8")
    chart = ohayami.load_chart(data_copy)
    assert len(chart) == 5000 and chart["on_no"].iloc[-1] == "B"
    (data_copy / "chart.csv").write_text(_chain(5000, "Q1"), encoding="utf-8")
    with pytest.raises(OhayamiError, match="循環") as e:
        ohayami.load_chart(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("chart.csv", 5001, "on_no")  # where to fix it
    assert "Q5000 → Q1" in str(e.value)


@pytest.mark.parametrize("weight", ["inf", "nan", "-inf", "1e999", "Infinity"])
def test_non_finite_default_weight_is_refused(data_copy, weight):
    _edit(data_copy / "priority_criteria.csv", ",higher,1-5,3,", f",higher,1-5,{weight},")
    with pytest.raises(OhayamiError, match="0 以上の数") as e:
        ohayami.load_priority_criteria(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("priority_criteria.csv", 2, "default_weight")


@pytest.mark.parametrize("scale,ok", [("1-1000", False), ("0-101", False), ("0-100", True), ("1-10", True)])
def test_scale_range_is_bounded(data_copy, scale, ok):
    _edit(data_copy / "priority_criteria.csv", ",higher,1-5,3,", f",higher,{scale},3,")
    if ok:
        assert ohayami.load_priority_criteria(data_copy)["scale"].iloc[0] == scale
        return
    with pytest.raises(OhayamiError, match="段階が多すぎます") as e:
        ohayami.load_priority_criteria(data_copy)
    assert (e.value.file, e.value.row, e.value.column) == ("priority_criteria.csv", 2, "scale")
