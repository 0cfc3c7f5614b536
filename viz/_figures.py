"""Plotly figure builders: data in, ``go.Figure`` out. No Streamlit here."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ._data import PathData, frame_indices

TEMPLATE = "optiscape"
pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color="#222"),
        paper_bgcolor="white", plot_bgcolor="white",
        xaxis=dict(showgrid=True, gridcolor="#eee", zeroline=False, linecolor="#999", mirror=True, ticks="outside"),
        yaxis=dict(showgrid=True, gridcolor="#eee", zeroline=False, linecolor="#999", mirror=True, ticks="outside"),
        colorway=["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"],
        margin=dict(l=60, r=20, t=50, b=50),
        legend=dict(bgcolor="rgba(255,255,255,0.85)", bordercolor="#ccc", borderwidth=1),
    )
)

CLICK_GRID = "click-to-set-start"
ARROW_COLORS = {"gradient": "#D55E00", "velocity": "#0072B2", "lookahead": "#CC79A7", "step": "#009E73"}


def _z_for_display(z: np.ndarray, log: bool) -> tuple[np.ndarray, str]:
    if not log:
        return z, "f(x, y)"
    zmin = np.nanmin(z)
    return np.log10(z - zmin + 1e-3), "log10(f - min + 1e-3)"


def landscape_figure(scape, grid, paths: list[PathData], *, title: str = "", click_grid: int = 32,
                     animate: bool = True, arrows: dict | None = None, max_frames: int = 40, height: int = 560) -> go.Figure:
    """Contour map with the paths, minima, saddles and (optionally) an animation over steps.

    ``arrows`` maps a frame index to a list of ``(name, x0, y0, x1, y1)`` arrows drawn on that frame.
    """
    xs, ys, z = grid
    zd, zlabel = _z_for_display(z, scape.log_z)
    fig = go.Figure()
    fig.add_trace(go.Contour(
        x=xs, y=ys, z=zd, colorscale="Viridis", ncontours=30, opacity=0.85, name="f",
        contours=dict(showlines=True), line=dict(width=0.5, color="rgba(255,255,255,0.35)"),
        colorbar=dict(title=dict(text=zlabel, side="right"), thickness=12), hoverinfo="skip",
    ))
    if click_grid:
        gx, gy = np.meshgrid(np.linspace(xs[0], xs[-1], click_grid), np.linspace(ys[0], ys[-1], click_grid))
        fig.add_trace(go.Scatter(
            x=gx.ravel(), y=gy.ravel(), mode="markers", name=CLICK_GRID, showlegend=False,
            marker=dict(size=12, opacity=0, color="black"),
            hovertemplate="click to start here<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
        ))
    if scape.minima:
        fig.add_trace(go.Scatter(
            x=[m.x for m in scape.minima], y=[m.y for m in scape.minima], mode="markers", name="minima",
            marker=dict(symbol="star", size=14, color="white", line=dict(color="black", width=1.5)),
            hovertemplate="minimum (%{x:.3f}, %{y:.3f})<extra></extra>",
        ))
    if scape.saddles:
        fig.add_trace(go.Scatter(
            x=[s.x for s in scape.saddles], y=[s.y for s in scape.saddles], mode="markers", name="saddles",
            marker=dict(symbol="x", size=11, color="white", line=dict(color="black", width=1.5)),
            hovertemplate="saddle (%{x:.3f}, %{y:.3f})<extra></extra>",
        ))
    path_idx = []
    for p in paths:
        path_idx.append(len(fig.data))
        fig.add_trace(go.Scatter(_path_trace(p, len(p.points) - 1)))
    for p in paths:
        fig.add_trace(go.Scatter(
            x=[p.points[0, 0]], y=[p.points[0, 1]], mode="markers", showlegend=False, hoverinfo="skip",
            marker=dict(symbol="circle-open", size=14, color="black", line=dict(width=2)),
        ))
        if p.diverged_at is not None:
            q = p.points[p.diverged_at - 1] if p.diverged_at > 0 else p.points[0]
            fig.add_trace(go.Scatter(
                x=[q[0]], y=[q[1]], mode="markers+text", name=f"{p.label}: diverged", text=[f"diverged (step {p.diverged_at})"],
                textposition="top center", textfont=dict(color="#D55E00"),
                marker=dict(symbol="x-thin-open", size=22, color="#D55E00", line=dict(width=4)),
            ))
    (x0, x1), (y0, y1) = scape.bounds
    fig.update_layout(
        template=TEMPLATE, height=height, uirevision="keep",
        title=dict(text=title, x=0.01, xanchor="left", y=0.985, yanchor="top"),
        xaxis=dict(range=[x0, x1], title="x", constrain="domain"), yaxis=dict(range=[y0, y1], title="y"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), margin=dict(t=110),
    )
    steps = max((len(p.points) - 1 for p in paths), default=0)
    if animate and paths and steps > 0:
        return _with_playback(fig, paths, path_idx, steps, arrows or {}, max_frames)
    return fig


def _path_trace(p: PathData, k: int) -> dict:
    """A path trace as a plain dict (frames hold many of these: plotly's validation would dominate)."""
    pts = p.points[: k + 1]
    return dict(
        type="scatter", x=pts[:, 0], y=pts[:, 1], mode="lines+markers", name=p.label,
        line=dict(color=p.color, width=2.5), marker=dict(size=4, color=p.color),
        customdata=np.arange(len(pts)), hovertemplate=f"{p.label}<br>step %{{customdata}}<br>(%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
    )


def _frame_trace(p: PathData, k: int) -> dict:
    """Only what changes between frames: plotly.js merges it into the trace's style."""
    pts = p.points[: k + 1]
    return dict(type="scatter", x=pts[:, 0], y=pts[:, 1], customdata=np.arange(len(pts)))


def _arrow_annotations(items) -> list[dict]:
    out = []
    for name, ax, ay, x, y in items:
        out.append(dict(x=x, y=y, ax=ax, ay=ay, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                        arrowhead=3, arrowsize=1.2, arrowwidth=2.5, arrowcolor=ARROW_COLORS.get(name, "black"),
                        text="", hovertext=name))
    return out


def _with_playback(fig, paths, path_idx, steps, arrows, max_frames) -> go.Figure:
    """Add play/pause/scrub controls and one frame per replayed step.

    Frames are assembled as plain dicts and the figure is rebuilt without per-object
    validation: with 60 frames plotly's validators would otherwise cost ~0.2 s a rerun."""
    idx = frame_indices(steps, max_frames)
    d = fig.to_plotly_json()
    d["frames"] = [
        dict(name=str(int(k)), traces=path_idx, data=[_frame_trace(p, min(int(k), len(p.points) - 1)) for p in paths],
             layout=dict(annotations=_arrow_annotations(arrows.get(int(k), []))))
        for k in idx
    ]
    lay = d["layout"]
    lay["annotations"] = _arrow_annotations(arrows.get(int(idx[-1]), []))
    lay["updatemenus"] = [dict(
        type="buttons", direction="left", x=0.0, y=-0.17, xanchor="left", yanchor="top", showactive=False,
        buttons=[
            dict(label="▶ Play", method="animate",
                 args=[None, dict(frame=dict(duration=80, redraw=False), transition=dict(duration=0), fromcurrent=True)]),
            dict(label="❚❚ Pause", method="animate", args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")]),
        ],
    )]
    lay["sliders"] = [dict(
        active=len(idx) - 1, x=0.2, y=-0.15, len=0.8, xanchor="left", yanchor="top",
        currentvalue=dict(prefix="step ", font=dict(size=12)), pad=dict(t=0, b=0),
        steps=[dict(label=str(int(k)), method="animate",
                    args=[[str(int(k))], dict(mode="immediate", frame=dict(duration=0, redraw=False))]) for k in idx],
    )]
    lay["margin"] = {**lay.get("margin", {}), "b": 160}
    return go.Figure(d, _validate=False)


def surface3d_figure(scape, grid, paths: list[PathData], *, title: str = "", height: int = 560) -> go.Figure:
    xs, ys, z = grid
    zd, zlabel = _z_for_display(z, scape.log_z)
    fig = go.Figure(go.Surface(x=xs, y=ys, z=zd, colorscale="Viridis", opacity=0.9, showscale=False, name="f"))
    zmin = np.nanmin(z)
    for p in paths:
        pz = p.losses if not scape.log_z else np.log10(p.losses - zmin + 1e-3)
        fig.add_trace(go.Scatter3d(x=p.points[:, 0], y=p.points[:, 1], z=pz, mode="lines+markers", name=p.label,
                                   line=dict(color=p.color, width=6), marker=dict(size=2, color=p.color)))
    fig.update_layout(template=TEMPLATE, title=title, height=height,
                      scene=dict(xaxis_title="x", yaxis_title="y", zaxis_title=zlabel), margin=dict(l=0, r=0, t=40, b=0))
    return fig


def curves_figure(series: list[tuple[str, np.ndarray, np.ndarray, str]], *, title: str, ylabel: str, log_y: bool = False,
                  xlabel: str = "step", height: int = 300, marks: list[tuple[str, float, float, str]] | None = None) -> go.Figure:
    """Line plot of ``(label, x, y, colour)`` series; ``marks`` adds ``(text, x, y, colour)`` markers."""
    fig = go.Figure()
    for label, x, y, color in series:
        y = np.asarray(y, dtype=float)
        if log_y:
            y = np.where(y > 0, y, np.nan)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=label, line=dict(color=color, width=2)))
    for text, x, y, color in marks or []:
        fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers", name=text, showlegend=False,
                                 marker=dict(symbol="x", size=12, color=color, line=dict(width=3)), hovertext=text))
    fig.update_layout(template=TEMPLATE, title=title, height=height, xaxis_title=xlabel, yaxis_title=ylabel,
                      showlegend=len(series) > 1, legend=dict(orientation="h", y=-0.25, yanchor="top"),
                      margin=dict(t=40, b=40 if len(series) <= 1 else 90))
    if log_y:
        fig.update_yaxes(type="log")
    return fig
