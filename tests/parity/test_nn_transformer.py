"""Attention and the Transformer family against torch.

``scaled_dot_product_attention`` over masks, causality, scale and grouped heads;
MultiheadAttention and the Transformer layers with torch's parameters copied in
(load_state_dict), in eval mode or with dropout 0: outputs, attention weights and the
gradients of every input and parameter; default init, reprs, state_dict keys and errors.
"""
import itertools
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import learntorch as lt
import learntorch.nn.functional as F
from helpers import assert_same, check_raises

TOL = {"float32": {"rtol": 1e-4, "atol": 1e-5}, "float64": {"rtol": 1e-10, "atol": 1e-10}}


def _tensors(arrays, grad=True):
    mine = [None if a is None else lt.tensor(a, requires_grad=grad and a.dtype.kind == "f")
            for a in arrays]
    theirs = [None if a is None else torch.tensor(a, requires_grad=grad and a.dtype.kind == "f")
              for a in arrays]
    return mine, theirs


def _backward_and_compare(got, expected, pairs, tol):
    """Backpropagate the same random upstream gradient; compare the grads of ``pairs``."""
    got = [g for g in got if g is not None]
    expected = [e for e in expected if e is not None]
    for a, b in zip(got, expected):
        assert_same(a, b, **tol)
    rng = np.random.default_rng(0)
    ups = [rng.standard_normal(tuple(b.shape)).astype(b.detach().numpy().dtype) for b in expected]
    sum((a * lt.tensor(u)).sum() for a, u in zip(got, ups)).backward()
    sum((b * torch.tensor(u)).sum() for b, u in zip(expected, ups)).backward()
    for a, b in pairs:
        if b is not None and b.requires_grad:
            assert_same(a.grad, b.grad, **tol)


# -- scaled_dot_product_attention ---------------------------------------------------------------
MASKS = [None, "bool", "float", "causal"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mask,scale,batch", list(itertools.product(
    MASKS, [None, 0.3], [(), (2,), (2, 3)])))
def test_sdpa(dtype, mask, scale, batch):
    rng = np.random.default_rng(len(batch))
    L, S, E, Ev = 4, 5, 6, 3
    q = rng.standard_normal(batch + (L, E)).astype(dtype)
    k = rng.standard_normal(batch + (S, E)).astype(dtype)
    v = rng.standard_normal(batch + (S, Ev)).astype(dtype)
    attn_mask, is_causal = None, mask == "causal"
    if mask == "bool":
        attn_mask = rng.random((L, S)) < 0.7
        attn_mask[:, 0] = True  # every query sees at least one key
    elif mask == "float":
        attn_mask = rng.standard_normal((L, S)).astype(dtype)
    (mq, mk, mv, mm), (tq, tk, tv, tm) = _tensors([q, k, v, attn_mask])
    got = F.scaled_dot_product_attention(mq, mk, mv, mm, is_causal=is_causal, scale=scale)
    expected = TF.scaled_dot_product_attention(tq, tk, tv, tm, is_causal=is_causal, scale=scale)
    _backward_and_compare([got], [expected], [(mq, tq), (mk, tk), (mv, tv), (mm, tm)], TOL[dtype])


def test_sdpa_fully_masked_row_gives_zeros_and_finite_gradients():
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal((2, 4, 3)) for _ in range(3))
    mask = np.ones((4, 4), dtype=bool)
    mask[1] = False
    (mq, mk, mv, mm), (tq, tk, tv, tm) = _tensors([q, k, v, mask])
    got = F.scaled_dot_product_attention(mq, mk, mv, mm)
    expected = TF.scaled_dot_product_attention(tq, tk, tv, tm)
    _backward_and_compare([got], [expected], [(mq, tq), (mk, tk), (mv, tv)], TOL["float64"])
    assert (got[:, 1] == 0).all()


def test_sdpa_grouped_query_heads():
    rng = np.random.default_rng(2)
    q = rng.standard_normal((2, 6, 4, 8))
    k, v = rng.standard_normal((2, 2, 5, 8)), rng.standard_normal((2, 2, 5, 3))
    (mq, mk, mv), (tq, tk, tv) = _tensors([q, k, v])
    got = F.scaled_dot_product_attention(mq, mk, mv, enable_gqa=True)
    expected = TF.scaled_dot_product_attention(tq, tk, tv, enable_gqa=True)
    _backward_and_compare([got], [expected], [(mq, tq), (mk, tk), (mv, tv)], TOL["float64"])


