"""The share token outlives a restart (QR codes handed out keep working), the terminal says when the
port moved, and the first install prints no pages of build warnings."""

import io
import json
import os
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
    secrets_ = []
    monkeypatch.setattr(launch.server, "main", lambda args, cookie_secret="": (served.append(args),
                                                                                secrets_.append(cookie_secret)))
    monkeypatch.setattr(launch, "lan_addresses", lambda: ["192.168.3.4"])
    for throwaway in ("aaaaaaaaaaa", "bbbbbbbbbbb"):   # run.py makes up a new one each start
        launch.main(["--port=8866", "--share", "--workshop=第1回", "--kind=C", "--",
                     "notebooks", f"--token={throwaway}"])
    tokens = [next(a for a in args if a.startswith("--token=")) for args in served]
    assert tokens[0] == tokens[1] and tokens[0] not in ("--token=aaaaaaaaaaa", "--token=bbbbbbbbbbb")
    assert len(secrets_[0]) == 64 and secrets_[0] == secrets_[1]   # the same cookie secret: logins survive
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


def _kept(tmp_path):
    import json
    return json.loads((tmp_path / launch.STATE).read_text(encoding="utf-8"))


def test_a_folder_in_place_of_the_token_file_still_starts_and_says_why(tmp_path):
    (tmp_path / launch.STATE).mkdir()
    out = io.StringIO()
    token = launch.keep_token(tmp_path, 8866, out=out)
    assert launch.TOKEN_FORMAT.fullmatch(token)
    said = out.getvalue()
    assert "フォルダー" in said and "保存できませんでした" in said and "Error" not in said


def test_a_read_only_token_file_keeps_its_token(tmp_path, monkeypatch):
    import os
    first = launch.keep_token(tmp_path, 8866, out=io.StringIO())
    real_open = os.open

    def read_only(path, flags, *args):   # as the file's rights would (root ignores them, so simulated)
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)
    monkeypatch.setattr(launch.os, "open", read_only)
    out = io.StringIO()
    assert launch.keep_token(tmp_path, 8866, out=out) == first and out.getvalue() == ""
    out = io.StringIO()   # a moved port cannot be remembered: the app still starts, with the same token
    assert launch.keep_token(tmp_path, 8867, out=out) == first
    assert "保存できませんでした" in out.getvalue() and "PermissionError" not in out.getvalue()


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '"token"', "\xff\xfe"])
def test_an_unusable_token_file_says_the_old_addresses_stop_working(tmp_path, content):
    (tmp_path / launch.STATE).write_bytes(content.encode("latin-1"))
    out = io.StringIO()
    token = launch.keep_token(tmp_path, 8866, out=out)
    assert launch.TOKEN_FORMAT.fullmatch(token)
    assert "前に配ったアドレスとQRコードは使えません" in out.getvalue()
    assert _kept(tmp_path)["token"] == token   # repaired for the next start


@pytest.mark.parametrize("bad", ["aa bb&w=ZZZZZ#x<script>", "short", "x" * 65, "ａａａａａａａａａ", 12345678901])
def test_a_kept_token_not_in_the_kits_format_is_replaced_with_a_reason(tmp_path, bad):
    import json
    (tmp_path / launch.STATE).write_text(json.dumps({"token": bad, "port": 8866}), encoding="utf-8")
    out = io.StringIO()
    token = launch.keep_token(tmp_path, 8866, out=out)
    assert token != bad and launch.TOKEN_FORMAT.fullmatch(token)
    assert "形式" in out.getvalue() and "前に配ったアドレスとQRコードは使えません" in out.getvalue()


def test_a_kept_token_of_the_kits_format_is_kept_silently(tmp_path):
    import json
    (tmp_path / launch.STATE).write_text(json.dumps({"token": "Ab-_09xyzQW", "port": 8866}), encoding="utf-8")
    out = io.StringIO()
    assert launch.keep_token(tmp_path, 8866, out=out) == "Ab-_09xyzQW" and out.getvalue() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need rights on Windows")
def test_a_symlinked_token_file_is_neither_read_nor_overwritten(tmp_path):
    import json
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps({"token": "Ab-_09xyzQW", "port": 8866}), encoding="utf-8")
    target.chmod(0o644)
    (tmp_path / launch.STATE).symlink_to(target)
    out = io.StringIO()
    token = launch.keep_token(tmp_path, 8866, out=out)
    assert token != "Ab-_09xyzQW" and "シンボリックリンク" in out.getvalue()
    assert json.loads(target.read_text(encoding="utf-8"))["token"] == "Ab-_09xyzQW"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert (tmp_path / launch.STATE).is_symlink()


@pytest.mark.parametrize("port", [True, 0, 70000, -1, "8866", 8866.0])
def test_a_kept_port_that_is_no_port_is_not_reported(tmp_path, port):
    import json
    (tmp_path / launch.STATE).write_text(json.dumps({"token": "Ab-_09xyzQW", "port": port}), encoding="utf-8")
    out = io.StringIO()
    assert launch.keep_token(tmp_path, 8867, out=out) == "Ab-_09xyzQW"
    assert "前回はポート" not in out.getvalue()
    assert _kept(tmp_path)["port"] == 8867


def test_the_cookie_secret_is_kept_with_the_token_so_a_restart_keeps_participants_logged_in(tmp_path):
    launch.keep_token(tmp_path, 8866, out=io.StringIO())
    first = json.loads((tmp_path / launch.STATE).read_text(encoding="utf-8"))["cookie_secret"]
    assert len(first) == 64 and int(first, 16) and launch.KEPT["cookie_secret"] == first
    assert first not in "".join(os.environ.values())   # never in an environment a child would inherit
    launch.keep_token(tmp_path, 8866, out=io.StringIO())
    assert json.loads((tmp_path / launch.STATE).read_text(encoding="utf-8"))["cookie_secret"] == first
    launch.keep_token(tmp_path, 8866, new=True, out=io.StringIO())   # a new token logs everyone out
    assert json.loads((tmp_path / launch.STATE).read_text(encoding="utf-8"))["cookie_secret"] != first


def test_the_server_signs_cookies_with_the_kept_secret(monkeypatch):
    from ohayami.app import server

    for name in ("JUPYTER_PATH", "OHAYAMI_APP", "IPYTHONDIR"):   # main() sets these: put back afterwards
        monkeypatch.setenv(name, os.environ.get(name, ""))
    monkeypatch.setattr(server.OhayamiVoila, "launch_instance", classmethod(lambda cls, argv=None: None))
    server.main(["notebooks"], cookie_secret="ab" * 32)
    assert server.OhayamiVoila().cookie_secret == bytes.fromhex("ab" * 32)
    server.main(["notebooks"])
    assert len(server.OhayamiVoila().cookie_secret) == 32 and server.OhayamiVoila().cookie_secret != bytes.fromhex("ab" * 32)


def test_two_workshops_served_side_by_side_from_one_folder_keep_their_own_ports(tmp_path):
    """The port was kept per folder: starting E beside C told the facilitator C's QR code had died."""
    launch.keep_token(tmp_path, 19250, out=io.StringIO(), code="CCCCC")
    out = io.StringIO()
    launch.keep_token(tmp_path, 19260, out=out, code="EEEEE")
    assert out.getvalue() == ""
    launch.keep_token(tmp_path, 19250, out=out, code="CCCCC")
    assert out.getvalue() == ""
    launch.keep_token(tmp_path, 19251, out=out, code="CCCCC")   # the same workshop moved: said
    assert "前回はポート 19250 でした。今回はポート 19251 です" in out.getvalue()
