"""Seeded wrong implementations of chapter 4's tasks (see mutants.py for the format)."""

MUTANTS = {}
SAYS = {}
