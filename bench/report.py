"""What ``python -m bench`` prints and writes: the header, the table and its notes, the JSON,
and the README's benchmark section (``--readme``)."""
import json
import os
import platform
import time

import numpy as np
import threadpoolctl
import torch

import learntorch

from .core import LABELS

# Set on some processors of this machine; they can slow NumPy's OpenBLAS. Shown, never changed.
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def environment(threads, min_time, repeats):
    """Everything a reader needs to compare two runs (also written to the JSON)."""
    blas = [" ".join(filter(None, (info["internal_api"], info.get("version"),
                                   info.get("architecture"))))
            for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "learntorch": learntorch.__version__,
        "cpu": _cpu_name(),
        "cpus": os.cpu_count(),
        "threads": threads,
        "numpy_blas": blas,
        "openblas_env": {name: os.environ[name]
                         for name in OPENBLAS_VARIABLES if name in os.environ},
        "min_time_s": min_time,
        "repeats": repeats,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header(env):
    openblas, threads = env["openblas_env"], env["threads"]
    lines = [
        f"learntorch benchmarks: time per iteration, median of {env['repeats']} loops of "
        f">= {env['min_time_s'] * 1e3:g} ms each, the libraries taking turns (time.perf_counter, "
        "after warm-up)",
        f"Python {env['python']}, NumPy {env['numpy']}, torch {env['torch']}, "
        f"learntorch {env['learntorch']}; CPU: {env['cpu']} ({env['cpus']} logical cores)",
        f"threads: {threads} for all three (NumPy's BLAS, {', '.join(env['numpy_blas'])}, via "
        f"threadpoolctl; torch.set_num_threads({threads})). torch also spreads pointwise ops and "
        "reductions over its threads; NumPy's ufuncs use one.",
    ]
    if openblas:
        lines.append("set in the environment (can slow NumPy's BLAS; the bench leaves them as they "
                     "are): " + ", ".join(f"{k}={v}" for k, v in openblas.items()))
    else:
        lines.append(f"{' and '.join(OPENBLAS_VARIABLES)}: not set")
    return "\n".join(lines)


def cpu_times():
    """(wall seconds, CPU seconds the machine has used, CPU seconds this process and its
    finished children have used).

    The machine's count comes from /proc/stat (Linux; None elsewhere) and includes time stolen
    by the hypervisor.  Two snapshots tell how much CPU other processes took during a run.
    The children are the DataLoader workers of the ``loader`` workload: their time is ours.
    """
    own = sum(os.times()[:4])
    try:
        with open("/proc/stat") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:9]]
    except OSError:
        return time.perf_counter(), None, own
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks
    busy = user + nice + system + irq + softirq + steal
    return time.perf_counter(), busy / os.sysconf("SC_CLK_TCK"), own


def others_share(start, end, cpus):
    """Share of the machine's CPU time that other processes used between two ``cpu_times()``."""
    if start[1] is None:
        return None
    others = (end[1] - start[1]) - (end[2] - start[2])
    return max(0.0, others / ((end[0] - start[0]) * cpus))


def load_line(share):
    if share is None:
        return "CPU used by other processes during the run: unknown (no /proc/stat)"
    noisy = ": timings are noisy, run again on an idle machine" if share > 0.05 else ""
    return f"CPU used by other processes during the run: {share:.0%}{noisy}"


COLUMNS = ("workload", "learntorch", "NumPy floor", "torch", "lt/NumPy", "lt/torch", "target",
           "met")


