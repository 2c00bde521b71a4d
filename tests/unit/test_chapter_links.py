"""Every notebook a chapter names (its list of chapters, its "Next:" line, "open exercises/…")
exists, so a student never follows a link to a chapter that is not written yet."""
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
NAMED = re.compile(r"\b(?:(chapters|exercises|solutions)/)?(\d\d_\w+\.ipynb)")


def _named_notebooks(path):
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for folder, name in NAMED.findall("".join(cell["source"])):
                yield Path(folder or "chapters") / name


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_named_notebook_exists(chapter):
    named = list(_named_notebooks(chapter))
    missing = [str(p) for p in named if not (REPO / p).exists()]
    assert not missing, f"{chapter.name} names notebooks that do not exist: {missing}"


def test_every_chapter_but_the_last_says_which_comes_next():
    for chapter in CHAPTERS[1:-1]:
        text = json.loads(chapter.read_text(encoding="utf-8"))["cells"][-1]["source"]
        assert "**Next:" in "".join(text), f"{chapter.name} does not end with a Next: line"
