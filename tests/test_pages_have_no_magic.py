"""Streamlit's magic is off (.streamlit/config.toml): a bare expression on a page would be silently dropped, so
none may be written; a docstring is fine (magic never showed it)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]


def bare_expressions(source: str) -> list[str]:
    """What magic would have written: every expression statement that is not a call, a docstring, a yield or an
    await."""
    shown = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Expr):
            continue
        value = node.value
        if isinstance(value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            continue
        shown.append(f"line {node.lineno}: {ast.unparse(node)}")
    return shown


def test_magic_is_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_page_relies_on_magic(script):
    assert bare_expressions(script.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_bare_expression():
    assert bare_expressions('"""doc"""\nimport streamlit as st\nx = 1\nx\nst.write(x)\n') == ["line 4: x"]
