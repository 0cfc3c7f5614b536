"""The teaching pages' sections (Schedules, Hyperparameter search, Averaging, Quadratic theory):
each function draws one block of a page (its widgets, its figure, its caption), keyed by the
page's ``PAGE`` prefix so that links and session state keep their names."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import streamlit as st

import engine
import landscapes
import lessons
import optimizers
import scenarios
import viz
from i18n import N_
from lessons import Axis

from ._banners import divergence_banner
from ._cached import cached_search, cached_sweep_paths
from ._controls import LINK, log_select
from ._i18n import _, lang
from ._map import replay_map
from ._replay import replay_payload
from ._select import choice

# --- Schedules --------------------------------------------------------------------------------
NOISY = scenarios.get_preset("schedules-step-cosine-warmup")  # the race caption points to it
MOMENTUM_RAMPS = {
    "none": N_("constant"),
    "linear": N_("linear ramp from 0.5 over the first quarter"),
    "stages": N_("the notes' stages 0.5, 0.9, 0.95, 0.99"),
}


def _schedule_titles() -> dict[str, str]:
    return {s.name: _(s.title) for s in optimizers.SCHEDULES}  # in the page's language


def schedules_grid(page: str, steps: int) -> None:
    """Every schedule's learning-rate multiplier over ``steps`` steps, and their formulas."""
    curves = []
    for spec in optimizers.SCHEDULES:
        args = {
            k: (min(v, steps) if k in ("decay_steps", "transition_steps") else v)
            for k, v in spec.defaults().items()
        }
        curves.append((_(spec.title), optimizers.lr_curve(spec.name, args, steps)))
    st.plotly_chart(viz.schedules_grid(curves, lang=lang()), theme=None, key=f"{page}:grid")
    with st.expander(_("Formulas")):
        for spec in optimizers.SCHEDULES:
            st.markdown(f"**{_(spec.title)}**" + (f" — {spec.reference}" if spec.reference else ""))
            st.latex(spec.latex)


class Race(NamedTuple):
    """The race's choices: schedule names, surface, optimizer, base rate, momentum schedule."""

    picked: list[str]
    surface: str
    optimizer: str
    lr: float
    momentum: str


def race_controls(page: str) -> Race:
    """The race's widgets: the schedules across the page (in a third of it at 1024 px its chips
    were clipped to "Ste..."), surface and optimizer in two columns, then the base learning rate
    and the momentum schedule."""
    c1, (c2, c3) = st.container(), st.columns(2)
    picked = choice(  # (choice: the link holds the names, not the translated labels)
        "multiselect",
        _("schedules"),
        optimizers.schedule_names(),
        default=list(scenarios.RACE_SCHEDULES),
        format_func=_schedule_titles().get,
        key=f"{page}:picked",
        container=c1,
        max_selections=6,
    )
    surface = choice(
        "selectbox",
        _("surface"),
        scenarios.RACE_SURFACES,
        format_func=lambda k: _(landscapes.titles()[k]),
        key=f"{page}:surface",
        container=c2,
    )
    opt = choice(
        "selectbox",
        _("optimizer"),
        scenarios.RACE_OPTIMIZERS,
        format_func=lambda k: _(optimizers.titles()[k]),
        key=f"{page}:opt",
        container=c3,
    )
    # one learning rate per surface and optimizer, each starting where no schedule diverges
    lr_key = f"{page}:lr:{surface}:{opt}"
    st.session_state.setdefault(lr_key, scenarios.schedule_race_lr(surface, opt))
    lr = log_select(_("base learning rate"), 1e-5, 1.0, lr_key, bind=LINK)
    mom_ramp = choice(
        "radio",
        _("momentum / beta1 schedule"),
        tuple(MOMENTUM_RAMPS),
        format_func=lambda k: _(MOMENTUM_RAMPS[k]),
        horizontal=True,
        key=f"{page}:momentum",
    )
    return Race(picked, surface, opt, lr, mom_ramp)


def _no_legend(fig):
    """``fig`` without its legend (and the top margin a legend on top would take)."""
    fig.update_layout(showlegend=False, margin=dict(t=40))
    return fig


