"""Exporters: static images (kaleido + chromium), offline HTML, animated GIF, CSV/NPZ data.

One kaleido server is kept per process (the first export takes ~3 s, later ones well under 1 s).
Exports use the light ``optiscape`` template regardless of the Streamlit theme.
"""

from __future__ import annotations

import atexit
import csv
import io
import os
import re
import tempfile
import threading

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

from i18n import N_, gettext_for

from ._data import PathData, frame_indices
from ._figures import TEMPLATE, landscape_figure

MAX_PIXELS = 4096 * 4096  # width * height * scale^2 cap for static exports
MAX_GIF_FRAMES = 200
_WRAPPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chromium-headless.sh")
_lock = threading.Lock()
_server_started = False


class ExportError(ValueError):
    """An export request that cannot be honoured (size limits, missing browser): ``msgid``, a
    catalog message, filled in with ``kw``; ``str()`` is the English, :meth:`in_lang` any
    language's (the command line's ``--lang``)."""

    def __init__(self, msgid: str, **kw):
        self.msgid, self.kw = msgid, kw
        super().__init__(msgid.format(**kw))

    def in_lang(self, lang: str) -> str:
        return gettext_for(lang)(self.msgid).format(**self.kw)


def _ensure_server() -> None:
    global _server_started
    with _lock:
        if _server_started:
            return
        if "BROWSER_PATH" not in os.environ and os.path.exists(
            os.environ.get("CHROMIUM", "/usr/bin/chromium")
        ):
            os.environ["BROWSER_PATH"] = _WRAPPER
        import kaleido
        import plotly.io as pio

        # the options a figure's export would carry (plotly's request headers) go to the
        # server once: kaleido ignores (and warns about) per-call options while a server runs
        kaleido.start_sync_server(headers=pio.defaults.headers, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _server_started = True


def static_figure(fig: go.Figure) -> go.Figure:
    """A print-ready copy: the light template, and a bottom margin no larger than a legend needs."""
    f = go.Figure(fig)
    f.update_layout(template=TEMPLATE, paper_bgcolor="white", plot_bgcolor="white")
    m = f.layout.margin
    if m.autoexpand is not False:  # (exact margins place a picture's plot box: kept as they are)
        f.update_layout(margin=dict(b=60 if (m.b or 0) > 100 else m.b))
    return f


def check_size(width: int, height: int, scale: float) -> None:
    if not (100 <= width <= 4096 and 100 <= height <= 4096 and 0.25 <= scale <= 4):
        raise ExportError(N_("width and height must be 100-4096 px and scale 0.25-4"))
    if width * height * scale * scale > MAX_PIXELS:
        raise ExportError(
            N_("image too large: {w} x {h} px (limit {limit} pixels)"),
            w=int(width * scale),
            h=int(height * scale),
            limit=f"{MAX_PIXELS:,}",
        )


def to_image(
    fig: go.Figure, fmt: str = "png", *, width: int = 1600, height: int = 1000, scale: float = 1.0
) -> bytes:
    """PNG, SVG or PDF bytes of ``fig`` rendered by kaleido's server (started once; called
    directly, with no per-call options for it to ignore)."""
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(N_("unknown image format {fmt}"), fmt=repr(fmt))
    check_size(width, height, scale)
    _ensure_server()
    import kaleido

    opts = dict(format=fmt, width=width, height=height, scale=scale)
    with _lock:
        return kaleido.calc_fig_sync(static_figure(fig).to_dict(), opts=opts)


def to_html(fig: go.Figure) -> str:
    """A self-contained interactive HTML page (plotly.js embedded, opens offline)."""
    return fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        include_mathjax=False,
        config={"displaylogo": False, "responsive": True},
    )


def trajectories_csv(labels, trajectories) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "lr", "diverged"])
    for lab, t in zip(labels, trajectories, strict=True):
        lrs = np.append(t.lrs, np.nan)
        for k in range(len(t.points)):
            w.writerow(
                [
                    lab,
                    k,
                    repr(float(t.points[k, 0])),
                    repr(float(t.points[k, 1])),
                    repr(float(t.losses[k])),
                    repr(float(t.grads[k, 0])),
                    repr(float(t.grads[k, 1])),
                    repr(float(lrs[k])),
                    int(t.diverged_at is not None and k >= t.diverged_at),
                ]
            )
    return buf.getvalue()


