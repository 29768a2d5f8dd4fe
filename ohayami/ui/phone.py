"""Phones: the kit's small-screen stylesheet and the width of the participant's window.

One tiny ``anywidget`` per kernel (in every view's header, like the connection banner) carries the
stylesheet (anywidget puts ``_css`` in the page's head once, in Voilà and JupyterLab alike) and reports
``window.innerWidth`` to the kernel, so that a view can start in its phone layout on a narrow screen.
The rules only apply below :data:`NARROW` px and only to widgets the views mark with the classes
below; a wide screen looks exactly as before.
"""

from __future__ import annotations

import anywidget
import traitlets

NARROW = 600   # px: a phone held upright (390–430) and small tablets; a projector or laptop is wider
TAP = 44       # px: the smallest tap target (Apple HIG, WCAG 2.5.5)

_ESM = r"""
function render({ model, el }) {
  el.classList.add("oh-screen-watch");
  const report = () => {
    const w = Math.round(window.innerWidth || 0);
    if (w && w !== model.get("width")) { model.set("width", w); model.save_changes(); }
  };
  report();
  window.addEventListener("resize", report);
  return () => window.removeEventListener("resize", report);
}
export default { render };
"""

# Widgets carry inline widths (ipywidgets' Layout), hence !important below.
CSS = f"""
.oh-screen-watch {{ display: none; }}
.oh-card-buttons > .jupyter-button {{ flex: 1 1 0; min-width: {TAP}px; min-height: 52px; font-size: 22px; }}
@media (max-width: {NARROW}px) {{
  .oh-fit-row {{ flex-wrap: wrap !important; }}
  .oh-fit-row > .widget-text, .oh-fit-row > .widget-combobox, .oh-fit-row > .widget-dropdown {{
    width: 100% !important; max-width: 100%; }}
  .oh-fit-row > .jupyter-button {{ flex: 1 1 40%; width: auto !important; min-width: {TAP}px !important;
    min-height: {TAP}px; margin: 4px !important; }}
  .oh-answer-buttons > .jupyter-button {{ min-height: 64px; }}
  .oh-fit-toggle .widget-toggle-buttons, .oh-fit-toggle .btn-group {{ flex-wrap: wrap; }}
  .oh-fit-toggle .widget-toggle-button {{ width: auto !important; min-height: {TAP}px; }}
  .oh .oh-question {{ font-size: 22px !important; }}
  .oh {{ font-size: 16px; }}
  .oh h2 {{ font-size: 22px; }}
  .oh img, .oh table {{ max-width: 100%; }}
  .oh .oh-card, .oh .oh-card * {{ overflow-wrap: anywhere; }}
  .widget-tab > .widget-tab-contents, .widget-tab > .p-TabPanel-tabContents,
  .widget-tab > .lm-TabPanel-stackedPanel {{ padding: 6px !important; }}
}}
"""


class ScreenWidth(anywidget.AnyWidget):
    """Reports the width of the participant's window (``width``, px; 0 until the page has shown it)."""

    _esm = _ESM
    _css = CSS
    width = traitlets.Int(0).tag(sync=True)

    @property
    def narrow(self) -> bool:
        """True once the page reported a window narrower than :data:`NARROW`."""
        return 0 < self.width <= NARROW


_screen: ScreenWidth | None = None


def screen() -> ScreenWidth:
    """The kernel's screen-width widget (one per kernel: every view of the page shares it)."""
    global _screen
    if _screen is None or _screen.comm is None:
        _screen = ScreenWidth()
    return _screen
