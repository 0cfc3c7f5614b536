"""The Course section: one navigation page per lesson (all drawn by ``app_pages/lesson.py``), the
lesson shown now, and its cached figures and checked facts."""

from __future__ import annotations

import streamlit as st

import lessons
from lessons import _figures

from ._i18n import _, lang

PAGE_FILE = "app_pages/lesson.py"
CURRENT = "course:current"  # url_path of the page being run, set by app.py


def url_path(slug: str) -> str:
    return f"lesson-{slug}"


def lesson_pages() -> list:
    """One ``st.Page`` per lesson, in the notes' order, titled in the page's language."""
    return [
        st.Page(
            PAGE_FILE,
            title=f"{les.order}. {_(les.title)}",
            icon=":material/school:",
            url_path=url_path(les.slug),
        )
        for les in lessons.course()
    ]


def set_current(page) -> None:
    """Remember the page being run (the lesson page reads which lesson it is) and keep the
    language in its URL where that page allows it."""
    from ._i18n import lang_in_url

    st.session_state[CURRENT] = getattr(page, "url_path", "")
    lang_in_url(st.session_state[CURRENT])


def current_lesson():
    """The lesson of the page being run (``?lesson=`` or the first one when run on its own)."""
    cur = st.session_state.get(CURRENT, "")
    slug = cur.removeprefix("lesson-") if cur.startswith("lesson-") else None
    slug = slug or st.query_params.get("lesson") or lessons.course()[0].slug
    try:
        return lessons.lesson(slug)
    except KeyError:
        st.warning(_("unknown lesson `{slug}`; showing the first one").format(slug=slug[:40]))
        return lessons.course()[0]


@st.cache_data(max_entries=64, show_spinner=False)
def figure(slug: str, i: int, language: str, scenario_json: str | None):
    """Figure ``i`` of a lesson (on a shared link's scenario when given), as JSON-able dict."""
    import i18n
    from scenarios import Scenario

    les = lessons.lesson(slug)
    scn = Scenario.from_json(scenario_json)[0] if scenario_json else None
    return _figures.figure(les.figures[i], i18n.gettext_for(language), scn).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def facts(slug: str, language: str = "en") -> list[tuple[str, bool, object]]:
    return lessons.facts(lessons.lesson(slug), language)


def t(text: str) -> str:
    return _(text)


def language() -> str:
    return lang()
