"""Averaging: exponentially weighted averages, Polyak/EMA averaging of iterates, ensembles."""

import numpy as np
import streamlit as st

import landscapes
import lessons
import optimizers
import ui
import viz

_ = ui.t
PAGE = "avg"
ui.page_setup("Averaging")
st.title(_("Averaging"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong

st.header(_("1. The exponentially weighted average"))
st.write(
    _(
        "Tomorrow's temperature depends more on today's than on last week's: "
        r"$v_t = \beta v_{{t-1}} + (1-\beta)\theta_t$ averages over roughly $1/(1-\beta)$ days. "
        r"Starting from $v_0 = 0$ makes the early averages too small; dividing by $1-\beta^t$ "
        r"(bias correction) fixes it. Momentum in its averaging form (*{ema_title}*, "
        r"`momentum_ema`: $v_t = \beta v_{{t-1}} + (1-\beta) g_t$, $x_t = x_{{t-1}} - \alpha v_t$) "
        r"applies exactly this average, uncorrected, to the gradients; Adam applies it with the "
        r"correction to its first moment. The course notes' momentum $v = \mu v - \alpha g$ is "
        r"the same average times $-\alpha/(1-\mu)$ when the learning rate is constant."
    ).format(ema_title=_(optimizers.titles()["momentum_ema"]))
)
c1, c2 = st.columns(2)
beta = c1.slider(_("beta"), 0.0, 0.99, 0.9, 0.01, key=f"{PAGE}:beta", bind=ui.LINK)
corrected = c2.toggle(_("bias correction"), True, key=f"{PAGE}:bc", bind=ui.LINK)
temps = lessons.temperature_series(100)
days = np.arange(1, 101)
series = [
    viz.Series(_("daily temperature"), days, temps, "#999999"),
    viz.Series(
        (_("EWA beta={beta} (bias-corrected)") if corrected else _("EWA beta={beta}")).format(
            beta=f"{beta:g}"
        ),
        days,
        lessons.ewa(temps, beta, corrected),
        viz.PALETTE[0],
    ),
]
if corrected:
    series.append(
        viz.Series(_("without correction"), days, lessons.ewa(temps, beta, False), viz.PALETTE[1])
    )
st.plotly_chart(
    viz.curves_figure(
        series,
        title=_("temperature and its exponentially weighted average"),
        ylabel="°C",
        xlabel=_("day"),
        height=320,
    ),
    theme=None,
    key=f"{PAGE}:ewa",
)

st.header(_("2. Averaging the iterates of noisy SGD"))
st.write(
    _(
        "With gradient noise, SGD with a constant learning rate never settles: it rattles around "
        "the minimum. The *average* of its iterates (Polyak-Ruppert) or an exponential moving "
        "average of them (EMA) sits much closer."
    )
)
c1, c2, c3, c4 = st.columns(4)
surface = ui.choice(  # (ui.choice: the link holds the name, not the translated label)
    "selectbox",
    _("surface"),
    ["quadratic", "ravine", "himmelblau", "booth"],
    format_func=lambda k: _(landscapes.titles()[k]),
    key=f"{PAGE}:surface",
    container=c1,
)
noise = c2.slider(_("gradient noise sigma"), 0.0, 5.0, 2.0, 0.1, key=f"{PAGE}:noise", bind=ui.LINK)
ema_beta = c3.slider(_("EMA beta"), 0.5, 0.999, 0.98, key=f"{PAGE}:ema", bind=ui.LINK)
burn = c4.slider(
    _("Polyak average from step"),
    0,
    500,
    200,
    50,
    key=f"{PAGE}:burn",
    bind=ui.LINK,
    help=_(
        "Averaging from step 0 drags in the far-away start; too late leaves few iterates to "
        "average."
    ),
)
link.check()
scape = landscapes.get(surface)
lr = {"quadratic": 0.02, "ravine": 0.05, "himmelblau": 0.005, "booth": 0.01}[surface]
res = ui.cached_sweep_paths(surface, "sgd", lr, (), tuple(scape.start), 600, noise, tuple(range(5)))
ui.divergence_banner(
    int((res.diverged_at >= 0).sum()),
    len(res.diverged_at),
    _("noisy runs"),
    hint=_("lower the noise"),
)
grid = scape.grid(100)  # both maps below


def averaged(path):
    """The iterates, their EMA, and their running mean from step ``burn`` on (the iterates before
    it)."""
    return (
        path,
        lessons.ewa(path, ema_beta, True),
        np.vstack([path[:burn], lessons.polyak_average(path[burn:])]),
    )


names = [
    _("SGD iterates"),
    _("EMA (beta={beta})").format(beta=f"{ema_beta:g}"),
    _("Polyak average from step {k}").format(k=burn),
]
colors = ["#999999", viz.PALETTE[1], viz.PALETTE[0]]
paths = [
    viz.PathData(n, p, res.losses[0], None, c)
    for n, p, c in zip(names, averaged(res.paths[0]), colors, strict=True)
]
left, right = st.columns(2)
left.plotly_chart(
    viz.landscape_figure(
        scape,
        grid,
        paths,
        title=_("SGD with noise on {surface}").format(surface=_(scape.title)),
        height=460,
    ),
    theme=None,
    key=f"{PAGE}:map",
)
steps = np.arange(len(res.paths[0]))
dist = [
    viz.Series(p.label, steps, viz.distance_to_nearest_minimum(scape, p.points), p.color)
    for p in paths
]
right.plotly_chart(
    viz.curves_figure(
        dist,
        title=_("distance to the minimum"),
        ylabel=_("distance"),
        log_y=True,
        height=460,
    ),
    theme=None,
    key=f"{PAGE}:dist",
)
# one run's last point is luck; the mean over the last 100 steps of all five seeds is the fair
# comparison
tail = np.mean(
    [
        [viz.distance_to_nearest_minimum(scape, q)[-100:].mean() for q in averaged(p)]
        for p in res.paths
    ],
    axis=0,
)
st.write(
    _(
        "Mean distance to the minimum over the last 100 steps, five noise seeds: {values}. The "
        "map and curves show seed 0."
    ).format(values=_(", ").join(f"**{n}** {v:.3g}" for n, v in zip(names, tail, strict=True)))
)

st.header(_("3. A small ensemble"))
st.write(
    _(
        "Five runs with different noise seeds end in different places; their average is closer "
        "to the minimum than a typical run."
    )
)
finals = res.final_points
mean = finals.mean(axis=0)
ens = [
    viz.PathData(
        _("seed {i}").format(i=i),
        res.paths[i],
        res.losses[i],
        None,
        viz.PALETTE[i % len(viz.PALETTE)],
    )
    for i in range(len(finals))
]
fig = viz.landscape_figure(scape, grid, ens, title=_("five seeds and their mean"), height=440)
fig.add_scatter(
    x=[mean[0]],
    y=[mean[1]],
    mode="markers",
    name=_("ensemble mean"),
    marker=dict(symbol="diamond", size=14, color="white", line=dict(color="black", width=2)),
)
st.plotly_chart(fig, theme=None, key=f"{PAGE}:ens")
dm = viz.distance_to_nearest_minimum(scape, finals)
st.write(
    _(
        "Mean distance of a single run: **{one}**; distance of the ensemble mean: **{mean}**."
    ).format(
        one=f"{dm.mean():.3g}", mean=f"{viz.distance_to_nearest_minimum(scape, mean[None])[0]:.3g}"
    )
)
