"""Analytic 2-D loss surfaces with metadata, and a safe formula parser.

``jax_enable_x64`` is switched on when this package is imported: trajectories are
computed in float64 so that they agree with the textbook numpy forms.
"""

from ._core import Bounds, Landscape, ParamSpec, Point, Stationary
from ._expr import ExpressionError, first_break, from_expression, parse
from ._surfaces import SURFACES, SurfaceDef, get, names, titles

__all__ = [
    "SURFACES",
    "Bounds",
    "ExpressionError",
    "Landscape",
    "ParamSpec",
    "Point",
    "Stationary",
    "SurfaceDef",
    "first_break",
    "from_expression",
    "get",
    "names",
    "parse",
    "titles",
]
