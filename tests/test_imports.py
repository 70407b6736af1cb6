"""Every module of the project imports on its own, in any order, and no two import each other.

An import cycle is counted wherever the import is written: one placed inside a function to dodge a
circle is still a circle (docs/STYLE: "Every package has a floor").
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Folders that hold no importable project code: tests, scripts run by hand, data, deployment files.
NOT_CODE = {"tests", "benchmarks", "data", "deploy", "docs", "scripts"}
# Streamlit scripts: they draw a page when run, so they are run by Streamlit, never imported.
SCRIPTS = {"dashboard", "server"}


def project_modules() -> dict[str, Path]:
    """Every importable module of the project by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PROJECT_ROOT.rglob("*.py")):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        if parts[0] in NOT_CODE or parts[0].startswith(".") or parts[0] == "pages":
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name belongs to (the longest known prefix), or None."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports anywhere in its file: at the top, in a function, in a class."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_known(alias.name, modules) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else _known(base, modules))
    found.discard(None)
    # A module taking a name from its own package's __init__ imports that package: a circle when the
    # package imports the module, as it usually does. `from store import door` names the module itself.
    found.discard(name)
    return found


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Every set of modules that import one another (strongly connected, two or more), sorted."""
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in sorted(graph[node]):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


class TestNoImportCycles:
    def test_the_project_has_no_import_cycle(self):
        """No module imports, at the top or inside a function, a module that imports it back."""
        assert import_cycles(project_modules()) == []

    def test_a_cycle_through_a_function_level_import_is_found(self, tmp_path, monkeypatch):
        """The check finds a circle closed by an import inside a function, so it could fail."""
        (tmp_path / "a.py").write_text("import b\n", encoding="utf-8")
        (tmp_path / "b.py").write_text("def later():\n    from a import x\n", encoding="utf-8")
        (tmp_path / "c.py").write_text("import a\n", encoding="utf-8")
        modules = {name: tmp_path / f"{name}.py" for name in ("a", "b", "c")}
        assert import_cycles(modules) == [["a", "b"]]

    def test_store_is_read_bottom_up(self):
        """The floor of store/ (primitives, roles, settings, the file lock) imports nothing of the project
        above it, and the door, the schema and the audit never reach up to opening or accounts."""
        modules = project_modules()
        for leaf in ("store.primitives", "store.roles", "store.settings"):
            assert imports_of(leaf, modules[leaf], modules) == set(), leaf
        # The archive refuses a full disk with the primitives' own refusal, and reaches nothing else.
        assert imports_of("store.archive", modules["store.archive"], modules) <= {"store.primitives"}
        assert imports_of("store.file_lock", modules["store.file_lock"], modules) == {"store.primitives"}
        for low in ("store.audit", "store.schema", "store.writes", "store.door"):
            reached = imports_of(low, modules[low], modules)
            assert not reached & {"store", "store.opening", "accounts.users", "accounts.sign_in", "store.loads"}, low

    def test_reports_find_the_store_without_the_loaders(self):
        """Making a board pack needs the store, never the code that loads files into it."""
        modules = project_modules()
        for name, path in modules.items():
            if name.startswith("reports"):
                assert not {m for m in imports_of(name, path, modules) if m.startswith("loaders")}, name


def _import_in_a_fresh_interpreter(names: list[str]) -> subprocess.CompletedProcess:
    program = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    return subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-c", program, *names],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)


def _orders() -> list[tuple[str, list[str]]]:
    names = sorted(project_modules())
    shuffled = [("sorted", names), ("reversed", names[::-1])]
    for seed in (1, 2, 3):
        order = names[:]
        random.Random(seed).shuffle(order)
        shuffled.append((f"shuffled-{seed}", order))
    return shuffled


@pytest.mark.parametrize("order", [names for _, names in _orders()], ids=[label for label, _ in _orders()])
def test_every_module_imports_in_a_fresh_interpreter_in_this_order(order):
    """Importing every project module one after another, in this order, raises nothing."""
    done = _import_in_a_fresh_interpreter(order)
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_accounts_command_runs_without_a_warning():
    """`python -m accounts --help` prints its usage and no RuntimeWarning (the module is not imported twice)."""
    done = subprocess.run([sys.executable, "-W", "error", "-m", "accounts", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usage: python -m accounts" in done.stdout
    assert "Warning" not in done.stderr
