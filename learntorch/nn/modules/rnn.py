"""Recurrent layers: RNN, LSTM, GRU and their one-step cells (torch.nn.modules.rnn).

One recurrence serves all of them.  A layer first projects *every* time step's input at
once (``x @ W_ihᵀ + b``: one matmul for all gates and steps), then walks the steps in
Python.  One direction of one layer is one graph node (``_Recurrence``): each step is one
matmul with the hidden state and the gate nonlinearities on slices, and backpropagation
through time walks the steps back, both on NumPy arrays.  A backward with
``create_graph=True`` reruns the same lines on tensors, so gradients of any order reach
inputs, states and every weight.

Sequences of different lengths arrive packed (``nn.utils.rnn.PackedSequence``): step ``t``
has ``batch_sizes[t]`` active rows, always the first ones, so the state just shrinks (or,
running backwards, grows) with the batch.  A padded batch is the special case in which
every step has the whole batch.
"""
import math
import numbers
import warnings

import numpy as np

from ..._tensor import Tensor
from ...autograd import Function
from ...autograd.grad_mode import is_grad_enabled
from ...ops import addmm, cat, empty, relu, sigmoid, stack, tanh, zeros
from ...ops.unary import _stable_sigmoid
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module
from .. import functional as F

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


# -- one time step of each kind of cell -------------------------------------------------------
# ``gi`` is the step's input projection x @ W_ihᵀ + b_ih (for RNN and LSTM b_hh is folded in
# too), ``h`` (and for the LSTM ``c``) the state, ``w`` = W_hhᵀ, ``b`` = b_hh (GRU only).
# Each cell's maths is written once, with operators and the functions in ``M``, so the same
# lines run on NumPy arrays (the forward pass and an ordinary backward: no per-op overhead)
# and on tensors (a backward with ``create_graph=True``, which autograd differentiates again).
# ``forward(gi, h, c, w, b, M) -> (new_state, cache)``; ``backward(gi, h, c, cache,
# *grads_of_new_state, M) -> (d_gi, d_hw, d_h, d_c)`` with ``d_hw`` the gradient of
# ``h @ w (+ b)``: the recurrence turns it into the gradients of h, w and b.
class _Math:
    __slots__ = ("sigmoid", "tanh", "relu", "cat")

    def __init__(self, sigmoid, tanh, relu, cat):
        self.sigmoid, self.tanh, self.relu, self.cat = sigmoid, tanh, relu, cat


_ARRAYS = _Math(_stable_sigmoid, np.tanh, lambda a: np.maximum(a, 0), np.concatenate)
_TENSORS = _Math(sigmoid, tanh, relu, cat)


class _TanhCell:
    @staticmethod
    def forward(gi, h, c, w, b, M):
        h_new = M.tanh(gi + h @ w)
        return (h_new,), h_new

    @staticmethod
    def backward(gi, h, c, h_new, grad, M):
        d = grad * (1 - h_new * h_new)
        return d, d, None, None


class _ReluCell:
    @staticmethod
    def forward(gi, h, c, w, b, M):
        h_new = M.relu(gi + h @ w)
        return (h_new,), h_new

    @staticmethod
    def backward(gi, h, c, h_new, grad, M):
        d = grad * (h_new > 0)
        return d, d, None, None


class _LSTMCell:
    """Gates i, f, g, o: ``c' = σ(f) c + σ(i) tanh(g)``, ``h' = σ(o) tanh(c')``."""

    @staticmethod
    def forward(gi, h, c, w, b, M):
        gates = gi + h @ w
        H = c.shape[1]
        s = M.sigmoid(gates)  # one call for i, f and o (g's quarter is wasted, calls are not)
        i, f, g, o = s[:, :H], s[:, H:2 * H], M.tanh(gates[:, 2 * H:3 * H]), s[:, 3 * H:]
        c_new = f * c + i * g
        tc = M.tanh(c_new)
        return (o * tc, c_new), (i, f, g, o, tc)

    @staticmethod
    def backward(gi, h, c, cache, grad_h, grad_c, M):
        i, f, g, o, tc = cache
        grad_c = grad_c + grad_h * o * (1 - tc * tc)
        d = M.cat([grad_c * g * i * (1 - i), grad_c * c * f * (1 - f), grad_c * i * (1 - g * g),
                   grad_h * tc * o * (1 - o)], 1)
        return d, d, None, grad_c * f


