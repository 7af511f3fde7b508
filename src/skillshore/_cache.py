"""Stage cache: a stage's result is stored in the output folder under a key
made from everything it depends on (its settings, its upstream stages' keys,
the content of the files it reads, the skillshore version), so a rerun redoes
only the stages whose inputs changed.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshore import __version__
from skillshore.report.io import atomic_path

__all__ = ["StageCache", "file_digest"]


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _key(parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass
class StageCache:
    """Run stages through an on-disk cache in ``folder``.

    Attributes
    ----------
    ran : list of str
        Stages computed in this run (the others were loaded from the cache).
    keys : dict
        Each stage's key, for downstream stages to depend on.
    """

    folder: Path
    force: bool = False
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)

    def run(
        self,
        name: str,
        fn: Callable[[], Any],
        settings: Any = None,
        depends: tuple[str, ...] = (),
        files: tuple[Path, ...] = (),
    ) -> Any:
        """Return ``fn()``, from the cache when the stage's key is unchanged."""
        parts = {
            "stage": name,
            "version": __version__,
            "settings": settings,
            "depends": {d: self.keys[d] for d in depends},
            "files": {str(f): file_digest(f) for f in files},
        }
        key = _key(parts)
        self.keys[name] = key
        path = Path(self.folder) / f"{name}-{key}.pkl"
        if path.exists() and not self.force:
            try:
                with open(path, "rb") as fh:
                    value = pickle.load(fh)
                self.reused.append(name)
                return value
            except Exception:  # a stale or unreadable cache entry is recomputed, not trusted
                path.unlink(missing_ok=True)
        value = fn()
        for old in Path(self.folder).glob(f"{name}-*.pkl"):
            old.unlink(missing_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.ran.append(name)
        return value
