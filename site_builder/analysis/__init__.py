"""The analysis stage: pure functions from validated content to findings."""
