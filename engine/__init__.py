"""The trajectory engine: one optimizer's path over a surface (``run``) and many at once
(``sweep``).

Traced inputs and static choices are kept apart (:class:`engine._core.Inputs`,
:class:`engine._core.Static`), so moving a slider never recompiles.
"""

from ._core import MAX_STEPS, MAX_SWEEP, SweepResult, Trajectory, run, sweep, warm_up

__all__ = ["MAX_STEPS", "MAX_SWEEP", "SweepResult", "Trajectory", "run", "sweep", "warm_up"]
