"""TRUST technologies: which sectors and technologies a commodity's exposure or a disruption
reaches (:mod:`graph`, :mod:`exposure`, :mod:`impact`), and user-defined supply chains
(:mod:`chains`)."""