def race_figures(page: str, race: Race, scn, trajs, steps: int, present) -> None:
    """The race replayed on the map (all schedules at the same step), its loss gaps, the
    learning rates and the momentum used; side by side, or stacked in presentation mode."""
    titles = _schedule_titles()
    scape = scn.landscape()
    labels = [titles[n] for n in race.picked]
    paths = viz.paths_from(trajs, labels)
    spec = optimizers.get(race.optimizer)
    left, right = (st.container(), st.container()) if present else st.columns(2)
    with left:
        replay_map(
            page,
            replay_payload(
                scn,
                tuple(labels),
                _("{optimizer} on {surface}").format(
                    optimizer=_(spec.title), surface=_(scape.title)
                ),
                480,
                equations_closed=True,
            ),
            key=f"{page}:map",
            clickable=False,
            present=present,
        )
    t = np.arange(steps + 1)
    right.plotly_chart(
        _no_legend(  # (the map's legend names the colours: a legend here left the plot no room)
            viz.curves_figure(
                [
                    viz.Series(lab, t, g, p.color)
                    for lab, g, p in zip(labels, viz.loss_gaps(scape, trajs), paths, strict=True)
                ],
                xlabel=_("step"),
                title=_("loss gap f - f*"),
                ylabel="f - f*",
                log_y=True,
                height=240,
                lang=lang(),
            )
        ),
        theme=None,
        key=f"{page}:loss",
    )
    right.plotly_chart(
        _no_legend(
            viz.curves_figure(
                [
                    viz.Series(lab, t[:-1], tr.lrs, p.color)
                    for lab, tr, p in zip(labels, trajs, paths, strict=True)
                ],
                xlabel=_("step"),
                title=_("learning rate used"),
                ylabel="lr",
                height=240,
                lang=lang(),
            )
        ),
        theme=None,
        key=f"{page}:lrs",
    )
    momentum_used(page, race, spec, trajs, right)


def momentum_used(page: str, race: Race, spec, trajs, where) -> None:
    """The momentum (or beta1) schedule the race ran, as the engine applied it step by step
    (``Trajectory.momenta``: one curve, every schedule's run shares it); a note for an optimizer
    without momentum."""
    momenta = next((tr.momenta for tr in trajs if tr.momenta is not None), None)
    if momenta is None:
        where.caption(
            _("{optimizer} has no momentum: the momentum schedule does not apply.").format(
                optimizer=_(spec.title)
            )
        )
        return
    name = {"momentum": "mu", "b1": "beta1"}.get(spec.momentum_key, spec.momentum_key)
    where.plotly_chart(
        viz.curves_figure(
            [
                viz.Series(
                    _(MOMENTUM_RAMPS[race.momentum]), np.arange(len(momenta)), momenta, "#555555"
                )
            ],
            xlabel=_("step"),
            title=_("momentum ({name}) used").format(name=name),
            ylabel=name,
            height=240,
            lang=lang(),
        ),
        theme=None,
        key=f"{page}:momenta",
    )


def race_caption(picked: list[str], trajs) -> None:
    """What the race shows, read off its own runs: the schedule that ends lowest, and why."""
    titles = _schedule_titles()
    ends = {
        name: float(tr.losses[-1])
        for name, tr in zip(picked, trajs, strict=True)
        if tr.diverged_at is None
    }
    if len(ends) <= 1:
        return
    best = min(ends, key=ends.get)
    st.caption(
        _("Lowest final loss in this race: **{best}** ({loss}). {why}").format(
            best=titles[best],
            loss=f"{ends[best]:.3g}",
            why=_(
                "Without gradient noise a constant rate can end lowest: decay only shortens the "
                "late steps. It pays off when noise makes a constant-rate run rattle, as in the "
                "Compare preset “{preset}” (noise sigma {sigma})."
            ).format(preset=_(NOISY.title), sigma=f"{NOISY.scenario.noise_std:g}")
            if best == "constant"
            else _("A decaying rate takes shorter late steps."),
        )
    )


