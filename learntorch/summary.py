"""``learntorch.summary``: a model's layers, output shapes and parameter counts in one table.

The layout is torchinfo's (and close to Keras' ``model.summary()``): one row per layer call,
indented by nesting, then totals and a memory estimate.  It works by running one forward
pass with hooks on every submodule, in eval mode and without autograd, so it changes
neither the model nor the random-number stream (the inputs are zeros).  Without an input,
as torchinfo, it lists the registered submodules instead: no shapes, no memory estimate.

The result prints as plain text (stable, so nbval can compare it) and shows as an HTML
table in Jupyter.
"""
import html
import sys

from . import _dtype, ops
from ._tensor import Tensor
from .autograd.grad_mode import no_grad

__all__ = ["summary", "ModelStatistics"]

_NEEDS_INPUT = ("input_size", "output_size", "mult_adds")
_COLUMN_TITLES = {"input_size": "Input Shape", "output_size": "Output Shape",
                  "num_params": "Param #", "params_percent": "Param %",
                  "trainable": "Trainable", "mult_adds": "Mult-Adds"}


class LayerInfo:
    """One row: a module call, its depth, its output shape and the parameters it owns."""

    def __init__(self, module, depth, depth_index, name):
        self.module = module
        self.class_name = type(module).__name__
        self.var_name = name
        self.depth = depth
        self.depth_index = depth_index
        self.input_size = []
        self.output_size = []
        self.output_bytes = 0
        self.is_leaf = not any(True for _ in module.children())
        self.own_params = sum(p.numel() for p in module.parameters(recurse=False))
        self.all_params = sum(p.numel() for p in module.parameters())
        flags = {p.requires_grad for p in module.parameters()}
        self.trainable = None if not flags else "Partial" if len(flags) == 2 else str(flags.pop())
        self.macs = 0

    def count_macs(self):
        """torchinfo's rule: weight/bias × output positions (batch, and spatial for convs)."""
        if not self.output_size:
            return
        for name, param in self.module.named_parameters(recurse=False):
            if name in ("weight", "bias"):
                if "Conv" in self.class_name:
                    self.macs += param.numel() * _prod(self.output_size[:1] + self.output_size[2:])
                else:
                    self.macs += self.output_size[0] * param.numel()
            elif "weight" in name or "bias" in name:  # RNN weights such as weight_ih_l0
                self.macs += _prod(self.output_size[:2]) * param.numel()


