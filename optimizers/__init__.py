"""The optimizer registry: every optimizer's spec (optax, or a custom rule in the notes' form),
the learning-rate schedules, the notes' errata, and the textbook numpy code each optimizer shows
(the optimizers of today, SAM to Lookahead, in ``_modern``).
"""

import landscapes as _landscapes  # noqa: F401  (switches on float64)

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
from ._modern import lr_estimate, sequences
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
from ._textbook import (
    TextbookLine,
    TextbookTrace,
    textbook_replay,
    textbook_series,
    textbook_trace,
)

__all__ = [
    "ERRATA",
    "OPTIMIZERS",
    "SCHEDULES",
    "Erratum",
    "HParam",
    "OptimizerSpec",
    "ScheduleSpec",
    "TextbookLine",
    "TextbookTrace",
    "adagrad_notes",
    "adam_no_bias_correction",
    "adam_running_product",
    "get",
    "get_schedule",
    "lr_curve",
    "lr_estimate",
    "make_schedule",
    "momentum_ema",
    "momentum_notes",
    "names",
    "newton",
    "scale_by_adam_no_bias_correction",
    "scale_by_adam_running_product",
    "schedule_args",
    "schedule_names",
    "sequences",
    "textbook_replay",
    "textbook_series",
    "textbook_trace",
    "titles",
]
