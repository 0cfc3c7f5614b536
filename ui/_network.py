"""The network page's parts: its widgets (every one in the link, bad link values clamped with one
warning), the cached computations (one per view, so a view switch never retrains) and the views."""

from __future__ import annotations

import math
import threading

import numpy as np
import streamlit as st

import network
import viz

from ._cached import cached_mlp

P = "mlp"
LINK = "query-params"
LRS = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
SCHEDULES = ("constant", "step", "cosine", "warmup_cosine", "onecycle", "sgdr")
VIEWS = (
    "training", "landscape", "layers", "residual & LayerNorm", "ensembles", "averaging",
    "Muon (matrices)",
)  # fmt: skip


def _first_order() -> tuple[str, ...]:
    # every first-order rule (the gradient is taken where the rule says: eval_point) and Muon
    return tuple(network.opt_titles())


# name: (kind, choices or (low, high, step), default, label)
def specs() -> dict[str, tuple]:
    return {
        "data": ("select", network.DATASETS, "moons", "data set"),
        "noise": ("slider", (0.0, 0.5, 0.05), 0.15, "label noise"),
        "std": ("toggle", None, True, "standardize inputs"),
        "seed": ("number", (0, 1000, 1), 0, "seed"),
        "depth": ("slider", (1, network.MAX_DEPTH, 1), 2, "hidden layers"),
        "width": ("options", (4, 8, 16, 20, 32, 64), 20, "width"),
        "act": ("select", network.ACTIVATIONS, "tanh", "activation"),
        "init": ("select", network.INITS, "glorot", "initialization"),
        "scale": ("options", (0.1, 0.25, 0.5, 1.0, 2.0, 4.0), 1.0, "init scale"),
        "res": ("toggle", None, False, "residual connections"),
        "ln": ("toggle", None, False, "LayerNorm"),
        "batch": ("options", (1, 4, 8, 16, 32, 64, 128, 300), 32, "mini-batch size"),
        "steps": ("options", (100, 200, 500, 1000, 2000), 500, "steps"),
        "sched": ("select", SCHEDULES, "constant", "schedule"),
        "opt0": ("select", _first_order(), "adam", "optimizer 1"),
        "lr0": ("options", LRS, 0.01, "learning rate 1"),
        "opt1": ("select", _first_order(), "sgd", "optimizer 2"),
        "lr1": ("options", LRS, 0.3, "learning rate 2"),
        "cmp": ("toggle", None, True, "train optimizer 2 as well (same initialization)"),
        "view": ("radio", VIEWS, "training", "view"),
    }


def _clamp(kind, choices, default, raw: str):
    """The value a link's text ``raw`` stands for, clamped; ``None`` when it is already valid."""
    if kind in ("select", "radio"):
        return None if raw in choices else default
    if kind == "toggle":
        return None if raw.lower() in ("true", "false") else default
    try:
        v = float(raw)
    except ValueError:
        return default
    if not math.isfinite(v):
        return default
    if kind == "options":
        if v in choices:
            return None
        return min(choices, key=lambda c: abs(math.log(max(v, 1e-300)) - math.log(c)))
    lo, hi, _ = choices
    if lo <= v <= hi and ((kind == "slider" and isinstance(lo, float)) or v == int(v)):
        return None
    c = min(max(v, lo), hi)
    return type(lo)(round(c / choices[2]) * choices[2]) if isinstance(lo, float) else int(c)


def clamp_link() -> None:
    """On the page's first run in a session, every bad value of its link is replaced by the nearest
    allowed one; one warning says which."""
    fixed = []
    for name, (kind, choices, default, label) in specs().items():
        key = f"{P}:{name}"
        raw = st.query_params.get(key)
        if raw is None or key in st.session_state:
            continue
        v = _clamp(kind, choices, default, str(raw))
        if v is not None:
            st.session_state[key] = v
            fixed.append(f"{label} {str(raw)[:20]!r} -> {v}")
    if fixed:
        st.warning("Out-of-range values in the link were clamped: " + "; ".join(fixed))


