"""skillshore stage: offshoring."""
