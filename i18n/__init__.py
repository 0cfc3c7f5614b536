r"""Translations: the gettext catalogs in ``locale/<ll_CC>/LC_MESSAGES/*.po`` (``optiscape.po`` for
the lessons and navigation, one more per part of the app), merged and compiled at start (the
``msgfmt`` format, built in memory) and read with Python's :mod:`gettext`.

UI text is written in English inside ``_("...")`` (shown now) or ``N_("...")`` (marked, shown
later); :func:`extract` finds those strings by AST so a test can require a translation for each.
Terms follow the course notes' own vocabulary (动量, 学习率, 鞍点, 偏差修正 ...).
"""

from __future__ import annotations

import ast
import functools
import gettext
import io
import pathlib
import struct
from collections.abc import Callable, Iterable

import astlock

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
DOMAIN = "optiscape"
LANGS = {"en": "English", "zh": "中文"}
CATALOGS = {"zh": "zh_CN"}  # language code in the URL -> catalog folder
MARKERS = ("_", "N_")


def N_(text: str) -> str:
    """Marks ``text`` for the catalog without translating it now (registries, presets, claims);
    the page shows it through ``_(...)``, a figure builder through ``gettext_for(lang)``."""
    return text


def po_path(lang: str) -> pathlib.Path:
    return LOCALE_DIR / CATALOGS[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


def po_paths(lang: str) -> list[pathlib.Path]:
    """Every catalog file of ``lang`` (``optiscape.po`` first)."""
    return sorted(
        po_path(lang).parent.glob("*.po"), key=lambda p: (p.name != f"{DOMAIN}.po", p.name)
    )


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of all the catalog files of ``lang``, merged."""
    out: dict[str, str] = {}
    for path in po_paths(lang):
        out.update(parse_po(path.read_text(encoding="utf-8")))
    return out


def parse_po(text: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of a ``.po`` file (the header under ``""``; fuzzy and empty entries
    are left out, as ``msgfmt`` does)."""
    out: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = None
    fuzzy = False

    def flush():
        nonlocal entry, fuzzy
        if "msgid" in entry and entry.get("msgstr") and not fuzzy:
            out[entry["msgid"]] = entry["msgstr"]
        entry, fuzzy = {}, False

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
            continue
        if not line:
            continue
        key, _, rest = line.partition(" ")
        if key in ("msgid", "msgstr"):
            if key == "msgid" and "msgid" in entry:
                flush()
            field = key
            line = rest.strip()
        if not (line.startswith('"') and line.endswith('"')) or field is None:
            raise ValueError(f"line {n}: cannot read {raw!r}")
        entry[field] = entry.get(field, "") + astlock.literal_eval(line)
    flush()
    return out


def compile_mo(messages: dict[str, str]) -> bytes:
    """The binary ``.mo`` catalog of ``messages`` (the layout of CPython's
    ``Tools/i18n/msgfmt.py``)."""
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode(), messages[k].encode()
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    start_keys = 7 * 4 + 16 * len(keys)
    start_vals = start_keys + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + start_keys]
        voffsets += [l2, o2 + start_vals]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    table = struct.pack(f"{len(koffsets + voffsets)}i", *(koffsets + voffsets))
    return header + table + ids + strs


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (English: none, the msgids are English), compiled from its
    ``.po``."""
    if lang not in CATALOGS:
        return gettext.NullTranslations()
    mo = compile_mo(catalog(lang))
    return gettext.GNUTranslations(io.BytesIO(mo))


def gettext_for(lang: str) -> Callable[[str], str]:
    return translations(lang if lang in LANGS else "en").gettext


def extract(paths: Iterable[pathlib.Path]) -> dict[str, list[str]]:
    """``{msgid: ["file:line", ...]}`` for every ``_("...")`` / ``N_("...")`` with a literal string
    (implicit concatenation included) in the given Python files."""
    found: dict[str, list[str]] = {}
    for path in paths:
        tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                p = pathlib.Path(path).resolve()
                rel = p.relative_to(ROOT) if p.is_relative_to(ROOT) else p
                found.setdefault(node.args[0].value, []).append(f"{rel}:{node.lineno}")
    return found


def missing(lang: str, msgids: Iterable[str]) -> list[str]:
    """The msgids the catalog of ``lang`` does not translate."""
    have = catalog(lang)
    return sorted(m for m in set(msgids) if m and m not in have)
