r"""Small computations behind the teaching pages: averaging, quadratic theory, search, basins.

Everything here is plain numpy on top of the engine, so pages stay free of math and tests
can check each number against an independent computation.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

import i18n
from engine import _core as _engine
from i18n import N_

# --- exponentially weighted averages -------------------------------------------------------------


def temperature_series(days: int = 100, seed: int = 0) -> np.ndarray:
    """A noisy daily temperature series (the lecture's example): a seasonal curve plus noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    return 15 + 10 * np.sin(2 * np.pi * (t - 20) / 365 * 3) + rng.normal(0, 4, days)


def ewa(series, beta: float, bias_correction: bool = True) -> np.ndarray:
    r"""Exponentially weighted average :math:`v_t = \beta v_{t-1} + (1-\beta)\theta_t`, :math:`v_0 =
    0`, optionally divided by :math:`1-\beta^t` (bias correction)."""
    x = np.asarray(series, dtype=float)
    out = np.empty_like(x)
    v = np.zeros_like(x[0])
    for t in range(len(x)):
        v = beta * v + (1 - beta) * x[t]
        out[t] = v / (1 - beta ** (t + 1)) if bias_correction else v
    return out


def polyak_average(points) -> np.ndarray:
    r"""Running mean of the iterates :math:`\bar x_t = \frac{1}{t+1}\sum_{s\le t} x_s`
    (Polyak-Ruppert)."""
    p = np.asarray(points, dtype=float)
    return np.cumsum(p, axis=0) / np.arange(1, len(p) + 1)[:, None]


# --- theory on quadratics
# ---------------------------------------------------------------------------


def _spectral_radius(m: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(m))))


def predicted_rate(method: str, alpha: float, beta: float, eigenvalues) -> float:
    r"""Asymptotic linear rate on :math:`\tfrac12 x^\top A x` with the given eigenvalues.

    GD: :math:`\max_i |1-\alpha\lambda_i|`; heavy ball: spectral radius of
    :math:`\begin{pmatrix}1+\beta-\alpha\lambda & -\beta\\ 1 & 0\end{pmatrix}`; Nesterov: of
    :math:`\begin{pmatrix}(1+\beta)(1-\alpha\lambda) & -\beta(1-\alpha\lambda)\\ 1 &
    0\end{pmatrix}`."""
    rates = []
    for lam in eigenvalues:
        if method == "gd":
            rates.append(abs(1 - alpha * lam))
        elif method == "heavy_ball":
            rates.append(_spectral_radius(np.array([[1 + beta - alpha * lam, -beta], [1.0, 0.0]])))
        elif method == "nesterov":
            a = 1 - alpha * lam
            rates.append(_spectral_radius(np.array([[(1 + beta) * a, -beta * a], [1.0, 0.0]])))
        else:
            raise KeyError(method)
    return max(rates)


def optimal_parameters(kappa: float, mu: float = 1.0) -> dict[str, tuple[float, float]]:
    r"""Classical tunings for eigenvalues in :math:`[\mu, L]`, :math:`L = \kappa\mu`: GD
    :math:`\alpha = 2/(\mu+L)`; heavy ball :math:`\alpha = 4/(\sqrt L+\sqrt\mu)^2,\ \beta =
    ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2`; Nesterov :math:`\alpha = 1/L,\ \beta =
    (\sqrt\kappa-1)/(\sqrt\kappa+1)`."""
    L = kappa * mu
    sk = math.sqrt(kappa)
    return {
        "gd": (2.0 / (mu + L), 0.0),
        "heavy_ball": (4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((sk - 1) / (sk + 1)) ** 2),
        "nesterov": (1.0 / L, (sk - 1) / (sk + 1)),
    }


def rate_map(kappa: float, alphas, betas, method: str = "heavy_ball") -> np.ndarray:
    """Predicted rate over a grid of (beta rows, alpha columns)."""
    return np.array([[predicted_rate(method, a, b, (1.0, kappa)) for a in alphas] for b in betas])


def measured_rate(points, burn_in: float = 0.5) -> float:
    """Geometric mean contraction of the distance to the origin over the second half of the run."""
    n = np.linalg.norm(np.asarray(points), axis=1)
    lo = int(len(n) * burn_in)
    good = np.nonzero(n > 1e-280)[0]
    hi = int(good[-1]) if good.size else 0
    if hi <= lo:
        return float("nan")
    return float((n[hi] / n[lo]) ** (1.0 / (hi - lo)))


def eigen_errors(points, eigenvectors=None) -> np.ndarray:
    r"""The error's component along each eigendirection of :math:`A`, :math:`|q_i^\top x_t|`
    (``(steps+1, 2)``; the minimum is the origin). Each is a separate linear recurrence, as Goh's
    "Why momentum really works" (Distill 2017) draws them; ``eigenvectors`` are columns
    (default: the axes)."""
    q = np.eye(2) if eigenvectors is None else np.asarray(eigenvectors, dtype=float)
    return np.abs(np.asarray(points, dtype=float) @ q)


