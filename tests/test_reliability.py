"""Hostile input, limits, bounded memory, server configuration."""

import json
import re
import resource
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import engine
import landscapes
import lessons
import optimizers
import scenarios
from engine import _core as _engine

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *ROOT.glob("*.py"),
    *ROOT.glob("app_pages/*.py"),
    *ROOT.glob("ui/*.py"),
    *ROOT.glob("viz/*.py"),
    *ROOT.glob("optimizers/*.py"),
    *ROOT.glob("landscapes/*.py"),
    *ROOT.glob("engine/*.py"),
    *ROOT.glob("scenarios/*.py"),
    *ROOT.glob("lessons/*.py"),
    *ROOT.glob("network/*.py"),
]


def _no_markdown_links(text: str) -> bool:
    """True when no markdown link or image survives outside code spans."""
    outside = re.sub(r"`[^`]*`", "", text)
    return "](" not in outside and "<img" not in outside.lower()


# --- URL and JSON decoding ---------------------------------------------------------------------

_TEXT = st.text(max_size=80)
_KEYS = st.sampled_from([*scenarios.QUERY_KEYS, "x", "lang"])  # "x": an unknown one


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, _TEXT, max_size=8))
def test_query_decoder_fuzz_always_gives_a_valid_scenario(q):
    scn, warnings = scenarios.Scenario.from_query(q)
    assert isinstance(scn, scenarios.Scenario) and all(isinstance(w, str) for w in warnings)
    assert all(_no_markdown_links(w) for w in warnings)
    assert (
        1 <= scn.steps <= engine.MAX_STEPS and 1 <= len(scn.optimizers) <= scenarios.MAX_OPTIMIZERS
    )
    back, w2 = scenarios.Scenario.from_query(scn.to_query())
    assert back == scn and not w2  # whatever came in, what goes out round-trips cleanly


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | _TEXT,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(_TEXT | _KEYS, c, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "surface",
                "surface_params",
                "start",
                "optimizers",
                "schedule",
                "schedule_args",
                "steps",
                "clip_norm",
                "noise_std",
                "batch_size",
                "seed",
                "formula",
                "bounds",
            ]
        ),
        _JSON,
        max_size=8,
    )
)
def test_json_decoder_fuzz(d):
    scn, warnings = scenarios.Scenario.from_dict(d)
    assert isinstance(scn, scenarios.Scenario)
    assert all(_no_markdown_links(w) for w in warnings)
    assert scenarios.Scenario.from_json(scn.to_json()) == (scn, [])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "null",
        "{",
        '{"steps": 1e999}',
        '{"optimizers": "sgd"}',
        "x" * 10_000,
        '{"optimizers": [{"name": "sgd", "lr": "NaN"}], "steps": -4, "start": [1e308, "a"]}',
    ],
)
def test_malformed_json_files(text):
    scn, warnings = scenarios.Scenario.from_json(text)
    assert isinstance(scn, scenarios.Scenario) and warnings
    assert scn.steps >= 1


def test_markdown_injection_in_links_is_neutralised():
    evil = "![x](http://127.0.0.1:9/pixel.png)"
    at = AppTest.from_file(str(ROOT / "app_pages/2_Compare.py"), default_timeout=300)
    at.query_params.update({"surface": evil, "opt": f"{evil};sgd,lr=0.1", evil: "1"})
    at.run()
    assert not at.exception
    shown = [e.value for e in (*at.warning, *at.error, *at.markdown, *at.caption)]
    assert any("unknown surface" in s for s in shown)
    assert all(_no_markdown_links(s) for s in shown)


def test_hostile_formula_in_link_is_rejected_safely():
    at = AppTest.from_file(str(ROOT / "app_pages/1_Playground.py"), default_timeout=300)
    at.query_params.update(
        {
            "surface": "custom",
            "formula": "__import__('os').system('touch /tmp/pwned')",
            "bounds": "-1,1,-1,1",
        }
    )
    at.run()
    assert not at.exception
    assert any(
        "Formula not accepted" in e.value for e in at.error
    )  # under the input, which keeps the text
    assert at.text_input(key="play:formula").value.startswith("__import__")
    assert not Path("/tmp/pwned").exists()


# --- limits
# ------------------------------------------------------------------------------------------


def test_limits_have_clear_messages():
    scape = landscapes.get("quadratic")
    with pytest.raises(ValueError, match="steps must be between"):
        engine.run(scape, "sgd", steps=engine.MAX_STEPS + 1)
    with pytest.raises(ValueError, match="sweep too large"):
        engine.sweep(scape, "sgd", lr=np.full(engine.MAX_SWEEP + 1, 0.1), steps=10)
    with pytest.raises(ValueError, match="grid of starts"):
        lessons.basins(scape, "sgd", n=10_000)
    with pytest.raises(ValueError, match="budget"):
        lessons.search(
            scape,
            "sgd",
            lessons.Axis("lr", 1e-3, 1, True),
            lessons.Axis("lr", 1e-3, 1, True),
            budget=10**7,
        )
    many = {"optimizers": [{"name": "sgd"}] * 20}
    scn, warnings = scenarios.Scenario.from_dict(many)
    assert len(scn.optimizers) == scenarios.MAX_OPTIMIZERS and any("at most" in w for w in warnings)
    import viz

    with pytest.raises(viz.ExportError, match=r"too large|must be"):
        viz._export.check_size(4096, 4096, 4)


