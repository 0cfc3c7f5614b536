"""A real (small) network: an MLP of 1-8 hidden layers on toy data sets, trained with the
registry's optimizers (one compiled loop per architecture), and the views of its loss: filter-
normalized random slices, PCA of the paths, 1-D interpolation, decision boundary, per-layer
statistics, ensembles and weight averages. Float64: :func:`jaxsetup.configure`.
"""

import jaxsetup

jaxsetup.configure()

from . import _views as views  # noqa: E402
from ._mlp import (  # noqa: E402
    ACTIVATIONS,
    DATASETS,
    INITS,
    MAX_DEPTH,
    MAX_MLP_STEPS,
    MAX_SLICE,
    RECORDS,
    Arch,
    MLPRun,
    PCAProjection,
    Slice,
    barrier,
    data_bounds,
    decision_grid,
    distinct_units,
    ensemble_accuracy,
    filter_normalized_direction,
    forward,
    init_params,
    interpolate_slice,
    interpolation_1d,
    layer_slices,
    loss_slice,
    losses_at,
    losses_at_plane,
    make_dataset,
    pca_directions,
    pca_extent,
    predict_proba,
    raw_units,
    roughness,
    standardize,
    train_many,
    train_mlp,
)
from ._views import Config  # noqa: E402

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "INITS",
    "MAX_DEPTH",
    "MAX_MLP_STEPS",
    "MAX_SLICE",
    "RECORDS",
    "Arch",
    "Config",
    "MLPRun",
    "PCAProjection",
    "Slice",
    "barrier",
    "data_bounds",
    "decision_grid",
    "distinct_units",
    "ensemble_accuracy",
    "filter_normalized_direction",
    "forward",
    "init_params",
    "interpolate_slice",
    "interpolation_1d",
    "layer_slices",
    "loss_slice",
    "losses_at",
    "losses_at_plane",
    "make_dataset",
    "pca_directions",
    "pca_extent",
    "predict_proba",
    "raw_units",
    "roughness",
    "standardize",
    "train_many",
    "train_mlp",
    "views",
]
