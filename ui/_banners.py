"""Page-level messages about runs: the divergence banner and a preset's checked claims."""

from __future__ import annotations

import dataclasses
import functools

import streamlit as st

from i18n import N_

from ._i18n import _, lang


def divergence_message(
    n_diverged: int,
    n_total: int,
    what: str = N_("runs"),
    hint: str = N_("lower the learning rate"),
) -> str | None:
    """The banner's text when most (more than half) of ``n_total`` runs diverged, else ``None``."""
    n_diverged, n_total = int(n_diverged), int(n_total)
    if n_total <= 0 or 2 * n_diverged <= n_total:
        return None
    what, hint = _(what), _(hint)
    head = (
        _("All {n} {what} diverged").format(n=n_total, what=what)
        if n_diverged == n_total
        else _("{k} of {n} {what} diverged").format(k=n_diverged, n=n_total, what=what)
    )
    return _(
        "{head}: the picture mostly shows blow-ups, not the optimizer at work. {hint}."
    ).format(head=head, hint=f"{hint[:1].upper()}{hint[1:]}")


def divergence_banner(
    n_diverged: int, n_total: int, what: str = "runs", hint: str = "lower the learning rate"
) -> bool:
    """Show a warning when most runs on the page diverged. Returns whether it was shown."""
    msg = divergence_message(n_diverged, n_total, what, hint)
    if msg is not None:
        st.warning(msg, icon="⚠️")
    return msg is not None


HOLDS = ":green[:material/check_circle:]"
FAILS = ":red[:material/cancel:] **does not hold:**"
GRAY = ":gray[{}]"  # the measured numbers under a claim


@st.cache_data(show_spinner=False, max_entries=32)
def preset_claims(slug: str, language: str = "en") -> list[tuple[str, bool, str]]:
    """``(sentence, holds, evidence)`` for every claim of a preset, from the engine's runs,
    written in ``language`` (cached)."""
    import scenarios

    return scenarios.check_claims(slug, language)


def show_claims(slug: str) -> None:
    """The preset's claims as a checklist: a tick and the measured numbers for each one that
    holds."""
    with st.spinner(_("Checking the preset's claims on its runs...")):
        rows = preset_claims(slug, lang())
    if not rows:
        return
    n_ok = sum(ok for _, ok, _ in rows)
    st.markdown(
        _("**Checked on this preset's own runs: {k} of {n} claims hold.**").format(
            k=n_ok, n=len(rows)
        )
    )
    for sentence, ok, evidence in rows:
        esc = lambda t: t.replace("*", "\\*").replace("[", "(").replace("]", ")")
        mark = HOLDS if ok else FAILS.replace("does not hold:", _("does not hold:"))
        st.markdown(f"{mark} {esc(_(sentence))}  \n" + GRAY.format(esc(_(evidence))))


@functools.lru_cache(maxsize=256)
def _spelled_out(s) -> dict:
    """``s``'s link with its default start and surface parameters written out (cached: a page
    compares its scenario with its preset's on every update)."""
    values = tuple(sorted((k, float(v)) for k, v in s.landscape().values.items()))
    return dataclasses.replace(s, start=s.start_point(), surface_params=values).to_query()


def same_scenario(a, b) -> bool:
    """Whether two scenarios draw the same picture (a preset's default start and default surface
    parameters count as given)."""
    return _spelled_out(a) == _spelled_out(b)


def race_note(slug: str) -> None:
    """A Compare preset on Playground: say that Playground shows its first optimizer, and link the
    whole race."""
    from scenarios import get_preset

    from ._links import link_page

    p = get_preset(slug)
    first = p.scenario.optimizers[0]
    if len(p.scenario.optimizers) > 1:
        st.info(
            _(
                "“{title}” races {n} optimizers; Playground shows the first, {first}. Its "
                "explanation and checked claims are on Compare."
            ).format(title=_(p.title), n=len(p.scenario.optimizers), first=first.label_in(lang())),
            icon="ℹ️",
        )
        link_page(
            "2_Compare.py",
            _("Open “{title}” on Compare").format(title=_(p.title)),
            "🏁",
            {"preset": slug},
        )


def preset_drift_note(page: str, slug: str | None, scn) -> None:
    """A caption when the map no longer shows preset ``slug``'s own runs: the settings were
    changed, or the page opened a shared link (``init_page`` notes which)."""
    from scenarios import get_preset

    if slug is None or same_scenario(scn, get_preset(slug).scenario):
        return
    if st.session_state.get(f"{page}:from_link"):
        text = _(
            "The map shows the settings of the link you opened: the checked claims under “What "
            "this preset shows” describe the preset's own runs."
        )
    else:
        text = _(
            "You have changed the preset's settings: the checked claims under “What this preset "
            "shows” describe the preset's own runs, not the map below."
        )
    st.caption(":material/info: " + text)


def run_diverged(k: int, where=st) -> None:
    """Playground's note that its run diverged at step ``k``, and what to try."""
    where.error(
        _(
            "Diverged at step {k}: the iterate became non-finite, left the function's "
            "domain or ran more than 100 map widths from its centre. The path is frozen "
            "at its last point before that (which can lie far off the map). Try a smaller "
            "learning rate, or clip the gradient."
        ).format(k=k)
    )


def divergence_errors(paths) -> None:
    """One error per diverged path (``viz.paths_from``'s), saying where it stopped."""
    for p in paths:
        if p.diverged_at is not None:
            st.error(
                _(
                    "{label} diverged at step {k} (non-finite, or more than 100 map widths "
                    "from its centre); its path is frozen at its last point before that, "
                    "which can lie far off the map."
                ).format(label=p.label, k=p.diverged_at)
            )
