"""The map on Playground and Compare: the replay player (``viz/player``) as a Streamlit component.

The component lives across reruns (a stable key): new data restyles it in place, zoom and pan
survive, and stepping, playing and scrubbing happen in the browser with no round trip. A click on
the map comes back as exact coordinates and moves the start.

What travels: a small manifest on every run, and only the blobs (surface, one per path; named by
content hash, see ``viz._replay.pack``) that this session's map has not been sent yet; a map that
lacks one (a reload, a new page visit) asks for it by id. Plotly is the bundle Streamlit's own
charts load (one download, cached for good), so the map adds no second copy.
"""

from __future__ import annotations

import collections
import hashlib
import os
import shutil
import tempfile

import streamlit as st
import streamlit.components.v1 as components

import viz
from i18n import N_
from viz import _replay as viz_replay

from ._controls import KEEP
from ._i18n import _, lang

_FILES = ("index.html", "player.js", "player.css", "inside.js", "present.css")
SENT_MAX = 48  # blobs remembered as sent per map (the browser keeps 64)


def _build_dir() -> str:
    """The component's folder: the player's files and its plotly.js (``viz.player_plotly_js``),
    copied once per version into a temporary folder (the package folders may be read-only); the
    page's line charts use the same plotly.js (``charts`` of :func:`replay_map`)."""
    src, js = viz.player_plotly_js()
    h = hashlib.blake2b(js.encode())
    for name in _FILES:
        with open(os.path.join(viz.PLAYER_DIR, name), "rb") as fh:
            h.update(fh.read())
    out = os.path.join(tempfile.gettempdir(), f"optiscape-player-{h.hexdigest()[:12]}")
    if not os.path.exists(os.path.join(out, js)):
        tmp = tempfile.mkdtemp(prefix="optiscape-player-")
        for name in _FILES:
            shutil.copy(os.path.join(viz.PLAYER_DIR, name), tmp)
        with open(os.path.join(tmp, "index.html"), encoding="utf-8") as fh:
            page = fh.read().replace('"plotly.min.js"', f'"{js}"')
        with open(os.path.join(tmp, "index.html"), "w", encoding="utf-8") as fh:
            fh.write(page)
        shutil.copy(src, os.path.join(tmp, js))
        try:
            os.replace(tmp, out)
        except OSError:  # another process made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return out


_component = components.declare_component("optiscape_map", path=_build_dir())


def _registered():
    """The map component, registered with the running server. Streamlit registers a component
    only when it is declared inside a script run; a server that imported ``ui`` before it started
    (``deploy/serve.py``'s warm-up) would otherwise answer 404 for the component's files, and every
    map would be an error box."""
    from streamlit import runtime

    if runtime.exists():
        registry = runtime.get_instance().component_registry
        if registry.get_component_path(_component.name) is None:
            registry.register_component(_component)
    return _component


_RECENT: collections.OrderedDict[str, bytes] = collections.OrderedDict()  # id -> blob, any session


def blob(bid: str) -> bytes | None:
    """A blob this process sent recently, by id (for tests and debugging)."""
    return _RECENT.get(bid)


def _sent(key: str) -> collections.OrderedDict:
    return st.session_state.setdefault(f"{key}:sent", collections.OrderedDict())


def _args(key: str, packed: tuple[dict, dict[str, bytes]], clickable: bool) -> tuple[dict, bytes]:
    """The manifest and the bytes of the blobs this session's map has not been sent (or asked
    for again)."""
    manifest, blobs = packed
    sent = _sent(key)
    value = st.session_state.get(key)
    if isinstance(value, dict) and value.get("need") and value.get("id") != sent.get(":need"):
        sent[":need"] = value.get("id")
        for bid in value["need"]:
            sent.pop(bid, None)
    inline, parts, at = {}, [], 0
    for bid, blob in blobs.items():
        _RECENT[bid] = blob
        _RECENT.move_to_end(bid)
        if bid in sent:
            sent.move_to_end(bid)
            continue
        inline[bid] = [at, len(blob)]
        parts.append(blob)
        at += len(blob)
        sent[bid] = True
    while len(_RECENT) > 4 * SENT_MAX:
        _RECENT.popitem(last=False)
    while len(sent) > SENT_MAX:
        sent.popitem(last=False)
    return {**manifest, "clickable": clickable, "inline": inline}, b"".join(parts)


