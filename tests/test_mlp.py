"""The network page: training (one compilation per architecture), slices, PCA, per-layer
statistics, symmetry, weight averages, ensembles; the page and its link (AppTest, chromium)."""

import json
import os
from pathlib import Path

import numpy as np
import optax
import pytest
from streamlit.testing.v1 import AppTest

import network as m
from network import _mlp
from network import views as v
from optimizers._schedules import make_schedule, schedule_args

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages/8_Neural_network.py")


@pytest.fixture(scope="module")
def data():
    x, y = m.make_dataset("moons", 300, 0.15, seed=0)  # the page's size: shared executables
    xv, yv = m.make_dataset("moons", 300, 0.15, seed=1)
    x, xv = m.standardize(x, xv)
    return x, y, xv, yv


@pytest.fixture(scope="module")
def trained(data):
    x, y, xv, yv = data
    return x, y, m.train_mlp(x, y, xv, yv, optimizer="adam", lr=0.02, steps=300, batch=32)


@pytest.mark.parametrize("name", m.DATASETS)
def test_datasets_are_balanced_two_class(name):
    x, y = m.make_dataset(name, 300, 0.1, seed=3)
    assert x.shape == (300, 2) and set(np.unique(y)) == {0, 1} and abs(y.mean() - 0.5) < 1e-9


def test_training_learns_moons_and_records_100_checkpoints(trained):
    _, _, run = trained
    assert run.train_acc[-1] > 0.95 and run.val_acc[-1] > 0.9
    assert run.thetas.shape == (101, 522) and run.steps_at[0] == 0 and run.steps_at[-1] == 300
    np.testing.assert_array_equal(run.thetas[-1], run.final)


def test_moving_a_slider_never_recompiles(data):
    """lr, steps, seed, noise, init and its scale, activation, residual, LayerNorm, the depth and
    the width (up to 32: padded), the batch size (up to 32: padded) and the schedule are traced:
    one compiled training loop per (optimizer, padded batch, padded width)."""
    x, y, xv, yv = data
    f = _mlp._trainer("adam", 32, len(x), 32)
    before = f._cache_size()
    for i, (lr, steps, act, res, ln, init, scale) in enumerate(
        [
            (0.05, 100, "tanh", False, False, "glorot", 1.0),
            (0.1, 700, "relu", True, False, "he", 0.5),
            (0.02, 2000, "tanh", True, True, "zeros", 0.0),
        ]
    ):
        arch = m.Arch(2, (20, 4, 32)[i], act, res, ln)  # widths 20, 4, 32: padded to 32
        deep = m.Arch(1 + 3 * i, (20, 8, 16)[i])  # depths 1, 4, 7: the same executables
        th = m.train_mlp(x, y, xv, yv, arch=deep, steps=10).final
        m.loss_slice(th, th, th, x, y, deep, n=5)
        m.decision_grid(th, deep, m.data_bounds(x), n=30)
        xs = x + 0.01 * i
        run = m.train_mlp(
            xs, y, xv, yv, optimizer="adam", lr=lr, arch=arch, init=init, init_scale=scale,
            batch=(32, 8, 1)[i], steps=steps, seed=i, schedule=("constant", "cosine", "sgdr")[i],
        )  # fmt: skip
        assert run.steps_at[-1] == steps
        th = run.final
        for n in (5, 41):
            m.loss_slice(th, th, th, xs, y, arch, n=n)
        m.interpolation_1d(th, 0 * th, xs, y, arch, n=61)
        m.decision_grid(th, arch, m.data_bounds(xs), n=30 + i)
    assert f._cache_size() == 1 and before <= 1
    assert _mlp._plane_fn(32)._cache_size() == 1
    assert _mlp._proba_fn(32)._cache_size() == 1


def test_slice_center_equals_training_loss(trained):
    x, y, run = trained
    th = run.final
    d1 = m.filter_normalized_direction(th, run.sizes, seed=1)
    d2 = m.filter_normalized_direction(th, run.sizes, seed=2)
    sl = m.loss_slice(th, d1, d2, x, y, run.arch, n=41)
    assert sl.loss.shape == (41, 41)
    assert sl.loss[20, 20] == pytest.approx(run.train_loss[-1], rel=2e-5)  # float32 slice