class ModelStatistics:
    """What ``summary`` returns: prints as the table; ``_repr_html_`` for Jupyter."""

    def __init__(self, rows, input_bytes, total_params, trainable_params, param_bytes,
                 col_names, col_width, depth, ran=True):
        self.summary_list = rows
        self.total_params = total_params
        self.trainable_params = trainable_params
        self.total_mult_adds = sum(r.macs for r in rows)
        self.total_input = input_bytes
        self.total_output_bytes = 2 * sum(r.output_bytes for r in rows if r.is_leaf)
        self.total_param_bytes = param_bytes
        self.col_names = col_names
        self.col_width = col_width
        self.depth = depth
        self.ran = ran  # a forward pass was run: shapes, mult-adds and memory are known

    # -- cells -------------------------------------------------------------------------------
    def _name_cell(self, row):
        if row.depth == 0:
            return row.class_name
        branch = "├─" if row.depth == 1 else "└─"
        return "│    " * (row.depth - 1) + f"{branch}{row.class_name}: {row.depth}-{row.depth_index}"

    def _params_shown(self, row):
        """Own parameters; a layer whose children are hidden by ``depth`` shows theirs too."""
        if row.depth == self.depth and not row.is_leaf:
            return row.all_params
        return row.own_params

    def _cell(self, row, column):
        if column == "output_size":
            return str(row.output_size) if row.output_size else "--"
        if column == "input_size":
            return str(row.input_size) if row.input_size else "--"
        if column == "num_params":
            n = self._params_shown(row)
            return f"{n:,}" if n else "--"
        if column == "params_percent":
            n = self._params_shown(row)
            return f"{n / self.total_params:>7.2%}" if n and self.total_params else "     --"
        if column == "trainable":
            return row.trainable or "--"
        return f"{row.macs:,}" if row.macs else "--"  # mult_adds

    def _rows(self):
        return [[self._name_cell(r)] + [self._cell(r, c) for c in self.col_names]
                for r in self.summary_list if r.depth <= self.depth]

    def _totals(self):
        non_trainable = self.total_params - self.trainable_params
        mb = 1e6
        sizes = (self.total_input / mb, self.total_output_bytes / mb, self.total_param_bytes / mb)
        if not self.ran:
            return [[f"Total params: {self.total_params:,}",
                     f"Trainable params: {self.trainable_params:,}",
                     f"Non-trainable params: {non_trainable:,}"]]
        return [
            [f"Total params: {self.total_params:,}",
             f"Trainable params: {self.trainable_params:,}",
             f"Non-trainable params: {non_trainable:,}",
             f"Total mult-adds ({_unit(self.total_mult_adds)[0]}): {_unit(self.total_mult_adds)[1]:.2f}"],
            [f"Input size (MB): {sizes[0]:.2f}",
             f"Forward/backward pass size (MB): {sizes[1]:.2f}",
             f"Params size (MB): {sizes[2]:.2f}",
             f"Estimated Total Size (MB): {sum(sizes):.2f}"],
        ]

    # -- the two forms -----------------------------------------------------------------------
    def __repr__(self):
        first = 40
        width = first + self.col_width * len(self.col_names)
        rule = "=" * width

        def line(cells):
            text = f"{cells[0]:<{first}} " + "".join(f"{c:<{self.col_width}} " for c in cells[1:])
            return text.rstrip()

        header = ["Layer (type:depth-idx)"] + [_COLUMN_TITLES[c] for c in self.col_names]
        parts = [rule, line(header), rule] + [line(r) for r in self._rows()] + [rule]
        for block in self._totals():
            parts += block + [rule]
        return "\n".join(parts)

    __str__ = __repr__

    def _repr_html_(self):
        head = "".join(f"<th style='text-align:left'>{html.escape(t)}</th>" for t in
                       ["Layer (type:depth-idx)"] + [_COLUMN_TITLES[c] for c in self.col_names])
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left;white-space:pre;font-family:monospace'>"
                             f"{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self._rows())
        totals = "".join("<p style='margin:4px 0'>" + "<br>".join(html.escape(t) for t in block)
                         + "</p>" for block in self._totals())
        return (f"<div class='learntorch-summary'><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{totals}</div>")


def _prod(values):
    n = 1
    for v in values:
        n *= v
    return n


def _unit(num):
    if num >= 1e12:
        return "T", num / 1e12
    if num >= 1e9:
        return "G", num / 1e9
    return "M", num / 1e6


