r"""Optiscape's engine as it was before the chunked loop (commit 13cb511), kept only as the
reference that tests/test_engine.py and bench_engine.py compare the engine with. Not part of the
product.

The jitted trajectory engine: ``lax.scan`` over steps, ``vmap`` over configurations.

Static (compile-time) choices: the surface family, the optimizer, the schedule kind,
a step bucket and whether whole paths are recorded. Everything else (start,
learning rate, hyperparameters, schedule arguments, clipping, noise, seed, surface
parameters) is a traced argument, so changing it never recompiles.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ._schedules import make_schedule, schedule_args
from ._specs import OptimizerSpec, ProbeContext, get

MAX_STEPS = 10_000
MIN_SPLIT = 512  # sweeps of at least this many runs are split across the host's devices
MAX_SWEEP = 250_000
_BUCKETS = (16, 64, 128, 256, 512, 1024, 2048, 4096, 10_000)
RUNAWAY = 100.0  # points farther than RUNAWAY * extent from the surface's centre count as diverged

#: Number of times an engine function was traced (== compiled); tests read it.
TRACE_COUNT = 0

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
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    return next(b for b in _BUCKETS if b >= steps)


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


def _make_opt(spec: OptimizerSpec, lr_fn, hp, mom_warmup, fast: bool, mom_sched: bool):
    """The optax transformation with traced hyperparameters. With a momentum schedule the
    momentum/beta1 is itself a schedule, which needs ``optax.inject_hyperparams``."""
    factory = spec.fast_factory if (fast and spec.fast_factory is not None) else spec.factory
    if not mom_sched or spec.momentum_key is None:
        return factory(lr_fn, **hp)
    hp = dict(hp)
    hp[spec.momentum_key] = momentum_ramp(hp[spec.momentum_key], mom_warmup)
    return optax.inject_hyperparams(factory)(learning_rate=lr_fn, **hp)


def _simulate(
    key: str,
    opt_name: str,
    schedule: str,
    n_total: int,
    record: bool,
    fast: bool,
    mom_sched: bool,
    views_too: bool,
):
    """Build the (un-jitted) single-run function for one static configuration."""
    spec = get(opt_name)
    family = _FAMILIES[key]
    use_inject = mom_sched and spec.momentum_key is not None

    def one(
        start,
        lr,
        hp,
        sargs,
        warmup,
        mom_warmup,
        clip_norm,
        clip_value,
        noise_std,
        seed,
        fparams,
        n_steps,
        center,
        radius,
    ):
        global TRACE_COUNT
        TRACE_COUNT += 1
        f = lambda xy: family(xy, fparams)
        grad = jax.grad(f)
        sched = make_schedule(schedule, sargs, warmup)
        lr_fn = lambda count: lr * sched(count)
        opt = _make_opt(spec, lr_fn, hp, mom_warmup, fast, mom_sched)
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
            return {
                **hp,
                spec.momentum_key: momentum_ramp(hp[spec.momentum_key], mom_warmup)(count),
            }

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

        # Only what the optimizer really has is recorded inside the loop (every per-step output
        # costs
        # a buffer update on each iteration); gradients, rates and steps are derived after it.
        probed = set()
        if spec.probe is not None:
            probed = set(
                spec.probe(parts(state0), ProbeContext(hp_at(0), lr_fn(0), hp_at(0), lr_fn(0), 0))
            )
        if "lookahead_shift" in probed or spec.eval_point is not None:
            probed.add("lookahead")
        probed.discard("lookahead_shift")

        def body(carry, t):
            p, s, div, div_at, loss_p = carry
            q = eval_point(p, s, t)  # where this step's gradient is taken
            g_true = grad(q)
            g = g_true + jax.lax.cond(
                noise_std > 0,
                lambda: (
                    noise_std * jax.random.normal(jax.random.fold_in(rng, t), (2,), dtype=p.dtype)
                ),
                lambda: jnp.zeros(2, dtype=p.dtype),
            )
            g = clip_gradient(g, clip_value, clip_norm)
            extra = {"hessian": jax.hessian(f)(p)} if spec.needs_hessian else {}
            with jax.numpy_dtype_promotion(
                "standard"
            ):  # optax's bias correction: float ** int32 count
                u, s_new = opt.update(g, s, p, **extra)
            p_new = p + u
            ok = jnp.all(jnp.isfinite(p_new)) & jnp.all(jnp.isfinite(g_true))
            ok = ok & (jnp.max(jnp.abs(p_new - center)) <= radius)
            if record:  # the sweep catches a non-finite loss one step later, through its gradient
                loss_new = f(p_new)
                ok = ok & jnp.isfinite(loss_new)
            bad = (t < n_steps) & ~div & ~ok
            div_at = jnp.where(bad, t + 1, div_at)
            was_div = div
            div = div | bad
            keep = div | (t >= n_steps)
            p_out = jnp.where(
                keep, p, p_new
            )  # the optimizer state is not frozen: nothing reads it after this
            if not record:
                return (p_out, s_new, div, div_at, loss_p), None
            loss_out = jnp.where(keep, loss_p, loss_new)
            rec = {"p": p_out, "loss": loss_out}
            # where this step's gradient was taken and the gradient used (frozen after divergence)
            if views_too:
                rec["eval_g"] = jnp.where(was_div, 0.0, _finite(g))
                if spec.eval_point is not None:
                    rec["eval_p"] = jnp.where(was_div, p, _finite(q))
            if probed and views_too:
                v = views(p_out, s_new, t + 1)
                for k in probed:
                    rec[k] = jnp.where(div, p_out if k == "lookahead" else 0.0, v[k])
            return (p_out, s_new, div, div_at, loss_out), rec

        carry0 = (start, state0, bad0, jnp.where(bad0, 0, -1), loss0)
        (p, _, _, div_at, _), rec = jax.lax.scan(body, carry0, jnp.arange(n_total))
        final = {"p": p, "loss": _finite(f(p)), "div_at": div_at}
        if record:
            pts = jnp.concatenate([start[None], rec["p"]])
            final["points"] = pts
            final["losses"] = _finite(jnp.concatenate([loss0[None], rec["loss"]]))
        if record and views_too:  # a single run's views; sweeps return paths and losses only
            v0 = views(start, state0, 0)
            final["grads"] = _finite(jax.vmap(grad)(pts))
            final["lrs"] = jax.vmap(lr_fn)(jnp.arange(n_total))
            if spec.momentum_key is not None:
                final["momenta"] = jax.vmap(
                    lambda c: jnp.asarray(hp_at(c)[spec.momentum_key], jnp.float64)
                )(jnp.arange(n_total))
            for k in ("velocity", "mhat", "lookahead"):
                first = v0[k][None]
                final[k] = (
                    jnp.concatenate([first, rec[k]])
                    if k in rec
                    else (pts if k == "lookahead" else jnp.zeros_like(pts))
                )
            final["eval_grads"] = rec["eval_g"]
            final["eval_points"] = rec["eval_p"] if "eval_p" in rec else pts[:-1]
        return final

    return one


@functools.lru_cache(maxsize=128)
def _compiled(
    key: str,
    opt_name: str,
    schedule: str,
    n_total: int,
    record: bool,
    fast: bool,
    batched: bool,
    mom_sched: bool = False,
):
    fn = _simulate(key, opt_name, schedule, n_total, record, fast, mom_sched, views_too=not batched)
    if batched:
        fn = jax.vmap(
            fn, in_axes=(0, 0, 0, None, None, None, None, None, None, 0, None, None, None, None)
        )
    return jax.jit(fn)


def _split(batch, n: int):
    """Pads the batch to a multiple of the device count and shards it along the runs (as is when
    there is one device or the sweep is small)."""
    devices = jax.devices()
    if len(devices) < 2 or n < MIN_SPLIT:
        return batch
    pad = -n % len(devices)
    sharding = jax.sharding.NamedSharding(
        jax.sharding.Mesh(np.array(devices), ("runs",)), jax.sharding.PartitionSpec("runs")
    )
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


def _common(
    landscape,
    spec,
    schedule,
    schedule_args_,
    clip_norm,
    clip_value,
    noise_std,
    warmup_steps,
    momentum_warmup,
):
    _FAMILIES.setdefault(landscape.key, landscape.family)
    _FAMILIES.move_to_end(landscape.key)
    while len(_FAMILIES) > MAX_FAMILIES:
        _FAMILIES.popitem(last=False)
    sargs = {k: _f64(v) for k, v in schedule_args(schedule, schedule_args_).items()}
    cn = np.inf if clip_norm is None or clip_norm <= 0 else float(clip_norm)
    cv = np.inf if clip_value is None or clip_value <= 0 else float(clip_value)
    ns = float(noise_std or 0.0)
    if not np.isfinite(ns) or ns < 0:
        raise ValueError("noise_std must be a finite number >= 0")
    fparams = {k: _f64(v) for k, v in landscape.values.items()}
    center = _f64(landscape.center)
    radius = _f64(RUNAWAY * landscape.extent)
    return (
        sargs,
        _f64(warmup_steps),
        _f64(momentum_warmup),
        _f64(cn),
        _f64(cv),
        _f64(ns),
        fparams,
        center,
        radius,
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
) -> Trajectory:
    """Run one optimizer on one surface and return its :class:`Trajectory`.

    ``noise_std`` adds :math:`\\mathcal N(0, \\sigma^2 I)` to every gradient (a mini-batch
    simulation: use :math:`\\sigma_1/\\sqrt{B}` for batch size :math:`B`). ``clip_value`` clips each
    coordinate, then ``clip_norm`` the global norm (``None`` or ``<= 0``: off). ``momentum_warmup``
    ramps the momentum/:math:`\\beta_1` from 0.5 to its value over that many steps.
    """
    spec = get(optimizer)
    steps = int(steps)
    n_total = _bucket(steps)
    hp = {k: _f64(v) for k, v in spec.hparams(hparams).items()}
    lr = float(spec.lr.default if lr is None else lr)
    start = landscape.start if start is None else start
    common = _common(
        landscape,
        spec,
        schedule,
        schedule_args,
        clip_norm,
        clip_value,
        noise_std,
        warmup_steps,
        momentum_warmup,
    )
    sargs, w, mw, cn, cv, ns, fparams, center, radius = common
    fn = _compiled(
        landscape.key, spec.name, schedule, n_total, True, False, False, bool(momentum_warmup > 0)
    )
    out = fn(
        _f64(start),
        _f64(lr),
        hp,
        sargs,
        w,
        mw,
        cn,
        cv,
        ns,
        np.uint32(int(seed) % (2**32)),
        fparams,
        np.int64(steps),
        center,
        radius,
    )
    out = jax.tree.map(np.asarray, out)
    n = steps
    points = out["points"][: n + 1]
    grads = out["grads"][: n + 1]
    updates = np.diff(points, axis=0)
    g = grads[:-1]
    safe = np.abs(g) > 1e-300
    eff = np.where(safe, -updates / np.where(safe, g, 1.0), 0.0)
    div = int(out["div_at"])
    return Trajectory(
        points=points,
        losses=out["losses"][: n + 1],
        grads=grads,
        lrs=out["lrs"][:n],
        updates=updates,
        velocity=out["velocity"][: n + 1],
        lookahead=out["lookahead"][: n + 1],
        mhat=out["mhat"][: n + 1],
        eff_lr=np.nan_to_num(eff, nan=0.0, posinf=0.0, neginf=0.0),
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
    n_total = _bucket(steps)
    starts = np.asarray(landscape.start if starts is None else starts, dtype=float)
    lr = np.asarray(spec.lr.default if lr is None else lr, dtype=float)
    given = dict(hparams or {})
    extra = set(given) - set(spec.hyperparams)
    if extra:
        raise KeyError(f"{spec.name} has no hyperparameter(s) {sorted(extra)}")
    hp = {k: np.asarray(given.get(k, v.default), dtype=float) for k, v in spec.hyperparams.items()}
    seeds = np.asarray(seeds, dtype=np.int64) % (2**32)
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
    starts_b = np.broadcast_to(starts.reshape(-1, 2), (n, 2))
    common = _common(
        landscape,
        spec,
        schedule,
        schedule_args,
        clip_norm,
        clip_value,
        noise_std,
        warmup_steps,
        momentum_warmup,
    )
    sargs, w, mw, cn, cv, ns, fparams, center, radius = common
    fn = _compiled(
        landscape.key,
        spec.name,
        schedule,
        n_total,
        bool(return_paths),
        bool(fast),
        True,
        bool(momentum_warmup > 0),
    )
    batch = (
        _f64(starts_b),
        _f64(np.broadcast_to(lr.ravel(), (n,))),
        {k: _f64(np.broadcast_to(v.ravel(), (n,))) for k, v in hp.items()},
        np.ascontiguousarray(np.broadcast_to(seeds.ravel(), (n,)), dtype=np.uint32),
    )
    if parallel:
        batch = _split(batch, n)
    starts_a, lr_a, hp_a, seeds_a = batch
    out = fn(
        starts_a,
        lr_a,
        hp_a,
        sargs,
        w,
        mw,
        cn,
        cv,
        ns,
        seeds_a,
        fparams,
        np.int64(steps),
        center,
        radius,
    )
    out = jax.tree.map(lambda a: np.asarray(a)[:n], out)
    paths = losses = None
    if return_paths:
        paths = out["points"][:, : steps + 1]
        losses = out["losses"][:, : steps + 1]
    return SweepResult(out["p"], out["loss"], out["div_at"].astype(int), paths, losses)
