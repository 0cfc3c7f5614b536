"""Every export format, validated by content; the CLI; the JSON round trip."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

import scenarios
import viz
from tests.browser import have_chromium
from viz import export as cli

needs_browser = pytest.mark.skipif(not have_chromium(), reason="kaleido needs chromium")

SCN = scenarios.get_preset("momentum-vs-nesterov-saddle").scenario


@pytest.fixture(scope="module")
def run():
    trajs = SCN.run()
    labels = [f"{i + 1}. {o.label}" for i, o in enumerate(SCN.optimizers)]
    scape = SCN.landscape()
    paths = viz.paths_from(trajs, labels)
    fig = viz.landscape_figure(scape, scape.grid(80), paths, title=scape.title)
    return scape, trajs, labels, paths, fig


def _longest_run(idx: np.ndarray) -> np.ndarray:
    if idx.size == 0:
        return idx
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 4) + 1)  # (a contour line is no gap)
    return max(runs, key=len)


def plot_box(rgb: np.ndarray) -> tuple[int, int, int, int]:
    """The map's box in a frame: the rows and columns that are mostly contour colour (not white,
    not grey text), as (left, top, right, bottom)."""
    a = np.asarray(rgb, dtype=float)
    coloured = (a.max(axis=2) - a.min(axis=2)) > 40
    share = coloured.mean(axis=0)
    cols = _longest_run(np.flatnonzero(share > 0.6 * share.max()))  # (not the colour bar)
    assert cols.size, "no map in the frame"
    rows = np.flatnonzero(coloured[:, cols[0] : cols[-1] + 1].mean(axis=1) > 0.6)
    assert rows.size, "no map in the frame"
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def assert_map_not_blank(rgb: np.ndarray, bounds=None) -> None:
    """The map fills a good part of the frame and shows the contour: hardly any white pixel, and
    the colours vary; with ``bounds``, one unit of x is as long as one unit of y (equal aspect)."""
    x0, t, r, b = plot_box(rgb)
    h, w = np.asarray(rgb).shape[:2]
    assert (r - x0) * (b - t) > 0.15 * w * h, f"map box {(x0, t, r, b)} in a {w}x{h} frame"
    area = np.asarray(rgb, dtype=float)[t:b, x0:r]
    assert np.mean(area.min(axis=2) > 235) < 0.1
    assert area.std(axis=(0, 1)).max() > 20
    if bounds is not None:
        (u0, u1), (v0, v1) = bounds
        assert (r - x0) / (b - t) == pytest.approx((u1 - u0) / (v1 - v0), rel=0.04)


@needs_browser
def test_png_has_the_asked_size_and_scale(run):
    fig = run[4]
    png = viz.to_image(fig, "png", width=640, height=360, scale=2)
    im = Image.open(io.BytesIO(png))
    assert im.format == "PNG" and im.size == (1280, 720)
    assert len(set(im.convert("RGB").getdata())) > 50  # a real picture, not a blank canvas


@needs_browser
def test_svg_parses_and_contains_the_paths(run):
    svg = viz.to_image(run[4], "svg", width=800, height=600).decode()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10
    for label in run[2]:
        assert (
            label.split(", ")[0].split(". ")[1].split(" ")[0] in svg
        )  # legend text: SGD, Momentum, Nesterov


@needs_browser
def test_pdf_is_a_pdf(run):
    pdf = viz.to_image(run[4], "pdf", width=800, height=600)
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]


def test_no_figure_animates_over_the_contour(run):
    scape, _, _, paths, _ = run
    fig = viz.landscape_figure(scape, scape.grid(40), paths)
    assert (
        not fig.frames and not fig.layout.updatemenus
    )  # frames with redraw: false lose the contour
    f = viz.static_figure(fig)
    assert f.layout.template.layout.paper_bgcolor == "white" and f.layout.margin.b <= 60


def test_replay_html_holds_plotly_once_the_player_and_every_step():
    scape = SCN.landscape()
    trajs = SCN.run()
    labels = [o.label for o in SCN.optimizers]
    data = viz.scenario_replay(SCN, trajs, labels, scape.grid(40), title=scape.title)
    html = viz.replay_html(data)
    assert html.count("Plotly.register") >= 1 and html.count("OptiscapePlayer = Player") == 1
    assert html.count("plotly.js v") <= 2  # the bundle once (its banner names the version)
    assert not re.search(r'<script[^>]+src=["\']https?:', html)
    assert all(p["n"] == SCN.steps for p in data["paths"])
    for p, t in zip(data["paths"], trajs, strict=True):
        import base64

        np.testing.assert_array_equal(
            np.frombuffer(base64.b64decode(p["xy"]), "<f8").reshape(-1, 2), t.points
        )


def test_figure_html_is_self_contained(run):
    html = viz.to_html(run[4])
    assert "Plotly.newPlot" in html or "Plotly.react" in html
    assert not re.search(r'<script[^>]+src=["\']https?:', html)
    assert not re.search(r'<link[^>]+href=["\']https?:', html)
    assert "Nesterov" in html  # the trace data is in the page


@needs_browser
def test_gif_takes_size_fps_every_k_hold_and_draws_the_arrows(run):
    scape, trajs, _, paths, _ = run
    arrows = [
        viz.step_arrows(t, o.name, scape.extent) for o, t in zip(SCN.optimizers, trajs, strict=True)
    ]
    kw = dict(width=560, height=350, every=30, fps=10, hold=1.5, title=scape.title)
    gif = viz.animation_gif(scape, scape.grid(50), paths, arrows=arrows, **kw)
    im = Image.open(io.BytesIO(gif))
    assert im.format == "GIF" and im.size == (560, 350)
    assert im.n_frames == len(range(0, SCN.steps + 1, 30)) == 6  # steps 0, 30, ..., 150
    durations, frames = [], []
    for i in range(im.n_frames):
        im.seek(i)
        durations.append(im.info["duration"])
        frames.append(np.asarray(im.convert("RGB")))
    assert durations[:-1] == [100] * 5 and durations[-1] == 100 + 1500  # the hold on the last
    assert (frames[0] != frames[-1]).any()  # the paths grow
    for frame in (frames[0], frames[-1]):
        assert_map_not_blank(frame, scape.bounds)
    # the arrows: the same step without them differs inside the map, by about an arrow's pixels
    plain = viz.animation_frames(scape, scape.grid(50), paths, width=560, height=350, every=30)
    x0, t, r, b = plot_box(np.asarray(plain[1]))
    diff = np.abs(np.asarray(plain[1], float) - frames[1].astype(float)).max(axis=2)
    inside = (diff[t:b, x0:r] > 60).sum()
    assert 30 < inside < 0.2 * (r - x0) * (b - t)


def test_a_frame_s_background_has_the_colour_bar_between_the_map_and_the_legend(run):
    """The GIF had no colour bar (the PNG export has one): the figure its frames' contour is
    rendered from shows the bar right of the plot, and the legend (drawn beside it) starts past
    the bar's room."""
    from viz._export import _bar_px, _layout_frame, frame_background

    scape, _, _, paths, _ = run
    fs = 20
    (px0, py0, px1, py1), (lx, _ly) = _layout_frame(scape, paths, 1920, 1080, fs, 6)
    bg = frame_background(scape, scape.grid(20), (px0, py0, px1, py1), 1920, 1080, fs=fs)
    (contour,) = [t for t in bg.data if t.type == "contour"]
    assert contour.showscale is not False and contour.colorbar.xanchor == "left"
    bar_left = px0 + contour.colorbar.x * (px1 - px0)  # paper x: 0..1 is the plot's width
    assert px1 < bar_left < px1 + fs and lx >= bar_left + _bar_px(fs) - fs
    assert bg.layout.margin.autoexpand is False and bg.layout.margin.r == 1920 - px1


