"""Explore in Chinese in a real browser: a shared ``/Compare?preset=...&lang=zh`` link opens in
Chinese in a fresh browser (the page's labels and the map's own buttons), and ``lang=zh`` stays in
the URL after a switch to Playground through the sidebar."""

from __future__ import annotations

import os
import re

import pytest

import i18n
from tests.browser import ROOT, have_chromium, player_frame, wait_for_plots

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


def _check_page(page, title: str) -> None:
    assert page.locator("h1").first.inner_text() == zh(title) != title
    labels = page.evaluate(LABELS)
    for en in ("surface", "start x", "steps", "learning rate"):
        assert zh(en) in labels and en not in labels, (en, labels)
    fr = _chinese_map(page)
    assert fr.evaluate(BUTTONS) == ["|◀", "◀ 上一步", "▶ 播放", "下一步 ▶", "▶|"]
    step = fr.evaluate("() => document.querySelector('.osp-step').textContent")
    assert re.fullmatch(r"第 \d+ / \d+ 步", step), step
    assert fr.evaluate("() => document.querySelector('.osp-speed').innerText").startswith("速度")


def test_a_shared_chinese_compare_link_in_a_fresh_browser(server, ctx):
    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    try:
        page.goto(f"{server}/Compare?preset=sgd-zigzag-ravine&lang=zh")
        wait_for_plots(page, 1)
        _check_page(page, "Compare optimizers")
        assert "lang=zh" in page.url and "surface=ravine" in page.url
        assert page.locator("[data-testid=stAlertContentWarning]").count() == 0  # lang: no warning
        os.makedirs(ART, exist_ok=True)
        page.screenshot(path=os.path.join(ART, "i18n_compare_zh_1024x768.png"))
        page.locator("[data-testid=stSidebarNav]").get_by_text(zh("Playground")).click()
        page.wait_for_url(re.compile(r"/Playground\?"), timeout=60_000)
        wait_for_plots(page, 1)
        _check_page(page, "Playground")
        assert "lang=zh" in page.url
        page.screenshot(path=os.path.join(ART, "i18n_playground_zh_1024x768.png"))
    finally:
        page.close()
