r"""Inside the optimizer: its state at every step, and the curvature the path crosses.

Data objects first, figures second. The state comes from the shown numpy code retraced on the
engine's own gradients (:func:`optimizers.textbook_replay`), so every number is what those lines
compute: the velocity and :math:`|v|`; Adam's :math:`m, v`, the bias-correction factors
:math:`1/(1-\beta_1^t)`, :math:`1/(1-\beta_2^t)`, :math:`\hat m, \hat v`; AdaGrad's and RMSprop's
accumulator; the per-coordinate effective learning rate :math:`\alpha_t/(\sqrt{G_t}+\epsilon)`;
Newton's Hessian eigenvalues. Each optimizer is named in the notes' unified form

.. math:: \Delta\theta_t = -\frac{\alpha_t}{\sqrt{G_t+\epsilon}} M_t,
   \quad G_t = \psi(g_1, \dots, g_t),\ M_t = \phi(g_1, \dots, g_t).

The curvature (:func:`curvature_at`, :func:`sharpness`) is the surface's Hessian by ``jax``.

References: Kingma & Ba 2015 (Adam); Duchi et al. 2011 (AdaGrad); Cohen et al. 2021 (sharpness
and the 2/lr line, "edge of stability"); Goh 2017, "Why momentum really works" (Distill).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

import astlock
from i18n import N_, gettext_for

from ._figures import make_figure

#: the notes' unified form, per optimizer: (M_t, G_t); plain text, read by the panel and the player
UNIFIED: dict[str, tuple[str, str]] = {
    "sgd": ("g_t", N_("1 with ε = 0 (no scaling)")),
    "momentum": (N_("−v_t/α_t = Σ_s μ^(t−s) (α_s/α_t) g_s (the velocity)"), N_("1 with ε = 0")),
    "nesterov": (
        N_("−v_t/α_t = Σ_s μ^(t−s) (α_s/α_t) ∇f(x_s + μ v_(s−1)) (gradients at the look-ahead)"),
        N_("1 with ε = 0"),
    ),
    "nesterov_rewritten": (N_("g_t + μ v_t with v_t = μ v_(t−1) + g_t"), N_("1 with ε = 0")),
    "momentum_ema": ("v_t = β v_(t−1) + (1−β) g_t", N_("1 with ε = 0")),
    "momentum_pytorch": ("v_t = μ v_(t−1) + g_t", N_("1 with ε = 0")),
    "adagrad": ("g_t", N_("Σ_(s≤t) g_s² (the accumulator `cache`; ε outside the root)")),
    "adagrad_optax": ("g_t", N_("G_0 + Σ_(s≤t) g_s² (the accumulator `cache`, ε inside the root)")),
    "rmsprop": ("g_t", N_("ρ G_(t−1) + (1−ρ) g_t² (the accumulator `cache`; ε outside the root)")),
    "rmsprop_centered": ("g_t", N_("E[g²]_t − E[g]_t² (`cache − mean²`; ε outside the root)")),
    "adam": ("m̂_t = m_t/(1−β1^t)", N_("v̂_t = v_t/(1−β2^t) (ε outside the root)")),
    "adam_nobias": (N_("m_t (no bias correction)"), N_("v_t (no bias correction)")),
    "adamw": (N_("m̂_t, plus the decoupled decay −α λ x outside the form"), "v̂_t"),
    "adamax": ("m_t/(1−β1^t)", N_("u_t² with u_t = max(β2 u_(t−1), |g_t| + ε)")),
    "nadam": ("β1 m_t/(1−β1^(t+1)) + (1−β1) g_t/(1−β1^t)", "v̂_t = v_t/(1−β2^t)"),
    "amsgrad": ("m̂_t", "max_(s≤t) v̂_s (`v_max`)"),
    "adadelta": ("g_t", N_("E[g²]_t, with α_t √(E[Δx²]_(t−1) + ε) in place of the rate")),
    "lion": (N_("sign(β1 m_(t−1) + (1−β1) g_t), plus decoupled decay"), N_("1 with ε = 0")),
    "sign_sgd": ("sign(g_t)", N_("1 with ε = 0")),
    "newton": (
        N_("not of this form: the step is −α (H + λI)⁻¹ g_t, a full-matrix preconditioner"),
        N_("— (the Hessian H replaces the per-coordinate √G_t)"),
    ),
    "sam": (
        N_("g_t taken at x_t + ρ g/|g| (the perturbed point), applied at x_t"),
        N_("1 with ε = 0"),
    ),
    "schedule_free_sgd": (
        N_("g_t taken at y_t, applied to z; x_t is the running average of z"),
        "1",
    ),
    "schedule_free_adamw": (
        N_("g_t taken at y_t, applied to z; x_t is the running average of z"),
        "v̂_t = v_t/(1−β2^t)",
    ),
    "prodigy": (
        N_("m_t = β1 m_(t−1) + (1−β1) d_t g_t, times the estimate d_t"),
        N_("v_t = β2 v_(t−1) + (1−β2) d_t² g_t² (ε scaled by d_t)"),
    ),
    "adopt": (
        N_("m_t = β1 m_(t−1) + (1−β1) g_t / max(√v_(t−1), ε): normalised by the previous v"),
        N_("1 (the normalisation is inside M_t)"),
    ),
    "ademamix": (N_("m̂1_t + α m2_t (a fast and a slow average of g)"), "v̂_t = v_t/(1−β2^t)"),
    "qhm": (N_("(1−ν) g_t + ν b_t with b_t = β b_(t−1) + (1−β) g_t"), N_("1 with ε = 0")),
    "radam": (N_("r_t m̂_t once ρ_t ≥ 5, m̂_t before"), N_("v̂_t once ρ_t ≥ 5, 1 before")),
    "lookahead": (
        N_("g_t (the fast weights); every k steps x ← slow + α (x − slow)"),
        N_("1 with ε = 0"),
    ),
}

#: the per-coordinate effective learning rate (the factor in front of M_t), in the code's names
EFFECTIVE_LR: dict[str, str] = {
    "adagrad": "learning_rate / (np.sqrt(cache) + eps)",
    "adagrad_optax": "learning_rate / np.sqrt(cache + eps)",
    "rmsprop": "learning_rate / (np.sqrt(cache) + eps)",
    "rmsprop_centered": "learning_rate / (np.sqrt(cache - mean**2) + eps)",
    "adam": "learning_rate / (np.sqrt(v_hat) + eps)",
    "adamw": "learning_rate / (np.sqrt(v_hat) + eps)",
    "nadam": "learning_rate / (np.sqrt(v_hat) + eps)",
    "adam_nobias": "learning_rate / (np.sqrt(v) + eps)",
    "amsgrad": "learning_rate / (np.sqrt(v_max) + eps)",
    "adamax": "learning_rate / u",
}

#: what each state variable of the shown code is, by optimizer family
_STATE_NAMES = {
    "m": N_("first moment m"),
    "v": N_("velocity v"),
    "m_hat": "m̂ = m/(1−β1^t)",
    "v_hat": "v̂ = v/(1−β2^t)",
    "v_max": N_("v_max (largest v̂ so far)"),
    "u": N_("u (infinity norm)"),
    "cache": N_("accumulator cache"),
    "mean": N_("mean of g"),
    "eg": "E[g²]",
    "ex": "E[Δx²]",
    "d": "Δx/α",
    "c": N_("sign argument c"),
    "x_ahead": N_("look-ahead x + μv"),
    "dx_ahead": N_("gradient at the look-ahead"),
}
_ON_THE_MAP = ("x_ahead", "dx_ahead")  # drawn on the map and in the equations already
_SECOND_MOMENT = ("adam", "adam_nobias", "adamw", "nadam", "amsgrad")


@dataclasses.dataclass(frozen=True, eq=False)
class Quantity:
    """One recorded quantity: ``values[t-1]`` at update ``t`` (``(n,)`` or ``(n, 2)``)."""

    key: str
    label: str
    values: np.ndarray
    log: bool = False  # drawn on a log axis (positive by construction)


@dataclasses.dataclass(frozen=True, eq=False)
class InsideData:
    """One optimizer's state over the run, its unified form and the sentences the panel says."""

    label: str
    color: str
    name: str
    quantities: tuple[Quantity, ...]
    unified: tuple[str, str]
    notes: tuple[str, ...]

    def get(self, key: str) -> Quantity | None:
        return next((q for q in self.quantities if q.key == key), None)

    @property
    def steps(self) -> int:
        return len(self.quantities[0].values) if self.quantities else 0


