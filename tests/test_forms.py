"""The course's update forms: the notes' Nesterov, AdaGrad and momentum against numpy references of
the notes' code, the framework variants, the shown code under every schedule, and the errata."""

import glob
import os
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import engine
import landscapes
import lessons
import optimizers
from engine import _core as _engine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(os.path.dirname(ROOT), "shared", "seeds")


def _grad(scape):
    g = jax.jit(jax.grad(scape.f))
    return lambda p: np.asarray(g(jnp.asarray(p, dtype=jnp.float64)))


# --- Nesterov
# --------------------------------------------------------------------------------------


def notes_nesterov(grad, x, lr, mu, steps):
    """The notes' code, written out here independently of the registry:
    x_ahead = x + mu * v; v = mu * v - learning_rate * dx_ahead; x += v."""
    x = np.array(x, dtype=float)
    v = np.zeros(2)
    pts, aheads, gs, vs = [x.copy()], [], [], [v.copy()]
    for _ in range(steps):
        x_ahead = x + mu * v
        dx_ahead = grad(x_ahead)
        v = mu * v - lr * dx_ahead
        x = x + v
        pts.append(x.copy()), aheads.append(x_ahead), gs.append(dx_ahead), vs.append(v.copy())
    return np.array(pts), np.array(aheads), np.array(gs), np.array(vs)


def framework_nesterov(grad, y, lr, mu, steps):
    """PyTorch's SGD(nesterov=True): buf = mu * buf + g; p -= lr * (g + mu * buf), g taken at p."""
    y = np.array(y, dtype=float)
    buf = np.zeros(2)
    pts = [y.copy()]
    for _ in range(steps):
        g = grad(y)
        buf = mu * buf + g
        y = y - lr * (g + mu * buf)
        pts.append(y.copy())
    return np.array(pts)


