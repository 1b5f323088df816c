"""Seams to the outside world: one module per outside library, importing nothing from the apps."""
