r"""What a preset claims, as data that is checked on the engine's own trajectories.

A :class:`Claim` names a predicate (``kind``) over one or two of a scenario's optimizers (``a``,
``b``: an index into ``scenario.optimizers`` or an optimizer name that is unique in it) and a few
numbers. It writes its own sentence (what the page shows) and evaluates itself on real runs:
``evaluate(trajectories, scenario) -> (holds, evidence)``, where the evidence quotes the numbers.
A claim with a ``variant`` is about a changed scenario (no noise, another batch size, another
learning rate...): it runs that scenario itself, so "what if" sentences are checked too.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

from i18n import N_, gettext_for
from optimizers import _schedules

from ._scenario import OptimizerConfig, Scenario

Ref = int | str
TOL = 1e-3
LATE = 0.2  # "late in the run": the last fifth of the steps
MOVE_EPS = 1e-9  # steps shorter than this (times the surface's extent) do not count as reversals


@dataclasses.dataclass(frozen=True)
class Claim:
    """One checkable sentence about a scenario. ``at``/``other`` index ``landscape.minima``."""

    kind: str
    a: Ref | None = None
    b: Ref | None = None
    lo: float | None = None
    hi: float | None = None
    at: int | None = None
    other: int | None = None
    within: int | None = None
    variant: tuple[tuple[str, Any], ...] = ()
    tol: float = TOL

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown claim kind {self.kind!r}; choose one of {', '.join(sorted(KINDS))}"
            )

    def scenario_for(self, scenario: Scenario) -> Scenario:
        """The scenario the claim is about: ``scenario`` with the claim's variant applied."""
        return apply_variant(scenario, self.variant)

    def sentence(self, scenario: Scenario, lang: str = "en") -> str:
        """What the claim says, in ``lang`` (``"en"``, ``"zh"``)."""
        scn = self.scenario_for(scenario)
        text = KINDS[self.kind][0](_Ctx(self, scn, None, lang=lang))
        if self.variant:
            first, _, rest = text.partition(" ")
            if first in _LOWER:
                text = f"{first.lower()} {rest}"
            text = gettext_for(lang)(N_("With {variant}: {text}")).format(
                variant=variant_text(scenario, self.variant, lang), text=text
            )
        return text

    def evaluate(
        self, trajectories: Sequence[Any] | None, scenario: Scenario, lang: str = "en"
    ) -> tuple[bool, str]:
        """Check the claim on ``trajectories`` (the runs of ``scenario``; a variant runs its
        own); the evidence is written in ``lang``."""
        scn = self.scenario_for(scenario)
        if self.variant or trajectories is None:
            trajectories = scn.run()
        holds, evidence = KINDS[self.kind][1](_Ctx(self, scn, list(trajectories), lang=lang))
        return bool(holds), evidence


# --- variants ------------------------------------------------------------------------------------

_LOWER = {
    "The",
    "Every",
    "In",
    "On",
    "At",
    "Late",
    "All",
}  # sentence starts written in lower case after "With ...:"
_WORDS = {
    "noise_std": N_("gradient noise sigma {}"),
    "batch_size": N_("batch size {}"),
    "steps": N_("steps {}"),
    "seed": N_("seed {}"),
    "clip_norm": N_("gradient clipping at norm {}"),
}


def apply_variant(scn: Scenario, variant: tuple[tuple[str, Any], ...]) -> Scenario:
    """``scn`` with changes: ``"surface.<param>"``, ``"opt<i>.<lr|schedule|clip_norm>"`` or a
    Scenario field."""
    if not variant:
        return scn
    kw: dict[str, Any] = {}
    sp = dict(scn.surface_params)
    opts = list(scn.optimizers)
    for key, val in variant:
        if key.startswith("surface."):
            sp[key.partition(".")[2]] = float(val)
        elif key.startswith("opt"):
            idx, _, field = key[3:].partition(".")
            o = opts[int(idx)]
            args: dict[str, Any] = {
                "lr": o.lr,
                "clip_norm": o.clip_norm,
                "schedule": o.schedule,
                "schedule_args": dict(o.schedule_args),
            }
            args[field] = val
            if field == "schedule":
                args["schedule_args"] = None
            opts[int(idx)] = OptimizerConfig.make(o.name, **args, **dict(o.hparams))
        else:
            kw[key] = val
    return dataclasses.replace(
        scn, surface_params=tuple(sorted(sp.items())), optimizers=tuple(opts), **kw
    )