@dataclasses.dataclass(frozen=True)
class Acceleration:
    """Heavy ball and Nesterov at their classical tunings on one quadratic: rates and the words."""

    kappa: float
    heavy_ball: float  # predicted rate at Polyak's tuning
    nesterov: float  # predicted rate at alpha = 1/L, beta = (sqrt(kappa)-1)/(sqrt(kappa)+1)
    nesterov_best: float  # at its best tuning for this quadratic (alpha = 4/(3L+mu), ...)

    def sentence(self, lang: str = "en") -> str:
        """What the rates say, in ``lang`` (the numbers computed, not typed)."""
        return i18n.gettext_for(lang)(ACCELERATION_SENTENCE).format(
            kappa=f"{self.kappa:g}",
            hb=f"{self.heavy_ball:.4f}",
            nes=f"{self.nesterov:.4f}",
            best=f"{self.nesterov_best:.4f}",
        )


ACCELERATION_SENTENCE = N_(
    "At kappa = {kappa}, heavy ball at its optimal alpha, beta contracts the error by {hb} per "
    "step, Nesterov at its classical tuning (alpha = 1/L) by {nes} and even at its best tuning "
    "for this quadratic only by {best}. Heavy ball wins on a quadratic because its tuning is read "
    "off the exact eigenvalue range [mu, L] of a fixed linear recurrence, an argument that holds "
    "for quadratics only (on some smooth strongly convex functions that tuning does not converge "
    "at all), whereas Nesterov's accelerated rate is guaranteed for every L-smooth (strongly) "
    "convex function."
)


def acceleration(kappa: float) -> Acceleration:
    r"""Predicted rates of heavy ball and Nesterov at :func:`optimal_parameters` (eigenvalues 1,
    kappa), and Nesterov's at its best tuning for a quadratic, :math:`\alpha = 4/(3L+\mu)`,
    :math:`\beta = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)` (rate :math:`1-2/\sqrt{3\kappa+1}`).

    References: Polyak 1964; Nesterov 1983; Lessard, Recht & Packard 2016 (the quadratic tunings,
    and heavy ball's tuning failing on a smooth strongly convex function)."""
    opt = optimal_parameters(kappa)
    ev = (1.0, float(kappa))
    r = math.sqrt(3 * kappa + 1)
    return Acceleration(
        float(kappa),
        predicted_rate("heavy_ball", *opt["heavy_ball"], ev),
        predicted_rate("nesterov", *opt["nesterov"], ev),
        predicted_rate("nesterov", 4 / (3 * kappa + 1), (r - 2) / (r + 2), ev),
    )


