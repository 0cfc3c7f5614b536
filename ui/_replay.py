"""The replay player's data for a Scenario, cached on the (frozen, hashable) Scenario itself.

Each path is cached on its own one-optimizer scenario, so moving one optimizer's slider retraces
and packs that optimizer's path only; the surface is packed once per surface.
"""

from __future__ import annotations

import collections
import dataclasses
import threading

from scenarios import Scenario
from viz import _replay

from ._controls import cached_grid, cached_run


class Payload(dict):
    """:func:`viz.replay_data`'s dict, with ``packed``: what the browser gets
    (``viz._replay.pack``)."""

    packed: tuple[dict, dict[str, bytes]]


class _LRU:
    """A small thread-safe least-recently-used cache (sessions run in threads)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, collections.OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()  # outside the lock: another session may compute the same, harmlessly
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_PAYLOADS = _LRU(64)
_PATHS = _LRU(256)
_SURFACES = _LRU(32)


def _path(scn: Scenario, i: int, label: str, color: str, traj) -> tuple[dict, tuple[dict, bytes]]:
    """Optimizer ``i``'s path data and its packed form, cached on its one-optimizer scenario (a
    run depends on the shared settings and its own optimizer only)."""
    oc = scn.optimizers[i]
    one = dataclasses.replace(scn, optimizers=(oc,))

    def make():
        p = _replay.path_data(_replay.replay_path(one, oc, traj, label, color))
        return p, _replay.pack_path(p)

    return _PATHS.get((one, label, color), make)


def replay_payload(
    scenario: Scenario | str,
    labels: tuple[str, ...],
    title: str,
    height: int,
    equations_closed: bool = False,
) -> Payload:
    """The player's data (paths, the arrows' inputs, the shown code's equations filled in) for a
    :class:`Scenario` (its JSON is accepted too), and its packed form in ``.packed``. The result is
    shared: do not change it."""
    scn = Scenario.from_json(scenario)[0] if isinstance(scenario, str) else scenario
    key = (scn, tuple(labels), title, int(height), bool(equations_closed))

    def make() -> Payload:
        from viz import paths_from

        trajs = cached_run(scn)
        shown = paths_from(trajs, list(labels))
        paths = [
            _path(scn, i, p.label, p.color, t)
            for i, (p, t) in enumerate(zip(shown, trajs, strict=True))
        ]
        data = Payload(
            _replay.replay_data(
                scn.landscape(),
                cached_grid(scn),
                [],
                title=title,
                height=height,
                equations_closed=equations_closed,
            )
        )
        data["paths"] = [p for p, _ in paths]
        s = data["surface"]
        surface = _SURFACES.get(
            (s["x"], s["y"], s["z"], s["zlabel"]), lambda: _replay.pack_surface(s)
        )
        data.packed = _replay.pack(data, packed_paths=[q for _, q in paths], surface=surface)
        return data

    return _PAYLOADS.get(key, make)
