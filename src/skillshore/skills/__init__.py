"""skillshore stage: skills."""
