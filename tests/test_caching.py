"""One learning-rate change: widget -> Scenario -> engine -> figure, cached on the Scenario itself
(no JSON round trip), a custom formula parsed and compiled once, the landscape built once."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

import landscapes
import ui
from landscapes import _expr, _surfaces
from scenarios import OptimizerConfig, Scenario
from tests.test_app import ROOT, TIMEOUT, _player_paths

FORMULA = "x^2 + 2.5*y^2 + sin(2*x)"  # no other test uses it: its first use is a real parse


def _move_lr(at, by: int):
    """Move the learning-rate slider ``by`` notches (its options are shown as ``%g``)."""
    (lr,) = [s for s in at.select_slider if s.key.startswith("play:o0:") and s.key.endswith(":lr")]
    return lr.set_value(float(lr.options[lr.options.index(f"{lr.value:g}") + by])).run()


def test_a_slider_move_reparses_nothing_and_rebuilds_no_landscape(monkeypatch):
    parsed = []
    real_parse = _expr.parse
    monkeypatch.setattr(_expr, "parse", lambda text: (parsed.append(text), real_parse(text))[1])
    _expr._compiled.cache_clear()
    _expr._landscape.cache_clear()
    at = AppTest.from_file(str(ROOT / "app_pages/1_Playground.py"), default_timeout=TIMEOUT).run()
    builds = _surfaces._build.cache_info().misses
    at = _move_lr(at, -3)
    assert not at.exception and _surfaces._build.cache_info().misses == builds  # saddle: built once
    at.selectbox(key="play:surface").set_value("custom").run()
    at.text_input(key="play:formula").set_value(FORMULA).run()
    assert not at.exception and parsed.count(FORMULA) == 1  # typed once: parsed once
    (path,) = _player_paths(at)
    for step in (-2, 4):  # each move runs the engine again (a new path) and parses nothing
        at = _move_lr(at, step)
        assert not at.exception
        (moved,) = _player_paths(at)
        assert moved["name"] != path["name"] and moved["n"] == path["n"]
        path = moved
    at.slider(key="play:steps").set_value(120).run()
    assert _player_paths(at)[0]["n"] == 120
    assert parsed.count(FORMULA) == 1, parsed  # before: 3-5 parses and compiles per rerun


def test_runs_are_cached_on_the_scenario_itself(monkeypatch):
    runs = []
    real_run = Scenario.run
    monkeypatch.setattr(Scenario, "run", lambda self: (runs.append(self), real_run(self))[1])
    scn = Scenario(surface="ravine", optimizers=(OptimizerConfig.make("adam", 0.0517),), steps=40)
    first = ui.cached_run(scn)
    again = ui.cached_run(dataclasses.replace(scn))  # an equal Scenario built anew, as a rerun does
    assert runs == [scn] and again[0].losses.tolist() == first[0].losses.tolist()
    other = ui.cached_run(dataclasses.replace(scn, steps=41))
    assert len(runs) == 2 and other[0].steps == 41 and first[0].steps == 40
    with pytest.raises(TypeError, match="Scenario"):
        ui.cached_run(scn.to_json())  # a JSON string is not a key any more


def test_a_formula_is_built_once_per_box():
    a = landscapes.from_expression(FORMULA)
    assert landscapes.from_expression(FORMULA, [[-3, 3], [-3, 3]]) is a
    b = landscapes.from_expression(FORMULA, ((-2.0, 2.0), (-3.0, 3.0)))
    assert b is not a and b.key == a.key and b.bounds == ((-2.0, 2.0), (-3.0, 3.0))
