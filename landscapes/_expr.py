"""A small, whitelisted parser for user formulas in ``x`` and ``y``.

No ``eval``/``exec``/``sympify``: the text is tokenized and parsed by recursive
descent into a tiny AST of known operators and functions, which is then turned
into a JAX function. Anything else is an :class:`ExpressionError` naming the
problem and its position.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re

import jax
import jax.numpy as jnp
import numpy as np

from i18n import N_, gettext_for

from ._core import Bounds, Landscape, Stationary

MAX_LENGTH = 400
MAX_DEPTH = 40
MAX_NODES = 400


class ExpressionError(ValueError):
    """A formula that cannot be accepted; ``position`` is the 0-based column."""

    def __init__(self, message: str, position: int, text: str = "", **fields):
        self.template, self.fields = message, fields  # the catalog msgid and what fills it
        message = message.format(**fields) if fields else message
        self.message = message
        self.position = position
        shown = text if len(text) <= 80 else text[:80] + "..."
        caret = (
            "\n  " + shown + "\n  " + " " * min(position, 83) + "^"
            if text and position <= 80
            else ""
        )
        super().__init__(f"{message} (at position {position + 1}){caret}")

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (the formula's own characters stay as typed)."""
        t = gettext_for(lang)(self.template)
        return t.format(**self.fields) if self.fields else t


_UNARY = {
    "exp": jnp.exp,
    "log": jnp.log,
    "ln": jnp.log,
    "log10": jnp.log10,
    "log1p": jnp.log1p,
    "sqrt": jnp.sqrt,
    "abs": jnp.abs,
    "sin": jnp.sin,
    "cos": jnp.cos,
    "tan": jnp.tan,
    "tanh": jnp.tanh,
    "sinh": jnp.sinh,
    "cosh": jnp.cosh,
    "arctan": jnp.arctan,
    "atan": jnp.arctan,
    "arcsin": jnp.arcsin,
    "arccos": jnp.arccos,
    "sigmoid": jax.nn.sigmoid,
    "softplus": jax.nn.softplus,
    "sign": jnp.sign,
}
_BINARY = {"min": jnp.minimum, "max": jnp.maximum, "atan2": jnp.arctan2, "hypot": jnp.hypot}
_CONST = {"pi": math.pi, "e": math.e}
_VARS = ("x", "y")

_TOKEN = re.compile(
    r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^(),]))"
)


@dataclasses.dataclass(frozen=True)
class _Tok:
    kind: str  # num, name, op, end
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    for i, ch in enumerate(text):
        if ord(ch) > 127 or (not ch.isprintable() and ch not in " \t"):
            raise ExpressionError(
                N_("character {ch} is not allowed; use plain ASCII"), i, text, ch=repr(ch)
            )
    toks, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            p = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise ExpressionError(N_("unexpected character {ch}"), p, text, ch=repr(text[p]))
        start = m.start(m.lastindex)
        kind = {1: "num", 2: "name", 3: "op"}[m.lastindex]
        toks.append(_Tok(kind, m.group(m.lastindex), start))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


