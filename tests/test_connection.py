"""The lost-connection banner, kernel side: every ping gets its pong; the interval is configurable;
the front-end ships inline and loads nothing from elsewhere."""

import re

import pytest

from ohayami.ui import connection as K


@pytest.fixture
def sent(monkeypatch):
    out = []
    monkeypatch.setattr(K.ConnectionBanner, "send", lambda self, content, buffers=None: out.append(content))
    return out


def test_a_ping_gets_a_pong_with_its_number(sent):
    b = K.ConnectionBanner(interval_s=1)
    b._on_message(b, {"type": "ping", "n": 7}, [])
    b._on_message(b, {"type": "ping", "n": 8}, [])
    assert sent == [{"type": "pong", "n": 7}, {"type": "pong", "n": 8}]


@pytest.mark.parametrize("content", [{"type": "pong", "n": 1}, {"n": 1}, "ping", None, ["ping"]])
def test_anything_but_a_ping_gets_no_answer(sent, content):
    b = K.ConnectionBanner()
    b._on_message(b, content, [])
    assert sent == []


def test_the_interval_and_timeout(monkeypatch):
    monkeypatch.setenv(K.INTERVAL_ENV, "0.5")
    assert K.check_interval() == 0.5
    b = K.ConnectionBanner(K.check_interval())
    assert (b.interval_ms, b.timeout_ms) == (500, 500 * K.TIMEOUT_INTERVALS)
    assert K.ConnectionBanner().interval_ms == K.DEFAULT_INTERVAL_S * 1000
    for bad, expected in (("abc", K.DEFAULT_INTERVAL_S), ("nan", K.DEFAULT_INTERVAL_S), ("0", 0.1), ("1e9", 60.0)):
        monkeypatch.setenv(K.INTERVAL_ENV, bad)
        assert K.check_interval() == expected, bad


def test_one_banner_per_kernel(monkeypatch):
    monkeypatch.setattr(K, "_banner", None)
    first = K.connection_banner()
    assert K.connection_banner() is first and first.banner_id == first.model_id
    first.close()
    assert K.connection_banner() is not first


def test_the_front_end_is_inline_and_says_it_in_japanese():
    b = K.ConnectionBanner()
    assert b.message == ("サーバーとの接続が切れました。この表示のあとに入力した内容は保存されていません。"
                         "ページを再読み込みしてください。")
    assert not re.search(r"\bimport\b|https?://|fetch\(|<script", K._ESM)
    assert 'setAttribute("role", "alert")' in K._ESM and "position: fixed" in K._CSS
