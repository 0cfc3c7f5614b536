r"""A small MLP trained with the optimizer registry, and its loss landscape.

Toy data sets are generated in code; the network is plain ``jax.numpy``: ``depth`` hidden layers of
``width`` units, optionally with residual connections :math:`h_{l+1} = h_l + \phi(\mathrm{LN}(W_l
h_l + b_l))` and LayerNorm without gain/bias (Ba et al. 2016; He et al. 2016). Training runs a
network padded to :data:`MAX_DEPTH` hidden layers (the unused ones skipped by ``lax.cond``) of 32
units (64 for wider networks; the unused units masked to zero), the results equal to the plain
network's, one jitted loop per (optimizer, padded batch, padded width): the width, depth, batch
size (1-32, 33-128 and 129-300 share a loop; the padded rows weigh 0), schedule (its kind is data:
every schedule is computed, one is picked), learning rate, hyperparameters, step count, seed,
data, activation and the residual/LayerNorm switches are inputs, so moving those sliders never
recompiles. Each step's gradient (of its mini-batch) is taken where the optimizer's
``eval_point`` says: the notes' Nesterov looks ahead, SAM climbs along the batch gradient,
Schedule-Free evaluates at :math:`y`.
100 checkpoints are recorded: losses, accuracies, per-layer activation spread and gradient norm,
the weights; an EMA and an SWA average of the weights run along.

The landscape is seen through 2-D slices :math:`\theta^* + \alpha\,d_1 + \beta\,d_2` along
filter-normalized random directions (Li et al., Visualizing the Loss Landscape of Neural Nets,
NeurIPS 2018) or along the top-2 principal directions of the trajectory.

References: Glorot & Bengio 2010 (vanishing gradients, Xavier init); He et al. 2016 (residual
networks); Izmailov et al. 2018 (SWA); Lakshminarayanan et al. 2017 (deep ensembles); Frankle et
al. 2020 (linear mode connectivity, the interpolation barrier).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import threading

import jax
import jax.numpy as jnp
import numpy as np
import optax

from optimizers._modern import muon, muon_spec
from optimizers._schedules import SCHEDULES, make_schedule, schedule_args
from optimizers._specs import get, titles

KINDS = tuple(s.name for s in SCHEDULES)  # a schedule's kind is an index into these (traced)
MUON = muon_spec()  # matrix parameters only: offered here, never as a 2-D point optimizer

DATASETS = ("moons", "spirals", "xor")
INITS = ("gaussian", "uniform", "glorot", "he", "orthogonal", "zeros")
ACTIVATIONS = ("tanh", "relu")
MAX_MLP_STEPS = 3000
MAX_SLICE = 81
MAX_DEPTH = 8
MAX_WIDTH = 64  # the padded network: every depth and width runs in one compiled loop
RECORDS = 100  # checkpoints per run (plus the initial weights)
LN_EPS = 1e-5


@dataclasses.dataclass(frozen=True)
class Arch:
    """The network's shape and switches: ``depth`` hidden layers of ``width`` units."""

    depth: int = 2
    width: int = 20
    activation: str = "tanh"
    residual: bool = False
    layernorm: bool = False

    def __post_init__(self):
        if not 1 <= self.depth <= MAX_DEPTH:
            raise ValueError(f"depth must be 1..{MAX_DEPTH} hidden layers")
        if not 1 <= self.width <= MAX_WIDTH:
            raise ValueError(f"width must be 1..{MAX_WIDTH} units")
        if self.activation not in ACTIVATIONS:
            raise KeyError(f"unknown activation {self.activation!r}; choose one of tanh, relu")

    @property
    def sizes(self) -> tuple[int, ...]:
        return (2, *([self.width] * self.depth), 2)

    @property
    def n_params(self) -> int:
        return sum(m * n + n for m, n in itertools.pairwise(self.sizes))

    @property
    def shape(self) -> tuple[int, int]:
        """What a compiled function depends on (the switches are traced)."""
        return (self.depth, self.width)

    def flags(self) -> jnp.ndarray:
        """(relu?, residual?, layernorm?) as a traced vector."""
        return jnp.array(
            [self.activation == "relu", self.residual, self.layernorm], dtype=jnp.float64
        )


