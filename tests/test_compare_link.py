"""A shared Compare link reproduces what was shared: a link with one optimizer shows that one
optimizer (the map, the table, the link it writes back), no second one the link did not ask for."""

from streamlit.testing.v1 import AppTest

from scenarios import Scenario
from tests.test_app import ROOT, TIMEOUT, _player_paths

COMPARE = "app_pages/2_Compare.py"


def test_a_one_optimizer_link_shows_exactly_that_optimizer():
    at = AppTest.from_file(str(ROOT / COMPARE), default_timeout=TIMEOUT)
    at.query_params.update({"surface": "saddle", "opt": "momentum,lr=0.01", "steps": "50"})
    at.run()
    assert not at.exception and not at.warning
    paths = _player_paths(at)
    assert len(paths) == 1 and "Momentum" in paths[0]["name"], paths
    assert at.number_input(key="cmp:n_opt").value == 1
    (table,) = at.table
    assert len(table.value) == 1  # the summary's one row
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
