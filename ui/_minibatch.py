"""Cached calls of the batch-size page (small hashable keys, bounded caches)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import i18n
from lessons import _minibatch as mb


@st.cache_resource(max_entries=4)
def problem(kind: str) -> mb.Problem:
    return mb.make_problem(kind)


@st.cache_data(max_entries=32, show_spinner=False)
def run(kind: str, optimizer: str, lr: float, batch: int, steps: int, seed: int):
    return mb.minibatch_run(
        problem(kind), optimizer=optimizer, lr=lr, batch=batch, steps=steps, seed=seed
    )


@st.cache_data(max_entries=32)
def grid(kind: str, subset: tuple[int, ...] | None, n: int = 61):
    p = problem(kind)
    (x0, x1), (y0, y1) = bounds = mb.bounds_for(p)
    z = mb.full_loss_grid(p, bounds, n, None if subset is None else np.asarray(subset))
    return np.linspace(x0, x1, n), np.linspace(y0, y1, n), z


@st.cache_data(max_entries=16, show_spinner=False)
def race(kind: str, lr: float, batch: int, epochs: int, seed: int):
    return mb.floor_race(problem(kind), lr=lr, batch=batch, epochs=epochs, seed=seed)


@st.cache_data(max_entries=16)
def scaling(kind: str, lr: float, batch: int, k: int, epochs: int, seed: int):
    return mb.scaling_pair(problem(kind), lr=lr, batch=batch, k=k, epochs=epochs, seed=seed)


@st.cache_data(max_entries=16)
def noise_table(kind: str, start: tuple[float, float], batches: tuple[int, ...], lang="en"):
    _ = i18n.gettext_for(lang)
    p = problem(kind)
    rows = []
    for b in batches:
        mean, cov, full, pred = mb.gradient_noise(p, start, b, draws=4000)
        rows.append(
            {
                _("batch size B"): b,
                _("|mean of g_B - full gradient|"): f"{np.linalg.norm(mean - full):.2g}",
                _("tr Cov(g_B), measured"): f"{np.trace(cov):.4g}",
                "tr Cov(g_B), (N-B)/(B(N-1)) tr Σ": f"{np.trace(pred):.4g}",
            }
        )
    return rows


@st.cache_data(max_entries=8, show_spinner=False)
def sweep(kind: str, seed: int):
    return mb.lr_sweep(problem(kind), seed=seed)