def _eval(expr: str, ns: dict):
    from optimizers._textbook import _check
    from optimizers._textbook import _eval as run

    node = astlock.parse(expr, mode="eval").body
    _check(node, "<effective learning rate>")
    return run(node, {"np": np, **ns})


def _namespace(step) -> dict:
    """The values a step's code saw: hyperparameters as read, state variables after the step."""
    ns: dict = {}
    for ln in step:
        for k, v in ln.reads:
            ns.setdefault(k, v)
        ns[ln.target] = ln.value
    return ns


def inside_data(trace, name: str, *, label: str = "", color: str = "#0072B2") -> InsideData:
    """The state of optimizer ``name`` at every update of a :class:`optimizers.TextbookTrace`."""
    steps = [_namespace(s) for s in trace.lines]
    n = len(steps)
    quantities: list[Quantity] = []

    def add(key, lbl, fn, log=False):
        try:
            vals = np.array([np.asarray(fn(ns), dtype=float) for ns in steps])
        except (KeyError, ValueError, TypeError, ZeroDivisionError):
            return
        if n and (vals.shape == (n,) or vals.shape == (n, 2)):
            quantities.append(Quantity(key, lbl, vals, log))

    for var, lbl in _STATE_NAMES.items():
        if n and var in steps[0] and np.size(steps[0][var]) == 2:
            if var == "v" and name in _SECOND_MOMENT:
                lbl = N_("second moment v")
            add(
                var,
                lbl,
                lambda ns, var=var: ns[var],
                log=var in ("cache", "v_hat", "v_max") or (var == "v" and name in _SECOND_MOMENT),
            )
    if n and "v" in steps[0] and name not in _SECOND_MOMENT:
        add("speed", "|v|", lambda ns: np.linalg.norm(ns["v"]))
    if n and ("m_hat" in steps[0] or name == "adamax"):
        add("bc1", "1/(1−β1^t)", lambda ns: 1.0 / (1.0 - ns["b1"] ** ns["t"]), True)
    if n and ("v_hat" in steps[0] or name == "amsgrad"):
        add("bc2", "1/(1−β2^t)", lambda ns: 1.0 / (1.0 - ns["b2"] ** ns["t"]), True)
    if name in EFFECTIVE_LR:
        add("eff_lr", N_("α/(√G+ε) per coordinate"), lambda ns: _eval(EFFECTIVE_LR[name], ns), True)
    if n and "H" in steps[0]:
        add("hess_eig", N_("Hessian eigenvalues λ1 ≤ λ2"), lambda ns: np.linalg.eigvalsh(ns["H"]))
        add(
            "newton_eig",
            N_("eigenvalues of H + λI"),
            lambda ns: np.linalg.eigvalsh(ns["H"] + ns["damping"] * np.eye(2)),
        )
    data = InsideData(label, color, name, tuple(quantities), UNIFIED.get(name, ("?", "?")), ())
    return dataclasses.replace(data, notes=inside_notes(data))


