"""Figures for the teaching pages: heat maps, basin maps, schedule small multiples."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import N_, gettext_for

from ._data import PALETTE
from ._figures import TEMPLATE, TITLE_BAND, legend_on_top, title_on_top


def _tr(lang: str):
    """A translator for ``lang`` that leaves empty text empty (gettext gives "" the header)."""
    tr = gettext_for(lang)
    return lambda text: tr(text) if text else text


def heatmap_figure(
    xs,
    ys,
    z,
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    zlabel: str,
    log_x: bool = False,
    log_y: bool = False,
    points=None,
    best=None,
    lines=None,
    height: int = 420,
    colorscale: str = "Viridis_r",
    zmin=None,
    zmax=None,
    lang: str = "en",
) -> go.Figure:
    """A heat map of ``z`` (rows = ``ys``) with optional overlaid sample points, a best marker and
    lines.

    Sample points with a non-finite value (diverged runs) are drawn as grey crosses of their own;
    when the heat map itself is empty the colour bar belongs to the points. The title, labels and
    names (catalog msgids, or already translated) are shown in ``lang``."""
    _ = _tr(lang)
    title, xlabel, ylabel, zlabel = _(title), _(xlabel), _(ylabel), _(zlabel)
    empty = not np.isfinite(np.asarray(z, dtype=float)).any()
    bar = dict(title=dict(text=zlabel, side="right"), thickness=10, xpad=4)  # narrow: a column
    hover = f"{xlabel}=%{{x:.3g}}<br>{ylabel}=%{{y:.3g}}<br>{zlabel}=%{{z:.3g}}<extra></extra>"
    fig = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=z,
            colorscale=colorscale,
            colorbar=bar,
            showscale=not empty,
            zmin=zmin,
            zmax=zmax,
            hovertemplate=hover,
            hoverinfo="skip" if empty else None,
        )
    )
    if points is not None:
        px, py, pz = (np.asarray(a, dtype=float) for a in points)
        ok = np.isfinite(pz)
        fig.add_trace(
            go.Scatter(
                x=px[ok],
                y=py[ok],
                mode="markers",
                name=_(N_("run")),
                customdata=pz[ok],
                hovertemplate=hover.replace("%{z", "%{customdata"),
                marker=dict(
                    size=7,
                    color=pz[ok],
                    colorscale=colorscale,
                    cmin=zmin,
                    cmax=zmax,
                    showscale=empty,
                    colorbar=bar,
                    line=dict(color="white", width=0.8),
                ),
            )
        )
        if (~ok).any():
            fig.add_trace(
                go.Scatter(
                    x=px[~ok],
                    y=py[~ok],
                    mode="markers",
                    name=_(N_("diverged")),
                    hovertemplate=f"{xlabel}=%{{x:.3g}}<br>{ylabel}=%{{y:.3g}}<br>"
                    + _(N_("diverged"))
                    + "<extra></extra>",
                    marker=dict(
                        symbol="x-thin-open", size=7, color="#999999", line=dict(width=1.5)
                    ),
                )
            )
    for name, lx, ly, color in lines or []:
        fig.add_trace(
            go.Scatter(
                x=lx,
                y=ly,
                mode="lines",
                name=_(name),
                line=dict(color=color, width=2.5, dash="dash"),
            )
        )
    if best is not None:
        fig.add_trace(
            go.Scatter(
                x=[best[0]],
                y=[best[1]],
                mode="markers",
                name=_(N_("best")),
                marker=dict(
                    symbol="star", size=18, color="white", line=dict(color="black", width=2)
                ),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title_on_top(title),
        height=height,
        xaxis_title=xlabel,
        yaxis_title=ylabel,
        legend=legend_on_top(height, title=bool(title)),
        margin=dict(t=TITLE_BAND + 6, l=60, r=10, b=50),
    )
    if log_x:
        fig.update_xaxes(type="log")
    if log_y:
        fig.update_yaxes(type="log")
    return fig


def basin_figure(
    bm, scape, *, title: str, subtitle: str = "", height: int = 420, lang: str = "en"
) -> go.Figure:
    """Starts coloured by the minimum they reach (grey: not converged, black: diverged); words in
    ``lang``. One unit is as long on both axes (a basin's shape is not stretched to the column:
    a 550 px column at 1920 px drew Himmelblau's square box 3:1)."""
    _ = _tr(lang)
    k = len(scape.minima)
    colors = ["#000000", "#BBBBBB", *PALETTE[:k]]
    n = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / n, c], [(i + 1) / n, c]]
    z = bm.label + 2  # -2 -> 0 (diverged), -1 -> 1 (not converged), i -> i + 2
    fig = go.Figure(
        go.Heatmap(
            x=bm.xs,
            y=bm.ys,
            z=z,
            zmin=-0.5 + 0.5,
            zmax=n,
            colorscale=scale,
            showscale=False,
            hovertemplate=_(N_("start")) + " (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )
    for i, m in enumerate(scape.minima):
        fig.add_trace(
            go.Scatter(
                x=[m.x],
                y=[m.y],
                mode="markers+text",
                text=[str(i + 1)],
                textposition="top center",
                name=_(N_("minimum {i}")).format(i=i + 1),
                marker=dict(
                    symbol="star",
                    size=14,
                    color=PALETTE[i % len(PALETTE)],
                    line=dict(color="white", width=1.5),
                ),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title_on_top(_(title), subtitle=dict(text=subtitle)),
        height=height,
        xaxis=dict(title=_(N_("start x")), constrain="domain"),
        yaxis=dict(
            title=_(N_("start y")),
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
            constraintoward="top",
        ),
        showlegend=False,
        # a half-page column: the map, wide; a subtitle line (the page's learning rate) gets room
        margin=dict(t=TITLE_BAND + 6 + (20 if subtitle else 0), l=50, r=10, b=50),
    )
    return fig


def schedules_grid(
    curves: list[tuple[str, np.ndarray]],
    *,
    cols: int = 4,
    height_per_row: int = 180,
    lang: str = "en",
) -> go.Figure:
    """Small multiples: one learning-rate curve per panel (titles shown in ``lang``)."""
    tr = _tr(lang)
    curves = [(tr(t), y) for t, y in curves]
    rows = (len(curves) + cols - 1) // cols
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[t for t, _ in curves],
        vertical_spacing=0.16,
        horizontal_spacing=0.06,
    )
    for i, (title, y) in enumerate(curves):
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(y)),
                y=y,
                mode="lines",
                name=title,
                line=dict(color=PALETTE[i % len(PALETTE)], width=2),
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    fig.update_layout(
        template=TEMPLATE,
        height=rows * height_per_row + 60,
        showlegend=False,
        margin=dict(t=40, b=30),
    )
    fig.update_annotations(font_size=12)
    # three upright ticks: four panels a row in a 1024 px page left rotated ticks that ran into
    # the next row's titles
    fig.update_xaxes(nticks=3, tickangle=0)
    fig.update_yaxes(nticks=4)
    return fig


def slice_figure(
    alphas,
    betas,
    loss,
    *,
    title: str,
    paths=None,
    xlabel: str = "alpha",
    ylabel: str = "beta",
    height: int = 460,
    lang: str = "en",
) -> go.Figure:
    """Contour of log10(loss) over a 2-D parameter slice, with optional projected paths ``(label,
    coords, colour)``; words in ``lang``."""
    _ = _tr(lang)
    z = np.log10(np.maximum(loss, 1e-12))
    fig = go.Figure(
        go.Contour(
            x=alphas,
            y=betas,
            z=z,
            colorscale="Viridis",
            ncontours=30,
            colorbar=dict(title=_(N_("log10 loss")), thickness=12),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0],
            y=[0],
            mode="markers",
            name=_(N_("final weights")),
            marker=dict(symbol="star", size=14, color="white", line=dict(color="black", width=1.5)),
        )
    )
    for label, coords, color in paths or []:
        fig.add_trace(
            go.Scatter(
                x=coords[:, 0],
                y=coords[:, 1],
                mode="lines+markers",
                name=label,
                line=dict(color=color, width=2.5),
                marker=dict(size=3, color=color),
            )
        )
        fig.add_trace(
            go.Scatter(
                x=coords[:1, 0],
                y=coords[:1, 1],
                mode="markers",
                showlegend=False,
                marker=dict(symbol="circle-open", size=12, color=color, line=dict(width=2)),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title_on_top(_(title)),
        height=height,
        xaxis_title=_(xlabel),
        yaxis_title=_(ylabel),
        legend=legend_on_top(height),
        margin=dict(t=TITLE_BAND + 6, b=50),
    )
    return fig


def decision_figure(
    xs, ys, prob, x, y, *, title: str, height: int = 420, lang: str = "en"
) -> go.Figure:
    """P(class 1) over the input plane with the training points; words in ``lang``."""
    _ = _tr(lang)
    fig = go.Figure(
        go.Contour(
            x=xs,
            y=ys,
            z=prob,
            colorscale="RdBu_r",
            zmin=0,
            zmax=1,
            ncontours=20,
            opacity=0.75,
            colorbar=dict(title=_(N_("P(class 1)")), thickness=12),
            hoverinfo="skip",
            contours=dict(showlines=False),
        )
    )
    fig.add_trace(
        go.Contour(
            x=xs,
            y=ys,
            z=prob,
            contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
            line=dict(color="black", width=2),
            showscale=False,
            hoverinfo="skip",
            name=_(N_("boundary")),
        )
    )
    for cls, color, sym in ((0, "#0072B2", "circle"), (1, "#D55E00", "diamond")):
        m = y == cls
        fig.add_trace(
            go.Scatter(
                x=x[m, 0],
                y=x[m, 1],
                mode="markers",
                name=_(N_("class {c}")).format(c=cls),
                marker=dict(color=color, symbol=sym, size=6, line=dict(color="white", width=0.6)),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title_on_top(_(title)),
        height=height,
        xaxis_title=_(N_("feature 1")),
        yaxis_title=_(N_("feature 2")),
        legend=legend_on_top(height),
        margin=dict(t=TITLE_BAND + 6, b=50),
    )
    return fig
