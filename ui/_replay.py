"""The replay player's data for a Scenario (cached on the Scenario)."""

from __future__ import annotations

import streamlit as st

import viz
from scenarios import Scenario

from ._controls import cached_grid, cached_run


@st.cache_data(max_entries=64, show_spinner=False)
def replay_payload(
    scn: Scenario,
    labels: tuple[str, ...],
    title: str,
    height: int,
    equations_closed: bool = False,
) -> dict:
    """The player's data: paths, every step's arrows and the shown code's equations filled in."""
    return viz.scenario_replay(
        scn,
        cached_run(scn),
        labels,
        cached_grid(scn),
        title=title,
        height=height,
        equations_closed=equations_closed,
    )
