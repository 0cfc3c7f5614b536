"""'A note on the notes': where the course notes are wrong about what a page shows, say what is
right."""

from __future__ import annotations

import streamlit as st

import optimizers

from ._i18n import _, lang


def errata_for(names=(), *, saddle: bool = False, network: bool = False) -> list:
    """The notes' mistakes about these optimizers, about saddle points (a surface with one) or about
    networks (the convexity claim)."""
    out = []
    for e in optimizers.ERRATA:
        if (
            (set(e.optimizers) & set(names))
            or (saddle and e.topic.startswith("saddle"))
            or (network and e.topic == "convexity")
        ):
            out.append(e)
    return out


def notes_on_notes(names=(), *, saddle: bool = False, network: bool = False, container=None) -> int:
    """Show each relevant erratum: the notes' words (and where), and what is right. Returns how
    many."""
    box = container or st
    found = errata_for(names, saddle=saddle, network=network)
    for e in found:
        head = _("**A note on the notes — {topic}.** The notes ({where}) say: “{says}”").format(
            topic=_(e.topic), where=_(e.where), says=e.notes_say
        )
        # the notes' own (Chinese) words; in English their translation follows
        said = "" if lang() == "zh" else f" ({e.notes_say_en})"
        box.info(f"{head}{said}. {_(e.right)}", icon="📝")
    return len(found)


def notes_expander(names=(), *, saddle: bool = False) -> None:
    """The notes' mistakes about these optimizers (and saddles), folded under one expander; nothing
    where the notes are right."""
    found = errata_for(names, saddle=saddle)
    if found:
        with st.expander(
            _("A note on the notes ({n}): where the course notes are wrong about this").format(
                n=len(found)
            )
        ):
            notes_on_notes(names, saddle=saddle)
