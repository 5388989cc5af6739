"""The house's floors, read from the code itself with grimp (import-linter's engine): no two apps
import each other, directly or round a loop, imports inside functions included; and every app has a
floor in the layers contract of pyproject.toml."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from functools import cache
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[2] / "src" / "sahl"
PYPROJECT = SRC.parents[1] / "pyproject.toml"


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (SRC / parts[1]).is_dir()) else None


@cache
def _app_edges() -> dict[str, dict[str, list[str]]]:
    """app -> app it imports -> the importing lines, as `module -> module`."""
    graph = grimp.build_graph("sahl", cache_dir=None, exclude_type_checking_imports=True)
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module in graph.modules:
        source = _app(module)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = _app(imported)
            if target is not None and target != source:
                edges[source][target].append(f"{module} -> {imported}")
    return edges


def _cycles(edges: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected groups of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in edges.get(app, {}):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(edges):
        if app not in index:
            visit(app)
    return found


def test_no_two_apps_import_each_other_not_even_round_a_loop():
    edges = _app_edges()
    loops = _cycles(edges)
    detail = [
        f"{a} -> {b}: {edges[a][b][0]}"
        for group in loops
        for a in group
        for b in group
        if b in edges.get(a, {})
    ]
    assert loops == [], "apps importing each other:\n" + "\n".join(detail)


def test_the_cycle_finder_finds_a_loop_through_three_apps():
    edges = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_imports_inside_functions_are_in_the_graph():
    # registry.effects' providers are imported inside the registry's AppConfig.ready
    assert "sahl.registry.apps -> sahl.registry.effects" not in str(_app_edges())  # same app: not an edge
    graph = grimp.build_graph("sahl", cache_dir=None)
    assert "sahl.registry.effects" in graph.find_modules_directly_imported_by("sahl.registry.apps")


def test_every_app_has_a_floor_in_the_layers_contract():
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (floors,) = [c for c in contracts if c["name"] == "Every app on its floor: imports only go down"]
    placed = {name.strip().removeprefix("sahl.") for layer in floors["layers"] for name in layer.split("|")}
    apps = {path.parent.name for path in SRC.glob("*/__init__.py")}
    assert apps - placed == set(), "apps without a floor"
    assert placed - apps == set(), "floors naming apps that do not exist"
    assert floors.get("ignore_imports", []) == []  # no upward import today; one at most, named and justified
