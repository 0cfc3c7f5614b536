"""Every piece of UI text goes through the catalog: in the pages and the ``ui`` package, no
Streamlit call shows an English literal (or an f-string with English in it) that is not wrapped
in ``_()``; the marked strings themselves must have a Chinese translation (``test_course``)."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
)
# Streamlit calls whose first argument, ``label``, ``help``, ``placeholder`` or ``caption`` a
# person reads.
SHOWN = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning",
    "error", "success", "toast", "button", "download_button", "link_button", "page_link",
    "slider", "select_slider", "selectbox", "radio", "checkbox", "toggle", "number_input",
    "text_input", "text_area", "multiselect", "expander", "popover", "metric", "tabs",
    "form_submit_button", "segmented_control", "pills", "color_picker", "file_uploader",
    "spinner", "status", "progress",
}  # fmt: skip
KEYWORDS = {"label", "help", "placeholder", "caption", "text"}
WORDS = re.compile(r"[A-Za-z]{3,}")  # English words; LaTeX commands are dropped below
CJK = re.compile(r"[\u4e00-\u9fff]")
LOGGERS = {"log", "logger", "logging", "LOG", "_LOG", "warnings"}
LATEX = re.compile(r"\\[A-Za-z]+|\$[^$]*\$|`[^`]*`|:[a-z_]+:|\{[^{}]*\}")


def _english(node: ast.AST) -> str | None:
    """The English text of a literal or f-string node, or None (marked, computed or no words)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, ast.List | ast.Tuple):  # st.tabs([...]), options lists
        found = [t for e in node.elts if (t := _english(e))]
        return found[0] if found else None
    else:
        return None
    stripped = LATEX.sub(" ", text)
    if CJK.search(text):  # already bilingual, e.g. "Language / 语言"
        return None
    return text if WORDS.search(stripped) else None


def _base(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def unmarked(path: pathlib.Path) -> list[str]:
    """``line: text`` for every shown literal not wrapped in ``_()``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SHOWN or _base(node.func) in LOGGERS:
            continue
        args = node.args[:1] + [k.value for k in node.keywords if k.arg in KEYWORDS]
        if node.func.attr == "tabs":
            args = node.args[:1]
        for a in args:
            if (text := _english(a)) is not None:
                out.append(f"{path.name}:{a.lineno}: {text[:70]!r}")
    return out


@pytest.mark.parametrize("name", FILES)
def test_no_unmarked_ui_text(name):
    assert unmarked(ROOT / name) == []


def test_the_checker_finds_unmarked_text(tmp_path):
    src = tmp_path / "page.py"
    src.write_text(
        "import streamlit as st\n"
        "st.caption('A lone caption')\n"
        "st.slider(_('learning rate'), help=f'between {a} and {b} please')\n"
        "st.markdown(_('Marked'))\n"
        "st.markdown('$\\\\eta$ — `lr`')\n"
        "st.sidebar.tabs([_('Map'), 'Loss curves'])\n"
        "log.info('not shown to a person')\n"
        "st.radio('Language / 语言', ['en', 'zh'])\n"
    )
    found = unmarked(src)
    assert [f.split(":")[1] for f in found] == ["2", "3", "6"], found


def test_catalog_files_agree_where_they_share_a_string():
    import i18n

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in i18n.po_paths("zh"):
        for msgid, msgstr in i18n.parse_po(path.read_text(encoding="utf-8")).items():
            if msgid and msgid in seen and seen[msgid][1] != msgstr:
                clashes.append((msgid, seen[msgid], (path.name, msgstr)))
            seen.setdefault(msgid, (path.name, msgstr))
    assert len(i18n.po_paths("zh")) >= 2 and not clashes, clashes


def test_every_figure_builder_call_passes_the_pages_language():
    """A ``viz`` builder that takes ``lang`` gets it at every call in the pages, ``ui`` and the
    lessons (else its default axis words and legend stay English on a 中文 page)."""
    import inspect

    import viz

    def params(f):
        try:
            return inspect.signature(f).parameters
        except (TypeError, ValueError):
            return {}

    takes = {
        n for n in dir(viz) if inspect.isfunction(f := getattr(viz, n)) and "lang" in params(f)
    }
    assert {"curves_figure", "landscape_figure"} <= takes
    missing = []
    for path in [
        *FILES,
        *(p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("*.py")),
    ]:
        for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
            f = getattr(node, "func", None)
            if (
                isinstance(node, ast.Call)
                and isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id == "viz"
                and f.attr in takes
                and not any(k.arg in ("lang", None) for k in node.keywords)
            ):
                missing.append(f"{path}:{node.lineno} viz.{f.attr}")
    assert missing == []


def test_link_warnings_are_written_in_the_pages_language():
    """Every warning about a link is a catalog template: the same English as before, and in
    Chinese with the same values (the parser's own message inside it translated too)."""
    import i18n
    from scenarios import Scenario

    q = {"surface": "custom", "formula": "x+*y", "zz": "1", "yy": "2", "opt": "nope;sgd,lr=99"}
    _scn, warns = Scenario.from_query(q)
    en = [str(w) for w in warns]
    assert en[0] == "ignored 2 unknown link parameters: `yy`, `zz`"
    assert any(w.startswith("formula rejected: unexpected '*' (position 3)") for w in en), en
    zh = [w.in_lang("zh") for w in warns]
    assert all(CJK.search(w) for w in zh), zh
    assert zh[0] == "忽略了 2 个未知的链接参数：`yy`, `zz`"
    assert any("意外的 '*'（第 3 个字符）" in w for w in zh), zh
    lr = next(w for w in warns if str(w).startswith("lr"))  # the range check's own template
    assert i18n.gettext_for("zh")(lr.template) != lr.template and "99" in lr.in_lang("zh")
