"""Fixed-size memory: hidden-state trajectories, forgetting probes, seq2seq."""
