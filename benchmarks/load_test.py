"""Load test (loopback only, bounded): N concurrent browser sessions move sliders against one server.

Each session opens the Compare page, then for ``--seconds`` presses a slider key and waits until the
chart has changed, recording the latency. Prints error count, p50/p95 latency and the server's
resident memory before and after. Defaults: 20 sessions x 60 s.

Run: ``python benchmarks/load_test.py --sessions 20 --seconds 60``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.browser import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

LEN_JS = "() => { const el = document.querySelector('.js-plotly-plot'); if (!el || !el._fullData) return -1; " \
         "const t = el._fullData.find(d => (d.mode || '').startsWith('lines')); return t ? t.x.length : -1; }"


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def rss_mb(pid: int) -> float:
    total = 0.0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    total = int(line.split()[1]) / 1024
    except OSError:
        pass
    return total


async def session(browser, url, seconds, lat, errors, i):
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await ctx.new_page()
    page.on("pageerror", lambda e: errors.append(f"session {i}: {e}"))
    try:
        await page.goto(url + "/Compare?preset=momentum-vs-nesterov-saddle", timeout=180_000)
        await page.wait_for_function(f"() => ({LEN_JS})() > 0", timeout=180_000)
        slider = page.get_by_role("slider").nth(1)
        end = time.time() + seconds
        key = "ArrowRight"
        while time.time() < end:
            before = await page.evaluate(LEN_JS)
            await slider.focus()
            t0 = time.perf_counter()
            await slider.press(key)
            try:
                await page.wait_for_function(f"() => ({LEN_JS})() !== {before}", timeout=30_000)
                lat.append((time.perf_counter() - t0) * 1e3)
            except Exception as e:
                errors.append(f"session {i}: no update ({type(e).__name__})")
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            await asyncio.sleep(1.0)
    except Exception as e:
        errors.append(f"session {i}: {type(e).__name__}: {e}"[:200])
    finally:
        await ctx.close()


async def main_async(sessions, seconds):
    from playwright.async_api import async_playwright

    with streamlit_server(timeout=120) as (url, proc):
        mem0, cpu0 = rss_mb(proc.pid), cpu_s(proc.pid)
        profile = tempfile.mkdtemp(prefix="optiscape-load-")
        lat, errors = [], []
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
                await asyncio.gather(*(session(browser, url, seconds, lat, errors, i) for i in range(sessions)))
                await browser.close()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        mem1, cpu1 = rss_mb(proc.pid), cpu_s(proc.pid)
    return lat, errors, mem0, mem1, cpu1 - cpu0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60)
    a = ap.parse_args()
    sessions, seconds = min(a.sessions, 50), min(a.seconds, 300)  # bounded
    lat, errors, mem0, mem1, cpu = asyncio.run(main_async(sessions, seconds))
    lat.sort()
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan"))
    print(f"sessions {sessions}, {seconds} s each, {len(lat)} slider updates, {len(errors)} errors")
    print(f"update latency p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {lat[-1] if lat else float('nan'):.0f} ms")
    print(f"server RSS before {mem0:.0f} MB, after {mem1:.0f} MB")
    n = max(len(lat), 1)
    print(f"server CPU {cpu:.1f} s in all, {1e3 * cpu / n:.0f} ms per update (page loads included); "
          f"the browsers share the same cores")
    for e in errors[:10]:
        print("  ", e)


if __name__ == "__main__":
    main()
