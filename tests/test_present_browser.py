"""Presentation mode in Debian's chromium at 1024x768, 1366x768 and 1920x1080, checked on screen
by element boxes: the map keeps equal aspect and fills the window's height or the page's width,
text is 1.5x (2x with big=1), no player control covers another (Play/Pause and the slider), the
legend and the title stay off the plot with four optimizers, the summary table's columns are not cut
off, and the sidebar is gone. Screenshots go to artifacts/present-*.png."""

import dataclasses
import os
from urllib.parse import urlencode

import pytest

import scenarios
from tests.browser import ROOT, have_chromium, player_frame

pytestmark = pytest.mark.skipif(
    not have_chromium() and not os.environ.get("CI"), reason="chromium not installed"
)

ARTIFACTS = os.path.join(ROOT, "artifacts")
SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
BASE = scenarios.get_preset("momentum-vs-nesterov-saddle").scenario
FOUR = dataclasses.replace(
    BASE, optimizers=(*BASE.optimizers, scenarios.OptimizerConfig.make("adam", 0.05))
)

BOXES = """() => {
  const P = window.ospPlayer, L = P.fg._fullLayout, g = P.fg.getBoundingClientRect();
  const r = (e) => {
    const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  return {
    plot: [g.left + L.xaxis._offset, g.top + L.yaxis._offset,
           g.left + L.xaxis._offset + L.xaxis._length, g.top + L.yaxis._offset + L.yaxis._length],
    range: [L.xaxis.range, L.yaxis.range],
    controls: Array.from(P.root.querySelectorAll('.osp-controls > *')).map(r),
    legend: r(P.legend), title: r(P.titleEl), bar: r(P.playBtn.parentElement),
    font: parseFloat(getComputedStyle(P.root).fontSize), tick: L.font.size,
    frameWidth: window.innerWidth, viewport: [window.parent.innerWidth, window.parent.innerHeight],
  };
}"""


def overlap(a, b, tol=1.0) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def check_layout(box, scale: float, where: str) -> None:
    (x0, x1), (y0, y1) = box["range"]
    p = box["plot"]
    w, h = p[2] - p[0], p[3] - p[1]
    assert w / h == pytest.approx((x1 - x0) / (y1 - y0), rel=0.02), f"{where}: not equal aspect"
    vh = box["viewport"][1]
    # as large as the window allows: the plot fills the height left by the controls and the legend,
    # or the width of the page
    room = vh - (box["bar"][3] - box["title"][1]) - (box["legend"][3] - box["legend"][1])
    assert h > 0.7 * room or w > 0.7 * box["frameWidth"], f"{where}: plot {w:.0f}x{h:.0f}"
    assert box["font"] == pytest.approx(14 * scale) and box["tick"] == pytest.approx(13 * scale)
    controls = box["controls"]
    for i, a in enumerate(controls):
        for b in controls[i + 1 :]:
            assert not overlap(a, b), f"{where}: player controls overlap: {a} {b}"
        assert not overlap(a, p), f"{where}: a control covers the plot"
    for name in ("legend", "title"):
        assert not overlap(box[name], p), f"{where}: the {name} covers the plot"
    assert not overlap(box["legend"], box["title"])


def shot(page, name: str) -> None:
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, name))


def test_compare_presentation_at_three_screen_sizes(server, ctx):
    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/Compare?" + urlencode({**FOUR.to_query(), "present": "1"}))
    fr = player_frame(page)
    assert fr.evaluate("() => window.ospPlayer.paths.length") == 4
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert "present=1" in page.url  # the link keeps the mode
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        fr.wait_for_function(
            f"() => Math.abs(window.parent.innerWidth - {w}) < 2 && window.ospPlayer.fg._fullLayout"
            f" && Math.abs(window.ospPlayer.fg._fullLayout.width - window.ospPlayer.w) < 2",
            timeout=20_000,
        )
        page.wait_for_timeout(800)  # the relayout settles
        fr.evaluate("() => window.frameElement.scrollIntoView({block: 'start'})")
        check_layout(fr.evaluate(BOXES), 1.5, f"Compare {w}x{h}")
        shot(page, f"present-compare-{w}x{h}.png")
    # the summary table (drawn by the player under the loss chart): a plain table whose cells all
    # lie inside it (no column cut off), in the presentation's larger text
    table = fr.locator(".osp-table table")
    table.scroll_into_view_if_needed()
    clipped = table.evaluate(
        """(t) => { const b = t.getBoundingClientRect();
        return Array.from(t.querySelectorAll('th, td')).filter((c) => {
            const r = c.getBoundingClientRect();
            return r.right > b.right + 1 || r.left < b.left - 1; })
          .length + (t.scrollWidth > t.clientWidth + 1 ? 1000 : 0); }"""
    )
    assert clipped == 0
    headers = table.locator("th").all_inner_texts()
    assert "steps to f - f* < tol" in headers and "path length" in headers
    size = table.evaluate("(t) => parseFloat(getComputedStyle(t).fontSize)")
    assert size >= 14 * 1.5 * 0.9, size
    shot(page, "present-compare-table-1920x1080.png")


def test_playground_presentation_2x_at_1024x768(server, ctx):
    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/Playground?preset=momentum-vs-nesterov-saddle&present=1&big=1")
    fr = player_frame(page)
    fr.wait_for_function("() => window.ospPlayer.k === 2", timeout=20_000)
    page.wait_for_timeout(800)
    fr.evaluate("() => window.frameElement.scrollIntoView({block: 'start'})")
    box = fr.evaluate(BOXES)
    check_layout(box, 2.0, "Playground 1024x768 2x")
    play = [c for c in box["controls"] if c[2] - c[0] > 0]
    assert len(play) >= 8  # five buttons, the slider, the step, the speed
    shot(page, "present-playground-2x-1024x768.png")
    # turning it off gives the column layout back (the map moves into its column: a new frame)
    page.get_by_text("Presentation mode").click()
    page.wait_for_function("() => !location.search.includes('present=1')", timeout=30_000)
    page.wait_for_timeout(1500)
    fr = player_frame(page)
    assert not fr.evaluate("() => window.ospPlayer.k")
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    controls = fr.evaluate(BOXES)["controls"]  # in the narrow column too, nothing covers the slider
    assert not [(a, b) for i, a in enumerate(controls) for b in controls[i + 1 :] if overlap(a, b)]
    shot(page, "present-off-playground-1024x768.png")
