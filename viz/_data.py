"""Small data objects computed from trajectories; figures draw them and tests check them."""

from __future__ import annotations

import dataclasses

import numpy as np

from i18n import N_, gettext_for

# Okabe-Ito colour-blind-safe palette (black reserved for markers).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")


@dataclasses.dataclass(frozen=True, eq=False)
class PathData:
    label: str
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    color: str


@dataclasses.dataclass(frozen=True, eq=False)
class Series:
    """One line of :func:`viz.curves_figure` (or, with scalar ``x`` and ``y``, one marked point)."""

    label: str
    x: np.ndarray
    y: np.ndarray
    color: str


def loss_gaps(scape, trajectories) -> list[np.ndarray]:
    r"""The loss gap :math:`f - f^* + 10^{-16}` of each trajectory (positive, for log axes):
    :math:`f^*` is the surface's known minimum, else the lowest loss any of them reached."""
    losses = [np.asarray(t.losses, dtype=float) for t in trajectories]
    f_star = scape.f_star if scape.f_star is not None else min(float(v.min()) for v in losses)
    return [v - f_star + 1e-16 for v in losses]


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

    def row(self, lang: str = "en") -> dict[str, object]:
        """The summary table's row, headers and words in ``lang``."""
        _ = gettext_for(lang)
        return {
            _(N_("optimizer")): self.label,
            _(N_("final loss")): f"{self.final_loss:.6g}",
            "f - f*": _(N_("n/a")) if self.gap is None else f"{self.gap:.3g}",
            _(N_("steps to f - f* < tol")): _(N_("never"))
            if self.steps_to_tol is None
            else str(self.steps_to_tol),
            _(N_("escaped saddle")): self.saddle_status,
            _(N_("diverged")): _(N_("no"))
            if self.diverged_at is None
            else _(N_("at step {k}")).format(k=self.diverged_at),
            _(N_("path length")): f"{self.path_length:.4g}",
        }


def paths_from(trajectories, labels) -> list[PathData]:
    return [
        PathData(lab, t.points, t.losses, t.diverged_at, PALETTE[i % len(PALETTE)])
        for i, (t, lab) in enumerate(zip(trajectories, labels, strict=True))
    ]


#: A path "comes near" a saddle when it passes within this fraction of the surface's extent of it.
SADDLE_RADIUS = 0.05


def saddle_escape(scape, points, losses, lang: str = "en") -> tuple[str, int | None]:
    """Whether and when a path escaped a saddle it actually came near.

    Only a path that passes within ``SADDLE_RADIUS * extent`` of a listed saddle is judged (the
    first one it comes near); it escaped at the first step after that at which its loss is below the
    saddle's value by 5% of the saddle-to-minimum depth. Returns the table's status text and that
    step (the text in ``lang``)."""
    _ = gettext_for(lang)
    if not scape.saddles:
        return _(N_("no saddle")), None
    pts = np.asarray(points, dtype=float)
    losses = np.asarray(losses, dtype=float)
    radius = SADDLE_RADIUS * scape.extent
    first_near = []
    for s in scape.saddles:
        near = np.nonzero(np.linalg.norm(pts - np.array(s.xy), axis=1) < radius)[0]
        if near.size:
            first_near.append((int(near[0]), s))
    if not first_near:
        return _(N_("never came near one")), None
    k0, s = min(first_near, key=lambda kv: kv[0])
    f_star = scape.f_star
    depth = abs(s.value - f_star) if f_star is not None and abs(s.value - f_star) > 0 else 1.0
    below = np.nonzero(losses[k0:] < s.value - 0.05 * depth)[0]
    if not below.size:
        return _(N_("no (near it from step {k})")).format(k=k0), None
    escaped = k0 + int(below[0])
    return _(N_("yes, at step {k}")).format(k=escaped), escaped


def summarize(scape, trajectory, label: str, tol: float = 1e-3, lang: str = "en") -> RunSummary:
    """Final loss, first step with f - f* < tol, saddle escape, divergence and path length (the
    saddle's status in ``lang``)."""
    losses = np.asarray(trajectory.losses)
    f_star = scape.f_star
    gap = None if f_star is None else float(losses[-1] - f_star)
    steps_to_tol = None
    if f_star is not None:
        hit = np.nonzero(losses - f_star < tol)[0]
        steps_to_tol = int(hit[0]) if hit.size else None
    status, escaped = saddle_escape(scape, trajectory.points, losses, lang)
    length = float(np.linalg.norm(np.diff(trajectory.points, axis=0), axis=1).sum())
    return RunSummary(
        label, float(losses[-1]), gap, steps_to_tol, escaped, status, trajectory.diverged_at, length
    )


def distance_to_nearest_minimum(scape, points) -> np.ndarray:
    if not scape.minima:
        return np.full(len(points), np.nan)
    mins = np.array([m.xy for m in scape.minima])
    return np.linalg.norm(np.asarray(points)[:, None, :] - mins[None], axis=-1).min(axis=1)


def frame_indices(steps: int, max_frames: int = 40) -> np.ndarray:
    """Evenly spaced playback frames, always including the first and last step."""
    n = min(steps + 1, max_frames)
    return np.unique(np.round(np.linspace(0, steps, n)).astype(int))
