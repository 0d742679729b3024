"""The Overview: the story at a glance, painted from shipped results (no torch needed)."""
