"""One-click teaching presets: a :class:`Scenario`, the page it opens on, and a short
explanation."""

from __future__ import annotations

import dataclasses

from i18n import N_
from optimizers import get_schedule

from ._claims import Claim as C
from ._claims import check
from ._scenario import OptimizerConfig as O
from ._scenario import Scenario


@dataclasses.dataclass(frozen=True)
class Preset:
    slug: str
    title: str
    page: str  # "compare" or "playground"
    scenario: Scenario
    explanation: str
    claims: tuple[C, ...] = ()

    def check_claims(self, lang: str = "en") -> list[tuple[str, bool, str]]:
        """``(sentence, holds, evidence)`` for each claim, on the engine's own runs of the
        scenario, written in ``lang``."""
        return check(self.claims, self.scenario, lang)


STD = ("surface.standardized", 1.0)

PRESETS: tuple[Preset, ...] = (
    Preset(
        "momentum-vs-nesterov-saddle",
        N_("Momentum vs Nesterov on a saddle"),
        "compare",
        Scenario(
            surface="saddle",
            start=(-1.8, 1e-3),
            steps=150,
            optimizers=(
                O.make("sgd", 0.05),
                O.make("momentum", 0.05, momentum=0.9),
                O.make("nesterov", 0.05, momentum=0.9),
            ),
        ),
        N_(
            "All three start almost exactly on the ridge of a saddle, where the gradient along the "
            "escape direction is nearly zero. Plain SGD crawls; momentum accumulates the tiny "
            "downhill pull and escapes sooner, but overshoots and oscillates around the minimum; "
            "Nesterov's look-ahead gradient damps that oscillation."
        ),
        (
            C("start_on_ridge", hi=0.01),
            C("escapes_before", "momentum", "sgd"),
            C("escapes_before", "nesterov", "sgd"),
            C("overshoot", "momentum", lo=0.1),
            C("reversals", "momentum", lo=3),
            C("overshoots_less", "nesterov", "momentum"),
            C("shorter_path", "nesterov", "momentum"),
            C("reaches_tol_before", "nesterov", "momentum"),
        ),
    ),
    Preset(
        "sgd-zigzag-ravine",
        N_("SGD zig-zags in a ravine, momentum does not"),
        "compare",
        Scenario(
            surface="ravine",
            surface_params=(("kappa", 50.0),),
            steps=300,
            optimizers=(O.make("sgd", 0.18), O.make("momentum", 0.03, momentum=0.9)),
        ),
        N_(
            "In a narrow valley the gradient points mostly across it. With a learning rate near "
            "the stability limit of the steep direction, SGD bounces from wall to wall and creeps "
            "along the floor. Momentum averages the alternating cross-valley gradients to nearly "
            "zero and keeps the consistent along-valley component."
        ),
        (
            C("start_gradient_angle", hi=10.0),
            C("lr_over_limit", "sgd", lo=0.8, hi=1.0),
            C("reversals", "sgd", lo=20),
            C("zigzags_more", "sgd", "momentum"),
            C("reaches_tol_before", "momentum", "sgd"),
            C("shorter_path", "momentum", "sgd"),
        ),
    ),
    Preset(
        "adagrad-stalls",
        N_("AdaGrad stalls, RMSprop keeps going"),
        "compare",
        Scenario(
            surface="rosenbrock",
            steps=1000,
            optimizers=(O.make("adagrad", 0.1), O.make("rmsprop", 0.003, decay=0.9)),
        ),
        N_(
            "AdaGrad divides by the square root of the sum of all past squared gradients, so its "
            "effective step can only shrink: the steep first gradients make it small, and it never "
            "recovers along the long, flat banana valley. RMSprop forgets old gradients (an "
            "exponentially weighted average), so it keeps moving: it travels farther in the second "
            "half of the run and ends lower. (Each runs at its own learning rate.)"
        ),
        (
            C("eff_lr_shrinks", "adagrad"),
            C("moves_more_late", "rmsprop", "adagrad"),
            C("ends_lower", "rmsprop", "adagrad"),
        ),
    ),
    Preset(
        "adam-bias-correction",
        N_("Adam with and without bias correction"),
        "compare",
        Scenario(
            surface="quadratic",
            surface_params=(("kappa", 10.0),),
            start=(-2.5, 2.0),
            steps=120,
            optimizers=(O.make("adam", 0.1, b2=0.999), O.make("adam_nobias", 0.1, b2=0.999)),
        ),
        N_(
            "m and v start at zero, so early on they underestimate the moments, v far more than m "
            "(b2 = 0.999 forgets slower than b1 = 0.9). Without correction the first step is "
            "(1-b1)/sqrt(1-b2) = 3.2 times the learning rate in each coordinate, and the next "
            "steps grow to about 5 times it: the path overshoots the minimum and is more than "
            "twice as long. The bias-corrected Adam's steps are never longer than lr in any "
            "coordinate. On this bowl the big early steps happen to reach the tolerance sooner: "
            "bias correction buys steps of a predictable size, not speed."
        ),
        (
            C("first_step_ratio", "adam_nobias", lo=3.1, hi=3.2),
            C("peak_step_ratio", "adam_nobias", lo=4.5, hi=5.5, within=10),
            C("first_step_ratio", "adam", lo=0.99, hi=1.01),
            C("peak_step_ratio", "adam", hi=1.0 + 1e-6, within=120),
            C("overshoot", "adam_nobias", lo=0.1),
            C("overshoots_less", "adam", "adam_nobias"),
            C("shorter_path", "adam", "adam_nobias", lo=2.0),
            C("reaches_tol_before", "adam_nobias", "adam"),
        ),
    ),
    Preset(
        "cliff-clipping",
        N_("The cliff with and without gradient clipping"),
        "compare",
        Scenario(
            surface="cliff",
            surface_params=(("height", 10.0), ("steep", 30.0)),
            start=(-3.0, 1.0),
            steps=200,
            optimizers=(O.make("sgd", 0.3, clip_norm=0.0), O.make("sgd", 0.3, clip_norm=1.0)),
        ),
        N_(
            "Walking off the plateau, SGD reaches the cliff face, where the gradient can be as "
            "large as H*s/4 = 75 (65 on its path). One step of size lr*|g| throws it far past the "
            "basin. Clipping the gradient norm to 1 bounds every step by the learning rate and the "
            "iterate walks down the cliff."
        ),
        (
            C("max_grad", 0, lo=60.0, hi=75.5),
            C("longest_step", 0, lo=5.0),
            C("max_step_over_lr", 1, hi=1.0 + 1e-9),
            C("shorter_path", 1, 0),
            C("reaches_tol_before", 1, 0),
        ),
    ),
    Preset(
        "lr-too-large",
        N_("A learning rate too large diverges"),
        "compare",
        Scenario(
            surface="quadratic",
            surface_params=(("kappa", 10.0),),
            start=(-2.5, 2.0),
            steps=75,
            optimizers=(O.make("sgd", 0.05), O.make("sgd", 0.18), O.make("sgd", 0.21)),
        ),
        N_(
            "On a quadratic with largest curvature L = 10, gradient descent is stable only for lr "
            "< 2/L = 0.2. At 0.05 it converges slowly, at 0.18 it oscillates across the steep "
            "direction while converging, at 0.21 the oscillation grows and the run diverges."
        ),
        (
            C("max_curvature", lo=9.999, hi=10.001),
            C("downhill", 0),
            C("no_divergence", 0),
            C("reaches_tol_before", 1, 0),
            C("lr_over_limit", 1, lo=0.85, hi=0.95),
            C("reversals", 1, lo=30),
            C("no_divergence", 1),
            C("lr_over_limit", 2, lo=1.0),
            C("reversals", 2, lo=30),
            C("diverges", 2),
        ),
    ),
    Preset(
        "flat-vs-sharp-noise",
        N_("Flat vs sharp minima under gradient noise"),
        "compare",
        Scenario(
            surface="flat_sharp",
            surface_params=(("width", 0.25),),
            start=(2.3, 0.4),
            steps=600,
            noise_std=2.0,
            batch_size=1,
            seed=1,
            optimizers=(O.make("sgd", 0.1), O.make("sgd", 0.01)),
        ),
        N_(
            "The two wells are almost equally deep; the right one is about 15 times as curved. "
            "Both runs start in the sharp well with a learning rate below its stability limit "
            "2/16, so without noise both would settle there. Small batches mean noisy gradients: "
            "at lr 0.1 the noise kicks the iterate (for most seeds) out of the narrow, sharp well, "
            "and it ends in the wide one, still rattling around in it (with noise and a constant "
            "rate no run settles), where the loss barely changes under such kicks (the "
            "flat-minimum story of generalization). A tiny learning rate averages the noise away "
            "and stays sharp. Raise the batch size to 64 to see the effect vanish."
        ),
        (
            C("minima_equal", hi=0.005),
            C("flatter", at=0, other=1, lo=14.0, hi=17.0),
            C("lr_over_limit", 0, at=1, hi=0.9),
            C("lr_over_limit", 1, at=1, hi=0.9),
            C("ends_in_basin", 0, at=1, variant=(("noise_std", 0.0),)),
            C("ends_in_basin", 1, at=1, variant=(("noise_std", 0.0),)),
            C("ends_in_basin", 0, at=0),
            C("ends_in_basin", 1, at=1),
            C("ends_in_basin", 0, at=1, variant=(("batch_size", 64),)),
        ),
    ),
    Preset(
        "schedules-step-cosine-warmup",
        N_("Step vs cosine vs warm-up schedules"),
        "compare",
        Scenario(
            surface="rosenbrock",
            steps=500,
            noise_std=2.0,
            optimizers=(
                O.make("momentum", 0.002, schedule="constant"),
                O.make(
                    "momentum",
                    0.002,
                    schedule="step",
                    schedule_args={"step_size": 150, "gamma": 0.3},
                ),
                O.make("momentum", 0.002, schedule="cosine", schedule_args={"decay_steps": 500}),
                O.make(
                    "momentum",
                    0.003,
                    schedule="warmup_cosine",
                    schedule_args={"warmup_steps": 50, "decay_steps": 500},
                ),
            ),
        ),
        N_(
            "The same momentum optimizer, with noisy gradients, under four learning-rate "
            "schedules. At a constant rate the noise keeps the iterate rattling around the "
            "minimum; the decaying schedules calm that oscillation late in the run and end lower. "
            "Warm-up allows a larger peak rate (0.003, where a constant rate diverges within a few "
            "steps) because the first steps, taken where gradients are largest, are small."
        ),
        (
            C("late_spread", 0, lo=0.1),
            C("calmer_late", 1, 0),
            C("calmer_late", 2, 0),
            C("ends_lower", 1, 0),
            C("ends_lower", 2, 0),
            C("gradient_largest_early", 0, within=50),
            C("first_steps_shorter", 3, 0, within=5),
            C("no_divergence", 3),
            C("diverges", 3, variant=(("opt3.schedule", "constant"),)),
        ),
    ),
    Preset(
        "feature-scaling",
        N_("Unnormalized vs standardized features"),
        "playground",
        Scenario(
            surface="linreg",
            surface_params=(("scale", 10.0), ("standardized", 0.0)),
            steps=200,
            optimizers=(O.make("sgd", 0.015),),
        ),
        N_(
            "The loss of a linear regression whose second feature is measured in units ten times "
            "larger: the bowl is a thin ellipse (condition number about 115), the learning rate "
            "must stay below 2/λmax = 0.026 for the steep direction, and at 0.015 SGD has not "
            "reached f - f* < 0.001 after 200 steps. Set 'standardize features' to 1: both "
            "features get unit variance and the condition number drops to about 3.7. The bowl is "
            "not round: the features are correlated, which tilts the ellipse by 45 degrees "
            "(decorrelating them too, i.e. whitening, would make it round). Even so the same "
            "optimizer takes a learning rate 33 times larger (0.5) and walks almost straight to "
            "the minimum in under 20 steps."
        ),
        (
            C("condition_number", lo=100.0, hi=130.0),
            C("max_curvature", lo=76.0, hi=77.0),
            C("lr_over_limit", 0, lo=0.5, hi=0.95),
            C("never_reaches_tol", 0),
            C("condition_number", lo=3.5, hi=4.0, variant=(STD,)),
            C("tilt", lo=44.0, hi=46.0, variant=(STD,)),
            C("reaches_tol_within", 0, hi=20, variant=(STD, ("opt0.lr", 0.5))),
            C("straightness", 0, hi=1.01, variant=(STD, ("opt0.lr", 0.5))),
        ),
    ),
    Preset(
        "newton-saddle",
        N_("Newton's method is attracted to saddles"),
        "compare",
        Scenario(
            surface="saddle",
            start=(1.5, 0.3),
            steps=60,
            optimizers=(O.make("newton", 1.0, damping=1e-3), O.make("sgd", 0.05)),
        ),
        N_(
            "Newton's method jumps to the stationary point of the local quadratic model, whether "
            "it is a minimum or a saddle: it heads straight for the saddle at the origin and stays "
            "there. Gradient descent only goes downhill, so it passes below the saddle's level and "
            "reaches a minimum."
        ),
        (
            C("ends_at_saddle", "newton", hi=1e-6),
            C("straightness", "newton", hi=1.05),
            C("downhill", "sgd"),
            C("ends_in_basin", "sgd", at=0),
            C("reaches_tol_within", "sgd", hi=60),
        ),
    ),
    Preset(
        "plateau-adam",
        N_("Adaptive methods walk off a plateau"),
        "compare",
        Scenario(
            surface="plateau",
            start=(2.5, 2.0),
            steps=300,
            optimizers=(
                O.make("sgd", 0.5),
                O.make("momentum", 0.5, momentum=0.9),
                O.make("adam", 0.05),
            ),
        ),
        N_(
            "Far from the hole the gradient is around 1e-4. SGD's step is lr times that: nothing "
            "happens. Adam divides by the gradient's running RMS, so its steps have size about lr "
            "wherever it is, and it reaches the hole. Momentum at SGD's learning rate adds up the "
            "tiny pull step after step and gets there too, long after Adam."
        ),
        (
            C("start_gradient", lo=5e-5, hi=5e-4),
            C("displacement", "sgd", hi=0.1),
            C("never_reaches_tol", "sgd"),
            C("median_step_ratio", "adam", lo=0.5, hi=1.5, within=30),
            C("reaches_tol_within", "adam", hi=100),
            C("reaches_tol_before", "adam", "momentum"),
            C("reaches_tol_within", "momentum", hi=300),
        ),
    ),
    Preset(
        "himmelblau-minima",
        N_("Which minimum? Himmelblau"),
        "compare",
        Scenario(
            surface="himmelblau",
            start=(0.0, 0.0),
            steps=300,
            optimizers=(
                O.make("sgd", 0.01),
                O.make("momentum", 0.005, momentum=0.9),
                O.make("adam", 0.1),
            ),
        ),
        N_(
            "Four minima of equal value. From the same start, different optimizers end in "
            "different basins: the dynamics, not only the landscape, decide where you land."
        ),
        (
            C("minima_equal", hi=1e-9),
            C("ends_in_basin", "sgd", at=0),
            C("ends_in_basin", "momentum", at=3),
            C("ends_in_basin", "adam", at=0),
            C("distinct_basins", lo=2),
        ),
    ),
    # --- the optimizers of today (optimizers/_modern.py) ------------------------------------------
    Preset(
        "sam-flat-minimum",
        N_("SAM leaves the sharp minimum for the flat one"),
        "compare",
        Scenario(
            surface="flat_sharp",
            surface_params=(("width", 0.25),),
            start=(2.3, 0.4),
            steps=1000,
            noise_std=1.0,
            batch_size=1,
            seed=1,
            optimizers=(O.make("sgd", 0.1), O.make("sam", 0.1, rho=0.5)),
        ),
        N_(
            "Both start in the sharp well with the same learning rate and the same gradient noise. "
            "SGD stays there: its rate is below the well's stability limit and this noise is too "
            "weak to throw it out. SAM first steps a distance rho = 0.5 uphill (twice the well's "
            "width) and takes the gradient there: it feels the walls of the neighbourhood, not of "
            "the point, so in a well narrower than rho it gets pushed around until it leaves, and "
            "ends in the wide well, whose neighbourhood is low everywhere. Without the noise SAM "
            "stays too: it needs the kicks to cross the plateau between the wells."
        ),
        (
            C("flatter", at=0, other=1, lo=14.0, hi=17.0),
            C("lr_over_limit", "sgd", at=1, hi=0.9),
            C("eval_offset", "sam", lo=0.4999, hi=0.5001),
            C("ends_in_basin", "sgd", at=1),
            C("ends_in_basin", "sam", at=0),
            C("ends_in_basin", "sgd", at=1, variant=(("seed", 2),)),
            C("ends_in_basin", "sam", at=0, variant=(("seed", 2),)),
            C("ends_in_basin", "sam", at=1, variant=(("noise_std", 0.0),)),
        ),
    ),
    Preset(
        "schedule-free-averaging",
        N_("Schedule-Free SGD: averaging instead of a schedule"),
        "compare",
        Scenario(
            surface="quadratic",
            surface_params=(("kappa", 10.0),),
            start=(-2.5, 2.0),
            steps=500,
            noise_std=1.0,
            batch_size=1,
            seed=1,
            optimizers=(
                O.make("sgd", 0.05),
                O.make("schedule_free_sgd", 0.05, b1=0.9),
                O.make("sgd", 0.05, schedule="cosine", schedule_args={"decay_steps": 500}),
            ),
        ),
        N_(
            "Noisy gradients and a constant rate: SGD never settles, it rattles around the "
            "minimum. Schedule-Free SGD keeps the same constant rate for its SGD iterate z, but "
            "draws (and evaluates) x, the running average of the z's, and takes the gradient at y "
            "between them (where the downhill arrow starts). The average settles as a decaying "
            "rate would, without choosing when to decay (the third run is SGD under a cosine "
            "schedule, for comparison). Without noise there is nothing to average out, and plain "
            "SGD settles sooner: the average lags."
        ),
        (
            C("calmer_late", "schedule_free_sgd", 0),
            C("ends_lower", "schedule_free_sgd", 0),
            C("averages_calmer", "schedule_free_sgd", lo=5.0),
            C("calmer_late", 2, 0),
            C("calmer_late", 0, "schedule_free_sgd", variant=(("noise_std", 0.0),)),
        ),
    ),
    Preset(
        "prodigy-no-learning-rate",
        N_("Prodigy estimates its own step size"),
        "compare",
        Scenario(
            surface="quadratic",
            surface_params=(("kappa", 10.0),),
            start=(-2.5, 2.0),
            steps=300,
            optimizers=(
                O.make("prodigy", 1.0),
                O.make("adam", 0.001),
                O.make("adam", 0.1),
            ),
        ),
        N_(
            "Adam needs its learning rate tuned: 0.001 (a common default) crawls, 0.1 is right "
            "here. Prodigy starts from a step size of 1e-6 and grows its estimate d until the "
            "steps match the distance still to go (the estimate is plotted on the Playground); its "
            "learning rate 1 only means: use the estimate. It gets there without tuning."
        ),
        (
            C("estimate_grows", "prodigy", lo=1e5),
            C("reaches_tol_within", "prodigy", hi=150),
            C("never_reaches_tol", 1),
            C("reaches_tol_within", 2, hi=300),
            C("reaches_tol_before", "prodigy", 1),
        ),
    ),
    Preset(
        "adopt-small-beta2",
        N_("ADOPT keeps converging where Adam's small beta2 hurts"),
        "compare",
        Scenario(
            surface="rosenbrock",
            steps=1000,
            optimizers=(O.make("adam", 0.05, b2=0.5), O.make("adopt", 0.05, b2=0.5)),
        ),
        N_(
            "With beta2 = 0.5 Adam's second moment remembers only the last few gradients, and the "
            "current gradient sits in its own denominator, so the steps stay large and keep "
            "bouncing across the banana valley. ADOPT divides each gradient by the second moment "
            "of the gradients before it and only then averages it into the momentum; with the same "
            "beta2 and rate it follows the valley floor and ends far lower."
        ),
        (
            C("ends_lower", "adopt", "adam"),
            C("calmer_late", "adopt", "adam"),
            C("reaches_tol_before", "adopt", "adam", tol=1e-2),
        ),
    ),
    Preset(
        "ademamix-slow-momentum",
        N_("AdEMAMix: a slow momentum that remembers"),
        "compare",
        Scenario(
            surface="rosenbrock",
            steps=1000,
            optimizers=(O.make("adam", 0.01), O.make("ademamix", 0.01, b3=0.999, alpha=5.0)),
        ),
        N_(
            "Along Rosenbrock's long curved valley the gradient keeps pointing the same way for "
            "hundreds of steps. Adam's average forgets it after about 10 steps; AdEMAMix adds "
            "alpha = 5 times a second average with beta3 = 0.999 (a memory of about 1000 steps) "
            "that keeps building up along the valley, so at the same learning rate it travels "
            "farther and reaches the minimum."
        ),
        (
            C("ends_lower", "ademamix", "adam"),
            C("moves_more_late", "ademamix", "adam"),
            C("reaches_tol_within", "ademamix", hi=1000),
            C("never_reaches_tol", "adam"),
        ),
    ),
    Preset(
        "qhm-one-rule",
        N_("QHM: one rule that is SGD, momentum and Nesterov"),
        "compare",
        Scenario(
            surface="ravine",
            surface_params=(("kappa", 50.0),),
            steps=200,
            optimizers=(
                O.make("sgd", 0.03),
                O.make("qhm", 0.03, beta=0.9, nu=0.0),
                O.make("momentum_ema", 0.3, momentum=0.9),
                O.make("qhm", 0.3, beta=0.9, nu=1.0),
                O.make("nesterov_rewritten", 0.03, momentum=0.9),
                O.make("qhm", 0.3, beta=0.9, nu=0.9),
            ),
        ),
        N_(
            "QHM steps along a mix of the plain gradient and its running average, (1 - nu) g + nu "
            "b. Three settings of nu give three classic methods, path for path: nu = 0 is SGD, nu "
            "= 1 is momentum (averaging form, same rate), and nu = beta is Nesterov's momentum "
            "(the framework form with rate lr(1 - beta)). Values in between interpolate."
        ),
        (
            C("same_path", 0, 1, tol=1e-9),
            C("same_path", 2, 3, tol=1e-9),
            C("same_path", 4, 5, tol=1e-9),
        ),
    ),
    Preset(
        "radam-warmup",
        N_("RAdam: Adam with a built-in warm-up"),
        "compare",
        Scenario(
            surface="plateau",
            steps=300,
            optimizers=(O.make("adam", 0.1), O.make("radam", 0.1)),
        ),
        N_(
            "Adam's second moment rests on a single gradient at first, yet its first step already "
            "has size lr in every coordinate. RAdam does not trust v until it rests on enough "
            "gradients: its first five steps are plain momentum steps lr m_hat (on this plateau, "
            "where the gradient is tiny, almost nothing), then Adam's steps scaled by a factor "
            "that grows towards 1. That is the warm-up people add to Adam by hand; here it costs "
            "time."
        ),
        (
            C("first_step_ratio", "adam", lo=0.99, hi=1.01),
            C("peak_step_ratio", "radam", within=5, hi=0.01),
            C("first_steps_shorter", "radam", "adam", within=10),
            C("reaches_tol_before", "adam", "radam"),
        ),
    ),
    Preset(
        "lookahead-tames-lr",
        N_("Lookahead tames a learning rate past the limit"),
        "compare",
        Scenario(
            surface="ravine",
            surface_params=(("kappa", 50.0),),
            steps=300,
            optimizers=(O.make("sgd", 0.2), O.make("lookahead", 0.2, k=5.0, alpha=0.5)),
        ),
        N_(
            "At this rate SGD is past the stability limit 2/λmax of the ravine's steep wall, so "
            "each bounce across it is longer than the last. Lookahead runs the same SGD for k = 5 "
            "steps, then moves its slow weights only halfway (alpha = 0.5) to where the fast ones "
            "got and restarts them there (the jump back on the map). Five growing bounces "
            "alternate in sign, so the halfway point lies closer than the start: the slow weights "
            "contract and settle at the minimum."
        ),
        (
            C("lr_over_limit", "sgd", lo=1.0),
            C("ends_lower", "lookahead", "sgd"),
            C("reaches_tol_within", "lookahead", hi=300),
            C("never_reaches_tol", "sgd"),
        ),
    ),
)

