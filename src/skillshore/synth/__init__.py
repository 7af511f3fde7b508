"""Synthetic Denmark: an embedded economy with a recorded ground truth (``skillshore synth``).

See docs/synth.md. Public API: :func:`generate` -> :class:`SynthResult`; the knobs of the
data-generating process are :class:`SynthSettings`; sizes are in :data:`SCALES`.
"""

from skillshore.synth.generator import SynthResult, generate
from skillshore.synth.params import SCALES, SynthSettings

__all__ = ["SCALES", "SynthResult", "SynthSettings", "generate"]
