"""The optimizers of today (optimizers/_modern.py) against optax and optax.contrib run step by step,
their special cases, the sequences they keep, and the shown code retraced on noisy runs."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import optax.contrib
import pytest

import engine
import landscapes
import optimizers

MODERN = (
    "sam",
    "schedule_free_sgd",
    "schedule_free_adamw",
    "prodigy",
    "adopt",
    "ademamix",
    "qhm",
    "radam",
    "lookahead",
)
QUAD = landscapes.get("quadratic", kappa=10.0, angle=30.0)
START = (-2.5, 2.0)


def _run(name, **kw):
    """A run on QUAD under a step decay that comes after the test's last step (the constant rate the
    optax loops use): it reuses the compilation of tests/test_forms.py's step-decay runs."""
    sched = dict(schedule="step", schedule_args={"step_size": 1000, "gamma": 0.5})
    return engine.run(QUAD, name, **{"start": START, **sched, **kw})


def _loop(opt, params, grad, steps, extra=None):
    """optax as its users call it: ``updates, state = opt.update(g, state, params)``."""
    state = opt.init(params)
    upd = jax.jit(lambda g, s, p: opt.update(g, s, p, **(extra or {})))
    out, states = [params], []
    for _ in range(steps):
        with jax.numpy_dtype_promotion("standard"):  # as the engine calls optax
            u, state = upd(grad(params), state, params)
        params = optax.apply_updates(params, u)
        out.append(params)
        states.append(state)
    return out, states


def test_all_are_registered_with_latex_references_and_code():
    assert optimizers.names()[-len(MODERN) :] == list(MODERN)
    assert "muon" not in optimizers.names()  # matrix parameters only: the network page's
    for name in MODERN:
        spec = optimizers.get(name)
        assert spec.latex and spec.reference and spec.textbook and spec.description
        assert "optax" in spec.reference or name == "qhm"


def test_sam_is_optax_contrib_sam_and_takes_its_gradient_rho_uphill():
    scape = landscapes.get("flat_sharp", width=0.25)
    lr, rho, n = 0.1, 0.3, 25  # (later it bounces in the well, where round-off grows)
    tr = engine.run(scape, "sam", start=(2.3, 0.4), steps=n, lr=lr, hparams={"rho": rho})
    adv = optax.chain(optax.contrib.normalize(), optax.sgd(rho))
    opt = optax.contrib.sam(optax.sgd(lr), adv, sync_period=2, opaque_mode=True)
    g = jax.grad(scape.f)
    pts, _ = _loop(opt, jnp.array([2.3, 0.4]), g, n, {"grad_fn": lambda p, _: g(p)})
    np.testing.assert_allclose(tr.points, np.array(pts), rtol=1e-9, atol=1e-12)
    up = tr.grads[:-1] / np.linalg.norm(tr.grads[:-1], axis=1, keepdims=True)
    np.testing.assert_allclose(tr.eval_points, tr.points[:-1] + rho * up, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tr.eval_grads, np.array([g(q) for q in tr.eval_points]), rtol=1e-9)
    assert np.abs(tr.eval_grads - tr.grads[:-1]).max() > 0.1  # really another gradient


def test_sam_at_a_stationary_point_does_not_perturb():
    tr = _run("sam", start=(0.0, 0.0), steps=3, lr=0.1, hparams={"rho": 0.5})
    assert tr.diverged_at is None and np.all(tr.points == 0.0) and np.all(tr.eval_points == 0.0)


