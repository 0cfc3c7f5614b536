"""The registry of analytic surfaces: one table that pages and tests iterate."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from i18n import N_

from ._core import Bounds, Landscape, ParamSpec, Point, Stationary, refine_stationary

Meta = Callable[[Mapping[str, float]], list[tuple[float, float, float | None]]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SurfaceDef:
    """One row of the registry. ``minima``/``saddles`` map parameter values to
    ``(x, y, value)``; a ``None`` value means "refine this guess numerically". Rows are written
    with keywords (the class is keyword-only)."""

    name: str
    title: str
    family: Callable
    bounds: Bounds | Callable[[Mapping[str, float]], Bounds]
    minima: Meta
    saddles: Meta
    start: Point | Callable[[Mapping[str, float]], Point]
    params: Mapping[str, ParamSpec]
    description: str
    reference: str
    log_z: bool = False


def _safe_sqrt(r2):
    ok = r2 > 0
    return jnp.where(ok, jnp.sqrt(jnp.where(ok, r2, 1.0)), 0.0)


# --- the product's signature surfaces ---------------------------------------------------------


def saddle(xy, p):
    r"""Quartic-confined saddle :math:`f = x^2 - a y^2 + y^4/4`: a saddle at the origin,
    minima at :math:`(0, \pm\sqrt{2a})` with :math:`f^* = -a^2`."""
    x, y = xy[0], xy[1]
    return x**2 - p["a"] * y**2 + 0.25 * y**4


def monkey_saddle(xy, p):
    r"""Monkey saddle :math:`x^3 - 3xy^2` confined by :math:`c(x^2+y^2)^2`: three valleys,
    minima at radius :math:`3/(4c)`, a degenerate saddle at the origin."""
    x, y = xy[0], xy[1]
    return x**3 - 3 * x * y**2 + p["c"] * (x**2 + y**2) ** 2


def ravine(xy, p):
    r"""Curved ravine :math:`0.1x^2 + \tfrac{\kappa}{10}(y - 0.2\sin 1.5x)^2`; condition number
    about :math:`\kappa` at the minimum :math:`(0,0)`."""
    x, y = xy[0], xy[1]
    return 0.1 * x**2 + 0.1 * p["kappa"] * (y - 0.2 * jnp.sin(1.5 * x)) ** 2


def cliff(xy, p):
    r"""A high plateau that ends in a cliff of height :math:`H` and steepness :math:`s`
    above a shallow bowl: :math:`0.1((x-2)^2+y^2) + H\,\sigma(-s x)`. Gradients at the
    cliff face reach :math:`Hs/4` and throw plain gradient descent far away."""
    x, y = xy[0], xy[1]
    return 0.1 * ((x - 2.0) ** 2 + y**2) + p["height"] * jax.nn.sigmoid(-p["steep"] * x)


def flat_sharp(xy, p):
    r"""Two equally deep Gaussian wells, a wide one at :math:`x=-2` and a narrow one of
    width :math:`w` at :math:`x=+2`, in a faint bowl."""
    x, y = xy[0], xy[1]
    flat = jnp.exp(-((x + 2.0) ** 2 + y**2) / (2 * 1.0**2))
    sharp = jnp.exp(-((x - 2.0) ** 2 + y**2) / (2 * p["width"] ** 2))
    return -flat - sharp + 0.02 * (x**2 + y**2)


def plateau(xy, p):
    r"""An inverted Gaussian hole in a plateau, :math:`1 - e^{-(x^2+y^2)/(2w^2)}`: far from the
    hole the gradient all but vanishes."""
    x, y = xy[0], xy[1]
    return 1.0 - jnp.exp(-(x**2 + y**2) / (2 * p["width"] ** 2))


def quadratic(xy, p):
    r"""Ill-conditioned quadratic :math:`\tfrac12 x^\top R\,\mathrm{diag}(1,\kappa)R^\top x`,
    rotated by angle :math:`\theta` (degrees)."""
    th = p["angle"] * jnp.pi / 180.0
    c, s = jnp.cos(th), jnp.sin(th)
    u = c * xy[0] + s * xy[1]
    v = -s * xy[0] + c * xy[1]
    return 0.5 * (u**2 + p["kappa"] * v**2)


# Fixed synthetic regression data: feature 2 measured in different units (times ``scale``).
_RNG = np.random.default_rng(7)
_A = _RNG.normal(size=64)
_B = 0.6 * _A + 0.8 * _RNG.normal(size=64)
_Y = 1.5 * _A - 2.0 * _B + 0.3 * _RNG.normal(size=64)
_A, _B, _Y = _A - _A.mean(), _B - _B.mean(), _Y - _Y.mean()


def _linreg_stats(scale, standardized):
    """Second moments of the (scaled, optionally standardized) features."""
    xp = jnp if not isinstance(scale, float) else np
    a = _A / _A.std()
    b_raw = _B * scale
    b = xp.where(standardized > 0.5, b_raw / (b_raw.std()), b_raw)
    a = xp.where(standardized > 0.5, a, a * 1.0)
    caa, cab, cbb = (a * a).mean(), (a * b).mean(), (b * b).mean()
    da, db = (a * _Y).mean(), (b * _Y).mean()
    return caa, cab, cbb, da, db, (_Y * _Y).mean()


def linreg(xy, p):
    r"""Least-squares loss :math:`\tfrac{1}{2n}\lVert w_1 a + w_2 b - y\rVert^2` where feature
    :math:`b` is in units ``scale`` times larger; ``standardized = 1`` rescales it to unit variance,
    which makes the bowl much rounder (the normalization lesson); with correlated features it stays
    tilted, and only whitening would make it round."""
    caa, cab, cbb, da, db, yy = _linreg_stats(p["scale"], p["standardized"])
    w1, w2 = xy[0], xy[1]
    return 0.5 * (caa * w1**2 + 2 * cab * w1 * w2 + cbb * w2**2) - (da * w1 + db * w2) + 0.5 * yy


def _linreg_min(p):
    caa, cab, cbb, da, db, yy = (
        float(v) for v in _linreg_stats(float(p["scale"]), float(p["standardized"]))
    )
    w = np.linalg.solve(np.array([[caa, cab], [cab, cbb]]), np.array([da, db]))
    v = (
        0.5 * (caa * w[0] ** 2 + 2 * cab * w[0] * w[1] + cbb * w[1] ** 2)
        - (da * w[0] + db * w[1])
        + 0.5 * yy
    )
    return [(float(w[0]), float(w[1]), float(v))]


def _linreg_bounds(p):
    ((w1, w2, _),) = _linreg_min(p)
    h1, h2 = 3.0, max(3.0, 1.5 * abs(w2))
    return ((w1 - h1, w1 + h1), (w2 - h2, w2 + h2))


def _linreg_start(p):
    (lo1, hi1), (lo2, hi2) = _linreg_bounds(p)
    return (lo1 + 0.1 * (hi1 - lo1), lo2 + 0.85 * (hi2 - lo2))


# --- classic benchmark functions --------------------------------------------------------------


def rosenbrock(xy, p):
    r"""Rosenbrock's banana :math:`(a-x)^2 + b(y-x^2)^2`, minimum :math:`(a, a^2)`.

    References: Rosenbrock, Comput. J. 3 (1960)."""
    x, y = xy[0], xy[1]
    return (p["a"] - x) ** 2 + p["b"] * (y - x**2) ** 2


def beale(xy, p):
    r"""Beale: :math:`(1.5-x+xy)^2+(2.25-x+xy^2)^2+(2.625-x+xy^3)^2`, minimum (3, 0.5)."""
    del p
    x, y = xy[0], xy[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def himmelblau(xy, p):
    r"""Himmelblau: :math:`(x^2+y-11)^2+(x+y^2-7)^2`, four minima of value 0."""
    del p
    x, y = xy[0], xy[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def rastrigin(xy, p):
    r"""Rastrigin: :math:`2A + \sum_i (x_i^2 - A\cos 2\pi x_i)`, a grid of local minima."""
    x, y = xy[0], xy[1]
    A = p["A"]
    return 2 * A + x**2 - A * jnp.cos(2 * jnp.pi * x) + y**2 - A * jnp.cos(2 * jnp.pi * y)


def ackley(xy, p):
    r"""Ackley: :math:`-20e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e +
    20`."""
    del p
    x, y = xy[0], xy[1]
    r = _safe_sqrt(0.5 * (x**2 + y**2))
    return (
        -20.0 * jnp.exp(-0.2 * r)
        - jnp.exp(0.5 * (jnp.cos(2 * jnp.pi * x) + jnp.cos(2 * jnp.pi * y)))
        + jnp.e
        + 20.0
    )


def booth(xy, p):
    r"""Booth: :math:`(x+2y-7)^2 + (2x+y-5)^2`, minimum (1, 3)."""
    del p
    x, y = xy[0], xy[1]
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def goldstein_price(xy, p):
    r"""Goldstein-Price, minimum 3 at (0, -1); values span six decades (log colour scale)."""
    del p
    x, y = xy[0], xy[1]
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


def six_hump_camel(xy, p):
    r"""Six-hump camel: :math:`(4-2.1x^2+x^4/3)x^2 + xy + (-4+4y^2)y^2`, two global minima."""
    del p
    x, y = xy[0], xy[1]
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def three_hump_camel(xy, p):
    r"""Three-hump camel: :math:`2x^2 - 1.05x^4 + x^6/6 + xy + y^2`, global minimum at 0."""
    del p
    x, y = xy[0], xy[1]
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


_NO = lambda p: []

SURFACES: tuple[SurfaceDef, ...] = (
    SurfaceDef(
        name="saddle",
        title=N_("Saddle"),
        family=saddle,
        bounds=((-2.0, 2.0), (-2.5, 2.5)),
        minima=lambda p: [
            (0.0, math.sqrt(2 * p["a"]), -(p["a"] ** 2)),
            (0.0, -math.sqrt(2 * p["a"]), -(p["a"] ** 2)),
        ],
        saddles=lambda p: [(0.0, 0.0, 0.0)],
        start=(-1.8, 1e-3),
        params={"a": ParamSpec(1.0, 0.1, 2.0, label=N_("descent curvature a"))},
        description=N_(
            "A saddle point: downhill along y, uphill along x. Started almost exactly on the "
            "ridge, plain gradient descent crawls; momentum builds up speed and escapes sooner."
        ),
        reference=(
            "Dauphin et al., Identifying and attacking the saddle point problem, NeurIPS 2014."
        ),
    ),
    SurfaceDef(
        name="monkey_saddle",
        title=N_("Monkey saddle"),
        family=monkey_saddle,
        bounds=((-4.0, 4.0), (-4.0, 4.0)),
        minima=lambda p: [
            (0.75 / p["c"] * math.cos(t), 0.75 / p["c"] * math.sin(t), -((0.75 / p["c"]) ** 3) / 4)
            for t in (math.pi / 3, math.pi, 5 * math.pi / 3)
        ],
        saddles=lambda p: [(0.0, 0.0, 0.0)],
        start=(0.3, 0.05),
        params={"c": ParamSpec(0.25, 0.2, 1.0, label=N_("confinement c"))},
        description=N_(
            "A degenerate saddle with three valleys (a 'monkey' needs a dip for its tail): the "
            "Hessian at the origin is zero, so second-order information does not help there."
        ),
        reference="Classical example; see e.g. Spivak, Calculus on Manifolds.",
    ),
    SurfaceDef(
        name="ravine",
        title=N_("Ravine (narrow valley)"),
        family=ravine,
        bounds=((-6.0, 6.0), (-3.0, 3.0)),
        minima=lambda p: [(0.0, 0.0, 0.0)],
        saddles=_NO,
        start=(-5.0, 2.0),
        params={
            "kappa": ParamSpec(50.0, 1.0, 1000.0, log=True, label=N_("condition number kappa"))
        },
        description=N_(
            "A long, gently curved, narrow valley. Steep walls and a flat floor: gradient descent "
            "zig-zags across; momentum averages the zig-zag out and runs along the floor."
        ),
        reference="Goh, Why Momentum Really Works, Distill 2017.",
    ),
    SurfaceDef(
        name="cliff",
        title=N_("Cliff"),
        family=cliff,
        bounds=((-4.0, 6.0), (-3.0, 3.0)),
        minima=lambda p: [(2.0, 0.0, None)],
        saddles=_NO,
        start=(-3.0, 1.0),
        params={
            "height": ParamSpec(5.0, 0.5, 20.0, label=N_("cliff height H")),
            "steep": ParamSpec(20.0, 1.0, 100.0, log=True, label=N_("steepness s")),
        },
        description=N_(
            "A high plateau ends in a sheer cliff. At the cliff face the gradient is enormous and "
            "one step throws the iterate far away; clipping the gradient norm tames the jump."
        ),
        reference=(
            "Pascanu, Mikolov, Bengio, On the difficulty of training recurrent neural networks, "
            "ICML 2013."
        ),
    ),
    SurfaceDef(
        name="flat_sharp",
        title=N_("Flat vs sharp minima"),
        family=flat_sharp,
        bounds=((-4.5, 4.5), (-3.0, 3.0)),
        minima=lambda p: [(-2.0, 0.0, None), (2.0, 0.0, None)],
        saddles=_NO,
        start=(0.0, 2.5),
        params={"width": ParamSpec(0.25, 0.1, 1.0, label=N_("sharp well width w"))},
        description=N_(
            "Two wells of the same depth: a wide, flat one (left) and a narrow, sharp one (right). "
            "With gradient noise (small batches) the iterate cannot stay in the sharp well."
        ),
        reference=(
            "Keskar et al., On Large-Batch Training for Deep Learning: Generalization Gap and "
            "Sharp Minima, ICLR 2017."
        ),
    ),
    SurfaceDef(
        name="plateau",
        title=N_("Plateau"),
        family=plateau,
        bounds=((-3.5, 3.5), (-3.5, 3.5)),
        minima=lambda p: [(0.0, 0.0, 0.0)],
        saddles=_NO,
        start=(2.5, 2.0),
        params={"width": ParamSpec(0.7, 0.3, 2.0, label=N_("hole width w"))},
        description=N_(
            "A vast flat plateau with one hole. Far from the hole the gradient is tiny: SGD barely "
            "moves, while adaptive methods (RMSprop, Adam) rescale the step and walk off the "
            "plateau."
        ),
        reference="Goodfellow, Bengio, Courville, Deep Learning, 2016, section 8.2.3.",
    ),
    SurfaceDef(
        name="quadratic",
        title=N_("Ill-conditioned quadratic"),
        family=quadratic,
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=lambda p: [(0.0, 0.0, 0.0)],
        saddles=_NO,
        start=(-2.5, 2.0),
        params={
            "kappa": ParamSpec(10.0, 1.0, 1000.0, log=True, label=N_("condition number kappa")),
            "angle": ParamSpec(0.0, 0.0, 90.0, label=N_("rotation (degrees)")),
        },
        description=N_(
            "The model of every minimum: a quadratic bowl whose curvatures differ by the condition "
            "number kappa. Rotating it breaks per-coordinate methods' advantage."
        ),
        reference="Nesterov, Introductory Lectures on Convex Optimization, 2004, ch. 2.",
    ),
    SurfaceDef(
        name="linreg",
        title=N_("Linear regression: feature scaling"),
        family=linreg,
        bounds=_linreg_bounds,
        minima=_linreg_min,
        saddles=_NO,
        start=_linreg_start,
        params={
            "scale": ParamSpec(10.0, 1.0, 30.0, label=N_("unit ratio of feature 2")),
            "standardized": ParamSpec(0.0, 0.0, 1.0, label=N_("standardize features (0/1)")),
        },
        description=N_(
            "The least-squares loss of a two-feature linear regression. When one feature is in "
            "larger units the bowl is a thin ellipse; standardizing the features makes it much "
            "rounder (condition number 115 -> 3.7 at the defaults), but the features are "
            "correlated, so it stays a tilted ellipse: only whitening (decorrelating) would make "
            "it round."
        ),
        reference="LeCun, Bottou, Orr, Muller, Efficient BackProp, 1998.",
    ),
    SurfaceDef(
        name="rosenbrock",
        title=N_("Rosenbrock"),
        family=rosenbrock,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        minima=lambda p: [(p["a"], p["a"] ** 2, 0.0)],
        saddles=_NO,
        start=(-1.5, 2.0),
        params={
            "a": ParamSpec(1.0, 0.5, 1.5, label="a"),
            "b": ParamSpec(100.0, 1.0, 200.0, log=True, label="b"),
        },
        description=N_(
            "The banana valley: easy to find, hard to follow to the minimum at (a, a^2)."
        ),
        reference=(
            "Rosenbrock, An automatic method for finding the greatest or least value of a "
            "function, Comput. J. 1960."
        ),
        log_z=True,
    ),
    SurfaceDef(
        name="beale",
        title=N_("Beale"),
        family=beale,
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=lambda p: [(3.0, 0.5, 0.0)],
        saddles=_NO,
        start=(1.0, 1.5),
        params={},
        description=N_("Flat basins and sharp ridges near the corners; minimum at (3, 0.5)."),
        reference=(
            "Beale, On an iterative method for finding a local minimum of a function of more "
            "than one variable, 1958."
        ),
        log_z=True,
    ),
    SurfaceDef(
        name="himmelblau",
        title=N_("Himmelblau"),
        family=himmelblau,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=lambda p: [
            (3.0, 2.0, 0.0),
            (-2.805118086952745, 3.131312518250573, 0.0),
            (-3.779310253377747, -3.283185991286170, 0.0),
            (3.584428340330492, -1.848126526964404, 0.0),
        ],
        saddles=lambda p: [
            (0.0866775, 2.88425, None),
            (-3.07303, -0.081353, None),
            (3.38515, 0.0738519, None),
            (-0.127961, -1.95371, None),
        ],
        start=(-0.5, 0.5),
        params={},
        description=N_(
            "Four minima of equal value: which one you land in depends on the start and the "
            "optimizer."
        ),
        reference="Himmelblau, Applied Nonlinear Programming, 1972.",
        log_z=True,
    ),
    SurfaceDef(
        name="rastrigin",
        title=N_("Rastrigin"),
        family=rastrigin,
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=lambda p: [(0.0, 0.0, 0.0)],
        saddles=_NO,
        start=(3.2, 2.6),
        params={"A": ParamSpec(10.0, 0.0, 20.0, label=N_("ripple amplitude A"))},
        description=N_(
            "A bowl covered in ripples: a grid of local minima around the global one at the origin."
        ),
        reference="Rastrigin, Systems of extremal control, 1974.",
    ),
    SurfaceDef(
        name="ackley",
        title=N_("Ackley"),
        family=ackley,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=lambda p: [(0.0, 0.0, 0.0)],
        saddles=_NO,
        start=(3.5, -3.0),
        params={},
        description=N_("A nearly flat, bumpy outer region around one deep funnel at the origin."),
        reference="Ackley, A connectionist machine for genetic hillclimbing, 1987.",
    ),
    SurfaceDef(
        name="booth",
        title=N_("Booth"),
        family=booth,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=lambda p: [(1.0, 3.0, 0.0)],
        saddles=_NO,
        start=(-8.0, -8.0),
        params={},
        description=N_("A tilted quadratic bowl with minimum (1, 3): a sanity check."),
        reference=(
            "Jamil, Yang, A literature survey of benchmark functions for global optimization "
            "problems, 2013."
        ),
    ),
    SurfaceDef(
        name="goldstein_price",
        title=N_("Goldstein-Price"),
        family=goldstein_price,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=lambda p: [(0.0, -1.0, 3.0)],
        saddles=_NO,
        start=(-1.0, 1.2),
        params={},
        description=N_(
            "Several local minima and values over six decades; global minimum 3 at (0, -1)."
        ),
        reference="Goldstein, Price, On descent from local minima, Math. Comp. 1971.",
        log_z=True,
    ),
    SurfaceDef(
        name="six_hump_camel",
        title=N_("Six-hump camel"),
        family=six_hump_camel,
        bounds=((-2.0, 2.0), (-1.2, 1.2)),
        minima=lambda p: [
            (0.08984201368301331, -0.7126564032704135, -1.031628453489877),
            (-0.08984201368301331, 0.7126564032704135, -1.031628453489877),
            (-1.703606714, 0.796083568, None),
            (1.703606714, -0.796083568, None),
        ],
        saddles=_NO,
        start=(-1.5, -1.0),
        params={},
        description=N_(
            "Six humps, two global minima and two more local ones: a good map for basins of "
            "attraction."
        ),
        reference="Dixon, Szego, Towards Global Optimisation 2, 1978.",
    ),
    SurfaceDef(
        name="three_hump_camel",
        title=N_("Three-hump camel"),
        family=three_hump_camel,
        bounds=((-2.5, 2.5), (-2.5, 2.5)),
        minima=lambda p: [
            (0.0, 0.0, 0.0),
            (1.7475523, -0.8737761, None),
            (-1.7475523, 0.8737761, None),
        ],
        saddles=_NO,
        start=(2.2, -2.0),
        params={},
        description=N_("One global minimum at the origin flanked by two shallower local minima."),
        reference=(
            "Jamil, Yang, A literature survey of benchmark functions for global optimization "
            "problems, 2013."
        ),
    ),
)

_TABLE = {s.name: s for s in SURFACES}


def names() -> list[str]:
    """Names of all registered surfaces, in display order."""
    return [s.name for s in SURFACES]


def titles() -> dict[str, str]:
    return {s.name: s.title for s in SURFACES}


def get(name: str, **params: float) -> Landscape:
    """Build the named surface; unknown parameters raise, out-of-range ones are clamped."""
    if name not in _TABLE:
        raise KeyError(f"unknown surface {name!r}; choose one of {', '.join(names())}")
    d = _TABLE[name]
    extra = set(params) - set(d.params)
    if extra:
        raise KeyError(f"surface {name!r} has no parameter(s) {sorted(extra)}")
    values = tuple(
        sorted((k, spec.clamp(params.get(k, spec.default))) for k, spec in d.params.items())
    )
    return _build(name, values)


@functools.lru_cache(maxsize=256)
def _build(name: str, values_t: tuple[tuple[str, float], ...]) -> Landscape:
    d = _TABLE[name]
    values = dict(values_t)

    def points(meta: Meta) -> tuple[Stationary, ...]:
        out = []
        for x, y, v in meta(values):
            if v is None:
                out.append(refine_stationary(d.family, name, (x, y), values))
            else:
                out.append(Stationary(float(x), float(y), float(v)))
        return tuple(out)

    minima = points(d.minima)
    pv = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in values.items()}
    fam = d.family
    return Landscape(
        name=name,
        title=d.title,
        f=lambda xy: fam(xy, pv),
        bounds=d.bounds(values) if callable(d.bounds) else d.bounds,
        minima=minima,
        saddles=points(d.saddles),
        start=d.start(values) if callable(d.start) else d.start,
        params=dict(d.params),
        values=values,
        description=d.description,
        reference=d.reference,
        family=fam,
        key=name,
        log_z=d.log_z,
    )
