"""Hyperparameter search: grid vs random with the same budget, coarse to fine."""

import math

import numpy as np
import streamlit as st

import landscapes
import lessons
import optimizers
import ui
import viz
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
ax = Axis("lr", 10**lo_exp, 10**hi_exp, True)
ay = Axis(second, 0.0, 0.99, False)
seed = st.number_input(_("random seed"), 0, 10_000, 0, key=f"{PAGE}:seed", bind=ui.LINK)
stages = st.radio(
    _("stages (coarse to fine: each zooms 4x around the best so far)"),
    [1, 2, 3],
    horizontal=True,
    key=f"{PAGE}:stages",
    bind=ui.LINK,
)
link.check()

WORDS = {  # each strategy's words on its column
    "grid": {
        "title": _("grid search"),
        "runs": _("grid-search runs"),
        "best": _("best of the grid: f - f*"),
        "where": _("(blank cells)"),
    },
    "random": {
        "title": _("random search"),
        "runs": _("random-search runs"),
        "best": _("best of random search: f - f*"),
        "where": _("(grey crosses)"),
    },
}
cols = st.columns(2)
for col, kind in zip(cols, ("grid", "random"), strict=True):
    axs, ays = ax, ay
    for stage in range(int(stages)):
        with st.spinner(_("Running the search...")):
            res = ui.cached_search(
                surface, opt, axs, ays, int(budget), kind, int(seed) + stage, int(steps)
            )
        z = np.log10(np.maximum(res.loss, 1e-16))
        if stage == int(stages) - 1 or not math.isfinite(res.best[0]):
            break
        axs, ays = axs.zoom(res.best[0], 4), ays.zoom(res.best[1], 4)
        ays = Axis(ays.name, max(0.0, ays.low), min(0.999, ays.high), False)
    title = WORDS[kind]["title"]
    if int(stages) > 1:
        title = _("{search}, stage {k}").format(search=title, k=stage + 1)
    if kind == "grid":
        n = round(math.sqrt(len(res.x)))
        fig = viz.heatmap_figure(
            res.x[:n],
            res.y[::n],
            z.reshape(n, n),
            xlabel=_("learning rate"),
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
            xlabel=_("learning rate"),
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
            what=WORDS[kind]["runs"],
            hint=_("lower the learning-rate range"),
        )
    if math.isfinite(res.best[0]):
        col.metric(
            WORDS[kind]["best"],
            f"{res.best[2]:.3g}",
            help=f"lr = {res.best[0]:.3g}, {second} = {res.best[1]:.3g}",
        )
        col.caption(
            _("best at lr = {lr}, {name} = {value}; {n} of {total} runs diverged {where}").format(
                lr=f"{res.best[0]:.3g}",
                name=second,
                value=f"{res.best[1]:.3g}",
                n=int(np.isnan(res.loss).sum()),
                total=len(res.loss),
                where=WORDS[kind]["where"],
            )
        )
    for w in lessons.edge_warnings(axs, ays, res.best, lang=ui.lang()):  # res.edge, translated
        col.warning(w)
st.caption(
    _(
        "Distinct learning rates tried: the grid tests only {n} values (the square root of the "
        "budget), random search tests all {budget}."
    ).format(n=math.isqrt(int(budget)), budget=int(budget))
)