def inside_notes(d: InsideData, lang: str = "en") -> tuple[str, ...]:
    """The panel's sentences about a run, each computed from its numbers (in ``lang``)."""
    _ = gettext_for(lang)
    out = []
    eff = d.get("eff_lr")
    if eff is not None and d.steps >= 2:
        first, last = eff.values[0], eff.values[-1]
        ratio = last / first
        rises = int(np.sum(np.any(np.diff(eff.values, axis=0) > 0, axis=1)))
        span = _("from ({a}, {b}) at update 1 to ({c}, {d}) at update {n}").format(
            a=_fmt(first[0]), b=_fmt(first[1]), c=_fmt(last[0]), d=_fmt(last[1]), n=d.steps
        )
        if d.name in ("adagrad", "adagrad_optax"):
            out.append(
                _(
                    "AdaGrad's accumulator only grows, so its effective learning rate only falls "
                    "(it rose at {rises} of {n} updates): {span}, {px}% and {py}% of where it "
                    "started. That is why AdaGrad stalls: the steps shrink even where the slope "
                    "does not."
                ).format(
                    rises=rises,
                    n=d.steps - 1,
                    span=span,
                    px=_fmt(100 * ratio[0]),
                    py=_fmt(100 * ratio[1]),
                )
            )
        else:
            out.append(
                _(
                    "The effective learning rate went {span}; it rose at {rises} of {n} updates"
                ).format(span=span, rises=rises, n=d.steps - 1)
                + (
                    _(
                        " (an average of squared gradients forgets old ones, so, unlike "
                        "AdaGrad's sum, it can shrink and the rate rise again)."
                    )
                    if rises
                    else _(".")
                )
            )
    eig, damped = d.get("hess_eig"), d.get("newton_eig")
    if eig is not None and damped is not None and d.steps:
        neg = int(np.sum(eig.values[:, 0] < 0))
        neg_damped = int(np.sum(damped.values[:, 0] < 0))
        out.append(
            _(
                "The Hessian had a negative eigenvalue at {neg} of {n} updates, H + λI (the "
                "matrix Newton's code solves with) at {damped}"
            ).format(neg=neg, n=d.steps, damped=neg_damped)
            + (
                _(
                    ": there the step −lr (H + λI)⁻¹g heads for the saddle or maximum of the "
                    "damped quadratic model, uphill along that eigendirection."
                )
                if neg_damped
                else _(".")
            )
        )
    return tuple(out)


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    return f"{v:.4g}"


