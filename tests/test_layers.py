"""The layers of ``srs/`` stay what the README's layout says: SQL only in ``srs/store``, pure modules and the
exporters free of SQLAlchemy, imports in one direction with no cycle, rows read by name."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import modules_loaded_by_import

ROOT = Path(__file__).resolve().parents[1]

# Modules with no database code: they take plain values (and `now`) and are tested without a database.
PURE = [
    "srs.anki_data", "srs.anki_history", "srs.anki_notes", "srs.attempts", "srs.bundled", "srs.cardview", "srs.clock", "srs.deckfile", "srs.edits",
    "srs.errors", "srs.export_records", "srs.keypoints", "srs.optimize", "srs.progress", "srs.review",
    "srs.review_cards", "srs.rehearse", "srs.review_wording", "srs.wordings", "srs.matcher", "srs.matching",
    "srs.scheduling", "exporters.anki", "exporters.anki_note", "exporters.anki_progress", "exporters.anki_reader",
    "exporters.csv_export", "exporters.deck_toml",
]


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if "versions" in path.parts:  # migration scripts run inside Alembic, never imported by srs
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(name: str, path: Path, modules: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every module ``name`` imports, at module level or inside a function: ``from a import b`` gives ``a.b``
    when that is one of ``modules`` (a submodule), and ``a`` otherwise."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base


def _graph() -> dict[str, set[str]]:
    modules = dict(_modules("srs")) | dict(_modules("exporters"))
    names = frozenset(modules)
    return {name: {m for m in _imports(name, path, names) if m in modules and m != name}
            for name, path in modules.items()}


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_load_no_sqlalchemy(module: str) -> None:
    assert modules_loaded_by_import(module) == []


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = path[path.index(name):] + [name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_exporters_import_nothing_from_the_store() -> None:
    for name, path in _modules("exporters"):
        bad = sorted(m for m in set(_imports(name, path)) if m.startswith(("srs.store", "sqlalchemy", "sqlmodel")))
        assert bad == [], f"{name} imports {bad}"


def test_only_the_store_builds_sql() -> None:
    """Outside srs/store, SQLAlchemy appears only as the engine and the session passed down to the store."""
    allowed = {"sqlalchemy.engine", "sqlmodel"}
    for name, path in _modules("srs"):
        if name.startswith("srs.store"):
            continue
        used = {m for m in _imports(name, path) if m.split(".")[0] in ("sqlalchemy", "sqlmodel")}
        assert used <= allowed, f"{name} imports {sorted(used - allowed)}"


def test_only_the_cli_imports_click() -> None:
    for name, path in [*_modules("srs"), *_modules("exporters")]:
        if not name.startswith("srs.cli"):
            assert "click" not in {m.split(".")[0] for m in _imports(name, path)}, name


def test_rows_are_read_by_name() -> None:
    """No ``row[0]``-style indexing: a row that leaves the statement that read it is a named record."""
    pattern = re.compile(r"\brow\[[0-9]")
    found = [f"{path.relative_to(ROOT)}:{number}" for _, path in _modules("srs")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if pattern.search(line)]
    assert found == []
