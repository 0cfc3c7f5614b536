r"""The optimizers of today: SAM, Schedule-Free SGD and AdamW, Prodigy, ADOPT, AdEMAMix, QHM, RAdam
and Lookahead, as :class:`OptimizerSpec` rows appended to the registry.

optax and ``optax.contrib`` do the work wherever they have the method (SAM is ``optax.sgd`` with
the gradient taken at the adversarial point, as ``optax.contrib.sam`` in opaque mode does; the
tests check both against optax). The small wrappers here only re-express a method in the engine's
terms: the drawn point is the point a user evaluates, the gradient is taken where the method takes
it (the spec's ``eval_point``).

Muon is not here: it orthogonalises the update of a *matrix* parameter, and a 2-D point has no
matrix to orthogonalise (optax falls back to AdamW for vectors), so it belongs to the network page.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax
import optax.contrib

from i18n import N_

from ._specs_base import HParam


def H(default, low, high, log=False, label=""):
    return HParam(default, low, high, log, label)


B1 = H(0.9, 0.0, 0.999, False, "beta1")
B2 = H(0.999, 0.5, 0.99999, False, "beta2")
EPS = H(1e-8, 1e-12, 1.0, True, "epsilon")
TINY = 1e-300  # a zero gradient has no direction: SAM then does not perturb


# --- SAM ------------------------------------------------------------------------------------------


def sam_point(state, params, hp, grad):
    r"""SAM's adversarial point :math:`x + \rho\,\nabla f(x)/\|\nabla f(x)\|` (the exact gradient
    at :math:`x`; the engine's noise and clipping apply to the gradient taken there)."""
    del state
    g = grad(params)
    return params + hp["rho"] * g / jnp.maximum(jnp.sqrt(jnp.sum(g * g)), TINY)


def sam(learning_rate, rho=0.05) -> optax.GradientTransformation:
    r"""SAM's outer step: SGD on the gradient taken at :func:`sam_point` (``rho`` acts there).

    References: Foret et al., Sharpness-Aware Minimization, ICLR 2021."""
    del rho
    return optax.sgd(learning_rate)


# --- Schedule-Free --------------------------------------------------------------------------------


def schedule_free_point(state, params, hp, grad=None):
    r"""Where Schedule-Free takes the gradient: :math:`y = (1-\beta_1) z + \beta_1 x`."""
    del grad
    return (1 - hp["b1"]) * state.z + hp["b1"] * params


def schedule_free_x(base, learning_rate, b1) -> optax.GradientTransformation:
    r"""``optax.contrib.schedule_free`` with the *evaluation* sequence :math:`x` as the parameters.

    optax keeps :math:`y` (where gradients are taken) as the parameters and :math:`z` in its state;
    here the parameters are :math:`x`, the average the method reports, so the drawn path and its
    loss are :math:`x`'s. Each update rebuilds :math:`y = (1-\beta_1) z + \beta_1 x`, calls optax,
    and returns the change of :math:`x` (``schedule_free_eval_params``). The averaging weight of
    step :math:`t` uses that step's rate (optax reads the schedule one count later).

    References: Defazio et al., The Road Less Scheduled, NeurIPS 2024."""
    lr = (lambda c: learning_rate(c - 1)) if callable(learning_rate) else learning_rate
    inner = optax.contrib.schedule_free(base, learning_rate=lr, b1=b1)

    def update(g, state, params=None):
        y = (1 - b1) * state.z + b1 * params
        uy, new = inner.update(g, state, y)
        x = optax.contrib.schedule_free_eval_params(new, y + uy)
        return x - params, new

    return optax.GradientTransformation(inner.init, update)


def schedule_free_sgd(learning_rate, b1=0.9) -> optax.GradientTransformation:
    """Schedule-Free SGD (``optax.contrib.schedule_free`` around ``optax.sgd``), parameters x."""
    return schedule_free_x(optax.sgd(learning_rate), learning_rate, b1)


