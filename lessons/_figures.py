"""A lesson's figures: the engine's runs drawn with the app's own figure builders (``viz``), with
titles and axis labels in the lesson's language (``_`` is the catalog's gettext)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

import i18n
import viz
from scenarios import Scenario

from . import _course as c

Tr = Callable[[str], str]
GRID = 80  # contour resolution of a lesson's maps (the full pages use 100)


def _lang(_: Tr) -> str:
    """The language whose catalog ``_`` is (figure builders take the language itself)."""
    return next((k for k in i18n.LANGS if i18n.gettext_for(k) == _), "en")


def _labels(scn: Scenario, lang: str = "en") -> list[str]:
    return [f"{i + 1}. {o.label_in(lang)}" for i, o in enumerate(scn.optimizers)]


def _title(fig: c.Figure, default: str, _: Tr) -> str:
    return _(fig.title) if fig.title else default


def map_figure(
    scn: Scenario, title: str, trajs=None, height: int = 460, lang: str = "en"
) -> go.Figure:
    scape = scn.landscape()
    trajs = trajs if trajs is not None else scn.run()
    paths = viz.paths_from(trajs, _labels(scn, lang))
    return viz.landscape_figure(
        scape, scape.grid(GRID), paths, title=title, height=height, lang=lang
    )


def loss_figure(scn: Scenario, _: Tr, trajs=None) -> go.Figure:
    scape = scn.landscape()
    trajs = trajs if trajs is not None else scn.run()
    gaps = viz.loss_gaps(scape, trajs)
    steps = np.arange(scn.steps + 1)
    series = [
        viz.Series(p.label, steps, g, p.color)
        for p, g in zip(viz.paths_from(trajs, _labels(scn, _lang(_))), gaps, strict=True)
    ]
    return viz.curves_figure(series, title=_("loss gap f - f* (log scale)"), ylabel="f - f*",
                             xlabel=_("step"), log_y=True, height=320,
                             lang=_lang(_))  # fmt: skip


def temperature_figure(_: Tr) -> go.Figure:
    from lessons import ewa

    t = c.notes_temperatures()
    days = np.arange(1, len(t) + 1)
    pal = viz.PALETTE
    return viz.curves_figure(
        [
            viz.Series(_("temperature"), days, t, "#999999"),
            viz.Series(_("first-value start (the notes)"), days, c.ewa_first_value(t, 0.8), pal[0]),
            viz.Series(_("from 0, bias-corrected"), days, ewa(t, 0.8, True), pal[2]),
            viz.Series(_("from 0, no correction"), days, ewa(t, 0.8, False), pal[4]),
        ],
        title=_("exponentially weighted average, beta = 0.8"),
        ylabel=_("temperature"),
        xlabel=_("day"),
        height=340,
        lang=_lang(_),
    )


def momentum_schedule_figure(_: Tr, steps: int = 400) -> go.Figure:
    """mu(t) of each momentum schedule (left) and the engine's runs under each (right)."""
    from plotly.subplots import make_subplots

    base, runs = c.momentum_schedule_runs()
    r, pal = c.MOMENTUM_RUNS, viz.PALETTE
    gaps = dict(zip(runs, viz.loss_gaps(base.landscape(), list(runs.values())), strict=True))
    x = np.arange(r["steps"])
    lines = [  # kind, label, mu(t), colour
        ("none", _("constant mu = {mu:g}").format(mu=r["momentum"]),
         np.full(r["steps"], r["momentum"]), "#999999"),
        ("linear", _("linear ramp (this app)"),
         c.linear_momentum(r["steps"], r["momentum"], r["warmup"]), pal[1]),
        ("stages", _("the notes: 0.5, 0.9, 0.95, 0.99"), c.staged_momentum(r["steps"]), pal[0]),
    ]  # fmt: skip
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=[
        _("momentum schedule mu(t)"), _("loss gap f - f* (log scale)")])  # fmt: skip
    for kind, label, mu, color in lines:
        line = dict(color=color, width=2)
        fig.add_trace(go.Scatter(x=x, y=mu, mode="lines", name=label, line=line,
                                 legendgroup=kind, showlegend=False), row=1, col=1)  # fmt: skip
        fig.add_trace(go.Scatter(x=np.arange(r["steps"] + 1), y=gaps[kind], mode="lines",
                                 name=label, line=line, legendgroup=kind),
                      row=1, col=2)  # fmt: skip
    fig.update_xaxes(title_text=_("step"))
    fig.update_yaxes(title_text="mu", row=1, col=1)
    fig.update_yaxes(title_text="f - f*", type="log", exponentformat="power", row=1, col=2)
    fig.update_layout(template=viz.TEMPLATE, height=360, legend=dict(orientation="h", y=-0.3),
                      title=_("heavy ball on the bowl, lr {lr:g}: three momentum schedules").format(
                          lr=r["lr"]))  # fmt: skip
    return fig


