"""The replay player in Debian's chromium, checked on screen: the map and the line charts drawn
below it are still drawn after Play, at every scrubbed step, after a slider change and after a
page switch and back (pixels of a screenshot, not only the Plotly data); a chart is drawn again
only when its content changed; the page loads one plotly.js; every step is reachable by button,
slider and keyboard, the arrows are the engine's, a click sets the start, and the exported HTML
replays offline."""

import io
import os

import numpy as np
import pytest
from PIL import Image

import scenarios
import viz
from tests.browser import ROOT, have_chromium, player_frame

pytestmark = pytest.mark.skipif(
    not have_chromium() and not os.environ.get("CI"), reason="chromium not installed"
)

ARTIFACTS = os.path.join(ROOT, "artifacts")
PRESET = "momentum-vs-nesterov-saddle"


def plot_box(frame) -> list[float]:
    """The plot area in page pixels: [x, y, width, height]."""
    return frame.evaluate("""() => {
        const g = window.ospPlayer.fg, L = g._fullLayout, r = g.getBoundingClientRect();
        return [r.left + L.xaxis._offset, r.top + L.yaxis._offset,
                L.xaxis._length, L.yaxis._length]; }""")


def map_pixels(page, frame, name: str) -> np.ndarray:
    """A screenshot of the map's plot area as an RGB array (saved under artifacts/)."""
    if frame.parent_frame is not None:  # (a control further down the page may have scrolled)
        frame.evaluate("() => window.ospPlayer.map.scrollIntoView({block: 'center'})")
    x, y, w, h = plot_box(frame)
    el = frame.frame_element() if frame.parent_frame is not None else None
    ox, oy = (el.bounding_box()["x"], el.bounding_box()["y"]) if el else (0, 0)
    os.makedirs(ARTIFACTS, exist_ok=True)
    png = page.screenshot(
        path=os.path.join(ARTIFACTS, name), clip={"x": ox + x, "y": oy + y, "width": w, "height": h}
    )
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def assert_map_drawn(page, frame, name: str) -> None:
    """The contour is in the DOM and on screen: hardly any plot-area pixel is white, and its colours
    vary."""
    n = frame.evaluate("() => window.ospPlayer.bg.querySelectorAll('.contourlayer path').length")
    assert n > 20, f"{name}: contour has {n} paths"
    px = map_pixels(page, frame, name)
    white = float(np.mean(px.min(axis=2) > 235))
    assert white < 0.1, f"{name}: {white:.0%} of the map is white"
    assert px.std(axis=(0, 1)).max() > 20, f"{name}: the map is one flat colour"


def assert_chart_drawn(frame, i: int, name: str) -> None:
    """Chart ``i`` below the map is on screen: in its plot area, every line's colour covers some
    pixels (a lost or blank chart has none), and the background is mostly white."""
    info = frame.evaluate(f"""() => {{ const g = document.querySelectorAll('.osp-chart')[{i}];
        const L = g._fullLayout;
        return {{box: [L.xaxis._offset, L.yaxis._offset, L.xaxis._length, L.yaxis._length],
                 colors: g.data.filter(t => (t.mode || '').includes('lines'))
                              .map(t => t.line.color)}}; }}""")
    os.makedirs(ARTIFACTS, exist_ok=True)
    png = frame.locator(".osp-chart").nth(i).screenshot(path=os.path.join(ARTIFACTS, name))
    x, y, w, h = (round(v) for v in info["box"])
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)[y : y + h, x : x + w]
    assert px.size and float(np.mean(px.min(axis=2) > 235)) > 0.5, f"{name}: not a chart"
    assert info["colors"], f"{name}: no lines"
    for c in info["colors"]:
        rgb = np.array([int(c[k : k + 2], 16) for k in (1, 3, 5)], float)
        n = int((np.abs(px - rgb).max(axis=2) < 40).sum())
        assert n > 40, f"{name}: the {c} line covers {n} pixels"


