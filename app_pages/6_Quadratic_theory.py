"""Theory on quadratics: predicted vs measured convergence rates, and the (alpha, beta) map."""

import streamlit as st

import lessons
import ui

_ = ui.t
PAGE = "quad"
ui.page_setup("Quadratic theory")
st.title(_("Convergence on a quadratic"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    _(
        r"On $f = \tfrac12 x^\top A x$ with eigenvalues $\mu = 1$ and $L = \kappa$ every method "
        "is a linear recurrence, so its rate can be predicted exactly. The dashed lines are the "
        "predictions, the solid lines what the engine measured."
    )
)

kappa, params = ui.teaching.quadratic_controls(PAGE, link.given)  # kappa, each alpha and beta
link.check()
eig_series = ui.teaching.measured_rates(PAGE, kappa, params)  # the rates' chart and table

st.subheader(_("The error along each eigendirection"))
st.write(
    _(
        "Each eigendirection of A is its own linear recurrence (as Goh's “Why momentum really "
        "works” draws it): solid the direction of the smallest eigenvalue, dashed the largest "
        "(below 1e-12 off the chart)."
    )
)
ui.teaching.eigen_errors(PAGE, eig_series)
st.write(lessons.acceleration(float(kappa)).sentence(ui.lang()))

st.header(_("Where heavy ball converges"))
st.write(
    _(
        r"Rate of heavy ball over $(\alpha, \beta)$. It is stable only where $\alpha L < 2 + "
        r"2\beta$ (right of the dashed line it diverges); the best rate, "
        r"$(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$, sits at the star."
    )
)
ui.teaching.heavy_ball_map(PAGE, kappa)
