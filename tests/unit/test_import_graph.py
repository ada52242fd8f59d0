"""No import cycle: in sdk/ (every package, function-level imports included) and in shim/.

A cycle is two modules that each need the other to be understood, and one of them always sees the
other half-initialized. Every import counts: one inside a function, and one under ``if
TYPE_CHECKING:`` too (a cycle dodged for the interpreter is still one for the reader and for mypy).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SDK).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, package: str, known: set[str]) -> set[str]:
    """The sdk modules ``path`` imports (resolved: ``from . import x`` names module x)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    out = set()
    for name in found:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    return out


def python_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in SDK.rglob("*.py") if "egg-info" not in str(p)}
    known = set(paths)
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        # A package's __init__ is imported with any of its modules: an edge to it is no cycle of note.
        graph[name] = {m for m in _imports(path, package, known) if m != name and not name.startswith(m + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_sdk():
    graph = python_graph()
    assert {"veil.masking", "veil.css", "veil.config", "veil.network"} <= set(graph)
    assert cycles(graph) == []


# --- the shim ---------------------------------------------------------------------------------------
SHIM = ROOT / "shim"
# A static import or re-export of a relative module, or a JSDoc type import of one: both count.
_JS_IMPORT = re.compile(r'''(?:\b(?:import|export)\b[^;'"]*?\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}/[^"']+)["']''', re.M)
# Code others wrote, kept unmodified: not ours to hold to these rules.
_NOT_OURS = ("vendor",)
MAX_SHIM_LINES = 300


def shim_sources() -> list[Path]:
    return sorted(p for p in [*SHIM.rglob("*.mjs"), *SHIM.rglob("*.js")]
                  if not any(part in _NOT_OURS for part in p.relative_to(SHIM).parts))


def js_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in shim_sources():
        name = str(path.relative_to(SHIM))
        targets = set()
        for spec in _JS_IMPORT.findall(path.read_text()):
            target = (path.parent / spec).resolve()
            if target.is_relative_to(SHIM) and target.exists():
                targets.add(str(target.relative_to(SHIM)))
        graph[name] = targets - {name}
    return graph


def test_the_js_import_reader_sees_static_dynamic_and_type_imports():
    sample = 'import { a } from "./a.mjs";\nexport { b } from "../b.mjs";\n/** @type {import("./c.mjs").C} */\nimport "./d.mjs";'
    assert _JS_IMPORT.findall(sample) == ["./a.mjs", "../b.mjs", "./c.mjs", "./d.mjs"]


def test_no_import_cycle_in_the_shim():
    graph = js_graph()
    assert "veil/lifecycle.mjs" in graph and "veil/navigation.mjs" in graph["veil/lifecycle.mjs"]
    assert cycles(graph) == []


def test_no_shim_module_is_over_300_lines():
    long = {str(p.relative_to(SHIM)): n for p in shim_sources() if (n := len(p.read_text().splitlines())) > MAX_SHIM_LINES}
    assert long == {}, "split these by job"