def _first_tensor(value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for v in value:
            t = _first_tensor(v)
            if t is not None:
                return t
    return None


def _tensors(value):
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def _make_inputs(input_size, dtypes, device):
    """Zeros of ``input_size``: one shape (a tuple of ints) or several (a list of them)."""
    sizes = [input_size] if all(isinstance(s, int) for s in input_size) else list(input_size)
    dtypes = list(dtypes) if dtypes is not None else [None] * len(sizes)
    return [ops.zeros(*size, dtype=dt or _dtype.get_default_dtype(), device=device)
            for size, dt in zip(sizes, dtypes)]


def summary(model, input_size=None, input_data=None, *, input_shape=None, batch_dim=None,
            col_names=None, col_width=25, depth=3, device=None, dtypes=None, verbose=None,
            **kwargs):
    """A torchinfo-style summary of ``model`` run on ``input_size`` zeros or on ``input_data``.

    ``input_size`` includes the batch dim (``(64, 1, 28, 28)``); ``input_shape`` (Keras'
    habit) leaves it out and a batch of 1 is used.  ``col_names`` picks from ``input_size``,
    ``output_size``, ``num_params``, ``params_percent``, ``trainable``, ``mult_adds``
    (default: output size and parameters; parameters only without an input, when the rows
    are the registered submodules and the columns that need a forward pass are refused).
    ``verbose=None`` prints the table outside Jupyter; either way it is returned.
    """
    if input_shape is not None:
        input_size = (1, *input_shape)
    if input_size is not None and batch_dim is not None:
        input_size = tuple(input_size[:batch_dim]) + (1,) + tuple(input_size[batch_dim:])
    ran = input_data is not None or input_size is not None
    if col_names is None:
        col_names = ("output_size", "num_params") if ran else ("num_params",)
    for c in col_names:
        if c not in _COLUMN_TITLES:
            raise ValueError(f"Column {c} is not a valid column name")
    refused = [c for c in _NEEDS_INPUT if c in col_names]
    if not ran and refused:
        raise ValueError("You must pass input_data or input_size in order to use columns: "
                         + "{" + ", ".join(repr(c) for c in refused) + "}")
    if not ran:
        args, kwargs_in = [], {}
    elif input_data is None:
        args, kwargs_in = _make_inputs(input_size, dtypes, device), {}
    elif isinstance(input_data, dict):
        args, kwargs_in = [], dict(input_data)
    elif isinstance(input_data, (list, tuple)):
        args, kwargs_in = list(input_data), {}
    else:
        args, kwargs_in = [input_data], {}
    kwargs_in.update(kwargs)
    rows = _run_with_hooks(model, args, kwargs_in) if ran else _registered_rows(model)
    params = {id(p): p for p in model.parameters()}.values()
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    param_bytes = sum(p.numel() * p.element_size() for p in params)
    input_bytes = sum(t.numel() * t.element_size() for t in _tensors((args, kwargs_in)))
    stats = ModelStatistics(rows, input_bytes, total, trainable, param_bytes, tuple(col_names),
                            col_width, depth, ran)
    if verbose is None:
        verbose = 0 if _in_notebook() else 1
    if verbose:
        print(stats)
    return stats


def _in_notebook():
    """True inside a Jupyter kernel, where the returned table displays itself."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def _registered_rows(model):
    """A LayerInfo per registered submodule, depth first, numbered as the forward hooks do."""
    rows, counters = [], {}

    def visit(module, name, depth):
        counters[depth] = counters.get(depth, 0) + 1
        rows.append(LayerInfo(module, depth, counters[depth], name))
        for child_name, child in module.named_children():
            visit(child, child_name, depth + 1)

    visit(model, "", 0)
    return rows


def _run_with_hooks(model, args, kwargs):
    """One forward pass in eval mode without autograd, recording a LayerInfo per module call."""
    names = {id(m): name for name, m in model.named_modules()}
    rows, stack, counters, handles = [], [], {}, []

    def pre_hook(module, inputs):
        depth = len(stack)
        counters[depth] = counters.get(depth, 0) + 1
        row = LayerInfo(module, depth, counters[depth], names.get(id(module), ""))
        first = _first_tensor(inputs)
        row.input_size = list(first.shape) if first is not None else []
        rows.append(row)
        stack.append(row)

    def hook(module, inputs, output):
        row = stack.pop()
        first = _first_tensor(output)
        if first is not None:
            row.output_size = list(first.shape)
        row.output_bytes = sum(t.numel() * t.element_size() for t in _tensors(output))
        row.count_macs()

    for module in model.modules():
        handles.append(module.register_forward_pre_hook(pre_hook))
        handles.append(module.register_forward_hook(hook))
    modes = {m: m.training for m in model.modules()}
    try:
        model.eval()
        with no_grad():
            model(*args, **kwargs)
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes.items():
            m.training = mode
    return rows
