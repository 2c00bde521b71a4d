"""tools/build_exercises.py: exercises/ is current, reproducible, and free of solution code."""
import json
import subprocess
import sys
import textwrap

import pytest

from grading_helpers import EXERCISES, ROOT, SOLUTIONS, load, source

sys.path.insert(0, str(ROOT / "tools"))
import build_exercises  # noqa: E402

BEGIN, END = build_exercises.BEGIN, build_exercises.END


def run_build(*args):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "build_exercises.py"), *args],
                          capture_output=True, text=True)


def solution_lines(notebook):
    """The stripped, non-blank code lines between the markers of every code cell."""
    lines, inside = set(), False
    for cell in notebook["cells"]:
        for line in source(cell).splitlines() if cell["cell_type"] == "code" else ():
            if line.strip() in (BEGIN, END):
                inside = line.strip() == BEGIN
            elif inside and line.strip():
                lines.add(line.strip())
    return lines


def test_every_solution_has_an_exercise():
    assert [p.name for p in SOLUTIONS] == [p.name for p in EXERCISES]
    assert len(SOLUTIONS) >= 2


def test_exercises_are_up_to_date():
    done = run_build("--check")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_exercises_contain_no_solution_code(solution):
    exercise = load(ROOT / "exercises" / solution.name)
    code = {line.strip() for cell in exercise["cells"] if cell["cell_type"] == "code"
            for line in source(cell).splitlines()}
    secret = solution_lines(load(solution))
    assert secret, "the solution notebook has no marked solution code"
    assert not secret & code
    assert BEGIN not in (ROOT / "exercises" / solution.name).read_text("utf-8")


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda p: p.name)
def test_exercises_have_no_outputs_and_stay_valid_python(exercise):
    for cell in load(exercise)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            compile(source(cell), exercise.name, "exec")


def test_check_names_the_stale_file_and_build_is_idempotent(tmp_path):
    out = tmp_path / "exercises"
    assert run_build("--exercises", str(out)).returncode == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run_build("--exercises", str(out)).returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    stale = out / SOLUTIONS[0].name
    notebook = json.loads(stale.read_text("utf-8"))
    notebook["cells"][0]["source"] = ["edited by hand\n"]
    stale.write_text(json.dumps(notebook), encoding="utf-8")
    done = run_build("--check", "--exercises", str(out))
    assert done.returncode == 1 and SOLUTIONS[0].name in done.stderr


def test_stub_keeps_the_indentation_of_the_marker():
    cell = textwrap.dedent("""\
        class F:
            def forward(ctx, x):
                ### BEGIN SOLUTION
                return x * 2
                ### END SOLUTION""")
    assert build_exercises.stub_source(cell) == textwrap.dedent("""\
        class F:
            def forward(ctx, x):
                # YOUR CODE HERE
                raise NotImplementedError()""")


@pytest.mark.parametrize("broken", [f"{BEGIN}\nx = 1\n", f"x = 1\n{END}\n",
                                    f"{BEGIN}\n{BEGIN}\n{END}\n"])
def test_unbalanced_markers_are_refused(broken):
    with pytest.raises(build_exercises.MarkerError):
        build_exercises.stub_source(broken)
