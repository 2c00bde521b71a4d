"""Run a task's cases on a student's object and say, line by line, what happened.

``check`` is the notebook entry point: it prints and never raises, because an exception
would stop a student's notebook at the point where they most need to read the feedback.
"""
import inspect
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from .cases import Mismatch
from .tasks import TASKS

PASSED, FAILED, NOT_IMPLEMENTED, MISSING = "passed", "failed", "not implemented", "missing"


@dataclass
class Result:
    task_id: str
    title: str
    status: str
    lines: list = field(default_factory=list)

    @property
    def passed(self):
        return self.status == PASSED

    def as_dict(self):
        return {"id": self.task_id, "title": self.title, "status": self.status,
                "passed": self.passed, "lines": self.lines}


def grade(task, obj):
    """All of ``task``'s cases on ``obj``; an untouched stub stops at the first case."""
    prefix = f"{task.id} {task.name}"
    lines = []
    for case in task.make_cases():
        got = _outcome(case, obj)
        if got is NOT_IMPLEMENTED:
            return Result(task.id, task.title, NOT_IMPLEMENTED,
                          [f"{task.id} not implemented yet — fill in the cell above"])
        if got is None:
            lines.append(f"✓ {prefix}: {case.given} → {case.want}")
        else:
            lines.append(f"✗ {prefix}: for input {case.given}, expected {case.want}, got {got}")
            lines.append(f"  hint: {case.hint}")
    status = FAILED if any(line.startswith("✗") for line in lines) else PASSED
    return Result(task.id, task.title, status, lines)


def missing(task, reason=None):
    """The result for a task whose object the notebook never defined."""
    why = reason or "run the cell above that defines it"
    return Result(task.id, task.title, MISSING, [f"✗ {task.id} {task.name} is not defined — {why}"])


def _outcome(case, obj):
    """None when the case passes, NOT_IMPLEMENTED for a stub, else what came out instead."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            case.test(obj)
    except Mismatch as wrong:
        return wrong.args[0]
    except NotImplementedError as error:
        # The stub raises a bare NotImplementedError(); one with a message is the student's own.
        return NOT_IMPLEMENTED if not error.args else describe_error(error)
    except (Exception, SystemExit) as error:  # the student's code may raise anything
        return describe_error(error)
    return None


def describe_error(error):
    """``TypeError: message`` on one line: a traceback into the grader would only confuse."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def find_task(key):
    """The task for an id ("1.1") or for an object whose name a task expects; else None."""
    if isinstance(key, str):
        return TASKS.get(key)
    name = getattr(key, "__name__", None)
    return next((task for task in TASKS.values() if task.name == name), None)


def check(task_or_object):
    """Grade one task in a notebook: ``check("1.1")`` or ``check(broadcast_shape)``."""
    try:
        task = find_task(task_or_object)
        if task is None:
            _say(_unknown(task_or_object))
            return
        if isinstance(task_or_object, str):
            namespace = _caller_namespace()
            result = (grade(task, namespace[task.name]) if task.name in namespace
                      else missing(task))
        else:
            result = grade(task, task_or_object)
        _say("\n".join(result.lines))
    except Exception as error:  # a bug here must not stop the student's notebook either
        _say(f"check({task_or_object!r}) could not run: {describe_error(error)}")


def _say(text):
    """One write, so Jupyter stores one output block every run (print may be split in two)."""
    sys.stdout.write(text + "\n")


def _unknown(key):
    valid = ", ".join(f"{task.id} ({task.name})" for task in TASKS.values())
    what = f"no task {key!r}" if isinstance(key, str) else \
        f"no task expects an object named {getattr(key, '__name__', type(key).__name__)!r}"
    return f"check(): {what}. Valid task ids: {valid}."


def _caller_namespace():
    """Where the student's definitions live: IPython's user namespace, else the caller's globals."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    return inspect.currentframe().f_back.f_back.f_globals
