"""One source of truth: each page keeps its scenario across page switches; links are clamped, not
crashed; a formula typo keeps the last good formula; crafted values warn (AppTest + engine)."""

import dataclasses
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import engine
import landscapes
import scenarios
from scenarios import Scenario
from tests.test_app import ROOT, TIMEOUT, _player, _player_paths, _player_table

COMPARE, PLAYGROUND = "app_pages/2_Compare.py", "app_pages/1_Playground.py"


def _nav():
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def _query(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


def _go(at, page, query=None):
    """What the sidebar does: another page, with only its own query (none) in the URL."""
    at.switch_page(page)
    at.query_params.clear()
    at.query_params.update(query or {})
    return at.run()


def test_page_switches_keep_each_pages_scenario():
    at = _go(_nav(), COMPARE, {"preset": "sgd-zigzag-ravine"})
    assert not at.exception
    cmp_url, cmp_paths = _query(at), _player_paths(at)
    preset = scenarios.get_preset("sgd-zigzag-ravine").scenario
    assert Scenario.from_query(cmp_url)[0] == dataclasses.replace(
        preset, start=preset.start_point()
    )
    at = _go(at, PLAYGROUND, {"preset": "momentum-vs-nesterov-saddle"})
    play_url, play_name = _query(at), _player_paths(at)[0]["name"]
    first = scenarios.get_preset("momentum-vs-nesterov-saddle").scenario.optimizers[0]
    assert play_name == first.label
    for _ in range(
        3
    ):  # any number of switches: each page draws what it drew, and writes the same link
        at = _go(at, COMPARE)
        assert not at.exception and _query(at) == cmp_url
        assert at.selectbox(key="cmp:surface").value == "ravine"
        assert [p["name"] for p in _player_paths(at)] == [p["name"] for p in cmp_paths]
        assert all(
            np.array_equal(a["xy"], b["xy"])
            for a, b in zip(_player_paths(at), cmp_paths, strict=True)
        )
        at = _go(at, PLAYGROUND)
        assert _query(at) == play_url and _player_paths(at)[0]["name"] == play_name
    # a link with another scenario (a home-page preset link, back/forward) is loaded even on a
    # visited page
    at = _go(at, COMPARE, {"preset": "lr-too-large"})
    assert [p["name"] for p in _player_paths(at)] != [p["name"] for p in cmp_paths]
    assert len(_player_paths(at)) == len(scenarios.get_preset("lr-too-large").scenario.optimizers)


@pytest.mark.parametrize(
    "steps, want", [("5000", 2000), ("5", 10), ("1e308", 2000), ("-5", 10), ("nan", 200)]
)
def test_out_of_range_link_is_clamped_with_one_warning(steps, want):
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    at.query_params.update({"surface": "saddle", "opt": "sgd,lr=0.1", "steps": steps})
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and warnings[0].startswith("steps:")
    assert at.slider(key="cmp:steps").value == want and at.query_params["steps"] == str(want)
    assert all(p["n"] == want for p in _player_paths(at))


def test_every_scenario_number_has_one_range_for_widget_decoder_and_engine():
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT).run()
    spec = Scenario.spec("steps")
    s = at.slider(key="cmp:steps")
    assert (s.min, s.max, s.step) == (spec.low, spec.high, spec.step)
    for name in (
        "warmup_steps",
        "momentum_warmup",
        "clip_norm",
        "clip_value",
        "noise_std",
        "batch_size",
        "seed",
        "tolerance",
    ):
        spec = Scenario.spec(name)
        w = at.number_input(key=f"cmp:{'tol' if name == 'tolerance' else name}")
        assert (w.min, w.max) == (spec.low, spec.high), name
        param = {"tolerance": "tol", "batch_size": "batch"}.get(name, name)
        hi = Scenario.from_query({"surface": "saddle", param: str(spec.high * 10 + 1)})
        assert getattr(hi[0], name) == spec.high and len(hi[1]) == 1, name
        with pytest.raises(ValueError):  # the engine never sees a number outside the range
            Scenario(**{name: spec.high * 10 + 1})
    fields = {f.name: f.metadata.get("spec") for f in dataclasses.fields(Scenario)}
    assert fields["steps"] is Scenario.spec("steps") and fields["tolerance"] is Scenario.spec(
        "tolerance"
    )