@pytest.mark.parametrize("name", ["schedule_free_sgd", "schedule_free_adamw"])
def test_schedule_free_is_optax_contrib_with_x_drawn_and_its_three_sequences(name):
    lr, b1, n = 0.05, 0.9, 60
    tr = _run(name, steps=n, lr=lr, hparams={"b1": b1})
    if name == "schedule_free_sgd":
        opt = optax.contrib.schedule_free_sgd(lr, b1=b1)
    else:
        opt = optax.contrib.schedule_free_adamw(lr, b1=b1)
    ys, states = _loop(opt, jnp.array(START), jax.grad(QUAD.f), n)
    xs = [START] + [
        optax.contrib.schedule_free_eval_params(s, y) for s, y in zip(states, ys[1:], strict=True)
    ]
    np.testing.assert_allclose(tr.points, np.array(xs), rtol=1e-9, atol=1e-12)  # x: drawn
    np.testing.assert_allclose(tr.eval_points, np.array(ys[:-1]), rtol=1e-9, atol=1e-12)  # y
    seq = optimizers.sequences(tr, name, {"b1": b1})
    zs = np.array([START] + [s.z for s in states[:-1]])
    np.testing.assert_allclose(seq["z"], zs, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(optimizers.textbook_series(tr, name, "z")[:-1], zs[1:], rtol=1e-8)
    assert np.abs(seq["z"] - seq["x"]).max() > 0.1  # three different sequences
    assert optimizers.sequences(tr, "sgd") == {}


def test_prodigy_estimate_is_optax_state_and_grows():
    n = 80
    tr = _run("prodigy", steps=n, lr=1.0)
    pts, states = _loop(optax.contrib.prodigy(1.0), jnp.array(START), jax.grad(QUAD.f), n)
    np.testing.assert_allclose(tr.points, np.array(pts), rtol=1e-9, atol=1e-12)
    d = optimizers.textbook_series(tr, "prodigy", "d")
    np.testing.assert_allclose(d, [float(s.estim_lr) for s in states], rtol=1e-9)
    assert d[0] < 1e-5 and d[-1] > 0.3 and np.all(np.diff(d) >= 0)
    with pytest.raises(ValueError, match="no variable"):
        optimizers.textbook_series(tr, "prodigy", "nope")
    label, step = optimizers.lr_estimate(tr, "prodigy")  # the Playground's extra curve
    np.testing.assert_allclose(step, tr.lrs * np.concatenate([[1e-6], d[:-1]]), rtol=1e-12)
    assert "estimate" in label and optimizers.lr_estimate(tr, "adam") is None


def test_qhm_is_sgd_momentum_and_nesterov_at_special_settings_under_a_schedule():
    kw = dict(start=START, steps=80, schedule="step", schedule_args={"step_size": 30, "gamma": 0.3})
    beta = 0.8
    qhm = lambda lr, nu: engine.run(QUAD, "qhm", lr=lr, hparams={"beta": beta, "nu": nu}, **kw)
    same = lambda a, b: np.testing.assert_allclose(a.points, b.points, rtol=1e-12, atol=1e-14)
    same(qhm(0.05, 0.0), engine.run(QUAD, "sgd", lr=0.05, **kw))
    same(
        qhm(0.05, 1.0), engine.run(QUAD, "momentum_ema", lr=0.05, hparams={"momentum": beta}, **kw)
    )
    same(
        qhm(0.05, beta),
        engine.run(
            QUAD, "nesterov_rewritten", lr=0.05 * (1 - beta), hparams={"momentum": beta}, **kw
        ),
    )
    mid = qhm(0.05, 0.5)  # in between it is none of them
    assert np.abs(mid.points - qhm(0.05, 1.0).points).max() > 1e-3


def test_lookahead_is_optax_lookahead_fast_weights_drawn_slow_weights_kept():
    lr, n = 0.05, 23
    tr = _run("lookahead", steps=n, lr=lr, hparams={"k": 5, "alpha": 0.5})
    opt = optax.lookahead(optax.sgd(lr), sync_period=5, slow_step_size=0.5)
    p = optax.LookaheadParams.init_synced(jnp.array(START))
    state = opt.init(p)
    fast, slow = [p.fast], []
    for _ in range(n):
        with jax.numpy_dtype_promotion("standard"):
            u, state = opt.update(jax.grad(QUAD.f)(p.fast), state, p)
        p = optax.apply_updates(p, u)
        fast.append(p.fast), slow.append(p.slow)
    np.testing.assert_allclose(tr.points, np.array(fast), rtol=1e-9, atol=1e-12)
    got = optimizers.textbook_series(tr, "lookahead", "slow")
    np.testing.assert_allclose(got, np.array(slow), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tr.points[5::5], got[4::5], rtol=0, atol=1e-15)  # synced: x = slow


def test_radam_takes_momentum_steps_until_rho_reaches_5():
    lr, b1, b2 = 0.05, 0.9, 0.999
    tr = _run("radam", steps=10, lr=lr)
    t = np.arange(1, 11)
    rho = (2 / (1 - b2) - 1) - 2 * t * b2**t / (1 - b2**t)
    m = np.zeros(2)
    mhat = []
    for k in range(10):
        m = b1 * m + (1 - b1) * tr.eval_grads[k]
        mhat.append(m / (1 - b1 ** (k + 1)))
    plain = rho < 5
    assert plain.sum() == 5 and not plain[5:].any()
    np.testing.assert_allclose(tr.updates[plain], -lr * np.array(mhat)[plain], rtol=1e-12)
    ad = _run("adam", steps=10, lr=lr)
    assert np.all(np.abs(tr.updates[5:]) < np.abs(ad.updates[5:]))  # rectified: r_t < 1


def test_adopt_first_step_only_measures():
    tr = _run("adopt", steps=3, lr=0.1)
    assert np.all(tr.points[1] == tr.points[0]) and np.abs(tr.points[2] - tr.points[1]).max() > 0


@pytest.mark.parametrize("name", MODERN)
def test_shown_code_retraces_a_noisy_clipped_run_under_step_decay(name):
    """The replay (the equations under the map) lands on every drawn point, noise and clipping
    on."""
    spec = optimizers.get(name)
    lr = {"prodigy": 1.0, "qhm": 0.05, "sam": 0.02}.get(name, 0.05)
    tr = engine.run(
        QUAD,
        name,
        start=START,
        steps=60,
        lr=lr,
        schedule="step",  # (the compilations of tests/test_forms.py's step-decay runs)
        schedule_args={"step_size": 20, "gamma": 0.5},
        noise_std=0.5,
        clip_norm=5.0,
        seed=4,
    )
    assert tr.diverged_at is None
    rep = optimizers.textbook_replay(tr, name, spec.defaults())
    np.testing.assert_allclose(rep.points, tr.points, rtol=1e-9, atol=1e-12)
    if name == "sam":  # uphill with the exact gradient at x, the step with the noisy one
        reads = [dict(step[0].reads) for step in rep.lines]
        np.testing.assert_array_equal([r["dx"] for r in reads], tr.grads[:-1])
        np.testing.assert_array_equal([step[1].value for step in rep.lines], tr.eval_grads)
        assert (
            np.abs(tr.eval_grads - np.array([jax.grad(QUAD.f)(q) for q in tr.eval_points])).max()
            > 0.1
        )


def test_textbook_language_has_comparisons_where_and_modulo_but_no_branches():
    import dataclasses

    spec = dataclasses.replace(
        optimizers.get("sgd"), textbook="x = np.where(t % 2 == 0, x, x - learning_rate * dx)"
    )
    tr = optimizers.textbook_trace(
        spec, start=(1.0, 1.0), steps=4, hparams=None, lrs=[0.5] * 4, grad=lambda p, t: np.ones(2)
    )
    np.testing.assert_allclose(tr.points[:, 0], [1.0, 0.5, 0.5, 0.0, 0.0])
    for code in ("x = dx if t > 1 else x", "x = np.where(0 < t < 2, x, dx)", "x = t is 1"):
        with pytest.raises(ValueError):
            optimizers.textbook_trace(
                dataclasses.replace(spec, textbook=code),
                start=(0, 0),
                steps=1,
                hparams=None,
                lrs=[0.1],
                grad=lambda p, t: np.ones(2),
            )


def test_playground_plots_prodigys_estimate_and_the_network_page_offers_the_look_ahead_rules():
    """On screen (the page's figure data): the learning-rate chart gets Prodigy's lr · d on a log
    axis; the network page's optimizer list now holds the rules that take the gradient elsewhere
    (its trainer honours ``eval_point``)."""
    import base64

    from streamlit.testing.v1 import AppTest

    from tests.test_app import ROOT, TIMEOUT, _plotly_specs

    at = AppTest.from_file(str(ROOT / "app_pages/1_Playground.py"), default_timeout=TIMEOUT)
    at.query_params.update({"surface": "quadratic", "opt": "prodigy,lr=1", "steps": "80"})
    at.run()
    assert not at.exception
    specs = _plotly_specs(at)  # (drawn by the map component)
    (lr_fig,) = [f for f in specs if f["layout"]["title"]["text"] == "learning rate"]
    names = [tr["name"] for tr in lr_fig["data"]]
    assert names == ["lr", "lr · d (Prodigy's estimate)"]
    assert lr_fig["layout"]["yaxis"]["type"] == "log"
    y = lr_fig["data"][1]["y"]  # plotly's typed-array encoding
    est = np.frombuffer(base64.b64decode(y["bdata"]), y["dtype"]) if isinstance(y, dict) else y
    assert est[0] == pytest.approx(1e-6) and est[-1] > 1e3 * est[0]
    from ui._network import _first_order  # the network page's optimizer list

    offered = _first_order()
    assert {"prodigy", "adopt", "ademamix", "qhm", "radam", "lookahead", "adam"} <= set(offered)
    assert {"sam", "schedule_free_sgd", "schedule_free_adamw", "nesterov"} <= set(offered)
