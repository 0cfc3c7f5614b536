"""The numbers behind the lesson pages: hyperparameter search, averaging, quadratic theory and
basins of attraction, each computed with the engine and returned as a small data object.
"""

from ._analysis import (
    Acceleration,
    Axis,
    BasinMap,
    SearchResult,
    acceleration,
    basins,
    edge_warnings,
    eigen_errors,
    ewa,
    measured_rate,
    optimal_parameters,
    polyak_average,
    predicted_rate,
    rate_map,
    search,
    temperature_series,
)

__all__ = [
    "Acceleration",
    "Axis",
    "BasinMap",
    "SearchResult",
    "acceleration",
    "basins",
    "edge_warnings",
    "eigen_errors",
    "ewa",
    "measured_rate",
    "optimal_parameters",
    "polyak_average",
    "predicted_rate",
    "rate_map",
    "search",
    "temperature_series",
]

from . import _course
from ._course import Figure, Lesson, Question, evidence_in, facts, notes_temperatures
from ._course import get as lesson
from ._course import load as course
from ._pack import class_pack, pack_html

__all__ += [
    "Figure",
    "Lesson",
    "Question",
    "_course",
    "class_pack",
    "course",
    "evidence_in",
    "facts",
    "lesson",
    "notes_temperatures",
    "pack_html",
]
