"""Lookup tables (learntorch/nn/_functional/sparse.py, nn/modules/sparse.py) against torch:
embedding (padding_idx, max_norm renormalising the weight in place, scale_grad_by_freq),
embedding_bag (sum/mean/max, offsets, per-sample weights), one_hot, the modules' init,
from_pretrained, reprs, state_dict, errors and double backward."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
import learntorch.nn.functional as F
from learntorch.autograd import gradcheck, gradgradcheck
from helpers import assert_same, check_op, check_raises

NUM, DIM = 7, 3


def _weight(dtype="float32", seed=0, rows=NUM, scale=1.0):
    return (np.random.default_rng(seed).standard_normal((rows, DIM)) * scale).astype(dtype)


def _indices(shape, seed=1, dtype="int64", high=NUM):
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(dtype)


def _same_indices(index):
    return lt.tensor(index), torch.from_numpy(index)


# -- embedding ----------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (5,), (2, 4), (2, 3, 2), (0,)], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("index_dtype", ["int64", "int32"])
@pytest.mark.parametrize("options", [{}, {"padding_idx": 2}, {"padding_idx": -1},
                                     {"scale_grad_by_freq": True},
                                     {"padding_idx": 0, "scale_grad_by_freq": True}], ids=str)
def test_embedding_values_and_weight_gradient(shape, dtype, index_dtype, options):
    """Repeated indices accumulate; the padding row gets no gradient; with
    ``scale_grad_by_freq`` each row's gradient is divided by its count in the batch."""
    index = _indices(shape, dtype=index_dtype)
    if index.size:
        index.flat[0] = 2 if options.get("padding_idx") in (2, None) else index.flat[0]
        index.flat[-1] = index.flat[0]
    li, ti = _same_indices(index)
    lt_out, _ = check_op(lambda w: F.embedding(li, w, **options),
                         lambda w: TF.embedding(ti, w, **options), _weight(dtype))
    if lt_out.requires_grad:
        assert lt_out.grad_fn.name() == "EmbeddingBackward0"


def test_sparse_true_gives_the_dense_form_of_torchs_sparse_gradient():
    """learntorch has no sparse tensors: ``sparse=True`` is accepted and the gradient is the
    dense tensor torch's sparse one stands for."""
    index = np.array([[1, 2, 2], [0, 6, 1]])
    w = _weight("float64")
    lw, tw = lt.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    g = np.random.default_rng(2).standard_normal((2, 3, DIM))
    F.embedding(lt.tensor(index), lw, sparse=True).backward(lt.tensor(g))
    TF.embedding(torch.from_numpy(index), tw, sparse=True).backward(torch.from_numpy(g))
    assert tw.grad.is_sparse
    assert_same(lw.grad, tw.grad.to_dense())


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (0.5, 1.0), (2.0, 3.0),
                                                (0.8, float("inf")), (100.0, 2.0)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_norm_renormalises_the_looked_up_rows_in_place(max_norm, norm_type, dtype):
    """Rows named in the input whose norm exceeds ``max_norm`` are rescaled in the weight
    itself (without gradient); other rows stay as they are."""
    w = _weight(dtype, scale=2.0)
    index = np.array([[0, 3, 3], [5, 0, 1]])
    lw, tw = lt.tensor(w.copy(), requires_grad=True), torch.tensor(w.copy(), requires_grad=True)
    ours = F.embedding(lt.tensor(index), lw, max_norm=max_norm, norm_type=norm_type)
    theirs = TF.embedding(torch.from_numpy(index), tw, max_norm=max_norm, norm_type=norm_type)
    assert_same(ours, theirs)
    assert_same(lw, tw)  # the weight changed in place the same way
    assert lw._version == tw._version
    g = np.random.default_rng(3).standard_normal(ours.shape).astype(dtype)
    ours.backward(lt.tensor(g))
    theirs.backward(torch.from_numpy(g))
    assert_same(lw.grad, tw.grad)


