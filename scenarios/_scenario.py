"""The :class:`Scenario`: one object for URL query params, JSON files, presets, the CLI and the
engine."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any

import i18n
import landscapes
from engine import _core as _engine
from i18n import N_
from optimizers import _schedules, _specs

from . import _params
from ._params import ParamSpec

MAX_OPTIMIZERS = 6
MAX_FORMULA = 400
Pairs = tuple[tuple[str, float], ...]


def _field(name: str):
    """A Scenario field whose range is its :class:`ParamSpec`
    (``dataclasses.fields(...).metadata["spec"]``)."""
    spec = _params.SCENARIO[name]
    return dataclasses.field(default=spec._cast(spec.default), metadata={"spec": spec})


def _pairs(d: Mapping[str, float]) -> Pairs:
    return tuple(sorted((str(k), float(v)) for k, v in d.items()))


@dataclasses.dataclass(frozen=True)
class OptimizerConfig:
    """One optimizer with its learning rate and hyperparameters."""

    name: str
    lr: float
    hparams: Pairs = ()
    clip_norm: float | None = None  # None: the scenario's setting
    schedule: str | None = None  # None: the scenario's schedule
    schedule_args: Pairs = ()

    @classmethod
    def make(
        cls,
        name: str,
        lr: float | None = None,
        *,
        clip_norm: float | None = None,
        schedule: str | None = None,
        schedule_args: Mapping[str, float] | None = None,
        **hparams: float,
    ) -> OptimizerConfig:
        spec = _specs.get(name)
        sa = _pairs(_schedules.schedule_args(schedule, schedule_args)) if schedule else ()
        return cls(
            spec.name,
            float(spec.lr.default if lr is None else lr),
            _pairs(spec.hparams(hparams)),
            clip_norm,
            schedule,
            sa,
        )

    @property
    def label(self) -> str:
        return self.label_in("en")

    def label_in(self, lang: str) -> str:
        """The label in ``lang``: the optimizer's title, its rate, schedule and clipping."""
        _ = i18n.gettext_for(lang)
        extra = []
        if self.schedule:
            extra.append(_(_schedules.get_schedule(self.schedule).title).lower())
        if self.clip_norm is not None:
            c = self.clip_norm
            extra.append(_(N_("clip {c}")).format(c=f"{c:g}") if c > 0 else _(N_("no clip")))
        base = _(N_("{title}, lr {lr}")).format(
            title=_(_specs.get(self.name).title), lr=f"{self.lr:g}"
        )
        return base + (_(N_(" ({extra})")).format(extra=_(N_(", ")).join(extra)) if extra else "")


#: the link parameters a scenario reads (``to_query`` writes them; ``preset`` names one)
QUERY_KEYS = (
    "surface",
    "sp",
    "formula",
    "bounds",
    "start",
    "opt",
    "sched",
    "sa",
    "warmup_steps",
    "momentum_warmup",
    "msched",
    "clip_norm",
    "clip_value",
    "noise_std",
    "batch",
    "steps",
    "seed",
    "tol",
    "preset",
)


