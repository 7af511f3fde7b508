"""On-disk cache of the title matcher's built index (issue 16: cold start).

Building :class:`~skillshore.skills.features.OccupationIndex` from the shipped data (word
roots of 93,000 alternate titles and ESCO labels, BM25 and character n-gram matrices)
takes most of a cold run's time and depends only on the package: its data files and the
code that reads them. The built arrays are pickled once into the user cache directory
(:func:`index_dir`: ``$SKILLSHORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/skillshore``, else
``~/.cache/skillshore``, + ``/index``), under a key that hashes the package's data files,
the source of the modules that build the index, and the Python, NumPy and SciPy versions,
so any change to them builds a new index. Files are written atomically (a temporary file
renamed into place); an unreadable or damaged file is rebuilt; ``SKILLSHORE_INDEX_CACHE=0``
turns the cache off. Only the shipped O*NET bundle is cached (a user's own ``onet_dir`` is
indexed in memory).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["index_dir", "index_key", "load_index_state", "save_index_state"]

_HERE = Path(__file__).resolve().parent
_MODULES = (
    "candidates",
    "chars",
    "danish",
    "features",
    "fields",
    "index_cache",
    "lexicon",
    "onet",
    "programme",
    "text",
    "titles",
)


def index_dir() -> Path:
    """Folder of the cached indexes (beside the semantic extra's ``embeddings``)."""
    from skillshore.skills.semantic import cache_dir

    return cache_dir().parent / "index"


def index_key(restrict_to_rated: bool) -> str:
    """SHA-256 of the shipped data files, the index-building modules' source, the Python,
    NumPy and SciPy versions and ``restrict_to_rated``."""
    import numpy
    import scipy

    h = hashlib.sha256()
    h.update(f"{sys.version_info[:3]} {numpy.__version__} {scipy.__version__}".encode())
    h.update(str(bool(restrict_to_rated)).encode())
    files = sorted(p for p in (_HERE / "data").rglob("*") if p.is_file())
    files += [_HERE / f"{m}.py" for m in _MODULES]
    for p in files:
        h.update(p.relative_to(_HERE).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:32]


def _enabled() -> bool:
    return os.environ.get("SKILLSHORE_INDEX_CACHE", "1") != "0"


def load_index_state(key: str) -> dict[str, Any] | None:
    """The cached state under ``key``, or ``None`` (missing, unreadable, damaged, off)."""
    if not _enabled():
        return None
    try:
        with open(index_dir() / f"{key}.pkl", "rb") as f:
            state = pickle.load(f)
    except Exception:  # missing or damaged: rebuild  # noqa: BLE001
        return None
    return state if isinstance(state, dict) and state.get("_key") == key else None


def save_index_state(key: str, state: dict[str, Any]) -> None:
    """Write ``state`` under ``key`` atomically; a folder that cannot be written is skipped
    (the index then stays in memory only)."""
    if not _enabled():
        return
    folder = index_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump({**state, "_key": key}, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{key}.pkl")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
