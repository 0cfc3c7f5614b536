"""Optiscape: home page. Pages live in pages/ (Streamlit's own discovery)."""

import streamlit as st

import landscapes
import optimizers
import ui

ui.page_setup("Home")
st.title("⛰️ Optiscape")
st.subheader("An optimization-landscape lab: watch optimizers cross a loss surface.")
st.write(
    "Pick an optimizer, its hyperparameters and a learning-rate schedule; watch the trajectory cross an analytic "
    "surface and read the loss curves. Every picture is a link: the whole scenario lives in the URL."
)
c1, c2 = st.columns(2)
with c1:
    st.page_link("pages/2_Compare.py", label="Compare: race optimizers", icon="🏁")
    st.page_link("pages/1_Playground.py", label="Playground: one optimizer in depth", icon="🔬")
with c2:
    st.metric("surfaces", len(landscapes.names()))
    st.metric("optimizers", len(optimizers.names()))
st.markdown("### One-click lessons")
for p in optimizers.PRESETS:
    page = "Compare" if p.page == "compare" else "Playground"
    st.markdown(f"- [{p.title}](./{page}?preset={p.slug}) — {p.explanation.split('. ')[0]}.")
