"""From toy surfaces to a real network: the loss landscape of a small MLP."""

import numpy as np
import streamlit as st

import network as m
import optimizers
import ui
import viz

PAGE = "mlp"
ui.page_setup("Neural network")
st.title("The loss landscape of a real (small) network")
st.write(
    "A 2-20-20-2 network (522 parameters) learns a toy data set. Its loss lives in 522 "
    "dimensions; we look at "
    "2-D slices through the final weights: along two random directions rescaled filter by filter "
    "(Li et al. 2018, so that slices of different networks are comparable), and along the two "
    "directions in which "
    "the training trajectory moved most (PCA)."
)
with st.expander("A note on the notes: is a network's loss convex?"):
    ui.notes_on_notes(network=True)

c = st.columns(4)
dataset = c[0].selectbox("data set", list(m.DATASETS), key=f"{PAGE}:data", bind=ui.LINK)
noise = c[1].slider("label noise", 0.0, 0.5, 0.15, 0.05, key=f"{PAGE}:noise", bind=ui.LINK)
init = c[2].selectbox("initialization", list(m.INITS), index=2, key=f"{PAGE}:init", bind=ui.LINK)
activation = c[3].selectbox("activation", list(m.ACTIVATIONS), key=f"{PAGE}:act", bind=ui.LINK)
c = st.columns(4)
standardized = c[0].toggle("standardize inputs", True, key=f"{PAGE}:std", bind=ui.LINK)
batch = c[1].select_slider(
    "mini-batch size", [1, 4, 8, 16, 32, 64, 128, 300], value=32, key=f"{PAGE}:batch", bind=ui.LINK
)
steps = c[2].select_slider(
    "steps", [100, 200, 500, 1000, 2000], value=500, key=f"{PAGE}:steps", bind=ui.LINK
)
seed = c[3].number_input("seed", 0, 1000, 0, key=f"{PAGE}:seed", bind=ui.LINK)
# the trainer takes every gradient at the weights: rules that take it elsewhere (eval_point:
# the notes' Nesterov, SAM, Schedule-Free) would silently run as another method
first_order = [
    n
    for n in optimizers.names()
    if not optimizers.get(n).needs_hessian and optimizers.get(n).eval_point is None
]
c = st.columns(2)
runs = []
for i, (col, (name, lr)) in enumerate(zip(c, [("adam", 0.01), ("sgd", 0.3)], strict=True)):
    with col:
        o = st.selectbox(
            f"optimizer {i + 1}",
            first_order,
            index=first_order.index(name),
            format_func=optimizers.titles().get,
            key=f"{PAGE}:opt{i}",
            bind=ui.LINK,
        )
        st.session_state.setdefault(f"{PAGE}:lr{i}:{o}", lr)
        runs.append(
            (o, ui.log_select("learning rate", 1e-4, 2.0, f"{PAGE}:lr{i}:{o}", bind=ui.LINK))
        )
compare = st.toggle(
    "train optimizer 2 as well (same initialization) and compare paths",
    True,
    key=f"{PAGE}:cmp",
    bind=ui.LINK,
)
res = ui.cached_mlp(
    dataset,
    float(noise),
    bool(standardized),
    (20, 20),
    activation,
    init,
    tuple(runs if compare else runs[:1]),
    int(batch),
    int(steps),
    int(seed),
)
trained = res["runs"]
labels = [f"{optimizers.get(o).title}, lr {lr:g}" for o, lr in (runs if compare else runs[:1])]
for lab, r in zip(labels, trained, strict=True):
    if r.diverged_at is not None:
        st.error(
            f"{lab} diverged at step {r.diverged_at}: the weights blew up. Lower its learning rate."
        )

left, right = st.columns(2)
t = np.arange(steps + 1)
series = []
for i, (lab, r) in enumerate(zip(labels, trained, strict=True)):
    series += [
        viz.Series(f"{lab} train", t, r.train_loss, viz.PALETTE[2 * i]),
        viz.Series(f"{lab} validation", t, r.val_loss, viz.PALETTE[2 * i + 1]),
    ]
left.plotly_chart(
    viz.curves_figure(series, title="cross-entropy loss", ylabel="loss", log_y=True, height=300),
    theme=None,
    key=f"{PAGE}:loss",
)
acc = [
    viz.Series(f"{lab} {k}", t, getattr(r, f"{k}_acc"), viz.PALETTE[2 * i + j])
    for i, (lab, r) in enumerate(zip(labels, trained, strict=True))
    for j, k in enumerate(("train", "val"))
]
left.plotly_chart(
    viz.curves_figure(acc, title="accuracy", ylabel="accuracy", height=300),
    theme=None,
    key=f"{PAGE}:acc",
)
xs, ys, prob = res["decision"]
right.plotly_chart(
    viz.decision_figure(
        xs, ys, prob, res["x"], res["y"], title=f"decision boundary ({labels[0]})", height=600
    ),
    theme=None,
    key=f"{PAGE}:dec",
)

left, right = st.columns(2)
rs = res["rand"]
left.plotly_chart(
    viz.slice_figure(
        rs.alphas,
        rs.betas,
        rs.loss,
        title="random filter-normalized directions",
        xlabel="direction 1",
        ylabel="direction 2",
    ),
    theme=None,
    key=f"{PAGE}:rand",
)
ps, pca = res["pslice"], res["pca"]
paths = [(lab, pca.coords[i], viz.PALETTE[i]) for i, lab in enumerate(labels)]
right.plotly_chart(
    viz.slice_figure(
        ps.alphas,
        ps.betas,
        ps.loss,
        paths=paths,
        xlabel=f"PC 1 ({pca.explained[0]:.0%} of the path's variance)",
        ylabel=f"PC 2 ({pca.explained[1]:.0%})",
        title="top-2 PCA directions of the trajectory",
    ),
    theme=None,
    key=f"{PAGE}:pca",
)
st.caption(
    "Caveat: a random direction in 522 dimensions is almost orthogonal to the training path, "
    "so the path would show as a "
    "dot on the left plot. The PCA plane is chosen to contain as much of the path as "
    "possible, but only the explained "
    "fraction lies in it: the drawn path is its shadow, and the contour under a point is the "
    "loss of the projected "
    "weights, not of the weights the optimizer actually visited."
)
tt, li = res["interp"]
st.plotly_chart(
    viz.curves_figure(
        [viz.Series("loss", tt, li, viz.PALETTE[0])],
        title="1-D interpolation from the initial to the final weights",
        ylabel="loss",
        xlabel="t  (0 = initial, 1 = final)",
        log_y=True,
        height=280,
    ),
    theme=None,
    key=f"{PAGE}:interp",
)