@dataclasses.dataclass(frozen=True)
class Scenario:
    """Everything needed to reproduce a picture. Hashable, so it can key caches."""

    surface: str = "saddle"
    surface_params: Pairs = ()
    formula: str = ""  # used when surface == "custom"
    bounds: tuple[float, float, float, float] = (-3.0, 3.0, -3.0, 3.0)  # custom surfaces only
    start: tuple[float, float] | None = None
    optimizers: tuple[OptimizerConfig, ...] = (OptimizerConfig.make("momentum"),)
    schedule: str = "constant"
    schedule_args: Pairs = ()
    warmup_steps: int = _field("warmup_steps")
    momentum_warmup: int = _field("momentum_warmup")
    # "linear": the ramp over momentum_warmup steps, "stages": the notes' values, "none"
    momentum_schedule: str = dataclasses.field(
        default=_params.MOMENTUM_SCHEDULE.default, metadata={"choice": _params.MOMENTUM_SCHEDULE}
    )
    steps: int = _field("steps")
    clip_norm: float = _field("clip_norm")  # 0 = off
    clip_value: float = _field("clip_value")  # 0 = off
    noise_std: float = _field("noise_std")  # gradient noise at batch size 1
    batch_size: int = _field("batch_size")
    seed: int = _field("seed")
    tolerance: float = _field(
        "tolerance"
    )  # f - f* below this counts as 'reached' (Compare's table)

    def __post_init__(self):
        if not _params.MOMENTUM_SCHEDULE.contains(self.momentum_schedule):
            raise ValueError(
                f"momentum_schedule = {self.momentum_schedule!r} is not one of "
                f"{_params.MOMENTUM_SCHEDULE.options}"
            )
        for f in dataclasses.fields(self):
            spec = f.metadata.get("spec")
            if spec is not None and not spec.contains(float(getattr(self, f.name))):
                raise ValueError(
                    f"{f.name} = {getattr(self, f.name)!r} is outside [{spec.low:g}, {spec.high:g}]"
                )

    @staticmethod
    def spec(name: str) -> ParamSpec:
        """The range of a numeric field: the widget, the decoder and :meth:`run` all read this
        one."""
        return _params.SCENARIO[name]

    # --- derived ------------------------------------------------------------------------------
    def landscape(self) -> landscapes.Landscape:
        if self.surface == "custom":
            b = self.bounds
            return landscapes.from_expression(self.formula, ((b[0], b[1]), (b[2], b[3])))
        return landscapes.get(self.surface, **dict(self.surface_params))

    @property
    def effective_noise(self) -> float:
        r"""Gradient-noise standard deviation :math:`\sigma/\sqrt{B}`."""
        return self.noise_std / math.sqrt(max(1, self.batch_size))

    def start_point(self, scape: landscapes.Landscape | None = None) -> tuple[float, float]:
        if self.start is not None:
            return self.start
        return tuple((scape or self.landscape()).start)

    def run(self) -> list[_engine.Trajectory]:
        """Run every optimizer of the scenario from the same start."""
        scape = self.landscape()
        start = self.start_point(scape)
        return [
            _engine.run(
                scape,
                oc.name,
                start=start,
                steps=self.steps,
                lr=oc.lr,
                hparams=dict(oc.hparams),
                schedule=oc.schedule or self.schedule,
                schedule_args=dict(oc.schedule_args if oc.schedule else self.schedule_args),
                clip_norm=self.clip_norm if oc.clip_norm is None else oc.clip_norm,
                clip_value=self.clip_value,
                noise_std=self.effective_noise,
                seed=self.seed,
                warmup_steps=self.warmup_steps,
                momentum_warmup=self.momentum_warmup if self.momentum_schedule == "linear" else 0,
                momentum_stages=(
                    _engine.NOTES_MOMENTA if self.momentum_schedule == "stages" else None
                ),
            )
            for oc in self.optimizers
        ]

    # --- JSON -------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["surface_params"] = dict(self.surface_params)
        d["schedule_args"] = dict(self.schedule_args)
        d["optimizers"] = [_opt_dict(o) for o in self.optimizers]
        d["start"] = None if self.start is None else list(self.start)
        d["bounds"] = list(self.bounds)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, d: Any) -> tuple[Scenario, list[str]]:
        """Validate a decoded dict. Returns the scenario and warnings; bad fields fall back to
        defaults."""
        return _decode(d)

    @classmethod
    def from_json(cls, text: str | bytes) -> tuple[Scenario, list[str]]:
        try:
            d = json.loads(text)
        except (ValueError, TypeError, RecursionError) as e:
            return cls(), [
                f"could not read the JSON ({type(e).__name__}); using the default scenario"
            ]
        return _decode(d)

    # --- URL query params -------------------------------------------------------------------------
    def to_query(self) -> dict[str, str]:
        q = {"surface": self.surface}
        if self.surface_params:
            q["sp"] = ",".join(f"{k}:{_num(v)}" for k, v in self.surface_params)
        if self.surface == "custom":
            q["formula"] = self.formula
            q["bounds"] = ",".join(_num(v) for v in self.bounds)
        if self.start is not None:
            q["start"] = f"{_num(self.start[0])},{_num(self.start[1])}"
        q["opt"] = ";".join(_opt_query(o) for o in self.optimizers)
        if self.schedule != "constant":
            q["sched"] = self.schedule
            if self.schedule_args:
                q["sa"] = ",".join(f"{k}:{_num(v)}" for k, v in self.schedule_args)
        for name in ("warmup_steps", "momentum_warmup", "clip_norm", "clip_value", "noise_std"):
            if getattr(self, name):
                q[name] = _num(getattr(self, name))
        if self.momentum_schedule != _params.MOMENTUM_SCHEDULE.default:
            q["msched"] = self.momentum_schedule
        if self.batch_size != 1:
            q["batch"] = str(self.batch_size)
        q["steps"] = str(self.steps)
        if self.seed:
            q["seed"] = str(self.seed)
        if self.tolerance != _params.TOLERANCE.default:
            q["tol"] = _num(self.tolerance)
        return q

    @classmethod
    def from_query(
        cls, q: Mapping[str, str], extra: tuple[str, ...] = ()
    ) -> tuple[Scenario, list[str]]:
        """Decode query params (as produced by :meth:`to_query`) with warnings for bad ones;
        ``extra``
        names the page's own parameters (not the scenario's), which are not warned about."""
        d: dict[str, Any] = {}
        warn: list[str] = []
        q = {str(k): str(v) for k, v in q.items()}
        known = {*QUERY_KEYS, "lang", *extra}  # lang: the page's language, not the scenario's
        unknown = sorted(set(q) - known)
        if unknown:  # one warning, however many
            shown, n = ", ".join(safe_text(k, 30) for k in unknown[:5]), len(unknown)
            if n > 5:
                t = N_("ignored {n} unknown link parameters: {shown} and {more} more")
            else:
                t = N_("ignored {n} unknown link parameters: {shown}")
            if n == 1:
                t = N_("ignored {n} unknown link parameter: {shown}")
            warn.append(_params.Message(t, n=n, shown=shown, more=n - 5))
        if not any(k in q for k in known - {"preset", "lang"}):
            return cls(), warn
        try:
            if "surface" in q:
                d["surface"] = q["surface"]
            if "sp" in q:
                d["surface_params"] = _kv(q["sp"], ":")
            if "formula" in q:
                d["formula"] = q["formula"]
            if "bounds" in q:
                d["bounds"] = [float(v) for v in q["bounds"].split(",")]
            if "start" in q:
                d["start"] = [float(v) for v in q["start"].split(",")]
            if "opt" in q:
                opts = []
                for part in q["opt"].split(";")[: MAX_OPTIMIZERS + 1]:
                    name, *rest = part.split(",")
                    sched = None
                    for r in list(rest):
                        if r.startswith("sched="):
                            sched = r.partition("=")[2]
                            rest.remove(r)
                    kv = _kv(",".join(rest), "=") if rest else {}
                    o = {"name": name, "lr": kv.pop("lr", None), "clip_norm": kv.pop("clip", None)}
                    if sched:
                        o["schedule"] = sched
                    o["schedule_args"] = {k[3:]: kv.pop(k) for k in list(kv) if k.startswith("sa.")}
                    o["hparams"] = kv
                    opts.append(o)
                d["optimizers"] = opts
            if "sched" in q:
                d["schedule"] = q["sched"]
            if "sa" in q:
                d["schedule_args"] = _kv(q["sa"], ":")
            for name in ("warmup_steps", "momentum_warmup", "clip_norm", "clip_value", "noise_std"):
                if name in q:
                    d[name] = q[name]
            for src, dst in (
                ("msched", "momentum_schedule"),
                ("batch", "batch_size"),
                ("steps", "steps"),
                ("seed", "seed"),
                ("tol", "tolerance"),
            ):
                if src in q:
                    d[dst] = q[src]
        except (ValueError, TypeError) as e:
            warn.append(
                _params.Message(
                    N_("could not read part of the link ({err}); using defaults for the rest"),
                    err=type(e).__name__,
                )
            )
        s, w2 = _decode(d)
        return s, warn + w2


