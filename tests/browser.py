"""Helpers for real-browser tests: a Streamlit server on loopback and Debian's chromium via
Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def have_chromium() -> bool:
    return os.path.exists(CHROMIUM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0, cwd: str = ROOT):
    """``cwd``'s ``app.py`` served on a free loopback port; yields ``(url, process)``."""
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        t0 = time.time()
        while time.time() - t0 < timeout:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit server did not start")
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="optiscape-chromium-")
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1500, "height": 1000},
            )
            try:
                yield ctx
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def fresh_profiles():
    """One chromium launch that hands out fresh profiles: each ``new()`` is a new browser context
    (no cookie, cache, storage or session of any other), as a first visit from a new browser sees
    the app, without the cost of a launch per profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield lambda: chrome.new_context(viewport={"width": 1500, "height": 1000})
        finally:
            chrome.close()


PLOT_TRACES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
    el => (el.data || []).map(t => ({name: t.name || '', mode: t.mode || '', type: t.type || '',
                                     n: t.x ? t.x.length : 0,
                                     x0: t.x ? t.x[0] : null, y0: t.y ? t.y[0] : null})))"""


def wait_for_plots(page, n: int = 1, timeout: float = 120_000) -> None:
    """At least ``n`` Plotly graphs on the page, its frames included (Playground's and Compare's
    charts are drawn in the map's iframe), and the app idle."""
    deadline = time.time() + timeout / 1000
    while True:
        found = 0
        for f in page.frames:
            try:
                found += f.evaluate("() => document.querySelectorAll('.js-plotly-plot').length")
            except Exception:  # noqa: S112  (a frame that is navigating or gone)
                continue
        if found >= n:
            break
        if time.time() > deadline:
            raise AssertionError(f"{found} of {n} Plotly graphs on the page")
        page.wait_for_timeout(250)
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
        return !s || !s.innerText.includes('Running'); }""",
        timeout=timeout,
    )


def player_frame(page, timeout_s: float = 180):
    """The frame that holds a drawn player (the app's component iframe, or the page itself)."""
    for _ in range(int(timeout_s * 2)):
        for f in page.frames:
            try:
                if f.evaluate(
                    "() => !!(window.ospPlayer && window.ospPlayer.paths && "
                    "window.ospPlayer.fg._fullLayout)"
                ):
                    return f
            except Exception:  # noqa: S112  (a frame that is navigating or gone)
                continue
        page.wait_for_timeout(500)
    raise AssertionError("no replay player on the page")
