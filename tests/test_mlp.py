"""The small-network page: training, filter-normalized slices, PCA projection, AppTest."""

from pathlib import Path

import jax
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import network as m

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trained():
    x, y = m.make_dataset("moons", 200, 0.15, seed=0)
    xv, yv = m.make_dataset("moons", 200, 0.15, seed=1)
    x, xv = m.standardize(x, xv)
    run = m.train_mlp(x, y, xv, yv, optimizer="adam", lr=0.02, steps=300, batch=32)
    return x, y, run


@pytest.mark.parametrize("name", m.DATASETS)
def test_datasets_are_balanced_two_class(name):
    x, y = m.make_dataset(name, 300, 0.1, seed=3)
    assert x.shape == (300, 2) and set(np.unique(y)) == {0, 1} and abs(y.mean() - 0.5) < 1e-9


@pytest.mark.parametrize("init", m.INITS)
def test_every_initialization_trains(init):
    x, y = m.make_dataset("xor", 200, 0.1, seed=0)
    run = m.train_mlp(x, y, x, y, optimizer="momentum", lr=0.05, init=init, steps=200, batch=16)
    assert run.n_params == 522 and run.diverged_at is None
    assert run.train_loss[-1] < run.train_loss[0]


def test_training_learns_moons(trained):
    _, _, run = trained
    assert run.train_acc[-1] > 0.95 and run.val_acc[-1] > 0.9
    assert run.thetas.shape == (301, 522)


def test_slice_center_equals_training_loss(trained):
    x, y, run = trained
    th = run.thetas[-1]
    d1 = m.filter_normalized_direction(th, run.sizes, key=jax.random.key(1))
    d2 = m.filter_normalized_direction(th, run.sizes, key=jax.random.key(2))
    sl = m.loss_slice(th, d1, d2, x, y, run.sizes, run.activation, n=41)
    assert sl.loss.shape == (41, 41)
    assert sl.loss[20, 20] == pytest.approx(run.train_loss[-1], rel=1e-10)


def test_filter_normalization_preserves_per_filter_norms(trained):
    _, _, run = trained
    th = run.thetas[-1]
    d = m.filter_normalized_direction(th, run.sizes, key=jax.random.key(5))
    for w, shape, b in m.layer_slices(run.sizes):
        np.testing.assert_allclose(
            np.linalg.norm(d[w].reshape(shape), axis=0),
            np.linalg.norm(th[w].reshape(shape), axis=0),
            rtol=1e-12,
        )
        assert (d[b] == 0).all()
    # the flat layout really is ravel_pytree's: weights unravel to the layer's shape
    from jax.flatten_util import ravel_pytree

    params = m.init_params(run.sizes, "glorot", key=jax.random.key(0))
    flat, _ = ravel_pytree(params)
    w, shape, _ = m.layer_slices(run.sizes)[1]
    np.testing.assert_array_equal(np.asarray(flat)[w].reshape(shape), np.asarray(params[1]["w"]))


def test_pca_projection_reproduces_losses_of_an_in_plane_path(trained):
    x, y, run = trained
    th = run.thetas[-1]
    rng = np.random.default_rng(0)
    v1, v2 = rng.normal(size=(2, th.size)) * 0.05
    t = np.linspace(1, 0, 60)
    path = (
        th[None] + (t * np.cos(3 * t))[:, None] * v1[None] + (t * np.sin(2 * t))[:, None] * v2[None]
    )
    recorded = m.losses_at(path, x, y, run.sizes, run.activation)
    pca = m.pca_directions([path], th)
    assert sum(pca.explained) > 1 - 1e-9
    ea, eb = m.pca_extent(pca.coords)
    sl = m.loss_slice(
        th, pca.u1, pca.u2, x, y, run.sizes, run.activation, n=61, extent=ea, extent2=eb
    )
    interp = m.interpolate_slice(sl, pca.coords[0][:, 0], pca.coords[0][:, 1])
    # interpolation error bound from the grid's second differences
    h2 = max(np.diff(sl.alphas)[0], np.diff(sl.betas)[0]) ** 2
    curv = (
        max(np.abs(np.diff(sl.loss, 2, axis=0)).max(), np.abs(np.diff(sl.loss, 2, axis=1)).max())
        / h2
    )
    np.testing.assert_allclose(interp, recorded, atol=curv * h2 / 4 + 1e-12)


def test_pca_of_a_real_path_matches_its_slice(trained):
    x, y, run = trained
    th = run.thetas[-1]
    pca = m.pca_directions([run.thetas], th)
    ea, eb = m.pca_extent(pca.coords)
    sl = m.loss_slice(
        th, pca.u1, pca.u2, x, y, run.sizes, run.activation, n=41, extent=ea, extent2=eb
    )
    c = pca.coords[0]
    projected = th[None] + c[:, :1] * pca.u1[None] + c[:, 1:] * pca.u2[None]
    exact = m.losses_at(projected, x, y, run.sizes, run.activation)
    interp = m.interpolate_slice(sl, c[:, 0], c[:, 1])
    h2 = max(np.diff(sl.alphas)[0], np.diff(sl.betas)[0]) ** 2
    curv = (
        max(np.abs(np.diff(sl.loss, 2, axis=0)).max(), np.abs(np.diff(sl.loss, 2, axis=1)).max())
        / h2
    )
    np.testing.assert_allclose(interp, exact, atol=curv * h2 / 4 + 1e-12)


def test_interpolation_endpoints(trained):
    x, y, run = trained
    t, li = m.interpolation_1d(run.thetas[0], run.thetas[-1], x, y, run.sizes, run.activation, n=61)
    assert li[np.argmin(np.abs(t))] == pytest.approx(run.train_loss[0], rel=1e-10)
    assert li[np.argmin(np.abs(t - 1))] == pytest.approx(run.train_loss[-1], rel=1e-10)


def test_limits():
    x, y = m.make_dataset("moons", 50, 0.1)
    with pytest.raises(ValueError, match="Hessian"):
        m.train_mlp(x, y, x, y, optimizer="newton")
    with pytest.raises(ValueError, match="steps"):
        m.train_mlp(x, y, x, y, steps=10**6)


def test_network_page_runs():
    at = AppTest.from_file(str(ROOT / "app_pages/8_Neural_network.py"), default_timeout=300).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 6
