"""Explore in Chinese in a real browser: a shared ``/Compare?preset=...&lang=zh`` link opens in
Chinese in a fresh browser (the page's labels and the map's own buttons), and ``lang=zh`` stays in
the URL after a switch to Playground through the sidebar; switching to English keeps the
scenario."""

from __future__ import annotations

import os
import re

import pytest

import i18n
from tests.browser import ROOT, have_chromium, player_frame

pytestmark = pytest.mark.skipif(not have_chromium(), reason="needs /usr/bin/chromium")
ART = os.path.join(ROOT, "artifacts")
zh = i18n.gettext_for("zh")
LABELS = '() => [...document.querySelectorAll("[data-testid=stWidgetLabel]")].map(e => e.innerText)'
BUTTONS = "() => [...document.querySelectorAll('.osp-btn')].map(b => b.textContent)"


def _chinese_map(page):
    """The map's frame once its buttons carry the page's (Chinese) words."""
    fr = player_frame(page)
    fr.wait_for_function(
        "() => document.querySelector('.osp-btn:nth-child(3)').textContent === '▶ 播放'",
        timeout=60_000,
    )
    return fr


def _settled(page) -> None:
    """The page's run is over (the map and its charts are in the component's frame)."""
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
        return document.querySelector('h1') && (!s || !s.innerText.includes('Running')); }""",
        timeout=120_000,
    )


def _check_page(page, title: str, chart: str) -> None:
    fr = _chinese_map(page)
    _settled(page)
    assert page.locator("h1").first.inner_text() == zh(title) != title
    labels = page.evaluate(LABELS)
    for en in ("surface", "start x", "steps", "learning rate"):
        assert zh(en) in labels and en not in labels, (en, labels)
    assert fr.evaluate(BUTTONS) == ["|◀", "◀ 上一步", "▶ 播放", "下一步 ▶", "▶|"]
    step = fr.evaluate("() => document.querySelector('.osp-step').textContent")
    assert re.fullmatch(r"第 \d+ / \d+ 步", step), step
    assert fr.evaluate("() => document.querySelector('.osp-speed').innerText").startswith("速度")
    svg = fr.evaluate("() => [...document.querySelectorAll('svg text')].map(t => t.textContent)")
    assert zh(chart) in svg and chart not in svg, svg  # the chart under the map, in Chinese


def test_a_shared_chinese_compare_link_in_a_fresh_browser(server, ctx):
    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    try:
        page.goto(f"{server}/Compare?preset=sgd-zigzag-ravine&lang=zh")
        _check_page(page, "Compare optimizers", "loss gap f - f* (log scale)")
        assert "lang=zh" in page.url and "surface=ravine" in page.url
        assert page.locator("[data-testid=stAlertContentWarning]").count() == 0  # lang: no warning
        os.makedirs(ART, exist_ok=True)
        page.screenshot(path=os.path.join(ART, "i18n_compare_zh_1024x768.png"))
        page.locator("[data-testid=stSidebarNav]").get_by_text(zh("Playground")).click()
        page.wait_for_url(re.compile(r"/Playground\?"), timeout=60_000)
        _check_page(page, "Playground", "gradient norm")
        assert "lang=zh" in page.url
        page.screenshot(path=os.path.join(ART, "i18n_playground_zh_1024x768.png"))
        # switching the language keeps the page's scenario; English leaves lang out of the link
        before = page.url.replace("&lang=zh", "")
        page.get_by_text("English", exact=True).click()
        fr = player_frame(page)
        fr.wait_for_function(
            "() => document.querySelector('.osp-btn:nth-child(3)').textContent === '▶ Play'",
            timeout=60_000,
        )
        page.wait_for_url(lambda u: "lang=" not in u, timeout=60_000)
        assert page.url == before and page.locator("h1").first.inner_text() == "Playground"
        # the select boxes show their choice under the new language's label at once (a select box
        # keeps the label it showed until the app sets its value again)
        boxes = (  # each select box's label and the choice it shows
            "[...document.querySelectorAll('[data-testid=stSelectbox]')].map(e => e.innerText + ' '"
            " + [...e.querySelectorAll('input')].map(i => i.value).join(' '))"
        )
        page.wait_for_function(
            f"() => {boxes}.join(' ').includes('Saddle')"
            f" && !{boxes}.some(t => /[\\u4e00-\\u9fff]/.test(t))",
            timeout=60_000,
        )
    finally:
        page.close()
