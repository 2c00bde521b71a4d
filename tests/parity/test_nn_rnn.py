"""RNN, LSTM, GRU and their cells against torch.

Each test builds the torch layer, copies its parameters into the learntorch layer
(load_state_dict), runs both on the same input and initial state, and compares outputs,
final states and the gradients of the input, the initial state and every parameter —
over layers, directions, batch_first, proj_size, bias, packed and unbatched inputs.
"""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as trnn
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
import learntorch.nn.utils.rnn as lrnn
from helpers import assert_same, check_raises

TOL = {"float32": {"rtol": 1e-5, "atol": 1e-5}, "float64": {"rtol": 1e-10, "atol": 1e-10}}
KINDS = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]
T, B, IN, HID = 5, 3, 4, 6
LENGTHS = [3, 5, 1]  # unsorted: packing sorts them and unsorting must restore the order


def _pair(kind, dtype, *args, **kwargs):
    """A torch layer and a learntorch layer with the torch layer's parameters."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(*args, **kwargs).to(getattr(torch, dtype))
    mine = getattr(lt.nn, kind)(*args, **kwargs).to(getattr(lt, dtype))
    mine.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return mine, theirs


def _tensors(arrays):
    mine = [lt.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return mine, theirs


def _flat(result):
    """Every tensor of a layer's result, PackedSequences unpacked to their data."""
    out = []
    for r in result if isinstance(result, (tuple, list)) else [result]:
        if isinstance(r, (lrnn.PackedSequence, trnn.PackedSequence)):
            out.append(r.data)
        elif isinstance(r, (tuple, list)):
            out.extend(_flat(r))
        else:
            out.append(r)
    return out


def _compare(mine, theirs, mine_inputs, theirs_inputs, run_mine, run_theirs, tol):
    """Same results; then the same gradients for inputs and parameters."""
    got, expected = _flat(run_mine(*mine_inputs)), _flat(run_theirs(*theirs_inputs))
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert_same(a, b, **tol)
    rng = np.random.default_rng(1)
    upstream = [rng.standard_normal(tuple(b.shape)).astype(b.detach().numpy().dtype)
                for b in expected]
    # one scalar root: <out, upstream> summed over the results (the same gradients as
    # backward(outputs, upstream), which learntorch's engine mishandles when two roots share
    # a node, e.g. an LSTM cell's h and c)
    sum((a * lt.tensor(u)).sum() for a, u in zip(got, upstream)).backward()
    sum((b * torch.tensor(u)).sum() for b, u in zip(expected, upstream)).backward()
    for a, b in zip(mine_inputs, theirs_inputs):
        assert_same(a.grad, b.grad, **tol)
    for (name, p), (name_t, q) in zip(mine.named_parameters(), theirs.named_parameters()):
        assert name == name_t
        assert_same(p.grad, q.grad, **tol)


def _initial_state(kind, layers, dirs, batch, proj, rng, dtype):
    h = rng.standard_normal((layers * dirs, batch, proj or HID)).astype(dtype)
    if kind != "LSTM":
        return [h]
    return [h, rng.standard_normal((layers * dirs, batch, HID)).astype(dtype)]


GRID = list(itertools.product(range(len(KINDS)), [1, 2], [False, True], [False, True],
                              [False, True]))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind_i,layers,bidirectional,batch_first,with_state", GRID)
