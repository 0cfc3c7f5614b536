"""Playground: one optimizer, in depth."""

import dataclasses

import streamlit as st

import optimizers
import scenarios
import ui
import viz
from scenarios import Scenario

PAGE = "play"
TOGGLES = {"view3d": f"{PAGE}:3d", **ui.presentation_toggles(PAGE)}  # page-only flags in the link
ui.page_setup("Playground")
_ = ui.t
st.title(_("Playground"))
st.caption(
    _(
        "One optimizer in depth: pick a surface and an optimizer, click the map to choose a "
        "start, press ▶ to replay."
    )
)

DEFAULT = scenarios.get_preset("momentum-vs-nesterov-saddle").scenario
url_preset = st.query_params.get("preset")
for w in ui.init_page(
    PAGE,
    Scenario(surface="saddle", start=(-1.8, 1e-3), optimizers=DEFAULT.optimizers[1:2]),
    TOGGLES,
):
    st.warning(w)
present = ui.presentation(PAGE)  # 0, or the scale of presentation mode


if url_preset in scenarios.preset_names():
    ui.race_note(url_preset)
with st.expander(_("Presets"), expanded=False):
    pick = st.selectbox(
        _("preset"),
        scenarios.preset_names(),
        format_func=lambda s: _(scenarios.get_preset(s).title),
        key=f"{PAGE}:preset_pick",
        persist_state=ui.KEEP,
    )
    if st.button(_("Load preset (first optimizer)"), key="play:load"):
        scn = scenarios.get_preset(pick).scenario
        ui.load_scenario(dataclasses.replace(scn, optimizers=scn.optimizers[:1]), PAGE)
        st.rerun()
    if len(scenarios.get_preset(pick).scenario.optimizers) > 1:
        ui.race_note(pick)
    else:
        st.write(_(scenarios.get_preset(pick).explanation))
        ui.show_claims(pick)


def results(scn: Scenario, view3d: bool) -> None:
    """Right of the settings, what a number changes: the divergence note, the map (or the 3-D
    view) with its charts, the export and inside panels, the table."""
    oc, traj, scape = scn.optimizers[0], ui.cached_run(scn)[0], scn.landscape()
    label, title = oc.label_in(ui.lang()), _(scape.title)
    paths = viz.paths_from([traj], [label])
    note = st.container()  # the note's one place: the map below keeps its own
    if traj.diverged_at is not None:
        ui.run_diverged(traj.diverged_at, note)
    grid = ui.cached_grid(scn)
    est = optimizers.lr_estimate(traj, oc.name, dict(oc.hparams))  # Prodigy's own step size
    charts = viz.run_charts(scape, traj, est, lang=ui.lang())
    if view3d:
        fig = viz.surface3d_figure(
            scape,
            ui.cached_grid(scn, 80),
            paths,
            title=title,
            height=int(560 * (present or 1)),
            lang=ui.lang(),
        )
        ui.present_figure(fig, present)
        st.plotly_chart(fig, theme=None, key=f"{PAGE}:chart3d")
    else:
        fig = lambda: viz.landscape_figure(scape, grid, paths, title=title, lang=ui.lang())
        ui.replay_map(
            PAGE,
            ui.replay_payload(scn, (label,), title, 560),
            key=f"{PAGE}:map",
            present=present,
            charts=charts,
            chart_columns=2,
        )
        st.caption(
            _(
                "Every update, one at a time: ◀ step, step ▶, ▶ Play, the slider, the speed "
                "(after a click on any player button the keys ← → space Home End work too). "
                "Click the map to start there; drag to pan, scroll to zoom, double-click to "
                "reset."
            )
        )
    # drawn while open: closed, none of its ~20 elements is sent and drawn again per update
    ui.export_panel(
        PAGE, scn, fig, scape, grid, paths, [traj], replay=None if view3d else scn, lazy=True
    )
    ui.inside_panel(PAGE, scn, (label,))
    if view3d:  # no map: Streamlit's charts (the 3-D view loads its plotly.js anyway)
        cells = [*st.columns(2), *st.columns(2)]
        for i, chart in enumerate(charts):
            cells[i].plotly_chart(chart, theme=None, key=f"{PAGE}:curve{i}")
    rows = [viz.summarize(scape, traj, label, lang=ui.lang()).row(ui.lang())]
    # a static table: its columns wrap, none is cut off, and the page loads no data-grid code
    # (st.dataframe adds 0.6 MB of JS to the first load)
    st.table(rows)


@st.fragment(key=f"{PAGE}:drawn")
def drawn() -> None:
    """:func:`results` for the scenario in ``{PAGE}:drawn``: run with the page, and alone after a
    number changed (``ui.numbers_rerun``: the settings are not sent and drawn again)."""
    scn = st.session_state[f"{PAGE}:drawn"]
    ui.sync_url(scn, PAGE, TOGGLES)
    results(scn, bool(st.session_state.get(f"{PAGE}:3d")))


@st.fragment
def playground():
    if present:  # the settings folded above, the map across the whole width
        left, right = st.expander(_("Settings"), expanded=False), st.container()
    else:
        left, right = st.columns([1, 2.4], gap="medium")
    with left, ui.numbers_rerun(PAGE, f"{PAGE}:drawn", overrides=False):
        kw = ui.shared_controls(PAGE)
        st.markdown("**" + _("Optimizer") + "**")
        oc = ui.optimizer_controls(PAGE, 0, overrides=False)
        st.toggle(_("3-D surface"), key=f"{PAGE}:3d", persist_state=ui.KEEP)
    scn = Scenario(**kw, optimizers=(oc,))
    ui.numbers_checked(PAGE, scn, overrides=False)
    st.session_state[f"{PAGE}:drawn"] = scn
    spec, scape = optimizers.get(oc.name), scn.landscape()
    with right:
        drawn()
        t1, t2, t3 = st.tabs([_("Update rule"), _("Textbook numpy"), _("About the surface")])
        t1.latex(spec.latex)
        t1.caption(
            _(spec.description) + "  \n" + _("References: {refs}").format(refs=spec.reference)
        )
        ui.notes_on_notes([oc.name], container=t1)
        t2.code(
            ("# state\n" + spec.textbook_init + "\n\n" if spec.textbook_init else "")
            + "# each step t = 1, 2, ...\n"
            + spec.textbook,
            language="python",
        )
        t3.write(_(scape.description))
        t3.caption(_("References: {refs}").format(refs=scape.reference))
        ui.notes_on_notes(saddle=bool(scape.saddles), container=t3)


playground()
