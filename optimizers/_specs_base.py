"""Small shared records for hyperparameter specs."""

from __future__ import annotations

from landscapes import ParamSpec as HParam

__all__ = ["HParam"]
