"""The network page's parts: its widgets (every one in the link, bad link values clamped with one
warning), the cached computations (one per view, so a view switch never retrains) and the views."""

from __future__ import annotations

import math
import threading

import numpy as np
import streamlit as st

import network
import viz
from i18n import N_

from ._i18n import _, lang
from ._select import choice

P = "mlp"
LINK = "query-params"
LRS = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
SCHEDULES = ("constant", "step", "cosine", "warmup_cosine", "onecycle", "sgdr")
VIEWS = (
    "training", "landscape", "layers", "residual & LayerNorm", "ensembles", "averaging",
    "Muon (matrices)",
)  # fmt: skip
# the words shown for the choices (the link keeps the English keys)
SHOWN = {
    "moons": N_("moons"), "spirals": N_("spirals"), "xor": N_("XOR"), "gaussian": N_("Gaussian"),
    "uniform": N_("uniform"), "glorot": N_("Glorot"), "he": N_("He"),
    "orthogonal": N_("orthogonal"), "zeros": N_("zeros"), "constant": N_("constant"),
    "step": N_("step decay"), "cosine": N_("cosine"), "warmup_cosine": N_("warm-up + cosine"),
    "onecycle": N_("one-cycle"), "sgdr": N_("SGDR (warm restarts)"), "training": N_("training"),
    "landscape": N_("landscape"), "layers": N_("layers"),
    "residual & LayerNorm": N_("residual & LayerNorm"), "ensembles": N_("ensembles"),
    "averaging": N_("averaging"), "Muon (matrices)": N_("Muon (matrices)"),
}  # fmt: skip


def _first_order() -> tuple[str, ...]:
    # every first-order rule (the gradient is taken where the rule says: eval_point) and Muon
    return tuple(network.opt_titles())


