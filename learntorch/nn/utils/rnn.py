"""learntorch.nn.utils.rnn: PackedSequence and padding helpers (torch.nn.utils.rnn).

A batch of sequences of different lengths is *packed* time step by time step: the rows of
step 0 of every sequence, then those of step 1 of every sequence still running, and so on.
With the batch sorted longest first, ``batch_sizes[t]`` rows are active at step ``t`` and
they are always the first ones, so an RNN can run on ``h[:batch_sizes[t]]``.

Every conversion here is one gather of rows (``x[index]``) built in NumPy, so gradients
flow back through packing and padding like any other indexing.
"""
from collections import namedtuple
from collections.abc import Iterable

import numpy as np

from ... import _dtype
from ...ops import arange, as_tensor, cat, full, sort
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence_",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """``data``: the packed rows; ``batch_sizes``: active rows per step (int64, CPU);
    ``sorted_indices``: the permutation that sorted the batch by length (None if it was)."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self):
        return self

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    def half(self):
        return self.to(dtype=_dtype.float16)

    def long(self):
        return self.to(dtype=_dtype.int64)

    def int(self):
        return self.to(dtype=_dtype.int32)

    def short(self):
        return self.to(dtype=_dtype.int16)

    def char(self):
        return self.to(dtype=_dtype.int8)

    def byte(self):
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


PackedSequence.__name__ = PackedSequence.__qualname__ = "PackedSequence"


def invert_permutation(permutation):
    """The permutation ``p_inv`` with ``p_inv[p[i]] == i`` (None stays None)."""
    if permutation is None:
        return None
    inverse = np.empty_like(permutation._array)
    inverse[permutation._array] = np.arange(inverse.size)
    return as_tensor(inverse)


def _packed_rows(lengths, batch):
    """Row numbers, in a time-major (T, B) padded batch, of every packed row, in packed order."""
    steps = np.arange(lengths[0])
    active = steps[:, None] < lengths[None, :]            # (T, B): is row b running at step t
    return np.flatnonzero(active), active.sum(axis=1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` if ``batch_first``) of ``lengths``."""
    if isinstance(lengths, Tensor):
        lengths = lengths.to(dtype=_dtype.int64)
    else:
        lengths = as_tensor(lengths, dtype=_dtype.int64)
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = sort(lengths, descending=True, stable=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    lens = lengths._array.reshape(-1)
    if lens.size != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lens.size} (batch_size={batch})")
    if (lens <= 0).any():
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    if (np.diff(lens) > 0).any():
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if lens[0] > steps:
        raise RuntimeError(f"Expected all lengths to be at most the sequence length {steps}, "
                           f"but got {int(lens[0])}")
    rows, batch_sizes = _packed_rows(lens, batch)
    flat = input.reshape((steps * batch,) + tuple(input.shape[2:]))
    data = flat[as_tensor(rows)]
    return PackedSequence(data, as_tensor(batch_sizes.astype(np.int64)), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: ``(padded, lengths)`` in the batch's original order."""
    batch_sizes = sequence.batch_sizes._array.astype(np.int64)
    max_seq_length = batch_sizes.size
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max_seq_length}")
        max_seq_length = total_length
    data = sequence.data
    batch = int(batch_sizes[0])
    lens = (np.arange(batch)[:, None] < batch_sizes[None, :]).sum(axis=1)
    rows, _ = _packed_rows(lens, batch)
    # every padded slot reads a packed row, or the extra padding row at the end
    source = np.full(max_seq_length * batch, data.shape[0], dtype=np.int64)
    source[rows] = np.arange(rows.size)
    pad = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    padded = cat([data, pad])[as_tensor(source)]
    padded = padded.reshape((max_seq_length, batch) + tuple(data.shape[1:]))
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = as_tensor(lens.astype(np.int64))
    if sequence.unsorted_indices is not None:
        unsorted = sequence.unsorted_indices
        return padded.index_select(0 if batch_first else 1, unsorted), lengths[unsorted]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences ``(L_i, *)`` into ``(L_max, B, *)`` (``(B, L_max, *)`` if batch_first)."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    elif not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of "
                           f"type: {type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    trailing = tuple(sequences[0].shape[1:])
    for s in sequences[1:]:
        for k, (a, b) in enumerate(zip(trailing, s.shape[1:]), 1):
            if a != b:
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b "
                                   f"({b}) at non-singleton dimension {k}")
    lens = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    longest = int(lens.max())
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    steps = np.arange(longest)[None, :]                         # (1, L)
    offset = steps if padding_side == "right" else steps - (longest - lens[:, None])
    inside = (offset >= 0) & (offset < lens[:, None])           # (B, L)
    pad_row = int(lens.sum())
    source = np.where(inside, starts[:, None] + offset, pad_row)
    rows = cat([*sequences, full((1,) + trailing, padding_value, dtype=sequences[0].dtype)])
    padded = rows[as_tensor(source.reshape(-1))].reshape((len(sequences), longest) + trailing)
    return padded if batch_first else padded.transpose(0, 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into its sequences, each cut to its length."""
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    idx = arange(padded_sequences.shape[1])
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``)."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds, in their original order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
