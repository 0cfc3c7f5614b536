r"""The course: one lesson per topic of the course notes, in the notes' order, as data.

Each lesson is a TOML file in ``lessons/course/`` (a teacher edits one and shares the page's link):
a title, the notes' formula, a short text, figures (``kind`` + a preset or a scenario), a "predict,
then run" question, the errata topics (:data:`optimizers.ERRATA`) and the full page that opens on
the
same scenario. Texts are written in English and translated through the gettext catalog
(``locale/zh_CN/LC_MESSAGES/optiscape.po``). Every number a lesson states is checked here on the
engine's own output: a scenario's :class:`scenarios.Claim` list, plus :func:`facts` for the lessons
whose figure is not a scenario (the notes' temperature data, the Hessian's cost for the network,
...).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import pathlib
import tomllib
from collections.abc import Callable
from typing import Any

import numpy as np

import i18n
import scenarios
from scenarios import Claim, Scenario

COURSE_DIR = pathlib.Path(__file__).with_name("course")
KINDS = ("map", "loss", "forms", "coarse_to_fine", "temperature", "momentum_schedule", "search",
         "second_order", "average", "batch", "init")  # fmt: skip
PAGES = {  # full pages a lesson can open, with the query each takes
    "compare": "2_Compare.py",
    "playground": "1_Playground.py",
    "schedules": "3_Schedules.py",
    "search": "4_Hyperparameter_search.py",
    "averaging": "5_Averaging.py",
    "network": "8_Neural_network.py",
}


def N_(s: str) -> str:
    """Mark ``s`` for the catalog; it is translated where it is shown."""
    return s


@dataclasses.dataclass(frozen=True)
class Figure:
    kind: str
    preset: str = ""
    query: tuple[tuple[str, str], ...] = ()  # Scenario.to_query() pairs
    title: str = ""

    def scenario(self) -> Scenario | None:
        if self.preset:
            return scenarios.get_preset(self.preset).scenario
        if self.query:
            scn, warn = Scenario.from_query(dict(self.query))
            if warn:
                raise ValueError(f"lesson figure scenario: {'; '.join(warn)}")
            return scn
        return None


@dataclasses.dataclass(frozen=True)
class Question:
    ask: str
    choices: tuple[str, ...]
    answer: int  # index into choices
    reveal: str  # why, in words the figure shows


@dataclasses.dataclass(frozen=True)
class Lesson:
    slug: str
    order: int
    title: str
    notes: str  # which note and section it follows
    formula: str  # LaTeX
    text: str
    figures: tuple[Figure, ...]
    question: Question
    page: str  # key of PAGES
    errata: tuple[str, ...] = ()  # optimizers.ERRATA topics
    claims: tuple[Claim, ...] = ()  # about the first figure's scenario

    def scenario(self) -> Scenario | None:
        """The lesson's scenario: its first figure that has one."""
        for f in self.figures:
            s = f.scenario()
            if s is not None:
                return s
        return None

    def link(self, scn: Scenario | None = None) -> tuple[str, dict[str, str]]:
        """``(page file, query)`` of the full page on the same scenario."""
        scn = scn or self.scenario()
        fig = next((f for f in self.figures if f.preset), None)
        if fig is not None and scn is None:
            return PAGES[self.page], {"preset": fig.preset}
        if scn is not None and self.page in ("compare", "playground"):
            return PAGES[self.page], scn.to_query()
        return PAGES[self.page], {}


def _claim(d: dict[str, Any]) -> Claim:
    d = dict(d)
    if "variant" in d:
        d["variant"] = tuple((k, v) for k, v in d["variant"].items())
    return Claim(**d)


def _lesson(d: dict[str, Any]) -> Lesson:
    q = d["question"]
    figs = tuple(
        Figure(
            kind=f["kind"],
            preset=f.get("preset", ""),
            query=tuple(sorted(f.get("query", {}).items())),
            title=f.get("title", ""),
        )
        for f in d["figure"]
    )
    for f in figs:
        if f.kind not in KINDS:
            raise ValueError(f"unknown figure kind {f.kind!r}; choose one of {', '.join(KINDS)}")
    if d["page"] not in PAGES:
        raise ValueError(f"unknown page {d['page']!r}; choose one of {', '.join(PAGES)}")
    return Lesson(
        slug=d["slug"],
        order=int(d["order"]),
        title=d["title"],
        notes=d["notes"],
        formula=d["formula"].strip(),
        text=" ".join(d["text"].split()),
        figures=figs,
        question=Question(
            ask=q["ask"],
            choices=tuple(q["choices"]),
            answer=int(q["answer"]),
            reveal=" ".join(q["reveal"].split()),
        ),
        page=d["page"],
        errata=tuple(d.get("errata", ())),
        claims=tuple(_claim(c) for c in d.get("claims", ())),
    )


