"""Inside the optimizer: every number and sentence of the panel against a plain numpy re-run of the
shown code on the engine's own gradients, the curvature readout, the sharpness line, the Quadratic
theory additions, and (in chromium) the numbers of the replayed step on screen."""

import math
import os

import jax
import numpy as np
import pytest

import engine
import landscapes
import lessons
import optimizers
import scenarios
import viz
from tests.browser import ROOT, have_chromium, player_frame

SADDLE = landscapes.get("saddle")
START = (-1.8, 0.3)
N = 60


def _run(name, lr=0.05, steps=N, scape=SADDLE, start=START, **kw):
    return engine.run(scape, name, start=start, steps=steps, lr=lr, **kw)


def _inside(traj, name, hparams=None, hessian=None):
    trace = optimizers.textbook_replay(traj, name, hparams, hessian=hessian)
    return viz.inside_data(trace, name)


def _shown(a) -> np.ndarray:
    """What the player shows: four significant digits."""
    return np.array([float(f"{v:.4g}") for v in np.ravel(a)])


def _payload(d, key):
    q = next(q for q in viz.inside_payload(d)["q"] if q["key"] == key)
    return np.array(q["v"])


def test_adam_state_equals_a_numpy_rerun_and_the_engines_mhat():
    hp = {"b1": 0.9, "b2": 0.999, "eps": 1e-8}
    tr = _run("adam", hparams=hp)
    d = _inside(tr, "adam", hp)
    g, lrs = tr.eval_grads, tr.lrs
    m = v = np.zeros(2)
    want = {k: [] for k in ("m", "v", "m_hat", "v_hat", "bc1", "bc2", "eff_lr")}
    for t in range(1, N + 1):
        m = 0.9 * m + 0.1 * g[t - 1]
        v = 0.999 * v + 0.001 * g[t - 1] ** 2
        bc1, bc2 = 1 / (1 - 0.9**t), 1 / (1 - 0.999**t)
        for k, val in zip(want, (m, v, m * bc1, v * bc2, bc1, bc2, 0), strict=True):
            want[k].append(val)
        want["eff_lr"][-1] = lrs[t - 1] / (np.sqrt(v * bc2) + 1e-8)
    for k, vals in want.items():
        np.testing.assert_allclose(d.get(k).values, np.array(vals), rtol=1e-12, err_msg=k)
        np.testing.assert_array_equal(_payload(d, k), _shown(vals), err_msg=k)
    np.testing.assert_allclose(d.get("m_hat").values, tr.mhat[1 : N + 1], rtol=1e-6, atol=1e-12)
    (note,) = d.notes
    rises = int(np.sum(np.any(np.diff(np.array(want["eff_lr"]), axis=0) > 0, axis=1)))
    assert f"rose at {rises} of {N - 1} updates" in note
    assert ("can shrink and the rate rise again" in note) == (rises > 0)


def test_adagrad_rate_only_falls_and_its_sentence_is_the_data():
    """On a plane the slope never changes, yet AdaGrad's steps shrink: "why AdaGrad stalls"."""
    plane = landscapes.from_expression("x + 0.5*y")
    tr = engine.run(plane, "adagrad", start=(0.0, 0.0), steps=200, lr=0.1)
    assert tr.diverged_at is None
    d = _inside(tr, "adagrad")
    eps = optimizers.get("adagrad").hparams(None)["eps"]
    cache, eff = np.zeros(2), []
    for t in range(200):
        cache = cache + tr.eval_grads[t] ** 2
        eff.append(tr.lrs[t] / (np.sqrt(cache) + eps))
    eff = np.array(eff)
    np.testing.assert_allclose(d.get("cache").values[-1], cache, rtol=1e-12)
    np.testing.assert_allclose(d.get("eff_lr").values, eff, rtol=1e-12)
    assert np.all(np.diff(eff, axis=0) <= 0)  # "only falls", on the engine's run
    (note,) = d.notes
    assert "rose at 0 of 199 updates" in note and "stalls" in note
    assert f"{eff[-1][1]:.4g}" in note and f"{100 * eff[-1][0] / eff[0][0]:.4g}%" in note
    step = np.linalg.norm(np.diff(tr.points, axis=0), axis=1)
    np.testing.assert_allclose(tr.grads, [[1.0, 0.5]] * 201)
    assert step[-1] < 0.1 * step[0]


