"""`site-builder import`: turn a pasted news page into a clean article file for review."""