def variant_text(scn: Scenario, variant: tuple[tuple[str, Any], ...], lang: str = "en") -> str:
    """The changes of ``variant`` in words, in ``lang``."""
    _ = gettext_for(lang)
    parts = []
    for key, val in variant:
        if key.startswith("surface."):
            name = key.partition(".")[2]
            spec = scn.landscape().params.get(name)
            label = _(spec.label) if spec is not None and spec.label else name
            parts.append(f"{label} = {val:g}")
        elif key.startswith("opt"):
            idx, _sep, field = key[3:].partition(".")
            who = scn.optimizers[int(idx)].label_in(lang)
            if field == "schedule":
                title = _(_schedules.get_schedule(val).title)
                parts.append(
                    _(N_("{who} switched to a {schedule} schedule")).format(
                        who=who, schedule=title.lower()
                    )
                )
            elif field == "lr":
                parts.append(_(N_("learning rate {}")).format(f"{val:g}"))
            else:
                parts.append(f"{field.replace('_', ' ')} {val:g}")
        elif key == "noise_std" and float(val) == 0:
            parts.append(_(N_("no gradient noise")))
        elif key in _WORDS:
            parts.append(_(_WORDS[key]).format(f"{val:g}"))
        else:
            parts.append(f"{key.replace('_', ' ')} {val:g}")
    return _(N_(", ")).join(parts)


# --- measurements on a trajectory -----------------------------------------------------------------


def steps_to_tol(losses, f_star, tol=TOL) -> int | None:
    hit = np.nonzero(np.asarray(losses) - f_star < tol)[0]
    return int(hit[0]) if hit.size else None


def path_length(points) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def reversals(traj, extent: float = 1.0) -> int:
    """How often the step turns back (consecutive steps at more than 90 degrees): zig-zag and
    oscillation."""
    u = np.asarray(traj.updates)
    n = np.linalg.norm(u, axis=1)
    moving = (n[:-1] > MOVE_EPS * extent) & (n[1:] > MOVE_EPS * extent)
    return int(((np.sum(u[:-1] * u[1:], axis=1) < 0) & moving).sum())


def late_spread(traj, frac: float = LATE) -> float:
    """Radius of the region the iterate rattles in during the last ``frac`` of the run."""
    pts = np.asarray(traj.points)
    late = pts[math.floor((1 - frac) * (len(pts) - 1)) :]
    return float(np.linalg.norm(late - late.mean(axis=0), axis=1).max())


def late_motion(traj, frac: float = 0.5) -> float:
    """Distance travelled in the last ``frac`` of the run."""
    pts = np.asarray(traj.points)
    return path_length(pts[math.floor((1 - frac) * (len(pts) - 1)) :])


def overshoot(traj, target) -> float:
    r"""How far the path goes past ``target`` along the line from the start to it: :math:`\max_k
    (x_k - x^*)\cdot d`."""
    pts = np.asarray(traj.points)
    d = np.asarray(target) - pts[0]
    d = d / max(np.linalg.norm(d), 1e-300)
    return float(max(0.0, np.max((pts - np.asarray(target)) @ d)))


def step_ratios(traj, lr: float) -> np.ndarray:
    """Each step's largest coordinate divided by the base learning rate."""
    return np.abs(np.asarray(traj.updates)).max(axis=1) / lr


def hessian_eigs(scape, xy) -> tuple[np.ndarray, np.ndarray]:
    h = np.asarray(jax.hessian(scape.f)(np.asarray(xy, dtype=float)))
    return np.linalg.eigh(0.5 * (h + h.T))


def basin(scape, xy) -> int:
    mins = np.array([m.xy for m in scape.minima])
    return int(np.linalg.norm(mins - np.asarray(xy), axis=1).argmin())


# --- the predicates
# ----------------------------------------------------------------------------------


def _g(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3g}"


def _xy(p) -> str:
    """A point for a sentence: 3 significant digits, round-off below 1e-9 written as 0."""
    return "(" + ", ".join(_g(0.0 if abs(float(v)) < 1e-9 else float(v)) for v in p) + ")"


