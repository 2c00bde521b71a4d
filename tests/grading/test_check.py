"""check() in a notebook: finds the student's object, prints ✓/✗ lines, never raises."""
import ast
import inspect

import pytest

import learntorch.grading.grade as grade_module
from learntorch.grading import check
from learntorch.grading.tasks import TASKS, chapter_tasks


def run_check(capsys, key):
    check(key)
    return capsys.readouterr().out


def test_unknown_id_lists_the_valid_ids(capsys):
    out = run_check(capsys, "9.9")
    assert "no task '9.9'" in out
    assert all(task_id in out for task_id in TASKS)


def test_unknown_object_lists_the_valid_ids(capsys):
    def not_a_task():
        pass
    out = run_check(capsys, not_a_task)
    assert "not_a_task" in out and "1.1 (broadcast_shape)" in out


def test_finds_the_object_in_the_callers_globals(capsys):
    globals()["broadcast_shape"] = lambda a, b: tuple(__import__("numpy").broadcast_shapes(a, b))
    try:
        out = run_check(capsys, "1.1")
    finally:
        del globals()["broadcast_shape"]
    assert "✓ 1.1 broadcast_shape: (2, 3) with (3,) → (2, 3)" in out
    assert "✗" not in out
    assert out.count("✓") == len(TASKS["1.1"].make_cases())


def test_object_not_defined(capsys):
    out = run_check(capsys, "1.3")
    assert out.strip() == ("✗ 1.3 permute_strides is not defined — "
                           "run the cell above that defines it")


def test_untouched_stub_says_not_implemented(capsys):
    def unbroadcast(grad, shape):
        # YOUR CODE HERE
        raise NotImplementedError()
    assert run_check(capsys, unbroadcast) == "2.4 not implemented yet — fill in the cell above\n"


def test_students_exception_is_one_line_not_a_traceback(capsys):
    def one_hot(labels, num_classes):
        return [][num_classes]
    out = run_check(capsys, one_hot)
    assert "Traceback" not in out
    assert "got IndexError: list index out of range" in out
    assert all(line.startswith(("✗", "✓", "  hint: ")) for line in out.splitlines())


def test_sys_exit_in_students_code_is_caught(capsys):
    def numerical_derivative(f, x, h=1e-5):
        raise SystemExit(3)
    assert "got SystemExit: 3" in run_check(capsys, numerical_derivative)


def test_output_is_deterministic(capsys):
    def masked_mean(x, mask):
        return x.sum(dim=-1)
    assert run_check(capsys, masked_mean) == run_check(capsys, masked_mean)


def test_a_bug_in_the_grader_does_not_raise(capsys, monkeypatch):
    def broadcast_shape(a, b):
        return a
    monkeypatch.setattr(grade_module, "grade", lambda task, obj: 1 / 0)
    assert "could not run: ZeroDivisionError" in run_check(capsys, broadcast_shape)


@pytest.mark.parametrize("chapter", [1, 2])
def test_each_chapter_has_at_least_six_tasks(chapter):
    tasks = chapter_tasks(chapter)
    assert len(tasks) >= 6
    assert len({task.name for task in tasks}) == len(tasks)
    assert all(len(task.make_cases()) >= 5 for task in tasks)


@pytest.mark.parametrize("chapter", [1, 2])
def test_a_chapters_checks_use_only_earlier_chapters(chapter):
    module = inspect.getmodule(chapter_tasks(chapter)[0].make_cases)
    imported = {alias.name for node in ast.walk(ast.parse(inspect.getsource(module)))
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(ast.parse(inspect.getsource(module)))
                 if isinstance(node, ast.ImportFrom)}
    later = {f"ch{n:02d}" for n in range(chapter, 100)} - {f"ch{chapter:02d}"}
    assert not {name.rsplit(".", 1)[-1] for name in imported} & later
