"""docs/api_coverage.md is generated from the package and the tests: it must be up to date."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_api_coverage_table_is_up_to_date():
    pytest.importorskip("torch")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "api_coverage.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
