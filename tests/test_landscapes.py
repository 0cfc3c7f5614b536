import os
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes

SURFACES = landscapes.names()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_registry_has_at_least_16_surfaces_with_metadata():
    assert len(SURFACES) >= 16
    for name in (
        "saddle",
        "monkey_saddle",
        "ravine",
        "cliff",
        "flat_sharp",
        "plateau",
        "quadratic",
        "linreg",
        "rosenbrock",
        "beale",
        "himmelblau",
        "rastrigin",
        "ackley",
        "booth",
        "goldstein_price",
        "six_hump_camel",
        "three_hump_camel",
    ):
        assert name in SURFACES
    for name in SURFACES:
        s = landscapes.get(name)
        assert s.description and s.reference and s.minima
        (x0, x1), (y0, y1) = s.bounds
        assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1


def _check_minima(s, gtol=1e-6):
    grad, hess = jax.grad(s.f), jax.hessian(s.f)
    for m in s.minima:
        xy = jnp.asarray(m.xy)
        assert float(s.f(xy)) == pytest.approx(m.value, abs=1e-7), (s.name, m)
        assert float(jnp.linalg.norm(grad(xy))) < gtol, (s.name, m)
        assert np.linalg.eigvalsh(np.asarray(hess(xy))).min() > -1e-9, (s.name, m)
    # the lowest listed minimum is the global one: nothing on a fine grid is lower
    _, _, z = s.grid(201)
    assert np.nanmin(z) >= s.f_star - 1e-9 * max(1.0, abs(s.f_star)), s.name
    for sd in s.saddles:
        xy = jnp.asarray(sd.xy)
        assert float(jnp.linalg.norm(grad(xy))) < gtol
        ev = np.linalg.eigvalsh(np.asarray(hess(xy)))
        assert (
            ev.min() <= 1e-9 and ev.max() >= -1e-9
        )  # indefinite (or degenerate, the monkey saddle)


@pytest.mark.parametrize("name", SURFACES)
def test_minima_metadata_is_correct_at_defaults(name):
    _check_minima(landscapes.get(name))


@pytest.mark.parametrize("name", [n for n in SURFACES if landscapes.get(n).params])
def test_minima_metadata_is_correct_at_parameter_extremes(name):
    s = landscapes.get(name)
    for pick in ("low", "high"):
        vals = {k: getattr(p, pick) for k, p in s.params.items()}
        _check_minima(landscapes.get(name, **vals))


@pytest.mark.parametrize("name", SURFACES)
def test_surface_works_under_vmap_and_jit(name):
    s = landscapes.get(name)
    pts = jnp.stack([jnp.linspace(*s.bounds[0], 7), jnp.linspace(*s.bounds[1], 7)], axis=-1)
    v = jax.jit(jax.vmap(s.f))(pts)
    assert v.shape == (7,)
    assert np.allclose(np.asarray(v), [float(s.f(p)) for p in pts])


def test_parameters_are_clamped_and_unknown_rejected():
    s = landscapes.get("quadratic", kappa=1e9)
    assert s.values["kappa"] == s.params["kappa"].high
    with pytest.raises(KeyError):
        landscapes.get("quadratic", bogus=1.0)
    with pytest.raises(KeyError):
        landscapes.get("no-such-surface")


def test_linreg_standardization_rounds_the_bowl():
    h = jax.hessian(landscapes.get("linreg", scale=10.0, standardized=0.0).f)(jnp.zeros(2))
    hs = jax.hessian(landscapes.get("linreg", scale=10.0, standardized=1.0).f)(jnp.zeros(2))
    cond = np.linalg.cond(np.asarray(h))
    cond_s = np.linalg.cond(np.asarray(hs))
    assert cond > 50 and cond_s < 10


def test_expression_parser_builds_jax_function():
    s = landscapes.from_expression(
        "x^2 + 3*sin(y)**2 - exp(-x*y) + max(x, y) + pi", bounds=((-2, 2), (-1, 1))
    )
    x, y = 0.3, -0.4
    want = x**2 + 3 * np.sin(y) ** 2 - np.exp(-x * y) + max(x, y) + np.pi
    assert float(s.f(jnp.array([x, y]))) == pytest.approx(want)
    assert float(jax.grad(s.f)(jnp.array([x, y]))[0]) == pytest.approx(
        2 * x + y * np.exp(-x * y) + 1.0
    )
    assert s.bounds == ((-2.0, 2.0), (-1.0, 1.0))
    # its lowest point sits on the kink x = y of max(x, y), where no gradient vanishes: no minimum
    # is claimed
    xs, ys, z = s.grid(201)
    j, i = np.unravel_index(np.nanargmin(z), z.shape)
    assert abs(xs[i] - ys[j]) < 0.02 and s.minima == ()
    smooth = landscapes.from_expression(
        "x^2 + 3*sin(y)**2 - exp(-x*y) + pi", bounds=((-2, 2), (-1, 1))
    )
    assert [(round(m.x, 9), round(m.y, 9)) for m in smooth.minima] == [
        (0.0, 0.0)
    ]  # grad = (0 + 0, 0 + 0) there


