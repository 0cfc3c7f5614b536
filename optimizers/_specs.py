"""The optimizer registry: one table of :class:`OptimizerSpec` that pages and tests iterate."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax.numpy as jnp
import optax

from i18n import N_

from . import _custom
from ._specs_base import HParam


class ProbeContext(NamedTuple):
    """What a probe may read besides the optimizer state, after the step with 0-based index ``count
    - 1``."""

    hp: Mapping[
        str, jnp.ndarray
    ]  # hyperparameters of the step just taken (a momentum ramp included)
    lr: jnp.ndarray  # its learning rate
    hp_next: Mapping[str, jnp.ndarray]  # hyperparameters of the next step
    lr_next: jnp.ndarray  # its learning rate
    count: jnp.ndarray  # steps taken


#: ``probe(state, ctx) -> {"velocity": ..., "mhat": ..., "lookahead_shift": ...}`` (any subset).
Probe = Callable[[optax.OptState, ProbeContext], dict]
#: ``eval_point(state, params, hparams, grad) -> point``: where the next gradient is taken
#: (``grad``: the surface's exact gradient function, for rules such as SAM that need a second one).
EvalPoint = Callable[
    [optax.OptState, jnp.ndarray, Mapping[str, jnp.ndarray], Callable], jnp.ndarray
]


_DEFAULT_LR = HParam(0.01, 1e-5, 10.0, True, N_("learning rate"))


@dataclasses.dataclass(frozen=True, kw_only=True)
class OptimizerSpec:
    r"""An optimizer: optax factory, hyperparameter specs, equations and textbook code.

    ``factory(learning_rate, **hyperparams)`` returns an ``optax.GradientTransformation``;
    ``textbook_init`` and ``textbook`` are the numpy form shown in the app (executed by
    :func:`optimizers.textbook_trace` and the tests): ``x`` the point, ``dx`` the gradient at ``x``,
    ``grad(point)`` the gradient anywhere, ``H`` the Hessian at ``x``, ``t`` the 1-based step.
    ``eval_point`` (default: the parameters) is where the engine takes the gradient of the next
    step; noise and clipping apply to the gradient taken there. ``notes_erratum`` says where the
    course notes get this method wrong (empty when they do not). Rows are written with keywords
    (the class is keyword-only), one field per line.
    """

    name: str
    title: str
    factory: Callable[..., optax.GradientTransformation]
    hyperparams: Mapping[str, HParam]
    latex: str
    textbook_init: str
    textbook: str
    reference: str
    description: str
    lr: HParam = _DEFAULT_LR
    needs_hessian: bool = False
    momentum_key: str | None = None  # the hyperparameter a momentum schedule drives
    fast_factory: Callable[..., optax.GradientTransformation] | None = None
    probe: Probe | None = None
    eval_point: EvalPoint | None = None
    notes_erratum: str = ""

    def defaults(self) -> dict[str, float]:
        return {k: v.default for k, v in self.hyperparams.items()}

    def hparams(self, given: Mapping[str, float] | None) -> dict[str, float]:
        """Fill defaults and clamp to range; unknown names raise ``KeyError``."""
        given = dict(given or {})
        extra = set(given) - set(self.hyperparams)
        if extra:
            raise KeyError(f"{self.name} has no hyperparameter(s) {sorted(extra)}")
        return {k: float(given.get(k, spec.default)) for k, spec in self.hyperparams.items()}


def _tree(state, key):
    return optax.tree_utils.tree_get(state, key)


def _velocity_notes(state, ctx):
    r"""The notes' velocity :math:`v` (so :math:`x_{t} - x_{t-1} = v_t`) and the look-ahead shift
    :math:`\mu v`."""
    v = _tree(state, "velocity")
    return {"velocity": v, "lookahead_shift": ctx.hp_next["momentum"] * v}


def _velocity_ema(state, ctx):
    r"""Velocity :math:`-\alpha_t v` (the step just taken); inertia of the next step
    :math:`-\alpha_{t+1}\beta v`."""
    v = _tree(state, "velocity")
    return {"velocity": -ctx.lr * v, "lookahead_shift": -ctx.lr_next * ctx.hp_next["momentum"] * v}


def _velocity_trace(state, ctx):
    r"""PyTorch's buffer :math:`b` as a velocity :math:`-\alpha_t b` (the step just taken) and the
    next step's inertia :math:`-\alpha_{t+1}\mu b`."""
    b = _tree(state, "trace")
    return {"velocity": -ctx.lr * b, "lookahead_shift": -ctx.lr_next * ctx.hp_next["momentum"] * b}


