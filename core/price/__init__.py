"""Attention's price: the T×T matrix, peak memory, streaming, the edge."""