def test_999_unknown_link_parameters_give_one_warning():
    q = {f"junk{i}": "1" for i in range(999)}
    scn, warn = Scenario.from_query({**q, "surface": "ravine"})
    assert scn.surface == "ravine" and len(warn) == 1 and "999 unknown" in warn[0]
    at = AppTest.from_file(str(ROOT / PLAYGROUND), default_timeout=TIMEOUT)
    at.query_params.update({**q, "surface": "ravine"})
    at.run()
    assert not at.exception and len(at.warning) == 1 and "999 unknown" in at.warning[0].value
    assert not any(k.startswith("junk") for k in at.query_params)


def test_formula_typo_keeps_the_last_good_formula_and_the_typed_text():
    at = AppTest.from_file(str(ROOT / PLAYGROUND), default_timeout=TIMEOUT).run()
    at.selectbox(key="play:surface").set_value("custom").run()
    at.text_input(key="play:formula").set_value("(x-1)^2 + 2*(y+0.5)^2").run()
    good = _player(at)["title"]
    assert "(x-1)^2" in good and not at.error
    at.text_input(key="play:formula").set_value("(x-1)^2 + 2*(y+0.5").run()
    assert not at.exception
    assert (
        at.selectbox(key="play:surface").value == "custom" and _player(at)["title"] == good
    )  # not a Saddle
    assert any(
        "Formula not accepted" in e.value and "(x-1)^2 + 2*(y+0.5)^2" in e.value for e in at.error
    )
    assert (
        at.query_params["surface"] == "custom"
        and at.query_params["formula"] == "(x-1)^2 + 2*(y+0.5"
    )
    # a reload (a fresh session on that link) shows the typed text and the same error
    again = AppTest.from_file(str(ROOT / PLAYGROUND), default_timeout=TIMEOUT)
    again.query_params.update(_query(at))
    again.run()
    assert not again.exception
    assert again.selectbox(key="play:surface").value == "custom"
    assert again.text_input(key="play:formula").value == "(x-1)^2 + 2*(y+0.5"
    assert any("Formula not accepted" in e.value for e in again.error)
    assert again.query_params["formula"] == "(x-1)^2 + 2*(y+0.5"


@pytest.mark.parametrize("formula", ["1/x + y^2", "exp(10*x)+y^2", "x^4 + y^4"])
def test_a_formula_without_a_strict_interior_minimum_reports_none(formula):
    assert landscapes.from_expression(formula).minima == ()


def test_formula_minima_are_where_the_gradient_vanishes_with_a_positive_hessian():
    s = landscapes.from_expression("(x-1)^2 + 2*(y+0.5)^2")
    (m,) = s.minima
    assert (m.x, m.y, m.value) == pytest.approx((1.0, -0.5, 0.0), abs=1e-9)
    s = landscapes.from_expression("x^2 + 3*y^2 + sin(3*x)")
    assert len(s.minima) == 2
    for m in s.minima:  # 2x + 3cos(3x) = 0 and 6 - 9 sin(3x) > 0 at each
        assert (
            2 * m.x + 3 * math.cos(3 * m.x) == pytest.approx(0, abs=1e-9)
            and 2 - 9 * math.sin(3 * m.x) > 0
        )


@pytest.mark.parametrize("formula, start", [("1/x + y^2", (-1.0, 0.5)), ("-1/x + y^2", (1.0, 0.5))])
def test_a_step_across_a_pole_is_a_divergence(formula, start):
    """Descent runs towards the pole at x = 0 (where f -> -inf) and a step jumps across it."""
    s = landscapes.from_expression(formula)
    tr = engine.run(s, "sgd", start=start, steps=200, lr=0.01)
    k = tr.diverged_at
    assert k is not None
    assert np.sign(tr.points[k - 1, 0]) == np.sign(start[0])  # frozen on the side it came from
    assert np.all(tr.points[k:] == tr.points[k - 1]) and np.all(
        np.sign(tr.points[:, 0]) == np.sign(start[0])
    )
    # a smooth formula does not trip it
    assert (
        engine.run(
            landscapes.from_expression("x^2 + 3*y^2 + sin(3*x)"),
            "adam",
            start=(2.0, 1.0),
            steps=300,
            lr=0.1,
        ).diverged_at
        is None
    )


def test_crafted_widget_values_warn_and_stay_out_of_the_link():
    """Values in the session that no widget would produce (set before the widgets exist, as a
    crafted
    message or an old session would): a warning each, never an exception, never in the link."""
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    at.session_state["cmp:ready"] = True
    at.session_state["cmp:surface"] = "<script>"
    at.session_state["cmp:o0:name"] = "evil"
    at.session_state["cmp:start_x"] = float("nan")
    at.session_state["cmp:steps"] = 1e308
    at.session_state["cmp:tol"] = "abc"
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert (
        text.count("not one of the choices") == 2
        and "start x" in text
        and "steps" in text
        and "tolerance" in text
    )
    q = _query(at)
    assert (
        "nan" not in str(q).lower()
        and "script" not in str(q)
        and "evil" not in str(q)
        and "abc" not in str(q)
    )
    assert q["surface"] == "saddle" and q["steps"] == "2000" and q["opt"].startswith("sgd,")
    assert _player_paths(at) and math.isfinite(_player_paths(at)[0]["xy"][0, 0])