@settings(max_examples=40)
@given(rows=st.integers(1, 8), shape=st.lists(st.integers(0, 4), max_size=3),
       data=st.data())
def test_embedding_over_random_tables_and_indices(rows, shape, data):
    index = data.draw(st.lists(st.integers(0, rows - 1), min_size=int(np.prod(shape)),
                               max_size=int(np.prod(shape))))
    index = np.array(index, dtype=np.int64).reshape(shape)
    padding = data.draw(st.none() | st.integers(-rows, rows - 1))
    li, ti = _same_indices(index)
    check_op(lambda w: F.embedding(li, w, padding), lambda w: TF.embedding(ti, w, padding),
             _weight("float64", rows=rows))


def test_embedding_gradcheck_and_gradgradcheck():
    index = lt.tensor([[1, 2, 2], [0, 6, 1]])
    w = lt.tensor(_weight("float64"), requires_grad=True)
    fn = lambda w: F.embedding(index, w) ** 2  # noqa: E731 (squared: a nonzero second derivative)
    assert gradcheck(fn, (w,))
    assert gradgradcheck(fn, (w,))


def test_embedding_double_backward_with_padding_matches_torch():
    """The backward's own gradient (a lookup again) keeps the padding row at zero."""
    index = np.array([1, 2, 2, 0])
    w = _weight("float64")

    def second(lib, F_):
        wt = (lt.tensor(w, requires_grad=True) if lib is lt else torch.tensor(w, requires_grad=True))
        i = lt.tensor(index) if lib is lt else torch.from_numpy(index)
        out = F_.embedding(i, wt, padding_idx=2, scale_grad_by_freq=True)
        g, = lib.autograd.grad((out ** 3).sum(), [wt], create_graph=True)
        return lib.autograd.grad((g * g).sum(), [wt])[0]
    assert_same(second(lt, F), second(torch, TF), 1e-10, 1e-12)


