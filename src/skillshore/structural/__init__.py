"""skillshore stage: structural."""
