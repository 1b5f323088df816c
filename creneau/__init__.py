"""Créneau: proof of impossible prefecture appointments."""

__version__ = "0.1.0"
