"""nn.utils.rnn against torch: packing and padding give torch's rows, batch sizes, sort
permutations and lengths, gradients flow back through them, and bad input raises torch's error."""
import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as trnn
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
import learntorch.nn.utils.rnn as lrnn
from helpers import assert_same, check_op, check_raises


LENGTHS = st.lists(st.integers(1, 5), min_size=1, max_size=4)  # one per sequence of a batch


def _padded(lengths, batch_first, features=2, seed=0):
    rng = np.random.default_rng(seed)
    shape = (max(lengths), len(lengths), features)
    x = rng.standard_normal(shape)
    return x.transpose(1, 0, 2).copy() if batch_first else x


def _same_packed(a, b):
    assert type(a).__name__ == "PackedSequence"
    assert_same(a.data, b.data)
    assert_same(a.batch_sizes, b.batch_sizes)
    for mine, theirs in ((a.sorted_indices, b.sorted_indices),
                         (a.unsorted_indices, b.unsorted_indices)):
        assert (mine is None) == (theirs is None)
        if theirs is not None:
            assert_same(mine, theirs)


@settings(max_examples=30)
@given(lengths=LENGTHS, batch_first=st.booleans(), sort=st.booleans())
def test_pack_padded_sequence(lengths, batch_first, sort):
    """The packed rows, batch sizes and permutations are torch's, and gradients reach the input."""
    if sort:
        lengths = sorted(lengths, reverse=True)
    x = _padded(lengths, batch_first)
    mine = lrnn.pack_padded_sequence(lt.tensor(x), lengths, batch_first, enforce_sorted=sort)
    theirs = trnn.pack_padded_sequence(torch.tensor(x), lengths, batch_first, enforce_sorted=sort)
    _same_packed(mine, theirs)
    check_op(lambda t: lrnn.pack_padded_sequence(t, lengths, batch_first, sort).data,
             lambda t: trnn.pack_padded_sequence(t, lengths, batch_first, sort).data, x)


@settings(max_examples=30)
@given(lengths=LENGTHS, batch_first=st.booleans(), extra=st.integers(0, 2),
       padding_value=st.sampled_from([0.0, -1.5]))
def test_pad_packed_sequence_round_trip(lengths, batch_first, extra, padding_value):
    """Padding back restores the original order, pads with padding_value to total_length."""
    x = _padded(lengths, batch_first)
    total = max(lengths) + extra

    def round_trip(lib):
        def run(t):
            packed = lib.pack_padded_sequence(t, lengths, batch_first, enforce_sorted=False)
            return lib.pad_packed_sequence(packed, batch_first, padding_value, total)
        return run

    check_op(round_trip(lrnn), round_trip(trnn), x)


@settings(max_examples=30)
@given(lengths=LENGTHS, batch_first=st.booleans(), side=st.sampled_from(["left", "right"]),
       padding_value=st.sampled_from([0.0, 2.0]))
def test_pad_sequence(lengths, batch_first, side, padding_value):
    rng = np.random.default_rng(len(lengths))
    seqs = [rng.standard_normal((n, 3)).astype(np.float32) for n in lengths]
    check_op(lambda *s: lrnn.pad_sequence(list(s), batch_first, padding_value, side),
             lambda *s: trnn.pad_sequence(list(s), batch_first, padding_value, side), *seqs)


def test_pad_sequence_of_vectors_and_of_a_tensor():
    seqs = [np.arange(n, dtype=np.float64) for n in (3, 1, 2)]
    assert_same(lrnn.pad_sequence([lt.tensor(s) for s in seqs]),
                trnn.pad_sequence([torch.tensor(s) for s in seqs]))
    x = np.arange(12.0).reshape(3, 4)
    assert_same(lrnn.pad_sequence(lt.tensor(x), batch_first=True),
                trnn.pad_sequence(torch.tensor(x), batch_first=True))


@pytest.mark.parametrize("sort", [True, False])
def test_pack_sequence_and_unpack_sequence(sort):
    lengths = [4, 2, 1] if sort else [2, 4, 1]
    seqs = [np.random.default_rng(n).standard_normal((n, 2)) for n in lengths]
    mine = lrnn.pack_sequence([lt.tensor(s) for s in seqs], enforce_sorted=sort)
    theirs = trnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=sort)
    _same_packed(mine, theirs)
    for a, b in zip(lrnn.unpack_sequence(mine), trnn.unpack_sequence(theirs)):
        assert_same(a, b)


def test_unpad_sequence():
    x = np.random.default_rng(0).standard_normal((4, 3, 2))
    lengths = [4, 1, 3]
    mine = lrnn.unpad_sequence(lt.tensor(x), lt.tensor(lengths))
    theirs = trnn.unpad_sequence(torch.tensor(x), torch.tensor(lengths))
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        assert_same(a, b)


def test_packed_sequence_is_a_namedtuple_with_torch_fields():
    packed = lrnn.PackedSequence(lt.ones(3, 2), lt.tensor([2, 1]))
    assert packed._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    assert packed.double().data.dtype == lt.float64
    perm = lrnn.PackedSequence(lt.ones(3, 2), lt.tensor([2, 1]), lt.tensor([1, 0]))
    assert perm.unsorted_indices.tolist() == [1, 0]
    assert lrnn.invert_permutation(lt.tensor([2, 0, 1])).tolist() == \
        trnn.invert_permutation(torch.tensor([2, 0, 1])).tolist()


@pytest.mark.parametrize("lengths", [[4, 2, 3], [4, 2, 0], [4, 2]])
def test_pack_padded_sequence_errors(lengths):
    x = np.zeros((4, 3, 2), dtype=np.float32)
    check_raises(lambda: lrnn.pack_padded_sequence(lt.tensor(x), lengths),
                 lambda: trnn.pack_padded_sequence(torch.tensor(x), lengths))


def test_pad_errors():
    check_raises(lambda: lrnn.pad_sequence([lt.zeros(2, 3), lt.zeros(3, 2)]),
                 lambda: trnn.pad_sequence([torch.zeros(2, 3), torch.zeros(3, 2)]))
    check_raises(lambda: lrnn.pad_sequence([]), lambda: trnn.pad_sequence([]))
    check_raises(lambda: lrnn.pad_sequence([lt.zeros(2)], padding_side="middle"),
                 lambda: trnn.pad_sequence([torch.zeros(2)], padding_side="middle"))
    check_raises(lambda: lrnn.pad_sequence(3), lambda: trnn.pad_sequence(3))
    packed = (lrnn.pack_sequence([lt.zeros(3, 1)]), trnn.pack_sequence([torch.zeros(3, 1)]))
    check_raises(lambda: lrnn.pad_packed_sequence(packed[0], total_length=2),
                 lambda: trnn.pad_packed_sequence(packed[1], total_length=2))