@dataclasses.dataclass
class _Ctx:
    claim: Claim
    scn: Scenario
    trajs: list | None
    _scape: Any = None
    lang: str = "en"

    def tr(self, text: str) -> str:
        """``text`` (a catalog msgid) in the sentence's language."""
        return gettext_for(self.lang)(text)

    @property
    def scape(self):
        if self._scape is None:
            self._scape = self.scn.landscape()
        return self._scape

    def idx(self, ref: Ref | None) -> int:
        if isinstance(ref, int):
            if not 0 <= ref < len(self.scn.optimizers):
                raise IndexError(
                    f"claim refers to optimizer {ref}, the scenario has {len(self.scn.optimizers)}"
                )
            return ref
        hits = [i for i, o in enumerate(self.scn.optimizers) if o.name == ref]
        if len(hits) != 1:
            raise LookupError(
                f"claim refers to {ref!r}, which the scenario has {len(hits)} times; use an index"
            )
        return hits[0]

    def name(self, ref: Ref | None) -> str:
        return self.scn.optimizers[self.idx(ref)].label_in(self.lang)

    @property
    def A(self) -> str:
        return self.name(self.claim.a)

    @property
    def B(self) -> str:
        return self.name(self.claim.b)

    def t(self, ref: Ref | None):
        return self.trajs[self.idx(ref)]

    def lr(self, ref: Ref | None) -> float:
        return self.scn.optimizers[self.idx(ref)].lr

    @property
    def f_star(self) -> float:
        fs = self.scape.f_star
        return fs if fs is not None else min(float(t.losses.min()) for t in self.trajs)

    def minimum(self, i: int | None):
        return self.scape.minima[0 if i is None else i]

    def where(self, i: int | None) -> str:
        return _xy(self.minimum(i).xy)

    def tol_steps(self, ref) -> int | None:
        return steps_to_tol(self.t(ref).losses, self.f_star, self.claim.tol)

    def range_text(self) -> str:
        lo, hi = self.claim.lo, self.claim.hi
        if lo is not None and hi is not None:
            return self.tr(N_("between {lo} and {hi}")).format(lo=f"{lo:g}", hi=f"{hi:g}")
        if lo is not None:
            return self.tr(N_("at least {lo}")).format(lo=f"{lo:g}")
        return self.tr(N_("at most {hi}")).format(hi=f"{hi:g}")

    def step_text(self, k: int | None) -> str:
        return _step_text(k, self.lang)

    def in_range(self, v: float) -> bool:
        lo, hi = self.claim.lo, self.claim.hi
        return (lo is None or v >= lo) and (hi is None or v <= hi)


def _escape_step(c: _Ctx, ref) -> int | None:
    from viz._data import saddle_escape  # the same rule as the Compare table's column

    t = c.t(ref)
    return saddle_escape(c.scape, t.points, t.losses)[1]


def _earlier(x: int | None, y: int | None) -> bool:
    return x is not None and (y is None or x < y)


def _step_text(k: int | None, lang: str = "en") -> str:
    _ = gettext_for(lang)
    return _(N_("never")) if k is None else _(N_("at step {k}")).format(k=k)


def _cmp(
    sentence: str,
    measure: Callable[[_Ctx, Ref], float],
    better: str,
    fmt: tuple[str, str] | None = None,
):
    """A comparison ``measure(a) < measure(b)`` (``better="lower"``) or ``>``; ``fmt``: how the
    evidence writes one value."""

    def check(c: _Ctx):
        va, vb = measure(c, c.claim.a), measure(c, c.claim.b)
        ok = va < vb if better == "lower" else va > vb
        return ok, f"{c.A}: {_fmt(c, fmt, va)}; {c.B}: {_fmt(c, fmt, vb)}"

    def text(c: _Ctx):
        return c.tr(sentence).format(a=c.A, b=c.B, tol=_g(c.claim.tol), steps=c.scn.steps)

    return text, check


def _fmt(c: _Ctx, fmt: tuple[str, str] | None, v: float) -> str:
    """``v`` in the evidence: ``fmt = (msgid with {v}, format spec)``."""
    if fmt is None:
        return _g(v)
    template, spec = fmt
    return c.tr(template).format(v=format(v, spec))