class _Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
    unary := ('-'|'+') unary | power ; power := atom (('^'|'**') unary)? ;
    atom := number | name | name '(' expr [',' expr] ')' | '(' expr ')'"""

    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.nodes = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def fail(self, msg: str, tok: _Tok | None = None, **fields):
        raise ExpressionError(msg, (tok or self.peek()).pos, self.text, **fields)

    def node(self, *n):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(N_("formula is too complex (more than {n} operations)"), n=MAX_NODES)
        return n

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(N_("formula nests too deeply (more than {n} levels)"), n=MAX_DEPTH)

    def parse(self):
        if self.peek().kind == "end":
            self.fail("the formula is empty")
        tree = self.expr()
        if self.peek().kind != "end":
            self.fail(N_("unexpected {t}"), t=repr(self.peek().text))
        return tree

    def expr(self):
        self.enter()
        left = self.term()
        while self.peek().text in ("+", "-"):
            op = self.take().text
            left = self.node("bin", op, left, self.term())
        self.depth -= 1
        return left

    def term(self):
        left = self.unary()
        while self.peek().text in ("*", "/"):
            op = self.take().text
            left = self.node("bin", op, left, self.unary())
        return left

    def unary(self):
        if self.peek().text in ("-", "+"):
            op = self.take().text
            self.enter()
            inner = self.unary()
            self.depth -= 1
            return self.node("neg", inner) if op == "-" else inner
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek().text in ("^", "**"):
            self.take()
            self.enter()
            exp = self.unary()
            self.depth -= 1
            return self.node("bin", "^", base, exp)
        return base

    def atom(self):
        t = self.take()
        if t.kind == "num":
            if len(t.text) > 30:
                self.fail(N_("number literal is too long"), t)
            return self.node("num", float(t.text))
        if t.kind == "name":
            name = t.text
            if self.peek().text == "(":
                if name not in _UNARY and name not in _BINARY:
                    allowed = ", ".join(sorted(_UNARY) + sorted(_BINARY))
                    self.fail(
                        N_("unknown function {name}; allowed: {allowed}"),
                        t,
                        name=repr(name),
                        allowed=allowed,
                    )
                self.take()
                args = [self.expr()]
                while self.peek().text == ",":
                    self.take()
                    args.append(self.expr())
                if self.peek().text != ")":
                    self.fail(N_("expected ')' to close the function call"))
                self.take()
                want = 1 if name in _UNARY else 2
                if len(args) != want:
                    self.fail(
                        N_("{name}() takes {want} argument(s), got {got}"),
                        t,
                        name=name,
                        want=want,
                        got=len(args),
                    )
                return self.node("call", name, *args)
            if name in _VARS:
                return self.node("var", _VARS.index(name))
            if name in _CONST:
                return self.node("num", _CONST[name])
            self.fail(
                N_("unknown name {name}; the variables are x and y, constants pi and e"),
                t,
                name=repr(name),
            )
        if t.text == "(":
            inner = self.expr()
            if self.peek().text != ")":
                self.fail(N_("expected ')'"))
            self.take()
            return inner
        if t.kind == "end":
            self.fail(N_("the formula ends too early"), t)
        self.fail(N_("unexpected {t}"), t, t=repr(t.text))


def parse(text: str):
    """Parse ``text`` into a nested-tuple AST; raises :class:`ExpressionError`."""
    if not isinstance(text, str):
        raise ExpressionError(N_("the formula must be text"), 0)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            N_("formula is too long ({n} characters; the limit is {limit})"),
            MAX_LENGTH,
            n=len(text),
            limit=MAX_LENGTH,
        )
    return _Parser(text).parse()


def _compile(tree):
    kind = tree[0]
    if kind == "num":
        v = tree[1]
        return lambda xy: jnp.asarray(v, dtype=jnp.float64)
    if kind == "var":
        i = tree[1]
        return lambda xy: xy[i]
    if kind == "neg":
        a = _compile(tree[1])
        return lambda xy: -a(xy)
    if kind == "bin":
        op, a, b = tree[1], _compile(tree[2]), _compile(tree[3])
        fn = {"+": jnp.add, "-": jnp.subtract, "*": jnp.multiply, "/": jnp.divide, "^": jnp.power}[
            op
        ]
        return lambda xy: fn(a(xy), b(xy))
    if kind == "call":
        name, args = tree[1], [_compile(t) for t in tree[2:]]
        if name in _UNARY:
            fn1, a = _UNARY[name], args[0]
            return lambda xy: fn1(a(xy))
        fn2, a, b = _BINARY[name], args[0], args[1]
        return lambda xy: fn2(a(xy), b(xy))
    raise AssertionError(kind)  # pragma: no cover


def _canon(tree) -> str:
    return repr(tree)


def from_expression(text: str, bounds: Bounds | None = None) -> Landscape:
    """Build a :class:`Landscape` from a formula in ``x`` and ``y``.

    The minima listed are the formula's local minima inside the box (gradient zero, Hessian positive
    definite; see :func:`_minima`), none if it has none. Domain errors (``log`` of a negative
    number) evaluate to NaN and show as gaps in the plots. A formula is parsed and compiled once
    (:func:`_compiled`) and its landscape built once per box (the same object is returned again), so
    the app's reruns, which ask for it several times, do not redo either.
    """
    if bounds is None:
        bounds = ((-3.0, 3.0), (-3.0, 3.0))
    (x0, x1), (y0, y1) = bounds
    vals = [x0, x1, y0, y1]
    if (
        not all(math.isfinite(v) for v in vals)
        or x1 <= x0
        or y1 <= y0
        or max(x1 - x0, y1 - y0) > 1e6
    ):
        _compiled(text)  # a formula error names the formula first
        raise ExpressionError(N_("bounds must be finite with min < max (and a span below 1e6)"), 0)
    return _landscape(text, ((float(x0), float(x1)), (float(y0), float(y1))))


@functools.lru_cache(maxsize=64)
def _compiled(text: str):
    """The formula's tree, its canonical key and its JAX function (errors are not cached)."""
    tree = parse(text)
    return "expr:" + _canon(tree), _compile(tree)


@functools.lru_cache(maxsize=64)
def _landscape(text: str, bounds: Bounds) -> Landscape:
    key, fn = _compiled(text)
    (x0, x1), (y0, y1) = bounds

    def family(xy, p):
        del p
        return jnp.asarray(fn(xy), dtype=jnp.float64) + 0.0 * xy[0]

    scape = Landscape(
        name="custom",
        title=f"f(x, y) = {text.strip()}",
        f=lambda xy: family(xy, {}),
        bounds=bounds,
        minima=(),
        saddles=(),
        start=(x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0)),
        params={},
        values={},
        description="Your own formula.",
        reference="User-defined.",
        family=family,
        key=key,
    )
    return dataclasses.replace(scape, minima=_minima(scape))


