"""torch's argument parser takes a size or a dims list by its keyword as well as spread out
(``x.view(size=(6, 4))``, ``torch.zeros(size=(2, 3))``, ``x.permute(dims=(2, 0, 1))``), and
ordinary code uses both; so does learntorch."""
import numpy as np
import pytest
import torch

import learntorch as lt

CASES = {
    "Tensor.flip": lambda m, x: x.flip(dims=[1]),
    "flip": lambda m, x: m.flip(x, dims=[1]),
    "Tensor.permute": lambda m, x: x.permute(dims=(2, 0, 1)),
    "permute": lambda m, x: m.permute(x, dims=(2, 0, 1)),
    "Tensor.reshape": lambda m, x: x.reshape(shape=(6, 4)),
    "reshape": lambda m, x: m.reshape(x, shape=(4, -1)),
    "Tensor.view": lambda m, x: x.view(size=(6, 4)),
    "Tensor.expand": lambda m, x: x[:1].expand(size=(3, 3, 4)),
    "Tensor.repeat": lambda m, x: x.repeat(repeats=(1, 2, 1)),
    "tile": lambda m, x: m.tile(x, dims=(1, 2)),
    "Tensor.tile": lambda m, x: x.tile(dims=(2,)),
    "Tensor.new_zeros": lambda m, x: x.new_zeros(size=(2,)),
    "Tensor.new_ones": lambda m, x: x.new_ones(size=[2, 1]),
    "zeros": lambda m, x: m.zeros(size=(2, 3)),
    "ones": lambda m, x: m.ones(size=(2,), dtype=m.int64),
    "empty": lambda m, x: m.empty(size=(2,)).shape,
    "rand": lambda m, x: m.rand(size=(2, 2), generator=m.Generator().manual_seed(3)),
    "randn": lambda m, x: m.randn(size=(3,), generator=m.Generator().manual_seed(3)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sizes_and_dims_by_keyword_match_torch(name):
    ours = CASES[name](lt, lt.arange(24.).reshape(2, 3, 4))
    theirs = CASES[name](torch, torch.arange(24.).reshape(2, 3, 4))
    if isinstance(theirs, torch.Size):
        assert tuple(ours) == tuple(theirs)
        return
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", [lambda m: m.zeros(2, size=(3,)),
                                  lambda m: m.arange(6.).view(2, size=(3,))])
def test_a_size_given_both_ways_is_a_type_error(call):
    for m in (lt, torch):
        with pytest.raises(TypeError):
            call(m)
