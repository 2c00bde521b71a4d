"""nn.Module and nn.Parameter against torch: registration, iteration, state_dict, errors, hooks.

Every test builds the same model in both libraries (``lib`` is ``learntorch`` or ``torch``)
and compares what a user can observe: names, reprs, messages, values and gradients.
"""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt

LIBS = (lt, torch)


def net_class(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(lib.ones(2, 3))
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("scratch", lib.zeros(1), persistent=False)
            self.sub = nn.Module()
            self.sub.p = nn.Parameter(lib.zeros(2))
            self.marked = nn.Buffer(lib.ones(1))
            self.missing = None

        def forward(self, x):
            return (x @ self.w).sum(0) + self.running

    return Net


def both(fn):
    """``fn(lib)`` for learntorch and for torch."""
    return fn(lt), fn(torch)


def message(fn, exc):
    with pytest.raises(exc) as info:
        fn()
    return str(info.value)


# -- Parameter and Buffer --------------------------------------------------------------------
def test_parameter_repr_and_type():
    ours, theirs = both(lambda lib: lib.nn.Parameter(lib.arange(6.0).reshape(2, 3)))
    assert repr(ours) == repr(theirs)
    assert ours.requires_grad and ours.is_leaf
    assert isinstance(ours, lt.Tensor) and isinstance(ours, lt.nn.Parameter)
    frozen = both(lambda lib: repr(lib.nn.Parameter(lib.ones(2), requires_grad=False)))
    assert frozen[0] == frozen[1]


def test_parameter_shares_memory_and_ops_give_plain_tensors():
    t = lt.zeros(3)
    p = lt.nn.Parameter(t)
    t.add_(1)
    assert p.tolist() == [1.0, 1.0, 1.0]
    assert type(p * 2) is lt.Tensor and type(p.detach()) is lt.Tensor
    assert type(p.data) is lt.Tensor


def test_parameter_inside_no_grad_still_requires_grad():
    with lt.no_grad():
        assert lt.nn.Parameter(lt.ones(1)).requires_grad


def test_parameter_of_integers_cannot_require_grad():
    ours, theirs = both(lambda lib: message(lambda: lib.nn.Parameter(lib.ones(2, dtype=lib.int64)),
                                            RuntimeError))
    assert ours == theirs


def test_parameter_default_is_empty():
    assert lt.nn.Parameter().shape == torch.nn.Parameter().shape


def test_parameter_deepcopy_and_pickle_keep_class_values_and_grad_flag():
    p = lt.nn.Parameter(lt.arange(3.0))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is lt.nn.Parameter and q.requires_grad and q.tolist() == [0.0, 1.0, 2.0]
        q.data.add_(1)
        assert p.tolist() == [0.0, 1.0, 2.0]


def test_buffer_marks_a_tensor():
    b = lt.nn.Buffer(lt.ones(2), persistent=False)
    assert isinstance(b, lt.nn.Buffer) and not isinstance(lt.ones(2), lt.nn.Buffer)
    assert b.persistent is False


def test_uninitialized_parameter_materializes_into_parameter():
    ours, theirs = both(lambda lib: lib.nn.UninitializedParameter())
    assert repr(ours) == repr(theirs)
    assert lt.nn.parameter.is_lazy(ours)
    ours.materialize((2, 3))
    assert type(ours) is lt.nn.Parameter and ours.shape == (2, 3) and ours.requires_grad


# -- registration and iteration ----------------------------------------------------------------
def test_registration_iteration_and_state_dict_order():
    ours, theirs = both(lambda lib: net_class(lib)())
    for method in ("named_parameters", "named_buffers", "named_modules", "named_children"):
        assert [k for k, _ in getattr(ours, method)()] == [k for k, _ in getattr(theirs, method)()]
    assert [k for k, _ in ours.named_parameters(recurse=False)] == \
        [k for k, _ in theirs.named_parameters(recurse=False)]
    assert [k for k, _ in ours.named_parameters(prefix="model")] == \
        [k for k, _ in theirs.named_parameters(prefix="model")]
    sd_ours, sd_theirs = ours.state_dict(), theirs.state_dict()
    assert type(sd_ours).__name__ == "OrderedDict"
    assert list(sd_ours) == list(sd_theirs)
    assert [tuple(v.shape) for v in sd_ours.values()] == [tuple(v.shape) for v in sd_theirs.values()]
    assert sd_ours._metadata == sd_theirs._metadata
    assert not any(v.requires_grad for v in sd_ours.values())
    assert ours.state_dict(keep_vars=True)["w"] is ours.w
    assert list(ours.state_dict(prefix="m.")) == list(theirs.state_dict(prefix="m."))
    assert ours.missing is None and theirs.missing is None


def test_shared_parameters_and_modules_are_listed_once():
    def build(lib):
        m = lib.nn.Module()
        m.a = lib.nn.Module()
        m.b = m.a
        m.a.w = lib.nn.Parameter(lib.ones(1))
        m.a.v = m.a.w
        return m
    ours, theirs = both(build)
    assert [k for k, _ in ours.named_parameters()] == [k for k, _ in theirs.named_parameters()]
    assert [k for k, _ in ours.named_modules(remove_duplicate=False)] == \
        [k for k, _ in theirs.named_modules(remove_duplicate=False)]
    assert [k for k, _ in ours.named_parameters(remove_duplicate=False)] == \
        [k for k, _ in theirs.named_parameters(remove_duplicate=False)]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_reassigning_moves_a_name_between_registries():
    def build(lib):
        m = lib.nn.Module()
        m.x = lib.nn.Buffer(lib.ones(1))
        m.x = lib.nn.Module()
        m.y = lib.nn.Buffer(lib.ones(1))
        m.y = lib.zeros(2)  # stays a buffer
        m.z = lib.ones(1)   # a plain attribute
        del m.x
        return m
    ours, theirs = both(build)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["y"]
    assert [k for k, _ in ours.named_modules()] == [k for k, _ in theirs.named_modules()]


@pytest.mark.parametrize("action", [
    lambda lib, m: setattr(m, "w", lib.zeros(1)),
    lambda lib, m: setattr(m, "sub", 3),
    lambda lib, m: setattr(m, "running", "text"),
    lambda lib, m: m.register_parameter("bad.name", None),
    lambda lib, m: m.register_parameter("", None),
    lambda lib, m: m.register_parameter("forward", None),
    lambda lib, m: m.register_parameter("q", lib.ones(1)),
    lambda lib, m: m.register_buffer("b.c", None),
    lambda lib, m: m.register_buffer(3, None),
    lambda lib, m: m.register_buffer("w", None),
    lambda lib, m: m.register_buffer("q", [1]),
    lambda lib, m: m.add_module("q", 3),
    lambda lib, m: m.add_module("a.b", lib.nn.Module()),
    lambda lib, m: m.add_module("", lib.nn.Module()),
    lambda lib, m: m.add_module("w", lib.nn.Module()),
    lambda lib, m: m.register_parameter("q", lib.nn.Parameter(lib.ones(1)) * 2),
    lambda lib, m: m.get_submodule("sub.nothing"),
    lambda lib, m: m.get_submodule("w"),
    lambda lib, m: m.get_parameter("running"),
    lambda lib, m: m.get_parameter("sub.none"),
    lambda lib, m: m.get_buffer("w"),
    lambda lib, m: m.nothing,
    lambda lib, m: m.train("yes"),
    lambda lib, m: lib.nn.Module()(1),
    lambda lib, m: lib.nn.Module(3),
    lambda lib, m: lib.nn.Module(x=3),
])
def test_bad_registration_and_lookup_errors_match_torch(action):
    def run(lib):
        m = net_class(lib)()
        with pytest.raises(Exception) as info:
            action(lib, m)
        return type(info.value).__name__, str(info.value)
    ours, theirs = both(run)
    assert ours == theirs


def test_register_parameter_after_a_plain_attribute_fails_like_torch():
    class Early(lt.nn.Module):
        def __init__(self):
            self.w = lt.nn.Parameter(lt.ones(1))

    class EarlyT(torch.nn.Module):
        def __init__(self):
            self.w = torch.nn.Parameter(torch.ones(1))

    assert message(Early, AttributeError) == message(EarlyT, AttributeError)


def test_get_submodule_parameter_buffer_and_set_submodule():
    def build(lib):
        m = lib.nn.Module()
        m.a = lib.nn.Module()
        m.a.b = lib.nn.Module()
        m.a.b.w = lib.nn.Parameter(lib.ones(1))
        m.a.b.register_buffer("r", lib.zeros(1))
        return m
    m = build(lt)
    assert m.get_submodule("a.b") is m.a.b and m.get_submodule("") is m
    assert m.get_parameter("a.b.w") is m.a.b.w
    assert m.get_buffer("a.b.r") is m.a.b.r
    new = lt.nn.Module()
    m.set_submodule("a.b", new)
    assert m.a.b is new


def test_dir_lists_registered_names():
    m = net_class(lt)()
    names = dir(m)
    for name in ("w", "running", "sub", "marked", "forward", "state_dict"):
        assert name in names
    assert names == sorted(names)


def test_children_modules_and_parameters_generators():
    ours, theirs = both(lambda lib: net_class(lib)())
    assert len(list(ours.children())) == len(list(theirs.children())) == 1
    assert len(list(ours.modules())) == len(list(theirs.modules())) == 2
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert [tuple(b.shape) for b in ours.buffers()] == [tuple(b.shape) for b in theirs.buffers()]


# -- repr ----------------------------------------------------------------------------------------
def test_nested_repr_with_extra_repr_matches_torch():
    def build(lib):
        class Leaf(lib.nn.Module):
            def __init__(self, n):
                super().__init__()
                self.n = n

            def extra_repr(self):
                return f"n={self.n}"

        class Multi(lib.nn.Module):
            def extra_repr(self):
                return "first=1\nsecond=2"

        class Outer(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.leaf = Leaf(3)
                self.inner = lib.nn.Module()
                self.inner.deep = Leaf(4)
                self.inner.multi = Multi()
                self.empty = lib.nn.Module()

            def extra_repr(self):
                return "outer=True"
        return Outer()
    ours, theirs = both(lambda lib: repr(build(lib)))
    assert ours == theirs


# -- train / eval, requires_grad_, zero_grad, apply ----------------------------------------------
def test_train_eval_propagate():
    m = net_class(lt)()
    assert m.training and m.sub.training
    assert m.eval() is m and not m.sub.training
    m.train()
    assert m.sub.training


def test_requires_grad_and_zero_grad():
    m = net_class(lt)()
    m(lt.ones(4, 2)).sum().backward()
    assert m.w.grad is not None
    m.zero_grad(set_to_none=False)
    assert m.w.grad.tolist() == [[0.0] * 3] * 2
    m.zero_grad()
    assert m.w.grad is None
    assert m.requires_grad_(False) is m and not m.w.requires_grad and not m.sub.p.requires_grad


def test_apply_visits_children_first():
    seen = []
    ours = net_class(lt)()
    theirs = net_class(torch)()
    ours.apply(lambda mod: seen.append(type(mod).__name__))
    expected = []
    theirs.apply(lambda mod: expected.append(type(mod).__name__))
    assert seen == expected


# -- to / dtype conversion -----------------------------------------------------------------------
def test_to_and_dtype_methods_keep_parameter_objects():
    m = net_class(lt)()
    w = m.w
    m(lt.ones(4, 2)).sum().backward()
    assert m.double() is m and m.w is w and m.w.dtype is lt.float64 and m.w.grad.dtype is lt.float64
    assert m.running.dtype is lt.float64 and isinstance(m.w, lt.nn.Parameter)
    m.to(lt.float32)
    assert m.w.dtype is lt.float32
    m.half()
    assert m.w.dtype is lt.float16
    m.float().to("cpu")
    assert m.w.dtype is lt.float32 and m.w.device.type == "cpu"
    m.to(lt.zeros(1, dtype=lt.float64))
    assert m.w.dtype is lt.float64
    m.type(lt.float32)
    assert m.running.dtype is lt.float32
    m.cpu()


def test_to_integer_dtype_is_a_type_error():
    ours, theirs = both(lambda lib: message(lambda: net_class(lib)().to(lib.int64), TypeError))
    assert ours == theirs


def test_integer_buffers_keep_their_dtype_on_float_conversion():
    m = lt.nn.Module()
    m.register_buffer("count", lt.zeros(1, dtype=lt.int64))
    m.double()
    assert m.count.dtype is lt.int64


# -- load_state_dict ----------------------------------------------------------------------------
def test_load_state_dict_copies_in_place():
    ours = net_class(lt)()
    w = ours.w
    sd = ours.state_dict()
    sd["w"] = lt.full((2, 3), 7.0)
    result = ours.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    assert ours.w is w and ours.w.tolist() == [[7.0] * 3] * 2


def test_load_state_dict_assign_replaces_objects_keeping_requires_grad():
    ours = net_class(lt)()
    sd = ours.state_dict()
    new = lt.full((2, 3), 5.0)
    sd["w"] = new
    ours.load_state_dict(sd, assign=True)
    assert isinstance(ours.w, lt.nn.Parameter) and ours.w.requires_grad
    new.add_(1)
    assert ours.w.tolist() == [[6.0] * 3] * 2


@pytest.mark.parametrize("edit", [
    lambda lib, sd: sd.pop("w"),
    lambda lib, sd: sd.update(extra=lib.zeros(1), **{"sub.q": lib.zeros(1), "other.x": lib.ones(1)}),
    lambda lib, sd: sd.update(w=lib.zeros(3, 3), running=lib.zeros(4)),
    lambda lib, sd: (sd.pop("sub.p"), sd.update(w=lib.zeros(1), extra=lib.zeros(1))),
    lambda lib, sd: sd.update(w=[1.0]),
])
def test_load_state_dict_errors_list_every_key_like_torch(edit):
    def run(lib):
        m = net_class(lib)()
        sd = m.state_dict()
        edit(lib, sd)
        err = message(lambda: m.load_state_dict(sd), RuntimeError)
        return err.replace("torch.Tensor", "Tensor")
    ours, theirs = both(run)
    assert ours.replace("learntorch.", "torch.") == theirs


def test_load_state_dict_not_strict_returns_incompatible_keys():
    def run(lib):
        m = net_class(lib)()
        sd = m.state_dict()
        sd.pop("w")
        sd["extra"] = lib.zeros(1)
        return m.load_state_dict(sd, strict=False)
    ours, theirs = both(run)
    assert repr(ours) == repr(theirs)
    assert ours.missing_keys == ["w"] and ours.unexpected_keys == ["extra"]


def test_load_state_dict_rejects_non_dicts():
    ours, theirs = both(lambda lib: message(lambda: net_class(lib)().load_state_dict([1]), TypeError))
    assert ours == theirs.replace("torch", "torch")


def test_torch_state_dict_loads_into_learntorch():
    theirs = net_class(torch)()
    with torch.no_grad():
        theirs.w.uniform_()
    ours = net_class(lt)()
    sd = {k: lt.tensor(v.numpy()) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(sd)
    np.testing.assert_array_equal(ours.w.detach().numpy(), theirs.w.detach().numpy())


def test_version_metadata_reaches_load_from_state_dict():
    seen = {}

    class Versioned(lt.nn.Module):
        _version = 2

        def __init__(self):
            super().__init__()
            self.w = lt.nn.Parameter(lt.ones(1))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            seen["version"] = local_metadata.get("version")
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    outer = lt.nn.Module()
    outer.v = Versioned()
    sd = outer.state_dict()
    assert sd._metadata["v"] == {"version": 2}
    outer.load_state_dict(sd)
    assert seen["version"] == 2


def test_extra_state_round_trip():
    class WithState(lt.nn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    m = WithState()
    m.value = 5
    sd = m.state_dict()
    assert list(sd) == ["_extra_state"]
    fresh = WithState()
    fresh.load_state_dict(sd)
    assert fresh.value == 5


def test_state_dict_and_load_hooks():
    m = net_class(lt)()
    calls = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append("pre"))
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: calls.append("post"))
    m.register_load_state_dict_pre_hook(lambda mod, sd, *rest: calls.append("load_pre"))

    def post(mod, keys):
        calls.append("load_post")
        keys.missing_keys.clear()
    m.register_load_state_dict_post_hook(post)
    sd = m.state_dict()
    sd.pop("w")
    m.load_state_dict(sd)  # the post hook cleared the missing key
    assert calls == ["pre", "post", "load_pre", "load_post"]


# -- pickling and copying -------------------------------------------------------------------------
def test_module_pickles_and_deepcopies():
    m = Net()
    m.register_forward_hook(_keep_output)
    for clone in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert list(clone.state_dict()) == list(m.state_dict())
        assert clone.w is not m.w and isinstance(clone.w, lt.nn.Parameter)
        assert clone(lt.ones(4, 2)).tolist() == m(lt.ones(4, 2)).tolist()


def _keep_output(module, args, output):
    return output


Net = net_class(lt)  # pickling needs a class reachable by name
Net.__qualname__ = "Net"


# -- forward hooks -----------------------------------------------------------------------------
def test_forward_pre_and_post_hooks_order_replace_and_remove():
    def run(lib):
        m = net_class(lib)()
        log = []
        m.register_forward_pre_hook(lambda mod, args: log.append("pre1"))
        m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        m.register_forward_pre_hook(lambda mod, args: log.append("pre0"), prepend=True)
        h = m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append(("kw", sorted(kwargs))),
                                with_kwargs=True)
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, kwargs), with_kwargs=True)
        first = m(lib.ones(4, 2)).tolist()
        h.remove()
        second = m(lib.ones(4, 2)).tolist()
        return log, first, second
    assert both(run)[0] == both(run)[1]