def trajectories_npz(labels, trajectories) -> bytes:
    arrays = {"labels": np.array(labels)}
    for i, t in enumerate(trajectories):
        for name in ("points", "losses", "grads", "lrs", "updates", "velocity", "mhat"):
            arrays[f"{i}_{name}"] = getattr(t, name)
        arrays[f"{i}_diverged_at"] = np.array(-1 if t.diverged_at is None else t.diverged_at)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


# --- file names --------------------------------------------------------------------------------


def export_name(scn, *, presets=None) -> str:
    """A file name stem that says what the export shows: the preset's slug when ``scn`` is exactly a
    preset (``momentum-vs-nesterov-saddle``), else the optimizers and the surface
    (``sgd-vs-adam-rosenbrock``). Letters, digits and dashes only, at most 80 characters."""
    if presets is None:
        import scenarios

        presets = scenarios.PRESETS
    for p in presets:
        if p.scenario == scn:
            return p.slug
    names = "-vs-".join(dict.fromkeys(o.name for o in scn.optimizers)) or "path"
    stem = f"{names}-{scn.surface}"
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return stem[:80].rstrip("-") or "optiscape"


# --- slides: equal aspect, large text, the legend beside the plot ------------------------------


def _text_px(text_scale: float, width: int, height: int) -> int:
    """The base font size of a picture: 13 px at 720 px high, growing with the picture and the
    presentation's text scale (1, 1.5 or 2)."""
    return round(13 * text_scale * max(1.0, min(width, height * 16 / 9) / 1280))


