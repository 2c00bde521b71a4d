"""Re-run notebooks top to bottom and store their outputs so that re-running is byte-identical.

    .venv/bin/python tools/execute_notebooks.py chapters/01_tensors.ipynb solutions/*.ipynb

Plain ``jupyter nbconvert --execute`` is not quite enough for nbval's stored outputs:
it writes execution timestamps into cell metadata, and Jupyter may split one cell's
printed text into several stream outputs, differently on each run.  This script runs
the notebook with the ``learntorch`` kernel, drops the timestamps and merges adjacent
stream outputs, so the file changes only when what the student sees changes.
"""
import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def merge_streams(outputs):
    """Join consecutive stdout (or stderr) outputs into one, as the student sees them."""
    merged = []
    for out in outputs:
        if (merged and out.get("output_type") == "stream"
                and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def execute(path, kernel, timeout):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name=kernel, timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
            cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--kernel", default="learntorch")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"executing {path}", file=sys.stderr)
        execute(path, args.kernel, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
