"""learntorch-grade on a class-sized batch (its own file, so xdist runs it beside test_cli.py)."""
import json
import shutil

from grading_helpers import EXERCISES
from learntorch.grading import cli


def test_a_class_batch_of_30(capsys, tmp_path):
    paths = []
    for i in range(30):
        paths.append(tmp_path / f"student{i:02d}_01_tensors.ipynb")
        shutil.copy(EXERCISES[0], paths[-1])
    # a generous limit: this checks batching, and CI machines may be busy
    assert cli.main([*map(str, paths), "--json", "--timeout", "60"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in results] == list(map(str, paths))
    wrong = [r for r in results if r["score"] != 0 or r["error"] is not None or len(r["tasks"]) != 6]
    assert not wrong, wrong[:2]
