"""Cached wrappers for the teaching pages' heavier computations (keyed on small hashable specs)."""

from __future__ import annotations

import streamlit as st

import engine
import landscapes
import lessons
import network


@st.cache_data(max_entries=32, show_spinner="Running the search...")
def cached_search(
    surface: str,
    optimizer: str,
    ax: lessons.Axis,
    ay: lessons.Axis,
    budget: int,
    kind: str,
    seed: int,
    steps: int,
) -> lessons.SearchResult:
    scape = landscapes.get(surface)
    return lessons.search(
        scape,
        optimizer,
        ax,
        ay,
        budget=budget,
        kind=kind,
        seed=seed,
        steps=steps,
        f_star=scape.f_star,
    )


@st.cache_data(max_entries=32, show_spinner="Running every start...")
def cached_basins(
    surface: str, optimizer: str, n: int, steps: int, lr: float, hparams: tuple
) -> lessons.BasinMap:
    return lessons.basins(
        landscapes.get(surface), optimizer, n=n, steps=steps, lr=lr, hparams=dict(hparams)
    )


@st.cache_data(max_entries=32, show_spinner=False)
def cached_sweep_paths(
    surface: str,
    optimizer: str,
    lr: float,
    hparams: tuple,
    start: tuple,
    steps: int,
    noise: float,
    seeds: tuple,
) -> engine.SweepResult:
    scape = landscapes.get(surface)
    return engine.sweep(
        scape,
        optimizer,
        starts=start,
        lr=lr,
        hparams=dict(hparams),
        steps=steps,
        noise_std=noise,
        seeds=list(seeds),
        return_paths=True,
    )


@st.cache_data(max_entries=16, show_spinner="Training the network...")
def cached_mlp(
    dataset: str,
    noise: float,
    standardized: bool,
    hidden: tuple,
    activation: str,
    init: str,
    runs: tuple,
    batch: int,
    steps: int,
    seed: int,
    slice_n: int = 41,
):
    """Train one or two networks from the same initialization and compute every view of the page.

    ``runs`` is a tuple of ``(optimizer, lr)``. Returns a dict of plain arrays (cache-friendly)."""
    import jax

    x, y = network.make_dataset(dataset, 300, noise, seed=seed)
    xv, yv = network.make_dataset(dataset, 300, noise, seed=seed + 1000)
    if not standardized:
        x, xv = network.raw_units(x), network.raw_units(xv)
    else:
        x, xv = network.standardize(network.raw_units(x), network.raw_units(xv))
    trained = [
        network.train_mlp(
            x,
            y,
            xv,
            yv,
            optimizer=o,
            lr=lr,
            hidden=hidden,
            activation=activation,
            init=init,
            batch=batch,
            steps=steps,
            seed=seed,
        )
        for o, lr in runs
    ]
    first = trained[0]
    theta = first.thetas[-1]
    d1 = network.filter_normalized_direction(theta, first.sizes, key=jax.random.key(seed + 1))
    d2 = network.filter_normalized_direction(theta, first.sizes, key=jax.random.key(seed + 2))
    rand = network.loss_slice(theta, d1, d2, x, y, first.sizes, activation, n=slice_n)
    pca = network.pca_directions([r.thetas for r in trained], theta)
    ea, eb = network.pca_extent(pca.coords)
    pslice = network.loss_slice(
        theta, pca.u1, pca.u2, x, y, first.sizes, activation, n=slice_n, extent=ea, extent2=eb
    )
    t, interp = network.interpolation_1d(first.thetas[0], theta, x, y, first.sizes, activation)
    xs, ys, prob = network.decision_grid(theta, first.sizes, activation, network.data_bounds(x))
    return {
        "x": x,
        "y": y,
        "runs": trained,
        "rand": rand,
        "pca": pca,
        "pslice": pslice,
        "interp": (t, interp),
        "decision": (xs, ys, prob),
    }
