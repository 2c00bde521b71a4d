"""``learntorch-grade``: grade a class's notebooks and print a score table.

    learntorch-grade submissions/*.ipynb [--json | --csv FILE] [--timeout S]

Every notebook is graded by its own worker process (``worker.py``) under a memory limit,
several at a time; the files are only read.  Each task is "passed", "wrong", "not attempted"
(its stub untouched), "missing" (never defined) or "error" (it crashed or hung), in the table,
the JSON and the CSV alike.  Students failing is a normal outcome, so the exit status is 0
unless the command line itself is wrong.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from .grade import ERROR, MISSING, NOT_ATTEMPTED, PASSED, WRONG
from .tasks import TASKS

# One BLAS thread per worker: workers already run in parallel, one per core.
_WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def grade_files(paths, timeout, memory, jobs):
    """One result dict per path, in the order given."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda path: _run_worker(path, timeout, memory), paths))


def _run_worker(path, timeout, memory):
    command = [sys.executable, "-m", "learntorch.grading.worker", path,
               "--timeout", str(timeout), "--memory", str(memory)]
    # A safety net only: the worker limits every cell and every task to `timeout` itself.
    deadline = 60 + 40 * timeout
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=deadline,
                              stdin=subprocess.DEVNULL, env={**os.environ, **_WORKER_ENV})
        return json.loads(done.stdout)
    except subprocess.TimeoutExpired:
        return _error_row(path, f"grading did not finish within {deadline:g} s")
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return _error_row(path, f"the grader's worker died: {last}")


def _error_row(path, message):
    return {"file": path, "chapter": None, "score": 0, "tasks": [], "cells": [], "error": message}


def task_columns(results):
    """Every task id graded in these results, in course order."""
    graded = {outcome["id"] for result in results for outcome in result["tasks"]}
    return [task_id for task_id in TASKS if task_id in graded]


# One mark per status; "not attempted" (the stub untouched) is not "wrong".
MARKS = {PASSED: "✓", WRONG: "✗", ERROR: "✗", MISSING: "✗", NOT_ATTEMPTED: "–"}
LEGEND = "✓ passed   ✗ wrong (or not defined, or crashed)   – not attempted (the stub is untouched)"


def table(results):
    """One score table per chapter, a legend, then errors and failures worth reading."""
    width = max(len(result["file"]) for result in results)
    graded = [result for result in results if not result["error"]]
    blocks = [_chapter_table([r for r in graded if r["chapter"] == chapter], width)
              for chapter in sorted({r["chapter"] for r in graded})]
    if graded:
        blocks.append(LEGEND)
    errors = [f"{r['file']}: error: {r['error']}" for r in results if r["error"]]
    cells = [f"{r['file']}: {cell}" for r in graded for cell in r["cells"]]
    # Untouched stubs need no note: the – says it all and a class batch would drown in them.
    notes = [f"{result['file']}: {_first_failure(outcome)}" for result in graded
             for outcome in result["tasks"] if outcome["status"] not in (PASSED, NOT_ATTEMPTED)]
    sections = [("", errors), ("cells that failed when the notebook ran:", cells),
                ("failures:", notes)]
    blocks += ["\n".join(([title] if title else []) + lines) for title, lines in sections if lines]
    return "\n\n".join(blocks)


def _chapter_table(results, width):
    columns = task_columns(results)
    lines = ["  ".join(["file".ljust(width)] + [c.rjust(4) for c in columns] + ["total"])]
    for result in results:
        marks = {o["id"]: MARKS[o["status"]] for o in result["tasks"]}
        lines.append("  ".join([result["file"].ljust(width)] + [marks[c].rjust(4) for c in columns]
                               + [f"{result['score']:>4}%"]))
    return "\n".join(lines)


def _first_failure(outcome):
    """The first ✗ line without its mark, with the line saying what differs when there is one."""
    lines = outcome["lines"]
    first = next(i for i, line in enumerate(lines) if line.startswith("✗"))
    detail = lines[first + 1:first + 2]
    named = detail and not detail[0].startswith(("  hint:", "✓", "✗"))
    return lines[first][2:] + (f" — {detail[0].strip()}" if named else "")


def write_csv(results, path):
    """One row per notebook: each task's status in words, the score, failed cells, errors."""
    columns = task_columns(results)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["file", "chapter"] + columns + ["score", "failed cells", "error"])
        for result in results:
            status = {o["id"]: o["status"] for o in result["tasks"]}
            writer.writerow([result["file"], result["chapter"] or ""]
                            + [status.get(c, "") for c in columns]
                            + [result["score"], "; ".join(result["cells"]), result["error"] or ""])


def _parser():
    parser = argparse.ArgumentParser(
        prog="learntorch-grade",
        description="Grade learntorch exercise notebooks; the notebooks are never modified.")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the results as JSON")
    output.add_argument("--csv", metavar="FILE", help="also write the results to a CSV file")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S",
                        help="time limit per cell and per task, in seconds (default 10)")
    parser.add_argument("--memory", type=int, default=2048, metavar="MB",
                        help="memory limit per notebook, in MiB (default 2048)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="notebooks graded at once (default: one per core)")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.memory <= 0 or args.jobs <= 0:
        parser.error("--timeout, --memory and --jobs must be positive")
    results = grade_files(args.notebooks, args.timeout, args.memory, args.jobs)
    if args.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
        return 0
    print(table(results))
    if args.csv:
        write_csv(results, args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
