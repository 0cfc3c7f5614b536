"""Plotly figure builders: data in, ``go.Figure`` out. No Streamlit here."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ._data import PathData

TEMPLATE = "optiscape"
pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color="#222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        # exponents read 10^-6, never SI prefixes (1µ, 100p, 1f) that a learning rate or a loss gap
        # should not wear
        xaxis=dict(
            showgrid=True,
            gridcolor="#eee",
            zeroline=False,
            linecolor="#999",
            mirror=True,
            ticks="outside",
            exponentformat="power",
        ),
        yaxis=dict(
            showgrid=True,
            gridcolor="#eee",
            zeroline=False,
            linecolor="#999",
            mirror=True,
            ticks="outside",
            exponentformat="power",
        ),
        colorway=["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"],
        margin=dict(l=60, r=20, t=50, b=50),
        legend=dict(bgcolor="rgba(255,255,255,0.85)", bordercolor="#ccc", borderwidth=1),
    )
)


def _z_for_display(z: np.ndarray, log: bool) -> tuple[np.ndarray, str]:
    if not log:
        return z, "f(x, y)"
    zmin = np.nanmin(z)
    return np.log10(z - zmin + 1e-3), "log10(f - min + 1e-3)"


def make_figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A ``go.Figure`` from plain dicts, skipping plotly.py's per-object validation.

    The figures here are rebuilt on every slider move; validation would cost more than
    the computation. Our template is inlined because unvalidated figures keep names as-is."""
    lay = {"template": pio.templates[TEMPLATE].to_plotly_json(), **layout}
    return go.Figure({"data": data, "layout": lay, "frames": frames or []}, _validate=False)


def _markers(points, name, symbol, size, hover) -> dict:
    return dict(
        type="scatter",
        x=[p.x for p in points],
        y=[p.y for p in points],
        mode="markers",
        name=name,
        marker=dict(symbol=symbol, size=size, color="white", line=dict(color="black", width=1.5)),
        hovertemplate=hover + " (%{x:.3f}, %{y:.3f})<extra></extra>",
    )


def landscape_figure(
    scape, grid, paths: list[PathData], *, title: str = "", height: int = 560
) -> go.Figure:
    """Contour map with the whole paths, minima and saddles: the static figure that exports draw.

    The app replays paths with the player (``viz/player``), which never redraws the contour; this
    figure
    has no animation frames (Plotly frames with ``redraw: False`` over a contour lose the contour).
    The contour values go out as float32: half the bytes, no visible difference.
    """
    xs, ys, z = grid
    zd, zlabel = _z_for_display(z, scape.log_z)
    data = [
        dict(
            type="contour",
            x=xs,
            y=ys,
            z=_typed(zd, "f4", shape=zd.shape),
            colorscale="Viridis",
            ncontours=30,
            opacity=0.85,
            name="f",
            contours=dict(showlines=True),
            line=dict(width=0.5, color="rgba(255,255,255,0.35)", smoothing=0),
            colorbar=dict(title=dict(text=zlabel, side="right"), thickness=12),
            hoverinfo="skip",
        )
    ]
    if scape.minima:
        data.append(_markers(scape.minima, "minima", "star", 14, "minimum"))
    if scape.saddles:
        data.append(_markers(scape.saddles, "saddles", "x", 11, "saddle"))
    for p in paths:
        data.append(_path_trace(p, len(p.points) - 1))
    for p in paths:
        data.append(
            dict(
                type="scatter",
                x=[p.points[0, 0]],
                y=[p.points[0, 1]],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker=dict(symbol="circle-open", size=14, color="black", line=dict(width=2)),
            )
        )
        if p.diverged_at is not None:
            q = p.points[p.diverged_at - 1] if p.diverged_at > 0 else p.points[0]
            data.append(
                dict(
                    type="scatter",
                    x=[q[0]],
                    y=[q[1]],
                    mode="markers+text",
                    name=f"{p.label}: diverged",
                    text=[f"diverged (step {p.diverged_at})"],
                    textposition="top center",
                    textfont=dict(color="#D55E00"),
                    marker=dict(symbol="x-thin-open", size=22, color="#D55E00", line=dict(width=4)),
                )
            )
    (x0, x1), (y0, y1) = scape.bounds
    layout = dict(
        height=height,
        uirevision="keep",
        title=dict(text=title, x=0.01, xanchor="left", y=0.985, yanchor="top"),
        xaxis=dict(range=[x0, x1], title=dict(text="x"), constrain="domain"),
        yaxis=dict(range=[y0, y1], title=dict(text="y")),
        # the legend goes below, clear of the title in a narrow column
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0),
        margin=dict(t=50, l=60, r=20, b=140),
    )
    return make_figure(data, layout)


