"""Engine benchmark: prints a table of timings and speed-up ratios (not a test).

1. One 1,000-step Adam trajectory on Rosenbrock (after compilation) vs a plain numpy loop
   and ``torch.optim.Adam`` if torch is installed.  Target: < 0.2 ms, >= 50x numpy.
2. A sweep of 10,000 (lr, beta1) configurations x 500 steps, final points only, vs a numpy
   loop vectorized over the configurations and torch.  Target: < 50 ms.

Run: ``python benchmarks/bench_engine.py``
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import landscapes
import optimizers

try:
    import torch
except ImportError:  # pragma: no cover - optional baseline
    torch = None


def best_of(fn, repeat=7):
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def rosen_grad_np(x, y):
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def numpy_adam(start, lr, b1, steps, b2=0.999, eps=1e-8):
    p = np.array(start, dtype=float).reshape(2, -1) * np.ones_like(np.atleast_1d(lr))
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        g = rosen_grad_np(p[0], p[1])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


def torch_adam(start, lr, b1, steps):
    p = torch.tensor(np.array(start, dtype=float).reshape(2, -1) * np.ones_like(np.atleast_1d(lr)), requires_grad=True)
    lr_t = torch.tensor(np.atleast_1d(lr))
    if np.size(lr) == 1:
        opt = torch.optim.Adam([p], lr=float(lr), betas=(float(b1), 0.999))
        for _ in range(steps):
            opt.zero_grad()
            loss = ((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2).sum()
            loss.backward()
            opt.step()
        return p.detach().numpy()
    # torch.optim has one (lr, beta1) per param group: use one group per config
    ps = [torch.tensor(np.array(start, dtype=float), requires_grad=True) for _ in range(len(lr_t))]
    opt = torch.optim.Adam([{"params": [q], "lr": float(a), "betas": (float(b), 0.999)} for q, a, b in zip(ps, lr, b1, strict=True)])
    for _ in range(steps):
        opt.zero_grad()
        loss = sum((1 - q[0]) ** 2 + 100 * (q[1] - q[0] ** 2) ** 2 for q in ps)
        loss.backward()
        opt.step()
    return np.stack([q.detach().numpy() for q in ps])


def main():
    scape = landscapes.get("rosenbrock")
    start = (-1.5, 2.0)
    rows = []
    t_single = best_of(lambda: optimizers.run(scape, "adam", start=start, steps=1000, lr=0.01), repeat=20)
    t_np = best_of(lambda: numpy_adam(start, 0.01, 0.9, 1000), repeat=3)
    t_torch = best_of(lambda: torch_adam(start, 0.01, 0.9, 1000), repeat=3) if torch else None
    rows.append(("1 Adam trajectory, 1,000 steps (with full recording)", t_single, t_np, t_torch, "< 0.2 ms, >= 50x numpy"))

    rng = np.random.default_rng(0)
    n = 10_000
    lrs = 10 ** rng.uniform(-4, -1, n)
    b1s = rng.uniform(0.5, 0.99, n)
    t_sweep = best_of(lambda: optimizers.sweep(scape, "adam", starts=start, lr=lrs, hparams={"b1": b1s}, steps=500), repeat=5)
    t_sweep_optax = best_of(lambda: optimizers.sweep(scape, "adam", starts=start, lr=lrs, hparams={"b1": b1s}, steps=500,
                                                     fast=False), repeat=3)
    t_np_sweep = best_of(lambda: numpy_adam(start, lrs, b1s, 500), repeat=2)
    t_torch_sweep = best_of(lambda: torch_adam(start, lrs[:500], b1s[:500], 500), repeat=1) * (n / 500) if torch else None
    rows.append(("sweep 10,000 (lr, beta1) x 500 steps, final points", t_sweep, t_np_sweep, t_torch_sweep, "< 50 ms"))
    rows.append(("  same sweep with optax.adam (b1**t each step)", t_sweep_optax, t_np_sweep, None, "(the known trap)"))

    print(f"{'benchmark':58s} {'engine':>10s} {'numpy':>10s} {'x numpy':>8s} {'torch':>10s} {'x torch':>8s}  target")
    for name, t, tn, tt, target in rows:
        tt_s = f"{tt * 1e3:8.2f}ms" if tt else "       n/a"
        xt = f"{tt / t:7.1f}x" if tt else "     n/a"
        print(f"{name:58s} {t * 1e3:8.3f}ms {tn * 1e3:8.2f}ms {tn / t:7.1f}x {tt_s} {xt}  {target}")
    if torch:
        print("(torch sweep column: 500 configs measured, scaled to 10,000)")


if __name__ == "__main__":
    main()
