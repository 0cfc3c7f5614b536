"""Streamlit AppTest: every page and every preset runs, draws figures, and widgets drive the
result."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import lessons
import optimizers
import scenarios

TIMEOUT = 180
ROOT = Path(__file__).resolve().parent.parent


def app(page):
    return AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)


def _plotly_specs(at):
    """Every chart the page sent: Streamlit's, then those the map component draws below the map
    (Playground's and Compare's line charts)."""
    from ui._map import blob
    from viz._replay import unpack_figure

    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for el in at.get("component_instance"):
        if "optiscape_map" in el.proto.component_name:
            for e in (json.loads(el.proto.json_args)["data"].get("charts") or {"items": []})[
                "items"
            ]:
                ids = [e["fig"]] + [r["blob"] for r in e["traces"] if "blob" in r]
                specs.append(unpack_figure(e, {i: blob(i) for i in ids}))
    return specs


def _player(at) -> dict:
    """The replay player's manifest, as the page sent it to the browser."""
    (el,) = [e for e in at.get("component_instance") if "optiscape_map" in e.proto.component_name]
    return json.loads(el.proto.json_args)["data"]


def _player_table(at) -> list[dict[str, str]]:
    """The summary table the player draws under the map (Compare), as rows of column -> text."""
    t = _player(at)["table"]
    return [dict(zip(t["columns"], row, strict=True)) for row in t["rows"]]


def _player_paths(at) -> list[dict]:
    from ui._map import blob
    from viz._replay import unpack_columns

    out = []
    for p in _player(at)["paths"]:
        cols = unpack_columns(p["cols"], p["shape"], blob(p["blob"]))
        xy = np.stack([cols[0], cols[1]], axis=1).astype(float)  # float32 on the wire
        out.append({"name": p["label"], "xy": xy, "n": p["n"]})
    return out


URL_PATHS = [
    "Playground",
    "Compare",
    "Schedules",
    "Hyperparameter_search",
    "Averaging",
    "Quadratic_theory",
    "Basins",
    "Neural_network",
    "Batch_size",
]  # every page's address, as before st.navigation (old links keep working)


def test_home_links_every_page_and_every_preset_in_the_same_tab():
    at = app("app.py").run()
    assert not at.exception
    assert at.title[0].value.endswith("Optiscape")
    links = [p.proto for p in at.get("page_link")]
    pages = {p.page for p in links if not p.query_string}
    course = {f"lesson-{x.slug}" for x in lessons.course()}  # the Course (tests/test_course.py)
    assert pages - course == set(URL_PATHS) and course <= pages
    presets = {p.query_string: p.page for p in links if p.query_string}
    assert presets == {
        f"preset={p.slug}": "Compare" if p.page == "compare" else "Playground"
        for p in scenarios.PRESETS
    }
    assert not any(p.external for p in links)  # st.page_link: the same tab, the app's own router


def test_navigation_titles_sections_and_addresses():
    """The sidebar says Home (not 'app'), groups the pages, and keeps every old address."""
    import ast

    tree = ast.parse((ROOT / "app.py").read_text())
    pages = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            pages[node.args[0].value] = kw
            assert (ROOT / node.args[0].value).exists()
            assert kw["icon"].startswith(":material/")
    assert (
        pages["app_pages/0_Home.py"]["title"] == "Home" and pages["app_pages/0_Home.py"]["default"]
    )
    assert sorted(kw["url_path"] for kw in pages.values() if "url_path" in kw) == sorted(URL_PATHS)
    at = app("app.py").run()
    assert not at.exception
    titles = {"Playground": "Playground", "Compare": "Compare optimizers"}
    for path in ("Playground", "Compare"):  # (the lesson pages open by link in the browser tests)
        at.switch_page(next(p for p, kw in pages.items() if kw.get("url_path") == path)).run()
        assert not at.exception and at.title[0].value == titles[path], path
        assert _player_paths(at), path  # the page drew its map


