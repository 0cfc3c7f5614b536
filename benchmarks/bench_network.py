"""Network page benchmarks (server side, AppTest): the rerun of the default view when nothing
changed, and the redraw after each kind of change (a slider that trains again, a view switch, a
new architecture that compiles once). Prints a table (not a test).

Run: ``python benchmarks/bench_network.py``
"""

from __future__ import annotations

import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGE = os.path.join(ROOT, "app_pages/8_Neural_network.py")


def _timed(at, fn) -> float:
    t0 = time.perf_counter()
    fn(at).run()
    assert not at.exception, at.exception
    return time.perf_counter() - t0


def main() -> None:
    import network

    t0 = time.perf_counter()
    network.warm_up()  # what the server does before it listens (deploy/serve.py)
    rows0 = [("server start: network.warm_up() (default width, adam + sgd)",
              time.perf_counter() - t0, None)]  # fmt: skip
    at = AppTest.from_file(PAGE, default_timeout=900)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    reruns = [_timed(at, lambda a: a) for _ in range(7)]
    rows = [*rows0, ("first run of the page (after the warm-up)", first, 2.0)]
    rows.append(("server rerun, default view, nothing changed (median of 7)",
                 statistics.median(reruns), 0.25))  # fmt: skip
    changes = [
        ("learning rate 1 -> 0.02", lambda a: a.select_slider(key="mlp:lr0").set_value(0.02)),
        ("steps -> 1000", lambda a: a.select_slider(key="mlp:steps").set_value(1000)),
        ("seed -> 1", lambda a: a.number_input(key="mlp:seed").set_value(1)),
        ("label noise -> 0.3", lambda a: a.slider(key="mlp:noise").set_value(0.3)),
        ("residual on", lambda a: a.toggle(key="mlp:res").set_value(True)),
        ("init scale -> 0.5", lambda a: a.select_slider(key="mlp:scale").set_value(0.5)),
    ]
    views = ("landscape", "layers", "residual & LayerNorm", "ensembles", "averaging",
             "Muon (matrices)")  # fmt: skip
    for view in views:
        changes.append((f"view -> {view}", lambda a, v=view: a.radio(key="mlp:view").set_value(v)))
    changes.append(("view -> training", lambda a: a.radio(key="mlp:view").set_value("training")))
    for label, fn in changes:
        rows.append((f"change: {label}", _timed(at, fn), 2.0))
    rows.append(("change: depth -> 4 (first use of the depth: same executable)",
                 _timed(at, lambda a: a.slider(key="mlp:depth").set_value(4)), 2.0))  # fmt: skip
    rows.append(("change: depth -> 8 (first use of the depth: same executable)",
                 _timed(at, lambda a: a.slider(key="mlp:depth").set_value(8)), 2.0))  # fmt: skip
    rows.append(("change: width -> 32 (new width: compiles once per optimizer)",
                 _timed(at, lambda a: a.select_slider(key="mlp:width").set_value(32)),
                 None))  # fmt: skip
    rows.append(("change: optimizer 1 -> RMSprop (new optimizer: compiles once)",
                 _timed(at, lambda a: a.selectbox(key="mlp:opt0").set_value("rmsprop")),
                 None))  # fmt: skip
    print(f"{'benchmark (network page, server side)':68s} {'measured':>9s} {'target':>7s}")
    for label, s, target in rows:
        tgt = f"{target:g} s" if target else "-"
        print(f"{label:68s} {s:8.2f}s {tgt:>7s}")


if __name__ == "__main__":
    main()
