"""Teaching pages: each runs, and the numbers they show match independent computations."""

import base64
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import engine
import landscapes
import lessons
import optimizers
import scenarios
import viz

ROOT = Path(__file__).resolve().parent.parent


def app(page):
    return AppTest.from_file(str(ROOT / page), default_timeout=300)


PAGE_SHOWS = {  # page: (its title, the titles of its figures in order; None: the schedules grid)
    "app_pages/3_Schedules.py": (
        "Learning-rate schedules",
        [None, "loss gap f - f*", "learning rate used", "momentum (mu) used"],
    ),
    "app_pages/4_Hyperparameter_search.py": (
        "Grid search vs random search",
        ["grid search", "random search"],
    ),
    "app_pages/5_Averaging.py": (
        "Averaging",
        [
            "temperature and its exponentially weighted average",
            "SGD with noise on Ill-conditioned quadratic",
            "distance to the minimum",
            "five seeds and their mean",
        ],
    ),
    "app_pages/6_Quadratic_theory.py": (
        "Convergence on a quadratic",
        [
            "distance to the minimum ||x_t||",
            "|q_i · x_t| per eigendirection",
            "heavy-ball rate, kappa = 100",
        ],
    ),
    "app_pages/7_Basins.py": (
        "Basins of attraction",
        ["SGD", "Momentum (heavy ball)"],  # each with its learning rate as the subtitle
    ),
}


@pytest.mark.parametrize("page", list(PAGE_SHOWS))
def test_teaching_pages_show_their_figures(page):
    at = app(page).run()
    title, figures = PAGE_SHOWS[page]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert not at.exception and at.title[0].value == title
    assert [(s["layout"].get("title") or {}).get("text") for s in specs] == figures
    assert all(s["data"] for s in specs)  # every figure draws something
    for s in specs:  # a legend sits on top, under the title: never over the x axis' title
        leg = s["layout"].get("legend") or {}
        if s["layout"].get("showlegend") is not False and len(s["data"]) > 1:
            assert (leg.get("yref"), leg.get("yanchor")) == ("container", "top"), s["layout"]
    if page.endswith("7_Basins.py"):
        subtitles = [s["layout"]["title"]["subtitle"]["text"] for s in specs]
        assert subtitles == ["lr 0.01", "lr 0.002"]
    if page.endswith("3_Schedules.py"):  # every schedule in the grid, every racer in the race
        assert [t["name"] for t in specs[0]["data"]] == [sc.title for sc in optimizers.SCHEDULES]
        assert len(specs[1]["data"]) == len(scenarios.RACE_SCHEDULES)


def test_quadratic_page_shows_closed_form_rates():
    at = app("app_pages/6_Quadratic_theory.py").run()
    at.select_slider(key="quad:kappa").set_value(50).run()
    at.button(key="quad:optimal").click().run()
    rows = at.dataframe[0].value
    sk = math.sqrt(50)
    want = {"Gradient descent": 49 / 51, "Heavy ball": (sk - 1) / (sk + 1), "Nesterov": 1 - 1 / sk}
    for _, r in rows.iterrows():
        assert float(r["predicted rate"]) == pytest.approx(want[r["method"]], abs=2e-5)
        assert float(r["measured rate"]) == pytest.approx(want[r["method"]], rel=0.01)


def test_heavy_ball_stability_boundary():
    kappa = 10.0
    for beta in (0.0, 0.5, 0.9):
        edge = (2 + 2 * beta) / kappa
        assert lessons.predicted_rate("heavy_ball", edge * 0.98, beta, (1.0, kappa)) < 1.0
        assert lessons.predicted_rate("heavy_ball", edge * 1.02, beta, (1.0, kappa)) > 1.0


def test_search_best_point_matches_direct_runs():
    scape = landscapes.get("quadratic", kappa=10.0)
    ax, ay = lessons.Axis("lr", 1e-3, 0.3, True), lessons.Axis("momentum", 0.0, 0.9, False)
    res = lessons.search(scape, "momentum", ax, ay, budget=16, kind="grid", steps=60, f_star=0.0)
    direct = []
    for lr in ax.grid(4):
        for mom in ay.grid(4):
            tr = engine.run(
                scape, "momentum", steps=60, lr=float(lr), hparams={"momentum": float(mom)}
            )
            direct.append((np.nan if tr.diverged_at else tr.losses[-1], lr, mom))
    best = min((d for d in direct if not np.isnan(d[0])), key=lambda d: d[0])
    assert res.best[0] == pytest.approx(best[1]) and res.best[1] == pytest.approx(best[2])
    assert res.best[2] == pytest.approx(best[0], rel=1e-9, abs=1e-300)


