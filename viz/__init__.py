"""Plotly figure builders and their small data objects (pure: data in, figures out)."""

from ._data import PALETTE, PathData, RunSummary, distance_to_nearest_minimum, frame_indices, paths_from, summarize
from ._export import (
    ExportError,
    animation_frames,
    animation_gif,
    animation_mp4,
    static_figure,
    to_html,
    to_image,
    trajectories_csv,
    trajectories_npz,
)
from ._figures import TEMPLATE, curves_figure, landscape_figure, make_figure, surface3d_figure
from ._replay import ARROW_STYLES, PLAYER_DIR, ReplayPath, equation_data, replay_data, replay_html, scenario_equations, scenario_replay, step_arrows
from ._teaching import basin_figure, decision_figure, heatmap_figure, schedules_grid, slice_figure

__all__ = [
    "ARROW_STYLES",
    "PALETTE",
    "PLAYER_DIR",
    "TEMPLATE",
    "ExportError",
    "PathData",
    "ReplayPath",
    "RunSummary",
    "animation_frames",
    "animation_gif",
    "animation_mp4",
    "basin_figure",
    "curves_figure",
    "decision_figure",
    "distance_to_nearest_minimum",
    "equation_data",
    "frame_indices",
    "heatmap_figure",
    "landscape_figure",
    "make_figure",
    "paths_from",
    "replay_data",
    "replay_html",
    "scenario_equations",
    "scenario_replay",
    "schedules_grid",
    "slice_figure",
    "static_figure",
    "step_arrows",
    "summarize",
    "surface3d_figure",
    "to_html",
    "to_image",
    "trajectories_csv",
    "trajectories_npz",
]