def _opt_query(o: OptimizerConfig) -> str:
    parts = [o.name, f"lr={_num(o.lr)}", *(f"{k}={_num(v)}" for k, v in o.hparams)]
    if o.clip_norm is not None:
        parts.append(f"clip={_num(o.clip_norm)}")
    if o.schedule:
        parts.append(f"sched={o.schedule}")
        parts += [f"sa.{k}={_num(v)}" for k, v in o.schedule_args]
    return ",".join(parts)


def _opt_dict(o: OptimizerConfig) -> dict[str, Any]:
    d: dict[str, Any] = {"name": o.name, "lr": o.lr, "hparams": dict(o.hparams)}
    if o.clip_norm is not None:
        d["clip_norm"] = o.clip_norm
    if o.schedule:
        d["schedule"] = o.schedule
        d["schedule_args"] = dict(o.schedule_args)
    return d


def safe_text(v: Any, n: int = 40) -> str:
    """User text for a message, as a markdown code span: truncated, printable, no backticks (no
    injection)."""
    text = "".join(ch for ch in str(v)[:n] if ch.isprintable() and ch != "`")
    return f"`{text}`"


def _num(v: float) -> str:
    r = repr(float(v))
    return r.removesuffix(".0")


def _kv(text: str, sep: str) -> dict[str, float]:
    out = {}
    for item in text.split(","):
        if not item.strip():
            continue
        k, _, v = item.partition(sep)
        out[k.strip()] = float(v)
    return out


def _num_field(d, key, default, lo, hi, warn, integer=False):
    if key not in d or d[key] is None:
        return default
    v = d[key]
    try:
        if isinstance(v, bool):
            raise TypeError
        x = float(v)
        if not math.isfinite(x):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        warn.append(
            _params.Message(
                N_("{key}: {v} is not a number; using {d}"), key=key, v=safe_text(v, 40), d=default
            )
        )
        return default
    if x < lo or x > hi:
        c = min(max(x, lo), hi)
        t = N_("{key}: {x:g} is outside [{lo:g}, {hi:g}]; using {c:g}")
        warn.append(_params.Message(t, key=key, x=x, lo=lo, hi=hi, c=c))
        x = c
    return round(x) if integer else float(x)


def _checked(given: Any, specs: Mapping[str, Any], owner: str, warn: list[str]) -> dict[str, float]:
    """Keep the known names of ``given``, each a number clamped to its spec's range; warn about the
    rest."""
    good: dict[str, float] = {}
    if not isinstance(given, dict):
        return good
    for k, v in given.items():
        if k not in specs:
            t = N_("{owner} has no parameter {k}; ignored")
            warn.append(_params.Message(t, owner=owner, k=safe_text(k, 30)))
            continue
        h = specs[k]
        good[k] = _num_field({k: v}, k, h.default, h.low, h.high, warn)
    return good


def _sched_args(sched: str, sa: Any, warn: list[str]) -> dict[str, float]:
    return _checked(sa, _schedules.get_schedule(sched).args, f"schedule {sched!r}", warn)