def widget(where, name: str):
    kind, choices, default, label = specs()[name]
    kw = dict(key=f"{P}:{name}", bind=LINK)
    if kind == "select":
        fmt = network.opt_titles().get if name.startswith("opt") else str
        i = choices.index(default)
        return where.selectbox(label, choices, index=i, format_func=fmt, **kw)
    if kind == "radio":
        return where.radio(label, choices, choices.index(default), horizontal=True, **kw)
    if kind == "toggle":
        return where.toggle(label, default, **kw)
    if kind == "options":
        return where.select_slider(label, list(choices), value=default, **kw)
    lo, hi, step = choices
    if kind == "slider":
        return where.slider(label, lo, hi, default, step, **kw)
    return int(where.number_input(label, lo, hi, default, step, **kw))


def controls() -> tuple[network.Config, str]:
    clamp_link()
    v = {}
    for row in (
        ("data", "noise", "std", "seed"),
        ("depth", "width", "act", "init", "scale"),
        ("res", "ln", "batch", "steps", "sched"),
        ("opt0", "lr0", "opt1", "lr1"),
    ):
        for col, name in zip(st.columns(len(row)), row, strict=True):
            v[name] = widget(col, name)
    v["cmp"] = widget(st, "cmp")
    runs = ((v["opt0"], float(v["lr0"])), (v["opt1"], float(v["lr1"])))
    cfg = network.Config(
        v["data"], float(v["noise"]), bool(v["std"]), int(v["seed"]), int(v["depth"]),
        int(v["width"]), v["act"], v["init"], float(v["scale"]), bool(v["res"]), bool(v["ln"]),
        int(v["batch"]), int(v["steps"]), v["sched"], runs if v["cmp"] else runs[:1],
    )  # fmt: skip
    return cfg, widget(st, "view")


# --- cached computations: one per view, keyed on the Config (the view switch never retrains) -----


def _spin(cfg: network.Config, what: str) -> str:
    work = cfg.depth * cfg.width**2 * cfg.steps * len(cfg.runs)
    longer = " (a bigger network: a few seconds)" if work > 2e6 else ""
    return f"{what}{longer}..."


@st.cache_resource(max_entries=16, show_spinner=False)
def _decision(cfg):
    return network.views.decision(cfg, cached_mlp(cfg)[0])


@st.cache_resource(max_entries=8, show_spinner=False)
def _landscape(cfg):
    return network.views.landscape(cfg, cached_mlp(cfg))


@st.cache_resource(max_entries=8, show_spinner=False)
def _resln(cfg):
    return network.views.resln(cfg)


@st.cache_resource(max_entries=8, show_spinner=False)
def _ensembles(cfg):
    return network.views.ensembles(cfg, cached_mlp(cfg)[0])


@st.cache_resource(max_entries=8, show_spinner=False)
def _averaging(cfg):
    members = _ensembles(cfg)["members"]
    return network.views.averaging(cfg, cached_mlp(cfg)[0], members)


@st.cache_resource(max_entries=32, show_spinner=False)
def _warm(shape: tuple[int, int]) -> threading.Thread:
    """Compile the slice function of a new architecture in the background, once, while the
    reader looks at the training view (the landscape views then open without compiling)."""
    arch = network.Arch(*shape)
    z = np.zeros(arch.n_params)
    x, y = np.zeros((300, 2)), np.zeros(300, int)  # the page's data shape
    job = lambda: network.losses_at_plane(z, z, z, np.zeros((1, 2)), x, y, arch)
    t = threading.Thread(target=job, daemon=True, name="optiscape-warm-slice")
    t.start()
    return t


def runs(cfg: network.Config):
    with st.spinner(_spin(cfg, "Training the network"), show_time=True):
        trained = cached_mlp(cfg)
    _warm(cfg.arch.shape)
    for lab, r in zip(cfg.labels(), trained, strict=True):
        if r.diverged_at is not None:
            st.error(
                f"{lab} diverged at step {r.diverged_at}: the weights blew up. Lower its "
                "learning rate."
            )
    return trained


