"""The pictures of chapter 5, data loading (in the style of ``plots.py``, whose helpers they use).

``batches`` and ``class_counts`` are SVGs of integers, the same on every run; ``timeline`` and
``image_grid`` are PNGs (measured times, interpolated pixels), which nbval does not compare.
Every picture is at most ``WIDTH_INCHES`` wide, so it fits JupyterLab's output area.
"""
import numpy as np

from .plots import (BLUE_EDGE, GREY, WIDTH_INCHES, _figure, _numpy, _png, _rectangle,
                    _small_png, _svg)

# One colour per batch (or per worker), light enough for black numbers on it.
COLOURS = ["#9ecae1", "#fdd49e", "#a1d99b", "#dadaeb", "#fcbba1", "#c7e9c0", "#fee391",
           "#d9d9d9"]


def batches(named, width=WIDTH_INCHES):
    """For each sampler in ``named`` (name → list of batches of indices), one row of cells: the
    indices in the order they come, each batch in its own colour, batches spaced apart."""
    rows = list(named.items())
    longest = max(sum(len(b) for b in bs) + 0.4 * (len(bs) - 1) for _, bs in rows)
    fig, axes = _figure(1, width, 0.62 * len(rows) + 0.2)
    ax = axes[0]
    label_width = 0.2 * max(len(name) for name, _ in rows)
    for r, (name, bs) in enumerate(rows):
        y = -1.6 * r
        ax.text(-0.4, y + 0.5, name, ha="right", va="center", fontsize=10)
        x = 0.0
        for k, batch in enumerate(bs):
            for index in batch:
                ax.add_patch(_rectangle((x, y), 1, 1, facecolor=COLOURS[k % len(COLOURS)],
                                        edgecolor=BLUE_EDGE, linewidth=0.8))
                ax.text(x + 0.5, y + 0.5, str(int(index)), ha="center", va="center", fontsize=9)
                x += 1
            x += 0.4
    ax.set_xlim(-label_width - 0.5, longest + 0.2)
    ax.set_ylim(-1.6 * (len(rows) - 1) - 0.2, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return _svg(fig)


def timeline(runs):
    """For each run (name → list of batches ``(worker, start, end, received)``, in seconds), a
    bar per batch in the row of the process that made it, numbered in the order the loop got
    it; a tick on the loop's row marks when each batch arrived.  One time axis for all runs."""
    names = list(runs)
    fig, axes = _figure(1, WIDTH_INCHES, 1.15 * len(names) + 0.6, nrows=len(names))
    end = max(r[3] for records in runs.values() for r in records)
    for ax, name in zip(axes, names):
        records = runs[name]
        workers = sorted({r[0] for r in records})
        rows = {w: i for i, w in enumerate(workers)}
        loop_row = len(workers)
        for k, (worker, start, stop, received) in enumerate(records):
            y = rows[worker]
            ax.add_patch(_rectangle((start, y - 0.35), stop - start, 0.7,
                                    facecolor=COLOURS[max(worker, 0) % len(COLOURS)],
                                    edgecolor=GREY, linewidth=0.6))
            ax.text((start + stop) / 2, y, str(k), ha="center", va="center", fontsize=7)
            ax.plot([received, received], [loop_row - 0.3, loop_row + 0.3], color=BLUE_EDGE, lw=1)
        labels = ["main process" if w < 0 else f"worker {w}" for w in workers]
        ax.set_yticks(range(loop_row + 1), labels + ["loop gets batch"], fontsize=8)
        ax.set_ylim(loop_row + 0.7, -0.7)
        ax.set_xlim(0, end * 1.02)
        ax.set_title(f"{name}: last batch at {records[-1][3]:.2f} s", fontsize=10)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlabel("seconds since iter(loader)")
    fig.tight_layout()
    return _small_png(fig)


def image_grid(grid, title=None, inches=WIDTH_INCHES):
    """A ``make_grid`` result (3×H×W, values in [0, 1]) shown as one picture, pixels sharp."""
    image = _numpy(grid).transpose(1, 2, 0).clip(0, 1)
    height, width = image.shape[:2]
    fig, axes = _figure(1, inches, inches * height / width)
    axes[0].imshow(image, interpolation="nearest")
    axes[0].axis("off")
    if title:
        axes[0].set_title(title, fontsize=10)
    return _png(fig)


def class_counts(named, classes=None):
    """For each way of drawing (name → labels drawn), how often each class came, as bars."""
    counted = {name: np.bincount(_numpy(labels).astype(int).ravel(),
                                 minlength=classes or 0) for name, labels in named.items()}
    classes = max(len(c) for c in counted.values())
    fig, axes = _figure(len(counted), 4.6 * len(counted), 2.6)
    top = max(c.max() for c in counted.values())
    for ax, (name, counts), colour in zip(axes, counted.items(), COLOURS):
        ax.bar(np.arange(classes), np.pad(counts, (0, classes - len(counts))), color=colour,
               edgecolor=GREY)
        ax.set_xticks(range(classes))
        ax.set_ylim(0, top * 1.1)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("class", fontsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_ylabel("samples drawn", fontsize=9)
    return _svg(fig)
