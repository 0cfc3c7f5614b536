"""The "Inside the optimizer" panel of Playground and Compare: each optimizer's state over all
steps (the replayed step's numbers are in the map's player), the curvature at the start (the point
last clicked on the map) and the sharpness along every path against 2/lr."""

from __future__ import annotations

import numpy as np
import streamlit as st

import viz
from scenarios import Scenario
from viz._inside import inside_notes

from ._controls import KEEP, cached_run
from ._i18n import _, lang


@st.cache_data(max_entries=32, show_spinner=False)
def cached_inside(scn: Scenario, labels: tuple[str, ...]) -> list:
    """Every optimizer's :class:`viz.InsideData` and :class:`viz.Sharpness` for a scenario."""
    trajs = cached_run(scn)
    scape = scn.landscape()
    out = []
    for oc, t, p in zip(scn.optimizers, trajs, viz.paths_from(trajs, labels), strict=True):
        trace = viz.scenario_trace(scn, oc, t)
        data = (
            None if trace is None else viz.inside_data(trace, oc.name, label=p.label, color=p.color)
        )
        out.append((data, viz.sharpness(scape, t, label=p.label, color=p.color)))
    return out


@st.cache_data(max_entries=64, show_spinner=False)
def _curvature(scn: Scenario):
    scape = scn.landscape()
    return viz.curvature_at(scape, scn.start_point(scape)), scape.extent


def inside_panel(page: str, scn: Scenario, labels: tuple[str, ...]) -> None:
    """The panel, folded by default (its numbers at the replayed step are under the map)."""
    with st.expander(
        _("Inside the optimizer: its state at every step, the curvature"), expanded=False
    ):
        # drawn on request: an expander's content is sent with every update even while folded
        if not st.toggle(
            _("Draw the state over all steps, the curvature and the sharpness"),
            key=f"{page}:inside_on",
            persist_state=KEEP,
        ):
            st.caption(_("The numbers of the replayed step are under the map."))
            return
        items = cached_inside(scn, labels)
        names = [lbl for (d, _), lbl in zip(items, labels, strict=True) if d is not None]
        st.latex(
            r"\Delta\theta_t = -\frac{\alpha_t}{\sqrt{G_t+\epsilon}}\,M_t,\quad "
            r"G_t = \psi(g_1,\dots,g_t),\ M_t = \phi(g_1,\dots,g_t)"
        )
        st.caption(
            _(
                "The notes' unified form of (almost) every optimizer. The numbers of the replayed "
                "step are under the map (“Inside the optimizer at this step”); here every step."
            )
        )
        if names:
            pick = (
                st.selectbox(_("optimizer"), names, key=f"{page}:inside_pick")
                if len(names) > 1
                else names[0]
            )
            d = next(d for d, _ in items if d is not None and d.label == pick)
            st.markdown(f"**{d.label}**: $M_t$ = {_(d.unified[0])}; $G_t$ = {_(d.unified[1])}")
            for note in inside_notes(d, lang()):
                st.write(note)
            if d.quantities:
                fig = viz.inside_figure(d, lang=lang())
                st.plotly_chart(fig, theme=None, key=f"{page}:inside_fig")
            else:
                st.caption(_("This optimizer keeps no state: each step uses only its gradient."))
        else:
            st.info(_("No step was taken (or the run diverged at once): no state to show."))
        st.markdown(
            _(
                "**Curvature here**: at the start, the point last clicked on the map (a click "
                "moves the start and this readout)"
            )
        )
        try:
            c, extent = _curvature(scn)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError) as e:
            st.info(_("The curvature cannot be computed here: {error}").format(error=e))
            return
        if not np.all(np.isfinite(c.hessian)):
            st.info(_("The Hessian is not finite at this point: no curvature to show."))
        else:
            st.write(c.sentence(lang()))
            st.latex(r"f(x+d) \approx m(d) = f + g^\top d + \tfrac12 d^\top H d")
            st.latex(
                rf"f = {c.f:.4g},\ g = ({c.grad[0]:.4g},\ {c.grad[1]:.4g}),\ "
                rf"H = \begin{{pmatrix}} {c.hessian[0, 0]:.4g} & {c.hessian[0, 1]:.4g} \\ "
                rf"{c.hessian[1, 0]:.4g} & {c.hessian[1, 1]:.4g} \end{{pmatrix}}"
            )
            st.plotly_chart(
                viz.curvature_figure(c, radius=0.15 * extent, lang=lang()),
                theme=None,
                key=f"{page}:curv",
                width="content",
            )
        st.markdown(_("**Sharpness along the path**"))
        sharp = [s for _, s in items]
        st.plotly_chart(viz.sharpness_figure(sharp, lang=lang()), theme=None, key=f"{page}:sharp")
        for s in sharp:
            st.write(s.sentence(lang()))
