"""torch's top-level spellings of nn ops (torch.dropout, torch.layer_norm, torch.lstm …) with
ATen's signatures: same values and gradients as torch for the same positional arguments."""
import numpy as np
import pytest

import learntorch as lt

torch = pytest.importorskip("torch")


def pair(*shape, seed=0, positive=False, requires_grad=True):
    a = np.random.default_rng(seed).standard_normal(shape)
    if positive:
        a = np.abs(a) + 0.1
    return (lt.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def close(ours, theirs, atol=1e-10):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            close(o, t, atol)
        return
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol,
                               rtol=1e-8)


def grads_agree(ours, theirs, inputs):
    (ours if ours.dim() == 0 else ours.sum()).backward()
    (theirs if theirs.dim() == 0 else theirs.sum()).backward()
    for o, t in inputs:
        close(o.grad, t.grad)


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "feature_dropout",
                                  "feature_alpha_dropout"])
@pytest.mark.parametrize("train", [True, False])
def test_dropouts_draw_torch_s_masks(name, train):
    (x, tx) = pair(4, 3, 5)
    lt.manual_seed(3), torch.manual_seed(3)
    close(getattr(lt, name)(x, 0.3, train), getattr(torch, name)(tx, 0.3, train))
    lt.manual_seed(4), torch.manual_seed(4)
    y, ty = x.detach().clone(), tx.detach().clone()
    getattr(lt, name + "_")(y, 0.3, train), getattr(torch, name + "_")(ty, 0.3, train)
    close(y, ty)


def test_native_dropout_returns_the_kept_mask():
    x, tx = pair(6, 7)
    lt.manual_seed(0), torch.manual_seed(0)
    close(lt.native_dropout(x, 0.4, True), torch.native_dropout(tx, 0.4, True))
    close(lt.native_dropout(x, 0.4, False), torch.native_dropout(tx, 0.4, False))


def test_norms_take_aten_s_argument_order():
    x, tx = pair(4, 3, 5)
    w, tw = pair(3, seed=1)
    b, tb = pair(3, seed=2)
    rm, trm = pair(3, seed=3, requires_grad=False)
    rv, trv = pair(3, seed=4, positive=True, requires_grad=False)
    ours = lt.batch_norm(x, w, b, rm, rv, True, 0.1, 1e-5, False)
    theirs = torch.batch_norm(tx, tw, tb, trm, trv, True, 0.1, 1e-5, False)
    close(ours, theirs)
    close(rm, trm), close(rv, trv)
    grads_agree((ours * ours).sum(), (theirs * theirs).sum(), [(x, tx), (w, tw), (b, tb)])
    close(lt.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
          torch.instance_norm(tx, tw, tb, None, None, True, 0.1, 1e-5, False))
    w5, tw5 = pair(5, seed=5)
    close(lt.layer_norm(x, [5], w5, None, 1e-5, True), torch.layer_norm(tx, [5], tw5, None, 1e-5,
                                                                         True))
    close(lt.group_norm(x, 3, w, b), torch.group_norm(tx, 3, tw, tb))
    close(lt.rms_norm(x, [5], w5), torch.rms_norm(tx, [5], tw5))


def test_native_norms_return_their_statistics():
    x, tx = pair(4, 6, 5)
    w, tw = pair(6, seed=1)
    close(lt.native_batch_norm(x, w, None, None, None, True, 0.1, 1e-5),
          torch.native_batch_norm(tx, tw, None, None, None, True, 0.1, 1e-5))
    close(lt.native_layer_norm(x, [6, 5], None, None, 1e-5),
          torch.native_layer_norm(tx, [6, 5], None, None, 1e-5))
    close(lt.native_group_norm(x, w, None, 4, 6, 5, 3, 1e-5),
          torch.native_group_norm(tx, tw, None, 4, 6, 5, 3, 1e-5))
    rm, trm = pair(6, seed=2, requires_grad=False)
    rv, trv = pair(6, seed=3, positive=True, requires_grad=False)
    close(lt.batch_norm_update_stats(x, rm, rv, 0.2), torch.batch_norm_update_stats(tx, trm, trv,
                                                                                       0.2))
    close(rm, trm), close(rv, trv)


@pytest.mark.parametrize("name", ["batch_norm_stats", "native_norm"])
def test_cuda_only_kernels_refuse_cpu_tensors_like_torch(name):
    x, tx = pair(2, 3, requires_grad=False)
    args = {"batch_norm_stats": (1e-5,), "native_norm": ()}[name]
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch, name)(tx, *args)
    with pytest.raises(NotImplementedError) as ours:
        getattr(lt, name)(x, *args)
    assert str(ours.value).split(" This")[0] == str(theirs.value).split(" This")[0]


