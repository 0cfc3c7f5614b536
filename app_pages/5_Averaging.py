"""Averaging: exponentially weighted averages, Polyak/EMA averaging of iterates, ensembles."""

import streamlit as st

import optimizers
import ui

_ = ui.t
PAGE = "avg"
ui.page_setup("Averaging")
st.title(_("Averaging"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong

st.header(_("1. The exponentially weighted average"))
st.write(
    _(
        "Tomorrow's temperature depends more on today's than on last week's: "
        r"$v_t = \beta v_{{t-1}} + (1-\beta)\theta_t$ averages over roughly $1/(1-\beta)$ days. "
        r"Starting from $v_0 = 0$ makes the early averages too small; dividing by $1-\beta^t$ "
        r"(bias correction) fixes it. Momentum in its averaging form (*{ema_title}*, "
        r"`momentum_ema`: $v_t = \beta v_{{t-1}} + (1-\beta) g_t$, $x_t = x_{{t-1}} - \alpha v_t$) "
        r"applies exactly this average, uncorrected, to the gradients; Adam applies it with the "
        r"correction to its first moment. The course notes' momentum $v = \mu v - \alpha g$ is "
        r"the same average times $-\alpha/(1-\mu)$ when the learning rate is constant."
    ).format(ema_title=_(optimizers.titles()["momentum_ema"]))
)
ui.teaching.ewa_demo(PAGE)  # beta, bias correction, and the temperature chart

st.header(_("2. Averaging the iterates of noisy SGD"))
st.write(
    _(
        "With gradient noise, SGD with a constant learning rate never settles: it rattles around "
        "the minimum. The *average* of its iterates (Polyak-Ruppert) or an exponential moving "
        "average of them (EMA) sits much closer."
    )
)
noisy = ui.teaching.noisy_controls(PAGE)  # surface, noise, EMA beta, Polyak start
link.check()
scape, res = ui.teaching.noisy_runs(noisy)  # five noise seeds, and the banner if they blew up
grid = scape.grid(100)  # both maps below
ui.teaching.averaged_iterates(PAGE, noisy, scape, res, grid)

st.header(_("3. A small ensemble"))
st.write(
    _(
        "Five runs with different noise seeds end in different places; their average is closer "
        "to the minimum than a typical run."
    )
)
ui.teaching.ensemble(PAGE, scape, res, grid)
