"""The pictures of the course's chapters, one function each.

Every function returns something Jupyter displays (an SVG, or a PNG for curves of computed
floats, whose last digits may differ between CPUs), so the last line of a cell shows it.
Pictures are deterministic (no dates, fixed SVG ids, graph nodes numbered by a counter) and
at most ``COLUMN_INCHES`` wide; the pictures of chapters 4-6 keep to ``WIDTH_INCHES``, which fits
JupyterLab's output area (about 850 px in a 1,280 px window, checked by the browser smoke test).
"""
import io
import re

import numpy as np

COLUMN_INCHES = 9.5  # matplotlib draws 96 px to an inch in SVG: 9.5 in is about 910 px
# A retina PNG is shown at 100 px an inch (half its pixels); JupyterLab's output area is about
# 850 px wide in a 1,280 px window, so the wide pictures of chapters 4-6 keep to 8.2 inches.
WIDTH_INCHES = 8.2

BLUE, BLUE_EDGE, PALE, PALE_EDGE = "#9ecae1", "#3182bd", "#eef5fb", "#b0c4de"
ORANGE, ORANGE_EDGE, GREY = "#fdd49e", "#d94701", "#636363"


# -- output ----------------------------------------------------------------------------------
def _svg(fig):
    import matplotlib.pyplot as plt
    from IPython.display import SVG

    out = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "learntorch"}):  # fixed ids: the same SVG every run
        fig.savefig(out, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return SVG(out.getvalue())


def _png(fig):
    import matplotlib.pyplot as plt
    from IPython.display import Image

    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=2 * fig.dpi, bbox_inches="tight",
                metadata={"Software": None})
    plt.close(fig)
    return Image(out.getvalue(), retina=True)  # shown at half its pixels: sharp on any screen


def _small_png(fig, colors=64):
    """``_png(fig)``, its pixels mapped to a palette: a third of the bytes stored in the
    notebook, the same look (antialiased lines in full colour make large PNGs)."""
    from IPython.display import Image
    from PIL import Image as PILImage

    full = PILImage.open(io.BytesIO(_png(fig).data)).convert("RGB")
    out = io.BytesIO()
    full.quantize(colors=colors, method=PILImage.Quantize.MEDIANCUT,
                  dither=PILImage.Dither.NONE).save(out, format="png", optimize=True)
    return Image(out.getvalue(), retina=True)


def _figure(ncols, width, height, nrows=1):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=(min(width, COLUMN_INCHES), height),
                             squeeze=False)
    return fig, list(axes.ravel())


def _numpy(x):
    return np.asarray(x.detach().numpy() if hasattr(x, "detach") else x)


# -- grids of numbers ------------------------------------------------------------------------
def _text(value):
    value = value.item() if hasattr(value, "item") else value
    return f"{value:g}" if isinstance(value, float) else str(value)


def _cells(ax, values, x=0.0, y=0.0, face=BLUE, edge=BLUE_EDGE, faded=None, fontsize=11, z=1):
    """Draw a 2-D grid of numbers with its top-left corner at (x, y); return the cell centres.

    A grid with a higher ``z`` covers one drawn behind it, numbers included.
    """
    values = np.atleast_2d(values)
    rows, cols = values.shape
    centres = {}
    for r in range(rows):
        for c in range(cols):
            dim = faded is not None and faded[r, c]
            ax.add_patch(_rectangle((x + c, y - r - 1), 1, 1, facecolor=PALE if dim else face,
                                    edgecolor=PALE_EDGE if dim else edge,
                                    linestyle="--" if dim else "-", zorder=z))
            centres[r, c] = (x + c + 0.5, y - r - 0.5)
            ax.text(*centres[r, c], _text(values[r, c]), ha="center", va="center",
                    fontsize=fontsize, color="#8aa0b8" if dim else "black", zorder=z + 0.5)
    return centres


def _rectangle(*args, **kwargs):
    from matplotlib.patches import Rectangle

    return Rectangle(*args, **kwargs)


def _arrow(ax, start, end, color=GREY, bend=0.0):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(
        arrowstyle="->", color=color, lw=1.2, shrinkA=4, shrinkB=4,
        connectionstyle=f"arc3,rad={bend}"))


def _done(ax, title=None, limits=None):
    """Finish a panel; ``limits`` ((x0, x1), (y0, y1)) gives panels side by side one scale."""
    if limits:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    else:
        ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)


def _stretched_mask(shape, target):
    """True where a tensor of ``shape``, broadcast to ``target``, shows a repeated number."""
    shape = (1,) * (len(target) - len(shape)) + tuple(shape)
    faded = np.zeros(target, dtype=bool)
    for d, (old, new) in enumerate(zip(shape, target)):
        if old == 1 and new > 1:
            index = np.arange(new).reshape([-1 if k == d else 1 for k in range(len(target))])
            faded |= np.broadcast_to(index > 0, target)
    return faded


