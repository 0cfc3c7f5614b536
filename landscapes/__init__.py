"""Analytic 2-D loss surfaces with metadata, and a safe formula parser.

Surfaces are float64 functions: the package calls :func:`jaxsetup.configure` (float64, host
devices) before anything else, as every package that computes with JAX does.
"""

import jaxsetup

jaxsetup.configure()

from ._core import Bounds, Landscape, ParamSpec, Point, Stationary  # noqa: E402
from ._expr import ExpressionError, first_break, from_expression, parse  # noqa: E402
from ._surfaces import SURFACES, SurfaceDef, get, names, titles  # noqa: E402

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
