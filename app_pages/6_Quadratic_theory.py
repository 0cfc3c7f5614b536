"""Theory on quadratics: predicted vs measured convergence rates, and the (alpha, beta) map."""

import numpy as np
import streamlit as st

import engine
import landscapes
import lessons
import ui
import viz

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

kappa = st.select_slider(
    _("condition number kappa"),
    [2, 5, 10, 20, 50, 100, 200, 500, 1000],
    value=100,
    key=f"{PAGE}:kappa",
    bind=ui.LINK,
)
opt = lessons.optimal_parameters(float(kappa))
first = f"{PAGE}:kappa_seen" not in st.session_state
new_kappa = (
    st.session_state.get(f"{PAGE}:kappa_seen") != kappa
)  # alpha, beta follow kappa (a link's own ones win)
st.session_state[f"{PAGE}:kappa_seen"] = kappa
if st.button(_("Set optimal alpha, beta"), type="primary", key=f"{PAGE}:optimal") or (
    new_kappa
    and not (first and any(k.startswith((f"{PAGE}:a_", f"{PAGE}:b_")) for k in link.given))
):
    for m, (a, b) in opt.items():
        st.session_state[f"{PAGE}:a_{m}"] = float(a)
        st.session_state[f"{PAGE}:b_{m}"] = float(b)
names = {
    "gd": (_("Gradient descent"), "sgd"),
    "heavy_ball": (_("Heavy ball"), "momentum"),
    "nesterov": (_("Nesterov"), "nesterov"),
}
cols = st.columns(3)
params = {}
for col, (m, (title, _engine_name)) in zip(cols, names.items(), strict=True):
    col.markdown(f"**{title}**")
    a = col.number_input(_("alpha"), 1e-6, 10.0, key=f"{PAGE}:a_{m}", bind=ui.LINK, format="%.5g")
    b = (
        0.0
        if m == "gd"
        else col.number_input(
            _("beta"), 0.0, 0.9999, key=f"{PAGE}:b_{m}", bind=ui.LINK, format="%.5g"
        )
    )
    params[m] = (a, b)
link.check()

scape = landscapes.get("quadratic", kappa=float(kappa), angle=0.0)
steps = 300
series, rows, eig_series = [], [], []
COLUMNS = {  # the table's headers, in the page's language
    "method": _("method"),
    "alpha": "alpha",
    "beta": "beta",
    "predicted rate": _("predicted rate"),
    "measured rate": _("measured rate"),
    "steps to 1e-6": _("steps to 1e-6"),
}
t = np.arange(steps + 1)
for i, (m, (title, engine_name)) in enumerate(names.items()):
    a, b = params[m]
    tr = engine.run(
        scape,
        engine_name,
        start=(1.0, 1.0),
        steps=steps,
        lr=a,
        hparams={} if m == "gd" else {"momentum": b},
    )
    rho = lessons.predicted_rate(m, a, b, (1.0, float(kappa)))
    meas = lessons.measured_rate(tr.points)
    norm = np.linalg.norm(tr.points, axis=1)
    color = viz.PALETTE[i]
    err = lessons.eigen_errors(tr.points)  # A = diag(1, kappa): the eigendirections are the axes
    eig_series += [viz.Series(f"{title}, λ = 1", t, err[:, 0], color)]
    eig_series += [viz.Series(f"{title}, λ = κ = {kappa}", t, err[:, 1], color)]
    series.append(viz.Series(_("{method} (measured)").format(method=title), t, norm, color))
    series.append(
        viz.Series(
            _("{method} predicted rho={rho}").format(method=title, rho=f"{rho:.4f}"),
            t,
            norm[0] * rho**t,
            color,
        )
    )
    reached = norm < 1e-6 * norm[0]
    rows.append(
        {
            COLUMNS["method"]: title,
            COLUMNS["alpha"]: f"{a:.5g}",
            COLUMNS["beta"]: f"{b:.5g}",
            COLUMNS["predicted rate"]: f"{rho:.5f}",
            COLUMNS["measured rate"]: _("diverged") if tr.diverged_at else f"{meas:.5f}",
            COLUMNS["steps to 1e-6"]: str(int(np.argmax(reached))) if reached.any() else "> 300",
        }
    )
fig = viz.curves_figure(
    series,
    title=_("distance to the minimum ||x_t||"),
    ylabel="||x_t||",
    log_y=True,
    height=420,
)
for tr_ in fig.data[1::2]:
    tr_.line.dash = "dash"
st.plotly_chart(fig, theme=None, key=f"{PAGE}:rates")
st.dataframe(rows, hide_index=True, width="stretch")

st.subheader(_("The error along each eigendirection"))
st.write(
    _(
        "Each eigendirection of A is its own linear recurrence (as Goh's “Why momentum really "
        "works” draws it): solid the direction of the smallest eigenvalue, dashed the largest "
        "(below 1e-12 off the chart)."
    )
)
fig = viz.curves_figure(
    eig_series,
    title=_("|q_i · x_t| per eigendirection"),
    ylabel="|q_i · x_t|",
    log_y=True,
    height=420,
)
for tr_ in fig.data[1::2]:
    tr_.line.dash = "dash"
fig.update_yaxes(range=[-12, 0.5])
st.plotly_chart(fig, theme=None, key=f"{PAGE}:eig")
st.write(lessons.acceleration(float(kappa)).sentence(ui.lang()))

st.header(_("Where heavy ball converges"))
st.write(
    _(
        r"Rate of heavy ball over $(\alpha, \beta)$. It is stable only where $\alpha L < 2 + "
        r"2\beta$ (right of the dashed line it diverges); the best rate, "
        r"$(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$, sits at the star."
    )
)
alphas = np.linspace(0.002, 4.2 / kappa, 80)
betas = np.linspace(0.0, 0.99, 60)
z = lessons.rate_map(float(kappa), alphas, betas)
a_opt, b_opt = opt["heavy_ball"]
fig = viz.heatmap_figure(
    alphas,
    betas,
    np.minimum(z, 1.2),
    xlabel="alpha",
    ylabel="beta",
    title=_("heavy-ball rate, kappa = {kappa}").format(kappa=kappa),
    zlabel=_("rate"),
    best=(a_opt, b_opt),
    zmin=float(z.min()),
    zmax=1.2,
    colorscale="Viridis",
    lines=[("alpha L = 2 + 2 beta", (2 + 2 * betas) / kappa, betas, "#D55E00")],
)
fig.update_xaxes(range=[alphas[0], alphas[-1]])
st.plotly_chart(fig, theme=None, key=f"{PAGE}:map")