def test_filter_normalization_preserves_per_filter_norms(trained):
    _, _, run = trained
    th = run.final
    d = m.filter_normalized_direction(th, run.sizes, seed=5)
    for w, shape, b in m.layer_slices(run.sizes):
        np.testing.assert_allclose(
            np.linalg.norm(d[w].reshape(shape), axis=0),
            np.linalg.norm(th[w].reshape(shape), axis=0),
            rtol=1e-12,
        )
        assert (d[b] == 0).all()


def test_pca_by_gram_matches_svd_and_reproduces_in_plane_losses(trained):
    x, y, run = trained
    th = run.final
    pca = m.pca_directions([run.thetas], th)
    _, s, vt = np.linalg.svd(run.thetas - th, full_matrices=False)
    assert pca.explained[0] == pytest.approx(s[0] ** 2 / (s**2).sum(), rel=1e-9)
    assert abs(pca.u1 @ vt[0]) == pytest.approx(1, abs=1e-9)
    assert abs(pca.u2 @ vt[1]) == pytest.approx(1, abs=1e-9)
    ea, eb = m.pca_extent(pca.coords)
    sl = m.loss_slice(th, pca.u1, pca.u2, x, y, run.arch, n=41, extent=ea, extent2=eb)
    c = pca.coords[0]
    projected = th[None] + c[:, :1] * pca.u1[None] + c[:, 1:] * pca.u2[None]
    exact = m.losses_at(projected, x, y, run.arch)
    interp = m.interpolate_slice(sl, c[:, 0], c[:, 1])
    h2 = max(np.diff(sl.alphas)[0], np.diff(sl.betas)[0]) ** 2
    curv = max(np.abs(np.diff(sl.loss, 2, 0)).max(), np.abs(np.diff(sl.loss, 2, 1)).max()) / h2
    np.testing.assert_allclose(interp, exact, atol=curv * h2 / 4 + 1e-5)


def test_interpolation_endpoints(trained):
    x, y, run = trained
    t, li = m.interpolation_1d(run.thetas[0], run.final, x, y, run.arch, n=61)
    assert li[np.argmin(np.abs(t))] == pytest.approx(run.train_loss[0], rel=2e-5)
    assert li[np.argmin(np.abs(t - 1))] == pytest.approx(run.train_loss[-1], rel=2e-5)


def test_ema_and_swa_are_the_averages_of_the_iterates(data):
    x, y, xv, yv = data
    run = m.train_mlp(x, y, xv, yv, optimizer="adam", lr=0.01, steps=100, ema_decay=0.9)
    th = run.thetas  # 100 steps: every step is a checkpoint
    np.testing.assert_allclose(run.swa, th[51:].mean(0), rtol=1e-9, atol=1e-12)
    w = 0.1 * 0.9 ** np.arange(99, -1, -1)
    np.testing.assert_allclose(run.ema, (w[:, None] * th[1:]).sum(0) / (1 - 0.9**100), rtol=1e-9)


def test_gradients_vanish_with_depth_at_a_small_init(data):
    """The notes' vanishing gradient (梯度消失), measured: tanh, Gaussian init x0.25."""
    x, y, xv, yv = data
    q = {}
    for depth in (1, 8):
        arch = m.Arch(depth, 20, "tanh")
        run = m.train_mlp(x, y, xv, yv, arch=arch, init="gaussian", init_scale=0.25, steps=100)
        kind, q[depth] = v.gradient_verdict(run)
        ratio = run.grad_norm[0, 0] / run.grad_norm[0, -1]
        assert run.grad_norm.shape == (101, depth)
        assert q[depth] == pytest.approx(ratio)
        assert kind == ("vanishing" if ratio < 0.1 else "exploding" if ratio > 10 else "balanced")
    assert q[1] == 1.0 and q[8] < 0.05 and v.gradient_verdict(run)[0] == "vanishing"
    # residual connections carry the gradient back
    res = m.train_mlp(
        x, y, xv, yv, arch=m.Arch(8, 20, "tanh", True), init="gaussian", init_scale=0.25, steps=100
    )
    assert v.gradient_verdict(res)[1] > 20 * q[8]


def test_zero_init_never_breaks_the_symmetry(data):
    x, y, xv, yv = data
    arch = m.Arch(2, 20, "tanh")
    run = m.train_mlp(x, y, xv, yv, arch=arch, init="zeros", steps=200, lr=0.05)
    assert m.distinct_units(run.final, arch.sizes) == [1, 1]
    assert v.gradient_verdict(run)[0] == "zero"
    ok = m.train_mlp(x, y, xv, yv, arch=arch, init="glorot", steps=200, lr=0.05)
    assert m.distinct_units(ok.final, arch.sizes) == [20, 20]


