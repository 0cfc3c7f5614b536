"""'A note on the notes': where the course notes are wrong about what a page shows, say what is
right."""

from __future__ import annotations

import streamlit as st

import optimizers


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
        box.info(
            f"**A note on the notes — {e.topic}.** The notes ({e.where}) say: “{e.notes_say}” "
            f"({e.notes_say_en}). {e.right}",
            icon="📝",
        )
    return len(found)
