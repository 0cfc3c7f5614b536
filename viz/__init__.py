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
from ._figures import ARROW_COLORS, ARROW_LABELS, CLICK_GRID, TEMPLATE, curves_figure, landscape_figure, make_figure, surface3d_figure
from ._teaching import basin_figure, decision_figure, heatmap_figure, schedules_grid, slice_figure

__all__ = [
    "ARROW_COLORS",
    "ARROW_LABELS",
    "CLICK_GRID",
    "PALETTE",
    "TEMPLATE",
    "ExportError",
    "PathData",
    "RunSummary",
    "animation_frames",
    "animation_gif",
    "animation_mp4",
    "basin_figure",
    "curves_figure",
    "decision_figure",
    "distance_to_nearest_minimum",
    "frame_indices",
    "heatmap_figure",
    "landscape_figure",
    "make_figure",
    "paths_from",
    "schedules_grid",
    "slice_figure",
    "static_figure",
    "summarize",
    "surface3d_figure",
    "to_html",
    "to_image",
    "trajectories_csv",
    "trajectories_npz",
]
