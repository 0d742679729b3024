"""Attention maps: multi-head attention written out, positions, tiny transformers."""
