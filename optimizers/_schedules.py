r"""Learning-rate schedules as plain ``step -> multiplier`` callables.

Each schedule here is a jnp formula whose arguments are *traced* values, so that
moving a schedule slider never recompiles the engine. (optax's schedule
constructors validate their arguments in Python and cannot take traced values;
the tests check every schedule here against its optax counterpart.) The learning
rate at step :math:`t` is :math:`\alpha_t = \alpha_0\, s(t)`; an optional linear
warm-up of :math:`W` steps multiplies any schedule by :math:`\min(1, (t+1)/W)` and
delays it by :math:`W` steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp

from i18n import N_

from ._specs_base import HParam

Schedule = Callable[[jnp.ndarray], jnp.ndarray]


@dataclasses.dataclass(frozen=True)
class ScheduleSpec:
    """A schedule family: its arguments (slider specs), formula and builder."""

    name: str
    title: str
    args: Mapping[str, HParam]
    latex: str
    make: Callable[[Mapping[str, jnp.ndarray]], Schedule]
    reference: str = ""

    def defaults(self) -> dict[str, float]:
        return {k: v.default for k, v in self.args.items()}


def _f(t):
    return jnp.asarray(t, dtype=jnp.float64)


def _constant(a):
    return lambda t: jnp.ones_like(_f(t))


def _step(a):
    return lambda t: a["gamma"] ** jnp.floor(_f(t) / jnp.maximum(a["step_size"], 1.0))


def _exponential(a):
    return lambda t: a["decay_rate"] ** (_f(t) / jnp.maximum(a["transition_steps"], 1.0))


def _natural_exp(a):
    return lambda t: jnp.exp(-a["k"] * _f(t))


def _inverse_time(a):
    return lambda t: 1.0 / (1.0 + a["k"] * _f(t))


def _frac(t, n):
    return jnp.clip(_f(t) / jnp.maximum(n, 1.0), 0.0, 1.0)


def _linear(a):
    return lambda t: 1.0 + (a["end_factor"] - 1.0) * _frac(t, a["transition_steps"])


def _polynomial(a):
    return lambda t: (
        (1.0 - a["end_factor"]) * (1.0 - _frac(t, a["transition_steps"])) ** a["power"]
        + a["end_factor"]
    )


def _cosine(a):
    return lambda t: (
        a["alpha"] + (1 - a["alpha"]) * 0.5 * (1 + jnp.cos(jnp.pi * _frac(t, a["decay_steps"])))
    )


def _warmup_cosine(a):
    def s(t):
        w = jnp.maximum(a["warmup_steps"], 1.0)
        up = _f(t) / w
        cos = _cosine({"alpha": a["alpha"], "decay_steps": a["decay_steps"] - a["warmup_steps"]})(
            _f(t) - a["warmup_steps"]
        )
        return jnp.where(_f(t) < a["warmup_steps"], up, cos)

    return s


def _cyclic(a):
    r"""Smith's triangular cyclical rate between :math:`\alpha_0` and
    ``max_factor``:math:`\cdot\alpha_0`."""

    def s(t):
        half = jnp.maximum(a["half_cycle"], 1.0)
        cycle = jnp.floor(1 + _f(t) / (2 * half))
        x = jnp.abs(_f(t) / half - 2 * cycle + 1)
        return 1.0 + (a["max_factor"] - 1.0) * jnp.maximum(0.0, 1 - x)

    return s


def _onecycle(a):
    """optax's ``cosine_onecycle_schedule`` with peak 1 (the base rate)."""

    def s(t):
        n = jnp.maximum(a["transition_steps"], 2.0)
        b1 = a["pct_start"] * n
        init = 1.0 / a["div_factor"]
        final = init / a["final_div_factor"]

        def cos_interp(start, end, frac):
            return end + (start - end) / 2.0 * (jnp.cos(jnp.pi * jnp.clip(frac, 0.0, 1.0)) + 1.0)

        up = cos_interp(init, 1.0, _f(t) / b1)
        down = cos_interp(1.0, final, (_f(t) - b1) / (n - b1))
        return jnp.where(_f(t) < b1, up, down)

    return s


def _sgdr(a):
    r"""Cosine annealing with warm restarts: period :math:`T_0`, growing by ``t_mult``."""

    def s(t):
        t0 = jnp.maximum(a["period"], 1.0)
        m = jnp.maximum(a["t_mult"], 1.0)
        tf = _f(t)
        geo = m > 1.0 + 1e-9
        msafe = jnp.where(geo, m, 2.0)
        i_geo = jnp.floor(jnp.log1p(tf * (msafe - 1.0) / t0) / jnp.log(msafe) + 1e-9)
        i = jnp.where(geo, i_geo, jnp.floor(tf / t0))
        start = jnp.where(geo, t0 * (msafe**i - 1.0) / (msafe - 1.0), t0 * i)
        length = jnp.where(geo, t0 * msafe**i, t0)
        frac = (tf - start) / length
        return a["alpha"] + (1 - a["alpha"]) * 0.5 * (1 + jnp.cos(jnp.pi * frac))

    return s


