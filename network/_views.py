"""What the network page shows, as plain functions of one :class:`Config` (no Streamlit): the
data, the runs, the landscape slices, the residual/LayerNorm comparison, ensembles and weight
averages."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from i18n import N_, gettext_for

from . import _mlp as m

ENSEMBLE = 5  # members per ensemble
LR_FACTORS = (1.0, 0.5, 2.0, 0.7, 1.4)  # the hyperparameter ensemble: lr times these (1 first)
MEMBERS = 2 * ENSEMBLE - 1  # networks trained for the view (the main run is the tenth)


class Config(NamedTuple):
    """Everything a training depends on (hashable: the cache key)."""

    data: str = "moons"
    noise: float = 0.15
    std: bool = True
    seed: int = 0
    depth: int = 2
    width: int = 20
    act: str = "tanh"
    init: str = "glorot"
    scale: float = 1.0
    res: bool = False
    ln: bool = False
    batch: int = 32
    steps: int = 500
    sched: str = "constant"
    runs: tuple = (("adam", 0.01), ("sgd", 0.3))

    @property
    def arch(self) -> m.Arch:
        return m.Arch(self.depth, self.width, self.act, self.res, self.ln)

    def labels(self) -> list[str]:
        return [f"{m.opt_spec(o).title}, lr {lr:g}" for o, lr in self.runs]


def schedule_for(name: str, steps: int) -> dict[str, float]:
    """The schedule's step-count arguments fitted to the run length (one decay over the run)."""
    return {
        "constant": {},
        "step": {"step_size": max(1, steps // 3), "gamma": 0.3},
        "cosine": {"decay_steps": steps},
        "warmup_cosine": {"warmup_steps": max(1, steps // 20), "decay_steps": steps},
        "onecycle": {"transition_steps": max(2, steps)},
        "sgdr": {"period": max(1, steps // 7)},
    }[name]


def data(cfg: Config):
    """Training and validation sets (300 points each, independent draws)."""
    x, y = m.make_dataset(cfg.data, 300, cfg.noise, seed=cfg.seed)
    xv, yv = m.make_dataset(cfg.data, 300, cfg.noise, seed=cfg.seed + 1000)
    x, xv = m.raw_units(x), m.raw_units(xv)
    if cfg.std:
        x, xv = m.standardize(x, xv)
    return x, y, xv, yv


def _kw(cfg: Config, arch: m.Arch | None = None) -> dict:
    return dict(
        schedule=cfg.sched,
        schedule_args_=schedule_for(cfg.sched, cfg.steps),
        arch=arch or cfg.arch,
        init=cfg.init,
        init_scale=cfg.scale,
        batch=cfg.batch,
        steps=cfg.steps,
    )


def train(cfg: Config, progress=None) -> list[m.MLPRun]:
    """One run per (optimizer, lr), all from the same initial weights; ``progress(i, steps_done,
    steps)`` while run ``i`` trains."""
    x, y, xv, yv = data(cfg)
    tick = lambda i: None if progress is None else (lambda t, n: progress(i, t, n))
    return [
        m.train_mlp(x, y, xv, yv, optimizer=o, lr=lr, seed=cfg.seed, progress=tick(i), **_kw(cfg))
        for i, (o, lr) in enumerate(cfg.runs)
    ]


def decision(cfg: Config, run: m.MLPRun):
    x = data(cfg)[0]
    return m.decision_grid(run.final, cfg.arch, m.data_bounds(x))


def slice_n(arch: m.Arch) -> int:
    """Slice resolution: 41 x 41, fewer points for big networks (the redraw stays under 2 s)."""
    return 41 if arch.n_params <= 3000 else 25


def landscape(cfg: Config, runs: list[m.MLPRun]) -> dict:
    x, y, _, _ = data(cfg)
    arch, first = cfg.arch, runs[0]
    theta, n = first.final, slice_n(cfg.arch)
    d1 = m.filter_normalized_direction(theta, arch.sizes, seed=cfg.seed + 1)
    d2 = m.filter_normalized_direction(theta, arch.sizes, seed=cfg.seed + 2)
    rand = m.loss_slice(theta, d1, d2, x, y, arch, n=n)
    pca = m.pca_directions([r.thetas for r in runs], theta)
    ea, eb = m.pca_extent(pca.coords)
    pslice = m.loss_slice(theta, pca.u1, pca.u2, x, y, arch, n=n, extent=ea, extent2=eb)
    interp = m.interpolation_1d(first.thetas[0], theta, x, y, arch)
    return dict(rand=rand, pca=pca, pslice=pslice, interp=interp)


def resln(cfg: Config) -> dict:
    """Train the plain network and the one with the chosen switches (residual and LayerNorm both
    on when neither is chosen) from the same weights; their random slices and roughness."""
    x, y, xv, yv = data(cfg)
    plain = cfg.arch.__class__(cfg.depth, cfg.width, cfg.act, False, False)
    res, ln = (cfg.res, cfg.ln) if (cfg.res or cfg.ln) else (True, True)
    other = cfg.arch.__class__(cfg.depth, cfg.width, cfg.act, res, ln)
    o, lr = cfg.runs[0]
    out = {}
    for name, arch in (("plain", plain), ("with", other)):
        r = m.train_mlp(x, y, xv, yv, optimizer=o, lr=lr, seed=cfg.seed, **_kw(cfg, arch))
        th, n = r.final, slice_n(arch)
        d1 = m.filter_normalized_direction(th, arch.sizes, seed=cfg.seed + 1)
        d2 = m.filter_normalized_direction(th, arch.sizes, seed=cfg.seed + 2)
        sl = m.loss_slice(th, d1, d2, x, y, arch, n=n)
        out[name] = dict(arch=arch, run=r, slice=sl, roughness=m.roughness(sl))
    return out


def smoother_verdict(plain: float, other: float) -> str:
    """'smoother', 'rougher' or 'same' (within 10 %) for the chosen switches' slice."""
    if other < 0.9 * plain:
        return "smoother"
    if other > 1.1 * plain:
        return "rougher"
    return "same"


def ensembles(cfg: Config, main: m.MLPRun) -> dict:
    """Accuracy on the validation set vs ensemble size, over seeds (same lr), over learning rates
    (same seed; the first is the main run) and over checkpoints of the main run (every 10th of its
    last 50 checkpoints); the 9 other networks train in one vmapped call."""
    x, y, xv, yv = data(cfg)
    o, lr = cfg.runs[0]
    # the learning-rate ensemble's first member (factor 1, the same seed) is the main run itself
    seeds = [cfg.seed + 1 + i for i in range(ENSEMBLE)] + [cfg.seed] * (ENSEMBLE - 1)
    lrs = [lr] * ENSEMBLE + [lr * f for f in LR_FACTORS[1:]]
    members = m.train_many(x, y, xv, yv, lrs=lrs, seeds=seeds, optimizer=o, **_kw(cfg))
    arch = cfg.arch
    by_seed = np.stack([r.final for r in members[:ENSEMBLE]])
    by_lr = np.stack([main.final, *(r.final for r in members[ENSEMBLE:])])
    k = len(main.thetas)
    ckpt = main.thetas[[k - 1 - 10 * i for i in range(ENSEMBLE) if k - 1 - 10 * i > 0]]
    acc = {
        name: m.ensemble_accuracy(m.predict_proba(t, xv, arch), yv)
        for name, t in (
            (N_("seeds"), by_seed),
            (N_("learning rates"), by_lr),
            (N_("checkpoints"), ckpt),
        )
    }
    return dict(acc=acc, members=members)


def averaging(cfg: Config, main: m.MLPRun, members: list[m.MLPRun]) -> dict:
    """Weight averages along one run (EMA, SWA) against the average of two independently trained
    networks; losses along the straight lines between them (the interpolation barrier)."""
    x, y, xv, yv = data(cfg)
    arch = cfg.arch
    a, b = members[0].final, members[1].final
    rows = {
        N_("final weights"): main.final,
        N_("EMA of the weights (decay 0.98)"): main.ema,
        N_("SWA (mean of the second half)"): main.swa,
        N_("average of 2 independent networks"): 0.5 * (a + b),
    }
    table = []
    for name, th in rows.items():
        loss_v = float(m.losses_at(th[None], xv, yv, arch)[0])
        acc_v = float(((m.predict_proba(th, xv, arch)[0] > 0.5) == (yv == 1)).mean())
        table.append((name, loss_v, acc_v))
    pa, pb = m.predict_proba(np.stack([a, b]), xv, arch)
    pm = (pa + pb) / 2
    py = np.clip(np.where(yv == 1, pm, 1 - pm), 1e-12, 1)
    table.append(
        (
            N_("ensemble of the 2 (mean prediction)"),
            float(-np.log(py).mean()),
            float(((pm > 0.5) == (yv == 1)).mean()),
        )
    )
    t, along_run = m.interpolation_1d(main.final, main.swa, x, y, arch, lo=0.0, hi=1.0, n=41)
    _, across = m.interpolation_1d(a, b, x, y, arch, lo=0.0, hi=1.0, n=41)
    return dict(
        table=table,
        t=t,
        along_run=along_run,
        across=across,
        barrier_run=m.barrier(along_run),
        barrier_independent=m.barrier(across),
    )


def gradient_verdict(run: m.MLPRun) -> tuple[str, float]:
    r"""At the initial weights: the back-propagated signal at the first hidden layer over the one
    at the last, :math:`q = \|\partial L/\partial h_1\| / \|\partial L/\partial h_L\|`.
    'vanishing' when q < 0.1, 'exploding' when q > 10, 'zero' when the signal is 0 everywhere,
    else 'balanced'."""
    g = run.grad_norm[0]
    if not np.any(g > 0):
        return "zero", float("nan")
    q = float(g[0] / max(g[-1], 1e-300))
    return ("vanishing" if q < 0.1 else "exploding" if q > 10 else "balanced"), q


def muon_summary(race, lang: str = "en") -> str:
    """The sentence under the matrix race: the spread of each update's singular values (first
    step) and the final losses, all read from the runs."""
    _ = gettext_for(lang)
    mu, sgd, adam = race.sv["muon"], race.sv["sgd"], race.sv["adam"]
    spread = sgd[0, 0] / sgd[0, -1]
    final = ", ".join(f"{_MATRIX_NAMES[k]} {race.loss[k][-1]:.2g}" for k in race.loss)
    return _(
        "Muon's first update has singular values {lo} to {hi} (times the rate): every direction "
        "of W moves by about the same amount. SGD's update is the gradient, whose largest "
        "singular value is {spread} times its smallest (the conditioning of A, squared); Adam's "
        "first step is a sign matrix, of rank {rank} here, not orthogonal either. Loss after "
        "{n} steps: {final}."
    ).format(
        lo=f"{mu[0].min():.2f}",
        hi=f"{mu[0].max():.2f}",
        spread=f"{spread:.0f}",
        rank=int((adam[0] > 1e-8 * adam[0, 0]).sum()),
        n=len(race.loss["muon"]) - 1,
        final=final,
    )


_MATRIX_NAMES = {"muon": "Muon", "adam": "Adam", "sgd": "SGD"}