def table(results):
    rows = [COLUMNS] + [_row(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _row(result):
    def time(library):
        if library in result.errors:
            return "ERROR"
        if library not in result.values:   # no such implementation (a NumPy floor, say)
            return "-"
        flag = " WRONG" if library in result.mismatches else ""
        return _format(result.values[library], result.workload.unit) + flag

    def ratio(baseline):
        value = result.ratio(baseline)
        return "-" if value is None else f"{value:.2f}x"

    target = result.workload.target
    met = {None: "-", True: "yes", False: "NO"}[result.target_met()]
    return (result.workload.name, time("learntorch"), time("numpy"), time("torch"),
            ratio("numpy"), ratio("torch"), str(target) if target else "-", met)


def _format(value, unit="s"):
    """Seconds as s/ms/us, bytes (``unit="B"``) as MiB."""
    if unit == "B":
        return f"{value / 2 ** 20:.1f} MiB"
    for name, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if value >= scale:
            break
    return f"{value / scale:.3g} {name}"


def notes(results):
    """Workload notes, per-op times, then every error and wrong result, one line each."""
    lines = []
    for result in results:
        workload = result.workload
        if workload.note:
            lines.append(f"- {workload.name}: {workload.note}")
        if workload.ops:
            per_op = ", ".join(f"{LABELS[lib]} {_format(s / workload.ops)}"
                               for lib, s in result.values.items())
            lines.append(f"  per op (time / {workload.ops}): {per_op}")
    for result in results:
        for library, error in result.errors.items():
            lines.append(f"! {result.workload.name} [{LABELS[library]}] failed: {error}")
        for library, difference in result.mismatches.items():
            lines.append(f"! {result.workload.name} [{LABELS[library]}] result differs from "
                         f"NumPy's: {difference}")
    return "\n".join(lines)


def write_json(path, env, results):
    def entry(result):
        target = result.workload.target
        ops = result.workload.ops
        return {
            "workload": result.workload.name,
            "unit": result.workload.unit,
            "values": result.values,
            "seconds_per_op": {lib: s / ops for lib, s in result.values.items()} if ops else None,
            "ratio_numpy": result.ratio("numpy"),
            "ratio_torch": result.ratio("torch"),
            "target": target and {"baseline": target.baseline, "max_ratio": target.max_ratio},
            "target_met": result.target_met(),
            "errors": result.errors,
            "mismatches": result.mismatches,
        }
    with open(path, "w") as out:
        json.dump({"environment": env, "results": [entry(r) for r in results]}, out, indent=2)
        out.write("\n")


# -- the README's section ------------------------------------------------------------------------
# ``make bench`` rewrites what lies between these two lines of README.md, so the table there is
# always the one the code last produced (issue 15).
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def machine_line(env):
    """Where and when the table was measured, in one line."""
    return (f"Measured {env['date']} on {env['cpu']} ({env['cpus']} logical cores), "
            f"{env['threads']} thread(s) for all three libraries; Python {env['python']}, "
            f"NumPy {env['numpy']}, torch {env['torch']}, learntorch {env['learntorch']}; "
            f"median of {env['repeats']} loops of >= {env['min_time_s'] * 1e3:g} ms, the "
            "libraries taking turns.")


def markdown_table(results):
    """The table as Markdown: the same cells as ``table``."""
    def line(cells):
        return "| " + " | ".join(cells) + " |"
    return "\n".join([line(COLUMNS), line(["---"] + ["---:"] * (len(COLUMNS) - 1)),
                      *(line(_row(r)) for r in results)])


def readme_section(env, results):
    """What goes between the markers: the machine, the table, the load during the run."""
    return "\n\n".join([machine_line(env), markdown_table(results),
                         load_line(env.get("others_cpu_share"))])


def replace_section(text, section, source="README"):
    """``text`` with everything between ``README_START`` and ``README_END`` replaced by
    ``section`` (the marker lines stay); ValueError unless each marker occurs once, in order."""
    counts = {marker: text.count(marker) for marker in (README_START, README_END)}
    if any(count != 1 for count in counts.values()) or \
            text.index(README_START) > text.index(README_END):
        found = ", ".join(f"{marker!r} {count}x" for marker, count in counts.items())
        raise ValueError(f"{source} needs the lines {README_START} and {README_END}, once each "
                         f"and in that order, around the benchmark table (found {found})")
    head, rest = text.split(README_START)
    _, tail = rest.split(README_END)
    return f"{head}{README_START}\n{section}\n{README_END}{tail}"


def check_readme(path):
    """Raise (OSError, ValueError) now if ``write_readme(path, …)`` would fail later."""
    with open(path, encoding="utf-8") as readme:
        replace_section(readme.read(), "", path)


def write_readme(path, env, results):
    with open(path, encoding="utf-8") as readme:
        text = readme.read()
    text = replace_section(text, readme_section(env, results), path)
    with open(path, "w", encoding="utf-8") as readme:
        readme.write(text)