def _rng(sentence: str, measure: Callable[[_Ctx], float], fmt=_g):
    """``measure`` lies in ``[lo, hi]`` (either end may be open)."""

    def text(c: _Ctx):
        a = c.A if c.claim.a is not None else ""
        return c.tr(sentence).format(
            a=a,
            range=c.range_text(),
            within=c.claim.within,
            at=c.where(c.claim.at),
            other=c.where(c.claim.other) if c.claim.other is not None else "",
            steps=c.scn.steps,
        )

    def check(c: _Ctx):
        v = measure(c)
        return c.in_range(v), c.tr(N_("measured {v}")).format(v=fmt(v))

    return text, check


def _when(c: _Ctx, ref) -> str:
    return c.step_text(c.tol_steps(ref))


def _two_steps(c: _Ctx, ka: int | None, kb: int | None) -> str:
    return c.tr(N_("{a} {ka}, {b} {kb}")).format(
        a=c.A, b=c.B, ka=c.step_text(ka), kb=c.step_text(kb)
    )


def _reaches_before(c: _Ctx):
    ka, kb = c.tol_steps(c.claim.a), c.tol_steps(c.claim.b)
    return _earlier(ka, kb), f"f - f* < {_g(c.claim.tol)}: {_two_steps(c, ka, kb)}"


def _escapes_before(c: _Ctx):
    ka, kb = _escape_step(c, c.claim.a), _escape_step(c, c.claim.b)
    return _earlier(ka, kb), c.tr(N_("escaped the saddle: {who}")).format(who=_two_steps(c, ka, kb))


def _diverges(c: _Ctx):
    d = c.t(c.claim.a).diverged_at
    return d is not None, c.tr(N_("diverged {when} in {steps} steps")).format(
        when=c.step_text(d), steps=c.scn.steps
    )


def _stable(c: _Ctx):
    d = c.t(c.claim.a).diverged_at
    return d is None, c.tr(N_("diverged {when}; final loss {loss}")).format(
        when=c.step_text(d), loss=_g(float(c.t(c.claim.a).losses[-1]))
    )


def _never(c: _Ctx):
    k = c.tol_steps(c.claim.a)
    gap = float(c.t(c.claim.a).losses[-1] - c.f_star)
    return k is None, c.tr(N_("first f - f* < {tol}: {when}; final f - f* = {gap}")).format(
        tol=_g(c.claim.tol), when=c.step_text(k), gap=_g(gap)
    )


def _within(c: _Ctx):
    k = c.tol_steps(c.claim.a)
    ok = k is not None and k <= c.claim.hi and c.t(c.claim.a).diverged_at is None
    return ok, c.tr(N_("first f - f* < {tol}: {when}")).format(
        tol=_g(c.claim.tol), when=c.step_text(k)
    )


def _ends_in(c: _Ctx):
    t = c.t(c.claim.a)
    end = t.points[-1]
    got = basin(c.scape, end)
    return (
        got == (c.claim.at or 0) and t.diverged_at is None,
        c.tr(N_("ends at {end}, nearest minimum {m}")).format(end=_xy(end), m=c.where(got)),
    )


def _at_saddle(c: _Ctx):
    end = c.t(c.claim.a).points[-1]
    d = min(float(np.linalg.norm(end - np.array(s.xy))) for s in c.scape.saddles)
    return d <= c.claim.hi, c.tr(N_("ends at {end}, {d} from the nearest saddle")).format(
        end=_xy(end), d=f"{d:.2g}"
    )


def _distinct(c: _Ctx):
    ends = [basin(c.scape, t.points[-1]) for t in c.trajs]
    return len(set(ends)) >= c.claim.lo, c.tr(N_("ends near {points}")).format(
        points=", ".join(c.where(i) for i in ends)
    )


def _overshoot_of(c: _Ctx, ref) -> float:
    t = c.t(ref)
    return overshoot(t, c.minimum(basin(c.scape, t.points[-1])).xy)


def _lam(c: _Ctx, i: int | None) -> np.ndarray:
    return hessian_eigs(c.scape, c.minimum(i).xy)[0]


def _tilt(c: _Ctx) -> float:
    _, vecs = hessian_eigs(c.scape, c.minimum(c.claim.at).xy)
    v = vecs[:, -1]
    ang = math.degrees(math.atan2(abs(v[1]), abs(v[0])))
    return min(ang, 90 - ang)


def _start_angle(c: _Ctx) -> float:
    start = np.asarray(c.scn.start_point(c.scape), dtype=float)
    g = np.asarray(jax.grad(c.scape.f)(start))
    steep = hessian_eigs(c.scape, c.minimum(c.claim.at).xy)[1][:, -1]
    cos = abs(float(g @ steep)) / max(float(np.linalg.norm(g)), 1e-300)
    return math.degrees(math.acos(min(1.0, cos)))


