"""App benchmarks: server-side rerun after a slider change (AppTest), the 100 x 100 x 500-step
hyperparameter grid, and in chromium, on Compare at 150, 500 and 2,000 steps: slider to map and
loss chart, bytes received and main-thread CPU per update (also as thread time from a trace, which a
busy machine does not inflate), step forward/back; first load of Compare
against a bare one-chart Streamlit page in the same run. Prints a table (not a test).

Run: ``python benchmarks/bench_app.py``   (needs /usr/bin/chromium for the browser rows)
``--browser``: the browser rows only; ``--before DIR``: the same browser rows for the app in another
checkout (e.g. the main branch), interleaved with this one's in the same run, for before/after
ratios; ``--steps 150,2000`` and ``--reps N`` shorten a run.
"""

from __future__ import annotations

import collections
import contextlib
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

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


BARE_PAGE = """import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[1, 3, 2])), key="bare")
"""

DRAWN_JS = """() => { const P = window.ospPlayer;
    return !!(P && P.paths && P.fg._fullLayout
              && P.bg.querySelectorAll('.contourlayer path').length > 20); }"""


def _player(page, timeout_s: float = 300):
    for _ in range(int(timeout_s * 5)):
        for f in page.frames:
            try:
                if f.evaluate(DRAWN_JS):
                    return f
            except Exception:  # noqa: S112  (a frame that is navigating)
                continue
        page.wait_for_timeout(200)
    raise RuntimeError("no player")


