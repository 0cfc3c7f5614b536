"""A lesson of the Course: the notes' words and formula, a question to answer before the run,
the engine's figures, what was measured, the note on the notes, and the full page's link.
Every lesson page is this file (``ui.lesson_pages``); the lessons are data (``lessons/course``)."""

import urllib.parse

import streamlit as st

import lessons
import optimizers
import ui
from scenarios import Scenario

_ = ui.t
ui.page_setup("Lesson")
les = ui.current_lesson()
key = f"lesson:{les.slug}"
st.title(f"{les.order}. {_(les.title)}")
st.caption(_("Follows the course notes:") + f" {les.notes}")

# A shared link may carry its own scenario: the lesson's figures are then drawn on it.
q = {k: v for k, v in st.query_params.items() if k not in ("lang", "lesson")}
scn = None
if q and les.scenario() is not None:
    scn, warnings = Scenario.from_query(q)
    for w in warnings:
        st.warning(w)

st.write(_(les.text))
st.latex(les.formula)

st.subheader(_("Predict, then run"))
qn = les.question
options = [_(c) for c in qn.choices]
chosen = st.radio(_(qn.ask), options, index=None, key=f"{key}:pick:{ui.lang()}")
pick = options.index(chosen) if chosen in options else None
if st.button(_("Run and reveal"), type="primary", key=f"{key}:run"):
    st.session_state[f"{key}:shown"] = True
if st.session_state.get(f"{key}:shown"):
    sj = scn.to_json() if scn is not None else None
    for i, f in enumerate(les.figures):
        on = sj if f.scenario() is not None and i == 0 else None
        fig = ui.lesson_figure(les.slug, i, ui.lang(), on)
        st.plotly_chart(fig, theme=None, key=f"{key}:fig{i}")
    right = _(qn.choices[qn.answer])
    if pick is None:
        st.info(_("Answer: **{answer}**. {why}").format(answer=right, why=_(qn.reveal)))
    elif pick == qn.answer:
        st.success(_("Right: **{answer}**. {why}").format(answer=right, why=_(qn.reveal)))
    else:
        st.error(
            _("Not quite: the answer is **{answer}**. {why}").format(answer=right, why=_(qn.reveal))
        )
    with st.expander(_("What was measured (checked on these runs)"), expanded=True):
        if scn is not None:
            st.caption(_("Measured on the lesson's own scenario, not on the link's."))
        for sentence, holds, evidence in ui.lesson_facts(les.slug, ui.lang()):
            mark = ui.HOLDS if holds else ui.FAILS
            st.markdown(f"{mark} {_(sentence)} ({lessons.evidence_in(evidence, ui.lang())})")

for e in (e for e in optimizers.ERRATA if e.topic in les.errata):
    st.info(f"**{_('A note on the notes')} — {e.topic}.** {_('The notes')} ({e.where}): "
            f"“{e.notes_say}” ({_(e.notes_say_en)}). {_(e.right)}", icon="📝")  # fmt: skip

file, query = les.link(scn)
ui.link_page(file, _("Open the full page on this scenario"), "🔎", query)
with st.expander(_("Change the scenario and share this lesson")):
    st.caption(_("Edit the scenario's link parameters; the page's address is the link to share."))
    base = les.scenario()
    box = f"{key}:query"
    if base is not None and box not in st.session_state:
        st.session_state[box] = urllib.parse.urlencode((scn or base).to_query())

    def share():  # the typed scenario becomes the page's link (and so its figures)
        typed = dict(urllib.parse.parse_qsl(st.session_state[box]))
        st.query_params.from_dict({**typed, "lang": ui.lang()} if ui.lang() != "en" else typed)

    st.text_input(_("scenario"), key=box, disabled=base is None, on_change=share)
with st.expander(_("Class pack")):
    st.caption(_("Lessons as one offline file: interactive figures, texts in this language."))
    every = st.checkbox(_("all lessons"), key=f"{key}:all")
    if st.button(_("Prepare the class pack"), key=f"{key}:pack"):
        slugs = None if every else (les.slug,)
        with st.spinner(_("Running the lessons' scenarios...")):
            st.session_state[f"{key}:zip"] = lessons.class_pack(slugs, lang=ui.lang())
    if st.session_state.get(f"{key}:zip"):
        st.download_button(_("Download the class pack (zip)"), st.session_state[f"{key}:zip"],
                           f"optiscape-course-{ui.lang()}.zip", "application/zip")  # fmt: skip
