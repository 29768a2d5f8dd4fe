import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ that a test may break."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst
