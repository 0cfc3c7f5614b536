"""Widgets <-> :class:`scenarios.Scenario`, URL sync, and cached engine calls.

All widget state lives in ``st.session_state`` under stable keys, so a Scenario can be
written into the widgets (presets, links, JSON import) and read back out of them.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os

import numpy as np
import streamlit as st
from streamlit import runtime
from streamlit.errors import StreamlitAPIException
from streamlit.runtime import RuntimeState

import landscapes
import optimizers
import scenarios
from i18n import N_
from scenarios import OptimizerConfig, Scenario
from scenarios._params import LR, START, ParamSpec
from scenarios._scenario import MAX_FORMULA

from . import _server
from ._i18n import KEY as LANG
from ._i18n import _, lang, say

CUSTOM = "custom"
DEFAULT_FORMULA = "x^2 + 3*y^2 + sin(3*x)"
LINKS = "links:last"  # the link each page last wrote, by page


def _enable_compile_cache() -> None:
    """Keep XLA executables on disk so a restarted server does not recompile (first load stays
    fast)."""
    import jax

    path = os.environ.get(
        "OPTISCAPE_JAX_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "optiscape-jax")
    )
    if path and jax.config.jax_compilation_cache_dir != path:
        try:
            os.makedirs(path, exist_ok=True)
            jax.config.update("jax_compilation_cache_dir", path)
            jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
        except OSError:
            pass  # read-only home: compile in memory only
    if path:  # bounded, least recently used out first (at most every 10 min per process)
        _server.prune_dir(path, int(os.environ.get("OPTISCAPE_JAX_CACHE_MB", "512")) * 2**20)


KEEP = "session"  # every widget keeps its value across page switches (Streamlit's persist_state)
# a lesson page's widget lives in its link too (Streamlit's bind; its key names the parameter)
LINK = "query-params"


def page_setup(title: str) -> None:
    """Per-page setup (the page config is set once, in ``app.py``); ``title`` names the page in
    logs."""
    del title
    _server.prepare()  # start-up imports and the admission gate (once per process)
    _enable_compile_cache()


# --- cached computation -------------------------------------------------------------------------


@st.cache_data(max_entries=256, show_spinner=False, hash_funcs={Scenario: repr})
def cached_run(scn: Scenario):
    """Trajectories for a scenario, cached on the Scenario itself (keyed by its ``repr``, exact for
    every field and ~20x cheaper than Streamlit hashing the dataclass field by field): the
    widgets' Scenario goes to the engine as it is, with no JSON round trip and no second
    validation."""
    if not isinstance(scn, Scenario):
        raise TypeError(f"cached_run takes a Scenario, not {type(scn).__name__}")
    return scn.run()


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={Scenario: repr})
def _grid(surface: Scenario, n: int):
    return surface.landscape().grid(n)


def cached_grid(scn: Scenario, n: int = 100):
    """The surface sampled on an ``n x n`` grid, cached on the surface alone (moving an optimizer's
    slider does not recompute it)."""
    surface = Scenario(
        surface=scn.surface,
        surface_params=scn.surface_params,
        formula=scn.formula,
        bounds=scn.bounds,
    )
    return _grid(surface, n)


# --- helpers -------------------------------------------------------------------------------------


#: the ``on_change`` of the number widgets drawn inside :func:`numbers_rerun` (None elsewhere)
_ON_NUMBER: contextvars.ContextVar = contextvars.ContextVar("on_number", default=None)


def _browser_connected() -> bool:
    """A server with a browser connected (``AppTest`` runs pages under a stand-in runtime)."""
    return (
        runtime.exists()
        and runtime.get_instance().state == RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED
    )


@contextlib.contextmanager
def numbers_rerun(page: str, fragment: str, *, overrides: bool = True):
    """Inside it, a change of a number widget (a slider or a number box: not a choice that changes
    which widgets there are) reruns the fragment ``fragment`` alone when the session then holds a
    whole scenario (:func:`read_scenario` with ``overrides``, stored as ``{page}:drawn``): the
    widgets, which the browser already shows at their new values, are not sent and drawn again.
    Otherwise, in a session where the reading was once found wrong (:func:`numbers_checked`,
    :func:`peek_missed`), and without a server (``AppTest`` rebuilds its element tree from each
    run's output alone), the usual rerun."""

    def changed() -> None:
        scn = read_scenario(page, overrides=overrides)
        misses = (st.session_state.get(f"{page}:{k}_misses") for k in ("read", "peek"))
        if scn is None or any(misses):
            return
        st.session_state[f"{page}:drawn"] = scn
        try:
            st.rerun(scope=fragment)
        except StreamlitAPIException:  # the fragment is not registered (yet): the usual rerun
            return

    token = _ON_NUMBER.set(changed if _browser_connected() else None)
    try:
        yield
    finally:
        _ON_NUMBER.reset(token)


def numbers_checked(page: str, scn: Scenario, *, overrides: bool = True) -> None:
    """After the widgets: the session's reading (:func:`read_scenario`) must give their scenario;
    where it gives another, the page's numbers rerun the usual way from then on (counted in
    ``{page}:read_misses``)."""
    got = read_scenario(page, overrides=overrides)
    if got is not None and got != scn:
        st.session_state[f"{page}:read_misses"] = st.session_state.get(f"{page}:read_misses", 0) + 1


def _log_options(lo: float, hi: float, per_decade: int = 12) -> list[float]:
    a, b = math.log10(lo), math.log10(hi)
    n = round((b - a) * per_decade) + 1
    return sorted({float(f"{v:.3g}") for v in np.logspace(a, b, n)})


def log_select(
    label: str, lo: float, hi: float, key: str, help: str | None = None, bind: str | None = None
) -> float:
    """A log-scale slider (select_slider over a geometric grid that always holds the current
    value)."""
    opts = _log_options(lo, hi)
    cur = st.session_state.get(key)
    if cur is not None:
        _guard(key, ParamSpec(lo, hi, opts[len(opts) // 2], log=True), label)
        cur = st.session_state[key]
    if cur is not None and cur not in opts:
        opts = sorted({*opts, float(cur)})
    if cur is None:
        st.session_state[key] = opts[len(opts) // 2]
    return float(
        st.select_slider(
            label,
            options=opts,
            key=key,
            persist_state=KEEP,
            format_func=lambda v: f"{v:g}",
            help=help,
            bind=bind,
            on_change=_ON_NUMBER.get(),
        )
    )


def _hp_widget(label: str, spec, key: str) -> float:
    if spec.log:
        return log_select(label, spec.low, spec.high, key)
    step = 0.001 if spec.high <= 1.0 else (1.0 if spec.high >= 100 else 0.01)
    return float(
        st.slider(
            label,
            float(spec.low),
            float(spec.high),
            step=step,
            key=key,
            persist_state=KEEP,
            format="%g",
            on_change=_ON_NUMBER.get(),
        )
    )


# --- Scenario -> session state --------------------------------------------------------------------


def load_scenario(scn: Scenario, page: str) -> None:
    """Queue a scenario to be written into the widgets at the top of the next run."""
    st.session_state[f"{page}:pending"] = scn


def apply_pending(page: str) -> None:
    scn = st.session_state.pop(f"{page}:pending", None)
    if scn is not None:
        _write_state(scn, page)


def _write_state(scn: Scenario, page: str) -> None:
    ss = st.session_state
    scape = scn.landscape()
    ss[f"{page}:surface"] = scn.surface
    for k, v in scape.values.items():
        ss[f"{page}:sp:{scn.surface}:{k}"] = float(v)
    if scn.surface == CUSTOM:
        ss[f"{page}:formula"] = scn.formula
        ss[f"{page}:bounds"] = ", ".join(f"{b:g}" for b in scn.bounds)
    sx, sy = scn.start_point(scape)
    ss[f"{page}:start_x"], ss[f"{page}:start_y"] = float(sx), float(sy)
    ss[f"{page}:steps"] = int(scn.steps)
    _write_schedule(page, "shared", scn.schedule, dict(scn.schedule_args))
    ss[f"{page}:warmup_steps"] = int(scn.warmup_steps)
    ss[f"{page}:momentum_warmup"] = int(scn.momentum_warmup)
    ss[f"{page}:clip_norm"] = float(scn.clip_norm)
    ss[f"{page}:clip_value"] = float(scn.clip_value)
    ss[f"{page}:noise_std"] = float(scn.noise_std)
    ss[f"{page}:batch_size"] = int(scn.batch_size)
    ss[f"{page}:seed"] = int(scn.seed)
    ss[f"{page}:tol"] = float(scn.tolerance)
    ss[f"{page}:n_opt"] = len(scn.optimizers)
    for i, oc in enumerate(scn.optimizers):
        ss[f"{page}:o{i}:name"] = oc.name
        ss[f"{page}:o{i}:{oc.name}:lr"] = float(oc.lr)
        for k, v in oc.hparams:
            ss[f"{page}:o{i}:{oc.name}:{k}"] = float(v)
        ss[f"{page}:o{i}:clip"] = "shared" if oc.clip_norm is None else float(oc.clip_norm)
        ss[f"{page}:o{i}:sched"] = oc.schedule or "shared"
        if oc.schedule:
            _write_schedule(page, f"o{i}", oc.schedule, dict(oc.schedule_args))


def _write_schedule(page, who, name, args):
    st.session_state[f"{page}:{who}:schedule"] = name
    for k, v in optimizers.schedule_args(name, args).items():
        st.session_state[f"{page}:{who}:sa:{name}:{k}"] = float(v)


class _Unsure(Exception):
    """A value the widgets would fill in or correct on this run: no early scenario."""


def _peek(key: str, spec: ParamSpec | None = None, low=None, high=None) -> float:
    """The number the session holds under ``key`` as the widget will return it, if the widget
    will take it unchanged (present, a number, inside its range)."""
    v = st.session_state.get(key)
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _Unsure(key)
    x = float(v)
    lo, hi = (spec.low, spec.high) if spec is not None else (low, high)
    if not (math.isfinite(x) and lo <= x <= hi):
        raise _Unsure(key)
    return spec._cast(x) if spec is not None else x


def _peek_schedule(page: str, who: str, allow_shared: bool) -> tuple[str | None, dict]:
    """:func:`_schedule_controls`'s answer, read from the session."""
    key = f"{page}:{who}:sched" if allow_shared else f"{page}:{who}:schedule"
    name = st.session_state.get(key)
    if name == "shared" and allow_shared:
        return None, {}
    if name not in optimizers.schedule_names():
        raise _Unsure(key)
    spec = optimizers.get_schedule(name)
    return name, {
        k: _peek(f"{page}:{who}:sa:{name}:{k}", low=h.low, high=h.high)
        for k, h in spec.args.items()
    }


def peek_scenario(page: str) -> Scenario | None:
    """The scenario that Compare's widgets (:func:`shared_controls`, :func:`optimizer_controls`
    with overrides, :func:`tolerance_input`) will return on this run, read from the session before
    they are drawn, or None where a widget would fill in or correct a value (a first visit of a
    slot, a custom formula, a click on the map, a value out of range). The page draws its map from
    it before the ~30 widgets, so the map is sent, and drawn, while the server still sends them;
    it checks the widgets' scenario against it afterwards (:func:`peek_missed`)."""
    if st.session_state.pop(f"{page}:late", False):  # the run after a miss: after the widgets
        return None
    return read_scenario(page)


def read_scenario(page: str, *, overrides: bool = True) -> Scenario | None:
    """:func:`peek_scenario`'s reading of the session (no side effects); ``overrides=False`` reads
    a one-optimizer page's (Playground's: no schedule, clip or tolerance of the optimizer's own)."""
    ss = st.session_state
    try:
        surface = ss.get(f"{page}:surface")
        if surface not in landscapes.names() or ss.get(f"{page}:start_next") is not None:
            raise _Unsure(surface)
        spec = {s.name: s for s in landscapes.SURFACES}[surface]
        params = {
            k: _peek(f"{page}:sp:{surface}:{k}", low=p.low, high=p.high)
            for k, p in spec.params.items()
        }
        steps = _peek(f"{page}:steps", Scenario.spec("steps"))
        sched, sargs = _peek_schedule(page, "shared", False)
        kw = {name: _peek(f"{page}:{name}", Scenario.spec(name)) for name in FOLDED_NUMBERS}
        n = int(_peek(f"{page}:n_opt", low=1, high=scenarios.MAX_OPTIMIZERS)) if overrides else 1
        configs = []
        for i in range(n):
            name = ss.get(f"{page}:o{i}:name")
            if name not in optimizers.names():
                raise _Unsure(name)
            o = optimizers.get(name)
            lr = _peek(f"{page}:o{i}:{name}:lr", LR)
            hp = {
                k: _peek(f"{page}:o{i}:{name}:{k}", low=h.low, high=h.high)
                for k, h in o.hyperparams.items()
            }
            osched, oargs, c = None, {}, "shared"
            if overrides:
                osched, oargs = _peek_schedule(page, f"o{i}", True)
                c = ss.get(f"{page}:o{i}:clip")
                if c != "shared" and not isinstance(c, (int, float)):
                    raise _Unsure(c)
            configs.append(
                OptimizerConfig.make(
                    name,
                    lr,
                    clip_norm=None if c == "shared" else float(c),
                    schedule=osched,
                    schedule_args=oargs,
                    **hp,
                )
            )
        return Scenario(
            surface=surface,
            surface_params=tuple(sorted(params.items())),
            start=(_peek(f"{page}:start_x", START), _peek(f"{page}:start_y", START)),
            steps=steps,
            schedule=sched,
            schedule_args=tuple(sorted(sargs.items())),
            optimizers=tuple(configs),
            **(
                {"tolerance": _peek(f"{page}:tol", Scenario.spec("tolerance"))} if overrides else {}
            ),
            **kw,
        )
    except (_Unsure, KeyError, TypeError, ValueError):
        return None


def peek_missed(page: str) -> None:
    """The widgets' scenario differs from :func:`peek_scenario`'s, whose map is on screen: run the
    page again, drawing after the widgets this time (counted in ``{page}:peek_misses``)."""
    st.session_state[f"{page}:late"] = True
    st.session_state[f"{page}:peek_misses"] = st.session_state.get(f"{page}:peek_misses", 0) + 1
    st.rerun()


def init_page(page: str, default: Scenario, toggles: dict[str, str] | None = None) -> list[str]:
    """Load the page's scenario from the URL (or ``default``) on its first run in a session, and
    again whenever the page is opened with a link that differs from the one it last wrote (a preset
    link, back/forward). A page switch without a query keeps the page's widgets, which Streamlit
    keeps for the session (``persist_state``). ``toggles`` maps page-only URL flags to their widget
    keys."""
    ss = st.session_state
    # the language is the app's parameter, not the scenario's: a language switch keeps the page
    q = {str(k): str(v) for k, v in st.query_params.items() if k != LANG}
    if ss.get(f"{page}:ready"):
        apply_pending(page)
        others = [v for k, v in ss.get(LINKS, {}).items() if k != page]
        if (
            not q or q == ss.get(f"{page}:url") or q in others
        ):  # (back/forward can hand over another page's query)
            return [say(w) for w in ss.pop(f"{page}:warnings_next", [])]
    warnings: list[str] = []
    scn = default
    ss[f"{page}:from_link"] = bool(q) and "preset" not in q  # a shared link's own settings
    if "preset" in q:
        try:
            scn = scenarios.get_preset(q["preset"]).scenario
            ss[f"{page}:preset_pick"] = q["preset"]  # the preset picker shows what is drawn
        except KeyError:
            warnings.append(
                f"unknown preset {scenarios.safe_text(q['preset'])}; showing the default scenario"
            )
    elif q:
        scn, warnings = Scenario.from_query(q, extra=tuple(toggles or ()))
    _write_state(scn, page)
    if q.get("surface") == CUSTOM and "formula" in q and scn.surface != CUSTOM:
        # a formula that does not parse: the input shows the typed text and its error, as before the
        # reload
        ss[f"{page}:surface"], ss[f"{page}:formula"] = CUSTOM, q["formula"][:MAX_FORMULA]
        if "bounds" in q:
            ss[f"{page}:bounds"] = q["bounds"][:100]
        warnings = [w for w in warnings if not w.startswith("formula rejected")]
    for name, key in (toggles or {}).items():
        ss[key] = q.get(name) == "1"
    ss[f"{page}:ready"] = True
    ss[f"{page}:url"] = q
    ss.setdefault(LINKS, {})[page] = q
    return [say(w) for w in warnings]


def sync_url(scn: Scenario, page: str | None = None, toggles: dict[str, str] | None = None) -> None:
    """Write the scenario (plus the typed text of a formula that does not parse, and the page's
    ``toggles`` that are on) into the URL, and the page's language (``lang=zh``; not part of the
    page's remembered link)."""
    q = scn.to_query()
    if page is not None:
        typed = st.session_state.get(f"{page}:formula_typed")
        if typed is not None and q.get("surface") == CUSTOM:
            q["formula"] = typed
        for name, key in (toggles or {}).items():
            if st.session_state.get(key):
                q[name] = "1"
        st.session_state[f"{page}:url"] = q
        st.session_state.setdefault(LINKS, {})[page] = q
    if lang() != "en":
        q = {**q, LANG: lang()}
    if dict(st.query_params) != q:
        st.query_params.from_dict(q)


# --- widgets -> Scenario
# ----------------------------------------------------------------------------


def _schedule_controls(
    page: str, who: str, allow_shared: bool, steps: int
) -> tuple[str | None, dict]:
    names = optimizers.schedule_names()
    options = (["shared"] if allow_shared else []) + names
    key = f"{page}:{who}:sched" if allow_shared else f"{page}:{who}:schedule"
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    titles = {s.name: s.title for s in optimizers.SCHEDULES}
    name = st.selectbox(
        _("learning-rate schedule"),
        options,
        key=key,
        persist_state=KEEP,
        format_func=lambda n: _("same as shared settings") if n == "shared" else _(titles[n]),
    )
    if name == "shared":
        return None, {}
    spec = optimizers.get_schedule(name)
    args = {}
    sub = f"{page}:{who}:sa:{name}"
    for k, h in spec.args.items():
        wkey = f"{sub}:{k}"
        if wkey not in st.session_state:
            st.session_state[wkey] = float(h.default)
        if h.log:
            args[k] = log_select(_(h.label or k), h.low, h.high, wkey)
        else:
            args[k] = float(
                st.slider(
                    _(h.label or k),
                    float(h.low),
                    float(h.high),
                    key=wkey,
                    persist_state=KEEP,
                    format="%g",
                    on_change=_ON_NUMBER.get(),
                )
            )
    if allow_shared:
        st.session_state[f"{page}:{who}:schedule"] = name
    return name, args


#: the shared numbers under "warm-up, clipping, noise" (Scenario fields) and their labels
FOLDED_NUMBERS = {
    "warmup_steps": N_("linear warm-up steps"),
    "momentum_warmup": N_("ramp momentum/beta1 from 0.5 over N steps"),
    "clip_norm": N_("clip gradient norm at (0 = off)"),
    "clip_value": N_("clip each coordinate at (0 = off)"),
    "noise_std": N_("gradient noise sigma (batch size 1)"),
    "batch_size": N_("batch size B (noise sigma / sqrt(B))"),
    "seed": N_("noise seed"),
}


def shared_controls(page: str, *, show_schedule: bool = True) -> dict:
    """Surface, start, steps, shared schedule, clipping and noise widgets; returns Scenario
    kwargs."""
    ss = st.session_state
    titles = landscapes.titles()
    surfaces = [*landscapes.names(), CUSTOM]
    _choice(f"{page}:surface", surfaces, _("surface"))
    surface = st.selectbox(
        _("surface"),
        surfaces,
        key=f"{page}:surface",
        persist_state=KEEP,
        format_func=lambda n: _(titles[n]) if n in titles else _("Custom formula f(x, y)"),
    )
    kw: dict = {"surface": surface}
    if surface == CUSTOM:
        ss.setdefault(f"{page}:formula", DEFAULT_FORMULA)
        ss.setdefault(f"{page}:bounds", "-3, 3, -3, 3")
        formula = st.text_input(
            "f(x, y) =",
            key=f"{page}:formula",
            persist_state=KEEP,
            max_chars=MAX_FORMULA,
            help=_(
                "x, y, numbers, + - * / ^, exp log sqrt abs sin cos tan tanh sigmoid softplus "
                "min max, pi, e"
            ),
        )
        formula = formula if isinstance(formula, str) else ""
        err = st.empty()  # the formula's error, right under its input
        bounds_text = st.text_input(
            _("box: xmin, xmax, ymin, ymax"), key=f"{page}:bounds", persist_state=KEEP
        )
        try:
            b = tuple(float(v) for v in str(bounds_text).split(","))
            if len(b) != 4 or b[1] <= b[0] or b[3] <= b[2] or not all(math.isfinite(v) for v in b):
                raise ValueError
        except ValueError:
            st.warning(
                _("The box must be four numbers xmin < xmax, ymin < ymax; using -3, 3, -3, 3.")
            )
            b = (-3.0, 3.0, -3.0, 3.0)
        try:
            landscapes.from_expression(formula, ((b[0], b[1]), (b[2], b[3])))
            drawn, limit_msg = _server.formula_gate(
                page, formula
            )  # new formulas compile: a few a minute per session
            if limit_msg:
                st.warning(limit_msg)
            if drawn == formula:
                ss[f"{page}:formula_good"] = (formula, b)
            ss.pop(
                f"{page}:formula_typed", None
            )  # (over the limit: the map and the link show the last one drawn)
            good, gb = ss.get(f"{page}:formula_good") or (DEFAULT_FORMULA, b)
            kw.update(formula=good, bounds=gb)
        except landscapes.ExpressionError as e:
            good, gb = ss.get(f"{page}:formula_good") or (DEFAULT_FORMULA, b)
            err.error(
                _(
                    "Formula not accepted: {message} (position {position}). The map keeps the "
                    "last formula that worked: {good}."
                ).format(
                    message=e.message_in(lang()),
                    position=e.position + 1,
                    good=scenarios.safe_text(good, 60),
                )
                + f"\n\n```\n{e}\n```"
            )
            kw.update(formula=good, bounds=gb)
            ss[f"{page}:formula_typed"] = formula  # the link keeps what was typed
    else:
        spec = {s.name: s for s in landscapes.SURFACES}[surface]
        params = {}
        for k, p in spec.params.items():
            wkey = f"{page}:sp:{surface}:{k}"
            ss.setdefault(wkey, float(p.default))
            if p.log:
                params[k] = log_select(_(p.label or k), p.low, p.high, wkey)
            else:
                step = 1.0 if (k == "standardized") else None
                params[k] = float(
                    st.slider(
                        _(p.label or k),
                        float(p.low),
                        float(p.high),
                        key=wkey,
                        persist_state=KEEP,
                        step=step,
                        format="%g",
                        on_change=_ON_NUMBER.get(),
                    )
                )
        kw["surface_params"] = tuple(sorted(params.items()))
    scape_default = _default_start(kw)
    clicked = ss.pop(
        f"{page}:start_next", None
    )  # a click on the map, queued before the inputs exist
    if clicked is not None:
        if all(START.contains(float(v)) for v in clicked):
            ss[f"{page}:start_x"], ss[f"{page}:start_y"] = (float(v) for v in clicked)
        else:
            st.warning(_("That click was not a point of the map; the start is unchanged."))
    c1, c2 = st.columns(2)
    sx = _number(c1, _("start x"), f"{page}:start_x", START, default=scape_default[0], fmt="%.4g")
    sy = _number(c2, _("start y"), f"{page}:start_y", START, default=scape_default[1], fmt="%.4g")
    kw["start"] = (sx, sy)
    spec = Scenario.spec("steps")
    ss.setdefault(f"{page}:steps", spec.default)
    _guard(f"{page}:steps", spec, "steps")
    steps = st.slider(
        _("steps"),
        spec.low,
        spec.high,
        key=f"{page}:steps",
        persist_state=KEEP,
        step=spec.step,
        on_change=_ON_NUMBER.get(),
    )
    kw["steps"] = _checked_value(steps, spec, "steps")
    if show_schedule:
        name, args = _schedule_controls(page, "shared", False, kw["steps"])
        kw["schedule"], kw["schedule_args"] = name, tuple(sorted(args.items()))
    with st.expander(_("warm-up, clipping, noise"), expanded=False):
        for name, label in FOLDED_NUMBERS.items():
            kw[name] = _number(st, _(label), f"{page}:{name}", Scenario.spec(name))
    return kw


def _guard(key: str, spec: ParamSpec, name: str) -> None:
    """A value in the session that the widget would refuse (out of range, NaN, not a number) is
    clamped with a warning before the widget is drawn, so Streamlit never raises on it."""
    v = st.session_state.get(key)
    if v is None:
        return
    try:
        ok = not isinstance(v, bool) and spec.contains(float(v))
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        warn: list[str] = []
        st.session_state[key] = spec.clamp(name, v, warn)
        for w in warn:
            st.warning(say(w))


def _choice(key: str, options, label: str) -> None:
    """A session value that is not among a select box's options (a crafted message, an old link) is
    replaced by the first option, with a warning."""
    v = st.session_state.get(key)
    if v is not None and v not in options:
        st.warning(
            _("{label}: {value} is not one of the choices; using {first}").format(
                label=label, value=scenarios.safe_text(v), first=scenarios.safe_text(options[0])
            )
        )
        st.session_state[key] = options[0]


def _checked_value(v, spec: ParamSpec, name: str):
    """The widget's value, checked once more against its spec (a crafted message can carry
    anything)."""
    warn: list[str] = []
    out = spec.clamp(name, v, warn)
    for w in warn:
        st.warning(say(w))
    return out


def _number(
    where,
    label: str,
    key: str,
    spec: ParamSpec,
    *,
    default: float | None = None,
    fmt: str | None = None,
):
    """A number input whose range, step and type come from ``spec``."""
    ss = st.session_state
    ss.setdefault(key, spec._cast(spec.default if default is None else default))
    _guard(key, spec, label)
    cast = int if spec.integer else float
    step = spec.step if spec.step is not None else (1 if spec.integer else 0.1)
    kwargs = {"format": fmt} if fmt else {}
    v = where.number_input(
        label,
        cast(spec.low),
        cast(spec.high),
        key=key,
        persist_state=KEEP,
        step=cast(step),
        on_change=_ON_NUMBER.get(),
        **kwargs,
    )
    return _checked_value(v, spec, label)


def tolerance_input(page: str) -> float:
    """Compare's 'reached' tolerance (a Scenario field, so it travels in the link)."""
    spec = Scenario.spec("tolerance")
    key = f"{page}:tol"
    st.session_state.setdefault(key, spec.default)
    _guard(key, spec, "tolerance")
    v = st.number_input(
        _("tolerance for 'reached' (f - f*)"),
        spec.low,
        spec.high,
        format="%.0e",
        key=key,
        persist_state=KEEP,
        on_change=_ON_NUMBER.get(),
    )
    return _checked_value(v, spec, "tolerance")


def _default_start(kw: dict) -> tuple[float, float]:
    try:
        return Scenario(
            **{
                k: v
                for k, v in kw.items()
                if k in ("surface", "surface_params", "formula", "bounds")
            }
        ).start_point()
    except (
        landscapes.ExpressionError,
        KeyError,
        ValueError,
    ):  # a formula that does not parse: start at the origin
        return (0.0, 0.0)


def optimizer_controls(page: str, i: int, *, overrides: bool) -> OptimizerConfig:
    ss = st.session_state
    titles = optimizers.titles()
    key = f"{page}:o{i}:name"
    if key not in ss:  # a new slot: the first optimizer the slots above it do not race yet
        used = {ss.get(f"{page}:o{j}:name") for j in range(i)}
        ss[key] = next((n for n in optimizers.names() if n not in used), optimizers.names()[0])
    _choice(key, optimizers.names(), _("optimizer"))
    name = st.selectbox(
        _("optimizer"),
        optimizers.names(),
        key=key,
        persist_state=KEEP,
        format_func=lambda n: _(titles[n]),
    )
    spec = optimizers.get(name)
    lr_key = f"{page}:o{i}:{name}:lr"
    ss.setdefault(lr_key, spec.lr.default)
    lr = _checked_value(
        log_select(_("learning rate"), LR.low, LR.high, lr_key), LR, _("learning rate")
    )
    hp = {}
    for k, h in spec.hyperparams.items():
        wkey = f"{page}:o{i}:{name}:{k}"
        ss.setdefault(wkey, float(h.default))
        hp[k] = _hp_widget(_(h.label or k), h, wkey)
    clip, sched, sargs = None, None, {}
    if overrides:
        sched, sargs = _schedule_controls(page, f"o{i}", True, 0)
        ckey = f"{page}:o{i}:clip"
        ss.setdefault(ckey, "shared")
        opts = ["shared", 0.0, 0.5, 1.0, 2.0, 5.0, 10.0]
        if ss[ckey] not in opts:
            opts.append(ss[ckey])
        c = st.selectbox(
            _("clip norm"),
            opts,
            key=ckey,
            persist_state=KEEP,
            format_func=lambda v: (
                _("same as shared") if v == "shared" else (_("off") if v == 0 else f"{v:g}")
            ),
        )
        clip = None if c == "shared" else float(c)
    return OptimizerConfig.make(name, lr, clip_norm=clip, schedule=sched, schedule_args=sargs, **hp)
