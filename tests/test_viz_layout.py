"""Figure layouts that stay readable in a narrow column: legends on top (never over an axis title
or tick labels), log axes with tick labels over the span they show."""

import numpy as np
import pytest

import landscapes
import viz
from viz._figures import TITLE_BAND

T = np.arange(50)
TWO = [viz.Series("a", T, 0.9**T, "#000000"), viz.Series("b", T, 0.5**T, "#555555")]


def _figures():
    scape = landscapes.get("quadratic")
    path = viz.PathData("sgd", np.array([[1.0, 1.0], [0.5, 0.5]]), np.array([1.0, 0.2]), None, "k")
    xs = np.linspace(0.1, 1, 5)
    yield "curves", viz.curves_figure(TWO, title="t", ylabel="y", log_y=True, height=300)
    yield "landscape", viz.landscape_figure(scape, scape.grid(20), [path], title="t", height=460)
    yield (
        "heatmap",
        viz.heatmap_figure(
            xs, xs, np.ones((5, 5)), xlabel="x", ylabel="y", title="t", zlabel="z", best=(0.5, 0.5)
        ),
    )
    yield "slice", viz.slice_figure(xs, xs, np.ones((5, 5)), title="t", height=460)
    prob = np.full((5, 5), 0.5)
    pts, cls = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    yield "decision", viz.decision_figure(xs, xs, prob, pts, cls, title="t", height=420)


