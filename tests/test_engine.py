"""The chunked engine against the engine it replaced, and compilation counted over the steps range.

Equality: every output of ``run`` and ``sweep`` equals the previous engine's
(``benchmarks/engine_before.py``) to ``rtol=1e-9, atol=1e-12``. The two compute the same
operations in the same order; XLA may contract ``a*b + c`` into one FMA differently in the
two loop shapes, which moves the last bits, and a chaotic run could amplify that (to ~1e-11
after a few hundred steps), so the cases here are non-chaotic and the tolerance is 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest

import engine
import landscapes
import optimizers
from engine import _core as _engine
from tests.engine_reference import engine_before

RTOL, ATOL = 1e-9, 1e-12
FIELDS = (
    "points",
    "losses",
    "grads",
    "lrs",
    "updates",
    "velocity",
    "lookahead",
    "mhat",
    "eff_lr",
    "eval_points",
    "eval_grads",
)
SURFACES = ("rosenbrock", "saddle", "himmelblau", "quadratic", "beale", "six_hump_camel")
SCHEDULES = optimizers.schedule_names()
CASES = [
    (name, SURFACES[i % len(SURFACES)], SCHEDULES[i % len(SCHEDULES)])
    for i, name in enumerate(optimizers.names())
]


def _assert_same_trajectory(a, b):
    assert a.diverged_at == b.diverged_at
    for field in FIELDS:
        np.testing.assert_allclose(
            getattr(a, field), getattr(b, field), rtol=RTOL, atol=ATOL, err_msg=field
        )
    assert (a.momenta is None) == (b.momenta is None)
    if a.momenta is not None:
        np.testing.assert_allclose(a.momenta, b.momenta, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("name", "surface", "schedule"), CASES)
def test_run_equals_the_previous_engine(name, surface, schedule):
    """Every optimizer (each with another surface and schedule, noise, clipping and the momentum
    ramp on), at a step count that is not a multiple of the 16-step block."""
    scape = landscapes.get(surface)
    spec = optimizers.get(name)
    kw = dict(
        steps=173,
        lr=0.3 * spec.lr.default,
        schedule=schedule,
        noise_std=0.05,
        seed=3,
        clip_norm=5.0,
        clip_value=3.0,
        momentum_warmup=20 if spec.momentum_key else 0,
        warmup_steps=4,
    )
    _assert_same_trajectory(engine.run(scape, name, **kw), engine_before().run(scape, name, **kw))


def test_diverging_run_equals_the_previous_engine():
    scape = landscapes.get("rosenbrock")
    for name in ("sgd", "adam"):
        kw = dict(steps=300, lr=0.02 if name == "sgd" else 5.0, start=(-1.5, 2.0))
        a = engine.run(scape, name, **kw)
        if name == "sgd":
            assert a.diverged_at is not None
        _assert_same_trajectory(a, engine_before().run(scape, name, **kw))


@pytest.mark.parametrize("name", ["sgd", "nesterov", "adam", "lion", "newton"])
def test_sweep_equals_the_previous_engine(name):
    """Final points, divergence steps and paths of sweeps (some runs diverge), with and without
    noise and clipping (which a sweep leaves out of its loop when they are off). Learning rates
    up to 30x the default: at 100-200x (Adam, noisy, on Himmelblau) runs are chaotic, the previous
    engine itself moves by 2.4e-9 when the learning rate moves by 1e-14 (relative), and the two
    engines differ by 3.8e-9 there. Without warm-up and with the constant schedule a sweep's
    rate is a plain number (no step count); with warm-up it is not."""
    scape = landscapes.get("himmelblau")
    rng = np.random.default_rng(1)
    starts = rng.uniform(-4, 4, (24, 2))
    lr = np.geomspace(1e-4, 0.3, 24) * optimizers.get(name).lr.default / 0.01
    for steps, paths, extra in (
        (37, True, {}),
        (250, False, {}),
        (61, False, {"noise_std": 0.2, "clip_norm": 3.0}),
        (45, False, {"warmup_steps": 7.0}),  # the rate with a step count (warm-up)
    ):
        kw = dict(
            starts=starts, lr=lr, steps=steps, return_paths=paths, seeds=np.arange(24), **extra
        )
        a, b = engine.sweep(scape, name, **kw), engine_before().sweep(scape, name, **kw)
        np.testing.assert_array_equal(a.diverged_at, b.diverged_at)
        np.testing.assert_allclose(a.final_points, b.final_points, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(a.final_losses, b.final_losses, rtol=RTOL, atol=ATOL)
        if paths:
            np.testing.assert_allclose(a.paths, b.paths, rtol=RTOL, atol=ATOL)
            np.testing.assert_allclose(a.losses, b.losses, rtol=RTOL, atol=ATOL)


def test_a_sweeps_varying_hyperparameters_are_per_run_the_others_shared():
    """A hyperparameter given per run goes into the per-run matrix, one given once into the shared
    vector: results equal the previous engine's either way; new values never compile, another
    choice of which hyperparameters vary compiles once."""
    scape = landscapes.get("rosenbrock")
    lr = np.geomspace(1e-3, 0.05, 12)
    b1 = np.linspace(0.5, 0.95, 12)
    before_engine = engine_before()
    for hp in ({"b1": b1}, {"b1": b1, "b2": np.linspace(0.9, 0.999, 12)}, {"eps": 1e-6}):
        kw = dict(starts=(-1.5, 2.0), lr=lr, hparams=hp, steps=80)
        a, b = engine.sweep(scape, "adam", **kw), before_engine.sweep(scape, "adam", **kw)
        np.testing.assert_array_equal(a.diverged_at, b.diverged_at)
        np.testing.assert_allclose(a.final_points, b.final_points, rtol=RTOL, atol=ATOL)
    before = _engine.TRACE_COUNT
    engine.sweep(scape, "adam", starts=(-1.5, 2.0), lr=lr, hparams={"b1": b1[::-1], "b2": 0.99})
    engine.sweep(scape, "adam", starts=(-1.5, 2.0), lr=lr, hparams={"eps": 1e-4}, steps=30)
    assert _engine.TRACE_COUNT == before
    engine.sweep(scape, "adam", starts=(-1.5, 2.0), lr=lr, hparams={"b2": b1 + 0.04})
    assert _engine.TRACE_COUNT == before + 1


@pytest.mark.parametrize(("n", "parallel"), [(300, False), (1100, True)])
def test_a_sweep_in_blocks_equals_the_previous_engine(n, parallel):
    """A sweep of more than ``2 * BLOCK`` runs per device runs in equal blocks (the last run
    repeated to fill them), on one device or split across the host's: final points, losses and
    divergence steps equal the previous engine's one ``vmap`` (some runs diverge; the points of
    those are left out: a different vector width moves their last bits, which the divergence
    amplifies)."""
    scape = landscapes.get("himmelblau")
    rng = np.random.default_rng(2)
    starts = rng.uniform(-4, 4, (n, 2))
    kw = dict(starts=starts, lr=np.geomspace(1e-4, 0.3, n), steps=90)
    block, padded = _engine._blocks(n, _engine._shards(n, parallel), False)
    assert block and padded >= n and padded % block == 0
    a = engine.sweep(scape, "momentum", parallel=parallel, **kw)
    b = engine_before().sweep(scape, "momentum", parallel=False, **kw)
    assert (a.diverged_at >= 0).any() and (a.diverged_at < 0).any()
    np.testing.assert_array_equal(a.diverged_at, b.diverged_at)
    ok = a.diverged_at < 0  # a diverging run's last bits grow with its steps (4.7e-6 seen)
    np.testing.assert_allclose(a.final_points[ok], b.final_points[ok], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(a.final_losses[ok], b.final_losses[ok], rtol=RTOL, atol=ATOL)


def test_moving_the_steps_slider_anywhere_never_compiles():
    """The steps slider (10..2,000, step 10) after one run: no compilation for ``run`` or for
    ``sweep``; the decoder's whole range (1..10,000) uses two recording buffers and one sweep."""
    scape = landscapes.get("quadratic", kappa=4.0)
    engine.run(scape, "momentum", steps=10)
    engine.sweep(scape, "momentum", lr=np.array([0.01, 0.02]), steps=10)
    engine.sweep(scape, "momentum", lr=np.array([0.01, 0.02]), steps=10, return_paths=True)
    before = _engine.TRACE_COUNT
    for steps in range(10, 2001, 10):
        tr = engine.run(scape, "momentum", steps=steps, lr=0.01)
        assert tr.points.shape == (steps + 1, 2)
    for steps in (10, 150, 600, 1990, 2000):
        res = engine.sweep(scape, "momentum", lr=np.array([0.01, 0.02]), steps=steps)
        paths = engine.sweep(
            scape, "momentum", lr=np.array([0.01, 0.02]), steps=steps, return_paths=True
        )
        np.testing.assert_array_equal(paths.paths[:, -1], res.final_points)
    assert _engine.TRACE_COUNT == before
    for steps in (1, 2047, 2048, 2049, 5000, 9999, 10_000):
        engine.run(scape, "momentum", steps=steps, lr=0.01)
        engine.sweep(scape, "momentum", lr=np.array([0.01, 0.02]), steps=steps)
    assert _engine.TRACE_COUNT == before + 1  # the second recording buffer (2,049..10,000 steps)