def player_labels(payload: dict) -> dict | None:
    """The player's own words in the page's language (``viz/player``'s ``LABELS``; None in
    English, the player's defaults), and ``terms``: the data's words (arrow labels, the inside
    panel's quantities and unified forms) translated."""
    if lang() == "en":
        return None
    words = [s["label"] for s in payload.get("arrow_styles", {}).values()] + list(INSIDE_WORDS)
    for p in payload.get("paths", ()):
        ins = p.get("inside") or {}
        words += [ins.get("M", ""), ins.get("G", "")] + [q["label"] for q in ins.get("q", ())]
    terms = {w: _(w) for w in words if w and _(w) != w}
    return {
        "first": _("first step (Home)"),
        "back": _("◀ step"),
        "backTitle": _("step back (←)"),
        "play": _("▶ Play"),
        "pause": _("❚❚ Pause"),
        "playTitle": _("play / pause (space)"),
        "forward": _("step ▶"),
        "forwardTitle": _("step forward (→)"),
        "last": _("last step (End)"),
        "slider": _("step"),
        "speed": _("speed "),
        "speedTitle": _("steps per second"),
        "perSecond": _("{s} steps/s"),
        "stepOf": _("step {k} / {n}"),
        "equations": _("This step’s update, filled in with its numbers"),
        "minimum": _("minimum"),
        "saddle": _("saddle"),
        "hoverStep": _("step %{pointNumber}"),
        "divergedMark": _("diverged (step {k})"),
        "divergedLegend": _(" (diverged at step {k})"),
        "cardHead": _("{label} — step {m}: f = {f}"),
        "nextStep": _(", next step |Δx| = {dx}"),
        "cardSub": _("update {u} (from step {k} to {u}), as the code computes it:"),
        "divergedCard": _(
            "diverged at step {k}: the iterate ran off (to infinity, or far outside the map); "
            "the path is frozen at its last point before that"
        ),
        "ended": _("the run ends here"),
        "terms": terms,
    }


#: inside.js's own words (translated through the player's ``terms``)
INSIDE_WORDS = (
    N_("Inside the optimizer at this step"),
    N_(" — update {u} (step {k} → {u})"),
    N_("Δθ_t = −α_t / √(G_t + ε) · M_t   with M_t = {M};  G_t = {G}"),
    N_("no state: each step uses only this step’s gradient"),
    N_("no update from this step: the run ended (or diverged) before it"),
    N_("quantity"),
    # the arrows' legend (viz._replay.ARROW_STYLES)
    N_("step taken (to scale)"),
    N_("momentum step μv (to scale)"),
    N_("gradient step −lr∇f where it is evaluated (to scale)"),
    N_("downhill direction −∇f (length not to scale)"),
    N_("look-ahead point x + μv (Nesterov takes ∇f there)"),
)


def _with_charts(packed: tuple[dict, dict[str, bytes]], charts, columns: int):
    """The map's manifest and blobs with the page's line charts (figures, packed by
    ``viz._replay.pack_figure``) added: ``charts: {cols, items}``."""
    manifest, blobs = packed
    blobs, items = dict(blobs), []
    for fig in charts:
        entry, more = viz_replay.pack_figure(fig)
        items.append(entry)
        blobs.update(more)
    return {**manifest, "charts": {"cols": int(columns), "items": items}}, blobs


