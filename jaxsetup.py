"""JAX set-up, in one place: float64 and the CPU host devices.

:func:`configure` is the only code that changes JAX's global settings for Optiscape:

- ``jax_enable_x64``: trajectories are computed in float64, so that they agree with the textbook
  numpy forms (the tests compare them to ``1e-9``);
- ``--xla_force_host_platform_device_count`` in ``XLA_FLAGS``: XLA runs one CPU computation on one
  core; exposing the cores (at most 8) as host devices lets the engine's sweeps split their batch
  across them. It only takes effect before JAX starts its backend, and an explicit setting in
  ``XLA_FLAGS`` wins;
- ``xla_cpu_small_while_loop_byte_threshold`` (in ``--xla_backend_extra_options``) raised from
  1 kB to 256 kB: XLA:CPU runs a computation as a sequence of kernels, each dispatched by its
  runtime at every step of a loop, except a ``while`` loop whose body accesses fewer bytes than
  this, which it compiles into one function, control flow included. The engine's loops access
  more than 1 kB and spent most of their time in dispatch (a 1,000-step trajectory 2x faster, a
  5,000-step one 5x, a 100-run sweep 1.3x; ``benchmarks/bench_engine.py``). In the compiled
  code, a whole single run (``engine`` puts it inside a loop of one trip) and a 100-run sweep's
  loops fit in 256 kB; sweeps of 2,500 runs or more do not and run in blocks that do. The
  network's training measured the same at 64-256 kB and 1.2-1.8x slower at 1 MB or more. An
  explicit ``--xla_backend_extra_options`` in ``XLA_FLAGS`` wins.
- ``--xla_backend_optimization_level=1`` (XLA's default is 3) on a CPU-only installation: the
  engine's executables compile in 0.6-0.75x the CPU time (a 60-step Adam run 0.42 vs 0.67 s, the
  tests' union of every surface 3.7 vs 4.9 s) and the network's in ~0.86x, and they run as fast
  (1,000-step runs, 10k-run sweeps, 2,500-run searches and network training measured the same,
  interleaved). Not set when a GPU or TPU plugin is installed (``jax_plugins``), where the kernels'
  speed was not measured; an explicit setting in ``XLA_FLAGS`` wins.
- ``jax_cpu_enable_async_dispatch`` off on a CPU-only installation: a call runs in the calling
  thread instead of being handed to XLA's worker thread (~40-50 us per call, most of a short
  run's time): a 1,000-step run 0.30 -> 0.17 ms, a 100-run search 0.28 -> 0.20 ms, a 2,500-run
  search the same or faster (interleaved in two processes, load ~1). Every caller here waits for
  its result anyway. Not set with a GPU or TPU plugin.

It is idempotent and called explicitly, first thing, by ``app.py``, by the packages that compute
with JAX (``landscapes``, ``engine``, ``network``, in their ``__init__``), by ``tests/conftest.py``
and by the command line (``python -m viz.export``).
"""

from __future__ import annotations

import os

_done = False
SMALL_LOOPS = "xla_cpu_small_while_loop_byte_threshold=262144"


def _accelerator_plugin() -> bool:
    """A GPU or TPU plugin of JAX is installed (they live in the ``jax_plugins`` namespace)."""
    import importlib.util

    return importlib.util.find_spec("jax_plugins") is not None


def configure() -> None:
    """Switch on float64 and the host devices (once; later calls do nothing)."""
    global _done
    if _done:
        return
    flags = os.environ.get("XLA_FLAGS", "")
    cpu_only = not _accelerator_plugin()
    if "xla_force_host_platform_device_count" not in flags:
        n = min(os.cpu_count() or 1, 8)
        flags = f"{flags} --xla_force_host_platform_device_count={n}".strip()
    if "xla_backend_optimization_level" not in flags and cpu_only:
        flags = f"{flags} --xla_backend_optimization_level=1".strip()
    if "xla_backend_extra_options" not in flags:
        flags = f"{flags} --xla_backend_extra_options={SMALL_LOOPS}".strip()
    os.environ["XLA_FLAGS"] = flags
    import jax

    jax.config.update("jax_enable_x64", True)
    if cpu_only:
        jax.config.update("jax_cpu_enable_async_dispatch", False)
    _done = True


def jax_default_dispatch() -> None:
    """Hand calls to XLA's worker thread again, as JAX does by default (the benchmarks' baseline
    process runs the engine as it ran before :func:`configure` turned that off)."""
    import jax

    jax.config.update("jax_cpu_enable_async_dispatch", True)