def _decode(d: Any) -> tuple[Scenario, list[str]]:
    warn: list[str] = []
    base = Scenario()
    if not isinstance(d, dict):
        return base, [
            _params.Message(N_("the scenario must be a JSON object; using the default scenario"))
        ]
    kw: dict[str, Any] = {}
    surface = d.get("surface", base.surface)
    if surface != "custom" and surface not in landscapes.names():
        t = N_("unknown surface {s}; using {d}")
        warn.append(_params.Message(t, s=safe_text(surface, 40), d=repr(base.surface)))
        surface = base.surface
    kw["surface"] = surface
    if surface == "custom":
        formula = d.get("formula", "")
        if not isinstance(formula, str):
            formula = ""
        b = d.get("bounds", base.bounds)
        try:
            b = tuple(float(v) for v in b)
            if len(b) != 4 or not all(math.isfinite(v) for v in b) or b[1] <= b[0] or b[3] <= b[2]:
                raise ValueError
        except (TypeError, ValueError):
            warn.append(
                _params.Message(
                    N_(
                        "bounds must be four finite numbers xmin,xmax,ymin,ymax; using the "
                        "default box"
                    )
                )
            )
            b = base.bounds
        try:
            landscapes.from_expression(formula, ((b[0], b[1]), (b[2], b[3])))
            kw.update(formula=formula, bounds=b)
        except landscapes.ExpressionError as e:
            t = N_("formula rejected: {msg} (position {pos}); using {d}")
            msg = _params.Message(
                e.template, **e.fields
            )  # the parser's message, itself translatable
            warn.append(_params.Message(t, msg=msg, pos=e.position + 1, d=repr(base.surface)))
            kw["surface"] = base.surface
    if kw["surface"] != "custom":
        spec_params = {s.name: s for s in landscapes.SURFACES}[kw["surface"]].params
        kw["surface_params"] = _pairs(
            _checked(d.get("surface_params") or {}, spec_params, f"surface {kw['surface']!r}", warn)
        )
    st = d.get("start")
    if st is not None:
        try:
            x, y = (float(v) for v in st)
            if not (_params.START.contains(x) and _params.START.contains(y)):
                raise ValueError
            kw["start"] = (x, y)
        except (TypeError, ValueError):
            warn.append(
                _params.Message(
                    N_("start must be two finite numbers; using the surface's default start")
                )
            )
    opts = d.get("optimizers")
    if opts is not None:
        good_opts = []
        if not isinstance(opts, list):
            opts = []
        for o in opts:
            if len(good_opts) == MAX_OPTIMIZERS:
                t = N_("at most {n} optimizers; the rest were dropped")
                warn.append(_params.Message(t, n=MAX_OPTIMIZERS))
                break
            if not isinstance(o, dict) or o.get("name") not in _specs.names():
                name = o.get("name") if isinstance(o, dict) else o
                warn.append(
                    _params.Message(N_("unknown optimizer {s}; skipped"), s=safe_text(name, 40))
                )
                continue
            spec = _specs.get(o["name"])
            hp = _checked(o.get("hparams") or {}, spec.hyperparams, spec.name, warn)
            lr = (
                _params.LR.clamp("lr", o["lr"], warn, spec.lr.default)
                if o.get("lr") is not None
                else spec.lr.default
            )
            clip = (
                None
                if o.get("clip_norm") is None
                else _num_field(o, "clip_norm", 0.0, 0.0, 1e6, warn)
            )
            osched, osa = o.get("schedule"), o.get("schedule_args") or {}
            if osched is not None and osched not in _schedules.schedule_names():
                t = N_("unknown schedule {s} for {opt}; using the scenario's")
                warn.append(_params.Message(t, s=safe_text(osched, 40), opt=spec.name))
                osched = None
            osa = _sched_args(osched, osa, warn) if osched else {}
            good_opts.append(
                OptimizerConfig.make(
                    spec.name, lr, clip_norm=clip, schedule=osched, schedule_args=osa, **hp
                )
            )
        if not good_opts:
            warn.append(_params.Message(N_("no valid optimizer given; using the default")))
            good_opts = list(base.optimizers)
        kw["optimizers"] = tuple(good_opts)
    sched = d.get("schedule", "constant")
    if sched not in _schedules.schedule_names():
        warn.append(
            _params.Message(N_("unknown schedule {s}; using constant"), s=safe_text(sched, 40))
        )
        sched = "constant"
    kw["schedule"] = sched
    kw["schedule_args"] = _pairs(_sched_args(sched, d.get("schedule_args") or {}, warn))
    for name, spec in _params.SCENARIO.items():  # the same ranges as the widgets
        if d.get(name) is not None:
            kw[name] = spec.clamp(name, d[name], warn)
    ms = d.get("momentum_schedule")
    if ms is not None:
        if _params.MOMENTUM_SCHEDULE.contains(ms):
            kw["momentum_schedule"] = ms
        else:
            t = N_("unknown momentum schedule {s}; using {d}")
            warn.append(
                _params.Message(t, s=safe_text(ms, 40), d=repr(_params.MOMENTUM_SCHEDULE.default))
            )
    return Scenario(**kw), warn