def test_forward_pre_hook_bad_return_error():
    def run(lib):
        m = net_class(lib)()
        m.register_forward_pre_hook(lambda mod, args, kwargs: 3, with_kwargs=True)
        return message(lambda: m(lib.ones(4, 2)), RuntimeError)
    ours, theirs = both(run)
    assert ours == theirs


def test_always_call_forward_hook_runs_when_forward_raises():
    def run(lib):
        class Boom(lib.nn.Module):
            def forward(self, x):
                raise ValueError("boom")
        m = Boom()
        log = []
        m.register_forward_hook(lambda mod, args, out: log.append(out), always_call=True)
        with pytest.raises(ValueError):
            m(1)
        return log
    assert both(run)[0] == both(run)[1] == [None]


def test_handle_works_as_context_manager():
    m = net_class(lt)()
    log = []
    with m.register_forward_hook(lambda mod, args, out: log.append(1)):
        m(lt.ones(4, 2))
    m(lt.ones(4, 2))
    assert log == [1]


def test_global_forward_hook():
    log = []
    handle = lt.nn.modules.module.register_module_forward_hook(lambda m, a, o: log.append(type(m).__name__))
    try:
        net_class(lt)()(lt.ones(4, 2))
    finally:
        handle.remove()
    net_class(lt)()(lt.ones(4, 2))
    assert log == ["Net"]


