"""One range per scenario parameter: the widget, the link/JSON decoder and the engine read the same
:class:`ParamSpec`."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from i18n import N_, gettext_for


class Message(str):
    """An English message (it *is* the English ``str``) that can be written in another language:
    ``msg.in_lang("zh")`` translates its catalog ``template`` and fills in the same ``fields``."""

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, **fields: Any) -> Message:
        obj = super().__new__(cls, template.format(**fields))
        obj.template, obj.fields = template, fields
        return obj

    def __getnewargs_ex__(self):  # pickling (Streamlit's caches) rebuilds it from its parts
        return (self.template,), self.fields

    def in_lang(self, lang: str) -> str:
        fields = {
            k: v.in_lang(lang) if hasattr(v, "in_lang") else v for k, v in self.fields.items()
        }
        return gettext_for(lang)(self.template).format(**fields)


@dataclasses.dataclass(frozen=True)
class ParamSpec:
    r"""A number's range :math:`[\mathrm{low}, \mathrm{high}]`, its default, the widget's step, and
    whether it is an integer or lives on a log scale."""

    low: float
    high: float
    default: float
    step: float | None = None
    log: bool = False
    integer: bool = False

    def contains(self, x: float) -> bool:
        return math.isfinite(x) and self.low <= x <= self.high

    def clamp(
        self, name: str, v: Any, warn: list[str], default: float | None = None
    ) -> float | int:
        """``v`` as a number inside the range; a warning (appended to ``warn``) when it was not."""
        dflt = self.default if default is None else default
        try:
            if isinstance(v, bool):
                raise TypeError
            x = float(v)
            if math.isnan(x):
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            text = "".join(ch for ch in str(v)[:40] if ch.isprintable() and ch != "`")
            warn.append(
                Message(
                    N_("{name}: `{text}` is not a number; using {default}"),
                    name=name,
                    text=text,
                    default=f"{dflt:g}",
                )
            )
            return self._cast(dflt)
        if not self.low <= x <= self.high:
            c = min(max(x, self.low), self.high)
            warn.append(
                Message(
                    N_("{name}: {x} is outside [{low}, {high}]; using {c}"),
                    name=name,
                    x=f"{x:g}",
                    low=f"{self.low:g}",
                    high=f"{self.high:g}",
                    c=f"{c:g}",
                )
            )
            x = c
        return self._cast(x)

    def _cast(self, x: float) -> float | int:
        return round(x) if self.integer else float(x)


@dataclasses.dataclass(frozen=True)
class ChoiceSpec:
    """A named choice's options (the first is the default) and what each one means."""

    options: tuple[str, ...]
    meanings: tuple[str, ...] = ()

    @property
    def default(self) -> str:
        return self.options[0]

    def contains(self, x: Any) -> bool:
        return x in self.options


#: The momentum/beta1 schedule: ``linear`` ramps it from 0.5 over ``momentum_warmup`` steps (no
#: schedule while that is 0), ``stages`` holds the course notes' 0.5, 0.9, 0.95, 0.99 for an equal
#: share of the steps each, ``none`` keeps the optimizer's value.
MOMENTUM_SCHEDULE = ChoiceSpec(
    ("linear", "stages", "none"),
    ("ramp from 0.5 over momentum_warmup steps", "the notes' 0.5, 0.9, 0.95, 0.99", "constant"),
)

STEPS = ParamSpec(10, 2000, 200, step=10, integer=True)
LR = ParamSpec(1e-5, 10.0, 0.01, log=True)
START = ParamSpec(-1e6, 1e6, 0.0, step=0.1)
TOLERANCE = ParamSpec(1e-12, 10.0, 1e-3, log=True)
SCENARIO = {
    "steps": STEPS,
    "warmup_steps": ParamSpec(0, 5000, 0, step=1, integer=True),
    "momentum_warmup": ParamSpec(0, 5000, 0, step=1, integer=True),
    "clip_norm": ParamSpec(0.0, 1e6, 0.0, step=0.5),
    "clip_value": ParamSpec(0.0, 1e6, 0.0, step=0.5),
    "noise_std": ParamSpec(0.0, 1e3, 0.0, step=0.1),
    "batch_size": ParamSpec(1, 4096, 1, step=1, integer=True),
    "seed": ParamSpec(0, 2**31 - 1, 0, step=1, integer=True),
    "tolerance": TOLERANCE,
}
