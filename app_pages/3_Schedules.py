"""Schedules: every learning-rate schedule side by side, and what they do to a trajectory."""

import numpy as np
import streamlit as st

import optimizers
import scenarios
import ui
import viz

PAGE = "sched"
ui.page_setup("Schedules")
st.title("Learning-rate schedules")
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    "A schedule multiplies the base learning rate at every step. Decay lets a run take big "
    "steps early and "
    "settle late; warm-up avoids huge first steps; cycles and restarts shake the iterate out "
    "of narrow valleys."
)

steps = st.slider("steps shown", 50, 2000, 400, step=50, key=f"{PAGE}:steps", bind=ui.LINK)
curves = []
for spec in optimizers.SCHEDULES:
    args = {
        k: (min(v, steps) if k in ("decay_steps", "transition_steps") else v)
        for k, v in spec.defaults().items()
    }
    curves.append((spec.title, optimizers.lr_curve(spec.name, args, steps)))
st.plotly_chart(viz.schedules_grid(curves), theme=None, key=f"{PAGE}:grid")
with st.expander("Formulas"):
    for spec in optimizers.SCHEDULES:
        st.markdown(f"**{spec.title}**" + (f" — {spec.reference}" if spec.reference else ""))
        st.latex(spec.latex)

st.header("Race the schedules")
c1, c2, c3 = st.columns(3)
titles = {s.name: s.title for s in optimizers.SCHEDULES}
picked = c1.multiselect(
    "schedules",
    optimizers.schedule_names(),
    default=list(scenarios.RACE_SCHEDULES),
    format_func=titles.get,
    key=f"{PAGE}:picked",
    bind=ui.LINK,
    max_selections=6,
)
surface = c2.selectbox("surface", scenarios.RACE_SURFACES, key=f"{PAGE}:surface", bind=ui.LINK)
opt = c3.selectbox(
    "optimizer",
    scenarios.RACE_OPTIMIZERS,
    format_func=optimizers.titles().get,
    key=f"{PAGE}:opt",
    bind=ui.LINK,
)
spec = optimizers.get(opt)
# one learning rate per surface and optimizer, each starting where no schedule diverges
lr_key = f"{PAGE}:lr:{surface}:{opt}"
st.session_state.setdefault(lr_key, scenarios.schedule_race_lr(surface, opt))
lr = ui.log_select("base learning rate", 1e-5, 1.0, lr_key, bind=ui.LINK)
mom_kinds = {
    "none": "constant",
    "linear": "linear ramp from 0.5 over the first quarter",
    "stages": "the notes' stages 0.5, 0.9, 0.95, 0.99",
}
mom_ramp = st.radio(
    "momentum / beta1 schedule",
    tuple(mom_kinds),
    format_func=mom_kinds.get,
    horizontal=True,
    key=f"{PAGE}:momentum",
    bind=ui.LINK,
)
present = ui.presentation(PAGE, bind=ui.LINK)  # 0, or the scale of presentation mode
link.check()
if len(picked) < 1:
    st.info("Pick at least one schedule.")
    st.stop()
scn = scenarios.schedule_race(surface, opt, lr, steps, tuple(picked), mom_ramp)
trajs = ui.cached_run(scn)
scape = scn.landscape()
labels = [titles[n] for n in picked]
paths = viz.paths_from(trajs, labels)
ui.divergence_banner(
    sum(t.diverged_at is not None for t in trajs),
    len(trajs),
    what="runs",
    hint="lower the base learning rate",
)
left, right = (st.container(), st.container()) if present else st.columns(2)
with left:  # the race, replayed step by step (all schedules at the same step)
    ui.replay_map(
        PAGE,
        ui.replay_payload(
            scn,
            tuple(labels),
            f"{spec.title} on {scape.title}",
            480,
            equations_closed=True,
        ),
        key=f"{PAGE}:map",
        clickable=False,
        present=present,
    )
t = np.arange(steps + 1)
right.plotly_chart(
    viz.curves_figure(
        [
            viz.Series(lab, t, g, p.color)
            for lab, g, p in zip(labels, viz.loss_gaps(scape, trajs), paths, strict=True)
        ],
        title="loss gap f - f*",
        ylabel="f - f*",
        log_y=True,
        height=240,
    ),
    theme=None,
    key=f"{PAGE}:loss",
)
right.plotly_chart(
    viz.curves_figure(
        [
            viz.Series(lab, t[:-1], tr.lrs, p.color)
            for lab, tr, p in zip(labels, trajs, paths, strict=True)
        ],
        title="learning rate used",
        ylabel="lr",
        height=240,
    ),
    theme=None,
    key=f"{PAGE}:lrs",
)
ends = {
    lab: float(tr.losses[-1])
    for lab, tr in zip(labels, trajs, strict=True)
    if tr.diverged_at is None
}
if len(ends) > 1:  # what the race shows, read off its own runs
    best = min(ends, key=ends.get)
    st.caption(
        f"Lowest final loss in this race: **{best}** ({ends[best]:.3g}). "
        + (
            "Without gradient noise a constant rate can end lowest: decay only shortens the "
            "late steps. It "
            "pays off when noise makes a constant-rate run rattle, as in the Compare preset "
            "“Step vs cosine "
            "vs warm-up” (noise sigma 2)."
            if best == "Constant"
            else "A decaying rate takes shorter late steps."
        )
    )
