"""Constants shared by the config and the stages (no imports: infrastructure)."""

from __future__ import annotations

__all__ = ["RAW_MATERIAL_HS2"]

#: HS chapters treated as raw materials and left out of narrow offshoring (seed slide
#: "Offshoring Exposure from China": "excluding raw materials"): live animals and
#: vegetable products (01-15), salt/stone (25), ores (26), mineral fuels (27).
RAW_MATERIAL_HS2: tuple[str, ...] = tuple(f"{i:02d}" for i in (*range(1, 16), 25, 26, 27))
