"""Links between pages that keep the tab (``st.page_link``), with a plain link where pages are not
registered."""

from __future__ import annotations

import urllib.parse

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError


def link_page(file: str, label: str, icon: str, query: dict[str, str]) -> None:
    """A link to another page with a query string (a plain markdown link when a page runs on its
    own, as in AppTest, where the other pages are not registered)."""
    from ._i18n import KEY, lang

    if lang() != "en":  # the other page opens in the same language
        query = {**query, KEY: lang()}
    path = f"app_pages/{file}"  # (a page, not a text)
    try:
        st.page_link(path, label=label, icon=icon, query_params=query)
    except StreamlitPageNotFoundError:
        url_path = file.removesuffix(".py").split("_", 1)[
            1
        ]  # "2_Compare.py" -> "Compare", as app.py names it
        st.markdown(f"{icon} [{label}](./{url_path}?{urllib.parse.urlencode(query)})")
