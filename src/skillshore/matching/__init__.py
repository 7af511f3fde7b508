"""skillshore stage: matching."""
