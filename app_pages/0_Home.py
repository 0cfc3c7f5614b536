"""Optiscape: the home page (``app.py`` is the entry point that lists the pages)."""

import streamlit as st

import landscapes
import optimizers
import scenarios
import ui

ui.page_setup("Home")
st.title("⛰️ Optiscape")
st.subheader("An optimization-landscape lab: watch optimizers cross a loss surface.")
st.write(
    "Pick an optimizer, its hyperparameters and a learning-rate schedule; watch the "
    "trajectory cross an analytic "
    "surface and read the loss curves. Every picture is a link: the whole scenario lives in "
    "the URL."
)
PAGES = (
    ("app_pages/2_Compare.py", "Compare: race 2-6 optimizers from one start", "🏁"),
    ("app_pages/1_Playground.py", "Playground: one optimizer in depth, step by step", "🔬"),
    ("app_pages/3_Schedules.py", "Schedules: every learning-rate schedule, raced", "📉"),
    ("app_pages/4_Hyperparameter_search.py", "Hyperparameter search: grid vs random", "🎯"),
    ("app_pages/5_Averaging.py", "Averaging: EWA, Polyak, EMA, ensembles", "〰️"),
    ("app_pages/6_Quadratic_theory.py", "Quadratic theory: predicted vs measured rates", "📐"),
    ("app_pages/7_Basins.py", "Basins of attraction", "🗺️"),
    ("app_pages/9_Batch_size.py", "Batch size and noise: real mini-batches", "🎲"),
    ("app_pages/8_Neural_network.py", "A real network's loss landscape", "🧠"),
)
c1, c2 = st.columns([3, 1])
with c1:
    for path, label, icon in PAGES:
        st.page_link(path, label=label, icon=icon)
with c2:
    st.metric("surfaces", len(landscapes.names()))
    st.metric("optimizers", len(optimizers.names()))
    st.metric("schedules", len(optimizers.schedule_names()))
st.markdown("### One-click lessons")
for p in scenarios.PRESETS:
    page = "app_pages/2_Compare.py" if p.page == "compare" else "app_pages/1_Playground.py"
    st.page_link(
        page, label=p.title, query_params={"preset": p.slug}, icon=":material/play_lesson:"
    )
    st.caption(p.explanation.split(". ")[0] + ".")