def _round(a: np.ndarray) -> list:
    """Four significant digits, as the player shows them; non-finite as None."""
    flat = np.asarray(a, dtype=float).ravel()
    return [float(f"{v:.4g}") if math.isfinite(v) else None for v in flat]


def inside_payload(d: InsideData) -> dict:
    """The player's per-step data: each quantity as one flat array of numbers (row per update)."""
    return {
        "M": d.unified[0],
        "G": d.unified[1],
        "q": [
            {
                "key": q.key,
                "label": q.label,
                "w": 1 if q.values.ndim == 1 else 2,
                "v": _round(q.values),
            }
            for q in d.quantities
            if q.key not in _ON_THE_MAP
        ],
    }


# --- curvature ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Curvature:
    r"""The surface at a point: :math:`f`, :math:`g`, :math:`H`, its eigen-decomposition, what the
    point looks like, and the local quadratic model :math:`m(d) = f + g^\top d + \tfrac12 d^\top H
    d` whose stationary point :math:`d = -H^{-1} g` is the undamped Newton step."""

    point: np.ndarray
    f: float
    grad: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray  # ascending
    eigenvectors: np.ndarray  # columns
    kind: str  # "bowl", "cap", "saddle", "flat"
    newton_step: np.ndarray | None  # None when H is singular

    def model(self, d) -> float:
        d = np.asarray(d, dtype=float)
        return float(self.f + self.grad @ d + 0.5 * d @ self.hessian @ d)

    def sentence(self, lang: str = "en") -> str:
        _ = gettext_for(lang)
        l1, l2 = self.eigenvalues
        what, if_zero = {
            "bowl": (
                N_("both eigenvalues are positive: the surface curves up in every direction here"),
                N_(" (a minimum, if the gradient were zero)"),
            ),
            "cap": (
                N_(
                    "both eigenvalues are negative: the surface curves down in every direction here"
                ),
                N_(" (a maximum, if the gradient were zero)"),
            ),
            "saddle": (
                N_(
                    "the eigenvalues have opposite signs: up along one eigendirection, down along "
                    "the other"
                ),
                N_(" (a saddle, if the gradient were zero)"),
            ),
            "flat": (
                N_(
                    "an eigenvalue is (nearly) zero: the surface is flat along that direction to "
                    "second order"
                ),
                "",
            ),
        }[self.kind]
        if np.linalg.norm(self.grad) <= 1e-9 * max(1.0, abs(self.f)):
            what = _(what) + _(" — and the gradient is zero: a stationary point")
        else:
            what = _(what) + (_(if_zero) if if_zero else "")
        s = _("Hessian eigenvalues {a} and {b}: {what}.").format(a=_fmt(l1), b=_fmt(l2), what=what)
        if self.newton_step is not None:
            minmax = {
                "bowl": N_("the minimum"),
                "cap": N_("the maximum"),
                "saddle": N_("the saddle"),
            }.get(self.kind, N_("the stationary point"))
            s += _(
                " Newton's step −H⁻¹g = ({x}, {y}) goes to {where} of this quadratic model."
            ).format(x=_fmt(self.newton_step[0]), y=_fmt(self.newton_step[1]), where=_(minmax))
        return s


