"""Run a notebook's code cells in one namespace, as a kernel would, but so nothing stops the run.

Each cell runs on its own: a syntax error, an exception or a time-out is recorded with its
cell number and line, and the next cell runs anyway.  IPython magics and shell lines
(``%time``, ``!pip``) are skipped; ``check(...)`` cells are skipped too, since the grader runs
every check itself.
"""
import ast
import re
import signal
import traceback
from dataclasses import dataclass

from .grade import describe_error

# Cell magics whose body is plain Python; other cell magics (%%bash, %%html…) are skipped.
_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")


class CellTimeout(BaseException):
    """A cell ran past its time limit (BaseException, so a student's ``except Exception`` lets it by)."""


@dataclass(frozen=True)
class CellError:
    cell: int      # 1-based position among all the notebook's cells
    source: str
    text: str      # "cell 5, line 3: SyntaxError: invalid syntax"


def code_cells(notebook):
    """``(cell number, source)`` for every code cell, numbered among all cells from 1."""
    return [(number, _joined(cell.get("source", "")))
            for number, cell in enumerate(notebook.get("cells", []), start=1)
            if cell.get("cell_type") == "code"]


def _joined(source):
    return "".join(source) if isinstance(source, list) else source


def python_source(source):
    """The cell as plain Python: magic and shell lines become ``pass``, keeping line numbers."""
    lines = source.split("\n")
    if lines[0].lstrip().startswith("%%"):
        if not lines[0].lstrip().startswith(_PYTHON_CELL_MAGICS):
            return ""
        lines[0] = ""
    return "\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in lines)


def _only_checks(tree):
    """True for a cell that only calls ``check(...)``: the grader runs those checks itself."""
    return bool(tree.body) and all(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name) and node.value.func.id == "check"
        for node in tree.body)


def run_cells(cells, namespace, timeout):
    """Execute ``cells`` in ``namespace``; return a CellError for each cell that failed."""
    errors = []
    for number, source in cells:
        error = _run_cell(number, python_source(source), namespace, timeout)
        if error:
            errors.append(CellError(number, source, error))
    return errors


def _run_cell(number, source, namespace, timeout):
    """None when the cell ran; else what went wrong, with the cell's line number."""
    filename = f"<cell {number}>"
    try:
        tree = ast.parse(source, filename)
        if _only_checks(tree):
            return None
        code = compile(tree, filename, "exec")
    except SyntaxError as error:
        return f"cell {number}, line {error.lineno}: {type(error).__name__}: {error.msg}"
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        exec(code, namespace)
    except CellTimeout:
        return f"cell {number}: timed out after {timeout:g} s"
    except BaseException as error:  # the student's code may raise anything, SystemExit included
        return f"cell {number}, line {_line_in(error, filename)}: {describe_error(error)}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return None


def _raise_timeout(signum, frame):
    raise CellTimeout()


def _line_in(error, filename):
    """The line of the cell where ``error`` left it (the deepest frame in that cell)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if frame.filename == filename]
    return lines[-1] if lines else "?"


def defining_error(errors, name):
    """The error of the cell that should have defined ``name`` (by its source), if one failed."""
    pattern = re.compile(rf"^(?:(?:async\s+)?def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*=",
                         re.MULTILINE)
    return next((error for error in errors if pattern.search(error.source)), None)