def _ridge(c: _Ctx):
    start = np.asarray(c.scn.start_point(c.scape), dtype=float)
    s = min(c.scape.saddles, key=lambda q: np.hypot(q.x - start[0], q.y - start[1]))
    _, vecs = hessian_eigs(c.scape, s.xy)
    g = np.asarray(jax.grad(c.scape.f)(start))
    along = abs(float(g @ vecs[:, 0]))
    return (
        along <= c.claim.hi,
        c.tr(N_("gradient along the escape direction {along} (its length {norm})")).format(
            along=_g(along), norm=_g(float(np.linalg.norm(g)))
        ),
    )


def _downhill(c: _Ctx):
    d = np.diff(c.t(c.claim.a).losses)
    worst = float(d.max()) if d.size else 0.0
    return worst <= 1e-12, c.tr(N_("largest loss increase in one step {v}")).format(v=_g(worst))


def _eff_shrinks(c: _Ctx):
    e = np.asarray(c.t(c.claim.a).eff_lr)
    rises = np.diff(e, axis=0)
    worst = float((rises / np.maximum(np.abs(e[:-1]), 1e-300)).max()) if len(e) > 1 else 0.0
    return worst <= 1e-9, c.tr(
        N_(
            "effective step size per coordinate: first {first}, last {last}; largest relative rise "
            "{rise}"
        )
    ).format(first=_g(float(e[0].max())), last=_g(float(e[-1].max())), rise=_g(worst))


def _min_equal(c: _Ctx):
    vals = [m.value for m in c.scape.minima]
    spread = max(vals) - min(vals)
    return spread <= c.claim.hi, c.tr(N_("minimum values {v}")).format(
        v=", ".join(f"{v:.4g}" for v in vals)
    )


def _flatter(c: _Ctx):
    la, lb = _lam(c, c.claim.at).max(), _lam(c, c.claim.other).max()
    ok = la < lb and c.in_range(lb / la)
    return (
        ok,
        c.tr(N_("largest curvature {la} at {at}, {lb} at {other} (ratio {r})")).format(
            la=_g(la),
            at=c.where(c.claim.at),
            lb=_g(lb),
            other=c.where(c.claim.other),
            r=_g(lb / la),
        ),
    )


def _shorter(c: _Ctx):
    la, lb = path_length(c.t(c.claim.a).points), path_length(c.t(c.claim.b).points)
    ok = la < lb and lb >= (c.claim.lo or 1.0) * la
    return ok, c.tr(N_("path length: {a} {la}, {b} {lb} (ratio {r})")).format(
        a=c.A, la=_g(la), b=c.B, lb=_g(lb), r=_g(lb / max(la, 1e-300))
    )


def _shorter_first(c: _Ctx):
    k = c.claim.within
    sa = np.linalg.norm(c.t(c.claim.a).updates[:k], axis=1).max()
    sb = np.linalg.norm(c.t(c.claim.b).updates[:k], axis=1).max()
    return sa < sb, c.tr(N_("longest of the first {k} steps: {a} {sa}, {b} {sb}")).format(
        k=k, a=c.A, sa=_g(sa), b=c.B, sb=_g(sb)
    )


def _grad_early(c: _Ctx):
    k = c.claim.within
    gn = np.linalg.norm(c.t(c.claim.a).grads[: c.t(c.claim.a).steps + 1], axis=1)
    early, rest = float(gn[:k].max()), float(gn[k:].max())
    return (
        early > rest,
        c.tr(N_("largest gradient in the first {k} steps {early}, afterwards {rest}")).format(
            k=k, early=_g(early), rest=_g(rest)
        ),
    )


# --- the optimizers of today (optimizers/_modern.py) ----------------------------------------------


def _live(t) -> int:
    """Steps taken before a divergence (all of them without one)."""
    return t.steps if t.diverged_at is None else max(t.diverged_at - 1, 0)


def _eval_offsets(c: _Ctx) -> np.ndarray:
    t = c.t(c.claim.a)
    n = _live(t)
    return np.linalg.norm(t.eval_points[:n] - t.points[:n], axis=1)


