"""The optimizer registry: one table of :class:`OptimizerSpec` that pages and tests iterate."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import jax.numpy as jnp
import optax

from . import _custom
from ._specs_base import HParam

Probe = Callable[[optax.OptState, Mapping[str, jnp.ndarray], jnp.ndarray, jnp.ndarray], dict]


_DEFAULT_LR = HParam(0.01, 1e-5, 10.0, True, "learning rate")


@dataclasses.dataclass(frozen=True)
class OptimizerSpec:
    r"""An optimizer: optax factory, hyperparameter specs, equations and textbook code.

    ``factory(learning_rate, **hyperparams)`` returns an ``optax.GradientTransformation``;
    ``textbook_init`` and ``textbook`` are the numpy form shown in the app (and run by
    the tests): ``x`` the point, ``dx`` the gradient, ``t`` the 1-based step count.
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


def _velocity(state, hp, count, lr):
    r"""Heavy-ball velocity :math:`v = -\alpha\,\text{trace}` (exact for a constant rate)."""
    return {"velocity": -lr * _tree(state, "trace")}


def _mhat(state, hp, count, lr):
    r"""Bias-corrected first moment :math:`\hat m = m / (1 - \beta_1^t)`."""
    b1 = hp["b1"]
    return {"mhat": _tree(state, "mu") / (1 - b1 ** jnp.maximum(jnp.asarray(count, b1.dtype), 1.0))}


def _m(state, hp, count, lr):
    return {"mhat": _tree(state, "mu")}


def H(default, low, high, log=False, label=""):
    return HParam(default, low, high, log, label)


MOM = H(0.9, 0.0, 0.999, False, "momentum mu")
B1 = H(0.9, 0.0, 0.999, False, "beta1")
B2 = H(0.999, 0.5, 0.99999, False, "beta2")
EPS = H(1e-8, 1e-12, 1.0, True, "epsilon")

_ADAM_INIT = "m = np.zeros(2)\nv = np.zeros(2)"