def search_figure(_: Tr) -> go.Figure:
    grid, rand = c.search_runs()
    fig = go.Figure()
    for res, name, color, sym in ((grid, _("grid"), viz.PALETTE[0], "square"),
                                  (rand, _("random"), viz.PALETTE[1], "circle")):  # fmt: skip
        ok = np.isfinite(res.loss)
        fig.add_trace(go.Scatter(x=res.x[ok], y=res.loss[ok], mode="markers", name=name,
                                 marker=dict(color=color, symbol=sym, size=10)))  # fmt: skip
    fig.update_layout(
        template=viz.TEMPLATE,
        height=340,
        title=_("final loss gap per run (16 runs each)"),
        xaxis=dict(type="log", title=_("learning rate")),
        yaxis=dict(type="log", title="f - f*"),
    )
    return fig


def coarse_to_fine_figure(_: Tr) -> go.Figure:
    """Every stage's map: the sampled (lr, momentum) runs coloured by log10 of the final loss
    gap."""
    from plotly.subplots import make_subplots

    stages = c.coarse_to_fine()
    fig = make_subplots(rows=1, cols=len(stages), horizontal_spacing=0.06, subplot_titles=[
        _("stage {k}: {steps} steps").format(k=k + 1, steps=steps)
        for k, (_a, steps, _r) in enumerate(stages)])  # fmt: skip
    z = np.concatenate([np.log10(np.maximum(r.loss, 1e-12)) for _a, _s, r in stages])
    lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
    for k, (ax, _s, r) in enumerate(stages):
        ok = np.isfinite(r.loss)
        fig.add_trace(go.Scatter(
            x=r.x[ok], y=r.y[ok], mode="markers", showlegend=False,
            marker=dict(size=10, color=np.log10(np.maximum(r.loss[ok], 1e-12)), cmin=lo, cmax=hi,
                        colorscale="Viridis_r", showscale=k == 0,
                        colorbar=dict(title="log10(f - f*)", thickness=12)),
        ), row=1, col=k + 1)  # fmt: skip
        fig.add_trace(go.Scatter(x=r.x[~ok], y=r.y[~ok], mode="markers", showlegend=k == 0,
                                 name=_("diverged"), marker=dict(symbol="x", size=9,
                                 color="#999999")), row=1, col=k + 1)  # fmt: skip
        fig.add_trace(go.Scatter(x=[r.best[0]], y=[r.best[1]], mode="markers", showlegend=False,
                                 marker=dict(symbol="star", size=16, color="red")),
                      row=1, col=k + 1)  # fmt: skip
        fig.update_xaxes(type="log", range=[np.log10(ax.low), np.log10(ax.high)],
                         title_text=_("learning rate"), nticks=4, tickangle=0,
                         row=1, col=k + 1)  # fmt: skip
    fig.update_yaxes(title_text=_("Momentum"), row=1, col=1)
    fig.update_layout(template=viz.TEMPLATE, height=360, margin=dict(t=80),
                      legend=dict(orientation="h", y=-0.25, x=0),
                      title=_("coarse to fine: each range around the last best"))  # fmt: skip
    return fig