def test_padded_batch(dtype, kind_i, layers, bidirectional, batch_first, with_state):
    kind, extra = KINDS[kind_i]
    mine, theirs = _pair(kind, dtype, IN, HID, num_layers=layers, bidirectional=bidirectional,
                         batch_first=batch_first, **extra)
    rng = np.random.default_rng(layers)
    x = rng.standard_normal((B, T, IN) if batch_first else (T, B, IN)).astype(dtype)
    state = _initial_state(kind, layers, 1 + bidirectional, B, 0, rng, dtype) if with_state else []
    lt_in, th_in = _tensors([x] + state)

    def call(layer):
        def run(x, *state):
            if not state:
                return layer(x)
            return layer(x, tuple(state) if len(state) == 2 else state[0])
        return run

    _compare(mine, theirs, lt_in, th_in, call(mine), call(theirs), TOL[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind_i,layers,bidirectional,batch_first,with_state", GRID)
def test_packed_sequence(dtype, kind_i, layers, bidirectional, batch_first, with_state):
    """Unsorted lengths: each sequence's final state is taken at its own end."""
    kind, extra = KINDS[kind_i]
    mine, theirs = _pair(kind, dtype, IN, HID, num_layers=layers, bidirectional=bidirectional,
                         batch_first=batch_first, **extra)
    rng = np.random.default_rng(layers + 10)
    x = rng.standard_normal((B, T, IN) if batch_first else (T, B, IN)).astype(dtype)
    state = _initial_state(kind, layers, 1 + bidirectional, B, 0, rng, dtype) if with_state else []
    lt_in, th_in = _tensors([x] + state)

    def call(layer, lib):
        def run(x, *state):
            packed = lib.pack_padded_sequence(x, LENGTHS, batch_first, enforce_sorted=False)
            hx = None if not state else tuple(state) if len(state) == 2 else state[0]
            out, hidden = layer(packed, hx)
            padded, lengths = lib.pad_packed_sequence(out, batch_first)
            return padded, hidden
        return run

    _compare(mine, theirs, lt_in, th_in, call(mine, lrnn), call(theirs, trnn), TOL[dtype])


@settings(max_examples=25)
@given(kind_i=st.integers(0, len(KINDS) - 1), lengths=st.lists(st.integers(1, 4), min_size=1,
                                                              max_size=4),
       sizes=st.tuples(st.integers(1, 3), st.integers(1, 4)), layers=st.integers(1, 2),
       bidirectional=st.booleans(), packed=st.booleans())
def test_any_sizes_and_lengths(kind_i, lengths, sizes, layers, bidirectional, packed):
    """Random input/hidden sizes and sequence lengths (ties, length 1, a batch of one)."""
    kind, extra = KINDS[kind_i]
    input_size, hidden_size = sizes
    mine, theirs = _pair(kind, "float64", input_size, hidden_size, num_layers=layers,
                         bidirectional=bidirectional, **extra)
    x = np.random.default_rng(len(lengths)).standard_normal(
        (max(lengths), len(lengths), input_size))
    lt_in, th_in = _tensors([x])

    def call(layer, lib):
        def run(x):
            if packed:
                x = lib.pack_padded_sequence(x, lengths, enforce_sorted=False)
            return layer(x)
        return run

    _compare(mine, theirs, lt_in, th_in, call(mine, lrnn), call(theirs, trnn), TOL["float64"])


@pytest.mark.parametrize("layers,bidirectional,batch_first,bias,packed",
                         list(itertools.product([1, 2], [False, True], [False, True],
                                                [True, False], [False, True])))
def test_lstm_with_projection(layers, bidirectional, batch_first, bias, packed):
    dtype = "float64"
    mine, theirs = _pair("LSTM", dtype, IN, HID, num_layers=layers, bidirectional=bidirectional,
                         batch_first=batch_first, bias=bias, proj_size=3)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(3)
    x = rng.standard_normal((B, T, IN) if batch_first else (T, B, IN)).astype(dtype)
    state = _initial_state("LSTM", layers, 1 + bidirectional, B, 3, rng, dtype)
    lt_in, th_in = _tensors([x] + state)

    def call(layer, lib):
        def run(x, h, c):
            if packed:
                x = lib.pack_padded_sequence(x, LENGTHS, batch_first, enforce_sorted=False)
            return layer(x, (h, c))
        return run

    _compare(mine, theirs, lt_in, th_in, call(mine, lrnn), call(theirs, trnn), TOL[dtype])


@pytest.mark.parametrize("kind_i", range(len(KINDS)))
@pytest.mark.parametrize("bias", [True, False])
def test_unbatched_input_and_no_bias(kind_i, bias):
    kind, extra = KINDS[kind_i]
    mine, theirs = _pair(kind, "float64", IN, HID, num_layers=2, bidirectional=True, bias=bias,
                         **extra)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((T, IN))
    state = [s[:, 0] for s in _initial_state(kind, 2, 2, 1, 0, rng, "float64")]
    lt_in, th_in = _tensors([x] + state)

    def call(layer):
        return lambda x, *s: layer(x, tuple(s) if len(s) == 2 else s[0])

    _compare(mine, theirs, lt_in, th_in, call(mine), call(theirs), TOL["float64"])


@pytest.mark.parametrize("kind,extra", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                        ("LSTMCell", {}), ("GRUCell", {})])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cells(kind, extra, bias, batched, dtype):
    mine, theirs = _pair(kind, dtype, IN, HID, bias=bias, **extra)
    rng = np.random.default_rng(7)
    shape = (B,) if batched else ()
    x = rng.standard_normal(shape + (IN,)).astype(dtype)
    state = [rng.standard_normal(shape + (HID,)).astype(dtype)
             for _ in range(2 if kind == "LSTMCell" else 1)]
    lt_in, th_in = _tensors([x] + state)

    def call(cell):
        return lambda x, *s: cell(x, tuple(s) if len(s) == 2 else s[0])

    _compare(mine, theirs, lt_in, th_in, call(mine), call(theirs), TOL[dtype])
    out = mine(lt.tensor(x))  # no state: zeros
    assert_same(out[0] if kind == "LSTMCell" else out,
                (lambda r: r[0] if kind == "LSTMCell" else r)(theirs(torch.tensor(x))),
                **TOL[dtype])


def _functional(layer, run):
    """``run(layer, *inputs)`` as a function of the inputs *and* the layer's weights, so that
    gradcheck perturbs the weights it is given (they replace the layer's own)."""
    names = [name for name, _ in layer.named_parameters()]

    def call(*args):
        inputs, weights = args[:len(args) - len(names)], args[len(args) - len(names):]
        layer._parameters.update(zip(names, weights))
        return run(layer, *inputs)
    return call, [p.detach().clone().requires_grad_() for p in layer.parameters()]


def test_gradcheck_in_float64():
    """Central differences agree with autograd, for packed, bidirectional, projected layers."""
    lt.manual_seed(0)
    x = lt.randn(3, 2, 2, dtype=lt.float64, requires_grad=True)
    h = lt.randn(4, 2, 2, dtype=lt.float64, requires_grad=True)
    c = lt.randn(4, 2, 3, dtype=lt.float64, requires_grad=True)
    lstm = lt.nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=2).double()

    def run_lstm(layer, x, h, c):
        out, (hn, cn) = layer(lrnn.pack_padded_sequence(x, [3, 2]), (h, c))
        return out.data, hn, cn

    fn, weights = _functional(lstm, run_lstm)
    assert lt.autograd.gradcheck(fn, (x, h, c, *weights))
    h1 = lt.randn(2, 2, 3, dtype=lt.float64, requires_grad=True)
    for kind in ("GRU", "RNN"):
        layer = getattr(lt.nn, kind)(2, 3, bidirectional=True).double()
        fn, weights = _functional(layer, lambda layer, x, h: layer(x, h))
        assert lt.autograd.gradcheck(fn, (x, h1, *weights))


