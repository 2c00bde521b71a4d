"""Seeded wrong implementations (mutants.py): check() must reject each, with a hint."""
import contextlib
import io
import math

import numpy as np
import pytest

import learntorch
from learntorch.grading import check
from learntorch.grading.tasks import TASKS
from mutants import MUTANTS


def verdict(task_id, code):
    """What check() prints for the object that ``code`` defines."""
    namespace = {"np": np, "torch": learntorch, "math": math}
    exec(code, namespace)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(namespace[TASKS[task_id].name])
    return out.getvalue()


def rejected(output):
    lines = output.splitlines()
    return any(line.startswith("✗") and nxt.startswith("  hint: ")
               for line, nxt in zip(lines, lines[1:]))


@pytest.mark.parametrize("task_id", TASKS)
def test_every_task_has_at_least_three_mutants(task_id):
    assert len(MUTANTS.get(task_id, {})) >= 3


def test_mutants_are_rejected():
    verdicts = {(task_id, what): rejected(verdict(task_id, code))
                for task_id, mutants in MUTANTS.items() for what, code in mutants.items()}
    survivors = sorted(key for key, caught in verdicts.items() if not caught)
    rate = 1 - len(survivors) / len(verdicts)
    assert rate >= 0.95, f"only {rate:.0%} of mutants rejected; survivors: {survivors}"
    assert not survivors, f"rejected {rate:.0%}; survivors: {survivors}"