# --- the views ------------------------------------------------------------------------------------


def _chart(where, fig, key):
    where.plotly_chart(fig, theme=None, key=f"{P}:chart:{key}")


def show_training(cfg, trained) -> None:
    left, right = st.columns(2)
    loss, acc, marks = [], [], []
    for i, (lab, r) in enumerate(zip(cfg.labels(), trained, strict=True)):
        c0, c1 = viz.PALETTE[2 * i], viz.PALETTE[2 * i + 1]
        loss += [viz.Series(f"{lab} train", r.steps_at, r.train_loss, c0)]
        loss += [viz.Series(f"{lab} validation", r.steps_at, r.val_loss, c1)]
        acc += [viz.Series(f"{lab} train", r.steps_at, r.train_acc, c0)]
        acc += [viz.Series(f"{lab} validation", r.steps_at, r.val_acc, c1)]
        b = int(np.nanargmin(np.where(np.isfinite(r.val_loss), r.val_loss, np.inf)))
        marks.append(viz.Series(f"best validation ({lab})", r.steps_at[b], r.val_loss[b], c1))
    _chart(left, viz.curves_figure(loss, title="cross-entropy loss", ylabel="loss", log_y=True,
                                   height=300, marks=marks), "loss")  # fmt: skip
    _chart(left, viz.curves_figure(acc, title="accuracy", ylabel="accuracy", height=300), "acc")
    xs, ys, prob = _decision(cfg)
    x, y, _, _ = network.views.data(cfg)
    title = f"decision boundary ({cfg.labels()[0]})"
    _chart(right, viz.decision_figure(xs, ys, prob, x, y, title=title, height=600), "dec")
    r = trained[0]
    b = int(np.argmin(np.where(np.isfinite(r.val_loss), r.val_loss, np.inf)))
    st.caption(
        f"Validation set: 300 fresh points. {cfg.labels()[0]} with the {cfg.sched} schedule: "
        f"lowest validation loss {r.val_loss[b]:.4f} at step {r.steps_at[b]} (accuracy "
        f"{r.val_acc[b]:.1%}), final {r.val_loss[-1]:.4f} ({r.val_acc[-1]:.1%}). Stopping at the "
        "best validation step is early stopping."
    )


def show_landscape(cfg, trained) -> None:
    with st.spinner("Computing the slices...", show_time=True):
        v = _landscape(cfg)
    left, right = st.columns(2)
    rs, ps, pca = v["rand"], v["pslice"], v["pca"]
    fig = viz.slice_figure(rs.alphas, rs.betas, rs.loss, title="random filter-normalized "
                           "directions", xlabel="direction 1", ylabel="direction 2")  # fmt: skip
    _chart(left, fig, "rand")
    paths = [(lab, pca.coords[i], viz.PALETTE[i]) for i, lab in enumerate(cfg.labels())]
    fig = viz.slice_figure(ps.alphas, ps.betas, ps.loss, paths=paths,
                           xlabel=f"PC 1 ({pca.explained[0]:.0%} of the path's variance)",
                           ylabel=f"PC 2 ({pca.explained[1]:.0%})",
                           title="top-2 PCA directions of the trajectory")  # fmt: skip
    _chart(right, fig, "pca")
    st.caption(
        f"Caveat: a random direction in {cfg.arch.n_params} dimensions is almost orthogonal to "
        "the training path, so the path would show as a dot on the left plot. The PCA plane holds "
        "as much of the path as possible, but only the explained fraction lies in it: the drawn "
        "path is its shadow, and the contour under a point is the loss of the projected weights."
    )
    t, li = v["interp"]
    fig = viz.curves_figure([viz.Series("loss", t, li, viz.PALETTE[0])], log_y=True, height=280,
                            title="1-D interpolation from the initial to the final weights",
                            ylabel="loss", xlabel="t  (0 = initial, 1 = final)")  # fmt: skip
    _chart(st, fig, "interp")