def _velocity_rewritten(state, ctx):
    r"""The notes' :math:`v = -\alpha b` (exact for a constant rate); the stored point *is* the
    look-ahead point."""
    return {"velocity": -ctx.lr * _tree(state, "trace"), "lookahead_shift": jnp.zeros(2)}


def _ahead(state, params, hp, grad=None):
    r"""The notes' Nesterov look-ahead point :math:`x + \mu v`, where the gradient is taken."""
    return params + hp["momentum"] * _tree(state, "velocity")


def _mhat(state, ctx):
    r"""Bias-corrected first moment :math:`\hat m = m / (1 - \beta_1^t)`."""
    b1 = ctx.hp["b1"]
    return {
        "mhat": _tree(state, "mu") / (1 - b1 ** jnp.maximum(jnp.asarray(ctx.count, b1.dtype), 1.0))
    }


def _m(state, ctx):
    return {"mhat": _tree(state, "mu")}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Erratum:
    """A mistake in the course notes that the app must not copy, with the notes' own words."""

    topic: str
    notes_say: str  # verbatim from the notes (checked against them by the tests)
    notes_say_en: str  # its translation
    right: str  # what is right
    where: str  # which notes, which section
    optimizers: tuple[str, ...] = ()  # the optimizers whose page should show it


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        topic=N_("plain update"),
        notes_say="x+=learning_rate*dx",
        notes_say_en=N_("x += learning_rate * dx"),
        right=N_(
            "The step goes against the gradient: x += -learning_rate * dx. With the plus sign "
            "every step climbs the loss (the notes' own sentence says to move along the negative "
            "gradient, 沿着负梯度方向)."
        ),
        where=N_("001 (CS231n notes, 参数更新方法 / 普通更新)"),
        optimizers=("sgd",),
    ),
    Erratum(
        topic=N_("convexity"),
        notes_say="神经网络具有高维凸优化问题",
        notes_say_en=N_("neural networks have high-dimensional convex optimization problems"),
        right=N_(
            "Training a neural network is a high-dimensional non-convex problem. A convex function "
            "has no saddle points and every local minimum is global, so the saddles the same "
            "sentence goes on to mention could not occur."
        ),
        where=N_("002 (Deep learning optimizers, numbered problem 1)"),
    ),
    Erratum(
        topic=N_("saddle point, cross-sections"),
        notes_say="从另一个横截面，我们得到一个全局最大值",
        notes_say_en=N_("from another cross-section we get a global maximum"),
        right=N_(
            "Along the other cross-section a saddle is a local maximum, not a global one (the loss "
            "of a network is unbounded above along most lines)."
        ),
        where=N_("002 (Deep learning optimizers, numbered problem 1)"),
    ),
    Erratum(
        topic=N_("saddle point, definition"),
        notes_say="鞍点(是指在某些方向上梯度为零而在其他方向上梯度非零的点。)",
        notes_say_en=N_(
            "a saddle point is a point where the gradient is zero in some directions and non-zero "
            "in others"
        ),
        right=N_(
            "At a saddle point the gradient is zero in every direction (it is a stationary point); "
            "what differs between directions is the curvature: the loss curves up along some and "
            "down along others (the Hessian has eigenvalues of both signs). The same notes define "
            "it correctly later (梯度在所有方向上都接近或等于零)."
        ),
        where="003 (神经网络中的优化方法, 一、引入)",
    ),
    Erratum(
        topic=N_("RMSprop summary"),
        notes_say="RMSprop结合了Momentum和AdaGrad的优势,通过一阶矩估计和二阶矩估计动态调整学习率",
        notes_say_en=N_(
            "RMSprop combines the advantages of Momentum and AdaGrad, adjusting the learning rate "
            "through first- and second-moment estimates"
        ),
        right=N_(
            "That describes Adam. RMSprop keeps only a running average of squared gradients (a "
            "second moment) and no momentum; Adam adds momentum's first moment to it, as section "
            "六 of the same notes says."
        ),
        where=N_("003 (神经网络中的优化方法, summary 简介)"),
        optimizers=("rmsprop",),
    ),
    Erratum(
        topic=N_("rmsprop() resets its cache"),
        notes_say=(
            "def rmsprop(params, grads, learning_rate=0.01, decay_rate=0.9, epsilon=1e-8):\n    "
            "cache = {}"
        ),
        notes_say_en=N_(
            "def rmsprop(...): cache = {} (then cache[key] = np.zeros_like(params[key]) on every "
            "call)"
        ),
        right=N_(
            "The cache is created inside the update function, so it is zero again on every call "
            "and never averages anything: each step is cache = (1 - decay_rate) dx**2 and the "
            "update is about learning_rate / sqrt(1 - decay_rate) * sign(dx), signSGD with steps "
            "3.16 times the learning rate. The cache is state: create it once, before the loop, "
            "and keep it between steps."
        ),
        where=N_("003 (神经网络中的优化方法, 五、RMSProp, code)"),
        optimizers=("rmsprop",),
    ),
)

