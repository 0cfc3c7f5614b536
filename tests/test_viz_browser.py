"""The lesson pages' charts at a 1024 x 768 projector's size, in chromium: no legend covers a
title, an axis title or tick labels, and the log charts carry y tick labels."""

import pytest

from tests.browser import have_chromium, wait_for_plots

pytestmark = pytest.mark.skipif(not have_chromium(), reason="chromium not installed")

# each chart's boxes on screen: [left, top, right, bottom]
BOXES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
  const r = e => { const b = e.getBoundingClientRect();
                   return [b.left, b.top, b.right, b.bottom]; };
  const all = s => Array.from(el.querySelectorAll(s)).filter(e => e.getBBox().width > 0).map(r);
  const leg = el.querySelector('g.legend');
  return {title: ((el.layout.title || {}).text) || '', legend: leg ? r(leg) : null,
          covered: [...all('.g-gtitle'), ...all('.g-xtitle'), ...all('.g-ytitle'),
                    ...all('.xtick text'), ...all('.ytick text')],
          yticks: Array.from(el.querySelectorAll('.ytick text')).map(e => e.textContent),
          ytitle: all('.g-ytitle'), ytickboxes: all('.ytick text'),
          notes: all('.infolayer .annotation'), plots: all('.nsewdrag'), box: r(el),
          entries: Array.from(el.querySelectorAll('.legend .legendtext')).map(e => e.textContent)};
})"""


def overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def charts_on(page) -> list[dict]:
    """The boxes of ``page``'s charts (``BOXES_JS``) as drawn now; asserts that no legend covers a
    title, axis title or tick labels."""
    charts = page.evaluate(BOXES_JS)
    for c in charts:
        if c["legend"]:
            hits = [b for b in c["covered"] if overlap(c["legend"], b)]
            assert not hits, (c["title"], c["legend"], hits)
    return charts


def _charts_at_1024(ctx, url: str, n: int) -> list[dict]:
    """:func:`charts_on` the page at ``url`` at a 1024 x 768 projector's size, once its ``n``
    charts are drawn."""
    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(url)
    wait_for_plots(page, n)
    page.wait_for_timeout(1500)
    charts = charts_on(page)
    page.close()
    return charts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quadratic_charts_at_1024_legends_clear_and_log_ticks_labelled(server, ctx, lang):
    charts = _charts_at_1024(ctx, f"{server}/Quadratic_theory?lang={lang}", 3)
    assert len(charts) == 3
    eig = charts[1]  # |q_i . x_t| per eigendirection, shown over 1e-12..3
    assert len(eig["yticks"]) >= 4 and "10⁻¹²" in eig["yticks"], eig["yticks"]


def test_batch_size_maps_at_1024_titles_apart_legends_clear(server, ctx):
    """The Batch size page in 中文 at 1024 x 768: the two maps' subplot titles touch neither each
    other nor the plots, and no legend covers an axis title or tick labels."""
    charts = _charts_at_1024(ctx, f"{server}/Batch_size?lang=zh", 5)
    maps = next(c for c in charts if len(c["plots"]) == 2)
    a, b = maps["notes"][:2]
    assert not overlap(a, b), (a, b)
    for note in maps["notes"][:2]:
        assert all(note[3] <= p[1] + 1 for p in maps["plots"]), (note, maps["plots"])
    for c in charts:  # no y-axis title drawn over its own tick labels (the lr sweep's log axis did)
        hits = [(a, b) for a in c["ytitle"] for b in c["ytickboxes"] if overlap(a, b)]
        assert not hits, (c["title"], hits)


# each chosen chip of the page's first multiselect: its box, the box it shows in, its text clipped?
CHIPS_JS = """(n) => { const ms = document.querySelectorAll('[data-testid=stMultiSelect]')[n || 0];
  const tags = ms.querySelector('[data-testid=stMultiSelectTagsContainer]');
  const rect = e => { const r = e.getBoundingClientRect();
                      return [r.left, r.top, r.right, r.bottom]; };
  return {box: rect(tags), chips: Array.from(tags.querySelectorAll('[data-tag]')).map(t => {
            const s = t.querySelector('span[title]') || t;
            return {text: s.textContent.trim(), clipped: s.scrollWidth > s.clientWidth + 1,
                    rect: rect(t)}; })}; }"""


def test_schedules_race_chips_all_readable_at_1024(server, ctx):
    """The race's schedules multiselect sat in a third of the page: at 1024 px only "Constant x"
    and a clipped "Ste..." showed. Across the page its chips wrap: six chosen (the most it takes,
    the longest names; the Chinese ones are shorter) each show whole, inside the box."""
    picked = ("warmup_cosine", "cyclic", "sgdr", "natural_exp", "inverse_time", "onecycle")
    q = "&".join(f"sched:picked={p}" for p in picked)
    page = ctx.new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/Schedules?{q}")
    page.locator("[data-testid=stMultiSelect] [data-tag]").nth(5).wait_for(timeout=120_000)
    got = page.evaluate(CHIPS_JS)
    page.close()
    box, chips = got["box"], got["chips"]
    assert len(chips) == 6 and all(c["text"] for c in chips), chips
    for c in chips:
        r = c["rect"]
        assert not c["clipped"], c
        assert box[0] - 1 <= r[0] and r[2] <= box[2] + 1 and box[1] - 1 <= r[1], (c, box)
        assert r[3] <= box[3] + 1, (c, box)