def test_search_warns_when_best_is_on_the_edge():
    scape = landscapes.get("quadratic", kappa=10.0)
    res = lessons.search(
        scape,
        "momentum",
        lessons.Axis("lr", 1e-8, 1e-6, True),
        lessons.Axis("momentum", 0.0, 0.9, False),
        budget=25,
        kind="grid",
        steps=30,
        f_star=0.0,
    )
    assert any("upper edge" in w and "lr" in w for w in res.edge)
    rnd = lessons.search(
        scape,
        "momentum",
        lessons.Axis("lr", 1e-6, 10.0, True),
        lessons.Axis("momentum", 0.0, 0.9, False),
        budget=50,
        kind="random",
        seed=1,
        steps=30,
        f_star=0.0,
    )
    assert (
        len(np.unique(rnd.x)) == 50
    )  # random search tries 50 distinct learning rates, a 7x7 grid only 7


def test_random_search_figure_marks_diverged_runs_apart():
    scape = landscapes.get("rosenbrock")
    res = lessons.search(
        scape,
        "momentum",
        lessons.Axis("lr", 1e-6, 10.0, True),
        lessons.Axis("momentum", 0.0, 0.99, False),
        budget=60,
        kind="random",
        seed=0,
        steps=100,
    )
    z = np.log10(np.maximum(res.loss, 1e-16))
    n_bad = int(np.isnan(res.loss).sum())
    assert 0 < n_bad < 60
    fig = viz.heatmap_figure(
        [1e-6, 10.0],
        [0.0, 0.99],
        np.full((2, 2), np.nan),
        xlabel="lr",
        ylabel="momentum",
        title="t",
        zlabel="z",
        log_x=True,
        points=(res.x, res.y, z),
    )
    runs, bad = (next(t for t in fig.data if t.name == name) for name in ("run", "diverged"))
    assert len(bad.x) == n_bad and len(runs.x) == 60 - n_bad
    assert (
        np.isfinite(np.asarray(runs.marker.color)).all() and runs.marker.showscale
    )  # the empty map leaves the colour bar to the runs
    assert not fig.data[0].showscale


def test_hps_page_edge_warning_is_visible():
    at = app("app_pages/4_Hyperparameter_search.py").run()
    at.slider(key="hps:lr_range").set_value((-8.0, -6.0)).run()
    assert not at.exception
    assert any("edge" in w.value for w in at.warning)


def test_ewa_matches_weighted_sum():
    x = lessons.temperature_series(30, seed=0)
    beta = 0.9
    got = lessons.ewa(x, beta, bias_correction=True)
    for t in (0, 5, 29):
        w = (1 - beta) * beta ** np.arange(t, -1, -1)
        assert got[t] == pytest.approx(np.dot(w, x[: t + 1]) / w.sum())
    raw = lessons.ewa(x, beta, bias_correction=False)
    assert raw[0] == pytest.approx(0.1 * x[0])


def test_polyak_average_of_noisy_sgd_is_closer():
    scape = landscapes.get("quadratic", kappa=5.0)
    tr = engine.run(scape, "sgd", steps=600, lr=0.05, noise_std=2.0, seed=0)
    avg = lessons.polyak_average(tr.points[200:])
    assert np.linalg.norm(avg[-1]) < 0.5 * np.linalg.norm(tr.points[200:], axis=1).mean()


@pytest.mark.parametrize("surface", ["quadratic", "ravine", "himmelblau", "booth"])
def test_averaging_page_numbers_support_its_claim(surface):
    """The page says the averages sit closer than the rattling iterates: its own numbers (five
    seeds, last 100 steps) must show it with the default settings."""
    at = app("app_pages/5_Averaging.py").run()
    at.selectbox(key="avg:surface").set_value(surface).run()
    assert not at.exception
    line = next(m.value for m in at.markdown if m.value.startswith("Mean distance to the minimum"))
    sgd, ema, polyak = (
        float(v) for v in re.findall(r"\*\* ([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)", line)
    )
    assert polyak < sgd and ema < sgd