# --- Hyperparameter search ----------------------------------------------------------------------
def _search_words() -> dict[str, dict[str, str]]:
    return {  # each strategy's words on its column
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


def _search_figure(kind: str, res, axs: Axis, ays: Axis, z, second: str, title: str):
    """The grid's heat map, or random search's points over a blank map of the searched box."""
    if kind == "grid":
        n = round(math.sqrt(len(res.x)))
        return viz.heatmap_figure(
            res.x[:n],
            res.y[::n],
            z.reshape(n, n),
            xlabel=_("learning rate"),
            ylabel=second,
            title=title,
            zlabel="log10(f - f*)",
            log_x=True,
            best=res.best[:2],
            lang=lang(),
        )
    return viz.heatmap_figure(
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
        lang=lang(),
    )


def grid_vs_random(
    page: str,
    surface: str,
    opt: str,
    ax: Axis,
    ay: Axis,
    budget: int,
    seed: int,
    steps: int,
    stages: int,
) -> None:
    """Grid search and random search with the same budget, one above the other (side by side, a
    heat map is a sliver at 1024 px; each stage zooms 4x around the best so far), their best
    points and diverged runs, and how many distinct learning rates each tried."""
    second, words = ay.name, _search_words()
    cols = (st.container(), st.container())
    for col, kind in zip(cols, ("grid", "random"), strict=True):
        axs, ays = ax, ay
        for stage in range(stages):
            with st.spinner(_("Running the search...")):
                res = cached_search(surface, opt, axs, ays, budget, kind, seed + stage, steps)
            z = np.log10(np.maximum(res.loss, 1e-16))
            if stage == stages - 1 or not math.isfinite(res.best[0]):
                break
            axs, ays = axs.zoom(res.best[0], 4), ays.zoom(res.best[1], 4)
            ays = Axis(ays.name, max(0.0, ays.low), min(0.999, ays.high), False)
        title = words[kind]["title"]
        if stages > 1:
            title = _("{search}, stage {k}").format(search=title, k=stage + 1)
        fig = _search_figure(kind, res, axs, ays, z, second, title)
        col.plotly_chart(fig, theme=None, key=f"{page}:{kind}")
        with col:
            divergence_banner(
                int(np.isnan(res.loss).sum()),
                len(res.loss),
                what=words[kind]["runs"],
                hint=_("lower the learning-rate range"),
            )
        if math.isfinite(res.best[0]):
            col.metric(
                words[kind]["best"],
                f"{res.best[2]:.3g}",
                help=f"lr = {res.best[0]:.3g}, {second} = {res.best[1]:.3g}",
            )
            col.caption(
                _(
                    "best at lr = {lr}, {name} = {value}; {n} of {total} runs diverged {where}"
                ).format(
                    lr=f"{res.best[0]:.3g}",
                    name=second,
                    value=f"{res.best[1]:.3g}",
                    n=int(np.isnan(res.loss).sum()),
                    total=len(res.loss),
                    where=words[kind]["where"],
                )
            )
        for w in lessons.edge_warnings(axs, ays, res.best, lang=lang()):  # res.edge, translated
            col.warning(w)
    st.caption(
        _(
            "Distinct learning rates tried: the grid tests only {n} values (the square root of "
            "the budget), random search tests all {budget}."
        ).format(n=math.isqrt(budget), budget=budget)
    )


# --- Averaging ----------------------------------------------------------------------------------
#: the noisy-SGD section's learning rate on each of its surfaces
AVERAGING_LR = {"quadratic": 0.02, "ravine": 0.05, "himmelblau": 0.005, "booth": 0.01}


def ewa_demo(page: str) -> None:
    """A temperature series and its exponentially weighted average, with and without bias
    correction (widgets: beta, the correction)."""
    c1, c2 = st.columns(2)
    beta = c1.slider(_("beta"), 0.0, 0.99, 0.9, 0.01, key=f"{page}:beta", bind=LINK)
    corrected = c2.toggle(_("bias correction"), True, key=f"{page}:bc", bind=LINK)
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
            viz.Series(
                _("without correction"), days, lessons.ewa(temps, beta, False), viz.PALETTE[1]
            )
        )
    st.plotly_chart(
        viz.curves_figure(
            series,
            title=_("temperature and its exponentially weighted average"),
            ylabel="°C",
            xlabel=_("day"),
            height=320,
            lang=lang(),
        ),
        theme=None,
        key=f"{page}:ewa",
    )


