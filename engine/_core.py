r"""The jitted trajectory engine: ``lax.scan`` over steps, ``vmap`` over configurations.

Static (compile-time) choices, :class:`Static`: the surface family, the optimizer, the schedule
kind, whether whole paths are recorded and into which of two buffer lengths (2,048 steps for the
steps slider's whole range, 10,000 beyond), the momentum schedule's kind (none, the linear ramp,
staged values), and for sweeps whether noise and clipping are on at all. Everything else,
:class:`Inputs` (start, learning rate, hyperparameters, schedule arguments, the ramp's length and
the stages' values, clipping, noise, seed, surface parameters, the step count), is traced, so
changing it never recompiles.

A recording loop runs blocks of 16 steps (an inner scan, unrolled 4x in sweeps) inside a
``while_loop`` with a traced bound, ``ceil(n / 16)`` blocks; a sweep of final points runs exactly
``n`` steps of a leaner step, one per trip of its ``while_loop``. The
inputs go in as one vector (plus one matrix of per-run values in a sweep). A recording run writes
each step into one table (row ``t``: the state after ``t`` steps and step ``t`` itself, gradients,
rates, steps and effective step sizes included, the last row the final point), which comes back
as the one output. ``jaxsetup`` raises XLA:CPU's small-while-loop limit, so that a loop is
compiled into one function instead of dispatching each kernel of each step; a single run goes
further: all of it, set-up and write-up included, runs inside a loop of one trip, so its
executable is that one function plus a handful of kernels (each kernel outside it cost ~1-3 us,
and more than 8 of them are run concurrently). A larger sweep runs its runs in blocks of at most
``BLOCK`` (per device), each block's loop under that limit (``tests/test_engine.py`` checks both).
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import math
import types
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from landscapes import first_break
from optimizers._schedules import (
    make_any_schedule,
    make_schedule,
    schedule_args,
    schedule_inputs,
)
from optimizers._specs import OptimizerSpec, ProbeContext, get

MAX_STEPS = 10_000
MIN_SPLIT = 512  # sweeps of at least this many runs are split across the host's devices
MAX_SWEEP = 250_000
CHUNK = 16  # steps per iteration of the outer loop (one inner scan)
BLOCK = 32  # runs per block of a sweep's loop (kept under XLA:CPU's small-while-loop limit)
UNROLL = {
    False: 1,
    True: 4,
}  # unrolled steps inside a block, single runs / sweeps (measured, bench_engine.py)
_BUFFERS = (
    2048,
    MAX_STEPS,
)  # recording buffer lengths: one for the steps slider's range, one for the rest
NOTES_MOMENTA = (0.5, 0.9, 0.95, 0.99)  # the course notes' staged momentum (note 001)
_NOTES = np.asarray(NOTES_MOMENTA, dtype=np.float64)
_NOTES.flags.writeable = False
RUNAWAY = 100.0  # points farther than RUNAWAY * extent from the surface's centre count as diverged

#: Number of times an engine function was traced (== compiled); tests read it.
TRACE_COUNT = 0


class Inputs(NamedTuple):
    """The traced inputs of one run (a pytree): changing any of them never recompiles."""

    start: Any  # (2,)
    lr: Any
    hparams: Any  # {name: scalar}
    schedule_args: Any  # {name: scalar}
    warmup: Any
    momentum_warmup: Any
    clip_norm: Any  # inf: off
    clip_value: Any  # inf: off
    noise_std: Any
    seed: Any  # uint32
    surface_params: Any  # {name: scalar}
    n_steps: Any  # int64
    center: Any  # (2,)
    radius: Any
    momentum_stages: Any = None  # (k,) the staged momentum's values (read only with that kind)
    schedule_kind: Any = None  # the schedule's index (``Static.schedule == "any"``; else None)


#: ``vmap`` axes of a sweep: the runs differ in start, learning rate, hyperparameters and seed.
BATCH_AXES = Inputs(
    start=0,
    lr=0,
    hparams=0,
    schedule_args=None,
    warmup=None,
    momentum_warmup=None,
    momentum_stages=None,
    schedule_kind=None,
    clip_norm=None,
    clip_value=None,
    noise_std=None,
    seed=0,
    surface_params=None,
    n_steps=None,
    center=None,
    radius=None,
)


@dataclasses.dataclass(frozen=True)
class Static:
    """The compile-time choices of one executable (hashable: the compilation cache's key)."""

    surface_key: str
    optimizer: str
    # "constant", or "any": every other schedule, chosen by the traced ``Inputs.schedule_kind``
    # from a table of ``n_rates`` multipliers computed before the loop
    schedule: str = "constant"
    n_total: int = 0  # length of the recording buffers (0 without recording)
    record: bool = True  # whole paths and losses
    fast: bool = False  # the optimizer's sweep-friendly rule
    batched: bool = False  # vmapped over runs (a sweep)
    momentum_schedule: str = ""  # "": none, "linear": the ramp, "stages": the staged values
    noise: bool = True  # gradient noise in the loop (sweeps leave it out when it is 0)
    clip: bool = True  # gradient clipping in the loop (sweeps leave it out when it is off)
    n_rates: int = 0  # the schedule table's length (schedule "any")
    warmup: bool = True  # a learning-rate warm-up (sweeps with the constant schedule leave it
    # out when it is 0: their rate is then a plain number, without a step count)


#: a sweep's ``Static`` by its fields (building a frozen dataclass costs ~6 us per call)
_static = functools.lru_cache(maxsize=1024)(Static)

_FAMILIES: collections.OrderedDict[str, Any] = collections.OrderedDict()
MAX_FAMILIES = (
    256  # surfaces (incl. custom formulas) remembered for compilation; oldest forgotten first
)


@dataclasses.dataclass(frozen=True, eq=False)
class Trajectory:
    """One optimizer run. Arrays are numpy and always finite; after ``diverged_at`` the
    point is frozen. Index ``k`` of the ``(steps+1, ...)`` arrays is the state after ``k`` steps;
    ``updates[k]`` and ``lrs[k]`` belong to the step from ``k`` to ``k+1``."""

    points: np.ndarray  # (steps+1, 2)
    losses: np.ndarray  # (steps+1,)
    grads: np.ndarray  # (steps+1, 2) true gradient at each point
    lrs: np.ndarray  # (steps,)
    updates: np.ndarray  # (steps, 2)
    velocity: np.ndarray  # (steps+1, 2) momentum methods' v (zeros otherwise)
    # (steps+1, 2) where the next step's inertia (momentum) or look-ahead gradient points; x
    # otherwise
    lookahead: np.ndarray
    mhat: np.ndarray  # (steps+1, 2) Adam-family bias-corrected first moment
    eff_lr: (
        np.ndarray
    )  # (steps, 2) effective per-coordinate step size -dx_i / (df/dx_i), w.r.t. the true gradient
    diverged_at: int | None
    eval_points: (
        np.ndarray
    )  # (steps, 2) where step k's gradient was taken (x_k, or x_k + mu v_k for Nesterov)
    eval_grads: (
        np.ndarray
    )  # (steps, 2) the gradient step k used there, after noise and clipping (0 once diverged)
    momenta: (
        np.ndarray | None
    )  # (steps,) the momentum hyperparameter of each step (momentum_key), None without one

    @property
    def steps(self) -> int:
        return len(self.lrs)


@dataclasses.dataclass(frozen=True, eq=False)
class SweepResult:
    """Final points/losses of many runs (and whole paths if asked)."""

    final_points: np.ndarray  # (n, 2)
    final_losses: np.ndarray  # (n,)
    diverged_at: np.ndarray  # (n,) int, -1 where it did not diverge
    paths: np.ndarray | None = None  # (n, steps+1, 2)
    losses: np.ndarray | None = None  # (n, steps+1)


def _bucket(steps: int) -> int:
    """The recording buffer's length for ``steps`` (a multiple of ``CHUNK``)."""
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    return next(b for b in _BUFFERS if b >= steps)


def _finite(x):
    return jnp.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)