# --- hyperparameter search
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Axis:
    """A hyperparameter axis: name, range and scale."""

    name: str
    low: float
    high: float
    log: bool

    def grid(self, n: int) -> np.ndarray:
        return (
            np.logspace(math.log10(self.low), math.log10(self.high), n)
            if self.log
            else np.linspace(self.low, self.high, n)
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.log:  # e.g. lr = 10 ** uniform(-6, 1)
            return 10 ** rng.uniform(math.log10(self.low), math.log10(self.high), n)
        return rng.uniform(self.low, self.high, n)

    def position(self, v: float) -> float:
        """Where ``v`` sits in the range, 0..1 (log-scaled for log axes)."""
        if self.log:
            return (math.log10(v) - math.log10(self.low)) / (
                math.log10(self.high) - math.log10(self.low)
            )
        return (v - self.low) / (self.high - self.low)

    def zoom(self, center: float, factor: float) -> Axis:
        """A range ``factor`` times narrower around ``center`` (clipped to stay positive on log
        axes)."""
        if self.log:
            lo, hi = math.log10(self.low), math.log10(self.high)
            half = (hi - lo) / factor / 2
            c = math.log10(center)
            return Axis(self.name, 10 ** (c - half), 10 ** (c + half), True)
        half = (self.high - self.low) / factor / 2
        return Axis(self.name, center - half, center + half, False)


@dataclasses.dataclass(frozen=True, eq=False)
class SearchResult:
    """Final losses of a grid or random search; ``diverged`` runs have loss NaN."""

    x: np.ndarray  # values of the first hyperparameter, one per run
    y: np.ndarray
    loss: np.ndarray
    best: tuple[float, float, float]  # (x, y, loss)
    edge: list[str]  # warnings when the best value sits on the edge of the range


EDGE_WARNING = N_(
    "the best {name} = {value} sits on the {side} edge of the search range [{low}, {high}]: the "
    "optimum may lie outside it, widen the range"
)
EDGE_SIDES = {"lower": N_("lower"), "upper": N_("upper")}


def edge_warnings(ax: Axis, ay: Axis, best, lang: str = "en") -> list[str]:
    """A warning, in ``lang``, for each axis whose best value sits within 3% of an edge of its
    range (the optimum may lie outside it)."""
    _ = i18n.gettext_for(lang)
    out = []
    if not math.isfinite(best[0]):
        return out
    for axis, v in ((ax, best[0]), (ay, best[1])):
        pos = axis.position(v)
        if pos <= 0.03 or pos >= 0.97:
            side = "lower" if pos <= 0.03 else "upper"
            out.append(
                _(EDGE_WARNING).format(
                    name=axis.name,
                    value=f"{v:.3g}",
                    side=_(EDGE_SIDES[side]),
                    low=f"{axis.low:.3g}",
                    high=f"{axis.high:.3g}",
                )
            )
    return out


def _assign(optimizer: str, axis: Axis, values, kw: dict, hp: dict) -> None:
    if axis.name == "lr":
        kw["lr"] = values
    else:
        hp[axis.name] = values


@functools.lru_cache(maxsize=64)
def _grid(ax: Axis, ay: Axis, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n x n`` grid's values of both axes, one per run (read-only: kept for the next
    call, which a slider's rerun makes with the same axes)."""
    gx, gy = np.meshgrid(ax.grid(n), ay.grid(n))
    xs, ys = gx.ravel(), gy.ravel()
    xs.flags.writeable = ys.flags.writeable = False
    return xs, ys


def search(
    scape,
    optimizer: str,
    ax: Axis,
    ay: Axis,
    *,
    budget: int,
    kind: str = "grid",
    seed: int = 0,
    steps: int = 200,
    start=None,
    f_star: float | None = None,
) -> SearchResult:
    """Grid (``sqrt(budget)`` per axis) or random (``budget`` log-uniform samples) search, via
    ``sweep``."""
    if not 1 <= budget <= MAX_SEARCH_BUDGET:
        raise ValueError(f"the search budget must be 1..{MAX_SEARCH_BUDGET} runs, got {budget}")
    if kind == "grid":
        xs, ys = _grid(ax, ay, max(2, round(math.sqrt(budget))))
    else:
        rng = np.random.default_rng(seed)
        xs, ys = ax.sample(rng, budget), ay.sample(rng, budget)
    kw: dict = {}
    hp: dict = {}
    _assign(optimizer, ax, xs, kw, hp)
    _assign(optimizer, ay, ys, kw, hp)
    res = _engine.sweep(scape, optimizer, starts=start, hparams=hp, steps=steps, **kw)
    loss = np.where(res.diverged_at >= 0, np.nan, res.final_losses)
    if f_star is not None:
        loss = loss - f_star
    nan = np.isnan(loss)  # (the engine's final losses are finite: NaN marks a diverged run)
    if nan.all():
        best = (float("nan"), float("nan"), float("nan"))
    else:  # np.nanargmin's answer, in a quarter of its time
        i = int(np.where(nan, np.inf, loss).argmin())
        best = (float(xs[i]), float(ys[i]), float(loss[i]))
    edge = edge_warnings(ax, ay, best)
    return SearchResult(xs, ys, loss, best, edge)


MAX_BASIN_GRID = 400
MAX_SEARCH_BUDGET = 40_000

# --- basins of attraction
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class BasinMap:
    xs: np.ndarray
    ys: np.ndarray
    label: np.ndarray  # (ny, nx): index of the minimum reached, -1 not converged, -2 diverged
    counts: dict[str, int]


def basins(
    scape,
    optimizer: str,
    *,
    n: int = 100,
    steps: int = 300,
    lr: float | None = None,
    hparams=None,
    tol: float | None = None,
) -> BasinMap:
    """Run from every point of an ``n x n`` grid of starts and label which minimum each run
    reaches."""
    if not 2 <= n <= MAX_BASIN_GRID:
        raise ValueError(f"the grid of starts must be 2..{MAX_BASIN_GRID} per side, got {n}")
    (x0, x1), (y0, y1) = scape.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    starts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    res = _engine.sweep(scape, optimizer, starts=starts, lr=lr, hparams=hparams, steps=steps)
    mins = np.array([m.xy for m in scape.minima]) if scape.minima else np.zeros((0, 2))
    tol = 0.02 * scape.extent if tol is None else tol
    label = np.full(len(starts), -1)
    if len(mins):
        d = np.linalg.norm(res.final_points[:, None, :] - mins[None], axis=-1)
        near = d.argmin(axis=1)
        label = np.where(d[np.arange(len(starts)), near] < tol, near, -1)
    label = np.where(res.diverged_at >= 0, -2, label)
    counts = {f"minimum {i + 1}": int((label == i).sum()) for i in range(len(mins))}
    counts["not converged"] = int((label == -1).sum())
    counts["diverged"] = int((label == -2).sum())
    return BasinMap(xs, ys, label.reshape(n, n), counts)