class Noisy(NamedTuple):
    """The noisy-SGD section's choices."""

    surface: str
    noise: float
    ema_beta: float
    burn: int


def noisy_controls(page: str) -> Noisy:
    """Surface, gradient noise, EMA beta and the Polyak average's first step, in four columns."""
    c1, c2, c3, c4 = st.columns(4)
    surface = choice(  # (choice: the link holds the name, not the translated label)
        "selectbox",
        _("surface"),
        list(AVERAGING_LR),
        format_func=lambda k: _(landscapes.titles()[k]),
        key=f"{page}:surface",
        container=c1,
    )
    noise = c2.slider(_("gradient noise sigma"), 0.0, 5.0, 2.0, 0.1, key=f"{page}:noise", bind=LINK)
    ema_beta = c3.slider(_("EMA beta"), 0.5, 0.999, 0.98, key=f"{page}:ema", bind=LINK)
    burn = c4.slider(
        _("Polyak average from step"),
        0,
        500,
        200,
        50,
        key=f"{page}:burn",
        bind=LINK,
        help=_(
            "Averaging from step 0 drags in the far-away start; too late leaves few iterates to "
            "average."
        ),
    )
    return Noisy(surface, noise, ema_beta, burn)


def noisy_runs(noisy: Noisy):
    """``(landscape, sweep)``: five noise seeds of SGD on the chosen surface, 600 steps each, and
    the banner when most of them diverged."""
    scape = landscapes.get(noisy.surface)
    lr = AVERAGING_LR[noisy.surface]
    res = cached_sweep_paths(
        noisy.surface, "sgd", lr, (), tuple(scape.start), 600, noisy.noise, tuple(range(5))
    )
    divergence_banner(
        int((res.diverged_at >= 0).sum()),
        len(res.diverged_at),
        _("noisy runs"),
        hint=_("lower the noise"),
    )
    return scape, res


def _averaged(path, noisy: Noisy):
    """The iterates, their EMA, and their running mean from step ``burn`` on (the iterates before
    it)."""
    burn = noisy.burn
    return (
        path,
        lessons.ewa(path, noisy.ema_beta, True),
        np.vstack([path[:burn], lessons.polyak_average(path[burn:])]),
    )


def averaged_iterates(page: str, noisy: Noisy, scape, res, grid) -> None:
    """Seed 0's iterates, their EMA and their Polyak average on the map and as distances to the
    minimum, and the fair comparison: the mean distance over the last 100 steps of all seeds."""
    names = [
        _("SGD iterates"),
        _("EMA (beta={beta})").format(beta=f"{noisy.ema_beta:g}"),
        _("Polyak average from step {k}").format(k=noisy.burn),
    ]
    colors = ["#999999", viz.PALETTE[1], viz.PALETTE[0]]
    paths = [
        viz.PathData(n, p, res.losses[0], None, c)
        for n, p, c in zip(names, _averaged(res.paths[0], noisy), colors, strict=True)
    ]
    # one above the other: side by side at 1024 px the map was a sliver and the titles ran over
    left, right = st.container(), st.container()
    left.plotly_chart(
        viz.landscape_figure(
            scape,
            grid,
            paths,
            title=_("SGD with noise on {surface}").format(surface=_(scape.title)),
            height=460,
            lang=lang(),
        ),
        theme=None,
        key=f"{page}:map",
    )
    steps = np.arange(len(res.paths[0]))
    dist = [
        viz.Series(p.label, steps, viz.distance_to_nearest_minimum(scape, p.points), p.color)
        for p in paths
    ]
    right.plotly_chart(
        viz.curves_figure(
            dist,
            xlabel=_("step"),
            title=_("distance to the minimum"),
            ylabel=_("distance"),
            log_y=True,
            height=340,
            lang=lang(),
        ),
        theme=None,
        key=f"{page}:dist",
    )
    # one run's last point is luck; the mean over the last 100 steps of all five seeds is the
    # fair comparison
    tail = np.mean(
        [
            [viz.distance_to_nearest_minimum(scape, q)[-100:].mean() for q in _averaged(p, noisy)]
            for p in res.paths
        ],
        axis=0,
    )
    st.write(
        _(
            "Mean distance to the minimum over the last 100 steps, five noise seeds: {values}. "
            "The map and curves show seed 0."
        ).format(values=_(", ").join(f"**{n}** {v:.3g}" for n, v in zip(names, tail, strict=True)))
    )