def test_divergence_is_reported(data):
    x, y, _, yv = data
    raw = m.raw_units(x) * 100
    run = m.train_mlp(raw, y, raw, yv, optimizer="adam", lr=1e7, steps=200)  # |step| = lr
    assert run.diverged_at == 1 and np.all(np.isfinite(run.final))
    np.testing.assert_array_equal(run.final, run.thetas[0])  # the weights stop where they were


def test_ensemble_accuracy_is_the_mean_prediction():
    p = np.array([[0.9, 0.4, 0.2], [0.2, 0.8, 0.4], [0.6, 0.7, 0.9]])
    y = np.array([1, 1, 0])
    np.testing.assert_allclose(m.ensemble_accuracy(p, y), [2 / 3, 1.0, 1.0])
    np.testing.assert_allclose(m.ensemble_accuracy(p[1:], y), [2 / 3, 1 / 3])


def test_views_follow_the_numbers():
    """Independent networks have a higher interpolation barrier than one run's average; the page's
    smoothness sentence follows the measured roughness."""
    cfg = v.Config(data="moons", noise=0.3, steps=100, runs=(("adam", 0.01),))
    main = v.train(cfg)[0]
    ens = v.ensembles(cfg, main)
    assert set(ens["acc"]) == {"seeds", "learning rates", "checkpoints"}
    avg = v.averaging(cfg, main, ens["members"])
    assert avg["barrier_independent"] > avg["barrier_run"]
    assert v.smoother_verdict(1.0, 0.5) == "smoother" and v.smoother_verdict(1.0, 1.05) == "same"


def test_limits():
    x, y = m.make_dataset("moons", 50, 0.1)
    with pytest.raises(ValueError, match="Hessian"):
        m.train_mlp(x, y, x, y, optimizer="newton")
    with pytest.raises(ValueError, match="steps"):
        m.train_mlp(x, y, x, y, steps=10**6)
    with pytest.raises(ValueError, match="depth"):
        m.Arch(depth=9)


def _app(query=None):
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params.update(query or {})
    return at.run()


def test_network_page_runs_every_view():
    at = _app({"mlp:steps": "100", "mlp:noise": "0.3", "mlp:cmp": "false"})
    assert not at.exception and len(at.get("plotly_chart")) == 3
    # the loss chart names its cross (the lowest validation loss) in the legend
    loss = json.loads(at.get("plotly_chart")[0].proto.spec)
    named = [t["name"] for t in loss["data"] if t.get("legendgroup") == "marks"
             and t.get("showlegend") is not False]  # fmt: skip
    assert named == ["lowest validation loss"]
    for view, charts in [
        ("landscape", 3),
        ("layers", 2),
        ("residual & LayerNorm", 2),
        ("ensembles", 1),
        ("averaging", 1),
        ("Muon (matrices)", 2),
    ]:
        at.radio(key="mlp:view").set_value(view).run()
        assert not at.exception, view
        assert len(at.get("plotly_chart")) == charts, view
        if view == "averaging":
            assert "Interpolation barrier" in " ".join(c.value for c in at.caption)
        if view == "ensembles":  # the ensemble size counts members: whole-number ticks
            xa = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["xaxis"]
            assert xa["dtick"] == 1 and xa["tickmode"] == "linear"
    text = " ".join(md.value for md in at.markdown)
    from network import _matrix

    assert v.muon_summary(_matrix.matrix_race()) in text


def test_the_smoothness_sentence_is_the_measured_one():
    at = _app({"mlp:steps": "100", "mlp:view": "residual & LayerNorm", "mlp:cmp": "false"})
    assert not at.exception
    cfg = v.Config(steps=100, runs=(("adam", 0.01),))
    r = v.resln(cfg)
    verdict = v.smoother_verdict(r["plain"]["roughness"], r["with"]["roughness"])
    text = " ".join(md.value for md in at.markdown)
    want = {"smoother": "claim holds", "rougher": "does **not** hold", "same": "does **not** show"}
    assert want[verdict] in text and f"{r['with']['roughness']:.3f}" in text