def _gif_frames(gif: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(gif))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB"), dtype=float))
    return out


@needs_browser
def test_gif_frames_show_the_colour_bar_and_name_only_the_arrows_they_draw(run):
    """A lecturer's GIF listed the step arrows in its legend while the frames drew none (too short
    to show beside the current point), and had no colour bar. Decoded frame by frame: right of the
    map a bar runs from Viridis' yellow (top) to its purple (bottom); and a frame's legend differs
    from the arrow-less GIF's exactly when its map does (an arrow drawn, its name listed)."""
    scape, trajs, _, paths, _ = run
    arrows = [
        viz.step_arrows(t, o.name, scape.extent) for o, t in zip(SCN.optimizers, trajs, strict=True)
    ]
    kw = dict(width=640, height=400, every=50, title=scape.title)
    grid = scape.grid(50)
    with_arrows = _gif_frames(viz.animation_gif(scape, grid, paths, arrows=arrows, **kw))
    plain = _gif_frames(viz.animation_gif(scape, grid, paths, **kw))
    x0, t, r, b = plot_box(plain[0])
    drawn = []
    for a, p in zip(with_arrows, plain, strict=True):
        assert plot_box(a) == (x0, t, r, b)  # the same layout with and without arrows
        diff = np.abs(a - p).max(axis=2) > 60
        in_map = int(diff[t:b, x0:r].sum())
        diff[t:b, x0:r] = False
        listed = int(diff.sum())  # outside the map only the legend differs
        assert (in_map > 0) == (listed > 0), (in_map, listed)
        drawn.append(in_map > 0)
    assert drawn[0] and not drawn[-1]  # (both cases: arrows at the start, none at the end)
    # the colour bar: a column right of the map, coloured from top to bottom, yellow over purple
    for frame in (with_arrows[0], with_arrows[-1]):
        strip = frame[t:b, r + 2 : r + 40]
        coloured = (strip.max(axis=2) - strip.min(axis=2)) > 40
        col = int(np.argmax(coloured.mean(axis=0)))
        assert coloured[:, col].mean() > 0.9, coloured.mean(axis=0)
        top, bottom = strip[3, col], strip[-4, col]
        assert top[1] - bottom[1] > 100 and bottom[2] > bottom[1], (top, bottom)


