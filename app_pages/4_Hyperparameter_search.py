"""Hyperparameter search: grid vs random with the same budget, coarse to fine."""

import streamlit as st

import landscapes
import optimizers
import ui
from lessons import Axis

_ = ui.t
PAGE = "hps"
ui.page_setup("Hyperparameter search")
st.title(_("Grid search vs random search"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    _(
        "Same budget, two strategies. Random search samples the learning rate log-uniformly "
        "(`lr = 10 ** uniform(a, b)`) and tries a *different* value of every hyperparameter in "
        "every run, so when only one of them really matters it explores that one far better than "
        "a grid does."
    )
)

c1, c2, c3, c4 = st.columns(4)
surface = ui.choice(  # (ui.choice: the link holds the names, not the translated labels)
    "selectbox",
    _("surface"),
    ["rosenbrock", "ravine", "quadratic", "beale", "himmelblau"],
    format_func=lambda k: _(landscapes.titles()[k]),
    key=f"{PAGE}:surface",
    container=c1,
)
opt = ui.choice(
    "selectbox",
    _("optimizer"),
    ["momentum", "nesterov", "adam", "rmsprop"],
    format_func=lambda k: _(optimizers.titles()[k]),
    key=f"{PAGE}:opt",
    container=c2,
)
budget = c3.select_slider(
    _("budget (runs)"),
    [16, 25, 49, 100, 400, 1600, 2500, 10000],
    value=100,
    key=f"{PAGE}:budget",
    bind=ui.LINK,
)
steps = c4.select_slider(
    _("steps per run"), [50, 100, 200, 500], value=200, key=f"{PAGE}:steps", bind=ui.LINK
)
second = {"momentum": "momentum", "nesterov": "momentum", "adam": "b1", "rmsprop": "decay"}[opt]
lo_exp, hi_exp = st.slider(
    _("learning-rate range: 10^a to 10^b"),
    -8.0,
    2.0,
    (-6.0, -0.5),
    step=0.5,
    key=f"{PAGE}:lr_range",
    bind=ui.LINK,
)
seed = st.number_input(_("random seed"), 0, 10_000, 0, key=f"{PAGE}:seed", bind=ui.LINK)
stages = st.radio(
    _("stages (coarse to fine: each zooms 4x around the best so far)"),
    [1, 2, 3],
    horizontal=True,
    key=f"{PAGE}:stages",
    bind=ui.LINK,
)
link.check()

ui.teaching.grid_vs_random(  # the two searches side by side, and the learning rates each tried
    PAGE,
    surface,
    opt,
    Axis("lr", 10**lo_exp, 10**hi_exp, True),
    Axis(second, 0.0, 0.99, False),
    budget=int(budget),
    seed=int(seed),
    steps=int(steps),
    stages=int(stages),
)
