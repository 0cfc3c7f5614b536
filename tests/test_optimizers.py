import os

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
import landscapes
import optimizers
from engine import _core as _engine
from tests.conftest import as_union

OPTIMIZERS = optimizers.names()


def textbook_run(spec, scape, start, lr, hp, steps, lrs=None, momenta=None):
    """Execute the spec's numpy textbook code for ``steps`` steps (with the true gradient)."""
    grad = jax.jit(jax.grad(scape.f))
    hess = jax.jit(jax.hessian(scape.f))
    tr = optimizers.textbook_trace(
        spec,
        start=start,
        steps=steps,
        hparams=hp,
        lrs=np.full(steps, lr) if lrs is None else lrs,
        grad=lambda p, t: np.asarray(grad(jnp.asarray(p))),
        momenta=momenta,
        hessian=lambda p: np.asarray(hess(jnp.asarray(p))),
    )
    return tr.points


CASES = {
    # (surface, start, lr scale relative to the spec default)
    "rosenbrock": ((-1.2, 1.0), 0.02),
    "saddle": ((-1.5, 0.01), 0.2),
}
LR = {
    "sgd": 1e-3,
    "momentum": 5e-4,
    "nesterov": 5e-4,
    "nesterov_rewritten": 5e-4,
    "momentum_ema": 5e-3,
    "momentum_pytorch": 5e-4,
    "adagrad": 0.05,
    "adagrad_optax": 0.05,
    "rmsprop": 1e-3,
    "rmsprop_centered": 2e-4,
    "adam": 5e-3,
    "adam_nobias": 5e-3,
    "adamw": 5e-3,
    "adamax": 5e-3,
    "nadam": 5e-3,
    "amsgrad": 5e-3,
    "adadelta": 1.0,
    "lion": 2e-3,
    "sign_sgd": 2e-3,
    "newton": 0.5,
    # the optimizers of today (optimizers/_modern.py)
    "sam": 1e-3,
    "schedule_free_sgd": 1e-3,
    "schedule_free_adamw": 5e-3,
    "prodigy": 0.5,
    "adopt": 5e-3,
    "ademamix": 5e-3,
    "qhm": 5e-3,
    "radam": 5e-3,
    "lookahead": 1e-3,
}


@pytest.mark.parametrize("surface", sorted(CASES))
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_textbook_form_matches_engine(name, surface):
    spec = optimizers.get(name)
    scape = landscapes.get(surface)
    start, _ = CASES[surface]
    lr = LR[name]
    hp = spec.defaults()
    if "weight_decay" in hp:
        hp["weight_decay"] = 0.05
    traj = engine.run(scape, name, start=start, steps=200, lr=lr, hparams=hp)
    assert traj.diverged_at is None
    want = textbook_run(spec, scape, start, lr, hp, 200)
    assert np.abs(want[-1] - want[0]).max() > 1e-3  # the run really moved
    np.testing.assert_allclose(traj.points, want, rtol=1e-5, atol=1e-9)


def _rate(points, lo, hi):
    n = np.linalg.norm(points, axis=1)
    return (n[hi] / n[lo]) ** (1.0 / (hi - lo))


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_gradient_descent_rate_on_quadratic(kappa):
    scape = landscapes.get("quadratic", kappa=kappa, angle=0.0)
    alpha = 2.0 / (1.0 + kappa)
    tr = engine.run(scape, "sgd", start=(1.0, 1.0), steps=400, lr=alpha)
    predicted = (kappa - 1) / (kappa + 1)
    assert _rate(tr.points, 200, 400) == pytest.approx(predicted, rel=0.01)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_heavy_ball_rate_on_quadratic(kappa):
    scape = landscapes.get("quadratic", kappa=kappa, angle=30.0)
    sk = np.sqrt(kappa)
    alpha = (2.0 / (1.0 + sk)) ** 2
    beta = ((sk - 1) / (sk + 1)) ** 2
    tr = engine.run(
        scape, "momentum", start=(1.0, 1.0), steps=400, lr=alpha, hparams={"momentum": beta}
    )
    predicted = (sk - 1) / (sk + 1)
    assert _rate(tr.points, 200, 400) == pytest.approx(predicted, rel=0.01)


def test_adam_first_step_has_size_lr_per_coordinate():
    scape = landscapes.get("rosenbrock")
    for lr in (0.1, 0.003):
        tr = engine.run(scape, "adam", start=(-1.2, 1.0), steps=3, lr=lr)
        np.testing.assert_allclose(np.abs(tr.updates[0]), [lr, lr], rtol=1e-6)
    nb = engine.run(scape, "adam_nobias", start=(-1.2, 1.0), steps=3, lr=0.1)
    assert np.abs(nb.updates[0]).min() > 2.5 * 0.1  # (1-b1)/sqrt(1-b2) ~ 3.16


