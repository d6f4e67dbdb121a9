"""flows/ is layered: cli -> run -> stages -> warehouse -> config -> core. Arrows point down only.

The test reads every module's imports (top level and inside functions; `if TYPE_CHECKING:` blocks
are annotations, not imports) and fails on an import that points up, a stage importing another
stage, or an import cycle between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

FLOWS = Path(__file__).resolve().parents[1] / "flows"

# layer of each top-level package under flows/ (higher may import lower, never the reverse)
LAYERS = {
    "core": 0,
    "config": 1,
    "warehouse": 2,
    "pull": 3, "ingest": 3, "rank": 3, "brief": 3, "demo": 3,
    "run": 4,
    "cli": 5,
}
STAGE_LAYER = 3


def _module_name(path: Path) -> str:
    parts = path.relative_to(FLOWS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path) -> set[str]:
    """Every flows.* module this file imports (module-level and function-level, not TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("flows"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("flows") and node.level == 0:
            found.add(node.module)
            # `from flows.cli import brief_cmd` imports a submodule
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if _module_file(candidate) is not None:
                    found.add(candidate)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _module_file(name: str) -> Path | None:
    base = FLOWS.parent.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _package(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(FLOWS.rglob("*.py"))}


def test_every_package_under_flows_has_a_layer():
    packages = {p.name for p in FLOWS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    loose = sorted(p.name for p in FLOWS.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules at the top of flows/ have no layer; move them into a layer's folder: {loose}"
    assert packages <= set(LAYERS), f"packages without a layer (add them to LAYERS): {sorted(packages - set(LAYERS))}"


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point up a layer, or from one stage into another."""
    violations = []
    for module, imported in graph.items():
        here = _package(module)
        if here is None:
            continue
        for target in sorted(imported):
            there = _package(target)
            if there is None or there == here:
                continue
            if LAYERS[there] > LAYERS[here]:
                violations.append(f"{module} ({here}, layer {LAYERS[here]}) imports {target} ({there}, layer {LAYERS[there]})")
            elif LAYERS[there] == LAYERS[here] == STAGE_LAYER:
                violations.append(f"{module} imports {target}: stages meet in the warehouse, never import each other")
    return violations


def test_imports_point_down_only():
    violations = layer_violations(_graph())
    assert not violations, "imports that point up or across stages:\n" + "\n".join(violations)


def test_no_import_cycles():
    graph = {m: {t for t in targets if t in _graph_keys()} for m, targets in _graph().items()}
    cycles, state, stack = [], {}, []

    def dfs(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # a package's __init__ imported by its own submodule is how Python loads it, not a cycle
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                dfs(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            dfs(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _graph_keys() -> set[str]:
    return {_module_name(p) for p in FLOWS.rglob("*.py")}


def test_the_check_sees_upward_and_cross_stage_imports(tmp_path):
    """The checker itself: a function-level import of the CLI from config, and brief importing rank, are caught;
    an import under TYPE_CHECKING is not an import."""
    module = tmp_path / "probe.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from flows.run.pipeline import x\n"
                      "def f():\n    import flows.cli.app\n", encoding="utf-8")
    assert _imports(module) == {"flows.cli.app"}
    found = layer_violations({"flows.config.probe": {"flows.cli.app", "flows.core.periods"},
                              "flows.brief.probe": {"flows.rank.flow", "flows.warehouse.db"}})
    assert len(found) == 2
    assert "flows.config.probe (config, layer 1) imports flows.cli.app" in found[0]
    assert "stages meet in the warehouse" in found[1]
