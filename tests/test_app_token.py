"""The share token outlives a restart (QR codes handed out keep working), the terminal says when the
port moved, and the first install prints no pages of build warnings."""

import io
import stat
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import run  # noqa: E402

from ohayami.app import launch  # noqa: E402


def test_the_token_is_kept_for_the_folder_owner_only_until_a_new_one_is_asked_for(tmp_path):
    out = io.StringIO()
    first = launch.keep_token(tmp_path, 8866, out=out)
    assert len(first) >= 8 and launch.keep_token(tmp_path, 8866, out=out) == first
    assert out.getvalue() == ""
    assert stat.S_IMODE((tmp_path / launch.STATE).stat().st_mode) == 0o600
    other = tmp_path / "other"
    assert launch.keep_token(other, 8866, out=out) != first   # another workshops folder, its own token
    fresh = launch.keep_token(tmp_path, 8866, new=True, out=out)
    assert fresh != first and launch.keep_token(tmp_path, 8866, out=out) == fresh
    assert "合言葉（トークン）を新しくしました" in out.getvalue()


def test_a_moved_port_is_said_in_the_terminal(tmp_path):
    launch.keep_token(tmp_path, 8866, out=io.StringIO())
    out = io.StringIO()
    launch.keep_token(tmp_path, 8867, out=out)
    assert "前回はポート 8866" in out.getvalue() and "ポート 8867" in out.getvalue()


def test_a_broken_token_file_gives_a_fresh_token(tmp_path):
    (tmp_path / launch.STATE).write_text("{not json")
    assert len(launch.keep_token(tmp_path, 8866, out=io.StringIO())) >= 8


def test_restarting_the_app_serves_the_same_token(tmp_path, monkeypatch):
    monkeypatch.setenv("OHAYAMI_WORKSHOPS", str(tmp_path))
    served = []
    monkeypatch.setattr(launch.server, "main", lambda args: served.append(args))
    monkeypatch.setattr(launch, "lan_addresses", lambda: ["192.168.3.4"])
    for throwaway in ("aaaaaaaaaaa", "bbbbbbbbbbb"):   # run.py makes up a new one each start
        launch.main(["--port=8866", "--share", "--workshop=第1回", "--kind=C", "--",
                     "notebooks", f"--token={throwaway}"])
    tokens = [next(a for a in args if a.startswith("--token=")) for args in served]
    assert tokens[0] == tokens[1] and tokens[0] not in ("--token=aaaaaaaaaaa", "--token=bbbbbbbbbbb")
    launch.main(["--port=8866", "--share", "--new-token", "--workshop=第1回", "--", "notebooks", "--token=c"])
    assert next(a for a in served[-1] if a.startswith("--token=")) != tokens[0]


def test_run_py_forwards_new_token():
    assert run.app_parser().parse_args(["--share", "--new-token"]).new_token


def test_the_install_is_quiet(tmp_path, monkeypatch):
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # the table form makes setuptools print its deprecation notice (about 15 lines) several times
    assert isinstance(meta["project"]["license"], str)
    calls = []
    monkeypatch.setattr(run, "venv_python", lambda: Path(sys.executable))
    monkeypatch.setattr(run, "STAMP", tmp_path / "stamp")
    monkeypatch.setattr(run.subprocess, "check_call", lambda args, **kw: calls.append((args, kw)))
    run.setup()
    install = next(kw for args, kw in calls if "-e" in args)
    assert install.get("env", {}).get("PYTHONWARNINGS") == "ignore"
    assert all("-q" in args for args, _ in calls)


@pytest.mark.parametrize("argv", [["app", "--help"]])
def test_help_names_new_token(argv, capsys):
    with pytest.raises(SystemExit):
        run.app_parser().parse_args(argv[1:])
    assert "--new-token" in capsys.readouterr().out
