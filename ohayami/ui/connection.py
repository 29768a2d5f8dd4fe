"""A banner that says so when the page has lost its kernel (server stopped, network gone, kernel
restarted or dead): whatever a participant enters after that is not saved, and without the banner
the page would look as if it still worked.

The front-end (plain ESM, shipped inline by ``anywidget``, nothing loaded from the internet) sends a
ping every ``interval_ms``; the kernel answers each with a pong. When no pong has come for
``timeout_ms`` (a closed comm or websocket answers nothing either), a fixed, high-contrast bar with
``role="alert"`` shows at the top of the page; it hides again when pongs return. Works wherever
ipywidgets do (JupyterLab, Voilà).
"""

from __future__ import annotations

import os

import anywidget
import traitlets

MESSAGE = ("サーバーとの接続が切れました。この表示のあとに入力した内容は保存されていません。"
           "ページを再読み込みしてください。")
# seconds between pings; tests set a short one so that a lost connection shows quickly
INTERVAL_ENV = "OHAYAMI_CONNECTION_CHECK_S"
DEFAULT_INTERVAL_S = 5.0
# A pong waits while the kernel is busy with a callback (a report with figures takes seconds), so
# the banner waits several intervals before it says the connection is gone.
TIMEOUT_INTERVALS = 4

_ESM = r"""
function showBar(bar, message) {
  if (bar.textContent !== message) { bar.textContent = message; }  // role=alert announces new text
  bar.style.display = "block";
}

function hideBar(bar) {
  bar.style.display = "none";
  bar.textContent = "";
}

function render({ model, el }) {
  const id = "oh-connection-banner-" + model.get("banner_id");
  let bar = document.getElementById(id);
  if (!bar) {
    bar = document.createElement("div");
    bar.id = id;
    bar.className = "oh-connection-banner";
    bar.setAttribute("role", "alert");
    bar.setAttribute("aria-live", "assertive");
    bar.dataset.views = "0";
    hideBar(bar);
    document.body.appendChild(bar);
  }
  bar.dataset.views = String(Number(bar.dataset.views) + 1);
  el.classList.add("oh-connection-watch");
  let lastPong = Date.now();
  let n = 0;
  const onMessage = (msg) => {
    if (msg && msg.type === "pong") {
      lastPong = Date.now();
      hideBar(bar);
    }
  };
  model.on("msg:custom", onMessage);
  const tick = () => {
    try {
      model.send({ type: "ping", n: ++n });
    } catch (err) {
      // a closed comm refuses to send: the missing pong below shows the banner
    }
    if (Date.now() - lastPong > model.get("timeout_ms")) {
      showBar(bar, model.get("message"));
    }
  };
  const timer = setInterval(tick, Math.max(100, model.get("interval_ms")));
  return () => {
    clearInterval(timer);
    model.off("msg:custom", onMessage);
    bar.dataset.views = String(Number(bar.dataset.views) - 1);
    if (bar.dataset.views === "0") { bar.remove(); }
  };
}

export default { render };
"""

_CSS = """
.oh-connection-banner {
  position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;
  background: #8b0000; color: #ffffff; border-bottom: 4px solid #ffd400;
  font-family: "IPAexGothic", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
  font-size: 20px; font-weight: bold; line-height: 1.5; text-align: center; padding: 14px 20px;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.4);
}
.oh-connection-watch { display: none; }
"""


class ConnectionBanner(anywidget.AnyWidget):
    """Shows :data:`MESSAGE` at the top of the page while the kernel does not answer its pings."""

    _esm = _ESM
    _css = _CSS
    message = traitlets.Unicode(MESSAGE).tag(sync=True)
    interval_ms = traitlets.Int(int(DEFAULT_INTERVAL_S * 1000)).tag(sync=True)
    timeout_ms = traitlets.Int(int(DEFAULT_INTERVAL_S * 1000 * TIMEOUT_INTERVALS)).tag(sync=True)
    # one bar per banner widget, however many views display it
    banner_id = traitlets.Unicode("").tag(sync=True)

    def __init__(self, interval_s: float = DEFAULT_INTERVAL_S, **kwargs):
        interval_ms = max(100, int(interval_s * 1000))
        super().__init__(interval_ms=interval_ms, timeout_ms=interval_ms * TIMEOUT_INTERVALS, **kwargs)
        if not self.banner_id:
            self.banner_id = self.model_id
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers) -> None:
        """Answer a ping with a pong carrying the same number; ignore anything else."""
        if isinstance(content, dict) and content.get("type") == "ping":
            self.send({"type": "pong", "n": content.get("n")})


def check_interval() -> float:
    """Seconds between pings: ``$OHAYAMI_CONNECTION_CHECK_S`` (0.1–60) or the default."""
    raw = os.environ.get(INTERVAL_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_INTERVAL_S
    return min(60.0, max(0.1, value)) if value == value else DEFAULT_INTERVAL_S


_banner: ConnectionBanner | None = None


def connection_banner() -> ConnectionBanner:
    """The kernel's connection banner, to put in every view's header (one widget per kernel, so a
    page with several views shows one bar)."""
    global _banner
    if _banner is None or _banner.comm is None:
        _banner = ConnectionBanner(check_interval())
    return _banner
