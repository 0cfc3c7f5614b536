r"""Real mini-batches on finite-sum problems with two parameters.

A finite sum :math:`f(w) = \frac1N \sum_{i=1}^N f_i(w)` over data made here (least squares or
logistic regression, :math:`w \in \mathbb{R}^2`). Each step draws a real mini-batch: the data are
shuffled at the start of every epoch (seeded) and cut into consecutive batches of :math:`B`
examples, so no example repeats within an epoch and the last ``N mod B`` examples of an epoch are
left out (``drop_last``). The mini-batch gradient :math:`g_B = \frac1B\sum_{i\in\mathcal B}\nabla
f_i` is unbiased and its covariance is :math:`\frac{N-B}{B(N-1)}\,\Sigma(w)`, where
:math:`\Sigma(w)` is the covariance of the per-example gradients at :math:`w`: the noise is
anisotropic and depends on the position, unlike isotropic Gaussian noise.

References: Robbins & Monro 1951; Goyal et al. 2017 (linear scaling rule); Smith et al. 2018
(don't decay the learning rate, increase the batch size).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import optax.contrib

from i18n import N_, gettext_for
from optimizers._schedules import make_schedule, schedule_args
from optimizers._specs import get

KINDS = ("least_squares", "logistic")
MAX_N = 512
MAX_MB_STEPS = 16384
BUCKETS = (4096, 16384)  # step buffers: two shapes, so no slider recompiles
PLATEAU_FACTOR = 0.5  # reduce-on-plateau halves the rate
DEFAULT_START = (-1.0, 1.5)
L2 = 1e-2  # logistic regression's ridge term: a unique minimum even for separable data


@dataclasses.dataclass(frozen=True, eq=False)
class Problem:
    r"""A finite-sum problem: features ``a`` (N x 2), targets ``b`` (N,), and its kind.

    Least squares: :math:`f_i(w) = \tfrac12 (a_i^\top w - b_i)^2`. Logistic regression
    (:math:`b_i \in \{-1, 1\}`): :math:`f_i(w) = \log(1 + e^{-b_i a_i^\top w}) +
    \tfrac{\lambda}{2}|w|^2` with :math:`\lambda = 10^{-2}`.
    """

    kind: str
    a: np.ndarray
    b: np.ndarray
    w_star: np.ndarray
    f_star: float

    @property
    def n(self) -> int:
        return len(self.b)


def _example_loss(kind: str):
    if kind == "least_squares":
        return lambda w, a, b: 0.5 * (a @ w - b) ** 2
    return lambda w, a, b: jnp.logaddexp(0.0, -b * (a @ w)) + 0.5 * L2 * (w @ w)


def example_losses(problem: Problem, w) -> np.ndarray:
    """Every example's loss :math:`f_i(w)` (N,)."""
    f = jax.vmap(_example_loss(problem.kind), in_axes=(None, 0, 0))
    return np.asarray(f(jnp.asarray(w, float), jnp.asarray(problem.a), jnp.asarray(problem.b)))


def example_grads(problem: Problem, w) -> np.ndarray:
    r"""Every example's gradient :math:`\nabla f_i(w)` (N x 2)."""
    g = jax.vmap(jax.grad(_example_loss(problem.kind)), in_axes=(None, 0, 0))
    return np.asarray(g(jnp.asarray(w, float), jnp.asarray(problem.a), jnp.asarray(problem.b)))


def make_problem(kind: str = "least_squares", n: int = 256, *, seed: int = 0) -> Problem:
    """Data made in code: correlated, unequally scaled features (an elongated, tilted bowl)."""
    if kind not in KINDS:
        raise ValueError(f"unknown problem {kind!r}; choose one of {', '.join(KINDS)}")
    if not 8 <= n <= MAX_N:
        raise ValueError(f"the data set has 8 to {MAX_N} examples, not {n}")
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    a = z @ np.array([[1.6, 0.0], [0.9, 0.5]])  # correlated features, condition number ~10
    w_true = np.array([1.5, -1.0])
    if kind == "least_squares":
        b = a @ w_true + rng.normal(0.0, 0.5, n)
    else:
        p = 1.0 / (1.0 + np.exp(-(a @ w_true)))
        b = np.where(rng.uniform(size=n) < p, 1.0, -1.0)
    proto = Problem(kind, a, b, np.zeros(2), 0.0)
    w = _minimize(proto)
    return Problem(kind, a, b, w, float(np.mean(example_losses(proto, w))))


