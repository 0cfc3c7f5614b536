"""JAX's global settings are switched on in one named place (jaxsetup.configure), nowhere else."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CODE = (
    "import os, jaxsetup; jaxsetup.configure(); jaxsetup.configure(); import jax; "
    "print(jax.config.jax_enable_x64, os.environ['XLA_FLAGS'].count('device_count'), "
    "len(jax.devices('cpu')), os.environ['XLA_FLAGS'].count('optimization_level=1'), "
    "jax.config.read('jax_cpu_enable_async_dispatch'))"
)


def _run(env_flags):
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    if env_flags is not None:
        env["XLA_FLAGS"] = env_flags
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_configure_switches_on_float64_and_the_host_devices_once():
    cores = str(min(os.cpu_count() or 1, 8))
    # called twice: each flag added once; calls run in the calling thread (no async dispatch)
    assert _run(None) == ["True", "1", cores, "1", "False"]
    # an explicit setting wins
    assert _run("--xla_force_host_platform_device_count=1") == ["True", "1", "1", "1", "False"]
    assert _run("--xla_backend_optimization_level=3") == ["True", "1", cores, "0", "False"]


def test_no_other_module_changes_jax_globals_at_import():
    setters = (
        "jax_enable_x64",
        "xla_force_host_platform_device_count",
        "xla_backend_optimization_level",
        "jax_cpu_enable_async_dispatch",
    )
    found = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if p.name != "jaxsetup.py"
        and not {"tests", ".venv"} & set(p.relative_to(ROOT).parts)
        and any(s in p.read_text(encoding="utf-8") for s in setters)
    ]
    assert found == []
    for user in ("app.py", "landscapes/__init__.py", "engine/__init__.py", "tests/conftest.py"):
        assert "jaxsetup.configure()" in (ROOT / user).read_text(encoding="utf-8"), user
