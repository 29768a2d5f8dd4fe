"""What ``run.py app`` runs inside the kit's Python: choose the workshop, say where to join (with a
QR code in the terminal), then serve.

    python -m ohayami.app.launch --port=8866 [--share] [--workshop=NAME --kind=C --date=…] -- <server args>
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import stat
import sys
import unicodedata
from pathlib import Path
from typing import Callable, TextIO

from ..errors import OhayamiError
from ..store import default_folder
from . import pages, server
from .network import lan_addresses
from .workshops import (WorkshopEntry, available_kinds, check_date, check_kind, check_name, create_workshop, find,
                        list_workshops, prepare)


def say(msg: str, out: TextIO = sys.stdout) -> None:
    print(f"[ohayami] {msg}", file=out, flush=True)


def choose(workshop: str | None, kind: str | None, date: str | None) -> WorkshopEntry:
    """The named workshop, made ready to join; created when new (kind defaults to the chart)."""
    entry = find(workshop)
    if entry is None:
        return create_workshop(workshop, kind or "chart", date)
    return prepare(entry, kind)


def _ask_until(ask: Callable[[str], str], prompt: str, check: Callable[[str], str], out: TextIO) -> str:
    while True:
        try:
            return check(ask(prompt))
        except OhayamiError as e:
            print(f"⚠ {e.message}", file=out)


def _new_name(value: str) -> str:
    name = check_name(value)
    if name.lower() in ("n", "ｎ"):   # the menu's 「n. 新しく作る」 typed once more, not a name
        raise OhayamiError("「n」は新しく作るときの記号です。ワークショップの名前（例：第1回 課題検討会）を入力してください。",
                           field="name")
    if find(name) is not None:
        raise OhayamiError(f"「{name}」は既にあります。一覧の番号で選ぶか、別の名前にしてください。", field="name")
    return name


def pick(ask: Callable[[str], str] = input, out: TextIO = sys.stdout) -> WorkshopEntry:
    """Ask the facilitator in the terminal: a workshop from the list, or a new one. Each answer is
    checked as it is given and asked again with the reason when it is wrong."""
    entries = list_workshops()
    if entries:
        print("\nワークショップを選んでください (choose a workshop):", file=out)
        for i, e in enumerate(entries, 1):
            print(f"  {i}. {e.name}　［{e.kind_label}］ {e.date}", file=out)
        print("  n. 新しく作る (new)", file=out)
    else:   # nothing to choose from: straight to the new workshop's name (no 「n」 to type)
        print("\nまだワークショップがありません。新しく作ります (no workshop yet: create one)。", file=out)
    while entries:
        answer = unicodedata.normalize("NFKC", ask("番号 / n > ")).strip().lower()
        if answer == "n":
            break
        if answer.isdigit() and 1 <= int(answer) <= len(entries):
            return prepare(entries[int(answer) - 1])
        print(f"1〜{len(entries)} の番号か n を入力してください。", file=out)
    name = _ask_until(ask, "ワークショップ名 (name) > ", _new_name, out)
    kinds = "、".join(f"{k}＝{label}" for k, (label, _) in available_kinds().items())
    kind = _ask_until(ask, f"種類 (kind)　{kinds} > ", check_kind, out)
    date = _ask_until(ask, "開催日 YYYY-MM-DD（Enter で今日） > ", check_date, out)
    return create_workshop(name, kind, date)


def announce(entry: WorkshopEntry | None, share: bool, port: int, token: str | None,
             addresses: list[str], out: TextIO = sys.stdout) -> str:
    """Tell the facilitator where participants join; returns the public base address."""
    local = f"http://127.0.0.1:{port}"
    if not share:
        # alone at the computer, the facilitator wants the workbench, not the participants' page
        page = f"{local}{pages.render_path(entry.notebook, entry.code)}" if entry else f"{local}/"
        say(f"このパソコンだけで開きます：{page} （参加者と共有するときは app --share）", out)
        return local
    if not addresses:
        say("ネットワークに接続されていないため、このパソコンからしか開けません。"
            "Wi-Fi か LAN につないでから起動し直してください。", out)
    base = f"http://{addresses[0]}:{port}" if addresses else local
    if entry is None:
        say(f"参加者は次のアドレスで開けます：{base}/?token={token}", out)
        return base
    url = pages.join_url(base, entry.code, token)
    say(f"ワークショップ「{entry.name}」（{entry.kind_label}）を開きました。参加コード：{entry.code}", out)
    say("参加者は次のQRコードを読み取るか、アドレスを入力します：", out)
    print(f"    {url}", file=out, flush=True)
    for other in addresses[1:]:
        print(f"    （別のネットワークからは）{pages.join_url(f'http://{other}:{port}', entry.code, token)}", file=out)
    try:
        import segno

        segno.make(url, error="m").terminal(out=out, compact=True)
    except (ImportError, UnicodeEncodeError):
        pass  # the join page shows the same QR code
    say(f"プロジェクター用の参加案内ページ：{local}/join/{entry.code}?token={token}", out)
    say(f"ファシリテーター用（このワークショップの作業台の一覧）：{local}{pages.workshop_path(entry.code)}?token={token}",
        out)
    say("このアドレスを知っている人だけが入れます。終わったら Ctrl+C で止めてください。", out)
    return base


KEPT: dict[str, str] = {}   # what keep_token kept for the server started from this process
STATE = ".ohayami-app.json"   # next to the workshops: the shared token and the port last used
# what secrets.token_urlsafe makes (run.py and keep_token): anything else was not written by the kit
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{8,64}")
_LOST = "前に配ったアドレスとQRコードは使えません。下の新しいアドレス（QRコード）を配り直してください。"


def _read_state(path: Path) -> tuple[dict, str | None]:
    """The kept state and, when there was a file that could not be used, why (in Japanese).
    A symbolic link is never followed: it could point the kit at any file of the user's."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {}, None
    except OSError as e:
        return {}, f"調べられません（{e.strerror or e}）"
    if stat.S_ISLNK(st.st_mode):
        return {}, "シンボリックリンクになっています（安全のため読みません）"
    if not stat.S_ISREG(st.st_mode):
        return {}, "ファイルではありません（フォルダーなど）"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "r", encoding="utf-8") as f:
            state = json.loads(f.read(65536))
    except OSError as e:
        return {}, f"読めません（{e.strerror or e}）"
    except ValueError:
        return {}, "中身が壊れています"
    if not isinstance(state, dict):
        return {}, "中身の形式が違います"
    return state, None