def chart_draws(frame) -> int:
    return frame.evaluate("() => window.ospPlayer.chartDraws")


def shown_lengths(frame) -> list[int]:
    return frame.evaluate(
        """() => window.ospPlayer.traceIndex.map(
            at => window.ospPlayer.fg.data[at.path].x.length)"""
    )


def test_play_scrub_step_keep_the_map_and_show_that_steps_arrows(server, ctx):
    page = ctx.new_page()
    page.goto(f"{server}/Compare?preset={PRESET}")
    fr = player_frame(page)
    n = fr.evaluate("() => window.ospPlayer.n")
    assert n == 150
    assert_map_drawn(page, fr, "replay-before-play.png")
    fr.wait_for_function("() => window.ospPlayer.chartDraws >= 1", timeout=60_000)
    assert_chart_drawn(fr, 0, "compare-loss-before-play.png")
    draws = chart_draws(fr)

    # Play at full speed to the end: the map is still there afterwards
    fr.select_option(".osp-speed select", "200")
    fr.evaluate("""() => { const P = window.ospPlayer, play = P.play.bind(P);
        P.started = 0; P.play = () => { P.started++; play(); }; }""")
    fr.get_by_role("button", name="play / pause (space)").click()
    fr.wait_for_function(
        f"() => window.ospPlayer.started > 0 && window.ospPlayer.step === {n} "
        "&& window.ospPlayer.timer === null",
        timeout=60_000,
    )
    assert_map_drawn(page, fr, "replay-after-play.png")
    assert shown_lengths(fr) == [n + 1] * 3
    assert_chart_drawn(fr, 0, "compare-loss-after-play.png")
    assert chart_draws(fr) == draws  # stepping never draws the charts again

    # scrub with the slider to step 3: three steps of each path, map still drawn
    slider = fr.locator(".osp-slider")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    fr.wait_for_function("() => window.ospPlayer.step === 3", timeout=10_000)
    assert shown_lengths(fr) == [4, 4, 4]
    assert_map_drawn(page, fr, "replay-step-3.png")
    assert fr.locator(".osp-step").inner_text() == f"step 3 / {n}"

    # one step at a time, by button and by keyboard
    fr.get_by_role("button", name="step forward (→)").click()
    fr.get_by_role("button", name="step forward (→)").click()
    fr.get_by_role("button", name="step back (←)").click()
    assert fr.evaluate("() => window.ospPlayer.step") == 4
    fr.locator(".osp").focus()
    page.keyboard.press("ArrowRight")
    assert fr.evaluate("() => window.ospPlayer.step") == 5
    page.keyboard.press("ArrowLeft")
    assert fr.evaluate("() => window.ospPlayer.step") == 4

    # the arrows drawn at step 4 are the engine's, for every optimizer
    scn = scenarios.get_preset(PRESET).scenario
    trajs = scn.run()
    drawn = fr.evaluate("""() => { const P = window.ospPlayer;
        return P.traceIndex.map(at => Object.fromEntries(Object.entries(at.arrows).map(
            ([k, i]) => [k, [P.fg.data[i].x, P.fg.data[i].y]]))); }""")
    for oc, t, got in zip(scn.optimizers, trajs, drawn, strict=True):
        want = viz.step_arrows(t, oc.name, scn.landscape().extent)
        assert set(got) == set(want)
        for kind, (xs, ys) in got.items():
            w = want[kind][4]
            if np.isnan(w).any():  # nothing to draw at this step
                assert xs == [] and ys == []
            elif kind == "lookahead":
                np.testing.assert_allclose([xs[0], ys[0]], w[2:], rtol=1e-5, atol=1e-6)
            else:
                np.testing.assert_allclose(
                    [xs[0], ys[0], xs[1], ys[1]], w[[0, 1, 2, 3]], rtol=1e-5, atol=1e-6
                )
    # ... each path's own line shows its first 5 points, and every path is drawn (dots included)
    lines = fr.evaluate("""() => { const P = window.ospPlayer;
        return P.traceIndex.map(at => [P.fg.data[at.path].x, P.fg.data[at.path].y]); }""")
    for t, (xs, ys) in zip(trajs, lines, strict=True):
        np.testing.assert_allclose(np.c_[xs, ys], t.points[:5], rtol=1e-5, atol=1e-6)
    dotted = fr.evaluate("() => window.ospPlayer.fg.querySelectorAll('path[marker-mid]').length")
    assert dotted == len(trajs)
    # ... and the momentum and gradient steps add up to the step taken (the notes' picture)
    mom = viz.step_arrows(trajs[1], "momentum", scn.landscape().extent)
    np.testing.assert_allclose(
        mom["momentum"][4, 2:]
        - mom["momentum"][4, :2]
        + mom["gradient"][4, 2:]
        - mom["gradient"][4, :2],
        trajs[1].points[5] - trajs[1].points[4],
        atol=1e-12,
    )

    # the equation of that step, filled in with its numbers, for every optimizer
    cards = fr.locator(".osp-card")
    assert cards.count() == 3
    text = cards.nth(1).inner_text()
    assert "update 5 (from step 4 to 5)" in text and "v = momentum * v - learning_rate * dx" in text
    page.close()