def test_sdpa_gradcheck_and_gradgradcheck():
    lt.manual_seed(0)
    q, k, v = (lt.randn(2, 3, 4, dtype=lt.float64, requires_grad=True) for _ in range(3))
    mask = lt.randn(3, 3, dtype=lt.float64)
    fn = (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    assert lt.autograd.gradcheck(fn, (q, k, v))
    assert lt.autograd.gradgradcheck(fn, (q, k, v))


def test_sdpa_errors():
    """(With value's last dim unlike query's, torch takes its reference path: its fused CPU
    kernel accepts a mask with is_causal=True and computes something else.)"""
    q, k, v = (np.zeros(s, np.float32) for s in [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)])

    def both(**kw):
        def call(lib, fn):
            def run():
                args = {n: lib.tensor(a) if isinstance(a, np.ndarray) else a for n, a in kw.items()}
                return fn(lib.tensor(q), lib.tensor(k), lib.tensor(v), **args)
            return run
        return call(lt, F.scaled_dot_product_attention), call(torch, TF.scaled_dot_product_attention)

    check_raises(*both(attn_mask=np.ones((4, 5), bool), is_causal=True))
    check_raises(*both(attn_mask=np.ones((4, 5), np.int64)))
    check_raises(*both(attn_mask=np.ones((4, 5), np.float64)))


# -- MultiheadAttention ---------------------------------------------------------------------------
def _mha_pair(dtype, *args, **kwargs):
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(*args, **kwargs).to(getattr(torch, dtype))
    mine = lt.nn.MultiheadAttention(*args, **kwargs).to(getattr(lt, dtype))
    state = {k: lt.tensor(v.detach().numpy() + np.random.default_rng(3).uniform(-.1, .1, v.shape))
             for k, v in theirs.state_dict().items()}  # non-zero biases as well
    mine.load_state_dict(state)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in state.items()})
    mine.eval(), theirs.eval()
    return mine, theirs


MHA_GRID = list(itertools.product(
    [False, True],                      # batch_first
    [{}, {"kdim": 3, "vdim": 5}, {"add_bias_kv": True}, {"add_zero_attn": True},
     {"bias": False}],
    [None, "bool", "float"],            # attn_mask
    [None, "bool"],                     # key_padding_mask
    [(True, True), (True, False), (False, True)],  # need_weights, average_attn_weights
))


MIXED_MASKS = pytest.mark.filterwarnings("ignore:Support for mismatched")  # bool with float


