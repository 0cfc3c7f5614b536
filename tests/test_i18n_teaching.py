"""The teaching pages (Schedules, Hyperparameter search, Averaging, Quadratic theory, Basins) in
Chinese: every label, caption, text and chart title is the catalog's Chinese, no English prose is
left, and the sentences that state results carry the page's own computed numbers."""

from __future__ import annotations

import ast
import base64
import functools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import i18n
import landscapes
import lessons
import optimizers
import scenarios

ROOT = Path(__file__).resolve().parent.parent
ZH = i18n.gettext_for("zh")
# page: (its file, a light link so the five pages run in a few seconds)
PAGES = {
    "sched": ("app_pages/3_Schedules.py", {"sched:steps": "50"}),
    "hps": ("app_pages/4_Hyperparameter_search.py", {"hps:budget": "16", "hps:steps": "50"}),
    "avg": ("app_pages/5_Averaging.py", {}),
    "quad": ("app_pages/6_Quadratic_theory.py", {"quad:kappa": "10"}),
    "basin": ("app_pages/7_Basins.py", {"basin:n": "50", "basin:steps": "100"}),
}
MINE = {  # the files whose shown text these pages' owner translates
    *(f for f, _ in PAGES.values()),
    "ui/_select.py",
    "ui/_cached.py",
    "lessons/_analysis.py",
}

# --- what counts as English prose ----------------------------------------------------------------
# math, code and markup: $...$, `...`, LaTeX commands, Streamlit's :icons: and :color[...], and
# `name = value` pairs (parameter names such as momentum, b1, decay are kept as they are)
NOT_PROSE = re.compile(
    r"\$[^$]*\$|`[^`]*`|\\[A-Za-z]+|:[a-z_]+(?:\[|:)|\b[A-Za-z_][A-Za-z_0-9]* ?= ?[-+0-9.e]+"
)
WORD = re.compile(r"[A-Za-z]{3,}")
KEEP = {  # parameter and Greek names, math functions, and proper names (optimizers, people)
    *"alpha beta beta1 kappa sigma rho mu lambda eta lr log log10 sqrt exp argmin".split(),
    *"SGD Adam RMSprop AdaGrad Nesterov Newton Polyak Ruppert Goh Distill".split(),
    *"Rosenbrock Himmelblau Beale Booth Rastrigin".split(),
}
NAMES = ("One-cycle",)  # a method's own name, kept by the registry's catalog
# bibliographic references (authors, titles, venues) shown next to the schedules' formulas
REFERENCES = sorted((s.reference for s in optimizers.SCHEDULES if s.reference), key=len)


def english(text: str) -> list[str]:
    """The English words of ``text`` that are prose (not math, code, names or references)."""
    for ref in reversed(REFERENCES):
        text = text.replace(ref, " ")
    for name in NAMES:
        text = text.replace(name, " ")
    words = WORD.findall(NOT_PROSE.sub(" ", text))
    return [w for w in words if w not in KEEP and not w.isupper()]  # (acronyms: SGD, SGDR)


def test_the_prose_check_finds_english_and_spares_math_and_names():
    assert english("学习率 **Step decay**") == ["Step", "decay"]
    assert english("损失差 f - f*，$\\alpha L < 2 + 2\\beta$，`lr = 10 ** uniform(a, b)`") == []
    assert english("最佳点在 lr = 6.81e-05，momentum = 0.99；Nesterov 与 Adam") == []
    assert english("Distinct learning rates tried") == ["Distinct", "learning", "rates", "tried"]
    assert english("“余弦” — " + REFERENCES[0]) == []


