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
import hashlib
import io
import json
import os
import re
import tokenize

import numpy as np

from ._figures import _z_for_display

PLAYER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "player")
#: the methods whose step is exactly "momentum step + gradient step" (the notes' two forms)
DECOMPOSED = ("momentum", "nesterov")
# : each arrow in its optimizer's colour; the kinds differ by line style (the legend draws a sample
# of each)
ARROW_STYLES = {
    "step": {"label": "step taken (to scale)", "dash": "solid", "width": 3.5},
    "momentum": {"label": "momentum step μv (to scale)", "dash": "dash", "width": 2.5},
    "gradient": {
        "label": "gradient step −lr∇f where it is evaluated (to scale)",
        "dash": "dot",
        "width": 2.5,
    },
    "direction": {
        "label": "downhill direction −∇f (length not to scale)",
        "dash": "dot",
        "width": 1.5,
    },
    "lookahead": {"label": "look-ahead point x + μv (Nesterov takes ∇f there)"},
}


@dataclasses.dataclass(frozen=True, eq=False)
class ReplayPath:
    """One optimizer's replay: its points and losses, per-step arrows ``(steps, 4)`` as ``x0, y0,
    x1, y1``
    (NaN: not drawn at that step) and, optionally, its equation data."""

    label: str
    color: str
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    arrows: dict[str, np.ndarray]
    equation: dict | None = None


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
    table:
    slot ``s`` of step ``k`` is ``values[k, offset_s : offset_s + widths[s]]`` (a number, a vector
    or a 2x2
    matrix, row by row).

    ``trace`` is an :class:`optimizers.TextbookTrace` (the shown code executed step by step).
    Returns
    ``None`` when the code's assignments differ between steps (no fixed template)."""
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


def replay_data(
    scape,
    grid,
    paths: list[ReplayPath],
    *,
    title: str = "",
    height: int = 520,
    equations_closed: bool = False,
) -> dict:
    """Everything the player draws, JSON-able; ``rev`` changes exactly when the picture does. With
    ``equations_closed`` the equations start folded (a page with many paths and little room)."""
    xs, ys, z = grid
    zd, zlabel = _z_for_display(np.asarray(z), scape.log_z)
    zd = np.where(np.isfinite(zd), zd, np.nan)
    (x0, x1), (y0, y1) = scape.bounds
    surface = {
        "x": _b64(xs, "f4"),
        "y": _b64(ys, "f4"),
        "z": _b64(zd, "f4"),
        "nx": len(xs),
        "ny": len(ys),
        "zlabel": zlabel,
    }
    surface["key"] = hashlib.blake2b(
        json.dumps(surface, sort_keys=True).encode(), digest_size=8
    ).hexdigest()
    data = {
        "title": title,
        "height": int(height),
        "bounds": [float(x0), float(x1), float(y0), float(y1)],
        "surface": surface,
        "arrow_styles": ARROW_STYLES,
        "equations_closed": bool(equations_closed),
        "minima": [[float(m.x), float(m.y)] for m in scape.minima],
        "saddles": [[float(s.x), float(s.y)] for s in scape.saddles],
        "paths": [
            {
                "label": p.label,
                "color": p.color,
                "n": len(p.points) - 1,
                "xy": _b64(p.points, "f8"),
                "loss": _b64(p.losses, "f8"),
                "diverged_at": p.diverged_at,
                "arrows": {k: _b64(a, "f4") for k, a in p.arrows.items()},
                "eq": p.equation,
            }
            for p in paths
        ],
    }
    data["rev"] = hashlib.blake2b(
        json.dumps(data, sort_keys=True).encode(), digest_size=8
    ).hexdigest()
    return data


def _asset(name: str) -> str:
    with open(os.path.join(PLAYER_DIR, name), encoding="utf-8") as fh:
        return fh.read()


def replay_html(data: dict, *, title: str = "Optiscape replay") -> str:
    """A standalone page with plotly.js (once), the player and the data inlined: it opens offline
    and
    replays step by step exactly as the app does."""
    from plotly.offline import get_plotlyjs

    payload = json.dumps(data).replace("</", "<\\/")
    esc = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc}</title>\n<style>{_asset('player.css')}\nbody {{ margin: 16px; }}</style>\n"
        f"<script>{get_plotlyjs()}</script>\n<script>{_asset('player.js')}</script>\n</head>\n<body>\n"
        '<div id="root"></div>\n'
        f"<script>window.ospPlayer = new OptiscapePlayer(document.getElementById('root'), {{}});\n"
        f"window.ospPlayer.setData({payload});</script>\n</body>\n</html>\n"
    )


def scenario_equations(scn, oc, traj) -> dict | None:
    """The shown numpy code executed step by step on the engine's own gradients, rates and momenta
    (the gradient each step used, noise and clipping included), as the player's equation data."""
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
    return equation_data(optimizers.textbook_replay(traj, spec, dict(oc.hparams), hessian=hessian))


def scenario_replay(
    scn, trajs, labels, grid, *, title: str = "", height: int = 520, equations_closed: bool = False
) -> dict:
    """The player's data for every optimizer of a :class:`scenarios.Scenario` and its
    trajectories."""
    from ._data import paths_from  # the same colours as the page's other charts

    scape = scn.landscape()
    paths = [
        ReplayPath(
            label=p.label,
            color=p.color,
            points=p.points,
            losses=p.losses,
            diverged_at=p.diverged_at,
            arrows=step_arrows(t, oc.name, scape.extent),
            equation=scenario_equations(scn, oc, t),
        )
        for oc, t, p in zip(scn.optimizers, trajs, paths_from(trajs, labels), strict=True)
    ]
    return replay_data(
        scape, grid, paths, title=title, height=height, equations_closed=equations_closed
    )
