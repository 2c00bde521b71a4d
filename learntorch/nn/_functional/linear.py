"""Affine maps (torch.nn.functional): ``linear`` is ``x @ Wᵀ + b``, ``bilinear`` is ``x₁ᵀ A x₂ + b``.

``linear`` records the graph torch's does, node for node, because tutorials print it:

* a 2-D input with a bias: ``addmm(bias, input, weight.t())`` — AddmmBackward0 → (bias,
  input, TBackward0 → weight);
* a 1-D or ≥3-D contiguous input with a 1-D bias: the input viewed as rows, that addmm,
  and the product viewed back (ViewBackward0 → AddmmBackward0 → ViewBackward0 → input);
* anything else: ``matmul(input, weight.t())`` as torch runs it (``mm`` of the rows, or of
  the unsqueezed vector, squeezed back in place; a ``bmm`` when the rows cannot be folded
  without a copy and the weight needs no gradient), then ``add_(bias)`` (AddBackward0).

The products, forward and backward side by side (every MLP runs them)::

    y = x Wᵀ + b          dx = dy W          dW = dyᵀ x          db = Σ dy

The weight is stored ``(out_features, in_features)``, as torch does (each row is one output
unit's weights, and ``x @ W.T`` reads them without a copy).
"""
import numpy as np

from ... import _dtype
from ..._tensor import Tensor, _empty_strides
from ...ops._op import Op
from ...ops.linalg import Dot, Matmul, Mv
from ...ops.shape import Expand, SqueezeDim, UnsafeView, Unsqueeze, as_view, reshape, view
from ..._dtype import c_type_name as _c_name

__all__ = ["linear", "bilinear"]


def _shows(op, **saved):
    """Give ``op``'s grad_fn torch's ``_saved_<name>`` attributes, each worked out from the
    node when read (forward stores nothing more for them)."""
    for name, get in saved.items():
        setattr(op._node_class, "_saved_" + name, property(get))


def _input_shape(i):
    return lambda node: node._input_meta[i][0]


def _saved_if(i, needed_by):
    """Saved tensor ``i``, shown only when input ``needed_by`` needs a gradient (torch keeps a
    factor only for the other factor's gradient)."""
    return lambda node: node.saved_tensors[i] if node.needs_input_grad[needed_by] else None


def _strides_if(i, needed):
    """Input ``i``'s strides in elements, shown only when input ``needed`` needs a gradient."""
    def get(node):
        if not node.needs_input_grad[needed]:
            return ()
        shape, dtype = node._input_meta[i]
        if not all(shape):
            return _empty_strides(shape)
        return tuple(s // dtype.itemsize for s in node.strides[i])
    return get


class _Addmm(Op):
    """A 2-D ``linear`` with a bias is ``addmm(bias, input, weight.t())`` in torch: its graph
    (AddmmBackward0 → bias, input, TBackward0 → weight) is what tutorials print."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, x, weight_t):
        ctx.save_for_backward(x, weight_t)
        ctx.strides = None, x.strides, weight_t.strides
        out = np.matmul(x, weight_t)
        out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight_t = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad if need[0] else None,  # OpNode sums it to the bias's shape
                grad.matmul(weight_t.t()) if need[1] else None,
                grad.t().matmul(x).t() if need[2] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        """``backward`` on arrays.  The weight's gradient is made ``(out, in)`` and handed on
        transposed, so TBackward0 gives back that contiguous array (torch's mm does the same)."""
        x, weight_t = ctx.saved_arrays
        need = ctx.needs_input_grad
        return (grad if need[0] else None,
                np.matmul(grad, weight_t.T) if need[1] else None,
                np.matmul(grad.T, x).T if need[2] else None)


_shows(_Addmm, alpha=lambda node: 1, beta=lambda node: 1,
       mat1=_saved_if(0, 2), mat1_sym_sizes=_input_shape(1), mat1_sym_strides=_strides_if(1, 1),
       mat2=_saved_if(1, 1), mat2_sym_sizes=_input_shape(2), mat2_sym_strides=_strides_if(2, 2))


class _Mm(Op):
    """``mm(input, weight.t())``: a 2-D ``linear`` without a bias, and the folded rows of a
    1-D or ≥3-D one; the same products as ``_Addmm``."""

    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, x, weight_t):
        ctx.save_for_backward(x, weight_t)
        ctx.strides = x.strides, weight_t.strides
        return np.matmul(x, weight_t)

    @staticmethod
    def backward(ctx, grad):
        x, weight_t = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad.matmul(weight_t.t()) if need[0] else None,
                grad.t().matmul(x).t() if need[1] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        x, weight_t = ctx.saved_arrays
        need = ctx.needs_input_grad
        return (np.matmul(grad, weight_t.T) if need[0] else None,
                np.matmul(grad.T, x).T if need[1] else None)


_shows(_Mm, self=_saved_if(0, 1), self_sym_sizes=_input_shape(0), self_sym_strides=_strides_if(0, 0),
       mat2=_saved_if(1, 0), mat2_sym_sizes=_input_shape(1), mat2_sym_strides=_strides_if(1, 1))


# -- the shape nodes around the product, as torch names them --------------------------------------
# Their backward is shape.py's; the array forms let a training step skip making tensors there.
def _back_to_input_shape(ctx, grad):
    return grad.reshape(ctx._input_meta[0][0])


class _Expand(Expand):
    node_name = "ExpandBackward0"


class _Unsqueeze(Unsqueeze):
    node_name = "UnsqueezeBackward0"
    backward_arrays = staticmethod(_back_to_input_shape)


class _SqueezeLast(SqueezeDim):
    node_name = "SqueezeBackward1"


class _SqueezeInPlace(Op):
    """torch's ``squeeze_(0)`` of the ``(1, out)`` product of a vector: the product seen
    without its first dim (the caller bumps its version, as the in-place op does)."""

    node_name = "SqueezeBackward4"

    @staticmethod
    def forward(ctx, x):
        return x.reshape(x.shape[1:])

    @staticmethod
    def backward(ctx, grad):
        return grad.unsqueeze(0)

    backward_arrays = staticmethod(_back_to_input_shape)


_shows(_Expand, self_sym_sizes=_input_shape(0))
_shows(_Unsqueeze, dim=lambda node: node.axis)
_shows(_SqueezeInPlace, dim=lambda node: 0, self_sym_sizes=_input_shape(0))
_shows(_SqueezeLast, dim=lambda node: 2 ** 64 - 1, self_sym_sizes=_input_shape(0))


class _Mv(Mv):
    node_name = "MvBackward0"


class _Dot(Dot):
    node_name = "DotBackward0"


class _Bmm(Matmul):
    node_name = "BmmBackward0"


_shows(_Mv, self=_saved_if(0, 1), vec=_saved_if(1, 0))
_shows(_Dot, self=_saved_if(0, 1), tensor=_saved_if(1, 0))
_shows(_Bmm, self=_saved_if(0, 1), mat2=_saved_if(1, 0))


def _folds(input, weight_t):
    """torch's ``should_fold``: run a ≥3-D input as one ``mm`` of its rows (rather than a
    ``bmm``) when the weight needs a gradient or the rows are already one block of memory."""
    array = input._array
    if weight_t._requires_grad or array.size == 0:
        return True
    shape, strides = array.shape, array.strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(array.ndim - 2))


