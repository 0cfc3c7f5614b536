"""Plotly figure builders: data in, ``go.Figure`` out. No Streamlit here."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from i18n import N_, gettext_for

from ._data import (
    PALETTE,
    PathData,
    Series,
    distance_to_nearest_minimum,
    frame_indices,
    loss_gaps,
)

TEMPLATE = "optiscape"
pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        font=dict(
            family="Inter, Helvetica, Arial, DejaVu Sans, Noto Sans CJK SC, sans-serif",
            size=13,
            color="#222",
        ),
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
    ),
    # colour bars too read 10^13, never "10T"
    data={
        kind: [{"colorbar": {"exponentformat": "power"}}]
        for kind in ("contour", "heatmap", "surface")
    },
)

#: the band at the top of a figure that holds its title (px); a legend on top goes right under it
TITLE_BAND = 38


def title_on_top(text: str, **kw) -> dict:
    """The title at the very top of the figure (container-referenced), above a legend on top."""
    return dict(text=text, yref="container", y=1, yanchor="top", pad=dict(t=10), **kw)


def legend_on_top(height: int, *, title: bool = True) -> dict:
    """A horizontal legend above the plot, under the title band: container-referenced, so Plotly
    grows the top margin by as many rows as the legend wraps to in a narrow column, and the legend
    never covers an axis title or tick labels (a legend below the plot does, once the x ticks
    rotate)."""
    top = TITLE_BAND if title else 6
    return dict(orientation="h", yref="container", y=1 - top / height, yanchor="top", x=0)


def roomy_subplot_titles(fig: go.Figure, *, lift_px: int = 8, top_px: int = 74) -> go.Figure:
    """Subplot titles that keep apart in a half-page column: a title with a parenthesis breaks
    before it onto a second line (side by side, two long titles ran into each other), each is
    lifted ``lift_px`` clear of its plot, and the top margin (``top_px``) holds the two lines."""
    for a in fig.layout.annotations:
        text = a.text or ""
        for sep in (" (", "（"):
            if sep in text and "<br>" not in text:
                i = text.index(sep)
                text = text[:i] + "<br>" + text[i:].lstrip()
        a.update(text=text, yshift=lift_px, font=dict(size=12))
    fig.update_layout(margin=dict(t=max(fig.layout.margin.t or 0, top_px)))
    return fig


_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _tick_text(v: float) -> str:
    """``0.002``, ``50``, ``2×10⁻⁵``, ``10⁶``: a log axis's tick that reads as its value."""
    e = int(np.floor(np.log10(v) + 1e-9))
    m = round(v / 10.0**e)
    if -3 <= e <= 3:
        return f"{v:.{max(0, -e)}f}"
    return (f"{m}×" if m != 1 else "") + "10" + str(e).translate(_SUP)