def test_basins_match_direct_runs():
    scape = landscapes.get("himmelblau")
    bm = lessons.basins(scape, "sgd", n=12, steps=300, lr=0.01)
    assert sum(bm.counts.values()) == 144 and bm.counts["diverged"] == 0
    assert len({int(v) for v in bm.label.ravel() if v >= 0}) == 4
    mins = np.array([m.xy for m in scape.minima])
    for j, i in ((0, 0), (5, 7), (11, 3)):
        tr = engine.run(scape, "sgd", start=(bm.xs[i], bm.ys[j]), steps=300, lr=0.01)
        assert bm.label[j, i] == int(np.linalg.norm(mins - tr.points[-1], axis=1).argmin())


def test_basins_page_compares_two_optimizers():
    at = app("app_pages/7_Basins.py").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert sum("minimum 1" in c for c in captions) == 2


def test_hps_page_banner_when_most_runs_diverge():
    at = app("app_pages/4_Hyperparameter_search.py").run()
    assert not at.exception
    assert not any(
        "diverged:" in w.value for w in at.warning
    )  # the default range: a minority diverges
    at.select_slider(key="hps:budget").set_value(16).run()
    at.slider(key="hps:lr_range").set_value((0.0, 2.0)).run()
    assert not at.exception
    banners = [w.value for w in at.warning if "diverged:" in w.value]
    assert any(b.startswith("All 16 grid-search runs diverged") for b in banners)
    assert any("random-search runs diverged" in b for b in banners)


def test_basins_page_banner_when_most_starts_diverge():
    at = app("app_pages/7_Basins.py").run()
    assert not at.exception and not any("diverged:" in w.value for w in at.warning)
    at.select_slider(key="basin:n").set_value(50).run()
    at.select_slider(key="basin:lr0:sgd").set_value(0.0367).run()
    assert not at.exception
    bm = lessons.basins(landscapes.get("himmelblau"), "sgd", n=50, steps=300, lr=0.0367)
    n_div = bm.counts["diverged"]
    assert 1250 < n_div < 2500
    banners = [w.value for w in at.warning if "diverged:" in w.value]
    assert banners == [
        f"{n_div} of 2500 runs diverged: the picture mostly shows blow-ups, not the optimizer "
        "at work. "
        "Black pixels are diverged runs: lower the learning rate."
    ]


def test_schedules_race_caption_reads_its_own_runs():
    at = app("app_pages/3_Schedules.py").run()
    assert not at.exception
    (cap,) = [c.value for c in at.caption if c.value.startswith("Lowest final loss in this race")]
    scn = next(p for p in scenarios.PRESETS if p.slug == "schedules-step-cosine-warmup").scenario
    if "Constant" in cap.split("**")[1]:
        assert (
            "noise sigma 2" in cap and scn.noise_std == 2.0
        )  # the preset the caption points to has that noise


def _ys(trace) -> np.ndarray:
    y = trace["y"]
    return np.frombuffer(base64.b64decode(y["bdata"]), y["dtype"]) if isinstance(y, dict) else y


@pytest.mark.parametrize("kind", ["stages"])  # ("linear" too passes: 7 s more, left out)
def test_schedules_page_draws_the_momentum_schedule_the_engine_ran(kind):
    """The chosen momentum schedule is drawn next to the learning rates: beta(t) equals the
    engine's own schedule function (the notes' stages, or the ramp over a quarter of the
    steps), step by step."""
    from engine import _core

    at = app("app_pages/3_Schedules.py").run()
    at.radio(key="sched:momentum").set_value(kind).run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (mom,) = [
        s for s in specs if (s["layout"].get("title") or {}).get("text") == "momentum (mu) used"
    ]
    steps = at.slider(key="sched:steps").value
    t = np.arange(steps)
    if kind == "stages":
        want = _core.momentum_stages(_core.NOTES_MOMENTA, steps)(t)
    else:
        target = optimizers.get("momentum").defaults()["momentum"]
        want = _core.momentum_ramp(target, steps // 4)(t)
    (trace,) = mom["data"]
    np.testing.assert_allclose(_ys(trace), np.asarray(want), rtol=0, atol=1e-12)
    assert len(np.unique(_ys(trace))) > 2  # a schedule, not the constant