@needs_browser
def test_mp4_is_an_h264_video_with_the_frames_and_the_hold(run, tmp_path):
    import imageio.v2 as imageio

    scape, _, _, paths, _ = run
    data = viz.animation_mp4(
        scape, scape.grid(50), paths, width=401, height=300, every=50, fps=10, hold=0.5
    )
    assert data[4:8] == b"ftyp"
    (tmp_path / "a.mp4").write_bytes(data)
    reader = imageio.get_reader(str(tmp_path / "a.mp4"))
    assert reader.get_meta_data()["fps"] == 10
    frames = [np.asarray(f, float) for f in reader]
    assert len(frames) == 4 + 5 and frames[0].shape[:2] == (300, 400)  # 0, 50, 100, 150 + 0.5 s
    assert all(np.abs(f - frames[3]).mean() < 1 for f in frames[4:])  # held: the last step
    assert np.abs(frames[0] - frames[3]).mean() > 0.05  # the paths grow before it
    for frame in (frames[0], frames[-1]):
        assert_map_not_blank(frame, scape.bounds)


def test_animation_steps_every_k_and_the_limit():
    assert list(viz.animation_steps(10, every=4)) == [0, 4, 8, 10]  # the last step always
    assert list(viz.animation_steps(150, frames=4)) == [0, 50, 100, 150]
    with pytest.raises(viz.ExportError, match="every 6 steps or more"):
        viz.animation_steps(1000, every=2)


def test_export_names_come_from_the_scenario():
    assert viz.export_name(SCN) == "momentum-vs-nesterov-saddle"
    other = scenarios.Scenario(
        surface="rosenbrock",
        optimizers=(
            scenarios.OptimizerConfig.make("sgd", 1e-3),
            scenarios.OptimizerConfig.make("nesterov_rewritten", 1e-3),
        ),
    )
    assert viz.export_name(other) == "sgd-vs-nesterov-rewritten-rosenbrock"


@needs_browser
def test_slide_png_has_equal_aspect_big_text_and_the_legend_outside(run):
    scape, _, _, _, fig = run
    slide = viz.slide_figure(fig, width=1280, height=720, text_scale=1.5)
    assert slide.layout.font.size == 20 and slide.layout.legend.x > slide.layout.xaxis.domain[1]
    png = viz.to_image(slide, "png", width=1280, height=720)
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert_map_not_blank(rgb, scape.bounds)
    left, t, right, b = plot_box(rgb)
    assert b - t > 0.75 * 720  # as tall as the slide allows
    # the map, its colour bar and the legend sit in the middle of the slide, not at its left edge
    xa, lg = slide.layout.xaxis.domain, slide.layout.legend.x
    assert xa[0] > 0.05 and lg > xa[1] and left > 0.15 * 1280 and right < 0.75 * 1280, (xa, left)


