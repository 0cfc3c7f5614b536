"""Streamlit widgets shared by the pages: Scenario <-> widgets <-> URL, and cached engine calls."""

from . import _teaching as teaching
from ._banners import (
    FAILS,
    HOLDS,
    divergence_banner,
    divergence_errors,
    divergence_message,
    preset_claims,
    preset_drift_note,
    race_note,
    run_diverged,
    same_scenario,
    show_claims,
)
from ._bound import LinkCheck
from ._cached import cached_basins, cached_search, cached_sweep_paths
from ._controls import (
    KEEP,
    LINK,
    apply_pending,
    cached_grid,
    cached_run,
    init_page,
    load_scenario,
    log_select,
    numbers_checked,
    numbers_rerun,
    optimizer_controls,
    page_setup,
    peek_missed,
    peek_scenario,
    shared_controls,
    sync_url,
    tolerance_input,
)
from ._course import current_lesson, lesson_pages, set_current, t
from ._course import facts as lesson_facts
from ._course import figure as lesson_figure
from ._errata import errata_for, notes_expander, notes_on_notes
from ._export import export_panel
from ._i18n import lang, lang_in_url, language_switch, translated
from ._inside import cached_inside, inside_panel
from ._links import link_page
from ._map import present_figure, presentation, presentation_toggles, replay_map
from ._replay import replay_payload
from ._select import choice

__all__ = [
    "FAILS",
    "HOLDS",
    "KEEP",
    "LINK",
    "LinkCheck",
    "apply_pending",
    "cached_basins",
    "cached_grid",
    "cached_inside",
    "cached_run",
    "cached_search",
    "cached_sweep_paths",
    "choice",
    "current_lesson",
    "divergence_banner",
    "divergence_errors",
    "divergence_message",
    "errata_for",
    "export_panel",
    "init_page",
    "inside_panel",
    "lang",
    "lang_in_url",
    "language_switch",
    "lesson_facts",
    "lesson_figure",
    "lesson_pages",
    "link_page",
    "load_scenario",
    "log_select",
    "notes_expander",
    "notes_on_notes",
    "numbers_checked",
    "numbers_rerun",
    "optimizer_controls",
    "page_setup",
    "peek_missed",
    "peek_scenario",
    "present_figure",
    "presentation",
    "presentation_toggles",
    "preset_claims",
    "preset_drift_note",
    "race_note",
    "replay_map",
    "replay_payload",
    "run_diverged",
    "same_scenario",
    "set_current",
    "shared_controls",
    "show_claims",
    "sync_url",
    "t",
    "teaching",
    "tolerance_input",
    "translated",
]