@MIXED_MASKS
@pytest.mark.parametrize("batch_first,options,attn,padding,weights", MHA_GRID)
def test_multihead_attention(batch_first, options, attn, padding, weights):
    dtype = "float64"
    E, H, L, S, N = 8, 2, 3, 4, 2
    mine, theirs = _mha_pair(dtype, E, H, batch_first=batch_first, **options)
    rng = np.random.default_rng(4)
    shape = (lambda n, length, e: (n, length, e) if batch_first else (length, n, e))
    q = rng.standard_normal(shape(N, L, E))
    k = rng.standard_normal(shape(N, S, options.get("kdim", E)))
    v = rng.standard_normal(shape(N, S, options.get("vdim", E)))
    attn_mask = {None: None, "bool": rng.random((L, S)) < 0.3,
                 "float": rng.standard_normal((L, S))}[attn]
    kpm = None if padding is None else np.array([[False] * S, [False, True] * (S // 2)])
    (mq, mk, mv, mm, mp), (tq, tk, tv, tm, tp) = _tensors([q, k, v, attn_mask, kpm])
    need, average = weights
    kw = {"need_weights": need, "average_attn_weights": average}
    got = mine(mq, mk, mv, key_padding_mask=mp, attn_mask=mm, **kw)
    expected = theirs(tq, tk, tv, key_padding_mask=tp, attn_mask=tm, **kw)
    assert (got[1] is None) == (expected[1] is None)
    pairs = [(mq, tq), (mk, tk), (mv, tv)] + list(zip(mine.parameters(), theirs.parameters()))
    _backward_and_compare(list(got), list(expected), pairs, TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("self_attention", [True, False])
def test_multihead_attention_unbatched_and_3d_mask(dtype, self_attention):
    E, H, L = 6, 3, 4
    mine, theirs = _mha_pair(dtype, E, H)
    rng = np.random.default_rng(5)
    q = rng.standard_normal((L, E)).astype(dtype)
    kv = q if self_attention else rng.standard_normal((L + 1, E)).astype(dtype)
    mask = rng.standard_normal((H, L, kv.shape[0])).astype(dtype)
    (mq, mkv, mm), (tq, tkv, tm) = _tensors([q, kv, mask])
    got = mine(mq, mkv, mkv, attn_mask=mm, average_attn_weights=False)
    expected = theirs(tq, tkv, tkv, attn_mask=tm, average_attn_weights=False)
    pairs = [(mq, tq), (mkv, tkv), (mm, tm)] + list(zip(mine.parameters(), theirs.parameters()))
    _backward_and_compare(list(got), list(expected), pairs, TOL[dtype])


def test_multi_head_attention_forward_with_separate_weights_and_statics():
    rng = np.random.default_rng(6)
    E, H, L, N = 4, 2, 3, 2
    arrays = [rng.standard_normal(s) for s in [(L, N, E), (L, N, E), (L, N, E), (E, E), (E, E),
                                               (E, E), (3 * E,), (E, E), (E,)]]
    static = rng.standard_normal((N * H, 5, E // H))
    mine, theirs = _tensors(arrays + [static])

    def call(fn, q, k, v, wq, wk, wv, b, wo, bo, st):
        return fn(q, k, v, E, H, None, b, None, None, False, 0.0, wo, bo, training=False,
                  use_separate_proj_weight=True, q_proj_weight=wq, k_proj_weight=wk,
                  v_proj_weight=wv, static_k=st, static_v=st)

    got = call(F.multi_head_attention_forward, *mine)
    expected = call(TF.multi_head_attention_forward, *theirs)
    _backward_and_compare(list(got), list(expected), list(zip(mine, theirs)), TOL["float64"])


def test_multihead_attention_default_init_and_names_match_torch():
    for kwargs in [{}, {"kdim": 3, "vdim": 5, "add_bias_kv": True}, {"bias": False}]:
        torch.manual_seed(7)
        theirs = torch.nn.MultiheadAttention(8, 4, **kwargs)
        lt.manual_seed(7)
        mine = lt.nn.MultiheadAttention(8, 4, **kwargs)
        assert repr(mine) == repr(theirs)
        assert list(mine.state_dict()) == list(theirs.state_dict())
        for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
            np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


def test_multihead_attention_errors():
    check_raises(lambda: lt.nn.MultiheadAttention(10, 3), lambda: torch.nn.MultiheadAttention(10, 3))
    check_raises(lambda: lt.nn.MultiheadAttention(0, 3), lambda: torch.nn.MultiheadAttention(0, 3))
    mine, theirs = lt.nn.MultiheadAttention(4, 2), torch.nn.MultiheadAttention(4, 2)
    cases = [((2, 3, 4), (2, 3, 4), {"attn_mask": (3, 3)}),
             ((2, 3, 4), (2, 3, 4), {"attn_mask": (5, 2, 2)}),
             ((2, 3, 4), (2, 3, 4), {"key_padding_mask": (3, 3)}),
             ((2, 3, 4), (2, 3), {}),
             ((2, 3, 4, 1), (2, 3, 4, 1), {}),
             ((2, 3, 5), (2, 3, 5), {})]
    for q_shape, kv_shape, masks in cases:
        def run(lib, layer):
            extra = {n: lib.zeros(s, dtype=lib.bool) for n, s in masks.items()}
            return lambda: layer(lib.zeros(q_shape), lib.zeros(kv_shape), lib.zeros(kv_shape),
                                 **extra)
        check_raises(run(lt, mine), run(torch, theirs))


# -- Transformer layers ------------------------------------------------------------------------------
def _copy_into(mine, theirs):
    mine.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    mine.eval(), theirs.eval()


def _layer_pair(kind, *args, **kwargs):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # enable_nested_tensor's note on batch_first
        theirs = getattr(torch.nn, kind)(*args, **kwargs).double()
        mine = getattr(lt.nn, kind)(*args, **kwargs).double()
    _copy_into(mine, theirs)
    return mine, theirs


ACTIVATIONS = {"relu": ("relu", "relu"), "gelu": ("gelu", "gelu"),
               "callable": (lambda x: lt.tanh(x) * 2, lambda x: torch.tanh(x) * 2)}


@MIXED_MASKS
@pytest.mark.parametrize("norm_first,batch_first,activation,masks", list(itertools.product(
    [False, True], [False, True], list(ACTIVATIONS), [False, True])))
def test_encoder_and_decoder_layers(norm_first, batch_first, activation, masks):
    act_mine, act_theirs = ACTIVATIONS[activation]
    kw = {"dim_feedforward": 12, "dropout": 0.0, "norm_first": norm_first,
          "batch_first": batch_first}
    d, h, S, T, N = 8, 2, 4, 3, 2
    rng = np.random.default_rng(8)
    shape = (lambda n, length: (n, length, d) if batch_first else (length, n, d))
    src, tgt = rng.standard_normal(shape(N, S)), rng.standard_normal(shape(N, T))
    src_mask = rng.standard_normal((S, S)) if masks else None
    tgt_mask = np.triu(np.full((T, T), -np.inf), 1) if masks else None
    kpm = np.array([[False] * S, [False] * (S - 1) + [True]]) if masks else None
    (ms, mt, msm, mtm, mk), (ts, tt, tsm, ttm, tk) = _tensors([src, tgt, src_mask, tgt_mask, kpm])

    enc = _layer_pair("TransformerEncoderLayer", d, h, activation=act_theirs, **kw)
    enc[0].activation = enc[0].activation if isinstance(act_mine, str) else act_mine
    got = enc[0](ms, src_mask=msm, src_key_padding_mask=mk)
    expected = enc[1](ts, src_mask=tsm, src_key_padding_mask=tk)
    pairs = [(ms, ts)] + list(zip(enc[0].parameters(), enc[1].parameters()))
    _backward_and_compare([got], [expected], pairs, TOL["float64"])

    (ms, mt), (ts, tt) = _tensors([src, tgt])
    dec = _layer_pair("TransformerDecoderLayer", d, h, activation=act_theirs, **kw)
    dec[0].activation = dec[0].activation if isinstance(act_mine, str) else act_mine
    got = dec[0](mt, ms, tgt_mask=mtm, memory_key_padding_mask=mk)
    expected = dec[1](tt, ts, tgt_mask=ttm, memory_key_padding_mask=tk)
    pairs = [(ms, ts), (mt, tt)] + list(zip(dec[0].parameters(), dec[1].parameters()))
    _backward_and_compare([got], [expected], pairs, TOL["float64"])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer(batch_first, norm_first):
    mine, theirs = _layer_pair("Transformer", 8, 2, 2, 2, 16, dropout=0.1, batch_first=batch_first,
                               norm_first=norm_first)
    rng = np.random.default_rng(9)
    S, T, N = 5, 4, 3
    shape = (lambda length: (N, length, 8) if batch_first else (length, N, 8))
    src, tgt = rng.standard_normal(shape(S)), rng.standard_normal(shape(T))
    mask = lt.nn.Transformer.generate_square_subsequent_mask(T, dtype=lt.float64)
    assert_same(mask, torch.nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64))
    (ms, mt), (ts, tt) = _tensors([src, tgt])
    got = mine(ms, mt, tgt_mask=mask, tgt_is_causal=True)
    expected = theirs(ts, tt, tgt_mask=torch.tensor(mask.numpy()), tgt_is_causal=True)
    pairs = [(ms, ts), (mt, tt)] + list(zip(mine.parameters(), theirs.parameters()))
    _backward_and_compare([got], [expected], pairs, TOL["float64"])


def test_unbatched_encoder_and_detected_causal_mask():
    mine, theirs = _layer_pair("TransformerEncoderLayer", 4, 2, 8, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc_t = torch.nn.TransformerEncoder(theirs, 2, torch.nn.LayerNorm(4).double())
        enc_m = lt.nn.TransformerEncoder(mine, 2, lt.nn.LayerNorm(4).double())
    _copy_into(enc_m, enc_t)
    x = np.random.default_rng(10).standard_normal((5, 4))
    mask = np.triu(np.full((5, 5), -np.inf), 1)
    (mx, mm), (tx, tm) = _tensors([x, mask], grad=False)
    mx.requires_grad_(), tx.requires_grad_()
    _backward_and_compare([enc_m(mx, mask=mm)], [enc_t(tx, mask=tm)], [(mx, tx)],
                          TOL["float64"])


def test_transformer_default_init_reprs_and_keys_match_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(11)
        theirs = torch.nn.Transformer(8, 2, 1, 1, 16, activation="gelu")
        lt.manual_seed(11)
        mine = lt.nn.Transformer(8, 2, 1, 1, 16, activation="gelu")
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


def test_encoder_warns_like_torch_about_nested_tensors():
    layer = lt.nn.TransformerEncoderLayer(4, 2)
    with pytest.warns(UserWarning, match="enable_nested_tensor is True, but self.use_nested_tensor"
                                         " is False because encoder_layer.self_attn.batch_first"):
        lt.nn.TransformerEncoder(layer, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lt.nn.TransformerEncoder(lt.nn.TransformerEncoderLayer(4, 2, batch_first=True), 2)


def test_mixed_mask_types_warn_like_torch():
    layer = lt.nn.MultiheadAttention(4, 2)
    x = lt.zeros(3, 2, 4)
    with pytest.warns(UserWarning, match="^Support for mismatched key_padding_mask and attn_mask"
                                         " is deprecated. Use same type for both instead.$"):
        layer(x, x, x, key_padding_mask=lt.zeros(2, 3, dtype=lt.bool), attn_mask=lt.zeros(3, 3))


def test_transformer_errors():
    check_raises(lambda: lt.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
                 lambda: torch.nn.TransformerEncoderLayer(4, 2, activation="tanh"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, theirs = lt.nn.Transformer(4, 2, 1, 1, 8), torch.nn.Transformer(4, 2, 1, 1, 8)
    for src, tgt in [((3, 2, 4), (3, 1, 4)), ((3, 2, 4), (3, 2, 5))]:
        check_raises(lambda: mine(lt.zeros(src), lt.zeros(tgt)),
                     lambda: theirs(torch.zeros(src), torch.zeros(tgt)))


@pytest.mark.parametrize("need_weights", [False, True])
def test_training_mode_dropout_draws_torch_masks(need_weights):
    """With the same seed, dropout in attention and feed-forward blocks masks what torch's
    masks: a whole Transformer in training mode gives torch's output.

    (Sequence-first only: with batch_first, torch's dropout after attention sees a transposed,
    non-contiguous tensor and draws its mask in memory order, which F.dropout does not.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        theirs = torch.nn.Transformer(8, 2, 2, 2, 16, dropout=0.3)
        lt.manual_seed(0)
        mine = lt.nn.Transformer(8, 2, 2, 2, 16, dropout=0.3)
    rng = np.random.default_rng(12)
    src = rng.standard_normal((4, 3, 8)).astype(np.float32)
    tgt = rng.standard_normal((5, 3, 8)).astype(np.float32)
    torch.manual_seed(1)
    lt.manual_seed(1)
    assert_same(mine(lt.tensor(src), lt.tensor(tgt)), theirs(torch.tensor(src), torch.tensor(tgt)),
                **TOL["float32"])
    attn_mine, attn_theirs = mine.encoder.layers[0].self_attn, theirs.encoder.layers[0].self_attn
    torch.manual_seed(2)
    lt.manual_seed(2)
    got = attn_mine(*[lt.tensor(src)] * 3, need_weights=need_weights)
    expected = attn_theirs(*[torch.tensor(src)] * 3, need_weights=need_weights)
    for a, b in zip(got, expected):
        assert (a is None) == (b is None)
        if b is not None:
            assert_same(a, b, **TOL["float32"])


@pytest.mark.parametrize("attn_shape", [None, (3, 3), (2 * 2, 3, 3)])
@pytest.mark.parametrize("padding", [False, True])
def test_merge_masks(attn_shape, padding):
    rng = np.random.default_rng(13)
    attn = None if attn_shape is None else rng.standard_normal(attn_shape)
    kpm = rng.standard_normal((2, 3)) if padding else None
    query = np.zeros((2, 3, 4))
    (ma, mk, mq), (ta, tk, tq) = _tensors([attn, kpm, query], grad=False)
    got = lt.nn.MultiheadAttention(4, 2).merge_masks(ma, mk, mq)
    expected = torch.nn.MultiheadAttention(4, 2).merge_masks(ta, tk, tq)
    assert got[1] == expected[1]
    assert (got[0] is None) == (expected[0] is None)
    if expected[0] is not None:
        assert_same(got[0], expected[0])
