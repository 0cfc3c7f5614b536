"""Optiscape: the entry point. ``st.navigation`` lists the pages (titles, icons, sections, the old
URLs); every widget keeps its value across page switches (``persist_state="session"``,
:data:`ui.KEEP`)."""

import jaxsetup

jaxsetup.configure()  # float64 and the host devices, before JAX starts (jaxsetup.py says why)

import streamlit as st  # noqa: E402

import ui  # noqa: E402

st.set_page_config(page_title="Optiscape", page_icon="⛰️", layout="wide")
ui.page_setup("Optiscape")
ui.language_switch()
PAGES = {
    "": [st.Page("app_pages/0_Home.py", title="Home", icon=":material/home:", default=True)],
    "Explore": [
        st.Page(
            "app_pages/1_Playground.py",
            title="Playground",
            icon=":material/science:",
            url_path="Playground",
        ),
        st.Page(
            "app_pages/2_Compare.py",
            title="Compare",
            icon=":material/compare_arrows:",
            url_path="Compare",
        ),
    ],
    "Lessons": [
        st.Page(
            "app_pages/3_Schedules.py",
            title="Schedules",
            icon=":material/trending_down:",
            url_path="Schedules",
        ),
        st.Page(
            "app_pages/4_Hyperparameter_search.py",
            title="Hyperparameter search",
            icon=":material/grid_on:",
            url_path="Hyperparameter_search",
        ),
        st.Page(
            "app_pages/5_Averaging.py",
            title="Averaging",
            icon=":material/stacked_line_chart:",
            url_path="Averaging",
        ),
        st.Page(
            "app_pages/6_Quadratic_theory.py",
            title="Quadratic theory",
            icon=":material/functions:",
            url_path="Quadratic_theory",
        ),
        st.Page("app_pages/7_Basins.py", title="Basins", icon=":material/map:", url_path="Basins"),
        st.Page(
            "app_pages/9_Batch_size.py",
            title="Batch size and noise",
            icon=":material/scatter_plot:",
            url_path="Batch_size",
        ),
    ],
    "Network": [
        st.Page(
            "app_pages/8_Neural_network.py",
            title="Neural network",
            icon=":material/hub:",
            url_path="Neural_network",
        ),
    ],
    "Course": ui.lesson_pages(),
}
page = st.navigation(ui.translated(PAGES), expanded=True)  # every lesson listed
ui.set_current(page)
page.run()
