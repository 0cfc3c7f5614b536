"""The registries in Chinese: every optimizer, schedule and surface name, description and
parameter label, every preset's title and explanation and every claim sentence has a zh
translation; link warnings and formula errors are written in the page's language; the figure
builders and exports draw Chinese words, and a zh PNG export draws real glyphs (compared with
the same export where no CJK font is installed: boxes)."""

from __future__ import annotations

import functools
import io
import json
import os
import pathlib
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import i18n
import landscapes
import lessons
import optimizers
import scenarios
import viz
from scenarios._params import STEPS, Message

ROOT = pathlib.Path(__file__).resolve().parent.parent
ART = ROOT / "artifacts"
ZH = i18n.gettext_for("zh")
CJK = re.compile(r"[\u4e00-\u9fff]")
CATALOG = i18n.catalog("zh")


def _translated(text: str) -> bool:
    return bool(text) and text in CATALOG and CATALOG[text] != ""


def test_every_registry_name_description_and_label_is_marked_and_translated():
    """The registries' own rows (not only the marked strings the generic test reads): a new row
    without ``N_`` or without its translation fails here."""
    texts = []
    for o in optimizers.OPTIMIZERS:
        texts += [o.title, o.description, o.lr.label]
        texts += [h.label for h in o.hyperparams.values() if re.search(r"[a-z]{3,} ", h.label)]
    for s in optimizers.SCHEDULES:
        texts.append(s.title)
        texts += [a.label for a in s.args.values() if re.search(r"[a-z]{3,}", a.label)]
    for d in landscapes.SURFACES:
        texts += [d.title, d.description]
        texts += [p.label for p in d.params.values() if re.search(r"[a-z]{3,} ", p.label)]
    for e in optimizers.ERRATA:
        texts += [e.topic, e.notes_say_en, e.right, e.where]
    missing = [t for t in texts if not _translated(t)]
    assert missing == []
    assert ZH("Momentum (heavy ball)") == "动量（重球）" and ZH("Saddle") == "鞍点"
    assert "学习率" in ZH(optimizers.get("sgd").lr.label)


def test_every_preset_title_explanation_and_claim_sentence_has_chinese():
    """Titles and explanations are in the catalog; each claim's sentence in zh is Chinese prose
    around the optimizers' labels and the numbers: no English word is left."""
    labels = re.compile(r"\b(lr|SGD|Adam\w*|RMSprop|AdaGrad|Nesterov|Momentum|SAM|ADOPT|QHM|"
                        r"RAdam|Lookahead|Prodigy|Schedule-Free|AMSGrad|NAdam|Lion|signSGD|"
                        r"Adadelta|Adamax|AdEMAMix|mu|nu|beta\d?|alpha|rho|d0|z|x|y|f|λ\w*|"
                        r"e[+-]\d+)\b")  # fmt: skip
    english = re.compile(r"[A-Za-z]{3,}")
    lesson_claims = [(les.claims, les.scenario()) for les in lessons.course() if les.claims]
    sets = [(p.claims, p.scenario) for p in scenarios.PRESETS] + lesson_claims
    for p in scenarios.PRESETS:
        assert _translated(p.title) and _translated(p.explanation), p.slug
        assert CJK.search(ZH(p.explanation)), p.slug
    n = 0
    for claims, scn in sets:
        for c in claims:
            zh, en = c.sentence(scn, "zh"), c.sentence(scn)
            assert zh != en and CJK.search(zh), en
            for o in scn.optimizers:
                zh = zh.replace(o.label_in("zh"), "")
            left = english.findall(labels.sub(" ", zh))
            assert left == [], (en, zh)
            n += 1
    assert n > 100
    # the English sentences are the ones the tests of the presets check (unchanged wording)
    p = scenarios.get_preset("momentum-vs-nesterov-saddle")
    assert p.claims[1].sentence(p.scenario) == (
        "Momentum (heavy ball), lr 0.05 escapes the saddle sooner than SGD, lr 0.05."
    )
    assert (
        p.claims[1].sentence(p.scenario, "zh")
        == "动量（重球），lr 0.05 比 SGD，lr 0.05 更早逃离鞍点。"
    )


