"""The trajectory engine: one optimizer's path over a surface (``run``) and many at once
(``sweep``).

Traced inputs and static choices are kept apart (:class:`engine._core.Inputs`,
:class:`engine._core.Static`), so moving a slider never recompiles. Float64 and the host
devices: :func:`jaxsetup.configure`.
"""

import jaxsetup

jaxsetup.configure()

from ._core import MAX_STEPS, MAX_SWEEP, SweepResult, Trajectory, run, sweep, warm_up  # noqa: E402

__all__ = ["MAX_STEPS", "MAX_SWEEP", "SweepResult", "Trajectory", "run", "sweep", "warm_up"]
