"""The shape of the house (DESIGN.md §3-4), checked on the source tree.

- no import cycle between the project's modules, counting module-level imports and the imports
  made inside functions (a run-time cycle is still a cycle);
- ``planner/`` imports nothing of ``geo_data``, ``maps`` or ``api``, and no file or HTTP library;
- no module over 500 lines;
- the library and the service read the environment in their settings modules only;
- the slow-to-import libraries of one feature (osmnx) are imported where the feature runs, so
  that ``milo``, the service and its workers start without them;
- benchmark scripts and tests do not edit ``sys.path`` to import the project.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("planner", "geo_data", "api", "maps", "benchmarks")
MAX_LINES = 500
#: The one settings module per program allowed to read ``os.environ`` (DESIGN.md §4.4).
SETTINGS_MODULES = {"geo_data.settings", "api.service.settings"}
#: Libraries that read or write files or talk HTTP: none of them belongs in the pure engine.
IO_LIBRARIES = {"httpx", "requests", "urllib", "pyogrio", "fiona", "osmnx", "osmium", "folium"}
#: Imported inside functions only: osmnx pulls scikit-learn in, 2.5 s at every start otherwise.
LAZY_LIBRARIES = {"osmnx"}


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic scripts, loaded by Alembic, not imported
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path, name: str) -> Iterator[tuple[str, bool]]:
    """(imported module, at module level) of every import statement of the file.

    Imports under ``if TYPE_CHECKING:`` are left out (they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(n) for n in ast.walk(node)}
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if full in MODULES else base), id(node) in top


def _project_module(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _graph(*, module_level_only: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for target, at_top in _imports(path, name):
            if module_level_only and not at_top:
                continue
            dep = _project_module(target)
            if dep and dep != name and not name.startswith(dep + "."):
                graph[name].add(dep)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


@pytest.mark.parametrize("module_level_only", [True, False], ids=["module-level", "run-time"])
def test_no_import_cycle(module_level_only: bool) -> None:
    assert _cycles(_graph(module_level_only=module_level_only)) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_planner_is_pure() -> None:
    offending = []
    for name, path in MODULES.items():
        if not name.startswith("planner"):
            continue
        for target, _ in _imports(path, name):
            root = target.split(".")[0]
            if root in ("geo_data", "maps", "api", "benchmarks") or root in IO_LIBRARIES:
                offending.append(f"{name} imports {target}")
    assert offending == []


def test_slow_libraries_are_imported_where_they_are_used() -> None:
    offending = [
        f"{name} imports {target} at module level"
        for name, path in MODULES.items()
        if not name.startswith("benchmarks")
        for target, at_top in _imports(path, name)
        if at_top and target.split(".")[0] in LAZY_LIBRARIES
    ]
    assert offending == []


def test_no_module_over_500_lines() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_environment_is_read_in_the_settings_modules_only() -> None:
    offending = [
        name
        for name, path in MODULES.items()
        if not name.startswith("benchmarks")
        and name not in SETTINGS_MODULES
        and any(word in path.read_text(encoding="utf-8") for word in ("os.environ", "getenv"))
    ]
    assert offending == []


def test_nothing_edits_sys_path() -> None:
    files = [*MODULES.values(), *(REPO / "tests").rglob("*.py")]
    offending = [
        str(p.relative_to(REPO))
        for p in files
        if p != Path(__file__) and "sys.path.insert" in p.read_text(encoding="utf-8")
    ]
    assert offending == []
