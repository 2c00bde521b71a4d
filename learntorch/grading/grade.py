"""Run a task's cases on a student's object and say, line by line, what happened.

``check`` is the notebook entry point: it prints and never raises, because an exception
would stop a student's notebook at the point where they most need to read the feedback.
"""
import difflib
import inspect
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from .cases import Mismatch, describe_error
from .compare import Difference
from .tasks import TASKS

PASSED, WRONG, NOT_ATTEMPTED, MISSING, ERROR = (
    "passed", "wrong", "not attempted", "missing", "error")

_STUB = "the stub"  # a case that met the untouched stub's bare NotImplementedError()


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
    """All of ``task``'s cases on ``obj``: "not attempted" when every case met the stub."""
    prefix = f"{task.id} {task.name}"
    outcomes = [(case, _outcome(case, obj)) for case in task.make_cases()]
    if all(got is _STUB for _, got in outcomes):
        return Result(task.id, task.title, NOT_ATTEMPTED,
                      [f"{task.id} not implemented yet — fill in the cell above"])
    lines = []
    for case, got in outcomes:
        if got is None:
            lines.append(f"✓ {prefix}: {case.given} → {case.want}")
            continue
        if got is _STUB:
            got = Mismatch("NotImplementedError", [Difference(
                "part of the task is still the stub", "replace every `raise NotImplementedError()`")])
        lines.append(f"✗ {prefix}: for input {case.given}, expected {case.want}, got {got.got}")
        lines.extend(f"  {found.text}" for found in got.differences)
        own = [found.hint for found in got.differences if found.hint]
        lines.append(f"  hint: {own[0] if own else case.hint}")
    status = WRONG if any(line.startswith("✗") for line in lines) else PASSED
    return Result(task.id, task.title, status, lines)


def missing(task, why):
    """The result for a task whose object the notebook never defined; ``why`` says what to do."""
    return Result(task.id, task.title, MISSING, [f"✗ {task.id} {task.name} is not defined — {why}"])


def near_miss(name, namespace):
    """The function or class defined in ``namespace`` whose name is closest to ``name``."""
    defined = [key for key, value in namespace.items()
               if not key.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))]
    close = difflib.get_close_matches(name, defined, n=1, cutoff=0.75)
    return close[0] if close else None


def _outcome(case, obj):
    """None when the case passes, _STUB for the untouched stub, else a Mismatch."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            case.test(obj)
    except Mismatch as wrong:
        return wrong
    except NotImplementedError as error:
        # The stub raises a bare NotImplementedError(); one with a message is the student's own.
        return _STUB if not error.args else Mismatch(describe_error(error))
    except (Exception, SystemExit) as error:  # the student's code may raise anything
        return Mismatch(describe_error(error))
    return None


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
            result = _grade_by_name(task, _caller_namespace())
        else:
            result = grade(task, task_or_object)
        _say("\n".join(result.lines))
    except Exception as error:  # a bug here must not stop the student's notebook either
        _say(f"check({task_or_object!r}) could not run: {describe_error(error)}")


def _grade_by_name(task, namespace):
    if task.name in namespace:
        return grade(task, namespace[task.name])
    near = near_miss(task.name, namespace)
    return missing(task, "run the cell above that defines it"
                   + (f" (you defined {near}: is the name misspelled?)" if near else ""))


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
