"""The map on Playground and Compare: the replay player (``viz/player``) as a Streamlit component.

The component lives across reruns (a stable key): new data restyles it in place, zoom and pan
survive,
and stepping, playing and scrubbing happen in the browser with no round trip. A click on the map
comes
back as exact coordinates and moves the start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile

import streamlit as st
import streamlit.components.v1 as components

import viz

_FILES = ("index.html", "player.js", "player.css", "inside.js")


def _build_dir() -> str:
    """The component's folder: the player's files and the plotly.js that the plotly package ships,
    copied once per version into a temporary folder (the package folders may be read-only)."""
    import plotly

    src = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
    h = hashlib.blake2b(plotly.__version__.encode())
    for name in _FILES:
        with open(os.path.join(viz.PLAYER_DIR, name), "rb") as fh:
            h.update(fh.read())
    out = os.path.join(tempfile.gettempdir(), f"optiscape-player-{h.hexdigest()[:12]}")
    if not os.path.exists(os.path.join(out, "plotly.min.js")):
        tmp = tempfile.mkdtemp(prefix="optiscape-player-")
        for name in _FILES:
            shutil.copy(os.path.join(viz.PLAYER_DIR, name), tmp)
        shutil.copy(src, tmp)
        try:
            os.replace(tmp, out)
        except OSError:  # another process made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return out


_component = components.declare_component("optiscape_map", path=_build_dir())


def replay_map(page: str, data: dict, *, key: str, clickable: bool = True) -> None:
    """Draw the player; with ``clickable``, a click on the map moves the page's start there (the
    next run
    draws it)."""
    value = _component(data={**data, "clickable": clickable}, key=key, default=None)
    if not clickable or not isinstance(value, dict):
        return
    click, cid = value.get("click"), value.get("id")
    seen = f"{key}:click_seen"
    if cid is None or st.session_state.get(seen) == cid:
        return
    st.session_state[seen] = cid
    try:
        x, y = (float(v) for v in click)
    except (TypeError, ValueError):
        return
    (x0, x1), (y0, y1) = data["bounds"][:2], data["bounds"][2:]
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        st.warning("That click was outside the map; the start is unchanged.")
        return
    st.session_state[f"{page}:start_next"] = (round(x, 4), round(y, 4))
    st.rerun()
