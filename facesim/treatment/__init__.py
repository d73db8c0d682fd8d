"""Treatments: BoNT-A products, spread and time course, HA filler, other corrections, named sites."""
