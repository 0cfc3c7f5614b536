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


def pytest_collection_modifyitems(items):
    """Every test that drives chromium against the app (the ``ctx`` or ``server`` fixture) is a
    ``browser`` test."""
    for item in items:
        if {"ctx", "server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


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
