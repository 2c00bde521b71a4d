"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict (and DataParallel) vs torch.

Each test runs the same script in both libraries and compares what it observes: reprs,
keys, lengths, iteration order, state_dict keys and shapes, and errors.
"""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import learntorch as lt


def both(fn):
    return fn(lt), fn(torch)


def error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value).replace("learntorch", "torch")


def summary(module):
    return repr(module), [(k, tuple(v.shape)) for k, v in module.state_dict().items()]


# -- Sequential ------------------------------------------------------------------------------------
def test_sequential_positional_and_ordered_dict():
    def run(lib):
        nn = lib.nn
        a = nn.Sequential(nn.Linear(4, 3), nn.Flatten(), nn.Linear(3, 2))
        b = nn.Sequential(OrderedDict([("fc", nn.Linear(4, 3)), ("out", nn.Linear(3, 1))]))
        b.add_module("extra", nn.Identity())
        return summary(a), summary(b)
    ours, theirs = both(run)
    assert ours == theirs


def test_sequential_forward_chains_the_modules():
    def run(lib):
        lib.manual_seed(0)
        s = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Linear(4, 2))
        x = lib.tensor([[1.0, 2.0, 3.0]])
        return s(x).detach().numpy(), s[1](s[0](x)).detach().numpy()
    ours, theirs = both(run)
    np.testing.assert_allclose(ours[0], ours[1])
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6, atol=1e-6)


def test_sequential_list_operations():
    def run(lib):
        nn = lib.nn
        s = nn.Sequential(nn.Linear(1, 2), nn.Linear(2, 3), nn.Linear(3, 4))
        out = [repr(s[1:]), repr(s[-1]), repr(s[::2]), len(s)]
        s.append(nn.Identity())
        s.insert(1, nn.Flatten())
        s.insert(-1, nn.Identity(1))
        s.extend([nn.Linear(4, 4)])
        out.append(repr(s))
        del s[0]
        del s[1:3]
        out.append(repr(s))
        s[0] = nn.Linear(9, 9)
        out.append(repr(s.pop(1)))
        out.append(repr(s + nn.Sequential(nn.Identity())))
        t = nn.Sequential(nn.Identity(), nn.Flatten())
        t += nn.Sequential(nn.Linear(1, 1))
        out.append(repr(t))
        out.append(repr(t * 2))
        out.append(repr(2 * t))
        t *= 2
        out.append(repr(t))
        out.append([type(m).__name__ for m in s])
        out.append([n for n in dir(s) if n.isdigit()])
        return out
    ours, theirs = both(run)
    assert ours == theirs


@pytest.mark.parametrize("action", [
    lambda lib, s: s[5],
    lambda lib, s: s[-6],
    lambda lib, s: s.__setitem__(0, 3),
    lambda lib, s: s.append(3),
    lambda lib, s: s.add_module("x", "not a module"),
    lambda lib, s: s.insert(9, lib.nn.Identity()),
    lambda lib, s: s.insert(0, 3),
    lambda lib, s: s + [1],
    lambda lib, s: s * 0,
    lambda lib, s: s * 1.5,
    lambda lib, s: lib.nn.Sequential(3),
])
def test_sequential_errors_match_torch(action):
    def run(lib):
        s = lib.nn.Sequential(lib.nn.Identity(), lib.nn.Identity())
        return error(lambda: action(lib, s))
    ours, theirs = both(run)
    assert ours == theirs


def test_sequential_assigning_a_non_module_is_a_type_error():
    s = lt.nn.Sequential(lt.nn.Identity())
    with pytest.raises(TypeError, match="is not a Module subclass"):
        s.append(lambda x: x)


# -- ModuleList ------------------------------------------------------------------------------------
def test_module_list_behaves_like_torchs():
    def run(lib):
        nn = lib.nn
        ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        out = [repr(ml), len(ml), repr(ml[1:])]
        ml.append(nn.Linear(2, 3))
        ml.extend([nn.Identity(), nn.Identity()])
        ml.insert(0, nn.Flatten())
        ml += [nn.Linear(1, 1)]
        out.append(repr(ml))
        out.append(summary(ml)[1])
        del ml[0]
        out.append(repr(ml.pop(-1)))
        ml[0] = nn.Identity()
        out.append(repr(ml + nn.ModuleList([nn.Identity()])))
        out.append(repr(nn.ModuleList()))
        out.append(error(lambda: ml[10]))
        out.append(error(lambda: ml.extend(3)))
        return out
    ours, theirs = both(run)
    assert ours == theirs


def test_module_list_inside_a_model_registers_parameters():
    def run(lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = lib.nn.ModuleList([lib.nn.Linear(2, 2), lib.nn.Linear(2, 1)])
        return summary(Net())
    ours, theirs = both(run)
    assert ours == theirs


# -- ModuleDict ------------------------------------------------------------------------------------
def test_module_dict_behaves_like_torchs():
    def run(lib):
        nn = lib.nn
        md = nn.ModuleDict({"b": nn.Linear(1, 2), "a": nn.Identity()})
        md["c"] = nn.Flatten()
        md.update([("d", nn.Linear(2, 2))])
        md.update(OrderedDict(e=nn.Identity()))
        out = [repr(md), list(md), list(md.keys()), len(md), "a" in md]
        out.append([type(v).__name__ for v in md.values()])
        out.append([k for k, _ in md.items()])
        out.append(repr(md.pop("a")))
        del md["b"]
        out.append(summary(md))
        out.append(error(lambda: md.update(3)))
        out.append(error(lambda: md.update([("x",)])))
        out.append(error(lambda: md.update([3])))
        out.append(error(lambda: md["zz"]))
        md.clear()
        out.append(len(md))
        return out
    ours, theirs = both(run)
    assert ours == theirs


# -- ParameterList / ParameterDict ----------------------------------------------------------------
def test_parameter_list_behaves_like_torchs():
    def run(lib):
        nn = lib.nn
        pl = nn.ParameterList([nn.Parameter(lib.ones(2)), lib.zeros(3, 4)])
        pl.append(lib.ones(1, dtype=lib.float64))
        pl.extend([nn.Parameter(lib.ones(5))])
        pl.append("not a tensor")
        out = [repr(pl), len(pl), [type(p).__name__ for p in pl], summary(pl)[1]]
        out.append(repr(pl[1:3]))
        pl[0] = lib.full((2,), 3.0)
        out.append(type(pl[0]).__name__)
        out.append(pl[0].requires_grad)
        out.append(error(lambda: pl[9]))
        out.append(error(lambda: pl.extend(lib.ones(2))))
        out.append(error(lambda: pl()))
        return out
    ours, theirs = both(run)
    assert ours == theirs


def test_parameter_dict_behaves_like_torchs():
    def run(lib):
        nn = lib.nn
        pd = nn.ParameterDict({"w": lib.ones(2), "a": nn.Parameter(lib.zeros(1))})  # sorted
        pd["z"] = lib.ones(3, dtype=lib.float64)
        pd.update([("b", lib.ones(1))])
        pd.update(OrderedDict(y=lib.zeros(2)))
        out = [repr(pd), list(pd), len(pd), "a" in pd, summary(pd)[1]]
        out.append(type(pd["w"]).__name__)
        out.append(pd.get("missing", 5))
        out.append(pd.setdefault("s", lib.ones(1)).shape == (1,))
        out.append(pd.pop("a").shape)
        out.append(pd.popitem()[0])
        out.append(list(reversed(pd)))
        out.append(list(pd.copy()))
        out.append(list(pd | nn.ParameterDict({"q": lib.ones(1)})))
        out.append(list(pd.fromkeys(["m", "n"], lib.ones(1))))
        out.append([k for k, _ in pd.items()])
        out.append(error(lambda: pd[3]))
        out.append(error(lambda: pd(1)))
        out.append(error(lambda: pd.update(3)))
        pd.clear()
        out.append(len(pd))
        return out
    ours, theirs = both(run)
    assert ours == theirs


def test_container_deprecation_warning():
    def run(lib):
        with pytest.warns(FutureWarning) as record:
            c = lib.nn.Container(a=lib.nn.Identity())
        return str(record[0].message), repr(c)
    ours, theirs = both(run)
    assert ours == theirs


# -- DataParallel ------------------------------------------------------------------------------------
def test_data_parallel_is_a_pass_through_on_cpu():
    def run(lib):
        lib.manual_seed(0)
        dp = lib.nn.DataParallel(lib.nn.Linear(3, 2))
        y = dp(lib.ones(4, 3))
        return (repr(dp), list(dp.state_dict()), dp.device_ids, type(dp.module).__name__,
                y.detach().numpy())
    ours, theirs = both(run)
    assert ours[:4] == theirs[:4]
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-6)


def test_data_parallel_function_needs_a_device_like_torch():
    ours, theirs = both(lambda lib: error(
        lambda: lib.nn.parallel.data_parallel(lib.nn.Linear(2, 2), lib.ones(1, 2))))
    assert ours == theirs


# -- random nested models ------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LEAVES = st.sampled_from(["linear", "linear_nobias", "identity", "flatten", "bilinear"])
_TREES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.tuples(st.just("seq"), st.lists(children, max_size=3)),
        st.tuples(st.just("list"), st.lists(children, max_size=3)),
        st.tuples(st.just("dict"), st.lists(children, max_size=3)),
        st.tuples(st.just("odict"), st.lists(children, min_size=1, max_size=3))),
    max_leaves=8)


def _build(lib, spec, n):
    """The model ``spec`` describes; ``n`` counts leaves so layer sizes vary but repeat."""
    nn = lib.nn
    if isinstance(spec, str):
        n[0] += 1
        k = n[0] % 3 + 1
        return {"linear": lambda: nn.Linear(k, k + 1), "linear_nobias": lambda: nn.Linear(k, 2, bias=False),
                "identity": nn.Identity, "flatten": lambda: nn.Flatten(0, -1),
                "bilinear": lambda: nn.Bilinear(k, 2, 3)}[spec]()
    kind, items = spec
    built = [_build(lib, s, n) for s in items]
    if kind == "seq":
        return nn.Sequential(*built)
    if kind == "list":
        return nn.ModuleList(built)
    if kind == "dict":
        return nn.ModuleDict({f"m{i}": m for i, m in enumerate(built)})
    return nn.Sequential(OrderedDict((f"layer_{i}", m) for i, m in enumerate(built)))


@settings(max_examples=40, deadline=None)
@given(spec=_TREES)
def test_random_nested_models_match_torch(spec):
    def describe(lib):
        model = _build(lib, spec, [0])
        return (repr(model), [(k, tuple(v.shape)) for k, v in model.state_dict().items()],
                [k for k, _ in model.named_modules()], [k for k, _ in model.named_parameters()],
                sum(p.numel() for p in model.parameters()))
    ours, theirs = both(describe)
    assert ours == theirs
