"""A lesson page's link (its widgets bound to the URL, ``bind=ui.LINK``): one warning for what the
page cannot use.

Streamlit drops a bound value that its widget refuses (out of range, not a choice) and keeps
parameters no widget is bound to, both silently. :class:`LinkCheck` reads the link as it arrived,
and once the page's bound widgets exist it names, in a single warning, the values that were
dropped or changed and the unknown parameters (which it removes from the link).
"""

from __future__ import annotations

import math

import streamlit as st

from scenarios import safe_text

from ._i18n import _

#: Parameters that belong to Streamlit or to the app (the language), not to a page.
APP_PARAMS = frozenset({"embed", "embed_options", "lang"})


def _same(value, given: list[str]) -> bool:
    """Whether the widget's ``value`` is what the link's text ``given`` asked for (a select box
    with a ``format_func`` writes its label, so only a kept parameter tells for those)."""
    if isinstance(value, (list, tuple)):
        return len(value) == len(given) and all(
            _same(v, [g]) for v, g in zip(value, given, strict=True)
        )
    text = given[-1] if given else ""
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            x = float(text)
        except ValueError:
            return False
        return math.isfinite(x) and math.isclose(x, float(value), rel_tol=1e-9, abs_tol=1e-12)
    return text == str(value)


class LinkCheck:
    """``link = ui.LinkCheck(PAGE)`` at the top of a page, ``link.check()`` after its last widget
    bound to the URL (widget keys are ``PAGE:...`` and name their parameters)."""

    def __init__(self, page: str):
        self.page = page
        self.box = st.empty()  # the warning goes here, at the top of the page
        q = st.query_params
        self.given = {k: q.get_all(k) for k in q if k not in APP_PARAMS}
        seen = st.session_state.get(f"{page}:link_seen")
        # a rerun after a widget moved starts from the link the last run left: nothing to check
        self.fresh = bool(self.given) and self.given != seen

    def check(self) -> str | None:
        """Show (and return) the one warning about the arrived link, if it needs one."""
        ss, msg = st.session_state, None
        if self.fresh:
            unknown, bad = [], []
            now = st.query_params
            for k, given in self.given.items():
                if not k.startswith(f"{self.page}:") or k not in ss:
                    unknown.append(k)
                elif (now.get_all(k) != given) if k in now else not _same(ss[k], given):
                    # kept but changed (clamped), or dropped (a value at its default is dropped
                    # too, silently, and that is no loss)
                    bad.append(f"{safe_text(k, 30)} = {safe_text(given[-1] if given else '', 20)}")
            for k in unknown:
                del st.query_params[k]
            parts = []
            more = lambda n: _(" and {n} more").format(n=n - 5) if n > 5 else ""
            if bad:
                parts.append(
                    (
                        _("{n} values this page cannot use ({which}{more})")
                        if len(bad) > 1
                        else _("1 value this page cannot use ({which}{more})")
                    ).format(n=len(bad), which=", ".join(bad[:5]), more=more(len(bad)))
                    + _(": out of range or not a choice, so the page shows its default")
                )
            if unknown:
                parts.append(
                    (
                        _("ignored {n} unknown link parameters: {which}{more}")
                        if len(unknown) > 1
                        else _("ignored 1 unknown link parameter: {which}{more}")
                    ).format(
                        n=len(unknown),
                        which=", ".join(safe_text(k, 30) for k in unknown[:5]),
                        more=more(len(unknown)),
                    )
                )
            if parts:
                msg = _("This link: {parts}.").format(parts=_("; ").join(parts))
                self.box.warning(msg, icon="⚠️")
        ss[f"{self.page}:link_seen"] = {
            k: st.query_params.get_all(k) for k in st.query_params if k not in APP_PARAMS
        }
        return msg
