"""The export panel shared by the pages: downloads (figure, animation, data, Scenario) and JSON
import."""

from __future__ import annotations

import streamlit as st

import viz
from i18n import N_
from scenarios import Scenario

from . import _server
from ._controls import KEEP, load_scenario
from ._i18n import _, lang

SIZES = {
    N_("1920 x 1080 (slides, 16:9)"): (1920, 1080),
    "1280 x 720": (1280, 720),
    "1600 x 1200 (4:3)": (1600, 1200),
    "1024 x 768": (1024, 768),
    "800 x 600": (800, 600),
}


def export_panel(
    page: str,
    scn: Scenario,
    fig,
    scape,
    grid,
    paths,
    trajs,
    replay: Scenario | None = None,
    *,
    lazy: bool = False,
) -> None:
    """Downloads of the page's figure (``fig``: a figure or a function that builds one when asked)
    and, with ``replay`` (the replayed Scenario), the step-by-step replay as a standalone HTML page.
    Everything it writes (the animations' and the replay's titles and words too) is in the page's
    language; the figure ``fig`` comes in that language from the page. ``lazy``: the panel's
    content is made and sent only while it is open (opening it reruns the page; its settings keep
    their values while it is closed), not with every update."""
    labels = [p.label for p in paths]
    lg = lang()
    title = _(scape.title)
    figure = fig if not callable(fig) else None

    def _fig():
        nonlocal figure
        if figure is None:
            figure = fig()
        return figure

    def _html():
        if replay is None:
            return viz.to_html(_fig())
        from ._replay import replay_payload

        data = replay_payload(replay, tuple(labels), title, 560)  # the page's own (cached) payload
        return viz.replay_html({**data, "height": 620}, title=f"Optiscape: {title}")

    lim = _server.session_limit("export", _server.EXPORTS_PER_MINUTE)
    lazily = {"key": f"{page}:export_open", "on_change": "rerun"} if lazy else {}
    keep = {"persist_state": KEEP} if lazy else {}
    box = st.expander(_("Export: PNG, SVG, PDF, HTML, GIF, MP4, CSV, NPZ, JSON"), **lazily)
    with box:
        if lazy and not box.open:
            return
        st.caption(
            _("At most {n} files a minute per session (a class shares this server).").format(
                n=lim.limit
            )
            + (_(" Next one in {s} s.").format(s=f"{lim.wait_s():.0f}") if lim.wait_s() else "")
        )
        c1, c2, c3 = st.columns(3)
        size = c1.selectbox(
            _("image size"), list(SIZES), key=f"{page}:exp_size", **keep, format_func=lambda k: _(k)
        )
        scale = c2.selectbox(
            _("scale (pixel density)"),
            [1, 2, 3],
            key=f"{page}:exp_scale",
            **keep,
            format_func=lambda s: f"@{s}x",
        )
        text = c3.selectbox(
            _("text and lines"),
            [1.0, 1.5, 2.0],
            index=1,
            key=f"{page}:exp_text",
            **keep,
            format_func=lambda s: f"{s:g}x" + (_(" (slides)") if s == 1.5 else ""),
        )
        w, h = SIZES[size]
        if w * h * scale * scale > viz._export.MAX_PIXELS:
            st.warning(_("That size is over the export limit; using scale 1."))
            scale = 1
        a1, a2, a3, a4 = st.columns(4)
        fps = int(a1.number_input(_("frames/s"), 1, 50, 12, key=f"{page}:exp_fps", **keep))
        steps = max(len(t.points) - 1 for t in trajs)
        auto = max(1, -(-steps // 40))
        every = int(
            a2.number_input(
                _("every k steps"),
                1,
                10_000,
                auto,
                key=f"{page}:exp_every",
                **keep,
                help=_("one frame every k steps (the last step is always shown)"),
            )
        )
        hold = float(
            a3.number_input(_("hold last (s)"), 0.0, 30.0, 2.0, 0.5, key=f"{page}:exp_hold", **keep)
        )
        with_arrows = a4.checkbox(
            _("arrows"),
            value=replay is not None,
            key=f"{page}:exp_arrows",
            **keep,
            help=_("each step's arrows, as the map draws them"),
        )
        frames_n = len(range(0, steps + 1, every)) + (steps % every != 0)
        if frames_n > viz._export.MAX_GIF_FRAMES:
            st.warning(
                _(
                    "{n} frames is over the limit of {limit}; the GIF and MP4 show every {k} steps."
                ).format(
                    n=frames_n,
                    limit=viz._export.MAX_GIF_FRAMES,
                    k=-(-steps // (viz._export.MAX_GIF_FRAMES - 1)),
                )
            )
            every = -(-steps // (viz._export.MAX_GIF_FRAMES - 1))
        name = viz.export_name(scn)

        def _slide():
            return viz.slide_figure(_fig(), width=w, height=h, text_scale=text)

        def _anim(make):
            arrows = None
            if with_arrows:
                arrows = [
                    viz.step_arrows(t, o.name, scape.extent)
                    for o, t in zip(scn.optimizers, trajs, strict=True)
                ]
            return make(
                scape,
                grid,
                paths,
                width=w,
                height=h,
                every=every,
                fps=fps,
                hold=hold,
                arrows=arrows,
                title=title,
                text_scale=text,
                lang=lg,
            )

        row1 = st.columns(4)
        row1[0].download_button(
            _("PNG"),
            _server.limited_export(
                lambda: viz.to_image(_slide(), "png", width=w, height=h, scale=scale), lim
            ),
            file_name=f"{name}.png",
            mime="image/png",
            on_click="ignore",
            key=f"{page}:dl_png",
        )
        row1[1].download_button(
            _("SVG"),
            _server.limited_export(lambda: viz.to_image(_slide(), "svg", width=w, height=h), lim),
            file_name=f"{name}.svg",
            mime="image/svg+xml",
            on_click="ignore",
            key=f"{page}:dl_svg",
        )
        row1[2].download_button(
            _("PDF"),
            _server.limited_export(lambda: viz.to_image(_slide(), "pdf", width=w, height=h), lim),
            file_name=f"{name}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key=f"{page}:dl_pdf",
        )
        row1[3].download_button(
            _("HTML (interactive)"),
            _server.limited_export(_html, lim),
            file_name=f"{name}.html",
            mime="text/html",
            on_click="ignore",
            key=f"{page}:dl_html",
        )
        row2 = st.columns(5)
        row2[0].download_button(
            _("GIF (replay)"),
            _server.limited_export(lambda: _anim(viz.animation_gif), lim),
            file_name=f"{name}.gif",
            mime="image/gif",
            on_click="ignore",
            key=f"{page}:dl_gif",
        )
        row2[4].download_button(
            _("MP4 (replay)"),
            _server.limited_export(lambda: _anim(viz.animation_mp4), lim),
            file_name=f"{name}.mp4",
            mime="video/mp4",
            on_click="ignore",
            key=f"{page}:dl_mp4",
        )
        row2[1].download_button(
            _("CSV (data)"),
            _server.limited_export(lambda: viz.trajectories_csv(labels, trajs), lim),
            file_name=f"{name}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{page}:dl_csv",
        )
        row2[2].download_button(
            _("NPZ (arrays)"),
            _server.limited_export(lambda: viz.trajectories_npz(labels, trajs), lim),
            file_name=f"{name}.npz",
            mime="application/octet-stream",
            on_click="ignore",
            key=f"{page}:dl_npz",
        )
        row2[3].download_button(
            _("Scenario JSON"),
            scn.to_json(),
            file_name=f"{name}.json",
            mime="application/json",
            on_click="ignore",
            key=f"{page}:dl_json",
        )
        up = st.file_uploader(_("Import a scenario JSON"), type=["json"], key=f"{page}:import")
        if up is not None and st.session_state.get(f"{page}:imported") != up.file_id:
            st.session_state[f"{page}:imported"] = up.file_id
            new, warnings = Scenario.from_json(up.getvalue()[:1_000_000])
            st.session_state[f"{page}:warnings_next"] = warnings
            load_scenario(new, page)
            st.rerun()
        st.caption(
            _("Command line:")
            + " `python -m viz.export preset:momentum-vs-nesterov-saddle -o fig.png --width 1920 "
            + f"--height 1080 --scale 2{' --lang zh' if lg == 'zh' else ''}`"
        )