def classify(eigenvalues, tol: float = 1e-8) -> str:
    """``"bowl"``, ``"cap"``, ``"saddle"`` or ``"flat"`` from two Hessian eigenvalues."""
    l1, l2 = sorted(float(v) for v in eigenvalues)
    scale = max(abs(l1), abs(l2), 1e-300)
    if min(abs(l1), abs(l2)) <= tol * scale or scale < 1e-12:
        return "flat"
    if l1 > 0:
        return "bowl"
    if l2 < 0:
        return "cap"
    return "saddle"


def _hessians(scape, points) -> np.ndarray:
    import jax

    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    return np.asarray(jax.vmap(jax.hessian(scape.f))(pts), dtype=float)


def curvature_at(scape, point) -> Curvature:
    """The Hessian, its eigen-decomposition and the Newton model at ``point``."""
    import jax

    p = np.asarray(point, dtype=float).reshape(2)
    h = _hessians(scape, p[None])[0]
    h = 0.5 * (h + h.T)
    if not np.all(np.isfinite(h)):
        raise ValueError(f"the Hessian is not finite at ({p[0]:.4g}, {p[1]:.4g})")
    w, v = np.linalg.eigh(h)
    g = np.asarray(jax.grad(scape.f)(p), dtype=float)
    kind = classify(w)
    step = None if kind == "flat" else -np.linalg.solve(h, g)
    return Curvature(p, float(scape.f(p)), g, h, w, v, kind, step)


@dataclasses.dataclass(frozen=True, eq=False)
class Sharpness:
    """Largest Hessian eigenvalue at each point of a path and the stability line ``2/lr``."""

    label: str
    color: str
    sharpness: np.ndarray  # (steps+1,)
    limit: np.ndarray  # (steps,) 2 / lr_t
    above: int  # updates whose sharpness at x_t exceeded 2/lr_t

    def sentence(self, lang: str = "en") -> str:
        _ = gettext_for(lang)
        n = len(self.limit)
        s = _("{label}: the sharpness exceeded 2/lr at {k} of {n} updates").format(
            label=self.label, k=self.above, n=n
        )
        if self.above:
            return s + _(
                ". There a gradient step on the local quadratic model overshoots along the "
                "sharpest direction (|1 − lr·λ_max| > 1)."
            )
        return s + _(".")


def sharpness(scape, traj, *, label: str = "", color: str = "#0072B2") -> Sharpness:
    """The sharpness along ``traj``'s points (up to a divergence) against ``2 / lr``."""
    n = traj.steps if traj.diverged_at is None else max(traj.diverged_at - 1, 0)
    pts = np.asarray(traj.points, dtype=float)[: n + 1]
    h = _hessians(scape, pts)
    ok = np.all(np.isfinite(h), axis=(1, 2))
    lam = np.full(len(pts), np.nan)
    if ok.any():
        lam[ok] = np.linalg.eigvalsh(h[ok])[:, -1]
    lrs = np.asarray(traj.lrs, dtype=float)[:n]
    with np.errstate(divide="ignore"):
        limit = np.where(lrs > 0, 2.0 / np.where(lrs > 0, lrs, 1.0), np.inf)
    return Sharpness(label, color, lam, limit, int(np.sum(lam[:n] > limit)))