# name: (kind, choices or (low, high, step), default, label)
def specs() -> dict[str, tuple]:
    return {
        "data": ("select", network.DATASETS, "moons", N_("data set")),
        "noise": ("slider", (0.0, 0.5, 0.05), 0.15, N_("label noise")),
        "std": ("toggle", None, True, N_("standardize inputs")),
        "seed": ("number", (0, 1000, 1), 0, N_("seed")),
        "depth": ("slider", (1, network.MAX_DEPTH, 1), 2, N_("hidden layers")),
        "width": ("options", (4, 8, 16, 20, 32, 64), 20, N_("width")),
        "act": ("select", network.ACTIVATIONS, "tanh", N_("activation")),
        "init": ("select", network.INITS, "glorot", N_("initialization")),
        "scale": ("options", (0.1, 0.25, 0.5, 1.0, 2.0, 4.0), 1.0, N_("init scale")),
        "res": ("toggle", None, False, N_("residual connections")),
        "ln": ("toggle", None, False, "LayerNorm"),
        "batch": ("options", (1, 4, 8, 16, 32, 64, 128, 300), 32, N_("mini-batch size")),
        "steps": ("options", (100, 200, 500, 1000, 2000), 500, N_("steps")),
        "sched": ("select", SCHEDULES, "constant", N_("schedule")),
        "opt0": ("select", _first_order(), "adam", N_("optimizer 1")),
        "lr0": ("options", LRS, 0.01, N_("learning rate 1")),
        "opt1": ("select", _first_order(), "sgd", N_("optimizer 2")),
        "lr1": ("options", LRS, 0.3, N_("learning rate 2")),
        "cmp": ("toggle", None, True, N_("train optimizer 2 as well (same initialization)")),
        "view": ("radio", VIEWS, "training", N_("view")),
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
            fixed.append(f"{_(label)} {str(raw)[:20]!r} -> {v}")
    if fixed:
        st.warning(_("Out-of-range values in the link were clamped:") + " " + "; ".join(fixed))


def widget(where, name: str):
    kind, choices, default, label = specs()[name]
    label = _(label)
    kw = dict(key=f"{P}:{name}", bind=LINK)
    shown = lambda k: _(SHOWN.get(k, k))
    # a choice's link holds the option (e.g. ``layers``), not its label in the page's language:
    # Streamlit's own binding took only the label, so a ``lang=zh`` link lost its view (ui.choice)
    if kind == "select":
        fmt = (lambda k: _(network.opt_titles()[k])) if name.startswith("opt") else shown
        return choice("selectbox", label, choices, key=kw["key"], format_func=fmt,
                      default=default, container=where)  # fmt: skip
    if kind == "radio":
        return choice("radio", label, choices, key=kw["key"], format_func=shown, default=default,
                      container=where, horizontal=True)  # fmt: skip
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
    longer = _(" (a bigger network: a few seconds)") if work > 2e6 else ""
    return f"{what}{longer}..."


@st.cache_resource(max_entries=16, show_spinner=False)
def _box(cfg: network.Config) -> dict:
    """One configuration's runs, filled once by the first session that trains them (under its
    lock, so a second session waits instead of training them again); shared, never modified."""
    return {"lock": threading.Lock()}


def _trained(cfg: network.Config, progress=None) -> list[network.MLPRun]:
    """The runs of ``cfg`` (trained now if no session has; a rerun that interrupts the training
    leaves the box empty)."""
    box = _box(cfg)
    with box["lock"]:
        if "runs" not in box:
            box["runs"] = network.views.train(cfg, progress=progress)
    return box["runs"]


@st.cache_resource(max_entries=16, show_spinner=False)
def _decision(cfg):
    return network.views.decision(cfg, _trained(cfg)[0])


@st.cache_resource(max_entries=8, show_spinner=False)
def _landscape(cfg):
    return network.views.landscape(cfg, _trained(cfg))


@st.cache_resource(max_entries=8, show_spinner=False)
def _resln(cfg):
    return network.views.resln(cfg)


@st.cache_resource(max_entries=8, show_spinner=False)
def _ensembles(cfg):
    return network.views.ensembles(cfg, _trained(cfg)[0])


@st.cache_resource(max_entries=8, show_spinner=False)
def _averaging(cfg):
    members = _ensembles(cfg)["members"]
    return network.views.averaging(cfg, _trained(cfg)[0], members)


@st.cache_resource(max_entries=32, show_spinner=False)
def _warm(width: int) -> threading.Thread:
    """Compile the slice function of a new padded width (it serves every depth and narrower width)
    in the background, once, while the reader looks at the training view (the landscape views then
    open without compiling)."""
    arch = network.Arch(2, width)
    z = np.zeros(arch.n_params)
    x, y = np.zeros((300, 2)), np.zeros(300, int)  # the page's data shape
    job = lambda: network.losses_at_plane(z, z, z, np.zeros((1, 2)), x, y, arch)
    t = threading.Thread(target=job, daemon=True, name="optiscape-warm-slice")
    t.start()
    return t


def runs(cfg: network.Config):
    """The runs of ``cfg``; while they train, a progress bar with the step count (the training
    runs in chunks of steps; a widget changed meanwhile reruns the page at the next chunk)."""
    if "runs" in _box(cfg):
        trained = _trained(cfg)
    else:
        labels = cfg.labels()
        bar = st.progress(0.0, text=_spin(cfg, _("Training the network")))

        def tick(i: int, done: int, total: int) -> None:
            text = _("Training {run}: step {t} of {n}").format(run=labels[i], t=done, n=total)
            bar.progress(min(1.0, (i + done / total) / len(labels)), text=text)

        trained = _trained(cfg, tick)
        bar.empty()
    _warm(network.padded_width(cfg.width))
    for lab, r in zip(cfg.labels(), trained, strict=True):
        if r.diverged_at is not None:
            st.error(
                _(
                    "{run} diverged at step {t}: the weights blew up. Lower its learning rate."
                ).format(run=lab, t=r.diverged_at)
            )
    return trained


# --- the views ------------------------------------------------------------------------------------


def _chart(where, fig, key):
    where.plotly_chart(fig, theme=None, key=f"{P}:chart:{key}")


#: a row's parts (a container keyed ``mlp-row-...``): each at least 460 px wide, side by side
#: while they fit, else one under the other (a constant: ``st.html`` never gets built text)
_ROW_CSS = (
    "<style>[class*='st-key-mlp-row-'] > div { flex: 1 1 460px !important; "
    "min-width: min(460px, 100%) !important; }</style>"
)


def _row(name: str, n: int = 2) -> list:
    """``n`` containers side by side where the page is wide enough for each to be 460 px wide,
    else one under the other at the page's full width (at 1024 px with the sidebar open two
    columns were 274 px wide each: legends took half of each chart). Streamlit's columns stack
    only below a 640 px window; this row wraps at its own width."""
    st.html(_ROW_CSS)
    row = st.container(horizontal=True, key=f"{P}-row-{name}", gap="medium")
    return [row.container() for _ in range(n)]


def show_training(cfg, trained) -> None:
    left, right = _row("training")
    loss, acc, marks = [], [], []
    for i, (lab, r) in enumerate(zip(cfg.labels(), trained, strict=True)):
        c0, c1 = viz.PALETTE[2 * i], viz.PALETTE[2 * i + 1]
        tr, va = _("{run} train").format(run=lab), _("{run} validation").format(run=lab)
        loss += [viz.Series(tr, r.steps_at, r.train_loss, c0)]
        loss += [viz.Series(va, r.steps_at, r.val_loss, c1)]
        acc += [viz.Series(tr, r.steps_at, r.train_acc, c0)]
        acc += [viz.Series(va, r.steps_at, r.val_acc, c1)]
        b = int(np.nanargmin(np.where(np.isfinite(r.val_loss), r.val_loss, np.inf)))
        best = _("best validation ({run})").format(run=lab)
        marks.append(viz.Series(best, r.steps_at[b], r.val_loss[b], c1))
    _chart(left, viz.curves_figure(loss, title=_("cross-entropy loss"), ylabel=_("loss"),
                                   xlabel=_("step"), log_y=True, height=340, marks=marks,
                                   marks_name=_("lowest validation loss"), y_ticks=5,
                                   lang=lang()),
           "loss")  # fmt: skip
    _chart(left, viz.curves_figure(acc, title=_("accuracy"), ylabel=_("accuracy"),
                                   xlabel=_("step"), height=300, lang=lang()), "acc")  # fmt: skip
    xs, ys, prob = _decision(cfg)
    x, y, _xv, _yv = network.views.data(cfg)
    title = _("decision boundary ({run})").format(run=cfg.labels()[0])
    _chart(
        right, viz.decision_figure(xs, ys, prob, x, y, title=title, height=600, lang=lang()), "dec"
    )
    r = trained[0]
    b = int(np.argmin(np.where(np.isfinite(r.val_loss), r.val_loss, np.inf)))
    st.caption(
        _(
            "Validation set: 300 fresh points. {run} with the {sched} schedule: lowest "
            "validation loss {best} at step {t} (accuracy {acc}), final {final} ({facc}). "
            "Stopping at the best validation step is early stopping."
        ).format(
            run=cfg.labels()[0],
            sched=_(SHOWN[cfg.sched]),
            best=f"{r.val_loss[b]:.4f}",
            t=r.steps_at[b],
            acc=f"{r.val_acc[b]:.1%}",
            final=f"{r.val_loss[-1]:.4f}",
            facc=f"{r.val_acc[-1]:.1%}",
        )
    )


def show_landscape(cfg, trained) -> None:
    with st.spinner(_("Computing the slices..."), show_time=True):
        v = _landscape(cfg)
    left, right = _row("landscape")
    rs, ps, pca = v["rand"], v["pslice"], v["pca"]
    fig = viz.slice_figure(rs.alphas, rs.betas, rs.loss,
                           title=_("random filter-normalized directions"),
                           xlabel=_("direction 1"), ylabel=_("direction 2"),
                           lang=lang())  # fmt: skip
    _chart(left, fig, "rand")
    paths = [(lab, pca.coords[i], viz.PALETTE[i]) for i, lab in enumerate(cfg.labels())]
    fig = viz.slice_figure(ps.alphas, ps.betas, ps.loss, paths=paths,
                           xlabel=_("PC 1 ({v} of the path's variance)").format(
                               v=f"{pca.explained[0]:.0%}"),
                           ylabel=f"PC 2 ({pca.explained[1]:.0%})",
                           title=_("top-2 PCA directions of the trajectory"),
                           lang=lang())  # fmt: skip
    _chart(right, fig, "pca")
    st.caption(
        _(
            "Caveat: a random direction in {n} dimensions is almost orthogonal to the training "
            "path, so the path would show as a dot on the random directions' plot. The PCA plane "
            "holds as much of the path as possible, but only the explained fraction lies in it: "
            "the drawn path is its shadow, and the contour under a point is the loss of the "
            "projected weights."
        ).format(n=cfg.arch.n_params)
    )
    t, li = v["interp"]
    fig = viz.curves_figure([viz.Series(_("loss"), t, li, viz.PALETTE[0])], log_y=True,
                            height=280,
                            title=_("1-D interpolation from the initial to the final weights"),
                            ylabel=_("loss"), xlabel=_("t  (0 = initial, 1 = final)"),
                            lang=lang())  # fmt: skip
    _chart(st, fig, "interp")


def show_layers(cfg, trained) -> None:
    r, d = trained[0], cfg.depth
    names = [_("layer {i}").format(i=i + 1) for i in range(d)]
    pal = lambda i: viz.PALETTE[i % len(viz.PALETTE)]
    g = [viz.Series(n, r.steps_at, r.grad_norm[:, i], pal(i)) for i, n in enumerate(names)]
    a = [viz.Series(n, r.steps_at, r.act_std[:, i], pal(i)) for i, n in enumerate(names)]
    left, right = _row("layers")
    log = bool(np.all(r.act_std > 0) and np.all(r.grad_norm > 0))  # a zero init: linear axes
    fig = viz.curves_figure(g, title=_("back-propagated |dL/dh| per layer"), ylabel=_("norm"),
                            xlabel=_("step"), log_y=log, lang=lang())  # fmt: skip
    _chart(left, fig, "grad")
    fig = viz.curves_figure(a, title=_("spread (std) of each layer's output"), ylabel="std",
                            xlabel=_("step"), log_y=log, lang=lang())  # fmt: skip
    _chart(right, fig, "act")
    kind, q = network.views.gradient_verdict(r)
    what = {
        "vanishing": _("the gradient **vanishes** toward the input (梯度消失)"),
        "exploding": _("the gradient **explodes** toward the input (梯度爆炸)"),
        "balanced": _("neither vanishing nor exploding"),
        "zero": _("every weight gradient is exactly zero"),
    }[kind]
    ratio = (
        ""
        if kind == "zero"
        else _(" (|dL/dh| at layer 1 is {q} x the one at layer {d})").format(q=f"{q:.3g}", d=d)
    )
    st.write(
        _("At the initial weights of this {d}-layer network: {what}{ratio}.").format(
            d=d, what=what, ratio=ratio
        )
    )
    units = network.distinct_units(r.final, cfg.arch.sizes)
    if max(units) == 1:
        st.info(
            _(
                "Symmetry: after training, each hidden layer still has {u} distinct unit(s) out "
                "of {w}: units that start equal get equal gradients and stay equal, so a constant "
                "(e.g. zero) initialization never breaks the symmetry."
            ).format(u=units[0], w=cfg.width)
        )


def show_resln(cfg) -> None:
    with st.spinner(_("Training the plain and the switched network..."), show_time=True):
        v = _resln(cfg)
    p, w = v["plain"], v["with"]
    on = ((_("residual"), w["arch"].residual), ("LayerNorm", w["arch"].layernorm))
    what = " + ".join(n for n, flag in on if flag)
    left, right = _row("resln")
    named = (("plain", _("plain"), p), ("with", _("with {what}").format(what=what), w))
    for col, (key, name, e) in zip((left, right), named, strict=True):
        sl = e["slice"]
        title = _("{name}: roughness {r}").format(name=name, r=f"{e['roughness']:.3f}")
        _chart(col, viz.slice_figure(sl.alphas, sl.betas, sl.loss, title=title,
                                     xlabel=_("direction 1"), ylabel=_("direction 2"),
                                     lang=lang()),
               key)  # fmt: skip
    st.caption(
        _("Final training loss: plain {a}, with {what} {b}; stars mark the final weights.").format(
            a=f"{p['run'].train_loss[-1]:.3g}", what=what, b=f"{w['run'].train_loss[-1]:.3g}"
        )
    )
    verdict = network.views.smoother_verdict(p["roughness"], w["roughness"])
    claim = _(
        "residual connections and normalisation make the landscape smoother (更平滑的优化地形)"
    )
    text = {
        "smoother": _("Here the notes' claim holds: with {what} the slice is smoother"),
        "rougher": _("Here the notes' claim does **not** hold: with {what} the slice is rougher"),
        "same": _(
            "Here the notes' claim does **not** show: with {what} the slice is about as rough"
        ),
    }[verdict].format(what=what)
    st.write(
        _(
            "The notes: {claim}. {text} (roughness {a} vs {b} for the plain network; roughness "
            "= mean |discrete Laplacian| / mean |first difference| of the loss on the slice, both "
            "slices along filter-normalized directions). On a shallow network and toy data the "
            "effect can be absent; try 6-8 hidden layers."
        ).format(claim=claim, text=text, a=f"{w['roughness']:.3f}", b=f"{p['roughness']:.3f}")
    )


def show_ensembles(cfg) -> None:
    with st.spinner(_spin(cfg, _("Training 9 more networks at once")), show_time=True):
        v = _ensembles(cfg)
    series = [
        viz.Series(_(name), np.arange(1, len(a) + 1), a, viz.PALETTE[i])
        for i, (name, a) in enumerate(v["acc"].items())
    ]
    fig = viz.curves_figure(series, title=_("validation accuracy of the ensemble"),
                            ylabel=_("accuracy"), xlabel=_("ensemble size"), x_integer=True,
                            lang=lang())  # fmt: skip
    for tr, dash in zip(fig.data, ("solid", "dash", "dot"), strict=False):
        tr.line.dash = dash  # (curves that end at the same accuracy stay told apart)
    _chart(st, fig, "ens")
    best = {k: (a[0], a[-1]) for k, a in v["acc"].items()}
    each = _("{k}: {a} alone, {b} all together")
    st.caption(
        _("The ensemble predicts the mean of its members' predicted probabilities.")
        + " "
        + _(
            "Over seeds: new initial weights and batch order, same learning rate; over learning "
            "rates: x1, 0.5, 2, 0.7, 1.4, same seed; over checkpoints: every 10th of the last 50 "
            "checkpoints of one run."
        )
        + " "
        + "; ".join(each.format(k=_(k), a=f"{a:.1%}", b=f"{b:.1%}") for k, (a, b) in best.items())
    )


def show_averaging(cfg) -> None:
    with st.spinner(_spin(cfg, _("Training the independent networks")), show_time=True):
        v = _averaging(cfg)
    st.dataframe(
        {
            _("weights"): [_(r[0]) for r in v["table"]],
            _("validation loss"): [round(r[1], 4) for r in v["table"]],
            _("validation accuracy"): [f"{r[2]:.1%}" for r in v["table"]],
        },
        hide_index=True,
    )
    t = v["t"]
    series = [
        viz.Series(_("final -> SWA of the same run"), t, v["along_run"], viz.PALETTE[0]),
        viz.Series(_("network A -> network B (independent seeds)"), t, v["across"],
                   viz.PALETTE[1]),
    ]  # fmt: skip
    title = _("training loss on the straight line between two weight vectors")
    fig = viz.curves_figure(
        series, title=title, ylabel=_("loss"), xlabel="t", log_y=True, lang=lang()
    )
    _chart(st, fig, "barrier")
    st.caption(
        _(
            "Interpolation barrier (max loss on the line minus the mean of its ends): {a} along "
            "one run, {b} between independent networks. Averages along one run stay in one "
            "basin; the average of two independently trained networks usually lands on the "
            "barrier (their hidden units are permuted), so average their predictions (an "
            "ensemble) instead."
        ).format(a=f"{v['barrier_run']:.3g}", b=f"{v['barrier_independent']:.3g}")
    )


@st.cache_resource(max_entries=1, show_spinner=False)
def _matrix_race():
    from network import _matrix

    return _matrix.matrix_race()


def show_muon() -> None:
    with st.spinner(_("Racing Muon, Adam and SGD on an 8x8 matrix..."), show_time=True):
        r = _matrix_race()
    names = {"muon": "Muon", "adam": "Adam", "sgd": "SGD"}
    left, right = _row("muon")
    loss = [
        viz.Series(f"{names[k]}, lr {r.lrs[k]:g}", np.arange(len(ls)), ls, viz.PALETTE[i])
        for i, (k, ls) in enumerate(r.loss.items())
    ]
    fig = viz.curves_figure(loss, title=_("loss ½‖AW − B‖² (κ(A) = 10)"), ylabel=_("loss"),
                            xlabel=_("step"), log_y=True, lang=lang())  # fmt: skip
    _chart(left, fig, "muon_loss")
    sv = [
        viz.Series(names[k], np.arange(1, s.shape[1] + 1), s[0], viz.PALETTE[i])
        for i, (k, s) in enumerate(r.sv.items())
    ]
    fig = viz.curves_figure(sv, title=_("singular values of the first update / lr"),
                            log_y=True, ylabel="σ / lr",
                            xlabel=_("index (largest first)"), lang=lang())  # fmt: skip
    _chart(right, fig, "muon_sv")
    st.write(network.views.muon_summary(r, lang=lang()))
    st.caption(
        _(
            "Muon (optax.contrib.muon) orthogonalises the momentum of a weight matrix with five "
            "Newton-Schulz steps. It needs a matrix: on the 2-D maps there is none, so it is "
            "offered only here and as optimizer 1 or 2 above, where it updates the "
            "hidden-to-hidden weight matrices and AdamW the biases, the input and the output "
            "layer (with one hidden layer there is no hidden-to-hidden matrix: it is then AdamW)."
        )
    )
