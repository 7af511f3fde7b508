"""Synthetic Denmark: an embedded economy with a recorded ground truth (``skillshore synth``)."""

from skillshore.synth.generator import SCALES, SynthResult, generate

__all__ = ["SCALES", "SynthResult", "generate"]
