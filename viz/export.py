"""Command-line exporter: render a Scenario (preset, JSON file or share URL) headlessly.

Examples::

    python -m viz.export preset:momentum-vs-nesterov-saddle -o fig.png --width 1920 --height 1080
    --scale 2 python -m viz.export scenario.json -o race.gif --every 5 --fps 15 --hold 2 python -m
    viz.export preset:momentum-vs-nesterov-saddle --format mp4  # writes
    momentum-vs-nesterov-saddle.mp4 python -m viz.export
    "http://127.0.0.1:8501/Compare?surface=saddle&opt=sgd,lr=0.05" -o fig.svg

The output format follows the file suffix: png, svg, pdf, html, gif, mp4, csv, npz or json.
Without ``-o`` the file is named after the scenario (``--format`` picks the format). Images are
slides: equal aspect, text and lines at ``--text-scale``, the legend beside the plot.
``--view loss`` exports the loss curves instead of the landscape; ``--lang zh`` writes the
figure's words (title, axes, legend names, the optimizers' names) in Chinese.
"""

from __future__ import annotations

import argparse
import os
import sys
from urllib.parse import parse_qsl, urlparse

import numpy as np

FORMATS = ("png", "svg", "pdf", "html", "gif", "mp4", "csv", "npz", "json")


def load_scenario(source: str):
    """``preset:SLUG``, a path to a Scenario JSON file, or a share URL / query string."""
    import scenarios

    if source.startswith("preset:"):
        return scenarios.get_preset(source.split(":", 1)[1]).scenario, []
    if os.path.exists(source):
        with open(source, encoding="utf-8") as fh:
            text = fh.read(1_000_000)
        return scenarios.Scenario.from_json(text)
    query = urlparse(source).query if "://" in source else source.lstrip("?")
    q = dict(parse_qsl(query, keep_blank_values=True))
    if "preset" in q:
        return scenarios.get_preset(q["preset"]).scenario, []
    return scenarios.Scenario.from_query(q)


def render(
    scn,
    fmt: str,
    *,
    width: int = 1600,
    height: int = 1000,
    scale: float = 1.0,
    frames: int = 40,
    every: int | None = None,
    fps: int = 12,
    hold: float = 1.0,
    arrows: bool = True,
    text_scale: float = 1.5,
    view: str = "landscape",
    lang: str = "en",
) -> bytes:
    """The bytes of ``scn`` exported as ``fmt``: images as slides (equal aspect, text and lines at
    ``text_scale``), GIF/MP4 with ``frames`` evenly spaced steps or ``every`` k-th step, ``fps``,
    the last frame held ``hold`` s, and each step's arrows (``arrows``); words in ``lang``."""
    import i18n
    import viz

    _ = i18n.gettext_for(lang)

    if fmt == "json":
        return scn.to_json().encode()
    trajs = scn.run()
    labels = [
        f"{i + 1}. {o.label_in(lang)}" if len(scn.optimizers) > 1 else o.label_in(lang)
        for i, o in enumerate(scn.optimizers)
    ]
    if fmt == "csv":
        return viz.trajectories_csv(labels, trajs).encode()
    if fmt == "npz":
        return viz.trajectories_npz(labels, trajs)
    scape = scn.landscape()
    title = _(scape.title)
    paths = viz.paths_from(trajs, labels)
    grid = scape.grid(150)
    if fmt in ("gif", "mp4"):
        make = viz.animation_gif if fmt == "gif" else viz.animation_mp4
        arrow_data = [
            viz.step_arrows(t, o.name, scape.extent)
            for o, t in zip(scn.optimizers, trajs, strict=True)
        ]
        return make(
            scape,
            grid,
            paths,
            width=width,
            height=height,
            frames=frames,
            every=every,
            fps=fps,
            hold=hold,
            arrows=arrow_data if arrows else None,
            title=title,
            text_scale=text_scale,
            lang=lang,
        )
    if view == "loss":
        series = [
            viz.Series(p.label, np.arange(len(g)), g, p.color)
            for p, g in zip(paths, viz.loss_gaps(scape, trajs), strict=True)
        ]
        fig = viz.curves_figure(
            series,
            title=_(i18n.N_("{surface}: loss gap f - f*")).format(surface=title),
            ylabel="f - f*",
            log_y=True,
            height=height,
            lang=lang,
        )
    else:
        if fmt == "html":  # the step-by-step player, as in the app
            data = viz.scenario_replay(
                scn, trajs, labels, grid, title=title, height=min(height, 900), lang=lang
            )
            return viz.replay_html(data, title=f"Optiscape: {title}").encode()
        fig = viz.landscape_figure(scape, grid, paths, title=title, height=height, lang=lang)
    if fmt == "html":
        return viz.to_html(fig).encode()
    fig = viz.slide_figure(fig, width=width, height=height, text_scale=text_scale)
    return viz.to_image(fig, fmt, width=width, height=height, scale=scale)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m viz.export", description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="preset:SLUG, a Scenario JSON file, or a share URL")
    ap.add_argument(
        "-o",
        "--output",
        help="output file; its suffix picks the format (default: a name from the scenario, as png)",
    )
    ap.add_argument(
        "--format", choices=FORMATS, default="png", help="without -o FILE: the format to write"
    )
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--frames", type=int, default=40, help="GIF/MP4: evenly spaced frames")
    ap.add_argument(
        "--every", type=int, help="GIF/MP4: a frame every k steps (instead of --frames)"
    )
    ap.add_argument("--fps", type=int, default=12, help="GIF/MP4 frames per second")
    ap.add_argument("--hold", type=float, default=1.0, help="GIF/MP4: seconds on the last frame")
    ap.add_argument("--no-arrows", action="store_true", help="GIF/MP4 without the step's arrows")
    ap.add_argument(
        "--text-scale", type=float, default=1.5, help="text and line scale (1, 1.5, 2; slides 1.5)"
    )
    ap.add_argument("--view", choices=("landscape", "loss"), default="landscape")
    ap.add_argument("--lang", choices=("en", "zh"), default="en", help="the figure's language")
    args = ap.parse_args(argv)
    import jaxsetup

    jaxsetup.configure()  # float64 and the host devices, before any computation
    out = args.output
    named = out is None or os.path.isdir(out)  # a name from the scenario, e.g. saddle-race.gif
    if named:
        fmt = args.format
    else:
        fmt = os.path.splitext(out)[1].lstrip(".").lower()
    if fmt not in FORMATS:
        ap.error(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        scn, warnings = load_scenario(args.source)
    except KeyError as e:
        ap.error(str(e).strip("'\""))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    import viz

    try:
        data = render(
            scn,
            fmt,
            width=args.width,
            height=args.height,
            scale=args.scale,
            frames=args.frames,
            every=args.every,
            fps=args.fps,
            hold=args.hold,
            arrows=not args.no_arrows,
            text_scale=args.text_scale,
            view=args.view,
            lang=args.lang,
        )
    except viz.ExportError as e:  # the limit in --lang (argparse's own "error:" stays English)
        ap.error(e.in_lang(args.lang))
    if named:
        out = os.path.join(out or ".", f"{viz.export_name(scn)}.{fmt}")
    with open(out, "wb") as fh:
        fh.write(data)
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    raise SystemExit(main())
