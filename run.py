#!/usr/bin/env python3
"""ohayami's one entry point: set up, then open JupyterLab, run the tests, or serve the app.

    python3 run.py lab     # set up (first time only) and open JupyterLab on notebooks/
    python3 run.py test    # set up (first time only) and run the whole test suite
    python3 run.py app     # the notebooks as an app (code hidden), on this computer only
    python3 run.py app --share   # workshop mode: participants on the same network, with a token

On Windows use ``py run.py lab`` / ``py run.py test``. Needs only Python 3.11 or newer: the
script makes a virtual environment in ``.venv`` and installs the kit into it. Running it again
is safe: it reinstalls only when pyproject.toml has changed. Uses the standard library only.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".ohayami-installed"


def venv_python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def say(msg: str) -> None:
    print(f"[ohayami] {msg}", flush=True)


def wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> Path:
    """Create .venv and install the kit with its test tools; skip what is already done."""
    if sys.version_info < (3, 11):
        sys.exit("ohayami には Python 3.11 以上が必要です（ohayami needs Python 3.11 or newer）。")
    py = venv_python()
    if not py.exists():
        say("仮想環境 .venv を作成しています… (creating .venv)")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    if STAMP.exists() and STAMP.read_text().strip() == wanted_stamp():
        return py
    say("必要なパッケージをインストールしています（初回は数分かかります）… (installing packages)")
    subprocess.check_call([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                           "--upgrade", "pip"])
    subprocess.check_call([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                           "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted_stamp())
    say("インストール完了 (installed)")
    return py


def free_port(preferred: int = 8866) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    return 0


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses as other machines on the network may reach them (no traffic sent)."""
    found = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            ip = info[4][0]
            if not ip.startswith("127.") and ip not in found:
                found.append(ip)
    except OSError:
        pass
    return found


def app_args(py: Path, share: bool, port: int, token: str | None) -> list[str]:
    """The Voilà command: notebooks as an app with the code hidden."""
    args = [str(py), "-m", "voila", str(ROOT / "notebooks"), f"--port={port}", "--no-browser",
            "--VoilaConfiguration.show_tracebacks=False", "--strip_sources=True"]
    if share:
        args += ["--Voila.ip=0.0.0.0", f"--token={token}"]
    else:
        args += ["--Voila.ip=127.0.0.1"]
    return args


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "lab"
    rest = argv[1:]
    if cmd not in {"setup", "lab", "test", "app"}:
        print(__doc__)
        return 2
    py = setup()
    env = dict(os.environ, PYTHONNOUSERSITE="1")
    if cmd == "setup":
        return 0
    if cmd == "test":
        return subprocess.call([str(py), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if cmd == "app":
        share = "--share" in rest
        port = free_port()
        token = secrets.token_urlsafe(12) if share else None
        if share:
            say("ワークショップモード：同じネットワークの参加者が次のアドレスで参加できます（トークン付き）")
            for ip in lan_addresses() or ["<このパソコンのIPアドレス>"]:
                print(f"    http://{ip}:{port}/?token={token}", flush=True)
            say("このアドレスを知っている人だけが入れます。終わったら Ctrl+C で止めてください。")
        else:
            say(f"このパソコンだけで開きます：http://127.0.0.1:{port}/ （参加者と共有するときは app --share）")
        return subprocess.call(app_args(py, share, port, token), cwd=ROOT, env=env)
    args = [str(py), "-m", "jupyter", "lab", f"--notebook-dir={ROOT / 'notebooks'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return subprocess.call(args + rest, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