@pytest.mark.parametrize("kind,extra", [("LSTM", {"proj_size": 1}), ("GRU", {}),
                                        ("RNN", {"nonlinearity": "tanh"})])
def test_layers_gradgradcheck(kind, extra):
    """Second order through packed, bidirectional layers (the create_graph path)."""
    lt.manual_seed(1)
    layer = getattr(lt.nn, kind)(2, 2, bidirectional=True, **extra).double()
    x = lt.randn(3, 2, 2, dtype=lt.float64, requires_grad=True)

    def run(layer, x):
        out, hidden = layer(lrnn.pack_padded_sequence(x, [3, 1]))
        return (out.data,) + (tuple(hidden) if isinstance(hidden, tuple) else (hidden,))

    fn, weights = _functional(layer, run)
    assert lt.autograd.gradgradcheck(fn, (x, *weights))


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_gradgradcheck(kind):
    lt.manual_seed(0)
    cell = getattr(lt.nn, kind)(2, 3).double()
    x = lt.randn(2, 2, dtype=lt.float64, requires_grad=True)
    h = lt.randn(2, 3, dtype=lt.float64, requires_grad=True)
    run = (lambda cell, x, h: cell(x, (h, h * 2))) if kind == "LSTMCell" else \
        (lambda cell, x, h: cell(x, h))
    fn, weights = _functional(cell, run)
    assert lt.autograd.gradcheck(fn, (x, h, *weights))
    assert lt.autograd.gradgradcheck(fn, (x, h, *weights))