def ensemble(page: str, scape, res, grid) -> None:
    """The five seeds' runs and their final points' mean on the map, and how far each is from
    the minimum."""
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
    fig = viz.landscape_figure(
        scape, grid, ens, title=_("five seeds and their mean"), height=440, lang=lang()
    )
    fig.add_scatter(
        x=[mean[0]],
        y=[mean[1]],
        mode="markers",
        name=_("ensemble mean"),
        marker=dict(symbol="diamond", size=14, color="white", line=dict(color="black", width=2)),
    )
    st.plotly_chart(fig, theme=None, key=f"{page}:ens")
    dm = viz.distance_to_nearest_minimum(scape, finals)
    st.write(
        _(
            "Mean distance of a single run: **{one}**; distance of the ensemble mean: **{mean}**."
        ).format(
            one=f"{dm.mean():.3g}",
            mean=f"{viz.distance_to_nearest_minimum(scape, mean[None])[0]:.3g}",
        )
    )


# --- Quadratic theory ---------------------------------------------------------------------------
def _methods() -> dict[str, tuple[str, str]]:
    """method: (its title in the page's language, the engine's optimizer)."""
    return {
        "gd": (_("Gradient descent"), "sgd"),
        "heavy_ball": (_("Heavy ball"), "momentum"),
        "nesterov": (_("Nesterov"), "nesterov"),
    }


def quadratic_controls(page: str, given) -> tuple[int, dict[str, tuple[float, float]]]:
    """``(kappa, {method: (alpha, beta)})``: the condition number, the button that sets the
    optimal tuning, and each method's alpha and beta. A new kappa sets the optimal tuning too,
    except on arrival when the link (``given``: its parameters) brings its own alpha or beta."""
    kappa = st.select_slider(
        _("condition number kappa"),
        [2, 5, 10, 20, 50, 100, 200, 500, 1000],
        value=100,
        key=f"{page}:kappa",
        bind=LINK,
    )
    opt = lessons.optimal_parameters(float(kappa))
    first = f"{page}:kappa_seen" not in st.session_state
    new_kappa = (
        st.session_state.get(f"{page}:kappa_seen") != kappa
    )  # alpha, beta follow kappa (a link's own ones win)
    st.session_state[f"{page}:kappa_seen"] = kappa
    if st.button(_("Set optimal alpha, beta"), type="primary", key=f"{page}:optimal") or (
        new_kappa and not (first and any(k.startswith((f"{page}:a_", f"{page}:b_")) for k in given))
    ):
        for m, (a, b) in opt.items():
            st.session_state[f"{page}:a_{m}"] = float(a)
            st.session_state[f"{page}:b_{m}"] = float(b)
    cols = st.columns(3)
    params = {}
    for col, (m, (title, _engine_name)) in zip(cols, _methods().items(), strict=True):
        col.markdown(f"**{title}**")
        a = col.number_input(_("alpha"), 1e-6, 10.0, key=f"{page}:a_{m}", bind=LINK, format="%.5g")
        b = (
            0.0
            if m == "gd"
            else col.number_input(
                _("beta"), 0.0, 0.9999, key=f"{page}:b_{m}", bind=LINK, format="%.5g"
            )
        )
        params[m] = (a, b)
    return kappa, params


