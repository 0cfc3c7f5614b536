"""deploy/: 2 Optiscape processes + Debian's nginx on loopback, driven through nginx at the protocol
level.

Checks sticky sessions (a reconnect with the cookie finds its session), that both processes serve,
that the metrics endpoint is not served through nginx, and that after ``kill -9`` of a process its
sessions come back (through nginx) with their scenario and no error box while the supervisor starts
the process again. Needs the ``nginx`` binary (``.ci/run`` installs Debian's package); about a
minute."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import ws_client as wc  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
PER_IP = 40  # concurrent connections per client address at nginx
pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx not installed (.ci/run installs it)"),
    pytest.mark.slow,
]


def _free_pair() -> int:
    for _ in range(50):
        base = wc.free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", base + 1))
                return base
            except OSError:
                continue
    raise RuntimeError("no two free ports in a row")


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), b""


def _served_runs(port: int) -> int:
    """Lookups of the scenario cache in one process (its own metrics, read directly, not through
    nginx)."""
    _, _, body = _get(f"http://127.0.0.1:{port}/_stcore/metrics")
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in body.decode().splitlines()
        if line.startswith('cache_lookups_total{cache="ui._controls.cached_run"')
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    run_dir = str(tmp_path_factory.mktemp("deploy"))
    listen, base = wc.free_port(), _free_pair()
    log = open(os.path.join(run_dir, "supervise.log"), "wb")
    sup = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, "deploy", "supervise.py"),
            "--procs",
            "2",
            "--listen",
            f"127.0.0.1:{listen}",
            "--base-port",
            str(base),
            "--run-dir",
            run_dir,
            "--warm",
            "first",
            "--per-ip",
            str(PER_IP),
        ],
        cwd=ROOT,
        env=dict(os.environ, OPTISCAPE_WARM_NETWORK="0"),  # (no network page is opened here)
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    status_path = os.path.join(run_dir, "status.json")

    def status():
        try:
            with open(status_path) as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return {}

    try:
        t0 = time.time()
        while time.time() - t0 < 240:
            st = status()
            if st.get("nginx") and st.get("healthy") and all(st["healthy"].values()):
                break
            assert sup.poll() is None, open(os.path.join(run_dir, "supervise.log")).read()
            time.sleep(0.5)
        else:
            raise AssertionError(f"deployment not up in 240 s: {status()}")
        yield {
            "url": f"http://127.0.0.1:{listen}",
            "ports": [base, base + 1],
            "status": status,
            "run_dir": run_dir,
        }
    finally:
        sup.send_signal(signal.SIGTERM)
        try:
            sup.wait(30)
        except subprocess.TimeoutExpired:
            sup.kill()
            sup.wait()
        log.close()


def test_nginx_serves_the_app_sets_the_sticky_cookie_and_hides_metrics(deployment):
    url, ports = deployment["url"], deployment["ports"]
    code, headers, body = _get(url + "/")
    assert code == 200 and b"<html" in body.lower()
    assert "optiscape=" in headers.get("Set-Cookie", "")
    assert _get(url + "/_stcore/health")[0] == 200
    assert _get(url + "/_stcore/metrics")[0] == 404  # not public ...
    assert (
        _get(f"http://127.0.0.1:{ports[0]}/_stcore/metrics")[0] == 200
    )  # ... but there for a scraper inside


def test_nginx_compresses_static_files(deployment):
    """gzip for JavaScript, CSS and JSON in the template, and on the wire through nginx."""
    with open(os.path.join(ROOT, "deploy", "nginx.conf.template")) as fh:
        conf = fh.read()
    assert re.search(r"^\s*gzip on;", conf, re.M)
    types = re.search(r"gzip_types([^;]*);", conf).group(1).split()
    assert {"application/javascript", "text/css", "application/json"} <= set(types)
    _, _, page = _get(deployment["url"] + "/")
    js = re.search(rb'src="(\./)?(static/js/[^"]+\.js)"', page).group(2).decode()
    req = urllib.request.Request(deployment["url"] + "/" + js, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers.get("Content-Encoding") == "gzip", dict(r.headers)


def test_both_processes_serve_and_sessions_stick(deployment):
    url, ports = deployment["url"], deployment["ports"]
    before = [_served_runs(p) for p in ports]

    async def go():
        sessions = [wc.Session(url + wc.PAGE, cookie=f"optiscape=test{i:03d}") for i in range(16)]
        try:
            for s in sessions:
                _, run = await s.open(timeout=120)
                assert run.exceptions == [] and run.components >= 1
            for i, s in enumerate(sessions):
                _, run = await s.change("start x", 0.25 + 0.01 * i, timeout=120)
                assert run.exceptions == []
            resumed = 0
            for s in sessions[
                :8
            ]:  # a network blip: the same cookie must lead back to the process that has the session
                sid = s.session_id
                await s.close()
                await s.connect(resume=True)
                _, run = await s.rerun(timeout=120)
                resumed += s.session_id == sid and run.exceptions == []
            return resumed
        finally:
            for s in sessions:
                await s.close()

    resumed = asyncio.run(go())
    assert resumed == 8
    served = [_served_runs(p) - b for p, b in zip(ports, before, strict=True)]
    assert all(n > 0 for n in served), served  # 16 cookies spread over both processes


def test_every_process_serves_the_map_and_browsers_may_keep_its_plotly(deployment):
    """After their sessions drew Compare, each process serves the map component's files (a process
    that imported the app before Streamlit started answered 404: every map was an error box), and
    through nginx the map's plotly.js (named by its version) goes out with a year's max-age,
    gzipped; other files keep Streamlit's headers."""
    import viz

    comp = "/component/ui._map.optiscape_map"
    js = viz.player_plotly_js()[1]
    for port in deployment["ports"]:
        code, _, body = _get(f"http://127.0.0.1:{port}{comp}/index.html")
        assert code == 200 and js.encode() in body, (port, code)
    for i in range(4):  # whichever process the cookie hashes onto
        req = urllib.request.Request(
            f"{deployment['url']}{comp}/{js}",
            headers={"Accept-Encoding": "gzip", "Cookie": f"optiscape=test{i:03d}"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200 and "max-age=31536000" in r.headers.get("Cache-Control", "")
            assert r.headers.get("Content-Encoding") == "gzip"
    with urllib.request.urlopen(deployment["url"] + "/", timeout=10) as r:
        assert "max-age=31536000" not in (r.headers.get("Cache-Control") or "")


def test_per_ip_connection_limit(deployment):
    """Websockets past ``--per-ip`` from one address are refused at the proxy (429), the others
    work."""
    import websockets

    async def go():
        sessions, refused = [], 0
        try:
            for i in range(PER_IP + 8):
                s = wc.Session(deployment["url"] + wc.PAGE, cookie=f"optiscape=limit{i}")
                try:
                    await s.connect(timeout=30)
                    sessions.append(s)
                except websockets.InvalidStatus as e:
                    assert e.response.status_code == 429
                    refused += 1
            _, run = await sessions[0].rerun(timeout=120)  # the admitted ones are served
            assert run.exceptions == [] and run.components >= 1
            return len(sessions), refused
        finally:
            for s in sessions:
                await s.close()

    admitted, refused = asyncio.run(go())
    assert admitted == PER_IP and refused == 8


def test_kill_9_sessions_come_back_with_their_scenario_and_the_process_restarts(deployment):
    url, status = deployment["url"], deployment["status"]
    st0 = status()
    victim = int(st0["pids"][str(deployment["ports"][0])])

    class A:
        sessions, timeout, clear_cache, kill = 12, 240.0, "", [victim]  # generous on a busy machine

    res = asyncio.run(wc.run_restart([url], wc.Servers([victim]), A))
    assert res["hit"] >= 1, "no session was on the killed process"
    assert res["back"] == res["hit"] and res["boxes"] == 0 and res["changed"] == 0, res["errors"]
    t0 = time.time()
    while time.time() - t0 < 180:
        st = status()
        pid = st.get("pids", {}).get(str(deployment["ports"][0]))
        if st.get("restarts", 0) >= 1 and pid and pid != victim and all(st["healthy"].values()):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"killed process not back: {status()}")