def _compiled_text(call):
    """The optimized HLO of the executable that ``call`` runs (its last engine call)."""
    seen = {}
    real = _engine._executable

    def spy(*key):
        fn = real(*key)

        def call_and_keep(*args):
            seen["hlo"] = fn.lower(*args).compile().as_text()
            return fn(*args)

        return call_and_keep

    _engine._executable = spy
    _engine._compiled.cache_clear()  # (a run's executable is kept there after its first call,
    _engine._SWEEPS.clear()  # a sweep's here)
    try:
        call()
    finally:
        _engine._executable = real
    return seen["hlo"]


def test_the_engines_loops_compile_into_one_function_each():
    """``jaxsetup`` raises XLA:CPU's small-while-loop limit, so a run (all of it) and a sweep's
    loop over its blocks of runs (100 and 2,500 runs) are each compiled into one function (a call
    tagged ``xla_cpu_small_call``) instead of dispatching every kernel of every step."""
    import os

    import jaxsetup

    assert jaxsetup.SMALL_LOOPS in os.environ["XLA_FLAGS"]
    scape = landscapes.get("rosenbrock")
    for kw in ({}, {"noise_std": 0.1, "schedule": "cosine", "momentum_warmup": 50}):
        hlo = _compiled_text(lambda kw=kw: engine.run(scape, "adam", steps=1000, **kw))
        assert hlo.count("xla_cpu_small_call") >= 1
        # a run's set-up and write-up are inside that function too: a handful of kernels
        # outside it (XLA:CPU runs more than 8 concurrently, at a cost per kernel)
        entry = hlo[hlo.index("ENTRY") :].splitlines()[1:-1]
        free = ("parameter(", "constant(", " tuple(", "get-tuple-element(", "bitcast(")
        kernels = [line for line in entry if not any(f in line for f in free)]
        assert len(kernels) <= 8 and not any(" while(" in k for k in kernels), kernels
    assert _engine._blocks(100, 1, False)[0]  # (100 runs: in blocks too)
    for n in (100, 2500):  # blocks of at most BLOCK runs, the blocks' loop too
        hlo = _compiled_text(
            lambda n=n: engine.sweep(scape, "adam", lr=np.full(n, 0.01), steps=200)
        )
        entry = hlo[hlo.index("ENTRY") :]
        assert " while(" not in entry and "xla_cpu_small_call" in hlo  # no loop left outside


