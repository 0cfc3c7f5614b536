"""Coverage-guided fuzzing of the formula parser with atheris (libFuzzer).

Every input must either parse, and then evaluate to a number, NaN or inf without raising, or be
refused with an :class:`~landscapes.ExpressionError` that names a position; either within 100 ms.
Anything else (another exception, a hang, a slow answer) is a crash that libFuzzer reports and
saves.

Run: ``python tests/fuzz_formula.py [corpus_dir] -runs=100000`` (any libFuzzer flag);
``tests/test_landscapes.py`` runs it for a bounded number of inputs when atheris is installed.
"""

from __future__ import annotations

import sys
import time

import atheris
import jax.numpy as jnp  # imported before instrumenting: only our parser gets coverage hooks
import numpy as np

with atheris.instrument_imports(include=["landscapes"]):
    import landscapes
    from landscapes import _expr

POINT = jnp.array([0.7, -0.3], dtype=jnp.float64)  # landscapes turned float64 on
SEEDS = [
    "x^2 + 10*y^2",
    "sin(x)*cos(y) + 0.1*(x^2+y^2)",
    "log(x) + y^2",
    "max(x, y) - min(x, y)",
    "__import__('os').system('x')",
    "x.__class__",
    "lambda: 1",
    "9**9**9",
    "9^9^9",
    "(" * 50 + "x" + ")" * 50,
    "x + \uff0by",
    "open(x)",
    "x + z",
    "sin(x, y)",
    "x +",
    "",
    "1e309 * x",
    "atan2(y, x)",
    "exp(exp(exp(x)))",
]


def check(text: str) -> None:
    t0 = time.perf_counter()
    try:
        tree = landscapes.parse(text)
    except landscapes.ExpressionError as e:
        if not 0 <= e.position <= max(len(text), _expr.MAX_LENGTH) or "position" not in str(e):
            raise AssertionError(f"error without a usable position: {e!r}") from e
        tree = None
    took = time.perf_counter() - t0
    if took > 0.1:
        raise AssertionError(f"parsing took {took * 1e3:.0f} ms: {text[:80]!r}")
    if tree is not None:
        with np.errstate(all="ignore"):
            value = np.asarray(_expr._compile(tree)(POINT))
        if value.shape != () or value.dtype.kind != "f":
            raise AssertionError(f"{text!r} evaluated to {value!r}")


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():  # raw unicode, or a mix of formula tokens the fuzzer can rearrange
        check(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
    else:
        tokens = [
            "x",
            "y",
            "(",
            ")",
            "+",
            "-",
            "*",
            "/",
            "^",
            "**",
            ",",
            "1",
            "2.5",
            "1e300",
            "pi",
            "e",
            "sin",
            "log",
            "sqrt",
            "max",
            "atan2",
            ".",
            "_",
            "'",
            " ",
            "__import__",
            "\u00b2",
            "\uff0b",
        ]
        check(
            "".join(
                tokens[fdp.ConsumeIntInRange(0, len(tokens) - 1)]
                for _ in range(fdp.ConsumeIntInRange(0, 60))
            )
        )


def main(argv: list[str]) -> None:
    for s in SEEDS:
        check(s)
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