def test_embedding_takes_the_table_first():
    w, tw = pair(10, 3)
    i = [[1, 4], [0, 9]]
    ours, theirs = lt.embedding(w, lt.tensor(i), 0), torch.embedding(tw, torch.tensor(i), 0)
    close(ours, theirs)
    grads_agree(ours, theirs, [(w, tw)])
    close(lt.embedding(w, lt.tensor(i)), torch.embedding(tw, torch.tensor(i)))


def test_convolution_dispatches_on_rank_and_transposed():
    x, tx = pair(2, 4, 7, 6)
    w, tw = pair(6, 2, 3, 3, seed=1)
    b, tb = pair(6, seed=2)
    args = ([2, 1], [1, 0], [1, 1], False, [0, 0], 2)
    ours, theirs = lt.convolution(x, w, b, *args), torch.convolution(tx, tw, tb, *args)
    close(ours, theirs)
    grads_agree(ours, theirs, [(x, tx), (w, tw), (b, tb)])
    wt, twt = pair(4, 3, 3, 3, seed=3)
    targs = ([2, 2], [1, 1], [1, 1], True, [1, 1], 1)
    close(lt.convolution(x, wt, None, *targs), torch.convolution(tx, twt, None, *targs))
    close(lt.conv2d(x, w, b, 1, 1, 1, 2), torch.conv2d(tx, tw, tb, 1, 1, 1, 2))


def test_pools_take_an_empty_stride_for_the_kernel():
    x, tx = pair(2, 3, 9)
    x2, tx2 = pair(2, 3, 8, 8, seed=1)
    close(lt.max_pool1d(x, [3]), torch.max_pool1d(tx, [3]))
    close(lt.max_pool1d_with_indices(x, [3], [2]), torch.max_pool1d_with_indices(tx, [3], [2]))
    close(lt.avg_pool1d(x, [3], [], [1]), torch.avg_pool1d(tx, [3], [], [1]))
    close(lt.max_pool2d(x2, [2, 2]), torch.max_pool2d(tx2, [2, 2]))
    close(lt.adaptive_avg_pool1d(x, [4]), torch.adaptive_avg_pool1d(tx, [4]))
    close(lt.adaptive_max_pool1d(x, [4]), torch.adaptive_max_pool1d(tx, [4]))


def test_losses_take_reduction_as_an_integer_and_default_to_none():
    a, ta = pair(3, 4)
    p, tp = pair(3, 4, seed=1, positive=True, requires_grad=False)
    p, tp = p / 5, tp / 5
    y, ty = lt.tensor([1.0, -1.0, 1.0], dtype=lt.float64), torch.tensor([1.0, -1.0, 1.0],
                                                                        dtype=torch.float64)
    for r in (0, 1, 2):
        close(lt.binary_cross_entropy_with_logits(a, p, None, None, r),
              torch.binary_cross_entropy_with_logits(ta, tp, None, None, r))
        close(lt.kl_div(a, p, r), torch.kl_div(ta, tp, r))
        close(lt.hinge_embedding_loss(a, p, 1.0, r), torch.hinge_embedding_loss(ta, tp, 1.0, r))
        close(lt.cosine_embedding_loss(a, p, y, 0.1, r),
              torch.cosine_embedding_loss(ta, tp, ty, 0.1, r))
        close(lt.margin_ranking_loss(a[0], a[1], y.repeat(2)[:4], 0.2, r),
              torch.margin_ranking_loss(ta[0], ta[1], ty.repeat(2)[:4], 0.2, r))
        close(lt.poisson_nll_loss(a, p, True, False, 1e-8, r),
              torch.poisson_nll_loss(ta, tp, True, False, 1e-8, r))
        close(lt.triplet_margin_loss(a, p, a.flip(0), 1.0, 2.0, 1e-6, False, r),
              torch.triplet_margin_loss(ta, tp, ta.flip(0), 1.0, 2.0, 1e-6, False, r))
    close(lt.kl_div(a, p), torch.kl_div(ta, tp))
    close(lt.binary_cross_entropy_with_logits(a, p), torch.binary_cross_entropy_with_logits(ta, tp))


def test_ctc_loss_with_integer_reduction():
    logits, tlogits = pair(6, 2, 4)
    lp, tlp = logits.log_softmax(2), tlogits.log_softmax(2)
    targets = [[1, 2], [2, 3]]
    for r in (0, 1, 2):
        close(lt.ctc_loss(lp, lt.tensor(targets), [6, 5], [2, 2], 0, r),
              torch.ctc_loss(tlp, torch.tensor(targets), [6, 5], [2, 2], 0, r))


