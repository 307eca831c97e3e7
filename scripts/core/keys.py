"""Digests of source code, so a cache key changes exactly when the code behind an asset does.

A figure that shows Adam depends on ``optim_ref/optimizers/adam.py`` and on what that module
imports from optim_ref (here ``_base.py``), not on ``rmsprop.py``: ``closure`` follows the
package's own imports, read from the source with ``ast`` (nothing is executed).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("optim_ref", "scripts")


def module_path(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(name)
    return Path(spec.origin)


@cache
def _imports(name: str) -> tuple[str, ...]:
    """The project modules that module ``name`` imports (absolute or relative)."""
    path = module_path(name)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return tuple(mod for mod in sorted(found) if mod.split(".")[0] in PACKAGES and _is_module(mod))


def _is_module(name: str) -> bool:
    """``from pkg.mod import func`` names ``pkg.mod.func`` too; keep only real modules."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ModuleNotFoundError, ValueError):
        return False


def closure(names: list[str] | tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    """The modules in ``names`` and every project module they import, transitively.

    A package's ``__init__`` is not followed into its siblings: importing
    ``optim_ref.optimizers.adam`` runs ``optim_ref/__init__.py``, but the figure's math
    does not depend on the other modules that file happens to import.
    """
    seen: set[str] = set()
    stack = list(names)
    while stack:
        mod = stack.pop()
        if mod in seen or mod in exclude:
            continue
        seen.add(mod)
        if module_path(mod).name == "__init__.py" and mod not in names:
            continue
        stack.extend(_imports(mod))
    return sorted(seen)


def module_source(name: str) -> bytes:
    """The bytes of a module's source file (one place, so a test can stand in an edit)."""
    return module_path(name).read_bytes()


def digest_modules(names: list[str] | tuple[str, ...], exclude: tuple[str, ...] = ()) -> str:
    """SHA-256 over the source of the modules and their project imports (not ``exclude``)."""
    h = hashlib.sha256()
    for mod in closure(names, exclude):
        h.update(mod.encode() + b"\0" + module_source(mod) + b"\0")
    return h.hexdigest()[:24]


def package_digest() -> str:
    """SHA-256 over every source file of optim_ref (for notebooks, which may use any of it)."""
    h = hashlib.sha256()
    for path in sorted((ROOT / "optim_ref").rglob("*.py")):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:24]