@pytest.mark.parametrize(
    "page", ["app_pages/1_Playground.py", "app_pages/2_Compare.py"]
)  # Home: through app.py, above
def test_every_page_draws_its_scenario(page):
    """What the page shows is what its widgets say: every path has the steps of the steps slider,
    starts at the start inputs, and is named after the optimizer chosen with its learning rate."""
    at = app(page).run()
    pre = "play" if "Playground" in page else "cmp"
    assert not at.exception and len(_plotly_specs(at)) >= 1
    start = (
        at.number_input(key=f"{pre}:start_x").value,
        at.number_input(key=f"{pre}:start_y").value,
    )
    paths = _player_paths(at)
    assert paths and all(p["n"] == at.slider(key=f"{pre}:steps").value for p in paths)
    assert all(np.allclose(p["xy"][0], start, rtol=1e-6) for p in paths)  # float32 payload
    for i, p in enumerate(paths):
        name = optimizers.get(at.selectbox(key=f"{pre}:o{i}:name").value)
        lr = at.select_slider(key=f"{pre}:o{i}:{name.name}:lr").value
        assert f"{name.title}, lr {lr:g}" in p["name"]


@pytest.mark.parametrize("slug", scenarios.preset_names())
def test_every_preset_opens_by_url_and_draws_each_path(slug):
    preset = scenarios.get_preset(slug)
    page = "app_pages/2_Compare.py" if preset.page == "compare" else "app_pages/1_Playground.py"
    at = app(page)
    at.query_params["preset"] = slug
    at.run()
    assert not at.exception
    n = len(preset.scenario.optimizers) if preset.page == "compare" else 1
    paths = _player_paths(at)
    assert len(paths) == n and all(p["n"] == preset.scenario.steps for p in paths)
    assert all(np.allclose(p["xy"][0], preset.scenario.start_point(), rtol=1e-6) for p in paths)
    # the preset picker names the preset that is drawn
    pick = "cmp:preset_pick" if preset.page == "compare" else "play:preset_pick"
    assert at.selectbox(key=pick).value == slug
    # the URL now carries the whole scenario and decodes back to it
    q = {k: at.query_params[k] for k in at.query_params}
    scn, warn = scenarios.Scenario.from_query(q)
    assert not warn
    want = preset.scenario
    assert scn.surface == want.surface and scn.start_point() == want.start_point()
    assert [o.name for o in scn.optimizers] == [o.name for o in want.optimizers][
        : len(scn.optimizers)
    ]


def lower_lr(at, pre: str):
    """Optimizer 1's learning rate one notch down its log slider (page prefix ``pre``), run."""
    name = at.selectbox(key=f"{pre}:o0:name").value
    lr = at.select_slider(key=f"{pre}:o0:{name}:lr")
    values = [float(v) for v in lr.options]
    return lr.set_value(values[values.index(float(lr.value)) - 1]).run()


def test_playground_reads_its_numbers_as_its_widgets_give_them(monkeypatch):
    """A number's change on Playground reruns its map alone, drawn from the session's reading of
    the settings (``ui.read_scenario``): over presets' first optimizers (a schedule, noise,
    clipping, another surface) and the usual changes that reading is the widgets' own scenario
    (``ui.numbers_checked`` counts a difference, and a difference is counted)."""
    at = app("app_pages/1_Playground.py").run()

    def check(step: str):
        assert not at.exception, step
        assert "play:read_misses" not in at.session_state, step

    for slug in (
        "feature-scaling",
        "cliff-clipping",
        "flat-vs-sharp-noise",
        "schedules-step-cosine-warmup",
        "himmelblau-minima",
    ):
        at.selectbox(key="play:preset_pick").set_value(slug)
        at.button(key="play:load").click().run()
        check(slug)
    lower_lr(at, "play")
    check("learning rate")
    at.slider(key="play:steps").set_value(120).run()
    check("steps")
    at.number_input(key="play:start_x").set_value(0.5).run()
    check("start")
    at.number_input(key="play:noise_std").set_value(0.3).run()
    check("noise")
    at.selectbox(key="play:o0:name").set_value("adam").run()
    check("optimizer")
    at.toggle(key="play:3d").set_value(True).run()
    check("3-D view")
    # a reading that differs from the widgets is counted (and a number then reruns the usual way)
    import dataclasses

    import ui._controls as controls

    real = controls.read_scenario
    monkeypatch.setattr(
        controls,
        "read_scenario",
        lambda page, **kw: dataclasses.replace(real(page, **kw), steps=11),
    )
    at.slider(key="play:steps").set_value(130).run()
    assert at.session_state["play:read_misses"] == 1