def broadcast(a, b):
    """``a``, ``b`` stretched to their common 2-D shape (repeats faded), and ``a + b``."""
    a, b = _numpy(a), _numpy(b)
    target = np.broadcast_shapes(a.shape, b.shape)
    fig, axes = _figure(3, 3.2 * 3, 2.6)
    for ax, x, name in zip(axes, (a, b), "ab"):
        _cells(ax, np.broadcast_to(x, target), faded=_stretched_mask(x.shape, target))
        _done(ax, f"{name}: {x.shape} stretched to {target}")
    _cells(axes[2], a + b)
    _done(axes[2], f"a + b: {target}")
    return _svg(fig)


def views(named):
    """For each ``Strided`` view in ``named``: the positions it reads, and those cells in the buffer."""
    fig, axes = _figure(2, 9.5, 8.3, nrows=2)
    n = max(len(v.buffer) for v in named.values())
    tallest = max(v.shape[0] for v in named.values())
    for ax, (name, v) in zip(axes, named.items()):
        positions = np.array([v.position(i) for i in v.indices()]).reshape(v.shape)
        _cells(ax, positions, x=(n / 2 - v.shape[1]) / 2, y=v.shape[0] + 2.2, face=ORANGE,
               edge=ORANGE_EDGE, fontsize=10)
        read = set(positions.ravel().tolist())
        for k in range(n):                      # the flat buffer, drawn half size
            ax.add_patch(_rectangle((k / 2, 0), 0.5, 0.8, facecolor=ORANGE if k in read else "white",
                                    edgecolor=GREY))
            ax.text(k / 2 + 0.25, 0.4, str(k), ha="center", va="center", fontsize=8)
        ax.text(0, -0.5, "buffer positions", fontsize=9)
        _done(ax, f"{name}\nstrides={v.strides} offset={v.offset}",
              ((-0.2, n / 2 + 0.2), (-0.9, tallest + 2.4)))
    return _svg(fig)


def gather(input, dim, index):
    """``input.gather(dim, index)`` for 2-D tensors: an arrow from each output cell to its source."""
    input, index = _numpy(input), _numpy(index)
    out = np.take_along_axis(input, index, axis=dim)
    fig, axes = _figure(1, 7.5, 3.4)
    ax = axes[0]
    source = _cells(ax, input)
    gap = input.shape[1] + 2.5
    picked = _cells(ax, out, x=gap, face=ORANGE, edge=ORANGE_EDGE)
    colors = ["#e6550d", "#31a354", "#756bb1", "#3182bd", "#de2d26"]
    for (r, c), centre in picked.items():
        at = (index[r, c], c) if dim == 0 else (r, index[r, c])
        ax.text(centre[0] + 0.32, centre[1] - 0.3, f"[{index[r, c]}]", fontsize=7, color=GREY,
                ha="center")
        _arrow(ax, (centre[0] - 0.4, centre[1]), source[at], colors[(r if dim else c) % 5], 0.25)
    ax.text(input.shape[1] / 2, 0.4, f"input {input.shape}", ha="center", fontsize=10)
    ax.text(gap + out.shape[1] / 2, 0.4, f"gather(dim={dim}, index)", ha="center", fontsize=10)
    _done(ax)
    return _svg(fig)


def cat_stack(a, b):
    """``cat`` joins along an existing dim; ``stack`` adds a new one (drawn as two sheets)."""
    a, b = _numpy(a), _numpy(b)
    rows, cols = a.shape
    fig, axes = _figure(3, 9.5, 3.0)
    _cells(axes[0], a)
    _cells(axes[0], b, y=-rows, face=ORANGE, edge=ORANGE_EDGE)
    _done(axes[0], f"cat(dim=0): {np.concatenate([a, b], 0).shape}")
    _cells(axes[1], a)
    _cells(axes[1], b, x=cols, face=ORANGE, edge=ORANGE_EDGE)
    _done(axes[1], f"cat(dim=1): {np.concatenate([a, b], 1).shape}")
    _cells(axes[2], b, x=0.6, y=0.6, face=ORANGE, edge=ORANGE_EDGE)   # the sheet behind
    _cells(axes[2], a, z=3)
    axes[2].text(cols + 0.8, 0.4, "new dim 0", fontsize=9, color=GREY)
    _done(axes[2], f"stack(dim=0): {np.stack([a, b]).shape}")
    return _svg(fig)


