"""The shape of the house (issue 12): no import circles, no private name imported from another
module, no module over 400 lines, and the engine never imports the layers above it.

Read from the source with ``ast``, so function-level imports (the usual way to hide a circle)
count as much as top-level ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import gx_findmatches

PACKAGE = Path(gx_findmatches.__file__).parent
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """``(imported module, imported names)`` for every import statement in a module."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            found.append((base, [alias.name for alias in node.names]))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, names in _imports(name, path):
            if target in modules and target != name:
                graph[name].add(target)
            for imported in names:  # ``from . import module``
                candidate = f"{target}.{imported}"
                if candidate in modules and candidate != name:
                    graph[name].add(candidate)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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


def _is_package_of(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def test_no_import_circles() -> None:
    graph = _graph()
    # A package's __init__ re-exporting its own modules is not a circle of design.
    for name in list(graph):
        graph[name] = {t for t in graph[name] if not _is_package_of(t, name)}
    assert _cycles(graph) == []


def test_no_private_name_imported_from_another_module() -> None:
    modules = _modules()
    offenders = [
        f"{name} imports {target}.{imported}"
        for name, path in modules.items()
        for target, names in _imports(name, path)
        if target.split(".")[0] == "gx_findmatches"
        for imported in names
        if imported.startswith("_") and not imported.startswith("__")
    ]
    assert offenders == []


def test_no_module_over_400_lines() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_engine_imports_nothing_above_it() -> None:
    above = (
        "gx_findmatches.gx",
        "gx_findmatches.store",
        "gx_findmatches.cli",
        "gx_findmatches.spark",
        "gx_findmatches.checkpoints",
        "gx_findmatches.workflow",
    )
    offenders = [
        f"{name} -> {target}"
        for name, targets in _graph().items()
        if name.startswith("gx_findmatches.engine")
        for target in targets
        if target.startswith(above)
    ]
    assert offenders == []