def schedule_free_adamw(
    learning_rate, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0
) -> optax.GradientTransformation:
    """Schedule-Free AdamW: the base of ``optax.contrib.schedule_free_adamw`` (RMS scaling with
    bias correction, decoupled weight decay at y), parameters x."""
    base = optax.chain(
        optax.scale_by_rms(decay=b2, eps=eps, eps_in_sqrt=False, bias_correction=True),
        optax.add_decayed_weights(weight_decay),
        optax.scale_by_learning_rate(learning_rate),
    )
    return schedule_free_x(base, learning_rate, b1)


# --- QHM ------------------------------------------------------------------------------------------


class QHMState(NamedTuple):
    trace: optax.Updates


def scale_by_qhm(beta=0.9, nu=0.7) -> optax.GradientTransformation:
    r"""Quasi-hyperbolic momentum's direction :math:`(1-\nu) g + \nu b`,
    :math:`b \leftarrow \beta b + (1-\beta) g`.

    References: Ma & Yarats, Quasi-hyperbolic momentum and Adam for deep learning, ICLR 2019."""

    def init(params):
        return QHMState(jnp.zeros_like(params))

    def update(g, state, params=None):
        del params
        b = beta * state.trace + (1 - beta) * g
        return (1 - nu) * g + nu * b, QHMState(b)

    return optax.GradientTransformation(init, update)


def qhm(learning_rate, beta=0.9, nu=0.7) -> optax.GradientTransformation:
    """QHM: :func:`scale_by_qhm` then the (scheduled) learning rate."""
    return optax.chain(scale_by_qhm(beta, nu), optax.scale_by_learning_rate(learning_rate))


# --- Lookahead ------------------------------------------------------------------------------------


class LookaheadState(NamedTuple):
    fast_state: optax.OptState
    steps_since_sync: jax.Array
    slow: optax.Params


def lookahead_sgd(learning_rate, k=5.0, alpha=0.5) -> optax.GradientTransformation:
    r"""``optax.lookahead`` around ``optax.sgd`` with the *fast* weights as the parameters (the
    drawn point) and the slow weights in the state; the same update as optax's (tested), written
    out because optax needs the period ``k`` as a Python number and here it is a slider (traced).
    ``k`` is rounded to a whole number of steps.

    References: Zhang, Lucas, Hinton, Ba, Lookahead Optimizer: k steps forward, 1 step back,
    NeurIPS 2019."""
    period = jnp.asarray(jnp.round(k), jnp.int32)
    fast = optax.sgd(learning_rate)

    def init(params):
        return LookaheadState(fast.init(params), jnp.zeros([], jnp.int32), params)

    def update(g, state, params=None):
        u, fast_state = fast.update(g, state.fast_state, params)
        sync = (state.steps_since_sync == period - 1).astype(params.dtype)
        diff = params + u - state.slow  # optax's last_difference
        slow = state.slow + alpha * sync * diff
        u = u - sync * (1 - alpha) * diff
        return u, LookaheadState(fast_state, (state.steps_since_sync + 1) % period, slow)

    return optax.GradientTransformation(init, update)


# --- the rows -------------------------------------------------------------------------------------

_SF_INIT = "z = x\nlr_max = 0\nw_sum = 0"
_SF_AVERAGE = (
    "lr_max = np.maximum(lr_max, learning_rate)\nw_sum += lr_max**2\nc = lr_max**2 / w_sum\n"
    "x = (1 - c) * x + c * z"
)
_ADAM_INIT = "m = np.zeros(2)\nv = np.zeros(2)"