@pytest.mark.parametrize("click", [(float("nan"), 0.0), (1e308, 0.0), (0.0, -1e308)])
def test_a_map_click_off_the_map_warns_and_keeps_the_start(click):
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT).run()
    start = at.query_params["start"]
    at.session_state["cmp:start_next"] = click  # what a click queues, crafted
    at.run()
    assert not at.exception and any("not a point of the map" in w.value for w in at.warning)
    assert at.query_params["start"] == start


def test_compare_tolerance_and_playground_3d_travel_in_the_link():
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT).run()
    at.number_input(key="cmp:tol").set_value(1e-6).run()
    assert at.query_params["tol"] == "1e-06"
    again = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    again.query_params.update(_query(at))
    again.run()
    assert again.number_input(key="cmp:tol").value == 1e-6
    assert _player_table(again) == _player_table(at)
    at = AppTest.from_file(str(ROOT / PLAYGROUND), default_timeout=TIMEOUT).run()
    at.toggle(key="play:3d").set_value(True).run()
    assert at.query_params["view3d"] == "1"
    again = AppTest.from_file(str(ROOT / PLAYGROUND), default_timeout=TIMEOUT)
    again.query_params.update(_query(at))
    again.run()
    assert again.toggle(key="play:3d").value and not again.warning


LESSON_LINKS = [  # (page, {parameter: value}, how to read it back)
    (
        "app_pages/3_Schedules.py",
        {"sched:steps": "800", "sched:surface": scenarios.RACE_SURFACES[-1]},
        ("slider", "selectbox"),
    ),
    (
        "app_pages/4_Hyperparameter_search.py",
        {"hps:budget": "25", "hps:surface": "ravine"},
        ("select_slider", "selectbox"),
    ),
    (
        "app_pages/5_Averaging.py",
        {"avg:beta": "0.5", "avg:surface": "ravine"},
        ("slider", "selectbox"),
    ),
    (
        "app_pages/6_Quadratic_theory.py",
        {"quad:kappa": "200", "quad:a_gd": "0.0123"},
        ("select_slider", "number_input"),
    ),
    (
        "app_pages/7_Basins.py",
        {"basin:n": "50", "basin:steps": "100"},
        ("select_slider", "select_slider"),
    ),
    (
        "app_pages/9_Batch_size.py",
        {"batch:B": "32", "batch:steps": "120"},
        ("select_slider", "slider"),
    ),
]


def _link_warnings(at):
    """The page's warnings about its link (other warnings, e.g. divergence, are the page's own)."""
    return [w for w in at.warning if w.value.startswith("This link")]


@pytest.mark.parametrize("page, query, kinds", LESSON_LINKS)
def test_a_lesson_pages_link_sets_its_widgets_and_warns_once_about_the_rest(page, query, kinds):
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    assert not at.exception and not _link_warnings(at)  # a good link: no warning
    for (key, text), kind in zip(query.items(), kinds, strict=True):
        value = getattr(at, kind)(key=key).value
        assert str(value) == text or value == pytest.approx(float(text)), key
    # values no widget accepts and unknown parameters, 999 in all (Streamlit ignores a query of
    # more than 1000): one warning that names them, the defaults shown, the unknown ones gone
    bad = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    bad.query_params.update({k: "1e308" for k in query})
    bad.query_params.update({f"junk{i}": "1" for i in range(999 - len(query))})
    bad.run()
    assert not bad.exception and len(bad.get("plotly_chart")) >= 1
    (w,) = _link_warnings(bad)
    assert f"{999 - len(query)} unknown" in w.value
    assert f"{len(query)} values this page cannot use" in w.value
    assert all(k in w.value for k in query), w.value
    assert not any(k.startswith("junk") for k in bad.query_params)
    for key, kind in zip(query, kinds, strict=True):
        assert str(getattr(bad, kind)(key=key).value) != "1e308"
    # the next rerun (a widget moved) says nothing more
    key, kind = next(iter(query)), kinds[0]
    widget = getattr(at, kind)(key=key)
    if kind == "select_slider":
        widget.set_value(type(widget.value)(widget.options[0]))
    else:
        widget.set_value(widget.min)
    at.run()
    assert not at.exception and not _link_warnings(at)