@pytest.mark.parametrize("kind,args,kwargs", [
    ("LSTM", (10, 20), {"num_layers": 2, "batch_first": True}),
    ("LSTM", (10, 20), {"proj_size": 5, "bidirectional": True, "bias": False}),
    ("RNN", (3, 4), {"nonlinearity": "relu", "dropout": 0.5, "num_layers": 3}),
    ("GRU", (3, 4), {"bidirectional": True}),
    ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
    ("LSTMCell", (3, 4), {}),
    ("GRUCell", (3, 4), {"bias": False}),
])
def test_repr_state_dict_and_all_weights(kind, args, kwargs):
    mine, theirs = _pair(kind, "float32", *args, **kwargs)
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    if hasattr(theirs, "all_weights"):
        assert [[tuple(w.shape) for w in ws] for ws in mine.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]
        assert mine.flatten_parameters() is None


@pytest.mark.parametrize("kind,args,kwargs", [
    ("LSTM", (10, 20), {"num_layers": 2, "bidirectional": True, "proj_size": 4}),
    ("GRU", (3, 5), {}), ("RNN", (3, 5), {"bias": False}), ("LSTMCell", (3, 4), {}),
])
def test_default_init_is_torch_bit_for_bit(kind, args, kwargs):
    """uniform(-1/sqrt(hidden), 1/sqrt(hidden)) on every parameter, in parameters() order."""
    torch.manual_seed(123)
    theirs = getattr(torch.nn, kind)(*args, **kwargs)
    lt.manual_seed(123)
    mine = getattr(lt.nn, kind)(*args, **kwargs)
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("packed", [False, True])
def test_dropout_between_layers_draws_torch_masks(kind, packed):
    """In training, the same seed gives torch's masks (and weights), so the same outputs;
    in eval mode there is no dropout."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(3, 4, num_layers=3, dropout=0.5, bidirectional=True)
    lt.manual_seed(0)
    mine = getattr(lt.nn, kind)(3, 4, num_layers=3, dropout=0.5, bidirectional=True)
    x = np.random.default_rng(0).standard_normal((5, 3, 3)).astype(np.float32)

    def run(layer, lib, rnn_utils):
        data = lib.tensor(x)
        if packed:
            data = rnn_utils.pack_padded_sequence(data, [5, 3, 2])
        out = layer(data)[0]
        return out.data if packed else out

    torch.manual_seed(5)
    lt.manual_seed(5)
    assert_same(run(mine, lt, lrnn), run(theirs, torch, trnn))
    mine.eval(), theirs.eval()
    assert_same(run(mine, lt, lrnn), run(theirs, torch, trnn))


def _both(kind, *args, **kwargs):
    return getattr(lt.nn, kind)(*args, **kwargs), getattr(torch.nn, kind)(*args, **kwargs)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_bad_input_errors(kind):
    mine, theirs = _both(kind, 10, 20)
    for shape in [(2, 3, 4, 10), (5, 3, 5)]:
        check_raises(lambda: mine(lt.zeros(*shape)), lambda: theirs(torch.zeros(*shape)))
    check_raises(lambda: mine(lt.zeros(5, 3, 10, dtype=lt.float64)),
                 lambda: theirs(torch.zeros(5, 3, 10, dtype=torch.float64)))
    bad = (1, 3, 20)
    if kind == "LSTM":
        check_raises(lambda: mine(lt.zeros(5, 3, 10), (lt.zeros(*bad), lt.zeros(1, 2, 20))),
                     lambda: theirs(torch.zeros(5, 3, 10), (torch.zeros(*bad),
                                                           torch.zeros(1, 2, 20))))
        check_raises(lambda: mine(lt.zeros(5, 3, 10), (lt.zeros(3, 20), lt.zeros(3, 20))),
                     lambda: theirs(torch.zeros(5, 3, 10), (torch.zeros(3, 20),
                                                           torch.zeros(3, 20))))
    else:
        mine2, theirs2 = _both(kind, 10, 20, num_layers=2)
        check_raises(lambda: mine2(lt.zeros(5, 3, 10), lt.zeros(*bad)),
                     lambda: theirs2(torch.zeros(5, 3, 10), torch.zeros(*bad)))
        check_raises(lambda: mine(lt.zeros(5, 10), lt.zeros(1, 1, 20)),
                     lambda: theirs(torch.zeros(5, 10), torch.zeros(1, 1, 20)))


def test_hidden_size_message_names_both_shapes():
    layer = lt.nn.GRU(10, 20, num_layers=2)
    message = r"^Expected hidden size \(2, 3, 20\), got \[1, 3, 20\]$"
    with pytest.raises(RuntimeError, match=message):
        layer(lt.zeros(5, 3, 10), lt.zeros(1, 3, 20))


@pytest.mark.parametrize("kwargs", [{"dropout": 1.5}, {"dropout": True}, {"bias": 1},
                                    {"batch_first": 0}, {"proj_size": 20}, {"proj_size": -1},
                                    {"num_layers": 0}])
def test_constructor_errors(kwargs):
    check_raises(lambda: lt.nn.LSTM(10, 20, **kwargs), lambda: torch.nn.LSTM(10, 20, **kwargs))


def test_constructor_errors_of_rnn_and_gru():
    check_raises(lambda: lt.nn.GRU(3, 4, proj_size=2), lambda: torch.nn.GRU(3, 4, proj_size=2))
    check_raises(lambda: lt.nn.RNN(3, 4, nonlinearity="gelu"),
                 lambda: torch.nn.RNN(3, 4, nonlinearity="gelu"))
    check_raises(lambda: lt.nn.RNN(0, 4), lambda: torch.nn.RNN(0, 4))
    check_raises(lambda: lt.nn.RNN(3.0, 4), lambda: torch.nn.RNN(3.0, 4))
    with pytest.warns(UserWarning, match="dropout option adds dropout after all but last"):
        lt.nn.GRU(3, 4, dropout=0.2)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_errors(kind):
    mine, theirs = _both(kind, 3, 4)
    pair = kind == "LSTMCell"

    def state(lib, *shape):
        return (lib.zeros(*shape), lib.zeros(*shape)) if pair else lib.zeros(*shape)

    check_raises(lambda: mine(lt.zeros(2, 5)), lambda: theirs(torch.zeros(2, 5)))
    check_raises(lambda: mine(lt.zeros(1, 2, 3)), lambda: theirs(torch.zeros(1, 2, 3)))
    for shape in [(3, 4), (2, 5), (1, 2, 4)]:
        check_raises(lambda: mine(lt.zeros(2, 3), state(lt, *shape)),
                     lambda: theirs(torch.zeros(2, 3), state(torch, *shape)))