def show_layers(cfg, trained) -> None:
    r, d = trained[0], cfg.depth
    names = [f"layer {i + 1}" for i in range(d)]
    pal = lambda i: viz.PALETTE[i % len(viz.PALETTE)]
    g = [viz.Series(n, r.steps_at, r.grad_norm[:, i], pal(i)) for i, n in enumerate(names)]
    a = [viz.Series(n, r.steps_at, r.act_std[:, i], pal(i)) for i, n in enumerate(names)]
    left, right = st.columns(2)
    log = bool(np.all(r.act_std > 0) and np.all(r.grad_norm > 0))  # a zero init: linear axes
    fig = viz.curves_figure(g, title="back-propagated |dL/dh| per layer", ylabel="norm", log_y=log)
    _chart(left, fig, "grad")
    fig = viz.curves_figure(a, title="spread (std) of each layer's output", ylabel="std", log_y=log)
    _chart(right, fig, "act")
    kind, q = network.views.gradient_verdict(r)
    what = {
        "vanishing": "the gradient **vanishes** toward the input (梯度消失)",
        "exploding": "the gradient **explodes** toward the input (梯度爆炸)",
        "balanced": "neither vanishing nor exploding",
        "zero": "every weight gradient is exactly zero",
    }[kind]
    ratio = "" if kind == "zero" else f" (|dL/dh| at layer 1 is {q:.3g} x the one at layer {d})"
    st.write(f"At the initial weights of this {d}-layer network: {what}{ratio}.")
    units = network.distinct_units(r.final, cfg.arch.sizes)
    if max(units) == 1:
        st.info(
            f"Symmetry: after training, each hidden layer still has {units[0]} distinct unit(s) "
            f"out of {cfg.width}: units that start equal get equal gradients and stay equal, so "
            "a constant (e.g. zero) initialization never breaks the symmetry."
        )


def show_resln(cfg) -> None:
    with st.spinner("Training the plain and the switched network...", show_time=True):
        v = _resln(cfg)
    p, w = v["plain"], v["with"]
    on = (("residual", w["arch"].residual), ("LayerNorm", w["arch"].layernorm))
    what = " + ".join(n for n, flag in on if flag)
    left, right = st.columns(2)
    for col, (name, e) in zip((left, right), (("plain", p), (f"with {what}", w)), strict=True):
        sl = e["slice"]
        title = f"{name}: roughness {e['roughness']:.3f}"
        _chart(col, viz.slice_figure(sl.alphas, sl.betas, sl.loss, title=title,
                                     xlabel="direction 1", ylabel="direction 2"), name)  # fmt: skip
    st.caption(
        f"Final training loss: plain {p['run'].train_loss[-1]:.3g}, with {what} "
        f"{w['run'].train_loss[-1]:.3g}; stars mark the final weights."
    )
    verdict = network.views.smoother_verdict(p["roughness"], w["roughness"])
    claim = "residual connections and normalisation make the landscape smoother (更平滑的优化地形)"
    text = {
        "smoother": f"Here the notes' claim holds: with {what} the slice is smoother",
        "rougher": f"Here the notes' claim does **not** hold: with {what} the slice is rougher",
        "same": f"Here the notes' claim does **not** show: with {what} the slice is about as rough",
    }[verdict]
    st.write(
        f"The notes: {claim}. {text} (roughness {w['roughness']:.3f} vs {p['roughness']:.3f} for "
        "the plain network; roughness = mean |discrete Laplacian| / mean |first difference| of "
        "the loss on the slice, both slices along filter-normalized directions). On a shallow "
        "network and toy data the effect can be absent; try 6-8 hidden layers."
    )