# -- embedding_bag -----------------------------------------------------------------------------
BAG_INPUT = np.array([1, 2, 4, 5, 4, 3, 2, 2, 6])
BAG_OFFSETS = np.array([0, 2, 2, 5, 8])  # bag 1 is empty


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
@pytest.mark.parametrize("include_last_offset", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_bag_with_offsets(mode, padding_idx, include_last_offset, dtype):
    """With ``include_last_offset`` the offsets end with ``len(input)``, as documented."""
    li, ti = _same_indices(BAG_INPUT)
    offsets = np.r_[BAG_OFFSETS, BAG_INPUT.size] if include_last_offset else BAG_OFFSETS
    lo, to = _same_indices(offsets)
    kw = {"mode": mode, "padding_idx": padding_idx, "include_last_offset": include_last_offset}
    check_op(lambda w: F.embedding_bag(li, w, lo, **kw), lambda w: TF.embedding_bag(ti, w, to, **kw),
             _weight(dtype))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_entries_after_the_last_offset_belong_to_no_bag(mode):
    """A last offset short of ``len(input)`` leaves the entries after it out, in every mode.

    (torch 2.13 on CPU is inconsistent here: ``sum`` leaves them out, ``mean`` counts them
    in the divisor only, ``max`` takes them in.)
    """
    w = lt.arange(7.0).reshape(7, 1)
    index, offsets = lt.tensor(BAG_INPUT), lt.tensor(BAG_OFFSETS)  # BAG_OFFSETS ends at 8 < 9
    out = F.embedding_bag(index, w, offsets, mode=mode, include_last_offset=True).flatten()
    bags = [BAG_INPUT[0:2], BAG_INPUT[2:2], BAG_INPUT[2:5], BAG_INPUT[5:8]]
    reduce = {"sum": np.sum, "mean": np.mean, "max": np.max}[mode]
    np.testing.assert_allclose(out.numpy(), [reduce(b) if b.size else 0.0 for b in bags], rtol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_of_a_2d_input_is_a_batch_of_equal_bags(mode):
    index = _indices((4, 3))
    li, ti = _same_indices(index)
    check_op(lambda w: F.embedding_bag(li, w, mode=mode), lambda w: TF.embedding_bag(ti, w, mode=mode),
             _weight("float64"))


def test_embedding_bag_max_sends_the_gradient_to_the_first_largest_row():
    """Ties (the same row twice in a bag) go to the first occurrence, as in torch."""
    li, ti = _same_indices(np.array([3, 3, 1, 1, 1]))
    lo, to = _same_indices(np.array([0, 2]))
    check_op(lambda w: F.embedding_bag(li, w, lo, mode="max"),
             lambda w: TF.embedding_bag(ti, w, to, mode="max"), _weight("float64"))


@pytest.mark.parametrize("two_d", [False, True])
def test_embedding_bag_per_sample_weights(two_d):
    index = _indices((3, 4)) if two_d else BAG_INPUT
    per_sample = np.random.default_rng(4).standard_normal(index.shape)
    li, ti = _same_indices(index)
    offsets = {} if two_d else {"offsets": BAG_OFFSETS}
    lt_off = {k: lt.tensor(v) for k, v in offsets.items()}
    th_off = {k: torch.from_numpy(v) for k, v in offsets.items()}
    check_op(lambda w, s: F.embedding_bag(li, w, mode="sum", per_sample_weights=s, **lt_off),
             lambda w, s: TF.embedding_bag(ti, w, mode="sum", per_sample_weights=s, **th_off),
             _weight("float64"), per_sample)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_max_norm_renormalises_in_place(mode):
    li, ti = _same_indices(BAG_INPUT)
    lo, to = _same_indices(BAG_OFFSETS)
    w = _weight("float64", scale=3.0)
    lw, tw = lt.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ours = F.embedding_bag(li, lw, lo, max_norm=1.5, mode=mode)
    theirs = TF.embedding_bag(ti, tw, to, max_norm=1.5, mode=mode)
    assert_same(ours, theirs)
    assert_same(lw, tw)
    ours.sum().backward()
    theirs.sum().backward()
    assert_same(lw.grad, tw.grad)


def test_embedding_bag_scale_grad_by_freq_divides_by_each_row_s_frequency():
    """The documented rule: row k's gradient is divided by k's count in the input.

    torch 2.13's CPU kernel divides some rows by *another* row's count
    (pytorch/pytorch#190063, fixed after 2.13), so the oracle here is the rule itself,
    which torch's ``embedding`` (not ``embedding_bag``) follows.
    """
    w = lt.ones(NUM, DIM, dtype=lt.float64, requires_grad=True)
    F.embedding_bag(lt.tensor(BAG_INPUT), w, lt.tensor(BAG_OFFSETS), mode="sum",
                    scale_grad_by_freq=True).sum().backward()
    counts = np.bincount(BAG_INPUT, minlength=NUM)
    expected = np.where(counts > 0, 1.0, 0.0)  # each row: count · (1 / count)
    np.testing.assert_allclose(w.grad.numpy(), np.repeat(expected[:, None], DIM, 1))
    tw = torch.ones(NUM, DIM, dtype=torch.float64, requires_grad=True)
    TF.embedding(torch.from_numpy(BAG_INPUT), tw, scale_grad_by_freq=True).sum().backward()
    assert_same(w.grad, tw.grad)


def test_embedding_bag_gradcheck():
    index, offsets = lt.tensor(BAG_INPUT), lt.tensor(BAG_OFFSETS)
    w = lt.tensor(_weight("float64"), requires_grad=True)
    for mode in ("sum", "mean", "max"):
        fn = lambda w: F.embedding_bag(index, w, offsets, mode=mode) ** 2  # noqa: E731
        assert gradcheck(fn, (w,))
        assert gradgradcheck(fn, (w,))


# -- one_hot ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 0)], ids=str)
@pytest.mark.parametrize("num_classes", [-1, 7, 9])
def test_one_hot(shape, num_classes):
    index = _indices(shape)
    if num_classes == -1 and not index.size:
        num_classes = 4
    li, ti = _same_indices(index)
    assert_same(F.one_hot(li, num_classes), TF.one_hot(ti, num_classes))


ONE_HOT_ERRORS = {
    "too_large": lambda lib: lib.nn.functional.one_hot(lib.tensor([1, 2]), 2),
    "negative": lambda lib: lib.nn.functional.one_hot(lib.tensor([-1, 2]), 3),
    "float": lambda lib: lib.nn.functional.one_hot(lib.tensor([1.0, 2.0])),
    "int32": lambda lib: lib.nn.functional.one_hot(lib.tensor([1, 2], dtype=lib.int32)),
    "empty": lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int64)),
    "negative_classes": lambda lib: lib.nn.functional.one_hot(lib.tensor([1]), -2),
}