def specs() -> tuple:
    """The rows, built when the registry asks (``_specs`` defines :class:`OptimizerSpec`
    and then appends these: importing this module first must not need ``_specs``)."""
    from ._specs import OptimizerSpec

    return (
        OptimizerSpec(
            name="sam",
            title=N_("SAM (sharpness-aware)"),
            factory=sam,
            hyperparams={"rho": H(0.05, 0.0, 2.0, False, N_("neighbourhood radius rho"))},
            latex=r"\epsilon_t = \rho\,\frac{\nabla f(x_t)}{\|\nabla f(x_t)\|},\quad "
            r"x_{t+1} = x_t - \alpha_t\,\nabla f(x_t + \epsilon_t)",
            textbook_init="",
            textbook="e = rho * dx / np.maximum(np.linalg.norm(dx), 1e-300)\n"
            "dx_sam = grad(x + e)\nx += -learning_rate * dx_sam",
            reference="Foret, Kleiner, Mobahi, Neyshabur, Sharpness-Aware Minimization for "
            "Efficiently Improving Generalization, ICLR 2021; optax.contrib.sam (opaque mode).",
            description=N_(
                "Sharpness-aware minimization: first climb a distance rho straight uphill, to "
                "roughly the worst point of the neighbourhood, take the gradient there (the map's "
                "downhill arrow starts there) and apply it at x. It minimises the loss of the "
                "neighbourhood's worst point, so it is pushed out of narrow wells whose walls rise "
                "within rho. Each step costs two gradients: the uphill direction uses the exact "
                "gradient at x; gradient noise and clipping apply to the gradient at the perturbed "
                "point, which is the one the step uses."
            ),
            eval_point=sam_point,
        ),
        OptimizerSpec(
            name="schedule_free_sgd",
            title=N_("Schedule-Free SGD"),
            factory=schedule_free_sgd,
            hyperparams={"b1": H(0.9, 0.05, 0.999, False, N_("interpolation beta1"))},
            latex=r"y_t = (1-\beta_1) z_t + \beta_1 x_t,\ z_{t+1} = z_t - \alpha_t \nabla f(y_t),\ "
            r"c_{t+1} = \frac{\bar\alpha_t^2}{\sum_{i\le t} \bar\alpha_i^2},\ "
            r"x_{t+1} = (1 - c_{t+1}) x_t + c_{t+1} z_{t+1}",
            textbook_init=_SF_INIT,
            textbook="y = (1 - b1) * z + b1 * x\ndy = grad(y)\nz += -learning_rate * dy\n"
            + _SF_AVERAGE,
            reference="Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky, The Road Less "
            "Scheduled, NeurIPS 2024; optax.contrib.schedule_free_sgd.",
            description=N_(
                "Three sequences instead of a schedule: z takes plain SGD steps with a constant "
                "rate, x (the drawn path, the point you evaluate) is the running average of the "
                "z's, and the gradient is taken at y, between them (where the map's downhill arrow "
                "starts). Averaging does what a decaying rate would do: with noisy gradients x "
                "settles while z keeps rattling. The averaging weights use the largest rate so "
                "far, so warm-up steps count less."
            ),
            eval_point=schedule_free_point,
        ),
        OptimizerSpec(
            name="schedule_free_adamw",
            title=N_("Schedule-Free AdamW"),
            factory=schedule_free_adamw,
            hyperparams={
                "b1": H(0.9, 0.05, 0.999, False, N_("interpolation beta1")),
                "b2": B2,
                "eps": EPS,
                "weight_decay": H(0.0, 0.0, 1.0, False, N_("weight decay")),
            },
            latex=r"y_t = (1-\beta_1) z_t + \beta_1 x_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) "
            r"g_t^2,\ z_{t+1} = z_t - \alpha_t\Big(\frac{g_t}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon} + "
            r"\lambda y_t\Big),\ x_{t+1} = (1 - c_{t+1}) x_t + c_{t+1} z_{t+1}\ "
            r"(g_t = \nabla f(y_t))",
            textbook_init="z = x\nv = np.zeros(2)\nlr_max = 0\nw_sum = 0",
            textbook="y = (1 - b1) * z + b1 * x\ndy = grad(y)\nv = b2 * v + (1 - b2) * dy**2\n"
            "z += -learning_rate * (dy / (np.sqrt(v / (1 - b2**t)) + eps) + weight_decay * y)\n"
            + _SF_AVERAGE,
            reference="Defazio et al., The Road Less Scheduled, NeurIPS 2024; "
            "optax.contrib.schedule_free_adamw.",
            description=N_(
                "Schedule-Free with Adam's per-coordinate scaling (no first moment: the averaging "
                "of x replaces momentum). z takes the RMS-scaled steps, x (drawn) averages them, "
                "the gradient is taken at y (where the map's downhill arrow starts)."
            ),
            lr=H(0.01, 1e-5, 10.0, True, N_("learning rate")),
            eval_point=schedule_free_point,
        ),
        OptimizerSpec(
            name="prodigy",
            title=N_("Prodigy (learning-rate free)"),
            factory=lambda learning_rate, b1, b2, d0, eps: optax.contrib.prodigy(
                learning_rate, betas=(b1, b2), eps=eps, estim_lr0=d0
            ),
            hyperparams={
                "b1": B1,
                "b2": B2,
                "d0": H(1e-6, 1e-9, 1.0, True, N_("initial estimate d0")),
                "eps": EPS,
            },
            latex=r"\hat\alpha_t = d_t\,\alpha_t\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t},\ "
            r"r_t = \sqrt{\beta_2}\, r_{t-1} + \frac{d_t}{d_0}\hat\alpha_t\, g_t\cdot(x_0 - x_t),\ "
            r"s_t = \sqrt{\beta_2}\, s_{t-1} + \frac{\hat\alpha_t d_t}{d_0} g_t,\ "
            r"d_{t+1} = \max\Big(d_t, \frac{r_t}{\|s_t\|_1}\Big),\ "
            r"x_{t+1} = x_t - \hat\alpha_t\frac{m_t}{\sqrt{v_t} + d_{t+1}\epsilon}",
            textbook_init=(
                "m = np.zeros(2)\nv = np.zeros(2)\ns = np.zeros(2)\nx0 = x\nd = d0\nr = 0"
            ),
            textbook="a = d * learning_rate * np.sqrt(1 - b2**t) / (1 - b1**t)\n"
            "r = np.sqrt(b2) * r + d / d0 * a * np.sum(dx * (x0 - x))\n"
            "m = b1 * m + (1 - b1) * d * dx\nv = b2 * v + (1 - b2) * (d * dx) ** 2\n"
            "s = np.sqrt(b2) * s + a * d * dx / d0\nd = np.maximum(d, r / np.sum(np.abs(s)))\n"
            "x += -a * m / (np.sqrt(v) + d * eps)",
            reference="Mishchenko & Defazio, Prodigy: An Expeditiously Adaptive Parameter-Free "
            "Learner, ICML 2024; Defazio & Mishchenko, Learning-Rate-Free Learning by "
            "D-Adaptation, ICML 2023; optax.contrib.prodigy.",
            description=N_(
                "Adam whose step size d is estimated on the fly: d starts tiny (d0) and grows to "
                "about the distance from the start to the solution, read off how far the gradients "
                "keep pointing back towards the start. The learning rate is only a multiplier (1 "
                "means: trust the estimate); the estimate d is plotted under the map."
            ),
            lr=H(1.0, 1e-3, 10.0, True, N_("learning-rate multiplier")),
            momentum_key="b1",
        ),
        OptimizerSpec(
            name="adopt",
            title=N_("ADOPT"),
            factory=lambda learning_rate, b1, b2, eps: optax.contrib.adopt(
                learning_rate, b1, b2, eps
            ),
            hyperparams={
                "b1": B1,
                "b2": H(0.9999, 0.5, 0.99999, False, "beta2"),
                "eps": H(1e-6, 1e-12, 1.0, True, "epsilon"),
            },
            latex=r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\operatorname{clip}\Big(\frac{g_t}"
            r"{\max(\sqrt{v_{t-1}}, \epsilon)}, (t-1)^{1/4}\Big),\ x_{t+1} = x_t - \alpha_t m_t,\ "
            r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2\ (v_1 = g_1^2)",
            textbook_init=_ADAM_INIT,
            textbook="c = (t - 1) ** 0.25\n"
            "m = b1 * m + (1 - b1) * np.clip(dx / np.maximum(np.sqrt(v), eps), -c, c)\n"
            "x += -learning_rate * m\n"
            "v = np.where(t == 1, dx**2, b2 * v + (1 - b2) * dx**2)",
            reference="Taniguchi et al., ADOPT: Modified Adam Can Converge with Any beta2 with the "
            "Optimal Rate, NeurIPS 2024; optax.contrib.adopt.",
            description=N_(
                "Adam reordered: each gradient is divided by the second moment of the gradients "
                "*before* it (not including itself), and then averaged into the momentum. That "
                "removes the correlation that lets Adam fail for some beta2. The first step only "
                "measures v (x does not move); the normalised gradient is clipped to (t-1)^(1/4)."
            ),
            momentum_key="b1",
        ),
        OptimizerSpec(
            name="ademamix",
            title=N_("AdEMAMix"),
            factory=lambda learning_rate, b1, b2, b3, alpha, eps: optax.contrib.ademamix(
                learning_rate, b1, b2, b3, alpha, eps
            ),
            hyperparams={
                "b1": B1,
                "b2": B2,
                "b3": H(0.999, 0.5, 0.99999, False, N_("slow beta3")),
                "alpha": H(5.0, 0.0, 20.0, False, N_("slow weight alpha")),
                "eps": EPS,
            },
            latex=r"m^{(1)}_t = \beta_1 m^{(1)}_{t-1} + (1-\beta_1) g_t,\ m^{(2)}_t = \beta_3 "
            r"m^{(2)}_{t-1} + (1-\beta_3) g_t,\ x_{t+1} = x_t - \alpha_t\frac{\hat m^{(1)}_t + "
            r"\alpha\, m^{(2)}_t}{\sqrt{\hat v_t}+\epsilon}",
            textbook_init="m1 = np.zeros(2)\nm2 = np.zeros(2)\nv = np.zeros(2)",
            textbook="m1 = b1 * m1 + (1 - b1) * dx\nm2 = b3 * m2 + (1 - b3) * dx\n"
            "v = b2 * v + (1 - b2) * dx**2\nm1_hat = m1 / (1 - b1**t)\nv_hat = v / (1 - b2**t)\n"
            "x += -learning_rate * (m1_hat + alpha * m2) / (np.sqrt(v_hat) + eps)",
            reference="Pagliardini, Ablin, Grangier, The AdEMAMix Optimizer: Better, Faster, "
            "Older, ICLR 2025; optax.contrib.ademamix.",
            description=N_(
                "Adam plus a second, slow momentum (beta3 near 1) weighted by alpha: the fast "
                "average reacts, the slow one remembers gradients from hundreds of steps ago, so a "
                "consistent direction builds up speed that Adam's single average caps."
            ),
            momentum_key="b1",
        ),
        OptimizerSpec(
            name="qhm",
            title=N_("QHM (quasi-hyperbolic momentum)"),
            factory=qhm,
            hyperparams={
                "beta": H(0.9, 0.0, 0.999, False, N_("momentum beta (averaging weight)")),
                "nu": H(0.7, 0.0, 1.0, False, N_("nu (weight of the momentum)")),
            },
            latex=r"b_{t+1} = \beta b_t + (1-\beta) g_t,\quad x_{t+1} = x_t - \alpha_t\big((1-\nu) "
            r"g_t + \nu\, b_{t+1}\big)",
            textbook_init="b = np.zeros(2)",
            textbook=(
                "b = beta * b + (1 - beta) * dx\nx += -learning_rate * ((1 - nu) * dx + nu * b)"
            ),
            reference=(
                "Ma & Yarats, Quasi-hyperbolic momentum and Adam for deep learning, ICLR 2019."
            ),
            description=N_(
                "One rule, a weighted mix of the plain gradient and its average. nu = 0 is SGD, nu "
                "= 1 is momentum (averaging form), and nu = beta is Nesterov's momentum (the "
                "framework form with the rate lr(1 - beta)); the tests check all three equalities."
            ),
            lr=H(0.1, 1e-5, 10.0, True, N_("learning rate")),
            momentum_key="beta",
        ),
        OptimizerSpec(
            name="radam",
            title=N_("RAdam (rectified Adam)"),
            factory=lambda learning_rate, b1, b2, eps: optax.radam(learning_rate, b1, b2, eps),
            hyperparams={"b1": B1, "b2": B2, "eps": EPS},
            latex=r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t},\ r_t = "
            r"\sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}"
            r"{(\rho_\infty-4)(\rho_\infty-2)\rho_t}},\ "
            r"x_{t+1} = x_t - \alpha_t\begin{cases} r_t\,\hat m_t/(\sqrt{\hat v_t}+\epsilon) & "
            r"\rho_t \ge 5\\ \hat m_t & \text{else}\end{cases}",
            textbook_init=_ADAM_INIT + "\nrho_inf = 2 / (1 - b2) - 1",
            textbook="m = b1 * m + (1 - b1) * dx\nv = b2 * v + (1 - b2) * dx**2\n"
            "m_hat = m / (1 - b1**t)\nv_hat = v / (1 - b2**t)\n"
            "rho = rho_inf - 2 * t * b2**t / (1 - b2**t)\n"
            "r = np.sqrt(np.maximum((rho - 4) * (rho - 2) * rho_inf / "
            "((rho_inf - 4) * (rho_inf - 2) * rho), 0))\n"
            "x += -learning_rate * np.where(rho >= 5, r * m_hat / (np.sqrt(v_hat) + eps), m_hat)",
            reference="Liu et al., On the Variance of the Adaptive Learning Rate and Beyond, ICLR "
            "2020; optax.radam.",
            description=N_(
                "Adam with a built-in warm-up: while v rests on too few gradients to be trusted "
                "(rho < 5, the first steps), it takes plain momentum steps lr m_hat, then Adam's "
                "steps scaled by r_t, which rises towards 1."
            ),
            momentum_key="b1",
        ),
        OptimizerSpec(
            name="lookahead",
            title=N_("Lookahead (SGD inside)"),
            factory=lookahead_sgd,
            hyperparams={
                "k": H(5.0, 1.0, 50.0, False, N_("sync period k (steps)")),
                "alpha": H(0.5, 0.0, 1.0, False, N_("slow step alpha")),
            },
            latex=r"\text{fast: } x_{t+1} = x_t - \alpha_t\nabla f(x_t);\ \text{every } k "
            r"\text{ steps: } \phi \leftarrow \phi + \alpha(x - \phi),\ x \leftarrow \phi",
            textbook_init="slow = x\nperiod = np.round(k)",
            textbook="x += -learning_rate * dx\n"
            "slow = np.where(t % period == 0, slow + alpha * (x - slow), slow)\n"
            "x = np.where(t % period == 0, slow, x)",
            reference="Zhang, Lucas, Hinton, Ba, Lookahead Optimizer: k steps forward, 1 step "
            "back, NeurIPS 2019; optax.lookahead.",
            description=N_(
                "k steps forward, one step back: fast SGD weights (the drawn path) explore for k "
                "steps, then the slow weights move the fraction alpha towards them and the fast "
                "weights restart from there (the jump back on the map). Oscillations across a "
                "valley average out in the slow weights."
            ),
        ),
    )