def _literals(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and english(node.value):
            out.add(node.value)
    return out


@functools.cache
def pending() -> list[str]:
    """English text that other files show on these pages and translate in their own catalogs
    (registry names, the shared widgets' words): until those are in, a leftover made only of them
    is expected, and the test says which."""
    names = [
        *optimizers.titles().values(),
        *landscapes.titles().values(),
        *(s.title for s in optimizers.SCHEDULES),
        *(p.title for p in scenarios.PRESETS),
    ]
    shared = set()
    for folder in ("ui", "viz"):
        for path in (ROOT / folder).glob("*.py"):
            if path.relative_to(ROOT).as_posix() not in MINE:
                shared |= {s for s in _literals(path) if " " in s.strip()}  # phrases, not words
    have = i18n.catalog("zh")
    return sorted({s for s in [*names, *shared] if s not in have and english(s)}, key=len)[::-1]


def shown_texts(at: AppTest) -> list[tuple[str, str]]:
    """``(where, text)`` for every text the page shows a reader, chart titles included."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info"):
        out += [(kind, e.value) for e in at.get(kind)]
    out += [("expander", e.label) for e in at.get("expander")]
    out += [("metric", e.label) for e in at.get("metric")]
    for kind in ("selectbox", "slider", "select_slider", "number_input", "toggle", "radio"):
        for e in at.get(kind):
            out.append((f"{kind} {e.key}", e.label))
            if e.help:
                out.append((f"{kind} {e.key} help", e.help))
    for e in at.get("multiselect") + at.get("button"):
        out.append((f"{e.type} {e.key}", e.label))
    for e in at.get("selectbox"):  # the options' labels: registry names
        out += [(f"option of {e.key}", o) for o in e.options]
    for df in at.dataframe:
        out += [("table header", str(c)) for c in df.value.columns]
        out += [("table cell", str(v)) for v in df.value.to_numpy().ravel()]
    for i, spec in enumerate(_specs(at)):
        title = (spec["layout"].get("title") or {}).get("text")
        out += [(f"chart {i} title", title)] if title else []
    return out


def _array(v) -> np.ndarray:
    """A trace's values as Plotly's JSON holds them (a list, or a base64 typed array)."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=float)


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def run_page(page: str, lang: str = "zh", **query) -> AppTest:
    file, light = PAGES[page]
    at = AppTest.from_file(str(ROOT / file), default_timeout=300)
    at.session_state["lang"] = lang
    at.query_params.update({**light, **query})
    at.run()
    assert not at.exception, at.exception
    return at


def assert_no_english(at: AppTest) -> None:
    left = [(w, t, english(t)) for w, t in shown_texts(at) if english(t)]
    if not left:
        return
    mine, theirs = [], set()
    for where, text, _ in left:
        for ref in REFERENCES[::-1]:
            text = text.replace(ref, " ")
        for s in pending():
            found = re.compile(rf"(?<![A-Za-z]){re.escape(s)}(?![A-Za-z])")
            if found.search(text):
                theirs.add(s)
                text = found.sub(" ", text)
        if english(text):
            mine.append((where, text))
    assert not mine, f"English left on the zh page: {mine}"
    pytest.xfail(  # strict again as soon as the other catalogs translate these
        f"only other files' untranslated text is left: {'; '.join(sorted(theirs))}"
    )


def _caption(at, template: str) -> str:
    """The caption that starts as the zh ``template`` does (up to its first placeholder)."""
    head = ZH(template).split("{")[0]
    (found,) = [c.value for c in at.caption if c.value.startswith(head)]
    return found


@pytest.fixture(scope="module")
def pages() -> dict[str, AppTest]:
    return {page: run_page(page) for page in PAGES}


def test_schedules_page_in_chinese(pages):
    at = pages["sched"]
    assert at.title[0].value == ZH("Learning-rate schedules") != "Learning-rate schedules"
    assert at.slider(key="sched:steps").label == ZH("steps shown")
    assert at.select_slider(key="sched:lr:rosenbrock:momentum").label == ZH("base learning rate")
    assert at.multiselect(key="sched:picked").label == ZH("schedules")
    specs = _specs(at)
    assert [(s["layout"].get("title") or {}).get("text") for s in specs[1:]] == [
        ZH("loss gap f - f*"),
        ZH("learning rate used"),
        ZH("momentum ({name}) used").format(name="mu"),
    ]
    # the race's claim in Chinese names the schedule whose loss-gap curve ends lowest
    cap = _caption(at, "Lowest final loss in this race: **{best}** ({loss}). {why}")
    ends = {t["name"]: _array(t["y"])[-1] for t in specs[1]["data"]}
    lowest = min(ends, key=ends.get)
    assert cap.split("**")[1] == lowest
    titles = {s.name: ZH(s.title) for s in optimizers.SCHEDULES}
    if lowest == titles["constant"]:
        preset = scenarios.get_preset("schedules-step-cosine-warmup")
        assert ZH(preset.title) in cap and f"sigma {preset.scenario.noise_std:g}" in cap
    else:
        assert cap.endswith(ZH("A decaying rate takes shorter late steps."))
    assert_no_english(at)


def test_hyperparameter_search_page_in_chinese(pages):
    at = pages["hps"]
    assert at.title[0].value == ZH("Grid search vs random search")
    assert at.select_slider(key="hps:budget").label == ZH("budget (runs)")
    assert at.radio(key="hps:stages").label.startswith("阶段")
    assert [m.label for m in at.metric] == [
        ZH("best of the grid: f - f*"),
        ZH("best of random search: f - f*"),
    ]
    said = ZH(
        "Distinct learning rates tried: the grid tests only {n} values (the square root of the "
        "budget), random search tests all {budget}."
    )
    assert _caption(at, said) == said.format(n=4, budget=16)
    titles = [(s["layout"].get("title") or {}).get("text") for s in _specs(at)]
    assert titles == [ZH("grid search"), ZH("random search")]
    assert_no_english(at)


def test_edge_warning_in_chinese_says_what_the_english_one_says():
    ax, ay = lessons.Axis("lr", 1e-8, 1e-6, True), lessons.Axis("momentum", 0.0, 0.99, False)
    best = (1e-6, 0.5, 1.0)
    (en,) = lessons.edge_warnings(ax, ay, best)
    (zh,) = lessons.edge_warnings(ax, ay, best, lang="zh")
    assert "upper edge" in en and "上边缘" in zh
    nums = re.compile(r"[0-9][0-9.e-]*")
    assert nums.findall(en) == nums.findall(zh) and not english(zh)


def test_averaging_page_in_chinese(pages):
    at = pages["avg"]
    assert [h.value for h in at.header] == [
        ZH("1. The exponentially weighted average"),
        ZH("2. Averaging the iterates of noisy SGD"),
        ZH("3. A small ensemble"),
    ]
    assert at.slider(key="avg:burn").help == ZH(
        "Averaging from step 0 drags in the far-away start; too late leaves few iterates to "
        "average."
    )
    # the claim (averages closer than the rattling iterates), read off the Chinese sentence
    head = ZH(
        "Mean distance to the minimum over the last 100 steps, five noise seeds: {values}. The "
        "map and curves show seed 0."
    )
    line = next(m.value for m in at.markdown if m.value.startswith(head.split("{")[0]))
    sgd, ema, polyak = (float(v) for v in re.findall(r"\*\* ([0-9.e+-]+)", line))
    assert polyak < sgd and ema < sgd
    assert line.split("**")[1] == ZH("SGD iterates")
    assert_no_english(at)


def test_quadratic_page_in_chinese(pages):
    at = pages["quad"]
    assert at.button(key="quad:optimal").label == ZH("Set optimal alpha, beta")
    assert at.select_slider(key="quad:kappa").label == ZH("condition number kappa")
    rows = at.dataframe[0].value
    assert list(rows.columns) == [
        ZH("method"),
        "alpha",
        "beta",
        ZH("predicted rate"),
        ZH("measured rate"),
        ZH("steps to 1e-6"),
    ]
    assert list(rows[ZH("method")]) == [ZH("Gradient descent"), ZH("Heavy ball"), "Nesterov"]
    sk = math.sqrt(10)  # the rates are still the closed forms at the optimal tuning
    assert float(rows[ZH("predicted rate")][1]) == pytest.approx((sk - 1) / (sk + 1), abs=2e-5)
    acc = lessons.acceleration(10.0)
    said = acc.sentence("zh")
    assert any(m.value == said for m in at.markdown)
    assert all(f"{v:.4f}" in said for v in (acc.heavy_ball, acc.nesterov, acc.nesterov_best))
    assert_no_english(at)


def test_basins_page_in_chinese(pages):
    at = pages["basin"]
    assert at.title[0].value == ZH("Basins of attraction")
    assert at.select_slider(key="basin:n").label == ZH("grid of starts")
    for cap in [c.value for c in at.caption]:  # every start counted once, in Chinese words
        parts = [p.rsplit(": ", 1) for p in cap.split(" · ")]
        assert ZH("minimum {i}").format(i=1) in cap
        assert sum(float(v.rstrip("%")) for _, v in parts) == pytest.approx(100, abs=len(parts))
    assert_no_english(at)


def test_a_choice_keeps_the_option_name_in_the_link_in_either_language():
    at = run_page("avg", "en", **{"avg:surface": "ravine"})
    box = at.selectbox(key="avg:surface")
    assert box.value == "ravine" and not at.warning  # the English link opened as it says
    box.set_value("booth").run()
    assert at.query_params["avg:surface"] == "booth"
    at.session_state["lang"] = "zh"  # the language switch: same choice, Chinese labels
    at.run()
    box = at.selectbox(key="avg:surface")
    assert box.value == "booth" and box.label == ZH("surface")
    assert ZH(landscapes.titles()["booth"]) in box.options
    assert at.query_params["avg:surface"] == "booth"  # the link does not change
    at.session_state["lang"] = "en"  # (AppTest sets a value through English labels)
    at.run().selectbox(key="avg:surface").set_value("quadratic").run()
    assert "avg:surface" not in at.query_params  # the default is left out of the link


def test_basins_divergence_banner_in_chinese_counts_the_diverged_starts():
    at = run_page("basin", **{"basin:lr0:sgd": "0.0367"})
    bm = lessons.basins(landscapes.get("himmelblau"), "sgd", n=50, steps=100, lr=0.0367)
    n_div = bm.counts["diverged"]
    assert 1250 < n_div < 2500  # most starts diverge: the banner is due
    (banner,) = [w.value for w in at.warning]
    assert ZH("Black pixels are diverged runs: lower the learning rate") in banner
    assert ZH("runs") in banner and "2500" in banner and f" {n_div} " in banner
    assert not english(banner)