def test_expression_precedence():
    f = landscapes.from_expression("-x^2 + 2*3 - 4/2 - 2^3^0").f
    assert float(f(jnp.array([3.0, 0.0]))) == pytest.approx(-9 + 6 - 2 - 2)


@pytest.mark.parametrize(
    "text, needle",
    [
        ("__import__('os').system('x')", "position"),
        ("x.__class__", "unexpected character '.'"),
        ("lambda: 1", "unexpected character ':'"),
        ("(" * 10000 + "x" + ")" * 10000, "too long"),
        ("(" * 100 + "x" + ")" * 100, "nests too deeply"),
        ("x" * 1_000_000, "too long"),
        ("x + \uff0by", "not allowed"),
        ("open(x)", "unknown function 'open'"),
        ("x + z", "unknown name 'z'"),
        ("sin(x, y)", "takes 1 argument"),
        ("x +", "ends too early"),
        ("", "empty"),
        ("x y", "unexpected 'y'"),
    ],
)
def test_hostile_formulas_are_rejected_quickly_with_position(text, needle):
    t0 = time.perf_counter()
    with pytest.raises(landscapes.ExpressionError) as e:
        landscapes.from_expression(text)
    assert time.perf_counter() - t0 < 0.1
    assert needle in str(e.value)
    assert "position" in str(e.value)


def test_domain_errors_are_gaps_not_crashes():
    s = landscapes.from_expression("log(x) + y^2", bounds=((-1, 1), (-1, 1)))
    xs, _, z = s.grid(21)
    assert np.isnan(z[:, xs < 0]).all() and np.isfinite(z[:, xs > 0]).all()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parser_fuzz_never_raises_anything_but_expression_error(text):
    t0 = time.perf_counter()
    try:
        landscapes.parse(text)
    except landscapes.ExpressionError as e:
        assert 0 <= e.position <= max(len(text), landscapes._expr.MAX_LENGTH)
    assert time.perf_counter() - t0 < 0.1


_ATOMS = st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "1e3"])
_EXPR = st.recursive(
    _ATOMS,
    lambda c: st.one_of(
        st.tuples(c, st.sampled_from(["+", "-", "*", "/", "^"]), c).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"
        ),
        st.tuples(st.sampled_from(["sin", "cos", "exp", "log", "sqrt", "abs", "tanh"]), c).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(_EXPR)
def test_parser_accepts_generated_formulas_and_matches_python(text):
    tree = landscapes.parse(text)
    assert tree  # parsed
    from landscapes._expr import _compile

    fn = _compile(tree)
    val = float(fn(jnp.array([0.7, -0.3])))
    f64 = np.float64
    env = {
        "x": f64(0.7),
        "y": f64(-0.3),
        "pi": f64(np.pi),
        "e": f64(np.e),
        **{k: getattr(np, k) for k in ["sin", "cos", "exp", "log", "sqrt", "abs", "tanh"]},
    }
    oracle = text.replace("^", "**")
    for lit in ("1e3", "0.5", "2"):
        oracle = oracle.replace(lit, f"f64({lit})") if lit != "2" else oracle
    env["f64"] = f64
    with np.errstate(all="ignore"):
        try:
            # test oracle only, on text generated above from a fixed alphabet
            want = eval(
                oracle.replace("2", "f64(2)").replace("1ef64(3)", "1e3"), {"__builtins__": {}}, env
            )
        except (ZeroDivisionError, OverflowError):
            return
    if np.isreal(want) and np.isfinite(want) and abs(want) < 1e12:
        assert val == pytest.approx(float(want), rel=1e-9, abs=1e-9)


@pytest.mark.slow
def test_atheris_fuzzes_the_parser(tmp_path):
    """Coverage-guided fuzzing (tests/fuzz_formula.py) for a bounded number of inputs: no crash, no
    hang."""
    pytest.importorskip("atheris")
    env = dict(os.environ, PYTHONPATH=ROOT)
    # JAX keeps a compiled kernel per distinct operation the fuzzer invents (the process grows past
    # libFuzzer's
    # default 2 GB limit within ~8,000 inputs); a leak in the parser itself would still show as a
    # crash or hang
    r = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "tests", "fuzz_formula.py"),
            str(tmp_path),
            "-runs=30000",
            "-max_total_time=60",
            "-timeout=30",  # a hang (one input may compile JAX kernels for seconds when busy)
            "-seed=1",
            "-rss_limit_mb=6144",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Done " in r.stderr  # libFuzzer's summary: it ran to the end


def test_linreg_description_numbers():
    """The description's words: condition number 115 -> 3.7 at the defaults, and still tilted."""
    for std, cond in ((0.0, 115), (1.0, 3.7)):
        scape = landscapes.get("linreg", standardized=std)
        ev, vecs = np.linalg.eigh(np.asarray(jax.hessian(scape.f)(np.array(scape.minima[0].xy))))
        assert round(ev[-1] / ev[0], 1 if std else 0) == cond
    assert (
        40 < abs(np.degrees(np.arctan2(vecs[1, -1], vecs[0, -1]))) % 180 < 140
    )  # axes not along x and y
    assert "115 -> 3.7" in landscapes.get("linreg").description