def test_a_link_sets_every_widget_and_bad_values_are_clamped_with_one_warning():
    q = {"mlp:depth": "1", "mlp:width": "20", "mlp:lr0": "0.05", "mlp:act": "relu",
         "mlp:res": "true", "mlp:sched": "cosine", "mlp:steps": "200", "mlp:view": "layers",
         "mlp:cmp": "false"}  # fmt: skip
    at = _app(q)
    assert not at.exception and not at.warning
    assert at.slider(key="mlp:depth").value == 1 and at.select_slider(key="mlp:width").value == 20
    assert at.select_slider(key="mlp:lr0").value == 0.05 and at.toggle(key="mlp:res").value
    assert at.selectbox(key="mlp:sched").value == "cosine" and at.radio(key="mlp:view").value == (
        "layers"
    )
    bad = _app({"mlp:depth": "0", "mlp:width": "21", "mlp:act": "sigmoid", "mlp:steps": "7",
                "mlp:cmp": "false", "mlp:lr0": "nan"})  # fmt: skip
    assert not bad.exception and len(bad.warning) == 1
    assert bad.slider(key="mlp:depth").value == 1 and bad.selectbox(key="mlp:act").value == "tanh"
    assert bad.select_slider(key="mlp:steps").value == 100
    assert bad.select_slider(key="mlp:width").value == 20
    assert bad.select_slider(key="mlp:lr0").value == 0.01


LINK_Q = "mlp:depth=3&mlp:lr0=0.05&mlp:steps=200&mlp:noise=0.3&mlp:seed=4"


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="chromium not installed")
def test_a_link_shows_the_same_numbers_in_a_fresh_browser(server):
    """A link with non-default settings, opened in a fresh browser: the caption's numbers are the
    ones the server computes for that link (AppTest)."""
    from tests.browser import browser

    q = LINK_Q
    at = _app(dict(kv.split("=") for kv in q.split("&")))
    want = next(c.value for c in at.caption if c.value.startswith("Validation set"))
    with browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{server}/Neural_network?{q}")
        cap = page.get_by_text("Validation set: 300 fresh points").first
        cap.wait_for(timeout=240_000)
        assert cap.inner_text().strip() == want.replace("**", "")
        assert page.locator("[data-testid=stException]").count() == 0
        page.screenshot(path="/tmp/mlp_link.png", full_page=True)


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="chromium not installed")
def test_training_charts_stack_at_1024_and_sit_side_by_side_at_1920(server, ctx):
    """At 1024 px (sidebar open) the three charts were 274 px wide: legends took half of each, the
    loss chart's y labels ran together, the decision map was a 274 x 600 strip. Now each is the
    page's full width, the loss labels apart, the cross named in the legend and the map about
    square; at 1920 px the curves and the map sit side by side. (The previous test's link: its
    runs are trained on this server already.)"""
    from tests.browser import wait_for_plots
    from tests.test_viz_browser import charts_on, overlap

    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/Neural_network?{LINK_Q}")
    wait_for_plots(page, 3, timeout=240_000)
    page.wait_for_timeout(1000)
    loss, acc, dec = charts_on(page)
    for c in (loss, acc, dec):
        assert c["box"][2] - c["box"][0] >= 520, (c["title"], c["box"])
    assert loss["box"][3] <= acc["box"][1] and acc["box"][3] <= dec["box"][1]  # one under another
    ticks = loss["ytickboxes"]
    assert 3 <= len(ticks) <= 5, loss["yticks"]
    assert not any(overlap(a, b) for i, a in enumerate(ticks) for b in ticks[i + 1 :])
    assert "lowest validation loss" in loss["entries"]
    (p,) = dec["plots"]
    assert 0.7 <= (p[2] - p[0]) / (p[3] - p[1]) <= 1.4, p  # the moons keep their shape
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(1500)
    loss, acc, dec = charts_on(page)
    assert dec["box"][0] > loss["box"][2] and abs(dec["box"][1] - loss["box"][1]) < 2
    assert min(c["box"][2] - c["box"][0] for c in (loss, acc, dec)) >= 600
    page.close()


# --- where the gradient is taken (eval_point), against a numpy loop -------------------------------