def make_dataset(
    name: str, n: int = 300, noise: float = 0.15, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two-class toy data: ``moons``, ``spirals`` or ``xor`` (four Gaussian blobs)."""
    rng = np.random.default_rng(seed)
    h = n // 2
    if name == "moons":
        t = rng.uniform(0, np.pi, h)
        a = np.stack([np.cos(t), np.sin(t)], 1)
        b = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    elif name == "spirals":
        t = np.sqrt(rng.uniform(0, 1, h)) * 2.5 * np.pi
        a = np.stack([t * np.cos(t), t * np.sin(t)], 1) / (2.5 * np.pi)
        b = -a
    elif name == "xor":
        c = rng.integers(0, 2, (h, 1)) * 2 - 1
        a = np.concatenate([c, c], 1) * 0.8 + rng.normal(0, 0.25, (h, 2))
        c = rng.integers(0, 2, (h, 1)) * 2 - 1
        b = np.concatenate([c, -c], 1) * 0.8 + rng.normal(0, 0.25, (h, 2))
    else:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    x = np.concatenate([a, b]) + rng.normal(0, noise, (2 * h, 2))
    y = np.concatenate([np.zeros(h, int), np.ones(h, int)])
    perm = rng.permutation(2 * h)
    return x[perm], y[perm]


def raw_units(x: np.ndarray) -> np.ndarray:
    """The same features in badly scaled 'raw' units (feature 2 in units 20x smaller, both
    offset)."""
    return x * np.array([1.0, 20.0]) + np.array([3.0, -10.0])


def standardize(x_train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    mu, sd = x_train.mean(0), x_train.std(0) + 1e-12
    return [(a - mu) / sd for a in (x_train, *others)]


# --- parameters: one flat vector, per layer bias then weights (ravel_pytree's order) --------------


def layer_slices(sizes: tuple[int, ...]) -> list[tuple[slice, tuple[int, int], slice]]:
    """(weight slice, weight shape, bias slice) of each layer inside the flat vector."""
    out, o = [], 0
    for m, n in itertools.pairwise(sizes):
        b = slice(o, o + n)
        w = slice(o + n, o + n + m * n)
        out.append((w, (m, n), b))
        o += n + m * n
    return out


def _unravel(theta, sizes):
    return [(theta[w].reshape(shape), theta[b]) for w, shape, b in layer_slices(sizes)]


def init_params(sizes: tuple[int, ...], init: str, *, seed: int = 0, scale: float = 1.0):
    r"""Flat weights by the chosen scheme times ``scale``, zero biases (numpy: no compilation).

    gaussian :math:`N(0, 0.5^2)`; uniform :math:`U[-1, 1]`; glorot :math:`N(0, 2/(m+n))`;
    he :math:`N(0, 2/m)`; orthogonal (norm-preserving); zeros (every unit of a layer identical:
    the symmetry is never broken)."""
    if init not in INITS:
        raise KeyError(f"unknown initialization {init!r}; choose one of {', '.join(INITS)}")
    rng = np.random.default_rng(seed)
    theta = np.zeros(sum(m * n + n for m, n in itertools.pairwise(sizes)))
    for w, (m, n), _ in layer_slices(sizes):
        if init == "gaussian":
            a = rng.normal(0, 0.5, (m, n))
        elif init == "uniform":
            a = rng.uniform(-1, 1, (m, n))
        elif init == "glorot":
            a = rng.normal(0, np.sqrt(2 / (m + n)), (m, n))
        elif init == "he":
            a = rng.normal(0, np.sqrt(2 / m), (m, n))
        elif init == "orthogonal":
            q, r = np.linalg.qr(rng.normal(size=(max(m, n), min(m, n))))
            q = q * np.sign(np.diag(r))
            a = q if m >= n else q.T
        else:
            a = np.zeros((m, n))
        theta[w] = (a * scale).ravel()
    return theta


def _hidden(theta, x, sizes, flags, eps=None):
    """Hidden activations ``(depth, N, width)`` and the logits (flags: relu?, residual?,
    layernorm?). ``eps`` (depth, N, width) is added to each hidden output: the gradient with respect
    to it is the back-propagated signal of each layer. The equal-shape middle layers run as one
    ``lax.scan`` over their stacked weights, so the compiled size (and compile time) does not grow
    with the depth."""
    relu, res, ln = flags[0], flags[1], flags[2]
    depth, w = len(sizes) - 2, sizes[1]

    def act(z):
        mu = z.mean(-1, keepdims=True)
        zn = (z - mu) / jnp.sqrt(((z - mu) ** 2).mean(-1, keepdims=True) + LN_EPS)
        z = jnp.where(ln > 0, zn, z)
        return jnp.where(relu > 0, jax.nn.relu(z), jnp.tanh(z))

    eps = jnp.zeros((depth, x.shape[0], w), x.dtype) if eps is None else eps
    h = act(x @ theta[w : 3 * w].reshape(2, w) + theta[:w]) + eps[0]
    o, blk = 3 * w, w + w * w
    if depth > 1:
        mid = theta[o : o + (depth - 1) * blk].reshape(depth - 1, blk)

        def layer(h, pe):
            p, e = pe
            h = act(h @ p[w:].reshape(w, w) + p[:w]) + res * h + e
            return h, h

        h_last, hs = jax.lax.scan(layer, h, (mid, eps[1:]))
        hs = jnp.concatenate([h[None], hs])
        h, o = h_last, o + (depth - 1) * blk
    else:
        hs = h[None]
    return hs, h @ theta[o + 2 : o + 2 + 2 * w].reshape(w, 2) + theta[o : o + 2]


def forward(theta, x, arch: Arch):
    """Logits of the network with flat weights ``theta``."""
    return _hidden(jnp.asarray(theta), jnp.asarray(x), arch.sizes, arch.flags())[1]


def _loss_acc(theta, x, y, sizes, flags):
    logits = _hidden(theta, x, sizes, flags)[1]
    loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
    return loss, (jnp.argmax(logits, -1) == y).mean()


@dataclasses.dataclass(frozen=True, eq=False)
class MLPRun:
    """A training run recorded at ``RECORDS`` + 1 checkpoints (``steps_at``)."""

    steps_at: np.ndarray  # (R+1,) step number of each checkpoint (0 = initial weights)
    thetas: np.ndarray  # (R+1, P) weights at the checkpoints (empty if not kept)
    final: np.ndarray  # (P,) final weights
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    act_std: np.ndarray  # (R+1, depth) spread of each hidden layer's output (training set)
    grad_norm: np.ndarray  # (R+1, depth) norm of dL/dh_l, the back-propagated signal (full batch)
    ema: np.ndarray  # (P,) exponential moving average of the weights (NaN: an ensemble member)
    swa: np.ndarray  # (P,) running mean of the weights from the SWA start (NaN: likewise)
    diverged_at: int | None
    arch: Arch

    @property
    def sizes(self) -> tuple[int, ...]:
        return self.arch.sizes

    @property
    def n_params(self) -> int:
        return self.final.size


def opt_spec(name: str):
    """The registry's row, or Muon's (not in the registry)."""
    return MUON if name == MUON.name else get(name)


def opt_titles() -> dict[str, str]:
    """Every optimizer the network can train with: the registry's first-order ones and Muon."""
    out = {k: v for k, v in titles().items() if not get(k).needs_hessian}
    return {**out, MUON.name: MUON.title}


def muon_flat(sizes: tuple[int, ...], learning_rate, **hp) -> optax.GradientTransformation:
    r"""Muon on the flat weight vector: each hidden-to-hidden weight matrix is a 2-D leaf
    (Newton-Schulz orthogonalised momentum), everything else (biases, the input and the output
    layer) a 1-D leaf, which ``optax.contrib.muon`` gives to AdamW, as Muon's authors do."""
    sl = layer_slices(sizes)

    def split(v):
        out = []
        for i, (w, shape, b) in enumerate(sl):
            out += [v[b], v[w].reshape(shape) if 0 < i < len(sl) - 1 else v[w]]
        return out

    inner = muon(learning_rate, **hp)

    def update(g, state, params=None):
        u, state = inner.update(split(g), state, None if params is None else split(params))
        return jnp.concatenate([a.ravel() for a in u]), state  # ravel order = the flat order

    return optax.GradientTransformation(lambda p: inner.init(split(p)), update)


# --- the padded network: one compiled loop serves every depth and width --------------------------

# the padded widths: a network of width w runs padded to the smallest of these >= w (its extra
# units masked to zero), so widths 1-32 share one compiled loop and 33-64 another
WIDTHS = (32, MAX_WIDTH)


def padded_width(width: int) -> int:
    """The width a network of ``width`` units is padded to (one of :data:`WIDTHS`)."""
    return next(b for b in WIDTHS if b >= width)


def pad_sizes(width: int) -> tuple[int, ...]:
    """The padded network of a width: :data:`MAX_DEPTH` hidden layers (the unused ones skipped) of
    :func:`padded_width` units (the unused ones masked to zero)."""
    return (2, *([padded_width(width)] * MAX_DEPTH), 2)


@functools.lru_cache(maxsize=64)
def pad_index(sizes: tuple[int, ...]) -> np.ndarray:
    """Where each weight of the network with ``sizes`` sits in its padded vector (:func:`pad_sizes`:
    hidden layer ``l`` in padded layer ``l``, the output layer in the padded output layer, a
    ``(m, n)`` block in the top-left corner of its ``(M, N)`` block)."""
    own, pad = layer_slices(sizes), layer_slices(pad_sizes(sizes[1]))
    pairs = [*zip(own[:-1], pad, strict=False), (own[-1], pad[-1])]
    out = np.empty(sum(m * n + n for m, n in itertools.pairwise(sizes)), np.int64)
    for (ow, (m, n), ob), (pw, (_, big_n), pb) in pairs:
        out[ob] = pb.start + np.arange(n)
        out[ow] = (pw.start + np.arange(m)[:, None] * big_n + np.arange(n)[None, :]).ravel()
    return out


def pad(theta: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
    """The padded vector of ``theta`` (zeros elsewhere)."""
    big = pad_sizes(sizes[1])
    out = np.zeros(pad_index(big).size)
    out[pad_index(sizes)] = theta
    return out


def _hidden_padded(theta, x, depth, umask, flags, eps=None):
    """:func:`_hidden` on the padded network: ``umask`` (padded width,) marks the real units
    (padded units stay exactly 0 and get exactly zero gradients), hidden layers at or past
    ``depth`` are skipped (``lax.cond``: they cost nothing and pass ``h`` on unchanged)."""
    relu, res, ln = flags[0], flags[1], flags[2]
    w = umask.shape[0]
    k = umask.sum()

    def act(z):
        mu = (z * umask).sum(-1, keepdims=True) / k
        var = (((z - mu) * umask) ** 2).sum(-1, keepdims=True) / k
        z = jnp.where(ln > 0, (z - mu) / jnp.sqrt(var + LN_EPS), z)
        return jnp.where(relu > 0, jax.nn.relu(z), jnp.tanh(z)) * umask

    eps = jnp.zeros((MAX_DEPTH, x.shape[0], w), x.dtype) if eps is None else eps
    h = act(x @ theta[w : 3 * w].reshape(2, w) + theta[:w]) + eps[0]
    o, blk = 3 * w, w + w * w
    mid = theta[o : o + (MAX_DEPTH - 1) * blk].reshape(MAX_DEPTH - 1, blk)

    def layer(h, ple):
        p, i, e = ple
        on = lambda h: act(h @ p[w:].reshape(w, w) + p[:w]) + res * h + e
        h = jax.lax.cond(i + 1 < depth, on, lambda h: h, h)
        return h, h

    idx = jnp.arange(MAX_DEPTH - 1, dtype=jnp.int32)
    h_last, hs = jax.lax.scan(layer, h, (mid, idx, eps[1:]))
    o += (MAX_DEPTH - 1) * blk
    return jnp.concatenate([h[None], hs]), h_last @ theta[o + 2 : o + 2 + 2 * w].reshape(w, 2) + (
        theta[o : o + 2]
    )


def _loss_acc_padded(theta, x, y, depth, umask, flags):
    logits = _hidden_padded(theta, x, depth, umask, flags)[1]
    loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
    return loss, (jnp.argmax(logits, -1) == y).mean()


def _train_fn(opt_name: str, batch: int, width: int, keep_path: bool):
    """The (un-jitted) training loop of the padded network for one (optimizer, padded batch,
    padded width): depth, width, batch size, the switches, rate, schedule, hyperparameters, steps,
    seed and data are all inputs (``order`` is the pair (batch indices, batch size))."""
    spec = opt_spec(opt_name)
    factory = spec.fast_factory or spec.factory
    if spec is MUON:
        factory = functools.partial(muon_flat, pad_sizes(width))

    def run(carry, chunk, theta0, lr, hp, sargs, flags, depth, umask, x, y, xv, yv, order, steps,
            ema_decay, swa_start):  # fmt: skip
        """Chunk ``chunk`` of :data:`CHUNKS` (its RECORDS / CHUNKS checkpoints), from ``carry``
        (ignored for chunk 0, which starts from ``theta0``): (carry, first record, records)."""
        order, nb = order  # a batch is the first nb of ``batch`` rows (the rest weigh 0)
        wb = jnp.where(jnp.arange(batch, dtype=nb.dtype) < nb, 1.0, 0.0) / nb.astype(jnp.float64)
        kind, args = sargs  # every schedule's multiplier, the chosen one picked (a scalar each)
        sched = lambda c: jnp.stack([make_schedule(k, args[k])(c) for k in KINDS])[kind]
        opt = factory(lambda c: lr * sched(c), **hp)
        k_inner = (steps + RECORDS - 1) // RECORDS
        n_real = umask.sum()

        def loss(th, xb, yb):  # the mean over the batch's nb real rows
            logits = _hidden_padded(th, xb, depth, umask, flags)[1]
            per = optax.softmax_cross_entropy_with_integer_labels(logits, yb)
            with jax.numpy_dtype_promotion("standard"):
                return (per * wb).sum()

        def step(_, c):
            th, st, div_at, ema, nok, swa, t = c
            idx = jax.lax.dynamic_slice(order, (t * nb,), (batch,))
            xb, yb = x[idx], y[idx]
            grad = lambda p: jax.grad(loss)(p, xb, yb)
            # where the rule takes its gradient (the notes' Nesterov looks ahead, SAM perturbs
            # along this batch's gradient, Schedule-Free evaluates at y), as in the 2-D engine
            q = th if spec.eval_point is None else spec.eval_point(st, th, hp, grad)
            g = grad(q)
            with jax.numpy_dtype_promotion("standard"):
                u, st2 = opt.update(g, st, th)
            new = th + u
            active = t < steps
            bad = ~jnp.all(jnp.isfinite(new)) | (jnp.max(jnp.abs(new)) > 1e6)
            div_at = jnp.where(active & bad & (div_at < 0), t + 1, div_at)
            ok = active & (div_at < 0)
            th = jnp.where(ok, new, th)
            st = jax.tree.map(lambda a, b: jnp.where(ok, a, b), st2, st)
            nok = nok + ok.astype(jnp.int32)
            if keep_path:  # (an ensemble member's averages are not used: not computed)
                ema = jnp.where(ok, ema_decay * ema + (1 - ema_decay) * th, ema)
                n = jnp.maximum(t + 1 - swa_start, 1).astype(th.dtype)
                swa = jnp.where(ok & (t >= swa_start), swa + (th - swa) / n, swa)
            return th, st, div_at, ema, nok, swa, t + active.astype(jnp.int32)

        def record(th, t):
            if not keep_path:  # ensemble members: only the final weights are used
                nan, row = jnp.float64(jnp.nan), jnp.full(MAX_DEPTH, jnp.nan)
                return th[:0], t, nan, nan, nan, nan, row, row

            def loss_eps(e):
                hs, logits = _hidden_padded(th, x, depth, umask, flags, e)
                per = optax.softmax_cross_entropy_with_integer_labels(logits, y)
                return per.mean(), (hs, logits)

            e0 = jnp.zeros((MAX_DEPTH, x.shape[0], umask.shape[0]), x.dtype)
            g, (hs, logits) = jax.grad(loss_eps, has_aux=True)(e0)
            tl = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
            ta = (jnp.argmax(logits, -1) == y).mean()
            vl, va = _loss_acc_padded(th, xv, yv, depth, umask, flags)
            cnt = x.shape[0] * n_real
            mu = (hs * umask).sum(axis=(1, 2)) / cnt
            sd = jnp.sqrt((((hs - mu[:, None, None]) * umask) ** 2).sum(axis=(1, 2)) / cnt)
            gn = jnp.sqrt((g**2).sum(axis=(1, 2)))
            return (th if keep_path else th[:0]), t, tl, vl, ta, va, sd, gn

        def outer(c, _):
            c = jax.lax.fori_loop(0, k_inner, step, c)
            return c, record(c[0], c[6])

        start = jnp.where(chunk == 0, 1, 0).astype(bool)
        c0 = init_carry(theta0, lr, hp, sargs)
        c = jax.tree.map(lambda a, b: jnp.where(start, a, b), c0, carry)
        c, rec = jax.lax.scan(outer, c, None, length=RECORDS // CHUNKS)
        at0 = lambda: record(theta0, jnp.int32(0))
        first = jax.lax.cond(start, at0, lambda: jax.tree.map(jnp.zeros_like, at0()))
        return c, first, rec

    def init_carry(theta0, lr, hp, sargs):
        kind, args = sargs
        sched = lambda c: jnp.stack([make_schedule(k, args[k])(c) for k in KINDS])[kind]
        opt = factory(lambda c: lr * sched(c), **hp)
        z, swa0 = (jnp.zeros_like(theta0), theta0) if keep_path else (theta0[:0], theta0[:0])
        with jax.numpy_dtype_promotion("standard"):
            s0 = opt.init(theta0)
        return (theta0, s0, jnp.int32(-1), z, jnp.int32(0), swa0, jnp.int32(0))

    run.init_carry = init_carry
    return run


CHUNKS = 10  # a run is trained in this many calls (progress between them; one executable)


@functools.lru_cache(maxsize=256)
def _carry_spec(opt_name: str, batch: int, width: int, keep_path: bool, n_hp: tuple, members):
    """Shapes and dtypes of a run's carry (the optimizer state's tree), traced, not compiled."""
    fn = _train_fn(opt_name, batch, width, keep_path)
    th = jax.ShapeDtypeStruct((pad_index(pad_sizes(width)).size,), jnp.float64)
    f64 = jax.ShapeDtypeStruct((), jnp.float64)
    hp = {k: f64 for k in n_hp}
    sargs = (jax.ShapeDtypeStruct((), jnp.int32), {k: {a: f64 for a in schedule_args(k, None)}
                                                   for k in KINDS})  # fmt: skip
    spec = jax.eval_shape(fn.init_carry, th, f64, hp, sargs)
    lead = () if members is None else (members,)
    return jax.tree.map(lambda a: jax.ShapeDtypeStruct(lead + a.shape, a.dtype), spec)


def _drive(f, spec, args, steps: int, progress, many: bool):
    """Run the :data:`CHUNKS` calls of one training; ``progress(steps_done, steps)`` after each."""
    carry = jax.tree.map(lambda a: jnp.zeros(a.shape, a.dtype), spec)
    k_inner = (steps + RECORDS - 1) // RECORDS
    recs = []
    for k in range(CHUNKS):
        carry, first, rec = f(carry, jnp.int32(k), *args)
        if k == 0:
            recs.append(jax.tree.map(lambda a: a[:, None] if many else a[None], first))
        recs.append(rec)
        if progress is not None:
            jax.block_until_ready(rec)
            progress(min(steps, (k + 1) * (RECORDS // CHUNKS) * k_inner), steps)
    axis = 1 if many else 0
    rec = [np.concatenate([np.asarray(r[i]) for r in recs], axis) for i in range(len(recs[0]))]
    return rec, jax.tree.map(np.asarray, carry)


def _ema(carry, theta0, ema_decay: float) -> np.ndarray:
    """The bias-corrected EMA of the weights at the end of a run (the initial weights if no step
    was taken)."""
    nok = int(carry[4])
    return carry[3] / (1 - ema_decay**nok) if nok > 0 else np.asarray(theta0)


@functools.lru_cache(maxsize=64)
def _trainer(opt_name: str, batch: int, n_train: int, width: int):
    """One jitted training loop per (optimizer, padded batch, data size, padded width), for every
    depth, schedule, batch size and width (the padded network); it is also the unit counted by
    the no-recompilation test (``_trainer(...)._cache_size()``)."""
    del n_train  # part of the key: the data's shape
    return jax.jit(_train_fn(opt_name, batch, width, True))


@functools.lru_cache(maxsize=64)
def _trainer_many(opt_name: str, batch: int, n_train: int, width: int):
    """:func:`_trainer` vmapped over the members of an ensemble (initial weights, learning rate,
    batch order), without the recorded path."""
    del n_train
    axes = (0, None, 0, 0, None, None, None, None, None, None, None, None, None, (0, None), None,
            None, None)  # fmt: skip
    return jax.jit(jax.vmap(_train_fn(opt_name, batch, width, False), in_axes=axes))


# the padded batch sizes: a batch of B rows runs padded to the smallest of these >= B (the extra
# rows weigh 0), or to the data size; with 300 points: 1-32, 33-128 and 129-300 one loop each
BATCHES = (32, 128)


def padded_batch(batch: int, n: int) -> int:
    """The batch size a batch of ``batch`` rows (of ``n`` points) is padded to."""
    return min(next((b for b in BATCHES if b >= batch), n), n)


def batch_order(seed: int, steps: int, batch: int, n: int) -> np.ndarray:
    """Mini-batch indices of a whole run, drawn before the loop (numpy): one permutation per epoch,
    so every point is used once per epoch (a batch may straddle two epochs); batch ``t`` is
    ``[t * batch, (t + 1) * batch)``."""
    rng = np.random.default_rng([seed, 7])
    epochs = -(-steps * batch // n) + 1
    order = np.concatenate([rng.permutation(n) for _ in range(epochs)])
    # padded to the longest run's length: one compiled loop serves every step count
    pb = padded_batch(batch, n)  # and to its padded batch: one loop serves its batch sizes
    out = np.zeros(MAX_MLP_STEPS * pb + pb, np.int32)
    out[: min(out.size, order.size)] = order[: out.size]
    return out


def _prepare(optimizer, schedule, schedule_args_, hparams, steps, batch, n):
    spec = opt_spec(optimizer)
    if spec.needs_hessian:
        raise ValueError(
            f"{spec.title} needs the full Hessian; pick a first-order optimizer for the network"
        )
    if not 1 <= steps <= MAX_MLP_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_MLP_STEPS}")
    hp = {k: jnp.float64(v) for k, v in spec.hparams(hparams).items()}
    schedule_args(schedule, schedule_args_)  # an unknown schedule or argument raises here
    sargs = {
        k: {
            a: jnp.float64(v)
            for a, v in schedule_args(k, schedule_args_ if k == schedule else None).items()
        }
        for k in KINDS
    }
    sargs = (jnp.int32(KINDS.index(schedule)), sargs)
    return spec, hp, sargs, int(min(max(1, batch), n))


def _run_from(rec, div, ema, swa, final, arch, keep_path=True) -> MLPRun:
    """An :class:`MLPRun` in the network's own (unpadded) layout."""
    th, t, tl, vl, ta, va, sd, gn = (np.asarray(a) for a in rec)
    idx, d = pad_index(arch.sizes), arch.depth
    t = t.astype(int)
    keep = np.concatenate([[True], np.diff(t) > 0])  # a short run repeats its last checkpoint
    div = int(div)
    return MLPRun(
        t[keep],
        th[keep][:, idx] if keep_path else np.zeros((0, idx.size)),
        np.asarray(final)[idx],
        tl[keep],
        vl[keep],
        ta[keep],
        va[keep],
        sd[keep][:, :d],
        gn[keep][:, :d],
        np.asarray(ema)[idx] if keep_path else np.full(idx.size, np.nan),
        np.asarray(swa)[idx] if keep_path else np.full(idx.size, np.nan),
        div if div > 0 else None,
        arch,
    )


def _arch_args(arch: Arch):
    umask = (np.arange(padded_width(arch.width)) < arch.width).astype(np.float64)
    return arch.flags(), jnp.int32(arch.depth), jnp.asarray(umask)


def train_mlp(
    x,
    y,
    xv,
    yv,
    *,
    optimizer: str = "adam",
    lr: float = 0.01,
    hparams=None,
    schedule: str = "constant",
    schedule_args_=None,
    arch: Arch = Arch(),
    init: str = "glorot",
    init_scale: float = 1.0,
    batch: int = 32,
    steps: int = 500,
    seed: int = 0,
    ema_decay: float = 0.98,
    swa_start: float = 0.5,
    progress=None,
) -> MLPRun:
    """Train with mini-batch gradients; record 100 checkpoints. ``swa_start`` is a fraction of
    ``steps``. The run is computed in :data:`CHUNKS` calls of one executable;
    ``progress(steps_done, steps)`` is called after each."""
    spec, hp, sargs, batch = _prepare(
        optimizer, schedule, schedule_args_, hparams, steps, batch, len(x)
    )
    theta0 = pad(init_params(arch.sizes, init, seed=seed, scale=init_scale), arch.sizes)
    pb, pw = padded_batch(batch, len(x)), padded_width(arch.width)
    f = _trainer(spec.name, pb, len(x), pw)
    args = (
        jnp.asarray(theta0),
        jnp.float64(lr),
        hp,
        sargs,
        *_arch_args(arch),
        *_data(x, y, xv, yv),
        (jnp.asarray(batch_order(seed, steps, batch, len(x))), jnp.int32(batch)),
        jnp.int32(steps),
        jnp.float64(ema_decay),
        jnp.int32(int(swa_start * steps)),
    )
    spec_c = _carry_spec(spec.name, pb, pw, True, tuple(hp), None)
    rec, c = _drive(f, spec_c, args, steps, progress, many=False)
    return _run_from(rec, c[2], _ema(c, theta0, ema_decay), c[5], c[0], arch)


def _data(x, y, xv, yv):
    return (
        jnp.asarray(x, jnp.float64),
        jnp.asarray(y),
        jnp.asarray(xv, jnp.float64),
        jnp.asarray(yv),
    )


def train_many(
    x,
    y,
    xv,
    yv,
    *,
    lrs,
    seeds,
    optimizer: str = "adam",
    hparams=None,
    schedule: str = "constant",
    schedule_args_=None,
    arch: Arch = Arch(),
    init: str = "glorot",
    init_scale: float = 1.0,
    batch: int = 32,
    steps: int = 500,
    ema_decay: float = 0.98,
    swa_start: float = 0.5,
    progress=None,
) -> list[MLPRun]:
    """Independent runs in one vmapped computation (:data:`CHUNKS` calls, ``progress`` as in
    :func:`train_mlp`): member ``i`` has learning rate ``lrs[i]`` and seed ``seeds[i]`` (initial
    weights and batch order); the same numbers as :func:`train_mlp` one by one, without the
    recorded path (``thetas`` is empty) or the weight averages (NaN)."""
    spec, hp, sargs, batch = _prepare(
        optimizer, schedule, schedule_args_, hparams, steps, batch, len(x)
    )
    seeds = [int(s) for s in seeds]
    th0 = np.stack([pad(init_params(arch.sizes, init, seed=s, scale=init_scale), arch.sizes)
                    for s in seeds])  # fmt: skip
    orders = np.stack([batch_order(s, steps, batch, len(x)) for s in seeds])
    pb, pw = padded_batch(batch, len(x)), padded_width(arch.width)
    f = _trainer_many(spec.name, pb, len(x), pw)
    args = (
        jnp.asarray(th0),
        jnp.asarray(np.asarray(lrs, np.float64)),
        hp,
        sargs,
        *_arch_args(arch),
        *_data(x, y, xv, yv),
        (jnp.asarray(orders), jnp.int32(batch)),
        jnp.int32(steps),
        jnp.float64(ema_decay),
        jnp.int32(int(swa_start * steps)),
    )
    spec_c = _carry_spec(spec.name, pb, pw, False, tuple(hp), len(seeds))
    rec, c = _drive(f, spec_c, args, steps, progress, many=True)
    div, ema, swa, final = c[2], c[3], c[5], c[0]
    return [
        _run_from([a[i] for a in rec], div[i], ema, swa, final[i], arch, keep_path=False)
        for i in range(len(seeds))
    ]


def warm_up(
    optimizers=None,
    widths=(20,),
    batches=(32,),
    n: int = 300,
    *,
    log=None,
    rotate: int = 0,
) -> dict[str, float]:
    """Compile the page's training loops for each optimizer (``None``: every one the page offers,
    its defaults Adam and SGD first, the others from index ``rotate``) and padded width (one loop
    serves every depth, width up to the padded one and schedule) and batch size (likewise), the
    ensemble's vmapped loop, and the view functions; into JAX's disk cache when one is configured
    (a later process loads them). Seconds spent on each ``"optimizer/width/batch"`` and
    ``"views/width"``, also passed to ``log(key, seconds)`` as they finish."""
    import time

    if optimizers is None:
        rest = [o for o in opt_titles() if o not in ("adam", "sgd")]
        r = rotate % len(rest)  # processes sharing a disk cache start at different places
        optimizers = ("adam", "sgd", *rest[r:], *rest[:r])
    from ._views import MEMBERS as k  # the ensembles view's vmapped call

    x, y = np.zeros((n, 2)), np.zeros(n, int)
    spent = {}

    def done(key, t0):
        spent[key] = time.perf_counter() - t0
        if log is not None:
            log(key, spent[key])

    for w in widths:  # the view functions (decision boundary, slices): one per padded width
        arch, t0 = Arch(2, w), time.perf_counter()
        z = np.zeros(arch.n_params)
        predict_proba(z, x, arch)
        losses_at_plane(z, z, z, np.zeros((1, 2)), x, y, arch)
        done(f"views/{w}", t0)
    for o, w, b in itertools.product(optimizers, widths, batches):
        t0 = time.perf_counter()
        kw = dict(optimizer=o, arch=Arch(2, w), batch=b, steps=1)
        train_mlp(x, y, x, y, **kw)
        train_many(x, y, x, y, lrs=[0.01] * k, seeds=range(k), **kw)
        done(f"{o}/{w}/{b}", t0)
    return spent


def warm_up_all(*, log=None, rotate: int = 0) -> dict[str, float]:
    """What a server warms: every optimizer at the page's default width and batch size, then the
    defaults (Adam, SGD) at every padded width and batch size."""
    spent = warm_up(log=log, rotate=rotate)
    more = warm_up(("adam", "sgd"), widths=(20, 64), batches=(32, 100, 300), log=log)
    return {**spent, **more}


WARMED: dict[str, float] = {}  # what the background warm-up compiled (or loaded), seconds each
_warming: list = []
_warm_lock = threading.Lock()


def warm_up_background(**kw) -> threading.Thread:
    """:func:`warm_up_all` in a daemon thread at the lowest
    priority, started once per process (later calls return the same thread): a server calls it
    when it starts (``deploy/serve.py``), so the first page is never blocked and a new optimizer,
    schedule or width up to 32 does not compile while a reader waits. Results in
    :data:`WARMED`."""
    with _warm_lock:
        if not _warming:

            def job():
                try:  # Linux nices a thread alone: page runs keep the CPU first
                    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
                except (AttributeError, OSError):
                    pass
                try:
                    warm_up_all(log=WARMED.__setitem__, rotate=os.getpid(), **kw)
                except Exception as e:  # a warm-up failure must not stop a server
                    WARMED["error"] = float("nan")
                    print(f"optiscape: network warm-up stopped: {e!r}", flush=True)

            t = threading.Thread(target=job, daemon=True, name="optiscape-warm-network")
            t.start()
            _warming.append(t)
        return _warming[0]


# --- views ---------------------------------------------------------------------------------------


def filter_normalized_direction(
    theta: np.ndarray, sizes: tuple[int, ...], *, seed: int
) -> np.ndarray:
    r"""A Gaussian direction whose every filter (a neuron's incoming weights) has the norm of the
    same filter in ``theta``; bias directions are zero (Li et al. 2018)."""
    d = np.random.default_rng(seed).normal(size=theta.shape)
    out = np.zeros_like(d)
    for w, (m, n), _ in layer_slices(sizes):
        dw = d[w].reshape(m, n)
        tw = theta[w].reshape(m, n)
        dn = np.linalg.norm(dw, axis=0, keepdims=True)
        out[w] = (
            dw / np.where(dn > 0, dn, 1.0) * np.linalg.norm(tw, axis=0, keepdims=True)
        ).ravel()
    return out


@dataclasses.dataclass(frozen=True, eq=False)
class Slice:
    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray  # (len(betas), len(alphas))
    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray


CHUNK = 128  # rows per call of the view functions: one compiled shape for every view


def _chunked(f, rows: np.ndarray, *args) -> np.ndarray:
    """``f`` on ``rows`` in fixed-size chunks (the last one padded): no recompilation per size."""
    n = len(rows)
    pad = np.concatenate([rows, np.repeat(rows[-1:], -n % CHUNK, 0)])
    out = [np.asarray(f(jnp.asarray(pad[i : i + CHUNK]), *args)) for i in range(0, len(pad), CHUNK)]
    return np.concatenate(out)[:n]


@functools.lru_cache(maxsize=16)
def _plane_fn(width: int):
    """Loss (float32) at ``c + a d1 + b d2`` for a chunk of (a, b) rows, on the padded network
    (one compiled function per padded width serves every depth)."""

    @jax.jit
    def f(ab, c, d1, d2, flags, depth, umask, x, y):
        th = lambda q: c + q[0] * d1 + q[1] * d2
        one = lambda q: _loss_acc_padded(th(q), x, y, depth, umask, flags)[0]
        return jax.vmap(one)(ab)

    return f


def _f32_args(arch: Arch):
    flags, depth, umask = _arch_args(arch)
    return flags.astype(jnp.float32), depth, umask.astype(jnp.float32)


def losses_at_plane(center, d1, d2, ab, x, y, arch: Arch) -> np.ndarray:
    """Full-batch loss at ``center + a d1 + b d2`` for each row ``(a, b)`` of ``ab`` (float32, so
    about 6 significant digits)."""
    f32 = lambda a: jnp.asarray(np.asarray(pad(np.asarray(a, float), arch.sizes), np.float32))
    args = (f32(center), f32(d1), f32(d2), *_f32_args(arch))
    x32 = jnp.asarray(np.asarray(x, np.float32))
    ab = np.asarray(ab, np.float32)
    f = _plane_fn(padded_width(arch.width))
    return _chunked(f, ab, *args, x32, jnp.asarray(y)).astype(np.float64)


def losses_at(thetas, x, y, arch: Arch) -> np.ndarray:
    """Full-batch loss at each row of ``thetas`` (float32, through the plane function)."""
    thetas = np.atleast_2d(np.asarray(thetas, np.float64))
    out = [losses_at_plane(t, t, t, np.zeros((1, 2)), x, y, arch)[0] for t in thetas]
    return np.asarray(out)


def loss_slice(
    center,
    d1,
    d2,
    x,
    y,
    arch: Arch,
    *,
    n: int = 41,
    extent: float = 1.0,
    extent2: float | None = None,
) -> Slice:
    r"""Loss on the grid :math:`\theta^* + \alpha d_1 + \beta d_2`, :math:`\alpha,\beta\in[-e,
    e]`."""
    if not 3 <= n <= MAX_SLICE:
        raise ValueError(f"slice resolution must be 3..{MAX_SLICE}")
    a = np.linspace(-extent, extent, n)
    b = np.linspace(-(extent2 or extent), extent2 or extent, n)
    A, B = np.meshgrid(a, b)
    z = losses_at_plane(center, d1, d2, np.stack([A.ravel(), B.ravel()], 1), x, y, arch)
    z = z.reshape(n, n)
    return Slice(a, b, z, center, d1, d2)


def roughness(sl: Slice) -> float:
    r"""How rugged a slice is: the mean absolute discrete Laplacian of the loss divided by the mean
    absolute first difference (0 for a plane; large when the loss wiggles at the grid scale)."""
    z = sl.loss
    lap = np.abs(z[2:, 1:-1] + z[:-2, 1:-1] + z[1:-1, 2:] + z[1:-1, :-2] - 4 * z[1:-1, 1:-1])
    grad = np.abs(np.diff(z, axis=0)).mean() + np.abs(np.diff(z, axis=1)).mean()
    return float(lap.mean() / max(grad, 1e-300))


@dataclasses.dataclass(frozen=True, eq=False)
class PCAProjection:
    u1: np.ndarray
    u2: np.ndarray
    coords: list[np.ndarray]  # per path: (T, 2)
    explained: tuple[float, float]
    center: np.ndarray


def pca_directions(paths: list[np.ndarray], center: np.ndarray) -> PCAProjection:
    r"""Top-2 principal directions of :math:`\{\theta_t - \theta^*\}` over all given paths, and
    the paths' coordinates in that plane, by ``eigh`` of the small :math:`T \times T` Gram matrix
    :math:`M M^\top` (:math:`u_i = M^\top v_i / \sigma_i`). Caveat: the path is high-dimensional;
    only the explained fraction of its variance lies in the plane, so the drawn path is a shadow."""
    m = np.concatenate([p - center for p in paths])
    ev, v = np.linalg.eigh(m @ m.T)
    ev, v = np.maximum(ev[::-1], 0.0), v[:, ::-1]
    var = ev / max(ev.sum(), 1e-300)
    u = [m.T @ v[:, k] / max(np.sqrt(ev[k]), 1e-300) for k in (0, 1)]
    u = [a / max(np.linalg.norm(a), 1e-300) for a in u]
    coords = [np.stack([(p - center) @ u[0], (p - center) @ u[1]], 1) for p in paths]
    return PCAProjection(u[0], u[1], coords, (float(var[0]), float(var[1])), center)


def pca_extent(coords: list[np.ndarray]) -> tuple[float, float]:
    a = max(float(np.abs(c[:, 0]).max()) for c in coords)
    b = max(float(np.abs(c[:, 1]).max()) for c in coords)
    return 1.25 * max(a, 1e-6), 1.25 * max(b, 1e-6)


def interpolate_slice(sl: Slice, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of the slice at coordinates ``(a, b)``."""
    ia = np.clip(np.searchsorted(sl.alphas, a) - 1, 0, len(sl.alphas) - 2)
    ib = np.clip(np.searchsorted(sl.betas, b) - 1, 0, len(sl.betas) - 2)
    ta = (a - sl.alphas[ia]) / (sl.alphas[ia + 1] - sl.alphas[ia])
    tb = (b - sl.betas[ib]) / (sl.betas[ib + 1] - sl.betas[ib])
    z = sl.loss
    return (
        (1 - ta) * (1 - tb) * z[ib, ia]
        + ta * (1 - tb) * z[ib, ia + 1]
        + (1 - ta) * tb * z[ib + 1, ia]
        + ta * tb * z[ib + 1, ia + 1]
    )


def interpolation_1d(
    theta0, theta1, x, y, arch: Arch, *, n: int = 61, lo: float = -0.25, hi: float = 1.25
) -> tuple[np.ndarray, np.ndarray]:
    r"""Loss along :math:`(1-t)\theta_0 + t\theta_1` (Goodfellow et al. 2015)."""
    t = np.linspace(lo, hi, n)
    ab = np.stack([t, np.zeros_like(t)], 1)
    return t, losses_at_plane(theta0, theta1 - theta0, theta1 * 0, ab, x, y, arch)


@functools.lru_cache(maxsize=16)
def _proba_fn(width: int):
    """P(class 1) on the padded network (one compiled function per padded width, every
    depth)."""

    @jax.jit
    def f(x, theta, flags, depth, umask):
        return jax.nn.softmax(_hidden_padded(theta, x, depth, umask, flags)[1], -1)[:, 1]

    return f


def predict_proba(thetas, x, arch: Arch) -> np.ndarray:
    """P(class 1) of each network (rows of ``thetas``) at each point: (K, N), float32."""
    f, extra = _proba_fn(padded_width(arch.width)), _f32_args(arch)
    x = np.asarray(x, np.float32)
    rows = np.atleast_2d(np.asarray(thetas, float))
    padded = [jnp.asarray(pad(t, arch.sizes).astype(np.float32)) for t in rows]
    return np.stack([_chunked(f, x, t, *extra) for t in padded])


def decision_grid(theta, arch: Arch, bounds, n: int = 100):
    """P(class 1) over a grid of inputs (for the decision-boundary plot)."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    p = predict_proba(theta, np.stack([X.ravel(), Y.ravel()], 1), arch)[0]
    return xs, ys, p.reshape(n, n)


def data_bounds(x: np.ndarray, pad: float = 0.3) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = x.min(0), x.max(0)
    span = hi - lo
    return (
        (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0])),
        (float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1])),
    )


def ensemble_accuracy(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Accuracy of the ensemble of the first :math:`k` members (mean of their predicted
    probabilities), for :math:`k = 1..K`."""
    mean = np.cumsum(probs, 0) / np.arange(1, len(probs) + 1)[:, None]
    return ((mean > 0.5) == (np.asarray(y)[None] == 1)).mean(1)


def distinct_units(theta: np.ndarray, sizes: tuple[int, ...], tol: float = 1e-9) -> list[int]:
    """How many different units each hidden layer has (incoming weights and bias): 1 for every
    layer after a zero (or any constant) initialization, which gradient descent never breaks."""
    out = []
    for w, (m, n), b in layer_slices(sizes)[:-1]:
        cols = np.concatenate([theta[w].reshape(m, n), theta[b][None]], 0).T
        keep: list[np.ndarray] = []
        for c in cols:
            if not any(np.max(np.abs(c - k)) <= tol for k in keep):
                keep.append(c)
        out.append(len(keep))
    return out


def barrier(losses: np.ndarray) -> float:
    r"""Interpolation barrier: :math:`\max_t L((1-t)\theta_a + t\theta_b)` minus the mean of the
    two end losses, over :math:`t \in [0, 1]` (Frankle et al. 2020)."""
    return float(np.max(losses) - 0.5 * (losses[0] + losses[-1]))
