"""Network page benchmarks (server side, AppTest): the rerun of the default view when nothing
changed, the redraw after a change of every widget and view, a new depth and width, a new
optimizer with and without the warm-up, the ensembles view; the cost of the width padding. Prints
a table with the load average (not a test).

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


def _load() -> str:
    return open("/proc/loadavg").read().split()[0]


def _timed(at, fn) -> float:
    t0 = time.perf_counter()
    fn(at).run()
    assert not at.exception, at.exception
    return time.perf_counter() - t0


def padding_cost(rows) -> None:
    """A width-20 network trained padded to 32 units (the page) against the same network padded
    only to 20 (its own executable), alternately, median of 5."""
    import network
    from network import _mlp, views

    x, y, xv, yv = views.data(views.Config())
    for depth, steps in ((2, 500), (8, 2000)):
        t = {}
        for widths in ((20, 32, 64), (32, 64), (20, 32, 64), (32, 64)) * 3:
            _mlp.WIDTHS = widths
            _mlp.pad_index.cache_clear()  # (cached per network shape)
            t0 = time.perf_counter()
            network.train_mlp(x, y, xv, yv, arch=network.Arch(depth, 20), steps=steps, seed=1)
            t.setdefault(widths, []).append(time.perf_counter() - t0)
        own, padded = (statistics.median(t[w][1:]) for w in ((20, 32, 64), (32, 64)))
        note = f"{own:.2f} s -> {padded:.2f} s (x{padded / own:.2f})"
        rows.append((f"padding: width 20, depth {depth}, {steps} steps: own 20 -> padded 32",
                     padded, None, note))  # fmt: skip
    _mlp.WIDTHS = (32, 64)
    _mlp.pad_index.cache_clear()


def main() -> None:
    import network

    rows = []  # (label, seconds, target, note)
    t0 = time.perf_counter()
    network.warm_up(("adam", "sgd"))  # the page's defaults (a server warms every optimizer)
    rows.append(("warm-up: the defaults (Adam, SGD), cold", time.perf_counter() - t0, None, ""))
    at = AppTest.from_file(PAGE, default_timeout=900)
    t0 = time.perf_counter()
    at.run()
    rows.append(("first run of the page (after that warm-up)", time.perf_counter() - t0, 2.0, ""))
    reruns = [_timed(at, lambda a: a) for _ in range(7)]
    rows.append(("rerun, default view, nothing changed (median of 7)",
                 statistics.median(reruns), 0.25, ""))  # fmt: skip
    changes = [
        ("data set -> spirals", lambda a: a.selectbox(key="mlp:data").set_value("spirals")),
        ("label noise -> 0.3", lambda a: a.slider(key="mlp:noise").set_value(0.3)),
        ("standardize off", lambda a: a.toggle(key="mlp:std").set_value(False)),
        ("standardize on", lambda a: a.toggle(key="mlp:std").set_value(True)),
        ("seed -> 1", lambda a: a.number_input(key="mlp:seed").set_value(1)),
        ("depth -> 4 (first use)", lambda a: a.slider(key="mlp:depth").set_value(4)),
        ("depth -> 8 (first use)", lambda a: a.slider(key="mlp:depth").set_value(8)),
        ("depth -> 2", lambda a: a.slider(key="mlp:depth").set_value(2)),
        ("width -> 8 (first use, padded to 32)",
         lambda a: a.select_slider(key="mlp:width").set_value(8)),
        ("width -> 32 (first use, padded to 32)",
         lambda a: a.select_slider(key="mlp:width").set_value(32)),
        ("width -> 20", lambda a: a.select_slider(key="mlp:width").set_value(20)),
        ("activation -> relu", lambda a: a.selectbox(key="mlp:act").set_value("relu")),
        ("initialization -> he", lambda a: a.selectbox(key="mlp:init").set_value("he")),
        ("init scale -> 0.5", lambda a: a.select_slider(key="mlp:scale").set_value(0.5)),
        ("residual on", lambda a: a.toggle(key="mlp:res").set_value(True)),
        ("LayerNorm on", lambda a: a.toggle(key="mlp:ln").set_value(True)),
        ("batch -> 8 (first use, padded to 32)",
         lambda a: a.select_slider(key="mlp:batch").set_value(8)),
        ("steps -> 1000", lambda a: a.select_slider(key="mlp:steps").set_value(1000)),
        ("schedule -> cosine (first use)",
         lambda a: a.selectbox(key="mlp:sched").set_value("cosine")),
        ("learning rate 1 -> 0.02", lambda a: a.select_slider(key="mlp:lr0").set_value(0.02)),
        ("learning rate 2 -> 0.1", lambda a: a.select_slider(key="mlp:lr1").set_value(0.1)),
        ("train optimizer 2 off", lambda a: a.toggle(key="mlp:cmp").set_value(False)),
        ("train optimizer 2 on", lambda a: a.toggle(key="mlp:cmp").set_value(True)),
    ]  # fmt: skip
    views = ("landscape", "layers", "residual & LayerNorm", "ensembles", "averaging",
             "Muon (matrices)", "training")  # fmt: skip
    for view in views:
        changes.append((f"view -> {view}", lambda a, v=view: a.radio(key="mlp:view").set_value(v)))
    for label, fn in changes:
        rows.append((f"change: {label}", _timed(at, fn), 2.0, f"load {_load()}"))
    # back to the defaults' architecture, then the ensembles view alone (its 9 networks)
    for k, v in (("res", False), ("ln", False)):
        at.toggle(key=f"mlp:{k}").set_value(v).run()
    at.select_slider(key="mlp:steps").set_value(500).run()
    at.select_slider(key="mlp:batch").set_value(32).run()
    ens = [_timed(at, lambda a, s=s: a.number_input(key="mlp:seed").set_value(s)) for s in (2, 3)]
    t = [_timed(at, lambda a: a.radio(key="mlp:view").set_value("ensembles"))]
    for s in (4, 5):
        t.append(_timed(at, lambda a, s=s: a.number_input(key="mlp:seed").set_value(s)))
    rows.append(("ensembles view, new seed (trains 2 runs + 9 members) (median of 3)",
                 statistics.median(t), 2.0, f"training view, same change: "
                 f"{statistics.median(ens):.2f} s; load {_load()}"))  # fmt: skip
    at.radio(key="mlp:view").set_value("training").run()
    rows.append(("change: width -> 64 (new padded width: compiles Adam's and SGD's)",
                 _timed(at, lambda a: a.select_slider(key="mlp:width").set_value(64)), None,
                 f"load {_load()}"))  # fmt: skip
    at.select_slider(key="mlp:width").set_value(20).run()
    rows.append(("change: optimizer 1 -> RMSprop (not warmed: compiles)",
                 _timed(at, lambda a: a.selectbox(key="mlp:opt0").set_value("rmsprop")), None,
                 f"load {_load()}"))  # fmt: skip
    t0 = time.perf_counter()
    network.warm_up(["nadam"])
    warm = time.perf_counter() - t0
    rows.append(("change: optimizer 1 -> NAdam (warmed before)",
                 _timed(at, lambda a: a.selectbox(key="mlp:opt0").set_value("nadam")), 2.0,
                 f"its warm-up took {warm:.1f} s; load {_load()}"))  # fmt: skip
    _print(rows)
    rows = []
    padding_cost(rows)
    _print(rows)
    print("load average at the end:", open("/proc/loadavg").read().strip())


def _print(rows) -> None:
    print(f"{'benchmark (network page, server side)':72s} {'measured':>9s} {'target':>7s}  note")
    for label, s, target, note in rows:
        tgt = f"{target:g} s" if target else "-"
        print(f"{label:72s} {s:8.2f}s {tgt:>7s}  {note}", flush=True)


if __name__ == "__main__":
    main()
