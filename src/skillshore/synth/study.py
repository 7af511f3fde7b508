"""The embedded synthetic economy as a study: written once under ``out/data`` and reused
while the scale, the random seed and the generator's source are unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from skillshore._io import write_text
from skillshore._source import source_digest
from skillshore.config import StudyConfig, load_config

__all__ = ["synthetic_study"]


def synthetic_study(
    out: Path, scale: str, seed: int, progress: Callable[[str], None], force: bool = False
) -> StudyConfig:
    """Write (or reuse: same scale, seed and generator source) the synthetic economy under
    ``out/data`` and return its config."""
    from skillshore.synth import generate

    data_dir = out / "data"
    stamp = data_dir / ".synth.json"
    want = {"scale": scale, "seed": seed, "source": source_digest(["skillshore.synth"])}
    toml = data_dir / "study.toml"
    if not force and toml.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        cfg = load_config(toml)
        if all(p is None or p.exists() for p in cfg.tables.values()):
            progress(f"reusing the {scale} synthetic economy (seed {seed}) in {data_dir}")
            return cfg
    progress(f"synthesizing the {scale} economy (seed {seed}) into {data_dir}")
    generate(data_dir, scale=scale, seed=seed)
    write_text(stamp, json.dumps(want) + "\n")
    return load_config(toml)
