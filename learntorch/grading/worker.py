"""Grade one notebook in this process: ``python -m learntorch.grading.worker NOTEBOOK``.

``learntorch-grade`` starts one worker per notebook, so a student's notebook cannot touch
another's namespace, and caps its memory here.  The notebook file is only ever read.  Each
task's tests run in a forked child with an alarm: an infinite loop, a crash or ``os._exit`` in
one task's code costs that task only.  The result is one JSON object on stdout.
"""
import argparse
import json
import os
import re
import resource
import signal
import sys

from .execute import code_cells, defining_error, run_cells
from .grade import ERROR, Result, grade, missing, near_miss
from .tasks import chapter_tasks


def grade_notebook(path, timeout):
    """The result for one notebook file: per-task outcomes and score, or an error."""
    result = {"file": path, "chapter": None, "score": 0, "tasks": [], "cells": [], "error": None}
    try:
        notebook = _load(path)
        chapter = _chapter(notebook, path)
    except ValueError as error:
        return {**result, "error": str(error)}
    tasks = chapter_tasks(chapter)
    if not tasks:
        return {**result, "chapter": chapter, "error": f"chapter {chapter} has no graded tasks"}
    namespace = {"__name__": "__main__"}
    errors = run_cells(code_cells(notebook), namespace, timeout)
    outcomes = [_grade_isolated(task, namespace, errors, timeout).as_dict() for task in tasks]
    score = round(100 * sum(o["passed"] for o in outcomes) / len(outcomes))
    return {**result, "chapter": chapter, "score": score, "tasks": outcomes,
            "cells": [error.text for error in errors]}


def _load(path):
    """The notebook as a dict; ValueError saying why for anything that is not one."""
    try:
        with open(path, "rb") as file:
            notebook = json.loads(file.read().decode("utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a notebook (not valid JSON: {error})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise ValueError("not a notebook (no list of cells)")
    return notebook


def _chapter(notebook, path):
    """The chapter from the notebook's metadata, else from a file name like ``02_autograd``."""
    try:
        chapter = notebook["metadata"]["learntorch"]["chapter"]
    except (KeyError, TypeError):
        chapter = None
    if isinstance(chapter, int):
        return chapter
    match = re.match(r"(\d+)_", os.path.basename(path))
    if match:
        return int(match.group(1))
    raise ValueError("not a course notebook (no learntorch chapter in its metadata)")


def _grade_isolated(task, namespace, errors, timeout):
    """Grade ``task`` in a forked child that the alarm kills after ``timeout`` seconds."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: grade, send the result, leave without running any cleanup
        os.close(read_end)
        try:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            payload = json.dumps(_grade_here(task, namespace, errors).as_dict()).encode()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if payload:
        outcome = json.loads(payload)
        return Result(outcome["id"], outcome["title"], outcome["status"], outcome["lines"])
    return _died(task, status, timeout)


def _grade_here(task, namespace, errors):
    if task.name in namespace:
        return grade(task, namespace[task.name])
    error = defining_error(errors, task.name)
    if error:
        return missing(task, error.text)
    near = near_miss(task.name, namespace)
    return missing(task, "the notebook never defines it" +
                   (f"; it defines {near} (a misspelled name?)" if near else ""))


def _died(task, status, timeout):
    """The result for a child that sent nothing: killed by the alarm, or crashed."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        why = f"timed out after {timeout:g} s"
    elif os.WIFSIGNALED(status):
        why = f"crashed ({signal.Signals(os.WTERMSIG(status)).name})"
    else:
        why = f"stopped the grader (exit status {os.WEXITSTATUS(status)})"
    return Result(task.id, task.title, ERROR, [f"✗ {task.id} {task.name}: {why}"])


def _limit_memory(megabytes):
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m learntorch.grading.worker")
    parser.add_argument("notebook")
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--memory", type=int, required=True, help="address-space limit, MiB")
    args = parser.parse_args(argv)
    _limit_memory(args.memory)
    # What the student prints goes nowhere; the result goes to the real stdout.  stderr stays,
    # so the grader can say why a worker died.
    result_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    result_out.write(json.dumps(grade_notebook(args.notebook, args.timeout)))
    result_out.close()


if __name__ == "__main__":
    sys.exit(main())
