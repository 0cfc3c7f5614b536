"""A shared Compare link reproduces what was shared: a link with one optimizer shows that one
optimizer (the map, the table, the link it writes back), no second one the link did not ask for."""

from streamlit.testing.v1 import AppTest

from scenarios import Scenario
from tests.test_app import ROOT, TIMEOUT, _player_paths, _player_table, lower_lr

COMPARE = "app_pages/2_Compare.py"


def test_a_one_optimizer_link_shows_exactly_that_optimizer():
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    at.query_params.update({"surface": "saddle", "opt": "momentum,lr=0.01", "steps": "50"})
    at.run()
    assert not at.exception and not at.warning
    paths = _player_paths(at)
    assert len(paths) == 1 and "Momentum" in paths[0]["name"], paths
    assert at.number_input(key="cmp:n_opt").value == 1
    assert not at.table and len(_player_table(at)) == 1  # the summary's one row, under the map
    notes = [c.value for c in at.caption]
    assert any("settings of the link you opened" in c for c in notes), notes
    assert not any("You have changed" in c for c in notes)
    # the link written back holds the same one optimizer (its default momentum spelled out)
    back = Scenario.from_query({"opt": at.query_params["opt"]})[0].optimizers
    assert back == Scenario.from_query({"opt": "momentum,lr=0.01"})[0].optimizers
    # a second optimizer is one click away, and then the link carries it
    at.number_input(key="cmp:n_opt").set_value(2).run()
    assert len(_player_paths(at)) == 2 and at.query_params["opt"].count(";") == 1
    # ... and it is another optimizer, not a copy drawn on top of the first
    first, second = (at.selectbox(key=f"cmp:o{i}:name").value for i in range(2))
    assert first == "momentum" and second != first


def test_changing_the_default_preset_says_so():
    """A visit without a link draws the picked preset; a changed setting is called a change."""
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT).run()
    assert not any("You have changed" in c.value for c in at.caption)
    at.number_input(key="cmp:n_opt").set_value(4).run()
    names = [at.selectbox(key=f"cmp:o{i}:name").value for i in range(4)]
    assert len(set(names)) == 4, names  # each added slot races an optimizer not yet racing
    notes = [c.value for c in at.caption]
    assert any("You have changed" in c for c in notes) and not any("link" in c for c in notes)


def _watch_peeks(monkeypatch, wrong_once: bool = False) -> list:
    """Record what ``ui.peek_scenario`` answers on each run (optionally answering one run with a
    scenario that the widgets will not produce)."""
    import dataclasses

    import ui

    real, seen = ui.peek_scenario, []

    def peek(page):
        got = real(page)
        if wrong_once and got is not None and not seen:
            got = dataclasses.replace(got, steps=got.steps + 1)
        seen.append(got)
        return got

    monkeypatch.setattr(ui, "peek_scenario", peek)
    return seen


def test_the_map_is_drawn_before_the_widgets_from_the_scenario_they_then_give(monkeypatch):
    """Compare draws its map before its ~30 widgets from the settings the session holds
    (``ui.peek_scenario``) and checks it against what the widgets return: over every race preset
    and the usual changes the early scenario is the widgets' own (no run is drawn twice), and a
    setting's change is drawn early."""
    seen = _watch_peeks(monkeypatch)
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    at.run()
    early = []

    def check(step: str):
        assert not at.exception, step
        assert "cmp:peek_misses" not in at.session_state, step
        early.append((step, seen[-1] is not None))

    for slug in (p.slug for p in __import__("scenarios").PRESETS if p.page == "compare"):
        at.selectbox(key="cmp:preset_pick").set_value(slug)
        at.button[0].click().run()
        check(slug)
    lower_lr(at, "cmp")
    check("learning rate")
    at.slider(key="cmp:steps").set_value(120).run()
    check("steps")
    at.selectbox(key="cmp:shared:schedule").set_value("cosine").run()
    check("schedule")
    at.selectbox(key="cmp:o1:name").set_value("adam").run()
    check("optimizer")
    at.selectbox(key="cmp:o1:name").set_value("adam").run()  # (a rerun with nothing changed)
    check("optimizer again")
    at.number_input(key="cmp:n_opt").set_value(3).run()
    check("third optimizer")
    at.selectbox(key="cmp:surface").set_value("rosenbrock").run()
    check("surface")
    drawn_early = dict(early)
    # (a newly picked schedule, optimizer or surface brings values its widgets fill in: drawn late)
    assert drawn_early["learning rate"] and drawn_early["steps"], early
    assert drawn_early["optimizer again"] and all(e for _, e in early[:6]), early


def test_an_early_map_that_the_widgets_contradict_is_drawn_again(monkeypatch):
    """Should the early scenario ever differ from the widgets' (here forced: one more step), the
    run is done again, drawn after the widgets, and the map shows the widgets' scenario."""
    seen = _watch_peeks(monkeypatch, wrong_once=True)
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.session_state["cmp:peek_misses"] == 1 and seen[0] is not None and seen[1] is None
    steps = at.slider(key="cmp:steps").value
    assert [p["n"] for p in _player_paths(at)] == [steps] * len(_player_paths(at))
    assert seen[0].steps == steps + 1
