#!/usr/bin/env python3
"""ohayami's one entry point: set up, then open JupyterLab, run the tests, or serve the app.

    python3 run.py lab     # set up (first time only) and open JupyterLab on notebooks/
    python3 run.py test    # set up (first time only) and run the whole test suite
    python3 run.py app     # the notebooks as an app (code hidden), on this computer only
    python3 run.py app --share   # workshop mode: pick a workshop, participants join with a QR code
    python3 run.py app --help    # every option (Japanese and English)

On Windows use ``py run.py lab`` / ``py run.py test``. Needs only Python 3.11 or newer: the
script makes a virtual environment in ``.venv`` and installs the kit into it. Running it again
is safe: it reinstalls only when pyproject.toml has changed. Uses the standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import signal
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
    # setuptools prints pages of English build warnings even with -q; they mean nothing to a facilitator
    subprocess.check_call([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                           "-e", f"{ROOT}[test]"], env=dict(os.environ, PYTHONWARNINGS="ignore"))
    STAMP.write_text(wanted_stamp())
    say("インストール完了 (installed)")
    return py


def free_port(preferred: int = 8866, host: str = "127.0.0.1") -> int:
    """``preferred`` if nothing listens there, else the next free port (0 when none of 50 is free)."""
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if os.name != "nt":
                # as the server binds: a port whose last connections are only closing (TIME_WAIT, left by
                # the pages of a server just stopped) is free; without this a restart moved to another port
                # and every QR code handed out stopped working. (On Windows the option would let a port that
                # is in use look free.)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
                return port
            except OSError:
                continue
    return 0


ROOM = 30  # participants a shared app gets kernels started for before they arrive (run.py app --room)


def app_args(py: Path, share: bool, port: int, token: str | None, room: int = ROOM) -> list[str]:
    """The server command: the notebooks as an app with the code hidden (Voilà with the kit's pages).
    ``port_retries=0``: the server takes the port it is given or stops, so the address said is the real one.
    Shared, it starts ``room`` kernels for the workshop's page ahead, so a room joining at once waits
    for no kernel start (see ``ohayami.app.server.OhayamiVoila``)."""
    args = [str(py), "-m", "ohayami.app.server", str(ROOT / "notebooks"), f"--port={port}", "--no-browser",
            "--Voila.port_retries=0", "--VoilaConfiguration.show_tracebacks=False", "--strip_sources=True"]
    if share:
        args += ["--Voila.ip=0.0.0.0", f"--token={token}", f"--OhayamiVoila.warm_kernels={room}"]
    else:
        args += ["--Voila.ip=127.0.0.1"]
    return args


def lab_args(py: Path, rest: list[str]) -> list[str]:
    """JupyterLab on notebooks/, in Japanese, with no news fetched from the internet."""
    args = [str(py), "-m", "jupyter", "lab", f"--notebook-dir={ROOT / 'notebooks'}",
            f"--LabApp.app_settings_dir={ROOT / 'ohayami' / 'app' / 'lab'}", "--LabApp.news_url=None"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return args + rest


def run_child(args: list[str], env: dict) -> int:
    """Run ``args`` until it ends. SIGTERM (and SIGHUP) to this script is passed on, so stopping run.py
    stops the server, which shuts its kernels down; Ctrl+C already reaches the child from the terminal."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env)

    def forward(signum, _frame):
        if proc.poll() is None and signum != signal.SIGINT:
            proc.terminate()

    wanted = [signal.SIGTERM, signal.SIGINT] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    before = {s: signal.signal(s, forward) for s in wanted}
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                continue
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        if proc.poll() is None:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


HELP = """\
ohayami — デジタル実装ワークショップ・キット (a workshop kit for Japanese local government)

使い方 (usage):
  python3 run.py lab          JupyterLab を日本語で開く（初回は準備も）   open JupyterLab (sets up first)
  python3 run.py test         テストをすべて実行する                        run the whole test suite
  python3 run.py app          アプリ表示（コードなし）、このパソコンだけ   the notebooks as an app, this computer only
  python3 run.py app --share  ワークショップ：同じネットワークの参加者が   workshop mode: participants on the same
                              QRコードで参加                                network join with a QR code
  python3 run.py setup        準備だけ                                      set up only

くわしくは (details): python3 run.py app --help
"""


def app_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py app", formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False,
        description="ノートブックをアプリとして表示します（コードは表示しません）。\n"
                    "Serve the notebooks as an app (code hidden).",
        epilog="例 (examples):\n"
               "  python3 run.py app --share\n"
               "      ワークショップを一覧から選ぶか新しく作り、参加用のQRコードを表示します。\n"
               "      Pick or create a workshop, then show the join QR code.\n"
               "  python3 run.py app --share --workshop 第1回課題検討 --kind C\n"
               "      質問なしで始めます（なければ作ります）。 Start without questions (created if new).\n"
               "止めるとき (to stop): Ctrl+C")
    p.add_argument("-h", "--help", action="help", help="この説明を表示 / show this help")
    p.add_argument("--share", action="store_true",
                   help="同じネットワークの参加者も開けるようにする（合言葉付き） / let participants on the "
                        "same network join (with a token)")
    p.add_argument("--workshop", metavar="名前", help="使うワークショップの名前 / the workshop's name")
    p.add_argument("--kind", metavar="種類",
                   help="新しいワークショップの種類：chart 診断チャート、A～I そのタイプの作業台、summary "
                        "プロジェクトのまとめ（作業台のあるものだけ） / kind of a new workshop")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="開催日（省略時は今日） / date (default: today)")
    p.add_argument("--port", type=int, default=8866, help="ポート番号（既定 8866） / port (default 8866)")
    p.add_argument("--new-token", action="store_true",
                   help="合言葉（トークン）を新しくする。前に配ったアドレスとQRコードは使えなくなります / "
                        "make a new token (addresses and QR codes handed out before stop working)")
    p.add_argument("--room", type=int, default=ROOM, metavar="人数",
                   help=f"--share のとき、参加者の人数の目安（既定 {ROOM}）。その数の作業台ページを前もって準備します"
                        f"（1人あたり約80MB）。C・E タイプの参加者はカーネルの要らない参加者用ページで入るため、その作業台は"
                        f"6ページまで / expected participants: workbench pages prepared ahead (default {ROOM}; "
                        f"at most 6 for type C and E, whose participants join on the kernel-free participant page)")
    return p


