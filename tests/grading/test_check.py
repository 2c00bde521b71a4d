"""check() in a notebook: finds the student's object, prints ✓/✗ lines, never raises."""
import ast
import inspect

import pytest

import learntorch as torch
import learntorch.grading.grade as grade_module
from learntorch.grading import check
from learntorch.grading.tasks import TASKS, ch02, chapter_tasks


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
    assert all(line.startswith(("✗", "✓", "  ")) for line in out.splitlines())
    assert "  raised IndexError, expected ValueError" in out.splitlines()


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


@pytest.mark.parametrize("chapter", [1, 2, 3, 4])
def test_each_chapter_has_at_least_six_tasks(chapter):
    tasks = chapter_tasks(chapter)
    assert len(tasks) >= 6
    assert len({task.name for task in tasks}) == len(tasks)
    assert all(len(task.make_cases()) >= 5 for task in tasks)


@pytest.mark.parametrize("chapter", [1, 2, 3, 4])
def test_a_chapters_checks_use_only_earlier_chapters(chapter):
    module = inspect.getmodule(chapter_tasks(chapter)[0].make_cases)
    imported = {alias.name for node in ast.walk(ast.parse(inspect.getsource(module)))
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(ast.parse(inspect.getsource(module)))
                 if isinstance(node, ast.ImportFrom)}
    later = {f"ch{n:02d}" for n in range(chapter, 100)} - {f"ch{chapter:02d}"}
    assert not {name.rsplit(".", 1)[-1] for name in imported} & later


def failure_blocks(out):
    """Each ✗ line with the indented lines under it."""
    blocks = []
    for line in out.splitlines():
        if line.startswith("✗"):
            blocks.append([line])
        elif line.startswith("  ") and blocks:
            blocks[-1].append(line)
    return blocks


def test_a_wrong_shape_is_named_under_the_cross(capsys):
    def masked_mean(x, mask):
        w = mask.to(x.dtype).expand_as(x)
        return (x * w).sum(dim=-1, keepdim=True) / w.sum(dim=-1, keepdim=True).clamp(min=1)
    first = failure_blocks(run_check(capsys, masked_mean))[0]
    assert first[1] == "  shape (2, 1) ≠ expected (2,)"
    assert first[2].startswith("  hint: ")


def test_a_wrong_value_is_named_with_its_index_and_the_max_error(capsys):
    def mul_backward(grad_out, a, b):
        grad_a = grad_out * b
        if grad_a.numel() == 3:
            grad_a = grad_a + torch.tensor([0.0, 0.0, 0.5], dtype=torch.float64)
        return grad_a, grad_out * a
    block, = failure_blocks(run_check(capsys, mul_backward))[:1]
    assert block[1] == "  grad_a: values differ at [2]: 6.5 vs 6 (max abs err 0.5)", block


def test_a_dtype_error_gets_the_dtype_hint_not_the_tasks_shape_hints(capsys):
    def one_hot(labels, num_classes):
        return (labels.unsqueeze(-1) == torch.arange(num_classes)).float()
    blocks = failure_blocks(run_check(capsys, one_hot))
    assert blocks and all(block[1] == "  dtype float32 ≠ expected int64" for block in blocks[:5])
    hints = " ".join(block[-1] for block in blocks)
    assert "0-d label" not in hints and "shape" not in hints and "int64" in hints


def test_expected_values_are_shown_in_the_dtype_the_task_accepts(capsys):
    def pairwise_sq_dists(a, b):
        return ((a.unsqueeze(1) - b.unsqueeze(0)) ** 2).sum(dim=-1)
    out = run_check(capsys, pairwise_sq_dists)
    assert "✗" not in out and "float64" not in out


def test_a_changed_input_is_reported_by_its_parameter_name(capsys):
    def unbroadcast(grad, shape):
        out = grad.sum_to_size(shape).clone()
        grad.zero_()
        return out
    first = failure_blocks(run_check(capsys, unbroadcast))[0]
    assert first[1] == "  your function changed its argument grad"


def test_a_real_pytorch_tensor_is_named(capsys):
    import torch as pytorch

    def matmul_backward(grad_out, a, b):
        g, x, y = (pytorch.from_numpy(t.numpy()) for t in (grad_out, a, b))
        return g @ y.T, x.T @ g
    first = failure_blocks(run_check(capsys, matmul_backward))[0]
    assert first[1] == "  grad_a: got a torch.Tensor from PyTorch; use learntorch"


def test_unbroadcast_by_sum_to_size_as_chapter_2_teaches_passes_every_case(capsys):
    def unbroadcast(grad, shape):
        return grad.sum_to_size(shape)
    out = run_check(capsys, unbroadcast)
    assert "✗" not in out and out.count("✓") == len(TASKS["2.4"].make_cases())


def test_a_case_that_breaks_its_tasks_promise_is_refused():
    with pytest.raises(AssertionError, match="breaks its task's promise"):
        ch02._unbroadcast_case((4, 2, 3), (2, 1, 3), "a shape that does not broadcast to grad")


def test_a_checker_returning_a_tensor_is_told_to_return_a_bool(capsys):
    def my_gradcheck(f, x, eps=1e-6, atol=1e-5, rtol=1e-3):
        return torch.tensor(True)
    first = failure_blocks(run_check(capsys, my_gradcheck))[0]
    assert first[1:] == ["  returned a learntorch tensor, expected a bool",
                         "  hint: return a Python bool, e.g. bool(...)"]


def test_a_half_filled_task_is_wrong_and_names_the_stub_left(capsys):
    class Softplus(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0) + (1 + (-x.abs()).exp()).log()

        @staticmethod
        def backward(ctx, grad_output):
            raise NotImplementedError()
    out = run_check(capsys, Softplus)
    assert out.count("✓") == 4 and "not implemented yet" not in out
    assert failure_blocks(out)[0][1] == "  part of the task is still the stub"


def test_a_near_miss_name_is_suggested(capsys):
    globals()["masked_means"] = lambda x, mask: x
    try:
        out = run_check(capsys, "1.4")
    finally:
        del globals()["masked_means"]
    assert out.strip() == ("✗ 1.4 masked_mean is not defined — run the cell above that defines "
                           "it (you defined masked_means: is the name misspelled?)")