def test_caches_are_bounded():
    import ui

    assert engine._core._compiled.cache_info().maxsize <= 256
    assert landscapes._surfaces._build.cache_info().maxsize <= 512
    for fn in (landscapes._expr._compiled, landscapes._expr._landscape):
        assert 0 < fn.cache_info().maxsize <= 256
    for fn in (
        ui.cached_run,
        ui._controls._grid,
        ui.cached_search,
        ui.cached_basins,
        ui.cached_sweep_paths,
    ):
        assert 0 < fn._info.max_entries <= 256
    # the engine's table of surfaces to compile forgets the oldest beyond its bound
    saved = _engine._FAMILIES.copy()
    try:
        for i in range(_engine.MAX_FAMILIES + 10):
            _engine._remember(types.SimpleNamespace(key=f"fake{i}", family=None))
        assert len(_engine._FAMILIES) == _engine.MAX_FAMILIES
        assert (
            "fake0" not in _engine._FAMILIES
            and f"fake{_engine.MAX_FAMILIES + 9}" in _engine._FAMILIES
        )
    finally:
        _engine._FAMILIES.clear()
        _engine._FAMILIES.update(saved)


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.slow
def test_memory_stays_flat_over_500_distinct_scenarios():
    """500 distinct scenarios (start, lr, steps, surface parameters) after warm-up: RSS grows < 100
    MB."""
    rng = np.random.default_rng(0)
    combos = [
        (s, o, b)
        for s in ("saddle", "quadratic", "rosenbrock")
        for o in ("momentum", "adam")
        for b in (100, 200)
    ]

    def scenario(i):
        s, o, b = combos[i % len(combos)]
        params = (("kappa", float(rng.uniform(1, 100))),) if s == "quadratic" else ()
        return scenarios.Scenario(
            surface=s,
            surface_params=params,
            start=tuple(rng.uniform(-1, 1, 2)),
            steps=int(b - rng.integers(0, 30)),
            optimizers=(scenarios.OptimizerConfig.make(o, float(10 ** rng.uniform(-4, -2))),),
        )

    for i in range(
        2 * len(combos)
    ):  # warm-up: compile every (surface, optimizer, step bucket) once
        scenario(i).run()
    compiles = _engine.TRACE_COUNT
    before = _rss_mb()
    for i in range(500):
        scenario(i).run()
    after = _rss_mb()
    assert _engine.TRACE_COUNT == compiles  # distinct scenarios, no new compilation
    assert after - before < 100, (before, after)


# --- numerics at the extremes
# ----------------------------------------------------------------------


@pytest.mark.parametrize("lr", [1e-8, 1e3])
def test_extreme_settings_are_finite_with_a_flag(lr):
    for name in ("adam", "rmsprop", "adagrad", "newton", "lion"):
        hp = {
            k: v
            for k, v in {"eps": 0.0, "b2": 1.0}.items()
            if k in optimizers.get(name).hyperparams
        }
        tr = engine.run(landscapes.get("rosenbrock"), name, steps=50, lr=lr, hparams=hp)
        for arr in (tr.points, tr.losses, tr.grads, tr.updates, tr.mhat, tr.velocity):
            assert np.isfinite(arr).all()


# --- server configuration
# ------------------------------------------------------------------------------


def test_server_config_is_locked_down():
    cfg = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["maxUploadSize"] <= 2


def test_no_unsafe_html_anywhere():
    """No raw HTML from anything a user can set: ``st.html`` only with a module-level string
    constant (the presentation mode's CSS), never ``unsafe_allow_html`` or ``components.html``."""
    import ast

    for path in SOURCES:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        assert "components.html" not in text, path
        tree = ast.parse(text)
        consts = {
            tgt.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for tgt in node.targets
            if isinstance(tgt, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "html"
            ):
                (arg,) = node.args
                assert isinstance(arg, ast.Name) and arg.id in consts, (path, node.lineno)


def test_no_eval_or_exec_in_the_product():
    import ast

    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile", "__import__"), (
                    path,
                    node.lineno,
                )
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not any(n.startswith("sympy") for n in names), path


def test_json_import_is_size_capped():
    """A 2 MB scenario file: the upload keeps its first 1 MB (ui/_export.py), which is no JSON any
    more: one warning and the default scenario; read whole, its formula is refused by length."""
    assert "up.getvalue()[:1_000_000]" in (ROOT / "ui/_export.py").read_text()
    text = json.dumps({"surface": "custom", "formula": "x+" * 1_000_000 + "y"})
    scn, warn = scenarios.Scenario.from_json(text[:1_000_000])
    assert scn == scenarios.Scenario() and len(warn) == 1 and "could not read the JSON" in warn[0]
    scn, warn = scenarios.Scenario.from_json(text)
    assert scn.surface == "saddle" and any("formula rejected" in w for w in warn), warn
