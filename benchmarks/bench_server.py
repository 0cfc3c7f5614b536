"""The server benchmark table (issue: a server a class can share), measured at the protocol level.

Runs, one after another, on loopback (each bounded; about 10 minutes in all on 2 cores):

1. ``cpu``: 10 sessions move the start point of the Compare preset every 2-3 s for 60 s, with
Streamlit's
   defaults for the runner (postScriptGC on, fastReruns on) and with the shipped config: server
   CPU-s per
   update once every session has its first page;
2. ``50``: 50 sessions arriving over 20 s, each changing a widget every 2-3 s for 60 s, one process;
3. ``150``: 150 sessions arriving over 10 s, for 60 s, one process: who starved (no first page, no
update);
4. ``flood``: one client sends 500 full reruns back to back while 5 sessions work: their latency;
5. ``export``: 150 requests for the interactive HTML export from 10 sessions: served, refused, RSS;
6. ``deploy``: ``deploy/supervise.py`` with 2 processes + nginx, 100 sessions through nginx;
7. ``restart``: one process under ``deploy/supervise.py`` + nginx, 20 sessions on the presets,
``kill -9``:
   every session reconnects to the restarted process; with a warm-up of every preset before it
   listens,
   without (executables loaded from the on-disk cache on demand), and with the cache emptied
   (compiled);
   then 2 processes, where the killed one's sessions move to the other.

Servers run with the repository's ``.streamlit/config.toml`` and ``deploy/streamlit.env`` (the
deployment). ``python benchmarks/bench_server.py [row ...] [1p|2p]`` (default: all rows; ``restart
2p``: only the 2-process variant); prints each run's report, then the table.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import ws_client as wc  # noqa: E402

DEFAULTS = ("runner.postScriptGC=true", "runner.fastReruns=true")


def load(extra: list[str]) -> dict:
    return wc.main(["load", "--warm", *extra])


def row_cpu() -> list[str]:
    before = load(
        [
            "--sessions",
            "10",
            "--seconds",
            "60",
            "--ramp",
            "5",
            *[x for s in DEFAULTS for x in ("--set", s)],
        ]
    )
    after = load(["--sessions", "10", "--seconds", "60", "--ramp", "5"])
    return [
        f"| server CPU per Compare update (10 sessions, start point moved every 2-3 s) | "
        f"{before['steady_cpu_per_update']:.3f} CPU-s (Streamlit's runner defaults) -> "
        f"**{after['steady_cpu_per_update']:.3f} CPU-s**; "
        f"p50 {before['p50'] * 1e3:.0f} -> {after['p50'] * 1e3:.0f} ms | <= 0.05 CPU-s |"
    ]


def row_50() -> list[str]:
    r = load(["--sessions", "50", "--seconds", "60", "--ramp", "20"])
    return [
        "| one process, 50 sessions each changing a widget every 2-3 s | p50 "
        f"{r['p50'] * 1e3:.0f} ms, p95 **{r['p95'] * 1e3:.0f} ms**, "
        f"max {r['max'] * 1e3:.0f} ms; {r['updates']} updates, {r['errors']} errors; "
        f"{r['steady_cpu_per_update']:.3f} CPU-s/update; "
        f"RSS {r['rss'][0]:.0f} -> {r['rss'][1]:.0f} MB | p95 < 2 s, 0 errors |"
    ]


def row_150() -> list[str]:
    r = load(["--sessions", "150", "--seconds", "60", "--ramp", "10", "--timeout", "120"])
    return [
        f"| one process, 150 sessions arriving in 10 s (past saturation) | **{r['starved']} "
        f"starved**, {r['errors']} errors; "
        f"first page p50 {r['first_p50']:.1f} s / max {r['first_max']:.1f} s; update p50 "
        f"{r['p50']:.1f} s / p95 {r['p95']:.1f} s; "
        f"{r['updates']} updates | nobody starves |"
    ]


def row_flood() -> list[str]:
    out = []
    for label, sets in (
        ("fastReruns on (default)", ["--set", "runner.fastReruns=true"]),
        ("shipped", []),
    ):
        r = wc.main(
            [
                "flood",
                "--warm",
                "--sessions",
                "5",
                "--seconds",
                "30",
                "--ramp",
                "2",
                "--reruns",
                "500",
                *sets,
            ]
        )
        out.append(f"{label}: p95 {r['p95'] * 1e3:.0f} ms, max {r['max'] * 1e3:.0f} ms")
    return [
        f"| a client sends 500 full reruns; 5 other sessions' latency | {'; '.join(out)} | "
        "another session < 1 s |"
    ]


def row_export() -> list[str]:
    r = wc.main(
        [
            "export",
            "--warm",
            "--sessions",
            "10",
            "--requests",
            "150",
            "--label",
            "HTML (interactive)",
        ]
    )
    rss = r["rss"]
    return [
        "| export flood: 150 interactive-HTML requests from 10 sessions at once | "
        f"{r['served']} served, {r['refused']} refused (10 a minute "
        f"per session, 2 at once per process); RSS {rss[0]:.0f} MB -> peak **{rss[1]:.0f} "
        f"MB** -> {rss[3]:.0f} MB after | RSS bounded |"
    ]


def _deployment(run_dir: str, cache: str, warm: str, procs: int = 1):
    listen, base = wc.free_port(), wc.free_port()
    log = open(os.path.join(run_dir, "supervise.log"), "ab")
    p = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, "deploy", "supervise.py"),
            "--procs",
            str(procs),
            "--listen",
            f"127.0.0.1:{listen}",
            "--base-port",
            str(base),
            "--run-dir",
            run_dir,
            "--cache",
            cache,
            "--warm",
            warm,
            "--per-ip",
            "200",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return p, f"http://127.0.0.1:{listen}", base


def _status(run_dir: str) -> dict:
    try:
        with open(os.path.join(run_dir, "status.json")) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _wait_up(run_dir: str, timeout: float = 300) -> dict:
    t0 = time.time()
    while time.time() - t0 < timeout:
        st = _status(run_dir)
        if st.get("nginx") and st.get("healthy") and all(st["healthy"].values()):
            return st
        time.sleep(0.5)
    raise RuntimeError(f"deployment not up: {_status(run_dir)}")


def row_restart(names=()) -> list[str]:
    out = []
    for label, warm, empty, procs in (
        (
            "1 process; the restarted one loads the default preset before it listens",
            "first",
            False,
            1,
        ),
        ("1 process; the restarted one loads every preset before it listens", "all", False, 1),
        ("1 process, no warm-up, compile cache on disk", "none", False, 1),
        ("1 process, no warm-up, compile cache emptied at the kill", "none", True, 1),
        ("2 processes: the other one takes the sessions", "first", False, 2),
    ):
        if names and label.split(" ")[0] + "p" not in names:
            continue
        run_dir = tempfile.mkdtemp(prefix="optiscape-bench-")
        cache = os.path.join(run_dir, "jax-cache")
        sup, url, base = _deployment(run_dir, cache, warm, procs)
        try:
            st = _wait_up(run_dir)
            pid = int(st["pids"][str(base)])

            class A:
                sessions, timeout, kill = 20, 240.0, [pid]
                clear_cache = cache if empty else ""

            r = asyncio.run(wc.run_restart([url], wc.Servers([pid]), A))
            out.append(
                f"{label}: {r['back']}/{r['hit']} back, **{r['boxes']} error boxes**, kill -> "
                f"chart p50 {r['p50']:.1f} s / max {r['max']:.1f} s"
            )
        finally:
            sup.send_signal(signal.SIGTERM)
            sup.wait(60)
            shutil.rmtree(run_dir, ignore_errors=True)
    return [
        "| kill -9 of a process under the supervisor, 20 sessions on the presets reconnect "
        f"through nginx | {'; '.join(out)} | 0 error boxes |"
    ]


def row_deploy() -> list[str]:
    """100 sessions through nginx onto 2 processes (the deployment, on this machine's 2 cores)."""
    run_dir = tempfile.mkdtemp(prefix="optiscape-bench-")
    sup, url, _ = _deployment(run_dir, os.path.join(run_dir, "jax-cache"), "first", 2)
    try:
        st = _wait_up(run_dir)
        pids = [str(p) for p in st["pids"].values()]
        r = wc.main(
            [
                "load",
                "--warm",
                "--url",
                url,
                *[x for p in pids for x in ("--pid", p)],
                "--sessions",
                "100",
                "--seconds",
                "60",
                "--ramp",
                "20",
            ]
        )
    finally:
        sup.send_signal(signal.SIGTERM)
        sup.wait(60)
        shutil.rmtree(run_dir, ignore_errors=True)
    return [
        "| nginx + 2 processes (deploy/), 100 sessions each changing a widget every 2-3 s | "
        f"p50 {r['p50'] * 1e3:.0f} ms, "
        f"p95 **{r['p95'] * 1e3:.0f} ms**, max {r['max'] * 1e3:.0f} ms; {r['updates']} "
        f"updates, {r['errors']} errors, {r['starved']} starved; "
        f"{r['steady_cpu_per_update']:.3f} CPU-s/update | (students per process) |"
    ]


ROWS = {
    "cpu": row_cpu,
    "50": row_50,
    "150": row_150,
    "flood": row_flood,
    "export": row_export,
    "deploy": row_deploy,
    "restart": row_restart,
}


def main() -> None:
    sys.path.insert(0, os.path.join(ROOT, "deploy"))
    from supervise import load_env

    os.environ.update(
        load_env(os.path.join(ROOT, "deploy", "streamlit.env"))
    )  # the deployment's settings
    names = [n for n in sys.argv[1:] if n in ROWS] or list(ROWS)
    variants = [n for n in sys.argv[1:] if n not in ROWS]  # restart variants: 1p, 2p
    lines = []
    for n in names:
        print(f"\n== {n} (load average {os.getloadavg()[0]:.1f})", flush=True)
        lines += ROWS[n](variants) if n == "restart" else ROWS[n]()
    print(f"\nmeasured on {os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}")
    print("| measure | result | target |\n|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