# -- backward hooks ---------------------------------------------------------------------------
class _Two:
    """A module of two inputs and two outputs, one input not needing grad."""

    @staticmethod
    def build(lib):
        class Two(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = lib.nn.Parameter(lib.arange(1.0, 4.0))

            def forward(self, a, b, scale=1.0):
                return a * self.w * scale, (a + b).sum() * 2
        return Two()


def test_full_backward_hooks_see_torch_gradients_and_can_replace_them():
    def run(lib):
        m = _Two.build(lib)
        seen = []

        def pre(mod, grad_output):
            seen.append(("pre", [g.tolist() for g in grad_output]))
            return (grad_output[0] * 10, grad_output[1])

        def hook(mod, grad_input, grad_output):
            seen.append(("bw", [None if g is None else g.tolist() for g in grad_input],
                         [g.tolist() for g in grad_output]))
            return (grad_input[0] + 1, None)
        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(hook)
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = lib.tensor([0.5, 0.5, 0.5])
        out, total = m(a, b, scale=2.0)
        (out.sum() + total).backward()
        return seen, a.grad.tolist(), m.w.grad.tolist()
    ours, theirs = both(run)
    assert ours == theirs


def test_full_backward_hook_without_input_grad_warns_and_fires_on_outputs():
    def run(lib):
        m = _Two.build(lib)
        seen = []
        m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, [None if g is None else g.tolist() for g in go])))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out, total = m(lib.ones(3), lib.ones(3))
            out.sum().backward()
        return seen, [str(x.message)[:40] for x in w]
    ours, theirs = both(run)
    assert ours == theirs