def _idle(page) -> None:
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
        return !s || !s.innerText.includes('Running'); }""",
        timeout=120_000,
    )


def test_an_update_sends_what_changed_a_lost_blob_is_asked_for_and_a_reload_redraws(server, ctx):
    """A learning-rate change sends one path's blob (not the surface, not the other paths) and
    keeps the map drawn; a map that lost its blobs asks for them and draws; so does a reload."""
    page = ctx.new_page()
    got: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda b: got.append(len(b))))
    page.goto(f"{server}/Compare?preset={PRESET}")
    fr = player_frame(page)
    _idle(page)
    # one plotly.js on the page: the component's; Streamlit's Plotly chunk is never requested
    assert (
        page.evaluate("() => document.querySelectorAll('[data-testid=stPlotlyChart]').length") == 0
    )
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    loaded += fr.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    # ... and it is the cartesian bundle (1.5 MB), with every trace type the player may draw
    assert [u for u in loaded if "lotly" in u] == [
        u for u in loaded if u.endswith("/" + viz.player_plotly_js()[1])
    ]
    assert len([u for u in loaded if "lotly" in u]) == 1, loaded
    assert viz.player_plotly_js()[1].startswith("plotly-cartesian-")
    registered = fr.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)")
    assert viz.PLAYER_TRACE_TYPES <= set(registered), registered
    surface = fr.evaluate("() => window.ospPlayer.surfaceKey")
    charts = fr.evaluate("() => window.ospPlayer.chartsKey")
    blobs = fr.evaluate("() => window.ospPlayer.data.paths.map(p => p.blob)")
    before, rev = sum(got), fr.evaluate("() => window.ospPlayer.data.rev")
    lr = page.get_by_role("slider", name="learning rate").first
    lr.focus()
    page.keyboard.press("ArrowRight")
    fr.wait_for_function(f"() => window.ospPlayer.data.rev !== '{rev}'", timeout=60_000)
    _idle(page)
    sent = sum(got) - before
    now = fr.evaluate("() => window.ospPlayer.data.paths.map(p => p.blob)")
    assert now[0] != blobs[0] and now[1:] == blobs[1:]
    inline = fr.evaluate("""() => { const d = window.ospPlayer.data, c = d.charts.items[0];
        const mine = new Set([c.fig, ...c.traces.map(t => t.blob)]);
        return [Object.keys(d.inline).filter(b => !mine.has(b)),
                c.traces.filter(t => Object.keys(d.inline).includes(t.blob)).map(t => t.i)]; }""")
    assert inline == [[now[0]], [0]]  # the map's: that path; the chart's: that optimizer's curve
    assert fr.evaluate("() => window.ospPlayer.surfaceKey") == surface
    assert sent < 60_000, f"{sent} bytes (the whole page update) for one learning rate"
    assert_map_drawn(page, fr, "replay-after-slider.png")
    fr.wait_for_function(f"() => window.ospPlayer.chartsKey !== '{charts}'", timeout=60_000)
    assert_chart_drawn(fr, 0, "compare-loss-after-slider.png")

    # a setting that changes only the table (the tolerance): neither the map nor the chart redraws
    draws, rev = chart_draws(fr), fr.evaluate("() => window.ospPlayer.data.rev")
    fr.evaluate(
        "() => { window.ospPlayer.mapDraws = 0; const s = window.ospPlayer.setData; "
        "window.ospPlayer.setData = function (d) { this.mapDraws++; s.call(this, d); }; }"
    )
    link = page.evaluate("() => location.search")
    tol = page.get_by_label("tolerance", exact=False).first
    tol.fill("0.002")
    tol.press("Enter")
    page.wait_for_function(f"() => location.search !== {link!r}", timeout=60_000)  # it ran
    _idle(page)
    page.wait_for_timeout(300)
    assert fr.evaluate("() => [window.ospPlayer.mapDraws, window.ospPlayer.data.rev]") == [0, rev]
    assert chart_draws(fr) == draws

    # the map forgets every blob; the next update names blobs it no longer has: it asks, gets, draws
    fr.evaluate("() => OptiscapePlayer.forget()")
    rev = fr.evaluate("() => window.ospPlayer.data.rev")
    lr.focus()
    page.keyboard.press("ArrowLeft")
    fr.wait_for_function(f"() => window.ospPlayer.data.rev !== '{rev}'", timeout=60_000)
    # (paths 2 and 3 were sent before, so they came only because the map asked for them)
    assert fr.evaluate("() => window.ospPlayer.data.paths.map(p => p.blob)")[1:] == blobs[1:]
    assert_map_drawn(page, fr, "replay-after-asking.png")

    page.reload()
    fr = player_frame(page)
    assert fr.evaluate("() => window.ospPlayer.n") == 150
    assert_map_drawn(page, fr, "replay-after-reload.png")
    page.close()


def _sent_elements(frames: list) -> list[str]:
    """The element types of the deltas among the websocket ``frames`` (Streamlit's ForwardMsgs);
    empties ``frames``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    for b in frames:
        if isinstance(b, (bytes, bytearray)):
            m = ForwardMsg()
            m.ParseFromString(bytes(b))
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element":
                out.append(m.delta.new_element.WhichOneof("type"))
    frames.clear()
    return out


def _press(page, fr, slider, key: str) -> None:
    """``key`` on ``slider``; returns once the player drew a new run and the page is idle."""
    rev = fr.evaluate("() => window.ospPlayer.data.rev")
    slider.focus()
    page.keyboard.press(key)
    fr.wait_for_function(f"() => window.ospPlayer.data.rev !== '{rev}'", timeout=60_000)
    _idle(page)
    page.wait_for_timeout(300)


def _assert_map_alone(sent: list[str], what: str) -> None:
    """The deltas ``sent`` (:func:`_sent_elements`) hold the map and no setting (a checkbox at
    most: the inside panel's, under the map)."""
    assert "component_instance" in sent, sent
    widgets = {"slider", "number_input", "selectbox", "checkbox", "button"} & set(sent)
    assert widgets <= {"checkbox"}, f"{what}: widgets sent again: {sent}"
    assert sent.count("checkbox") <= 1, sent


def test_a_number_reruns_the_map_alone_a_choice_reruns_the_settings(server, ctx):
    """A number's change on Compare (the learning rate, the steps) reruns the map's fragment alone:
    not one of the ~30 widgets is sent again, and they stay on screen at their values; the map, the
    chart, the table and the link follow. A choice that changes which widgets there are (the
    number of optimizers) reruns the settings as before."""
    page = ctx.new_page()
    frames: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda b: frames.append(b)))
    page.goto(f"{server}/Compare?preset={PRESET}")
    fr = player_frame(page)
    _idle(page)
    sliders = page.get_by_role("slider")
    shown = sliders.count()
    for name, key in (("learning rate", "ArrowRight"), ("steps", "ArrowLeft")):
        _sent_elements(frames)
        link = page.evaluate("() => location.search")
        table = fr.evaluate("() => window.ospPlayer.tableKey")
        slider = page.get_by_role("slider", name=name).first
        before = slider.get_attribute("aria-valuetext") or slider.get_attribute("aria-valuenow")
        _press(page, fr, slider, key)
        _assert_map_alone(_sent_elements(frames), name)
        # on screen: every widget still there, this one at its new value; the link and table follow
        assert sliders.count() == shown
        after = slider.get_attribute("aria-valuetext") or slider.get_attribute("aria-valuenow")
        assert after != before, (name, before, after)
        assert page.evaluate("() => location.search") != link
        if name == "steps":
            n = int(page.evaluate("() => new URLSearchParams(location.search).get('steps')"))
            assert fr.evaluate("() => window.ospPlayer.n") == n == int(float(after))
            assert fr.evaluate("() => window.ospPlayer.tableKey") != table
        assert_map_drawn(page, fr, f"map-only-{name.replace(' ', '-')}.png")
    # a choice: four optimizers; the settings are sent again, with the new slots
    box = page.get_by_label("number of optimizers")
    box.fill("4")
    box.press("Enter")
    fr.wait_for_function("() => window.ospPlayer.data.paths.length === 4", timeout=60_000)
    _idle(page)
    assert "selectbox" in _sent_elements(frames)
    page.get_by_text("Optimizer 4", exact=True).wait_for(timeout=30_000)
    assert (
        len(
            fr.evaluate(
                "() => window.ospPlayer.tableKey ? JSON.parse(window.ospPlayer.tableKey).rows : []"
            )
        )
        == 4
    )
    page.close()


