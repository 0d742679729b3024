"""Timing lab: the sequential chain, share of the device's peak, the seed's snippet."""