def test_step_counts_are_exact_and_steps_past_the_count_do_not_leak():
    """``run(steps=n)`` is the prefix of ``run(steps=m)`` for ``n < m`` (the loop's last block
    masks the steps past ``n``), in both buffers, and a sweep's final point is the run's."""
    scape = landscapes.get("rosenbrock")
    long = engine.run(scape, "adam", steps=2600, lr=0.01)
    for n in (1, 15, 16, 17, 333, 2048, 2049, 2600):
        tr = engine.run(scape, "adam", steps=n, lr=0.01)
        np.testing.assert_allclose(tr.points, long.points[: n + 1], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(tr.lrs, long.lrs[:n], rtol=RTOL, atol=ATOL)
        res = engine.sweep(scape, "adam", lr=0.01, steps=n, fast=False)
        np.testing.assert_allclose(res.final_points[0], tr.points[-1], rtol=RTOL, atol=ATOL)


def test_warm_up_compiles_what_a_first_visit_needs():
    spent = engine.warm_up(["booth"], ["rmsprop"], sweep_runs=(5,))
    assert set(spent) == {"booth/rmsprop/run", "booth/rmsprop/sweep5"}
    assert all(t >= 0 for t in spent.values())
    before = _engine.TRACE_COUNT
    scape = landscapes.get("booth")
    engine.run(scape, "rmsprop", steps=730, lr=0.02, start=(1.0, 2.0))
    engine.sweep(scape, "rmsprop", starts=np.zeros((5, 2)), lr=0.02, steps=420)
    assert _engine.TRACE_COUNT == before


def test_switching_between_schedules_never_compiles():
    """Every schedule but the constant one runs in one executable (its index and arguments are
    traced): choosing another schedule or moving its sliders compiles nothing, in a run and in a
    sweep, and the rates are each schedule's own."""
    scape = landscapes.get("booth")
    engine.run(scape, "rmsprop", steps=90, lr=0.02, schedule="step")
    engine.sweep(scape, "rmsprop", lr=np.array([0.01, 0.02]), steps=90, schedule="step")
    before = _engine.TRACE_COUNT
    for name in SCHEDULES[1:]:
        spec = optimizers.get_schedule(name)
        args = {k: h.low + 0.7 * (h.high - h.low) for k, h in spec.args.items()}
        traj = engine.run(scape, "rmsprop", steps=90, lr=0.02, schedule=name, schedule_args=args,
                          warmup_steps=3)  # fmt: skip
        want = optimizers.lr_curve(name, args, 90, lr=0.02, warmup_steps=3)
        np.testing.assert_allclose(traj.lrs, want, rtol=1e-12, atol=1e-15, err_msg=name)
        engine.sweep(scape, "rmsprop", lr=np.array([0.01, 0.02]), steps=90, schedule=name,
                     schedule_args=args)  # fmt: skip
    assert _engine.TRACE_COUNT == before


def test_inputs_and_static_are_the_engines_signature():
    """One pytree of traced inputs and one hashable static configuration (equinox's split)."""
    assert _engine.Inputs._fields == (
        "start",
        "lr",
        "hparams",
        "schedule_args",
        "warmup",
        "momentum_warmup",
        "clip_norm",
        "clip_value",
        "noise_std",
        "seed",
        "surface_params",
        "n_steps",
        "center",
        "radius",
        "momentum_stages",
        "schedule_kind",
    )
    assert {k for k, v in _engine.BATCH_AXES._asdict().items() if v == 0} == {
        "start",
        "lr",
        "hparams",
        "seed",
    }
    cfg = _engine.Static("quadratic", "adam")
    assert hash(cfg) == hash(_engine.Static("quadratic", "adam"))
    with pytest.raises(AttributeError):
        cfg.optimizer = "sgd"


def _heavy_ball(scape, start, lr, momenta):
    """The notes' heavy ball in numpy, ``v = mu_t v - lr dx; x += v``, with each step's mu."""
    import jax

    grad = jax.grad(lambda xy: scape.family(xy, {k: float(v) for k, v in scape.values.items()}))
    x, v, out = np.asarray(start, float), np.zeros(2), []
    for mu in momenta:
        v = mu * v - lr * np.asarray(grad(x))
        x = x + v
        out.append(x)
    return np.array(out)


def test_staged_momentum_runs_in_the_engine_and_never_recompiles():
    """The notes' staged momentum (0.5, 0.9, 0.95, 0.99, an equal share of the steps each) read
    back per step from the engine, equal to a numpy heavy-ball loop with those mu (rtol 1e-12);
    changing the stage values or the step count reuses the executable."""
    from lessons import _course

    scape = landscapes.get("quadratic", kappa=4.0)
    start = (2.0, -1.5)
    engine.run(scape, "momentum", steps=10, lr=0.02, momentum_stages=_engine.NOTES_MOMENTA)
    before = _engine.TRACE_COUNT
    for steps, values in ((173, _engine.NOTES_MOMENTA), (40, (0.1, 0.3, 0.6, 0.8)), (7, None)):
        values = values or (0.2, 0.4, 0.6, 0.95)
        tr = engine.run(scape, "momentum", start=start, steps=steps, lr=0.02,
                        momentum_stages=values)  # fmt: skip
        want = _course.staged_momentum(steps, values)
        np.testing.assert_array_equal(tr.momenta, want)
        np.testing.assert_allclose(
            tr.points[1:], _heavy_ball(scape, start, 0.02, want), rtol=1e-12, atol=1e-14
        )
    res = engine.sweep(scape, "momentum", starts=start, lr=np.array([0.02, 0.01]), steps=173,
                       momentum_stages=_engine.NOTES_MOMENTA, fast=False)  # fmt: skip
    assert _engine.TRACE_COUNT == before + 1  # the sweep's own executable, once
    np.testing.assert_allclose(
        res.final_points[0],
        engine.run(
            scape,
            "momentum",
            start=start,
            steps=173,
            lr=0.02,
            momentum_stages=_engine.NOTES_MOMENTA,
        ).points[-1],
        rtol=1e-12,
    )
    assert _engine.TRACE_COUNT == before + 1
    with pytest.raises(ValueError, match="pick one"):
        engine.run(scape, "momentum", momentum_stages=(0.5, 0.9), momentum_warmup=10)


def test_the_momentum_schedule_is_a_scenario_choice_in_the_link():
    from scenarios import OptimizerConfig, Scenario

    scn = Scenario(surface="quadratic", optimizers=(OptimizerConfig.make("momentum", 0.02),),
                   steps=120, momentum_schedule="stages")  # fmt: skip
    assert scn.to_query()["msched"] == "stages"
    assert Scenario.from_query(scn.to_query()) == (scn, [])
    assert Scenario.from_json(scn.to_json()) == (scn, [])
    from lessons import _course

    np.testing.assert_array_equal(scn.run()[0].momenta, _course.staged_momentum(120))
    ramp = Scenario(momentum_warmup=50).run()[0].momenta  # "linear" is the default kind
    assert ramp[0] == 0.5 and ramp[-1] == 0.9
    off = Scenario(momentum_warmup=50, momentum_schedule="none").run()[0].momenta
    assert np.all(off == 0.9)
    bad, warn = Scenario.from_query({"msched": "sideways"})
    assert bad.momentum_schedule == "linear" and "momentum schedule" in warn[0]
    with pytest.raises(ValueError, match="momentum_schedule"):
        Scenario(momentum_schedule="sideways")


def test_shared_inputs_are_remembered_per_landscape_and_arguments():
    """``_shared`` returns the same inputs for the same arguments (remembered) and another
    surface's parameters for another landscape, even of the same family."""
    a, b = landscapes.get("quadratic", kappa=5.0), landscapes.get("quadratic", kappa=50.0)
    args = (40, "constant", None, None, None, 0.0, 0.0, 0.0, None)
    first = _engine._shared(a, *args)
    assert _engine._shared(a, *args) is first
    other = _engine._shared(b, *args)
    assert other.inputs.surface_params["kappa"] == 50.0 != first.inputs.surface_params["kappa"]
    assert _engine._shared(a, 41, *args[1:]).inputs.n_steps == 41
    with pytest.raises(ValueError, match="noise_std"):
        _engine._shared(a, 40, "constant", None, None, None, -1.0, 0.0, 0.0, None)
