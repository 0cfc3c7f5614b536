"""The app's model: the :class:`Scenario` (URL, JSON, widgets, CLI and engine read this one
object), the range of each of its numbers (:class:`ParamSpec`), the presets, and the claims
their explanations make, checked on the engine's output.
"""

from ._claims import Claim
from ._params import ParamSpec
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
from ._scenario import MAX_OPTIMIZERS, QUERY_KEYS, OptimizerConfig, Scenario, safe_text

__all__ = [
    "MAX_OPTIMIZERS",
    "PRESETS",
    "QUERY_KEYS",
    "RACE_OPTIMIZERS",
    "RACE_SCHEDULES",
    "RACE_SURFACES",
    "Claim",
    "OptimizerConfig",
    "ParamSpec",
    "Preset",
    "Scenario",
    "check_claims",
    "get_preset",
    "preset_names",
    "safe_text",
    "schedule_race",
    "schedule_race_lr",
]