def test_divergence_freezes_the_path():
    tr = engine.run(landscapes.get("rosenbrock"), "sgd", steps=100, lr=1e3)
    assert tr.diverged_at is not None and 1 <= tr.diverged_at <= 100
    for arr in (
        tr.points,
        tr.losses,
        tr.grads,
        tr.updates,
        tr.velocity,
        tr.mhat,
        tr.eff_lr,
        tr.lookahead,
    ):
        assert np.isfinite(arr).all()
    frozen = tr.points[tr.diverged_at - 1 :]
    assert (frozen == frozen[0]).all()


def test_no_recompilation_when_only_traced_values_change():
    # start from no compiled executables: what other tests in this process ran must not matter
    _engine._compiled.cache_clear()
    _engine._executable.cache_clear()
    scape = landscapes.get("quadratic", kappa=5.0)
    engine.run(scape, "adam", steps=100, lr=0.1)
    before = _engine.TRACE_COUNT
    engine.run(
        scape,
        "adam",
        steps=100,
        lr=0.05,
        hparams={"b1": 0.5, "b2": 0.9, "eps": 1e-3},
        start=(1.0, -2.0),
    )
    engine.run(
        scape,
        "adam",
        steps=120,
        lr=0.02,
        noise_std=0.3,
        seed=4,
        clip_norm=1.0,
        clip_value=0.5,
        warmup_steps=5,
    )
    engine.run(landscapes.get("quadratic", kappa=50.0, angle=20.0), "adam", steps=90, lr=0.3)
    assert _engine.TRACE_COUNT == before
    engine.run(
        scape, "adam", steps=100, lr=0.1, schedule="cosine", schedule_args={"decay_steps": 50}
    )
    after_new_schedule = _engine.TRACE_COUNT
    assert after_new_schedule == before + 1  # a new schedule *kind* compiles once ...
    engine.run(
        scape,
        "adam",
        steps=100,
        lr=0.1,
        schedule="cosine",
        schedule_args={"decay_steps": 80, "alpha": 0.1},
    )
    assert _engine.TRACE_COUNT == after_new_schedule  # ... its arguments never do
    engine.run(scape, "adam", steps=100, lr=0.1, momentum_warmup=20)
    with_ramp = _engine.TRACE_COUNT
    assert with_ramp == after_new_schedule + 1  # switching the momentum ramp on compiles once ...
    engine.run(scape, "adam", steps=100, lr=0.1, momentum_warmup=50, hparams={"b1": 0.95})
    assert _engine.TRACE_COUNT == with_ramp  # ... its length and target never do


def test_clip_gradient_equals_optax_clipping():
    chain = optax.chain(optax.clip(0.7), optax.clip_by_global_norm(1.3))
    for g in (jnp.array([3.0, -0.2]), jnp.array([0.1, 0.2]), jnp.array([-5.0, 5.0]), jnp.zeros(2)):
        want, _ = chain.update(g, chain.init(g))
        np.testing.assert_allclose(_engine.clip_gradient(g, 0.7, 1.3), want, rtol=1e-12)
        np.testing.assert_array_equal(_engine.clip_gradient(g, jnp.inf, jnp.inf), g)