def test_log_axes_label_every_tick_with_its_value():
    x = np.arange(50)
    fig = viz.curves_figure(
        [viz.Series("gap", x, np.geomspace(3.0, 0.3, 50), "#000")],
        title="t",
        ylabel="f",
        log_y=True,
    )
    ya = fig.layout.yaxis
    assert ya.type == "log" and len(ya.tickvals) >= 3
    for v, text in zip(ya.tickvals, ya.ticktext, strict=True):
        assert float(text) == pytest.approx(v)  # "0.5", "1", "2": no bare minor digits
    many = viz.curves_figure(
        [viz.Series("gap", x, np.geomspace(1e-12, 10, 50), "#000")],
        title="t",
        ylabel="f",
        log_y=True,
    )
    assert "10⁻¹²" in many.layout.yaxis.ticktext and "1" in many.layout.yaxis.ticktext


def test_a_constant_learning_rate_is_drawn_at_its_value():
    x = np.arange(100)
    fig = viz.curves_figure(
        [viz.Series("lr", x, np.full(100, 0.05), "#000")], title="t", ylabel="lr"
    )
    lo, hi = fig.layout.yaxis.range
    assert lo == 0 and 0.05 < hi <= 0.07  # not a line at 0 in a range of 0.05 +- 1


@needs_browser
def test_colour_bars_read_powers_of_ten_not_si_prefixes():
    xs = ys = np.linspace(-1, 1, 20)
    z = 1e13 * (xs[None] ** 2 + ys[:, None] ** 2)
    fig = viz.make_figure([dict(type="contour", x=xs, y=ys, z=z)], dict(width=500, height=400))
    svg = viz.to_image(fig, "svg", width=500, height=400).decode()
    ticks = re.findall(r'<g class="ycb\w*tick">(.*?)</g>', svg)
    texts = [re.sub(r"<[^>]+>|\u200b", "", t) for t in ticks]
    assert len(texts) >= 3 and all(re.fullmatch(r"[\d.]+×10\d+", t) for t in texts), texts


def test_3d_path_is_above_the_surface_and_replays(run):
    scape, _, _, paths, _ = run
    grid = scape.grid(60)
    fig = viz.surface3d_figure(scape, grid, paths)
    assert fig.frames and fig.layout.sliders and fig.layout.updatemenus
    for p, tr in zip(paths, fig.data[1 : 1 + len(paths)], strict=True):
        surf = np.array([scape.f(np.array(q)) for q in p.points])  # the surface under the path
        assert (np.asarray(tr.z) > surf).all()
        np.testing.assert_array_equal(np.asarray(tr.x), p.points[:, 0])
    first = fig.frames[0].data
    assert len(first[0].x) == 1 and len(fig.frames[-1].data[0].x) == len(paths[0].points)
    still = viz.slide_figure(fig, width=800, height=450)  # a picture of it has no play button
    assert not still.layout.sliders and not still.layout.updatemenus and not still.frames


def test_export_limits():
    with pytest.raises(viz.ExportError):
        viz._export.check_size(5000, 5000, 1)
    with pytest.raises(viz.ExportError):
        viz._export.check_size(4000, 4000, 4)


def test_csv_round_trips_the_numbers(run):
    _, trajs, labels, _, _ = run
    rows = list(csv.DictReader(io.StringIO(viz.trajectories_csv(labels, trajs))))
    assert len(rows) == sum(len(t.points) for t in trajs)
    for lab, t in zip(labels, trajs, strict=True):
        mine = [r for r in rows if r["optimizer"] == lab]
        xs = np.array([[float(r["x"]), float(r["y"]), float(r["loss"])] for r in mine])
        np.testing.assert_array_equal(xs[:, :2], t.points)
        np.testing.assert_array_equal(xs[:, 2], t.losses)


def test_npz_round_trips(run):
    _, trajs, labels, _, _ = run
    z = np.load(io.BytesIO(viz.trajectories_npz(labels, trajs)))
    assert list(z["labels"]) == labels
    np.testing.assert_array_equal(z["1_points"], trajs[1].points)