def measured_rates(page: str, kappa, params: dict[str, tuple[float, float]]):
    """Run each method on the quadratic; draw the measured distances with the predicted rates
    (dashed) and the table of rates. Returns the error along each eigendirection per method, for
    :func:`eigen_errors`."""
    scape = landscapes.get("quadratic", kappa=float(kappa), angle=0.0)
    steps = 300
    series, rows, eig_series = [], [], []
    columns = {  # the table's headers, in the page's language
        "method": _("method"),
        "alpha": "alpha",
        "beta": "beta",
        "predicted rate": _("predicted rate"),
        "measured rate": _("measured rate"),
        "steps to 1e-6": _("steps to 1e-6"),
    }
    t = np.arange(steps + 1)
    for i, (m, (title, engine_name)) in enumerate(_methods().items()):
        a, b = params[m]
        tr = engine.run(
            scape,
            engine_name,
            start=(1.0, 1.0),
            steps=steps,
            lr=a,
            hparams={} if m == "gd" else {"momentum": b},
        )
        rho = lessons.predicted_rate(m, a, b, (1.0, float(kappa)))
        meas = lessons.measured_rate(tr.points)
        norm = np.linalg.norm(tr.points, axis=1)
        color = viz.PALETTE[i]
        err = lessons.eigen_errors(tr.points)  # A = diag(1, kappa): the eigendirections are axes
        eig_series += [viz.Series(f"{title}, λ = 1", t, err[:, 0], color)]
        eig_series += [viz.Series(f"{title}, λ = κ = {kappa}", t, err[:, 1], color)]
        series.append(viz.Series(_("{method} (measured)").format(method=title), t, norm, color))
        series.append(
            viz.Series(
                _("{method} predicted rho={rho}").format(method=title, rho=f"{rho:.4f}"),
                t,
                norm[0] * rho**t,
                color,
            )
        )
        reached = norm < 1e-6 * norm[0]
        rows.append(
            {
                columns["method"]: title,
                columns["alpha"]: f"{a:.5g}",
                columns["beta"]: f"{b:.5g}",
                columns["predicted rate"]: f"{rho:.5f}",
                columns["measured rate"]: _("diverged") if tr.diverged_at else f"{meas:.5f}",
                columns["steps to 1e-6"]: str(int(np.argmax(reached)))
                if reached.any()
                else "> 300",
            }
        )
    fig = viz.curves_figure(
        series,
        xlabel=_("step"),
        title=_("distance to the minimum ||x_t||"),
        ylabel="||x_t||",
        log_y=True,
        height=500,  # a legend of six rows on top in a 1024 px page
        lang=lang(),
    )
    for tr_ in fig.data[1::2]:
        tr_.line.dash = "dash"
    st.plotly_chart(fig, theme=None, key=f"{page}:rates")
    st.dataframe(rows, hide_index=True, width="stretch")
    return eig_series


def eigen_errors(page: str, eig_series) -> None:
    """The error along each eigendirection: solid the smallest eigenvalue's, dashed the
    largest's."""
    fig = viz.curves_figure(
        eig_series,
        xlabel=_("step"),
        title=_("|q_i · x_t| per eigendirection"),
        ylabel="|q_i · x_t|",
        log_y=True,
        height=500,  # a legend of six rows on top in a 1024 px page
        y_range=(1e-12, 3.0),
        lang=lang(),
    )
    for tr_ in fig.data[1::2]:
        tr_.line.dash = "dash"
    st.plotly_chart(fig, theme=None, key=f"{page}:eig")


def heavy_ball_map(page: str, kappa) -> None:
    """Heavy ball's rate over (alpha, beta), its stability line and the optimal point."""
    alphas = np.linspace(0.002, 4.2 / kappa, 80)
    betas = np.linspace(0.0, 0.99, 60)
    z = lessons.rate_map(float(kappa), alphas, betas)
    a_opt, b_opt = lessons.optimal_parameters(float(kappa))["heavy_ball"]
    fig = viz.heatmap_figure(
        alphas,
        betas,
        np.minimum(z, 1.2),
        xlabel="alpha",
        ylabel="beta",
        title=_("heavy-ball rate, kappa = {kappa}").format(kappa=kappa),
        zlabel=_("rate"),
        best=(a_opt, b_opt),
        zmin=float(z.min()),
        zmax=1.2,
        colorscale="Viridis",
        lines=[("alpha L = 2 + 2 beta", (2 + 2 * betas) / kappa, betas, "#D55E00")],
        lang=lang(),
    )
    fig.update_xaxes(range=[alphas[0], alphas[-1]])
    st.plotly_chart(fig, theme=None, key=f"{page}:map")
