"""A size that is not an int: torch's parser's TypeError, from creation functions and from
the module constructors that pass their sizes on to ``empty``/``zeros`` (``nn.Linear(2.5, 3)``).

torch checks a size sequence's first element when it picks the signature ("must be tuple of
ints, but found element of type float at pos 0") and the others when it unpacks it ("failed to
unpack the object at pos 2 …", counting from 1); a lone non-int is "must be tuple of ints, not
float".  Each case runs in both libraries.
"""
import numpy as np
import pytest
import torch

import learntorch as lt


def outcome(fn):
    try:
        return tuple(fn().shape)
    except Exception as err:  # noqa: BLE001 (the type and text are what is compared)
        return (type(err).__name__, str(err))


CREATION = {
    "tuple, second float": lambda lib: lib.empty((3, 2.5)),
    "tuple, first float": lambda lib: lib.empty((3.0, 2)),
    "tuple, third float": lambda lib: lib.empty((3, 2, 2.5)),
    "lone float": lambda lib: lib.empty(3.0),
    "varargs, second float": lambda lib: lib.empty(3, 2.5),
    "varargs, first float": lambda lib: lib.empty(3.0, 2),
    "varargs, third str": lambda lib: lib.empty(2, 3, "a"),
    "list with None": lambda lib: lib.ones([2, None]),
    "first bool": lambda lib: lib.empty((True, 2)),
    "later bool is an int": lambda lib: lib.zeros((2, True)),
    "numpy float first": lambda lib: lib.empty((np.float64(2.0), 2)),
    "numpy float later": lambda lib: lib.empty((2, np.float32(2.0))),
    "float tensor later": lambda lib: lib.empty((2, lib.tensor(2.0))),
    "int tensor later": lambda lib: lib.empty((2, lib.tensor(2))),
    "int tensor first": lambda lib: lib.empty((lib.tensor(2), 3)),
    "lone str": lambda lib: lib.empty("ab"),
    "lone None": lambda lib: lib.empty(None),
    "keyword float": lambda lib: lib.empty(size=3.0),
    "keyword tuple, first float": lambda lib: lib.empty(size=(3.0, 2)),
    "keyword tuple, second float": lambda lib: lib.empty(size=(2, 3.0)),
    "zeros lone float": lambda lib: lib.zeros(3.0),
    "full tuple": lambda lib: lib.full((2, 2.5), 1.0),
    "full lone float": lambda lib: lib.full(2.5, 1.0),
    "negative": lambda lib: lib.empty(-1, 2),
    "torch.Size": lambda lib: lib.empty(lib.Size([2, 3])),
}


@pytest.mark.parametrize("case", list(CREATION))
def test_creation_functions_word_a_bad_size_as_torch(case):
    assert outcome(lambda: CREATION[case](lt)) == outcome(lambda: CREATION[case](torch))


MODULES = {
    "Linear in": lambda nn: nn.Linear(2.5, 3),
    "Linear out": lambda nn: nn.Linear(2, 3.0),
    "Linear str": lambda nn: nn.Linear("a", 3),
    "Linear None": lambda nn: nn.Linear(None, 3),
    "Linear negative": lambda nn: nn.Linear(-1, 3),
    "Linear bool": lambda nn: nn.Linear(True, 3).weight,
    "Bilinear": lambda nn: nn.Bilinear(2, 3.0, 4),
    "Conv2d": lambda nn: nn.Conv2d(2.0, 3, 3),
    "ConvTranspose2d": lambda nn: nn.ConvTranspose2d(2, 3.0, 3),
    "Conv1d kernel": lambda nn: nn.Conv1d(2, 3, 3.0),
    "Embedding rows": lambda nn: nn.Embedding(10.0, 3),
    "Embedding dim": lambda nn: nn.Embedding(10, 3.0),
    "EmbeddingBag": lambda nn: nn.EmbeddingBag(10.0, 3),
    "LSTM input": lambda nn: nn.LSTM(2.5, 3),
    "RNN hidden": lambda nn: nn.RNN(2, 3.5),
    "LSTM proj": lambda nn: nn.LSTM(3, 4, proj_size=2.0),
    "RNN layers": lambda nn: nn.RNN(3, 4, num_layers=2.0),
    "GRUCell": lambda nn: nn.GRUCell(2.0, 3),
    "LSTMCell": lambda nn: nn.LSTMCell(3, 2.0),
    "RNNCell": lambda nn: nn.RNNCell(3.0, 2),
    "BatchNorm1d": lambda nn: nn.BatchNorm1d(3.0),
    "BatchNorm2d no affine": lambda nn: nn.BatchNorm2d(3.0, affine=False),
    "InstanceNorm1d affine": lambda nn: nn.InstanceNorm1d(3.0, affine=True),
    "LayerNorm": lambda nn: nn.LayerNorm(3.0),
    "LayerNorm tuple": lambda nn: nn.LayerNorm((3, 2.0)),
    "GroupNorm": lambda nn: nn.GroupNorm(2, 4.0),
    "PReLU": lambda nn: nn.PReLU(2.0),
    "MultiheadAttention": lambda nn: nn.MultiheadAttention(4.0, 2),
    "TransformerEncoderLayer": lambda nn: nn.TransformerEncoderLayer(4.0, 2),
    "Transformer": lambda nn: nn.Transformer(d_model=4.0, nhead=2),
}


@pytest.mark.parametrize("case", list(MODULES))
def test_module_constructors_reject_a_float_size_as_torch(case):
    assert outcome(lambda: MODULES[case](lt.nn)) == outcome(lambda: MODULES[case](torch.nn))