def _minima(scape: Landscape, n: int = 101, most: int = 8) -> tuple[Stationary, ...]:
    r"""The local minima of a formula inside its box: grid points lower than their eight (finite)
    neighbours, refined by Newton's method, kept only where :math:`\|\nabla f\| \approx 0` and the
    Hessian is positive definite, strictly inside the box. A pole or the box edge is not a
    minimum."""
    xs, ys, z = scape.grid(n)
    zp = np.pad(z, 1, constant_values=np.nan)
    core = zp[1:-1, 1:-1]
    ok = np.isfinite(core)
    for dj in (-1, 0, 1):
        for di in (-1, 0, 1):
            if dj or di:
                nb = zp[1 + dj : zp.shape[0] - 1 + dj, 1 + di : zp.shape[1] - 1 + di]
                ok &= np.isfinite(nb) & (core <= nb)
    js, is_ = np.nonzero(ok)
    if len(js) == 0:
        return ()
    order = np.argsort(core[js, is_])[: 4 * most]
    p = np.stack([xs[is_[order]], ys[js[order]]], axis=1)
    p = np.concatenate([p, np.repeat(p[:1], 4 * most - len(p), axis=0)])  # one shape: one compile
    p, g, h, v = (np.asarray(a) for a in _newton(scape.f)(p))
    (x0, x1), (y0, y1) = scape.bounds
    cell = max(x1 - x0, y1 - y0) / (n - 1)
    eig = np.linalg.eigvalsh(np.where(np.isfinite(h), h, 0.0))
    good = (
        np.isfinite(v)
        & np.all(np.isfinite(g), axis=1)
        & np.all(np.isfinite(h), axis=(1, 2))
        & (np.linalg.norm(g, axis=1) * cell <= 1e-8 * (1.0 + np.abs(v)))
        & (eig[:, 0] > 1e-9 * np.maximum(1.0, np.abs(eig[:, 1])))
        & (p[:, 0] > x0 + 1e-9 * cell)
        & (p[:, 0] < x1 - 1e-9 * cell)
        & (p[:, 1] > y0 + 1e-9 * cell)
        & (p[:, 1] < y1 - 1e-9 * cell)
    )
    found: list[Stationary] = []
    for (x, y), val in sorted(
        zip(p[good].tolist(), v[good].tolist(), strict=True), key=lambda t: t[1]
    ):
        if all(math.hypot(x - m.x, y - m.y) > cell for m in found):
            found.append(Stationary(float(x), float(y), float(val)))
    return tuple(found[:most])


def _newton(f):
    """Newton's method on many points at once (a step only where the Hessian is positive
    definite)."""
    grad, hess = jax.vmap(jax.grad(f)), jax.vmap(jax.hessian(f))

    def body(_, p):
        g, h = grad(p), hess(p)
        det, tr = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] * h[:, 1, 0], h[:, 0, 0] + h[:, 1, 1]
        pd = jnp.isfinite(det) & (det > 0) & (tr > 0)
        safe = jnp.where(pd, det, 1.0)
        step = (
            jnp.stack(
                [
                    h[:, 1, 1] * g[:, 0] - h[:, 0, 1] * g[:, 1],
                    h[:, 0, 0] * g[:, 1] - h[:, 1, 0] * g[:, 0],
                ],
                axis=1,
            )
            / safe[:, None]
        )
        return jnp.where(
            pd[:, None] & jnp.all(jnp.isfinite(step), axis=1, keepdims=True), p - step, p
        )

    @jax.jit
    def run(p):
        p = jax.lax.fori_loop(0, 30, body, p)
        return p, grad(p), hess(p), jax.vmap(f)(p)

    return run


def first_break(scape: Landscape, points: np.ndarray, iters: int = 40) -> int | None:
    r"""The first step ``points[k] -> points[k+1]`` that crosses a pole or a non-finite region of
    ``scape`` (``None``: none does). Each segment is bisected ``iters`` times towards its larger
    jump of :math:`f`; on a continuous :math:`f` the jump shrinks with the interval, across a pole
    (or a jump) it does not."""
    pts = np.asarray(points, dtype=np.float64)
    if len(pts) < 2:
        return None
    f = jax.jit(jax.vmap(scape.f))
    a, d = pts[:-1], pts[1:] - pts[:-1]
    moved = np.any(d != 0, axis=1)
    at = lambda t: np.asarray(f(a + t[:, None] * d))
    lo, hi = np.zeros(len(a)), np.ones(len(a))
    flo, fhi = at(lo), at(hi)
    bad = ~np.isfinite(flo) | ~np.isfinite(fhi)
    jump0 = np.abs(np.where(bad, 0.0, fhi - flo))
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        fm = at(mid)
        bad |= ~np.isfinite(fm)
        left = np.abs(fm - flo) >= np.abs(fhi - fm)
        hi, fhi = np.where(left, mid, hi), np.where(left, fm, fhi)
        lo, flo = np.where(left, lo, mid), np.where(left, flo, fm)
    with np.errstate(invalid="ignore"):
        jump = np.abs(fhi - flo)
        bad |= (jump > 1e-3 * jump0) & (jump > 1e-6 * (1.0 + np.abs(flo)))
    bad &= moved
    k = np.flatnonzero(bad)
    return int(k[0]) if len(k) else None