def test_sweep_matches_single_runs_and_fast_adam_matches_optax():
    scape = landscapes.get("rosenbrock")
    lrs = np.array([1e-3, 1e-2, 5e-2])
    b1s = np.array([0.5, 0.9, 0.95])
    res = engine.sweep(scape, "adam", lr=lrs, hparams={"b1": b1s}, steps=150, return_paths=True)
    slow = engine.sweep(scape, "adam", lr=lrs, hparams={"b1": b1s}, steps=150, fast=False)
    for i in range(3):
        tr = engine.run(scape, "adam", lr=float(lrs[i]), hparams={"b1": float(b1s[i])}, steps=150)
        np.testing.assert_allclose(res.paths[i], tr.points, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(res.losses[i], tr.losses, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.final_points, slow.final_points, rtol=1e-10)


def test_split_sweep_equals_one_device_sweep():
    """A sweep large enough to be split across the host's devices (padded to a multiple of them)
    gives exactly what one device gives, paths, losses and divergence steps included."""
    scape = landscapes.get("beale")
    rng = np.random.default_rng(3)
    n = _engine.MIN_SPLIT + 1  # odd: padding is exercised when there are 2+ devices
    kw = dict(
        starts=rng.uniform(-4, 4, (n, 2)),
        lr=10 ** rng.uniform(-4, 0, n),
        hparams={"momentum": rng.uniform(0, 0.99, n)},
        steps=60,
        noise_std=0.1,
        seeds=np.arange(n),
        return_paths=True,
    )
    one = engine.sweep(scape, "momentum", parallel=False, **kw)
    split = engine.sweep(scape, "momentum", parallel=True, **kw)
    assert split.final_points.shape == (n, 2) and split.paths.shape == (n, 61, 2)
    if (os.cpu_count() or 1) > 1:  # landscapes exposes the cores as host devices
        assert len(jax.devices("cpu")) > 1
    if len(jax.devices()) > 1:  # and the batch really is spread over them
        parts = _engine._split((np.zeros((n, 2)),), n)[0]
        assert (
            len(parts.sharding.device_set) == len(jax.devices())
            and parts.shape[0] % len(jax.devices()) == 0
        )
    assert (one.diverged_at >= 0).any() and (one.diverged_at < 0).any()
    for a, b in zip(
        (one.final_points, one.final_losses, one.diverged_at, one.paths, one.losses),
        (split.final_points, split.final_losses, split.diverged_at, split.paths, split.losses),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_running_product_adam_equals_optax_adam():
    g = jnp.array([0.3, -2.0])
    for b1, b2 in ((0.9, 0.999), (0.5, 0.9)):
        b1, b2 = jnp.float64(b1), jnp.float64(b2)
        a, b = (
            optax.scale_by_adam(b1, b2, 1e-8),
            optimizers.scale_by_adam_running_product(b1, b2, 1e-8),
        )
        sa, sb = a.init(g), b.init(g)
        for k in range(50):
            gk = g * (1 + 0.1 * k) * (-1) ** k
            with jax.numpy_dtype_promotion("standard"):  # optax: float ** int32 count
                ua, sa = a.update(gk, sa)
            ub, sb = b.update(gk, sb)
            np.testing.assert_allclose(ua, ub, rtol=1e-12)


def test_sweep_over_starts():
    scape = landscapes.get("himmelblau")
    starts = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    res = engine.sweep(scape, "sgd", starts=starts, lr=0.01, steps=500)
    mins = np.array([m.xy for m in scape.minima])
    d = np.linalg.norm(res.final_points[:, None, :] - mins[None], axis=-1).min(axis=1)
    assert (d < 1e-4).all()
    assert len({tuple(np.round(p, 2)) for p in res.final_points}) == 4


@pytest.mark.parametrize("name", optimizers.schedule_names())
def test_schedules_match_optax_or_formula(name):
    t = np.arange(0, 600)
    spec = optimizers.get_schedule(name)
    a = spec.defaults()
    ours = optimizers.lr_curve(name, a, 600)
    with jax.numpy_dtype_promotion(
        "standard"
    ):  # optax's schedules mix int steps with float arguments
        ref = _reference(name, a, t)
    np.testing.assert_allclose(ours, np.asarray(ref), rtol=1e-6, atol=1e-9)


def _reference(name, a, t):
    return {
        "constant": lambda: np.ones_like(t, dtype=float),
        "step": lambda: optax.exponential_decay(
            1.0, int(a["step_size"]), a["gamma"], staircase=True
        )(t),
        "exponential": lambda: optax.exponential_decay(
            1.0, int(a["transition_steps"]), a["decay_rate"]
        )(t),
        "natural_exp": lambda: np.exp(-a["k"] * t),
        "inverse_time": lambda: 1.0 / (1.0 + a["k"] * t),
        "linear": lambda: optax.linear_schedule(1.0, a["end_factor"], int(a["transition_steps"]))(
            t
        ),
        "polynomial": lambda: optax.polynomial_schedule(
            1.0, a["end_factor"], a["power"], int(a["transition_steps"])
        )(t),
        "cosine": lambda: optax.cosine_decay_schedule(1.0, int(a["decay_steps"]), a["alpha"])(t),
        "warmup_cosine": lambda: optax.warmup_cosine_decay_schedule(
            0.0, 1.0, int(a["warmup_steps"]), int(a["decay_steps"]), a["alpha"]
        )(t),
        "cyclic": lambda: (
            1
            + (a["max_factor"] - 1)
            * np.maximum(
                0, 1 - np.abs(t / a["half_cycle"] - 2 * np.floor(1 + t / (2 * a["half_cycle"])) + 1)
            )
        ),
        "onecycle": lambda: [
            float(
                optax.cosine_onecycle_schedule(
                    int(a["transition_steps"]),
                    1.0,
                    a["pct_start"],
                    a["div_factor"],
                    a["final_div_factor"],
                )(s)
            )
            for s in t
        ],
        "sgdr": lambda: _sgdr_ref(t, a["period"], a["t_mult"], a["alpha"]),
    }[name]()


def _sgdr_ref(t, t0, mult, alpha):
    out, start, length = [], 0, t0
    for s in t:
        while s >= start + length:
            start, length = start + length, length * mult
        out.append(alpha + (1 - alpha) * 0.5 * (1 + np.cos(np.pi * (s - start) / length)))
    return np.array(out)


def test_warmup_and_momentum_schedule():
    lrs = optimizers.lr_curve("constant", {}, 20, lr=0.1, warmup_steps=10)
    np.testing.assert_allclose(lrs[:10], 0.1 * np.arange(1, 11) / 10)
    assert (lrs[10:] == 0.1).all()
    scape = landscapes.get("quadratic")
    a = engine.run(
        scape, "momentum", steps=50, lr=0.01, hparams={"momentum": 0.99}, momentum_warmup=40
    )
    b = engine.run(scape, "momentum", steps=50, lr=0.01, hparams={"momentum": 0.99})
    assert not np.allclose(a.points, b.points)


def test_clipping_bounds_each_step():
    scape = landscapes.get("cliff", height=20.0, steep=30.0)
    tr = engine.run(scape, "sgd", start=(-3.0, 1.0), steps=200, lr=0.3, clip_norm=1.0)
    assert np.linalg.norm(tr.updates, axis=1).max() <= 0.3 + 1e-9
    free = engine.run(scape, "sgd", start=(-3.0, 1.0), steps=200, lr=0.3)
    assert np.linalg.norm(free.updates, axis=1).max() > 5.0


def test_noise_is_seeded_and_scales():
    scape = landscapes.get("quadratic")
    a = engine.run(scape, "sgd", steps=50, lr=0.05, noise_std=0.5, seed=1)
    b = engine.run(scape, "sgd", steps=50, lr=0.05, noise_std=0.5, seed=1)
    c = engine.run(scape, "sgd", steps=50, lr=0.05, noise_std=0.5, seed=2)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points)


def test_trajectory_views_for_the_playground():
    scape = landscapes.get("saddle")
    tr = engine.run(scape, "nesterov", steps=30, lr=0.05, hparams={"momentum": 0.9})
    np.testing.assert_allclose(
        tr.velocity[1:], np.diff(tr.points, axis=0), atol=1e-12
    )  # the notes' Nesterov: x_{t+1} = x_t + v_{t+1}
    np.testing.assert_allclose(tr.lookahead, tr.points + 0.9 * tr.velocity, atol=1e-12)
    hb = engine.run(scape, "momentum", steps=30, lr=0.05)
    np.testing.assert_allclose(
        hb.velocity[1:], np.diff(hb.points, axis=0), atol=1e-12
    )  # x_{t+1} = x_t + v_{t+1}
    ad = engine.run(scape, "adam", steps=30, lr=0.05)
    assert np.abs(ad.mhat[1:]).sum() > 0 and np.isfinite(ad.eff_lr).all()
    assert tr.grads.shape == (31, 2) and tr.lrs.shape == (30,)


# --- properties over every optimizer x surface x hyperparameter range --------------------------


@pytest.mark.parametrize("name", OPTIMIZERS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_every_surface_and_hyperparameter_gives_finite_arrays(name, data):
    spec = optimizers.get(name)
    surface = data.draw(st.sampled_from(landscapes.names()))
    scape = landscapes.get(surface)
    lr = data.draw(st.floats(1e-8, 1e3, allow_nan=False).map(float))
    hp = {k: data.draw(st.floats(h.low, h.high)) for k, h in spec.hyperparams.items()}
    if "eps" in hp and data.draw(st.booleans()):
        hp["eps"] = 0.0
    if "b2" in hp and data.draw(st.booleans()):
        hp["b2"] = 1.0
    (x0, x1), (y0, y1) = scape.bounds
    start = (data.draw(st.floats(x0, x1)), data.draw(st.floats(y0, y1)))
    tr = engine.run(
        as_union(scape),
        name,
        start=start,
        steps=60,
        lr=lr,
        hparams=hp,
        noise_std=data.draw(st.sampled_from([0.0, 1.0])),
    )
    for arr in (
        tr.points,
        tr.losses,
        tr.grads,
        tr.lrs,
        tr.updates,
        tr.velocity,
        tr.mhat,
        tr.eff_lr,
        tr.lookahead,
    ):
        assert np.isfinite(arr).all()
    if tr.diverged_at is not None:
        assert (tr.points[tr.diverged_at - 1 :] == tr.points[tr.diverged_at - 1]).all()
    np.testing.assert_allclose(tr.losses[0], scape.value(start), rtol=1e-9, atol=1e-12)