@pytest.mark.parametrize(
    "name,fig", list(_figures()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_legend_sits_on_top_under_the_title_clear_of_the_axes(name, fig):
    """The legend is a horizontal row in the figure's top band (container-referenced: Plotly grows
    the top margin to fit its rows), below the title's band; below the plot it covered the x axis'
    title once the ticks rotated in a 1024 px page's column."""
    lay = fig.layout
    leg = lay.legend
    assert leg.orientation == "h" and leg.yref == "container" and leg.yanchor == "top"
    top_px = (1 - leg.y) * lay.height  # from the figure's top edge down to the legend's top
    assert TITLE_BAND - 0.5 <= top_px <= TITLE_BAND + 10
    assert lay.title.yref == "container" and lay.title.y == 1 and lay.title.yanchor == "top"
    assert lay.margin.t >= TITLE_BAND  # the title's band; the legend's rows push the rest


def test_a_log_axis_with_a_fixed_span_labels_ticks_inside_it():
    """|q_i . x_t| is shown over 1e-12..3: its tick labels are for that span (they were computed
    for the data's own span, 1e-300.., none of them inside the chart)."""
    t = np.arange(300)
    fig = viz.curves_figure(
        [viz.Series("a", t, 0.1**t, "#000000")], title="t", ylabel="y", log_y=True,
        y_range=(1e-12, 3.0),
    )  # fmt: skip
    ya = fig.layout.yaxis
    assert ya.range == pytest.approx((-12, np.log10(3.0)))
    inside = [v for v in ya.tickvals if 1e-12 <= v <= 3.0]
    assert len(inside) >= 4 and len(ya.ticktext) == len(ya.tickvals)
    assert "10⁻¹²" in ya.ticktext and "1" in ya.ticktext


def _width(line: str) -> int:
    """A line's width in Latin-letter units (a CJK character is two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batch_maps_subplot_titles_have_room(lang):
    """Side by side in a half-page column the two maps' titles ran into each other and sat on
    their plots: each breaks before its parenthesis, is lifted off its plot, and the top margin
    holds both lines."""
    xs = ys = np.linspace(-1, 1, 5)
    z = np.add.outer(ys**2, xs**2) + 1
    pts = np.zeros((3, 2))
    fig = viz.batch_maps_figure(xs, ys, z, z, pts, 1, (0, 0), batch=8, lang=lang)
    titles = [a for a in fig.layout.annotations if a.yref == "paper" and a.yanchor == "bottom"]
    assert len(titles) == 2
    for a in titles:
        lines = a.text.split("<br>")
        assert len(lines) == 2 and max(_width(t) for t in lines) <= 24, a.text
        assert a.yshift >= 6
    assert fig.layout.margin.t >= 70
    # the legend under the plot starts below the ticks and the x axis title (72 px)
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert -fig.layout.legend.y * plot_px >= 70


def test_schedules_grid_ticks_stay_upright_and_rows_apart():
    """Four panels a row: three upright x ticks each (rotated, they ran into the next row's
    titles), and rows far enough apart for a title over tick labels."""
    t = np.arange(400)
    fig = viz.schedules_grid([(f"s{i}", 0.99**t) for i in range(8)])
    assert all(ax.nticks == 3 and ax.tickangle == 0 for ax in fig.select_xaxes())
    row1, row2 = fig.layout.yaxis.domain, fig.layout.yaxis5.domain
    gap_px = (row1[0] - row2[1]) * (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b)
    assert gap_px >= 50


def test_a_basin_map_title_on_two_lines_gets_room_for_both():
    """Basins puts the learning rate in a subtitle line (in a half-page column at 1024 px the
    one-line "Momentum (heavy ball), lr 0.002" was cut at both ends); the top margin holds it."""
    import lessons

    scape = landscapes.get("himmelblau")
    bm = lessons.basins(scape, "momentum", n=4, steps=5, lr=0.002, hparams={})
    one = viz.basin_figure(bm, scape, title="Momentum (heavy ball)")
    two = viz.basin_figure(bm, scape, title="Momentum (heavy ball)", subtitle="lr 0.002")
    assert two.layout.title.subtitle.text == "lr 0.002"
    assert two.layout.margin.t == one.layout.margin.t + 20 >= TITLE_BAND + 26
    # one unit as long on both axes (a half-page column at 1920 px drew the square box 3:1)
    assert two.layout.yaxis.scaleanchor == "x" and two.layout.yaxis.scaleratio == 1


def test_a_short_log_chart_labels_at_most_y_ticks_values():
    """The network page's loss (0.0025..0.6) in a chart 200 px high ran eight labels into each
    other (0.005/0.01/0.02 ...): with ``y_ticks=5`` at most five lie inside the span shown, each
    reading as its value; over many decades the powers of ten thin out; without it, 1-2-5."""
    from viz._figures import log_ticks

    y = np.geomspace(0.6, 0.0025, 100)
    fig = viz.curves_figure(
        [viz.Series("a", np.arange(100), y, "#000000")], title="t", ylabel="y", log_y=True,
        y_ticks=5,
    )  # fmt: skip
    ya = fig.layout.yaxis
    lo, hi = 10.0 ** np.asarray(ya.range)  # the span shown: the data's and a margin
    assert lo < 0.0025 and hi > 0.6
    inside = [(v, t) for v, t in zip(ya.tickvals, ya.ticktext, strict=True) if lo <= v <= hi]
    assert 3 <= len(inside) <= 5 and all(float(t) == pytest.approx(v) for v, t in inside), inside
    vals, _ = log_ticks(1e-9, 1.0, most=5)
    assert 2 <= len([v for v in vals if 1e-9 <= v <= 1]) <= 5
    vals, _ = log_ticks(0.0025, 0.6)
    assert len([v for v in vals if 0.0025 <= v <= 0.6]) == 7  # the default: 0.005, 0.01 .. 0.5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_crosses_get_one_legend_entry_in_the_figure_language(lang):
    """The network page's crosses at each run's lowest validation loss had no legend entry (only a
    hover, which a projected class cannot use): ``marks_name`` gives them one, in the figure's
    language, grouped with every cross; without it (Compare's divergence marks) none."""
    marks = [viz.Series("best (a)", 40, 0.02, "#111111"), viz.Series("best (b)", 30, 0.1, "#222")]
    fig = viz.curves_figure(
        TWO, title="t", ylabel="y", log_y=True, marks=marks, marks_name="lowest validation loss",
        lang=lang,
    )  # fmt: skip
    crosses = [t for t in fig.data if t.mode == "markers"]
    entries = [t for t in crosses if t.showlegend is not False]
    assert len(entries) == 1 and entries[0].marker.symbol == "x" and fig.layout.showlegend
    assert entries[0].name == {"en": "lowest validation loss", "zh": "最低验证损失"}[lang]
    assert {t.legendgroup for t in crosses} == {"marks"} and len(crosses) == 3
    plain = viz.curves_figure(TWO, title="t", ylabel="y", log_y=True, marks=marks)
    assert all(t.showlegend is False for t in plain.data if t.mode == "markers")


def test_a_counting_axis_has_whole_number_ticks_only():
    """The ensemble-size axis had ticks at 1.5, 2.5 ..: it counts members, so whole numbers only
    (every one over a few, every k-th over many)."""
    acc = [viz.Series("seeds", np.arange(1, 6), np.linspace(0.99, 1, 5), "#000000")]
    xa = viz.curves_figure(acc, title="t", ylabel="y", x_integer=True).layout.xaxis
    assert xa.tickmode == "linear" and xa.dtick == 1 and xa.tick0 == 0
    many = [viz.Series("s", np.arange(1, 61), np.ones(60), "#000000")]
    xa = viz.curves_figure(many, title="t", ylabel="y", x_integer=True).layout.xaxis
    assert xa.dtick == 6 and float(xa.dtick).is_integer()