def _np_grad(theta, x, y, sizes):
    """Textbook backpropagation of a tanh MLP with softmax cross-entropy (numpy, float64)."""
    layers = [(theta[w].reshape(shape), theta[b]) for w, shape, b in m.layer_slices(sizes)]
    hs = [x]
    for w, b in layers[:-1]:
        hs.append(np.tanh(hs[-1] @ w + b))
    z = hs[-1] @ layers[-1][0] + layers[-1][1]
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    d = (p - np.eye(2)[y]) / len(y)  # dL/dlogits
    g = np.zeros_like(theta)
    for i in range(len(layers) - 1, -1, -1):
        w_sl, _, b_sl = m.layer_slices(sizes)[i]
        g[w_sl] = (hs[i].T @ d).ravel()
        g[b_sl] = d.sum(0)
        if i:
            d = (d @ layers[i][0].T) * (1 - hs[i] ** 2)
    return g


@pytest.mark.parametrize(
    "name, hp",
    [
        ("nesterov", {"momentum": 0.9}),
        ("sam", {"rho": 0.3}),
        ("schedule_free_sgd", {"b1": 0.8}),
        ("schedule_free_adamw", {"b1": 0.9, "weight_decay": 0.01}),
    ],
)
def test_the_gradient_is_taken_where_the_rule_says(name, hp):
    """Nesterov (the notes' look-ahead), SAM (perturbed point) and Schedule-Free (y) on a tiny
    network, mini-batches of 8: the trained weights equal the registry's textbook code run in
    numpy with a numpy backpropagation, step for step (rtol 1e-10)."""
    import optimizers

    x, y = m.make_dataset("xor", 24, 0.2, seed=2)
    arch, steps, batch, lr = m.Arch(2, 4, "tanh"), 12, 8, 0.1  # the tiny tests share a shape
    run = m.train_mlp(
        x, y, x, y, optimizer=name, lr=lr, hparams=hp, arch=arch, init="gaussian", batch=batch,
        steps=steps, seed=3,
    )  # fmt: skip
    spec = optimizers.get(name)
    order = _mlp.batch_order(3, steps, batch, len(x))
    ns = {"np": np, "learning_rate": lr, **spec.hparams(hp)}
    ns["x"] = m.init_params(arch.sizes, "gaussian", seed=3).copy()
    exec(spec.textbook_init.replace("np.zeros(2)", "np.zeros_like(x)"), ns)
    for t in range(1, steps + 1):
        idx = order[(t - 1) * batch : t * batch]
        ns["t"] = t
        ns["grad"] = lambda p, i=idx: _np_grad(p, x[i], y[i], arch.sizes)
        ns["dx"] = ns["grad"](ns["x"])
        exec(spec.textbook, ns)
        np.testing.assert_allclose(run.thetas[t], ns["x"], rtol=1e-10, atol=1e-13)
    from ui import _network

    assert name in _network._first_order()  # offered on the page
    # and it differs from taking the gradient at the weights (the test can fail)
    plain = {"nesterov": "momentum", "sam": "sgd"}.get(name)
    if plain:
        other = m.train_mlp(
            x, y, x, y, optimizer=plain, lr=lr, hparams={k: v for k, v in hp.items() if k != "rho"},
            arch=arch, init="gaussian", batch=batch, steps=steps, seed=3,
        )  # fmt: skip
        assert np.abs(other.final - run.final).max() > 1e-4


# --- Muon: matrices only -------------------------------------------------------------------------


def _muon_textbook(grads, lr, beta=0.95):
    """The spec's numpy code, run on a sequence of gradients of one matrix (W starts at 0)."""
    spec = m.MUON
    ns = {"np": np, "learning_rate": lr, "beta": beta, "W": np.zeros_like(grads[0])}
    exec(spec.textbook_init, ns)
    out = []
    for t, g in enumerate(grads, 1):
        ns.update(t=t, dW=g)
        exec(spec.textbook, ns)
        out.append(ns["W"].copy())
    return out


def test_muon_is_the_textbook_newton_schulz_and_never_a_point_optimizer():
    import jax
    import optax

    import optimizers
    from optimizers._modern import muon

    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(8, 8)) for _ in range(3)]
    opt, w = muon(0.1), np.zeros((8, 8))
    st = opt.init(w)
    want = _muon_textbook(grads, 0.1)
    for g, ref in zip(grads, want, strict=True):
        with jax.numpy_dtype_promotion("standard"):
            u, st = opt.update(g, st, w)
        w = np.asarray(optax.apply_updates(w, u))
        np.testing.assert_allclose(w, ref, rtol=1e-10, atol=1e-13)
    s = np.linalg.svd(want[0] / 0.1, compute_uv=False)  # a well-conditioned gradient: all ~1
    assert 0.6 < s.min() and s.max() < 1.2
    # not a 2-D point optimizer: not in the registry the Playground and Compare list
    assert "muon" not in optimizers.names() and "muon" not in optimizers.titles()
    from ui import _network

    assert "muon" in _network._first_order()