@pytest.mark.parametrize("case", ONE_HOT_ERRORS)
def test_one_hot_errors(case):
    check_raises(lambda: ONE_HOT_ERRORS[case](lt), lambda: ONE_HOT_ERRORS[case](torch))


# -- errors --------------------------------------------------------------------------------------
EMBEDDING_ERRORS = {
    "index_too_large": lambda lib: lib.nn.functional.embedding(lib.tensor([5]), lib.ones(5, 3)),
    "index_negative": lambda lib: lib.nn.functional.embedding(lib.tensor([-1]), lib.ones(5, 3)),
    "float_indices": lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.ones(5, 3)),
    "padding_idx": lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.ones(5, 3),
                                                           padding_idx=5),
    "padding_idx_negative": lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.ones(5, 3),
                                                                    padding_idx=-6),
    "weight_1d": lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.ones(5)),
    "module_index": lambda lib: lib.nn.Embedding(10, 3)(lib.tensor([[1, 10]])),
    "module_padding": lambda lib: lib.nn.Embedding(10, 3, padding_idx=10),
    "bag_padding": lambda lib: lib.nn.EmbeddingBag(10, 3, padding_idx=-11),
    "weight_shape": lambda lib: lib.nn.Embedding(10, 3, _weight=lib.ones(3, 10)),
    "pretrained_1d": lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(3)),
    "bag_offsets_2d": lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor([[1, 2]]), lib.ones(5, 3), [0]),  # a list: both name the same type
    "bag_no_offsets": lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), lib.ones(5, 3)),
    "bag_3d": lambda lib: lib.nn.functional.embedding_bag(lib.ones(1, 1, 1, dtype=lib.int64),
                                                          lib.ones(5, 3)),
    "bag_mode": lambda lib: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), lib.ones(5, 3),
                                                            mode="median"),
    "bag_weight_1d": lambda lib: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), lib.ones(5)),
    "bag_per_sample_mean": lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor([[1, 2]]), lib.ones(5, 3), per_sample_weights=lib.ones(1, 2)),
    "bag_max_freq": lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor([[1, 2]]), lib.ones(5, 3), mode="max", scale_grad_by_freq=True),
}


@pytest.mark.parametrize("case", EMBEDDING_ERRORS)
def test_errors_match_torch(case):
    check_raises(lambda: EMBEDDING_ERRORS[case](lt), lambda: EMBEDDING_ERRORS[case](torch))


def test_the_brief_s_index_error():
    with pytest.raises(IndexError, match="^index out of range in self$"):
        lt.nn.Embedding(4, 2)(lt.tensor([4]))


def test_bag_per_sample_weights_shape_error_names_both_shapes():
    check_raises(lambda: F.embedding_bag(lt.tensor([[1, 2]]), lt.ones(5, 3), mode="sum",
                                         per_sample_weights=lt.ones(2)),
                 lambda: TF.embedding_bag(torch.tensor([[1, 2]]), torch.ones(5, 3), mode="sum",
                                          per_sample_weights=torch.ones(2)))