@functools.cache
def load(directory: str = str(COURSE_DIR)) -> tuple[Lesson, ...]:
    """All lessons of ``directory``, in the notes' order."""
    out = []
    for path in sorted(pathlib.Path(directory).glob("*.toml")):
        with open(path, "rb") as fh:
            try:
                out.append(_lesson(tomllib.load(fh)))
            except (KeyError, TypeError, ValueError) as e:
                raise ValueError(f"{path.name}: {e}") from e
    return tuple(sorted(out, key=lambda les: les.order))


def get(slug: str) -> Lesson:
    for les in load():
        if les.slug == slug:
            return les
    raise KeyError(f"unknown lesson {slug!r}; choose one of {', '.join(x.slug for x in load())}")


# --- the notes' own data and numbers ----------------------------------------------------------


def torch_randn(n: int, seed: int = 0) -> np.ndarray:
    """``torch.manual_seed(seed); torch.randn(n)`` on the CPU, reproduced without torch.

    PyTorch fills ``n >= 16`` normals from mt19937 (seeded like numpy's legacy ``RandomState``):
    ``n`` 24-bit uniforms, Box-Muller on blocks of 16 (first 8 radii, next 8 angles), and a fresh
    block of 16 uniforms for the last 16 values when ``n`` is not a multiple of 16.
    """
    if n < 16:
        raise ValueError("only the vectorised path (n >= 16) is reproduced")
    rs = np.random.RandomState(seed)

    def uniform(k: int) -> np.ndarray:
        u = rs.randint(0, 2**32, size=k, dtype=np.uint64).astype(np.uint32)
        return (u & np.uint32(2**24 - 1)).astype(np.float32) * np.float32(2.0**-24)

    def block(x: np.ndarray) -> np.ndarray:
        r = np.sqrt(np.float32(-2) * np.log(np.float32(1) - x[:8]))
        th = np.float32(2 * math.pi) * x[8:]
        return np.concatenate([r * np.cos(th), r * np.sin(th)]).astype(np.float32)

    d = uniform(n)
    for i in range(0, n - 15, 16):
        d[i : i + 16] = block(d[i : i + 16])
    if n % 16:
        d[n - 16 :] = block(uniform(16))
    return d


def notes_temperatures() -> np.ndarray:
    """The notes' 30 days: ``torch.manual_seed(0); torch.randn(size=[30]) * 10`` (note 003)."""
    return torch_randn(30, 0).astype(float) * 10


def ewa_first_value(series, beta: float) -> np.ndarray:
    """The notes' ``test02``: the first average is the first value, then ``b*v + (1-b)*x``."""
    x = np.asarray(series, dtype=float)
    out = np.empty_like(x)
    out[0] = x[0]
    for t in range(1, len(x)):
        out[t] = beta * out[t - 1] + (1 - beta) * x[t]
    return out


NOTES_MOMENTA = (0.5, 0.9, 0.95, 0.99)  # note 001: "mu=0.5 ... [0.5,0.9,0.95,0.99]"
#: The momentum-schedule lesson's runs: heavy ball, mu = 0.99, on the bowl, 400 steps.
MOMENTUM_RUNS = dict(surface="quadratic", lr=0.05, momentum=0.99, steps=400, warmup=300)