def test_a_number_on_playground_reruns_its_map_alone(server, ctx):
    """Playground likewise: a learning-rate change sends the map, its charts and table, and no
    setting; the link follows."""
    page = ctx.new_page()
    frames: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda b: frames.append(b)))
    page.goto(f"{server}/Playground")
    fr = player_frame(page)
    _idle(page)
    _sent_elements(frames)
    link = page.evaluate("() => location.search")
    _press(page, fr, page.get_by_role("slider", name="learning rate").first, "ArrowLeft")
    sent = _sent_elements(frames)
    _assert_map_alone(sent, "learning rate")
    assert "table" in sent, sent
    assert page.evaluate("() => location.search") != link
    assert_map_drawn(page, fr, "map-only-playground.png")
    page.close()


def test_charts_after_a_page_switch_and_back(server, ctx):
    """Compare -> Playground (its four charts below its map, one plotly.js) -> Compare: every
    chart is drawn again on screen in the new iframe (which asks for the blobs it lacks)."""
    page = ctx.new_page()
    page.goto(f"{server}/Compare?preset={PRESET}")
    fr = player_frame(page)
    fr.wait_for_function("() => window.ospPlayer.chartDraws >= 1", timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_text("Playground", exact=True).click()
    page.wait_for_function("() => location.pathname.endsWith('/Playground')", timeout=60_000)
    for _ in range(240):
        fr = player_frame(page)
        if fr.evaluate("() => document.querySelectorAll('.osp-chart .main-svg').length") >= 8:
            break
        page.wait_for_timeout(250)
    titles = fr.evaluate(
        "() => Array.from(document.querySelectorAll('.osp-chart')).map("
        "g => g._fullLayout.title.text)"
    )
    assert titles == [
        "loss gap f - f* (log)",
        "gradient norm",
        "learning rate",
        "distance to nearest minimum",
    ]
    for i in range(4):
        assert_chart_drawn(fr, i, f"playground-chart-{i}.png")
    assert (
        page.evaluate("() => document.querySelectorAll('[data-testid=stPlotlyChart]').length") == 0
    )
    page.get_by_test_id("stSidebarNav").get_by_text("Compare", exact=True).click()
    page.wait_for_function("() => location.pathname.endsWith('/Compare')", timeout=60_000)
    for _ in range(240):
        fr = player_frame(page)
        if fr.evaluate("() => window.ospPlayer.n === 150 && window.ospPlayer.chartDraws >= 1"):
            break
        page.wait_for_timeout(250)
    assert_map_drawn(page, fr, "compare-map-after-switch.png")
    assert_chart_drawn(fr, 0, "compare-loss-after-switch.png")
    page.close()


def test_click_on_the_map_moves_the_start(server, ctx):
    page = ctx.new_page()
    page.goto(f"{server}/Playground?preset=sgd-zigzag-ravine")
    fr = player_frame(page)
    before = fr.evaluate("() => [window.ospPlayer.paths[0].xy[0], window.ospPlayer.paths[0].xy[1]]")
    x, y, w, h = plot_box(fr)
    el = fr.frame_element().bounding_box()
    want = fr.evaluate(f"""() => {{ const L = window.ospPlayer.fg._fullLayout;
        return [L.xaxis.p2c({w * 0.7}), L.yaxis.p2c({h * 0.25})]; }}""")
    page.mouse.click(el["x"] + x + w * 0.7, el["y"] + y + h * 0.25)
    from playwright.sync_api import Error as PlaywrightError

    now = before
    for _ in range(120):
        try:  # the frame can be swapped while the page reruns after the click
            fr = player_frame(page)
            now = fr.evaluate(
                "() => [window.ospPlayer.paths[0].xy[0], window.ospPlayer.paths[0].xy[1]]"
            )
        except PlaywrightError:
            pass
        if now != before:
            break
        page.wait_for_timeout(500)
    assert now != before, "the click did not move the start"
    page.wait_for_timeout(500)
    fr = player_frame(page)
    px = fr.evaluate("""() => { const L = window.ospPlayer.fg._fullLayout;
        return [Math.abs(L.xaxis.p2c(1) - L.xaxis.p2c(0)),
                Math.abs(L.yaxis.p2c(1) - L.yaxis.p2c(0))]; }""")
    # where the mouse was, to within 3 pixels (the old snapping grid was off by up to 12)
    assert abs(now[0] - want[0]) < 3 * px[0] and abs(now[1] - want[1]) < 3 * px[1], (now, want, px)
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('start') !== null", timeout=30_000
    )
    start = page.evaluate("() => new URLSearchParams(location.search).get('start')")
    np.testing.assert_allclose(
        [float(v) for v in start.split(",")], now, atol=1e-9
    )  # the link carries it
    assert_map_drawn(page, fr, "playground-after-click.png")
    page.close()