class _GRUCell:
    """Gates r, z, n: ``n = tanh(gi_n + r (h W_hnᵀ + b_hn))``, ``h' = (1 - z) n + z h``."""

    @staticmethod
    def forward(gi, h, c, w, b, M):
        gh = h @ w if b is None else h @ w + b
        H = h.shape[1]
        r = M.sigmoid(gi[:, :H] + gh[:, :H])
        z = M.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = M.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        return (n + z * (h - n),), (r, z, n, gh)

    @staticmethod
    def backward(gi, h, c, cache, grad, M):
        r, z, n, gh = cache
        grad_n = grad * (1 - z) * (1 - n * n)
        grad_r = grad_n * gh[:, 2 * h.shape[1]:] * r * (1 - r)
        grad_z = grad * (h - n) * z * (1 - z)
        d_gh = M.cat([grad_r, grad_z, grad_n * r], 1)
        return M.cat([grad_r, grad_z, grad_n], 1), d_gh, grad * z, None


_CELLS = {"RNN_TANH": _TanhCell, "RNN_RELU": _ReluCell, "LSTM": _LSTMCell, "GRU": _GRUCell}


def _offsets(batch_sizes):
    """Where each step's rows start in the packed rows."""
    starts = [0]
    for size in batch_sizes[:-1]:
        starts.append(starts[-1] + size)
    return starts


def _steps_forward(cell, batch_sizes, reverse, gi, h0, c0, w, b, w_hr, M):
    """Run the steps over packed projections ``gi``; returns ``(out, h_n, c_n, caches)``.

    Step ``t`` has the first ``batch_sizes[t]`` rows.  Forwards, the state shrinks as
    sequences end (each keeps its final state); backwards, it grows as sequences start
    (at their own end) from their initial state.
    """
    starts, order = _offsets(batch_sizes), range(len(batch_sizes))
    h, c = h0, c0
    if reverse:
        order = order[::-1]
        h, c = h0[:batch_sizes[-1]], None if c0 is None else c0[:batch_sizes[-1]]
    finished, outputs, caches = [], [None] * len(order), [None] * len(order)
    for t in order:
        n, rows = batch_sizes[t], h.shape[0]
        if n < rows:
            finished.append((h[n:], None if c is None else c[n:]))
            h, c = h[:n], None if c is None else c[:n]
        elif n > rows:
            h = M.cat([h, h0[rows:n]], 0)
            c = None if c is None else M.cat([c, c0[rows:n]], 0)
        new, cache = cell.forward(gi[starts[t]:starts[t] + n], h, c, w, b, M)
        caches[t] = (h, c, new[0], cache)
        h = new[0] if w_hr is None else new[0] @ w_hr
        c = new[1] if len(new) == 2 else None
        outputs[t] = h
    if finished:
        finished.append((h, c))
        h = M.cat([f[0] for f in finished[::-1]], 0)
        c = None if c0 is None else M.cat([f[1] for f in finished[::-1]], 0)
    return M.cat(outputs, 0), h, c, caches


