r"""The replay player's data: the surface, every path and, at every step, that step's arrows and its
update equation filled in with its numbers. Pure numpy in, a JSON-able dict out (see
``player/player.js``).

At shown step :math:`k` the map holds the path up to :math:`x_k` and the arrows of the next update
:math:`x_k \to x_{k+1}`:

* *step taken* :math:`x_{k+1} - x_k`, to scale;
* for the notes' Momentum and Nesterov, the two parts of that step, to scale: the *momentum step*
  :math:`\mu v_k` from :math:`x_k` and the *gradient step* :math:`-\alpha_k \nabla f` from the point
  where the
  method evaluates the gradient (:math:`x_k` for momentum, the look-ahead point :math:`x_k + \mu
  v_k` for
  Nesterov, drawn as a diamond), so the two arrows add up to the step, as the notes draw them;
* for every other method, the downhill direction :math:`-\nabla f / |\nabla f|` at that point (a
  fixed
  fraction of the box: its length is not to scale, and the legend says so).

Every arrow has its optimizer's colour; the kinds differ by line style.

The gradient is the one the method used (noise and clipping included).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import io
import json
import os
import re
import tokenize
import zlib

import numpy as np

from i18n import N_, gettext_for

from ._figures import _z_for_display

PLAYER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "player")
#: plotly.js's cartesian bundle (MIT licence, ``player/vendor/``), as npm's
#: ``plotly.js-cartesian-dist-min`` ships it; the player loads it when its version is the one the
#: plotly package ships (else the full bundle)
PLOTLY_CARTESIAN = os.path.join(PLAYER_DIR, "vendor", "plotly-cartesian.min.js")
#: the trace types the player may draw (all in the cartesian bundle): its map and the charts
PLAYER_TRACE_TYPES = frozenset({"scatter", "contour", "heatmap", "bar"})


def plotly_js_version(path: str) -> str | None:
    """The version in a plotly.js bundle's header comment (``* plotly.js ... v4.1.1``), or None."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(400)
    except OSError:
        return None
    m = re.search(r"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)", head)
    return m.group(1) if m else None


@functools.cache
def player_plotly_js() -> tuple[str, str]:
    """``(path, file name)`` of the plotly.js the player loads (in the app and in an HTML export):
    the cartesian bundle (1.5 MB, every type of :data:`PLAYER_TRACE_TYPES`; a third of the full
    bundle's bytes and parse time) when it is the plotly.js version the plotly package ships, else
    the package's full bundle (4.8 MB). The name carries the version (a proxy may cache the file
    for good)."""
    import plotly

    full = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
    version = plotly_js_version(full)
    if version and plotly_js_version(PLOTLY_CARTESIAN) == version:
        return PLOTLY_CARTESIAN, f"plotly-cartesian-{version}.min.js"
    return full, f"plotly-{plotly.__version__}.min.js"


#: the methods whose step is exactly "momentum step + gradient step" (the notes' two forms)
DECOMPOSED = ("momentum", "nesterov")
# : each arrow in its optimizer's colour; the kinds differ by line style (the legend draws a sample
# of each)
ARROW_STYLES = {
    "step": {"label": N_("step taken (to scale)"), "dash": "solid", "width": 3.5},
    "momentum": {"label": N_("momentum step μv (to scale)"), "dash": "dash", "width": 2.5},
    "gradient": {
        "label": N_("gradient step −lr∇f where it is evaluated (to scale)"),
        "dash": "dot",
        "width": 2.5,
    },
    "direction": {
        "label": N_("downhill direction −∇f (length not to scale)"),
        "dash": "dot",
        "width": 1.5,
    },
    "lookahead": {"label": N_("look-ahead point x + μv (Nesterov takes ∇f there)")},
}