@pytest.mark.parametrize(
    "surface,start,lr",
    [
        ("saddle", (-1.8, 1e-3), 0.05),
        ("rosenbrock", (-1.2, 1.0), 5e-4),
        ("quadratic", (-2.5, 2.0), 0.05),
    ],
)
def test_nesterov_is_the_notes_code_with_its_look_ahead_point_and_gradient(surface, start, lr):
    scape, mu, n = landscapes.get(surface), 0.9, 60
    tr = engine.run(scape, "nesterov", start=start, steps=n, lr=lr, hparams={"momentum": mu})
    pts, aheads, gs, vs = notes_nesterov(_grad(scape), start, lr, mu, n)
    np.testing.assert_allclose(tr.points, pts, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        tr.eval_points, aheads, rtol=1e-9, atol=1e-12
    )  # the gradient is taken at x + mu v
    np.testing.assert_allclose(tr.eval_grads, gs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tr.velocity, vs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tr.lookahead, tr.points + mu * tr.velocity, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tr.lookahead[:-1], tr.eval_points, rtol=1e-12, atol=1e-12)
    assert np.abs(tr.eval_points[1:] - tr.points[1:-1]).max() > 1e-3  # really not at x
    # its first step is momentum's; the framework form's is (1 + mu) times it
    hb = engine.run(scape, "momentum", start=start, steps=3, lr=lr, hparams={"momentum": mu})
    fw = engine.run(
        scape, "nesterov_rewritten", start=start, steps=n, lr=lr, hparams={"momentum": mu}
    )
    np.testing.assert_allclose(tr.updates[0], hb.updates[0], rtol=1e-12)
    np.testing.assert_allclose(fw.updates[0], (1 + mu) * hb.updates[0], rtol=1e-12)
    # the framework form is PyTorch's code, and its stored variable is the notes' look-ahead
    # sequence
    np.testing.assert_allclose(
        fw.points, framework_nesterov(_grad(scape), start, lr, mu, n), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(fw.points, tr.lookahead, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        fw.eval_points, fw.points[:-1], rtol=0, atol=0
    )  # gradient at the stored point
    np.testing.assert_allclose(fw.lookahead, fw.points, rtol=0, atol=0)


def test_momentum_look_ahead_is_x_plus_mu_v_and_its_gradient_is_taken_at_x():
    scape = landscapes.get("saddle")
    tr = engine.run(
        scape, "momentum", start=(-1.8, 1e-3), steps=40, lr=0.05, hparams={"momentum": 0.8}
    )
    np.testing.assert_allclose(tr.velocity[1:], np.diff(tr.points, axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(tr.lookahead, tr.points + 0.8 * tr.velocity, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(tr.eval_points, tr.points[:-1])
    np.testing.assert_allclose(tr.eval_grads, tr.grads[:-1], rtol=1e-12)


def test_noise_and_clipping_apply_to_the_gradient_at_the_evaluation_point():
    scape = landscapes.get("saddle")
    kw = dict(start=(-1.8, 1e-3), steps=50, lr=0.05, hparams={"momentum": 0.9}, seed=3)
    clean = engine.run(scape, "nesterov", **kw)
    noisy = engine.run(scape, "nesterov", noise_std=0.5, **kw)
    clipped = engine.run(scape, "nesterov", noise_std=0.5, clip_norm=0.3, **kw)
    g = _grad(scape)
    true_at_eval = np.array([g(q) for q in noisy.eval_points])
    np.testing.assert_allclose(
        clean.eval_grads, np.array([g(q) for q in clean.eval_points]), rtol=1e-12
    )
    assert 0.2 < np.std(noisy.eval_grads - true_at_eval) < 0.8  # sigma 0.5 added there
    assert np.linalg.norm(clipped.eval_grads, axis=1).max() <= 0.3 + 1e-12
    for tr in (
        noisy,
        clipped,
    ):  # the shown code fed with the recorded gradients retraces the drawn path
        rep = optimizers.textbook_replay(tr, "nesterov", {"momentum": 0.9})
        np.testing.assert_allclose(rep.points, tr.points, rtol=1e-12, atol=1e-14)
        x_ahead = [dict(step[0].reads) for step in rep.lines]
        np.testing.assert_array_equal(
            [line[1].value for line in rep.lines], tr.eval_grads
        )  # dx_ahead as recorded
        np.testing.assert_allclose([s["x"] for s in x_ahead], tr.points[:-1], rtol=1e-12)


# --- AdaGrad
# ---------------------------------------------------------------------------------------


def notes_adagrad(grad, x, lr, eps, steps, cache0=0.0, eps_inside=False):
    x = np.array(x, dtype=float)
    cache = np.full(2, cache0)
    pts = [x.copy()]
    for _ in range(steps):
        dx = grad(x)
        cache += dx**2
        x = x - lr * dx / (np.sqrt(cache + eps) if eps_inside else np.sqrt(cache) + eps)
        pts.append(x.copy())
    return np.array(pts)


def test_adagrad_default_is_the_notes_code_and_optax_form_is_the_variant():
    scape = landscapes.get("rosenbrock")
    g = _grad(scape)
    tr = engine.run(scape, "adagrad", start=(-1.2, 1.0), steps=150, lr=0.05)
    np.testing.assert_allclose(tr.points, notes_adagrad(g, (-1.2, 1.0), 0.05, 1e-8, 150), rtol=1e-9)
    np.testing.assert_allclose(
        np.abs(tr.updates[0]), [0.05, 0.05], rtol=1e-9
    )  # first step: lr per coordinate
    ox = engine.run(scape, "adagrad_optax", start=(-1.2, 1.0), steps=150, lr=0.05)
    np.testing.assert_allclose(
        ox.points, notes_adagrad(g, (-1.2, 1.0), 0.05, 1e-7, 150, 0.1, True), rtol=1e-9
    )


@pytest.mark.parametrize("lr", [0.1, 0.5])
def test_on_the_plateau_the_notes_adagrad_reaches_the_hole_and_optax_form_stays_stuck(lr):
    scape = landscapes.get("plateau")
    notes = engine.run(scape, "adagrad", steps=300, lr=lr)
    ox = engine.run(scape, "adagrad_optax", steps=300, lr=lr)
    assert notes.losses[-1] < 1e-6 and np.linalg.norm(notes.points[-1]) < 1e-3
    assert ox.losses[-1] > 0.99 and np.linalg.norm(ox.points[-1] - ox.points[0]) < 0.2
    np.testing.assert_allclose(
        ox.updates[:50], -lr * ox.grads[:50] / np.sqrt(0.1), rtol=1e-3
    )  # SGD-like: lr g / 0.32
    np.testing.assert_allclose(
        np.abs(notes.updates[0]), [lr, lr], rtol=1e-3
    )  # first step lr per coordinate (eps/|g| ~ 1e-4)


# --- momentum forms
# --------------------------------------------------------------------------------


def test_momentum_forms_coincide_for_a_constant_rate():
    scape = landscapes.get("rosenbrock")
    kw = dict(start=(-1.2, 1.0), steps=300, hparams={"momentum": 0.9})
    notes = engine.run(scape, "momentum", lr=5e-4, **kw)
    torch = engine.run(scape, "momentum_pytorch", lr=5e-4, **kw)
    ema = engine.run(scape, "momentum_ema", lr=5e-4 / (1 - 0.9), **kw)  # lr scaled by 1/(1-beta)
    np.testing.assert_allclose(torch.points, notes.points, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ema.points, notes.points, rtol=1e-9, atol=1e-12)
    for tr in (torch, ema):  # one velocity: the step just taken
        np.testing.assert_allclose(tr.velocity, notes.velocity, rtol=1e-8, atol=1e-13)
        np.testing.assert_allclose(tr.lookahead, notes.lookahead, rtol=1e-9, atol=1e-12)
    same_lr = engine.run(
        scape, "momentum_ema", lr=5e-4, **kw
    )  # without the scaling it is 10x slower
    assert np.abs(same_lr.points - notes.points).max() > 0.1


def test_momentum_forms_differ_under_a_schedule_pytorch_rescales_old_gradients():
    """At a step decay PyTorch's step shrinks by gamma at once (lr multiplies the whole buffer); the
    notes' step does not (the velocity keeps the rate its gradients were taken with)."""
    scape = landscapes.get("quadratic", kappa=10.0)
    kw = dict(
        start=(-2.5, 2.0),
        steps=40,
        lr=0.005,
        hparams={"momentum": 0.9},
        schedule="step",
        schedule_args={"step_size": 20, "gamma": 0.1},
    )
    notes = engine.run(scape, "momentum", **kw)
    torch = engine.run(scape, "momentum_pytorch", **kw)
    ema = engine.run(scape, "momentum_ema", **{**kw, "lr": 0.05})
    size = lambda tr, k: np.linalg.norm(tr.updates[k])
    np.testing.assert_allclose(
        notes.points[:21], torch.points[:21], rtol=1e-9
    )  # same until the drop
    assert size(torch, 20) / size(torch, 19) < 0.15
    assert size(ema, 20) / size(ema, 19) < 0.15
    assert size(notes, 20) / size(notes, 19) > 0.6
    assert np.abs(notes.points - torch.points).max() > 0.05


def test_momentum_ramp_drives_every_form():
    scape = landscapes.get("quadratic", kappa=10.0)
    for name in ("momentum", "nesterov", "nesterov_rewritten", "momentum_ema", "momentum_pytorch"):
        a = engine.run(
            scape, name, steps=50, lr=0.01, hparams={"momentum": 0.99}, momentum_warmup=40
        )
        b = engine.run(scape, name, steps=50, lr=0.01, hparams={"momentum": 0.99})
        assert not np.allclose(a.points, b.points), name
        np.testing.assert_allclose(
            a.momenta[[0, 20, 40, 49]], [0.5, 0.5 + 0.49 * 0.5, 0.99, 0.99], rtol=1e-12
        )
        np.testing.assert_allclose(b.momenta, 0.99)


# --- the shown code reproduces the drawn path under every schedule
# -----------------------------------

# every schedule for the forms whose learning rate sits in the state (the rest: step decay, below)
FORMS = ["momentum", "nesterov", "momentum_ema", "momentum_pytorch", "adagrad"]
LRS = {
    "sgd": 0.02,
    "momentum": 0.005,
    "nesterov": 0.005,
    "nesterov_rewritten": 0.005,
    "momentum_ema": 0.05,
    "momentum_pytorch": 0.005,
    "adagrad": 0.3,
    "adagrad_optax": 0.3,
    "rmsprop": 0.02,
    "adam": 0.05,
    "prodigy": 1.0,  # (its rate is a multiplier of its own estimate)
    "sam": 0.005,  # (SAM bounces around a minimum within rho, where round-off grows: stay away)
}
QUAD = dict(kappa=10.0, angle=30.0)


def _textbook_of(name, scape, traj, hp, momenta=None):
    g, h = jax.jit(jax.grad(scape.f)), jax.jit(jax.hessian(scape.f))
    return optimizers.textbook_trace(
        name,
        start=traj.points[0],
        steps=traj.steps,
        hparams=hp,
        lrs=traj.lrs,
        grad=lambda p, t: np.asarray(g(jnp.asarray(p))),
        momenta=momenta,
        hessian=lambda p: np.asarray(h(jnp.asarray(p))),
    )


@pytest.mark.parametrize("schedule", optimizers.schedule_names())
@pytest.mark.parametrize("name", FORMS)
def test_shown_code_matches_engine_under_every_schedule(name, schedule):
    scape = landscapes.get("quadratic", **QUAD)
    spec = optimizers.get(name)
    traj = engine.run(
        scape, name, start=(-2.5, 2.0), steps=200, lr=LRS[name], schedule=schedule, warmup_steps=5
    )
    assert traj.diverged_at is None
    assert (
        schedule == "constant" or np.ptp(traj.lrs) > 0.1 * traj.lrs.max()
    )  # the rate really changes
    want = _textbook_of(name, scape, traj, spec.defaults()).points
    assert np.abs(want[-1] - want[0]).max() > 1.0
    np.testing.assert_allclose(traj.points, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", [n for n in optimizers.names() if optimizers.get(n).momentum_key])
def test_shown_code_matches_engine_with_the_momentum_ramp_and_a_schedule(name):
    scape = landscapes.get("quadratic", **QUAD)
    spec = optimizers.get(name)
    lr = LRS.get(name, 0.02)
    traj = engine.run(
        scape,
        name,
        start=(-2.5, 2.0),
        steps=120,
        lr=lr,
        schedule="cosine",
        schedule_args={"decay_steps": 120},
        momentum_warmup=60,
    )
    assert traj.diverged_at is None and np.ptp(traj.momenta) > 0.3
    want = _textbook_of(name, scape, traj, spec.defaults(), momenta=traj.momenta).points
    np.testing.assert_allclose(traj.points, want, rtol=1e-9, atol=1e-12)
    if name != "lion":  # (Lion's sign step hardly depends on beta1 here)
        fixed = _textbook_of(
            name, scape, traj, spec.defaults()
        ).points  # ignoring the ramp gives another path
        assert np.abs(fixed - traj.points).max() > 1e-3


@pytest.mark.parametrize("name", optimizers.names())
def test_every_shown_code_matches_engine_under_step_decay(name):
    scape = landscapes.get("quadratic", **QUAD)
    spec = optimizers.get(name)
    lr = LRS.get(
        name, {"adadelta": 2.0, "newton": 0.5, "lion": 0.02, "sign_sgd": 0.02}.get(name, 0.05)
    )
    traj = engine.run(
        scape,
        name,
        start=(-2.5, 2.0),
        steps=120,
        lr=lr,
        schedule="step",
        schedule_args={"step_size": 40, "gamma": 0.3},
    )
    assert traj.diverged_at is None
    want = _textbook_of(name, scape, traj, spec.defaults()).points
    np.testing.assert_allclose(traj.points, want, rtol=1e-9, atol=1e-12)


def test_textbook_lines_fill_in_the_update_with_its_numbers():
    scape = landscapes.get("saddle")
    traj = engine.run(
        scape,
        "momentum",
        start=(-1.8, 1e-3),
        steps=30,
        lr=0.05,
        hparams={"momentum": 0.9},
        schedule="inverse_time",
        noise_std=0.2,
        seed=1,
    )
    tr = optimizers.textbook_replay(traj, "momentum", {"momentum": 0.9})
    np.testing.assert_allclose(tr.points, traj.points, rtol=1e-12, atol=1e-14)
    assert len(tr.lines) == 30 and all(len(step) == 2 for step in tr.lines)
    t = 7
    v_line, x_line = tr.lines[t - 1]
    assert v_line.source == "v = momentum * v - learning_rate * dx" and v_line.target == "v"
    assert [k for k, _ in v_line.reads] == ["momentum", "v", "learning_rate", "dx"]
    r = dict(v_line.reads)
    assert r["momentum"] == 0.9 and r["learning_rate"] == pytest.approx(traj.lrs[t - 1], rel=1e-15)
    np.testing.assert_allclose(r["v"], traj.velocity[t - 1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r["dx"], traj.eval_grads[t - 1], rtol=0)
    np.testing.assert_allclose(
        v_line.value, 0.9 * r["v"] - r["learning_rate"] * r["dx"], rtol=1e-15
    )
    assert x_line.source == "x += v" and [k for k, _ in x_line.reads] == ["x", "v"]
    np.testing.assert_allclose(
        dict(x_line.reads)["x"], traj.points[t - 1], rtol=1e-12
    )  # the value *before*
    np.testing.assert_allclose(x_line.value, traj.points[t], rtol=1e-12)
    ad = optimizers.textbook_replay(engine.run(scape, "adam", steps=5, lr=0.05), "adam")
    assert dict(ad.lines[2][2].reads)["t"] == 3 and ad.lines[2][2].target == "m_hat"


def test_textbook_trace_rejects_bad_input_clearly():
    g = lambda p, t: np.zeros(2)
    with pytest.raises(ValueError, match="Hessian"):
        optimizers.textbook_trace(
            "newton", start=(0, 0), steps=3, hparams=None, lrs=[1, 1, 1], grad=g
        )
    with pytest.raises(ValueError, match="learning rates"):
        optimizers.textbook_trace("sgd", start=(0, 0), steps=3, hparams=None, lrs=[1, 1], grad=g)
    with pytest.raises(ValueError, match="no momentum"):
        optimizers.textbook_trace(
            "sgd", start=(0, 0), steps=1, hparams=None, lrs=[1], grad=g, momenta=[0.9]
        )
    with pytest.raises(KeyError, match="unknown optimizer"):
        optimizers.textbook_trace("nope", start=(0, 0), steps=1, hparams=None, lrs=[1], grad=g)


def test_replay_stops_at_a_divergence():
    traj = engine.run(landscapes.get("rosenbrock"), "nesterov", steps=50, lr=0.05)
    assert traj.diverged_at is not None
    rep = optimizers.textbook_replay(traj, "nesterov")
    np.testing.assert_allclose(rep.points, traj.points[: len(rep.points)], rtol=1e-12)
    for arr in (traj.eval_points, traj.eval_grads):
        assert np.isfinite(arr).all() and (arr[traj.diverged_at :] == arr[traj.diverged_at]).all()


# --- engine: sweeps stay lean, sliders do not recompile -------------------------------------------


def test_sweeps_do_not_record_evaluation_points_and_sliders_do_not_recompile():
    scape = landscapes.get("quadratic", kappa=5.0)
    res = engine.sweep(scape, "nesterov", lr=np.array([0.01, 0.02]), steps=40, return_paths=True)
    single = engine.run(scape, "nesterov", lr=0.02, steps=40)
    np.testing.assert_allclose(res.paths[1], single.points, rtol=1e-9)
    cfg = _engine.Static(scape.key, "nesterov", "constant", 2048, True, True, True)
    out = _engine._unpack(cfg, _engine._compiled(cfg)(_sweep_args(scape)))
    assert set(out) == {"p", "loss", "div_at", "points", "losses"}
    before = _engine.TRACE_COUNT
    engine.run(
        scape,
        "nesterov",
        lr=0.05,
        steps=40,
        hparams={"momentum": 0.5},
        noise_std=0.1,
        start=(1.0, 1.0),
    )
    engine.run(scape, "nesterov", lr=0.01, steps=35, hparams={"momentum": 0.95}, clip_norm=0.5)
    assert _engine.TRACE_COUNT == before


def _sweep_args(scape):
    n = 2
    shared = _engine._shared(scape, 40, "constant", None, None, None, 0.0, 0.0, 0.0, None).inputs
    return shared._replace(
        start=np.zeros((n, 2)),
        lr=np.full(n, 0.01),
        hparams={"momentum": np.full(n, 0.9)},
        seed=np.zeros(n, np.uint32),
    )


# --- the Averaging page's claim
# ---------------------------------------------------------------------


def test_averaging_page_claim_momentum_ema_and_adam_apply_the_ewa_to_the_gradient():
    page = open(os.path.join(ROOT, "app_pages", "5_Averaging.py"), encoding="utf-8").read()
    assert "momentum_ema" in page and "exactly" in page
    scape = landscapes.get("rosenbrock")
    beta, lr = 0.8, 0.01
    tr = engine.run(
        scape,
        "momentum_ema",
        start=(-1.2, 1.0),
        steps=80,
        lr=lr,
        hparams={"momentum": beta},
        noise_std=0.3,
        seed=2,
    )
    v = -tr.velocity[1:] / lr  # the engine's own average: x_t = x_{t-1} - lr v_t
    np.testing.assert_allclose(
        v, lessons.ewa(tr.eval_grads, beta, bias_correction=False), rtol=1e-10, atol=1e-12
    )
    ad = engine.run(scape, "adam", start=(-1.2, 1.0), steps=80, lr=lr, hparams={"b1": beta})
    np.testing.assert_allclose(
        ad.mhat[1:], lessons.ewa(ad.eval_grads, beta, bias_correction=True), rtol=1e-10
    )
    a = lr * (1 - beta)  # the notes' velocity is the same average times -a/(1-beta)
    notes = engine.run(
        scape,
        "momentum",
        start=(-1.2, 1.0),
        steps=80,
        lr=a,
        hparams={"momentum": beta},
        noise_std=0.3,
        seed=2,
    )
    assert notes.diverged_at is None
    np.testing.assert_allclose(
        notes.velocity[1:],
        -a / (1 - beta) * lessons.ewa(notes.eval_grads, beta, False),
        rtol=1e-9,
        atol=1e-13,
    )


# --- errata
# ----------------------------------------------------------------------------------------


def _seed(prefix):
    files = glob.glob(os.path.join(SEEDS, f"{prefix}_*.txt"))
    return open(files[0], encoding="utf-8").read() if files else None


def test_errata_quote_the_notes_and_name_real_optimizers():
    assert len(optimizers.ERRATA) >= 5
    for e in optimizers.ERRATA:
        assert e.topic and e.notes_say and e.notes_say_en and e.right and e.where
        assert all(n in optimizers.names() for n in e.optimizers)
    assert optimizers.get("sgd").notes_erratum and optimizers.get("rmsprop").notes_erratum
    if not os.path.isdir(SEEDS):
        pytest.skip("the course notes are not next to this checkout")
    for e in optimizers.ERRATA:
        text = _seed(re.match(r"(\d{3})", e.where).group(1))
        assert text is not None and e.notes_say in text, e.topic


def test_the_notes_rmsprop_function_resets_its_cache_and_is_a_scaled_sign_step():
    """The erratum's claim, checked by running the notes' function as written (copied verbatim)."""
    src = (
        "def rmsprop(params, grads, learning_rate=0.01, decay_rate=0.9, epsilon=1e-8):\n"
        "    cache = {}\n    for key in params.keys():\n        cache[key] = "
        "np.zeros_like(params[key])\n\n"
        "    for key in params.keys():\n"
        "        cache[key] = decay_rate * cache[key] + (1 - decay_rate) * grads[key] ** 2\n"
        "        params[key] -= learning_rate * grads[key] / (np.sqrt(cache[key]) + epsilon)\n\n"
        "    return params\n"
    )
    text = _seed("003")
    if text is not None:
        assert src.split("\n\n")[0] in text
    ns = {"np": np}
    exec(src, ns)
    scape = landscapes.get("quadratic", kappa=10.0)
    g = _grad(scape)
    params = {"w": np.array([-2.5, 2.0])}
    steps = []
    for _ in range(20):
        before = params["w"].copy()
        ns["rmsprop"](params, {"w": g(before)}, learning_rate=0.01)
        steps.append(params["w"] - before)
    np.testing.assert_allclose(
        np.abs(steps), 0.01 / np.sqrt(0.1), rtol=1e-5
    )  # every step: 3.16 lr per coordinate
    ours = engine.run(scape, "rmsprop", start=(-2.5, 2.0), steps=20, lr=0.01)
    assert (
        np.abs(np.abs(ours.updates[5:]) - 0.01 / np.sqrt(0.1)).max() > 0.01
    )  # a real average does not


@pytest.mark.parametrize(
    "code",
    [
        "x = open('f')",
        "x = np.load('f')",
        "import os",
        "x = dx.__class__",
        "x = 'a'",
        "x[0] = 1",
        "x = [dx]",
        "x = dx if t else x",
        "x = np.pi",
    ],
)
def test_textbook_interpreter_runs_only_the_small_language_of_the_shown_code(code):
    import dataclasses

    spec = dataclasses.replace(optimizers.get("sgd"), textbook=code)
    with pytest.raises(ValueError):
        optimizers.textbook_trace(
            spec, start=(0, 0), steps=1, hparams=None, lrs=[0.1], grad=lambda p, t: np.ones(2)
        )