def _steps_backward(cell, batch_sizes, reverse, gi, h0, c0, w, b, w_hr, caches, grad_out,
                    grad_h, grad_c, M):
    """Backpropagation through time: the steps of ``_steps_forward`` in reverse order.

    The weights' gradients sum over steps: they are one matmul of all steps' rows at the end.
    """
    starts, T = _offsets(batch_sizes), len(batch_sizes)

    def shared(t):  # the rows whose state passes between steps t and t + 1
        return batch_sizes[t + 1] if t < T - 1 else 0

    d_gi, d_hw, inputs, projected, d_projected = ([None] * T for _ in range(5))
    initial = []
    dh, dc = (grad_h, grad_c) if reverse else (None, None)
    for t in (range(T) if reverse else range(T - 1, -1, -1)):
        n, s = batch_sizes[t], starts[t]
        if not reverse and shared(t) < n:  # sequences ending here: their final state's grad
            dh = grad_h[:n] if dh is None else M.cat([dh, grad_h[shared(t):n]], 0)
            if grad_c is not None:
                dc = grad_c[:n] if dc is None else M.cat([dc, grad_c[shared(t):n]], 0)
        dh = dh + grad_out[s:s + n]
        h, c, h_raw, cache = caches[t]
        if w_hr is not None:
            projected[t], d_projected[t] = h_raw, dh
            dh = dh @ w_hr.T
        grads = (dh, dc) if c is not None else (dh,)
        d_gi[t], d_hw[t], d_h, dc = cell.backward(gi[s:s + n], h, c, cache, *grads, M)
        inputs[t] = h
        dh = d_hw[t] @ w.T if d_h is None else d_h + d_hw[t] @ w.T
        if reverse and shared(t) < n:  # sequences starting here: their initial state's grad
            initial.append((dh[shared(t):], None if dc is None else dc[shared(t):]))
            dh, dc = dh[:shared(t)], None if dc is None else dc[:shared(t)]
    if reverse:
        dh = M.cat([p[0] for p in initial[::-1]], 0)
        dc = None if c0 is None else M.cat([p[1] for p in initial[::-1]], 0)
    d_hw = M.cat(d_hw, 0)
    d_whr = None if w_hr is None else M.cat(projected, 0).T @ M.cat(d_projected, 0)
    return (M.cat(d_gi, 0), dh, dc, M.cat(inputs, 0).T @ d_hw,
            None if b is None else d_hw.sum(0), d_whr)


class _Recurrence(Function):
    """One direction of one layer over every step, as one graph node.

    ``(gi, h0, c0, W_hhᵀ, b_hh, W_hrᵀ) -> (outputs, h_n[, c_n])``.  Forward and backward
    run on NumPy arrays; a backward with ``create_graph=True`` reruns both on tensors, so
    autograd can differentiate it again.
    """

    @staticmethod
    def forward(ctx, cell, batch_sizes, reverse, gi, h0, c0, w, b, w_hr):
        ctx.save_for_backward(gi, h0, c0, w, b, w_hr)
        ctx.args = (cell, batch_sizes, reverse)
        arrays = [None if t is None else t._array for t in (gi, h0, c0, w, b, w_hr)]
        *outputs, ctx.caches = _steps_forward(cell, batch_sizes, reverse, *arrays, _ARRAYS)
        return tuple(Tensor._make(o) for o in outputs if o is not None)

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c=None):
        saved = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: the same steps in tensor ops, recorded
            caches = _steps_forward(*ctx.args, *saved, _TENSORS)[-1]
            grads = _steps_backward(*ctx.args, *saved, caches, grad_out, grad_h, grad_c,
                                    _TENSORS)
            return (None, None, None) + grads
        arrays = [None if t is None else t._array for t in saved]
        grad_arrays = [None if g is None else g._array for g in (grad_out, grad_h, grad_c)]
        grads = _steps_backward(*ctx.args, *arrays, ctx.caches, *grad_arrays, _ARRAYS)
        return (None, None, None) + tuple(None if g is None else Tensor._make(g) for g in grads)


class _Weights:
    """One layer-direction's weights, transposed once for the steps' matmuls."""

    __slots__ = ("ih", "hh", "b_gi", "b_hh", "hr")

    def __init__(self, mode, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None):
        self.ih, self.hh = w_ih.t(), w_hh.t()
        self.hr = None if w_hr is None else w_hr.t()
        if mode == "GRU":  # b_hh sits inside r * (h W_hnᵀ + b_hn): it cannot be folded in
            self.b_gi, self.b_hh = b_ih, b_hh
        else:
            self.b_gi, self.b_hh = (None if b_ih is None else b_ih + b_hh), None

    def project(self, x):
        """The input projection of every row of ``x`` at once."""
        return x.mm(self.ih) if self.b_gi is None else addmm(self.b_gi, x, self.ih)


