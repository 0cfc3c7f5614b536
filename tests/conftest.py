"""Shared test set-up: strict dtype promotion, a surface-switching landscape, and for the browser
tests one Streamlit server (for the whole run) and a chromium per module."""

from __future__ import annotations

import dataclasses
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# the tests' own XLA compile cache (ignored by git), not the app's ~/.cache/optiscape-jax: suite
# time must not depend on what the app compiled before; set before JAX is imported (the pages read
# it in ui.page_setup, subprocesses inherit it)
os.environ["OPTISCAPE_JAX_CACHE"] = os.path.join(ROOT, ".pytest_cache", "optiscape-jax")

import jaxsetup  # noqa: E402

jaxsetup.configure()  # float64 and the host devices, as in the app

import jax  # noqa: E402
import pytest  # noqa: E402

jax.config.update("jax_numpy_dtype_promotion", "strict")
# every executable goes to the tests' compile cache at once (the app keeps only those that took
# 0.2 s), so the pytest workers, the test server and its subprocesses compile each one only once
jax.config.update("jax_compilation_cache_dir", os.environ["OPTISCAPE_JAX_CACHE"])
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)

import jax.numpy as jnp  # noqa: E402

import landscapes  # noqa: E402

_NAMES = landscapes.names()


def _union_family(xy, p):
    branches = []
    for d in landscapes.SURFACES:

        def branch(q, d=d):
            return jnp.asarray(
                d.family(q, {k: p[f"{d.name}.{k}"] for k in d.params}), dtype=jnp.float64
            )

        branches.append(branch)
    return jax.lax.switch(p["_id"].astype(jnp.int32), branches, xy)


def as_union(scape: landscapes.Landscape) -> landscapes.Landscape:
    """The same surface, computed through a ``lax.switch`` over every registered family.

    The engine then compiles once per optimizer for *all* surfaces, which keeps the
    optimizer x surface property tests fast."""
    values = {
        f"{d.name}.{k}": spec.default for d in landscapes.SURFACES for k, spec in d.params.items()
    }
    values.update({f"{scape.name}.{k}": v for k, v in scape.values.items()})
    values["_id"] = float(_NAMES.index(scape.name))
    return dataclasses.replace(scape, family=_union_family, key="test-union", values=values)


# How ``pytest -n N --dist loadgroup`` (``.ci/run``) shares the tests among its workers. The tests
# of these files are independent and mostly compile executables (shared through the compile cache
# on disk), so they go one by one to whichever worker is free; a preset's claims share its runs, so
# they stay together; every other file runs in one worker (its module fixtures, its browser and the
# app server's warm pages are reused).
_SPREAD = {
    "test_app.py",
    "test_course.py",
    "test_engine.py",
    "test_forms.py",
    "test_landscapes.py",
    "test_modern.py",
    "test_optimizers.py",
    "test_presets.py",
    "test_replay.py",
    "test_teaching.py",
}
# The longest files start first, so that none of them is left running alone at the end.
_FIRST = (
    "test_state_browser.py",
    "test_deploy.py",
    "test_browser.py",
    "test_server.py",
    "test_mlp.py",
    "test_replay_browser.py",
    "test_inside.py",
    "test_course_browser.py",
    "test_export.py",
    "test_i18n_browser.py",
    "test_present_browser.py",
)


def _group(item) -> str | None:
    file = item.path.name
    if file == "test_presets.py" and item.originalname == "test_preset_claim_holds":
        return "preset-" + item.callspec.params["slug"]
    return None if file in _SPREAD else file


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Every test that drives chromium against the app (the ``ctx`` or ``server`` fixture) is a
    ``browser`` test; each test gets its worker group, and the longest groups come first."""
    for item in items:
        if {"ctx", "server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        group = _group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    rank = {f: i for i, f in enumerate(_FIRST)}
    later = len(rank)  # then the other browser files, then the rest (sorting is stable)
    items.sort(
        key=lambda it: rank.get(
            it.path.name, later if it.get_closest_marker("browser") else later + 1
        )
    )


@pytest.fixture(scope="session")
def server():
    """The app on a loopback port, started once for every browser test."""
    from tests.browser import streamlit_server

    with streamlit_server() as (url, _):
        yield url


@pytest.fixture(scope="module")
def ctx():
    """Debian's chromium (Playwright), one persistent profile per test module."""
    from tests.browser import browser

    with browser() as c:
        yield c


# --- where the suite's time goes: compile seconds per test (opt-in, for trimming the suite) ------
_COMPILE_LOG = os.environ.get("OPTISCAPE_COMPILE_LOG")
_current = {"test": "collect"}

if _COMPILE_LOG:
    import json

    from jax import monitoring

    def _on_duration(event, secs, **kw):
        if event == "/jax/core/compile/backend_compile_duration":
            with open(f"{_COMPILE_LOG}.{os.getpid()}", "a") as fh:
                fh.write(json.dumps([_current["test"], kw.get("fun_name", ""), secs]) + "\n")

    monitoring.register_event_duration_secs_listener(_on_duration)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(item):
        _current["test"] = item.nodeid
