"""Chapter 1, tensors: shapes, strides, broadcasting, masks, indexing.

References come from NumPy (``np.broadcast_shapes``, ``as_strided``, ``np.eye``), never from
the course's own solutions, so a check cannot inherit a bug from the code it grades.
"""
import numpy as np

import learntorch

from ..cases import Task, promise, raises, returns


# -- 1.1 broadcast_shape --------------------------------------------------------------------
def _broadcast_cases():
    hint_raise = ("compare sizes from the right; when two sizes differ and neither is 1, "
                  "raise ValueError")
    hint_rule = ("align the shapes at the right, pad the shorter with 1s, and in each position "
                 "a size 1 takes the other size (even 0)")
    valid = [((2, 3), (3,)), ((4, 1), (3,)), ((), (2,)), ((5, 1, 4), (3, 1)), ((0,), (1,)),
             ((1,), (0,)), ((3, 1), (1, 3)), ((2, 1, 1), (1, 1, 1, 6)), ((), ())]
    bad = [((2, 3), (2,)), ((0,), (2,)), ((4, 3), (2, 4, 2))]
    for a, b in valid + bad:  # the task promises two tuples of ints
        promise(all(isinstance(s, tuple) and all(type(n) is int for n in s) for s in (a, b)),
                f"{a} and {b} are tuples of ints")
    for a, b in bad:
        promise(any(x != y and 1 not in (x, y) for x, y in zip(a[::-1], b[::-1])),
                f"{a} and {b} do not broadcast")
    return ([returns((a, b), np.broadcast_shapes(a, b), hint_rule, given=f"{a} with {b}")
             for a, b in valid]
            + [raises((a, b), ValueError, hint_raise, given=f"{a} with {b}") for a, b in bad])


# -- 1.2 element_at ---------------------------------------------------------------------------
def _element_case(storage, shape, strides, offset, index, hint):
    """The reference is NumPy's ``as_strided`` over the same buffer (NumPy counts strides in
    bytes); every case stays inside the buffer, negative strides included."""
    buffer = np.asarray(storage)
    reached = [offset + sum((n - 1) * s for n, s in zip(shape, strides) if s * sign > 0)
               for sign in (1, -1)]
    promise(len(shape) == len(strides) == len(index) and 0 <= min(reached)
            and max(reached) < len(storage), f"view {shape}, {strides}, {offset} fits the storage")
    view = np.lib.stride_tricks.as_strided(buffer[offset:], shape,
                                           [s * buffer.itemsize for s in strides])
    given = f"shape={shape}, strides={strides}, offset={offset}, index={index}"
    return returns((list(storage), shape, strides, offset, index), int(view[index]), hint,
                   given=given)


def _element_cases():
    storage = list(range(100, 124))
    hint_sum = "the position in storage is offset + sum(index[d] * strides[d] for each dim d)"
    hint_strides = "use the strides you are given, not ones computed from the shape"
    hint_bounds = "check every index against its dim's size (0 <= i < shape[d]) and its length"
    cases = [
        _element_case(storage, (2, 3), (3, 1), 0, (1, 2), hint_sum),
        _element_case(storage, (3, 2), (1, 3), 0, (2, 1), hint_strides),
        _element_case(storage, (2, 2), (6, 2), 5, (1, 1), hint_sum),
        _element_case(storage, (), (), 7, (), "a 0-d view has one element: the one at offset"),
        _element_case(storage, (4,), (-1,), 9, (3,), "negative strides step backwards from offset"),
        _element_case(storage, (3, 4), (0, 1), 2, (2, 3), "a stride of 0 repeats the same row"),
        _element_case(storage, (2, 3, 4), (12, 4, 1), 0, (1, 2, 3), hint_sum),
    ]
    for shape, index in [((2, 3), (2, 0)), ((2, 3), (0, -1)), ((2, 3), (1,))]:
        promise(len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape)),
                f"index {index} is outside shape {shape}")
        cases.append(raises((list(storage), shape, (3, 1), 0, index), IndexError, hint_bounds,
                            given=f"shape={shape}, strides=(3, 1), offset=0, index={index}"))
    return cases