def test_claims_evidence_in_chinese_on_real_runs():
    """``check(..., lang="zh")`` writes the sentence and its measured evidence in Chinese, with
    the same verdicts and numbers as in English."""
    _, scn, _, _ = _saddle_zh()  # (the runs the figure tests use: compiled once)
    C = scenarios.Claim
    claims = (C("reversals", "momentum", lo=1), C("ends_lower", "momentum", "sgd"),
              C("no_divergence", "sgd"), C("ends_lower", "momentum", "sgd",
                                           variant=(("steps", 20),)))  # fmt: skip
    en = scenarios._claims.check(claims, scn)
    zh = scenarios._claims.check(claims, scn, lang="zh")
    assert [h for _, h, _ in en] == [h for _, h, _ in zh]
    num = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")
    for (_, _, ee), (sz, _, ez) in zip(en, zh, strict=True):
        assert CJK.search(sz) and CJK.search(ez), (sz, ez)
        assert num.findall(ee) == num.findall(ez), (ee, ez)
    assert zh[3][0].startswith("若步数为 20：")
    assert "final loss" in en[1][2] and "最终损失" in zh[1][2]


def test_link_warnings_and_formula_errors_in_the_pages_language():
    warn: list[str] = []
    STEPS.clamp("steps", 5000, warn)
    STEPS.clamp("steps", "{x}", warn)
    assert warn == ["steps: 5000 is outside [10, 2000]; using 2000",
                    "steps: `{x}` is not a number; using 200"]  # fmt: skip
    assert warn[0].in_lang("zh") == "steps：5000 超出了 [10, 2000]；改用 2000"
    assert warn[1].in_lang("zh") == "steps：`{x}` 不是数字；改用 200"
    back = pickle.loads(pickle.dumps(warn[1]))  # noqa: S301  (Streamlit's caches pickle them)
    assert isinstance(back, Message) and back == warn[1] and back.in_lang("zh") == warn[1].in_lang(
        "zh")  # fmt: skip
    with pytest.raises(landscapes.ExpressionError) as e:
        landscapes.parse("x + foo(y)")
    assert e.value.message.startswith("unknown function 'foo'; allowed: ")
    assert e.value.message_in("zh").startswith("未知函数 'foo'；允许的函数：")
    assert "position 5" in str(e.value)
    with pytest.raises(landscapes.ExpressionError) as e:
        landscapes.parse("x" * 500)
    assert e.value.message_in("zh") == "公式太长（500 个字符；上限是 400）"


@functools.cache
def _saddle_zh():
    scape = landscapes.get("saddle")
    scn = scenarios.Scenario(surface="saddle", steps=30, optimizers=(
        scenarios.OptimizerConfig.make("sgd", 0.05),
        scenarios.OptimizerConfig.make("momentum", 0.05, momentum=0.9)))  # fmt: skip
    trajs = scn.run()
    paths = viz.paths_from(trajs, [o.label_in("zh") for o in scn.optimizers])
    return scape, scn, trajs, paths


def test_figures_words_in_chinese():
    scape, scn, trajs, paths = _saddle_zh()
    grid = scape.grid(30)
    fig = viz.landscape_figure(scape, grid, paths, title=scape.title, lang="zh")
    assert fig.layout.title.text == "鞍点"
    names = [t.name for t in fig.data]
    assert "极小值" in names and "鞍点" in names and "动量（重球），lr 0.05" in names
    assert ZH("step") in fig.data[3].hovertemplate and CJK.search(ZH("step"))
    en = viz.landscape_figure(scape, grid, paths, title=scape.title)
    assert en.layout.title.text == "Saddle" and "minima" in [t.name for t in en.data]
    curves = viz.curves_figure([viz.Series("a", np.arange(3), np.ones(3), "#000")],
                               title="final loss", ylabel="f - f*", lang="zh")  # fmt: skip
    assert curves.layout.title.text == "最终损失" and curves.layout.xaxis.title.text == ZH("step")
    row = viz.summarize(scape, trajs[0], paths[0].label, lang="zh").row("zh")
    assert list(row)[:2] == ["优化器", "最终损失"] and "逃离鞍点" in row
    assert viz.summarize(scape, trajs[0], "x").row() == viz.summarize(scape, trajs[0], "x").row(
        "en")  # fmt: skip
    h = viz.heatmap_figure([1, 2], [1, 2], np.ones((2, 2)), xlabel="learning rate", ylabel="y",
                           title="best", zlabel="final loss", best=(1, 1), lang="zh")  # fmt: skip
    assert h.layout.title.text == "最佳" and h.data[0].colorbar.title.text == "最终损失"
    rep = viz.scenario_replay(scn, trajs, [p.label for p in paths], grid, title="Saddle",
                              lang="zh")  # fmt: skip
    assert (
        rep["title"] == "鞍点" and rep["arrow_styles"]["step"]["label"] == "实际走的一步（按比例）"
    )


