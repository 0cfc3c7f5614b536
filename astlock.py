"""Parsing Python source with ``ast`` from several threads at once, safely.

CPython 3.11 converts between its C syntax tree and Python ``ast`` objects with one
interpreter-wide recursion counter, so two threads doing it at the same time can fail with
``SystemError: AST constructor recursion depth mismatch`` (python/cpython#106905 and later reports).
The server runs every session's script in its own thread; 40 sessions opening Compare together on
a fresh process hit it here. Every use of ``ast`` the app makes while serving goes through this
module: one lock, and each source parsed once per process (the trees are shared: read them, never
change them). Streamlit's own use, its "magic" (``ast.parse`` of every page script), is switched
off in ``.streamlit/config.toml`` (``runner.magicEnabled``); no page relies on it.
"""

from __future__ import annotations

import ast
import functools
import threading

LOCK = threading.Lock()


@functools.lru_cache(maxsize=512)
def _parse(source: str, filename: str, mode: str) -> ast.AST:
    with LOCK:
        return ast.parse(source, filename=filename, mode=mode)


def parse(source: str, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """``ast.parse``, serialised and cached (the tree is shared: do not modify it)."""
    return _parse(source, filename, mode)


def literal_eval(source: str):
    """``ast.literal_eval`` of a string, serialised."""
    with LOCK:
        return ast.literal_eval(source)
