"""Engine benchmark: timings and ratios against the previous engine in the same run (not a test).

The previous engine (``engine_before.py``, the engine before the chunked loop) runs interleaved
with today's: each repetition times every variant once, and the table shows medians, so both
see the same load (this CPU's 2 cores are shared; the load average is printed).

1. One 1,000-step Adam trajectory on Rosenbrock with full recording.  Target: <= 0.3 ms, >= 30x
numpy.
2. A sweep of 10,000 (lr, beta1) configurations x 500 steps, final points only.  Target: <= 25 ms,
   <= 1.2x a hand-written ``jit(vmap(scan))`` Adam loop.
3. The Basins page (100 x 100 starts, 300 steps) and the Hyperparameter-search page (budget 100
   and 2,500, 200 steps): engine time <= 0.4x the previous engine's.
4. Compile cost of each executable (first call after clearing JAX's caches).

Sweeps are also timed with today's engine running all runs in one ``vmap`` ("no blocks": before
the blocks of ``engine._core.BLOCK`` runs).

Both engines run under ``jaxsetup``'s XLA settings, which raise XLA:CPU's small-while-loop limit
(the previous engine gains from it too). ``--xla-default`` instead times the same cases in two
worker processes, one with XLA's default limit (1 kB, the setting before that change) and one with
the app's, asked in turn so that both see the same load: today's engine as served against both
engines under XLA's default.

Run: ``python benchmarks/bench_engine.py [repeats]`` or
``python benchmarks/bench_engine.py --xla-default [rounds]``
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import engine  # noqa: E402
import jaxsetup  # noqa: E402
import landscapes  # noqa: E402
from engine import _core as _engine  # noqa: E402
from lessons import _analysis  # noqa: E402
from tests.engine_reference import engine_before  # noqa: E402

BEFORE = engine_before()


def interleaved(variants: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each variant, every repetition timing each variant once (after one warm
    call)."""
    for fn in variants.values():
        fn()
    times = {k: [] for k in variants}
    for _ in range(repeat):
        for k, fn in variants.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def rosen_grad_np(x, y):
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def numpy_adam(start, lr, b1, steps, b2=0.999, eps=1e-8):
    p = np.array(start, dtype=float).reshape(2, -1) * np.ones_like(np.atleast_1d(lr))
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        g = rosen_grad_np(p[0], p[1])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


@jax.jit
def hand_vmap_adam(lrs, b1s):
    """The floor for the sweep: a bare ``vmap`` of a ``lax.scan`` Adam loop on Rosenbrock, 500 steps
    (equal to the engine to 4e-15 where the runs are not chaotic, lr < 3e-3)."""

    def one(lr, b1):
        def body(c, _):
            p, m, v, b1t, b2t = c  # running products for the bias corrections (no power per step)
            b1t, b2t = b1t * b1, b2t * 0.999
            x, y = p[0], p[1]
            g = jnp.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
            m = b1 * m + (1 - b1) * g
            v = 0.999 * v + 0.001 * g * g
            p = p - lr * (m / (1 - b1t)) / (jnp.sqrt(v / (1 - b2t)) + 1e-8)
            return (p, m, v, b1t, b2t), None

        p0 = jnp.array([-1.5, 2.0])
        c0 = (p0, jnp.zeros(2), jnp.zeros(2), jnp.ones(()), jnp.ones(()))
        return jax.lax.scan(body, c0, None, length=500)[0][0]

    return jax.vmap(one)(lrs, b1s)


def with_engine(module, fn):
    """Run ``fn`` with ``lessons._analysis`` calling ``module``'s sweep."""

    def call():
        saved = _analysis._engine
        _analysis._engine = module
        try:
            return fn()
        finally:
            _analysis._engine = saved

    return call


def one_vmap(fn):
    """Run ``fn`` with today's engine running a sweep's runs in one ``vmap`` (no blocks)."""

    def call():
        saved = _engine.BLOCK
        _engine.BLOCK = 10**9
        try:
            return fn()
        finally:
            _engine.BLOCK = saved

    return call


