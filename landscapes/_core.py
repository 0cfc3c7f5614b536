"""The :class:`Landscape` record and helpers shared by every surface."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Point = tuple[float, float]
Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclasses.dataclass(frozen=True)
class ParamSpec:
    """A tunable number (surface parameter, hyperparameter, schedule argument): default and slider
    range (``log`` for log-scale sliders)."""

    default: float
    low: float
    high: float
    log: bool = False
    label: str = ""

    def clamp(self, value: float) -> float:
        """``value`` within ``[low, high]``; a non-finite value gives the default."""
        v = float(value)
        if not math.isfinite(v):
            return float(self.default)
        return float(min(max(v, self.low), self.high))


@dataclasses.dataclass(frozen=True)
class Stationary:
    """A known stationary point: location and the value of ``f`` there."""

    x: float
    y: float
    value: float

    @property
    def xy(self) -> Point:
        return (self.x, self.y)


@dataclasses.dataclass(frozen=True, eq=False)
class Landscape:
    r"""A 2-D test surface :math:`f:\mathbb{R}^2\to\mathbb{R}` with its metadata.

    ``f`` takes an array of shape ``(2,)`` and returns a scalar (it works under
    ``jax.vmap``). ``family(xy, p)`` is the same function with the parameters
    ``p`` as traced values, which lets the engine compile once per surface
    rather than once per slider position. ``key`` names that compiled family.
    """

    name: str
    title: str
    f: Callable[[jax.Array], jax.Array]
    bounds: Bounds
    minima: tuple[Stationary, ...]
    saddles: tuple[Stationary, ...]
    start: Point
    params: Mapping[str, ParamSpec]
    values: Mapping[str, float]
    description: str
    reference: str
    family: Callable[[jax.Array, Mapping[str, jax.Array]], jax.Array]
    key: str
    log_z: bool = False

    @property
    def center(self) -> Point:
        (x0, x1), (y0, y1) = self.bounds
        return ((x0 + x1) / 2, (y0 + y1) / 2)

    @property
    def extent(self) -> float:
        (x0, x1), (y0, y1) = self.bounds
        return float(max(x1 - x0, y1 - y0))

    @property
    def f_star(self) -> float | None:
        """The lowest listed minimum value (the global minimum for every registered surface)."""
        return min((m.value for m in self.minima), default=None)

    def grid(self, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Evaluate ``f`` on an ``n x n`` grid over the bounds; non-finite values become NaN
        gaps."""
        (x0, x1), (y0, y1) = self.bounds
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        z = np.asarray(
            _grid_eval(self.family, self.key)(jnp.asarray(xs), jnp.asarray(ys), _pvals(self.values))
        )
        z = np.where(np.isfinite(z), z, np.nan)
        return xs, ys, z

    def value(self, xy: Any) -> float:
        return float(self.f(jnp.asarray(xy, dtype=jnp.float64)))

    def nearest_minimum(self, xy: Any) -> Stationary | None:
        if not self.minima:
            return None
        p = np.asarray(xy, dtype=float)
        return min(self.minima, key=lambda m: float(np.hypot(m.x - p[0], m.y - p[1])))


def _pvals(values: Mapping[str, float]) -> dict[str, jax.Array]:
    return {k: jnp.asarray(float(v), dtype=jnp.float64) for k, v in values.items()}


@functools.lru_cache(maxsize=64)
def _grid_eval(family: Callable, key: str) -> Callable:
    del key  # part of the cache key only

    @jax.jit
    def ev(xs, ys, p):
        X, Y = jnp.meshgrid(xs, ys)
        pts = jnp.stack([X.ravel(), Y.ravel()], axis=-1)
        z = jax.vmap(lambda q: family(q, p))(pts)
        return z.reshape(X.shape)

    return ev


@functools.lru_cache(maxsize=64)
def _newton_fn(family: Callable, key: str) -> Callable:
    del key

    @jax.jit
    def refine(xy, p):
        f = lambda q: family(q, p)

        def body(q, _):
            g = jax.grad(f)(q)
            h = jax.hessian(f)(q)
            step = jnp.linalg.solve(h + 1e-12 * jnp.eye(2), g)
            step = jnp.where(jnp.all(jnp.isfinite(step)), step, 0.0)
            return q - step, None

        q, _ = jax.lax.scan(body, xy, None, length=30)
        return q, f(q)

    return refine


def refine_stationary(
    family: Callable, key: str, guess: Point, values: Mapping[str, float]
) -> Stationary:
    """Polish an approximate stationary point with Newton's method."""
    q, v = _newton_fn(family, key)(jnp.asarray(guess, dtype=jnp.float64), _pvals(values))
    q = np.asarray(q)
    return Stationary(float(q[0]), float(q[1]), float(v))
