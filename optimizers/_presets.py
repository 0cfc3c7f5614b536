"""One-click teaching presets: a :class:`Scenario`, the page it opens on, and a short explanation."""

from __future__ import annotations

import dataclasses

from ._scenario import OptimizerConfig as O
from ._scenario import Scenario


@dataclasses.dataclass(frozen=True)
class Preset:
    slug: str
    title: str
    page: str  # "compare" or "playground"
    scenario: Scenario
    explanation: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "momentum-vs-nesterov-saddle", "Momentum vs Nesterov on a saddle", "compare",
        Scenario(surface="saddle", start=(-1.8, 1e-3), steps=150,
                 optimizers=(O.make("sgd", 0.05), O.make("momentum", 0.05, momentum=0.9),
                             O.make("nesterov", 0.05, momentum=0.9))),
        "All three start almost exactly on the ridge of a saddle, where the gradient along the "
        "escape direction is nearly zero. Plain SGD crawls; momentum accumulates the tiny downhill "
        "pull and escapes sooner, but overshoots and oscillates around the minimum; Nesterov's "
        "look-ahead gradient damps that oscillation.",
    ),
    Preset(
        "sgd-zigzag-ravine", "SGD zig-zags in a ravine, momentum does not", "compare",
        Scenario(surface="ravine", surface_params=(("kappa", 50.0),), steps=300,
                 optimizers=(O.make("sgd", 0.18), O.make("momentum", 0.03, momentum=0.9))),
        "In a narrow valley the gradient points mostly across it. With a learning rate near the "
        "stability limit of the steep direction, SGD bounces from wall to wall and creeps along "
        "the floor. Momentum averages the alternating cross-valley gradients to nearly zero and "
        "keeps the consistent along-valley component.",
    ),
    Preset(
        "adagrad-stalls", "AdaGrad stalls, RMSprop keeps going", "compare",
        Scenario(surface="rosenbrock", steps=1000,
                 optimizers=(O.make("adagrad", 0.1), O.make("rmsprop", 0.003, decay=0.9))),
        "AdaGrad divides by the square root of the sum of all past squared gradients, so its "
        "effective step only ever shrinks: along the long banana valley it slows to a crawl. "
        "RMSprop forgets old gradients (an exponentially weighted average) and keeps moving.",
    ),
    Preset(
        "adam-bias-correction", "Adam with and without bias correction", "compare",
        Scenario(surface="quadratic", surface_params=(("kappa", 10.0),), start=(-2.5, 2.0), steps=120,
                 optimizers=(O.make("adam", 0.1, b2=0.999), O.make("adam_nobias", 0.1, b2=0.999))),
        "m and v start at zero, so early on they underestimate the moments. Without correction "
        "the first steps are about (1-b1)/sqrt(1-b2) = 3 times the learning rate: a big, "
        "poorly aimed jump. The bias-corrected Adam's first step has size lr in every coordinate.",
    ),
    Preset(
        "cliff-clipping", "The cliff with and without gradient clipping", "compare",
        Scenario(surface="cliff", surface_params=(("height", 10.0), ("steep", 30.0)), start=(-3.0, 1.0), steps=200,
                 optimizers=(O.make("sgd", 0.3, clip_norm=0.0), O.make("sgd", 0.3, clip_norm=1.0))),
        "Walking off the plateau, SGD reaches the cliff face where the gradient is up to H*s/4 = 75. "
        "One step of size lr*|g| throws it far past the basin. Clipping the gradient norm to 1 "
        "bounds every step by the learning rate and the iterate walks down the cliff.",
    ),
    Preset(
        "lr-too-large", "A learning rate too large diverges", "compare",
        Scenario(surface="quadratic", surface_params=(("kappa", 10.0),), start=(-2.5, 2.0), steps=60,
                 optimizers=(O.make("sgd", 0.05), O.make("sgd", 0.18), O.make("sgd", 0.21))),
        "On a quadratic with largest curvature L = 10, gradient descent is stable only for "
        "lr < 2/L = 0.2. At 0.05 it converges slowly, at 0.18 it oscillates across the steep "
        "direction while converging, at 0.21 the oscillation grows and the run diverges.",
    ),
    Preset(
        "flat-vs-sharp-noise", "Flat vs sharp minima under gradient noise", "compare",
        Scenario(surface="flat_sharp", surface_params=(("width", 0.25),), start=(2.3, 0.4), steps=600,
                 noise_std=1.0, batch_size=1, seed=1,
                 optimizers=(O.make("sgd", 0.2), O.make("sgd", 0.01))),
        "Both wells are equally deep. Small batches mean noisy gradients: with a learning rate "
        "large enough to matter the noise kicks the iterate out of the narrow, sharp well and it "
        "settles in the wide one, whose loss barely changes under perturbation (the flat-minimum "
        "story of generalization). A tiny learning rate averages the noise away and stays sharp. "
        "Raise the batch size to see the effect vanish.",
    ),
    Preset(
        "schedules-step-cosine-warmup", "Step vs cosine vs warm-up schedules", "compare",
        Scenario(surface="rosenbrock", steps=500,
                 optimizers=(
                     O.make("momentum", 0.002, schedule="constant"),
                     O.make("momentum", 0.002, schedule="step", schedule_args={"step_size": 150, "gamma": 0.3}),
                     O.make("momentum", 0.002, schedule="cosine", schedule_args={"decay_steps": 500}),
                     O.make("momentum", 0.004, schedule="warmup_cosine",
                            schedule_args={"warmup_steps": 50, "decay_steps": 500}),
                 )),
        "The same momentum optimizer with four learning-rate schedules. Decaying schedules calm the "
        "oscillation late in the run; warm-up allows a larger peak rate because the first steps, "
        "taken where gradients are largest, are small.",
    ),
    Preset(
        "feature-scaling", "Unnormalized vs standardized features", "playground",
        Scenario(surface="linreg", surface_params=(("scale", 10.0), ("standardized", 0.0)), steps=200,
                 optimizers=(O.make("sgd", 0.015),)),
        "The loss of a linear regression whose second feature is measured in units ten times "
        "larger: the bowl is a thin ellipse, and the learning rate must be small enough for the "
        "steep direction. Set 'standardize features' to 1: the bowl becomes round and the same "
        "optimizer walks straight to the minimum with a much larger learning rate.",
    ),
    Preset(
        "newton-saddle", "Newton's method is attracted to saddles", "compare",
        Scenario(surface="saddle", start=(1.5, 0.3), steps=60,
                 optimizers=(O.make("newton", 1.0, damping=1e-3), O.make("sgd", 0.05))),
        "Newton's method jumps to the stationary point of the local quadratic model, whether it "
        "is a minimum or a saddle: it heads straight for the saddle at the origin. Gradient "
        "descent only goes downhill and escapes.",
    ),
    Preset(
        "plateau-adam", "Adaptive methods walk off a plateau", "compare",
        Scenario(surface="plateau", start=(2.5, 2.0), steps=300,
                 optimizers=(O.make("sgd", 0.5), O.make("momentum", 0.5, momentum=0.9), O.make("adam", 0.05))),
        "Far from the hole the gradient is around 1e-4. SGD's step is lr times that: nothing "
        "happens. Adam divides by the gradient's running RMS, so its steps have size about lr "
        "wherever it is, and it reaches the hole.",
    ),
    Preset(
        "himmelblau-minima", "Which minimum? Himmelblau", "compare",
        Scenario(surface="himmelblau", start=(0.0, 0.0), steps=300,
                 optimizers=(O.make("sgd", 0.01), O.make("momentum", 0.005, momentum=0.9), O.make("adam", 0.1))),
        "Four minima of equal value. From the same start, different optimizers end in different "
        "basins: the dynamics, not only the landscape, decide where you land.",
    ),
)

_TABLE = {p.slug: p for p in PRESETS}


def preset_names() -> list[str]:
    return [p.slug for p in PRESETS]


def get_preset(slug: str) -> Preset:
    if slug not in _TABLE:
        raise KeyError(f"unknown preset {slug!r}; choose one of {', '.join(_TABLE)}")
    return _TABLE[slug]
