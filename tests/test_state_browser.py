"""In chromium: every page opens by deep link as the first visit of a fresh browser; page switches,
reload and back/forward keep each page's scenario; an out-of-range link is clamped; a formula typo
keeps its text and error."""

import contextlib
import os
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import fresh_profiles, have_chromium, player_frame

pytestmark = pytest.mark.skipif(
    not have_chromium() and not os.environ.get("CI"), reason="chromium not installed"
)

PAGES = [
    ("/", "Optiscape"),
    ("/Playground", "Playground"),
    ("/Compare", "Compare optimizers"),
    ("/Schedules", "Learning-rate schedules"),
    ("/Hyperparameter_search", "Grid search vs random search"),
    ("/Averaging", "Averaging"),
    ("/Quadratic_theory", "Convergence on a quadratic"),
    ("/Basins", "Basins of attraction"),
    ("/Neural_network", "The loss landscape of a real (small) network"),
    ("/Batch_size", "Batch size and gradient noise"),
]


def _idle(page, timeout=180_000):
    """The app is not running and shows no element of a previous run (Streamlit marks those
    stale while a rerun is under way)."""
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
        return (!s || !s.innerText.includes('Running'))
            && !document.querySelector('[data-stale="true"]'); }""",
        timeout=timeout,
    )


def _nav(page, title):
    """Click a page in the sidebar (the app's own router, no reload)."""
    page.locator("[data-testid=stSidebarNavLink]", has_text=title).first.evaluate("e => e.click()")


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _paths(page):
    fr = player_frame(page)
    return fr.evaluate(
        "() => [window.ospPlayer.paths.map(p => p.label), "
        "Array.from(window.ospPlayer.paths[0].xy.slice(0, 4)), window.ospPlayer.n]"
    )


@pytest.fixture(scope="module")
def fresh():
    with fresh_profiles() as new:
        yield new


@contextlib.contextmanager
def _context(new):
    """A fresh profile of the module's chromium, closed afterwards."""
    ctx = new()
    try:
        yield ctx
    finally:
        ctx.close()


def _plots_in_all_frames(page) -> int:
    n = 0
    for f in page.frames:
        try:
            n += f.evaluate("() => document.querySelectorAll('.js-plotly-plot').length")
        except Exception:  # noqa: S112  (a frame that is navigating)
            continue
    return n


def _opened_by_deep_link(page, path: str, title: str) -> None:
    """The page opened by its own link as a first visit: its title and path, the navigation's
    sections, its charts drawn (the replay player's two layers live in an iframe of their own), no
    error box."""
    page.get_by_role("heading", name=title).first.wait_for(timeout=240_000)
    assert urlparse(page.url).path == path
    _idle(page)
    assert page.get_by_text("Page not found").count() == 0
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Home" in nav and "app" not in nav.split() and "Explore" in nav and "Lessons" in nav
    if path != "/":
        for _ in range(240):
            if _plots_in_all_frames(page) >= 2:
                break
            page.wait_for_timeout(500)
        assert _plots_in_all_frames(page) >= 2, path
    assert page.locator("[data-testid=stException]").count() == 0, path


@pytest.mark.parametrize("path, title", PAGES[:3])
def test_every_page_opens_by_deep_link_as_the_first_visit(server, fresh, path, title):
    """A fresh profile (no cookie, cache or session) opens the page's own link (the lesson pages:
    in :func:`test_every_lesson_pages_link_reproduces_its_picture_in_a_fresh_browser`)."""
    with _context(fresh) as ctx:
        page = ctx.new_page()
        page.goto(server + path)
        _opened_by_deep_link(page, path, title)


def test_page_switches_reload_and_back_forward_keep_the_scenario(server, fresh):
    with _context(fresh) as ctx:
        page = ctx.new_page()
        page.goto(server + "/Compare?preset=sgd-zigzag-ravine")
        page.wait_for_function("() => location.search.includes('surface=ravine')", timeout=180_000)
        _idle(page)
        url0, drawn0 = _query(page), _paths(page)
        assert url0["surface"] == "ravine" and len(drawn0[0]) == 2 and "SGD" in drawn0[0][0]
        for _ in range(2):
            _nav(page, "Playground")
            page.get_by_role("heading", name="Playground").first.wait_for(timeout=120_000)
            _idle(page)
            _nav(page, "Compare")
            page.get_by_role("heading", name="Compare optimizers").first.wait_for(timeout=120_000)
            page.wait_for_function(
                "() => location.search.includes('surface=ravine')", timeout=60_000
            )
            _idle(page)
            assert _query(page) == url0 and _paths(page) == drawn0
        page.reload()
        page.wait_for_function("() => location.search.includes('surface=ravine')", timeout=120_000)
        _idle(page)
        assert _query(page) == url0 and _paths(page) == drawn0
        _nav(page, "Playground")
        page.wait_for_function(
            "() => location.pathname.endsWith('/Playground') && "
            "location.search.includes('surface=')",
            timeout=120_000,
        )
        _idle(page)
        _history(page, "back", "Compare optimizers")
        page.wait_for_function("() => location.search.includes('surface=ravine')", timeout=60_000)
        _idle(page)
        assert _query(page) == url0 and _paths(page) == drawn0
        _history(page, "forward", "Playground")
        _history(page, "back", "Compare optimizers")
        page.wait_for_function("() => location.search.includes('surface=ravine')", timeout=60_000)
        _idle(page)
        assert _query(page) == url0 and _paths(page) == drawn0


def _history(page, way, heading):
    """Back (or forward) until the page with ``heading`` shows (a page's link changes are history
    entries too)."""
    for _ in range(4):
        page.go_back() if way == "back" else page.go_forward()
        page.wait_for_timeout(1500)
        _idle(page)
        if page.get_by_role("heading", name=heading).count():
            return
    raise AssertionError(f"{way}: never reached {heading}")


@pytest.mark.parametrize("steps, want", [("5000", 2000), ("5", 10), ("1e308", 2000), ("-5", 10)])
def test_an_out_of_range_link_is_clamped_on_screen(server, fresh, steps, want):
    with _context(fresh) as ctx:
        page = ctx.new_page()
        page.goto(server + f"/Compare?surface=saddle&opt=sgd,lr=0.1&steps={steps}")
        page.wait_for_function(f"() => location.search.includes('steps={want}')", timeout=180_000)
        _idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        alerts = page.locator("[data-testid=stAlertContentWarning]")
        assert alerts.count() == 1 and "steps" in alerts.first.inner_text()
        labels, _xy, n = _paths(page)
        assert n == want and len(labels) == 1  # the link's one optimizer, no second one
        assert _query(page)["opt"].startswith("sgd,lr=0.1") and ";" not in _query(page)["opt"]


def test_a_formula_typo_keeps_its_text_and_error_after_a_reload(server, fresh):
    typo = "(x-1)^2 + 2*(y+0.5"
    with _context(fresh) as ctx:
        page = ctx.new_page()
        page.goto(
            server
            + "/Playground?surface=custom&formula=(x-1)%5E2%20%2B%202*(y%2B0.5)%5E2"
            + "&opt=sgd,lr=0.05&steps=50"
        )
        good = player_frame(page).evaluate("() => window.ospPlayer.titleEl.textContent")
        assert "(x-1)^2" in good
        box = page.get_by_role("textbox", name="f(x, y) =")
        box.fill(typo)
        box.press("Enter")
        page.get_by_text("Formula not accepted").first.wait_for(timeout=60_000)
        _idle(page)
        assert (
            player_frame(page).evaluate("() => window.ospPlayer.titleEl.textContent") == good
        )  # the map keeps the good one
        sel = page.locator("[data-testid=stSelectbox]", has_text="surface").first
        assert "Custom formula" in sel.inner_text() + " ".join(
            sel.locator("input").evaluate_all("els => els.map(e => e.value)")
        )
        assert _query(page)["formula"] == typo
        page.reload()
        page.get_by_text("Formula not accepted").first.wait_for(timeout=120_000)
        _idle(page)
        page.wait_for_timeout(1000)
        assert (
            page.get_by_role("textbox", name="f(x, y) =").input_value() == typo
            and _query(page)["formula"] == typo
        )
        assert page.locator("[data-testid=stException]").count() == 0


LESSONS = PAGES[3:]
SCREEN_JS = """() => {
  // elements of the previous run that Streamlit still shows while it reruns are marked stale
  const live = (e) => !e.closest('[data-stale="true"]');
  return {
    sliders: Array.from(document.querySelectorAll('[role=slider], input[type=range]')).filter(live)
        .map(e => e.getAttribute('aria-valuetext') || e.getAttribute('aria-valuenow') || e.value),
    inputs: Array.from(document.querySelectorAll('input'))
        .filter(e => e.type !== 'file' && e.offsetParent && live(e))
        .map(e => e.type === 'checkbox' ? e.checked : e.value),
    plots: Array.from(document.querySelectorAll('.js-plotly-plot')).filter(live).map(
        el => (el.data || []).map(t => [t.name || '', t.x ? t.x.length : 0,
        t.x ? String(t.x[t.x.length - 1]) : '', t.y ? String(t.y[t.y.length - 1]) : '',
        t.z ? String(t.z[0] && t.z[0][0]) : ''])),
  };
}"""


def _screen(page):
    """What the page shows, once it has settled (the same three times in a row, 0.7 s apart, each
    after the app reported that it stopped running)."""
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=240_000
    )
    seen = []
    for _ in range(90):
        _idle(page, 300_000)
        page.wait_for_timeout(700)
        seen.append(page.evaluate(SCREEN_JS))
        if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]:
            return seen[-1]
    raise AssertionError("the page never settled")