@dataclasses.dataclass(frozen=True, eq=False)
class ReplayPath:
    """One optimizer's replay: its points and losses, and what the browser computes each step's
    arrows from (:func:`step_arrows` is the same rule in numpy): the gradient each step used
    ``(steps, 2)``, where it was taken ``(steps, 2)`` and each step's learning rate; ``method`` is
    the optimizer's name (the notes' Momentum and Nesterov draw their two parts), and optionally
    its equation data."""

    label: str
    color: str
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    method: str
    eval_points: np.ndarray
    eval_grads: np.ndarray
    lrs: np.ndarray
    equation: dict | None = None
    inside: dict | None = None  # the optimizer's state per step (viz/_inside.py, player/inside.js)


def _b64(a: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<" + dtype).tobytes()).decode()


def step_arrows(traj, method: str, extent: float) -> dict[str, np.ndarray]:
    """Arrows of every update ``k -> k+1`` (see the module docstring). Arrays are ``(steps, 4)``."""
    pts = np.asarray(traj.points, float)
    n = len(pts) - 1
    x = pts[:-1]
    step = pts[1:] - x
    ep = np.asarray(traj.eval_points, float)[:n]
    g = np.asarray(traj.eval_grads, float)[:n]
    live = np.ones(n, bool)
    if traj.diverged_at is not None:
        live[max(traj.diverged_at - 1, 0) :] = False  # frozen: no update is drawn after divergence
    out = {}
    nan = np.full((n, 4), np.nan)
    if method in DECOMPOSED:
        gstep = -np.asarray(traj.lrs, float)[:n, None] * g
        mom = step - gstep  # = mu * v_k: the step is exactly the sum of the two
        out["momentum"] = np.where(live[:, None], np.hstack([x, x + mom]), nan)
        out["gradient"] = np.where(live[:, None], np.hstack([ep, ep + gstep]), nan)
        if method == "nesterov":
            out["lookahead"] = np.where(live[:, None], np.hstack([x, ep]), nan)
    else:
        norm = np.linalg.norm(g, axis=1, keepdims=True)
        ok = live & (norm[:, 0] > 1e-12)  # at a stationary point the direction means nothing
        d = -g / np.where(norm > 0, norm, 1.0) * 0.08 * extent
        out["direction"] = np.where(ok[:, None], np.hstack([ep, ep + d]), nan)
    out["step"] = np.where(live[:, None], np.hstack([x, x + step]), nan)
    for a in out.values():  # arrows too short to see are not drawn (no stray arrowheads)
        a[np.hypot(a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]) < 1e-9 * max(extent, 1e-300)] = np.nan
    return out


def _value(v) -> np.ndarray | None:
    """A number, a 2-vector or a 2x2 matrix (Newton's H), flattened; anything else is not shown."""
    a = np.asarray(v, dtype=float).ravel() if not callable(v) else None
    return a if a is not None and a.size in (1, 2, 4) else None


_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*([-+*/]?=)\s*(.*)$")


def _template(source: str, slot_of: dict[str, int], result: int) -> list:
    """``"v = momentum * v - learning_rate * dx"`` -> ``["v = ", 3, " * ", 4, " - ", 5, " * ", 6, "
    = ", 7]``."""
    m = _ASSIGN.match(source)
    if m is None:
        return [source, " → ", result]
    target, op, rhs = m.groups()
    parts: list = []
    pos, prev = 0, ""
    for tok in tokenize.generate_tokens(io.StringIO(rhs).readline):
        if tok.type == tokenize.NAME and tok.string in slot_of and prev != ".":
            parts += [rhs[pos : tok.start[1]], slot_of[tok.string]]
            pos = tok.end[1]
        if tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            prev = tok.string
    parts.append(rhs[pos:])
    if op != "=":
        before = slot_of.get(target)
        simple = (
            re.fullmatch(r"-?[A-Za-z_]\w*", rhs.strip()) is not None
        )  # "x += v": no brackets needed
        parts = [
            before if before is not None else target,
            f" {op[0]} " + ("" if simple else "("),
            *parts,
            "" if simple else ")",
        ]
    parts = [f"{target} = ", *parts, " = ", result]
    return [p.replace("np.", "") if isinstance(p, str) else p for p in parts]


