"""Batch size and noise: real mini-batches on a finite sum (least squares, logistic regression)."""

import streamlit as st

import optimizers
import ui
import viz
from lessons import _minibatch as mb
from ui import _minibatch as cached
from ui._i18n import lang

_ = ui.t
PAGE = "batch"
KINDS = {"least_squares": _("Least squares"), "logistic": _("Logistic regression")}
BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256]
ui.page_setup("Batch size and noise")
st.title(_("Batch size and gradient noise"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(_(
    r"The loss is a sum over the data, $f(w) = \frac1N\sum_i f_i(w)$; a step uses a *mini-batch* "
    r"of $B$ examples, $g_B = \frac1B\sum_{i\in\mathcal B}\nabla f_i(w)$. Here the examples are "
    "real (made in code, shown below), shuffled every epoch and taken without replacement, so "
    "the noise is that of real training: its size and shape depend on where you are."
))  # fmt: skip
c1, c2, c3, c4 = st.columns(4)
kind = c1.selectbox(_("problem"), list(KINDS), format_func=KINDS.get, key=f"{PAGE}:kind",
                    bind=ui.LINK)  # fmt: skip
titles = optimizers.titles()
name = c2.selectbox(
    _("optimizer"), ["sgd", "momentum", "adam", "rmsprop", "adagrad"],
    format_func=lambda k: _(titles[k]), key=f"{PAGE}:opt", bind=ui.LINK,
)  # fmt: skip
batch = c3.select_slider(_("batch size B"), BATCHES, value=8, key=f"{PAGE}:B", bind=ui.LINK)
st.session_state.setdefault(f"{PAGE}:lr", 0.05)
with c4:
    lr = ui.log_select(_("learning rate"), 1e-4, 1.0, f"{PAGE}:lr", bind=ui.LINK)
c1, c2 = st.columns(2)
steps = c1.slider(_("steps"), 10, 2000, 300, 10, key=f"{PAGE}:steps", bind=ui.LINK)
seed = c2.number_input(_("seed"), 0, 10_000, 0, key=f"{PAGE}:seed", bind=ui.LINK)
prob = cached.problem(kind)
r = cached.run(kind, name, float(lr), int(batch), int(steps), int(seed))
if r.diverged:
    st.warning(_("The run diverged: learning rate {lr} is too large for batch size {b}.").format(
        lr=f"{lr:g}", b=batch))  # fmt: skip

st.header(_("1. The full-batch surface and one mini-batch's surface"))
k = st.slider(_("show the mini-batch of step"), 1, int(steps), 1, key=f"{PAGE}:k", bind=ui.LINK)
idx, _b, _s = mb.batch_plan(prob.n, int(batch), int(k), seed=int(seed))
xs, ys, z_full = cached.grid(kind, None)
_x, _y, z_batch = cached.grid(kind, tuple(int(i) for i in idx[k - 1]))
st.plotly_chart(
    viz.batch_maps_figure(xs, ys, z_full, z_batch, r.points, k, prob.w_star, batch=int(batch),
                          lang=lang()),
    theme=None, key=f"{PAGE}:maps",
)  # fmt: skip
st.caption(_(
    "Each mini-batch has its own surface with its own minimum; a step goes downhill on the "
    "batch's surface, not on the full one. With B = N both maps are the same."
))  # fmt: skip
st.plotly_chart(
    viz.data_figure(prob.a, prob.b, idx[k - 1], kind=kind, lang=lang()), theme=None,
    key=f"{PAGE}:data",
)  # fmt: skip

st.header(_("2. The noise shrinks with B, and its mean is the full gradient"))
start = (float(r.points[0, 0]), float(r.points[0, 1]))
rows = cached.noise_table(kind, start, (1, 4, 16, 64, prob.n), lang())
st.dataframe(rows, hide_index=True, width="stretch")
st.caption(_(
    r"4,000 mini-batches at the start point: their mean is the full gradient, and their "
    r"covariance is $\frac{N-B}{B(N-1)}\Sigma$ ($\Sigma$: the covariance of the per-example "
    "gradients there), zero at B = N. Four times the batch halves the noise's standard "
    "deviation (a little more than halves it, since batches are drawn without replacement)."
))  # fmt: skip

st.header(_("3. Small batches need small learning rates"))
sw = cached.sweep(kind, int(seed))
st.plotly_chart(
    viz.lr_sweep_figure(sw, good_gap=mb.GOOD_GAP, steps=mb.SWEEP_STEPS, lang=lang()),
    theme=None, key=f"{PAGE}:sweep",
)  # fmt: skip
st.write(mb.sweep_summary(sw, lang=lang()))
st.caption(_(
    "Each point is a run of plain SGD from the same start with the same seed; crosses: the run "
    "ended above where it started. Dotted: 1% of the starting loss gap; ringed: each batch "
    "size's largest rate below it."
))  # fmt: skip

st.header(_("4. The linear scaling rule"))
kk = st.select_slider(_("scale B and the rate by"), [2, 4, 8], value=4, key=f"{PAGE}:kk",
                      bind=ui.LINK)  # fmt: skip
a, b, gap = cached.scaling(kind, float(lr), int(batch), int(kk), 10, int(seed))
series = [
    viz.Series(f"B={batch}, lr={lr:g}", a.epochs, a.loss - prob.f_star, viz.PALETTE[0]),
    viz.Series(f"B={min(prob.n, batch * kk)}, lr={lr * kk:g}", b.epochs, b.loss - prob.f_star,
               viz.PALETTE[1]),
]  # fmt: skip
st.plotly_chart(
    viz.curves_figure(series, title=_("loss gap per epoch (plain SGD)"), ylabel="f - f*",
                      xlabel=_("epochs (samples processed / N)"), log_y=True, lang=lang()),
    theme=None, key=f"{PAGE}:scaling",
)  # fmt: skip
verdict = mb.scaling_verdict(gap)
st.write(_(
    "Multiplying B and the rate by {k} gives the same curve per sample to within {gap} "
    "decades: the rule **{verdict}** here. It is a first-order argument ({k} small steps "
    "are about one step of the summed size); it breaks when the rate is large, which is why "
    "large-batch training warms the rate up (Goyal et al. 2017)."
).format(k=kk, gap=f"{gap:.2f}", verdict=_(verdict)))  # fmt: skip

st.header(_("5. A constant rate stalls at a noise floor"))
epochs = st.slider(_("epochs"), 10, 60, 40, 10, key=f"{PAGE}:epochs", bind=ui.LINK)
link.check()
race = cached.race(kind, float(lr), int(batch), int(epochs), int(seed))
series = [
    viz.Series(_(label), run.epochs, run.loss - prob.f_star, viz.PALETTE[i])
    for i, (label, run) in enumerate(race.runs.items())
]
st.plotly_chart(
    viz.curves_figure(series, title=_("plain SGD, the same data: four ways to lower the noise"),
                      ylabel="f - f*", xlabel=_("epochs"), log_y=True, height=380, lang=lang()),
    theme=None, key=f"{PAGE}:race",
)  # fmt: skip
floors = race.floors()
st.dataframe(
    [
        {_("method"): _(m), _("loss gap, last 20% of the steps"): f"{floors[m]:.3g}",
         _("updates"): len(run.batch), _("final B"): int(run.batch[-1]),
         _("final rate"): f"{run.lr[-1]:.3g}"}
        for m, run in race.runs.items()
    ],
    hide_index=True, width="stretch",
)  # fmt: skip
st.write(mb.floor_summary(race, lang=lang()))
st.caption(_(
    "Step decay divides the rate by 2 every 8 epochs; the growing batch doubles B as often at a "
    "constant rate (Smith et al. 2018); reduce on plateau (optax.contrib.reduce_on_plateau) "
    "halves the rate (down to a thousandth) when the epoch's mean mini-batch loss stops improving "
    "for 2 epochs."
))  # fmt: skip
