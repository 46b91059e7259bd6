"""Disruption scenarios and Monte Carlo: specs, presets, monthly propagation, a chunked numpy
Monte Carlo core and a dask.distributed backend (see docs/scenarios.md)."""
