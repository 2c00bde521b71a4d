"""Shared pytest set-up: the hypothesis profiles every test runs under.

``ci`` (the default) is reproducible: examples are derived from each test's name,
never from the clock, so a failure on one machine fails the same way on another.
Choose another profile with ``--hypothesis-profile=dev``.
"""
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,  # no replay of examples saved by earlier runs: every run is the same run
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", parent=settings.get_profile("ci"), derandomize=False)
settings.load_profile("ci")


# Tests marked ``graphviz`` draw pictures with the ``dot`` program; without it they are
# skipped with a reason that says what to install (``make test`` installs it when root).
import shutil  # noqa: E402

import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if shutil.which("dot"):
        return
    skip = pytest.mark.skip(reason="needs graphviz's dot executable: sudo apt-get install graphviz")
    for item in items:
        if "graphviz" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    """Say how many torch-RNG parity cases ran bit for bit (and how many were skipped, and why)."""
    def count(outcome):
        return [r for r in terminalreporter.stats.get(outcome, [])
                if getattr(r, "when", "call") in ("call", "setup") and "test_rng.py" in r.nodeid]
    passed, failed, skipped = count("passed"), count("failed"), count("skipped")
    if passed or failed or skipped:
        line = (f"torch RNG parity (tests/parity/test_rng.py): {len(passed)} cases bit-identical to "
                f"torch in values and generator state, {len(failed)} failed, {len(skipped)} skipped")
        terminalreporter.write_line(line)
        if skipped:
            terminalreporter.write_line(f"  skipped because: {skipped[0].longrepr[2]}")


# How torch's BLAS rounds on this CPU (tests/torch_matmul_rounding.py), for every test: the
# vision tests compare grids and warped images with torch's bit for bit.
from torch_matmul_rounding import matmul_rounding_as_torchs  # noqa: E402,F401 (autouse fixture)
