"""Server-side guards for a class sharing one process: start-up imports, admission, per-session
limits.

- :func:`warm_imports` imports, once and before any page draws, the modules that Plotly and
  Streamlit
  would otherwise import lazily inside a script run. Plotly looks optional modules up in
  ``sys.modules``
  without importing them, so while one session's thread is still importing pandas another session's
  chart sees a half-initialized module (``partially initialized module 'pandas' has no attribute
  'Series'``).
- :func:`install_admission` puts every script run of the process through a first-come-first-served
  gate
  of ``OPTISCAPE_RUN_SLOTS`` concurrent runs (default 2). A saturated process then queues work
  instead
  of sharing the GIL between a hundred half-done runs (and starving its own websocket loop): each
  run
  waits its turn, so every session finishes. The queue is bounded by the sessions (one runner each),
  which the proxy bounds (``deploy/``). It also confines a client's ``clear_cache`` message to its
  own
  session (Streamlit clears every user's caches by default).
- :class:`RateLimit` counts a session's expensive requests (exports, new custom formulas) in a
  sliding
  window and says how long to wait.
"""

from __future__ import annotations

import collections
import functools
import importlib
import logging
import os
import threading
import time

_LOG = logging.getLogger(__name__)

# imported lazily by plotly (io._json, offline, tools, animation), by st.dataframe (pandas, pyarrow)
# and plotly's
# narwhals/orjson back ends; found by diffing sys.modules around a Compare run
WARM_MODULES = (
    "pandas",
    "pyarrow",
    "orjson",
    "narwhals",
    "narwhals._interchange.dataframe",
    "zoneinfo",
    "dateutil",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.io._json",
    "plotly.offline",
    "plotly.tools",
    "plotly.animation",
    "streamlit.elements.plotly_chart",
    "streamlit.elements.arrow",
    "streamlit.dataframe_util",
)


@functools.cache
def warm_imports() -> tuple[str, ...]:
    """Imports :data:`WARM_MODULES` (those installed); returns the names imported."""
    done = []
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
            done.append(name)
        except ImportError:
            pass
    return tuple(done)


class Gate:
    """A first-come-first-served counting gate: at most ``slots`` holders, the rest wait in arrival
    order."""

    def __init__(self, slots: int):
        self.slots = max(1, int(slots))
        self._cv = threading.Condition()
        self._busy = 0
        self._queue: collections.deque = collections.deque()
        self.waited = 0  # runs that had to wait (for tests and the load report)

    def acquire(self, timeout: float | None = None) -> bool:
        me = object()
        with self._cv:
            if not self._queue and self._busy < self.slots:
                self._busy += 1
                return True
            self.waited += 1
            self._queue.append(me)
            ok = self._cv.wait_for(
                lambda: self._queue[0] is me and self._busy < self.slots, timeout
            )
            self._queue.remove(me)
            if ok:
                self._busy += 1
            self._cv.notify_all()
            return ok

    def release(self) -> None:
        with self._cv:
            self._busy -= 1
            self._cv.notify_all()

    @property
    def waiting(self) -> int:
        return len(self._queue)


GATE = Gate(int(os.environ.get("OPTISCAPE_RUN_SLOTS", "2") or 2))
_installed = threading.Lock()


def install_admission(gate: Gate = GATE) -> bool:
    """Wraps Streamlit's ``ScriptRunner._run_script`` in ``gate`` (once per process); returns
    whether it is in place."""
    from streamlit.runtime import app_session
    from streamlit.runtime.scriptrunner import script_runner

    with _installed:
        runner = script_runner.ScriptRunner
        if getattr(runner._run_script, "_optiscape_gate", None) is not None:
            return True
        if os.environ.get("OPTISCAPE_RUN_SLOTS", "") == "0":
            return False
        original = runner._run_script

        @functools.wraps(original)
        def gated(self, rerun_data):
            gate.acquire()
            try:
                return original(self, rerun_data)
            finally:
                gate.release()

        gated._optiscape_gate = gate
        runner._run_script = gated

        def clear_own_cache(
            self,
        ):  # the toolbar's "Clear cache": this session's state, not every user's caches
            self._session_state.clear()

        if hasattr(app_session.AppSession, "_handle_clear_cache_request"):
            app_session.AppSession._handle_clear_cache_request = clear_own_cache
        _LOG.info("admission gate: %d concurrent script runs", gate.slots)
        return True


def prepare() -> None:
    """Everything a process needs before its first page: imports and the admission gate."""
    warm_imports()
    try:
        install_admission()
    except (ImportError, AttributeError):  # another Streamlit: run without the gate
        _LOG.warning("admission gate not installed", exc_info=True)


