"""Write learntorch/data/sobol_joe_kuo.npz, the direction numbers of quasirandom.SobolEngine.

torch compiles S. Joe and F. Y. Kuo's table new-joe-kuo-6.21201 (search criterion D(6), 21201
dimensions, https://web.maths.unsw.edu.au/~fkuo/sobol/) into ATen.  learntorch ships the same
table as a small compressed data file.  Run once, as a maintainer, with either source of the
table:

    .venv/bin/python tools/sobol_table.py new-joe-kuo-6.21201            # the published text file
    .venv/bin/python tools/sobol_table.py .../scipy/stats/_sobol_direction_numbers.npz

The published file has one line per dimension d >= 2: ``d s a m_1 … m_s`` (degree s of the
primitive polynomial, its inner coefficients a, the initial direction integers m_i < 2^i).
SciPy ships the same numbers as ``poly`` (the polynomial with its leading and trailing 1 bits)
and ``vinit`` (m_1 … m_18, zero-padded).

Before writing, the script checks that the state learntorch builds from the table is torch's
``torch._sobol_engine_initialize_state_`` for all 21201 dimensions, bit for bit (torch is needed
here at build time only; learntorch never imports it).
"""
import argparse
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "learntorch" / "data" / "sobol_joe_kuo.npz"
MAXDIM, MAXDEG = 21201, 18


def read_joe_kuo(path):
    """``poly`` and ``m`` (MAXDIM x MAXDEG, zero-padded) from the published text file."""
    poly = np.zeros(MAXDIM, np.int64)
    m = np.zeros((MAXDIM, MAXDEG), np.int64)
    poly[0], m[0, 0] = 1, 1  # dimension 1, van der Corput's sequence, as SciPy stores it
    lines = pathlib.Path(path).read_text().split("\n")[1:]  # the first line is a header
    for line in filter(str.strip, lines):
        d, s, a, *ms = map(int, line.split())
        poly[d - 1] = (1 << s) | (a << 1) | 1
        m[d - 1, :s] = ms
    return poly, m


def read_scipy(path):
    with np.load(path) as z:
        return z["poly"].astype(np.int64), z["vinit"].astype(np.int64)


def check_against_torch(table):
    """learntorch's state from ``table`` must equal the state torch builds from its own copy."""
    import torch
    sys.path.insert(0, str(ROOT))
    from learntorch.quasirandom import _initial_state
    theirs = torch.zeros(MAXDIM, 30, dtype=torch.long)
    torch._sobol_engine_initialize_state_(theirs, MAXDIM)
    ours = _initial_state(MAXDIM, table)
    bad = np.flatnonzero((ours != theirs.numpy()).any(axis=1))
    if bad.size:
        raise SystemExit(f"table differs from torch's in {bad.size} dimensions, first {bad[0] + 1}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source",
                        help="new-joe-kuo-6.21201 or SciPy's _sobol_direction_numbers.npz")
    args = parser.parse_args()
    read = read_scipy if args.source.endswith(".npz") else read_joe_kuo
    poly, m = read(args.source)
    # m_i < 2^i: columns 1-8 fit in a byte, 9-16 in two; zero padding compresses to nothing.
    # (A value that did not fit would wrap, and the check against torch would catch it.)
    table = {"poly": poly.astype(np.uint32), "m8": m[:, :8].astype(np.uint8),
             "m16": m[:, 8:16].astype(np.uint16), "m32": m[:, 16:].astype(np.uint32)}
    check_against_torch(table)
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, **table)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes); equals torch's state")


if __name__ == "__main__":
    main()
