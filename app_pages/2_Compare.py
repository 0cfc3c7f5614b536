"""Compare: race 1-6 optimizers from one start on one surface (a shared link's own number)."""

import streamlit as st

import scenarios
import ui
import viz
from i18n import N_
from scenarios import MAX_OPTIMIZERS, Scenario

PAGE = "cmp"
TOGGLES = ui.presentation_toggles(PAGE)  # page-only flags in the link
ui.page_setup("Compare")
_ = ui.t
st.title(_("Compare optimizers"))

RACES = [
    p.slug for p in scenarios.PRESETS if p.page == "compare"
]  # a one-optimizer preset opens on Playground
url_preset = st.query_params.get("preset")
if url_preset in scenarios.preset_names() and url_preset not in RACES:
    st.query_params.clear()
    st.info(
        _("“{title}” is a one-optimizer preset: it opens on Playground.").format(
            title=_(scenarios.get_preset(url_preset).title)
        ),
        icon="ℹ️",
    )
    ui.link_page("1_Playground.py", _("Open it on Playground"), "🔬", {"preset": url_preset})
for w in ui.init_page(PAGE, scenarios.get_preset("momentum-vs-nesterov-saddle").scenario, TOGGLES):
    st.warning(w)
present = ui.presentation(PAGE)  # 0, or the scale of presentation mode

cols = st.columns([3, 1])
slugs = RACES
pick = cols[0].selectbox(
    _("preset"),
    slugs,
    format_func=lambda s: _(scenarios.get_preset(s).title),
    key="cmp:preset_pick",
    label_visibility="collapsed",
    persist_state=ui.KEEP,
)
if cols[1].button(_("Load preset"), type="primary", width="stretch"):
    ui.load_scenario(scenarios.get_preset(pick).scenario, PAGE)
    st.session_state[f"{PAGE}:from_link"] = False
    st.query_params.clear()
    st.rerun()
with st.expander(_("What this preset shows"), expanded=False):
    st.write(_(scenarios.get_preset(pick).explanation))
    ui.show_claims(pick)


def results(scn: Scenario) -> None:
    """Right of the settings, what a number changes: banners, the map with the loss chart and the
    table, the export and inside panels."""
    trajs = ui.cached_run(scn)
    scape = scn.landscape()
    configs = scn.optimizers
    labels = [f"{i + 1}. {c.label_in(ui.lang())}" for i, c in enumerate(configs)]
    title = _(scape.title)
    paths = viz.paths_from(trajs, labels)
    grid = ui.cached_grid(scn)
    loss = viz.race_loss_figure(
        scape, trajs, paths, height=int(340 * (present or 1)), lang=ui.lang()
    )
    payload = ui.replay_payload(scn, tuple(labels), title, 560)
    # the notes above the map in one container: however many there are, the map keeps its place
    # (a map that moves down one place is hidden by the page until it arrives there)
    with st.container():
        shown = st.session_state.get(f"{PAGE}:preset_pick")
        ui.preset_drift_note(PAGE, shown if shown in RACES else None, scn)
        n_div = sum(p.diverged_at is not None for p in paths)
        ui.divergence_banner(n_div, len(paths), N_("optimizers"))
        ui.divergence_errors(paths)
    rows = [
        viz.summarize(scape, t, p.label, scn.tolerance, lang=ui.lang()).row(ui.lang())
        for p, t in zip(paths, trajs, strict=True)
    ]
    ui.replay_map(  # the loss chart and the summary table below the map, drawn by the player
        PAGE,
        payload,
        key=f"{PAGE}:map",
        present=present,
        charts=[ui.present_figure(loss, present)],
        table=rows,
    )
    fig = lambda: viz.landscape_figure(scape, grid, paths, title=title, lang=ui.lang())
    # drawn while open: closed, none of its ~20 elements is sent and drawn again per update
    ui.export_panel(PAGE, scn, fig, scape, grid, paths, trajs, replay=scn, lazy=True)
    ui.inside_panel(PAGE, scn, tuple(labels))


@st.fragment(key=f"{PAGE}:drawn")
def drawn() -> None:
    """:func:`results` for the scenario in ``{PAGE}:drawn``: run with the page, and alone after a
    number changed (``ui.numbers_rerun``: the ~30 widgets, which the browser already shows at their
    new values, are not sent and drawn again)."""
    scn = st.session_state[f"{PAGE}:drawn"]
    ui.sync_url(scn, PAGE, TOGGLES)
    results(scn)


@st.fragment
def compare():
    if present:  # the settings folded above, the map across the whole width
        left, right = st.expander(_("Settings"), expanded=False), st.container()
    else:
        left, right = st.columns([1, 2.4], gap="medium")
    # the map first when the session holds every setting (the browser draws it while the widgets
    # are sent); checked against the widgets' scenario below
    early = ui.peek_scenario(PAGE)
    if early is not None:
        st.session_state[f"{PAGE}:drawn"] = early
        with right:
            drawn()
    with left, ui.numbers_rerun(PAGE, f"{PAGE}:drawn"):
        kw = ui.shared_controls(PAGE)
        st.session_state.setdefault(f"{PAGE}:n_opt", 2)
        n = int(
            st.number_input(  # from 1: a link with one optimizer shows that one, no second
                _("number of optimizers"),
                1,
                MAX_OPTIMIZERS,
                key=f"{PAGE}:n_opt",
                persist_state=ui.KEEP,
            )
        )
        configs = []
        for i in range(n):
            with st.expander(_("Optimizer {i}").format(i=i + 1), expanded=i < 2):
                configs.append(ui.optimizer_controls(PAGE, i, overrides=True))
        tol = ui.tolerance_input(PAGE)
    scn = Scenario(**kw, optimizers=tuple(configs), tolerance=tol)
    if early is None:
        st.session_state[f"{PAGE}:drawn"] = scn
        with right:
            drawn()
    elif early != scn:
        ui.peek_missed(PAGE)
    with right:  # what no number changes
        st.caption(
            _(
                "All optimizers at the same step, side by side: ◀ step, step ▶, ▶ Play, the "
                "slider (after a click on any player button the keys ← → space Home End work "
                "too). Click the map to start every optimizer there."
            )
        )
        ui.notes_expander([c.name for c in configs], saddle=bool(scn.landscape().saddles))


compare()
