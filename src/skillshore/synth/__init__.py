"""skillshore stage: synth."""
