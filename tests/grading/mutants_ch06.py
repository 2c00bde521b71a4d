"""Seeded wrong implementations of chapter 6's tasks (see mutants.py for the format)."""

MUTANTS = {}
SAYS = {}
