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