_SGD_ERRATUM = N_(
    "The notes write the plain update as x+=learning_rate*dx, without the minus: that climbs the "
    "loss. Gradient descent steps against the gradient: x += -learning_rate * dx."
)
_RMSPROP_ERRATUM = N_(
    "One set of notes sums RMSprop up as combining Momentum and AdaGrad through first- and "
    "second-moment estimates: that is Adam; RMSprop has no momentum. Its sample rmsprop() creates "
    "the cache inside the function, so the cache restarts at zero on every call and each step "
    "becomes about lr / sqrt(1 - decay) * sign(dx); the cache must persist between steps, as in "
    "the code shown here."
)


def H(default, low, high, log=False, label=""):
    return HParam(default, low, high, log, label)


MOM = H(0.9, 0.0, 0.999, label=N_("momentum mu"))
B1 = H(0.9, 0.0, 0.999, label="beta1")
B2 = H(0.999, 0.5, 0.99999, label="beta2")
EPS = H(1e-8, 1e-12, 1.0, log=True, label="epsilon")

_ADAM_INIT = "m = np.zeros(2)\nv = np.zeros(2)"

OPTIMIZERS: tuple[OptimizerSpec, ...] = (
    OptimizerSpec(
        name="sgd",
        title=N_("SGD"),
        factory=lambda learning_rate: optax.sgd(learning_rate),
        hyperparams={},
        latex=r"x_{t+1} = x_t - \alpha\,\nabla f(x_t)",
        textbook_init="",
        textbook="x += -learning_rate * dx",
        reference="Robbins & Monro, A Stochastic Approximation Method, 1951.",
        description=N_(
            "Plain (stochastic) gradient descent: step against the gradient. The course notes' "
            "update, with the minus sign their code drops."
        ),
        lr=H(0.01, 1e-5, 10.0, log=True, label=N_("learning rate")),
        notes_erratum=_SGD_ERRATUM,
    ),
    OptimizerSpec(
        name="momentum",
        title=N_("Momentum (heavy ball)"),
        factory=_custom.momentum_notes,
        hyperparams={"momentum": MOM},
        latex=r"v_{t+1} = \mu v_t - \alpha_t\nabla f(x_t),\quad x_{t+1} = x_t + v_{t+1}",
        textbook_init="v = np.zeros(2)",
        textbook="v = momentum * v - learning_rate * dx\nx += v",
        reference=(
            "Polyak, Some methods of speeding up the convergence of iteration methods, 1964; "
            "CS231n notes."
        ),
        description=N_(
            "A ball with inertia: the velocity accumulates past gradients. As in the course notes: "
            "the learning rate is inside the velocity, so under a schedule old gradients keep the "
            "rate they were taken with."
        ),
        momentum_key="momentum",
        probe=_velocity_notes,
    ),
    OptimizerSpec(
        name="nesterov",
        title=N_("Nesterov momentum"),
        factory=_custom.momentum_notes,
        hyperparams={"momentum": MOM},
        latex=(
            r"x^{\text{ahead}}_t = x_t + \mu v_t,\ v_{t+1} = \mu v_t - \alpha_t\nabla "
            r"f(x^{\text{ahead}}_t),\ x_{t+1} = x_t + v_{t+1}"
        ),
        textbook_init="v = np.zeros(2)",
        textbook=(
            "x_ahead = x + momentum * v\ndx_ahead = grad(x_ahead)\nv = momentum * v - "
            "learning_rate * dx_ahead\nx += v"
        ),
        reference=(
            "Nesterov 1983; Sutskever et al., On the importance of initialization and momentum, "
            "ICML 2013; CS231n notes."
        ),
        description=N_(
            "Momentum that looks ahead: the gradient is taken at x + mu v, where the velocity is "
            "about to carry you. As in the course notes: the drawn point is x, its first step "
            "equals momentum's."
        ),
        momentum_key="momentum",
        probe=_velocity_notes,
        eval_point=_ahead,
    ),
    OptimizerSpec(
        name="nesterov_rewritten",
        title=N_("Nesterov (framework form)"),
        factory=lambda learning_rate, momentum: optax.sgd(
            learning_rate, momentum=momentum, nesterov=True
        ),
        hyperparams={"momentum": MOM},
        latex=(
            r"b_{t+1} = \mu b_t + \nabla f(y_t),\quad y_{t+1} = y_t - \alpha_t\big(\nabla f(y_t) "
            r"+ \mu b_{t+1}\big)"
            r"\quad (y = x + \mu v)"
        ),
        textbook_init="v = np.zeros(2)",
        textbook="v = momentum * v + dx\nx += -learning_rate * (dx + momentum * v)",
        reference=(
            "Sutskever et al., ICML 2013 (appendix); Bengio et al., Advances in optimizing "
            "recurrent networks, 2013; optax.sgd(nesterov=True), torch.optim.SGD(nesterov=True)."
        ),
        description=N_(
            "Framework variant (optax, PyTorch): frameworks store the look-ahead point y = x + mu "
            "v instead of x, so each step needs one gradient, at the stored parameters. The drawn "
            "path is the notes' look-ahead sequence; its first step is (1 + mu) times momentum's. "
            "Equal to the notes' form for a constant learning rate."
        ),
        momentum_key="momentum",
        probe=_velocity_rewritten,
    ),
    OptimizerSpec(
        name="momentum_ema",
        title=N_("Momentum (averaging form)"),
        factory=_custom.momentum_ema,
        hyperparams={"momentum": H(0.9, 0.0, 0.999, label=N_("momentum beta (averaging weight)"))},
        latex=(
            r"v_{t+1} = \beta v_t + (1-\beta)\nabla f(x_t),\quad x_{t+1} = x_t - \alpha_t v_{t+1}"
        ),
        textbook_init="v = np.zeros(2)",
        textbook="v = momentum * v + (1 - momentum) * dx\nx += -learning_rate * v",
        reference=(
            "Ng, Deep Learning Specialization, Course 2 (gradient descent with momentum); the "
            "course notes' exponentially weighted average."
        ),
        description=N_(
            "The course notes' averaging form of momentum: v is an exponentially weighted average "
            "of the gradients, as on the Averaging page. With a constant rate it equals the notes' "
            "main form with learning rate lr(1 - beta); the default rate 0.1 matches its default "
            "0.01."
        ),
        lr=H(0.1, 1e-5, 10.0, log=True, label=N_("learning rate")),
        momentum_key="momentum",
        probe=_velocity_ema,
    ),
    OptimizerSpec(
        name="momentum_pytorch",
        title=N_("Momentum (PyTorch form)"),
        factory=lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum),
        hyperparams={"momentum": MOM},
        latex=r"b_{t+1} = \mu b_t + \nabla f(x_t),\quad x_{t+1} = x_t - \alpha_t b_{t+1}",
        textbook_init="v = np.zeros(2)",
        textbook="v = momentum * v + dx\nx += -learning_rate * v",
        reference=(
            "torch.optim.SGD(momentum=...), optax.sgd(momentum=...); Sutskever et al., ICML 2013."
        ),
        description=N_(
            "Framework variant (PyTorch, optax; what the notes' optim.SGD(momentum=0.9) example "
            "runs): the buffer sums raw gradients and the learning rate multiplies the whole "
            "buffer, so a schedule rescales old gradients too. Equal to the notes' form for a "
            "constant rate."
        ),
        momentum_key="momentum",
        probe=_velocity_trace,
    ),
    OptimizerSpec(
        name="adagrad",
        title=N_("AdaGrad"),
        factory=_custom.adagrad_notes,
        hyperparams={"eps": H(1e-8, 1e-12, 1.0, log=True, label="epsilon")},
        latex=(
            r"G_t = G_{t-1} + g_t^2,\ G_0 = 0,\quad x_{t+1} = x_t - \alpha_t\, g_t / (\sqrt{G_t} "
            r"+ \epsilon)"
        ),
        textbook_init="cache = np.zeros(2)",
        textbook="cache += dx**2\nx += -learning_rate * dx / (np.sqrt(cache) + eps)",
        reference=(
            "Duchi, Hazan, Singer, Adaptive Subgradient Methods, JMLR 2011; CS231n notes; "
            "torch.optim.Adagrad."
        ),
        description=N_(
            "Per-coordinate rates that shrink with the sum of all past squared gradients: it "
            "eventually stalls. As in the course notes (and PyTorch): the sum starts at 0 and "
            "epsilon is outside the root, so the first step has size lr in every coordinate."
        ),
        lr=H(0.5, 1e-5, 10.0, log=True, label=N_("learning rate")),
    ),
    OptimizerSpec(
        name="adagrad_optax",
        title=N_("AdaGrad (optax form)"),
        factory=lambda learning_rate, initial_accumulator_value, eps: optax.adagrad(
            learning_rate, initial_accumulator_value, eps
        ),
        hyperparams={
            "initial_accumulator_value": H(0.1, 0.0, 1.0, label=N_("initial accumulator")),
            "eps": H(1e-7, 1e-12, 1.0, log=True, label="epsilon"),
        },
        latex=(
            r"G_{t} = G_{t-1} + g_t^2,\ G_0 = 0.1,\quad x_{t+1} = x_t - \alpha_t\, g_t / "
            r"\sqrt{G_t + \epsilon}"
        ),
        textbook_init="cache = np.full(2, initial_accumulator_value)",
        textbook="cache += dx**2\nx += -learning_rate * dx / np.sqrt(cache + eps)",
        reference="optax.adagrad (defaults); Duchi, Hazan, Singer, JMLR 2011.",
        description=N_(
            "Framework variant (optax's defaults): the sum starts at 0.1 and epsilon is inside the "
            "root. While the sum of squared gradients is much smaller than 0.1, steps are about lr "
            "|g| / 0.32, like SGD's: on a plateau it barely moves."
        ),
        lr=H(0.5, 1e-5, 10.0, log=True, label=N_("learning rate")),
    ),
    OptimizerSpec(
        name="rmsprop",
        title=N_("RMSprop"),
        factory=lambda learning_rate, decay, eps: optax.rmsprop(
            learning_rate, decay, eps, eps_in_sqrt=False
        ),
        hyperparams={"decay": H(0.9, 0.0, 0.9999, label=N_("decay rho")), "eps": EPS},
        latex=(
            r"s_t = \rho s_{t-1} + (1-\rho) g_t^2,\quad x_{t+1} = x_t - \alpha\, g_t / "
            r"(\sqrt{s_t} + \epsilon)"
        ),
        textbook_init="cache = np.zeros(2)",
        textbook=(
            "cache = decay * cache + (1 - decay) * dx**2\nx += -learning_rate * dx / "
            "(np.sqrt(cache) + eps)"
        ),
        reference=(
            "Tieleman & Hinton, Lecture 6.5, COURSERA: Neural Networks for Machine Learning, 2012."
        ),
        description=N_(
            "AdaGrad with a leaky (exponentially weighted) accumulator: it does not stall. As in "
            "the course notes."
        ),
        notes_erratum=_RMSPROP_ERRATUM,
    ),
    OptimizerSpec(
        name="rmsprop_centered",
        title=N_("RMSprop (centered)"),
        factory=lambda learning_rate, decay, eps: optax.rmsprop(
            learning_rate, decay, eps, eps_in_sqrt=False, centered=True
        ),
        hyperparams={"decay": H(0.9, 0.0, 0.9999, label=N_("decay rho")), "eps": EPS},
        latex=(
            r"\bar g_t = \rho \bar g_{t-1} + (1-\rho) g_t,\ s_t = \rho s_{t-1} + (1-\rho) g_t^2,\ "
            r"x_{t+1} = x_t - \alpha\, g_t / (\sqrt{s_t - \bar g_t^2} + \epsilon)"
        ),
        textbook_init="mean = np.zeros(2)\ncache = np.zeros(2)",
        textbook=(
            "mean = decay * mean + (1 - decay) * dx\ncache = decay * cache + (1 - decay) * "
            "dx**2\nx += -learning_rate * dx / (np.sqrt(cache - mean**2) + eps)"
        ),
        reference="Graves, Generating Sequences With Recurrent Neural Networks, 2013.",
        description=N_(
            "RMSprop normalizing by the gradient's variance instead of its second moment."
        ),
    ),
    OptimizerSpec(
        name="adam",
        title=N_("Adam"),
        factory=lambda learning_rate, b1, b2, eps: optax.adam(learning_rate, b1, b2, eps),
        hyperparams={"b1": B1, "b2": B2, "eps": EPS},
        latex=(
            r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ "
            r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
            r"\hat m_t = \frac{m_t}{1-\beta_1^t},\ \hat v_t = \frac{v_t}{1-\beta_2^t},\ x_{t+1} = "
            r"x_t - \alpha \frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}"
        ),
        textbook_init=_ADAM_INIT,
        textbook=(
            "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = m / (1 - b1**t)\n"
            "v_hat = v / (1 - b2**t)\nx += -learning_rate * m_hat / (np.sqrt(v_hat) + eps)"
        ),
        reference="Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015.",
        description=N_(
            "Momentum on the gradient plus RMSprop's scaling, with bias correction of both moments."
        ),
        momentum_key="b1",
        fast_factory=_custom.adam_running_product,
        probe=_mhat,
    ),
    OptimizerSpec(
        name="adam_nobias",
        title=N_("Adam (no bias correction)"),
        factory=_custom.adam_no_bias_correction,
        hyperparams={"b1": B1, "b2": B2, "eps": EPS},
        latex=(
            r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) "
            r"g_t^2,\ x_{t+1} = x_t - \alpha \frac{m_t}{\sqrt{v_t}+\epsilon}"
        ),
        textbook_init=_ADAM_INIT,
        textbook=(
            "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nx += -learning_rate * m "
            "/ (np.sqrt(v) + eps)"
        ),
        reference="Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015 (section 3).",
        description=N_(
            "Adam as first written in the lecture notes: early steps are biased, because m and v "
            "start at zero."
        ),
        momentum_key="b1",
        probe=_m,
    ),
    OptimizerSpec(
        name="adamw",
        title=N_("AdamW"),
        factory=lambda learning_rate, b1, b2, eps, weight_decay: optax.adamw(
            learning_rate, b1, b2, eps, weight_decay=weight_decay
        ),
        hyperparams={
            "b1": B1,
            "b2": B2,
            "eps": EPS,
            "weight_decay": H(0.01, 0.0, 1.0, label=N_("weight decay")),
        },
        latex=(
            r"x_{t+1} = x_t - "
            r"\alpha\Big(\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon} + \lambda x_t\Big)"
        ),
        textbook_init=_ADAM_INIT,
        textbook=(
            "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = m / (1 - b1**t)\n"
            "v_hat = v / (1 - b2**t)\nx += -learning_rate * (m_hat / (np.sqrt(v_hat) + eps) + "
            "weight_decay * x)"
        ),
        reference="Loshchilov & Hutter, Decoupled Weight Decay Regularization, ICLR 2019.",
        description=N_(
            "Adam with weight decay applied to the parameters directly, not through the gradient."
        ),
        momentum_key="b1",
        probe=_mhat,
    ),
    OptimizerSpec(
        name="adamax",
        title=N_("Adamax"),
        factory=lambda learning_rate, b1, b2, eps: optax.adamax(learning_rate, b1, b2, eps),
        hyperparams={"b1": B1, "b2": B2, "eps": EPS},
        latex=(
            r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad x_{t+1} = x_t - "
            r"\alpha\,\frac{m_t}{(1-\beta_1^t)\,u_t}"
        ),
        textbook_init="m = np.zeros(2)\nu = np.zeros(2)",
        textbook=(
            "m = b1 * m + (1 - b1) * dx\nu = np.maximum(b2 * u, np.abs(dx) + eps)\nx += "
            "-learning_rate * m / (1 - b1**t) / u"
        ),
        reference="Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015 (section 7).",
        description=N_("Adam with the infinity norm in place of the root mean square."),
        momentum_key="b1",
        probe=_mhat,
    ),
    OptimizerSpec(
        name="nadam",
        title=N_("NAdam"),
        factory=lambda learning_rate, b1, b2, eps: optax.nadam(learning_rate, b1, b2, eps),
        hyperparams={"b1": B1, "b2": B2, "eps": EPS},
        latex=(
            r"\hat m_t = \frac{\beta_1 m_t}{1-\beta_1^{t+1}} + \frac{(1-\beta_1) "
            r"g_t}{1-\beta_1^t},\quad x_{t+1} = x_t - \alpha \frac{\hat m_t}{\sqrt{\hat "
            r"v_t}+\epsilon}"
        ),
        textbook_init=_ADAM_INIT,
        textbook=(
            "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = b1 * m / (1 - "
            "b1**(t + 1)) + (1 - b1) * dx / (1 - b1**t)\nv_hat = v / (1 - b2**t)\nx += "
            "-learning_rate * m_hat / (np.sqrt(v_hat) + eps)"
        ),
        reference="Dozat, Incorporating Nesterov Momentum into Adam, ICLR workshop 2016.",
        description=N_("Adam with a Nesterov-style look-ahead in the first moment."),
        momentum_key="b1",
        probe=_mhat,
    ),
    OptimizerSpec(
        name="amsgrad",
        title=N_("AMSGrad"),
        factory=lambda learning_rate, b1, b2, eps: optax.amsgrad(learning_rate, b1, b2, eps),
        hyperparams={"b1": B1, "b2": B2, "eps": EPS},
        latex=(
            r"\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t),\quad x_{t+1} = x_t - \alpha "
            r"\frac{\hat m_t}{\sqrt{\hat v^{\max}_t}+\epsilon}"
        ),
        textbook_init=_ADAM_INIT + "\nv_max = np.zeros(2)",
        textbook=(
            "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = m / (1 - b1**t)\n"
            "v_max = np.maximum(v_max, v / (1 - b2**t))\nx += -learning_rate * m_hat / "
            "(np.sqrt(v_max) + eps)"
        ),
        reference="Reddi, Kale, Kumar, On the Convergence of Adam and Beyond, ICLR 2018.",
        description=N_(
            "Adam whose denominator never shrinks, which restores convergence guarantees."
        ),
        momentum_key="b1",
        probe=_mhat,
    ),
    OptimizerSpec(
        name="adadelta",
        title=N_("Adadelta"),
        factory=lambda learning_rate, rho, eps: optax.adadelta(learning_rate, rho, eps),
        hyperparams={
            "rho": H(0.9, 0.0, 0.9999, label="rho"),
            "eps": H(1e-6, 1e-12, 1.0, log=True, label="epsilon"),
        },
        latex=(
            r"E[g^2]_t = \rho E[g^2]_{t-1} + (1-\rho)g_t^2,\ \Delta_t = "
            r"\frac{\sqrt{E[\Delta^2]_{t-1}+\epsilon}}{\sqrt{E[g^2]_t+\epsilon}}\,g_t,\ "
            r"x_{t+1} = x_t - \alpha\Delta_t"
        ),
        textbook_init="eg = np.zeros(2)\nex = np.zeros(2)",
        textbook=(
            "eg = rho * eg + (1 - rho) * dx**2\nd = np.sqrt(ex + eps) / np.sqrt(eg + eps) * dx\n"
            "ex = rho * ex + (1 - rho) * d**2\nx += -learning_rate * d"
        ),
        reference="Zeiler, ADADELTA: An Adaptive Learning Rate Method, 2012.",
        description=N_(
            "Units-corrected RMSprop: the step's scale comes from past steps, so the rate is "
            "nearly free."
        ),
        lr=H(1.0, 1e-3, 100.0, log=True, label=N_("learning rate")),
    ),
    OptimizerSpec(
        name="lion",
        title=N_("Lion"),
        factory=lambda learning_rate, b1, b2, weight_decay: optax.lion(
            learning_rate, b1, b2, weight_decay=weight_decay
        ),
        hyperparams={
            "b1": B1,
            "b2": H(0.99, 0.5, 0.99999, label="beta2"),
            "weight_decay": H(0.0, 0.0, 1.0, label=N_("weight decay")),
        },
        latex=(
            r"c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ x_{t+1} = x_t - "
            r"\alpha(\operatorname{sign} c_t + \lambda x_t),\ m_t = \beta_2 m_{t-1} + (1-\beta_2) "
            r"g_t"
        ),
        textbook_init="m = np.zeros(2)",
        textbook=(
            "c = b1 * m + (1 - b1) * dx\nx += -learning_rate * (np.sign(c) + weight_decay * x)\n"
            "m = b2 * m + (1 - b2) * dx"
        ),
        reference="Chen et al., Symbolic Discovery of Optimization Algorithms, NeurIPS 2023.",
        description=N_(
            "Steps of fixed size per coordinate, in the sign of an interpolated momentum."
        ),
        lr=H(0.01, 1e-5, 1.0, log=True, label=N_("learning rate")),
        momentum_key="b1",
    ),
    OptimizerSpec(
        name="sign_sgd",
        title=N_("signSGD"),
        factory=lambda learning_rate: optax.sign_sgd(learning_rate),
        hyperparams={},
        latex=r"x_{t+1} = x_t - \alpha\,\operatorname{sign}(\nabla f(x_t))",
        textbook_init="",
        textbook="x += -learning_rate * np.sign(dx)",
        reference=(
            "Bernstein et al., signSGD: Compressed Optimisation for Non-Convex Problems, ICML 2018."
        ),
        description=N_(
            "Only the sign of each gradient coordinate: fixed-size steps, blind to curvature."
        ),
    ),
    OptimizerSpec(
        name="newton",
        title=N_("Newton (damped)"),
        factory=_custom.newton,
        hyperparams={"damping": H(1e-3, 1e-8, 10.0, log=True, label=N_("damping lambda"))},
        latex=r"x_{t+1} = x_t - \alpha\,(\nabla^2 f(x_t) + \lambda I)^{-1}\nabla f(x_t)",
        textbook_init="",
        textbook="x += -learning_rate * np.linalg.solve(H + damping * np.eye(2), dx)",
        reference="Nocedal & Wright, Numerical Optimization, 2nd ed., 2006, ch. 3.",
        description=N_(
            "Second order: jumps to the minimum of the local quadratic model (and is attracted to "
            "saddles)."
        ),
        lr=H(1.0, 1e-3, 2.0, log=True, label=N_("step size")),
        needs_hessian=True,
    ),
)

from ._modern import specs as _modern_specs  # noqa: E402  (the optimizers of today)

OPTIMIZERS = OPTIMIZERS + _modern_specs()
_TABLE = {o.name: o for o in OPTIMIZERS}


def names() -> list[str]:
    """Registered optimizer names, in display order."""
    return [o.name for o in OPTIMIZERS]


def titles() -> dict[str, str]:
    return {o.name: o.title for o in OPTIMIZERS}


def get(name: str | OptimizerSpec) -> OptimizerSpec:
    if isinstance(name, OptimizerSpec):
        return name
    if name not in _TABLE:
        raise KeyError(f"unknown optimizer {name!r}; choose one of {', '.join(_TABLE)}")
    return _TABLE[name]