def log_ticks(
    lo: float, hi: float, most: int | None = None
) -> tuple[list[float], list[str]] | None:
    """Tick values and labels for a log axis over ``[lo, hi]`` that each read as a number (Plotly
    alone labels the minor ticks of a short range with bare digits: "3, 2, 1, 9, 8"): powers of ten,
    thinned over many decades, and 2 and 5 (or every digit) between them over a few. With ``most``
    (a short chart), the densest of those sets, or 1 and 3, that puts at most ``most`` ticks
    inside the range."""
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi):
        return None
    a, b = int(np.floor(np.log10(lo) + 1e-9)), int(np.ceil(np.log10(hi) - 1e-9))
    decades = max(b - a, 1)

    def ticks(mantissas, step=1):
        vals = [m * 10.0**e for e in range(a, b + 1, step) for m in mantissas]
        return vals, [v for v in vals if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]

    if most is not None:
        sets = [(m, 1) for m in (tuple(range(1, 10)), (1, 2, 3, 5), (1, 2, 5), (1, 3))]
        sets += [((1,), step) for step in range(1, decades + 1)]
        for mantissas, step in sets:
            vals, inside = ticks(mantissas, step)
            if 2 <= len(inside) <= max(most, 2):
                break
        else:
            return log_ticks(lo, hi)
    else:
        for mantissas in ((1,), (1, 2, 5), (1, 2, 3, 5), tuple(range(1, 10))):
            if decades > 3 and mantissas != (1,):
                break
            step = max(1, -(-decades // 8)) if mantissas == (1,) else 1
            vals, inside = ticks(mantissas, step)
            if len(inside) >= 3 or (decades > 3 and len(inside) >= 2):
                break
    if len(inside) < 2:
        return None  # less than a digit's step: Plotly's own labels are whole numbers there
    vals = [v for v in vals if lo / 10 <= v <= hi * 10]
    return vals, [_tick_text(v) for v in vals]


def _readable_axes(data: list[dict], layout: dict) -> dict:
    """A log y axis gets :func:`log_ticks`; a linear y axis whose curves are all one constant value
    shows that value inside its range (Plotly puts a constant at the middle of value +- 1, so a
    learning rate of 0.05 looks like a line at 0)."""
    ya = layout.get("yaxis")
    if not isinstance(ya, dict) or "tickvals" in ya:
        return layout
    if ya.get("range") is not None:  # a log axis shown over its given range: ticks for that range
        ticks = log_ticks(*(10.0 ** np.asarray(ya["range"]))) if ya.get("type") == "log" else None
        if ticks:
            ya = {**ya, "tickmode": "array", "tickvals": ticks[0], "ticktext": ticks[1]}
        return {**layout, "yaxis": ya}
    ys = [
        np.asarray(t["y"], dtype=float).ravel()
        for t in data
        if t.get("type") == "scatter"
        and isinstance(t.get("y"), (list, tuple, np.ndarray))
        and t.get("yaxis", "y") == "y"
    ]
    ys = np.concatenate(ys) if ys else np.array([])
    ys = ys[np.isfinite(ys)]
    if ys.size == 0:
        return layout
    if ya.get("type") == "log":
        ticks = log_ticks(float(ys[ys > 0].min()), float(ys.max())) if (ys > 0).any() else None
        if ticks:
            ya = {**ya, "tickmode": "array", "tickvals": ticks[0], "ticktext": ticks[1]}
    elif ys.min() == ys.max() and ys[0] != 0:
        v = float(ys[0])
        ya = {**ya, "range": [0, 1.25 * v] if v > 0 else [1.25 * v, 0]}
    return {**layout, "yaxis": ya}


def _z_for_display(z: np.ndarray, log: bool) -> tuple[np.ndarray, str]:
    if not log:
        return z, "f(x, y)"
    zmin = np.nanmin(z)
    return np.log10(z - zmin + 1e-3), "log10(f - min + 1e-3)"


def make_figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A ``go.Figure`` from plain dicts, skipping plotly.py's per-object validation.

    The figures here are rebuilt on every slider move; validation would cost more than
    the computation. Our template is inlined because unvalidated figures keep names as-is."""
    lay = {"template": pio.templates[TEMPLATE].to_plotly_json(), **_readable_axes(data, layout)}
    return go.Figure({"data": data, "layout": lay, "frames": frames or []}, _validate=False)


def _markers(points, name, symbol, size, hover) -> dict:
    """Markers at stationary points (``name`` and ``hover`` already in the figure's language)."""
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
    scape, grid, paths: list[PathData], *, title: str = "", height: int = 560, lang: str = "en"
) -> go.Figure:
    """Contour map with the whole paths, minima and saddles: the static figure that exports draw.
    Its words (the title too, when it is a catalog msgid) are in ``lang``.

    The app replays paths with the player (``viz/player``), which never redraws the contour; this
    figure has no animation frames (Plotly frames with ``redraw: False`` over a contour lose the
    contour). The contour values go out as float32: half the bytes, no visible difference.
    """
    _ = gettext_for(lang)
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
        data.append(_markers(scape.minima, _(N_("minima")), "star", 14, _(N_("minimum"))))
    if scape.saddles:
        data.append(_markers(scape.saddles, _(N_("saddles")), "x", 11, _(N_("saddle"))))
    for p in paths:
        data.append(_path_trace(p, len(p.points) - 1, _(N_("step"))))
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
                    name=_(N_("{label}: diverged")).format(label=p.label),
                    text=[_(N_("diverged (step {k})")).format(k=p.diverged_at)],
                    textposition="top center",
                    textfont=dict(color="#D55E00"),
                    marker=dict(symbol="x-thin-open", size=22, color="#D55E00", line=dict(width=4)),
                )
            )
    (x0, x1), (y0, y1) = scape.bounds
    layout = dict(
        height=height,
        uirevision="keep",
        title=title_on_top(_(title) if title else "", x=0.01, xanchor="left"),
        xaxis=dict(range=[x0, x1], title=dict(text="x"), constrain="domain"),
        yaxis=dict(range=[y0, y1], title=dict(text="y")),
        # the legend goes on top, under the title: clear of the axes in a narrow column
        legend=legend_on_top(height, title=bool(title)),
        margin=dict(t=TITLE_BAND + 10, l=60, r=20, b=50),
    )
    return make_figure(data, layout)


