"""The pictures of chapter 4 (optimizers), one function each.

Like ``plots``, every function returns a PNG that Jupyter displays (the paths and curves are
computed floats, whose last digits may differ between CPUs), at most ``WIDTH_INCHES`` wide.
The PNGs are reduced to a palette of 64 colours: antialiased contour lines in full colour would
make one picture of five panels about a megabyte, stored in the notebook.
"""
import numpy as np

from .plots import WIDTH_INCHES, _figure, _numpy, _small_png

_COLORS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#de2d26", "#636363")
_LEVELS = "#b5b5b5"   # opaque: a PNG of flat colours stays small


def _contour(ax, f, xlim, ylim, levels):
    """Log-spaced level lines of ``f(x, y)`` (vectorized over NumPy grids) over the box."""
    x, y = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    z = f(x, y)
    low = max(z.min(), 1e-3 * z.max())
    ax.contour(x, y, z, levels=np.geomspace(low, z.max(), levels), colors=_LEVELS,
               linewidths=0.5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)


def paths(f, named, xlim, ylim, minimum=None, columns=3, levels=14):
    """Each ``(steps + 1, 2)`` path of ``named`` on its own contour panel of ``f``, side by side,
    and a last panel with ``f`` along every path (log scale): who gets down, and how fast.

    A path starts at a hollow circle; ``minimum`` is marked with a star.
    """
    rows = -(-(len(named) + 1) // columns)
    fig, axes = _figure(columns, WIDTH_INCHES, rows * WIDTH_INCHES / columns * 0.85, nrows=rows)
    named = {label: _numpy(path) for label, path in named.items()}
    for ax, (label, path), color in zip(axes, named.items(), _COLORS * 4):
        _contour(ax, f, xlim, ylim, levels)
        dots = "." if len(path) <= 60 else None    # each step, while they can be told apart
        ax.plot(path[:, 0], path[:, 1], "-", color=color, linewidth=1.2, marker=dots,
                markersize=3)
        ax.plot(*path[0], "o", markerfacecolor="white", markeredgecolor=color)
        if minimum is not None:
            ax.plot(*minimum, "*", color="black", markersize=9)
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=7)
    ax = axes[len(named)]
    for (label, path), color in zip(named.items(), _COLORS * 4):
        ax.plot(f(path[:, 0], path[:, 1]), color=color, linewidth=1.2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("step", fontsize=8)
    ax.set_title("f along each path", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7)
    for ax in axes[len(named) + 1:]:
        ax.axis("off")
    fig.tight_layout()
    return _small_png(fig)


def lines(x, named, xlabel="", ylabel="", log=False, title=None, styles=None, width=6.0,
          height=3.2):
    """Several curves over the same ``x`` (a log y axis with ``log``), the legend beside them."""
    fig, axes = _figure(1, width, height)
    ax = axes[0]
    x = _numpy(x)
    styles = styles or ["-"] * len(named)
    for (label, y), style, color in zip(named.items(), styles, _COLORS * 4):
        ax.plot(x, _numpy(y), style, color=color, label=label, linewidth=1.3)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9)
    return _small_png(fig)


def schedules(named, columns=3):
    """One small panel per learning-rate schedule: ``{name: lrs}``, the lr at each epoch."""
    rows = -(-len(named) // columns)
    fig, axes = _figure(columns, WIDTH_INCHES, 2.1 * rows, nrows=rows)
    for ax, (label, lrs), color in zip(axes, named.items(), _COLORS * 4):
        lrs = _numpy(lrs)
        ax.step(np.arange(len(lrs)), lrs, where="post", color=color, linewidth=1.3)
        ax.set_ylim(bottom=0)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("epoch", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(named):]:
        ax.axis("off")
    axes[0].set_ylabel("lr")
    fig.tight_layout()
    return _small_png(fig)