def H(default, low, high, log=False, label=""):
    return HParam(default, low, high, log, label)


SCHEDULES: tuple[ScheduleSpec, ...] = (
    ScheduleSpec("constant", N_("Constant"), {}, r"\alpha_t = \alpha_0", _constant),
    ScheduleSpec(
        "step",
        N_("Step decay"),
        {
            "step_size": H(100, 1, 5000, True, N_("every N steps")),
            "gamma": H(0.5, 0.01, 1.0, False, N_("multiply by")),
        },
        r"\alpha_t = \alpha_0\,\gamma^{\lfloor t/N \rfloor}",
        _step,
    ),
    ScheduleSpec(
        "exponential",
        N_("Exponential"),
        {
            "decay_rate": H(0.1, 0.001, 1.0, True, N_("decay rate")),
            "transition_steps": H(200, 1, 5000, True, N_("over N steps")),
        },
        r"\alpha_t = \alpha_0\, r^{t/N}",
        _exponential,
    ),
    ScheduleSpec(
        "natural_exp",
        N_("Natural exponential"),
        {"k": H(0.01, 1e-5, 1.0, True, "k")},
        r"\alpha_t = \alpha_0\, e^{-k t}",
        _natural_exp,
    ),
    ScheduleSpec(
        "inverse_time",
        N_("Inverse time (1/t)"),
        {"k": H(0.05, 1e-5, 10.0, True, "k")},
        r"\alpha_t = \dfrac{\alpha_0}{1 + k t}",
        _inverse_time,
    ),
    ScheduleSpec(
        "linear",
        N_("Linear"),
        {
            "end_factor": H(0.01, 0.0, 1.0, False, N_("end / start")),
            "transition_steps": H(200, 1, 5000, True, N_("over N steps")),
        },
        r"\alpha_t = \alpha_0\,\big(1 + (\rho - 1)\min(t/N, 1)\big)",
        _linear,
    ),
    ScheduleSpec(
        "polynomial",
        N_("Polynomial"),
        {
            "end_factor": H(0.01, 0.0, 1.0, False, N_("end / start")),
            "power": H(2.0, 0.1, 5.0, False, N_("power p")),
            "transition_steps": H(200, 1, 5000, True, N_("over N steps")),
        },
        r"\alpha_t = \alpha_0\big((1-\rho)(1 - \min(t/N,1))^{p} + \rho\big)",
        _polynomial,
    ),
    ScheduleSpec(
        "cosine",
        N_("Cosine"),
        {
            "decay_steps": H(200, 1, 5000, True, N_("over N steps")),
            "alpha": H(0.0, 0.0, 1.0, False, N_("floor (fraction)")),
        },
        r"\alpha_t = \alpha_0\big(a + (1-a)\tfrac12(1+\cos(\pi \min(t/N,1)))\big)",
        _cosine,
        "Loshchilov & Hutter, SGDR, ICLR 2017.",
    ),
    ScheduleSpec(
        "warmup_cosine",
        N_("Cosine with warm-up"),
        {
            "warmup_steps": H(20, 1, 2000, True, N_("warm-up steps W")),
            "decay_steps": H(200, 2, 5000, True, N_("total steps N")),
            "alpha": H(0.0, 0.0, 1.0, False, N_("floor (fraction)")),
        },
        r"\alpha_t = \begin{cases}\alpha_0\, t/W & "
        r"t<W\\ \alpha_0\big(a+(1-a)\tfrac12(1+\cos\pi\tfrac{t-W}{N-W})\big) & t\ge "
        r"W\end{cases}",
        _warmup_cosine,
        "Goyal et al., Accurate, Large Minibatch SGD, 2017.",
    ),
    ScheduleSpec(
        "cyclic",
        N_("Cyclical (triangular)"),
        {
            "half_cycle": H(50, 1, 2000, True, N_("half cycle (steps)")),
            "max_factor": H(4.0, 1.0, 20.0, False, N_("max / base")),
        },
        r"\alpha_t = \alpha_0\big(1 + (m-1)\max(0, 1 - |t/h - 2c + 1|)\big),\ c = \lfloor 1 + "
        r"t/2h \rfloor",
        _cyclic,
        "Smith, Cyclical Learning Rates for Training Neural Networks, WACV 2017.",
    ),
    ScheduleSpec(
        "onecycle",
        N_("One-cycle"),
        {
            "transition_steps": H(200, 2, 5000, True, N_("cycle length N")),
            "pct_start": H(0.3, 0.05, 0.95, False, N_("rising fraction")),
            "div_factor": H(25.0, 1.0, 1000.0, True, N_("start = peak / d")),
            "final_div_factor": H(1e4, 1.0, 1e5, True, N_("end = start / f")),
        },
        r"\text{cosine up from } \alpha_0/d \text{ to } \alpha_0 \text{, then down to } "
        r"\alpha_0/(d f)",
        _onecycle,
        "Smith & Topin, Super-Convergence, 2017.",
    ),
    ScheduleSpec(
        "sgdr",
        N_("SGDR (warm restarts)"),
        {
            "period": H(50, 1, 2000, True, N_("first period T0")),
            "t_mult": H(2.0, 1.0, 4.0, False, N_("period multiplier")),
            "alpha": H(0.0, 0.0, 1.0, False, N_("floor (fraction)")),
        },
        r"\alpha_t = \alpha_0\big(a + (1-a)\tfrac12(1 + \cos(\pi\, t_{cur}/T_i))\big),\ T_i = "
        r"T_0 m^i",
        _sgdr,
        "Loshchilov & Hutter, SGDR: Stochastic Gradient Descent with Warm Restarts, ICLR 2017.",
    ),
)