def test_rmsprop_accumulator_and_momentum_velocity():
    tr = _run("rmsprop", lr=0.01)
    d = _inside(tr, "rmsprop")
    hp = optimizers.get("rmsprop").hparams(None)
    c = np.zeros(2)
    for t in range(N):
        c = hp["decay"] * c + (1 - hp["decay"]) * tr.eval_grads[t] ** 2
        np.testing.assert_allclose(d.get("cache").values[t], c, rtol=1e-12)
    quad = landscapes.get("quadratic", kappa=10.0, angle=0.0)
    tr = _run("momentum", scape=quad, start=(1.0, 1.0), hparams={"momentum": 0.9})
    d = _inside(tr, "momentum", {"momentum": 0.9})
    v = np.zeros(2)
    for t in range(N):
        v = 0.9 * v - tr.lrs[t] * tr.eval_grads[t]
        np.testing.assert_allclose(d.get("v").values[t], v, rtol=1e-12)
        assert d.get("speed").values[t] == pytest.approx(np.linalg.norm(v), rel=1e-12)
    np.testing.assert_allclose(d.get("v").values, tr.velocity[1 : N + 1], rtol=1e-6, atol=1e-12)
    assert viz.inside_payload(d)["M"].startswith("−v_t/α_t")


def test_newton_eigenvalues_and_sentence():
    hess = jax.vmap(jax.hessian(SADDLE.f))
    tr = _run("newton", lr=0.5, steps=20, hparams={"damping": 0.5})
    hs = iter(np.asarray(hess(tr.points[:-1])))
    d = _inside(tr, "newton", {"damping": 0.5}, hessian=lambda p: next(hs))
    h = np.asarray(hess(tr.points[:20]))
    np.testing.assert_allclose(d.get("hess_eig").values, np.linalg.eigvalsh(h), rtol=1e-12)
    damped = np.linalg.eigvalsh(h + 0.5 * np.eye(2))
    (note,) = d.notes
    neg = int(np.sum(damped[:, 0] < 0))
    assert f"H + λI (the matrix Newton's code solves with) at {neg}" in note
    assert neg > 0 and "uphill along that eigendirection" in note
    # uphill: along the negative eigendirection the step has the gradient's sign
    w, q = np.linalg.eigh(h[0] + 0.5 * np.eye(2))
    step, g = tr.points[1] - tr.points[0], tr.eval_grads[0]
    assert w[0] < 0 and (q[:, 0] @ step) * (q[:, 0] @ g) > 0


def test_every_optimizer_has_a_unified_form_and_a_payload():
    assert set(viz.UNIFIED) == set(optimizers.names())
    tr = _run("adam", steps=5)
    p = viz.inside_payload(_inside(tr, "adam"))
    assert all(isinstance(v, float) for q in p["q"] for v in q["v"])  # numbers, not strings
    assert {q["key"] for q in p["q"]} == {"m", "v", "m_hat", "v_hat", "bc1", "bc2", "eff_lr"}
    assert len(viz.inside_figure(_inside(tr, "adam")).data) == 12
    html = viz.replay_html(viz.replay_data(SADDLE, SADDLE.grid(20), []))
    assert "global.OptiscapeInside = " in html and "OptiscapeInside.render(this, k)" in html


