"""Photographs in: landmarks found on a rest and a smile photo, and the simulated change shown on them."""
