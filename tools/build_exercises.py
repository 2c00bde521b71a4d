"""Build exercises/ from solutions/: solution code out, stubs in, outputs cleared.

    python tools/build_exercises.py           # (re)write exercises/NN_*.ipynb
    python tools/build_exercises.py --check   # exit 1, naming the stale files, if out of date

In every code cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` (inclusive)
become a stub at the marker's indentation, so a function body stays valid Python::

    # YOUR CODE HERE
    raise NotImplementedError()

All outputs and execution counts are cleared; everything else is kept.  The JSON is written
the way nbformat writes it (sorted keys, indent 1, trailing newline), so the output is
byte-for-byte reproducible and the build is idempotent.
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")


class MarkerError(ValueError):
    """Unbalanced solution markers: the stub would be wrong, so refuse to build."""


def stub_source(source):
    """``source`` with each marked block replaced by the stub at the BEGIN marker's indent."""
    out, indent = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if indent is not None:
                raise MarkerError(f"line {number}: {BEGIN} inside another solution block")
            indent = line[:len(line) - len(line.lstrip())]
            out.extend(f"{indent}{stub}\n" for stub in STUB)
        elif marker == END:
            if indent is None:
                raise MarkerError(f"line {number}: {END} without {BEGIN}")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise MarkerError(f"{BEGIN} without {END}")
    if out and not source.endswith("\n"):
        out[-1] = out[-1].rstrip("\n")
    return "".join(out)


def exercise_notebook(solution):
    """The exercise version of a solution notebook (a dict in nbformat's JSON layout)."""
    notebook = json.loads(json.dumps(solution))  # a deep copy
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        try:
            text = stub_source(text)
        except MarkerError as error:
            raise MarkerError(f"cell {number}, {error}") from None
        cell["source"] = text.splitlines(keepends=True) if isinstance(source, list) else text
        cell["outputs"] = []
        cell["execution_count"] = None
    return notebook


def render(notebook):
    return json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def expected_exercises(solutions_dir):
    """``{exercise file name: its text}`` for every solution notebook."""
    built = {}
    for path in sorted(solutions_dir.glob("*.ipynb")):
        try:
            built[path.name] = render(exercise_notebook(json.loads(path.read_text("utf-8"))))
        except MarkerError as error:
            raise MarkerError(f"{path}: {error}") from None
    return built


def stale_files(built, exercises_dir):
    """Exercise files that differ from what would be built, or should not be there at all."""
    present = {path.name for path in exercises_dir.glob("*.ipynb")}
    return sorted(name for name in present | set(built)
                  if name not in built or name not in present
                  or (exercises_dir / name).read_text("utf-8") != built[name])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if exercises/ is out of date")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises")
    args = parser.parse_args(argv)
    try:
        built = expected_exercises(args.solutions)
    except MarkerError as error:
        print(f"build_exercises: {error}", file=sys.stderr)
        return 2
    stale = stale_files(built, args.exercises) if args.exercises.is_dir() else sorted(built)
    if args.check:
        for name in stale:
            print(f"stale: {args.exercises / name} (run `make exercises`)", file=sys.stderr)
        return 1 if stale else 0
    args.exercises.mkdir(exist_ok=True)
    for name in stale:
        path = args.exercises / name
        if name in built:
            path.write_text(built[name], encoding="utf-8")
            print(f"wrote {path}")
        else:
            path.unlink()
            print(f"removed {path} (no solution notebook for it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
