"""Figures of the batch-size page: the data, and the full-batch vs one mini-batch's surface."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import gettext_for

from ._data import PALETTE
from ._figures import TEMPLATE, TITLE_BAND, legend_on_top, roomy_subplot_titles, title_on_top


def data_figure(
    a: np.ndarray, b: np.ndarray, batch_idx, *, kind: str, height: int = 360, lang: str = "en"
):
    """The examples (feature 1 vs feature 2, coloured by target), the current batch ringed."""
    _ = gettext_for(lang)
    fig = go.Figure()
    cls = kind == "logistic"
    fig.add_trace(
        go.Scatter(
            x=a[:, 0],
            y=a[:, 1],
            mode="markers",
            name=_("examples"),
            marker=dict(
                size=6,
                color=b,
                colorscale=[[0, PALETTE[1]], [1, PALETTE[0]]] if cls else "Viridis",
                showscale=not cls,
                colorbar=dict(title=_("target"), thickness=10) if not cls else None,
                opacity=0.6,
            ),
            hovertemplate="a=(%{x:.2f}, %{y:.2f})<br>"
            + _("target")
            + " %{marker.color:.2f}<extra></extra>",
        )
    )
    sel = np.asarray(batch_idx)
    fig.add_trace(
        go.Scatter(
            x=a[sel, 0],
            y=a[sel, 1],
            mode="markers",
            name=_("this step's batch ({n})").format(n=len(sel)),
            marker=dict(size=12, color="rgba(0,0,0,0)", line=dict(color="black", width=2)),
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        title=title_on_top(_("the data (ringed: the mini-batch of the chosen step)")),
        height=height,
        xaxis_title=_("feature 1"),
        yaxis_title=_("feature 2"),
        legend=legend_on_top(height),  # (below, it covered the x axis' title)
        margin=dict(t=TITLE_BAND + 6, l=50, r=10, b=50),
    )
    return fig


def batch_maps_figure(
    xs, ys, z_full, z_batch, points, k: int, w_star, *, batch: int, height: int = 420,
    lang: str = "en",
):  # fmt: skip
    """Two contours side by side: the full-batch loss and the loss of step ``k``'s mini-batch,
    each with the path up to step ``k``; the mini-batch's own minimum marked on its map."""
    _ = gettext_for(lang)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            _("full-batch loss (all N examples)"),
            _("step {k}'s mini-batch (B={b})").format(k=k, b=batch),
        ),
        horizontal_spacing=0.08,
    )
    lo = min(np.nanmin(z_full), np.nanmin(z_batch))
    for col, z in ((1, z_full), (2, z_batch)):
        fig.add_trace(
            go.Contour(
                x=xs,
                y=ys,
                z=np.log10(z - lo + 1e-2),
                coloraxis="coloraxis",
                ncontours=24,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
        p = np.asarray(points)[: k + 1]
        fig.add_trace(
            go.Scatter(
                x=p[:, 0],
                y=p[:, 1],
                mode="lines+markers",
                name=_("path"),
                showlegend=col == 1,
                line=dict(color="white", width=2),
                marker=dict(size=3, color="white"),
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=[p[-1, 0]],
                y=[p[-1, 1]],
                mode="markers",
                name=_("w at step {k}").format(k=k),
                showlegend=col == 1,
                marker=dict(size=11, color=PALETTE[1], line=dict(color="black", width=1)),
            ),
            row=1,
            col=col,
        )
    j = np.unravel_index(np.nanargmin(z_batch), np.shape(z_batch))
    fig.add_trace(
        go.Scatter(
            x=[w_star[0]],
            y=[w_star[1]],
            mode="markers",
            name=_("full-batch minimum"),
            marker=dict(symbol="star", size=14, color="white", line=dict(color="black", width=1)),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[xs[j[1]]],
            y=[ys[j[0]]],
            mode="markers",
            name=_("this batch's minimum"),
            marker=dict(symbol="x", size=12, color=PALETTE[2], line=dict(width=2)),
        ),
        row=1,
        col=2,
    )
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        coloraxis=dict(
            colorscale="Viridis",
            colorbar=dict(
                title=dict(text="log10(f - min + 0.01)", side="right"),
                thickness=10,
                exponentformat="none",
            ),
        ),
        # the legend 72 px under the plot, clear of the ticks and the axis' title (the top holds
        # the subplot titles)
        legend=dict(orientation="h", y=-72 / (height - 74 - 120), yanchor="top"),
        margin=dict(t=50, l=40, r=10, b=120),
    )
    fig.update_xaxes(title_text="w1")
    fig.update_yaxes(title_text="w2", scaleanchor="x", row=1, col=1)
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    return roomy_subplot_titles(fig)


def lr_sweep_figure(sweep, *, good_gap: float, steps: int, height: int = 360, lang: str = "en"):
    """Final loss gap (relative to the start) vs learning rate, one curve per batch size; runs
    that end above their start are drawn as crosses at the top; the largest rate of each batch
    size that ends below ``good_gap`` is ringed."""
    _ = gettext_for(lang)
    fig = go.Figure()
    top = 10.0
    for i, b in enumerate(sweep.batches):
        c = PALETTE[i % len(PALETTE)]
        ok = ~sweep.diverged[i]
        fig.add_trace(
            go.Scatter(
                x=sweep.lrs[ok],
                y=sweep.ratio[i][ok],
                mode="lines+markers",
                name=f"B = {b}",
                line=dict(color=c),
            )
        )
        bad = sweep.diverged[i]
        if bad.any():
            fig.add_trace(
                go.Scatter(
                    x=sweep.lrs[bad],
                    y=np.full(int(bad.sum()), top * (1.4**i)),
                    mode="markers",
                    name=_("B = {b}: diverged").format(b=b),
                    marker=dict(symbol="x", size=9, color=c),
                )
            )
        best = sweep.largest_good_lr()[b]
        if best > 0:
            j = int(np.argmin(np.abs(sweep.lrs - best)))
            fig.add_trace(
                go.Scatter(
                    x=[best],
                    y=[sweep.ratio[i][j]],
                    mode="markers",
                    showlegend=False,
                    marker=dict(size=15, color="rgba(0,0,0,0)", line=dict(color=c, width=2)),
                    hovertemplate=_("largest good rate") + " %{x:.3g}<extra></extra>",
                )
            )
    fig.add_hline(y=good_gap, line=dict(color="gray", dash="dot"))
    fig.update_layout(
        template=TEMPLATE,
        title=title_on_top(
            _("loss gap after {n} steps of plain SGD, relative to the start").format(n=steps)
        ),
        height=height + 40,  # (the legend's rows now on top)
        xaxis=dict(type="log", title=_("learning rate"), exponentformat="power"),
        yaxis=dict(  # automargin: the title clear of the 10^-k tick labels
            type="log", title=_("final (f - f*) / start"), exponentformat="power", automargin=True
        ),
        legend=legend_on_top(height + 40),  # (below, it covered the x axis' title)
        margin=dict(t=TITLE_BAND + 6, l=60, r=10, b=50),
    )
    return fig
