"""Schedules: every learning-rate schedule side by side, and what they do to a trajectory."""

import numpy as np
import streamlit as st

import landscapes
import optimizers
import scenarios
import ui
import viz
from i18n import N_

_ = ui.t
PAGE = "sched"
NOISY = scenarios.get_preset("schedules-step-cosine-warmup")  # the race caption points to it
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
curves = []
for spec in optimizers.SCHEDULES:
    args = {
        k: (min(v, steps) if k in ("decay_steps", "transition_steps") else v)
        for k, v in spec.defaults().items()
    }
    curves.append((_(spec.title), optimizers.lr_curve(spec.name, args, steps)))
st.plotly_chart(viz.schedules_grid(curves), theme=None, key=f"{PAGE}:grid")
with st.expander(_("Formulas")):
    for spec in optimizers.SCHEDULES:
        st.markdown(f"**{_(spec.title)}**" + (f" — {spec.reference}" if spec.reference else ""))
        st.latex(spec.latex)

st.header(_("Race the schedules"))
c1, c2, c3 = st.columns(3)
titles = {s.name: _(s.title) for s in optimizers.SCHEDULES}  # in the page's language
picked = ui.choice(  # (ui.choice: the link holds the names, not the translated labels)
    "multiselect",
    _("schedules"),
    optimizers.schedule_names(),
    default=list(scenarios.RACE_SCHEDULES),
    format_func=titles.get,
    key=f"{PAGE}:picked",
    container=c1,
    max_selections=6,
)
surface = ui.choice(
    "selectbox",
    _("surface"),
    scenarios.RACE_SURFACES,
    format_func=lambda k: _(landscapes.titles()[k]),
    key=f"{PAGE}:surface",
    container=c2,
)
opt = ui.choice(
    "selectbox",
    _("optimizer"),
    scenarios.RACE_OPTIMIZERS,
    format_func=lambda k: _(optimizers.titles()[k]),
    key=f"{PAGE}:opt",
    container=c3,
)
spec = optimizers.get(opt)
# one learning rate per surface and optimizer, each starting where no schedule diverges
lr_key = f"{PAGE}:lr:{surface}:{opt}"
st.session_state.setdefault(lr_key, scenarios.schedule_race_lr(surface, opt))
lr = ui.log_select(_("base learning rate"), 1e-5, 1.0, lr_key, bind=ui.LINK)
mom_kinds = {
    "none": N_("constant"),
    "linear": N_("linear ramp from 0.5 over the first quarter"),
    "stages": N_("the notes' stages 0.5, 0.9, 0.95, 0.99"),
}
mom_ramp = st.radio(
    _("momentum / beta1 schedule"),
    tuple(mom_kinds),
    format_func=lambda k: _(mom_kinds[k]),
    horizontal=True,
    key=f"{PAGE}:momentum",
    bind=ui.LINK,
)
present = ui.presentation(PAGE, bind=ui.LINK)  # 0, or the scale of presentation mode
link.check()
if len(picked) < 1:
    st.info(_("Pick at least one schedule."))
    st.stop()
scn = scenarios.schedule_race(surface, opt, lr, steps, tuple(picked), mom_ramp)
trajs = ui.cached_run(scn)
scape = scn.landscape()
labels = [titles[n] for n in picked]
paths = viz.paths_from(trajs, labels)
ui.divergence_banner(
    sum(t.diverged_at is not None for t in trajs),
    len(trajs),
    what=_("runs"),
    hint=_("lower the base learning rate"),
)
left, right = (st.container(), st.container()) if present else st.columns(2)
with left:  # the race, replayed step by step (all schedules at the same step)
    ui.replay_map(
        PAGE,
        ui.replay_payload(
            scn,
            tuple(labels),
            _("{optimizer} on {surface}").format(optimizer=_(spec.title), surface=_(scape.title)),
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
        title=_("loss gap f - f*"),
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
        title=_("learning rate used"),
        ylabel="lr",
        height=240,
    ),
    theme=None,
    key=f"{PAGE}:lrs",
)
ends = {
    name: float(tr.losses[-1])
    for name, tr in zip(picked, trajs, strict=True)
    if tr.diverged_at is None
}
if len(ends) > 1:  # what the race shows, read off its own runs
    best = min(ends, key=ends.get)
    st.caption(
        _("Lowest final loss in this race: **{best}** ({loss}).").format(
            best=titles[best], loss=f"{ends[best]:.3g}"
        )
        + " "
        + (
            _(
                "Without gradient noise a constant rate can end lowest: decay only shortens the "
                "late steps. It pays off when noise makes a constant-rate run rattle, as in the "
                "Compare preset “{preset}” (noise sigma {sigma})."
            ).format(preset=_(NOISY.title), sigma=f"{NOISY.scenario.noise_std:g}")
            if best == "constant"
            else _("A decaying rate takes shorter late steps.")
        )
    )