def sequences(traj, optimizer: str, hparams=None) -> dict[str, jax.Array]:
    """The extra sequences a modern optimizer keeps, rebuilt from a Trajectory.

    ``schedule_free_*``: ``x`` (drawn), ``y`` (where gradients are taken: ``eval_points``) and
    ``z`` (the SGD/Adam iterate, :math:`z = (y - \\beta_1 x)/(1 - \\beta_1)`), each ``(steps, 2)``
    for the points the steps started from. Other optimizers: ``{}``."""
    import numpy as np

    from ._specs import get

    spec = get(optimizer)
    if spec.eval_point is not schedule_free_point:
        return {}
    b1 = spec.hparams(hparams)["b1"]
    x, y = np.asarray(traj.points[:-1]), np.asarray(traj.eval_points)
    return {"x": x, "y": y, "z": (y - b1 * x) / (1 - b1)}


def lr_estimate(traj, optimizer: str, hparams=None):
    """``(label, values)`` of the step size an optimizer estimates for itself at each step (Prodigy:
    the rate times the estimate d the step used, before bias correction), or ``None``."""
    import numpy as np

    from ._specs import get
    from ._textbook import textbook_series

    spec = get(optimizer)
    if spec.name != "prodigy":
        return None
    hp = spec.hparams(hparams)
    d = textbook_series(traj, spec, "d", hp)
    used = np.concatenate([[hp["d0"]], d[:-1]])
    return "lr · d (Prodigy's estimate)", np.asarray(traj.lrs[: len(used)]) * used


