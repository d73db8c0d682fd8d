"""Cohort studies: many virtual or real patients planned and simulated, in-process or on a Dask cluster."""