def _path_trace(p: PathData, k: int, step: str = "step") -> dict:
    """A path trace as a plain dict, up to step ``k`` (``step``: the word, in the figure's
    language)."""
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
        hovertemplate=f"{p.label}<br>{step} %{{customdata}}"
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
    scape,
    grid,
    paths: list[PathData],
    *,
    title: str = "",
    height: int = 560,
    frames: int = 60,
    lang: str = "en",
) -> go.Figure:
    """The surface in 3-D with each path drawn just above it (lifted by 3% of the surface's
    height range, so the surface never hides it), replayable: ▶ and a step slider (at most
    ``frames`` evenly spaced steps) grow the paths and move their current points. Words in
    ``lang``."""
    _ = gettext_for(lang)
    xs, ys, z = grid
    zd, zlabel = _z_for_display(z, scape.log_z)
    zmin = np.nanmin(z)
    lo, hi = np.nanmin(zd), np.nanmax(zd)
    lift = 0.03 * (hi - lo if hi > lo else 1.0)
    data = [
        dict(
            type="surface",
            x=xs,
            y=ys,
            z=zd,
            colorscale="Viridis",
            opacity=0.9,
            showscale=False,
            name="f",
            hoverinfo="skip",
        )
    ]
    zs = []
    for p in paths:
        pz = p.losses if not scape.log_z else np.log10(p.losses - zmin + 1e-3)
        zs.append(np.clip(pz, lo - 1, hi + 1) + lift)  # a diverged run stays near the box
    steps = max((len(p.points) - 1 for p in paths), default=0)

    def upto(k):
        out = []
        for p, pz in zip(paths, zs, strict=True):
            m = min(k, len(p.points) - 1) + 1
            out.append(dict(type="scatter3d", x=p.points[:m, 0], y=p.points[:m, 1], z=pz[:m]))
        for p, pz in zip(paths, zs, strict=True):
            m = min(k, len(p.points) - 1)
            out.append(
                dict(
                    type="scatter3d",
                    x=p.points[m : m + 1, 0],
                    y=p.points[m : m + 1, 1],
                    z=pz[m : m + 1],
                )
            )
        return out

    last = upto(steps)
    for p, tr in zip(paths, last[: len(paths)], strict=True):
        data.append(
            dict(
                mode="lines+markers",
                name=p.label,
                **tr,
                line=dict(color=p.color, width=7),
                marker=dict(size=2.5, color=p.color),
            )
        )
    for p, tr in zip(paths, last[len(paths) :], strict=True):
        data.append(
            dict(
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                **tr,
                marker=dict(size=6, color=p.color, line=dict(color="black", width=1)),
            )
        )
    shown = frame_indices(steps, frames) if steps else np.array([0])
    traces = list(range(1, 1 + 2 * len(paths)))
    fr = [dict(name=str(int(k)), data=upto(int(k)), traces=traces) for k in shown]
    anim = dict(frame=dict(duration=80, redraw=True), transition=dict(duration=0), mode="immediate")
    layout = dict(
        title=dict(text=_(title) if title else ""),
        height=height,
        scene=dict(
            xaxis=dict(title=dict(text="x")),
            yaxis=dict(title=dict(text="y")),
            zaxis=dict(title=dict(text=zlabel)),
            # seen from high above, the surface a little flattened: the valleys the paths run
            # through stay in view
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.55),
            camera=dict(eye=dict(x=1.1, y=-1.35, z=1.55)),
        ),
        margin=dict(l=0, r=0, t=40, b=10),
        legend=dict(orientation="h", x=0, y=1, yanchor="bottom"),
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                y=0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=4, r=4),
                buttons=[
                    dict(label="▶", method="animate", args=[None, {**anim, "fromcurrent": True}]),
                    dict(
                        label="❚❚",
                        method="animate",
                        args=[[None], {**anim, "frame": dict(duration=0, redraw=False)}],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                x=0.14,
                len=0.86,
                y=0,
                yanchor="top",
                pad=dict(t=4),
                currentvalue=dict(prefix=_(N_("step")) + " ", font=dict(size=12)),
                active=len(shown) - 1,
                steps=[
                    dict(
                        label=str(int(k)),
                        method="animate",
                        args=[[str(int(k))], {**anim, "mode": "immediate"}],
                    )
                    for k in shown
                ],
            )
        ],
    )
    layout["margin"]["b"] = 90
    return make_figure(data, layout, fr)


