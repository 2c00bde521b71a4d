"""Seeded wrong implementations (mutants.py): check() must reject each, say what differs, hint."""
import contextlib
import io
import math

import numpy as np
import pytest

import learntorch
from learntorch.grading import check
from learntorch.grading.tasks import TASKS
from mutants import MUTANTS, SAYS


def verdict(task_id, code):
    """What check() prints for the object that ``code`` defines."""
    namespace = {"np": np, "torch": learntorch, "math": math}
    exec(code, namespace)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(namespace[TASKS[task_id].name])
    return out.getvalue()


def failures(output):
    """Each ✗ block of check()'s output: the ✗ line and the indented lines under it."""
    blocks = []
    for line in output.splitlines():
        if line.startswith("✗"):
            blocks.append([line])
        elif line.startswith("  ") and blocks:
            blocks[-1].append(line)
    return blocks


def rejected(output):
    """At least one ✗, and every ✗ ends with a hint."""
    blocks = failures(output)
    return bool(blocks) and all(block[-1].startswith("  hint: ") for block in blocks)


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


@pytest.mark.parametrize("key", SAYS, ids=" / ".join)
def test_a_mistake_that_is_not_about_values_is_named_before_the_hint(key):
    """The line under ✗ names the mistake, and the hint is about it, not about values."""
    task_id, what = key
    blocks = failures(verdict(task_id, MUTANTS[task_id][what]))
    named = [block for block in blocks if SAYS[key] in block[1]]
    assert named, f"no ✗ says {SAYS[key]!r}: {blocks[:2]}"
    case_hints = {case.hint for case in TASKS[task_id].make_cases()}
    assert all(block[-1][len("  hint: "):] not in case_hints for block in named), named[0]