def test_curvature_readout_and_the_newton_model():
    c = viz.curvature_at(SADDLE, (0.0, 0.0))
    assert c.kind == "saddle" and "opposite signs" in c.sentence()
    q = landscapes.get("quadratic", kappa=10.0, angle=0.0)
    c = viz.curvature_at(q, (1.0, 0.5))
    np.testing.assert_allclose(c.eigenvalues, [1.0, 10.0])
    assert c.kind == "bowl" and "goes to the minimum of this quadratic model" in c.sentence()
    np.testing.assert_allclose(c.newton_step, [-1.0, -0.5])  # a quadratic's model is exact
    # the model's stationary point is where the engine's undamped Newton step lands
    c = viz.curvature_at(SADDLE, START)
    tr = engine.run(SADDLE, "newton", start=START, steps=1, lr=1.0, hparams={"damping": 0.0})
    np.testing.assert_allclose(tr.points[1] - tr.points[0], c.newton_step, atol=1e-12)
    model_grad = c.grad + c.hessian @ c.newton_step
    np.testing.assert_allclose(model_grad, 0.0, atol=1e-12)
    cap = landscapes.from_expression("-(x**2 + 2*y**2)")
    assert viz.curvature_at(cap, (0.3, 0.2)).kind == "cap"
    assert viz.classify([0.0, 1.0]) == "flat"
    assert "the gradient is zero: a stationary point" in viz.curvature_at(SADDLE, (0, 0)).sentence()
    with pytest.raises(ValueError, match="not finite"):  # the panel shows this as a message
        viz.curvature_at(landscapes.from_expression("sqrt(x) + y**2"), (-0.5, 0.5))
    fig = viz.curvature_figure(c, radius=0.5)
    assert any("Newton step" in (t.name or "") for t in fig.data)


def test_sharpness_against_two_over_lr_on_the_engines_runs():
    q = landscapes.get("quadratic", kappa=10.0, angle=0.0)
    for lr, above in ((0.15, False), (0.25, True)):
        tr = engine.run(q, "sgd", start=(1.0, 1.0), steps=30, lr=lr)
        s = viz.sharpness(q, tr)
        np.testing.assert_allclose(s.sharpness[:5], 10.0)
        n = len(s.limit)
        assert s.above == (n if above else 0)
        assert ("overshoots" in s.sentence()) == above
        # the sentence's claim: past 2/lr the error along the sharpest direction grows
        y = np.abs(tr.points[: n + 1, 1])
        assert (y[-1] > y[0]) == above
    assert len(viz.sharpness_figure([s]).data) == 2


def test_quadratic_theory_eigendirections_and_acceleration():
    kappa = 50.0
    q = landscapes.get("quadratic", kappa=kappa, angle=0.0)
    a = 0.03
    tr = engine.run(q, "sgd", start=(1.0, 1.0), steps=40, lr=a)
    err = lessons.eigen_errors(tr.points)
    t = np.arange(41)
    np.testing.assert_allclose(err[:, 0], abs(1 - a) ** t, rtol=1e-9)
    np.testing.assert_allclose(err[:, 1], abs(1 - a * kappa) ** t, rtol=1e-9)
    for kappa in (2, 10, 100, 1000):
        acc = lessons.acceleration(float(kappa))
        assert acc.heavy_ball < acc.nesterov_best < acc.nesterov
        s = acc.sentence()
        for v in (acc.heavy_ball, acc.nesterov, acc.nesterov_best):
            assert f"{v:.4f}" in s
        # no (alpha, beta) on a grid beats the best-tuned Nesterov rate used in the sentence
        grid = [
            lessons.predicted_rate("nesterov", al, b, (1.0, kappa))
            for al in np.linspace(0.2 / kappa, 2 / kappa, 25)
            for b in np.linspace(0, 0.99, 25)
        ]
        assert min(grid) >= acc.nesterov_best - 1e-9
        # measured on the engine at the classical tunings
        opt = lessons.optimal_parameters(float(kappa))
        q = landscapes.get("quadratic", kappa=float(kappa), angle=0.0)
        rates = {}
        for m, name in (("heavy_ball", "momentum"), ("nesterov", "nesterov")):
            al, b = opt[m]
            r = engine.run(q, name, start=(1.0, 1.0), steps=300, lr=al, hparams={"momentum": b})
            rates[m] = lessons.measured_rate(r.points)
        assert rates["heavy_ball"] < rates["nesterov"]