def _idle(page):
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
        return !s || !s.innerText.includes('Running'); }""",
        timeout=300_000,
    )


def _task_s(cdp) -> float:
    m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
    return m["TaskDuration"]


# the loss chart: below the map in the player (chartsKey), or (an older app) Streamlit's own chart
# in the page, which an update replaces (a new element) or redraws (new data)
MARK_CHART_JS = """() => {
    const g = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
    window.__ospChart = g; window.__ospData = g ? g.data : null; return !!g; }"""
CHART_NEW_JS = """() => {
    const g = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
    return !!(g && g._fullLayout && g.querySelector('.main-svg')
              && (g !== window.__ospChart || g.data !== window.__ospData)); }"""


class _Trace:
    """Chrome's trace of one update: the CPU time (thread time, which a busy machine does not
    inflate as it does ``TaskDuration``'s wall time) of the renderer main threads' tasks."""

    def __init__(self, cdp):
        self.cdp, self.events, self.done = cdp, [], []
        cdp.on("Tracing.dataCollected", lambda e: self.events.extend(e["value"]))
        cdp.on("Tracing.tracingComplete", lambda e: self.done.append(1))

    def start(self):
        self.events.clear()
        self.done.clear()
        self.cdp.send("Tracing.start", {"categories": "toplevel", "transferMode": "ReportEvents"})

    def stop_cpu_s(self, page) -> float:
        self.cdp.send("Tracing.end")
        while not self.done:
            page.wait_for_timeout(50)
        ev = self.events
        mains = {
            (e["pid"], e["tid"])
            for e in ev
            if e.get("ph") == "M" and e.get("args", {}).get("name") == "CrRendererMain"
        }
        tasks = sorted(
            (e["ts"], e["dur"], e.get("tdur", 0), (e["pid"], e["tid"]))
            for e in ev
            if e.get("ph") == "X"
            and (e["pid"], e["tid"]) in mains
            and "dur" in e
            and e["name"] in ("ThreadControllerImpl::RunTask", "RunTask")
        )
        total, end = 0, {}
        for ts, dur, tdur, th in tasks:  # outermost tasks only
            if ts >= end.get(th, -1):
                total += tdur
                end[th] = ts + dur
        return total / 1e6


def _update(page, fr, cdp, got, slider, key, trace=None):
    """One slider key press -> the map and the loss chart show the new run: (ms, bytes received,
    main-thread CPU s; with ``trace``, the main threads' CPU thread time instead)."""
    rev = fr.evaluate("() => window.ospPlayer.data.rev")
    _idle(page)
    page.wait_for_timeout(300)
    charts = fr.evaluate(
        "() => window.ospPlayer.chartsKey === undefined ? null : window.ospPlayer.chartsKey"
    )
    in_page = charts is None and page.evaluate(MARK_CHART_JS)
    b0, c0 = sum(got), _task_s(cdp)
    slider.focus()
    if trace:
        trace.start()
    t0 = time.perf_counter()
    page.keyboard.press(key)
    fr.wait_for_function(
        f"() => window.ospPlayer.data.rev !== '{rev}' && window.ospPlayer.fg._fullLayout"
        + ("" if charts is None else f" && window.ospPlayer.chartsKey !== '{charts}'"),
        timeout=120_000,
        polling="raf",
    )
    if in_page:
        page.wait_for_function(CHART_NEW_JS, timeout=120_000, polling="raf")
    ms = (time.perf_counter() - t0) * 1e3
    _idle(page)
    page.wait_for_timeout(300)
    return ms, sum(got) - b0, trace.stop_cpu_s(page) if trace else _task_s(cdp) - c0


STEP_JS = """async () => { const P = window.ospPlayer, out = [];
    const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    P.jump(Math.floor(P.n / 2));
    for (let i = 0; i < 40; i++) { const t0 = performance.now(); P.jump(P.step + (i % 2 ? -1 : 1));
        await frame(); out.push(performance.now() - t0); }
    out.sort((a, b) => a - b); return out[out.length >> 1]; }"""


def update_rows(urls, ctx, steps_list=(150, 500, 2000), reps=5):
    """Per step count and app (``urls``: name -> server): a learning-rate change (one path
    changes) and a steps change (every path changes): latency to the new map and loss chart,
    bytes received, main-thread CPU; and step forward/back. The apps' pages are open side by side
    and take turns key press by key press (a busy moment of the machine falls on both)."""
    rows = []
    for steps in steps_list:
        pages = {app: _open_at(url, ctx, steps) for app, url in urls.items()}
        traces = {app: _Trace(pages[app][2]) for app in urls}
        out = {app: {"n": steps} for app in urls}
        for name, role in (("lr", "learning rate"), ("steps", "steps")):
            res = collections.defaultdict(list)
            cpu = collections.defaultdict(list)
            for i, key in enumerate(["ArrowLeft", "ArrowRight"] * reps):
                for app, (page, fr, cdp, got) in pages.items():
                    page.bring_to_front()
                    slider = page.get_by_role("slider", name=role).first
                    r = _update(page, fr, cdp, got, slider, key)
                    if i:  # the first one may compile
                        res[app].append(r)
            # the same updates traced (apart: tracing slows the page a little)
            for key in ["ArrowLeft", "ArrowRight"] * 2:
                for app, (page, fr, cdp, got) in pages.items():
                    page.bring_to_front()
                    slider = page.get_by_role("slider", name=role).first
                    cpu[app].append(_update(page, fr, cdp, got, slider, key, traces[app])[2])
            for app in urls:
                out[app][name] = [statistics.median(r[i] for r in res[app]) for i in range(3)] + [
                    statistics.median(cpu[app])
                ]
        for app, (page, fr, _cdp, _got) in pages.items():
            page.bring_to_front()
            out[app]["step_ms"] = fr.evaluate(STEP_JS)
            page.close()
            rows.append({"app": app, **out[app]})
    return rows


def _open_at(url, ctx, steps):
    """Compare (the Momentum vs Nesterov preset) at ``steps`` steps in a new page: (page, the
    player's frame, a CDP session, the list of websocket frame sizes received)."""
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    got: list[int] = []
    page.on("websocket", lambda ws, got=got: ws.on("framereceived", lambda b: got.append(len(b))))
    page.goto(f"{url}/Compare?preset=momentum-vs-nesterov-saddle")
    _player(page)
    _idle(page)  # the page writes the preset's whole link; the same link with other steps:
    page.wait_for_function("() => new URLSearchParams(location.search).get('steps')")
    link = page.evaluate(
        "() => { const q = new URLSearchParams(location.search); "
        f"q.set('steps', '{steps}'); return location.pathname + '?' + q; }}"
    )
    page.goto(url + link)
    fr = _player(page)
    assert fr.evaluate("() => window.ospPlayer.n") == steps, "the link did not set the steps"
    return page, fr, cdp, got


CHARTS_DRAWN_JS = """() => { const P = window.ospPlayer;
    return P.chartsKey === undefined
        || (P.chartsKey !== '' && !!P.charts.querySelector('.main-svg')); }"""


def first_load_rows(urls, bare_url, reps=3):
    """First load (new browser profile each time: nothing cached) of Compare (per app in ``urls``)
    vs a bare one-chart page, interleaved; and a second visit of each in the same profile (cache
    warm). Compare is loaded when its map and its loss chart are drawn."""
    from tests.browser import browser

    res: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(reps):
        for name, go, ready in (
            ("bare", bare_url, None),
            *[
                (f"compare:{app}", url + "/Compare?preset=momentum-vs-nesterov-saddle", True)
                for app, url in urls.items()
            ],
        ):
            with browser() as ctx:
                for visit in ("", "2"):
                    page = ctx.new_page()
                    t0 = time.perf_counter()
                    page.goto(go)
                    if ready:
                        fr = _player(page)
                        fr.wait_for_function(CHARTS_DRAWN_JS, timeout=300_000)
                        page.wait_for_function(
                            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1"
                            " || !document.querySelector('[data-testid=stPlotlyChart]')",
                            timeout=300_000,
                        )
                    else:
                        page.wait_for_function(
                            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1",
                            timeout=300_000,
                        )
                    res[name + visit].append(time.perf_counter() - t0)
                    page.close()
    return {k: statistics.median(v) for k, v in res.items()}


def browser_rows(before: str | None = None, steps=(150, 500, 2000), reps=5):
    import tempfile

    from tests.browser import browser, have_chromium, streamlit_server

    if not have_chromium():
        return None
    bare_dir = tempfile.mkdtemp(prefix="optiscape-bare-")
    with open(os.path.join(bare_dir, "app.py"), "w") as fh:
        fh.write(BARE_PAGE)
    with contextlib.ExitStack() as stack:
        serve = lambda folder: stack.enter_context(streamlit_server(180.0, cwd=folder))[0]
        urls = {"this": serve(ROOT)}
        if before:
            urls["before"] = serve(before)
        with browser() as ctx:  # warm the servers (compilation, imports) before timing anything
            for url in urls.values():
                page = ctx.new_page()
                page.goto(url + "/Compare?preset=momentum-vs-nesterov-saddle")
                _player(page)
                page.close()
            updates = update_rows(urls, ctx, steps, reps)
        loads = first_load_rows(urls, serve(bare_dir))
    return updates, loads


def _args():
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--browser", action="store_true", help="the browser rows only")
    ap.add_argument("--before", help="another checkout's app, measured in the same run")
    ap.add_argument("--steps", default="150,500,2000")
    ap.add_argument("--reps", type=int, default=5, help="key presses per slider and direction")
    return ap.parse_args()


def main():
    args = _args()
    load = os.getloadavg()
    if not args.browser:
        r = rerun_ms()
        g = grid_search_s()
        ms = mlp_slice_s()
    steps = tuple(int(v) for v in args.steps.split(","))
    browser = browser_rows(args.before, steps, args.reps)
    if browser is not None:
        import json

        print(json.dumps({"updates": browser[0], "loads": browser[1]}))
    print(f"load average at start: {load[0]:.1f} (2 cores)")
    print(f"{'benchmark':55s} {'measured':>12s} {'target':>10s} {'ratio':>7s}")
    if not args.browser:
        print(
            f"{'server rerun after a slider change (AppTest, median)':55s} {r:10.0f}ms "
            f"{'100 ms':>10s} {r / 100:6.2f}x"
        )
        print(
            f"{'hyperparameter grid 100 x 100 x 500 steps':55s} {g:11.2f}s {'2 s':>10s} "
            f"{g / 2:6.2f}x"
        )
        print(
            f"{'MLP loss slice 41 x 41, 522 parameters, 300 points':55s} {ms:11.2f}s "
            f"{'3 s':>10s} {ms / 3:6.2f}x"
        )
    if browser is not None:
        updates, loads = browser
        for u in updates:
            n, app = u["n"], u["app"]
            target = 150 if n <= 150 else 250
            for kind, what in (("lr", "a learning rate"), ("steps", "the steps slider")):
                lat, nbytes, cpu, thread = u[kind]
                print(
                    f"{f'[{app}] Compare {n} steps, {what}: to map + chart':55s} {lat:10.0f}ms "
                    f"{f'{target} ms':>10s} {lat / target:6.2f}x"
                )
                print(
                    f"{'   bytes received per update':55s} {nbytes / 1e3:10.1f}KB "
                    f"{'60 KB':>10s} {nbytes / 60e3:6.2f}x"
                )
                print(f"{'   main-thread CPU per update':55s} {cpu * 1e3:10.0f}ms")
                print(
                    f"{'   main-thread CPU per update (thread time, traced)':55s} "
                    f"{thread * 1e3:10.0f}ms"
                )
            print(
                f"{f'[{app}] Compare {n} steps: step forward/back':55s} {u['step_ms']:10.1f}ms "
                f"{'50 ms':>10s} {u['step_ms'] / 50:6.2f}x"
            )
        for app in sorted({u["app"] for u in updates}):
            for visit, what in (("", "first load (new profile)"), ("2", "second visit")):
                c, b = loads[f"compare:{app}{visit}"], loads[f"bare{visit}"]
                print(
                    f"{f'[{app}] {what}, Compare / bare one-chart page':55s} "
                    f"{c:5.2f}s/{b:4.2f}s {'1.5x':>10s} {c / b / 1.5:6.2f}x"
                )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print("(ratio = measured / target; below 1 meets the target)")


if __name__ == "__main__":
    main()