def test_vision_and_padding_spellings():
    x, tx = pair(1, 8, 3, 3)
    close(lt.pixel_shuffle(x, 2), torch.pixel_shuffle(tx, 2))
    close(lt.pixel_unshuffle(x[:, :2], 1), torch.pixel_unshuffle(tx[:, :2], 1))
    close(lt.channel_shuffle(x, 2), torch.channel_shuffle(tx, 2))
    close(lt.native_channel_shuffle(x, 4), torch.native_channel_shuffle(tx, 4))
    close(lt.constant_pad_nd(x, [1, 2, 0, 1], 0.5), torch.constant_pad_nd(tx, [1, 2, 0, 1], 0.5))
    theta, ttheta = pair(1, 2, 3, seed=1)
    grid = lt.affine_grid_generator(theta, [1, 8, 4, 5], False)
    tgrid = torch.affine_grid_generator(ttheta, [1, 8, 4, 5], False)
    close(grid, tgrid)
    for interpolation in (0, 1):
        for padding in (0, 1, 2):
            close(lt.grid_sampler(x, grid, interpolation, padding, False),
                  torch.grid_sampler(tx, tgrid, interpolation, padding, False))
    a, ta = pair(3, 4)
    b, tb = pair(3, 5, seed=1)
    w, tw = pair(2, 4, 5, seed=2)
    close(lt.bilinear(a, b, w), torch.bilinear(ta, tb, tw))


def _flat(torch_module):
    """The weights of a torch RNN module as learntorch tensors, in _flat_weights order."""
    return [lt.tensor(w.detach().numpy(), requires_grad=True) for w in torch_module._flat_weights]


@pytest.mark.parametrize("kind,function", [("LSTM", "lstm"), ("GRU", "gru"),
                                           ("RNN", "rnn_tanh")])
@pytest.mark.parametrize("bidirectional,batch_first", [(False, False), (True, True)])
def test_functional_recurrences_run_torch_s_flat_weights(kind, function, bidirectional,
                                                         batch_first):
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(3, 4, num_layers=2, bidirectional=bidirectional,
                                     batch_first=batch_first).double()
    params = _flat(module)
    x, tx = pair(5, 2, 3)
    layers = 2 * (2 if bidirectional else 1)
    h0, th0 = pair(layers, 5 if batch_first else 2, 4, seed=1, requires_grad=False)
    hx, thx = ((h0, h0 * 0.5), (th0, th0 * 0.5)) if kind == "LSTM" else (h0, th0)
    ours = getattr(lt, function)(x, hx, params, True, 2, 0.0, False, bidirectional, batch_first)
    theirs = getattr(torch, function)(tx, thx, module._flat_weights, True, 2, 0.0, False,
                                      bidirectional, batch_first)
    close(ours, theirs)
    ours[0].sum().backward()
    theirs[0].sum().backward()
    close(x.grad, tx.grad)
    for p, tp in zip(params, module._flat_weights):
        close(p.grad, tp.grad)


@pytest.mark.parametrize("function", ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
def test_cells_take_weights_as_arguments(function):
    chunks = {"lstm_cell": 4, "gru_cell": 3}.get(function, 1)
    x, tx = pair(2, 3)
    h, th = pair(2, 4, seed=1)
    w_ih, tw_ih = pair(4 * chunks, 3, seed=2)
    w_hh, tw_hh = pair(4 * chunks, 4, seed=3)
    b, tb = pair(4 * chunks, seed=4)
    state, tstate = ((h, h * 2), (th, th * 2)) if function == "lstm_cell" else (h, th)
    ours = getattr(lt, function)(x, state, w_ih, w_hh, b, b * 0.5)
    theirs = getattr(torch, function)(tx, tstate, tw_ih, tw_hh, tb, tb * 0.5)
    close(ours, theirs)
    first, tfirst = (ours[0], theirs[0]) if function == "lstm_cell" else (ours, theirs)
    grads_agree(first, tfirst, [(x, tx), (w_ih, tw_ih), (b, tb)])


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("offsets,last,padding", [([0, 2], False, None), ([0, 2, 2], False, None),
                                                  ([0, 2, 2], False, 4), ([0, 2, 6], True, None)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_bag_returns_torch_s_bookkeeping(mode, offsets, last, padding, dtype):
    w, tw = pair(10, 3)
    w = w.detach().to(getattr(lt, dtype)).requires_grad_()
    tw = tw.detach().to(getattr(torch, dtype)).requires_grad_()
    index = [1, 2, 4, 5, 4, 3]
    i, ti, o, to = lt.tensor(index), torch.tensor(index), lt.tensor(offsets), torch.tensor(offsets)
    ours = lt.embedding_bag(w, i, o, False, mode, False, None, last, padding)
    theirs = torch.embedding_bag(tw, ti, to, False, mode, False, None, last, padding)
    close(ours, theirs)
    grads_agree(ours[0], theirs[0], [(w, tw)])


def test_embedding_bag_wants_offsets_as_a_tensor():
    w, tw = pair(10, 3)
    with pytest.raises(TypeError) as theirs:
        torch.embedding_bag(tw, torch.tensor([[1, 2]]), None)
    with pytest.raises(TypeError) as ours:
        lt.embedding_bag(w, lt.tensor([[1, 2]]), None)
    assert str(ours.value) == str(theirs.value)
