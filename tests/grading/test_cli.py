"""learntorch-grade: scores, isolation of failures, bad files, batches; files stay untouched."""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading_helpers import EXERCISES, ROOT, SOLUTIONS, write_variant
from learntorch.grading import cli
from learntorch.grading.tasks import chapter_tasks

TENSORS = ROOT / "solutions" / "01_tensors.ipynb"
AUTOGRAD = ROOT / "solutions" / "02_autograd.ipynb"


def grade_json(capsys, *paths, timeout=10):
    assert cli.main([*map(str, paths), "--json", "--timeout", str(timeout)]) == 0
    return json.loads(capsys.readouterr().out)


def by_id(result):
    return {outcome["id"]: outcome for outcome in result["tasks"]}


def test_solutions_score_100_and_exercises_0_from_the_installed_command(tmp_path):
    command = Path(sys.executable).parent / "learntorch-grade"
    # a generous limit: the training tasks (3.9, 4.7, 5.8, 6.10) take seconds, and CI runs this
    # beside the notebooks on 2 cores; test_infinite_loop_costs_only_that_task checks the limit
    done = subprocess.run([str(command), *map(str, SOLUTIONS + EXERCISES), "--json",
                           "--timeout", "60"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["score"] for r in results] == [100] * len(SOLUTIONS) + [0] * len(EXERCISES)
    for result in results[len(SOLUTIONS):]:
        assert result["error"] is None and result["cells"] == []
        assert len(result["tasks"]) == len(chapter_tasks(result["chapter"]))
        for outcome in result["tasks"]:
            assert outcome["status"] == "not attempted" and not outcome["passed"]
            assert outcome["lines"] == [f"{outcome['id']} not implemented yet — "
                                        "fill in the cell above"]


def test_table_and_csv_tell_not_attempted_from_wrong(capsys, tmp_path):
    wrong = "def one_hot(labels, num_classes):\n    return labels\n"
    path, _ = write_variant(TENSORS, tmp_path, {"one_hot": wrong})
    table_csv = tmp_path / "grades.csv"
    assert cli.main([str(TENSORS), str(EXERCISES[0]), str(path), "--csv", str(table_csv)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["file", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "total"]
    assert out[1].split()[1:] == ["✓"] * 6 + ["100%"]
    assert out[2].split()[1:] == ["–"] * 6 + ["0%"]
    assert out[3].split()[1:] == ["✓"] * 4 + ["✗", "✓", "83%"]
    assert cli.LEGEND in out
    failure, = [line for line in out if line.startswith(f"{path}: ")]
    assert "1.5 one_hot: for input" in failure and "— shape (3,) ≠ expected (3, 3)" in failure
    with table_csv.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["score"] for row in rows] == ["100", "0", "83"]
    assert [row["1.5"] for row in rows] == ["passed", "not attempted", "wrong"]
    assert rows[1]["1.1"] == "not attempted" and rows[2]["failed cells"] == ""


def test_a_failing_top_level_cell_is_shown_in_the_table_and_the_csv(capsys, tmp_path):
    fails_after = ("def one_hot(labels, num_classes):\n"
                   "    return (labels.unsqueeze(-1) == torch.arange(num_classes)).long()\n\n"
                   "one_hot(undefined_labels, 3)\n")
    path, cells = write_variant(TENSORS, tmp_path, {"one_hot": fails_after})
    table_csv = tmp_path / "grades.csv"
    assert cli.main([str(path), "--csv", str(table_csv)]) == 0
    out = capsys.readouterr().out
    cell = (f"cell {cells['one_hot']}, line 4: NameError: name 'undefined_labels' is not "
            "defined")
    assert f"cells that failed when the notebook ran:\n{path}: {cell}" in out
    with table_csv.open(encoding="utf-8") as file:
        row, = csv.DictReader(file)
    assert row["failed cells"] == cell


def test_a_missing_function_is_reported_with_the_near_miss_the_notebook_defines(capsys, tmp_path):
    misspelled = ("def masked_means(x, mask):\n    w = mask.to(x.dtype).expand_as(x)\n"
                  "    return (x * w).sum(dim=-1) / w.sum(dim=-1).clamp(min=1)\n")
    path, _ = write_variant(TENSORS, tmp_path, {"masked_mean": misspelled})
    result, = grade_json(capsys, path)
    outcome = by_id(result)["1.4"]
    assert outcome["status"] == "missing"
    assert outcome["lines"] == ["✗ 1.4 masked_mean is not defined — the notebook never defines "
                                "it; it defines masked_means (a misspelled name?)"]
    assert cli.main([str(path)]) == 0
    assert "1.4 masked_mean is not defined — the notebook never defines it; it defines " \
        "masked_means" in capsys.readouterr().out


def test_bad_files_get_an_error_row_and_the_batch_goes_on(capsys, tmp_path):
    corrupt = tmp_path / "corrupt.ipynb"
    corrupt.write_text('{"cells": [', encoding="utf-8")
    not_notebook = tmp_path / "notes.txt"
    not_notebook.write_text("just some text\n", encoding="utf-8")
    not_a_course_notebook = tmp_path / "other.ipynb"
    not_a_course_notebook.write_text('{"cells": [], "metadata": []}', encoding="utf-8")
    paths = [corrupt, not_notebook, tmp_path / "missing.ipynb", not_a_course_notebook, TENSORS]
    results = grade_json(capsys, *paths)
    assert "not valid JSON" in results[0]["error"]
    assert "not valid JSON" in results[1]["error"]
    assert "cannot read" in results[2]["error"]
    assert "no learntorch chapter" in results[3]["error"]
    assert results[4]["score"] == 100 and results[4]["error"] is None
    assert cli.main([str(corrupt)]) == 0
    assert "corrupt.ipynb: error: not a notebook" in capsys.readouterr().out


def test_syntax_error_is_reported_with_cell_and_line_and_costs_one_task(capsys, tmp_path):
    broken = "def masked_mean(x, mask):\n    total = (x * mask\n    return total\n"
    path, cells = write_variant(TENSORS, tmp_path, {"masked_mean": broken})
    result, = grade_json(capsys, path)
    outcomes = by_id(result)
    assert not outcomes["1.4"]["passed"]
    line = outcomes["1.4"]["lines"][0]
    assert f"cell {cells['masked_mean']}, line 2: SyntaxError" in line, line
    assert all(outcomes[t]["passed"] for t in outcomes if t != "1.4")
    assert result["score"] == 83


def test_infinite_loop_costs_only_that_task(capsys, tmp_path):
    loop = "def element_at(storage, shape, strides, offset, index):\n    while True:\n        pass\n"
    hang_in_cell = "while True:\n    pass\n\ndef one_hot(labels, num_classes):\n    return labels\n"
    path, _ = write_variant(TENSORS, tmp_path, {"element_at": loop, "one_hot": hang_in_cell})
    result, = grade_json(capsys, path, timeout=1)
    outcomes = by_id(result)
    assert outcomes["1.2"]["lines"] == ["✗ 1.2 element_at: timed out after 1 s"]
    assert "timed out after 1 s" in outcomes["1.5"]["lines"][0]
    assert [t for t, o in outcomes.items() if not o["passed"]] == ["1.2", "1.5"]


def test_missing_import_fails_only_the_task_that_needs_it(capsys, tmp_path):
    at_top = "import no_such_module_xyz\n\ndef unbroadcast(grad, shape):\n    return grad\n"
    inside = ("def mul_backward(grad_out, a, b):\n"
              "    import another_missing_module\n    return grad_out * b, grad_out * a\n")
    path, cells = write_variant(AUTOGRAD, tmp_path, {"unbroadcast": at_top, "mul_backward": inside})
    result, = grade_json(capsys, path)
    outcomes = by_id(result)
    assert (f"cell {cells['unbroadcast']}, line 1: ModuleNotFoundError: "
            "No module named 'no_such_module_xyz'") in outcomes["2.4"]["lines"][0]
    assert "got ModuleNotFoundError: No module named 'another_missing_module'" in \
        outcomes["2.2"]["lines"][0]
    assert [t for t, o in outcomes.items() if not o["passed"]] == ["2.2", "2.4"]


def test_a_crash_costs_only_that_task(capsys, tmp_path):
    crash = "import os\n\ndef topo_sort(root):\n    os._exit(7)\n\nanswer = input()\n"
    path, _ = write_variant(AUTOGRAD, tmp_path, {"topo_sort": crash})
    outcomes = by_id(grade_json(capsys, path)[0])
    assert outcomes["2.5"]["lines"] == ["✗ 2.5 topo_sort: stopped the grader (exit status 7)"]
    assert [t for t, o in outcomes.items() if not o["passed"]] == ["2.5"]


def test_magics_and_shell_lines_are_skipped(capsys, tmp_path):
    with_magics = ("%matplotlib inline\n!echo hi\ndef matmul_backward(grad_out, a, b):\n"
                   "    %time 1 + 1\n    return grad_out @ b.T, a.T @ grad_out\n")
    path, _ = write_variant(AUTOGRAD, tmp_path, {"matmul_backward": with_magics})
    assert grade_json(capsys, path)[0]["score"] == 100


def test_the_notebook_file_is_never_modified(capsys, tmp_path):
    path = tmp_path / "01_tensors.ipynb"
    shutil.copy(TENSORS, path)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    grade_json(capsys, path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_tensors.ipynb"]


@pytest.mark.parametrize("argv", [[], ["x.ipynb", "--json", "--csv", "f.csv"],
                                  ["x.ipynb", "--timeout", "0"]])
def test_usage_errors_exit_non_zero(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
