"""Pure metric functions on a :class:`~trust_minerals.dataset.SupplyDataset`."""
