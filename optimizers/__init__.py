"""Optimizers (optax), learning-rate schedules and the jitted trajectory engine."""

import landscapes as _landscapes  # noqa: F401  (switches on float64)

from . import _mlp as mlp
from ._analysis import (
    Axis,
    BasinMap,
    SearchResult,
    basins,
    ewa,
    measured_rate,
    optimal_parameters,
    polyak_average,
    predicted_rate,
    rate_map,
    search,
    temperature_series,
)
from ._claims import Claim
from ._custom import (
    adam_no_bias_correction,
    adam_running_product,
    newton,
    scale_by_adam_no_bias_correction,
    scale_by_adam_running_product,
)
from ._engine import MAX_STEPS, MAX_SWEEP, SweepResult, Trajectory, run, sweep
from ._presets import (
    PRESETS,
    RACE_OPTIMIZERS,
    RACE_SCHEDULES,
    RACE_SURFACES,
    Preset,
    check_claims,
    get_preset,
    preset_names,
    schedule_race,
    schedule_race_lr,
)
from ._scenario import MAX_OPTIMIZERS, OptimizerConfig, Scenario, safe_text
from ._schedules import (
    SCHEDULES,
    ScheduleSpec,
    get_schedule,
    lr_curve,
    make_schedule,
    schedule_args,
    schedule_names,
)
from ._specs import OPTIMIZERS, OptimizerSpec, get, names, titles
from ._specs_base import HParam

__all__ = [
    "MAX_OPTIMIZERS",
    "MAX_STEPS",
    "MAX_SWEEP",
    "OPTIMIZERS",
    "PRESETS",
    "RACE_OPTIMIZERS",
    "RACE_SCHEDULES",
    "RACE_SURFACES",
    "SCHEDULES",
    "Axis",
    "BasinMap",
    "Claim",
    "HParam",
    "OptimizerConfig",
    "OptimizerSpec",
    "Preset",
    "Scenario",
    "ScheduleSpec",
    "SearchResult",
    "SweepResult",
    "Trajectory",
    "adam_no_bias_correction",
    "adam_running_product",
    "basins",
    "check_claims",
    "ewa",
    "get",
    "get_preset",
    "get_schedule",
    "lr_curve",
    "make_schedule",
    "measured_rate",
    "mlp",
    "names",
    "newton",
    "optimal_parameters",
    "polyak_average",
    "predicted_rate",
    "preset_names",
    "rate_map",
    "run",
    "safe_text",
    "scale_by_adam_no_bias_correction",
    "scale_by_adam_running_product",
    "schedule_args",
    "schedule_names",
    "schedule_race",
    "schedule_race_lr",
    "search",
    "sweep",
    "temperature_series",
    "titles",
]
