"""App benchmarks: server-side rerun after a slider change (AppTest), browser slider-to-chart
latency,
the replay's step-forward-to-redrawn latency, first page load, and the 100 x 100 x 500-step
hyperparameter grid. Prints a table (not a test).

Run: ``python benchmarks/bench_app.py``   (needs /usr/bin/chromium for the browser rows)
"""

from __future__ import annotations

import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import landscapes  # noqa: E402
import lessons  # noqa: E402
import network  # noqa: E402


def rerun_ms() -> float:
    at = AppTest.from_file(
        os.path.join(ROOT, "app_pages/1_Playground.py"), default_timeout=300
    ).run()
    sl = at.select_slider(key="play:o0:momentum:lr")
    opts = [0.001, 0.002, 0.005, 0.01, 0.02]
    at.select_slider(key="play:o0:momentum:lr").set_value(opts[0]).run()  # compile + warm caches
    times = []
    for i in range(10):
        v = opts[i % len(opts)] * (1.0 + 0.01 * (i + 1))  # distinct values: no cache hits
        at.session_state["play:o0:momentum:lr"] = v
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1e3)
    del sl
    return statistics.median(times)


def grid_search_s() -> float:
    scape = landscapes.get("rosenbrock")
    ax, ay = lessons.Axis("lr", 1e-6, 1e-1, True), lessons.Axis("momentum", 0.0, 0.99, False)
    lessons.search(scape, "momentum", ax, ay, budget=10_000, steps=500)
    t0 = time.perf_counter()
    lessons.search(scape, "momentum", ax, ay, budget=10_000, steps=500)
    return time.perf_counter() - t0


def mlp_slice_s() -> float:
    x, y = network.make_dataset("moons", 300, 0.15)
    run = network.train_mlp(x, y, x, y, steps=200)
    th = run.final
    d1 = network.filter_normalized_direction(th, run.sizes, seed=1)
    d2 = network.filter_normalized_direction(th, run.sizes, seed=2)
    network.loss_slice(th, d1, d2, x, y, run.arch, n=41)
    t0 = time.perf_counter()
    network.loss_slice(th, d1, d2, x, y, run.arch, n=41)
    return time.perf_counter() - t0


def _player(page):
    for _ in range(600):
        for f in page.frames:
            try:
                if f.evaluate("() => !!(window.ospPlayer && window.ospPlayer.paths)"):
                    return f
            except Exception:  # noqa: S112  (a frame that is navigating)
                continue
        page.wait_for_timeout(200)
    raise RuntimeError("no player")


def browser_rows():
    """First load, slider -> new path drawn, and step forward -> redrawn (two animation frames
    later)."""
    from tests.browser import browser, have_chromium, streamlit_server

    if not have_chromium():
        return None, None, None
    with streamlit_server() as (url, _), browser() as ctx:
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url + "/Compare?preset=momentum-vs-nesterov-saddle")
        fr = _player(page)
        first = time.perf_counter() - t0
        slider = page.get_by_role("slider").nth(1)
        lat = []
        for _ in range(8):
            fr = _player(page)
            before = fr.evaluate("() => window.ospPlayer.n")
            slider.focus()
            t0 = time.perf_counter()
            slider.press("ArrowRight")
            fr.wait_for_function(f"() => window.ospPlayer.n != {before}", timeout=60_000)
            lat.append((time.perf_counter() - t0) * 1e3)
        fr.evaluate("() => window.ospPlayer.jump(0)")
        step = fr.evaluate("""async () => { const P = window.ospPlayer, out = [];
            const frame = () => new Promise(
                r => requestAnimationFrame(() => requestAnimationFrame(r)));
            for (let i = 0; i < 40; i++) {
                const t0 = performance.now(); P.jump(P.step + 1); await frame();
                out.push(performance.now() - t0); }
            out.sort((a, b) => a - b); return out[out.length >> 1]; }""")
        return first, float(np.median(lat[1:])), float(step)


def main():
    r = rerun_ms()
    g = grid_search_s()
    ms = mlp_slice_s()
    first, lat, step = browser_rows()
    print(f"{'benchmark':55s} {'measured':>12s} {'target':>10s} {'ratio':>7s}")
    print(
        f"{'server rerun after a slider change (AppTest, median)':55s} {r:10.0f}ms "
        f"{'100 ms':>10s} {r / 100:6.2f}x"
    )
    print(
        f"{'hyperparameter grid 100 x 100 x 500 steps':55s} {g:11.2f}s {'2 s':>10s} {g / 2:6.2f}x"
    )
    print(
        f"{'MLP loss slice 41 x 41, 522 parameters, 300 points':55s} {ms:11.2f}s {'3 s':>10s} "
        f"{ms / 3:6.2f}x"
    )
    if first is not None:
        print(
            f"{'first page load after server start (Compare preset)':55s} {first:11.2f}s "
            f"{'3 s':>10s} {first / 3:6.2f}x"
        )
        print(
            f"{'browser: slider change to chart updated (median)':55s} {lat:10.0f}ms "
            f"{'500 ms':>10s} {lat / 500:6.2f}x"
        )
        print(
            f"{'browser: step forward to redrawn (median of 40)':55s} {step:10.1f}ms "
            f"{'150 ms':>10s} {step / 150:6.2f}x"
        )
    print("(ratio = measured / target; below 1 meets the target)")


if __name__ == "__main__":
    main()