@pytest.mark.parametrize("slug", scenarios.preset_names())
def test_scenario_json_round_trips_exactly(slug):
    scn = scenarios.get_preset(slug).scenario
    back, warnings = scenarios.Scenario.from_json(scn.to_json())
    assert not warnings and back == scn
    assert json.loads(back.to_json()) == json.loads(scn.to_json())


def test_cli_formats(tmp_path):
    for fmt in ("json", "csv", "npz", "html"):
        out = tmp_path / f"f.{fmt}"
        assert cli.main(["preset:lr-too-large", "-o", str(out)]) == 0
        assert out.stat().st_size > 100
    scn, w = cli.load_scenario(
        "http://127.0.0.1:8501/Compare?" + "&".join(f"{k}={v}" for k, v in SCN.to_query().items())
    )
    assert not w and scn == SCN
    with pytest.raises(SystemExit):
        cli.main(["preset:lr-too-large", "-o", str(tmp_path / "f.exe")])


@needs_browser
def test_cli_png_and_gif(tmp_path):
    assert (
        cli.main(
            [
                "preset:cliff-clipping",
                "-o",
                str(tmp_path / "a.png"),
                "--width",
                "800",
                "--height",
                "450",
                "--scale",
                "2",
            ]
        )
        == 0
    )
    assert Image.open(tmp_path / "a.png").size == (1600, 900)
    assert (
        cli.main(
            [
                "preset:cliff-clipping",
                "-o",
                str(tmp_path / "a.gif"),
                "--width",
                "400",
                "--height",
                "300",
                "--frames",
                "8",
            ]
        )
        == 0
    )
    assert Image.open(tmp_path / "a.gif").n_frames == 8


def test_cli_names_the_file_after_the_scenario(tmp_path):
    assert (
        cli.main(["preset:momentum-vs-nesterov-saddle", "-o", str(tmp_path), "--format", "json"])
        == 0
    )
    assert (tmp_path / "momentum-vs-nesterov-saddle.json").stat().st_size > 100


@needs_browser
def test_an_image_export_prints_no_kaleido_warning_and_keeps_its_size(recwarn):
    """Kaleido's server ignores per-call options and warned "The kopts argument is ignored if
    using a server" on every export; the options go to the server once, the call passes none."""
    fig = viz.curves_figure([viz.Series("a", [0, 1, 2], [3.0, 2.0, 1.0], "#000000")], title="t",
                            ylabel="y")  # fmt: skip
    for _ in range(2):  # the first call starts the server, the second uses it
        png = viz.to_image(fig, "png", width=300, height=200, scale=2)
    assert Image.open(io.BytesIO(png)).size == (600, 400)
    assert not [w for w in recwarn if "kopts" in str(w.message)], [str(w.message) for w in recwarn]


@pytest.mark.parametrize(
    "lang, want",
    [
        ("en", "frames must be between 2 and 200"),
        ("zh", "帧数须在 2 到 200 之间"),
    ],
)
def test_cli_export_limits_in_the_language_asked(tmp_path, capsys, lang, want):
    """An export limit on the command line reads in ``--lang`` (argparse's own "usage"/"error:"
    words stay English); the exception itself stays English for code."""
    out = tmp_path / "a.gif"
    argv = ["preset:lr-too-large", "-o", str(out), "--frames", "1", "--lang", lang]
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert want in capsys.readouterr().err and not out.exists()
    with pytest.raises(viz.ExportError) as e:
        viz.animation_steps(100, frames=1)
    assert str(e.value) == "frames must be between 2 and 200"
    assert e.value.in_lang("zh") == "帧数须在 2 到 200 之间"


def test_every_export_limit_has_a_chinese_message():
    """Each limit the exporter raises is a catalog message with a translation."""
    import ast
    import inspect

    import i18n
    from viz import _export

    msgids = [
        n.args[0].args[0].value
        for n in ast.walk(ast.parse(inspect.getsource(_export)))
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "ExportError" and n.args
    ]
    zh = i18n.catalog("zh")
    assert len(msgids) >= 8 and all(m in zh for m in msgids), [m for m in msgids if m not in zh]
