"""Paths and notebook surgery shared by the grading tests."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def load(path):
    return json.loads(Path(path).read_text("utf-8"))


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def defining_cell(notebook, name):
    """Index of the code cell that defines ``name`` (a function or class)."""
    pattern = re.compile(rf"^(def|class) {name}\b", re.MULTILINE)
    return next(i for i, cell in enumerate(notebook["cells"])
                if cell["cell_type"] == "code" and pattern.search(source(cell)))


def write_variant(path, tmp_path, replacements, name=None):
    """A copy of notebook ``path`` in tmp_path where the cells defining the names in
    ``replacements`` get new source; returns (new path, {name: 1-based cell number})."""
    notebook = load(path)
    numbers = {}
    for defined, new_source in replacements.items():
        index = defining_cell(notebook, defined)
        notebook["cells"][index]["source"] = new_source
        numbers[defined] = index + 1
    target = tmp_path / (name or Path(path).name)
    target.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return target, numbers