# -- modules ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args,kwargs", [((10, 3), {}), ((10, 3), {"padding_idx": 0}),
                                         ((5, 4), {"padding_idx": -2}),
                                         ((10, 3), {"max_norm": 1.0, "norm_type": 1.0,
                                                    "scale_grad_by_freq": True, "sparse": True})],
                         ids=str)
def test_embedding_default_init_is_torchs_with_the_same_seed(args, kwargs):
    """``normal_()`` then the padding row zeroed: bit-identical to torch's draws."""
    lt.manual_seed(42)
    ours = lt.nn.Embedding(*args, **kwargs)
    torch.manual_seed(42)
    theirs = torch.nn.Embedding(*args, **kwargs)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    if ours.padding_idx is not None:
        assert not ours.weight.detach().numpy()[ours.padding_idx].any()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]


@pytest.mark.parametrize("kwargs", [{}, {"mode": "sum"}, {"mode": "max", "padding_idx": 1},
                                    {"max_norm": 2.0, "include_last_offset": True}], ids=str)
def test_embedding_bag_module_init_repr_and_forward(kwargs):
    lt.manual_seed(3)
    ours = lt.nn.EmbeddingBag(8, 3, **kwargs)
    torch.manual_seed(3)
    theirs = torch.nn.EmbeddingBag(8, 3, **kwargs)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert repr(ours) == repr(theirs)
    index, offsets = np.array([1, 2, 4, 5, 1, 7]), np.array([0, 2, 3, 6])
    check_op(lambda w: ours(lt.tensor(index), lt.tensor(offsets)),
             lambda w: theirs(torch.from_numpy(index), torch.from_numpy(offsets)), np.zeros(1),
             grad=False)


def test_the_brief_s_embedding_repr():
    assert repr(lt.nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"


def test_embedding_module_gradient_and_padding_row_stays_fixed():
    lm = lt.nn.Embedding(6, 2, padding_idx=1)
    tm = torch.nn.Embedding(6, 2, padding_idx=1)
    lm.load_state_dict({"weight": lt.tensor(tm.weight.detach().numpy())})
    index = np.array([[1, 2], [1, 5]])
    lo, to = lm(lt.tensor(index)), tm(torch.from_numpy(index))
    assert_same(lo, to)
    lo.sum().backward()
    to.sum().backward()
    assert_same(lm.weight.grad, tm.weight.grad)
    assert not lm.weight.grad.numpy()[1].any()


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained_shares_the_tensor_and_freezes(freeze):
    table = lt.tensor(_weight())
    ours = lt.nn.Embedding.from_pretrained(table, freeze=freeze, padding_idx=2)
    theirs = torch.nn.Embedding.from_pretrained(torch.from_numpy(_weight()), freeze=freeze,
                                                padding_idx=2)
    assert ours.weight.requires_grad is theirs.weight.requires_grad is (not freeze)
    assert repr(ours) == repr(theirs)
    assert_same(ours(lt.tensor([2, 0])), theirs(torch.tensor([2, 0])))
    assert ours.weight.detach().numpy()[2].any()  # a pretrained padding row is not zeroed
    table.numpy()[0, 0] = 123.0
    assert ours.weight.detach().numpy()[0, 0] == 123.0  # shares memory


def test_embedding_bag_from_pretrained():
    table = _weight()
    ours = lt.nn.EmbeddingBag.from_pretrained(lt.tensor(table), mode="sum")
    theirs = torch.nn.EmbeddingBag.from_pretrained(torch.from_numpy(table), mode="sum")
    assert ours.weight.requires_grad is theirs.weight.requires_grad is False
    assert repr(ours) == repr(theirs)
    index = np.array([[0, 1], [2, 2]])
    assert_same(ours(lt.tensor(index)), theirs(torch.from_numpy(index)))