def _cells(png: bytes, box: tuple[int, int, int, int]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L").crop(box)) < 128


RENDER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import plotly.io as pio
import viz
fig = pio.from_json(open(sys.argv[2]).read(), skip_invalid=True)
png = viz.to_image(fig, "png", width=640, height=400)
open(sys.argv[3], "wb").write(png)
"""


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs chromium")
def test_zh_exports_draw_chinese_glyphs_not_boxes(tmp_path):
    """A zh slide of a map exports with its Chinese title, legend and colour-bar words: in the SVG
    and the HTML as text, in the PNG as glyphs. The same PNG rendered where fontconfig knows no CJK
    font (DejaVu only) draws the title as identical boxes, and differs from ours."""
    scape, _, _, paths = _saddle_zh()
    title = "最终损失：鞍点"  # words the figure builders translate, distinct characters
    fig = viz.landscape_figure(scape, scape.grid(40), paths[:1], title="Saddle", lang="zh")
    fig.update_layout(title_text=title)
    slide = viz.slide_figure(fig, width=640, height=400, text_scale=1.5)
    svg = viz.to_image(slide, "svg", width=640, height=400).decode()
    assert title in svg and "极小值" in svg and "SGD，lr 0.05" in svg
    html = viz.to_html(fig)
    assert json.dumps(title)[1:-1] in html or title in html
    png = viz.to_image(slide, "png", width=640, height=400)
    ART.mkdir(exist_ok=True)
    (ART / "registry_zh_export.png").write_bytes(png)
    # the title's characters: one cell each (CJK glyphs are square, one font size wide)
    fs = round(13 * 1.5 * 1.2)
    x0, y0 = 6, 2  # the title's start (x = 0.01 of 640 px) and top
    box = (0, 0, 640, y0 + 2 * fs)
    ours = _cells(png, box)

    def glyphs(a: np.ndarray) -> list[bytes]:
        cols = np.nonzero(a.any(axis=0))[0]
        start = cols.min() if cols.size else x0
        return [a[:, start + i * fs : start + (i + 1) * fs].tobytes() for i in range(len(title))]

    g = glyphs(ours)
    assert ours.sum() > 300 and len(set(g)) >= len(set(title)) - 1
    # the same slide where no CJK font exists
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path}/fc</cachedir>"
        "</fontconfig>"
    )
    (tmp_path / "fig.json").write_text(slide.to_json())
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    out = tmp_path / "boxes.png"
    subprocess.run([sys.executable, "-c", RENDER, str(ROOT), str(tmp_path / "fig.json"), str(out)],
                   env=env, check=True, timeout=120, capture_output=True)  # fmt: skip
    boxes = _cells(out.read_bytes(), box)
    (ART / "registry_zh_export_no_cjk_font.png").write_bytes(out.read_bytes())
    assert (boxes ^ ours).sum() > 200  # the boxes are not our glyphs
    assert len(set(glyphs(boxes))) < len(set(g))  # ... and fewer distinct shapes (boxes repeat)


def test_gif_frames_use_a_cjk_font():
    """The animations draw their words with Pillow: in zh with Noto Sans CJK (distinct glyphs),
    where DejaVu Sans would draw the same box for every character."""
    from viz import _export

    if not os.path.exists(_export._FONT_CJK[0]):
        pytest.skip("no CJK font installed")

    def cells(font):
        out = []
        for ch in "步长鞍点":
            im = Image.new("L", (40, 40), 255)
            from PIL import ImageDraw

            ImageDraw.Draw(im).text((4, 4), ch, font=font, fill=0)
            out.append((np.asarray(im) < 128).tobytes())
        return out

    zh, en = cells(_export._font(28, "zh")), cells(_export._font(28, "en"))
    assert len(set(zh)) == 4 and len(set(en)) == 1
