r"""Executes an optimizer's shown numpy code step by step and records every assignment.

The code strings are the registry's own constants (``OptimizerSpec.textbook_init`` and
``OptimizerSpec.textbook``). They are run by a small interpreter, not ``exec``: assignments and
``+=``-style updates of names, arithmetic (``+ - * / **``, unary minus), numbers, names,
``grad(...)`` and a whitelist of numpy functions, with Python's own operators, so the numbers are
exactly those the same lines would give in numpy. Per step :math:`t = 1, 2, \dots` the namespace
holds ``x`` (the point), ``dx`` (the gradient at ``x``, computed only when the code reads it),
``grad(point)`` (the gradient of step ``t`` at any point: the notes' Nesterov takes it at
``x_ahead``), ``H`` (the Hessian at ``x``, for Newton), ``t``, ``learning_rate`` (the rate of step
``t``) and the hyperparameters (the momentum of step ``t`` when a momentum ramp is on).
"""

from __future__ import annotations

import ast
import dataclasses
import numbers
import operator
from collections.abc import Callable, Mapping, Sequence

import numpy as np

import astlock

from ._specs import OptimizerSpec, get


@dataclasses.dataclass(frozen=True, eq=False)
class TextbookLine:
    """One executed assignment of the shown code at one step."""

    source: str  # the line as shown, e.g. "v = momentum * v - learning_rate * dx"
    target: str  # the assigned name ("v", "x", ...)
    reads: tuple[
        tuple[str, object], ...
    ]  # names read (the target first for +=), values before the line
    value: object  # the target's value after the line


@dataclasses.dataclass(frozen=True, eq=False)
class TextbookTrace:
    """The shown code run for ``steps`` steps: the points and, per step, its executed lines."""

    points: np.ndarray  # (steps+1, 2) x after each step
    lines: tuple[
        tuple[TextbookLine, ...], ...
    ]  # lines[t-1]: the assignments executed at step t (1-based t)


@dataclasses.dataclass(frozen=True)
class _Stmt:
    source: str
    target: str
    reads: tuple[str, ...]
    op: object  # None for "=", else the operator of "+=", "-=", ...
    value: ast.expr


def _value(v):
    """A recorded value: a float for scalars, a copy for arrays."""
    if isinstance(v, np.ndarray):
        return float(v) if v.ndim == 0 else v.copy()
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v)
    return v