def equation_data(trace) -> dict | None:
    """The shown code's assignments at every step, as templates plus a ``(steps, width)`` value
    table: slot ``s`` of step ``k`` is ``values[k, offset_s : offset_s + widths[s]]`` (a number, a
    vector or a 2x2 matrix, row by row).

    ``trace`` is an :class:`optimizers.TextbookTrace` (the shown code executed step by step).
    Returns ``None`` when the code's assignments differ between steps (no fixed template)."""
    steps = trace.lines
    if not steps:
        return None
    shape = [(ln.source, ln.target, tuple(n for n, _ in ln.reads)) for ln in steps[0]]
    lines, slots, widths = [], [], []  # slots: (line index, name read or None for the result)
    for i, (src, _target, _reads) in enumerate(shape):
        slot_of = {}
        for name, v in steps[0][i].reads:
            a = _value(v)
            if a is not None:
                slot_of[name] = len(slots)
                slots.append((i, name))
                widths.append(a.size)
        result = len(slots)
        slots.append((i, None))
        a = _value(steps[0][i].value)
        widths.append(a.size if a is not None else 1)
        lines.append({"code": src, "parts": _template(src, slot_of, result)})
    offsets = np.concatenate([[0], np.cumsum(widths)])
    vals = np.full((len(steps), int(offsets[-1])), np.nan)
    for t, step in enumerate(steps):
        if [(ln.source, ln.target, tuple(n for n, _ in ln.reads)) for ln in step] != shape:
            return None
        for s, (i, name) in enumerate(slots):
            ln = step[i]
            a = _value(ln.value if name is None else dict(ln.reads)[name])
            if a is not None and a.size == widths[s]:
                vals[t, offsets[s] : offsets[s + 1]] = a
    return {"lines": lines, "values": _b64(vals, "f4"), "widths": widths}


def _f8(a) -> str:
    return _b64(np.asarray(a, float), "f8")


def replay_data(
    scape,
    grid,
    paths: list[ReplayPath],
    *,
    title: str = "",
    height: int = 520,
    equations_closed: bool = False,
    lang: str = "en",
) -> dict:
    """Everything the player draws, JSON-able (arrays as base64 little-endian floats); the
    browser gets it packed (:func:`pack`). With ``equations_closed`` the equations start folded (a
    page with many paths and little room). The title and the arrows' names are in ``lang``."""
    tr = gettext_for(lang)
    xs, ys, z = grid
    zd, zlabel = _z_for_display(np.asarray(z), scape.log_z)
    zd = np.where(np.isfinite(zd), zd, np.nan)
    (x0, x1), (y0, y1) = scape.bounds
    return {
        "title": tr(title) if title else "",
        "height": int(height),
        "bounds": [float(x0), float(x1), float(y0), float(y1)],
        "extent": float(scape.extent),
        "surface": {
            "x": _b64(xs, "f4"),
            "y": _b64(ys, "f4"),
            "z": _b64(zd, "f4"),
            "nx": len(xs),
            "ny": len(ys),
            "zlabel": zlabel,
        },
        "arrow_styles": {k: {**v, "label": tr(v["label"])} for k, v in ARROW_STYLES.items()},
        "equations_closed": bool(equations_closed),
        "minima": [[float(m.x), float(m.y)] for m in scape.minima],
        "saddles": [[float(s.x), float(s.y)] for s in scape.saddles],
        "paths": [path_data(p) for p in paths],
    }


