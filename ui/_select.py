"""Choice widgets whose link holds the option, not its label.

Streamlit's ``bind="query-params"`` writes a select box's *label* (its ``format_func`` text) into
the URL; with labels in the page's language a link would change with the language, and a Chinese
link would not open in English. :func:`choice` shows the labels but keeps the option itself
(``str(option)``, e.g. ``ravine``) in the link, as the bound widgets do with their values: set by
a link on arrival, written back when it changes, removed at the default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

KINDS = ("selectbox", "radio", "multiselect")


def _seen(key: str) -> str:
    return f"{key}:link"


def choice(
    kind: str,
    label: str,
    options: Sequence,
    *,
    key: str,
    format_func: Callable = str,
    default=None,
    container=None,
    **kw,
):
    """``container.<kind>(label, options, ...)`` (``selectbox``, ``radio`` or ``multiselect``)
    bound to the link parameter ``key`` by option name. ``default``: an option (a list of them for
    ``multiselect``), else the first option (none)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    ss, q = st.session_state, st.query_params
    multi = kind == "multiselect"
    options = list(options)
    names = {str(o): o for o in options}
    if default is None:
        default = [] if multi else options[0]
    given = q.get_all(key) if multi else q.get(key)
    if given is not None and given != [] and given != ss.get(_seen(key)):  # a link arrived
        if multi and all(g in names for g in given):
            ss[key] = [names[g] for g in given]
        elif not multi and given in names:
            ss[key] = names[given]
    if key not in ss:
        ss[key] = list(default) if multi else default
    widget = getattr(container or st, kind)
    value = widget(label, options, key=key, format_func=format_func, **kw)
    now = [str(v) for v in value] if multi else str(value)
    if (list(value) == list(default)) if multi else value == default:
        if key in q:
            del q[key]
    elif (q.get_all(key) if multi else q.get(key)) != now:
        q[key] = now
    ss[_seen(key)] = q.get_all(key) if multi else q.get(key)
    return value
