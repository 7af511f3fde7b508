"""The package's own source as data: which skillshore modules a module imports.

Two users: the stage cache (a stage's key includes a digest of its module and of every
skillshore module it imports, transitively, so an edit to the code reruns the stage) and
``python -m skillshore._devtools imports`` (the import edges between subpackages, checked
against the study's one-way data flow). Imports are read from the source with :mod:`ast`,
including those inside functions (the package imports lazily), without importing anything.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

__all__ = [
    "PACKAGE_ROOT",
    "module_file",
    "imports_of",
    "closure",
    "package_data",
    "source_digest",
    "all_modules",
]

PACKAGE_ROOT = Path(__file__).resolve().parent


def module_file(name: str) -> Path | None:
    """The source file of skillshore module ``name`` (``skillshore.x.y``), or None."""
    if name != "skillshore" and not name.startswith("skillshore."):
        return None
    rel = name.split(".")[1:]
    base = PACKAGE_ROOT.joinpath(*rel)
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _module_name(path: Path) -> str:
    rel = path.resolve().relative_to(PACKAGE_ROOT).with_suffix("")
    parts = ["skillshore", *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> list[str]:
    """Every module of the package (sorted names)."""
    return sorted(_module_name(p) for p in PACKAGE_ROOT.rglob("*.py"))


@cache
def _imports(path: Path, mtime: float) -> tuple[str, ...]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    this = _module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.add(mod)
            for a in node.names:  # ``from skillshore.x import y`` may name a submodule
                if module_file(f"{mod}.{a.name}") is not None:
                    out.add(f"{mod}.{a.name}")
    return tuple(sorted(m for m in out if module_file(m) is not None and m != this))


def imports_of(name: str) -> tuple[str, ...]:
    """The skillshore modules that module ``name`` imports (anywhere in its source)."""
    path = module_file(name)
    if path is None:
        raise ValueError(f"no skillshore module named {name!r}")
    return _imports(path, path.stat().st_mtime)


def closure(names: tuple[str, ...] | list[str]) -> list[str]:
    """``names`` and every skillshore module they import, transitively (sorted).

    A module's package ``__init__`` is included with it (Python runs it on import); the
    top-level ``skillshore/__init__.py`` only when imported by name.
    """
    seen: set[str] = set()
    todo = list(names)
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(imports_of(m))
        parent = m.rpartition(".")[0]
        if parent and parent != "skillshore":
            todo.append(parent)
    return sorted(seen)


def file_bytes(path: Path) -> bytes:
    """A source file's bytes (one place, so a test can simulate an edit)."""
    return path.read_bytes()


def package_data(names: tuple[str, ...] | list[str]) -> list[Path]:
    """The data files shipped with the subpackages of ``names`` (sorted).

    Every file that is not Python source under the folder of each subpackage the modules
    belong to (``skillshore.skills.matcher`` -> ``skillshore/skills/**``: its glossary,
    title and O*NET tables), so that editing shipped data reruns the stages that read it.
    """
    dirs = {
        PACKAGE_ROOT / m.split(".")[1]
        for m in names
        if m.count(".") >= 1 and (PACKAGE_ROOT / m.split(".")[1]).is_dir()
    }
    return sorted(
        p
        for d in dirs
        for p in d.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    )


def source_digest(names: tuple[str, ...] | list[str]) -> str:
    """SHA-256 over the sources of ``names`` and the modules they import (:func:`closure`),
    and the data files shipped with their subpackages (:func:`package_data`)."""
    h = hashlib.sha256()
    mods = closure(names)
    for m in mods:
        path = module_file(m)
        assert path is not None
        h.update(m.encode() + b"\0" + file_bytes(path) + b"\0")
    for path in package_data(mods):
        rel = path.relative_to(PACKAGE_ROOT).as_posix()
        h.update(rel.encode() + b"\0" + file_bytes(path) + b"\0")
    return h.hexdigest()
