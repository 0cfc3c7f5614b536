"""Small shared records for hyperparameter specs."""

from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class HParam:
    """A numeric hyperparameter: default and slider range (``log`` for log-scale sliders)."""

    default: float
    low: float
    high: float
    log: bool = False
    label: str = ""

    def clamp(self, value: float) -> float:
        v = float(value)
        if not math.isfinite(v):
            return float(self.default)
        return float(min(max(v, self.low), self.high))