_TABLE = {s.name: s for s in SCHEDULES}


def schedule_names() -> list[str]:
    return [s.name for s in SCHEDULES]


def get_schedule(name: str) -> ScheduleSpec:
    if name not in _TABLE:
        raise KeyError(f"unknown schedule {name!r}; choose one of {', '.join(_TABLE)}")
    return _TABLE[name]


def schedule_args(name: str, args: Mapping[str, float] | None) -> dict[str, float]:
    """Fill defaults and clamp to range; unknown argument names raise."""
    spec = get_schedule(name)
    args = dict(args or {})
    extra = set(args) - set(spec.args)
    if extra:
        raise KeyError(f"schedule {name!r} has no argument(s) {sorted(extra)}")
    return {k: spec.args[k].clamp(args.get(k, spec.args[k].default)) for k in spec.args}


def _with_warmup(inner: Schedule, warmup_steps) -> Schedule:
    def s(t):
        w = jnp.asarray(warmup_steps, dtype=jnp.float64)
        tf = _f(t)
        ramp = jnp.where(w > 0, jnp.minimum(1.0, (tf + 1.0) / jnp.maximum(w, 1.0)), 1.0)
        return ramp * inner(jnp.maximum(tf - w, 0.0))

    return s


def make_schedule(name: str, args: Mapping, warmup_steps=0.0) -> Schedule:
    """The multiplier :math:`s(t)`, with an optional linear warm-up wrapped around it."""
    return _with_warmup(get_schedule(name).make(args), warmup_steps)


#: Every schedule's argument names, and a default for each (the first schedule's that has it).
_UNION = {}
for _spec in SCHEDULES:
    for _k, _h in _spec.args.items():
        _UNION.setdefault(_k, float(_h.default))


def schedule_inputs(name: str, args: Mapping[str, float] | None) -> tuple[int, dict[str, float]]:
    """The index of schedule ``name`` and its arguments among every schedule's argument names
    (filled, clamped): one layout of traced inputs for every schedule, see
    :func:`make_any_schedule`."""
    return schedule_names().index(get_schedule(name).name), {**_UNION, **schedule_args(name, args)}


def make_any_schedule(kind, args: Mapping, warmup_steps=0.0) -> Schedule:
    """:func:`make_schedule` with the schedule chosen by the *traced* index ``kind`` (the order of
    :data:`SCHEDULES`) and ``args`` holding every schedule's arguments
    (:func:`schedule_inputs`): one compiled program serves every schedule."""
    branches = [spec.make(args) for spec in SCHEDULES]

    def inner(t):
        tf = _f(t)
        return jax.lax.switch(jnp.asarray(kind, jnp.int32), branches, tf)

    return _with_warmup(inner, warmup_steps)


def lr_curve(
    name: str,
    args: Mapping[str, float] | None,
    steps: int,
    lr: float = 1.0,
    warmup_steps: float = 0.0,
):
    """Learning rate at steps ``0..steps-1`` (for previews), as a numpy array."""
    import numpy as np

    a = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in schedule_args(name, args).items()}
    t = jnp.arange(int(steps))
    return np.asarray(lr * make_schedule(name, a, warmup_steps)(t))
