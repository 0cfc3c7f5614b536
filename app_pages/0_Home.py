"""Optiscape: the home page (``app.py`` is the entry point that lists the pages)."""

import streamlit as st

import landscapes
import optimizers
import scenarios
import ui

ui.page_setup("Home")
_ = ui.t
st.title(_("⛰️ Optiscape"))
st.subheader(_("An optimization-landscape lab: watch optimizers cross a loss surface."))
st.write(
    _(
        "Pick an optimizer, its hyperparameters and a learning-rate schedule; watch the "
        "trajectory cross an analytic surface and read the loss curves. Every picture is a link: "
        "the whole scenario lives in the URL."
    )
)
PAGES = (
    ("app_pages/2_Compare.py", _("Compare: race up to 6 optimizers from one start"), "🏁"),
    ("app_pages/1_Playground.py", _("Playground: one optimizer in depth, step by step"), "🔬"),
    ("app_pages/3_Schedules.py", _("Schedules: every learning-rate schedule, raced"), "📉"),
    ("app_pages/4_Hyperparameter_search.py", _("Hyperparameter search: grid vs random"), "🎯"),
    ("app_pages/5_Averaging.py", _("Averaging: EWA, Polyak, EMA, ensembles"), "〰️"),
    ("app_pages/6_Quadratic_theory.py", _("Quadratic theory: predicted vs measured rates"), "📐"),
    ("app_pages/7_Basins.py", _("Basins of attraction"), "🗺️"),
    ("app_pages/9_Batch_size.py", _("Batch size and noise: real mini-batches"), "🎲"),
    ("app_pages/8_Neural_network.py", _("A real network's loss landscape"), "🧠"),
)
LANG = {"lang": ui.lang()} if ui.lang() != "en" else {}  # the linked page opens in this language
c1, c2 = st.columns([3, 1])
with c1:
    for path, label, icon in PAGES:
        st.page_link(path, label=label, icon=icon, query_params=LANG)
with c2:
    st.metric(_("surfaces"), len(landscapes.names()))
    st.metric(_("optimizers"), len(optimizers.names()))
    st.metric(_("schedules"), len(optimizers.schedule_names()))
st.markdown("### " + _("Course: the notes, lesson by lesson"))
for page in ui.lesson_pages():
    st.page_link(page)
st.markdown("### " + _("One-click lessons"))
for p in scenarios.PRESETS:
    page = "app_pages/2_Compare.py" if p.page == "compare" else "app_pages/1_Playground.py"
    st.page_link(
        page,
        label=_(p.title),
        query_params={"preset": p.slug, **LANG},
        icon=":material/play_lesson:",
    )
    st.caption(_(p.explanation).split(". ")[0].split("。")[0] + _("."))