def test_full_and_legacy_backward_hooks_cannot_mix():
    def run(lib):
        m = _Two.build(lib)
        m.register_full_backward_hook(lambda *a: None)
        return message(lambda: m.register_backward_hook(lambda *a: None), RuntimeError)
    ours, theirs = both(run)
    assert ours == theirs


def test_backward_hook_removed_no_longer_fires():
    m = _Two.build(lt)
    seen = []
    h = m.register_full_backward_hook(lambda mod, gi, go: seen.append(1))
    h.remove()
    a = lt.ones(3, requires_grad=True)
    m(a, lt.ones(3))[0].sum().backward()
    assert seen == [] and a.grad.tolist() == [1.0, 2.0, 3.0]


def test_legacy_register_backward_hook_fires_with_the_output_gradient():
    def run(lib):
        m = lib.nn.Linear(3, 2)
        seen = []
        m.register_backward_hook(lambda mod, gi, go: seen.append([g.tolist() for g in go]))
        x = lib.ones(4, 3, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            (m(x) * 3).sum().backward()
        return seen, [(x.category.__name__, str(x.message)) for x in w]
    ours, theirs = both(run)
    assert ours == theirs
    assert ours[0] == [[[[3.0, 3.0]] * 4]] and len(ours[1]) == 1


# -- checkpoints in torch's file format, both ways -------------------------------------------------
def _mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Flatten(), lib.nn.Linear(8, 2))