def replay_map(
    page: str,
    payload: dict,
    *,
    key: str,
    clickable: bool = True,
    present: float = 0,
    charts: list | None = None,
    chart_columns: int = 1,
    table: list[dict[str, str]] | None = None,
) -> None:
    """Draw the player for ``payload`` (``ui.replay_payload``'s, or any ``viz.replay_data``); with
    ``clickable``, a click on the map moves the page's start there (the next run draws it);
    ``present`` (1.5 or 2) draws it in presentation mode at that scale. ``charts``: the page's line
    charts (``go.Figure``s), drawn below the map in ``chart_columns`` columns by the same plotly.js
    (a page with no ``st.plotly_chart`` never loads Streamlit's copy of it), each redrawn only when
    its content changed; the figures stay the fallback for exports. ``table``: the page's summary
    rows (column -> text, as for ``st.table``), drawn under the charts as a plain HTML table (an
    ``st.table`` cost the page's renderer ~10-40 ms per update)."""
    packed = getattr(payload, "packed", None) or viz_replay.pack(payload)
    if charts:
        packed = _with_charts(packed, charts, chart_columns)
    data, blob_bytes = _args(key, packed, clickable)
    data["present"] = {"scale": float(present)} if present else None
    if table:
        columns = list(table[0])
        data["table"] = {"columns": columns, "rows": [[str(r[c]) for c in columns] for r in table]}
    labels = player_labels(payload)
    value = _registered()(data=data, blobs=blob_bytes, labels=labels, key=key, default=None)
    if not clickable or not isinstance(value, dict) or value.get("click") is None:
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
        st.warning(_("That click was outside the map; the start is unchanged."))
        return
    st.session_state[f"{page}:start_next"] = (round(x, 4), round(y, 4))
    st.rerun()


#: the page's chrome in presentation mode: no sidebar, no header bar, the whole width for the map
_PRESENT_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.8rem 1.2rem 2rem !important;
  max-width: 100% !important; }
[data-testid="stTable"] table { font-size: 1.35rem; }
</style>"""


def presentation_toggles(page: str) -> dict[str, str]:
    """The page's presentation flags in its link (``present=1``, ``big=1`` for 2x text) and their
    widget keys, for :func:`ui.init_page` and :func:`ui.sync_url`."""
    return {"present": f"{page}:present", "big": f"{page}:present_big"}


def presentation(page: str, *, bind: str | None = None) -> float:
    """The presentation-mode switch (and its text size) at the top of a page; returns the scale the
    page draws at: 0 (off), 1.5 or 2. On, the sidebar and header are hidden. With ``bind`` (a lesson
    page's :data:`ui.LINK`) the switches are in the link by their keys."""
    keys = presentation_toggles(page)
    keep = {"bind": bind} if bind else {"persist_state": KEEP}
    c1, c2 = st.columns(2)
    on = c1.toggle(
        _("Presentation mode"),
        key=keys["present"],
        **keep,
        help=_(
            "for a projector: the map as large as the window allows with equal aspect, larger "
            "text and lines, the settings folded away (in the link as present=1)"
        ),
    )
    if not on:
        return 0.0
    big = c2.toggle(_("text 2x (else 1.5x)"), key=keys["big"], **keep)
    st.html(_PRESENT_CSS)
    return 2.0 if big else 1.5


def present_figure(fig, scale: float):
    """A page's chart at the presentation scale: text and lines larger, the legend beside it."""
    if not scale:
        return fig
    fig.update_layout(font=dict(size=13 * scale), title=dict(font=dict(size=15 * scale)))
    fig.update_traces(line=dict(width=2 * scale), selector=dict(type="scatter", mode="lines"))
    m = fig.layout.margin
    fig.update_layout(
        margin=dict(l=(m.l or 60) * scale, t=(m.t or 40) * scale, b=40 * scale, r=20),
        # beside it (paper-referenced: the charts' own legend on top is container-referenced)
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top", yref="paper"),
    )
    return fig