_pruned = [0.0]


def prune_dir(path: str, max_bytes: int, every_s: float = 600.0) -> int:
    """Keeps a cache directory (the JAX compile cache, shared by the processes) under ``max_bytes``:
    when over, deletes the least recently used files down to 3/4 of it. Runs at most every
    ``every_s`` s per process; returns the files deleted. A file another process is reading stays
    readable; one found missing is recompiled."""
    now = time.monotonic()
    if _pruned[0] and now - _pruned[0] < every_s:
        return 0
    _pruned[0] = now
    try:
        entries = []
        with os.scandir(path) as it:
            for e in it:
                if e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    entries.append((max(st.st_atime, st.st_mtime), st.st_size, e.path))
    except OSError:
        return 0
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return 0
    gone = 0
    for _, size, p in sorted(entries):
        if total <= max_bytes * 3 // 4:
            break
        try:
            os.remove(p)
            total -= size
            gone += 1
        except OSError:
            pass
    return gone


class RateLimit:
    """At most ``limit`` events per ``window`` seconds (sliding window); thread-safe."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = int(limit), float(window)
        self._times: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()

    def wait_s(self) -> float:
        """Seconds until one more event is allowed (0 if now)."""
        with self._lock:
            now = time.monotonic()
            self._trim(now)
            return 0.0 if len(self._times) < self.limit else self.window - (now - self._times[0])

    def take(self) -> float:
        """Counts one event if allowed and returns 0; otherwise returns the seconds to wait."""
        with self._lock:
            now = time.monotonic()
            self._trim(now)
            if len(self._times) < self.limit:
                self._times.append(now)
                return 0.0
            return self.window - (now - self._times[0])


EXPORTS_PER_MINUTE = int(os.environ.get("OPTISCAPE_EXPORTS_PER_MINUTE", "10"))
FORMULAS_PER_MINUTE = int(os.environ.get("OPTISCAPE_FORMULAS_PER_MINUTE", "4"))
EXPORT_SLOTS = threading.BoundedSemaphore(int(os.environ.get("OPTISCAPE_EXPORT_SLOTS", "2")))


class ExportRefused(RuntimeError):
    pass


def session_limit(name: str, limit: int, window: float = 60.0) -> RateLimit:
    """This session's :class:`RateLimit` called ``name`` (kept in ``st.session_state``)."""
    import streamlit as st

    key = f"_optiscape_limit:{name}"
    lim = st.session_state.get(key)
    if not isinstance(lim, RateLimit):
        lim = st.session_state[key] = RateLimit(limit, window)
    return lim


def _sweep_downloads() -> None:
    """Streamlit keeps a generated download until two script runs (anyone's) have passed since
    nobody referenced it; a flood of exports with no runs in between would pile them up in memory.
    Each export counts as such a pass, so at most the last few generated files are held."""
    try:
        from streamlit import runtime

        if runtime.exists():
            runtime.get_instance().media_file_mgr.remove_orphaned_files()
    except Exception:  # a sweep is an optimisation: never fail the export for it
        _LOG.debug("download sweep failed", exc_info=True)


def limited_export(fn, lim: RateLimit):
    """Wraps a deferred download's data callable: this session's limit, then one of the process's
    export slots."""

    def run():
        wait = lim.take()
        if wait:
            raise ExportRefused(
                f"export limit: {lim.limit} files a minute per session; try again in {wait:.0f} s"
            )
        if not EXPORT_SLOTS.acquire(timeout=20):
            raise ExportRefused("the server is busy with other exports; try again in a moment")
        try:
            _sweep_downloads()
            return fn()
        finally:
            EXPORT_SLOTS.release()

    return run


def formula_gate(page: str, formula: str) -> tuple[str | None, str | None]:
    """A new custom formula costs seconds of compilation: at most :data:`FORMULAS_PER_MINUTE` new
    ones a minute per session. Returns (formula to draw, message); over the limit, the last accepted
    formula (None if there is none) and a message saying when to try again."""
    import streamlit as st

    key = f"{page}:formulas_ok"
    seen = st.session_state.setdefault(key, [])
    text = formula.strip()
    if text in seen:
        return formula, None
    wait = session_limit("formula", FORMULAS_PER_MINUTE).take()
    if not wait:
        seen.append(text)
        del seen[:-32]
        return formula, None
    last = seen[-1] if seen else None
    return last, (
        f"New formulas are limited to {FORMULAS_PER_MINUTE} a minute (each one is compiled); "
        f"try this one again in {wait:.0f} s" + (f". Showing {last!r} meanwhile." if last else ".")
    )
