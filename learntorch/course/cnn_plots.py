"""The pictures of chapter 6, convolutional networks, one function each.

Same rules as ``plots``: every function returns something Jupyter displays, deterministic and at
most ``WIDTH_INCHES`` wide (JupyterLab's output area). Grids of numbers and geometry are SVG;
images, curves and timings of computed floats are PNG (their last digits may differ between CPUs,
and nbval skips PNG), reduced to a palette (64 colours for curves, 256 for images) so that the
notebook stays small.
"""
import numpy as np

from .plots import (BLUE, BLUE_EDGE, GREY, ORANGE, ORANGE_EDGE, PALE, PALE_EDGE, WIDTH_INCHES,
                    _cells, _done, _figure, _numpy, _rectangle, _small_png, _svg)


# -- one window of a cross-correlation -----------------------------------------------------------
def correlation(x, weight, i, j):
    """Input (window (i, j) in orange), kernel, and the output with element (i, j) in orange."""
    x, weight = _numpy(x), _numpy(weight)
    kh, kw = weight.shape
    out = np.array([[(x[r:r + kh, c:c + kw] * weight).sum() for c in range(x.shape[1] - kw + 1)]
                    for r in range(x.shape[0] - kh + 1)])
    fig, axes = _figure(3, 9.0, 2.6)
    _cells(axes[0], x)
    for r in range(kh):
        for c in range(kw):
            axes[0].add_patch(_rectangle((j + c, -i - r - 1), 1, 1, facecolor=ORANGE,
                                         edgecolor=ORANGE_EDGE, zorder=1.2))
    _cells(axes[0], x, z=1.5, face="none")
    _cells(axes[1], weight, face=PALE, edge=BLUE_EDGE)
    _cells(axes[2], out)
    axes[2].add_patch(_rectangle((j, -i - 1), 1, 1, facecolor=ORANGE, edgecolor=ORANGE_EDGE,
                                 zorder=1.2))
    _cells(axes[2], out, z=1.5, face="none")
    size = max(x.shape)
    limits = ((-0.2, size + 0.2), (-size - 0.2, 0.2))
    _done(axes[0], f"input {x.shape[0]}×{x.shape[1]}, window ({i}, {j})", limits)
    _done(axes[1], f"kernel {kh}×{kw}", limits)
    _done(axes[2], f"output[{i}, {j}] = {out[i, j]:g}", limits)
    return _svg(fig)


