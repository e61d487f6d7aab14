"""The package's imports run one way: no cycles, no stage importing another, no core on an adapter.

Imports are read with ``ast`` from the source files, so the check needs nothing imported
and sees function-level imports too; imports under ``if TYPE_CHECKING:`` do not run and do
not count. The rules are those of ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

SOURCE_ROOT = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "claimscope"

STAGES = "claimscope.stages"
# Layers above the core; a layer may import the core and the layers listed before it.
CORPUS_LAYERS = ("claimscope.corpus", "claimscope.evidence")
ADAPTERS = "claimscope.adapters"


def module_name(path: Path, root: Path) -> str:
    """The dotted module name of a source file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Every dotted name an import statement of the module names, run-time imports only."""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()

    def visit(nodes: Iterable[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package_parts[: len(package_parts) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
            visit(ast.iter_child_nodes(node))

    visit(tree.body)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """For each module of the package under ``root``, the package's modules it imports."""
    paths = {module_name(path, root): path for path in sorted((root / PACKAGE).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets: set[str] = set()
        for name in _imported_names(tree, module, path.name == "__init__.py"):
            # "from claimscope.x import name" names a module or a name inside one.
            while name and name not in paths:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected sets of two or more modules (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                target = pending.pop()
                if target not in graph:
                    continue
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, sorted(graph[target])))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def stage_of(module: str) -> str | None:
    """The stage a module belongs to ("claimscope.stages.citations.laws" -> "citations")."""
    if not module.startswith(STAGES + "."):
        return None
    return module[len(STAGES) + 1 :].split(".")[0]


def layer_of(module: str) -> int:
    """0 for the core, then corpus operations and evidence, then adapters."""
    # ``python -m claimscope`` starts the command line: it is an adapter's entry point.
    if _under(module, ADAPTERS) or module == f"{PACKAGE}.__main__":
        return 2
    if any(_under(module, layer) for layer in CORPUS_LAYERS):
        return 1
    return 0


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that breaks a rule of ARCHITECTURE.md, as a readable line."""
    problems = [f"import cycle: {' <-> '.join(component)}" for component in cycles(graph)]
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            stage, target_stage = stage_of(module), stage_of(target)
            if stage is not None and target_stage is not None and stage != target_stage:
                problems.append(f"stage imports another stage: {module} -> {target}")
            if stage is not None and target == f"{PACKAGE}.pipeline":
                problems.append(f"stage imports the pipeline: {module} -> {target}")
            if layer_of(target) > layer_of(module):
                problems.append(f"lower layer imports a higher one: {module} -> {target}")
    return problems


def test_the_package_imports_run_one_way() -> None:
    graph = import_graph(SOURCE_ROOT)
    assert f"{PACKAGE}.pipeline" in graph and f"{STAGES}.claims" in graph
    assert violations(graph) == []


def test_the_analysis_state_imports_no_stage() -> None:
    graph = import_graph(SOURCE_ROOT)
    assert not [target for target in graph[f"{PACKAGE}.analysis"] if stage_of(target)]


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / PACKAGE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "__init__.py": "",
                "a.py": "from claimscope import b\n",
                "b.py": "from claimscope.c import thing\n",
                "c.py": "import claimscope.a\n",
            },
            ["import cycle: claimscope.a <-> claimscope.b <-> claimscope.c"],
        ),
        (
            {
                "__init__.py": "",
                "stages/__init__.py": "",
                "stages/one/__init__.py": "from .rules import rule\n",
                "stages/one/rules.py": "def helper():\n    from claimscope.stages.two import x\n",
                "stages/two.py": "from claimscope.pipeline import Pipeline\n",
                "pipeline.py": "",
            },
            [
                "stage imports another stage: claimscope.stages.one.rules -> claimscope.stages.two",
                "stage imports the pipeline: claimscope.stages.two -> claimscope.pipeline",
            ],
        ),
        (
            {
                "__init__.py": "",
                "dossier.py": "from claimscope.adapters.store import Store\n",
                "corpus/__init__.py": "from claimscope.adapters import cli\n",
                "adapters/__init__.py": "",
                "adapters/cli.py": "from claimscope import dossier\n",
                "adapters/store.py": "",
            },
            [
                "lower layer imports a higher one: claimscope.corpus -> claimscope.adapters",
                "lower layer imports a higher one: claimscope.corpus -> claimscope.adapters.cli",
                "lower layer imports a higher one: claimscope.dossier -> claimscope.adapters.store",
            ],
        ),
        (
            {
                "__init__.py": "",
                "stages/__init__.py": "",
                "stages/one.py": (
                    "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from claimscope.stages.two import x\n"
                ),
                "stages/two.py": "from claimscope import stages\n",
            },
            [],
        ),
    ],
    ids=["cycle", "stage-to-stage-and-pipeline", "layers", "type-checking-only"],
)
def test_the_checker_finds_each_kind_of_violation(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    _write(tmp_path, files)
    assert violations(import_graph(tmp_path)) == expected
