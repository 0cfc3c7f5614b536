"""The Course: lessons as data in the notes' order, every fact they state checked on the engine,
every UI string translated (zh), the gettext catalog compiled at start, the lesson page in both
languages, and the class pack's HTML."""

from __future__ import annotations

import gettext
import io
import pathlib
import zipfile

import numpy as np
import pytest

import i18n
import lessons
import optimizers
import scenarios
from lessons import _course

ROOT = pathlib.Path(__file__).resolve().parent.parent
UI_FILES = [
    ROOT / "app.py",
    *sorted((ROOT / "app_pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "lessons").glob("*.py")),
    *(
        p
        for d in ("viz", "scenarios", "optimizers", "landscapes", "network")
        for p in sorted((ROOT / d).rglob("*.py"))
    ),
]


def test_lessons_follow_the_notes_in_order():
    les = lessons.course()
    assert [x.order for x in les] == list(range(1, len(les) + 1))
    slugs = [x.slug for x in les]
    assert slugs[:3] == ["sgd-problems", "momentum", "nesterov"]
    assert len(set(slugs)) == len(slugs)
    topics = {e.topic for e in optimizers.ERRATA}
    for x in les:
        assert x.errata == tuple(t for t in x.errata if t in topics), x.slug
        assert 0 <= x.question.answer < len(x.question.choices) >= 2
        assert x.formula and x.text and x.figures
        for f in x.figures:
            f.scenario()  # a preset that exists, a query without warnings
        file, query = x.link()
        assert (ROOT / "app_pages" / file).exists()
        if x.page in ("compare", "playground") and x.scenario() is not None:
            assert scenarios.Scenario.from_query(query)[0] == x.scenario()


def test_a_broken_lesson_names_its_file(tmp_path):
    (tmp_path / "01_x.toml").write_text('slug = "x"\norder = 1\n')
    with pytest.raises(ValueError, match=r"01_x\.toml"):
        _course.load(str(tmp_path))


def test_lesson_claims_on_a_preset_are_the_presets_own_checked_claims():
    """A preset's claims are run by tests/test_presets.py; a lesson may only quote them."""
    for x in lessons.course():
        fig = next((f for f in x.figures if f.scenario() is not None), None)
        if not x.claims:
            continue
        assert fig is not None and fig.preset, f"{x.slug}: claims need a preset scenario"
        own = scenarios.get_preset(fig.preset).claims
        for c in x.claims:
            assert c in own, f"{x.slug}: {c} is not a claim of preset {fig.preset}"


@pytest.mark.parametrize("kind", sorted(_course.FACTS))
def test_every_fact_a_lesson_states_holds_on_the_engine(kind):
    figs = [f for x in lessons.course() for f in x.figures if f.kind == kind]
    assert figs, f"no lesson shows a {kind} figure"
    for f in figs:
        for sentence, holds, evidence in _course.FACTS[kind](f.scenario()):
            assert holds, f"{sentence} -- {evidence}"


def test_torch_randn_is_reproduced():
    """``torch.manual_seed(0); torch.randn(4, 4)`` (PyTorch's documented CPU output)."""
    known = [-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.6920, -0.3160, -2.1152,
             0.3223, -1.2633, 0.3500, 0.3081, 0.1198, 1.2377, 1.1168, -0.2473]  # fmt: skip
    assert np.allclose(_course.torch_randn(16), known, atol=6e-5)
    t = lessons.notes_temperatures()
    assert t.shape == (30,)
    assert np.allclose(t[:14], np.asarray(known[:14]) * 10, atol=6e-4)  # same first block
    assert np.allclose(_course.ewa_first_value([1.0, 2.0, 4.0], 0.5), [1.0, 1.5, 2.75])


def test_staged_momentum_is_the_notes_list():
    assert _course.NOTES_MOMENTA == (0.5, 0.9, 0.95, 0.99)
    st = _course.staged_momentum(10)
    assert st[0] == 0.5 and st[-1] == 0.99 and np.all(np.diff(st) >= 0)


def _navigation_texts() -> set[str]:
    """app.py's page titles and section names (literals there, translated by ui.translated)."""
    import ast

    out = set()
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            out |= {k.value.value for k in node.keywords if k.arg == "title"}
        if isinstance(node, ast.Dict):
            out |= {k.value for k in node.keys if isinstance(k, ast.Constant) and k.value}
    return out


def test_every_ui_string_has_a_chinese_translation():
    nav = _navigation_texts()
    assert {"Home", "Explore", "Course", "Compare"} <= nav
    ids = set(i18n.extract(UI_FILES)) | _course.msgids() | nav
    assert len(ids) > 150
    assert i18n.missing("zh", ids) == []


def test_a_new_string_without_translation_is_caught(tmp_path):
    src = tmp_path / "page.py"
    src.write_text('import ui\n_ = ui.t\nx = _("Momentum")\ny = _("A string nobody translated")\n')
    ids = i18n.extract([src])
    assert set(ids) == {"Momentum", "A string nobody translated"}
    assert i18n.missing("zh", ids) == ["A string nobody translated"]


def test_the_catalog_compiles_to_a_gettext_mo():
    po = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    po += '#, fuzzy\nmsgid "skip"\nmsgstr "跳过"\n\nmsgid "a \\"q\\"\\n"\nmsgstr ""\n"甲"\n"乙"\n'
    msgs = i18n.parse_po(po)
    assert msgs['a "q"\n'] == "甲乙" and "skip" not in msgs
    tr = gettext.GNUTranslations(io.BytesIO(i18n.compile_mo(msgs)))
    assert tr.gettext('a "q"\n') == "甲乙" and tr.gettext("other") == "other"
    zh = i18n.gettext_for("zh")
    # the notes' own vocabulary
    assert zh("Momentum") == "动量" and zh("learning rate") == "学习率"
    assert "鞍点" in zh(lessons.lesson("sgd-problems").text)
    assert "偏差修正" in zh("from 0, bias-corrected")
    assert i18n.gettext_for("en")("Momentum") == "Momentum"


def _lesson_page(slug: str, lang: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app_pages" / "lesson.py"), default_timeout=240)
    at.query_params["lesson"] = slug
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lesson_page_predict_then_run(lang):
    at = _lesson_page("temperature", lang)
    assert not at.exception
    zh = i18n.gettext_for(lang)
    les = lessons.lesson("temperature")
    assert at.title[0].value == f"{les.order}. {zh(les.title)}"
    assert len(at.get("plotly_chart")) == 0  # nothing is drawn before the prediction
    wrong = zh(les.question.choices[0])
    at.radio[0].set_value(wrong)
    at.button[0].click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == len(les.figures)
    assert at.error and zh(les.question.choices[les.question.answer]) in at.error[0].value
    facts = [m.value for m in at.markdown if "check_circle" in m.value]
    assert len(facts) == 4 and all(zh(s) in "".join(facts) for s, _, _ in _course.FACTS[
        "temperature"]())  # fmt: skip
    # the measured evidence in the page's language, its numbers the engine's
    for _s, _h, ev in _course.FACTS["temperature"]():
        assert lessons.evidence_in(ev, lang) in "".join(facts)
    if lang == "zh":
        assert "第 1 天：温度" in "".join(facts) and "day 1" not in "".join(facts)
        assert "答案是 **" in at.error[0].value and "**。" in at.error[0].value


def test_a_lesson_map_in_chinese_names_its_surface_and_optimizers_in_chinese():
    from lessons import _figures

    zh = i18n.gettext_for("zh")
    fig = _figures.figure(lessons.lesson("momentum").figures[0], zh)
    names = [t.name for t in fig.data if t.name]
    assert fig.layout.title.text == zh("Ravine (narrow valley)") != "Ravine (narrow valley)"
    assert zh("minima") in names and not {"minima", "saddles"} & set(names)
    assert all("动量" in n for n in names if n[:2] in ("1.", "2."))


def test_an_unknown_lesson_warns_and_shows_the_first():
    at = _lesson_page("no-such-lesson", "en")
    assert not at.exception and "unknown lesson" in at.warning[0].value


def test_class_pack_holds_plotly_once_and_the_chosen_language():
    data = lessons.class_pack(("temperature",), lang="zh")
    z = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(z.namelist()) == ["README.txt", "index.html"]
    page = z.read("index.html").decode()
    from plotly.offline import get_plotlyjs

    assert page.count(get_plotlyjs()[:2000]) == 1  # plotly.js inlined once
    assert "<script src" not in page and "<link" not in page  # nothing to fetch
    assert page.count('class="plotly-graph-div"') == len(lessons.lesson("temperature").figures)
    assert "加权平均温度的例子" in page and "偏差修正" in page
    with pytest.raises(ValueError, match="no lesson"):
        lessons.pack_html(("nope",))


def test_a_shared_scenario_draws_the_lesson_on_it_and_a_bad_one_warns():
    at = _lesson_page("clipping", "en")
    shared = "surface=cliff&sp=height%3A10%2Csteep%3A30&start=-3%2C1&opt=sgd%2Clr%3D0.1%2Cclip%3D0"
    at.text_input[0].set_value(shared + "%3Bsgd%2Clr%3D0.1%2Cclip%3D1&steps=100").run()
    assert at.query_params["opt"] in (
        "sgd,lr=0.1,clip=0;sgd,lr=0.1,clip=1",
        ["sgd,lr=0.1,clip=0;sgd,lr=0.1,clip=1"],
    )
    at.button[0].click().run()
    assert not at.exception and not at.warning
    at.text_input[0].set_value("surface=nope&steps=abc").run()
    assert not at.exception
    assert any("unknown surface" in w.value for w in at.warning)
