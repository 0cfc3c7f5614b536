"""The app's uses of ``ast`` while serving go through ``astlock`` (one lock, parsed once), and
Streamlit's magic, which parses every page script in a session's thread, is off with no page
relying on it (CPython 3.11's AST construction is not safe across threads)."""

import ast
import pathlib
import threading
import tomllib

import astlock

ROOT = pathlib.Path(__file__).resolve().parent.parent
SERVING = ("app.py", "app_pages", "ui", "viz", "optimizers", "engine", "scenarios", "lessons",
           "landscapes", "network", "i18n", "deploy")  # fmt: skip


def _app_files():
    for top in SERVING:
        p = ROOT / top
        yield from [p] if p.suffix == ".py" else sorted(p.rglob("*.py"))


def test_no_served_module_parses_with_ast_but_through_astlock():
    found = []
    for path in _app_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "ast"
                and node.func.attr in ("parse", "literal_eval")
                and not _in_function(tree, node, "extract")  # i18n's string extraction: tests only
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def _in_function(tree, node, name):
    return any(
        isinstance(f, ast.FunctionDef) and f.name == name and node in ast.walk(f)
        for f in ast.walk(tree)
    )


def test_streamlit_magic_is_off_and_no_page_relies_on_it():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    shown = []  # bare expressions magic would have written: none but docstrings and calls
    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(n.body[0])
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and id(node) not in docs:
                if not isinstance(node.value, (ast.Call, ast.Await)):
                    shown.append(f"{path.name}:{node.lineno}")
    assert shown == []


def test_parse_is_cached_and_serialised():
    assert astlock.parse("x + 1", mode="eval") is astlock.parse("x + 1", mode="eval")
    assert astlock.literal_eval('"a\\tb"') == "a\tb"
    got = []
    with astlock.LOCK:  # a parse waits for the lock
        t = threading.Thread(target=lambda: got.append(astlock.parse("y * 2", mode="eval")))
        t.start()
        t.join(0.3)
        assert t.is_alive() and not got
    t.join(5)
    assert isinstance(got[0], ast.Expression)
