"""No import cycle among lang_portal's modules, nor among its packages (api, middleware, ...).

Imports are read from the source with `ast`, those under `if TYPE_CHECKING:` included: a
dependency for the type checker is a dependency of the design all the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import lang_portal

ROOT = Path(lang_portal.__file__).parent


def module_name(path: Path) -> str:
    parts = ["lang_portal", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The lang_portal modules a file imports (`from package import module` resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in modules else node.module)
    return {name for name in found if name in modules}


def module_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in ROOT.rglob("*.py")}
    modules = set(files)
    return {name: imports_of(path, modules) - {name} for name, path in files.items()}


def package_of(module: str) -> str:
    """`lang_portal.api.words` -> `lang_portal.api`; a top-level module is its own node."""
    return ".".join(module.split(".")[:2])


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_cycle_among_modules() -> None:
    graph = module_graph()
    assert len(graph) > 50  # the walk found the package
    assert cycles(graph) == []


def test_no_cycle_among_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in module_graph().items():
        edges = packages.setdefault(package_of(module), set())
        edges.update(package_of(target) for target in targets)
    for package, edges in packages.items():
        edges.discard(package)
    # the package's own __init__ (the version) is imported by everyone and imports nothing
    assert packages["lang_portal"] == set()
    assert cycles(packages) == []


def test_the_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