def path_data(p: ReplayPath) -> dict:
    """One path of :func:`replay_data`."""
    return {
        "label": p.label,
        "color": p.color,
        "n": len(p.points) - 1,
        "xy": _f8(p.points),
        "loss": _f8(p.losses),
        "diverged_at": p.diverged_at,
        "method": p.method,
        "eval_points": _f8(p.eval_points),
        "eval_grads": _f8(p.eval_grads),
        "lrs": _f8(p.lrs),
        "eq": p.equation,
        "inside": p.inside,
    }


# --- the packed form the browser gets -------------------------------------------------------------
#
# Numbers travel as float32 columns. A column that is constant, or equal to an earlier column
# shifted by at most one step (``v`` read at step k+1 is ``v`` written at step k; ``dx`` is the
# gradient; ``x`` is the path), is sent as a reference; the remaining columns are byte-shuffled
# (all first bytes, then all second bytes...) and deflated (zlib), one blob per path and one for
# the surface. A blob's id is its content hash, so the browser keeps what it has and a page sends
# only the blobs that changed.


def _arr(s: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), "<" + dtype)


def _num(v: float) -> float | None:
    return None if not np.isfinite(v) else float(v)


def pack_columns(cols: list[np.ndarray]) -> tuple[list, dict, bytes]:
    """``cols`` (1-D arrays) as float32 -> ``(specs, shape, blob)``. Spec of column ``i``:
    ``["r", j, len]`` (row ``j`` of the blob), ``["c", value, len]`` (constant; ``None`` is NaN)
    or ``["s", i2, off, fill, len]`` (``out[k] = col_i2[k + off]``, ``fill`` where that is out of
    range)."""
    raw: list[np.ndarray] = []
    where: list[int | None] = []  # column -> raw row (None: not raw)
    specs: list = []
    bits: list[np.ndarray] = []
    for c in cols:
        c = np.ascontiguousarray(c, dtype="<f4").ravel()
        b = c.view("<u4")
        bits.append(b)
        n = len(c)
        if n == 0 or (b == b[0]).all():
            specs.append(["c", _num(c[0]) if n else None, n])
            where.append(None)
            continue
        found = None
        for i2, b2 in enumerate(bits[:-1]):
            if where[i2] is None and specs[i2][0] != "s":
                continue
            for off in (0, 1, -1):
                lo, hi = max(0, -off), min(n, len(b2) - off)
                if hi - lo < n - 1 or hi <= lo:
                    continue
                if np.array_equal(b[lo:hi], b2[lo + off : hi + off]):
                    rest = np.r_[b[:lo], b[hi:]]
                    if len(rest) == 0 or (rest == rest[0]).all():
                        fill = c[0] if lo > 0 else c[-1]
                        found = ["s", i2, off, _num(fill) if len(rest) else None, n]
                        break
            if found:
                break
        if found:
            specs.append(found)
            where.append(None)
        else:
            specs.append(["r", len(raw), n])
            where.append(len(raw))
            raw.append(c)
    L = max((len(c) for c in raw), default=0)
    m = np.full((len(raw), L), np.nan, "<f4")
    for j, c in enumerate(raw):
        m[j, : len(c)] = c
    shuffled = m.view(np.uint8).reshape(-1, 4).T.tobytes()
    return specs, {"rows": len(raw), "len": L}, zlib.compress(shuffled, 6)


def unpack_columns(specs: list, shape: dict, blob: bytes) -> list[np.ndarray]:
    """The inverse of :func:`pack_columns` (float32 columns)."""
    R, L = shape["rows"], shape["len"]
    u8 = np.frombuffer(zlib.decompress(blob), np.uint8).reshape(4, R * L).T.copy()
    m = u8.view("<f4").reshape(R, L)
    out: list[np.ndarray] = []
    for sp in specs:
        kind, n = sp[0], sp[-1]
        if kind == "r":
            out.append(m[sp[1], :n])
        elif kind == "c":
            out.append(np.full(n, np.nan if sp[1] is None else sp[1], "<f4"))
        else:
            src, off = out[sp[1]], sp[2]
            fill = np.nan if sp[3] is None else sp[3]
            o = np.full(n, fill, "<f4")
            lo, hi = max(0, -off), min(n, len(src) - off)
            o[lo:hi] = src[lo + off : hi + off]
            out.append(o)
    return out