def python_for_the_kit() -> Path:
    """The kit's Python: ``$OHAYAMI_PYTHON`` when set (an environment that already has the kit, as in
    the tests), else .venv, made and filled on first use."""
    given = os.environ.get("OHAYAMI_PYTHON")
    return Path(given) if given else setup()


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "lab"
    rest = argv[1:]
    if cmd in {"-h", "--help", "help"}:
        print(HELP)
        return 0
    if cmd not in {"setup", "lab", "test", "app"}:
        print(HELP)
        return 2
    opts = app_parser().parse_args(rest) if cmd == "app" else None  # --help answers before any set-up
    py = python_for_the_kit()
    env = dict(os.environ, PYTHONNOUSERSITE="1")
    if cmd == "setup":
        return 0
    if cmd == "test":
        return subprocess.call([str(py), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if cmd == "lab":
        return run_child(lab_args(py, rest), env)
    port = free_port(opts.port, "0.0.0.0" if opts.share else "127.0.0.1")
    if not port:
        say(f"ポート {opts.port} から50個すべて使用中です。--port で別の番号を指定してください。 (no free port)")
        return 1
    if port != opts.port:
        say(f"ポート {opts.port} は使用中のため、ポート {port} を使います。前に配ったアドレスとQRコードは"
            f"ポート {opts.port} のものなので、新しいアドレスを配り直してください。 (port {opts.port} is busy: using {port})")
    token = secrets.token_urlsafe(8) if opts.share else None   # launch.py swaps in the folder's kept token
    launch = [str(py), "-m", "ohayami.app.launch", f"--port={port}"]
    launch += ["--share"] if opts.share else []
    launch += ["--new-token"] if opts.new_token else []
    for name in ("workshop", "kind", "date"):
        if getattr(opts, name):
            launch.append(f"--{name}={getattr(opts, name)}")
    return run_child(launch + ["--", *app_args(py, opts.share, port, token, opts.room)[3:]], env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