def _path_trace(p: PathData, k: int) -> dict:
    """A path trace as a plain dict, up to step ``k``."""
    pts = p.points[: k + 1]
    return dict(
        type="scatter",
        x=pts[:, 0],
        y=pts[:, 1],
        mode="lines+markers",
        name=p.label,
        line=dict(color=p.color, width=2.5),
        marker=dict(size=4, color=p.color),
        customdata=np.arange(len(pts)),
        hovertemplate=f"{p.label}<br>step %{{customdata}}"
        f"<br>(%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
    )


def _typed(a: np.ndarray, dtype: str = "f8", shape: tuple[int, ...] | None = None) -> dict:
    """plotly.js's typed-array form, encoded here once (plotly.py would inspect every array
    again)."""
    out = {
        "dtype": dtype,
        "bdata": base64.b64encode(np.ascontiguousarray(a, dtype="<" + dtype).tobytes()).decode(),
    }
    if shape is not None and len(shape) > 1:
        out["shape"] = ",".join(str(int(n)) for n in shape)
    return out


def surface3d_figure(
    scape, grid, paths: list[PathData], *, title: str = "", height: int = 560
) -> go.Figure:
    xs, ys, z = grid
    zd, zlabel = _z_for_display(z, scape.log_z)
    fig = go.Figure(
        go.Surface(x=xs, y=ys, z=zd, colorscale="Viridis", opacity=0.9, showscale=False, name="f")
    )
    zmin = np.nanmin(z)
    for p in paths:
        pz = p.losses if not scape.log_z else np.log10(p.losses - zmin + 1e-3)
        fig.add_trace(
            go.Scatter3d(
                x=p.points[:, 0],
                y=p.points[:, 1],
                z=pz,
                mode="lines+markers",
                name=p.label,
                line=dict(color=p.color, width=6),
                marker=dict(size=2, color=p.color),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title,
        height=height,
        scene=dict(xaxis_title="x", yaxis_title="y", zaxis_title=zlabel),
        margin=dict(l=0, r=0, t=40, b=0),
    )
    return fig


def curves_figure(
    series: list[tuple[str, np.ndarray, np.ndarray, str]],
    *,
    title: str,
    ylabel: str,
    log_y: bool = False,
    xlabel: str = "step",
    height: int = 300,
    marks: list[tuple[str, float, float, str]] | None = None,
) -> go.Figure:
    """Line plot of ``(label, x, y, colour)`` series; ``marks`` adds ``(text, x, y, colour)``
    markers."""
    data = []
    for label, x, y, color in series:
        y = np.asarray(y, dtype=float)
        if log_y:
            y = np.where(y > 0, y, np.nan)
        data.append(
            dict(
                type="scatter",
                x=np.asarray(x),
                y=y,
                mode="lines",
                name=label,
                line=dict(color=color, width=2),
            )
        )
    for text, x, y, color in marks or []:
        data.append(
            dict(
                type="scatter",
                x=[x],
                y=[y],
                mode="markers",
                name=text,
                showlegend=False,
                hovertext=text,
                marker=dict(symbol="x", size=12, color=color, line=dict(width=3)),
            )
        )
    layout = dict(
        title=dict(text=title),
        height=height,
        xaxis=dict(title=dict(text=xlabel)),
        yaxis=dict(
            title=dict(text=ylabel, standoff=16), type="log" if log_y else "linear", automargin=True
        ),
        showlegend=len(series) > 1,
        legend=dict(orientation="h", y=-68 / max(height - 150, 60), yanchor="top"),
        margin=dict(t=40, l=60, r=20, b=40 if len(series) <= 1 else 120),
    )
    return make_figure(data, layout)
