"""The language of the page: a sidebar switch (English / 中文) kept in the session and in every
page's URL as ``lang=zh`` (a parameter of the app, not of a page's scenario: the link decoders
pass it by). ``_()`` translates through the gettext catalog (:mod:`i18n`)."""

from __future__ import annotations

import contextlib
import copy

import streamlit as st
from streamlit.errors import StreamlitAPIException

import i18n

KEY = "lang"  # session key and URL parameter


def lang() -> str:
    return st.session_state.get(KEY, "en")


def _(text: str) -> str:
    """``text`` in the page's language (English when the catalog has no translation)."""
    return i18n.gettext_for(lang())(text)


def say(message) -> str:
    """A message of the pure code in the page's language: a :class:`scenarios._params.Message`
    (or anything with ``in_lang``) is rewritten from its catalog template; other text as it is."""
    return message.in_lang(lang()) if hasattr(message, "in_lang") else str(message)


def language_switch() -> str:
    """The sidebar switch; on arrival it takes ``lang`` from the URL."""
    ss = st.session_state
    q = st.query_params.get(KEY)
    if q in i18n.LANGS and ss.get(f"{KEY}:url") != q:
        ss[KEY] = q
    ss.setdefault(KEY, "en")
    st.sidebar.radio(
        "Language / 语言",
        list(i18n.LANGS),
        format_func=i18n.LANGS.get,
        key=KEY,
        horizontal=True,
    )
    if ss.get(f"{KEY}:drawn", ss[KEY]) != ss[KEY]:
        _redraw_choices(ss)
    ss[f"{KEY}:drawn"] = ss[KEY]
    return ss[KEY]


def _text_choices() -> list[str]:
    """The keys of the widgets whose browser side keeps the label it shows (select boxes, radios,
    select sliders, multiselects: Streamlit's ``string_value`` widgets; private API of the pinned
    Streamlit 1.67, none found elsewhere)."""
    try:
        from streamlit.runtime.state import get_session_state

        state = get_session_state()._state
        meta = state._new_widget_state.widget_metadata
        ids = state._key_id_mapper._key_id_mapping
    except (AttributeError, ImportError):
        return []
    kinds = ("string_value", "string_array_value")
    return [k for k, wid in ids.items() if getattr(meta.get(wid), "value_type", "") in kinds]


def _redraw_choices(ss) -> None:
    """After a language switch: set every select box, radio and select slider of the app to its
    own value, so that Streamlit sends it again and the browser shows the choice under its new
    label (a select box keeps the label it showed, not the option, until the app sets it)."""
    for k in _text_choices():
        if k == KEY or k not in ss:
            continue
        with contextlib.suppress(StreamlitAPIException):
            ss[k] = ss[k]


def lang_in_url(url_path: str = "") -> None:
    """Write ``lang`` into the page's URL (every page keeps it; English is the default and leaves
    it out). ``url_path`` names the page (Home is ``""``); every page is treated alike."""
    del url_path
    ss = st.session_state
    if ss.get(KEY, "en") != "en":
        if st.query_params.get(KEY) != ss[KEY]:
            st.query_params[KEY] = ss[KEY]
    elif KEY in st.query_params:
        del st.query_params[KEY]
    ss[f"{KEY}:url"] = st.query_params.get(KEY)


def translated(pages: dict) -> dict:
    """``st.navigation``'s pages with their section names and titles in the page's language
    (``app.py`` keeps them as English literals)."""
    out = {}
    for section, items in pages.items():
        copies = []
        for p in items:
            q = copy.copy(p)
            q._title = _(p.title)  # st.Page has no setter; a copy keeps its path and address
            copies.append(q)
        out[_(section) if section else section] = copies
    return out