def test_widgets_drive_the_result():
    at = app("app_pages/2_Compare.py")
    at.query_params["preset"] = "lr-too-large"
    at.run()
    assert any("diverged" in e.value for e in at.error)
    before = _player_paths(at)[2]
    # lower the third optimizer's learning rate: the divergence message goes away and the path
    # changes
    lr = at.select_slider(key="cmp:o2:sgd:lr")
    lr.set_value(0.01).run()
    assert not at.exception
    assert not any("SGD, lr 0.01" in e.value and "diverged" in e.value for e in at.error)
    after = _player_paths(at)[2]
    assert after["name"] != before["name"] and not np.allclose(after["xy"], before["xy"])
    assert at.query_params["opt"].split(";")[2].startswith("sgd,lr=0.01")


def test_malformed_link_warns_and_falls_back():
    at = app("app_pages/1_Playground.py")
    at.query_params.update(
        {
            "surface": "nope",
            "steps": "abc",
            "opt": "evil();sgd,lr=nan",
            "start": "1,2,3",
            "junk": "1",
        }
    )
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "unknown surface" in text and "junk" in text
    assert _player_paths(at) and _plotly_specs(at)


def test_custom_formula_and_hostile_formula():
    at = app("app_pages/1_Playground.py").run()
    at.selectbox(key="play:surface").set_value("custom").run()
    at.text_input(key="play:formula").set_value("__import__('os').system('echo hi')").run()
    assert not at.exception
    assert any("Formula not accepted" in e.value for e in at.error)
    at.text_input(key="play:formula").set_value("(x-1)^2 + 2*(y+0.5)^2").run()
    assert not at.exception and not at.error
    assert "formula" in at.query_params


@pytest.mark.parametrize("name", optimizers.names())
def test_every_optimizer_steps_on_playground_with_its_equations(name):
    """Each optimizer opens by link with a schedule on; the player gets every step and, for each,
    the shown code's lines filled in."""
    at = app("app_pages/1_Playground.py")
    at.query_params.update({"surface": "rosenbrock", "opt": name, "steps": "30", "sched": "cosine"})
    at.run()
    assert not at.exception
    (p,) = _player(at)["paths"]
    assert p["n"] == 30 and p["eq"] is not None
    code = optimizers.get(name).textbook
    assert [ln["code"] for ln in p["eq"]["lines"]] == [ln for ln in code.splitlines() if ln.strip()]


def test_compare_says_when_the_settings_are_no_longer_the_presets():
    at = app("app_pages/2_Compare.py")
    at.query_params["preset"] = "momentum-vs-nesterov-saddle"
    at.run()
    assert not [c for c in at.caption if "changed the preset" in c.value]
    at.select_slider(key="cmp:o1:momentum:lr").set_value(0.01).run()
    assert [c for c in at.caption if "changed the preset" in c.value]


def test_presets_open_on_their_own_page():
    """A one-optimizer preset on Compare points to Playground; a race on Playground says it shows
    the first."""
    at = app("app_pages/2_Compare.py")
    at.query_params["preset"] = "feature-scaling"
    at.run()
    assert not at.exception
    assert any("opens on Playground" in i.value for i in at.info)
    assert "feature-scaling" not in at.selectbox(key="cmp:preset_pick").options
    at = app("app_pages/1_Playground.py")
    at.query_params["preset"] = "momentum-vs-nesterov-saddle"
    at.run()
    assert not at.exception
    assert any("races 3 optimizers; Playground shows the first" in i.value for i in at.info)
