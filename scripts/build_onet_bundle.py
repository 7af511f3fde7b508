"""Build the compact O*NET bundle shipped inside the package.

Reads the raw O*NET files in ``../shared/data/onet/`` (see its SOURCE.md: the files come from
different O*NET releases and taxonomies) with :func:`skillshore.skills.onet.read_onet_dir`,
which moves the O*NET-SOC 2010 tables (skills, tasks) to 2019 codes through the official
crosswalk, and writes zstd Parquet files plus ``bundle_report.json`` (what failed to join) to
``src/skillshore/skills/data/onet/``, next to ATTRIBUTION.md (CC BY 4.0).

    python scripts/build_onet_bundle.py [--onet-dir ../shared/data/onet] [--out DIR]

Pointing ``--onet-dir`` at a full O*NET text release also bundles Abilities, Knowledge, Work
Activities, Work Context and Alternate Titles (the bundle then grows to a few tens of MB).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from skillshore.skills.onet import read_onet_dir, write_bundle

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "skillshore" / "skills" / "data" / "onet"


def _summary(report: dict) -> dict:
    out = {}
    for k, v in report.items():
        if isinstance(v, dict) and k != "files":
            out[k] = {kk: (len(vv) if isinstance(vv, list) else vv) for kk, vv in v.items()}
        else:
            out[k] = len(v) if isinstance(v, list) else v
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onet-dir", default=str(ROOT.parent / "shared" / "data" / "onet"))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    out = Path(args.out)
    for old in out.glob("*.parquet"):
        old.unlink()
    # the raw folder carries its own crosswalks, so the shipped bundle is not consulted
    bundle = read_onet_dir(args.onet_dir)
    bundle.report["source"] = os.path.relpath(args.onet_dir, ROOT)
    paths = write_bundle(bundle, out)
    size = sum(p.stat().st_size for p in paths)
    for k, v in _summary(bundle.report).items():
        print(f"{k}: {v}")
    print(f"wrote {len(paths)} files, {size / 1e6:.2f} MB, to {out}")


if __name__ == "__main__":
    main()
