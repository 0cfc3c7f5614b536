"""JAX set-up, in one place: float64 and the CPU host devices.

:func:`configure` is the only code that changes JAX's global settings for Optiscape:

- ``jax_enable_x64``: trajectories are computed in float64, so that they agree with the textbook
  numpy forms (the tests compare them to ``1e-9``);
- ``--xla_force_host_platform_device_count`` in ``XLA_FLAGS``: XLA runs one CPU computation on one
  core; exposing the cores (at most 8) as host devices lets the engine's sweeps split their batch
  across them. It only takes effect before JAX starts its backend, and an explicit setting in
  ``XLA_FLAGS`` wins.

It is idempotent and called explicitly, first thing, by ``app.py``, by the packages that compute
with JAX (``landscapes``, ``engine``, ``network``, in their ``__init__``), by ``tests/conftest.py``
and by the command line (``python -m viz.export``).
"""

from __future__ import annotations

import os

_done = False


def configure() -> None:
    """Switch on float64 and the host devices (once; later calls do nothing)."""
    global _done
    if _done:
        return
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_force_host_platform_device_count" not in flags:
        n = min(os.cpu_count() or 1, 8)
        os.environ["XLA_FLAGS"] = f"{flags} --xla_force_host_platform_device_count={n}".strip()
    import jax

    jax.config.update("jax_enable_x64", True)
    _done = True
