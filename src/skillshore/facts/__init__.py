"""skillshore stage: facts."""