def _eval_offset(c: _Ctx):
    d = _eval_offsets(c)
    ok = d.size > 0 and c.in_range(float(d.min())) and c.in_range(float(d.max()))
    return ok, c.tr(N_("distance from x to where the gradient is taken: {lo} to {hi}")).format(
        lo=_g(d.min()), hi=_g(d.max())
    )


def _same_path(c: _Ctx):
    pa, pb = np.asarray(c.t(c.claim.a).points), np.asarray(c.t(c.claim.b).points)
    gap = float(np.abs(pa - pb).max())
    moved = float(np.abs(pa[-1] - pa[0]).max())
    return gap <= c.claim.tol and moved > 100 * c.claim.tol, c.tr(
        N_("largest difference between the two paths {gap} (the path moves {moved})")
    ).format(gap=f"{gap:.2g}", moved=_g(moved))


def _estimate(c: _Ctx) -> tuple[float, float]:
    """Prodigy's step-size estimate d: (d0, last d), from the shown code retraced on the run."""
    from optimizers import textbook_series

    o = c.scn.optimizers[c.idx(c.claim.a)]
    d = textbook_series(c.t(c.claim.a), o.name, "d", dict(o.hparams))
    spec_d0 = dict(o.hparams).get("d0", 1e-6)
    return float(spec_d0), float(d[-1]) if d.size else float(spec_d0)


def _z_over_x(c: _Ctx) -> tuple[float, float]:
    """Late spread of Schedule-Free's SGD iterate z and of its average x (the drawn path)."""
    from optimizers import sequences

    o = c.scn.optimizers[c.idx(c.claim.a)]
    t = c.t(c.claim.a)
    z = sequences(t, o.name, dict(o.hparams))["z"]
    late = z[math.floor((1 - LATE) * len(z)) :]
    return float(np.linalg.norm(late - late.mean(axis=0), axis=1).max()), late_spread(t)


def _averages(c: _Ctx):
    sz, sx = _z_over_x(c)
    ratio = sz / max(sx, 1e-300)
    return c.in_range(ratio), c.tr(N_("late radius: z {sz}, x {sx} (ratio {r})")).format(
        sz=_g(sz), sx=_g(sx), r=_g(ratio)
    )


def _say(template: str, **more: Callable[[_Ctx], Any]) -> Callable[[_Ctx], str]:
    """A sentence from a msgid: ``{a}``, ``{b}`` (the optimizers' labels), ``{tol}``, ``{steps}``,
    ``{within}``, ``{lo}``, ``{hi}``, ``{range}``, ``{at}``, ``{other}`` and the ``more`` fields."""

    def text(c: _Ctx) -> str:
        cl = c.claim
        fields = {
            "a": c.A if cl.a is not None else "",
            "b": c.B if cl.b is not None else "",
            "tol": _g(cl.tol),
            "steps": c.scn.steps,
            "within": cl.within,
            "lo": "" if cl.lo is None else f"{cl.lo:g}",
            "hi": "" if cl.hi is None else f"{cl.hi:g}",
            "at": c.where(cl.at),
            "other": c.where(cl.other) if cl.other is not None else "",
        }
        if "{range}" in template:
            fields["range"] = c.range_text()
        fields |= {k: f(c) for k, f in more.items()}
        return c.tr(template).format(**fields)

    return text


def _pick(*options: tuple[Callable[[Claim], bool], str]) -> Callable[[_Ctx], str]:
    """The first sentence whose condition holds for the claim."""

    def text(c: _Ctx) -> str:
        return next(_say(t)(c) for cond, t in options if cond(c.claim))

    return text