def second_order_figure(_: Tr) -> go.Figure:
    n = c.network_size()
    cost = c.second_order_cost(n)
    names = [_("gradient (numbers)"), _("Hessian (numbers)"), _("solve (multiply-adds)")]
    vals = [cost["gradient"], cost["hessian"], cost["solve"]]
    fig = go.Figure(go.Bar(x=names, y=vals, text=[f"{v:.3g}" for v in vals],
                           marker_color=viz.PALETTE[:3]))  # fmt: skip
    fig.update_layout(template=viz.TEMPLATE, height=320, yaxis=dict(type="log"),
                      title=_("one step of the 522-parameter network"))  # fmt: skip
    return fig


def average_figure(_: Tr) -> go.Figure:
    it, av, half = c.average_curves()
    x = np.arange(len(it))
    return viz.curves_figure(
        [
            viz.Series(_("SGD iterates"), x, it, viz.PALETTE[0]),
            viz.Series(_("running average from half-way"), x[half:], av[half:], viz.PALETTE[2]),
        ],
        title=_("distance to the minimum"),
        ylabel=_("distance"),
        xlabel=_("step"),
        log_y=True,
        height=320,
        lang=_lang(_),
    )


def batch_figure(scn: Scenario, _: Tr) -> go.Figure:
    s = np.array(c.batch_spread(scn))
    b = np.array(c.BATCHES)
    fig = viz.curves_figure(
        [
            viz.Series(_("1/sqrt(B)"), b, s[0] / np.sqrt(b), "#999999"),
            viz.Series(_("late spread of the iterates"), b, s, viz.PALETTE[0]),
        ],
        title=_("spread of the iterates vs batch size"),
        ylabel=_("spread"),
        xlabel=_("batch size B"),
        log_y=True,
        height=320,
        lang=_lang(_),
    )
    fig.data[0].update(line=dict(dash="dash", width=4))
    fig.data[1].update(mode="lines+markers", marker=dict(size=10))
    fig.update_xaxes(type="log")
    return fig


def init_figure(_: Tr) -> go.Figure:
    s = c.saturation()
    fig = go.Figure()
    for i, (name, fr) in enumerate(s.items()):
        fig.add_trace(go.Bar(x=[_("hidden layer 1"), _("hidden layer 2")], y=list(fr), name=name,
                             marker_color=viz.PALETTE[i]))  # fmt: skip
    fig.update_layout(template=viz.TEMPLATE, height=320, barmode="group",
                      yaxis=dict(tickformat=".0%", title=_("saturated units")),
                      title=_("tanh units with |h| > 0.95 at initialisation"))  # fmt: skip
    return fig


def figure(fig: c.Figure, _: Tr, scn: Scenario | None = None) -> go.Figure:
    """The figure ``fig`` of a lesson; ``scn`` replaces its scenario (a shared link's)."""
    scn = scn or fig.scenario()
    if fig.kind in ("map", "forms"):
        return map_figure(scn, _title(fig, _(scn.landscape().title), _), lang=_lang(_))
    if fig.kind == "loss":
        return loss_figure(scn, _)
    if fig.kind == "batch":
        return batch_figure(scn, _)
    simple = {
        "temperature": temperature_figure,
        "momentum_schedule": momentum_schedule_figure,
        "search": search_figure,
        "coarse_to_fine": coarse_to_fine_figure,
        "second_order": second_order_figure,
        "average": average_figure,
        "init": init_figure,
    }
    return simple[fig.kind](_)


def with_scenario(fig: c.Figure, scn: Scenario) -> c.Figure:
    """``fig`` on another scenario (a shared link's)."""
    return dataclasses.replace(fig, preset="", query=tuple(sorted(scn.to_query().items())))
