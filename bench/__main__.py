"""``python -m bench``: time every workload and print one table (``--help`` for the options)."""
import argparse
import os
import sys

import threadpoolctl
import torch

from . import report
from .core import measure
from .workloads import WORKLOADS


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer, shorter repeats: a smoke test, not numbers to quote")
    parser.add_argument("--only", metavar="NAME",
                        help="run only the workloads whose name contains NAME (case-insensitive)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--readme", metavar="FILE",
                        help="also write the table, the machine and the load between the "
                             f"{report.README_START} and {report.README_END} lines of FILE "
                             "(make bench: README.md); needs the full run")
    parser.add_argument("--threads", type=int, default=_usable_cores(),
                        help="threads for NumPy's BLAS and for torch (default: the usable cores)")
    args = parser.parse_args(argv)

    workloads = [w for w in WORKLOADS if args.only is None or args.only.lower() in w.name.lower()]
    if not workloads:
        parser.error(f"no workload name contains {args.only!r}; names: "
                     + ", ".join(w.name for w in WORKLOADS))
    if args.readme:   # checked before the long run, not after it
        if args.quick or args.only:
            parser.error("--readme records the full table: leave out --quick and --only")
        try:
            report.check_readme(args.readme)
        except (OSError, ValueError) as error:
            parser.error(f"--readme: {error}")
    min_time, repeats = (0.02, 2) if args.quick else (0.05, 5)

    torch.set_num_threads(args.threads)
    with threadpoolctl.threadpool_limits(limits=args.threads, user_api="blas"):
        env = report.environment(args.threads, min_time, repeats)
        print(report.header(env), end="\n\n", flush=True)
        start = report.cpu_times()
        results = [measure(w, min_time, repeats) for w in workloads]
        env["others_cpu_share"] = report.others_share(start, report.cpu_times(), env["cpus"])
    print(report.table(results), report.notes(results), report.load_line(env["others_cpu_share"]),
          sep="\n\n")
    if args.json:
        report.write_json(args.json, env, results)
        print(f"\nwrote {args.json}")
    if args.readme:
        report.write_readme(args.readme, env, results)
        print(f"\nwrote the benchmark section of {args.readme}")
    return 1 if any(r.errors or r.mismatches for r in results) else 0


def _usable_cores():
    if hasattr(os, "sched_getaffinity"):   # Linux: the cores this process may run on
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())
