"""Typed stages and their cache.

A :class:`Stage` declares what it reads: config sections (``reads``), upstream stages
(``after``, passed to its function by name) and files (``files(cfg)``). Its cache key is
derived from exactly that declaration, never assembled by hand:

* the contents of the declared config sections;
* the keys of the upstream stages (so a change upstream reruns everything downstream);
* the content (SHA-256) of every file it reads;
* the source of the stage's module and of every skillshore module it imports,
  transitively (:func:`skillshore._source.source_digest`), so an edit to the code reruns
  the stage and what follows.

The function sees only the declared sections: reading another one raises a
:class:`~skillshore.errors.ConfigError` naming the stage, so a declaration cannot go stale.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshore._io import atomic_path
from skillshore._source import source_digest
from skillshore.config import SECTIONS, StudyConfig
from skillshore.errors import ConfigError

__all__ = ["Stage", "StageCache", "file_digest"]


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (streamed); of every file under a folder, by relative name."""
    path = Path(path)
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode() + b"\0" + file_digest(f).encode())
        return h.hexdigest()
    if not path.exists():
        return "missing"  # the stage itself reports the missing file
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class _Nothing:
    """No fields (an unknown section in a declaration)."""


class _Undeclared:
    """Stands in for a config section a stage did not declare: any use is an error."""

    def __init__(self, section: str, stage: str):
        self._where = (section, stage)

    def __getattr__(self, name: str) -> Any:
        section, stage = self._where
        raise ConfigError(
            f"stage '{stage}' read [{section}] {name} without declaring [{section}] in its "
            "Stage(reads=...): the cache key would not see the setting"
        )


class _Partial:
    """A config section of which a stage declared only some keys: other keys are errors."""

    def __init__(self, section: Any, keys: frozenset[str], where: tuple[str, str]):
        self._section, self._keys, self._where = section, keys, where

    def __getattr__(self, name: str) -> Any:
        if name not in self._keys:
            section, stage = self._where
            raise ConfigError(
                f"stage '{stage}' read [{section}] {name} without declaring "
                f"'{section}.{name}' (or [{section}]) in its Stage(reads=...): the cache key "
                "would not see the setting"
            )
        return getattr(self._section, name)


@dataclass(frozen=True)
class Stage:
    """One step of the study (module docstring).

    Attributes
    ----------
    name : str
        Key of the result in :attr:`skillshore.pipeline.Study.results`.
    run : callable
        ``run(cfg, **upstream)`` -> a frozen dataclass; ``upstream`` maps each name of
        ``after`` to that stage's result.
    reads : tuple of str
        Config sections the stage reads (``"study"``, ``"skills"``, ...), or single keys
        (``"offshoring.home_country"``) where it reads a few keys of a section.
    after : tuple of str
        Upstream stages.
    files : callable, optional
        ``files(cfg)`` -> the files (or folders) the stage reads besides its upstreams.
    message : str
        The progress line printed when it starts.
    """

    name: str
    run: Callable[..., Any]
    reads: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    files: Callable[[StudyConfig], Iterable[Path]] | None = None
    message: str = ""

    def __post_init__(self) -> None:
        for item in self.reads:
            section, _, key = item.partition(".")
            fields = {f.name for f in dataclasses.fields(SECTIONS.get(section, _Nothing))}
            if section not in SECTIONS or (key and key not in fields):
                raise ValueError(f"stage {self.name}: unknown config section or key {item!r}")

    def declared(self) -> dict[str, frozenset[str] | None]:
        """Section -> the keys declared (None: the whole section)."""
        out: dict[str, frozenset[str] | None] = {}
        for item in self.reads:
            section, _, key = item.partition(".")
            if not key or out.get(section, frozenset()) is None:
                out[section] = None
            else:
                out[section] = out.get(section, frozenset()) | {key}
        return out

    @property
    def module(self) -> str:
        """The module defining the stage's function (root of its source digest)."""
        return self.run.__module__

    def view(self, cfg: StudyConfig) -> StudyConfig:
        """``cfg`` with every undeclared section replaced by an error-raising stand-in."""
        decl = self.declared()
        views: dict[str, Any] = {}
        for s in SECTIONS:
            if s not in decl:
                views[s] = _Undeclared(s, self.name)
            elif decl[s] is not None:
                views[s] = _Partial(getattr(cfg, s), decl[s], (s, self.name))
        return dataclasses.replace(cfg, **views)

    def input_files(self, cfg: StudyConfig) -> list[Path]:
        return [Path(p) for p in (self.files(self.view(cfg)) if self.files else ()) if p]

    def key(self, cfg: StudyConfig, upstream_keys: dict[str, str]) -> str:
        """The cache key: declared sections, upstream keys, file contents, source."""
        parts = {
            "stage": self.name,
            "config": {
                s: dataclasses.asdict(getattr(cfg, s))
                if keys is None
                else {k: getattr(getattr(cfg, s), k) for k in sorted(keys)}
                for s, keys in sorted(self.declared().items())
            },
            "after": {u: upstream_keys[u] for u in self.after},
            "files": {str(f): file_digest(f) for f in self.input_files(cfg)},
            "source": source_digest([self.module]),
        }
        blob = json.dumps(parts, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass
class StageCache:
    """Run stages through an on-disk cache in ``folder``.

    Attributes
    ----------
    ran, reused : list of str
        Stages computed in this run, and those loaded from the cache.
    keys : dict
        Each stage's key, for downstream stages to depend on.
    """

    folder: Path
    force: bool = False
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)

    def run(self, stage: Stage, cfg: StudyConfig, results: dict[str, Any]) -> Any:
        """The stage's result: from the cache when its key is unchanged, else computed."""
        key = stage.key(cfg, self.keys)
        self.keys[stage.name] = key
        path = Path(self.folder) / f"{stage.name}-{key}.pkl"
        if path.exists() and not self.force:
            try:
                with open(path, "rb") as fh:
                    value = pickle.load(fh)
                self.reused.append(stage.name)
                return value
            except Exception:  # a stale or unreadable cache entry is recomputed, not trusted
                path.unlink(missing_ok=True)
        value = stage.run(stage.view(cfg), **{u: results[u] for u in stage.after})
        for old in Path(self.folder).glob(f"{stage.name}-*.pkl"):
            old.unlink(missing_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.ran.append(stage.name)
        return value
