"""Vanishing and exploding gradients through time."""