def _minimize(problem: Problem) -> np.ndarray:
    """The full-batch minimum: normal equations, or Newton's method for the logistic loss."""
    a, b = problem.a, problem.b
    if problem.kind == "least_squares":
        return np.linalg.solve(a.T @ a, a.T @ b)
    w = np.zeros(2)
    for _ in range(50):
        g = np.mean(example_grads(problem, w), axis=0)
        s = 1.0 / (1.0 + np.exp(-(a @ w) * b))
        h = (a * (s * (1 - s))[:, None]).T @ a / len(b) + L2 * np.eye(2)
        w = w - np.linalg.solve(h, g)
    return w


@functools.lru_cache(maxsize=4)
def _grid_fn(kind: str):
    f = _example_loss(kind)

    @jax.jit
    def mean_loss(W, a, b, m):
        per = jax.vmap(lambda w: jax.vmap(f, in_axes=(None, 0, 0))(w, a, b))(W)
        return jnp.sum(jnp.where(m, per, 0.0), axis=1) / jnp.sum(m, dtype=per.dtype)

    return mean_loss


def full_loss_grid(problem: Problem, bounds, n: int = 61, subset=None) -> np.ndarray:
    """The loss (mean over ``subset``, default every example) on an ``n x n`` grid (rows: y)."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    W = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)
    m = np.zeros(problem.n, bool)
    m[np.arange(problem.n) if subset is None else np.asarray(subset)] = True
    z = _grid_fn(problem.kind)(jnp.asarray(W), jnp.asarray(problem.a), jnp.asarray(problem.b), m)
    return np.asarray(z).reshape(n, n)


def bounds_for(problem: Problem, start=DEFAULT_START, pad: float = 2.5):
    """A square box around the minimum that holds ``start`` with a margin."""
    cx, cy = problem.w_star
    half = max(pad, 1.15 * float(np.max(np.abs(np.asarray(start) - problem.w_star))))
    return ((cx - half, cx + half), (cy - half, cy + half))


# --- sampling ---------------------------------------------------------------------------------


def batch_plan(
    n: int, batch: int, steps: int, *, growth: float = 1.0, every_epochs: int = 0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which examples each step uses: ``(idx, mask, sizes)``, ``idx`` padded to the largest batch.

    An epoch is one shuffle of ``range(n)`` (seeded); a step takes the next ``B`` unused examples
    and a new epoch starts when fewer than ``B`` are left (they are skipped: ``drop_last``), so no
    example repeats within an epoch. With ``growth`` and ``every_epochs`` the batch size is
    multiplied by ``growth`` every ``every_epochs`` epochs, up to ``n`` (Smith et al. 2018).
    """
    rng = np.random.default_rng(seed)
    sizes = np.empty(steps, dtype=np.int64)
    rows = []
    perm, pos, epoch, bsz = rng.permutation(n), 0, 0, batch
    for t in range(steps):
        if pos + bsz > n:
            perm, pos, epoch = rng.permutation(n), 0, epoch + 1
            if growth != 1.0 and every_epochs > 0:
                bsz = int(min(n, round(batch * growth ** (epoch // every_epochs))))
        rows.append(perm[pos : pos + bsz])
        sizes[t] = bsz
        pos += bsz
    width = int(sizes.max()) if steps else 1
    idx = np.zeros((steps, width), dtype=np.int32)
    mask = np.zeros((steps, width), dtype=bool)
    for t, r in enumerate(rows):
        idx[t, : len(r)] = r
        mask[t, : len(r)] = True
    return idx, mask, sizes


def steps_for_epochs(
    n: int, batch: int, epochs: int, *, growth: float = 1.0, every_epochs: int = 0
) -> int:
    """How many steps make ``epochs`` epochs (each epoch has ``n // B`` steps of its batch)."""
    total, bsz = 0, batch
    for e in range(epochs):
        if growth != 1.0 and every_epochs > 0:
            bsz = int(min(n, round(batch * growth ** (e // every_epochs))))
        total += n // bsz
    return total


# --- the loop ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class MiniBatchRun:
    """A run: points (steps+1 x 2), full-batch losses (steps+1), mini-batch losses (steps),
    learning rates actually used (steps), batch sizes (steps), samples processed (steps+1)."""

    points: np.ndarray
    loss: np.ndarray
    batch_loss: np.ndarray
    lr: np.ndarray
    batch: np.ndarray
    samples: np.ndarray
    n: int
    diverged: bool

    @property
    def epochs(self) -> np.ndarray:
        """Samples processed in units of the data set's size (the x axis "epochs")."""
        return self.samples / self.n


@functools.lru_cache(maxsize=16)
def _runner(kind: str, optimizer: str, schedule: str, plateau: bool):
    return jax.jit(_run_fn(kind, optimizer, schedule, plateau))


def _run_fn(kind: str, optimizer: str, schedule: str, plateau: bool):
    """The (un-jitted) loop of one run: jitted by :func:`_runner`, vmapped by the rate sweep."""
    spec = get(optimizer)
    f = _example_loss(kind)

    def run(w0, lr, hp, sargs, a, b, idx, mask, n_steps, plateau_patience, per_epoch):
        sched = make_schedule(schedule, sargs)
        base = spec.factory(lambda c: lr * sched(c), **hp)
        if plateau:
            opt = optax.chain(
                base,
                optax.contrib.reduce_on_plateau(
                    factor=PLATEAU_FACTOR,
                    patience=plateau_patience,
                    accumulation_size=per_epoch,
                    min_scale=1e-3,
                ),
            )
        else:
            opt = base
        state = opt.init(w0)

        def batch_loss(w, i, m):
            li = jax.vmap(f, in_axes=(None, 0, 0))(w, a[i], b[i])
            return jnp.sum(jnp.where(m, li, 0.0)) / jnp.sum(m, dtype=li.dtype)

        def full(w):
            return jnp.mean(jax.vmap(f, in_axes=(None, 0, 0))(w, a, b))

        def body(carry, xs):
            w, st, div = carry
            i, m, t = xs
            bl, g = jax.value_and_grad(batch_loss)(w, i, m)
            with jax.numpy_dtype_promotion("standard"):
                if plateau:
                    u, st2 = opt.update(g, st, w, value=bl)
                    scale = st2[1].scale
                else:
                    u, st2 = opt.update(g, st, w)
                    scale = 1.0
            new = w + u
            bad = ~jnp.all(jnp.isfinite(new)) | (jnp.max(jnp.abs(new)) > 1e6)
            div = div | bad | (t >= n_steps)
            w = jnp.where(div, w, new)
            eff = lr * sched(t) * scale
            return (w, st2, div), (w, full(w), bl, eff)

        steps = idx.shape[0]
        xs = (idx, mask, jnp.arange(steps, dtype=jnp.int32))
        init = (w0, state, jnp.array(False))
        _, (ws, ls, bls, lrs) = jax.lax.scan(body, init, xs)
        return ws, ls, bls, lrs

    return run


def minibatch_run(
    problem: Problem,
    *,
    optimizer: str = "sgd",
    lr: float = 0.1,
    batch: int = 8,
    steps: int = 300,
    start=DEFAULT_START,
    hparams=None,
    schedule: str = "constant",
    schedule_args_=None,
    growth: float = 1.0,
    every_epochs: int = 0,
    plateau: int | None = None,
    seed: int = 0,
) -> MiniBatchRun:
    r"""Mini-batch training of ``optimizer`` on ``problem`` from ``start``.

    ``growth``/``every_epochs``: the batch grows by that factor every that many epochs (Smith et al.
    2018). ``plateau=patience`` chains ``optax.contrib.reduce_on_plateau`` on the mini-batch loss
    (averaged over each epoch; the rate halves after ``patience`` epochs without improvement).
    Compiled once per problem kind, optimizer, schedule kind and plateau on/off; steps, batch sizes
    and every number are data (the index array is padded to the whole data set and to one of two
    step buffers), so moving a slider does not recompile.
    """
    spec = get(optimizer)
    if spec.needs_hessian:
        raise ValueError(f"{spec.title} needs the Hessian: not a mini-batch method")
    if not 1 <= steps <= MAX_MB_STEPS:
        raise ValueError(f"steps must be 1 to {MAX_MB_STEPS}, not {steps}")
    if not 1 <= batch <= problem.n:
        raise ValueError(f"the batch size must be 1 to {problem.n}, not {batch}")
    idx, mask, sizes = batch_plan(
        problem.n, batch, steps, growth=growth, every_epochs=every_epochs, seed=seed
    )
    bucket = next(b for b in BUCKETS if steps <= b)
    pad = bucket - steps
    bmax = problem.n  # one width: the whole data set (masked)
    idx = np.pad(idx, ((0, pad), (0, bmax - idx.shape[1])))
    mask = np.pad(mask, ((0, pad), (0, bmax - mask.shape[1])))
    mask[steps:, 0] = True  # padded steps are frozen anyway; avoid 0/0
    hp = spec.hparams(hparams)
    sargs = schedule_args(schedule, schedule_args_)
    run = _runner(problem.kind, optimizer, schedule, plateau is not None)
    w0 = jnp.asarray(start, dtype=jnp.float64)
    ws, ls, bls, lrs = run(
        w0,
        jnp.float64(lr),
        {k: jnp.float64(v) for k, v in hp.items()},
        {k: jnp.float64(v) for k, v in sargs.items()},
        jnp.asarray(problem.a),
        jnp.asarray(problem.b),
        jnp.asarray(idx),
        jnp.asarray(mask),
        jnp.int32(steps),
        jnp.int32(plateau or 0),
        jnp.int32(problem.n // batch),
    )
    ws, ls = np.asarray(ws)[:steps], np.asarray(ls)[:steps]
    w0n = np.asarray(start, dtype=float)
    points = np.vstack([w0n, ws])
    loss0 = float(np.mean(example_losses(problem, w0n)))
    bad = ~np.isfinite(ls) | (np.abs(points[1:]).max(axis=1) > 1e6)
    return MiniBatchRun(
        points=points,
        loss=np.concatenate([[loss0], ls]),
        batch_loss=np.asarray(bls)[:steps],
        lr=np.asarray(lrs)[:steps],
        batch=sizes,
        samples=np.concatenate([[0], np.cumsum(sizes)]),
        n=problem.n,
        diverged=bool(bad.any()),
    )


# --- small batches need small learning rates ---------------------------------------------------

SWEEP_BATCHES = (1, 8, 64)
SWEEP_LRS = tuple(float(v) for v in np.round(np.logspace(-3, 1, 25), 12))  # 6 per decade
SWEEP_STEPS = 300
GOOD_GAP = 1e-2  # "reaches the minimum": the loss gap ends below 1% of the starting gap


@dataclasses.dataclass(frozen=True, eq=False)
class LrSweep:
    """Plain SGD for :data:`SWEEP_STEPS` steps at each rate and batch size (same start, seed):
    ``ratio[i, j]`` is the loss gap over the last 20% of the steps of batch ``batches[i]`` at rate
    ``lrs[j]``, divided by the starting gap; ``diverged[i, j]``: the run ended above its start
    (or overflowed)."""

    batches: tuple[int, ...]
    lrs: np.ndarray
    ratio: np.ndarray
    diverged: np.ndarray

    def largest_good_lr(self) -> dict[int, float]:
        """Per batch size, the largest rate whose loss gap ends below :data:`GOOD_GAP` of the
        start (0 when none does)."""
        out = {}
        for i, b in enumerate(self.batches):
            ok = (self.ratio[i] < GOOD_GAP) & ~self.diverged[i]
            out[b] = float(self.lrs[ok].max()) if ok.any() else 0.0
        return out


@functools.lru_cache(maxsize=4)
def _sweep_fn(kind: str):
    run = _run_fn(kind, "sgd", "constant", False)
    axes = (None, 0, None, None, None, None, 0, 0, None, None, None)
    return jax.jit(jax.vmap(run, in_axes=axes))


def lr_sweep(
    problem: Problem, *, batches=SWEEP_BATCHES, lrs=SWEEP_LRS, start=DEFAULT_START, seed: int = 0
) -> LrSweep:
    """Final loss gap vs learning rate for several batch sizes: every (B, lr) pair is a real run
    of :func:`minibatch_run`'s loop (vmapped: one call), :data:`SWEEP_STEPS` steps each."""
    steps, n = SWEEP_STEPS, problem.n
    if not all(1 <= b <= n for b in batches):
        raise ValueError(f"batch sizes must be 1 to {n}")
    plans = [batch_plan(n, b, steps, seed=seed)[:2] for b in batches]
    idx = np.stack([np.pad(i, ((0, 0), (0, n - i.shape[1]))) for i, _ in plans])
    mask = np.stack([np.pad(m, ((0, 0), (0, n - m.shape[1]))) for _, m in plans])
    k, lr_arr = len(lrs), np.asarray(lrs, float)
    idx, mask = np.repeat(idx, k, 0), np.repeat(mask, k, 0)
    lr_all = np.tile(lr_arr, len(batches))
    w0 = jnp.asarray(start, dtype=jnp.float64)
    _, ls, _, _ = _sweep_fn(problem.kind)(
        w0, jnp.asarray(lr_all), {}, {}, jnp.asarray(problem.a), jnp.asarray(problem.b),
        jnp.asarray(idx), jnp.asarray(mask), jnp.int32(steps), jnp.int32(0), jnp.int32(1),
    )  # fmt: skip
    ls = np.asarray(ls).reshape(len(batches), k, steps)
    gap0 = float(np.mean(example_losses(problem, np.asarray(start, float)))) - problem.f_star
    tail = ls[..., -max(1, (steps + 1) // 5) :] - problem.f_star
    with np.errstate(invalid="ignore", over="ignore"):
        ratio = np.where(np.isfinite(tail).all(-1), tail.mean(-1), np.inf) / gap0
    return LrSweep(tuple(batches), lr_arr, ratio, ~(ratio < 1.0))


def sweep_summary(sweep: LrSweep, lang: str = "en") -> str:
    """The sentence the page shows about :func:`lr_sweep`'s runs."""
    _ = gettext_for(lang)
    best = sweep.largest_good_lr()
    parts = ", ".join(f"B = {b}: {lr:.3g}" for b, lr in best.items())
    vals = list(best.values())
    grows = all(a < b for a, b in itertools.pairwise(vals))
    verdict = (
        _("grows with the batch size: small batches need small learning rates")
        if grows
        else _("does **not** grow with the batch size here")
    )
    return _(
        "The largest rate that brings the loss gap below {pct} of its start in {n} steps "
        "({parts}) {verdict}."
    ).format(pct=f"{GOOD_GAP:.0%}", n=SWEEP_STEPS, parts=parts, verdict=verdict)


# --- what the page reports --------------------------------------------------------------------


def gradient_noise(problem: Problem, w, batch: int, *, draws: int = 2000, seed: int = 0):
    r"""Mean and covariance of the mini-batch gradient at ``w`` over ``draws`` batches drawn
    without replacement, with the predicted covariance :math:`\frac{N-B}{B(N-1)}\Sigma`.

    Returns ``(mean, cov, full_gradient, predicted_cov)``.
    """
    g = example_grads(problem, w)
    n = problem.n
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.choice(n, batch, replace=False) for _ in range(draws)])
    gb = g[idx].mean(axis=1)
    full = g.mean(axis=0)
    sigma = np.cov(g.T, bias=True)
    predicted = (n - batch) / (batch * (n - 1)) * sigma
    return gb.mean(axis=0), np.cov(gb.T), full, predicted


def loss_at_samples(run: MiniBatchRun, samples) -> np.ndarray:
    """The full-batch loss gap-free curve read at given sample counts (step function)."""
    k = np.searchsorted(run.samples, np.asarray(samples), side="right") - 1
    return run.loss[np.clip(k, 0, len(run.loss) - 1)]


def tail_gap(run: MiniBatchRun, f_star: float, frac: float = 0.2) -> float:
    """Mean loss gap over the last ``frac`` of the steps (the noise floor when constant)."""
    k = max(1, int(len(run.loss) * frac))
    return float(np.mean(run.loss[-k:] - f_star))


def scaling_mismatch(a: MiniBatchRun, b: MiniBatchRun, f_star: float) -> float:
    r"""Largest difference of :math:`\log_{10}` loss gap between two runs at the same numbers of
    samples processed (the linear-scaling test), over the samples both runs reached."""
    top = min(a.samples[-1], b.samples[-1])
    grid = np.linspace(0, top, 50)[1:]
    ga = np.log10(np.maximum(loss_at_samples(a, grid) - f_star, 1e-300))
    gb = np.log10(np.maximum(loss_at_samples(b, grid) - f_star, 1e-300))
    return float(np.max(np.abs(ga - gb)))


def noise_scale(problem: Problem, w, batch: int) -> float:
    r"""The trace of the mini-batch gradient covariance at ``w`` (:math:`\frac{N-B}{B(N-1)}
    \operatorname{tr}\Sigma`)."""
    g = example_grads(problem, w)
    sigma = np.cov(g.T, bias=True)
    return float((problem.n - batch) / (batch * (problem.n - 1)) * np.trace(sigma))


# --- the page's experiments, as small data objects --------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Race:
    """Named runs over the same number of epochs, with each run's noise floor and updates."""

    runs: dict[str, MiniBatchRun]
    f_star: float
    noiseless: float  # full-batch gradient descent's final gap, same rate, as many steps

    def floors(self) -> dict[str, float]:
        return {k: tail_gap(r, self.f_star) for k, r in self.runs.items()}


def floor_race(
    problem: Problem,
    *,
    lr: float,
    batch: int,
    epochs: int = 40,
    factor: float = 2.0,
    every_epochs: int = 8,
    patience: int = 2,
    seed: int = 0,
) -> Race:
    """Constant rate, step decay (the rate divided by ``factor`` every ``every_epochs`` epochs),
    a growing batch (multiplied by ``factor`` as often, the rate constant) and reduce-on-plateau,
    all plain SGD over ``epochs`` epochs of the same data."""
    n = problem.n
    steps = steps_for_epochs(n, batch, epochs)
    grow_steps = steps_for_epochs(n, batch, epochs, growth=factor, every_epochs=every_epochs)
    kw = dict(optimizer="sgd", lr=lr, batch=batch, seed=seed)
    decay = {"step_size": every_epochs * (n // batch), "gamma": 1.0 / factor}
    return Race(
        {
            N_("constant rate"): minibatch_run(problem, steps=steps, **kw),
            N_("step decay"): minibatch_run(
                problem, steps=steps, schedule="step", schedule_args_=decay, **kw
            ),
            N_("growing batch"): minibatch_run(
                problem, steps=grow_steps, growth=factor, every_epochs=every_epochs, **kw
            ),
            N_("reduce on plateau"): minibatch_run(problem, steps=steps, plateau=patience, **kw),
        },
        problem.f_star,
        max(
            0.0,
            float(
                minibatch_run(problem, steps=steps, **{**kw, "batch": n}).loss[-1] - problem.f_star
            ),
        ),
    )


def scaling_pair(
    problem: Problem, *, lr: float, batch: int, k: int = 4, epochs: int = 10, seed: int = 0
) -> tuple[MiniBatchRun, MiniBatchRun, float]:
    """SGD with ``(B, lr)`` and with ``(kB, k lr)`` over the same epochs, and the largest gap
    between their loss curves per sample (:func:`scaling_mismatch`, in decades)."""
    n = problem.n
    a = minibatch_run(
        problem, lr=lr, batch=batch, steps=steps_for_epochs(n, batch, epochs), seed=seed
    )
    b = minibatch_run(
        problem,
        lr=lr * k,
        batch=min(n, batch * k),
        steps=steps_for_epochs(n, min(n, batch * k), epochs),
        seed=seed,
    )
    return a, b, scaling_mismatch(a, b, problem.f_star)


SCALING_TOLERANCE = 0.15  # decades: "holds" when the two curves per sample agree this well


def scaling_verdict(gap: float) -> str:
    """The words the page uses for a linear-scaling gap (in decades of loss gap)."""
    if gap <= SCALING_TOLERANCE:
        return N_("holds")
    return N_("roughly holds") if gap <= 0.5 else N_("fails")


def reached_floor(race: Race) -> bool:
    """Whether the constant rate is held up by the noise: its loss gap over the last 20% of the
    steps is over 10x what full-batch gradient descent reaches at the same rate in as many
    steps (:attr:`Race.noiseless`)."""
    return bool(tail_gap(race.runs["constant rate"], race.f_star) > 10 * race.noiseless)


def floor_summary(race: Race, lang: str = "en") -> str:
    """One paragraph comparing each method's noise floor with the constant rate's."""
    _ = gettext_for(lang)
    fl = race.floors()
    base = fl["constant rate"]
    if not reached_floor(race):
        return _(
            "The constant rate is still going downhill at the end (loss gap {gap}): "
            "in these epochs the noise has not yet stopped it, so there is no floor to lower. "
            "A larger rate, a smaller batch or more epochs show it."
        ).format(gap=f"{base:.3g}")
    n0 = len(race.runs["constant rate"].batch)
    parts = []
    for m in ("step decay", "growing batch", "reduce on plateau"):
        ratio = base / fl[m] if fl[m] > 0 else float("inf")
        words = _("{r}x lower").format(r=f"{ratio:.3g}") if ratio > 1.2 else _("no lower")
        if m == "growing batch":
            n1 = len(race.runs[m].batch)
            words += _(" with {n1} updates instead of {n0}").format(n1=f"{n1:,}", n0=f"{n0:,}")
        parts.append(_("{method} ends {words}").format(method=_(m), words=words))
    return _(
        "With a constant rate the loss gap stops falling and rattles at about {base}, the "
        "noise floor (full-batch gradient descent at the same rate reaches {gd} in as many "
        "steps); {parts}."
    ).format(base=f"{base:.3g}", gd=f"{race.noiseless:.2g}", parts="; ".join(parts))


__all__ = [
    "KINDS",
    "MAX_MB_STEPS",
    "SCALING_TOLERANCE",
    "SWEEP_BATCHES",
    "LrSweep",
    "MiniBatchRun",
    "Problem",
    "Race",
    "batch_plan",
    "bounds_for",
    "example_grads",
    "example_losses",
    "floor_race",
    "floor_summary",
    "full_loss_grid",
    "gradient_noise",
    "loss_at_samples",
    "lr_sweep",
    "make_problem",
    "minibatch_run",
    "noise_scale",
    "reached_floor",
    "scaling_mismatch",
    "scaling_pair",
    "scaling_verdict",
    "steps_for_epochs",
    "sweep_summary",
    "tail_gap",
]
