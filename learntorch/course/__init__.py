"""Helpers for the course notebooks; not part of torch's API.

``learntorch.course.plots`` draws the chapters' pictures, so a chapter shows one line
(``plots.gather(...)``) between two ideas instead of thirty lines of matplotlib.  It lives
inside the package, not next to the notebooks, so that every notebook (chapters/,
solutions/, exercises/) imports it the same way in JupyterLab, under nbval and in a
student's own install, without touching ``sys.path``.  ``import learntorch`` never loads
it: matplotlib and graphviz are imported only when a chapter asks for a picture.
"""
import inspect
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def source(*objects):
    """Print where each of ``objects`` lives in learntorch and its source: "read the real thing"."""
    for obj in objects:
        obj = inspect.unwrap(obj)   # a decorated function (an optimizer's hooked step): its own code
        path = Path(inspect.getsourcefile(obj)).resolve().relative_to(_PACKAGE.parent)
        print(f"# {path.as_posix()}\n{inspect.getsource(obj)}")