_NUMPY = {
    f"np.{k}": getattr(np, k)
    for k in (
        "zeros",
        "ones",
        "full",
        "sqrt",
        "abs",
        "sign",
        "maximum",
        "minimum",
        "eye",
        "exp",
        "log",
        "clip",
        "where",
        "round",
        "sum",
    )
}
_NUMPY["np.linalg.solve"] = np.linalg.solve
_NUMPY["np.linalg.norm"] = np.linalg.norm
_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.GtE: operator.ge,
    ast.Gt: operator.gt,
    ast.LtE: operator.le,
    ast.Lt: operator.lt,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _check(node: ast.expr, where: str) -> None:
    """Reject anything outside the small language the shown code uses."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            name = _dotted(n.func)
            if n.keywords or name is None or (name not in _NUMPY and "." in name):
                raise ValueError(f"{where}: call not allowed in the shown code: {ast.unparse(n)!r}")
        elif isinstance(n, ast.Constant):
            if not isinstance(n.value, (int, float)) or isinstance(n.value, bool):
                raise ValueError(
                    f"{where}: only numbers may appear as constants: {ast.unparse(n)!r}"
                )
        elif (
            (isinstance(n, ast.BinOp) and type(n.op) not in _BINARY)
            or (isinstance(n, ast.UnaryOp) and type(n.op) not in _UNARY)
            or (isinstance(n, ast.Compare) and (len(n.ops) != 1 or type(n.ops[0]) not in _COMPARE))
        ):
            raise ValueError(f"{where}: operator not allowed in the shown code: {ast.unparse(n)!r}")
        elif not isinstance(
            n,
            (
                ast.Call,
                ast.Constant,
                ast.BinOp,
                ast.UnaryOp,
                ast.Name,
                ast.Attribute,
                ast.Load,
                ast.operator,
                ast.unaryop,
                ast.Compare,
                ast.cmpop,
            ),
        ):
            raise ValueError(
                f"{where}: construct not allowed in the shown code: {ast.unparse(n)!r}"
            )


def _eval(node: ast.expr, ns: Mapping[str, object]):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in ns:
            raise ValueError(f"the shown code reads {node.id!r}, which is not defined")
        return ns[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, ns), _eval(node.right, ns))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, ns))
    if isinstance(node, ast.Compare):
        return _COMPARE[type(node.ops[0])](_eval(node.left, ns), _eval(node.comparators[0], ns))
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        fn = _NUMPY.get(name) if "." in name else ns.get(name)
        if not callable(fn):
            raise ValueError(f"the shown code calls {name!r}, which is not a function here")
        return fn(*(_eval(a, ns) for a in node.args))
    raise ValueError(f"construct not allowed in the shown code: {ast.unparse(node)!r}")


def _run(st: _Stmt, ns: dict) -> None:
    v = _eval(st.value, ns)
    ns[st.target] = v if st.op is None else st.op(ns[st.target], v)


def _compile(code: str, where: str) -> tuple[_Stmt, ...]:
    """Split the code into statements, each with its target, operator and the names it reads."""
    tree = astlock.parse(code, filename=where)
    out = []
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            target, first, op = node.targets[0].id, (), None
        elif (
            isinstance(node, ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and type(node.op) in _BINARY
        ):
            target, first, op = node.target.id, (node.target.id,), _BINARY[type(node.op)]
        else:
            raise ValueError(
                f"{where}: only assignments to a name can be traced: {ast.unparse(node)!r}"
            )
        _check(node.value, where)
        names = sorted(
            (
                n
                for n in ast.walk(node.value)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            ),
            key=lambda n: (n.lineno, n.col_offset),
        )
        reads = tuple(dict.fromkeys((*first, *(n.id for n in names))))
        source = ast.get_source_segment(code, node) or ast.unparse(node)
        out.append(_Stmt(source, target, reads, op, node.value))
    return tuple(out)


def _reads_name(stmts: Sequence[_Stmt], name: str) -> bool:
    return any(name in st.reads for st in stmts)


def textbook_trace(
    optimizer: str | OptimizerSpec,
    *,
    start,
    steps: int,
    hparams: Mapping[str, float] | None,
    lrs,
    grad: Callable[[np.ndarray, int], np.ndarray],
    momenta=None,
    hessian: Callable[[np.ndarray], np.ndarray] | None = None,
) -> TextbookTrace:
    """Run the optimizer's shown code for ``steps`` steps from ``start`` and record every
    assignment.

    ``lrs`` is the ``(steps,)`` learning rate of each step (``Trajectory.lrs``), ``momenta`` the
    per-step value of ``spec.momentum_key`` (``Trajectory.momenta``; ``None``: the constant in
    ``hparams``), ``grad(point, t)`` the gradient used at step ``t`` at that point,
    ``hessian(point)`` the Hessian (needed by Newton only). With the engine's recorded gradients
    (``lambda p, t: traj.eval_grads[t - 1]``) the points are the drawn path, noise and clipping
    included.
    """
    spec = get(optimizer)
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    lrs = np.asarray(lrs, dtype=float).reshape(-1)
    if lrs.size == 1 and steps != 1:
        lrs = np.full(steps, float(lrs[0]))
    if lrs.size < steps:
        raise ValueError(f"lrs has {lrs.size} learning rates for {steps} steps")
    if momenta is not None:
        if spec.momentum_key is None:
            raise ValueError(f"{spec.name} has no momentum hyperparameter to schedule")
        momenta = np.asarray(momenta, dtype=float).reshape(-1)
        if momenta.size < steps:
            raise ValueError(f"momenta has {momenta.size} values for {steps} steps")
    if spec.needs_hessian and hessian is None:
        raise ValueError(f"{spec.name}'s code reads the Hessian H: pass hessian=")
    hp = spec.hparams(hparams)
    init = _compile(spec.textbook_init, f"<{spec.name} textbook_init>")
    body = _compile(spec.textbook, f"<{spec.name} textbook>")
    wants_dx = _reads_name(body, "dx")

    x = np.array(start, dtype=float).reshape(2)
    ns: dict[str, object] = {"np": np, "learning_rate": float(lrs[0]) if steps else 0.0, **hp}
    ns["x"] = x  # the state may start from the start point (Schedule-Free's z = x)
    for st in init:
        _run(st, ns)
    ns["x"] = x
    points = [x.copy()]
    lines = []
    for t in range(1, steps + 1):
        ns["t"] = t
        ns["learning_rate"] = float(lrs[t - 1])
        if momenta is not None:
            ns[spec.momentum_key] = float(momenta[t - 1])
        ns["grad"] = lambda point, _t=t: np.asarray(
            grad(np.array(point, dtype=float), _t), dtype=float
        )
        ns.pop("dx", None)
        if wants_dx:
            ns["dx"] = np.asarray(grad(np.array(ns["x"], dtype=float), t), dtype=float)
        if spec.needs_hessian:
            ns["H"] = np.asarray(hessian(np.array(ns["x"], dtype=float)), dtype=float)
        step = []
        for st in body:
            reads = tuple((k, _value(ns[k])) for k in st.reads if k in ns and _recordable(ns[k]))
            _run(st, ns)
            step.append(TextbookLine(st.source, st.target, reads, _value(ns[st.target])))
        lines.append(tuple(step))
        points.append(np.array(ns["x"], dtype=float).copy())
    return TextbookTrace(np.array(points).reshape(-1, 2), tuple(lines))


def _recordable(v) -> bool:
    return isinstance(v, (numbers.Number, np.ndarray))


def textbook_replay(
    traj,
    optimizer: str | OptimizerSpec,
    hparams: Mapping[str, float] | None = None,
    hessian: Callable[[np.ndarray], np.ndarray] | None = None,
) -> TextbookTrace:
    """The shown code fed with a :class:`Trajectory`'s own gradients, rates and momenta: it retraces
    the drawn path (up to a divergence) and gives, for each step, the update equation with its
    numbers.

    The gradient the code asks for at step ``t`` is the one the engine used there
    (``eval_grads``, noise and clipping included) unless the point asked for is closer to the
    drawn point ``x`` than to the engine's evaluation point: then it is the exact gradient at
    ``x`` (``grads``). Only SAM asks for both: its uphill direction uses the exact gradient at
    ``x``, its step the gradient at the perturbed point."""
    n = traj.steps if traj.diverged_at is None else max(traj.diverged_at - 1, 0)

    def grad(p, t):
        k = t - 1
        at_x = np.sum((p - traj.points[k]) ** 2) < np.sum((p - traj.eval_points[k]) ** 2)
        return traj.grads[k] if at_x else traj.eval_grads[k]

    return textbook_trace(
        optimizer,
        start=traj.points[0],
        steps=n,
        hparams=hparams,
        lrs=traj.lrs[:n],
        grad=grad,
        momenta=None if traj.momenta is None else traj.momenta[:n],
        hessian=hessian,
    )


def textbook_series(
    traj, optimizer: str | OptimizerSpec, name: str, hparams: Mapping[str, float] | None = None
) -> np.ndarray:
    """The value of the shown code's variable ``name`` after every step of a :class:`Trajectory`
    (``(steps,)`` or ``(steps, 2)``, up to a divergence), from :func:`textbook_replay`, which
    retraces the drawn path: e.g. Prodigy's step-size estimate ``d``, Schedule-Free's ``z``,
    Lookahead's ``slow`` weights."""
    spec = get(optimizer)
    if not any(st.target == name for st in _compile(spec.textbook, spec.name)):
        raise ValueError(f"{spec.name}'s shown code assigns no variable {name!r}")
    rep = textbook_replay(traj, spec, hparams)
    vals = [next(ln.value for ln in reversed(step) if ln.target == name) for step in rep.lines]
    return np.array(vals, dtype=float)
