"""One Optiscape server process, ready before it listens: imports, compile-cache warm-up, then
Streamlit.

``python deploy/serve.py --port 8601`` imports what the pages use (and what Plotly would import
lazily), installs the admission gate, runs the presets' scenarios once (``OPTISCAPE_WARM``: ``all``
presets, ``first`` = the default Compare preset only, ``none``) so their XLA executables are in
memory, loading them from the shared on-disk cache (``OPTISCAPE_JAX_CACHE``) when another process
compiled them already, and only then starts Streamlit on ``127.0.0.1:PORT``. Until then the port
refuses connections, so the proxy sends the traffic to the other processes. Streamlit options come
from ``.streamlit/config.toml`` and ``deploy/streamlit.env`` (exported by the supervisor / the
container), or extra ``--name value`` pairs.

``python deploy/serve.py --warm-only`` fills the on-disk cache and exits (the supervisor runs it
once before starting the processes, so they load instead of compiling in parallel).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def warm(which: str) -> float:
    """Runs the chosen presets' scenarios and surface grids once; returns the seconds it took."""
    t0 = time.perf_counter()
    if which == "none":
        return 0.0
    import scenarios
    import ui

    ui._server.prepare()
    ui._controls._enable_compile_cache()
    presets = scenarios.PRESETS if which == "all" else scenarios.PRESETS[:1]
    for p in presets:
        scn = p.scenario
        scn.run()
        scn.landscape().grid(100)
    if which == "all":  # the supervisor's cache fill: the network page's loops
        import network

        network.warm_up_all()
    return time.perf_counter() - t0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8501)
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument(
        "--warm",
        default=os.environ.get("OPTISCAPE_WARM", "first"),
        choices=["all", "first", "none"],
    )
    ap.add_argument("--warm-only", action="store_true", help="fill the compile cache and exit")
    a, extra = ap.parse_known_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, ROOT)
    dt = warm(a.warm)
    print(f"optiscape: warmed ({a.warm}) in {dt:.1f} s", flush=True)
    if a.warm_only:
        return
    # the network page's loops (niced thread), while this process serves; OPTISCAPE_WARM_NETWORK=0
    # leaves them to the first use (the deployment tests, which never open that page)
    if a.warm != "none" and os.environ.get("OPTISCAPE_WARM_NETWORK", "1") != "0":
        import network

        network.warm_up_background()
    from streamlit.web import cli

    sys.argv = [
        "streamlit",
        "run",
        os.path.join(ROOT, "app.py"),
        "--server.address",
        a.address,
        "--server.port",
        str(a.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]
    cli.main()


if __name__ == "__main__":
    main()