def _matmul(input, weight_t):
    """``matmul(input, weight.t())`` recorded as torch's matmul records it."""
    nd, vector = input._array.ndim, weight_t._array.ndim == 1
    if nd == 2:
        return (_Mv if vector else _Mm).apply(input, weight_t)
    if nd == 1:
        if vector:
            return _Dot.apply(input, weight_t)
        out = _SqueezeInPlace.apply(_Mm.apply(as_view(_Unsqueeze.apply(input, axis=0), input),
                                              weight_t))
        out._version_counter[0] += 1
        return out
    lead_shape = input.shape[:-1]
    if _folds(input, weight_t):
        rows = reshape(input, (_rows(input.shape), input.shape[-1]))
        if vector:
            return UnsafeView.apply(_Mv.apply(rows, weight_t), shape=lead_shape)
        return UnsafeView.apply(_Mm.apply(rows, weight_t),
                                 shape=lead_shape + (weight_t.shape[1],))
    # a batch of products: weight_t needs no gradient here, so it is only laid out as torch's
    # expand + reshape lay it out, (count, in, out) or (count, in, 1), without a copy
    batch, (n, m) = input.shape[:-2], input.shape[-2:]
    count = _rows(batch + (1,))
    matrices = reshape(as_view(_Expand.apply(input, shape=input.shape), input), (count, n, m))
    w = weight_t._array
    lead = 0 if count > 1 else w.shape[0] * w.strides[0]  # torch's stride of a size-1 new dim
    shape, strides = ((count,) + w.shape + (1,), (lead,) + w.strides + (w.itemsize,)) if vector \
        else ((count,) + w.shape, (lead,) + w.strides)
    other = Tensor._make(np.lib.stride_tricks.as_strided(w, shape, strides, writeable=False))
    product = _Bmm.apply(matrices, other)
    if vector:
        product = as_view(_SqueezeLast.apply(product, axes=(2,)), product)
        return UnsafeView.apply(product, shape=lead_shape)
    return UnsafeView.apply(product, shape=batch + (n, w.shape[1]))


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` over the last dim of ``input`` (any number of batch dims)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"linear(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dim() == 0 or weight.dim() == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{input.dim()}D and {weight.dim()}D")
    weight_t = weight.t()
    if bias is not None:
        if input._array.ndim == 2:
            _check_addmm(input, weight, bias)
            return _Addmm.apply(bias, input, weight_t)
        if _fusable(bias) and input.is_contiguous():  # torch's _flatten_nd_linear
            _check_addmm(input, weight, bias)
            rows = view(input, (_rows(input.shape), input.shape[-1]))
            out = _Addmm.apply(bias, rows, weight_t)
            return view(out, input.shape[:-1] + (weight.shape[0],))
    _check_matmul(input, weight_t)
    out = _matmul(input, weight_t)
    return out if bias is None else out.add_(bias)


def _fusable(bias):
    """torch's ``is_bias_likely_fusable``: a contiguous bias with one dim that is not 1."""
    shape = bias._array.shape
    return (len(shape) == 1 or sum(s != 1 for s in shape) == 1) and bias.is_contiguous()


def _check_addmm(input, weight, bias):
    """torch's messages for what ``addmm(bias, input rows, weight.t())`` would reject."""
    x, w, b = input._array, weight._array, bias._array
    if w.ndim == 2 and x.shape[-1] == w.shape[1] and x.dtype == w.dtype == b.dtype and (
            b.ndim == 0 or b.ndim == 1 and b.shape[0] in (1, w.shape[0])):
        return  # the common case, checked on the arrays: this runs on every forward
    if w.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {w.ndim}-D tensor")
    rows = _rows(input.shape)
    out_features, in_features = weight.shape
    if input.shape[-1] != in_features:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} "
                           f"and {in_features}x{out_features})")
    if bias.dtype is not weight.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{_dtype.type_word(bias.dtype)} and {_dtype.type_word(weight.dtype)}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(weight.dtype)}")
    target, shape = [rows, out_features], list(bias.shape)  # addmm expands the bias to target
    if len(shape) > 2:
        raise RuntimeError(f"expand({_dtype.legacy_type_name(bias.dtype)}{{{shape}}}, "
                           f"size={target}): the number of sizes provided (2) must be greater or "
                           f"equal to the number of dimensions in the tensor ({len(shape)})")
    for i in (1, 0)[:len(shape)]:
        size = shape[i - 2]
        if size not in (1, target[i]):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[i]}) must match the existing size "
                f"({size}) at non-singleton dimension {i}.  Target sizes: {target}.  Tensor "
                f"sizes: {shape}")


def _check_matmul(input, weight_t):
    """torch's messages for what its ``matmul(input, weight.t())`` would reject: those of the
    ``mm``, ``mv``, ``dot`` or ``bmm`` it runs (see ``_matmul``)."""
    x, w = input._array, weight_t._array
    size, dtype = x.shape[-1] == w.shape[0], x.dtype == w.dtype
    if size and dtype:
        return
    x_word, w_word = _dtype.type_word(input.dtype), _dtype.type_word(weight_t.dtype)
    m, m2 = x.shape[-1], w.shape[0]
    if x.ndim >= 3 and not _folds(input, weight_t):
        count = _rows(x.shape[:-1])
        if not size:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{count}, {m}] but got: [{count}, {m2}].")
        raise RuntimeError(f"expected scalar type {x_word} but found {w_word}")
    rows = _rows(x.shape)
    if w.ndim == 1 and x.ndim == 1:
        if not size:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{m}] and src [{m2}] to "
                               f"have the same number of elements, but got {m} and {m2} elements "
                               f"respectively")
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {x_word} "
                           f"and {w_word}")
    if w.ndim == 1:
        if not size:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{m}), vec ({m2})")
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {w_word}, "
                           f"{x_word}, and {w_word}")
    if not size:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{m} and "
                           f"{m2}x{w.shape[1]})")
    raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                       f"{_c_name(input.dtype)} != {_c_name(weight_t.dtype)}")


def _rows(shape):
    n = 1
    for s in shape[:-1]:
        n *= s
    return n


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = Σᵢⱼ input1[..., i] · weight[o, i, j] · input2[..., j] + bias[o]``.

    Written as one matmul against the weight laid out ``(in1, out·in2)``, then a product
    with ``input2`` summed over j, so the gradients (of any order) come from those ops.
    """
    _check_bilinear(input1, input2, weight, bias)
    out_features, in1, in2 = weight.shape
    batch = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    mixed = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out_features * in2))
    y = (mixed.reshape(-1, out_features, in2) * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        y = y + bias
    return y.reshape(*batch, out_features)


def _check_bilinear(input1, input2, weight, bias):
    named = [("input1", input1), ("input2", input2), ("weight", weight)]
    named += [] if bias is None else [("bias", bias)]
    if any(t.dtype is not input1.dtype for _, t in named):
        listed = ", ".join(f"{name}: {_c_name(t.dtype)}" for name, t in named)
        raise RuntimeError(f"All tensors must have the same dtype, got {listed}")
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and "
                           f"{input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got "
                               f"{input1.shape[i]} and {input2.shape[i]}")
    if weight.dim() != 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[-{weight.dim()}, {weight.dim() - 1}], but got 2)")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[-1]} but expected {weight.shape[0]}")