def test_muon_on_the_network_orthogonalises_hidden_matrices_only():
    """One step on a 3-layer network: each hidden-to-hidden matrix moves by the textbook Muon
    update of its own gradient; the input and output layers and biases move by AdamW's step."""
    x, y = m.make_dataset("xor", 24, 0.2, seed=2)
    arch, lr = m.Arch(3, 4, "tanh"), 0.05
    run = m.train_mlp(x, y, x, y, optimizer="muon", lr=lr, arch=arch, init="gaussian", batch=8,
                      steps=1, seed=3)  # fmt: skip
    th0 = m.init_params(arch.sizes, "gaussian", seed=3)
    i = _mlp.batch_order(3, 1, 8, len(x))[:8]
    g = _np_grad(th0, x[i], y[i], arch.sizes)
    d = run.final - th0
    sl = m.layer_slices(arch.sizes)
    for i, (w, shape, _) in enumerate(sl):
        if 0 < i < len(sl) - 1:
            ref = _muon_textbook([g[w].reshape(shape)], lr)[0]
            np.testing.assert_allclose(d[w].reshape(shape), ref, rtol=1e-9, atol=1e-12)
        else:  # AdamW's first step (optax's Nesterov form): the same size on every coordinate
            nz = np.abs(g[w]) > 1e-5
            np.testing.assert_allclose(np.abs(d[w][nz]), np.abs(d[w][nz]).max(), rtol=1e-4)
            assert np.all(np.sign(d[w][nz]) == -np.sign(g[w][nz]))


def test_the_matrix_race_shows_muon_s_flat_spectrum():
    from network import _matrix

    r = _matrix.matrix_race(steps=60)
    mu, sgd = r.sv["muon"], r.sv["sgd"]
    assert mu.shape == (60, 8) and 0.6 < mu[:50].min() and mu[:50].max() < 1.2
    assert sgd[0, 0] / sgd[0, -1] > 50  # the gradient's conditioning, kappa(A)^2 = 100
    for k in r.loss:
        assert r.loss[k][-1] < 0.5 * r.loss[k][0]
    text = v.muon_summary(r)
    assert f"{mu[0].min():.2f}" in text and f"{sgd[0, 0] / sgd[0, -1]:.0f}" in text
    a, b, _ = _matrix.matrix_problem()
    sign = np.sign(a.T @ b)  # Adam's first step is -lr sign(gradient)
    assert f"rank {np.linalg.matrix_rank(sign)} here" in text
    np.testing.assert_allclose(r.sv["adam"][0], np.linalg.svd(sign, compute_uv=False), atol=1e-4)


# --- the padded network equals the plain one -----------------------------------------------------


def _plain_reference(x, y, arch, optimizer, lr, steps, batch, seed, init="gaussian", sched=None):
    """The unpadded network trained step by step in plain Python (optax directly, the network's
    own ``sizes``), with its full-batch loss, layer spread and |dL/dh| after each step."""
    import jax

    sizes, flags = arch.sizes, arch.flags()
    spec = m.opt_spec(optimizer)
    hp = spec.hparams(None)
    rate = lr if sched is None else (lambda c: lr * sched(c))
    opt = m.muon_flat(sizes, rate, **hp) if optimizer == "muon" else spec.factory(rate, **hp)
    th = jax.numpy.asarray(m.init_params(sizes, init, seed=seed))
    with jax.numpy_dtype_promotion("standard"):
        st = opt.init(th)
    order = _mlp.batch_order(seed, steps, batch, len(x))
    loss = lambda p, xb, yb: _mlp._loss_acc(p, xb, yb, sizes, flags)[0]

    @jax.jit
    def stats(th):
        hs, _ = _mlp._hidden(th, x, sizes, flags)

        def le(e):
            lg = _mlp._hidden(th, x, sizes, flags, e)[1]
            return optax.softmax_cross_entropy_with_integer_labels(lg, y).mean()

        g = jax.grad(le)(jax.numpy.zeros_like(hs))
        return loss(th, x, y), hs.std(axis=(1, 2)), jax.numpy.sqrt((g**2).sum(axis=(1, 2)))

    @jax.jit
    def step(th, st, xb, yb):
        with jax.numpy_dtype_promotion("standard"):
            u, st = opt.update(jax.grad(loss)(th, xb, yb), st, th)
        return th + u, st

    out = []
    for t in range(steps):
        i = order[t * batch : (t + 1) * batch]
        th, st = step(th, st, x[i], y[i])
        lo, sd, gn = stats(th)
        out.append((np.asarray(th), float(lo), np.asarray(sd), np.asarray(gn)))
    return out


