"""The previous engine (``benchmarks/engine_before.py``), imported as ``optimizers._engine_before``
so its relative imports resolve: the tests check the engine equals it, the engine benchmark times
against it."""

from __future__ import annotations

import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def engine_before():
    name = "optimizers._engine_before"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(ROOT, "benchmarks", "engine_before.py")
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