def compile_cost(fn) -> float:
    jax.clear_caches()
    _engine._compiled.cache_clear()
    _engine._executable.cache_clear()
    _engine._SWEEPS.clear()
    BEFORE._compiled.cache_clear()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(repeat: int = 21):
    load0 = os.getloadavg()
    scape = landscapes.get("rosenbrock")
    start = (-1.5, 2.0)
    rows = []

    # 1. one trajectory
    traj = {
        "now": lambda: engine.run(scape, "adam", start=start, steps=1000, lr=0.01),
        "before": lambda: BEFORE.run(scape, "adam", start=start, steps=1000, lr=0.01),
    }
    t = interleaved(traj, repeat * 5)
    t_np = interleaved({"np": lambda: numpy_adam(start, 0.01, 0.9, 1000)}, 3)["np"]
    rows.append(
        (
            "1 Adam trajectory, 1,000 steps, full recording",
            t["now"],
            t["before"],
            f"{t_np / t['now']:.0f}x numpy ({t_np * 1e3:.1f} ms)",
            "<= 0.3 ms, >= 30x numpy",
        )
    )

    # 2. the 10k x 500 sweep
    rng = np.random.default_rng(0)
    n = 10_000
    lrs = 10 ** rng.uniform(-4, -1, n)
    b1s = rng.uniform(0.5, 0.99, n)
    kw = dict(starts=start, lr=lrs, hparams={"b1": b1s}, steps=500)
    sw = {
        "now": lambda: engine.sweep(scape, "adam", **kw),
        "before": lambda: BEFORE.sweep(scape, "adam", **kw),
        "hand": lambda: np.asarray(hand_vmap_adam(lrs, b1s)),
        "one vmap": one_vmap(lambda: engine.sweep(scape, "adam", **kw)),
    }
    t = interleaved(sw, max(repeat // 2, 3))
    rows.append(
        (
            "sweep 10,000 (lr, beta1) x 500 steps, final points",
            t["now"],
            t["before"],
            f"{t['now'] / t['hand']:.2f}x hand vmap ({t['hand'] * 1e3:.1f} ms), "
            f"{t['now'] / t['one vmap']:.2f}x no blocks",
            "<= 25 ms, <= 1.2x hand vmap",
        )
    )

    # 3. the Basins and Hyperparameter-search pages' engine calls
    him = landscapes.get("himmelblau")
    ax, ay = (
        _analysis.Axis("lr", 1e-6, 10**-0.5, log=True),
        _analysis.Axis("b1", 0.5, 0.999, log=False),
    )
    cases = {
        "Basins 100 x 100 starts x 300 steps (momentum)": lambda: _analysis.basins(
            him, "momentum", n=100, steps=300, lr=0.01
        )
    }
    for budget in (100, 2500):
        cases[f"Hyperparameter search, budget {budget} x 200 steps (adam)"] = lambda b=budget: (
            _analysis.search(scape, "adam", ax, ay, budget=b, steps=200, start=start)
        )
    for name, fn in cases.items():
        t = interleaved(
            {
                "now": with_engine(_engine, fn),
                "before": with_engine(BEFORE, fn),
                "one vmap": one_vmap(with_engine(_engine, fn)),
            },
            max(repeat // 2, 3),
        )
        rows.append(
            (
                name,
                t["now"],
                t["before"],
                f"{t['now'] / t['one vmap']:.2f}x no blocks",
                "<= 0.4x before",
            )
        )

    print(f"XLA_FLAGS: {os.environ.get('XLA_FLAGS', '')}")
    print(
        f"load average at start {load0[0]:.1f} / {load0[1]:.1f}, at end "
        f"{os.getloadavg()[0]:.1f} (2 cores); "
        f"medians of interleaved runs"
    )
    print(
        f"{'benchmark':56s} {'now':>10s} {'before':>10s} {'now/before':>10s}  {'other':30s} target"
    )
    for name, now, before, other, target in rows:
        print(
            f"{name:56s} {now * 1e3:8.3f}ms {before * 1e3:8.2f}ms {now / before:9.2f}x  "
            f"{other:30s} {target}"
        )

    # 4. compile costs (each measured once: a first call after clearing the caches)
    q = landscapes.get("quadratic", kappa=5.0)
    costs = [
        (
            "run, steps 1..2,048 (one buffer)",
            lambda: engine.run(q, "adam", steps=150),
            lambda: BEFORE.run(q, "adam", steps=150),
            "before: one per bucket, 7 buckets in 10..2,000",
        ),
        (
            "run, steps 2,049..10,000",
            lambda: engine.run(q, "adam", steps=5000),
            lambda: BEFORE.run(q, "adam", steps=5000),
            "",
        ),
        (
            "sweep, final points, any steps (per run count)",
            lambda: engine.sweep(q, "adam", lr=np.ones(100) * 0.01, steps=300),
            lambda: BEFORE.sweep(q, "adam", lr=np.ones(100) * 0.01, steps=300),
            "before: one per bucket",
        ),
        (
            "sweep with paths, steps 1..2,048",
            lambda: engine.sweep(q, "adam", lr=np.ones(8) * 0.01, steps=150, return_paths=True),
            lambda: BEFORE.sweep(q, "adam", lr=np.ones(8) * 0.01, steps=150, return_paths=True),
            "",
        ),
    ]
    print(f"\n{'compile cost (first call, no disk cache)':56s} {'now':>10s} {'before':>10s}")
    for name, now, before, note in costs:
        print(f"{name:56s} {compile_cost(now):9.2f}s {compile_cost(before):9.2f}s  {note}")


XLA_DEFAULT = "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=1024"


def _cases() -> dict:
    """The timed cases (name -> (function, calls per request)), built in a worker process."""
    scape, him = landscapes.get("rosenbrock"), landscapes.get("himmelblau")
    rng = np.random.default_rng(0)
    lrs, b1s = 10 ** rng.uniform(-4, -1, 10_000), rng.uniform(0.5, 0.99, 10_000)
    ax = _analysis.Axis("lr", 1e-6, 10**-0.5, log=True)
    ay = _analysis.Axis("b1", 0.5, 0.999, log=False)

    def search(budget):
        return lambda: _analysis.search(
            scape, "adam", ax, ay, budget=budget, steps=200, start=(-1.5, 2.0)
        )

    out = {}
    for tag, mod in (("", engine), (" (before)", BEFORE)):
        out["1,000-step Adam trajectory" + tag] = (
            lambda m=mod: m.run(scape, "adam", start=(-1.5, 2.0), steps=1000, lr=0.01),
            40,
        )
        out["sweep 10,000 x 500" + tag] = (
            lambda m=mod: m.sweep(
                scape, "adam", starts=(-1.5, 2.0), lr=lrs, hparams={"b1": b1s}, steps=500
            ),
            1,
        )
        out["Basins 100 x 100 x 300" + tag] = (
            with_engine(
                mod if mod is not engine else _engine,
                lambda: _analysis.basins(him, "momentum", n=100, steps=300, lr=0.01),
            ),
            1,
        )
        for budget, calls in ((100, 20), (2500, 5)):
            out[f"search, budget {budget} x 200" + tag] = (
                with_engine(mod if mod is not engine else _engine, search(budget)),
                calls,
            )
    out["hand-written vmap 10,000 x 500"] = (lambda: np.asarray(hand_vmap_adam(lrs, b1s)), 1)
    return out


def _worker(conn) -> None:
    if os.environ.get("OPTISCAPE_BENCH_BASELINE") == "1":  # as JAX ran when the issue was filed
        jaxsetup.jax_default_dispatch()
    cases, warm = _cases(), set()
    while (msg := conn.recv()) is not None:
        fn, calls = cases[msg]
        if msg not in warm:
            warm.add(msg)
            fn()
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        conn.send(times)


def xla_default(rounds: int = 5) -> None:
    """Each case in two processes, XLA's default small-while-loop limit and the app's, in turn."""
    ctx = multiprocessing.get_context("spawn")
    flags = os.environ.get("XLA_FLAGS", "")  # as jaxsetup set them in this process
    default = flags.replace(f"--xla_backend_extra_options={jaxsetup.SMALL_LOOPS}", XLA_DEFAULT)
    workers = {}
    for name, worker_flags in (("XLA default", default), ("app", flags)):
        os.environ["XLA_FLAGS"] = worker_flags  # read by the spawned process
        os.environ["OPTISCAPE_BENCH_BASELINE"] = "1" if worker_flags == default else "0"
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(there,))
        proc.start()
        workers[name] = (proc, here)
    os.environ["XLA_FLAGS"] = flags
    load0 = os.getloadavg()[0]
    print(f"{'case':44s} {'XLA default':>12s} {'app':>10s}   medians of {rounds} rounds")
    for case in _cases():
        times = {name: [] for name in workers}
        for _ in range(rounds):
            for name, (_, conn) in workers.items():
                conn.send(case)
                times[name] += conn.recv()
        a, b = (statistics.median(v) * 1e3 for v in times.values())
        print(f"{case:44s} {a:10.3f}ms {b:8.3f}ms")
    print(f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f} (2 cores)")
    for proc, conn in workers.values():
        conn.send(None)
        proc.join()


if __name__ == "__main__":
    if "--xla-default" in sys.argv:
        args = [a for a in sys.argv[1:] if a != "--xla-default"]
        xla_default(int(args[0]) if args else 5)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