_TABLE = {p.slug: p for p in PRESETS}

# : The Schedules page's race: its surfaces, optimizers and the default base learning rate of each
# pair,
# : at which none of the page's default schedules (constant, step, cosine, warm-up + cosine)
# diverges.
RACE_SURFACES = ("rosenbrock", "ravine", "quadratic", "saddle", "himmelblau")
RACE_OPTIMIZERS = ("momentum", "sgd", "adam", "nesterov")
RACE_SCHEDULES = ("constant", "step", "cosine", "warmup_cosine")
_RACE_LR = {
    "rosenbrock": (0.001, 0.001, 0.1, 0.000681),
    "ravine": (0.1, 0.1, 0.1, 0.0464),
    "quadratic": (0.1, 0.1, 0.1, 0.0464),
    "saddle": (0.0464, 0.0681, 0.147, 0.0147),
    "himmelblau": (0.00464, 0.01, 0.1, 0.00316),
}


def schedule_race(
    surface: str,
    optimizer: str,
    lr: float,
    steps: int = 400,
    schedules: tuple[str, ...] = RACE_SCHEDULES,
    momentum_ramp: bool | str = False,
) -> Scenario:
    """The Schedules page's race: one optimizer under several schedules, each scaled to
    ``steps``; ``momentum_ramp`` True or "linear" ramps the momentum over the first quarter,
    "stages" runs the notes' staged momentum."""
    scaled = {
        "step_size": steps // 4,
        "decay_steps": steps,
        "transition_steps": steps,
        "half_cycle": steps // 8,
        "period": steps // 8,
        "warmup_steps": steps // 10,
    }
    configs = []
    for name in schedules:
        args = {k: v for k, v in scaled.items() if k in get_schedule(name).args}
        configs.append(O.make(optimizer, lr, schedule=name, schedule_args=args))
    return Scenario(
        surface=surface,
        optimizers=tuple(configs),
        steps=steps,
        momentum_warmup=steps // 4 if momentum_ramp in (True, "linear") else 0,
        momentum_schedule="stages" if momentum_ramp == "stages" else "linear",
    )


def schedule_race_lr(surface: str, optimizer: str) -> float:
    """Default base learning rate of the Schedules page's race for ``surface`` and ``optimizer``."""
    lrs = _RACE_LR.get(surface)
    if lrs is None or optimizer not in RACE_OPTIMIZERS:
        return 1e-3
    return lrs[RACE_OPTIMIZERS.index(optimizer)]


def preset_names() -> list[str]:
    return [p.slug for p in PRESETS]


def check_claims(preset: Preset | str, lang: str = "en") -> list[tuple[str, bool, str]]:
    """Every claim of a preset (or its slug): ``(sentence, holds, evidence)`` from real runs, in
    ``lang``."""
    return (get_preset(preset) if isinstance(preset, str) else preset).check_claims(lang)


def get_preset(slug: str) -> Preset:
    if slug not in _TABLE:
        raise KeyError(f"unknown preset {slug!r}; choose one of {', '.join(_TABLE)}")
    return _TABLE[slug]