PATH_COLUMNS = ("x", "y", "loss", "gx", "gy", "ex", "ey", "lr")


def _digits(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of at most 4 significant digits as ``(m, e)`` with ``v = m * 10**e``, ``m`` an
    integer of at most 4 digits: exact in float32 and far smaller once deflated than the floats."""
    a = np.abs(v)
    ok = np.isfinite(v) & (a > 0)
    e = np.zeros_like(v)
    e[ok] = np.floor(np.log10(a[ok])) - 3
    m = np.where(ok, np.round(v / 10.0**e), np.where(np.isfinite(v), 0.0, np.nan))
    return m, e


def pack_path(p: dict) -> tuple[dict, bytes]:
    """One path of :func:`replay_data` -> its manifest entry and its blob."""
    xy = _arr(p["xy"], "f8").reshape(-1, 2)
    ep = _arr(p["eval_points"], "f8").reshape(-1, 2)
    g = _arr(p["eval_grads"], "f8").reshape(-1, 2)
    cols = [xy[:, 0], xy[:, 1], _arr(p["loss"], "f8"), g[:, 0], g[:, 1], ep[:, 0], ep[:, 1]]
    cols.append(_arr(p["lrs"], "f8"))
    eq = p["eq"]
    meta = {k: p[k] for k in ("label", "color", "n", "diverged_at", "method")}
    if eq is not None:
        W = sum(eq["widths"])
        vals = _arr(eq["values"], "f4").reshape(-1, W)
        cols += [vals[:, j] for j in range(W)]
        meta["eq"] = {"lines": eq["lines"], "widths": eq["widths"], "rows": len(vals)}
    else:
        meta["eq"] = None
    ins = p.get("inside")
    if ins is not None:  # the state per step: w columns per quantity, read back by the player
        qs = []
        for q in ins["q"]:
            v = np.array([np.nan if x is None else x for x in q["v"]], float).reshape(-1, q["w"])
            qs.append({"key": q["key"], "label": q["label"], "w": q["w"], "at": len(cols)})
            for j in range(q["w"]):
                cols += list(_digits(v[:, j]))
        meta["inside"] = {"M": ins["M"], "G": ins["G"], "q": qs}
    else:
        meta["inside"] = None
    specs, shape, blob = pack_columns(cols)
    meta["cols"], meta["shape"] = specs, shape
    meta["blob"] = hashlib.blake2b(blob, digest_size=8).hexdigest()
    return meta, blob


def pack_surface(s: dict) -> tuple[dict, bytes]:
    """The surface of :func:`replay_data` -> its manifest entry and its blob."""
    specs, shape, blob = pack_columns([_arr(s["x"], "f4"), _arr(s["y"], "f4"), _arr(s["z"], "f4")])
    sid = hashlib.blake2b(blob, digest_size=8).hexdigest()
    meta = {"blob": sid, "cols": specs, "shape": shape, "nx": s["nx"], "ny": s["ny"]}
    meta["zlabel"] = s["zlabel"]
    return meta, blob


def pack(
    data: dict,
    *,
    packed_paths: list[tuple[dict, bytes]] | None = None,
    surface: tuple[dict, bytes] | None = None,
) -> tuple[dict, dict[str, bytes]]:
    """:func:`replay_data` -> ``(manifest, blobs)``: the manifest is small JSON that names its
    blobs by content hash; ``rev`` changes exactly when the picture does. ``packed_paths`` and
    ``surface``: already packed parts (a cache's)."""
    smeta, sblob = surface or pack_surface(data["surface"])
    blobs = {smeta["blob"]: sblob}
    paths = []
    for meta, blob in packed_paths or [pack_path(p) for p in data["paths"]]:
        blobs[meta["blob"]] = blob
        paths.append(meta)
    manifest = {k: v for k, v in data.items() if k not in ("surface", "paths")}
    manifest.update(surface=smeta, paths=paths)
    manifest["rev"] = hashlib.blake2b(
        json.dumps(manifest, sort_keys=True).encode(), digest_size=8
    ).hexdigest()
    return manifest, blobs


#: arrays longer than this leave a chart's JSON and travel as packed columns
CHART_INLINE_MAX = 16


def _values(v) -> np.ndarray | None:
    """A trace attribute as a 1-D float array if it is a list of numbers (plain, numpy, or
    plotly.py's typed-array form ``{"dtype", "bdata"}``), else None."""
    if isinstance(v, dict) and set(v) >= {"dtype", "bdata"} and "shape" not in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"]).astype(float)
    if isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype.kind in "biuf":
        return v.astype(float)
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, (int, float)) for x in v):
        return np.asarray(v, float)
    return None