KINDS: dict[str, tuple[Callable[[_Ctx], str], Callable[[_Ctx], tuple[bool, str]]]] = {
    # --- comparisons of two optimizers
    "reaches_tol_before": (
        _say(N_("{a} reaches f - f* < {tol} sooner than {b}.")),
        _reaches_before,
    ),
    "escapes_before": (_say(N_("{a} escapes the saddle sooner than {b}.")), _escapes_before),
    "ends_lower": _cmp(
        N_("{a} ends with a lower loss than {b}."),
        lambda c, r: float(c.t(r).losses[-1]),
        "lower",
        fmt=(N_("final loss {v}"), ".4g"),
    ),
    "shorter_path": (
        _pick(
            (
                lambda cl: bool(cl.lo),
                N_("The path of {b} is at least {lo} times as long as that of {a}."),
            ),
            (lambda cl: True, N_("The path of {a} is shorter than that of {b}.")),
        ),
        _shorter,
    ),
    "calmer_late": _cmp(
        N_(
            "Late in the run {a} rattles less than {b} (its last fifth of points spreads over a "
            "smaller radius)."
        ),
        lambda c, r: late_spread(c.t(r)),
        "lower",
        fmt=(N_("late radius {v}"), ".3g"),
    ),
    "overshoots_less": _cmp(
        N_("{a} overshoots the minimum less than {b}."),
        _overshoot_of,
        "lower",
        fmt=(N_("overshoot {v}"), ".3g"),
    ),
    "zigzags_more": _cmp(
        N_("{a} turns back more often than {b} (zig-zag)."),
        lambda c, r: reversals(c.t(r), c.scape.extent),
        "higher",
        fmt=(N_("{v} reversals"), "g"),
    ),
    "moves_more_late": _cmp(
        N_("In the second half of the run {a} travels farther than {b} (it keeps moving)."),
        lambda c, r: late_motion(c.t(r)),
        "higher",
        fmt=(N_("distance {v}"), ".3g"),
    ),
    "first_steps_shorter": (
        _say(N_("The first {within} steps of {a} are shorter than those of {b}.")),
        _shorter_first,
    ),
    # --- one optimizer
    "diverges": (_say(N_("{a} diverges.")), _diverges),
    "no_divergence": (_say(N_("{a} does not diverge.")), _stable),
    "never_reaches_tol": (
        _say(N_("{a} does not reach f - f* < {tol} in {steps} steps.")),
        _never,
    ),
    "reaches_tol_within": (
        _say(N_("{a} reaches f - f* < {tol} within {hi} steps.")),
        _within,
    ),
    "ends_in_basin": (
        _say(N_("{a} ends in the basin of the minimum at {at}.")),
        _ends_in,
    ),
    "ends_at_saddle": (
        _say(N_("{a} ends at a saddle point (within {hi}).")),
        _at_saddle,
    ),
    "overshoot": _rng(
        N_(
            "{a} overshoots the minimum it ends in by {range} (past it along its line of approach)."
        ),
        lambda c: _overshoot_of(c, c.claim.a),
    ),
    "reversals": _rng(
        N_("{a} turns back {range} times."),
        lambda c: reversals(c.t(c.claim.a), c.scape.extent),
        fmt=lambda v: f"{v:g}",
    ),
    "first_step_ratio": _rng(
        N_("The first step of {a} is {range} times the learning rate (largest coordinate)."),
        lambda c: float(step_ratios(c.t(c.claim.a), c.lr(c.claim.a))[0]),
    ),
    "peak_step_ratio": _rng(
        N_(
            "The largest of the first {within} steps of {a} is {range} times the learning rate "
            "(largest coordinate)."
        ),
        lambda c: float(step_ratios(c.t(c.claim.a), c.lr(c.claim.a))[: c.claim.within].max()),
    ),
    "median_step_ratio": _rng(
        N_(
            "The typical step of {a} (median of the first {within}) is {range} times the learning "
            "rate (largest coordinate)."
        ),
        lambda c: float(np.median(step_ratios(c.t(c.claim.a), c.lr(c.claim.a))[: c.claim.within])),
    ),
    "max_step_over_lr": _rng(
        N_("Every step of {a} has length {range} times the learning rate."),
        lambda c: float(np.linalg.norm(c.t(c.claim.a).updates, axis=1).max() / c.lr(c.claim.a)),
    ),
    "longest_step": _rng(
        N_("The longest single step of {a} has length {range}."),
        lambda c: float(np.linalg.norm(c.t(c.claim.a).updates, axis=1).max()),
    ),
    "max_grad": _rng(
        N_("The largest gradient on the path of {a} has length {range}."),
        lambda c: float(np.linalg.norm(c.t(c.claim.a).grads, axis=1).max()),
    ),
    "displacement": _rng(
        N_("{a} ends {range} away from its start."),
        lambda c: float(np.linalg.norm(c.t(c.claim.a).points[-1] - c.t(c.claim.a).points[0])),
    ),
    "straightness": _rng(
        N_(
            "The path of {a} is {range} times as long as the straight line from its start to its "
            "end."
        ),
        lambda c: (
            path_length(c.t(c.claim.a).points)
            / max(
                float(np.linalg.norm(c.t(c.claim.a).points[-1] - c.t(c.claim.a).points[0])), 1e-300
            )
        ),
    ),
    "lr_over_limit": _rng(
        N_(
            "The learning rate of {a} is {range} times the stability limit 2/λmax of the minimum "
            "at {at}."
        ),
        lambda c: c.lr(c.claim.a) * float(_lam(c, c.claim.at).max()) / 2,
    ),
    "downhill": (_say(N_("The loss of {a} never increases.")), _downhill),
    "eff_lr_shrinks": (
        _say(N_("The effective step size of {a} in each coordinate only ever shrinks.")),
        _eff_shrinks,
    ),
    "gradient_largest_early": (
        _say(N_("On the path of {a} the gradient is largest in the first {within} steps.")),
        _grad_early,
    ),
    "late_spread": _rng(
        N_("In the last fifth of the run {a} rattles within a radius of {range}."),
        lambda c: late_spread(c.t(c.claim.a)),
    ),
    # --- the surface
    "max_curvature": _rng(
        N_("The largest curvature λmax of the minimum at {at} is {range}."),
        lambda c: float(_lam(c, c.claim.at).max()),
    ),
    "condition_number": _rng(
        N_("The condition number λmax/λmin of the minimum at {at} is {range}."),
        lambda c: float(_lam(c, c.claim.at).max() / _lam(c, c.claim.at).min()),
    ),
    "tilt": _rng(
        N_("The bowl's axes at {at} are turned by {range} degrees from the coordinate axes."),
        _tilt,
    ),
    "flatter": (
        _pick(
            (
                lambda cl: bool(cl.lo or cl.hi),
                N_("The minimum at {other} is {range} times as curved as the one at {at}."),
            ),
            (lambda cl: True, N_("The minimum at {other} is more curved than the one at {at}.")),
        ),
        _flatter,
    ),
    "minima_equal": (
        _say(N_("The minima have equal values (within {hi}).")),
        _min_equal,
    ),
    "start_gradient": _rng(
        N_("At the start the gradient has length {range}."),
        lambda c: float(
            np.linalg.norm(jax.grad(c.scape.f)(np.asarray(c.scn.start_point(c.scape), dtype=float)))
        ),
    ),
    "start_gradient_angle": _rng(
        N_(
            "At the start the gradient is {range} degrees from the steep axis of the minimum at "
            "{at}."
        ),
        _start_angle,
    ),
    "start_on_ridge": (
        _say(N_("At the start the gradient along the saddle's escape direction is at most {hi}.")),
        _ridge,
    ),
    # --- the optimizers of today
    "eval_offset": (
        _say(N_("{a} takes every gradient {range} away from its drawn point x (not at x).")),
        _eval_offset,
    ),
    "same_path": (
        _say(N_("{a} draws the same path as {b} (every point within {tol}).")),
        _same_path,
    ),
    "estimate_grows": (
        _say(
            N_(
                "The step-size estimate d of {a} grows {range} times over its start value d0 (it "
                "needs no tuned learning rate)."
            )
        ),
        lambda c: (
            lambda d0, d: (
                c.in_range(d / d0),
                c.tr(N_("d0 {d0}, last d {d}, ratio {r}")).format(d0=_g(d0), d=_g(d), r=_g(d / d0)),
            )
        )(*_estimate(c)),
    ),
    "averages_calmer": (
        _say(
            N_(
                "Late in the run the SGD iterate z of {a} rattles over a radius {range} times that "
                "of its average x, the drawn path."
            )
        ),
        _averages,
    ),
    "distinct_basins": (
        _say(N_("The optimizers end in at least {lo} different basins.")),
        _distinct,
    ),
}


def check(
    claims: Sequence[Claim], scenario: Scenario, lang: str = "en"
) -> list[tuple[str, bool, str]]:
    """``(sentence, holds, evidence)`` for every claim, written in ``lang``; each variant scenario
    is run once."""
    runs: dict[tuple, list] = {(): scenario.run()}
    out = []
    for c in claims:
        if c.variant not in runs:
            runs[c.variant] = c.scenario_for(scenario).run()
        ctx = _Ctx(c, c.scenario_for(scenario), runs[c.variant], lang=lang)
        holds, evidence = KINDS[c.kind][1](ctx)
        out.append((c.sentence(scenario, lang), bool(holds), evidence))
    return out
