"""Load test (loopback only, bounded): N concurrent browser sessions move sliders against one server.

Sessions arrive one after another over ``--ramp`` seconds (a class opening the link), each in its own
Playwright context of one chromium. Each opens the Compare page, then for ``--seconds`` moves the steps
slider one notch up, waits until the chart shows the new path, looks at it for ``--think`` seconds, and
goes on. Counted as errors: uncaught page errors, Streamlit exception boxes, a websocket that closes,
a page that does not load within ``--load-timeout`` seconds, an update that does not arrive within ``--timeout`` seconds.

Prints the update latency (p50/p95/max) as seen on screen and as the server's part of it (from the
slider's websocket message to the new map's message coming back), the first-load time, the server's resident memory before
and after, and the CPU seconds spent by the server and by the browsers: on a small machine the
browsers, not the server, set the latency. Limits: at most 50 sessions, 300 s each.

Run: ``python benchmarks/load_test.py --sessions 20 --seconds 60``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.browser import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

LEN_JS = "() => { const el = document.querySelector('.js-plotly-plot'); if (!el || !el._fullData) return -1; " \
         "const t = el._fullData.find(d => (d.mode || '').startsWith('lines')); return t ? t.x.length : -1; }"
EXC_JS = "() => document.querySelectorAll('[data-testid=\"stException\"]').length"
PAGE = "/Compare?preset=momentum-vs-nesterov-saddle"
MAP_MARK = b"click-to-set-start"  # only the map's figure carries this trace name
POLL_MS = 50  # check for the new chart every 50 ms (polling on every animation frame would load the clients)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def browser_cpu(seen: dict[int, float]) -> dict[int, float]:
    """Updates ``seen`` with the CPU seconds of every chromium process on this machine (benchmark only;
    sampled while the test runs, since a closed context's renderer takes its count with it)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as fh:
                    name = fh.read().strip()
            except OSError:
                continue
            if name.startswith(("chrom", "headless_shell")):
                seen[int(entry)] = max(seen.get(int(entry), 0.0), cpu_s(int(entry)))
    return seen


async def sample_browsers(seen: dict[int, float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        browser_cpu(seen)
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def session(browser, url, i, a, out):
    await asyncio.sleep(i * a.ramp / max(a.sessions, 1))
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await ctx.new_page()
    err, done = out["errors"], []
    ws_t = {"sent": None, "got": None}  # the slider's message to the server, the server's new chart back

    def sent(_payload):
        if ws_t["sent"] is None:
            ws_t["sent"] = time.perf_counter()

    def received(payload):
        if ws_t["sent"] is not None and ws_t["got"] is None and MAP_MARK in (payload if isinstance(payload, bytes) else payload.encode()):
            ws_t["got"] = time.perf_counter()

    def on_ws(ws):
        ws.on("close", lambda _ws: done or err.append(f"session {i}: websocket closed"))
        ws.on("framesent", sent)
        ws.on("framereceived", received)

    page.on("pageerror", lambda e: err.append(f"session {i}: page error {e}"[:200]))
    page.on("websocket", on_ws)
    try:
        t0 = time.perf_counter()
        await page.goto(url + PAGE, timeout=a.load_timeout * 1e3)
        await page.wait_for_function(f"() => ({LEN_JS})() > 0", timeout=a.load_timeout * 1e3, polling=POLL_MS)
        out["loads"].append(time.perf_counter() - t0)
        slider = page.get_by_role("slider").nth(1)  # steps
        # always one notch up: a value the session has not seen, so Streamlit cannot answer from its
        # per-session message cache and every update is a fresh run and a fresh map
        end, key = time.time() + a.seconds, "ArrowRight"
        while time.time() < end:
            before = await page.evaluate(LEN_JS)
            await slider.focus()
            ws_t.update(sent=None, got=None)
            t0 = time.perf_counter()
            await slider.press(key)
            try:
                await page.wait_for_function(f"() => ({LEN_JS})() !== {before}", timeout=a.timeout * 1e3, polling=POLL_MS)
                out["lat"].append((time.perf_counter() - t0) * 1e3)
                if ws_t["sent"] is not None and ws_t["got"] is not None:
                    out["server"].append((ws_t["got"] - ws_t["sent"]) * 1e3)
            except Exception as e:
                err.append(f"session {i}: no update within {a.timeout} s ({type(e).__name__})")
            if n := await page.evaluate(EXC_JS):
                err.append(f"session {i}: {n} exception box(es) on the page")
                break
            await asyncio.sleep(a.think)
    except Exception as e:
        err.append(f"session {i}: {type(e).__name__}: {e}"[:200])
    finally:
        done.append(True)
        await ctx.close()


async def main_async(a):
    from playwright.async_api import async_playwright

    out = {"lat": [], "server": [], "loads": [], "errors": []}
    with streamlit_server(timeout=120) as (url, proc):
        mem0, cpu0, before = rss_mb(proc.pid), cpu_s(proc.pid), browser_cpu({})
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            seen, stop = dict(before), asyncio.Event()
            sampler = asyncio.create_task(sample_browsers(seen, stop))
            t0 = time.perf_counter()
            await asyncio.gather(*(session(browser, url, i, a, out) for i in range(a.sessions)))
            wall = time.perf_counter() - t0
            stop.set()
            await sampler
            bcpu = sum(browser_cpu(seen).values()) - sum(before.values())
            await browser.close()
        mem1, cpu = rss_mb(proc.pid), cpu_s(proc.pid) - cpu0
    return out, mem0, mem1, cpu, bcpu, wall


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60, help="slider moving per session")
    ap.add_argument("--ramp", type=float, default=60.0, help="seconds over which the sessions arrive")
    ap.add_argument("--think", type=float, default=3.0, help="pause after each update (a student reads the chart)")
    ap.add_argument("--timeout", type=float, default=120.0, help="an update slower than this is an error")
    ap.add_argument("--load-timeout", type=float, default=300.0, help="a first load slower than this is an error")
    a = ap.parse_args()
    a.sessions, a.seconds = max(1, min(a.sessions, 50)), max(1, min(a.seconds, 300))  # bounded
    out, mem0, mem1, cpu, bcpu, wall = asyncio.run(main_async(a))
    lat, srv, loads, errors = out["lat"], out["server"], out["loads"], out["errors"]
    n = max(len(lat), 1)
    cores = os.cpu_count() or 1
    print(f"{a.sessions} sessions arriving over {a.ramp:.0f} s, {a.seconds} s of slider moves each, "
          f"{len(lat)} updates, {len(errors)} errors, {wall:.0f} s wall on {cores} cores")
    print("| measure | p50 | p95 | max |\n|---|---|---|---|")
    print(f"| slider move to chart updated | {pct(lat, .5):.0f} ms | {pct(lat, .95):.0f} ms | {max(lat, default=float('nan')):.0f} ms |")
    print(f"| server: slider message in to new map out (websocket) | {pct(srv, .5):.0f} ms | {pct(srv, .95):.0f} ms | "
          f"{max(srv, default=float('nan')):.0f} ms |")
    print(f"| first load of the page | {pct(loads, .5):.1f} s | {pct(loads, .95):.1f} s | {max(loads, default=float('nan')):.1f} s |")
    print(f"server RSS before {mem0:.0f} MB, after {mem1:.0f} MB")
    print(f"CPU: server {cpu:.0f} s ({1e3 * cpu / n:.0f} ms per update, first loads included), browsers {bcpu:.0f} s "
          f"({1e3 * bcpu / n:.0f} ms per update); {cores} cores x {wall:.0f} s = {cores * wall:.0f} CPU-s available")
    for e in errors[:15]:
        print("  ", e)


if __name__ == "__main__":
    main()
