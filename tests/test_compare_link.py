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
    # the link written back holds the same one optimizer (its default momentum spelled out)
    back = Scenario.from_query({"opt": at.query_params["opt"]})[0].optimizers
    assert back == Scenario.from_query({"opt": "momentum,lr=0.01"})[0].optimizers
    # a second optimizer is one click away, and then the link carries it
    at.number_input(key="cmp:n_opt").set_value(2).run()
    assert len(_player_paths(at)) == 2 and at.query_params["opt"].count(";") == 1