OPTIMIZERS: tuple[OptimizerSpec, ...] = (
    OptimizerSpec(
        "sgd", "SGD", lambda learning_rate: optax.sgd(learning_rate), {},
        r"x_{t+1} = x_t - \alpha\,\nabla f(x_t)",
        "", "x += -learning_rate * dx",
        "Robbins & Monro, A Stochastic Approximation Method, 1951.",
        "Plain (stochastic) gradient descent: step against the gradient.",
        lr=H(0.01, 1e-5, 10.0, True, "learning rate"),
    ),
    OptimizerSpec(
        "momentum", "Momentum (heavy ball)",
        lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum),
        {"momentum": MOM},
        r"v_{t+1} = \mu v_t - \alpha\nabla f(x_t),\quad x_{t+1} = x_t + v_{t+1}",
        "v = np.zeros(2)", "v = momentum * v - learning_rate * dx\nx += v",
        "Polyak, Some methods of speeding up the convergence of iteration methods, 1964.",
        "A ball with inertia: the velocity accumulates past gradients.",
        momentum_key="momentum", probe=_velocity,
    ),
    OptimizerSpec(
        "nesterov", "Nesterov momentum",
        lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum, nesterov=True),
        {"momentum": MOM},
        r"x^{\text{ahead}} = x_t + \mu v_t,\ v_{t+1} = \mu v_t - \alpha\nabla f(x^{\text{ahead}}),\ x_{t+1} = x_t + v_{t+1}"
        r"\\ \text{(as computed, in the look-ahead variable: } x_{t+1} = x_t - \mu v_t + (1+\mu) v_{t+1})",
        "v = np.zeros(2)",
        "v_prev = v\nv = momentum * v - learning_rate * dx\nx += -momentum * v_prev + (1 + momentum) * v",
        "Nesterov 1983; Sutskever et al., On the importance of initialization and momentum, ICML 2013.",
        "Momentum that looks ahead: the gradient is taken where the velocity is about to carry you.",
        momentum_key="momentum", probe=_velocity,
    ),
    OptimizerSpec(
        "adagrad", "AdaGrad",
        lambda learning_rate, initial_accumulator_value, eps: optax.adagrad(learning_rate, initial_accumulator_value, eps),
        {"initial_accumulator_value": H(0.1, 0.0, 1.0, False, "initial accumulator"), "eps": H(1e-7, 1e-12, 1.0, True, "epsilon")},
        r"G_{t} = G_{t-1} + g_t^2,\quad x_{t+1} = x_t - \alpha\, g_t / \sqrt{G_t + \epsilon}",
        "cache = np.full(2, initial_accumulator_value)",
        "cache += dx**2\nx += -learning_rate * dx / np.sqrt(cache + eps)",
        "Duchi, Hazan, Singer, Adaptive Subgradient Methods, JMLR 2011.",
        "Per-coordinate rates that shrink with the sum of all past squared gradients: it eventually stalls.",
        lr=H(0.5, 1e-5, 10.0, True, "learning rate"),
    ),
    OptimizerSpec(
        "rmsprop", "RMSprop",
        lambda learning_rate, decay, eps: optax.rmsprop(learning_rate, decay, eps, eps_in_sqrt=False),
        {"decay": H(0.9, 0.0, 0.9999, False, "decay rho"), "eps": EPS},
        r"s_t = \rho s_{t-1} + (1-\rho) g_t^2,\quad x_{t+1} = x_t - \alpha\, g_t / (\sqrt{s_t} + \epsilon)",
        "cache = np.zeros(2)",
        "cache = decay * cache + (1 - decay) * dx**2\nx += -learning_rate * dx / (np.sqrt(cache) + eps)",
        "Tieleman & Hinton, Lecture 6.5, COURSERA: Neural Networks for Machine Learning, 2012.",
        "AdaGrad with a leaky (exponentially weighted) accumulator: it does not stall.",
    ),
    OptimizerSpec(
        "rmsprop_centered", "RMSprop (centered)",
        lambda learning_rate, decay, eps: optax.rmsprop(learning_rate, decay, eps, eps_in_sqrt=False, centered=True),
        {"decay": H(0.9, 0.0, 0.9999, False, "decay rho"), "eps": EPS},
        r"\bar g_t = \rho \bar g_{t-1} + (1-\rho) g_t,\ s_t = \rho s_{t-1} + (1-\rho) g_t^2,\ "
        r"x_{t+1} = x_t - \alpha\, g_t / (\sqrt{s_t - \bar g_t^2} + \epsilon)",
        "mean = np.zeros(2)\ncache = np.zeros(2)",
        "mean = decay * mean + (1 - decay) * dx\ncache = decay * cache + (1 - decay) * dx**2\n"
        "x += -learning_rate * dx / (np.sqrt(cache - mean**2) + eps)",
        "Graves, Generating Sequences With Recurrent Neural Networks, 2013.",
        "RMSprop normalizing by the gradient's variance instead of its second moment.",
    ),
    OptimizerSpec(
        "adam", "Adam", lambda learning_rate, b1, b2, eps: optax.adam(learning_rate, b1, b2, eps),
        {"b1": B1, "b2": B2, "eps": EPS},
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
        r"\hat m_t = \frac{m_t}{1-\beta_1^t},\ \hat v_t = \frac{v_t}{1-\beta_2^t},\ x_{t+1} = x_t - \alpha \frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}",
        _ADAM_INIT,
        "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = m / (1 - b1**t)\n"
        "v_hat = v / (1 - b2**t)\nx += -learning_rate * m_hat / (np.sqrt(v_hat) + eps)",
        "Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015.",
        "Momentum on the gradient plus RMSprop's scaling, with bias correction of both moments.",
        momentum_key="b1", fast_factory=_custom.adam_running_product, probe=_mhat,
    ),
    OptimizerSpec(
        "adam_nobias", "Adam (no bias correction)", _custom.adam_no_bias_correction,
        {"b1": B1, "b2": B2, "eps": EPS},
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ x_{t+1} = x_t - \alpha \frac{m_t}{\sqrt{v_t}+\epsilon}",
        _ADAM_INIT,
        "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nx += -learning_rate * m / (np.sqrt(v) + eps)",
        "Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015 (section 3).",
        "Adam as first written in the lecture notes: early steps are biased, because m and v start at zero.",
        momentum_key="b1", probe=_m,
    ),
    OptimizerSpec(
        "adamw", "AdamW",
        lambda learning_rate, b1, b2, eps, weight_decay: optax.adamw(learning_rate, b1, b2, eps, weight_decay=weight_decay),
        {"b1": B1, "b2": B2, "eps": EPS, "weight_decay": H(0.01, 0.0, 1.0, False, "weight decay")},
        r"x_{t+1} = x_t - \alpha\Big(\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon} + \lambda x_t\Big)",
        _ADAM_INIT,
        "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = m / (1 - b1**t)\n"
        "v_hat = v / (1 - b2**t)\nx += -learning_rate * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * x)",
        "Loshchilov & Hutter, Decoupled Weight Decay Regularization, ICLR 2019.",
        "Adam with weight decay applied to the parameters directly, not through the gradient.",
        momentum_key="b1", probe=_mhat,
    ),
    OptimizerSpec(
        "adamax", "Adamax", lambda learning_rate, b1, b2, eps: optax.adamax(learning_rate, b1, b2, eps),
        {"b1": B1, "b2": B2, "eps": EPS},
        r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad x_{t+1} = x_t - \alpha\,\frac{m_t}{(1-\beta_1^t)\,u_t}",
        "m = np.zeros(2)\nu = np.zeros(2)",
        "m = b1 * m + (1 - b1) * dx\nu = np.maximum(b2 * u, np.abs(dx) + eps)\nx += -learning_rate * m / (1 - b1**t) / u",
        "Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015 (section 7).",
        "Adam with the infinity norm in place of the root mean square.",
        momentum_key="b1", probe=_mhat,
    ),
    OptimizerSpec(
        "nadam", "NAdam", lambda learning_rate, b1, b2, eps: optax.nadam(learning_rate, b1, b2, eps),
        {"b1": B1, "b2": B2, "eps": EPS},
        r"\hat m_t = \frac{\beta_1 m_t}{1-\beta_1^{t+1}} + \frac{(1-\beta_1) g_t}{1-\beta_1^t},\quad x_{t+1} = x_t - \alpha \frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}",
        _ADAM_INIT,
        "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\n"
        "m_hat = b1 * m / (1 - b1**(t + 1)) + (1 - b1) * dx / (1 - b1**t)\n"
        "v_hat = v / (1 - b2**t)\nx += -learning_rate * m_hat / (np.sqrt(v_hat) + eps)",
        "Dozat, Incorporating Nesterov Momentum into Adam, ICLR workshop 2016.",
        "Adam with a Nesterov-style look-ahead in the first moment.",
        momentum_key="b1", probe=_mhat,
    ),
    OptimizerSpec(
        "amsgrad", "AMSGrad", lambda learning_rate, b1, b2, eps: optax.amsgrad(learning_rate, b1, b2, eps),
        {"b1": B1, "b2": B2, "eps": EPS},
        r"\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t),\quad x_{t+1} = x_t - \alpha \frac{\hat m_t}{\sqrt{\hat v^{\max}_t}+\epsilon}",
        _ADAM_INIT + "\nv_max = np.zeros(2)",
        "m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\nm_hat = m / (1 - b1**t)\n"
        "v_max = np.maximum(v_max, v / (1 - b2**t))\nx += -learning_rate * m_hat / (np.sqrt(v_max) + eps)",
        "Reddi, Kale, Kumar, On the Convergence of Adam and Beyond, ICLR 2018.",
        "Adam whose denominator never shrinks, which restores convergence guarantees.",
        momentum_key="b1", probe=_mhat,
    ),
    OptimizerSpec(
        "adadelta", "Adadelta", lambda learning_rate, rho, eps: optax.adadelta(learning_rate, rho, eps),
        {"rho": H(0.9, 0.0, 0.9999, False, "rho"), "eps": H(1e-6, 1e-12, 1.0, True, "epsilon")},
        r"E[g^2]_t = \rho E[g^2]_{t-1} + (1-\rho)g_t^2,\ \Delta_t = \frac{\sqrt{E[\Delta^2]_{t-1}+\epsilon}}{\sqrt{E[g^2]_t+\epsilon}}\,g_t,\ "
        r"x_{t+1} = x_t - \alpha\Delta_t",
        "eg = np.zeros(2)\nex = np.zeros(2)",
        "eg = rho * eg + (1 - rho) * dx**2\nd = np.sqrt(ex + eps) / np.sqrt(eg + eps) * dx\n"
        "ex = rho * ex + (1 - rho) * d**2\nx += -learning_rate * d",
        "Zeiler, ADADELTA: An Adaptive Learning Rate Method, 2012.",
        "Units-corrected RMSprop: the step's scale comes from past steps, so the rate is nearly free.",
        lr=H(1.0, 1e-3, 100.0, True, "learning rate"),
    ),
    OptimizerSpec(
        "lion", "Lion",
        lambda learning_rate, b1, b2, weight_decay: optax.lion(learning_rate, b1, b2, weight_decay=weight_decay),
        {"b1": B1, "b2": H(0.99, 0.5, 0.99999, False, "beta2"), "weight_decay": H(0.0, 0.0, 1.0, False, "weight decay")},
        r"c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ x_{t+1} = x_t - \alpha(\operatorname{sign} c_t + \lambda x_t),\ m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t",
        "m = np.zeros(2)",
        "c = b1 * m + (1 - b1) * dx\nx += -learning_rate * (np.sign(c) + weight_decay * x)\nm = b2 * m + (1 - b2) * dx",
        "Chen et al., Symbolic Discovery of Optimization Algorithms, NeurIPS 2023.",
        "Steps of fixed size per coordinate, in the sign of an interpolated momentum.",
        lr=H(0.01, 1e-5, 1.0, True, "learning rate"), momentum_key="b1",
    ),
    OptimizerSpec(
        "sign_sgd", "signSGD", lambda learning_rate: optax.sign_sgd(learning_rate), {},
        r"x_{t+1} = x_t - \alpha\,\operatorname{sign}(\nabla f(x_t))",
        "", "x += -learning_rate * np.sign(dx)",
        "Bernstein et al., signSGD: Compressed Optimisation for Non-Convex Problems, ICML 2018.",
        "Only the sign of each gradient coordinate: fixed-size steps, blind to curvature.",
    ),
    OptimizerSpec(
        "newton", "Newton (damped)", _custom.newton,
        {"damping": H(1e-3, 1e-8, 10.0, True, "damping lambda")},
        r"x_{t+1} = x_t - \alpha\,(\nabla^2 f(x_t) + \lambda I)^{-1}\nabla f(x_t)",
        "", "x += -learning_rate * np.linalg.solve(H + damping * np.eye(2), dx)",
        "Nocedal & Wright, Numerical Optimization, 2nd ed., 2006, ch. 3.",
        "Second order: jumps to the minimum of the local quadratic model (and is attracted to saddles).",
        lr=H(1.0, 1e-3, 2.0, True, "step size"), needs_hessian=True,
    ),
)

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
