"""Issue 13 item 11: an import reads within explicit limits and refuses an oversize or hostile file
quickly, with a Japanese message saying the limit and how to split the file.

The 5 KB sheet that claims A1:XFD1048576 and has one cell in row 1,048,576 is read in a child process
with its address space capped, so that a reader which trusts the claim fails this test with a
MemoryError instead of taking the test machine down.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hostile_xlsx import one_sheet, sheet_xml, workbook
from ohayami import exchange as X
from ohayami.errors import OhayamiError
from ohayami.textio import MAX_COLUMNS, MAX_ROWS, MAX_TABLE_BYTES

TESTS = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
sys.path.insert(0, sys.argv[1])
from hostile_xlsx import one_sheet
from ohayami.exchange import read_any
from ohayami.errors import OhayamiError
read_any(one_sheet({1: {"A": "課題"}, 2: {"A": "準備"}}), "warm.xlsx")   # imports and caches, not measured
data = one_sheet({1: {"A": "課題"}, 2: {"A": "窓口が混む"}, 1048576: {"A": "最後の行"}}, dimension="A1:XFD1048576")
tracemalloc.start()
t = time.perf_counter()
try:
    read_any(data, "dimension.xlsx")
    message = None
except OhayamiError as exc:
    message = str(exc)
print(json.dumps({"bytes": len(data), "seconds": time.perf_counter() - t,
                  "peak_mib": tracemalloc.get_traced_memory()[1] / 2**20, "message": message}, ensure_ascii=False))
"""


def test_a_false_dimension_and_a_far_cell_are_refused_fast_and_small():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS.parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", CHILD, str(TESTS)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n5 KB dimension attack: {got['bytes']} bytes, refused in {got['seconds']:.3f} s, "
          f"peak {got['peak_mib']:.1f} MiB")
    assert got["bytes"] < 5000
    assert got["message"] is not None and "1048576 行目" in got["message"] and f"{MAX_ROWS} 行まで" in got["message"]
    assert "ファイルを分けて" in got["message"]
    assert got["seconds"] < 2 and got["peak_mib"] < 200


def _rows(n: int, width: int = 1) -> dict[int, dict[str, str]]:
    from openpyxl.utils import get_column_letter
    head = {get_column_letter(k + 1): ("課題" if k == 0 else f"列{k}") for k in range(width)}
    return {1: head, **{r: {"A": f"課題{r}"} for r in range(2, n + 2)}}


def test_the_row_limit_is_the_same_for_xlsx_and_csv(ws):
    assert len(X.read_any(one_sheet(_rows(MAX_ROWS)), "ok.xlsx")) == MAX_ROWS
    with pytest.raises(OhayamiError, match=f"{MAX_ROWS} 行まで.*ファイルを分けて"):
        X.read_any(one_sheet(_rows(MAX_ROWS + 1)), "big.xlsx")
    csv = ("課題\n" + "".join(f"課題{i}\n" for i in range(MAX_ROWS))).encode()
    assert len(X.read_any(csv, "ok.csv")) == MAX_ROWS
    with pytest.raises(OhayamiError, match=f"{MAX_ROWS} 行まで.*ファイルを分けて"):
        X.import_table(ws, "problems", csv + "もう一つ\n".encode(), name="big.csv")
    assert ws.rows("problems").empty


def test_a_row_far_below_the_others_counts_toward_the_limit():
    rows = {1: {"A": "課題"}, 2: {"A": "窓口"}, MAX_ROWS + 2: {"A": "離れた行"}}
    with pytest.raises(OhayamiError, match=f"{MAX_ROWS + 2} 行目に値があります"):
        X.read_any(one_sheet(rows), "far.xlsx")
    rows = {1: {"A": "課題"}, 2: {"A": "窓口"}, MAX_ROWS + 1: {"A": "ちょうど上限の行"}}
    assert list(X.read_any(one_sheet(rows), "edge.xlsx")["_row"]) == [2, MAX_ROWS + 1]


def test_the_column_limit():
    from openpyxl.utils import get_column_letter
    far = get_column_letter(MAX_COLUMNS + 1)
    with pytest.raises(OhayamiError, match=f"{far}列に値があります（{MAX_COLUMNS}列まで）"):
        X.read_any(one_sheet({1: {"A": "課題"}, 2: {"A": "x", far: "y"}}), "wide.xlsx")
    line = ",".join(["x"] * (MAX_COLUMNS + 1))
    with pytest.raises(OhayamiError, match=f"{MAX_COLUMNS}列まで"):
        X.read_any(f"課題\n{line}\n".encode(), "wide.csv")
    # trailing empty cells (Excel writes them up to the used range) are not columns
    assert len(X.read_any(("課題" + "," * 300 + "\n窓口" + "," * 300 + "\n").encode(), "commas.csv")) == 1


def test_a_csv_over_the_byte_limit_is_refused_before_decoding():
    raw = ("課題\n" + "あ" * (MAX_TABLE_BYTES // 3 + 10) + "\n").encode()
    with pytest.raises(OhayamiError, match=f"{MAX_TABLE_BYTES // 2**20} MB まで"):
        X.read_any(raw, "huge.csv")


def test_a_zip_bomb_is_refused_from_the_zip_directory(ws):
    data = one_sheet({1: {"A": "課題"}, 2: {"A": "x"}}, padding=200 * 2**20)
    assert len(data) < 2**20   # 200 MB of XML in a few hundred KB
    with pytest.raises(OhayamiError, match="展開すると 200 MB.*60 MB まで"):
        X.read_any(data, "bomb.xlsx")
    with pytest.raises(OhayamiError, match="展開すると 200 MB.*60 MB まで"):
        X.import_workbook(ws, data, name="bomb.xlsx")
    assert ws.rows("problems").empty


def test_a_zip_that_lies_about_its_sizes_is_refused():
    xml = sheet_xml({1: {"A": "課題"}, 2: {"A": "x"}}, padding=100 * 2**20)
    data = bytearray(workbook([("Sheet1", xml)]))
    real = len(xml.encode())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):   # local header, central directory
        at = data.find(signature)
        while at >= 0:
            if struct.unpack_from("<I", data, at + offset)[0] == real:
                struct.pack_into("<I", data, at + offset, 1000)
            at = data.find(signature, at + 4)
    with pytest.raises(OhayamiError, match="Excel ファイルとして読めません"):
        X.read_any(bytes(data), "liar.xlsx")


def test_a_zip_that_is_not_a_workbook_and_an_old_xls():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("課題.csv", "課題\n窓口\n")
    with pytest.raises(OhayamiError, match="Excel ブック（.xlsx）ではありません（中身：課題.csv）"):
        X.read_any(buf.getvalue(), "archive.zip")
    with pytest.raises(OhayamiError, match="壊れていて読めません"):
        X.read_any(b"PK\x03\x04" + b"\x00" * 100, "broken.xlsx")
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    with pytest.raises(OhayamiError, match=r"古い Excel 形式（\.xls）"):
        X.read_any(xls, "old.xls")
