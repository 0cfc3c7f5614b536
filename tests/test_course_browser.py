"""The Course in a real browser and in exports: a zh PNG export draws real glyphs (not boxes),
the class pack opens in chromium with networking off and every figure draws, and the lesson
pages sit in the app's navigation in Chinese."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

import i18n
import lessons
import viz
from tests.browser import ROOT, have_chromium, wait_for_plots

pytestmark = pytest.mark.skipif(not have_chromium(), reason="needs /usr/bin/chromium")
ART = os.path.join(ROOT, "artifacts")
CHARS = "动量学习率鞍点偏差修正"


def glyph_cells(chars: str = CHARS, cell: int = 60) -> list[np.ndarray]:
    """``chars`` exported as a PNG through kaleido, one character per ``cell``-wide column, as
    black-and-white arrays."""
    fig = go.Figure()
    n = len(chars)
    fig.update_layout(width=cell * n, height=cell + 50, margin=dict(l=0, r=0, t=0, b=0),
                      xaxis=dict(visible=False, range=[0, n]),
                      yaxis=dict(visible=False, range=[0, 1]))  # fmt: skip
    for i, ch in enumerate(chars):
        fig.add_annotation(x=i + 0.5, y=0.5, text=ch, showarrow=False,
                           font=dict(size=40, color="black"))  # fmt: skip
    png = viz.to_image(fig, "png", width=cell * n, height=cell + 50, scale=1)
    a = np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 128
    return [a[:, i * cell : (i + 1) * cell] for i in range(n)]


def test_zh_png_export_draws_distinct_glyphs_not_boxes():
    """Without a CJK font every character is the same empty box (checked by hand with a
    fontconfig that lists only DejaVu: 11 identical cells); with it, 11 distinct shapes."""
    cells = glyph_cells()
    assert all(c.sum() > 150 for c in cells)  # every character has ink
    assert len({c.tobytes() for c in cells}) == len(CHARS)
    # and a lesson's own figure exports with its zh title
    zh = i18n.gettext_for("zh")
    from lessons import _figures

    fig = _figures.temperature_figure(zh)
    assert fig.layout.title.text == "指数加权平均，beta = 0.8"
    png = viz.to_image(fig, "png", width=900, height=340)
    os.makedirs(ART, exist_ok=True)
    with open(os.path.join(ART, "course_zh_export.png"), "wb") as fh:
        fh.write(png)


def _drawn_pixels(page, el, want: int = 500, tries: int = 40) -> int:
    """Coloured (non-grey) pixels of the element's screenshot, polled until ``want`` (plotly
    draws asynchronously)."""
    n = 0
    for _ in range(tries):
        img = np.asarray(Image.open(io.BytesIO(el.screenshot())).convert("RGB")).astype(int)
        n = int((np.abs(img - img.mean(axis=2, keepdims=True)).max(axis=2) > 40).sum())
        if n >= want:
            break
        page.wait_for_timeout(250)
    return n


def test_class_pack_opens_offline_and_every_figure_draws(ctx, tmp_path):
    data = lessons.class_pack(("temperature", "batch-size", "clipping"), lang="zh")
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    requests: list[str] = []
    page = ctx.new_page()
    ctx.set_offline(True)
    try:
        page.on("request", lambda r: requests.append(r.url))
        page.goto((tmp_path / "index.html").as_uri())
        page.wait_for_function("window.Plotly && document.querySelectorAll('.main-svg').length")
        plots = page.locator(".js-plotly-plot")
        n = sum(len(lessons.lesson(s).figures) for s in ("temperature", "batch-size", "clipping"))
        assert plots.count() == n
        for i in range(n):
            el = plots.nth(i)
            el.scroll_into_view_if_needed()
            assert el.locator(".main-svg").count() >= 1
            assert _drawn_pixels(page, el) > 500, f"figure {i} drew nothing"
        assert "指数加权平均" in page.inner_text("body")
        page.locator("summary").first.click()
        assert page.locator("details").first.get_attribute("open") is not None
        page.screenshot(path=os.path.join(ART, "course_pack_offline.png"))
        assert all(u.startswith("file://") or u.startswith("data:") for u in requests), requests
    finally:
        ctx.set_offline(False)
        page.close()


def test_lesson_page_in_chinese_from_the_navigation(server, ctx):
    page = ctx.new_page()
    try:
        page.goto(f"{server}/lesson-temperature?lang=zh")
        page.wait_for_selector("text=先预测，再运行", timeout=120_000)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "课程" in nav and "1. 普通 SGD 的困难" in nav and "首页" in nav and "探索" in nav
        assert page.locator("h1").first.inner_text().startswith("9. 加权平均温度的例子")
        page.get_by_text("它的五分之一").click()
        page.get_by_role("button", name="运行并揭晓").click()
        wait_for_plots(page, 1)
        page.wait_for_selector("text=正确", timeout=60_000)
        el = page.locator(".js-plotly-plot").first
        assert _drawn_pixels(page, el) > 500
        assert "lang=zh" in page.url
        page.screenshot(path=os.path.join(ART, "course_lesson_zh.png"), full_page=True)
        page.get_by_text("English", exact=True).click()
        page.wait_for_selector("text=Predict, then run", timeout=60_000)
        assert "lang=zh" not in page.url
    finally:
        page.close()
