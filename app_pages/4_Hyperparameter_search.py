"""Hyperparameter search: grid vs random with the same budget, coarse to fine."""

import math

import numpy as np
import streamlit as st

import optimizers
import ui
import viz
from lessons import Axis

PAGE = "hps"
ui.page_setup("Hyperparameter search")
st.title("Grid search vs random search")
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    "Same budget, two strategies. Random search samples the learning rate log-uniformly "
    "(`lr = 10 ** uniform(a, b)`) and tries a *different* value of every hyperparameter in "
    "every run, "
    "so when only one of them really matters it explores that one far better than a grid does."
)

c1, c2, c3, c4 = st.columns(4)
surface = c1.selectbox(
    "surface",
    ["rosenbrock", "ravine", "quadratic", "beale", "himmelblau"],
    key=f"{PAGE}:surface",
    bind=ui.LINK,
)
opt = c2.selectbox(
    "optimizer",
    ["momentum", "nesterov", "adam", "rmsprop"],
    format_func=optimizers.titles().get,
    key=f"{PAGE}:opt",
    bind=ui.LINK,
)
budget = c3.select_slider(
    "budget (runs)",
    [16, 25, 49, 100, 400, 1600, 2500, 10000],
    value=100,
    key=f"{PAGE}:budget",
    bind=ui.LINK,
)
steps = c4.select_slider(
    "steps per run", [50, 100, 200, 500], value=200, key=f"{PAGE}:steps", bind=ui.LINK
)
second = {"momentum": "momentum", "nesterov": "momentum", "adam": "b1", "rmsprop": "decay"}[opt]
lo_exp, hi_exp = st.slider(
    "learning-rate range: 10^a to 10^b",
    -8.0,
    2.0,
    (-6.0, -0.5),
    step=0.5,
    key=f"{PAGE}:lr_range",
    bind=ui.LINK,
)
ax = Axis("lr", 10**lo_exp, 10**hi_exp, True)
ay = Axis(second, 0.0, 0.99, False)
seed = st.number_input("random seed", 0, 10_000, 0, key=f"{PAGE}:seed", bind=ui.LINK)
stages = st.radio(
    "stages (coarse to fine: each zooms 4x around the best so far)",
    [1, 2, 3],
    horizontal=True,
    key=f"{PAGE}:stages",
    bind=ui.LINK,
)
link.check()

zmax = None
cols = st.columns(2)
for col, kind in zip(cols, ("grid", "random"), strict=True):
    axs, ays = ax, ay
    for stage in range(int(stages)):
        res = ui.cached_search(
            surface, opt, axs, ays, int(budget), kind, int(seed) + stage, int(steps)
        )
        z = np.log10(np.maximum(res.loss, 1e-16))
        if stage == int(stages) - 1 or not math.isfinite(res.best[0]):
            break
        axs, ays = axs.zoom(res.best[0], 4), ays.zoom(res.best[1], 4)
        ays = Axis(ays.name, max(0.0, ays.low), min(0.999, ays.high), False)
    title = f"{kind} search" + (f", stage {stage + 1}" if int(stages) > 1 else "")
    if kind == "grid":
        n = round(math.sqrt(len(res.x)))
        fig = viz.heatmap_figure(
            res.x[:n],
            res.y[::n],
            z.reshape(n, n),
            xlabel="learning rate",
            ylabel=second,
            title=title,
            zlabel="log10(f - f*)",
            log_x=True,
            best=res.best[:2],
        )
    else:
        fig = viz.heatmap_figure(
            [axs.low, axs.high],
            [ays.low, ays.high],
            np.full((2, 2), np.nan),
            xlabel="learning rate",
            ylabel=second,
            title=title,
            zlabel="log10(f - f*)",
            log_x=True,
            points=(res.x, res.y, z),
            best=res.best[:2],
            zmin=float(np.nanmin(z)) if np.isfinite(z).any() else None,
            zmax=float(np.nanmax(z)) if np.isfinite(z).any() else None,
        )
    col.plotly_chart(fig, theme=None, key=f"{PAGE}:{kind}")
    with col:
        ui.divergence_banner(
            int(np.isnan(res.loss).sum()),
            len(res.loss),
            what=f"{kind}-search runs",
            hint="lower the learning-rate range",
        )
    if math.isfinite(res.best[0]):
        col.metric(
            f"best {kind}: f - f*",
            f"{res.best[2]:.3g}",
            help=f"lr = {res.best[0]:.3g}, {second} = {res.best[1]:.3g}",
        )
        col.caption(
            f"best at lr = {res.best[0]:.3g}, {second} = {res.best[1]:.3g}; "
            f"{int(np.isnan(res.loss).sum())} of {len(res.loss)} runs diverged "
            + ("(blank cells)" if kind == "grid" else "(grey crosses)")
        )
    for w in res.edge:
        col.warning(w)
st.caption(
    f"Distinct learning rates tried: the grid tests only {math.isqrt(int(budget))} values "
    "(the square root of the "
    f"budget), random search tests all {int(budget)}."
)