# --- figures --------------------------------------------------------------------------------------


_GROUPS = (
    (N_("moments"), ("v", "m", "m_hat", "mean", "c", "d", "x_ahead", "dx_ahead"), False),
    (N_("accumulator"), ("cache", "v_hat", "v_max", "u", "eg", "ex"), True),
    ("|v|", ("speed",), False),
    (N_("bias correction"), ("bc1", "bc2"), True),
    (N_("effective learning rate"), ("eff_lr",), True),
    (N_("Hessian eigenvalues"), ("hess_eig", "newton_eig"), False),
)


def inside_figure(
    d: InsideData, *, height_per_row: int = 190, step: int | None = None, lang: str = "en"
) -> object:
    """The quantities of one run as curves over the updates, one panel per kind; coordinates x, y
    solid and dashed. ``step`` marks the replayed step; words in ``lang``."""
    _ = gettext_for(lang)
    rows = []
    for title, keys, log in _GROUPS:
        qs = [d.get(k) for k in keys if d.get(k) is not None]
        if d.name in _SECOND_MOMENT and title == "moments":
            qs = [q for q in qs if q.key != "v"]
            if d.get("v") is not None:
                rows.append(("second moment v", [d.get("v")], True))
        if qs:
            rows.append((title, qs, log and all(q.log for q in qs)))
    data, layout = [], {}
    n = max(len(rows), 1)
    gap = 0.08 / max(n - 1, 1) if n > 1 else 0
    h = (1 - gap * (n - 1)) / n
    t = np.arange(1, d.steps + 1)
    dashes = ("solid", "dash")
    for i, (title, qs, log) in enumerate(rows):
        ax = "" if i == 0 else str(i + 1)
        top = 1 - i * (h + gap)
        layout[f"yaxis{ax}"] = {
            "domain": [max(0.0, round(top - h, 6)), min(1.0, round(top, 6))],
            "title": {"text": _(title), "font": {"size": 12}},
            "type": "log" if log else "linear",
            "anchor": f"x{ax}",
        }
        layout[f"xaxis{ax}"] = {
            "domain": [0, 1],
            "anchor": f"y{ax}",
            "matches": "x" if i else None,
            "showticklabels": i == n - 1,
            "title": {"text": _("update t")} if i == n - 1 else None,
        }
        for j, q in enumerate(qs):
            vals = q.values if q.values.ndim == 2 else q.values[:, None]
            for c in range(vals.shape[1]):
                name = _(q.label) + ((" (x)", " (y)")[c] if vals.shape[1] == 2 else "")
                if q.key == "hess_eig":
                    name = f"H: λ{c + 1}"
                elif q.key == "newton_eig":
                    name = _("H + λI: eigenvalue {k}").format(k=c + 1)
                data.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "x": t,
                        "y": vals[:, c],
                        "name": name,
                        "xaxis": f"x{ax}",
                        "yaxis": f"y{ax}",
                        "line": {
                            "dash": dashes[c],
                            "width": 2,
                            "color": _PANEL_COLORS[j % len(_PANEL_COLORS)],
                        },
                    }
                )
    shapes = []
    if step is not None and d.steps:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": step + 1,
                "x1": step + 1,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#888", "dash": "dot"},
            }
        )
    layout.update(
        title={"text": _("{label}: x solid, y dashed").format(label=d.label)},
        height=max(260, height_per_row * n + 110),
        showlegend=True,
        shapes=shapes,
        legend={"orientation": "h", "y": -0.12 if n > 1 else -0.3, "x": 0},
        margin={"l": 70, "r": 20, "t": 50, "b": 60},
    )
    return make_figure(data, layout)


_PANEL_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")