# -- padding, stride, dilation -----------------------------------------------------------------
def output_size(size, kernel, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def geometry(settings):
    """One panel per setting (a dict of size, kernel, stride, padding, dilation): the padded
    input (padding dashed), the pixels output 0 reads in orange and those output 1 reads in blue."""
    fig, axes = _figure(len(settings), 2.4 * len(settings), 2.9)
    biggest = max(s["size"] + 2 * s.get("padding", 0) for s in settings)
    for ax, s in zip(axes, settings):
        size, k = s["size"], s["kernel"]
        stride, pad, dil = s.get("stride", 1), s.get("padding", 0), s.get("dilation", 1)
        full = size + 2 * pad
        first = {(a * dil, b * dil) for a in range(k) for b in range(k)}
        second = {(a, b + stride) for a, b in first}
        for r in range(full):
            for c in range(full):
                padded = not (pad <= r < pad + size and pad <= c < pad + size)
                face = ORANGE if (r, c) in first else BLUE if (r, c) in second else \
                    "white" if padded else PALE
                ax.add_patch(_rectangle((c, -r - 1), 1, 1, facecolor=face,
                                        edgecolor=PALE_EDGE if padded else BLUE_EDGE,
                                        linestyle="--" if padded else "-"))
        n = output_size(size, k, stride, pad, dil)
        title = f"{s.get('title', '')}\nk={k} s={stride} p={pad} d={dil}: {size} → {n}"
        _done(ax, title, ((-0.3, biggest + 0.3), (-biggest - 0.3, 0.3)))
    return _svg(fig)


def groups(channels, settings):
    """Which input channels each output channel reads, for each ``groups`` in ``settings``."""
    fig, axes = _figure(len(settings), 3.0 * len(settings), 2.6)
    colours = [BLUE_EDGE, ORANGE_EDGE, "#31a354", "#756bb1", GREY, "#e6550d"]
    for ax, g in zip(axes, settings):
        per = channels // g
        for o in range(channels):
            group = o // per
            for c in range(group * per, (group + 1) * per):
                ax.plot([0, 2], [-c, -o], color=colours[group % len(colours)], lw=1)
        for side in (0, 2):
            ax.scatter([side] * channels, -np.arange(channels), s=120, color=BLUE,
                       edgecolors=BLUE_EDGE, zorder=3)
        ax.text(0, 0.8, "in", ha="center", fontsize=9)
        ax.text(2, 0.8, "out", ha="center", fontsize=9)
        ax.set_xlim(-0.5, 2.5)
        ax.set_ylim(-channels + 0.3, 1.4)
        ax.axis("off")
        ax.set_title(f"groups={g}: weight ({channels}, {per}, k, k)", fontsize=10)
    return _svg(fig)


# -- speed -----------------------------------------------------------------------------------
def speed(named_seconds):
    """Horizontal bars: each way's time as a multiple of the fastest (log scale)."""
    names = list(named_seconds)
    seconds = np.array([named_seconds[n] for n in names])
    ratios = seconds / seconds.min()
    fig, axes = _figure(1, 7.0, 0.5 + 0.45 * len(names))
    ax = axes[0]
    ax.barh(names[::-1], ratios[::-1], color=BLUE, edgecolor=BLUE_EDGE)
    for y, (ratio, s) in enumerate(zip(ratios[::-1], seconds[::-1])):
        times = f"{ratio:,.1f}×" if ratio < 10 else f"{ratio:,.0f}×"
        ax.text(ratio * 1.1, y, f"{times} ({s * 1e3:,.2f} ms)", va="center", fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(0.5, ratios.max() * 30)
    ax.set_xlabel("time / fastest (log scale)")
    return _small_png(fig)


# -- receptive fields ------------------------------------------------------------------------
def receptive_fields(image, named_masks):
    """The image with, for each layer, the box of input pixels one of its units can see."""
    image = _numpy(image)
    fig, axes = _figure(1, 4.0, 4.0)
    ax = axes[0]
    ax.imshow(image, cmap="gray_r", interpolation="nearest")
    colours = [ORANGE_EDGE, BLUE_EDGE, "#31a354", "#756bb1", GREY]
    for (name, mask), colour in zip(named_masks.items(), colours):
        rows, cols = np.nonzero(_numpy(mask))
        top, left = rows.min(), cols.min()
        h, w = rows.max() - top + 1, cols.max() - left + 1
        ax.add_patch(_rectangle((left - 0.5, top - 0.5), w, h, fill=False, edgecolor=colour,
                                lw=2, label=f"{name}: {h}×{w}"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9)
    ax.axis("off")
    return _small_png(fig, colors=256)   # images: many shades, and black text


# -- looking inside a trained network -----------------------------------------------------------
def filters(weight, title="first-layer filters"):
    """Each (in=1) kernel of a conv weight as a small image, blue negative, red positive."""
    weight = _numpy(weight)[:, 0]
    fig, axes = _figure(len(weight), 1.1 * len(weight), 1.4)
    bound = np.abs(weight).max()
    for k, (ax, kernel) in enumerate(zip(axes, weight)):
        ax.imshow(kernel, cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
        ax.set_title(f"{k}", fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10, y=1.05)
    return _small_png(fig, colors=256)   # images: many shades, and black text


def maps(image, feature_maps, title):
    """An input image, then each of its feature maps (one channel of a layer's output)."""
    feature_maps = _numpy(feature_maps)
    fig, axes = _figure(len(feature_maps) + 1, 1.2 * (len(feature_maps) + 1), 1.5)
    axes[0].imshow(_numpy(image), cmap="gray_r", interpolation="nearest")
    axes[0].set_title("input", fontsize=9)
    for k, (ax, fmap) in enumerate(zip(axes[1:], feature_maps)):
        ax.imshow(fmap, cmap="viridis", interpolation="nearest")
        ax.set_title(f"{k}", fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.suptitle(title, fontsize=10, y=1.08)
    return _small_png(fig, colors=256)   # images: many shades, and black text


def confusion(matrix):
    """A confusion matrix: row = true class, column = predicted, with the counts written in."""
    matrix = _numpy(matrix)
    fig, axes = _figure(1, 4.6, 4.2)
    ax = axes[0]
    ax.imshow(np.log1p(matrix), cmap="Blues")
    n = len(matrix)
    for r in range(n):
        for c in range(n):
            if matrix[r, c]:
                ax.text(c, r, str(int(matrix[r, c])), ha="center", va="center", fontsize=8,
                        color="white" if r == c else ORANGE_EDGE)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return _small_png(fig, colors=256)   # images: many shades, and black text


def history(named_runs, metric_names=("training loss", "test accuracy")):
    """Side by side, each metric per epoch for each run; ``named_runs[name] = (losses, accs)``."""
    fig, axes = _figure(2, WIDTH_INCHES, 3.0)
    for ax, k, metric in zip(axes, range(2), metric_names):
        for (name, runs), style in zip(named_runs.items(), ("o-", "s--", "^:", "d-.", "x-")):
            values = np.asarray(runs[k], dtype=float)
            ax.plot(np.arange(1, len(values) + 1), values, style, label=name, markersize=4)
        ax.set_xlabel("epoch")
        ax.set_title(metric, fontsize=10)
    axes[1].legend(fontsize=8, loc="lower right")
    return _small_png(fig)
