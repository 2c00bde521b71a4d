"""Seeded wrong implementations of chapter 5's tasks (see mutants.py for the format)."""

MUTANTS = {}
SAYS = {}
