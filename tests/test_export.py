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


def assert_map_not_blank(rgb: np.ndarray) -> None:
    """The plot area (inside the fixed 60/20/50/50 px margins of the replay frames) shows the
    contour:
    hardly any white pixel, and the colours vary."""
    area = np.asarray(rgb, dtype=float)[50:-50, 60:-20]
    assert np.mean(area.min(axis=2) > 235) < 0.1
    assert area.std(axis=(0, 1)).max() > 20


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
    assert f.layout.template.layout.paper_bgcolor == "white" and f.layout.margin.b == 60


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
def test_gif_has_size_and_frame_count(run):
    scape, _, _, paths, _ = run
    gif = viz.animation_gif(scape, scape.grid(60), paths, width=400, height=300, frames=12)
    im = Image.open(io.BytesIO(gif))
    assert im.format == "GIF" and im.size == (400, 300) and im.n_frames == 12
    im.seek(0)
    first = np.asarray(im.convert("RGB"))
    im.seek(11)
    last = np.asarray(im.convert("RGB"))
    assert (first != last).any()  # the paths grow
    for frame in (first, last):
        assert_map_not_blank(frame)


@needs_browser
def test_mp4_is_an_h264_video_with_the_frames(run, tmp_path):
    import imageio.v2 as imageio

    scape, _, _, paths, _ = run
    data = viz.animation_mp4(scape, scape.grid(60), paths, width=400, height=300, frames=10)
    assert data[4:8] == b"ftyp"
    (tmp_path / "a.mp4").write_bytes(data)
    reader = imageio.get_reader(str(tmp_path / "a.mp4"))
    frames = [f for f in reader]
    assert len(frames) == 10 and frames[0].shape[:2] == (300, 400)
    for frame in (frames[0], frames[-1]):
        assert_map_not_blank(frame)


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