def _json_blob(obj) -> tuple[str, bytes]:
    from plotly.io.json import to_json_plotly

    blob = zlib.compress(to_json_plotly(obj).encode(), 6)
    return hashlib.blake2b(blob, digest_size=8).hexdigest(), blob


def pack_figure(fig) -> tuple[dict, dict[str, bytes]]:
    """A line chart (``go.Figure``, e.g. :func:`viz.curves_figure`'s) -> ``(entry, blobs)`` for the
    player's charts: its JSON without the long arrays is one blob, and each trace's long ``x`` and
    ``y`` (as float32 columns, :func:`pack_columns`) another; all named by content hash, so an
    update sends only the traces that changed. ``entry["key"]`` changes exactly when the picture
    does (the browser redraws a chart only then). An ``x`` that is ``0, 1, 2, ...`` travels as its
    length."""
    d = fig.to_plotly_json()
    data, traces, blobs = [], [], {}
    for i, t in enumerate(d["data"]):
        t = dict(t)
        if t.get("type", "scatter") not in PLAYER_TRACE_TYPES:
            raise ValueError(f"the player cannot draw a {t.get('type')!r} trace")
        cols, names, ref = [], [], {"i": i}
        for k in ("x", "y"):
            v = _values(t.get(k))
            if v is None or len(v) <= CHART_INLINE_MAX:
                continue
            del t[k]
            if k == "x" and np.array_equal(v, np.arange(len(v))):
                ref["range"] = len(v)
                continue
            cols.append(v)
            names.append(k)
        data.append(t)
        if not cols and "range" not in ref:
            continue
        if cols:
            specs, shape, blob = pack_columns(cols)
            bid = hashlib.blake2b(blob, digest_size=8).hexdigest()
            blobs[bid] = blob
            ref.update(blob=bid, cols=specs, shape=shape, keys=names)
        traces.append(ref)
    fid, fblob = _json_blob({"data": data, "layout": d["layout"]})
    blobs[fid] = fblob
    entry = {"fig": fid, "traces": traces}
    entry["key"] = hashlib.blake2b(
        json.dumps(entry, sort_keys=True).encode(), digest_size=8
    ).hexdigest()
    return entry, blobs


def unpack_figure(entry: dict, blobs: dict[str, bytes]) -> dict:
    """The inverse of :func:`pack_figure` (arrays as float32): the figure's JSON (for tests)."""
    fig = json.loads(zlib.decompress(blobs[entry["fig"]]))
    for ref in entry["traces"]:
        t = fig["data"][ref["i"]]
        if "range" in ref:
            t["x"] = np.arange(ref["range"], dtype=float)
        if "blob" in ref:
            cols = unpack_columns(ref["cols"], ref["shape"], blobs[ref["blob"]])
            t.update(zip(ref["keys"], cols, strict=True))
    return fig


