"""Write docs/torch_surface.md: every public name of torch, torch.Tensor and the namespaces
issue 14 names, and where learntorch stands on each.

    .venv/bin/python tools/torch_surface.py           # rewrite the table
    .venv/bin/python tools/torch_surface.py --check   # exit 1 if the table is stale

The list is read from the installed torch (never typed in): ``dir()`` of each namespace, or its
``__all__`` where it declares one, minus the Python modules torch imports for itself. Each name
is then
- implemented: learntorch has it;
- left out: its family is one learntorch leaves out on purpose (learntorch/_unsupported.py,
  README "What learntorch leaves out") and learntorch says so when it is reached for;
- parity-tested: a test that runs torch as its oracle spells it out (``torch.special.zeta``,
  ``torch.zeta``, ``.zeta(``, or ``"zeta"`` in a test parametrized by name);
- missing: none of the above (tests/unit/test_torch_surface.py keeps the list of these).
"""
import argparse
import re
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "torch_surface.md"

# "" is torch itself; "Tensor" is torch.Tensor's attributes.
NAMESPACES = ("", "Tensor", "special", "fft", "linalg", "testing", "signal.windows",
              "distributions", "accelerator", "func", "autograd", "backends.mps")
# torch.backends holds mostly build flags of C++ libraries; these are the settings programs use.
BACKEND_NAMES = ("backends.cudnn.deterministic", "backends.cudnn.benchmark",
                 "backends.cudnn.enabled", "backends.cudnn.is_available",
                 "backends.mkldnn.is_available", "backends.openmp.is_available",
                 "backends.cpu.get_cpu_capability")
# Documentation strings torch keeps as module attributes.
_NOT_API = {"common_notes", "Tensor"}


_ABSENT = object()


def resolve(root, dotted):
    for part in dotted.split(".") if dotted else ():
        root = getattr(root, part, _ABSENT)
        if root is _ABSENT:
            break
    return root


def public_names(torch):
    """Every public dotted name of the surface, derived from the installed torch."""
    names = set(BACKEND_NAMES)
    for namespace in NAMESPACES:
        module = resolve(torch, namespace)
        declared = getattr(module, "__all__", None) if namespace not in ("", "Tensor") else None
        for name in declared if declared is not None else dir(module):
            if name.startswith("_") or name in _NOT_API and namespace:
                continue
            obj = getattr(module, name, None)
            if isinstance(obj, types.ModuleType) and not obj.__name__.startswith("torch"):
                continue  # os, sys, math …: what torch imports for its own use
            names.add(f"{namespace}.{name}" if namespace else name)
    return sorted(names)


def has(learntorch, dotted):
    """learntorch has the name (its value may be None, as ``newaxis`` is)."""
    return resolve(learntorch, dotted) is not _ABSENT


def left_out(dotted):
    """The family of a name learntorch leaves out on purpose, or None."""
    from learntorch._unsupported import family_of
    return family_of(dotted.split(".")[-1])


def parity_tested(dotted, test_text):
    """A test against torch spells out the name: ``torch.linalg.svd``, ``torch.svd``,
    ``.svd(`` for a Tensor method, or ``"svd"`` where tests are parametrized by name and call
    ``getattr(torch, name)``."""
    *namespace, short = dotted.split(".")
    spelled = rf"\.{re.escape(short)}\b" if namespace == ["Tensor"] else \
        rf"\btorch\.{re.escape(dotted)}\b"
    return re.search(rf"{spelled}|[\"']{re.escape(short)}[\"']", test_text) is not None


def oracle_tests():
    """The text of every test file that compares against torch."""
    texts = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        text = path.read_text()
        if path.parent.name == "parity" or re.search(r"importorskip\(\"torch\"\)|^import torch",
                                                      text, re.M):
            texts.append(text)
    return "\n".join(texts)


def status(torch, learntorch, test_text):
    """{dotted name: (state, parity-tested)} with state implemented / left out: … / missing."""
    table = {}
    for dotted in public_names(torch):
        if has(learntorch, dotted):
            state = "implemented"
        elif left_out(dotted):
            state = f"left out: {left_out(dotted)}"
        else:
            state = "missing"
        table[dotted] = (state, parity_tested(dotted, test_text))
    return table


def build_table():
    import torch

    import learntorch
    for module in ("special", "fft", "testing", "signal", "distributions", "accelerator", "func",
                   "backends"):
        try:
            __import__(f"learntorch.{module}")
        except ImportError:
            pass
    rows = status(torch, learntorch, oracle_tests())
    counts = {}
    for state, tested in rows.values():
        key = state.split(":")[0]
        counts[key] = counts.get(key, 0) + 1
    tested = sum(t for s, t in rows.values() if s == "implemented")
    lines = ["# torch's surface in learntorch", "",
             f"Generated by `tools/torch_surface.py` from torch {torch.__version__}, the package and "
             "the tests; do not edit. A test fails when this file is stale.", "",
             f"{len(rows)} names: {counts.get('implemented', 0)} implemented ({tested} of them "
             f"parity-tested), {counts.get('left out', 0)} left out on purpose, "
             f"{counts.get('missing', 0)} missing.", "",
             "| name | state | parity-tested |", "|---|---|---|"]
    for dotted, (state, is_tested) in rows.items():
        name = f"torch.{dotted}" if dotted else "torch"
        lines.append(f"| `{name}` | {state if state != 'missing' else '**missing**'} | "
                     f"{'yes' if is_tested else ('—' if state.startswith('left') else 'no')} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args(argv)
    table = build_table()
    if args.check:
        if not TABLE.exists() or TABLE.read_text() != table:
            print(f"{TABLE.relative_to(ROOT)} is stale: run `python tools/torch_surface.py`",
                  file=sys.stderr)
            return 1
        return 0
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text(table)
    print(table.splitlines()[4])
    return 0


if __name__ == "__main__":
    sys.exit(main())
