"""Small data objects computed from trajectories; figures draw them and tests check them."""

from __future__ import annotations

import dataclasses

import numpy as np

# Okabe-Ito colour-blind-safe palette (black reserved for markers).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")


@dataclasses.dataclass(frozen=True, eq=False)
class PathData:
    label: str
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    color: str


@dataclasses.dataclass(frozen=True)
class RunSummary:
    label: str
    final_loss: float
    gap: float | None  # f - f*
    steps_to_tol: int | None
    escaped_saddle_at: int | None
    saddle_status: str
    diverged_at: int | None
    path_length: float

    def row(self) -> dict[str, object]:
        return {
            "optimizer": self.label,
            "final loss": f"{self.final_loss:.6g}",
            "f - f*": "n/a" if self.gap is None else f"{self.gap:.3g}",
            "steps to f - f* < tol": "never" if self.steps_to_tol is None else str(self.steps_to_tol),
            "escaped saddle": self.saddle_status,
            "diverged": "no" if self.diverged_at is None else f"at step {self.diverged_at}",
            "path length": f"{self.path_length:.4g}",
        }


def paths_from(trajectories, labels) -> list[PathData]:
    return [
        PathData(lab, t.points, t.losses, t.diverged_at, PALETTE[i % len(PALETTE)])
        for i, (t, lab) in enumerate(zip(trajectories, labels, strict=True))
    ]


def summarize(scape, trajectory, label: str, tol: float = 1e-3) -> RunSummary:
    """Final loss, first step with f - f* < tol, saddle escape, divergence and path length."""
    losses = np.asarray(trajectory.losses)
    f_star = scape.f_star
    gap = None if f_star is None else float(losses[-1] - f_star)
    steps_to_tol = None
    if f_star is not None:
        hit = np.nonzero(losses - f_star < tol)[0]
        steps_to_tol = int(hit[0]) if hit.size else None
    status, escaped = "no saddle", None
    if scape.saddles:
        s_val = min(s.value for s in scape.saddles)
        depth = abs(s_val - f_star) if f_star is not None else 1.0
        if losses[0] < s_val - 0.05 * depth:
            status = "started below it"
        else:
            below = np.nonzero(losses < s_val - 0.05 * depth)[0]
            escaped = int(below[0]) if below.size else None
            status = "no" if escaped is None else f"yes, at step {escaped}"
    length = float(np.linalg.norm(np.diff(trajectory.points, axis=0), axis=1).sum())
    return RunSummary(label, float(losses[-1]), gap, steps_to_tol, escaped, status, trajectory.diverged_at, length)


def distance_to_nearest_minimum(scape, points) -> np.ndarray:
    if not scape.minima:
        return np.full(len(points), np.nan)
    mins = np.array([m.xy for m in scape.minima])
    return np.linalg.norm(np.asarray(points)[:, None, :] - mins[None], axis=-1).min(axis=1)


def frame_indices(steps: int, max_frames: int = 40) -> np.ndarray:
    """Evenly spaced playback frames, always including the first and last step."""
    n = min(steps + 1, max_frames)
    return np.unique(np.round(np.linspace(0, steps, n)).astype(int))
