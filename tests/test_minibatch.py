"""Real mini-batches (lessons/_minibatch.py) and the Batch size page: the sampling, the noise's
mean and covariance, the linear scaling rule, the noise floor, and what the page says."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons import _minibatch as mb

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=mb.KINDS)
def prob(request):
    return mb.make_problem(request.param)


def test_minimum_is_where_the_full_gradient_vanishes(prob):
    g = mb.example_grads(prob, prob.w_star).mean(axis=0)
    assert np.abs(g).max() < 1e-10
    assert prob.f_star == pytest.approx(mb.example_losses(prob, prob.w_star).mean())


@pytest.mark.parametrize("batch", [1, 3, 8, 64])
def test_batches_never_repeat_within_an_epoch(batch):
    n = 64
    steps = 3 * (n // batch)
    idx, mask, sizes = mb.batch_plan(n, batch, steps, seed=5)
    assert (sizes == batch).all() and mask.sum() == steps * batch
    per_epoch = n // batch
    for e in range(3):
        used = idx[e * per_epoch : (e + 1) * per_epoch][mask[e * per_epoch : (e + 1) * per_epoch]]
        assert len(np.unique(used)) == len(used) == per_epoch * batch  # without replacement
    assert not np.array_equal(idx[:per_epoch], idx[per_epoch : 2 * per_epoch])  # reshuffled
    assert set(idx[mask].tolist()) <= set(range(n))


def test_growing_batch_doubles_every_k_epochs():
    n = 64
    steps = mb.steps_for_epochs(n, 2, 6, growth=2.0, every_epochs=2)
    assert steps == 2 * 32 + 2 * 16 + 2 * 8
    _, mask, sizes = mb.batch_plan(n, 2, steps, growth=2.0, every_epochs=2)
    assert list(np.unique(sizes)) == [2, 4, 8]
    assert (mask.sum(axis=1) == sizes).all()


def test_one_epoch_of_batches_averages_to_the_full_gradient(prob):
    """B divides N: the mean of one epoch's batch gradients is the full gradient, exactly."""
    w = np.array([0.3, -0.7])
    g = mb.example_grads(prob, w)
    idx, _, _ = mb.batch_plan(prob.n, 16, prob.n // 16, seed=3)
    np.testing.assert_allclose(g[idx].mean(axis=1).mean(axis=0), g.mean(axis=0), atol=1e-13)


@pytest.mark.parametrize("batch", [1, 4, 16, 64])
def test_noise_mean_and_covariance(prob, batch):
    """Unbiased, and the covariance is (N-B)/(B(N-1)) Sigma: within sampling error over 20,000
    batches (means within 5 standard errors, the trace within 10%)."""
    w = np.array([-1.0, 1.5])
    draws = 20_000
    mean, cov, full, pred = mb.gradient_noise(prob, w, batch, draws=draws, seed=batch)
    se = np.sqrt(np.diag(pred) / draws)
    assert (np.abs(mean - full) < 5 * se).all()
    assert np.trace(cov) == pytest.approx(np.trace(pred), rel=0.1)
    n = prob.n
    assert mb.noise_scale(prob, w, batch) == pytest.approx(np.trace(pred))
    assert mb.noise_scale(prob, w, n) == 0.0  # B = N: no noise at all
    # the page's caption: four times the batch halves the standard deviation (for B << N)
    if 4 * batch < n:
        ratio = mb.noise_scale(prob, w, batch) / mb.noise_scale(prob, w, 4 * batch)
        assert ratio == pytest.approx(4 * (n - batch) / (n - 4 * batch), rel=1e-12)
        assert ratio >= 4


def test_a_step_goes_down_its_own_batch_gradient(prob):
    r = mb.minibatch_run(prob, lr=0.05, batch=8, steps=5, seed=2)
    idx, _, _ = mb.batch_plan(prob.n, 8, 5, seed=2)
    x = r.points[0]
    for t in range(5):
        g = mb.example_grads(prob, x)[idx[t]].mean(axis=0)
        x = x - 0.05 * g
        np.testing.assert_allclose(r.points[t + 1], x, rtol=0, atol=1e-13)
        bl = mb.example_losses(prob, r.points[t])[idx[t]].mean()
        assert r.batch_loss[t] == pytest.approx(bl, rel=1e-12)
    np.testing.assert_allclose(r.lr, 0.05)
    assert list(r.samples) == [0, 8, 16, 24, 32, 40]


def test_full_batch_map_is_the_all_examples_map(prob):
    b = mb.bounds_for(prob)
    z = mb.full_loss_grid(prob, b, 11)
    np.testing.assert_allclose(z, mb.full_loss_grid(prob, b, 11, np.arange(prob.n)), rtol=1e-14)
    w = np.array([b[0][0], b[1][0]])
    assert z[0, 0] == pytest.approx(mb.example_losses(prob, w).mean(), rel=1e-12)


def test_sliders_never_recompile():
    p = mb.make_problem("least_squares")
    mb.minibatch_run(p, lr=0.1, batch=4, steps=100)
    fn = mb._runner("least_squares", "sgd", "constant", False)
    before = fn._cache_size()
    for lr, b, s, seed in [(0.01, 1, 10, 1), (0.3, 64, 3000, 2), (0.02, 256, 777, 3)]:
        mb.minibatch_run(p, lr=lr, batch=b, steps=s, seed=seed)
    assert fn._cache_size() == before


def test_linear_scaling_holds_at_small_rates_and_breaks_at_large():
    """The page's verdicts on least squares: (B, lr) vs (4B, 4lr) per sample."""
    p = mb.make_problem("least_squares")
    gaps = [mb.scaling_pair(p, lr=0.01, batch=4, seed=s)[2] for s in range(2)]
    assert max(gaps) <= mb.SCALING_TOLERANCE
    assert mb.scaling_verdict(max(gaps)) == "holds"
    a, b, gap = mb.scaling_pair(p, lr=0.05, batch=4)
    assert gap > 1.0 and mb.scaling_verdict(gap) == "fails"
    assert a.samples[-1] == b.samples[-1] == 10 * p.n  # the same 10 epochs


def test_noise_floor_race_at_the_page_defaults():
    """Constant rate levels off; decay, a growing batch and reduce-on-plateau all end lower; the
    growing batch takes fewer updates; the schedules are the ones the caption names."""
    for kind, lr in (("least_squares", 0.05), ("logistic", 0.5)):  # the page's default, and
        p = mb.make_problem(kind)  # a rate at which the flatter logistic loss reaches its floor
        race = mb.floor_race(p, lr=lr, batch=8, epochs=40)
        fl = race.floors()
        assert mb.reached_floor(race)
        for m in ("step decay", "growing batch", "reduce on plateau"):
            assert fl[m] < fl["constant rate"] / 1.2, (kind, m, fl)
        assert fl["step decay"] < fl["constant rate"] / 5
        assert len(race.runs["growing batch"].batch) < len(race.runs["constant rate"].batch)
        per = p.n // 8
        decay = race.runs["step decay"].lr
        assert decay[0] == lr and decay[8 * per] == lr / 2 and decay[16 * per] == lr / 4
        grow = race.runs["growing batch"]
        assert grow.batch[0] == 8 and set(np.unique(grow.batch)) == {8, 16, 32, 64, 128}
        assert (grow.lr == lr).all()
        plateau = race.runs["reduce on plateau"].lr
        assert plateau[-1] < lr and set(np.round(plateau / lr, 12)) <= {
            0.5**i for i in range(10)
        } | {1e-3}
        text = mb.floor_summary(race)
        assert f"{fl['constant rate']:.3g}" in text and "no lower" not in text


def test_floor_summary_says_when_there_is_no_floor_yet():
    p = mb.make_problem("least_squares")
    race = mb.floor_race(p, lr=0.002, batch=64, epochs=10)
    assert not mb.reached_floor(race)
    assert "still going downhill" in mb.floor_summary(race)


def test_bad_input_is_refused_with_a_message():
    p = mb.make_problem("logistic")
    with pytest.raises(ValueError, match="batch size"):
        mb.minibatch_run(p, batch=0)
    with pytest.raises(ValueError, match="Hessian"):
        mb.minibatch_run(p, optimizer="newton")
    with pytest.raises(ValueError, match="unknown problem"):
        mb.make_problem("svm")


def test_page_shows_the_engine_numbers():
    at = AppTest.from_file(str(ROOT / "app_pages/9_Batch_size.py"), default_timeout=300).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    p = mb.make_problem("least_squares")
    race = mb.floor_race(p, lr=0.05, batch=8, epochs=40)
    assert mb.floor_summary(race) in text
    gap = mb.scaling_pair(p, lr=0.05, batch=8, k=4)[2]
    assert f"within {gap:.2f} decades: the rule **{mb.scaling_verdict(gap)}**" in text
    assert len(at.get("plotly_chart")) == 5
    assert mb.sweep_summary(mb.lr_sweep(p)) in text
    at.select_slider(key="batch:lr").set_value(5.0).run()  # not an option: clamped, no box
    assert not at.exception


def test_small_batches_need_small_learning_rates():
    """The sweep's points are the engine's runs (vmapped), and on both problems the largest rate
    that ends below 1% of the starting gap grows with B (the page's sentence says so)."""
    for kind in mb.KINDS:
        p = mb.make_problem(kind)
        sw = mb.lr_sweep(p)
        assert sw.batches == (1, 8, 64) and sw.ratio.shape == (3, len(mb.SWEEP_LRS))
        for i, j in ((0, 9), (2, 15)):
            r = mb.minibatch_run(p, lr=float(sw.lrs[j]), batch=sw.batches[i], steps=300)
            gap = mb.tail_gap(r, p.f_star) / (r.loss[0] - p.f_star)
            assert sw.ratio[i, j] == pytest.approx(gap, rel=1e-9)
        best = list(sw.largest_good_lr().values())
        assert best[0] < best[1] < best[2], (kind, best)
        assert "grows with the batch size" in mb.sweep_summary(sw)
        assert sw.diverged[0].any() and not sw.diverged[:, :5].any()
    fake = mb.LrSweep(
        (1, 8), sw.lrs[:2], np.array([[1e-3, 1e-3], [1e-3, 0.5]]), np.zeros((2, 2), bool)
    )
    assert "does **not** grow" in mb.sweep_summary(fake)
