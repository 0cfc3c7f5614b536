"""Schedules: every learning-rate schedule side by side, and what they do to a trajectory."""

import streamlit as st

import scenarios
import ui

_ = ui.t
PAGE = "sched"
ui.page_setup("Schedules")
st.title(_("Learning-rate schedules"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    _(
        "A schedule multiplies the base learning rate at every step. Decay lets a run take big "
        "steps early and settle late; warm-up avoids huge first steps; cycles and restarts shake "
        "the iterate out of narrow valleys."
    )
)

steps = st.slider(_("steps shown"), 50, 2000, 400, step=50, key=f"{PAGE}:steps", bind=ui.LINK)
ui.teaching.schedules_grid(PAGE, steps)  # every schedule's curve, and the formulas

st.header(_("Race the schedules"))
race = ui.teaching.race_controls(PAGE)  # schedules, surface, optimizer, base rate, momentum
present = ui.presentation(PAGE, bind=ui.LINK)  # 0, or the scale of presentation mode
link.check()
if len(race.picked) < 1:
    st.info(_("Pick at least one schedule."))
    st.stop()
scn = scenarios.schedule_race(
    race.surface, race.optimizer, race.lr, steps, tuple(race.picked), race.momentum
)
trajs = ui.cached_run(scn)
ui.divergence_banner(
    sum(t.diverged_at is not None for t in trajs),
    len(trajs),
    what=_("runs"),
    hint=_("lower the base learning rate"),
)
ui.teaching.race_figures(PAGE, race, scn, trajs, steps, present)  # the map, loss gaps, rates
ui.teaching.race_caption(race.picked, trajs)  # which schedule ended lowest, and why