@pytest.mark.parametrize(
    "arch, optimizer, schedule",
    [
        (m.Arch(1, 4, "tanh"), "adam", "constant"),
        (m.Arch(3, 4, "relu", True, True), "adam", "step"),  # the schedule's kind is data
        (m.Arch(3, 4, "tanh", False, True), "muon", "constant"),
        (m.Arch(2, 40, "relu", True, True), "adam", "cosine"),  # padded to 64 units
    ],
)
def test_the_padded_network_trains_exactly_like_the_plain_one(arch, optimizer, schedule):
    """One compiled loop for every depth (the unused layers skipped), width up to 32 (the unused
    units masked to zero; 33-64 padded to 64) and batch size (here 8 rows of a padded 24): the
    weights, losses, layer spreads and back-propagated norms equal the plain network's, step for
    step (rtol 1e-10)."""
    x, y = m.make_dataset("spirals", 24, 0.1, seed=1)
    steps, batch = 6, 8
    sargs = {"constant": {}, "step": {"step_size": 2, "gamma": 0.3}, "cosine": {"decay_steps": 5}}
    run = m.train_mlp(x, y, x, y, optimizer=optimizer, lr=0.05, arch=arch, init="gaussian",
                      batch=batch, steps=steps, seed=2, schedule=schedule,
                      schedule_args_=sargs[schedule])  # fmt: skip
    sched = make_schedule(schedule, schedule_args(schedule, sargs[schedule]))
    ref = _plain_reference(x, y, arch, optimizer, 0.05, steps, batch, 2, sched=sched)
    assert run.thetas.shape == (steps + 1, arch.n_params)
    for t, (th, loss, sd, gn) in enumerate(ref, 1):
        np.testing.assert_allclose(run.thetas[t], th, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(run.train_loss[t], loss, rtol=1e-10)
        np.testing.assert_allclose(run.act_std[t], sd, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(run.grad_norm[t], gn, rtol=1e-10, atol=1e-14)


def test_ensemble_members_are_the_single_runs_in_one_vmapped_call(data):
    x, y, xv, yv = data
    arch = m.Arch(3, 20)
    many = m.train_many(x, y, xv, yv, lrs=[0.01, 0.03], seeds=[4, 5], arch=arch, steps=40)
    for r, lr, s in zip(many, (0.01, 0.03), (4, 5), strict=True):
        one = m.train_mlp(x, y, xv, yv, lr=lr, seed=s, arch=arch, steps=40)
        np.testing.assert_allclose(r.final, one.final, rtol=1e-10, atol=1e-13)
        assert np.isnan(r.ema).all() and np.isnan(r.swa).all()  # not computed for members


def test_warm_up_compiles_what_the_page_then_uses(data, monkeypatch):
    """After ``warm_up(["adam"])`` the page's runs, ensembles and views with Adam (any schedule,
    width up to 32) compile nothing; the background warm-up starts once per process."""
    spent = m.warm_up(["adam"], widths=(20,))
    assert set(spent) == {"views/20", "adam/20/32"}
    cfg = v.Config(width=8, depth=3, sched="cosine", runs=(("adam", 0.05),), steps=100)
    fs = [
        _mlp._trainer("adam", 32, 300, 32),
        _mlp._trainer_many("adam", 32, 300, 32),
        _mlp._plane_fn(32),
        _mlp._proba_fn(32),
    ]
    sizes = [f._cache_size() for f in fs]
    run = v.train(cfg)[0]
    v.ensembles(cfg, run)
    v.decision(cfg, run)
    assert [f._cache_size() for f in fs] == sizes
    calls = []
    monkeypatch.setattr(_mlp, "_warming", [])
    monkeypatch.setattr(_mlp, "warm_up_all", lambda **kw: calls.append(kw))
    t = m.warm_up_background()
    assert m.warm_up_background() is t
    t.join(5)
    assert len(calls) == 1 and calls[0]["rotate"] == os.getpid()
