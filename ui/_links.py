"""Links between pages that keep the tab (``st.page_link``), with a plain link where pages are not registered."""

from __future__ import annotations

import urllib.parse

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

#: page file -> URL path
PAGES = {"1_Playground.py": "Playground", "2_Compare.py": "Compare"}


def link_page(file: str, label: str, icon: str, query: dict[str, str]) -> None:
    """A link to another page with a query string (a plain markdown link when a page runs on its own,
    as in AppTest, where the other pages are not registered)."""
    try:
        st.page_link(f"app_pages/{file}", label=label, icon=icon, query_params=query)
    except StreamlitPageNotFoundError:
        st.markdown(f"{icon} [{label}](./{PAGES[file]}?{urllib.parse.urlencode(query)})")
