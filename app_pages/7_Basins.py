"""Basins of attraction: which minimum does each start lead to?"""

import streamlit as st

import landscapes
import optimizers
import ui
import viz

_ = ui.t
PAGE = "basin"
ui.page_setup("Basins of attraction")
st.title(_("Basins of attraction"))
link = ui.LinkCheck(PAGE)  # one warning for what a link sets wrong
st.write(
    _(
        "Every pixel is a start. Its colour says which minimum the optimizer reached from there "
        "(grey: not converged in time, black: diverged). The map belongs to the optimizer, not "
        "only to the surface."
    )
)

c1, c2, c3 = st.columns(3)
surface = ui.choice(  # (ui.choice: the link holds the names, not the translated labels)
    "selectbox",
    _("surface"),
    ["himmelblau", "six_hump_camel", "three_hump_camel", "rastrigin", "flat_sharp", "saddle"],
    format_func=lambda k: _(landscapes.titles()[k]),
    key=f"{PAGE}:surface",
    container=c1,
)
n = c2.select_slider(
    _("grid of starts"), [50, 100, 150, 200], value=100, key=f"{PAGE}:n", bind=ui.LINK
)
steps = c3.select_slider(
    _("steps"), [100, 200, 300, 500], value=300, key=f"{PAGE}:steps", bind=ui.LINK
)
scape = landscapes.get(surface)
defaults = {
    "himmelblau": (0.01, 0.002, 0.05),
    "six_hump_camel": (0.02, 0.005, 0.05),
    "three_hump_camel": (0.02, 0.005, 0.05),
    "rastrigin": (0.002, 0.001, 0.05),
    "flat_sharp": (0.1, 0.05, 0.05),
    "saddle": (0.05, 0.02, 0.05),
}[surface]
OUTCOMES = {"not converged": _("not converged"), "diverged": _("diverged")}


def count_label(key: str) -> str:
    """A basin count's key (``minimum 2``, ``not converged``, ``diverged``), translated."""
    if key.startswith("minimum "):
        return _("minimum {i}").format(i=key.split()[1])
    return OUTCOMES[key]


cols = st.columns(2)
for i, (col, default_opt) in enumerate(zip(cols, ("sgd", "momentum"), strict=True)):
    with col:
        name = ui.choice(
            "selectbox",
            _("optimizer"),
            ["sgd", "momentum", "nesterov", "adam", "rmsprop", "newton"],
            default=default_opt,
            format_func=lambda k: _(optimizers.titles()[k]),
            key=f"{PAGE}:opt{i}",
        )
        spec = optimizers.get(name)
        st.session_state.setdefault(
            f"{PAGE}:lr{i}:{name}",
            {"sgd": defaults[0], "momentum": defaults[1], "nesterov": defaults[1]}.get(
                name, defaults[2]
            ),
        )
        lr = ui.log_select(_("learning rate"), 1e-4, 2.0, f"{PAGE}:lr{i}:{name}", bind=ui.LINK)
        with st.spinner(_("Running every start...")):
            bm = ui.cached_basins(
                surface, name, int(n), int(steps), float(lr), tuple(sorted(spec.defaults().items()))
            )
        ui.divergence_banner(
            bm.counts.get("diverged", 0),
            int(n) * int(n),
            what=_("runs"),
            hint=_("Black pixels are diverged runs: lower the learning rate"),
        )
        st.plotly_chart(
            viz.basin_figure(bm, scape, title=_(spec.title), subtitle=f"lr {lr:g}", lang=ui.lang()),
            theme=None,
            key=f"{PAGE}:map{i}",
        )
        st.caption(
            " · ".join(f"{count_label(k)}: {v / (n * n):.0%}" for k, v in bm.counts.items() if v)
        )
link.check()
