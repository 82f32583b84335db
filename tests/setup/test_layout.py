"""The package layout keeps its promises (docs/architecture.md, "What may import
what"): content/ is schemas and classes only, views and REST services are leaves
nobody else imports, and no function grows past 60 lines.

Plain ``ast`` over the source files: no Plone site is needed.
"""

from pathlib import Path

import ast


PACKAGE = Path(__file__).resolve().parents[2] / "src" / "collective" / "nrlabel"
PREFIX = "collective.nrlabel"
LEAVES = ("browser", "services")  # views and REST services
MAX_LINES = 60


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def area(path):
    """The first folder under the package ("" for a root-level module)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def imported(path):
    """Every collective.nrlabel module ``path`` imports, at any depth."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative: resolve against the importing module
                base = path.relative_to(PACKAGE).parent.parts[: -node.level + 1 or None]
                names.add(".".join((PREFIX, *base, node.module)))
            else:
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith(PREFIX + ".")}


def area_of_module(name):
    return name[len(PREFIX) + 1 :].split(".")[0]


def test_the_rules_can_see_imports():
    """A guard for the guards: the walk finds imports, function-level ones too."""
    assert "collective.nrlabel.evidence.rules" in imported(PACKAGE / "catalog.py")
    assert "collective.nrlabel.audit.freeze" in imported(
        PACKAGE / "evidence" / "rules.py"
    )


def name_of(path):
    return str(path.relative_to(PACKAGE))


def test_content_imports_no_views_services_or_handlers():
    bad = {
        name_of(path): sorted(
            name
            for name in imported(path)
            if area_of_module(name) in (*LEAVES, "subscribers")
        )
        for path in modules()
        if area(path) == "content"
    }
    assert not {k: v for k, v in bad.items() if v}, "content/ is schemas and classes"


def test_views_and_services_are_leaves():
    bad = {
        name_of(path): sorted(
            name for name in imported(path) if area_of_module(name) in LEAVES
        )
        for path in modules()
        if area(path) not in LEAVES
    }
    assert not {k: v for k, v in bad.items() if v}, "only browser/ and services/"


def test_no_function_over_60_lines():
    long = [
        f"{name_of(path)}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in modules()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_LINES
    ]
    assert not long, f"split these along their steps: {long}"
