r"""Muon where it is honest: a small matrix problem, an ill-conditioned 8x8 least squares
:math:`\min_W \tfrac12\|AW - B\|_F^2` with :math:`\kappa(A) = 100`, raced by Muon, Adam and SGD,
with the singular values of each update (Muon's are all about 1 times the rate: the step moves
every direction of :math:`W` equally; SGD's follow the squared conditioning of :math:`A`).

References: Jordan et al., Muon, 2024; optax.contrib.muon.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

from optimizers._modern import muon

SIZE = 8
COND = 10.0
MATRIX_STEPS = 200
RACERS = {"muon": 0.02, "adam": 0.02, "sgd": 0.5}  # each one's rate


@dataclasses.dataclass(frozen=True, eq=False)
class MatrixRace:
    """Per optimizer: ``loss`` (steps+1,), ``sv`` (steps, SIZE) singular values of each update
    divided by the rate, largest first."""

    loss: dict[str, np.ndarray]
    sv: dict[str, np.ndarray]
    lrs: dict[str, float]
    a: np.ndarray


def matrix_problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(A, B, W*)``: :math:`A = U\\,\\mathrm{diag}(s)\\,V^\\top`, :math:`s` log-spaced from 1 to
    1/COND, :math:`W^* = 2Q` (:math:`Q` orthogonal), :math:`B = A W^*` (minimum loss 0)."""
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.normal(size=(SIZE, SIZE)))
    v, _ = np.linalg.qr(rng.normal(size=(SIZE, SIZE)))
    a = u @ np.diag(np.logspace(0, -np.log10(COND), SIZE)) @ v.T
    w, _ = np.linalg.qr(rng.normal(size=(SIZE, SIZE)))  # a well-spread target: the
    return a, 2 * a @ w, 2 * w  # gradient's conditioning is A's, squared


def _opt(name: str, lr):
    if name == "muon":
        return muon(lr)
    return {"adam": optax.adam, "sgd": optax.sgd}[name](lr)


@functools.lru_cache(maxsize=8)
def _race_fn(name: str, steps: int):
    @jax.jit
    def run(a, b, lr):
        opt = _opt(name, lr)
        loss = lambda w: 0.5 * jnp.sum((a @ w - b) ** 2)

        def step(c, _):
            w, s = c
            with jax.numpy_dtype_promotion("standard"):  # optax's bias correction: ** int32
                u, s = opt.update(jax.grad(loss)(w), s, w)
            return (w + u, s), (loss(w + u), jnp.linalg.svd(u, compute_uv=False) / lr)

        w0 = jnp.zeros_like(b)
        with jax.numpy_dtype_promotion("standard"):
            s0 = opt.init(w0)
        _, (ls, sv) = jax.lax.scan(step, (w0, s0), None, length=steps)
        return jnp.concatenate([loss(w0)[None], ls]), sv

    return run


def matrix_race(*, lrs=None, steps: int = MATRIX_STEPS, seed: int = 0) -> MatrixRace:
    """Muon, Adam and SGD from :math:`W = 0` on :func:`matrix_problem`, ``steps`` steps each."""
    lrs = dict(RACERS if lrs is None else lrs)
    a, b, _ = matrix_problem(seed)
    loss, sv = {}, {}
    for name, lr in lrs.items():
        ls, s = _race_fn(name, steps)(jnp.asarray(a), jnp.asarray(b), jnp.float64(lr))
        loss[name], sv[name] = np.asarray(ls), np.asarray(s)
    return MatrixRace(loss, sv, lrs, a)
