"""The class pack: lessons as one offline zip (``index.html`` with plotly.js inlined once, every
figure interactive, the texts in the chosen language, answers behind a click), so a class can
follow without the server."""

from __future__ import annotations

import datetime
import html
import io
import zipfile

import plotly.io as pio
from plotly.offline import get_plotlyjs

import i18n
import optimizers

from . import _course as c
from . import _figures

CSS = """body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;max-width:1000px;margin:auto;
padding:1em;line-height:1.5}section{border-top:1px solid #ccc;margin-top:2em}
.formula{background:#f4f4f4;padding:.5em;font-family:monospace;overflow-x:auto}
.erratum{background:#eef5ff;padding:.5em}details{margin:1em 0}summary{cursor:pointer;
font-weight:bold}.figure{min-height:300px}"""


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def lesson_html(les: c.Lesson, lang: str) -> str:
    """One lesson as an HTML section (its figures need plotly.js loaded once by the page)."""
    _ = i18n.gettext_for(lang)
    q = les.question
    parts = [
        f'<section id="{_e(les.slug)}"><h2>{les.order}. {_e(_(les.title))}</h2>',
        f"<p><small>{_e(_('Follows the course notes:'))} {_e(les.notes)}</small></p>",
        f"<p>{_e(_(les.text))}</p>",
        f'<div class="formula">{_e(les.formula)}</div>',
        f"<h3>{_e(_('Predict, then run'))}</h3><p>{_e(_(q.ask))}</p><ol type='A'>",
        *(f"<li>{_e(_(ch))}</li>" for ch in q.choices),
        "</ol>",
    ]
    for i, f in enumerate(les.figures):
        fig = _figures.figure(f, _)
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False,
                          div_id=f"fig-{les.slug}-{i}", config={"responsive": True})  # fmt: skip
        parts.append(f'<div class="figure">{div}</div>')
    parts.append(
        f"<details><summary>{_e(_('Reveal the answer'))}</summary><p><b>"
        f"{_e(_(q.choices[q.answer]))}</b>{_e(_('. '))}{_e(_(q.reveal))}</p><ul>"
    )
    for sentence, holds, evidence in c.facts(les, lang):
        mark = "✔" if holds else "✘"
        parts.append(f"<li>{mark} {_e(_(sentence))} ({_e(c.evidence_in(evidence, lang))})</li>")
    parts.append("</ul></details>")
    for e in optimizers.ERRATA:
        if e.topic in les.errata:
            parts.append(
                f'<p class="erratum">📝 <b>{_e(_("A note on the notes"))} — {_e(e.topic)}.</b> '
                f"{_e(_('The notes'))} ({_e(e.where)}): “{_e(e.notes_say)}” "
                f"({_e(_(e.notes_say_en))}). {_e(_(e.right))}</p>"
            )
    parts.append("</section>")
    return "\n".join(parts)


def pack_html(slugs=None, lang: str = "en") -> str:
    """The whole pack as one self-contained HTML page."""
    _ = i18n.gettext_for(lang)
    chosen = [les for les in c.load() if slugs is None or les.slug in slugs]
    if not chosen:
        raise ValueError("no lesson chosen; pick at least one of " + ", ".join(
            les.slug for les in c.load()))  # fmt: skip
    toc = "".join(f'<li><a href="#{_e(x.slug)}">{_e(_(x.title))}</a></li>' for x in chosen)
    body = "\n".join(lesson_html(les, lang) for les in chosen)
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>Optiscape — {_e(_("Course"))}</title>'
        f"<style>{CSS}</style><script>{get_plotlyjs()}</script></head><body>"
        f"<h1>Optiscape — {_e(_('Course'))}</h1><ol>{toc}</ol>{body}</body></html>"
    )


def class_pack(slugs=None, lang: str = "en") -> bytes:
    """A zip holding ``index.html`` (:func:`pack_html`) and a README."""
    page = pack_html(slugs, lang)
    buf = io.BytesIO()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("index.html", page)
        z.writestr("README.txt", f"Optiscape class pack ({lang}, {stamp}): open index.html in a "
                   "browser; it needs no network.\n")  # fmt: skip
    return buf.getvalue()
