"""End-to-end in Debian's chromium: the Compare preset, a slider, a click on the chart, the
downloads (every page's deep link: tests/test_state_browser.py)."""

import os

import pytest

from tests.browser import ROOT, have_chromium, player_frame, wait_for_plots

pytestmark = pytest.mark.skipif(
    not have_chromium() and not os.environ.get("CI"), reason="chromium not installed"
)

ARTIFACTS = os.path.join(ROOT, "artifacts")


def test_compare_preset_by_link_then_the_steps_slider(server, ctx):
    """The preset's three paths from its start, then the steps slider lengthens them and the link
    follows."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page = ctx.new_page()
    page.goto(server + "/Compare?preset=momentum-vs-nesterov-saddle")
    fr = player_frame(page)
    names = fr.evaluate("() => window.ospPlayer.paths.map(p => p.label)")
    assert (
        any("Momentum" in n for n in names)
        and any("Nesterov" in n for n in names)
        and len(names) == 3
    )
    x0, y0, n0 = fr.evaluate(
        "() => [window.ospPlayer.paths[0].xy[0], window.ospPlayer.paths[0].xy[1], "
        "window.ospPlayer.n]"
    )
    assert (round(x0, 3), round(y0, 3)) == (-1.8, 0.001) and n0 == 150
    page.screenshot(path=os.path.join(ARTIFACTS, "compare-preset.png"))

    # move the steps slider with the keyboard: paths get longer, the URL follows
    slider = page.get_by_role("slider").nth(1)
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    for _ in range(240):
        fr = player_frame(page)
        if fr.evaluate("() => window.ospPlayer.n") > 150:
            break
        page.wait_for_timeout(500)
    assert fr.evaluate("() => window.ospPlayer.n") > 150
    page.wait_for_function(
        "() => /steps=(1[6-9]\\d|2\\d\\d)/.test(location.search)", timeout=30_000
    )
    page.close()


def test_every_download_button_delivers_its_file(server, ctx):
    page = ctx.new_page()
    page.goto(server + "/Compare?preset=lr-too-large")
    player_frame(page)
    wait_for_plots(page, 1)
    page.get_by_text("Export: PNG, SVG, PDF, HTML, GIF, MP4, CSV, NPZ, JSON").click()
    expected = {
        "PNG": b"\x89PNG",
        "SVG": b"<svg",
        "PDF": b"%PDF",
        "HTML (interactive)": b"<html",
        "GIF (replay)": b"GIF8",
        "MP4 (replay)": b"ftyp",
        "CSV (data)": b"optimizer,step",
        "NPZ (arrays)": b"PK",
        "Scenario JSON": b"{",
    }
    for label, magic in expected.items():
        with page.expect_download(timeout=90_000) as dl:
            page.get_by_role("button", name=label, exact=True).click()
        path = dl.value.path()
        with open(path, "rb") as fh:
            head = fh.read(4096)
        assert magic in head, (label, head[:40])
    page.close()