def sharpness_figure(items: list[Sharpness], *, height: int = 320, lang: str = "en") -> object:
    """Sharpness (largest Hessian eigenvalue) along each path against its 2/lr stability line; the
    axis follows the sharpness, and a line far above it is named with its value instead."""
    _ = gettext_for(lang)
    data, top, bottom = [], 0.0, 0.0
    for s in items:
        if len(s.sharpness):
            top = max(top, float(np.max(s.sharpness)))
            bottom = min(bottom, float(np.min(s.sharpness)))
    hi = 1.4 * top if top > 0 else 1.0
    for s in items:
        t = np.arange(len(s.sharpness))
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": t,
                "y": s.sharpness,
                "name": f"{s.label}: λ_max(H)",
                "line": {"color": s.color, "width": 2.5},
            }
        )
        lim = np.where(np.isfinite(s.limit), s.limit, np.nan)
        name = f"{s.label}: 2/lr"
        if len(lim) and np.nanmin(lim) > hi:
            name += _(" = {v} (above the chart)").format(v=_fmt(float(np.nanmin(lim))))
        elif len(lim) and np.nanmax(lim) < 2.5 * hi:
            hi = max(hi, 1.1 * float(np.nanmax(lim)))
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": t[:-1],
                "y": lim,
                "name": name,
                "line": {"color": s.color, "dash": "dash"},
            }
        )
    return make_figure(
        data,
        {
            "title": {"text": _("sharpness along the path vs the stability line 2/lr")},
            "height": height,
            "xaxis": {"title": {"text": _("step")}},
            "yaxis": {
                "title": {"text": _("λ_max of the Hessian")},
                "range": [1.1 * bottom if bottom < 0 else 0.0, hi],
            },
            "legend": {"orientation": "h", "y": -0.25, "x": 0},
        },
    )


def curvature_figure(c: Curvature, *, radius: float, n: int = 41, lang: str = "en") -> object:
    """The local quadratic model around ``c.point`` (contours), its eigendirections and the
    Newton step; words in ``lang``."""
    _ = gettext_for(lang)
    if c.newton_step is not None:  # widen the view to show the model's stationary point
        radius = min(max(radius, 1.15 * float(np.max(np.abs(c.newton_step)))), 4 * radius)
    s = np.linspace(-radius, radius, n)
    gx, gy = np.meshgrid(s, s)
    d = np.stack([gx, gy], -1)
    z = c.f + d @ c.grad + 0.5 * np.einsum("...i,ij,...j->...", d, c.hessian, d)
    x0, y0 = c.point
    data = [
        {
            "type": "contour",
            "x": x0 + s,
            "y": y0 + s,
            "z": z,
            "colorscale": "RdBu",
            "reversescale": True,
            "ncontours": 20,
            "showscale": False,
            "hoverinfo": "skip",
            "name": _("quadratic model"),
        }
    ]
    for k in range(2):
        v = c.eigenvectors[:, k] * radius * 0.8
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [x0 - v[0], x0 + v[0]],
                "y": [y0 - v[1], y0 + v[1]],
                "name": _("eigendirection λ{k} = {v}").format(k=k + 1, v=_fmt(c.eigenvalues[k])),
                "line": {"color": ("#009E73", "#CC79A7")[k], "width": 3},
            }
        )
    if c.newton_step is not None and np.all(np.abs(c.newton_step) <= radius):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Newton step −H⁻¹g"),
                "x": [x0, x0 + c.newton_step[0]],
                "y": [y0, y0 + c.newton_step[1]],
                "line": {"color": "black", "width": 2},
                "marker": {"symbol": ["circle", "arrow"], "angleref": "previous", "size": 10},
            }
        )
    return make_figure(
        data,
        {
            "title": {
                "text": _("local quadratic model at ({x}, {y})").format(x=_fmt(x0), y=_fmt(y0))
            },
            "height": 440,
            "width": 560,
            "xaxis": {"range": [x0 - radius, x0 + radius], "title": {"text": "x"}},
            "yaxis": {
                "range": [y0 - radius, y0 + radius],
                "title": {"text": "y"},
                "scaleanchor": "x",
            },
            "legend": {"orientation": "h", "y": -0.2, "x": 0},
        },
    )