def staged_momentum(steps: int, values=NOTES_MOMENTA) -> np.ndarray:
    """The notes' staged momentum: each value for an equal share of the steps."""
    idx = np.minimum(np.arange(steps) * len(values) // steps, len(values) - 1)
    return np.asarray(values, dtype=float)[idx]


def linear_momentum(steps: int, target: float, warmup: float) -> np.ndarray:
    """The engine's own ramp (``engine.momentum_ramp``): 0.5 -> ``target`` over ``warmup`` steps."""
    from engine import _core

    return np.asarray(_core.momentum_ramp(target, warmup)(np.arange(steps)), dtype=float)


@functools.cache
def momentum_schedule_runs() -> tuple[Scenario, dict[str, Any]]:
    """The engine's runs of one heavy-ball setting under each momentum schedule (constant
    mu, the linear ramp over ``warmup`` steps, the notes' stages), keyed by the kind."""
    r = MOMENTUM_RUNS
    opt = scenarios.OptimizerConfig.make("momentum", r["lr"], momentum=r["momentum"])
    base = Scenario(surface=r["surface"], optimizers=(opt,), steps=r["steps"])
    runs = {kind: dataclasses.replace(base, momentum_schedule=kind,
                                      momentum_warmup=r["warmup"] if kind == "linear" else 0
                                      ).run()[0]
            for kind in ("none", "linear", "stages")}  # fmt: skip
    return base, runs


def network_size(hidden=(20, 20)) -> int:
    """The number of parameters of the page's 2-hidden-2 network (counted on its own weights)."""
    import network

    return int(network.init_params((2, *hidden, 2), "glorot").size)


def second_order_cost(n: int) -> dict[str, float]:
    """What one step costs with ``n`` parameters: a gradient (``n`` numbers) against a Hessian
    (``n^2`` numbers, 8 bytes each) and solving with it (about ``n^3/3`` multiply-adds,
    Cholesky)."""
    return {"gradient": float(n), "hessian": float(n * n), "bytes": 8.0 * n * n,
            "solve": n**3 / 3.0}  # fmt: skip


# --- measured facts the lessons state ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ev:
    """A fact's measured evidence: a catalog template and its values (``str()`` is English)."""

    template: str
    values: tuple = ()

    def in_lang(self, lang: str = "en") -> str:
        _ = i18n.gettext_for(lang)
        return _(self.template).format(*self.values)

    def __str__(self) -> str:
        return self.in_lang("en")


def _ev(template: str, *values) -> Ev:
    return Ev(template, values)


def evidence_in(evidence, lang: str) -> str:
    """A fact's evidence (an :class:`Ev`, a tuple of them joined by "; ", or plain numbers) in
    ``lang``."""
    if isinstance(evidence, Ev):
        return evidence.in_lang(lang)
    if isinstance(evidence, tuple):
        return "; ".join(evidence_in(e, lang) for e in evidence)
    return str(evidence)


def _fact(sentence: str, holds: bool, evidence) -> tuple[str, bool, object]:
    return sentence, bool(holds), evidence


def _facts_temperature(scn: Scenario | None = None) -> list:
    t = notes_temperatures()
    from lessons import ewa

    first, zero, corr = ewa_first_value(t, 0.8), ewa(t, 0.8, False), ewa(t, 0.8, True)
    rough = lambda y: float(np.mean(np.abs(np.diff(y))))
    return [
        _fact(N_("The averages (beta = 0.8) are smoother than the temperatures."),
              rough(first) < rough(t) / 2,
              _ev(N_("mean day-to-day change {:.2f} vs {:.2f}"), rough(t), rough(first))),
        _fact(N_("Started at 0, the uncorrected average starts far too close to zero."),
              abs(zero[0]) < 0.25 * abs(t[0]),
              _ev(N_("day 1: temperature {:.2f}, uncorrected average {:.2f}"), t[0], zero[0])),
        _fact(N_("Bias correction makes day 1 equal the first temperature, as the first-value "
                 "start does."),
              abs(corr[0] - t[0]) < 1e-9 and abs(first[0] - t[0]) < 1e-9,
              _ev(N_("corrected {:.2f}, first-value {:.2f}"), corr[0], first[0])),
        _fact(N_("After 20 days the three averages agree to within 0.5 degrees."),
              float(np.max(np.abs(np.stack([first, zero, corr])[:, 20:] - corr[20:]))) < 0.5,
              _ev(N_("largest gap from day 21: {:.3f}"),
                  float(np.max(np.abs(np.stack([first, zero])[:, 20:] - corr[20:]))))),
    ]  # fmt: skip


def _facts_second_order(scn: Scenario | None = None) -> list:
    n = network_size()
    c = second_order_cost(n)
    return [
        _fact(N_("The network has 522 parameters."), n == 522, _ev(N_("counted {}"), n)),
        _fact(N_("Its Hessian has 272,484 entries, about 2.2 MB in float64."),
              c["hessian"] == 272_484 and abs(c["bytes"] / 1e6 - 2.18) < 0.01,
              _ev(N_("{} entries, {:.2f} MB"), int(c["hessian"]), c["bytes"] / 1e6)),
        _fact(N_("Solving with it costs about 47 million multiply-adds per step, against 522 "
                 "numbers for a gradient step."),
              abs(c["solve"] / 1e6 - 47.4) < 0.1, f"n^3/3 = {c['solve']:.4g}"),
    ]  # fmt: skip


def _facts_momentum_schedule(scn: Scenario | None = None) -> list:
    st = staged_momentum(400)
    lin = linear_momentum(400, 0.99, 300)
    base, runs = momentum_schedule_runs()
    f_star = base.landscape().f_star
    gap = {k: float(t.losses[-1] - f_star) for k, t in runs.items()}
    sched_gap = max(gap["linear"], gap["stages"])
    return [
        _fact(N_("The engine's staged run uses exactly the notes' values, a quarter of the steps "
                 "each."),
              runs["stages"].momenta is not None
              and np.array_equal(runs["stages"].momenta, staged_momentum(base.steps)),
              _ev(N_("momenta of steps 1, 101, 201, 301: {}"),
                  runs["stages"].momenta[[0, 100, 200, 300]].tolist())),
        _fact(N_("On the bowl, after 400 steps both schedules end with a loss gap f - f* at least "
                 "a million times smaller than a constant mu = 0.99."),
              sched_gap * 1e6 <= gap["none"],
              _ev(N_("f - f* after 400 steps: constant {:.2e}, ramp {:.2e}, stages {:.2e}"),
                  gap["none"], gap["linear"], gap["stages"])),
        _fact(N_("The notes' schedule holds 0.5, 0.9, 0.95 and 0.99 for a quarter of the run "
                 "each."),
              tuple(np.unique(st)) == NOTES_MOMENTA and all(
                  np.all(st[i * 100:(i + 1) * 100] == v) for i, v in enumerate(NOTES_MOMENTA)),
              _ev(N_("values {}"), sorted(set(st.tolist())))),
        _fact(N_("The linear ramp starts at 0.5 and reaches 0.99 after 300 steps."),
              abs(lin[0] - 0.5) < 1e-12 and abs(lin[300] - 0.99) < 1e-12 and lin[150] < 0.99,
              f"mu(0) = {lin[0]:.3f}, mu(150) = {lin[150]:.3f}, mu(300) = {lin[300]:.3f}"),
    ]  # fmt: skip


SEARCH = dict(surface="rosenbrock", optimizer="momentum", budget=16, steps=300)


@functools.cache
def search_runs(budget: int = SEARCH["budget"]):
    """Grid and random search with the same budget: lr (log, 1e-5..1e-2) x momentum (0.5..0.99)."""
    from lessons import Axis, search

    scn = Scenario(surface=SEARCH["surface"])
    scape = scn.landscape()
    ax, ay = Axis("lr", 1e-5, 1e-2, True), Axis("momentum", 0.5, 0.99, False)
    kw = dict(budget=budget, steps=SEARCH["steps"], start=scn.start_point(scape),
              f_star=scape.f_star)  # fmt: skip
    return search(scape, "momentum", ax, ay, kind="grid", **kw), search(
        scape, "momentum", ax, ay, kind="random", seed=0, **kw
    )


C2F_STEPS = (50, 150, 400)  # the notes: one epoch, then five, then many


@functools.cache
def coarse_to_fine(budget: int = 16, zoom: float = 4.0, seed: int = 0):
    """The notes' staged search: random search of lr on 10**[-6, 0] with few steps, then ranges
    ``zoom`` times narrower (in log lr) around the last best, each stage with more steps.
    Returns ``[(lr axis, steps, SearchResult), ...]``."""
    from lessons import Axis, search

    scn = Scenario(surface=SEARCH["surface"])
    scape = scn.landscape()
    ax, ay = Axis("lr", 1e-6, 1.0, True), Axis("momentum", 0.5, 0.99, False)
    out = []
    for k, steps in enumerate(C2F_STEPS):
        res = search(scape, "momentum", ax, ay, budget=budget, kind="random", seed=seed + k,
                     steps=steps, start=scn.start_point(scape), f_star=scape.f_star)  # fmt: skip
        out.append((ax, steps, res))
        if math.isfinite(res.best[0]):
            ax = ax.zoom(res.best[0], zoom)
    return out


def _facts_coarse_to_fine(scn: Scenario | None = None) -> list:
    st = coarse_to_fine()
    inside = all(
        a.low <= r.best[0] <= a.high and b.low >= a.low and b.high <= a.high
        for (a, _, r), (b, _, _) in itertools.pairwise(st)
    )
    best = [r.best[2] for _, _, r in st]
    return [
        _fact(N_("Each stage searches inside the previous one, around its best learning rate, "
                 "with more steps (50, 150, 400)."),
              inside and tuple(s for _, s, _ in st) == C2F_STEPS,
              tuple(_ev(N_("lr in [{:.2g}, {:.2g}], {} steps"), a.low, a.high, s)
                    for a, s, _ in st)),
        _fact(N_("The best loss falls from stage to stage."),
              all(x > y for x, y in itertools.pairwise(best)),
              ", ".join(f"{b:.3g}" for b in best)),
    ]  # fmt: skip


def _facts_search(scn: Scenario | None = None) -> list:
    grid, rand = search_runs()
    ng, nr = len(np.unique(np.round(grid.x, 12))), len(np.unique(np.round(rand.x, 12)))
    return [
        _fact(N_("With 16 runs, the grid tries only 4 learning rates; random search tries 16."),
              ng == 4 and nr == 16, _ev(N_("grid {}, random {} distinct learning rates"), ng, nr)),
        _fact(N_("The grid's best learning rate is one of its 4 values; random search's best "
                 "lies between them."),
              np.any(np.isclose(grid.best[0], np.unique(grid.x)))
              and not np.any(np.isclose(rand.best[0], np.unique(grid.x), rtol=1e-3)),
              _ev(N_("best lr: grid {:.3g} (loss gap {:.3g}), random {:.3g} (loss gap {:.3g})"),
                  grid.best[0], grid.best[2], rand.best[0], rand.best[2])),
    ]  # fmt: skip


AVERAGE = Scenario.from_query(
    {"surface": "quadratic", "sp": "kappa:4", "start": "-2,1.5", "opt": "sgd,lr=0.1",
     "noise_std": "3", "steps": "600", "seed": "3"})[0]  # fmt: skip


def average_curves(scn: Scenario = AVERAGE):
    """Distance to the minimum of the noisy SGD iterates and of their running (Polyak) average
    from half-way, the notes' "run the average of the parameters during training"."""
    from lessons import polyak_average

    traj = scn.run()[0]
    scape = scn.landscape()
    m = np.array([scape.minima[0].x, scape.minima[0].y])
    pts = np.asarray(traj.points)
    half = len(pts) // 2
    avg = np.concatenate([pts[:half], polyak_average(pts[half:])])
    dist = lambda p: np.linalg.norm(p - m, axis=1)
    return dist(pts), dist(avg), half


def _facts_average(scn: Scenario | None = None) -> list:
    it, av, _half = average_curves()
    late_it, late_av = float(np.mean(it[-100:])), float(np.mean(av[-100:]))
    return [
        _fact(N_("Over the last 100 steps the averaged parameters lie at least 3 times closer to "
                 "the minimum than the iterates."),
              late_av * 3 < late_it,
              _ev(N_("mean distance: iterates {:.3f}, average {:.3f}"), late_it, late_av)),
    ]  # fmt: skip


BATCHES = (1, 4, 16, 64)
BATCH = Scenario.from_query(
    {"surface": "quadratic", "sp": "kappa:4", "start": "-2,1.5", "opt": "sgd,lr=0.05",
     "noise_std": "2", "steps": "400", "seed": "1"})[0]  # fmt: skip


@functools.cache
def batch_spread(scn: Scenario = BATCH, batches=BATCHES) -> tuple[float, ...]:
    """Late spread of the iterates around their mean (last fifth) for each batch size."""
    from scenarios._claims import late_spread

    return tuple(
        float(late_spread(dataclasses.replace(scn, batch_size=b).run()[0])) for b in batches
    )


def forms_gap(scn: Scenario) -> tuple[float, float]:
    """Largest distance between the first two optimizers' paths: as given (constant rate) and
    under a step schedule (halve the rate every 50 steps)."""
    step = dataclasses.replace(scn, schedule="step",
                               schedule_args=(("gamma", 0.5), ("step_size", 50.0)))  # fmt: skip
    gaps = []
    for s in (scn, step):
        a, b = (np.asarray(t.points) for t in s.run()[:2])
        gaps.append(float(np.max(np.linalg.norm(a - b, axis=1))))
    return gaps[0], gaps[1]


def _facts_forms(scn: Scenario | None = None) -> list:
    same, sched = forms_gap(scn)
    return [
        _fact(N_("With a constant learning rate the two forms' paths coincide (to 1e-9)."),
              same < 1e-9, _ev(N_("largest gap {:.2g}"), same)),
        _fact(N_("Under a step schedule the two forms' paths part."),
              sched > 1e-3, _ev(N_("largest gap {:.3g}"), sched)),
    ]  # fmt: skip


def _facts_batch(scn: Scenario | None = None) -> list:
    s = batch_spread(scn or BATCH)
    ratio = s[0] / s[-1]
    return [
        _fact(N_("The late spread of the iterates shrinks with every larger batch."),
              all(a > b for a, b in itertools.pairwise(s)),
              ", ".join(f"B={b}: {v:.3g}" for b, v in zip(BATCHES, s, strict=True))),
        _fact(N_("64 times the batch gives about 8 times (sqrt 64) less spread."),
              5 < ratio < 12, _ev(N_("ratio {:.2f}"), ratio)),
    ]  # fmt: skip


INITS = ("gaussian", "glorot", "he")


@functools.cache
def saturation(inits=INITS, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Fraction of tanh units with ``|h| > 0.95`` in each hidden layer of the network at
    initialisation, on the moons data: saturated units pass almost no gradient."""
    import network

    x, _y = network.make_dataset("moons", 200, seed=0)[:2]
    sizes = (2, 20, 20, 2)
    out = {}
    for init in inits:
        theta = network.init_params(sizes, init, seed=seed)
        h, fr = np.asarray(x, dtype=float), []
        for w, shape, b in network.layer_slices(sizes)[:-1]:
            h = np.tanh(h @ theta[w].reshape(shape) + theta[b])
            fr.append(float(np.mean(np.abs(h) > 0.95)))
        out[init] = tuple(fr)
    return out


def _facts_init(scn: Scenario | None = None) -> list:
    s = saturation()
    return [
        _fact(N_("With Gaussian weights of std 0.5 more units of the second hidden layer "
                 "saturate than with Glorot or He; with Glorot under 1%."),
              s["gaussian"][1] > max(s["glorot"][1], s["he"][1]) and s["glorot"][1] < 0.01,
              ", ".join(f"{k}: {v[1]:.0%}" for k, v in s.items())),
    ]  # fmt: skip


FACTS: dict[str, Callable[[Scenario | None], list]] = {
    "forms": _facts_forms,
    "temperature": _facts_temperature,
    "second_order": _facts_second_order,
    "momentum_schedule": _facts_momentum_schedule,
    "search": _facts_search,
    "coarse_to_fine": _facts_coarse_to_fine,
    "average": _facts_average,
    "batch": _facts_batch,
    "init": _facts_init,
}


def facts(lesson: Lesson, lang: str = "en") -> list[tuple[str, bool, object]]:
    """``(sentence, holds, evidence)`` for every checked statement of the lesson: its scenario's
    claims (run on the engine, written in ``lang``) and the measured facts of its figures (their
    sentences are msgids, their evidence an :class:`Ev`: :func:`evidence_in`)."""
    out: list[tuple[str, bool, object]] = []
    scn = lesson.scenario()
    if lesson.claims and scn is not None:
        out += scenarios._claims.check(lesson.claims, scn, lang)
    for kind, fig in {f.kind: f for f in lesson.figures}.items():
        if kind in FACTS:
            out += FACTS[kind](fig.scenario())
    return out


def msgids(lessons_: tuple[Lesson, ...] | None = None) -> set[str]:
    """Every text of the lessons that is shown translated: titles, texts, questions, answers,
    figure titles and the English side of their errata."""
    import optimizers

    out: set[str] = set()
    for les in lessons_ or load():
        q = les.question
        out |= {les.title, les.text, q.ask, q.reveal, *q.choices}
        out |= {f.title for f in les.figures if f.title}
        for e in optimizers.ERRATA:
            if e.topic in les.errata:
                out |= {e.notes_say_en, e.right}
    return out
