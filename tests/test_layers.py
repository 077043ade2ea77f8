"""The layers of quotes/, written down once (LAYERS), and the rules the code keeps with them.

A unit is a module of quotes/ or a subpackage (articles, speakers, attribution: one unit each);
"quotes" is the package's __init__ (the Python API) and "__main__" is `python -m quotes`. A unit
imports units of its own layer or of the layers below it, never one above, and no import
circle joins units. Every import counts, at module level or inside a function (a deferred
import is still a dependency). README.md's Layout section says the same in one sentence per
layer, and a test here keeps the two in step. The issue 28 size targets are checked on the same
parse: no module over 600 lines, no function over 60.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quotes"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60

# Lowest first. The README's "Layers" list says what each holds.
LAYERS = [
    ("records", ["_version", "records", "rows", "lexicon", "dates", "escape"]),
    ("inputs", ["fetch", "webpages", "articles", "results"]),
    ("text and parsing", ["marks", "document", "patching", "stanza_speedups", "nlp"]),
    ("speakers", ["speakers", "linking", "name_check"]),
    ("attribution", ["attribution"]),
    ("one article", ["analyser", "pipeline"]),
    ("many articles", ["batch", "distributed"]),
    ("storing and grouping", ["store", "wording", "variants"]),
    ("the index", ["indexing", "index"]),
    ("output", ["console", "render", "sheet", "evaluate"]),
    ("commands and API", ["cli", "quotes", "__main__"]),
]
LAYER_OF = {unit: number for number, (_, units) in enumerate(LAYERS) for unit in units}


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _unit(dotted: str) -> str:
    """'quotes.speakers.names' -> 'speakers'; 'quotes' -> 'quotes'."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "quotes"


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@lru_cache(maxsize=None)
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every quotes module or package this file imports, wherever the import is."""
    own = _dotted(path)
    package = own if path.name == "__init__.py" else own.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(_parsed(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _unit_name(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if _unit_name(module):
                # `from . import marks` imports the module quotes.marks; `from . import __version__`
                # imports from the package itself.
                found += [(node.lineno, f"{module}.{alias.name}" if _is_module(f"{module}.{alias.name}") else module)
                          for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and _unit_name(node.args[0].value)):
            found.append((node.lineno, node.args[0].value))
    return found


def _unit_name(dotted: str) -> bool:
    return dotted == "quotes" or dotted.startswith("quotes.")


def _edges() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> where: 'quotes/store.py:27', … Imports within a unit are left out."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in _sources():
        source = _unit(_dotted(path))
        for line, dotted in _imports(path):
            target = _unit(dotted)
            where = f"{path.relative_to(ROOT)}:{line}"
            if target != source and where not in edges.get((source, target), ()):
                edges.setdefault((source, target), []).append(where)
    return edges


def _units() -> set[str]:
    return {_unit(_dotted(path)) for path in _sources()}


def _circles(edges) -> list[list[str]]:
    """The strongly connected components of more than one unit (Tarjan), each sorted."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for other in graph.get(unit, ()):
            if other not in index:
                visit(other)
                low[unit] = min(low[unit], low[other])
            elif other in stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return found


def test_every_unit_of_quotes_has_a_layer_and_every_layer_names_only_units_that_exist():
    placed = [unit for _, units in LAYERS for unit in units]
    assert len(placed) == len(set(placed)), "a unit is in two layers"
    assert sorted(_units() - set(placed)) == [], "modules in no layer: add each to LAYERS (and README's Layers)"
    assert sorted(set(placed) - _units()) == [], "LAYERS names modules that do not exist"


def test_no_import_circle_joins_modules_of_quotes():
    edges = _edges()
    circles = _circles(edges)
    described = ["; ".join(f"{a} -> {b} ({', '.join(edges[a, b])})" for a in circle for b in circle
                           if (a, b) in edges) for circle in circles]
    assert circles == [], "import circles:\n" + "\n".join(described)


def test_no_module_imports_one_from_a_higher_layer():
    upward = [f"{where}: {source} ({LAYERS[LAYER_OF[source]][0]}) imports {target} ({LAYERS[LAYER_OF[target]][0]})"
              for (source, target), places in sorted(_edges().items())
              if source in LAYER_OF and target in LAYER_OF and LAYER_OF[target] > LAYER_OF[source]
              for where in places]
    assert upward == [], "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_no_module_of_quotes_is_over_600_lines():
    long = {str(path.relative_to(ROOT)): n for path in _sources()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, "modules over 600 lines: " + ", ".join(f"{path} ({n})" for path, n in long.items())


def test_no_function_of_quotes_is_over_60_lines():
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in _sources() for node in ast.walk(_parsed(path))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == [], "functions over 60 lines:\n" + "\n".join(long)


def test_the_readme_lists_the_same_layers_in_the_same_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Layers", 1)[1].split("\n#", 1)[0]
    listed = [re.findall(r"`([\w.]+)`", line.split(":", 1)[0])
              for line in section.splitlines() if re.match(r"\d+\. ", line)]
    assert listed == [units for _, units in LAYERS]