def slide_figure(fig: go.Figure, *, width: int, height: int, text_scale: float = 1.5) -> go.Figure:
    """A copy of ``fig`` for a slide of ``width x height`` px: text and lines scaled by
    ``text_scale``, the legend outside the plot (beside or under it); a map (a figure with a
    contour) keeps equal aspect: one unit of x is as long as one unit of y, and the plot is as large
    as that allows."""
    f = static_figure(fig)
    fs = _text_px(text_scale, width, height)
    k = fs / 13
    f.update_layout(
        font=dict(size=fs),
        title=dict(font=dict(size=round(fs * 1.2))),
        legend=dict(  # (paper-referenced: a figure's legend on top is container-referenced)
            orientation="v",
            x=1.02,
            xanchor="left",
            y=1,
            yanchor="top",
            yref="paper",
            font=dict(size=fs),
        ),
        height=height,
        width=width,
    )
    for tr in f.data:
        line = getattr(tr, "line", None)
        if line is not None and getattr(line, "width", None) is not None:
            tr.line.width = line.width * k
        marker = getattr(tr, "marker", None)
        if marker is not None and isinstance(getattr(marker, "size", None), (int, float)):
            tr.marker.size = marker.size * k
    f.layout.updatemenus, f.layout.sliders, f.frames = (), (), ()  # (a picture has no ▶)
    if any(t.type == "surface" for t in f.data):  # 3-D: the axes' ticks in perspective, smaller
        small = dict(
            tickfont=dict(size=round(0.6 * fs)), title=dict(font=dict(size=round(0.8 * fs)))
        )
        f.update_scenes(xaxis=small, yaxis=small, zaxis=small)
    contour = next((t for t in f.data if t.type == "contour"), None)
    if contour is None or f.layout.xaxis.range is None or f.layout.yaxis.range is None:
        f.update_layout(margin=dict(l=round(5 * fs), r=20, t=round(4 * fs), b=round(4 * fs)))
        return f
    (x0, x1), (y0, y1) = f.layout.xaxis.range, f.layout.yaxis.range
    ml, mt, mb, mr = round(5 * fs), round(3.6 * fs), round(4 * fs), round(fs)
    lf = round(0.85 * fs)  # legend text
    labels = [t.name or "" for t in f.data if t.showlegend is not False and t.type != "contour"]
    entries = [len(s) * 0.56 * lf + 3 * lf for s in labels]
    bar_px = round(5 * fs)  # the colour bar with its tick labels and title
    aw, ah = width - ml - mr, height - mt - mb
    r = (y1 - y0) / (x1 - x0)
    best = None
    for side in ("right", "below"):
        if side == "right":
            w_, h_ = aw - bar_px - max([*entries, 0]) - fs, ah
        else:  # a horizontal legend under the x axis: its rows of entries
            per_row = max(1, int((aw - bar_px) // max([*entries, 1])))  # Plotly aligns columns
            rows = -(-len(entries) // per_row)
            w_, h_ = aw - bar_px, ah - rows * 1.75 * lf - (4.4 * fs if rows else 0) + 0.5 * mb
        pw = min(w_, h_ / r)
        if pw > 0 and (best is None or pw > best[1]):
            best = (side, pw)
    side, pw = best if best else ("right", 0.3 * aw)
    ph = pw * r
    fx, fy = pw / aw, ph / ah
    # the plot, its colour bar and (beside it) the legend as one block in the middle of the slide
    block = pw + bar_px + (max([*entries, 0]) + fs if side == "right" else 0)
    off = max(0.0, (aw - block) / 2) / aw
    legend = (
        dict(orientation="v", x=off + (pw + bar_px) / aw, xanchor="left", y=1, yanchor="top")
        if side == "right"
        else dict(orientation="h", x=off, xanchor="left", y=-mb / ah, yanchor="top")
    )
    if side == "below":  # the plot sits at the top, the legend just under the x axis' title
        legend["y"] = 1 - fy - (4.2 * fs) / ah
    f.update_layout(
        margin=dict(l=ml, r=mr, t=mt, b=mb, autoexpand=False),
        xaxis=dict(domain=[off, off + fx], constrain=None, range=[x0, x1]),
        yaxis=dict(domain=[1 - fy, 1], range=[y0, y1]),
        legend=dict(**legend, font=dict(size=lf)),
    )
    contour.colorbar.update(
        x=off + fx + 8 / aw, xanchor="left", y=1, yanchor="top", len=fy, thickness=round(fs), xpad=0
    )
    contour.colorbar.title.font.size = fs
    return f


# --- animations ----------------------------------------------------------------------------------

_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#: a font with Chinese glyphs (Debian's fonts-noto-cjk; .ci/run and the README install it) and the
#: index of its Simplified Chinese face; without it Chinese text would draw as boxes
_FONT_CJK = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
#: the arrows a replay frame draws, as the page's player draws them: (dash, width)
_ARROW_LOOK = {"step": ("solid", 3.5), "momentum": ("dash", 2.5), "gradient": ("dot", 2.5)}
_ARROW_LOOK["direction"] = ("dot", 1.5)
_ARROW_NAMES = {
    "step": N_("step taken"),
    "momentum": N_("momentum step μv"),
    "gradient": N_("gradient step −lr∇f"),
    "direction": N_("downhill direction (not to scale)"),
    "lookahead": N_("look-ahead point x + μv"),
}


def _font(size: int, lang: str = "en"):
    """The frames' font: DejaVu Sans, or for a language written in CJK characters Noto Sans CJK
    (which has the Latin letters too)."""
    path, index = _FONT_CJK if lang != "en" else (_FONT, 0)
    for p, i in ((path, index), (_FONT, 0)):
        try:
            return ImageFont.truetype(p, size, index=i)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def animation_steps(steps: int, *, frames: int = 40, every: int | None = None) -> np.ndarray:
    """The steps an animation shows: every ``every``-th step (and the last), or ``frames`` evenly
    spaced ones; at most :data:`MAX_GIF_FRAMES`."""
    if every is None:
        if not 2 <= frames <= MAX_GIF_FRAMES:
            raise ExportError(N_("frames must be between 2 and {n}"), n=MAX_GIF_FRAMES)
        return frame_indices(steps, frames)
    if every < 1:
        raise ExportError(N_("every-k-steps must be at least 1"))
    idx = np.arange(0, steps + 1, every)
    if idx[-1] != steps:
        idx = np.append(idx, steps)
    if len(idx) > MAX_GIF_FRAMES:
        need = -(-steps // (MAX_GIF_FRAMES - 1))
        raise ExportError(
            N_(
                "every {every} steps of {steps} makes {n} frames; the limit is {limit}: show "
                "every {need} steps or more"
            ),
            every=every,
            steps=steps,
            n=len(idx),
            limit=MAX_GIF_FRAMES,
            need=need,
        )
    return idx


def _bare_area(scape, width, height) -> float:
    """The area of the largest equal-aspect plot in the picture, with no legend and no margins."""
    (x0, x1), (y0, y1) = scape.bounds
    r = (y1 - y0) / (x1 - x0)
    pw = min(width, height / r)
    return pw * pw * r


def _bar_px(fs: int) -> int:
    """The colour bar's width in a frame: the bar, its tick labels and its title."""
    return round(5.8 * fs)


def _layout_frame(scape, paths, width, height, fs, n_legend, lang="en"):
    """Where a frame's plot and legend go: the plot with equal aspect and its colour bar, as large
    as the picture allows with the legend beside it or below it, whichever leaves the larger plot;
    the plot, colour bar and legend as one block in the middle of the picture."""
    (x0, x1), (y0, y1) = scape.bounds
    r = (y1 - y0) / (x1 - x0)
    ml, mt, mb, mr = round(4.6 * fs), round(2.6 * fs), round(3.6 * fs), round(0.8 * fs)
    bar = _bar_px(fs)
    font = _font(fs, lang)
    tr = gettext_for(lang)
    texts = [p.label for p in paths] + [tr(t) for t in _ARROW_NAMES.values()]
    texts.append(tr(N_("step {k} / {n}")).format(k="0000", n="0000"))
    leg_w = round(max(font.getlength(t) for t in texts) + 3.5 * fs)
    leg_h = round(n_legend * 1.5 * fs)
    best = None
    for side in ("right", "below"):
        aw = width - ml - mr - bar - (leg_w if side == "right" else 0)
        ah = height - mt - mb - (leg_h + fs if side == "below" else 0)
        if aw < 50 or ah < 50:
            continue
        pw = min(aw, ah / r)
        ph = pw * r
        if best is None or pw * ph > best[0]:
            best = (pw * ph, side, pw, ph)
    if best is None:
        return None
    _, side, pw, ph = best
    pw, ph = int(pw), int(ph)
    block = pw + bar + (leg_w if side == "right" else 0)
    left = ml + max(0, (width - ml - mr - block) // 2)
    plot = (left, mt, left + pw, mt + ph)
    legend = (left + pw + bar, mt) if side == "right" else (left, mt + ph + mb)
    return plot, legend


def _shows(p0, p1, centre, hidden: float, box) -> bool:
    """An arrow from ``p0`` to ``p1`` (pixels) shows in a frame: it reaches out of the current
    point's disc (radius ``hidden``, drawn over it) and one of its ends lies in the map's box."""
    far = max(float(np.hypot(x - centre[0], y - centre[1])) for x, y in (p0, p1)) > hidden
    inside = any(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in (p0, p1))
    return far and inside


def frame_background(scape, grid, plot, width, height, *, fs, title="", lang="en") -> go.Figure:
    """The figure a frame's contour is rendered from: exact margins around ``plot`` (its box in
    pixels, so data coordinates map linearly to pixels), no legend (drawn with Pillow), and the
    colour bar right of the plot as in the PNG export."""
    px0, py0, px1, py1 = plot
    bg = landscape_figure(scape, grid, [], title=title, lang=lang)
    bg.update_traces(
        showscale=True,
        colorbar=dict(
            x=1 + round(0.5 * fs) / (px1 - px0),
            xanchor="left",
            xpad=0,
            y=1,
            yanchor="top",
            len=1,
            thickness=round(fs),
            ypad=0,
            tickfont=dict(size=round(0.85 * fs)),
            title=dict(font=dict(size=round(0.85 * fs))),
        ),
        selector=dict(type="contour"),
    )
    bg.update_layout(
        margin=dict(l=px0, t=py0, r=width - px1, b=height - py1, autoexpand=False),
        showlegend=False,
        xaxis=dict(constrain=None),
        font=dict(size=fs),
        title=dict(
            font=dict(size=round(fs * 1.15)),
            x=px0 / width,
            xanchor="left",
            y=1 - 0.3 * fs / height,
            yanchor="top",
        ),
    )
    return bg


def _dashed(d, p0, p1, fill, width, dash):
    if dash == "solid":
        d.line([p0, p1], fill=fill, width=width)
        return
    on, off = (3 * width, 2 * width) if dash == "dash" else (width, 1.6 * width)
    (xa, ya), (xb, yb) = p0, p1
    n = float(np.hypot(xb - xa, yb - ya))
    t = 0.0
    while t < n:
        u = min(t + on, n)
        d.line(
            [
                (xa + (xb - xa) * t / n, ya + (yb - ya) * t / n),
                (xa + (xb - xa) * u / n, ya + (yb - ya) * u / n),
            ],
            fill=fill,
            width=width,
        )
        t = u + off


def _arrow(d, p0, p1, fill, width, dash, head):
    (xa, ya), (xb, yb) = p0, p1
    n = float(np.hypot(xb - xa, yb - ya))
    if n < 1:
        return
    ux, uy = (xb - xa) / n, (yb - ya) / n
    h = min(head, 0.6 * n)
    _dashed(d, p0, (xb - ux * h * 0.8, yb - uy * h * 0.8), fill, width, dash)
    d.polygon(
        [
            (xb, yb),
            (xb - ux * h - uy * h * 0.45, yb - uy * h + ux * h * 0.45),
            (xb - ux * h + uy * h * 0.45, yb - uy * h - ux * h * 0.45),
        ],
        fill=fill,
    )


def animation_frames(
    scape,
    grid,
    paths: list[PathData],
    *,
    width: int = 800,
    height: int = 600,
    frames: int = 40,
    every: int | None = None,
    arrows: list[dict[str, np.ndarray]] | None = None,
    title: str = "",
    text_scale: float = 1.0,
    lang: str = "en",
) -> list[Image.Image]:
    """RGB frames of the paths growing step by step (all paths in sync), one per shown step (see
    :func:`animation_steps`), with that step's arrows when ``arrows`` (one dict per path, as
    :func:`viz.step_arrows` returns) is given.

    The map keeps equal aspect and is as large as the picture allows, its colour bar beside it, the
    legend and the step counter beside or below them. The contour is rendered once by kaleido with
    exact margins (:func:`frame_background`), so data coordinates map linearly to pixels; the paths
    and arrows are drawn on top with Pillow. Each frame's legend names only the arrows that frame
    shows (an arrow shorter than the current point's disc is not drawn). The title, the step
    counter and the arrows' names are in ``lang`` (``title`` may be a msgid)."""
    _ = gettext_for(lang)
    check_size(width, height, 1.0)
    steps = max((len(p.points) - 1 for p in paths), default=0)
    shown = animation_steps(steps, frames=frames, every=every)
    fs = _text_px(text_scale, width, height)
    kinds = [k for k in _ARROW_NAMES if arrows and any(k in a for a in arrows)]
    while True:  # smaller text where a large one would leave the map less than a third
        lay = _layout_frame(scape, paths, width, height, fs, 1 + len(paths) + len(kinds), lang)
        if lay is None and fs <= 10:
            raise ExportError(
                N_("{width} x {height} px leaves no room for the map; make it larger"),
                width=width,
                height=height,
            )
        if lay is not None:
            (px0, py0, px1, py1), (lx, ly) = lay
            if (px1 - px0) * (py1 - py0) >= 0.6 * _bare_area(scape, width, height) or fs <= 10:
                break
        fs = max(10, round(fs * 0.85))
    s = fs / 13
    bg = frame_background(
        scape, grid, (px0, py0, px1, py1), width, height, fs=fs, title=title, lang=lang
    )
    png = to_image(bg, "png", width=width, height=height, scale=1.0)
    base = Image.open(io.BytesIO(png)).convert("RGB")
    (x0, x1), (y0, y1) = scape.bounds
    pw, ph = px1 - px0, py1 - py0

    def px(pts):
        pts = np.asarray(pts, float).reshape(-1, 2)
        u = px0 + (pts[:, 0] - x0) / (x1 - x0) * pw
        v = py0 + (y1 - pts[:, 1]) / (y1 - y0) * ph
        return [(float(a), float(b)) for a, b in np.clip(np.c_[u, v], -1e5, 1e5)]

    font = _font(fs, lang)
    box = (px0, py0, px1, py1)
    images = []
    for k in shown:
        k = int(k)
        layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        drawn = set()  # the arrows this frame shows: only those are in its legend
        for j, p in enumerate(paths):
            col = _rgb(p.color)
            pts = px(p.points[: min(k, len(p.points) - 1) + 1])
            if len(pts) > 1:
                d.line(pts, fill=col, width=max(2, round(2.5 * s)), joint="curve")
            x, y = pts[0]
            r0 = 7 * s
            d.ellipse(
                [x - r0, y - r0, x + r0, y + r0], outline=(0, 0, 0), width=max(1, round(2 * s))
            )
            cx, cy = pts[-1]
            r2 = 6 * s
            for kind, a in (arrows[j] if arrows else {}).items():
                if k >= len(a) or not np.isfinite(a[k]).all():
                    continue
                (ax, ay), (bx, by) = px(a[k])
                ends = ((bx, by),) * 2 if kind == "lookahead" else ((ax, ay), (bx, by))
                if not _shows(*ends, (cx, cy), r2 + 3 * s, box):
                    continue  # under the current point's disc or off the map: not drawn
                drawn.add(kind)
                if kind == "lookahead":
                    r1 = 6 * s
                    d.polygon(
                        [(bx, by - r1), (bx + r1, by), (bx, by + r1), (bx - r1, by)],
                        fill=col,
                        outline=(0, 0, 0),
                    )
                    continue
                dash, w = _ARROW_LOOK[kind]
                _arrow(d, (ax, ay), (bx, by), col, max(1, round(w * s)), dash, 11 * s)
            d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], fill=col, outline=(0, 0, 0))
        im = base.copy()
        im.paste(layer.crop(box), box[:2], layer.crop(box))
        d = ImageDraw.Draw(im)
        y = ly
        d.text((lx, y), _(N_("step {k} / {n}")).format(k=k, n=steps), fill=(0, 0, 0), font=font)
        y += 1.5 * fs
        for p in paths:
            d.rectangle([lx, y + 0.25 * fs, lx + 1.6 * fs, y + 0.75 * fs], fill=_rgb(p.color))
            d.text((lx + 2.2 * fs, y), p.label, fill=(0, 0, 0), font=font)
            y += 1.5 * fs
        for kind in (kd for kd in kinds if kd in drawn):
            if kind == "lookahead":
                c = (lx + 0.8 * fs, y + 0.5 * fs)
                r1 = 0.4 * fs
                d.polygon(
                    [(c[0], c[1] - r1), (c[0] + r1, c[1]), (c[0], c[1] + r1), (c[0] - r1, c[1])],
                    fill=(90, 90, 90),
                    outline=(0, 0, 0),
                )
            else:
                dash, w = _ARROW_LOOK[kind]
                _arrow(
                    d,
                    (lx, y + 0.5 * fs),
                    (lx + 1.7 * fs, y + 0.5 * fs),
                    (60, 60, 60),
                    max(1, round(min(w, 3) * s)),
                    dash,
                    0.6 * fs,
                )
            d.text((lx + 2.2 * fs, y), _(_ARROW_NAMES[kind]), fill=(0, 0, 0), font=font)
            y += 1.5 * fs
        images.append(im)
    return images


def animation_gif(
    scape,
    grid,
    paths: list[PathData],
    *,
    fps: int = 12,
    hold: float = 1.0,
    **kw,
) -> bytes:
    """Animated GIF of the replay (see :func:`animation_frames` for ``kw``): ``fps`` frames a
    second, the last frame held ``hold`` seconds longer."""
    if not 1 <= fps <= 50 or not 0 <= hold <= 30:
        raise ExportError(N_("frames per second must be 1-{fps} and the hold 0-30 s"), fps=50)
    images = [
        im.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        for im in animation_frames(scape, grid, paths, **kw)
    ]
    dt = round(1000 / fps)
    durations = [dt] * (len(images) - 1) + [dt + round(1000 * hold)]
    buf = io.BytesIO()
    images[0].save(
        buf, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0
    )
    return buf.getvalue()


def animation_mp4(
    scape,
    grid,
    paths: list[PathData],
    *,
    fps: int = 12,
    hold: float = 1.0,
    width: int = 800,
    height: int = 600,
    **kw,
) -> bytes:
    """H.264 MP4 of the replay (see :func:`animation_frames`), encoded by the ffmpeg that the
    ``imageio-ffmpeg`` wheel ships; the last frame repeats for ``hold`` seconds."""
    import imageio.v2 as imageio

    if not 1 <= fps <= 60 or not 0 <= hold <= 30:
        raise ExportError(N_("frames per second must be 1-{fps} and the hold 0-30 s"), fps=60)
    width, height = width - width % 2, height - height % 2  # yuv420p needs even sizes
    images = animation_frames(scape, grid, paths, width=width, height=height, **kw)
    images += [images[-1]] * round(hold * fps)
    with tempfile.TemporaryDirectory(prefix="optiscape-mp4-") as tmp:
        path = os.path.join(tmp, "replay.mp4")
        with imageio.get_writer(
            path,
            fps=fps,
            codec="libx264",
            pixelformat="yuv420p",
            macro_block_size=2,
            ffmpeg_log_level="error",
        ) as w:
            for im in images:
                w.append_data(np.asarray(im))
        with open(path, "rb") as fh:
            return fh.read()