def show_ensembles(cfg) -> None:
    with st.spinner(_spin(cfg, "Training 10 more networks at once"), show_time=True):
        v = _ensembles(cfg)
    series = [
        viz.Series(name, np.arange(1, len(a) + 1), a, viz.PALETTE[i])
        for i, (name, a) in enumerate(v["acc"].items())
    ]
    fig = viz.curves_figure(series, title="validation accuracy of the ensemble (mean predicted "
                            "probability)", ylabel="accuracy", xlabel="ensemble size")  # fmt: skip
    _chart(st, fig, "ens")
    best = {k: (a[0], a[-1]) for k, a in v["acc"].items()}
    st.caption(
        "Over seeds: new initial weights and batch order, same learning rate; over learning "
        "rates: x1, 0.5, 2, 0.7, 1.4, same seed; over checkpoints: every 10th of the last 50 "
        "checkpoints of one run. "
        + "; ".join(f"{k}: {a:.1%} alone, {b:.1%} all together" for k, (a, b) in best.items())
    )


def show_averaging(cfg) -> None:
    with st.spinner(_spin(cfg, "Training the independent networks"), show_time=True):
        v = _averaging(cfg)
    st.dataframe(
        {
            "weights": [r[0] for r in v["table"]],
            "validation loss": [round(r[1], 4) for r in v["table"]],
            "validation accuracy": [f"{r[2]:.1%}" for r in v["table"]],
        },
        hide_index=True,
    )
    t = v["t"]
    series = [
        viz.Series("final -> SWA of the same run", t, v["along_run"], viz.PALETTE[0]),
        viz.Series("network A -> network B (independent seeds)", t, v["across"], viz.PALETTE[1]),
    ]
    fig = viz.curves_figure(series, title="training loss on the straight line between two "
                            "weight vectors", ylabel="loss", xlabel="t", log_y=True)  # fmt: skip
    _chart(st, fig, "barrier")
    st.caption(
        f"Interpolation barrier (max loss on the line minus the mean of its ends): "
        f"{v['barrier_run']:.3g} along one run, {v['barrier_independent']:.3g} between independent "
        "networks. Averages along one run stay in one basin; the average of two independently "
        "trained networks usually lands on the barrier (their hidden units are permuted), so "
        "average their predictions (an ensemble) instead."
    )


@st.cache_resource(max_entries=1, show_spinner=False)
def _matrix_race():
    from network import _matrix

    return _matrix.matrix_race()


def show_muon() -> None:
    with st.spinner("Racing Muon, Adam and SGD on an 8x8 matrix...", show_time=True):
        r = _matrix_race()
    names = {"muon": "Muon", "adam": "Adam", "sgd": "SGD"}
    left, right = st.columns(2)
    loss = [
        viz.Series(f"{names[k]}, lr {r.lrs[k]:g}", np.arange(len(ls)), ls, viz.PALETTE[i])
        for i, (k, ls) in enumerate(r.loss.items())
    ]
    fig = viz.curves_figure(loss, title="loss ½‖AW − B‖² (κ(A) = 10)", ylabel="loss",
                            xlabel="step", log_y=True)  # fmt: skip
    _chart(left, fig, "muon_loss")
    sv = [
        viz.Series(names[k], np.arange(1, s.shape[1] + 1), s[0], viz.PALETTE[i])
        for i, (k, s) in enumerate(r.sv.items())
    ]
    fig = viz.curves_figure(sv, title="singular values of the first update / lr", log_y=True,
                            ylabel="σ / lr", xlabel="index (largest first)")  # fmt: skip
    _chart(right, fig, "muon_sv")
    st.write(network.views.muon_summary(r))
    st.caption(
        "Muon (optax.contrib.muon) orthogonalises the momentum of a weight matrix with five "
        "Newton-Schulz steps. It needs a matrix: on the 2-D maps there is none, so it is offered "
        "only here and as optimizer 1 or 2 above, where it updates the hidden-to-hidden weight "
        "matrices and AdamW the biases, the input and the output layer (with one hidden layer "
        "there is no hidden-to-hidden matrix: it is then AdamW)."
    )
