"""End-to-end in Debian's chromium: deep links to every page, the Compare preset, a slider, a click on the chart."""

import os
import time

import pytest

from tests.browser import PLOT_TRACES_JS, ROOT, browser, have_chromium, streamlit_server, wait_for_plots

pytestmark = pytest.mark.skipif(not have_chromium() and not os.environ.get("CI"), reason="chromium not installed")

ARTIFACTS = os.path.join(ROOT, "artifacts")


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as (url, _):
        yield url


@pytest.fixture(scope="module")
def ctx():
    with browser() as c:
        yield c


def _paths(page):
    plots = page.evaluate(PLOT_TRACES_JS)
    return [t for t in plots[0] if t["mode"].startswith("lines")] if plots else []


def _first_path_start(page):
    return page.evaluate("""() => { const el = document.querySelector('.js-plotly-plot');
        const t = el._fullData.find(d => (d.mode || '').startsWith('lines') && d.type === 'scatter');
        return [t.x[0], t.y[0], t.x.length]; }""")


@pytest.mark.parametrize("path, title", [
    ("/", "Optiscape"), ("/Playground", "Playground"), ("/Compare", "Compare optimizers"),
    ("/Schedules", "Learning-rate schedules"), ("/Hyperparameter_search", "Grid search vs random search"),
    ("/Averaging", "Averaging"), ("/Quadratic_theory", "Convergence on a quadratic"), ("/Basins", "Basins of attraction"),
    ("/Neural_network", "The loss landscape of a real (small) network"),
])
def test_deep_link_to_every_page(server, ctx, path, title):
    page = ctx.new_page()
    page.goto(server + path)
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
    if path != "/":
        wait_for_plots(page, 2)
    page.close()


def test_compare_preset_slider_and_click(server, ctx):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page = ctx.new_page()
    page.goto(server + "/Compare?preset=momentum-vs-nesterov-saddle")
    wait_for_plots(page, 2)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullData.filter(d => (d.mode||'').startsWith('lines')).length >= 3",
                           timeout=120_000)
    names = [t["name"] for t in _paths(page)]
    assert any("Momentum" in n for n in names) and any("Nesterov" in n for n in names)
    x0, y0, n0 = _first_path_start(page)
    assert (round(x0, 3), round(y0, 3)) == (-1.8, 0.001) and n0 == 151
    page.screenshot(path=os.path.join(ARTIFACTS, "compare-preset.png"))

    # move the steps slider with the keyboard: paths get longer
    slider = page.get_by_role("slider").nth(1)
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    page.wait_for_function("""() => { const el = document.querySelector('.js-plotly-plot');
        const t = el._fullData.find(d => (d.mode || '').startsWith('lines') && d.type === 'scatter');
        return t.x.length > 151; }""", timeout=120_000)
    page.wait_for_function("() => /steps=(1[6-9]\\d|2\\d\\d)/.test(location.search)", timeout=30_000)

    # click the map: the start moves to the clicked grid point
    box = page.evaluate("""() => { const el = document.querySelector('.js-plotly-plot');
        const r = el.querySelector('.nsewdrag').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }""")
    cx, cy = box[0] + box[2] * 0.75, box[1] + box[3] * 0.2
    moved = False
    for attempt in range(3):  # plotly needs a hover before a click selects a point; retry if the hover was missed
        page.mouse.move(cx - 5 - attempt, cy - 5)
        page.mouse.move(cx, cy, steps=5)
        time.sleep(0.5)
        page.mouse.click(cx, cy)
        t0 = time.time()
        while time.time() - t0 < 40:
            x, y, _ = _first_path_start(page)
            if abs(x + 1.8) > 1e-6 or abs(y - 0.001) > 1e-6:
                moved = True
                break
            time.sleep(0.5)
        if moved:
            break
    assert moved, "clicking the chart did not move the start"
    assert x > 0 and y > 0
    page.screenshot(path=os.path.join(ARTIFACTS, "compare-after-click.png"))
    page.close()


def test_every_download_button_delivers_its_file(server, ctx):
    page = ctx.new_page()
    page.goto(server + "/Compare?preset=lr-too-large")
    wait_for_plots(page, 2)
    page.get_by_text("Export: PNG, SVG, PDF, HTML, GIF, MP4, CSV, NPZ, JSON").click()
    expected = {"PNG": b"\x89PNG", "SVG": b"<svg", "PDF": b"%PDF", "HTML (interactive)": b"<html", "GIF (replay)": b"GIF8", "MP4 (replay)": b"ftyp",
                "CSV (data)": b"optimizer,step", "NPZ (arrays)": b"PK", "Scenario JSON": b"{"}
    for label, magic in expected.items():
        with page.expect_download(timeout=90_000) as dl:
            page.get_by_role("button", name=label, exact=True).click()
        path = dl.value.path()
        with open(path, "rb") as fh:
            head = fh.read(4096)
        assert magic in head, (label, head[:40])
    page.close()