def test_torch_checkpoint_loads_into_a_learntorch_model(tmp_path):
    theirs = _mlp(torch)
    with torch.no_grad():
        for p in theirs.parameters():
            p.mul_(3)
    torch.save(theirs.state_dict(), tmp_path / "m.pt")
    ours = _mlp(lt)
    result = ours.load_state_dict(lt.load(tmp_path / "m.pt"))
    assert repr(result) == "<All keys matched successfully>"
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(lt.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_learntorch_checkpoint_loads_into_a_torch_model(tmp_path):
    ours = _mlp(lt)
    lt.save(ours.state_dict(), tmp_path / "m.pt")
    theirs = _mlp(torch)
    with torch.no_grad():
        for p in theirs.parameters():
            p.zero_()
    theirs.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_whole_model_saves_and_loads(tmp_path):
    model = Net()
    lt.save(model, tmp_path / "net.pt")
    loaded = lt.load(tmp_path / "net.pt", weights_only=False)
    assert type(loaded).__name__ == "Net" and list(loaded.state_dict()) == list(model.state_dict())
    assert loaded(lt.ones(4, 2)).tolist() == model(lt.ones(4, 2)).tolist()


def test_hooks_leave_gradients_intact_gradcheck_float64():
    from learntorch.autograd import gradcheck, gradgradcheck
    m = lt.nn.Sequential(lt.nn.Linear(3, 4), lt.nn.Linear(4, 2)).double()
    calls = []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append(1))
    m[0].register_full_backward_pre_hook(lambda mod, go: None)
    m[1].register_forward_hook(lambda mod, args, out: out * 1.0)
    x = lt.randn(5, 3, dtype=lt.float64, requires_grad=True)
    assert gradcheck(m, (x,))
    assert gradgradcheck(m, (x,))
    assert calls