def test_heavy_balls_tuning_fails_on_a_smooth_strongly_convex_function():
    """The sentence's "on some smooth strongly convex functions that tuning does not converge":
    Lessard, Recht & Packard (2016), section 4.6: mu = 1, L = 25, piecewise quadratic."""

    def grad(x):
        return 25 * x if x < 1 else (x + 24 if x < 2 else 25 * x - 24)

    L, mu = 25.0, 1.0
    a = 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    b = ((math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)) ** 2
    x = prev = 3.3
    for _ in range(2000):
        x, prev = x - a * grad(x) + b * (x - prev), x
    assert abs(x) > 0.1  # still cycling after 2,000 steps
    an, bn = 1 / L, (math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)
    x = prev = 3.3
    for _ in range(2000):
        y = x + bn * (x - prev)
        x, prev = y - an * grad(y), x
    assert abs(x) < 1e-8


def _num(v: float) -> str:
    """player.js / inside.js num(): four significant digits as JavaScript prints them."""
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-4:
        m, e = f"{v:.3e}".split("e")
        return f"{m}e{int(e)}"
    r = float(f"{v:.4g}")
    return str(int(r)) if r == int(r) else repr(r)


@pytest.mark.skipif(not have_chromium() and not os.environ.get("CI"), reason="no chromium")
def test_panel_shows_the_replayed_steps_numbers(server, ctx):
    """After stepping, the panel under the map shows that update's m, v, m̂, v̂ and effective rate
    (read from the screen), equal to the numpy re-run; screenshots at 1024x768 and 1920x1080."""
    scn = scenarios.Scenario.from_query(
        {"surface": "saddle", "start": "-1.8,0.3", "steps": "40", "opt": "adam,lr=0.05"}
    )[0]
    tr = scn.run()[0]
    hp = dict(scn.optimizers[0].hparams)
    d = _inside(tr, "adam", hp or None)
    page = ctx.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{server}/Playground?surface=saddle&start=-1.8,0.3&steps=40&opt=adam,lr=0.05")
    fr = player_frame(page)
    fr.evaluate("() => window.ospPlayer.jump(0)")
    for _ in range(7):
        fr.get_by_role("button", name="step forward (→)").click()
    fr.wait_for_function("() => window.ospPlayer.step === 7")
    card = fr.locator(".osp-in-card")
    assert "update 8 (step 7 → 8)" in card.locator(".osp-in-head").inner_text()
    assert "M_t = m̂_t" in card.locator(".osp-in-form").first.inner_text()
    for key in ("m", "v", "m_hat", "v_hat", "eff_lr"):
        cells = card.locator(f"tr[data-key='{key}'] td.osp-in-num").all_inner_texts()
        assert cells == [_num(x) for x in d.get(key).values[7]], key
    for key in ("bc1", "bc2"):
        cells = card.locator(f"tr[data-key='{key}'] td.osp-in-num").all_inner_texts()
        assert cells == [_num(d.get(key).values[7])], key
    assert card.locator("tr[data-key='bc1'] td.osp-in-num").inner_text() == _num(1 / (1 - 0.9**8))
    box = fr.locator(".osp-inside").bounding_box()
    assert box and box["height"] > 100
    out = os.path.join(ROOT, "artifacts")
    os.makedirs(out, exist_ok=True)
    fr.locator(".osp-inside").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(out, "inside-1920x1080.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.wait_for_timeout(800)
    fr.locator(".osp-inside").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(out, "inside-1024x768.png"))
    # readable: the panel's table fits the player's width
    tb = fr.locator(".osp-in-table").bounding_box()
    root = fr.locator(".osp").bounding_box()
    assert tb["x"] + tb["width"] <= root["x"] + root["width"] + 1
    page.close()