# -- 1.3 permute_strides ----------------------------------------------------------------------
def _permute_case(shape, strides, dims):
    promise(sorted(dims) == list(range(len(shape))) == list(range(len(strides))),
            f"dims {dims} is a permutation of the dims of {shape}")
    view = np.lib.stride_tricks.as_strided(np.zeros(1), shape, [s * 8 for s in strides])
    moved = view.transpose(dims)
    expected = (moved.shape, tuple(s // 8 for s in moved.strides))
    return returns((shape, strides, dims), expected,
                   "new dim i is old dim dims[i]: take shape[dims[i]] and strides[dims[i]]",
                   given=f"shape={shape}, strides={strides}, dims={dims}",
                   labels=("new_shape", "new_strides"))


def _permute_cases():
    hint_check = "dims must contain each of 0 … ndim-1 exactly once; otherwise raise ValueError"
    cases = [_permute_case(*args) for args in [
        ((2, 3), (3, 1), (1, 0)), ((2, 3, 4), (12, 4, 1), (2, 0, 1)),
        ((2, 3, 4), (12, 4, 1), (1, 2, 0)), ((5,), (-2,), (0,)), ((), (), ()),
        ((2, 3, 4), (1, 2, 6), (0, 2, 1))]]
    for dims in [(0, 0), (0,), (0, 2), (1, 0, 2)]:
        promise(sorted(dims) != [0, 1], f"dims {dims} is not a permutation of 2 dims")
        cases.append(raises(((2, 3), (3, 1), dims), ValueError, hint_check,
                            given=f"shape=(2, 3), strides=(3, 1), dims={dims}"))
    return cases


# -- 1.4 masked_mean --------------------------------------------------------------------------
def _masked_mean_reference(x, mask):
    x, mask = np.asarray(x, dtype=np.float64), np.broadcast_to(np.asarray(mask), np.shape(x))
    count = mask.sum(axis=-1)
    return np.where(count > 0, (x * mask).sum(axis=-1) / np.maximum(count, 1), 0.0)


def _masked_mean_case(x, mask, hint):
    x, mask = learntorch.tensor(x, dtype=learntorch.float32), learntorch.tensor(mask)
    promise(mask.dtype == learntorch.bool and np.broadcast_shapes(mask.shape, x.shape) == x.shape
            and x.dim() >= 1, "mask is bool and broadcasts to x's shape")
    expected = learntorch.tensor(_masked_mean_reference(x.numpy(), mask.numpy()),
                                 dtype=learntorch.float32)
    return returns((x, mask), expected, hint, atol=1e-6, rtol=1e-5)


def _masked_mean_cases():
    rng = np.random.default_rng(14)
    x = rng.standard_normal((3, 4)).round(2)
    hint = "sum x where mask is True along the last dim, divide by how many were True in that row"
    return [
        _masked_mean_case([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
                          [[True, False, True], [False, True, True]], hint),
        _masked_mean_case(x, rng.random((3, 4)) > 0.5, hint),
        _masked_mean_case(x, [True, False, False, True],
                          "the mask broadcasts against x: count the Trues per row after broadcasting"),
        _masked_mean_case([[1.0, 2.0], [3.0, 4.0]], [[False, False], [True, False]],
                          "a row with no True gives 0, not nan"),
        _masked_mean_case([2.0, 4.0, 9.0], [True, True, False], "a 1-D x gives a 0-d result"),
        _masked_mean_case(np.zeros((0, 3)), np.zeros((0, 3), dtype=bool),
                          "no rows in, no rows out: the result has shape (0,)"),
        _masked_mean_case(rng.standard_normal((2, 2, 3)).round(2), rng.random((2, 2, 3)) > 0.3,
                          "reduce only the last dim; keep the leading dims"),
    ]


# -- 1.5 one_hot ------------------------------------------------------------------------------
def _one_hot_case(labels, num_classes, hint):
    labels = np.asarray(labels, np.int64)
    promise(labels.size == 0 or 0 <= labels.min() <= labels.max() < num_classes,
            f"labels {labels.tolist()} lie in 0 … {num_classes - 1}")
    expected = learntorch.tensor(np.eye(num_classes, dtype=np.int64)[labels])
    return returns((learntorch.tensor(labels), num_classes), expected, hint)


def _one_hot_cases():
    hint = "row i has a single 1, in column labels[i]; the result is int64"
    hint_range = "labels must lie in 0 … num_classes-1; raise ValueError otherwise"
    return [
        _one_hot_case([0, 2, 1], 3, hint),
        _one_hot_case([3, 0, 3, 1], 5, hint),
        _one_hot_case(2, 4, "a 0-d label gives a 1-D one-hot vector"),
        _one_hot_case([[0, 1], [1, 1]], 2, "the result's shape is labels.shape + (num_classes,)"),
        _one_hot_case(np.zeros(0, dtype=np.int64), 3, "no labels: the result has shape (0, num_classes)"),
    ] + [_out_of_range_case(labels, hint_range) for labels in ([0, 3], [-1, 0])]


def _out_of_range_case(labels, hint):
    promise(min(labels) < 0 or max(labels) >= 3, f"a label of {labels} lies outside 0 … 2")
    return raises((learntorch.tensor(labels), 3), ValueError, hint, given=f"tensor({labels}), 3")


# -- 1.6 pairwise_sq_dists --------------------------------------------------------------------
def _pairwise_case(a, b, hint):
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    promise(a.ndim == b.ndim == 2 and a.shape[1] == b.shape[1], "a is (N, D) and b is (M, D)")
    # Computed in float64, shown and compared in float32: the dtype the task's inputs give.
    expected = ((a[:, None, :].astype(np.float64) - b[None, :, :]) ** 2).sum(-1)
    return returns((learntorch.tensor(a), learntorch.tensor(b)),
                   learntorch.tensor(expected, dtype=learntorch.float32), hint,
                   atol=1e-4, rtol=1e-4)


def _pairwise_cases():
    rng = np.random.default_rng(16)
    hint = "out[i, j] = sum over d of (a[i, d] - b[j, d])**2: one row per a, one column per b"
    return [
        _pairwise_case([[0.0, 0.0], [3.0, 4.0]], [[0.0, 0.0]], hint),
        _pairwise_case(rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), hint),
        _pairwise_case(rng.standard_normal((3, 3)), rng.standard_normal((3, 3)),
                       "square inputs: check you did not swap rows and columns"),
        _pairwise_case(rng.standard_normal((2, 1)), rng.standard_normal((6, 1)), hint),
        _pairwise_case(np.zeros((0, 2)), rng.standard_normal((3, 2)),
                       "no points in a: the result has shape (0, M)"),
        _pairwise_case(np.zeros((2, 0)), np.zeros((3, 0)),
                       "zero features: every distance is 0, shape (N, M)"),
    ]


TASKS = [
    Task("1.1", "Broadcasting two shapes", "broadcast_shape", _broadcast_cases),
    Task("1.2", "Reading an element through strides", "element_at", _element_cases),
    Task("1.3", "Permuting dims by permuting strides", "permute_strides", _permute_cases),
    Task("1.4", "Mean of the masked elements", "masked_mean", _masked_mean_cases),
    Task("1.5", "One-hot encoding", "one_hot", _one_hot_cases),
    Task("1.6", "Pairwise squared distances", "pairwise_sq_dists", _pairwise_cases),
]
