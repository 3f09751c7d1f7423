"""The package follows the data's flow: nothing imports upwards, and no module imports itself
back through others.

    text (parse, extract, ledger) -> quantities (uncertainty, units) -> analysis (spec, ratios,
    ranges, fact-check, reference) -> presentation (wording, style, charts, site, readme)

with the pipeline (paths, registry, params, runner, atomic) beside them: every layer may use
it, and it uses none of them. ``cli`` and ``new_story`` sit on top and may use everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "crimefigures"
RANK = {"errors": 0, "pipeline": 0, "text": 1, "quantities": 2, "analysis": 3,
        "presentation": 4, "cli": 5, "new_story": 5, "__main__": 5, "__init__": 5}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> set[str]:
    """Every crimefigures module the file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("crimefigures"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if _exists(candidate) else node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = module_name(path).split(".")
            base = base[: len(base) - node.level + (1 if path.name == "__init__.py" else 0)]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("crimefigures")}
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {i for i in imports_of(path) if i != name} for name, path in MODULES.items()}


def test_every_module_belongs_to_a_layer():
    assert {layer(m) for m in MODULES} <= set(RANK), {layer(m) for m in MODULES} - set(RANK)


def test_nothing_imports_upwards():
    upward = sorted((m, i) for m, targets in GRAPH.items() for i in targets
                    if i.startswith("crimefigures.") and RANK[layer(i)] > RANK[layer(m)]
                    and layer(i) != layer(m))
    assert not upward, upward


def test_the_pipeline_uses_no_layer_of_the_flow():
    used = sorted((m, i) for m, targets in GRAPH.items() if layer(m) == "pipeline"
                  for i in targets if layer(i) not in ("pipeline", "errors", "__init__"))
    assert not used, used


def test_no_import_cycles():
    def visit(node: str, trail: tuple[str, ...]) -> None:
        for target in GRAPH.get(node, ()):
            assert target not in trail, (*trail, target)
            if target in GRAPH and target not in done:
                visit(target, (*trail, target))
        done.add(node)

    done: set[str] = set()
    for module in GRAPH:
        visit(module, (module,))


def test_the_layer_check_catches_an_upward_import():
    """The check can fail: text importing presentation is reported."""
    fake = {"crimefigures.text.parse": {"crimefigures.presentation.wording"}}
    upward = [(m, i) for m, targets in fake.items() for i in targets
              if RANK[layer(i)] > RANK[layer(m)]]
    assert upward
