"""The house, measured from the code's own imports (issue 16).

Every ``import`` in adlib/ is read from the source (the AST, function-level imports
included: a late import that hides an upward arrow is still an arrow).  The layers,
bottom to top:

    ground   rules, and small shared helpers (levels, errors, a graph walk, input checks)
    modes    numeric, forward, value, numpy/   (no mode imports another)
    above    functional, checkpoint, check, graph drawing and steps, nn
    top      widgets/, grade/, and the package's own __init__

Imports run downwards or within a layer, never up; no two modules import each other,
directly or around a circle; no library file is over 400 lines.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADLIB = ROOT / "adlib"

GROUND, MODES, ABOVE, TOP = 0, 1, 2, 3
LAYERS = {
    "adlib.rules": GROUND, "adlib.traced": GROUND, "adlib.errors": GROUND, "adlib.walk": GROUND,
    "adlib.validate": GROUND, "adlib.datasets": GROUND,
    "adlib.numeric": MODES, "adlib.forward": MODES, "adlib.value": MODES, "adlib.value_operators": MODES,
    "adlib.numpy": MODES,
    "adlib.functional": ABOVE, "adlib.checkpoint": ABOVE, "adlib.trace_call": ABOVE, "adlib.check": ABOVE,
    "adlib.graph": ABOVE, "adlib.value_graph": ABOVE, "adlib.steps": ABOVE, "adlib.drawing": ABOVE,
    "adlib.nn": ABOVE,
    "adlib.widgets": TOP, "adlib.grade": TOP, "adlib": TOP,
}
MODE_OF = {"adlib.numeric": "numeric", "adlib.forward": "forward", "adlib.value": "value",
           "adlib.value_operators": "value", "adlib.numpy": "numpy"}

MAX_LINES = 400


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ADLIB.rglob("*.py"))}


def _resolve(name):
    """The module an import names: itself if it is a module of adlib, else its package."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module):
    """Every adlib module ``module`` imports, at any depth of its code."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                start = ".".join(base + ([node.module] if node.module else []))
            else:
                start = node.module
            names = [f"{start}.{a.name}" for a in node.names]   # a name, or a module of start
        else:
            continue
        for name in names:
            if name.split(".")[0] != "adlib":
                continue
            target = _resolve(name)
            if target and target != module:
                found.add(target)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def layer(module):
    while module not in LAYERS:
        module = module.rpartition(".")[0]
        assert module, "every module of adlib belongs to a layer: add it to LAYERS"
    return LAYERS[module]


def mode(module):
    while module and module not in MODE_OF:
        module = module.rpartition(".")[0]
    return MODE_OF.get(module)


def test_every_module_has_a_layer():
    for module in MODULES:
        layer(module)


def test_no_import_runs_upwards():
    upward = [(a, b) for a, targets in GRAPH.items() for b in targets if layer(b) > layer(a)]
    assert upward == []


def test_no_mode_imports_another_mode():
    across = [(a, b) for a, targets in GRAPH.items() for b in targets
              if mode(a) and mode(b) and mode(a) != mode(b)]
    assert across == []


def _circles():
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, circles = {}, {}, set(), [], []
    for start in GRAPH:
        if start in index:
            continue
        work = [(start, iter(sorted(GRAPH[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[v] = min(low[v], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_circles_of_imports():
    assert _circles() == []


def test_the_measure_sees_a_circle_and_an_upward_arrow():
    """The checks above can fail: a graph with a planted circle and arrow is caught."""
    saved = {m: set(t) for m, t in GRAPH.items()}
    try:
        GRAPH["adlib.rules"].add("adlib.value")
        assert ["adlib.rules", "adlib.value"] in [[m for m in c if m in ("adlib.rules", "adlib.value")]
                                                  for c in _circles()]
        assert ("adlib.rules", "adlib.value") in [(a, b) for a, t in GRAPH.items() for b in t
                                                  if layer(b) > layer(a)]
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def test_function_level_imports_count():
    assert "adlib.numpy" in imports_of("adlib.widgets.costs")   # `import adlib.numpy` inside a function


@pytest.mark.parametrize("path", sorted(ADLIB.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_library_file_is_over_400_lines(path):
    name = str(path.relative_to(ROOT))
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by idea"
