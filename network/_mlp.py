r"""A small MLP trained with the optimizer registry, and its loss landscape.

Toy data sets are generated in code; the network is plain ``jax.numpy``; training is one
``lax.scan`` with mini-batches. The landscape is seen through 2-D slices
:math:`\theta^* + \alpha\,d_1 + \beta\,d_2`, along filter-normalized random directions
(Li et al., Visualizing the Loss Landscape of Neural Nets, NeurIPS 2018) or along the top-2
principal directions of the training trajectory.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.flatten_util import ravel_pytree

from optimizers._schedules import make_schedule, schedule_args
from optimizers._specs import get

DATASETS = ("moons", "spirals", "xor")
INITS = ("gaussian", "uniform", "glorot", "he", "orthogonal")
ACTIVATIONS = {"tanh": jnp.tanh, "relu": jax.nn.relu}
MAX_MLP_STEPS = 3000
MAX_SLICE = 81


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


def init_params(sizes: tuple[int, ...], init: str, *, key: jax.Array) -> list[dict[str, jax.Array]]:
    """Weights by the chosen scheme, zero biases."""
    inits = {
        "gaussian": jax.nn.initializers.normal(0.5),
        "uniform": jax.nn.initializers.uniform(1.0),
        "glorot": jax.nn.initializers.glorot_normal(),
        "he": jax.nn.initializers.he_normal(),
        "orthogonal": jax.nn.initializers.orthogonal(),
    }
    if init not in inits:
        raise KeyError(f"unknown initialization {init!r}; choose one of {', '.join(INITS)}")
    params = []
    for i, (m, n) in enumerate(itertools.pairwise(sizes)):
        w = inits[init](jax.random.fold_in(key, i), (m, n), jnp.float64)
        if init == "uniform":
            w = w * 2.0 - 1.0
        params.append({"w": w, "b": jnp.zeros(n, jnp.float64)})
    return params


def forward(params, x, act=jnp.tanh):
    h = x
    for layer in params[:-1]:
        h = act(h @ layer["w"] + layer["b"])
    return h @ params[-1]["w"] + params[-1]["b"]


def loss_and_acc(params, x, y, act=jnp.tanh):
    logits = forward(params, x, act)
    loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
    return loss, (jnp.argmax(logits, -1) == y).mean()


@dataclasses.dataclass(frozen=True, eq=False)
class MLPRun:
    """A training run: flat parameter path and per-step curves."""

    thetas: np.ndarray  # (steps+1, P) flat parameters
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    diverged_at: int | None
    sizes: tuple[int, ...]
    activation: str

    @property
    def n_params(self) -> int:
        return self.thetas.shape[1]


@functools.lru_cache(maxsize=32)
def _trainer(
    opt_name: str,
    schedule: str,
    sizes: tuple[int, ...],
    activation: str,
    steps: int,
    batch: int,
    n_train: int,
):
    spec = get(opt_name)
    act = ACTIVATIONS[activation]
    p0 = init_params(sizes, "gaussian", key=jax.random.key(0))
    _, unravel = ravel_pytree(p0)

    @jax.jit
    def train(theta0, lr, hp, sargs, x, y, xv, yv, seed):
        def loss_flat(theta, xb, yb):
            return loss_and_acc(unravel(theta), xb, yb, act)

        sched = make_schedule(schedule, sargs)
        opt = spec.factory(lambda c: lr * sched(c), **hp)
        state = opt.init(theta0)
        key = jax.random.key(seed)

        def body(carry, t):
            th, st, div = carry
            idx = jax.random.choice(jax.random.fold_in(key, t), n_train, (batch,), replace=False)
            g = jax.grad(lambda q: loss_flat(q, x[idx], y[idx])[0])(th)
            with jax.numpy_dtype_promotion("standard"):
                u, st = opt.update(g, st, th)
            new = th + u
            bad = ~jnp.all(jnp.isfinite(new)) | (jnp.max(jnp.abs(new)) > 1e6)
            div = div | bad
            th = jnp.where(div, th, new)
            tl, ta = loss_flat(th, x, y)
            vl, va = loss_flat(th, xv, yv)
            return (th, st, div), (th, tl, vl, ta, va, div)

        (_, _, _), rec = jax.lax.scan(body, (theta0, state, jnp.array(False)), jnp.arange(steps))
        tl0, ta0 = loss_flat(theta0, x, y)
        vl0, va0 = loss_flat(theta0, xv, yv)
        return rec, (tl0, vl0, ta0, va0)

    return train


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
    hidden: tuple[int, ...] = (20, 20),
    activation: str = "tanh",
    init: str = "glorot",
    batch: int = 32,
    steps: int = 500,
    seed: int = 0,
) -> MLPRun:
    """Train a ``2-hidden-2`` MLP with mini-batch gradients and record the whole parameter path."""
    spec = get(optimizer)
    if spec.needs_hessian:
        raise ValueError(
            f"{spec.title} needs the full Hessian; pick a first-order optimizer for the network"
        )
    if not 1 <= steps <= MAX_MLP_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_MLP_STEPS}")
    sizes = (2, *hidden, 2)
    batch = int(min(max(1, batch), len(x)))
    theta0, _ = ravel_pytree(init_params(sizes, init, key=jax.random.key(seed)))
    train = _trainer(spec.name, schedule, sizes, activation, int(steps), batch, len(x))
    hp = {k: jnp.float64(v) for k, v in spec.hparams(hparams).items()}
    sargs = {k: jnp.float64(v) for k, v in schedule_args(schedule, schedule_args_).items()}
    rec, first = train(
        theta0,
        jnp.float64(lr),
        hp,
        sargs,
        jnp.asarray(x, jnp.float64),
        jnp.asarray(y),
        jnp.asarray(xv, jnp.float64),
        jnp.asarray(yv),
        jnp.uint32(seed),
    )
    th, tl, vl, ta, va, div = (np.asarray(a) for a in rec)
    cat = lambda a0, a: np.concatenate([np.atleast_1d(np.asarray(a0)), a])
    d = np.nonzero(div)[0]
    return MLPRun(
        np.concatenate([np.asarray(theta0)[None], th]),
        cat(first[0], tl),
        cat(first[1], vl),
        cat(first[2], ta),
        cat(first[3], va),
        int(d[0]) + 1 if d.size else None,
        sizes,
        activation,
    )


def layer_slices(sizes: tuple[int, ...]) -> list[tuple[slice, tuple[int, int], slice]]:
    """(weight slice, weight shape, bias slice) of each layer inside the flat vector (ravel_pytree
    order)."""
    out, o = [], 0
    for m, n in itertools.pairwise(sizes):
        # ravel_pytree flattens each layer dict in key order: "b" then "w"
        b = slice(o, o + n)
        w = slice(o + n, o + n + m * n)
        out.append((w, (m, n), b))
        o += n + m * n
    return out


def filter_normalized_direction(
    theta: np.ndarray, sizes: tuple[int, ...], *, key: jax.Array
) -> np.ndarray:
    r"""A Gaussian direction whose every filter (a neuron's incoming weights) has the norm of the
    same
    filter in ``theta``; bias directions are zero (Li et al. 2018)."""
    d = np.asarray(jax.random.normal(key, theta.shape, jnp.float64))
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


@functools.lru_cache(maxsize=16)
def _slice_fn(sizes: tuple[int, ...], activation: str):
    act = ACTIVATIONS[activation]
    _, unravel = ravel_pytree(init_params(sizes, "gaussian", key=jax.random.key(0)))

    @jax.jit
    def f(thetas, x, y):
        return jax.vmap(lambda th: loss_and_acc(unravel(th), x, y, act)[0])(thetas)

    return f


def losses_at(thetas, x, y, sizes, activation) -> np.ndarray:
    """Full-batch loss at each row of ``thetas`` (vmapped)."""
    return np.asarray(
        _slice_fn(tuple(sizes), activation)(
            jnp.asarray(thetas), jnp.asarray(x, jnp.float64), jnp.asarray(y)
        )
    )


def loss_slice(
    center,
    d1,
    d2,
    x,
    y,
    sizes,
    activation,
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
    thetas = center[None] + A.reshape(-1, 1) * d1[None] + B.reshape(-1, 1) * d2[None]
    return Slice(a, b, losses_at(thetas, x, y, sizes, activation).reshape(n, n), center, d1, d2)


@dataclasses.dataclass(frozen=True, eq=False)
class PCAProjection:
    u1: np.ndarray
    u2: np.ndarray
    coords: list[np.ndarray]  # per path: (T, 2)
    explained: tuple[float, float]
    center: np.ndarray


def pca_directions(paths: list[np.ndarray], center: np.ndarray) -> PCAProjection:
    r"""Top-2 principal directions of :math:`\{\theta_t - \theta^*\}` over all given paths, and the
    paths' coordinates in that plane. Caveat: the path is high-dimensional; only the explained
    fraction of its variance lies in the plane, so the drawn path is a shadow, not the path."""
    m = np.concatenate([p - center for p in paths])
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    var = s**2 / max((s**2).sum(), 1e-300)
    u1, u2 = vt[0], vt[1]
    coords = [np.stack([(p - center) @ u1, (p - center) @ u2], 1) for p in paths]
    return PCAProjection(u1, u2, coords, (float(var[0]), float(var[1])), center)


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
    theta0, theta1, x, y, sizes, activation, *, n: int = 61
) -> tuple[np.ndarray, np.ndarray]:
    r"""Loss along :math:`(1-t)\theta_0 + t\theta_1`, :math:`t \in [-0.25, 1.25]` (Goodfellow et al.
    2015)."""
    t = np.linspace(-0.25, 1.25, n)
    thetas = (1 - t)[:, None] * theta0[None] + t[:, None] * theta1[None]
    return t, losses_at(thetas, x, y, sizes, activation)


def decision_grid(theta, sizes, activation, bounds, n: int = 120):
    """P(class 1) over a grid of inputs (for the decision-boundary plot)."""
    _, unravel = ravel_pytree(init_params(tuple(sizes), "gaussian", key=jax.random.key(0)))
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    pts = jnp.asarray(np.stack([X.ravel(), Y.ravel()], 1))
    logits = forward(unravel(jnp.asarray(theta)), pts, ACTIVATIONS[activation])
    p = np.asarray(jax.nn.softmax(logits, -1)[:, 1]).reshape(n, n)
    return xs, ys, p


def data_bounds(x: np.ndarray, pad: float = 0.3) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = x.min(0), x.max(0)
    span = hi - lo
    return (
        (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0])),
        (float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1])),
    )


def pca_extent(coords: list[np.ndarray]) -> tuple[float, float]:
    a = max(float(np.abs(c[:, 0]).max()) for c in coords)
    b = max(float(np.abs(c[:, 1]).max()) for c in coords)
    return 1.25 * max(a, 1e-6), 1.25 * max(b, 1e-6)