def summed_gradient(grad):
    """A (rows, cols) gradient summed back to a (cols,) row and to a (rows, 1) column."""
    grad = _numpy(grad)
    rows, cols = grad.shape
    fig, axes = _figure(2, 9.0, 3.6)
    top = _cells(axes[0], grad)
    below = _cells(axes[0], grad.sum(axis=0), y=-rows - 1.2, face=ORANGE, edge=ORANGE_EDGE)
    for c in range(cols):
        _arrow(axes[0], (top[rows - 1, c][0], -rows + 0.1), (below[0, c][0], -rows - 1.1))
    _done(axes[0], f"bias of shape ({cols},): sum over the rows")
    left = _cells(axes[1], grad)
    right = _cells(axes[1], grad.sum(axis=1, keepdims=True), x=cols + 1.2, face=ORANGE,
                   edge=ORANGE_EDGE)
    for r in range(rows):
        _arrow(axes[1], (cols - 0.1, left[r, cols - 1][1]), (cols + 1.1, right[r, 0][1]))
    _done(axes[1], f"column of shape ({rows}, 1): sum over the columns")
    return _svg(fig)


# -- curves ----------------------------------------------------------------------------------
def _curves(ax, x, named, style):
    for (label, y), marker in zip(named.items(), style):
        ax.plot(x, y, marker, label=label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9)  # beside, not over, the curves


def error_vs_step(hs, named_errors):
    """Log-log plot of each method's error against the step ``h``, largest step on the left."""
    fig, axes = _figure(1, 6.0, 3.2)
    ax = axes[0]
    _curves(ax, hs, named_errors, ("o-", "s-", "^-"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("step h")
    ax.set_ylabel("error")
    ax.set_title("too big: the curve bends; too small: rounding wins", fontsize=10)
    return _png(fig)


def curves(x, named):
    """Several curves over the same ``x``, with a zero line and the legend beside the plot."""
    fig, axes = _figure(1, 6.0, 3.2)
    ax = axes[0]
    _curves(ax, _numpy(x), {k: _numpy(v) for k, v in named.items()}, ("-", "--", ":", "-."))
    ax.axhline(0, color="grey", linewidth=0.5)
    return _png(fig)


# -- graphs ----------------------------------------------------------------------------------
_GRAPHVIZ_STAMP = re.compile(r"<!-- Generated by graphviz version .*?-->\n")


def svg_of(dot):
    """Render a ``graphviz.Digraph`` as an SVG without graphviz's version stamp."""
    import graphviz
    from IPython.display import SVG

    try:
        return SVG(_GRAPHVIZ_STAMP.sub("", dot.pipe(format="svg", encoding="utf-8")))
    except graphviz.ExecutableNotFound:
        print("graphviz's `dot` program is missing (sudo apt-get install graphviz); the DOT source:")
        print(dot.source)
        return None


def value_graph(root, order=None):
    """The graph of chapter 2's ``Value`` objects, drawn top (inputs) to bottom (``root``).

    Boxes are values (label, data, grad), ellipses the operations that made them.  Node ids come
    from a counter, never ``id()``, so the same graph always gives the same picture.  With
    ``order`` (a topological order, inputs first) each box also shows the step at which
    ``backward()`` calls its ``_backward``: step 1 is ``root``.
    """
    import graphviz

    steps = {v: len(order) - k for k, v in enumerate(order)} if order else {}
    dot = graphviz.Digraph(graph_attr={"rankdir": "TB", "size": f"{COLUMN_INCHES},30",
                                       "nodesep": "0.2", "ranksep": "0.3"},
                           node_attr={"fontname": "monospace", "fontsize": "10"})
    ids = {}

    def visit(v):                                   # the id of v's box, drawing it once
        if v in ids:
            return ids[v]
        ids[v] = node_id = f"v{len(ids)}"
        step = f" | step {steps[v]}" if v in steps else ""
        dot.node(node_id, f"{{ {v.label or ' '} | data {v.data:.4f} | grad {v.grad:.4f}{step} }}",
                 shape="record", style="filled", fillcolor="#fff3e0" if step else "#e8f1fa")
        if v.op:
            op_id = node_id + "_op"
            dot.node(op_id, v.op, shape="ellipse")
            dot.edge(op_id, node_id)
            for child in v._children:
                dot.edge(visit(child), op_id)
        return node_id

    visit(root)
    return svg_of(dot)


# -- images ----------------------------------------------------------------------------------
def images(pictures, labels, columns=10):
    """Small greyscale images in a row (or rows) of ``columns``, each titled with its label."""
    pictures = _numpy(pictures)
    rows = -(-len(pictures) // columns)
    fig, axes = _figure(columns, 0.8 * columns, 0.95 * rows, nrows=rows)
    for ax, picture, label in zip(axes, pictures, labels):
        ax.imshow(picture, cmap="gray_r", interpolation="nearest")
        ax.set_title(_text(label), fontsize=9)
    for ax in axes:
        ax.axis("off")
    return _png(fig)
