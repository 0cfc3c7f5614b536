"""Theory on quadratics: predicted vs measured convergence rates, and the (alpha, beta) map."""

import numpy as np
import streamlit as st

import engine
import landscapes
import lessons
import ui
import viz

PAGE = "quad"
ui.page_setup("Quadratic theory")
st.title("Convergence on a quadratic")
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    r"On $f = \tfrac12 x^\top A x$ with eigenvalues $\mu = 1$ and $L = \kappa$ every method "
    r"is a linear recurrence, "
    "so its rate can be predicted exactly. The dashed lines are the predictions, the solid "
    "lines what the engine measured."
)

kappa = st.select_slider(
    "condition number kappa",
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
if st.button("Set optimal alpha, beta", type="primary", key=f"{PAGE}:optimal") or (
    new_kappa
    and not (first and any(k.startswith((f"{PAGE}:a_", f"{PAGE}:b_")) for k in link.given))
):
    for m, (a, b) in opt.items():
        st.session_state[f"{PAGE}:a_{m}"] = float(a)
        st.session_state[f"{PAGE}:b_{m}"] = float(b)
names = {
    "gd": ("Gradient descent", "sgd"),
    "heavy_ball": ("Heavy ball", "momentum"),
    "nesterov": ("Nesterov", "nesterov"),
}
cols = st.columns(3)
params = {}
for col, (m, (title, _)) in zip(cols, names.items(), strict=True):
    col.markdown(f"**{title}**")
    a = col.number_input("alpha", 1e-6, 10.0, key=f"{PAGE}:a_{m}", bind=ui.LINK, format="%.5g")
    b = (
        0.0
        if m == "gd"
        else col.number_input("beta", 0.0, 0.9999, key=f"{PAGE}:b_{m}", bind=ui.LINK, format="%.5g")
    )
    params[m] = (a, b)
link.check()

scape = landscapes.get("quadratic", kappa=float(kappa), angle=0.0)
steps = 300
series, rows = [], []
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
    series.append(viz.Series(f"{title} (measured)", t, norm, color))
    series.append(viz.Series(f"{title} predicted rho={rho:.4f}", t, norm[0] * rho**t, color))
    rows.append(
        {
            "method": title,
            "alpha": f"{a:.5g}",
            "beta": f"{b:.5g}",
            "predicted rate": f"{rho:.5f}",
            "measured rate": "diverged" if tr.diverged_at else f"{meas:.5f}",
            "steps to 1e-6": str(int(np.argmax(norm < 1e-6 * norm[0])))
            if (norm < 1e-6 * norm[0]).any()
            else "> 300",
        }
    )
fig = viz.curves_figure(
    series, title="distance to the minimum ||x_t||", ylabel="||x_t||", log_y=True, height=420
)
for tr_ in fig.data[1::2]:
    tr_.line.dash = "dash"
st.plotly_chart(fig, theme=None, key=f"{PAGE}:rates")
st.dataframe(rows, hide_index=True, width="stretch")

st.header("Where heavy ball converges")
st.write(
    r"Rate of heavy ball over $(\alpha, \beta)$. It is stable only where $\alpha L < 2 + "
    r"2\beta$ (right of the dashed line it diverges); "
    r"the best rate, $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$, sits at the star."
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
    title=f"heavy-ball rate, kappa = {kappa}",
    zlabel="rate",
    best=(a_opt, b_opt),
    zmin=float(z.min()),
    zmax=1.2,
    colorscale="Viridis",
    lines=[("alpha L = 2 + 2 beta", (2 + 2 * betas) / kappa, betas, "#D55E00")],
)
fig.update_xaxes(range=[alphas[0], alphas[-1]])
st.plotly_chart(fig, theme=None, key=f"{PAGE}:map")