def clip_gradient(g, clip_value, clip_norm):
    r"""Clip each coordinate to :math:`[-c_v, c_v]`, then the norm to :math:`c_n` (``inf``: off).

    The same as ``optax.chain(optax.clip(c_v), optax.clip_by_global_norm(c_n))`` (tested), written
    as two fused array operations because this runs inside every step of every sweep."""
    g = jnp.clip(g, -clip_value, clip_value)
    n = jnp.sqrt(jnp.sum(g * g))
    return g * jnp.where(n > clip_norm, clip_norm / jnp.where(n > 0, n, 1.0), 1.0)


def momentum_ramp(target, mom_warmup):
    """The momentum schedule: from ``min(0.5, target)`` linearly up to ``target`` over
    ``mom_warmup`` steps."""

    def mom(count):
        frac = jnp.clip(jnp.asarray(count, jnp.float64) / jnp.maximum(mom_warmup, 1.0), 0.0, 1.0)
        start = jnp.minimum(0.5, target)
        return start + (target - start) * frac

    return mom


def momentum_stages(values, n_steps):
    r"""The staged momentum schedule (the course notes: 0.5, 0.9, 0.95, 0.99): value
    :math:`k` of the :math:`K` values for the steps :math:`t` with
    :math:`\lfloor tK/n \rfloor = k`, an equal share of the ``n_steps`` steps each (the last
    value from then on). ``values`` and ``n_steps`` are traced; only :math:`K` is static."""
    values = jnp.asarray(values, jnp.float64)
    k = values.shape[0]

    def mom(count):
        t = jnp.asarray(count, jnp.int64)
        idx = jnp.minimum(t * k // jnp.maximum(jnp.asarray(n_steps, jnp.int64), 1), k - 1)
        return values[jnp.maximum(idx, 0)]

    return mom


def _momentum_fn(kind: str, target, mom_warmup, stages, n_steps):
    """The momentum/beta1 of each (0-based) step for a schedule ``kind`` ("linear", "stages")."""
    if kind == "stages":
        return momentum_stages(stages, n_steps)
    return momentum_ramp(target, mom_warmup)


def _stages(momentum_stages, momentum_warmup) -> np.ndarray:
    """The staged momentum's values as a float64 vector (the notes' when none are given)."""
    if momentum_stages is None:
        return _NOTES
    stages = np.asarray(momentum_stages, dtype=np.float64).ravel()
    if stages.size < 1 or not np.all(np.isfinite(stages)):
        raise ValueError("momentum_stages must be one or more finite numbers")
    if momentum_warmup and momentum_warmup > 0:
        raise ValueError("momentum_stages and momentum_warmup are two schedules: pick one")
    return stages


def _momentum_kind(momentum_warmup, momentum_stages) -> str:
    """The momentum schedule's kind: "" (none), "linear" (the ramp) or "stages"."""
    if momentum_stages is not None:
        return "stages"
    return "linear" if momentum_warmup and momentum_warmup > 0 else ""


def _make_opt(spec: OptimizerSpec, lr_fn, hp, mom_fn, fast: bool):
    """The optax transformation with traced hyperparameters. With a momentum schedule
    (``mom_fn``: target -> count -> value) the momentum/beta1 is itself a schedule, which needs
    ``optax.inject_hyperparams``."""
    factory = spec.fast_factory if (fast and spec.fast_factory is not None) else spec.factory
    if mom_fn is None or spec.momentum_key is None:
        return factory(lr_fn, **hp)
    hp = dict(hp)
    hp[spec.momentum_key] = mom_fn(hp[spec.momentum_key])
    return optax.inject_hyperparams(factory)(learning_rate=lr_fn, **hp)


def _simulate(cfg: Static):
    """Build the (un-jitted) single-run function ``Inputs -> dict`` for one static configuration."""
    spec = get(cfg.optimizer)
    family = _FAMILIES[cfg.surface_key]
    schedule, n_total, record, fast, mom_sched = (
        cfg.schedule,
        cfg.n_total,
        cfg.record,
        cfg.fast,
        cfg.momentum_schedule,
    )
    views_too = not cfg.batched
    use_inject = mom_sched and spec.momentum_key is not None

    def setup(x: Inputs):
        """The run's functions of its traced inputs: the step (``body``), its views, its start."""
        start, lr, hp, sargs, warmup, mom_warmup = (
            x.start,
            x.lr,
            x.hparams,
            x.schedule_args,
            x.warmup,
            x.momentum_warmup,
        )
        clip_norm, clip_value, noise_std, seed, fparams = (
            x.clip_norm,
            x.clip_value,
            x.noise_std,
            x.seed,
            x.surface_params,
        )
        n_steps, center, radius = x.n_steps, x.center, x.radius
        f = lambda xy: family(xy, fparams)
        grad = jax.grad(f)
        if schedule == "constant" and not cfg.warmup:  # the rate itself: no count, no schedule
            sched = None
        elif schedule == "constant":
            sched = make_schedule(schedule, sargs, warmup)
        else:  # every other schedule: one table of multipliers, read by the step's index
            rates = make_any_schedule(x.schedule_kind, sargs, warmup)(jnp.arange(cfg.n_rates))
            sched = lambda count: jax.lax.dynamic_index_in_dim(rates, count, keepdims=False)
        lr_fn = (lambda count: lr) if sched is None else (lambda count: lr * sched(count))
        mom_fn = (
            (lambda target: _momentum_fn(mom_sched, target, mom_warmup, x.momentum_stages, n_steps))
            if use_inject
            else None
        )
        opt = _make_opt(spec, lr if sched is None else lr_fn, hp, mom_fn, fast)
        state0 = opt.init(start)
        rng = jax.random.key(seed)
        loss0 = f(start)
        g0 = grad(start)
        bad0 = ~(jnp.all(jnp.isfinite(start)) & jnp.isfinite(loss0) & jnp.all(jnp.isfinite(g0)))

        def parts(s):
            """The optimizer's own state (inside ``inject_hyperparams`` when the momentum is
            scheduled)."""
            return s.inner_state if use_inject else s

        def hp_at(count):
            """The hyperparameters of the step with 0-based index ``count`` (the momentum ramp
            applied)."""
            if not use_inject:
                return hp
            return {**hp, spec.momentum_key: mom_fn(hp[spec.momentum_key])(count)}

        def eval_point(p, s, count):
            return (
                p if spec.eval_point is None else spec.eval_point(parts(s), p, hp_at(count), grad)
            )

        def views(p, s, count):
            """Velocity, first moment and look-ahead point after ``count`` steps."""
            out = {"velocity": jnp.zeros(2), "mhat": jnp.zeros(2)}
            if spec.probe is not None:
                before = jnp.maximum(count - 1, 0)
                ctx = ProbeContext(hp_at(before), lr_fn(before), hp_at(count), lr_fn(count), count)
                out.update(spec.probe(parts(s), ctx))
            shift = out.pop("lookahead_shift", jnp.zeros(2))
            out["lookahead"] = eval_point(p, s, count) if spec.eval_point is not None else p + shift
            return {k: _finite(v) for k, v in out.items()}

        # Only the views the optimizer really has are recorded (the others are filled in by
        # ``run``: zeros, or the points themselves for the look-ahead).
        probed = set()
        if spec.probe is not None:
            probed = set(
                spec.probe(parts(state0), ProbeContext(hp_at(0), lr_fn(0), hp_at(0), lr_fn(0), 0))
            )
        if "lookahead_shift" in probed or spec.eval_point is not None:
            probed.add("lookahead")
        probed.discard("lookahead_shift")

        def advance(p, s, t, noise=None):
            """One step of the optimizer: where its gradient is taken, the true gradient there,
            the gradient used (noise and clipping), the new point and the new state."""
            q = eval_point(p, s, t)  # where this step's gradient is taken
            g_true = grad(q)
            g = g_true
            if noise is not None:  # drawn before the loop (recording runs)
                g = g + noise
            elif cfg.noise:
                g = g + jax.lax.cond(
                    noise_std > 0,
                    lambda: (
                        noise_std
                        * jax.random.normal(jax.random.fold_in(rng, t), (2,), dtype=p.dtype)
                    ),
                    lambda: jnp.zeros(2, dtype=p.dtype),
                )
            if cfg.clip:
                g = clip_gradient(g, clip_value, clip_norm)
            extra = {"hessian": jax.hessian(f)(p)} if spec.needs_hessian else {}
            with jax.numpy_dtype_promotion(
                "standard"
            ):  # optax's bias correction: float ** int32 count
                u, s_new = opt.update(g, s, p, **extra)
            return q, g_true, g, p + u, s_new

        # |x - c| <= r is false for a non-finite x once r is finite: the lean step's bound
        r_max = jnp.minimum(radius, jnp.finfo(jnp.float64).max)

        def lean(carry, t):
            """A sweep's step when nothing is recorded: the same divergence test and freeze as
            ``body`` with fewer operations (this is most of a sweep's time). The run has diverged
            once ``div_at >= 0`` (no separate flag), and the radius test, against a finite
            bound, also rejects a non-finite point."""
            p, s, div_at = carry
            _, g_true, _, p_new, s_new = advance(p, s, t)
            ok = (
                (jnp.abs(p_new[0] - center[0]) <= r_max)
                & (jnp.abs(p_new[1] - center[1]) <= r_max)
                & jnp.isfinite(g_true[0])
                & jnp.isfinite(g_true[1])
            )
            div_at = jnp.where((div_at < 0) & ~ok, t + 1, div_at)
            return (jnp.where(div_at >= 0, p, p_new), s_new, div_at), None

        def body(carry, t, noise=None):
            p, s, div, div_at, loss_p = carry
            q, g_true, g, p_new, s_new = advance(p, s, t, noise)
            # elementwise on the two coordinates (no reductions: cheaper inside a vmapped loop)
            ok = (
                jnp.isfinite(p_new[0])
                & jnp.isfinite(p_new[1])
                & jnp.isfinite(g_true[0])
                & jnp.isfinite(g_true[1])
            )
            ok = (
                ok
                & (jnp.abs(p_new[0] - center[0]) <= radius)
                & (jnp.abs(p_new[1] - center[1]) <= radius)
            )
            if record:  # the sweep catches a non-finite loss one step later, through its gradient
                loss_new = f(p_new)
                ok = ok & jnp.isfinite(loss_new)
            bad = (
                ~div & ~ok if not record else (t < n_steps) & ~div & ~ok
            )  # sweeps run exactly n_steps
            div_at = jnp.where(bad, t + 1, div_at)
            was_div = div
            div = div | bad
            keep = div if not record else div | (t >= n_steps)
            p_out = jnp.where(
                keep, p, p_new
            )  # the optimizer state is not frozen: nothing reads it after this
            if not record:
                return (p_out, s_new, div, div_at, loss_p), None
            loss_out = jnp.where(keep, loss_p, loss_new)
            rec = {"points": p_out, "losses": _finite(loss_out)}
            if views_too:  # a single run's views, each step's rate, gradients and momentum
                # the gradient at this step's point, where this step's gradient was taken and
                # the gradient used (frozen after divergence)
                rec["grads"] = gp = _finite(g_true if spec.eval_point is None else grad(p))
                # the step and the effective step size -dx_i / (df/dx_i) (0 where undefined)
                rec["updates"] = du = p_out - p
                safe = jnp.abs(gp) > 1e-300
                rec["eff_lr"] = _finite(jnp.where(safe, -du / jnp.where(safe, gp, 1.0), 0.0))
                rec["lrs"] = lr_fn(t)
                if use_inject:
                    rec["momenta"] = jnp.asarray(hp_at(t)[spec.momentum_key], jnp.float64)
                rec["eval_grads"] = jnp.where(was_div, 0.0, _finite(g))
                if spec.eval_point is not None:
                    rec["eval_points"] = jnp.where(was_div, p, _finite(q))
                if probed:
                    v = views(p_out, s_new, t + 1)
                    for k in probed:
                        rec[k] = jnp.where(div, p_out if k == "lookahead" else 0.0, v[k])
            return (p_out, s_new, div, div_at, loss_out), rec

        carry0 = (start, state0, bad0, jnp.where(bad0, 0, -1), loss0)
        return types.SimpleNamespace(
            body=body,
            lean=lean,
            carry0=carry0,
            f=f,
            grad=grad,
            views=views,
            start=start,
            state0=state0,
            loss0=loss0,
            n_steps=n_steps,
            noise_std=noise_std,
            rng=rng,
        )

    def one(x: Inputs, packed=None):
        """The run's outputs. ``packed``: ``(vector, unpack)``, the inputs as one vector that a
        recording loop carries, unpacking them inside its body (see below)."""
        global TRACE_COUNT
        TRACE_COUNT += 1
        s = setup(x)
        carry0, n_steps, f = s.carry0, s.n_steps, s.f
        if record:  # whole chunks (the steps past n_steps are frozen) written into one table
            shapes = jax.eval_shape(lambda c: s.body(c, jnp.int64(0))[1], carry0)
            width = {k: int(np.prod(shapes[k].shape, dtype=int)) for k in shapes}
            after, at = _table_columns(shapes)
            cols, c = {}, 0
            for k in after + at:
                cols[k] = (c, c + width[k])
                c += width[k]
            n_cols, n_after = max(c, 4), sum(width[k] for k in after)  # (the last row: 4)
            # a single run's gradient noise: each block's 16 steps drawn before its steps
            block_noise = cfg.noise and not cfg.batched

            def row(r, names):
                return jnp.concatenate([jnp.ravel(r[k]).astype(jnp.float64) for k in names])

            def chunks(table, si):
                """The loop over blocks of steps, writing into ``table`` (``si``: ``setup``)."""

                def outer(c):
                    k, carry, table = c
                    ts = k * CHUNK + jnp.arange(CHUNK)
                    xs = ts
                    if block_noise:
                        noise = jax.lax.cond(
                            si.noise_std > 0,
                            lambda: (
                                si.noise_std
                                * jax.vmap(
                                    lambda t: jax.random.normal(
                                        jax.random.fold_in(si.rng, t), (2,), dtype=jnp.float64
                                    )
                                )(ts)
                            ),
                            lambda: jnp.zeros((CHUNK, 2)),
                        )
                        xs = (ts, noise)

                    def step(carry, t):
                        carry, r = si.body(carry, *t) if block_noise else si.body(carry, t)
                        return carry, (row(r, after), row(r, at) if at else None)

                    carry, (rows_after, rows_at) = jax.lax.scan(
                        step, carry, xs, unroll=UNROLL[cfg.batched]
                    )
                    # row t: the state after t steps (after), step t itself (at)
                    table = jax.lax.dynamic_update_slice(table, rows_after, (k * CHUNK + 1, 0))
                    if at:
                        table = jax.lax.dynamic_update_slice(table, rows_at, (k * CHUNK, n_after))
                    return k + 1, carry, table

                first = {"points": si.start, "losses": _finite(si.loss0)}
                if views_too:
                    first.update(si.views(si.start, si.state0, 0))
                table = jax.lax.dynamic_update_slice(table, row(first, after)[None], (0, 0))
                n_chunks = (jnp.minimum(si.n_steps, n_total) + CHUNK - 1) // CHUNK
                _, (p, _, _, div_at, _), table = jax.lax.while_loop(
                    lambda c: c[0] < n_chunks, outer, (jnp.int64(0), si.carry0, table)
                )
                if "grads" in cols:  # the gradient at the last point
                    table = jax.lax.dynamic_update_slice(
                        table, _finite(si.grad(p))[None], (n_chunks * CHUNK, cols["grads"][0])
                    )
                # the last row: divergence step, final point and loss
                last = jnp.concatenate(
                    [div_at.astype(jnp.float64)[None], p, _finite(si.f(p))[None]]
                )
                return jax.lax.dynamic_update_slice(
                    table, jnp.pad(last, (0, n_cols - 4))[None], (n_total + 1, 0)
                )

            table = jnp.zeros((n_total + 2, n_cols))
            if packed is None:
                table = chunks(table, s)
            else:
                # A single run: the whole of it inside a loop of one trip (XLA cannot tell), whose
                # body unpacks the inputs from a vector it carries (and could change, so XLA
                # leaves that work in the body). XLA:CPU compiles the loop into one function;
                # outside it, each unpacked input and each step of the set-up and of the
                # write-up would be one more kernel dispatched by its runtime, concurrently
                # once there are more than 8 (the run's fixed cost: 2x less in one function).
                vec, unpack = packed
                trips = (n_steps > 0).astype(jnp.int64)

                def once(c):
                    j, v, table = c
                    v = jnp.where(j < 0, 2.0 * v, v)
                    return j + 1, v, chunks(table, setup(unpack(v)))

                table = jax.lax.while_loop(
                    lambda c: c[0] < trips, once, (jnp.int64(0), vec, table)
                )[2]
            _COLUMNS[cfg] = tuple(
                (k, *cols[k], n_total + (k in after or k == "grads"), shapes[k].shape)
                for k in after + at
            )
            return {"table": table}

        # exactly n_steps steps of the lean step, one per trip: neither blocks of steps nor
        # unrolling helped here (unrolling 4 steps: XLA's fusions recompute each step's
        # moments in the next, 1.2x the time)
        def single(c):
            return c[0] + 1, s.lean(c[1], c[0])[0]

        carry = (s.start, s.state0, carry0[3])
        _, (p, _, div_at) = jax.lax.while_loop(
            lambda c: c[0] < n_steps, single, (jnp.int64(0), carry)
        )
        return {"p": p, "loss": _finite(f(p)), "div_at": div_at}

    return one


# : (name, shape, offset) of each output inside the packed vector, per configuration; refreshed on
# use,
# : bounded far above ``_compiled``'s cache (an evicted layout's executable is long gone and
# retraces).
_LAYOUTS: collections.OrderedDict[Static, tuple] = collections.OrderedDict()
MAX_LAYOUTS = 4096


_AFTER = ("points", "losses", "velocity", "mhat", "lookahead")  # row t: the state after t steps


def _table_columns(shapes) -> tuple[list[str], list[str]]:
    """The recorded outputs of one step in the table's two column groups: those of the state
    after a step (row ``t + 1`` for step ``t``) and those of the step itself (row ``t``)."""
    after = [k for k in sorted(shapes) if k in _AFTER]
    return after, [k for k in sorted(shapes) if k not in _AFTER]


#: (name, first column, end column, rows, shape of a row) of each recorded output inside a
#: recording configuration's table (its last row: divergence step, final point, final loss).
_COLUMNS: dict[Static, tuple] = {}


def _pack(cfg: Static, out: dict):
    """All outputs as one float64 vector (one transfer to the host instead of one per output);
    the layout is noted at trace time."""
    layout, off = [], 0
    for k in sorted(out):
        size = int(np.prod(out[k].shape, dtype=int))
        layout.append((k, tuple(out[k].shape), off, off + size))
        off += size
    _LAYOUTS[cfg] = tuple(layout)
    _LAYOUTS.move_to_end(cfg)
    while len(_LAYOUTS) > MAX_LAYOUTS:
        _COLUMNS.pop(_LAYOUTS.popitem(last=False)[0], None)
    return jnp.concatenate([jnp.ravel(out[k]).astype(jnp.float64) for k in sorted(out)])


def _unpack(cfg: Static, flat) -> dict[str, np.ndarray]:
    """The outputs of a packed ``(..., size)`` array as numpy views (a recording
    configuration's: its table's columns)."""
    flat = np.asarray(flat)
    lead = flat.shape[:-1]
    _LAYOUTS.move_to_end(cfg)
    out = {k: flat[..., off:end].reshape(lead + shape) for k, shape, off, end in _LAYOUTS[cfg]}
    if "table" not in out:
        return out
    table = out.pop("table")
    out = {
        k: table[..., :rows, c0:c1].reshape((*lead, rows, *shape))
        for k, c0, c1, rows, shape in _COLUMNS[cfg]
    }
    last = table[..., -1, :4]
    out.update(div_at=last[..., 0], p=last[..., 1:3], loss=last[..., 3])
    return out


def _pack_inputs(x: Inputs, batched: bool):
    """``Inputs`` as one float64 vector of the shared values and, for a sweep, one ``(runs, k)``
    float64 matrix of the per-run values (``BATCH_AXES``), plus their layout (hashable).

    ``jit`` pays ~1.6 us per argument on this CPU; the ~20 leaves of ``Inputs`` cost more than
    a short run. Every leaf is exact in float64 (uint32 seeds, int64 step counts below 2**53)."""
    split = [a == 0 and batched for a in BATCH_AXES]
    shared = Inputs(*(None if b else v for v, b in zip(x, split, strict=True)))
    per_run = Inputs(*(v if b else None for v, b in zip(x, split, strict=True)))
    leaves, tree = jax.tree.flatten(shared)
    arrays = [np.asarray(v) for v in leaves]
    vec = np.concatenate(arrays, axis=None, dtype=np.float64, casting="unsafe")
    layout = (tree, tuple((a.shape, a.dtype) for a in arrays))
    if not batched:
        return (layout, None), vec, None
    leaves_b, tree_b = jax.tree.flatten(per_run)
    arrays_b = [np.asarray(v) for v in leaves_b]
    n = arrays_b[0].shape[0]
    mat = np.concatenate(
        [a.astype(np.float64, copy=False).reshape(n, -1) for a in arrays_b], axis=1
    )
    return (layout, (tree_b, tuple((a.shape[1:], a.dtype) for a in arrays_b))), vec, mat


@functools.cache
def _batch_layout(names: tuple[str, ...]):
    """The layout of a sweep's per-run matrix (as :func:`_pack_inputs` gives it) for the
    hyperparameters ``names``: columns start (2), lr, each hyperparameter, seed."""
    one = np.zeros(1)
    x = Inputs(*(None,) * len(Inputs._fields))._replace(
        start=np.zeros((1, 2)), lr=one, hparams={k: one for k in names}, seed=one
    )
    tree = jax.tree.flatten(x)[1]
    f64 = np.dtype(np.float64)
    return tree, (((2,), f64), ((), f64), *(((), f64) for _ in names), ((), np.dtype(np.uint32)))


def _unpack_inputs(layout, flat):
    """The pytree of a packed vector (traced): the inverse of :func:`_pack_inputs`."""
    tree, leaves = layout
    out, off = [], 0
    for shape, dtype in leaves:
        size = int(np.prod(shape, dtype=int))
        out.append(flat[off : off + size].reshape(shape).astype(dtype))
        off += size
    return jax.tree.unflatten(tree, out)


@functools.lru_cache(maxsize=128)
def _executable(cfg: Static, layout, shards: int = 1, block: int = 0):
    """The jitted ``(shared vector, per-run matrix or None) -> packed outputs`` of ``cfg``.

    With ``block > 0`` a sweep runs its runs in blocks of that many (``lax.map`` over a
    ``vmap``; the runs a multiple of it), so that each block's loop stays under XLA:CPU's
    small-while-loop limit and compiles into one function; with ``shards > 1`` each of that many
    devices runs its share of the runs (``shard_map``)."""
    one = _simulate(cfg)
    shared_layout, batch_layout = layout

    def merged(vec, row):
        shared = _unpack_inputs(shared_layout, vec)
        if row is None:
            return _pack(cfg, one(shared))
        per_run = _unpack_inputs(batch_layout, row)
        x = Inputs(*(b if b is not None else s for s, b in zip(shared, per_run, strict=True)))
        # a sweep's hyperparameters: those that differ between runs, the others shared
        x = x._replace(hparams={**(shared.hparams or {}), **(per_run.hparams or {})})
        return _pack(cfg, one(x))

    if not cfg.batched:
        unpack = functools.partial(_unpack_inputs, shared_layout)
        return jax.jit(lambda vec: _pack(cfg, one(unpack(vec), (vec, unpack))))
    runs = jax.vmap(merged, in_axes=(None, 0))

    def blocks(vec, mat):
        if not block:
            return runs(vec, mat)
        out = jax.lax.map(lambda m: runs(vec, m), mat.reshape(-1, block, mat.shape[-1]))
        return out.reshape(mat.shape[0], -1)

    if shards < 2:
        return jax.jit(blocks)
    P = jax.sharding.PartitionSpec
    return jax.jit(
        jax.shard_map(
            blocks,
            mesh=_mesh(shards),
            in_specs=(P(), P("runs")),
            out_specs=P("runs"),
            check_vma=False,
        )
    )


def _blocks(n: int, shards: int, record: bool) -> tuple[int, int]:
    """``(block, runs)``: the block size of a sweep of ``n`` runs on ``shards`` devices (0: one
    ``vmap``) and its runs padded to a whole number of blocks per device. A device's runs go in
    ``ceil(m / BLOCK)`` equal blocks (at most ``BLOCK`` runs each) once there are more than
    ``2 * BLOCK``; sweeps that record whole paths are not split (their buffers exceed the limit
    anyway). Blocks also bring a sweep's set-up into that loop: 100 runs in 4 blocks of 25 took
    0.33 ms per search against 0.39 ms in one ``vmap`` (whose loop around the set-up exceeds the
    limit), and 2,500 or 10,000 runs took the same in blocks of 32 as of 64."""
    m = -(-n // shards)
    if record or m <= 2 * BLOCK:
        return 0, n
    nb = -(-m // BLOCK)
    block = -(-m // nb)
    return block, shards * nb * block


@functools.cache
def _mesh(shards: int):
    """The mesh of the first ``shards`` devices along the runs."""
    return jax.sharding.Mesh(np.array(jax.devices()[:shards]), ("runs",))


def _values(x: Inputs) -> np.ndarray:
    """The leaves of ``x`` as one float64 vector, in :func:`_pack_inputs`'s order (``jax``'s:
    the fields in turn, a dict's entries by key), without flattening the pytree (4x faster)."""
    vals = []
    for v in x:
        if v is None:
            continue
        kind = type(v)
        if kind is float:
            vals.append(v)
        elif kind is dict:
            vals.extend([float(v[k]) for k in sorted(v)])
        elif kind is np.ndarray and v.ndim:
            vals.extend(v.ravel().tolist())
        else:
            vals.append(float(v))
    return np.array(vals)


def _signature(x: Inputs) -> tuple:
    """What fixes a run's input layout besides its configuration: the names of the
    hyperparameters, schedule arguments and surface parameters, and the number of stages."""
    return (
        tuple(x.hparams or ()),
        tuple(x.schedule_args),
        tuple(x.surface_params),
        np.shape(x.momentum_stages),
        x.schedule_kind is None,
    )


@functools.lru_cache(maxsize=128)
def _compiled(cfg: Static):
    """``Inputs -> packed outputs`` for ``cfg`` (one executable per input layout)."""
    known = {}  # a single run's executable per input signature (the layout computed once)

    def call(x: Inputs):
        if not cfg.batched:
            sig = _signature(x)
            if sig in known:
                return known[sig](_values(x))
        layout, vec, mat = _pack_inputs(x, cfg.batched)
        fn = _executable(cfg, layout)
        if mat is not None:
            return fn(vec, mat)
        if len(known) < 64 and np.array_equal(_values(x), vec, equal_nan=True):
            known[sig] = fn
        return fn(vec)

    return call


#: a sweep's executable per configuration, input signature, hyperparameters, shards and block
#: (least recently used forgotten first, bounded like ``_executable``'s cache)
_SWEEPS: collections.OrderedDict[tuple, Any] = collections.OrderedDict()


@functools.cache
def _n_devices() -> int:
    return len(jax.devices())


def _shards(n: int, parallel: bool) -> int:
    """How many devices a sweep of ``n`` runs is split across (1: not split)."""
    devices = _n_devices()
    return devices if parallel and devices >= 2 and n >= MIN_SPLIT else 1


def _split(batch, n: int, shards: int | None = None):
    """Pads the per-run arrays to a multiple of ``shards`` (default: :func:`_shards`) and shards
    them along the runs (as is with one shard)."""
    shards = _shards(n, True) if shards is None else shards
    if shards < 2:
        return batch
    pad = -n % shards
    sharding = jax.sharding.NamedSharding(_mesh(shards), jax.sharding.PartitionSpec("runs"))
    return jax.tree.map(
        lambda a: jax.device_put(
            np.concatenate([a, np.repeat(a[-1:], pad, axis=0)]) if pad else a, sharding
        ),
        batch,
    )


def _f64(v) -> np.ndarray:
    """A float64 host array: ``jit`` takes it as it is (``jnp.asarray`` here would cost a device
    transfer per argument, most of a single run's time)."""
    return np.asarray(v, dtype=np.float64)


def _remember(landscape) -> None:
    """Keep ``landscape``'s family for compilation, forgetting the oldest beyond MAX_FAMILIES."""
    _FAMILIES.setdefault(landscape.key, landscape.family)
    _FAMILIES.move_to_end(landscape.key)
    while len(_FAMILIES) > MAX_FAMILIES:
        _FAMILIES.popitem(last=False)


class _Shared(NamedTuple):
    """What ``run`` and ``sweep`` set up alike: the inputs every run shares (``Inputs`` without
    start, learning rate, hyperparameters and seed) and the static choices they imply."""

    inputs: Inputs
    schedule: str  # Static.schedule: "constant" or "any"
    momentum_schedule: str  # Static.momentum_schedule
    n_rates: int  # Static.n_rates


#: ``_shared``'s results for calls without schedule arguments and stages (the usual ones), by
#: their arguments (a landscape by identity), the oldest forgotten first
_SHARED_CACHE: collections.OrderedDict[tuple, _Shared] = collections.OrderedDict()


def _shared(landscape, steps, schedule, schedule_args_, clip_norm, clip_value, noise_std,
            warmup_steps, momentum_warmup, momentum_stages) -> _Shared:  # fmt: skip
    """The inputs shared by every run of one ``run`` or ``sweep`` call, validated (remembered
    for the next call with the same arguments: ~10 us of Python less per call)."""
    _remember(landscape)
    key = None
    if not schedule_args_ and momentum_stages is None:
        key = (landscape, steps, schedule, clip_norm, clip_value, noise_std, warmup_steps,
               momentum_warmup)  # fmt: skip
        try:
            hit = _SHARED_CACHE.get(key)
        except TypeError:  # an unhashable argument: computed as usual
            key = hit = None
        if hit is not None:  # (not moved to the end: no KeyError if another thread evicts it)
            return hit
    out = _shared_inputs(landscape, steps, schedule, schedule_args_, clip_norm, clip_value,
                         noise_std, warmup_steps, momentum_warmup, momentum_stages)  # fmt: skip
    if key is not None:
        _SHARED_CACHE[key] = out
        while len(_SHARED_CACHE) > 64:
            _SHARED_CACHE.popitem(last=False)
    return out


def _shared_inputs(landscape, steps, schedule, schedule_args_, clip_norm, clip_value, noise_std,
                   warmup_steps, momentum_warmup, momentum_stages) -> _Shared:  # fmt: skip
    """:func:`_shared`, computed."""
    if schedule == "constant":  # its own executable, without a table (the default, the fastest)
        schedule_args(schedule, schedule_args_)  # (it has none: any given argument is an error)
        kind, sargs = None, {}
    else:
        kind, sargs = schedule_inputs(schedule, schedule_args_)
        kind, sargs = np.int32(kind), {k: _f64(v) for k, v in sargs.items()}
    cn = np.inf if clip_norm is None or clip_norm <= 0 else float(clip_norm)
    cv = np.inf if clip_value is None or clip_value <= 0 else float(clip_value)
    ns = float(noise_std or 0.0)
    if not np.isfinite(ns) or ns < 0:
        raise ValueError("noise_std must be a finite number >= 0")
    fparams = {k: _f64(v) for k, v in landscape.values.items()}
    # (scalars as Python floats: float64 leaves, packed fastest by ``_values``)
    w, mw = float(warmup_steps), float(momentum_warmup)
    center, radius = _f64(landscape.center), float(RUNAWAY * landscape.extent)
    stages = _stages(momentum_stages, momentum_warmup)
    key = "constant" if schedule == "constant" else "any"
    inputs = Inputs(None, None, None, sargs, w, mw, cn, cv, ns, None, fparams, np.int64(steps),
                    center, radius, stages, kind)  # fmt: skip
    return _Shared(
        inputs,
        key,
        _momentum_kind(momentum_warmup, momentum_stages),
        0 if key == "constant" else _bucket(steps),
    )


def run(
    landscape,
    optimizer,
    *,
    start=None,
    steps: int = 200,
    lr: float | None = None,
    schedule: str = "constant",
    schedule_args: Mapping[str, float] | None = None,
    hparams: Mapping[str, float] | None = None,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    noise_std: float = 0.0,
    seed: int = 0,
    warmup_steps: float = 0.0,
    momentum_warmup: float = 0.0,
    momentum_stages: Sequence[float] | None = None,
) -> Trajectory:
    """Run one optimizer on one surface and return its :class:`Trajectory`.

    ``noise_std`` adds :math:`\\mathcal N(0, \\sigma^2 I)` to every gradient (a mini-batch
    simulation: use :math:`\\sigma_1/\\sqrt{B}` for batch size :math:`B`). ``clip_value`` clips each
    coordinate, then ``clip_norm`` the global norm (``None`` or ``<= 0``: off). ``momentum_warmup``
    ramps the momentum/:math:`\\beta_1` from 0.5 to its value over that many steps;
    ``momentum_stages`` (e.g. :data:`NOTES_MOMENTA`) holds each of its values instead for an equal
    share of the steps (the course notes' schedule).
    """
    spec = get(optimizer)
    steps = int(steps)
    n_total = _bucket(steps)
    hp = spec.hparams(hparams)
    lr = float(spec.lr.default if lr is None else lr)
    start = landscape.start if start is None else start
    sh = _shared(landscape, steps, schedule, schedule_args, clip_norm, clip_value, noise_std,
                 warmup_steps, momentum_warmup, momentum_stages)  # fmt: skip
    cfg = Static(landscape.key, spec.name, sh.schedule, n_total,
                 momentum_schedule=sh.momentum_schedule, n_rates=sh.n_rates)  # fmt: skip
    x = sh.inputs._replace(
        start=_f64(start), lr=lr, hparams=hp, seed=np.uint32(int(seed) % (2**32))
    )
    out = _compiled(cfg)(x)
    out = _unpack(cfg, out)
    n = steps
    points = out["points"][: n + 1]
    # what the optimizer does not have, filled in here (the executable leaves it out)
    if "lookahead" not in out:
        out["lookahead"] = out["points"]
    for k in ("velocity", "mhat"):
        if k not in out:
            out[k] = np.zeros_like(points)
    if "eval_points" not in out:
        out["eval_points"] = out["points"][:-1]
    if spec.momentum_key is not None and "momenta" not in out:
        out["momenta"] = np.full(n, hp[spec.momentum_key])
    grads = out["grads"][: n + 1]
    updates, eff = out["updates"][:n], out["eff_lr"][:n]
    div = int(out["div_at"][()])
    if (
        landscape.name == "custom"
    ):  # a formula can have poles: a step across one is a divergence too
        k = first_break(landscape, points)
        if k is not None and (
            div < 0 or k + 1 < div
        ):  # freeze at the last good point, as for any divergence
            div = k + 1
            out = {name: np.array(v) for name, v in out.items()}
            for name in ("points", "losses", "grads", "velocity", "lookahead", "mhat"):
                out[name][k + 1 : n + 1] = out[name][k]
            out["eval_points"][k:n] = out["points"][k]
            out["eval_grads"][k:n] = 0.0
            points, grads = out["points"][: n + 1], out["grads"][: n + 1]
            updates = points[1:] - points[:-1]
            eff = np.where(np.arange(n)[:, None] >= k, 0.0, eff)
    return Trajectory(
        points=points,
        losses=out["losses"][: n + 1],
        grads=grads,
        lrs=out["lrs"][:n],
        updates=updates,
        velocity=out["velocity"][: n + 1],
        lookahead=out["lookahead"][: n + 1],
        mhat=out["mhat"][: n + 1],
        eff_lr=eff,
        diverged_at=None if div < 0 else div,
        eval_points=out["eval_points"][:n],
        eval_grads=out["eval_grads"][:n],
        momenta=out["momenta"][:n] if "momenta" in out else None,
    )


def sweep(
    landscape,
    optimizer,
    *,
    starts=None,
    lr=None,
    hparams: Mapping[str, Any] | None = None,
    steps: int = 200,
    schedule: str = "constant",
    schedule_args: Mapping[str, float] | None = None,
    clip_norm=None,
    clip_value=None,
    noise_std: float = 0.0,
    seeds=0,
    warmup_steps: float = 0.0,
    momentum_warmup: float = 0.0,
    momentum_stages: Sequence[float] | None = None,
    return_paths: bool = False,
    fast: bool = True,
    parallel: bool = True,
) -> SweepResult:
    """The same engine ``vmap``-ped over many starts and/or hyperparameter values.

    ``starts`` is ``(n, 2)`` or one point; ``lr`` and each ``hparams`` entry a scalar or an
    ``(n,)`` array; ``seeds`` a scalar or ``(n,)``. All are broadcast to ``n`` runs. With
    ``fast=True`` an optimizer's sweep-friendly rule (tested equal to optax) is used. With
    ``parallel=True`` a large sweep is split across the default backend's devices (the CPU cores
    on a CPU host, see ``landscapes``); the runs are independent, so the result is the same.
    """
    spec = get(optimizer)
    steps = int(steps)
    n_total = _bucket(steps) if return_paths else 0
    starts = np.asarray(landscape.start if starts is None else starts, dtype=float)
    lr = np.asarray(spec.lr.default if lr is None else lr, dtype=float)
    given = dict(hparams or {})
    extra = set(given) - set(spec.hyperparams)
    if extra:
        raise KeyError(f"{spec.name} has no hyperparameter(s) {sorted(extra)}")
    hp = {k: np.asarray(given.get(k, v.default), dtype=float) for k, v in spec.hyperparams.items()}
    seeds = np.int64(seeds % 2**32) if type(seeds) is int else np.asarray(seeds, np.int64) % 2**32
    sizes = [
        starts.shape[0] if starts.ndim == 2 else 1,
        lr.size,
        seeds.size,
        *(v.size for v in hp.values()),
    ]
    n = max(sizes)
    if any(s not in (1, n) for s in sizes):
        raise ValueError(f"sweep inputs must have length 1 or {n}, got {sizes}")
    if n * max(steps, 1) > MAX_SWEEP * 500 or n > MAX_SWEEP:
        raise ValueError(
            f"sweep too large: {n} runs x {steps} steps (limit {MAX_SWEEP} runs, "
            f"{MAX_SWEEP * 500} run-steps)"
        )
    sh = _shared(landscape, steps, schedule, schedule_args, clip_norm, clip_value, noise_std,
                 warmup_steps, momentum_warmup, momentum_stages)  # fmt: skip
    shared = sh.inputs
    cfg = _static(
        landscape.key,
        spec.name,
        sh.schedule,
        n_total,
        bool(return_paths),
        bool(fast),
        True,
        sh.momentum_schedule,
        noise=bool(shared.noise_std > 0),
        clip=math.isfinite(shared.clip_norm) or math.isfinite(shared.clip_value),
        n_rates=sh.n_rates,
        warmup=sh.schedule != "constant" or shared.warmup > 0,
    )
    # The hyperparameters that differ between runs go into the per-run matrix, the others into
    # the shared vector (a number for all runs instead of a column: 2,500 x 200 Adam steps ~10%
    # less time; which ones differ is part of the executable's key).
    names = tuple(sorted(k for k, v in hp.items() if v.size > 1))
    shared = shared._replace(hparams={k: float(v.item()) for k, v in hp.items() if v.size == 1})
    # the per-run matrix filled in place (broadcast by assignment): start, lr, hparams, seed
    mat = np.empty((n, 4 + len(names)))
    mat[:, 0:2] = starts.reshape(-1, 2)
    mat[:, 2] = lr.ravel()
    for i, k in enumerate(names):
        mat[:, 3 + i] = hp[k].ravel()
    mat[:, -1] = seeds.ravel()
    shards = _shards(n, parallel)
    block, padded = _blocks(n, shards, cfg.record)
    if padded > n:  # whole blocks: the last run repeated
        mat = np.concatenate([mat, np.repeat(mat[-1:], padded - n, axis=0)])
    key = (cfg, _signature(shared), names, shards, block)
    fn = _SWEEPS.get(key)
    vec = _values(shared)
    if fn is not None:
        _SWEEPS.move_to_end(key)
    else:  # the shared inputs' layout, computed once
        (shared_layout, _), packed, _ = _pack_inputs(shared, False)
        fn = _executable(cfg, (shared_layout, _batch_layout(names)), shards, block)
        if np.array_equal(packed, vec, equal_nan=True):
            _SWEEPS[key] = fn
            while len(_SWEEPS) > 128:  # (as many as ``_executable`` keeps)
                _SWEEPS.popitem(last=False)
        vec = packed
    out = fn(vec, _split(mat, padded, shards))
    out = {k: v[:n] for k, v in _unpack(cfg, out).items()}
    paths = losses = None
    if return_paths:
        paths = out["points"][:, : steps + 1]
        losses = out["losses"][:, : steps + 1]
    return SweepResult(out["p"], out["loss"], out["div_at"].astype(int), paths, losses)


def warm_up(surfaces=None, optimizer_names=None, sweep_runs=(2,)) -> dict[str, float]:
    """Compile the executables a first visitor is most likely to need, before the first session.

    For each surface (default: the default scenario's) and optimizer (default: the default
    scenario's) that is one trajectory (steps slider range, any step count) and one sweep (final
    points, any step count) per size in ``sweep_runs`` (a sweep's number of runs is an array shape:
    each compiles once), each without noise and clipping. Returns the seconds spent on each
    ``"surface/optimizer/run"`` and ``"surface/optimizer/sweep<runs>"``. Compiled executables also
    go to JAX's persistent cache when one is configured, so a restarted server warms up faster."""
    import time

    import landscapes
    from scenarios import Scenario

    default = Scenario()
    surfaces = (default.surface,) if surfaces is None else tuple(surfaces)
    optimizer_names = (
        tuple(c.name for c in default.optimizers)
        if optimizer_names is None
        else tuple(optimizer_names)
    )
    spent = {}
    for surface in surfaces:
        scape = landscapes.get(surface)
        for name in optimizer_names:
            t0 = time.perf_counter()
            run(scape, name, steps=2)
            spent[f"{surface}/{name}/run"] = time.perf_counter() - t0
            for n in sweep_runs:
                t0 = time.perf_counter()
                sweep(
                    scape,
                    name,
                    starts=np.broadcast_to(np.asarray(scape.start, float), (int(n), 2)),
                    steps=2,
                )
                spent[f"{surface}/{name}/sweep{int(n)}"] = time.perf_counter() - t0
    return spent
