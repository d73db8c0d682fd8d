"""Muscles placed on a face (data/anatomy.toml), expressions as activations, patients as multipliers."""
