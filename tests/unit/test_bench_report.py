"""``python -m bench --readme FILE``: the README's benchmark section is rewritten from a run's
results, and nothing else in the file changes.  No benchmark is run here: the results are
made by hand."""
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench import report
from bench.core import Result, Target, Workload

START, END = report.README_START, report.README_END

ENV = {"python": "3.11.7", "numpy": "2.4.6", "torch": "2.13.0+cpu", "learntorch": "0.1.0",
       "cpu": "Test CPU 9000", "cpus": 2, "threads": 1, "numpy_blas": ["openblas 0.3 Haswell"],
       "openblas_env": {}, "min_time_s": 0.05, "repeats": 5, "date": "2026-12-01 15:00 UTC",
       "others_cpu_share": 0.5}

README = f"""# Title

Some text before.

## Benchmarks

{START}
an old table
| a | b |
{END}

## After

Text after, untouched.
"""


def _result(name, seconds, target=None):
    workload = Workload(name=name, setup=dict, learntorch=None, numpy=None, torch=None,
                        target=target)
    return Result(workload, values=seconds)


RESULTS = [
    _result("op: a*b+c", {"numpy": 1e-6, "learntorch": 5e-6, "torch": 7e-6}, Target("torch", 0.8)),
    _result("rng: randn", {"learntorch": 2e-3, "torch": 1e-3}),
]


def test_section_between_markers_is_replaced_and_the_rest_kept():
    section = report.readme_section(ENV, RESULTS)
    new = report.replace_section(README, section)
    head, old_rest = README.split(START)
    assert new.startswith(head + START + "\n" + section + "\n" + END)
    assert new.endswith(old_rest.split(END)[1])
    assert "an old table" not in new


def test_section_holds_machine_table_and_load():
    lines = report.readme_section(ENV, RESULTS).splitlines()
    machine = lines[0]
    for fact in ("2026-12-01 15:00 UTC", "Test CPU 9000", "2 logical cores", "1 thread",
                 "NumPy 2.4.6", "torch 2.13.0+cpu", "learntorch 0.1.0", "Python 3.11.7"):
        assert fact in machine
    table = [line for line in lines if line.startswith("|")]
    assert table[0] == "| " + " | ".join(report.COLUMNS) + " |"
    assert table[2].split(" | ")[:6] == ["| op: a*b+c", "5 us", "1 us", "7 us", "5.00x", "0.71x"]
    assert table[2].endswith("| <= 0.8x torch | yes |")
    assert table[3].split(" | ")[2:5] == ["-", "1 ms", "-"]   # no NumPy floor: no ratio to it
    assert lines[-1] == report.load_line(0.5)


def test_rewriting_twice_gives_the_same_file():
    section = report.readme_section(ENV, RESULTS)
    once = report.replace_section(README, section)
    assert report.replace_section(once, section) == once


@pytest.mark.parametrize("text", [
    "no markers at all\n",
    f"only the start {START}\n",
    f"{END} before {START}\n",
    f"{START}\n{END}\n{START}\n{END}\n",
], ids=["none", "no-end", "reversed", "twice"])
def test_missing_or_misplaced_markers_are_a_clear_error(text):
    with pytest.raises(ValueError, match="README needs the lines <!-- bench:start --> and "
                                         "<!-- bench:end -->, once each and in that order"):
        report.replace_section(text, "table")


def test_write_readme_changes_only_the_section(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(README, encoding="utf-8")
    report.write_readme(path, ENV, RESULTS)
    assert path.read_text(encoding="utf-8") == report.replace_section(
        README, report.readme_section(ENV, RESULTS))


@pytest.mark.parametrize("extra", [[], ["--quick"], ["--only", "rng"]])
def test_cli_refuses_before_running(tmp_path, capsys, monkeypatch, extra):
    """A README without markers (or a partial run) is refused before any workload runs."""
    monkeypatch.setattr(bench_main, "measure", _no_measuring)
    path = tmp_path / "README.md"
    path.write_text("# no markers\n" if not extra else README, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        bench_main.main(["--readme", str(path), *extra])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert ("README.md needs the lines" in error) if not extra else ("leave out" in error)
    assert path.read_text(encoding="utf-8") == ("# no markers\n" if not extra else README)


def test_cli_writes_the_section_after_the_run(tmp_path, monkeypatch):
    path = tmp_path / "README.md"
    path.write_text(README, encoding="utf-8")
    monkeypatch.setattr(bench_main, "WORKLOADS", [r.workload for r in RESULTS])
    made = iter(RESULTS)
    monkeypatch.setattr(bench_main, "measure", lambda workload, *args: next(made))
    assert bench_main.main(["--readme", str(path), "--threads", "1"]) == 0
    text = path.read_text(encoding="utf-8")
    assert "| op: a*b+c | 5 us |" in text and "| rng: randn |" in text
    assert text.endswith("## After\n\nText after, untouched.\n")


def test_make_bench_writes_the_readme_and_the_readme_has_the_markers():
    root = Path(__file__).resolve().parents[2]
    assert "-m bench --readme README.md" in (root / "Makefile").read_text(encoding="utf-8")
    report.check_readme(root / "README.md")


def _no_measuring(*args):
    raise AssertionError("a workload ran before the --readme check")