# --- Muon: matrix parameters only (the network page and its 8x8 matrix problem) -------------------

NS_COEFFS = (3.4445, -4.775, 2.0315)  # optax's quintic Newton-Schulz coefficients (Jordan 2024)


def muon(learning_rate, beta=0.95, b1=0.9, b2=0.999, weight_decay=0.0):
    r"""``optax.contrib.muon``: Newton-Schulz orthogonalised Nesterov momentum on every 2-D leaf
    (a weight matrix), AdamW (``b1``, ``b2``) on every other leaf (biases, vectors), both with
    decoupled weight decay. Not a point optimizer: give it a pytree whose matrices are the hidden
    weight matrices."""
    return optax.contrib.muon(
        learning_rate, beta=beta, adam_b1=b1, adam_b2=b2, weight_decay=weight_decay,
        adam_weight_decay=weight_decay,
    )  # fmt: skip


def muon_spec():
    """Muon's row. It is deliberately *not* in the registry (``optimizers.names()``): on a 2-D
    point there is no matrix and optax would silently run AdamW; the network page and its matrix
    problem use this row."""
    from ._specs import OptimizerSpec

    return OptimizerSpec(
        name="muon",
        title=N_("Muon (hidden weight matrices)"),
        factory=muon,
        hyperparams={
            "beta": H(0.95, 0.0, 0.999, False, N_("momentum beta")),
            "b1": H(0.9, 0.0, 0.999, False, N_("AdamW beta1 (other weights)")),
            "b2": B2,
            "weight_decay": H(0.0, 0.0, 1.0, False, N_("weight decay")),
        },
        latex=r"M_t = \beta M_{t-1} + (1-\beta) G_t,\ \hat M_t = \beta\frac{M_t}{1-\beta^{t+1}} "
        r"+ (1-\beta)\frac{G_t}{1-\beta^t},\ X_0 = \frac{\hat M_t}{\|\hat M_t\|_F},\ "
        r"X_{k+1} = aX_k + (bA_k + cA_k^2)X_k\ (A_k = X_kX_k^\top),\ W_{t+1} = W_t - \alpha_t X_5",
        textbook_init="m = np.zeros_like(W)",
        textbook="m = beta * m + (1 - beta) * dW\n"
        "m_hat = beta * m / (1 - beta ** (t + 1)) + (1 - beta) * dW / (1 - beta**t)\n"
        "X = m_hat / (np.linalg.norm(m_hat) + 1e-8)  # (X.T for a tall matrix)\n"
        "for _ in range(5):\n"
        "    A = X @ X.T\n"
        "    X = 3.4445 * X + (-4.775 * A + 2.0315 * A @ A) @ X\n"
        "W += -learning_rate * X",
        reference="Jordan et al., Muon: An optimizer for hidden layers in neural networks, 2024; "
        "Bernstein & Newhouse, Old optimizer, new norm, 2024; optax.contrib.muon.",
        description=N_(
            "Momentum whose matrix update is orthogonalised: five Newton-Schulz steps push every "
            "singular value of the momentum towards 1 (roughly 0.7 to 1.2), so the step moves all "
            "directions of a weight matrix equally, whatever the gradient's conditioning. Only "
            "the hidden weight matrices use it; biases and the input and output layers use "
            "AdamW, as Muon's authors do."
        ),
    )
