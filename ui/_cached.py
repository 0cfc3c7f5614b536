"""Cached wrappers for the teaching pages' heavier computations (keyed on small hashable specs)."""

from __future__ import annotations

import streamlit as st

import engine
import landscapes
import lessons


@st.cache_data(max_entries=32, show_spinner=False)
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


@st.cache_data(max_entries=32, show_spinner=False)
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