def _write_state(path: Path, state: dict) -> str | None:
    """Write the state for the folder owner only; why it could not be written, or None."""
    try:
        if path.is_symlink():
            return "シンボリックリンクになっています（安全のため書き込みません）"
        if path.exists() and not path.is_file():
            return "同じ名前のフォルダーなどがあります"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.chmod(path, 0o600)   # an older file may have been made with wider rights
    except OSError as e:
        return f"書き込めません（{e.strerror or e}）"
    return None


def keep_token(folder: str | Path | None, port: int, new: bool = False, out: TextIO = sys.stdout,
               code: str | None = None) -> str:
    """The token for this workshops folder, kept across restarts so that QR codes and addresses already
    handed out keep working; a fresh one only when ``new`` (or none usable was kept). The file is readable
    by its owner only. Says so when the port differs from last time (old addresses then need the new one;
    with ``code``, last time for that workshop: two workshops served side by side from one folder each keep
    their own port, and neither is told its QR code died),
    and says why when a kept token could not be used or the token could not be kept: the app starts anyway."""
    path = Path(folder or default_folder()) / STATE
    state, problem = _read_state(path)
    if problem:
        say(f"合言葉（トークン）の保存ファイル {path} が{problem}。新しい合言葉で起動します。"
            f"前回の合言葉を使っていた場合、{_LOST}", out)
    token = state.get("token")
    if new or not isinstance(token, str) or not TOKEN_FORMAT.fullmatch(token):
        if new and state.get("token"):
            say(f"合言葉（トークン）を新しくしました。{_LOST}", out)
        elif "token" in state:
            say("保存されていた合言葉（トークン）がこのキットの作る形式（英数字と - _ の8〜64文字）ではないため、"
                f"合言葉（トークン）を新しくしました。{_LOST}", out)
        token = secrets.token_urlsafe(8)
    ports = state.get("ports") if isinstance(state.get("ports"), dict) else {}
    last = ports.get(code) if code else state.get("port")
    if type(last) is int and 1 <= last <= 65535 and last != port:   # bool is an int: not a port
        say(f"前回はポート {last} でした。今回はポート {port} です：前に配ったアドレスとQRコードは使えないので、"
            "下の新しいアドレス（QRコード）を配り直してください。", out)
    # the secret that signs participants' login cookies, kept with the token: a restart (a crash, a moved
    # laptop) used to make a new one, and every open page lost its login and refused the next tap
    secret = state.get("cookie_secret")
    if new or not isinstance(secret, str) or not re.fullmatch(r"[0-9a-f]{64}", secret):
        secret = secrets.token_hex(32)
    KEPT["cookie_secret"] = secret   # handed to the server in this process (never an environment variable,
                                     # which every program started from here would inherit)
    kept = {"token": token, "port": port, "cookie_secret": secret}
    if code or ports:
        kept["ports"] = {**{k: v for k, v in ports.items() if isinstance(k, str) and type(v) is int},
                         **({code: port} if code else {})}
    if state == kept and not problem:
        try:
            os.chmod(path, 0o600)   # an older file may have been made with wider rights
        except OSError:
            pass   # read fine and unchanged: nothing is lost when its rights cannot be narrowed
        return token
    failed = _write_state(path, kept)
    if failed:
        say(f"合言葉（トークン）を {path} に保存できませんでした：{failed}。今回はこのまま起動しますが、"
            "次に起動すると合言葉が変わり、今回配るアドレスとQRコードは使えなくなります。", out)
    return token


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ohayami.app.launch", description="run.py app が使う起動部分")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--share", action="store_true")
    p.add_argument("--workshop")
    p.add_argument("--kind")
    p.add_argument("--date")
    p.add_argument("--new-token", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    opts, server_args = _parser().parse_args(argv[:cut]), argv[cut + 1:]
    token = next((a.split("=", 1)[1] for a in server_args if a.startswith("--token=")), None)
    try:
        if opts.workshop:
            entry = choose(opts.workshop, opts.kind, opts.date)
        elif opts.share and sys.stdin.isatty():
            entry = pick()
        else:
            entry = None
    except OhayamiError as e:
        say(f"⚠ {e.message}")
        return 2
    except (EOFError, KeyboardInterrupt):
        return 1
    if opts.share and token is not None:
        token = keep_token(None, opts.port, opts.new_token, code=entry.code if entry else None)
        server_args = [f"--token={token}" if a.startswith("--token=") else a for a in server_args]
    base = announce(entry, opts.share, opts.port, token, lan_addresses() if opts.share else [])
    # kernels are prepared for this workshop's page only, not for every workshop in the folder
    warm = [f"--OhayamiVoila.warm_notebooks={entry.notebook}"] if entry else []
    server.main([*server_args, f"--OhayamiVoila.public_url={base}", *warm], cookie_secret=KEPT.get("cookie_secret", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
