"""The replay player's data: every step's arrows and equations are the engine's own numbers."""

import base64

import numpy as np
import pytest

import engine
import optimizers
import scenarios
import viz
from scenarios import OptimizerConfig, Scenario

COURSE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def _values(eq) -> list[list[np.ndarray]]:
    """``out[k][s]``: slot ``s`` of step ``k`` (a number, a vector or a flattened 2x2 matrix)."""
    flat = (
        np.frombuffer(base64.b64decode(eq["values"]), "<f4")
        .astype(float)
        .reshape(-1, sum(eq["widths"]))
    )
    cuts = np.cumsum(eq["widths"])[:-1]
    return [np.split(row, cuts) for row in flat]


def _scenario(name: str, **kw) -> Scenario:
    return Scenario(
        surface="rosenbrock",
        start=(-1.5, 2.0),
        steps=40,
        schedule="cosine",
        schedule_args=(("decay_steps", 40.0),),
        optimizers=(OptimizerConfig.make(name, **kw),),
    )


@pytest.mark.parametrize("name", optimizers.names())
def test_the_equations_end_on_the_drawn_path(name):
    """The shown code, retraced on the engine's gradients, lands on every drawn point (a schedule
    on)."""
    scn = _scenario(name, lr=1e-3 if name not in ("adadelta", "newton") else None)
    (traj,) = scn.run()
    eq = viz.scenario_equations(scn, scn.optimizers[0], traj)
    vals = _values(eq)
    n = len(vals)
    assert n == (traj.steps if traj.diverged_at is None else traj.diverged_at - 1) and n > 0
    # the last slot of the last line that assigns x is x after the step
    last_x = max(i for i, ln in enumerate(eq["lines"]) if ln["parts"][0] == "x = ")
    slot = eq["lines"][last_x]["parts"][-1]
    np.testing.assert_allclose(
        [v[slot] for v in vals], traj.points[1 : n + 1], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("name", COURSE)
def test_the_filled_in_numbers_compute_the_shown_result(name):
    """Evaluate each filled-in line as written (the numbers in place of the names): it gives the
    result the line shows, so the arithmetic on screen is right, not only its end point."""
    scn = _scenario(name, lr=1e-3)
    (traj,) = scn.run()
    eq = viz.scenario_equations(scn, scn.optimizers[0], traj)
    vals = _values(eq)
    ns = {
        "sqrt": np.sqrt,
        "sign": np.sign,
        "abs": np.abs,
        "maximum": np.maximum,
        "grad": lambda p: None,
    }
    for k in (0, 1, 17, len(vals) - 1):
        for line in eq["lines"]:
            text = []
            for part in line["parts"][:-1]:
                if isinstance(part, int):
                    v = vals[k][part]
                    text.append(repr(v[0]) if v.size == 1 else f"np.array({v.tolist()!r})")
                else:
                    text.append(part)
            expr = "".join(text).split(" = ", 1)[1].rsplit(" = ", 1)[0]
            if "grad(" in expr:
                # a call to the surface's gradient: its value is the next slot, checked above
                continue
            got = eval(expr, {"np": np, **ns})
            want = vals[k][line["parts"][-1]]
            np.testing.assert_allclose(
                np.ravel(got),
                want,
                rtol=2e-4,
                atol=1e-6,
                err_msg=f"{name} step {k}: {line['code']}",
            )


def test_newton_shows_its_hessian_as_a_matrix():
    scn = Scenario(
        surface="saddle",
        start=(1.5, 0.3),
        steps=10,
        optimizers=(OptimizerConfig.make("newton", 1.0),),
    )
    (traj,) = scn.run()
    eq = viz.scenario_equations(scn, scn.optimizers[0], traj)
    (line,) = eq["lines"]
    h = [s for s in line["parts"] if isinstance(s, int) and eq["widths"][s] == 4]
    assert len(h) == 1  # H, filled in
    import jax

    want = np.asarray(jax.hessian(scn.landscape().f)(np.array(traj.points[0])))
    np.testing.assert_allclose(_values(eq)[0][h[0]].reshape(2, 2), want, rtol=1e-6)


def test_momentum_and_nesterov_arrows_add_up_to_the_step_and_nesterov_evaluates_ahead():
    scn = scenarios.get_preset("momentum-vs-nesterov-saddle").scenario
    trajs = scn.run()
    ext = scn.landscape().extent
    for oc, t in zip(scn.optimizers, trajs, strict=True):
        a = viz.step_arrows(t, oc.name, ext)
        assert (
            set(a)
            == {
                "sgd": {"direction", "step"},
                "momentum": {"momentum", "gradient", "step"},
                "nesterov": {"momentum", "gradient", "lookahead", "step"},
            }[oc.name]
        )
        if oc.name == "sgd":
            continue
        k = np.arange(1, t.steps)  # step 0: v = 0, no momentum arrow
        k = k[
            ~np.isnan(a["momentum"][k]).any(1) & ~np.isnan(a["gradient"][k]).any(1)
        ]  # (too short to draw: left out)
        assert len(k) > 0.8 * t.steps
        total = (a["momentum"][k, 2:] - a["momentum"][k, :2]) + (
            a["gradient"][k, 2:] - a["gradient"][k, :2]
        )
        np.testing.assert_allclose(total, t.points[k + 1] - t.points[k], atol=1e-12)
        if oc.name == "nesterov":  # the gradient arrow starts at the look-ahead point x + mu v
            mu = dict(oc.hparams)["momentum"]
            np.testing.assert_allclose(
                a["gradient"][k, :2], t.points[k] + mu * t.velocity[k], atol=1e-12
            )
            np.testing.assert_allclose(a["lookahead"][k, 2:], a["momentum"][k, 2:], atol=1e-12)
    # at step 0 nothing is stale: no momentum yet, so no momentum arrow and no look-ahead diamond
    a = viz.step_arrows(trajs[2], "nesterov", ext)
    assert np.isnan(a["momentum"][0]).all() and np.isnan(a["lookahead"][0]).all()
    assert not np.isnan(a["step"][0]).any() and not np.isnan(a["gradient"][0]).any()


def test_no_arrow_after_a_divergence():
    scn = scenarios.get_preset("lr-too-large").scenario
    trajs = scn.run()
    t = trajs[2]
    assert t.diverged_at is not None
    a = viz.step_arrows(t, scn.optimizers[2].name, scn.landscape().extent)
    assert (
        np.isnan(a["step"][t.diverged_at - 1 :]).all()
        and not np.isnan(a["step"][: t.diverged_at - 1]).any()
    )


def test_pages_show_the_note_on_the_notes_where_the_notes_are_wrong():
    """SGD on a saddle: the sign erratum and the saddle-definition erratum appear on Playground;
    Compare lists RMSprop's; each erratum quotes the notes' own words (checked against the notes
    elsewhere)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app_pages/1_Playground.py", default_timeout=180)
    at.query_params.update({"surface": "saddle", "opt": "sgd,lr=0.05"})
    at.run()
    text = " ".join(i.value for i in at.info)
    assert "x+=learning_rate*dx" in text and "against the gradient" in text
    assert "梯度为零" in text and "every direction" in text
    at = AppTest.from_file("../app_pages/2_Compare.py", default_timeout=180)
    at.query_params.update({"surface": "rosenbrock", "opt": "rmsprop;adam"})
    at.run()
    text = " ".join(i.value for i in at.info)
    assert "That describes Adam" in text and "cache = {}" in text
    assert not at.exception


def test_divergence_words_match_the_engines_rule():
    """The pages say a run diverged when it became non-finite or went more than 100 map widths from
    the map's centre: a run on the quadratic at lr 0.5 is flagged at the first step past 100
    widths."""
    import ast

    import landscapes
    from tests.test_app import ROOT

    # Playground quotes the rule through ui.run_diverged, Compare through ui.divergence_errors
    tree = ast.parse((ROOT / "ui/_banners.py").read_text(encoding="utf-8"))
    rule = f"more than {engine._core.RUNAWAY:g} map widths"
    for name in ("run_diverged", "divergence_errors"):
        fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
        words = [n.value for n in ast.walk(fn) if isinstance(n, ast.Constant)]
        assert any(rule in w for w in words if isinstance(w, str)), name
    assert "ui.run_diverged(" in (ROOT / "app_pages/1_Playground.py").read_text(encoding="utf-8")
    scape = landscapes.get("quadratic")
    t = engine.run(scape, "sgd", lr=0.5, steps=100, start=(-2.5, 2.0))
    far = np.max(np.abs(t.points - np.array(scape.center)), axis=1) > 100 * scape.extent
    d = t.diverged_at
    assert d is not None and not far[:d].any()
    import jax

    g = jax.grad(scape.f)
    x = [np.array([-2.5, 2.0])]
    for _ in range(d):  # plain SGD without the engine's freeze
        x.append(x[-1] - 0.5 * np.asarray(g(x[-1])))
    dist = [np.max(np.abs(p - np.array(scape.center))) for p in x]
    assert (
        dist[d - 1] <= 100 * scape.extent < dist[d]
    )  # flagged at exactly the step that went past 100 widths


def test_a_packed_chart_round_trips_and_an_update_sends_only_the_changed_curve():
    """``pack_figure`` (the charts below the map): the figure comes back with its curves as float32,
    ``0, 1, 2, ...`` as a length; a second figure with one changed curve shares every other blob and
    has another key; the same figure again has the same key (the browser does not redraw it)."""
    from viz._replay import pack_figure, unpack_figure

    steps = np.arange(301)
    ys = [np.exp(-steps / (40.0 + 10 * i)) + 1e-16 for i in range(3)]

    def fig(scale: float):
        series = [
            viz.Series(f"opt {i}", steps, y * (scale if i == 0 else 1.0), viz.PALETTE[i])
            for i, y in enumerate(ys)
        ]
        marks = [viz.Series("opt 1 diverged", 7, 0.5, viz.PALETTE[1])]
        return viz.curves_figure(series, title="loss", ylabel="f", log_y=True, marks=marks)

    e1, b1 = pack_figure(fig(1.0))
    back = unpack_figure(e1, b1)
    want = fig(1.0).to_plotly_json()
    assert back["layout"]["title"]["text"] == "loss" and back["layout"]["yaxis"]["type"] == "log"
    assert [t["name"] for t in back["data"]] == ["opt 0", "opt 1", "opt 2", "opt 1 diverged"]
    for t, y in zip(back["data"], ys, strict=False):
        np.testing.assert_array_equal(t["x"], steps)
        np.testing.assert_allclose(t["y"], y, rtol=1e-7)  # float32 on the wire
    assert back["data"][3]["x"] == want["data"][3]["x"] == [7]  # short arrays stay in the JSON
    e2 = pack_figure(fig(2.0))[0]
    curves1 = [r["blob"] for r in e1["traces"]]
    curves2 = [r["blob"] for r in e2["traces"]]
    assert curves1[0] != curves2[0] and curves1[1:] == curves2[1:]
    assert e1["key"] != e2["key"] and pack_figure(fig(1.0))[0]["key"] == e1["key"]


def test_the_player_loads_the_cartesian_plotly_js_of_the_packages_version():
    """The player's plotly.js is the vendored cartesian bundle only while it is the version of
    plotly.js the plotly package ships (a plotly upgrade without a new bundle falls back to the
    full one, and fails here); a chart of a type the player does not draw is refused when packed,
    not drawn blank in the browser (the browser test checks that the bundle registers every type
    of ``viz.PLAYER_TRACE_TYPES``); an HTML export inlines the same bundle."""
    import os

    import plotly
    import plotly.graph_objects as go

    from viz._replay import pack_figure, plotly_js_version

    full = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
    path, name = viz.player_plotly_js()
    assert plotly_js_version(full) == plotly_js_version(viz.PLOTLY_CARTESIAN), (
        "re-vendor viz/player/vendor/plotly-cartesian.min.js (npm plotly.js-cartesian-dist-min) "
        "at the plotly package's plotly.js version"
    )
    assert (
        path == viz.PLOTLY_CARTESIAN
        and name == f"plotly-cartesian-{plotly_js_version(full)}.min.js"
    )
    assert os.path.getsize(path) < os.path.getsize(full) / 3
    with pytest.raises(ValueError, match="surface"):
        pack_figure(go.Figure(go.Surface(z=[[0, 1], [1, 0]])))
    html = viz.replay_html(viz.replay_data(*_tiny_map()))
    assert html.count("(cartesian - minified) v") == 1 and len(html) < 2_000_000


def _tiny_map():
    import landscapes

    scape = landscapes.get("saddle")
    return scape, scape.grid(10), []