def _run_direction(cell, w, x, batch_sizes, state, reverse):
    """One direction of one layer over packed rows ``x`` from ``state`` ((h0,) or (h0, c0)).

    Returns ``(outputs, final_state)``: the packed outputs and each sequence's last state
    (at its own end going forwards, at step 0 going backwards).
    """
    c0 = state[1] if len(state) == 2 else None
    out, *final = _Recurrence.apply(cell, batch_sizes, reverse, w.project(x), state[0], c0,
                                    w.hh, w.b_hh, w.hr)
    return out, tuple(final)


def run_layers(mode, input, hx, batch_sizes, weights, num_layers, bidirectional, dropout):
    """The stacked recurrence: ``input`` is packed rows ``(N, input_size)``, ``hx`` a tuple of
    ``(layers * directions, B, H)`` states, ``weights(k)`` layer-direction k's ``_Weights``
    (``k = layer * directions + direction``); ``dropout`` acts between layers.  Returns packed
    outputs and final states.  RNNBase and torch's functional ``torch.lstm`` … both run it."""
    cell = _CELLS[mode]
    num_directions = 2 if bidirectional else 1
    finals = []
    x = input
    for layer in range(num_layers):
        outputs = []
        for direction in range(num_directions):
            k = layer * num_directions + direction
            out, state = _run_direction(cell, weights(k), x, batch_sizes,
                                        tuple(h[k] for h in hx), reverse=direction == 1)
            outputs.append(out)
            finals.append(state)
        x = outputs[0] if num_directions == 1 else cat(outputs, 1)
        if dropout and layer < num_layers - 1:
            x = F.dropout(x, dropout, training=True)
    return x, tuple(stack(parts) for parts in zip(*finals))


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the weights of every layer and direction, and the loop."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         proj_size)
        gate_size = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}.get(mode)
        if gate_size is None:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size *= hidden_size
        num_directions = 2 if bidirectional else 1
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input_size)),
                          ("weight_hh_l{}{}", (gate_size, real_hidden_size))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for name, shape in shapes:
                    name = name.format(layer, suffix)
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """A no-op: there is no cuDNN weight buffer to compact."""

    @property
    def _flat_weights(self):
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    # -- checks (torch's messages) ------------------------------------------------------------
    def check_input(self, input, batch_sizes):
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight_dtype}). Convert input: input.to({weight_dtype}), or "
                             f"convert model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got "
                               f"{input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        return hx if permutation is None else hx.index_select(1, permutation)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # -- the forward pass ---------------------------------------------------------------------
    def _zeros_state(self, input, batch):
        num_directions = 2 if self.bidirectional else 1
        real = self.proj_size if self.proj_size > 0 else self.hidden_size
        h = zeros(self.num_layers * num_directions, batch, real, dtype=input.dtype)
        if self.mode != "LSTM":
            return h
        return h, zeros(self.num_layers * num_directions, batch, self.hidden_size,
                        dtype=input.dtype)

    def _weights(self, k):
        """The weights of layer-direction ``k`` (``k = layer * directions + direction``)."""
        params = {name.split("_l")[0]: getattr(self, name) for name in self._all_weights[k]}
        return _Weights(self.mode, params["weight_ih"], params["weight_hh"], params.get("bias_ih"),
                        params.get("bias_hh"), params.get("weight_hr"))

    def _run(self, input, hx, batch_sizes):
        return run_layers(self.mode, input, hx, batch_sizes, self._weights, self.num_layers,
                          self.bidirectional, self.dropout if self.training else 0.0)

    def _forward(self, input, hx=None):
        """RNN, LSTM and GRU's ``forward`` (torch's RNNBase itself has none)."""
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)
        is_lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        if packed:
            input, batch_sizes, sorted_indices, unsorted_indices = input
            steps = [int(b) for b in batch_sizes.tolist()]
            if hx is None:
                hx = self._zeros_state(input, steps[0])
            else:
                hx = self.permute_hidden(hx, sorted_indices)
            self.check_forward_args(input, hx, batch_sizes)
        else:
            batch_sizes = sorted_indices = unsorted_indices = None
            if input.dim() not in (2, 3):
                tensor = " tensor" if name == "RNN" else ""
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                                 f"{tensor} instead")
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            if hx is not None:
                hx = self._batched_hidden(hx, is_batched)
            else:
                hx = self._zeros_state(input, input.size(batch_dim))
            self.check_forward_args(input, hx, None)
            if self.batch_first:
                input = input.transpose(0, 1)
            steps = [input.size(1)] * input.size(0)
        states = hx if is_lstm else (hx,)
        rows = input if packed else input.reshape(-1, input.size(2))
        output, hidden = self._run(rows, states, steps)
        hidden = hidden if is_lstm else hidden[0]
        if packed:
            return (PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden(hidden, unsorted_indices))
        output = output.reshape(len(steps), steps[0], -1)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = tuple(h.squeeze(1) for h in hidden) if is_lstm else hidden.squeeze(1)
        return output, hidden

    def _batched_hidden(self, hx, is_batched):
        """``hx`` checked against the input's rank, with a batch dim of 1 added if unbatched."""
        want = 3 if is_batched else 2
        kind = "batched 3-D" if is_batched else "unbatched 2-D"
        if hx.dim() != want:
            raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                               f"{hx.dim()}-D tensor")
        return hx if is_batched else hx.unsqueeze(1)