def _open_all(ctx, urls: dict[str, str]) -> dict:
    """One tab per page, all loading side by side (the server computes them together)."""
    tabs = {}
    for path, url in urls.items():
        tabs[path] = ctx.new_page()
        tabs[path].goto(url)
    return tabs


def test_every_lesson_pages_link_reproduces_its_picture_in_a_fresh_browser(server, fresh):
    """Each page: open it by its own link as the first visit of a fresh profile (the deep-link
    check), change its first slider, copy the link into a fresh browser: the same settings, the
    same figures (every trace's name, length and last point)."""
    titles = dict(LESSONS)
    shown, links = {}, {}
    with contextlib.ExitStack() as stack:
        tabs = {}
        for path in titles:  # one fresh profile per page, all loading side by side
            tabs[path] = stack.enter_context(_context(fresh)).new_page()
            tabs[path].goto(server + path)
        for path, page in tabs.items():
            _opened_by_deep_link(page, path, titles[path])
            before = _screen(page)
            slider = page.get_by_role("slider").first
            slider.focus()
            slider.press("ArrowRight")
            page.wait_for_function("() => location.search.length > 1", timeout=60_000)
            # the browser writes a bound widget's link at once; the rerun it asks for can still
            # wait behind a server busy with the other pages, the old charts on screen meanwhile
            for _ in range(240):
                if page.evaluate(SCREEN_JS)["plots"] != before["plots"]:
                    break
                page.wait_for_timeout(500)
            shown[path] = _screen(page)
            links[path] = page.url
            assert shown[path]["sliders"] != before["sliders"], path
    with _context(fresh) as fresh_ctx:
        tabs = _open_all(fresh_ctx, links)
        for path, page in tabs.items():
            page.get_by_role("heading", name=titles[path]).first.wait_for(timeout=240_000)
            again = _screen(page)
            for _ in range(20):  # a chart still being replaced when the page first settled
                if again == shown[path]:
                    break
                page.wait_for_timeout(1500)
                again = _screen(page)
            assert again == shown[path], path
            assert page.locator("[data-testid=stException]").count() == 0, path