def _axis_range(span: tuple[float, float], log: bool) -> list[float]:
    """Plotly's range for ``span`` (data units): log10 of it on a log axis."""
    return [float(np.log10(v)) for v in span] if log else [float(v) for v in span]


def curves_figure(
    series: list[Series],
    *,
    title: str,
    ylabel: str,
    log_y: bool = False,
    xlabel: str = N_("step"),
    height: int = 300,
    marks: list[Series] | None = None,
    marks_name: str | None = None,
    y_range: tuple[float, float] | None = None,
    y_ticks: int | None = None,
    x_integer: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Line plot of :class:`Series`; ``marks`` adds one-point Series drawn as crosses (hover names
    each), with ``marks_name`` one legend entry that says what the crosses are; ``y_range`` (in data
    units, also on a log axis) fixes the y axis' span, its tick labels read over it; ``y_ticks``
    caps a log y axis' labelled ticks (a short chart); ``x_integer``: the x axis counts (whole
    numbers only). The title, axis labels and ``marks_name`` (catalog msgids, or already
    translated) are shown in ``lang``."""
    _ = gettext_for(lang)
    data = []
    for s in series:
        y = np.asarray(s.y, dtype=float)
        if log_y:
            y = np.where(y > 0, y, np.nan)
        data.append(
            dict(
                type="scatter",
                x=np.asarray(s.x),
                y=y,
                mode="lines",
                name=s.label,
                line=dict(color=s.color, width=2),
            )
        )
    for m in marks or []:
        data.append(
            dict(
                type="scatter",
                x=[m.x],
                y=[m.y],
                mode="markers",
                name=m.label,
                showlegend=False,
                hovertext=m.label,
                marker=dict(symbol="x", size=12, color=m.color, line=dict(width=3)),
                **({"legendgroup": "marks"} if marks_name else {}),
            )
        )
    if marks and marks_name:  # one entry for all the crosses (each cross has its run's colour)
        data.append(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=_(marks_name),
                legendgroup="marks",
                hoverinfo="skip",
                marker=dict(symbol="x", size=9, color="#555", line=dict(width=2)),
            )
        )
    xaxis = dict(title=dict(text=_(xlabel) if xlabel else ""))
    if x_integer:  # ticks at whole numbers only, at most about ten of them
        xs = np.concatenate([np.asarray(c.x, float).ravel() for c in series] or [np.zeros(1)])
        span = float(np.ptp(xs[np.isfinite(xs)])) if np.isfinite(xs).any() else 0.0
        xaxis.update(tickmode="linear", tick0=0, dtick=max(1, int(np.ceil(span / 10))))
    layout = dict(
        title=title_on_top(_(title) if title else ""),
        height=height,
        xaxis=xaxis,
        yaxis=dict(
            title=dict(text=_(ylabel) if ylabel else "", standoff=16),
            type="log" if log_y else "linear",
            automargin=True,
            **({} if y_range is None else {"range": _axis_range(y_range, log_y)}),
        ),
        showlegend=len(series) > 1 or bool(marks and marks_name),
        legend=legend_on_top(height, title=bool(title)),
        margin=dict(t=TITLE_BAND + 4 if title else 20, l=60, r=20, b=50),
    )
    if log_y and y_ticks and y_range is None:
        ys = [np.asarray(c.y, float).ravel() for c in [*series, *(marks or [])]]
        ys = np.concatenate(ys) if ys else np.zeros(0)
        ys = np.log10(ys[np.isfinite(ys) & (ys > 0)])
        if ys.size and ys.max() > ys.min():  # the span shown: the data's and 5% each side
            pad = 0.05 * (ys.max() - ys.min())
            span = [float(ys.min() - pad), float(ys.max() + pad)]
            ticks = log_ticks(10.0 ** span[0], 10.0 ** span[1], y_ticks)
            layout["yaxis"].update(range=span)
            if ticks:
                layout["yaxis"].update(tickmode="array", tickvals=ticks[0], ticktext=ticks[1])
    return make_figure(data, layout)


def race_loss_figure(scape, trajs, paths, *, height: int = 340, lang: str = "en") -> go.Figure:
    """Compare's loss chart: each run's gap :math:`f - f^*` (``paths``: their labels and colours)
    on a log axis, with an X where a run diverged, in ``lang``."""
    _ = gettext_for(lang)
    steps = np.arange(trajs[0].steps + 1)
    gaps = loss_gaps(scape, trajs)
    series = [Series(p.label, steps, g, p.color) for p, g in zip(paths, gaps, strict=True)]
    marks = [
        Series(
            _("{label} diverged").format(label=p.label), p.diverged_at, g[p.diverged_at], p.color
        )
        for p, g in zip(paths, gaps, strict=True)
        if p.diverged_at is not None
    ]
    return curves_figure(
        series,
        title=N_("loss gap f - f* (log scale)"),
        ylabel="f - f*",
        log_y=True,
        height=height,
        marks=marks,
        lang=lang,
    )


def run_charts(scape, traj, estimate=None, *, lang: str = "en") -> list[go.Figure]:
    """The Playground's four line charts of one run: the loss gap, the gradient norm, the learning
    rate (with an optimizer's own step-size ``estimate``, ``(label msgid, values)``, on a log axis)
    and the distance to the nearest minimum, in ``lang``."""
    _ = gettext_for(lang)
    steps = np.arange(traj.steps + 1)
    (gap,) = loss_gaps(scape, [traj])
    lr = [Series("lr", steps[:-1], traj.lrs, PALETTE[2])]
    if estimate is not None:
        lr.append(Series(_(estimate[0]), steps[: len(estimate[1])], estimate[1], PALETTE[4]))
    dist = distance_to_nearest_minimum(scape, traj.points)
    grad = np.linalg.norm(traj.grads, axis=1)
    return [
        curves_figure([Series("f - f*", steps, gap, PALETTE[0])], title=N_("loss gap f - f* (log)"),
                      ylabel="f - f*", log_y=True, lang=lang),
        curves_figure([Series("|grad|", steps, grad, PALETTE[1])], title=N_("gradient norm"),
                      ylabel="|∇f|", log_y=True, lang=lang),
        curves_figure(lr, title=N_("learning rate"), ylabel="lr", log_y=estimate is not None,
                      lang=lang),
        curves_figure([Series(_(N_("distance")), steps, dist, PALETTE[3])],
                      title=N_("distance to nearest minimum"), ylabel=N_("distance"), log_y=True,
                      lang=lang),
    ]  # fmt: skip
