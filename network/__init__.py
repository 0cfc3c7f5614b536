"""A real (small) network: an MLP on toy data sets, trained with the registry's optimizers, and
the views of its 522-dimensional loss (filter-normalized random slices, PCA of the paths, 1-D
interpolation, decision boundary). Float64: :func:`jaxsetup.configure`.
"""

import jaxsetup

jaxsetup.configure()

from ._mlp import (  # noqa: E402
    ACTIVATIONS,
    DATASETS,
    INITS,
    MAX_MLP_STEPS,
    MAX_SLICE,
    MLPRun,
    PCAProjection,
    Slice,
    data_bounds,
    decision_grid,
    filter_normalized_direction,
    forward,
    init_params,
    interpolate_slice,
    interpolation_1d,
    layer_slices,
    loss_and_acc,
    loss_slice,
    losses_at,
    make_dataset,
    pca_directions,
    pca_extent,
    raw_units,
    standardize,
    train_mlp,
)

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "INITS",
    "MAX_MLP_STEPS",
    "MAX_SLICE",
    "MLPRun",
    "PCAProjection",
    "Slice",
    "data_bounds",
    "decision_grid",
    "filter_normalized_direction",
    "forward",
    "init_params",
    "interpolate_slice",
    "interpolation_1d",
    "layer_slices",
    "loss_and_acc",
    "loss_slice",
    "losses_at",
    "make_dataset",
    "pca_directions",
    "pca_extent",
    "raw_units",
    "standardize",
    "train_mlp",
]
