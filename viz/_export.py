"""Exporters: static images (kaleido + chromium), offline HTML, animated GIF, CSV/NPZ data.

One kaleido server is kept per process (the first export takes ~3 s, later ones well under 1 s).
Exports use the light ``optiscape`` template regardless of the Streamlit theme.
"""

from __future__ import annotations

import atexit
import csv
import io
import os
import tempfile
import threading

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

from ._data import PathData, frame_indices
from ._figures import TEMPLATE, landscape_figure

MAX_PIXELS = 4096 * 4096  # width * height * scale^2 cap for static exports
MAX_GIF_FRAMES = 200
_WRAPPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chromium-headless.sh")
_lock = threading.Lock()
_server_started = False


class ExportError(ValueError):
    """An export request that cannot be honoured (size limits, missing browser)."""


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

        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _server_started = True


def static_figure(fig: go.Figure) -> go.Figure:
    """A print-ready copy: the light template, and a bottom margin no larger than a legend needs."""
    f = go.Figure(fig)
    f.update_layout(template=TEMPLATE, paper_bgcolor="white", plot_bgcolor="white")
    m = f.layout.margin
    f.update_layout(margin=dict(b=60 if (m.b or 0) > 100 else m.b))
    return f


def check_size(width: int, height: int, scale: float) -> None:
    if not (100 <= width <= 4096 and 100 <= height <= 4096 and 0.25 <= scale <= 4):
        raise ExportError("width and height must be 100-4096 px and scale 0.25-4")
    if width * height * scale * scale > MAX_PIXELS:
        raise ExportError(
            f"image too large: {int(width * scale)} x {int(height * scale)} px (limit "
            f"{MAX_PIXELS:,} pixels)"
        )


def to_image(
    fig: go.Figure, fmt: str = "png", *, width: int = 1600, height: int = 1000, scale: float = 1.0
) -> bytes:
    """PNG, SVG or PDF bytes of ``fig`` rendered by kaleido."""
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(f"unknown image format {fmt!r}")
    check_size(width, height, scale)
    _ensure_server()
    with _lock:
        return static_figure(fig).to_image(format=fmt, width=width, height=height, scale=scale)


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


def animation_frames(
    scape,
    grid,
    paths: list[PathData],
    *,
    width: int = 800,
    height: int = 600,
    frames: int = 40,
    title: str = "",
) -> list[Image.Image]:
    """RGB frames of the paths growing step by step (all paths in sync).

    The contour background is rendered once by kaleido with fixed margins, so data
    coordinates map linearly to pixels; the paths are drawn on top with Pillow."""
    check_size(width, height, 1.0)
    if not 2 <= frames <= MAX_GIF_FRAMES:
        raise ExportError(f"frames must be between 2 and {MAX_GIF_FRAMES}")
    margin = dict(l=60, r=20, t=50, b=50)
    bg = landscape_figure(scape, grid, [], title=title)
    bg.update_traces(showscale=False, selector=dict(type="contour"))
    bg.update_layout(
        margin=dict(**margin, autoexpand=False), showlegend=False, xaxis=dict(constrain=None)
    )
    png = to_image(bg, "png", width=width, height=height, scale=1.0)
    base = Image.open(io.BytesIO(png)).convert("RGB")
    (x0, x1), (y0, y1) = scape.bounds
    pw, ph = width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]

    def px(pts):
        return [
            (margin["l"] + (x - x0) / (x1 - x0) * pw, margin["t"] + (y1 - y) / (y1 - y0) * ph)
            for x, y in pts
        ]

    steps = max((len(p.points) - 1 for p in paths), default=0)
    font = ImageFont.load_default(size=14)
    images = []
    for k in frame_indices(steps, frames):
        im = base.copy()
        d = ImageDraw.Draw(im)
        for j, p in enumerate(paths):
            pts = px(p.points[: min(int(k), len(p.points) - 1) + 1])
            col = _rgb(p.color)
            if len(pts) > 1:
                d.line(pts, fill=col, width=3, joint="curve")
            cx, cy = pts[-1]
            d.ellipse([cx - 5, cy - 5, cx + 5, cy + 5], fill=col, outline=(0, 0, 0))
            d.rectangle(
                [
                    margin["l"] + 8,
                    margin["t"] + 10 + 20 * j,
                    margin["l"] + 22,
                    margin["t"] + 24 + 20 * j,
                ],
                fill=col,
            )
            d.text((margin["l"] + 28, margin["t"] + 9 + 20 * j), p.label, fill=(0, 0, 0), font=font)
        d.text(
            (width - margin["r"] - 100, margin["t"] + 10),
            f"step {int(k)}",
            fill=(0, 0, 0),
            font=font,
        )
        images.append(im)
    return images


def animation_gif(
    scape,
    grid,
    paths: list[PathData],
    *,
    width: int = 800,
    height: int = 600,
    frames: int = 40,
    fps: int = 12,
    title: str = "",
) -> bytes:
    """Animated GIF of the replay (see :func:`animation_frames`)."""
    images = [
        im.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        for im in animation_frames(
            scape, grid, paths, width=width, height=height, frames=frames, title=title
        )
    ]
    buf = io.BytesIO()
    images[0].save(
        buf, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0
    )
    return buf.getvalue()


def animation_mp4(
    scape,
    grid,
    paths: list[PathData],
    *,
    width: int = 800,
    height: int = 600,
    frames: int = 40,
    fps: int = 12,
    title: str = "",
) -> bytes:
    """H.264 MP4 of the replay, encoded by the ffmpeg that the ``imageio-ffmpeg`` wheel ships."""
    import imageio.v2 as imageio

    width, height = width - width % 2, height - height % 2  # yuv420p needs even sizes
    images = animation_frames(
        scape, grid, paths, width=width, height=height, frames=frames, title=title
    )
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