def _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size):
    if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or \
            isinstance(dropout, bool):
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                      "non-zero dropout expects num_layers greater than 1, but got "
                      f"dropout={dropout} and num_layers={num_layers}", stacklevel=4)
    if not isinstance(bias, bool):
        raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
    if not isinstance(batch_first, bool):
        raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
    if not isinstance(input_size, int):
        raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)`` (or relu)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(mode, *args, **kwargs)

    forward = RNNBase._forward


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o (in that order in the weights); the state is
    ``(h, c)``; with ``proj_size`` the hidden state is projected by ``weight_hr``."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def _batched_hidden(self, hx, is_batched):
        want = 3 if is_batched else 2
        if hx[0].dim() != want or hx[1].dim() != want:
            kind = "batched 3-D" if is_batched else "unbatched 2-D"
            raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                               f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
        return tuple(hx) if is_batched else (hx[0].unsqueeze(1), hx[1].unsqueeze(1))

    forward = RNNBase._forward


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z, n (in that order in the weights)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# -- cells: one step, no loop ----------------------------------------------------------------

    forward = RNNBase._forward


class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(empty((gates, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((gates, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gates, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(gates, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, mode, input, state):
        """One step of ``mode`` from ``state`` (a tuple of (B, H) tensors), checked like torch."""
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected "
                               f"{self.input_size}")
        for k, s in enumerate(state):
            if s.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{k} "
                                   f"batch size {s.size(0)}")
            if s.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {s.size(1)}, "
                                   f"expected {self.hidden_size}")
        w = _Weights(mode, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return _run_direction(_CELLS[mode], w, input, [input.size(0)], state, False)[1]

    def _checked_input(self, input):
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        return input if input.dim() == 2 else input.unsqueeze(0)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`` (or relu)."""

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        batched = self._checked_input(input)
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"RNNCell: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        if hx is None:
            hx = zeros(batched.size(0), self.hidden_size, dtype=input.dtype)
        elif input.dim() == 1:
            hx = hx.unsqueeze(0)
        mode = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}.get(self.nonlinearity)
        if mode is None:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        (h,) = self._step(mode, batched, (hx,))
        return h if input.dim() == 2 else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h, c) -> (h', c')``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        batched = self._checked_input(input)
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got "
                                     f"{value.dim()}D instead")
        if hx is None:
            h0 = zeros(batched.size(0), self.hidden_size, dtype=input.dtype)
            hx = (h0, h0)
        elif input.dim() == 1:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        h, c = self._step("LSTM", batched, tuple(hx))
        return (h, c) if input.dim() == 2 else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: ``h -> h'``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        batched = self._checked_input(input)
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"GRUCell: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        if hx is None:
            hx = zeros(batched.size(0), self.hidden_size, dtype=input.dtype)
        elif input.dim() == 1:
            hx = hx.unsqueeze(0)
        (h,) = self._step("GRU", batched, (hx,))
        return h if input.dim() == 2 else h.squeeze(0)