def _asset(name: str) -> str:
    with open(os.path.join(PLAYER_DIR, name), encoding="utf-8") as fh:
        return fh.read()


def _plotly_text() -> str:
    """The player's plotly.js (:func:`player_plotly_js`), for inlining."""
    with open(player_plotly_js()[0], encoding="utf-8") as fh:
        return fh.read()


def replay_html(data: dict, *, title: str = "Optiscape replay") -> str:
    """A standalone page with plotly.js (once), the player and the data (packed, as the app sends
    it) inlined: it opens offline and replays step by step exactly as the app does."""
    manifest, blobs = pack(data)
    b64 = {k: base64.b64encode(v).decode() for k, v in blobs.items()}
    payload = json.dumps(manifest).replace("</", "<\\/")
    packed = json.dumps(b64)
    esc = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc}</title>\n<style>{_asset('player.css')}\nbody {{ margin: 16px; }}</style>\n"
        f"<script>{_plotly_text()}</script>\n<script>{_asset('player.js')}</script>\n"
        f"<script>{_asset('inside.js')}</script>\n</head>\n"
        '<body>\n<div id="root"></div>\n'
        "<script>window.ospPlayer = new OptiscapePlayer(document.getElementById('root'), {});\n"
        f"OptiscapePlayer.fromBase64({packed});\n"
        f"window.ospPlayer.setPacked({payload});</script>\n</body>\n</html>\n"
    )


def scenario_equations(scn, oc, traj) -> dict | None:
    """The shown numpy code executed step by step on the engine's own gradients, rates and momenta
    (the gradient each step used, noise and clipping included), as the player's equation data."""
    trace = scenario_trace(scn, oc, traj)
    return None if trace is None else equation_data(trace)


def scenario_trace(scn, oc, traj):
    """The shown code retraced on the run (:func:`optimizers.textbook_replay`), or ``None``."""
    import optimizers

    spec = optimizers.get(oc.name)
    if traj.steps == 0 or traj.diverged_at in (0, 1):
        return None
    hessian = None
    if spec.needs_hessian:  # every step's Hessian at once; the code asks for one per step, in order
        import jax

        hs = iter(
            np.asarray(jax.vmap(jax.hessian(scn.landscape().f))(np.asarray(traj.points[:-1])))
        )
        hessian = lambda point: next(hs)
    return optimizers.textbook_replay(traj, spec, dict(oc.hparams), hessian=hessian)


def replay_path(scn, oc, traj, label: str, color: str) -> ReplayPath:
    """One optimizer's :class:`ReplayPath` (its equations and its state per step retraced on the
    engine's numbers, once)."""
    from ._inside import inside_data, inside_payload

    trace = scenario_trace(scn, oc, traj)
    return ReplayPath(
        label=label,
        color=color,
        points=traj.points,
        losses=traj.losses,
        diverged_at=traj.diverged_at,
        method=oc.name,
        eval_points=traj.eval_points,
        eval_grads=traj.eval_grads,
        lrs=traj.lrs,
        equation=None if trace is None else equation_data(trace),
        inside=None if trace is None else inside_payload(inside_data(trace, oc.name)),
    )


def scenario_replay(
    scn,
    trajs,
    labels,
    grid,
    *,
    title: str = "",
    height: int = 520,
    equations_closed: bool = False,
    lang: str = "en",
) -> dict:
    """The player's data for every optimizer of a :class:`scenarios.Scenario` and its
    trajectories (its words in ``lang``)."""
    from ._data import paths_from  # the same colours as the page's other charts

    paths = [
        replay_path(scn, oc, t, p.label, p.color)
        for oc, t, p in zip(scn.optimizers, trajs, paths_from(trajs, labels), strict=True)
    ]
    return replay_data(
        scn.landscape(),
        grid,
        paths,
        title=title,
        height=height,
        equations_closed=equations_closed,
        lang=lang,
    )
