"""Developer checks: ``python -m skillshore._devtools imports``.

Lists the import edges between skillshore subpackages (read from the source, lazy imports
included) and exits 1 on an edge against the study's one-way flow:

* stages in order ``tables -> registers -> panel -> skills -> facts -> offshoring -> matching ->
  structural -> report``: a subpackage imports only earlier ones;
* ``synth`` (the generator) may import ``matching`` (the model) only; nothing imports
  ``synth`` but ``synth/compare.py`` (truth vs estimate), ``registers/synth_layout.py``
  (the synthetic economy in register layout), ``pipeline`` and ``cli``;
* ``tables/schemas.py`` (the raw tables' contract, pure data) may be read by anyone;
* infrastructure (``_cache``, ``_parallel``, ``_io``, ``_source``, ``_results``,
  ``_compat``, ``_constants``, ``errors``, ``config``) imports no stage;
* ``pipeline``, ``preflight`` (checks every input a run needs), ``montecarlo``, ``cli``
  and ``_devtools`` wire everything.

:data:`ALLOWED` lists the known backward edges still to be removed, each with its owner.
"""

from __future__ import annotations

import sys

from skillshore._source import all_modules, imports_of

__all__ = ["ORDER", "ALLOWED", "edges", "violations", "main"]

ORDER = (
    "tables",
    "registers",
    "panel",
    "skills",
    "facts",
    "offshoring",
    "matching",
    "structural",
    "report",
)
INFRA = (
    "_cache", "_parallel", "_io", "_source", "_results", "_compat", "_constants", "_versions",
    "_interrupt", "_outdir", "_progress", "_reduce", "errors",
    "config",
)  # fmt: skip
#: the truth-vs-estimate comparisons (which read both the generator's truth and the
#: estimators' results) and the register-layout writer of the synthetic economy
#: (``skillshore synth --layout registers``): the only modules on both sides
SYNTH_READERS = (
    "skillshore.synth.compare",
    "skillshore.registers.synth_layout",
)
SCHEMA = "skillshore.tables.schemas"  # the raw tables' contract: pure data, anyone may read it
WIRING = ("pipeline", "montecarlo", "cli", "_devtools", "preflight", "__init__")

ALLOWED: frozenset[tuple[str, str]] = frozenset()


def _unit(module: str) -> str:
    """The subpackage (or top-level module) a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def edges() -> list[tuple[str, str]]:
    """Every (importer, imported) pair of skillshore modules in different units."""
    out = []
    for m in all_modules():
        for dep in imports_of(m):
            if _unit(m) != _unit(dep):
                out.append((m, dep))
    return sorted(out)


def _allowed(src: str, dst: str) -> bool:
    a, b = _unit(src), _unit(dst)
    if a in WIRING or b in INFRA or b == "__init__" or dst == SCHEMA:
        return True
    if a in INFRA:
        return False
    if b == "synth":
        return src in SYNTH_READERS
    if a == "synth":
        return b == "matching" or src in SYNTH_READERS
    if a in ORDER and b in ORDER:
        return ORDER.index(b) < ORDER.index(a)
    return False


def violations() -> list[tuple[str, str]]:
    """Edges against the flow, except the listed :data:`ALLOWED` ones."""
    return [e for e in edges() if not _allowed(*e) and e not in ALLOWED]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["imports"]:
        print("usage: python -m skillshore._devtools imports", file=sys.stderr)
        return 2
    bad = set(violations())
    for src, dst in edges():
        mark = "BACKWARD" if (src, dst) in bad else ("allowed*" if (src, dst) in ALLOWED else "ok")
        print(f"{mark:9s} {src} -> {dst}")
    stale = sorted(ALLOWED - set(edges()))
    for src, dst in stale:
        print(f"stale allow-list entry (edge gone, remove it): {src} -> {dst}")
    print(f"{len(bad)} backward edge(s); {len(ALLOWED) - len(stale)} allowed pending removal")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
