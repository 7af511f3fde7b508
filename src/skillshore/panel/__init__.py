"""skillshore stage: panel."""
