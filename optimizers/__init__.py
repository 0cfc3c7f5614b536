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
from ._custom import (
    adagrad_notes,
    adam_no_bias_correction,
    adam_running_product,
    momentum_ema,
    momentum_notes,
    newton,
    scale_by_adam_no_bias_correction,
    scale_by_adam_running_product,
)
from ._engine import MAX_STEPS, MAX_SWEEP, SweepResult, Trajectory, run, sweep
from ._presets import PRESETS, Preset, get_preset, preset_names
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
from ._specs import ERRATA, OPTIMIZERS, Erratum, OptimizerSpec, get, names, titles
from ._specs_base import HParam
from ._textbook import TextbookLine, TextbookTrace, textbook_replay, textbook_trace

__all__ = [
    "ERRATA",
    "MAX_OPTIMIZERS",
    "MAX_STEPS",
    "MAX_SWEEP",
    "OPTIMIZERS",
    "PRESETS",
    "SCHEDULES",
    "Axis",
    "BasinMap",
    "Erratum",
    "HParam",
    "OptimizerConfig",
    "OptimizerSpec",
    "Preset",
    "Scenario",
    "ScheduleSpec",
    "SearchResult",
    "SweepResult",
    "TextbookLine",
    "TextbookTrace",
    "Trajectory",
    "adagrad_notes",
    "adam_no_bias_correction",
    "adam_running_product",
    "basins",
    "ewa",
    "get",
    "get_preset",
    "get_schedule",
    "lr_curve",
    "make_schedule",
    "measured_rate",
    "mlp",
    "momentum_ema",
    "momentum_notes",
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
    "search",
    "sweep",
    "temperature_series",
    "textbook_replay",
    "textbook_trace",
    "titles",
]