def test_exported_html_replays_offline(ctx, tmp_path):
    from viz.export import load_scenario, render

    scn, _ = load_scenario(f"preset:{PRESET}")
    path = tmp_path / "replay.html"
    path.write_bytes(render(scn, "html"))
    page = ctx.new_page()
    ctx.set_offline(True)
    try:
        page.goto(path.as_uri())
        fr = player_frame(page, 60)
        assert fr.evaluate("() => window.ospPlayer.n") == 150
        fr.evaluate("() => { window.ospPlayer.speed.value = '200'; window.ospPlayer.play(); }")
        fr.wait_for_function(
            "() => window.ospPlayer.step === 150 && window.ospPlayer.timer === null", timeout=60_000
        )
        assert_map_drawn(page, fr, "export-html-after-play.png")
        fr.evaluate("() => window.ospPlayer.jump(3)")
        assert shown_lengths(fr) == [4, 4, 4]
        assert_map_drawn(page, fr, "export-html-step-3.png")
    finally:
        ctx.set_offline(False)
        page.close()


def test_a_taller_frame_redraws_nothing_a_wider_window_redraws_the_map_and_chart(server, ctx):
    """A steps change that makes the panels under the map taller (the page then sizes the frame to
    its content) draws the new runs once, does not redraw the map's contour or the chart for the
    frame's new height, and the map stays on screen throughout (a page that sent the map before the
    settings' widgets had Streamlit hide its frame for ~0.1 s on every update); a wider window gives
    the map and the loss chart the new width (drawn)."""
    page = ctx.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/Compare?preset={PRESET}")
    fr = player_frame(page)
    _idle(page)
    page.wait_for_timeout(1000)  # (the first draw settles)
    fr.evaluate("""() => { window.__draws = {}; window.__args = [];
        for (const k of ['relayout', 'newPlot', 'react']) { const f = Plotly[k];
          Plotly[k] = function(...a) { window.__draws[k] = (window.__draws[k] || 0) + 1;
            window.__args.push([k, JSON.stringify(a[1]).slice(0, 80)]);
            return f.apply(this, a); }; }
        window.__resized = 0; window.addEventListener('resize', () => window.__resized++); }""")
    # the map's frame as the page lays it out at every animation frame of the update
    page.evaluate("""() => { window.__widths = []; const f = document.querySelector('iframe');
        const tick = () => { window.__widths.push(f.getBoundingClientRect().width);
          if (window.__widths.length < 2000) requestAnimationFrame(tick); }; tick(); }""")
    height = fr.evaluate("() => window.innerHeight")
    rev = fr.evaluate("() => window.ospPlayer.data.rev")
    page.get_by_role("slider", name="steps").focus()
    page.keyboard.press("ArrowRight")  # 151 steps: step 150 is no longer the last, its card grows
    fr.wait_for_function(f"() => window.ospPlayer.data.rev !== '{rev}'", timeout=60_000)
    _idle(page)
    page.wait_for_timeout(800)
    assert fr.evaluate("() => window.innerHeight") != height and fr.evaluate("window.__resized")
    # the new runs: one draw of the paths and one of the chart, nothing for the new height
    assert fr.evaluate("() => window.__draws") == {"react": 2}, fr.evaluate("() => window.__args")
    # ... and the map stayed on screen at its width throughout (never hidden, never narrower)
    seen = page.evaluate("() => window.__widths")
    assert len(seen) > 5 and min(seen) == max(seen) > 300, sorted(set(seen))
    assert_map_drawn(page, fr, "taller-frame-map.png")
    assert_chart_drawn(fr, 0, "taller-frame-chart.png")
    widths = (
        "() => [window.ospPlayer.fg._fullLayout.width, window.ospPlayer.bg._fullLayout.width,"
        " document.querySelector('.osp-chart')._fullLayout.width]"
    )
    before = fr.evaluate(widths)
    page.set_viewport_size({"width": 1700, "height": 900})
    fr.wait_for_function(
        f"() => ({widths})()[2] > {before[2]} + 50 && ({widths})()[0] > {before[0]} + 50",
        timeout=20_000,
    )
    after = fr.evaluate(widths)
    assert after[0] == after[1] > before[0] + 50 and after[2] > before[2] + 50, (before, after)
    gap = "() => Math.abs(window.ospPlayer.fg._fullLayout.width - window.ospPlayer.map.clientWidth)"
    assert fr.evaluate(gap) < 2  # the map fills its box
    assert_map_drawn(page, fr, "wider-window-map.png")
    assert_chart_drawn(fr, 0, "wider-window-chart.png")
    page.close()
