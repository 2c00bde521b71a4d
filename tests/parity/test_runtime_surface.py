"""The runtime around tensors against torch: legacy tensor types, the wide unsigned dtypes,
finfo/iinfo, devices and device modules, the flags a tensor reports, the global switches
(determinism, anomaly, warnings, precision, threads), sym_*, Tensor.new/as_subclass/apply_,
post-accumulate-grad hooks, layouts and memory formats, and the backends/accelerator/compile/
distributed namespaces as torch reports them on a CPU-only machine."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt
from helpers import assert_same, check_raises

LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
          "CharTensor", "ByteTensor", "BoolTensor"]


# -- legacy tensor types ------------------------------------------------------------------------
@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("args", [(2, 3), ([1, 0, 2],), (), (np.array([1.5, 0.]),)])
def test_legacy_constructors(name, args):
    a, b = getattr(lt, name)(*args), getattr(torch, name)(*args)
    assert type(a) is lt.Tensor and type(b) is torch.Tensor
    assert (tuple(a.shape), str(a.dtype)) == (tuple(b.shape), str(b.dtype))
    if args and not isinstance(args[0], int):
        assert_same(a, b)
    assert str(getattr(lt, name).dtype) == str(getattr(torch, name).dtype)
    assert a.type() == b.type() == f"torch.{name}"
    assert lt.typename(a) == torch.typename(b) == f"torch.{name}"


@pytest.mark.parametrize("name", LEGACY)
def test_isinstance_asks_the_dtype(name):
    for lib in (lt, torch):
        cls = getattr(lib, name)
        assert isinstance(cls(2), cls)
        assert not issubclass(cls, lib.Tensor) and not issubclass(lib.Tensor, cls)
        others = [getattr(lib, n) for n in LEGACY if n != name]
        assert not any(isinstance(cls(2), other) for other in others)
        assert cls.is_cuda is False and cls.is_sparse is False
    assert isinstance(lt.nn.Parameter(lt.zeros(1)), lt.FloatTensor) == \
        isinstance(torch.nn.Parameter(torch.zeros(1)), torch.FloatTensor) == True  # noqa: E712


def test_legacy_constructor_errors():
    check_raises(lambda: lt.FloatTensor(lt.zeros(2, dtype=lt.int64)),
                 lambda: torch.FloatTensor(torch.zeros(2, dtype=torch.int64)))
    check_raises(lambda: lt.FloatTensor("a"), lambda: torch.FloatTensor("a"))
    check_raises(lambda: lt.FloatTensor(2, device="cuda"),
                 lambda: torch.FloatTensor(2, device="cuda"))
    assert_same(lt.FloatTensor(lt.ones(2)), torch.FloatTensor(torch.ones(2)))
    assert_same(lt.FloatTensor(2, device="cpu") * 0, torch.FloatTensor(2, device="cpu") * 0)


def test_type_converts_to_a_legacy_type_or_its_name():
    for lib in (lt, torch):
        x = lib.zeros(2)
        assert x.type(lib.DoubleTensor).dtype is lib.float64
        assert x.type("torch.IntTensor").dtype is lib.int32
        assert x.type(lib.float16).dtype is lib.float16
    check_raises(lambda: lt.zeros(2).type("torch.Foo"), lambda: torch.zeros(2).type("torch.Foo"))


def test_set_default_tensor_type_warns_and_sets_the_default_dtype():
    for lib in (lt, torch):
        try:
            with pytest.warns(UserWarning) as caught:
                lib.set_default_tensor_type(lib.DoubleTensor)
            assert lib.get_default_dtype() is lib.float64
            with warnings.catch_warnings():  # torch warns once per process
                warnings.simplefilter("ignore")
                lib.set_default_tensor_type("torch.FloatTensor")
            assert lib.get_default_dtype() is lib.float32
        finally:
            lib.set_default_dtype(lib.float32)
        assert str(caught[0].message).startswith(
            "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
            "torch.set_default_dtype() and torch.set_default_device() as alternatives.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(lambda: lt.set_default_tensor_type(lt.LongTensor),
                     lambda: torch.set_default_tensor_type(torch.LongTensor))
        check_raises(lambda: lt.set_default_tensor_type("torch.Foo"),
                     lambda: torch.set_default_tensor_type("torch.Foo"))


def test_tensor_new_is_the_legacy_constructor_in_this_dtype():
    a, b = lt.zeros(2, dtype=lt.float64), torch.zeros(2, dtype=torch.float64)
    for args in [(), (2, 3), ([1, 2],), (lt.Size([2]),), (np.array([1, 2]),)]:
        targs = tuple(torch.Size(x) if isinstance(x, lt.Size) else x for x in args)
        got, want = a.new(*args), b.new(*targs)
        assert (tuple(got.shape), str(got.dtype)) == (tuple(want.shape), str(want.dtype))
        if args and not isinstance(args[0], int):
            assert_same(got, want)
    check_raises(lambda: a.new(lt.zeros(2, dtype=lt.int64)),
                 lambda: b.new(torch.zeros(2, dtype=torch.int64)))


def test_typename_of_other_objects():
    assert lt.typename(3) == torch.typename(3) == "int"
    assert lt.typename(lt.nn.Linear) == "learntorch.nn.modules.linear.Linear"
    assert torch.typename(torch.nn.Linear) == "torch.nn.modules.linear.Linear"
    assert lt.typename(lt.zeros(1, dtype=lt.float16)) == torch.typename(torch.zeros(1).half())


# -- dtypes ---------------------------------------------------------------------------------------
WIDE = ["uint16", "uint32", "uint64"]


@pytest.mark.parametrize("name", WIDE)
def test_wide_unsigned_dtypes_as_far_as_torch_supports_them(name):
    top = {"uint16": 65535, "uint32": 2 ** 32 - 1, "uint64": 2 ** 64 - 1}[name]

    def run(lib):
        d = getattr(lib, name)
        assert (str(d), d.is_signed, d.is_floating_point, d.itemsize) == \
            (f"torch.{name}", False, False, int(name[4:]) // 8)
        x = lib.tensor([1, 2, top], dtype=d)
        return [x, lib.zeros(2, dtype=d), lib.full((2,), 7, dtype=d), x == 1, x != 2,
                x[1:], x.clone(), x.reshape(3, 1), lib.tensor([1, 2], dtype=d).to(lib.float32),
                lib.zeros_like(x), lib.cat([x, x]), x & x]
    for a, b in zip(run(lt), run(torch)):
        assert_same(a, b)
        assert repr(a) == repr(b)
    for lib in (lt, torch):
        array = np.array([1, 2], dtype=name)
        assert str(lib.from_numpy(array).dtype) == f"torch.{name}"
        assert lib.tensor([top], dtype=getattr(lib, name)).item() == top
        assert lib.tensor([1], dtype=getattr(lib, name)).type() == f"torch.UInt{name[4:]}Tensor"
    check_raises(lambda: lt.promote_types(getattr(lt, name), lt.int32),
                 lambda: torch.promote_types(getattr(torch, name), torch.int32))
    check_raises(lambda: lt.tensor([1], dtype=getattr(lt, name)) == lt.tensor([1]),
                 lambda: torch.tensor([1], dtype=getattr(torch, name)) == torch.tensor([1]))
    assert str(lt.promote_types(getattr(lt, name), lt.float32)) == \
        str(torch.promote_types(getattr(torch, name), torch.float32))
    check_raises(lambda: lt.tensor([1], dtype=getattr(lt, name)).requires_grad_(),
                 lambda: torch.tensor([1], dtype=getattr(torch, name)).requires_grad_())


@pytest.mark.parametrize("name", ["float16", "float32", "float64", None])
def test_finfo(name):
    a = lt.finfo(getattr(lt, name)) if name else lt.finfo()
    b = torch.finfo(getattr(torch, name)) if name else torch.finfo()
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(a, attr) == getattr(b, attr), attr
        assert type(getattr(a, attr)) is type(getattr(b, attr)), attr
    assert repr(a) == repr(b) and str(a) == str(b)
    assert a == lt.finfo(a.dtype and getattr(lt, a.dtype))


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"] + WIDE)
def test_iinfo(name):
    a, b = lt.iinfo(getattr(lt, name)), torch.iinfo(getattr(torch, name))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert repr(a) == repr(b)


def test_finfo_iinfo_errors():
    for bad in ("int32", "bool"):
        check_raises(lambda: lt.finfo(getattr(lt, bad)), lambda: torch.finfo(getattr(torch, bad)))
    for bad in ("float32", "bool"):
        check_raises(lambda: lt.iinfo(getattr(lt, bad)), lambda: torch.iinfo(getattr(torch, bad)))


@pytest.mark.parametrize("name", ["float32", "float16", "int64", "int8", "uint8", "bool"])
def test_is_signed_is_complex_is_floating_point(name):
    a, b = lt.zeros(2, dtype=getattr(lt, name)), torch.zeros(2, dtype=getattr(torch, name))
    assert a.is_signed() == b.is_signed() == lt.is_signed(a) == torch.is_signed(b)
    assert lt.is_complex(a) == torch.is_complex(b) == a.is_complex() == False  # noqa: E712
    assert lt.is_floating_point(a) == torch.is_floating_point(b)


# -- devices ------------------------------------------------------------------------------------
def test_default_device():
    assert lt.get_default_device() == lt.device("cpu")
    assert repr(lt.get_default_device()) == repr(torch.get_default_device())
    try:
        lt.set_default_device("cpu")
        torch.set_default_device("cpu")
        assert repr(lt.zeros(1).device) == repr(torch.zeros(1).device)
    finally:
        lt.set_default_device(None)
        torch.set_default_device(None)
    assert lt.get_default_device() == lt.device("cpu")
    check_raises(lambda: lt.set_default_device("foo"), lambda: torch.set_default_device("foo"),
                 exact_message=False)


FALSE_FLAGS = ["is_meta", "is_mps", "is_xla", "is_xpu", "is_ipu", "is_mtia", "is_maia",
               "is_vulkan", "is_mkldnn", "is_quantized", "is_sparse", "is_sparse_csr", "is_nested"]


def test_where_a_tensor_lives():
    a, b = lt.zeros(2), torch.zeros(2)
    for name in FALSE_FLAGS + ["is_cpu", "is_cuda"]:
        assert getattr(a, name) == getattr(b, name), name
    assert a.is_cpu is True and a.get_device() == b.get_device() == -1
    assert repr(a.layout) == repr(b.layout) == "torch.strided"
    assert a.is_pinned() == b.is_pinned() == False  # noqa: E712
    check_raises(lambda: a.pin_memory(), lambda: b.pin_memory())
    check_raises(lambda: a.record_stream(lt.cpu.Stream()), lambda: b.record_stream(torch.cpu.Stream()))
    with pytest.raises(AttributeError):
        a.is_meta = True


def test_cpu_module():
    for lib in (lt, torch):
        cpu = lib.cpu
        assert cpu.is_available() and cpu.is_initialized() and cpu.device_count() == 1
        assert cpu.current_device() == "cpu" and cpu.synchronize() is None
        assert cpu.set_device("cpu") is None
        s = cpu.Stream()
        with cpu.stream(s):
            assert cpu.current_stream() is s
        assert cpu.current_stream() is not s
        assert s.wait_stream(s) is None
        e = cpu.Event()
        assert e.query() and e.synchronize() is None
    assert lt.cpu.get_capabilities()["avx2"] == torch.cpu.get_capabilities().get("avx2", False) or \
        "avx2" not in torch.cpu.get_capabilities()


def test_get_device_module():
    assert lt.get_device_module() is lt.cpu and torch.get_device_module() is torch.cpu
    assert lt.get_device_module("cpu") is lt.cpu and lt.get_device_module(lt.device("cpu")) is lt.cpu
    assert lt.get_device_module("cuda") is lt.cuda and torch.get_device_module("cuda") is torch.cuda
    check_raises(lambda: lt.get_device_module("foo"), lambda: torch.get_device_module("foo"),
                 exact_message=False)


def test_out_of_memory_and_accelerator_errors():
    for lib in (lt, torch):
        assert issubclass(lib.OutOfMemoryError, RuntimeError)
        assert issubclass(lib.AcceleratorError, RuntimeError)
        assert lib.cuda.OutOfMemoryError is lib.OutOfMemoryError


# -- real tensors: conjugation, real, imag ------------------------------------------------------
@pytest.mark.parametrize("name", ["conj", "conj_physical", "resolve_conj", "resolve_neg"])
def test_conjugation_of_real_tensors_is_the_tensor_itself(name):
    for lib in (lt, torch):
        x = lib.arange(3., requires_grad=True)
        assert getattr(lib, name)(x) is x and getattr(x, name)() is x
    for lib in (lt, torch):
        x = lib.arange(3.)
        assert not x.is_conj() and not x.is_neg()
        assert not lib.is_conj(x) and not lib.is_neg(x)
        assert x.conj_physical_() is x and x.real is x and lib.real(x) is x


def test_imag_of_real_tensors_raises():
    check_raises(lambda: lt.zeros(2).imag, lambda: torch.zeros(2).imag)
    check_raises(lambda: lt.imag(lt.zeros(2)), lambda: torch.imag(torch.zeros(2)))


def test_small_functions():
    for lib in (lt, torch):
        x = lib.arange(3.)
        assert lib.is_same_size(x, x) and not x.is_same_size(lib.zeros(2))
        assert not x.is_inference()
        d = lib.arange(2., requires_grad=True)
        assert lib.detach(d).requires_grad is False
        leaf = lib.zeros(2, requires_grad=True)
        assert lib.detach_(leaf) is leaf and not leaf.requires_grad
    a, b = lt.arange(3.), torch.arange(3.)
    assert_same(lt.fill(a, 5), torch.fill(b, 5))
    assert_same(lt.fill(a, lt.tensor(2.)), torch.fill(b, torch.tensor(2.)))
    assert_same(a, b)  # fill makes a new tensor
    for s, kw in [(3, {}), (3, {"dtype": "int64"}), (True, {}), (2.5, {"dtype": "float64"})]:
        assert_same(lt.scalar_tensor(s, **{k: getattr(lt, v) for k, v in kw.items()}),
                    torch.scalar_tensor(s, **{k: getattr(torch, v) for k, v in kw.items()}))
    check_raises(lambda: lt.fill(lt.zeros(2), lt.tensor([2., 3])),
                 lambda: torch.fill(torch.zeros(2), torch.tensor([2., 3])))


def test_fill_gradient():
    for lib in (lt, torch):
        x = lib.ones(2, requires_grad=True)
        y = lib.fill(x, 3.)
        assert y.grad_fn.name() == "FillBackward0"
        (y * 2).sum().backward()
        assert x.grad.tolist() == [0., 0.]


def test_inference_mode_flag():
    for lib in (lt, torch):
        assert not lib.is_inference_mode_enabled()
        with lib.inference_mode():
            assert lib.is_inference_mode_enabled() and not lib.is_grad_enabled()
            with lib.inference_mode(False):
                assert not lib.is_inference_mode_enabled()
        assert not lib.is_inference_mode_enabled()

        @lib.inference_mode()
        def inside():
            return lib.is_inference_mode_enabled()
        assert inside() and not lib.is_inference_mode_enabled()


# -- global switches ----------------------------------------------------------------------------
def test_deterministic_algorithms():
    for lib in (lt, torch):
        try:
            assert not lib.are_deterministic_algorithms_enabled()
            assert lib.get_deterministic_debug_mode() == 0
            lib.use_deterministic_algorithms(True, warn_only=True)
            assert lib.are_deterministic_algorithms_enabled()
            assert lib.is_deterministic_algorithms_warn_only_enabled()
            assert lib.get_deterministic_debug_mode() == 1
            lib.set_deterministic_debug_mode("error")
            assert lib.get_deterministic_debug_mode() == 2
            assert not lib.is_deterministic_algorithms_warn_only_enabled()
            lib.set_deterministic_debug_mode(0)
            assert not lib.are_deterministic_algorithms_enabled()
        finally:
            lib.use_deterministic_algorithms(False)
    for bad in ("foo", 3, 1.0):
        check_raises(lambda: lt.set_deterministic_debug_mode(bad),
                     lambda: torch.set_deterministic_debug_mode(bad))


def test_anomaly_and_warn_always_flags():
    for lib in (lt, torch):
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        try:
            lib.set_anomaly_enabled(True)
            assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
            lib.set_anomaly_enabled(True, False)
            assert not lib.is_anomaly_check_nan_enabled()
        finally:
            lib.set_anomaly_enabled(False)
        assert not lib.is_warn_always_enabled()
        try:
            lib.set_warn_always(True)
            assert lib.is_warn_always_enabled()
        finally:
            lib.set_warn_always(False)


def test_matmul_precision():
    for lib in (lt, torch):
        try:
            assert lib.get_float32_matmul_precision() == "highest"
            for p in ("high", "medium", "highest"):
                lib.set_float32_matmul_precision(p)
                assert lib.get_float32_matmul_precision() == p
            with pytest.warns(UserWarning, match="bogus is not one of 'highest', 'high', or 'medium'"):
                lib.set_float32_matmul_precision("bogus")
            assert lib.get_float32_matmul_precision() == "highest"
        finally:
            lib.set_float32_matmul_precision("highest")


def test_threads_and_build_flags():
    assert lt.get_num_interop_threads() >= 1
    assert lt.init_num_threads() is None and torch.init_num_threads() is None
    assert lt.compiled_with_cxx11_abi() is True
    assert lt.has_lapack is True and lt.has_spectral is True
    assert isinstance(lt.has_mkl, bool) and isinstance(lt.has_openmp, bool)
    assert lt.set_flush_denormal(False) is False  # NumPy cannot be told to flush denormals


def test_set_num_interop_threads_once():
    import learntorch._flags as flags
    saved = flags._Flags.interop_threads
    try:
        flags._Flags.interop_threads = None
        lt.set_num_interop_threads(1)
        assert lt.get_num_interop_threads() == 1
        with pytest.raises(RuntimeError, match="Error: cannot set number of interop threads after "
                                               "parallel work has started or set_num_interop_threads "
                                               "called"):
            lt.set_num_interop_threads(1)
    finally:
        flags._Flags.interop_threads = saved


def test_version():
    assert lt.__version__ == lt.version.__version__ == "0.1.0"
    assert isinstance(lt.__version__, lt.torch_version.TorchVersion)
    for lib in (lt, torch):
        v = lib.__version__
        assert v > "0.0.9" and v >= (0, 1) and v < "100.0" and v != "0.0.1"
        assert lib.version.cuda is None and lib.version.debug is False
    assert lt.torch_version.TorchVersion("0.10.0") > "0.9.0"  # not string order


@pytest.mark.parametrize("fn, args", [
    ("sym_int", (3.7,)), ("sym_int", (-3.7,)), ("sym_int", (3,)), ("sym_int", (True,)),
    ("sym_float", (3,)), ("sym_float", (True,)), ("sym_max", (2, 3.5)), ("sym_max", (2, 3)),
    ("sym_max", (3, 2.0)), ("sym_min", (2, 3.5)), ("sym_min", (1, 2)), ("sym_not", (True,)),
    ("sym_not", (0,)), ("sym_sqrt", (4,)), ("sym_sqrt", (2,)), ("sym_sum", ([1, 2, 3],)),
    ("sym_sum", ([1.5, 2],)), ("sym_sum", ([],)), ("sym_ite", (True, 1, 2)),
    ("sym_ite", (False, 1, 2))])
def test_sym_functions(fn, args):
    a, b = getattr(lt, fn)(*args), getattr(torch, fn)(*args)
    assert a == b and type(a) is type(b)


def test_sym_ite_needs_a_bool():
    check_raises(lambda: lt.sym_ite(1, 2, 3), lambda: torch.sym_ite(1, 2, 3))


# -- Python functions over elements --------------------------------------------------------------
def test_apply_map_map2():
    def run(lib):
        a = lib.arange(4.)
        out = [a.apply_(lambda v: v * 2).clone()]
        out.append(a.map_(lib.ones(4), lambda u, v: u + v).clone())
        out.append(a.map2_(lib.ones(4), lib.ones(1), lambda u, v, w: u + v + w).clone())
        out.append(lib.arange(4).apply_(lambda v: v / 2))
        out.append(lib.zeros(2, 3).map_(lib.ones(3), lambda u, v: u - v))
        return out
    for got, want in zip(run(lt), run(torch)):
        assert_same(got, want)
    check_raises(lambda: lt.arange(4., requires_grad=True).apply_(lambda v: v),
                 lambda: torch.arange(4., requires_grad=True).apply_(lambda v: v))
    check_raises(lambda: lt.zeros(3).map_(lt.ones(3, dtype=lt.float64), lambda u, v: u),
                 lambda: torch.zeros(3).map_(torch.ones(3, dtype=torch.float64), lambda u, v: u))
    check_raises(lambda: lt.zeros(3).apply_(lambda v: "a"), lambda: torch.zeros(3).apply_(lambda v: "a"))


# -- post-accumulate-grad hooks ------------------------------------------------------------------
def test_post_accumulate_grad_hook_sees_the_accumulated_grad():
    def run(lib):
        x = lib.zeros(3, requires_grad=True)
        seen = []
        handle = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (x * 2).sum().backward()
        (x * 3).sum().backward()
        handle.remove()
        (x * 3).sum().backward()
        return seen
    got, want = run(lt), run(torch)
    assert len(got) == len(want) == 2
    for a, b in zip(got, want):
        assert_same(a, b)


def test_post_accumulate_grad_hook_order_and_when_it_runs():
    def run(lib):
        w = lib.ones(2, requires_grad=True)
        order = []
        w.register_hook(lambda g: order.append("tensor hook"))
        w.register_post_accumulate_grad_hook(lambda t: order.append(("post", t.grad.tolist())))
        (w * 2).sum().backward()
        lib.autograd.grad((w * 2).sum(), w)  # no accumulation: no post hook
        (w * 2).sum().backward(inputs=[w])
        return order
    assert run(lt) == run(torch)


def test_post_accumulate_grad_hook_errors():
    check_raises(lambda: (lt.zeros(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(id),
                 lambda: (torch.zeros(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(id))
    check_raises(lambda: lt.zeros(2).register_post_accumulate_grad_hook(id),
                 lambda: torch.zeros(2).register_post_accumulate_grad_hook(id))

    def returns_a_number(lib):
        y = lib.zeros(3, requires_grad=True)
        y.register_post_accumulate_grad_hook(lambda t: 5)
        (y * 2).sum().backward()
    check_raises(lambda: returns_a_number(lt), lambda: returns_a_number(torch))


# -- as_subclass, dim_order, const_data_ptr, module_load ----------------------------------------
def test_as_subclass():
    class Mine(lt.Tensor):
        pass

    for lib, cls in ((lt, Mine), (torch, type("Mine", (torch.Tensor,), {}))):
        x = lib.arange(3., requires_grad=True)
        doubled = x * 2
        y = doubled.as_subclass(cls)
        assert type(y) is cls and y.data_ptr() == doubled.data_ptr()
        assert y.requires_grad and y.grad_fn is not None
        z = x.as_subclass(cls)
        assert z.data_ptr() == x.data_ptr() and z.requires_grad
        y.sum().backward()
        assert x.grad.tolist() == [2., 2., 2.]
        p = lib.zeros(2).as_subclass(lib.nn.Parameter)
        assert type(p) is lib.nn.Parameter
    check_raises(lambda: lt.zeros(2).as_subclass(int), lambda: torch.zeros(2).as_subclass(int))


@pytest.mark.parametrize("make", [lambda lib: lib.zeros(2, 3), lambda lib: lib.zeros(2, 3, 4, 5).permute(0, 2, 3, 1),
                                  lambda lib: lib.zeros(4, 3).t(), lambda lib: lib.zeros(3)[::2],
                                  lambda lib: lib.zeros(())])
def test_dim_order(make):
    assert make(lt).dim_order() == make(torch).dim_order()


def test_const_data_ptr_and_module_load():
    for lib in (lt, torch):
        x = lib.arange(3.)
        assert x.const_data_ptr() == x.data_ptr()
        target, value = lib.zeros(3), lib.arange(3.)
        loaded = target.module_load(value)
        assert loaded.tolist() == [0., 1., 2.] and target.tolist() == [0., 1., 2.]
        assigned = lib.zeros(3).module_load(value, assign=True)
        assert assigned.data_ptr() == value.data_ptr() and not assigned.requires_grad


# -- layouts and memory formats ------------------------------------------------------------------
LAYOUTS = ["strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged"]
FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
           "legacy_contiguous_format"]


@pytest.mark.parametrize("name", LAYOUTS + FORMATS)
def test_layout_and_memory_format_values(name):
    a, b = getattr(lt, name), getattr(torch, name)
    assert repr(a) == repr(b) and str(a) == str(b)
    assert type(a).__name__ == type(b).__name__
    assert isinstance(a, lt.layout if name in LAYOUTS else lt.memory_format)
    assert pickle.loads(pickle.dumps(a)) is a
    assert a == a and hash(a) == hash(a)


def test_layout_objects_cannot_be_made():
    check_raises(lambda: lt.layout(), lambda: torch.layout())
    check_raises(lambda: lt.memory_format(), lambda: torch.memory_format())
    assert (lt.legacy_contiguous_format is lt.contiguous_format) == \
        (torch.legacy_contiguous_format is torch.contiguous_format)


FORMAT_INPUTS = {
    "NCHW": lambda lib: lib.arange(120.).reshape(2, 3, 4, 5),
    "NHWC-strided": lambda lib: lib.arange(120.).reshape(2, 4, 5, 3).permute(0, 3, 1, 2),
    "sliced": lambda lib: lib.arange(240.).reshape(2, 3, 4, 10)[..., ::2],
    "size-1 dims": lambda lib: lib.arange(3.).reshape(1, 3, 1, 1),
}


@pytest.mark.parametrize("source", FORMAT_INPUTS)
@pytest.mark.parametrize("fmt", ["contiguous_format", "preserve_format", "channels_last"])
def test_memory_formats_give_torchs_strides(fmt, source):
    def run(lib):
        x = FORMAT_INPUTS[source](lib)
        f = getattr(lib, fmt)
        out = [x.clone(memory_format=f), x.to(memory_format=f), lib.empty_like(x, memory_format=f)]
        if fmt != "preserve_format":
            out.append(x.contiguous(memory_format=f))
        return out, [x.is_contiguous(memory_format=getattr(lib, m))
                     for m in ("contiguous_format", "channels_last")]
    (ours, our_flags), (theirs, their_flags) = run(lt), run(torch)
    assert our_flags == their_flags
    for a, b in zip(ours, theirs):
        assert a.stride() == b.stride()
        assert a.is_contiguous() == b.is_contiguous()
        assert a.is_contiguous(memory_format=lt.channels_last) == \
            b.is_contiguous(memory_format=torch.channels_last)
    for a, b in zip(ours[:2], theirs[:2]):
        assert_same(a, b)


def test_channels_last_3d_and_rank_errors():
    a, b = both_libs(lambda lib: lib.zeros(2, 3, 4, 5, 6).contiguous(memory_format=lib.channels_last_3d))
    assert a.stride() == b.stride() and a.dim_order() == b.dim_order()
    check_raises(lambda: lt.zeros(2, 3).contiguous(memory_format=lt.channels_last),
                 lambda: torch.zeros(2, 3).contiguous(memory_format=torch.channels_last))
    check_raises(lambda: lt.zeros(2, 3, 4, 5).clone(memory_format=lt.channels_last_3d),
                 lambda: torch.zeros(2, 3, 4, 5).clone(memory_format=torch.channels_last_3d))


def test_channels_last_clone_is_differentiable():
    for lib in (lt, torch):
        x = lib.arange(24.).reshape(1, 2, 3, 4).requires_grad_()
        y = x.contiguous(memory_format=lib.channels_last)
        (y * y).sum().backward()
        assert x.grad.is_contiguous()


def both_libs(fn):
    return fn(lt), fn(torch)


# -- namespaces -----------------------------------------------------------------------------------
def test_backends_as_on_a_cpu_only_machine():
    for lib in (lt, torch):
        c = lib.backends.cudnn
        assert c.is_available() is False and c.version() is None
        saved = (c.deterministic, c.benchmark, c.enabled)
        try:
            c.deterministic, c.benchmark = True, True
            assert (c.deterministic, c.benchmark) == (True, True)
            c.enabled = False
            assert c.enabled is False
        finally:
            c.deterministic, c.benchmark, c.enabled = saved
        with c.flags(enabled=False, deterministic=True):
            assert c.deterministic is True and c.enabled is False
        assert c.deterministic is False and c.enabled is True
        assert lib.backends.mps.is_available() is False and lib.backends.mps.is_built() is False
        assert lib.backends.cuda.is_built() is False
        assert isinstance(lib.backends.openmp.is_available(), bool)
        assert isinstance(lib.backends.mkldnn.is_available(), bool)
        assert isinstance(lib.backends.mkl.is_available(), bool)
        assert isinstance(lib.backends.cuda.matmul.allow_tf32, bool)
    assert lt.backends.cpu.get_cpu_capability() in ("AVX512", "AVX2", "NEON", "DEFAULT")
    assert (lt.backends.cpu.get_cpu_capability() == "AVX2") == \
        (torch.backends.cpu.get_cpu_capability() == "AVX2")
    import learntorch.backends.cudnn as cudnn  # importable as a module, as programs do
    assert cudnn is lt.backends.cudnn


def test_accelerator_as_on_a_cpu_only_machine():
    for lib in (lt, torch):
        acc = lib.accelerator
        assert acc.is_available() is False and acc.current_accelerator() is None
        assert acc.device_count() == 0 and acc.current_accelerator(check_available=True) is None
    for name in ("current_device_index", "synchronize", "empty_cache", "memory_allocated"):
        check_raises(lambda: getattr(lt.accelerator, name)(),
                     lambda: getattr(torch.accelerator, name)())
    check_raises(lambda: lt.accelerator.set_device_index(0),
                 lambda: torch.accelerator.set_device_index(0))


def test_compile_returns_its_argument():
    model = lt.nn.Linear(2, 2)
    assert lt.compile(model) is model

    def f(x):
        return x + 1
    assert lt.compile(f) is f and lt.compile(f, mode="max-autotune", fullgraph=True) is f

    @lt.compile
    def g(x):
        return x * 2

    @lt.compile(dynamic=True)
    def h(x):
        return x * 3
    assert g(lt.tensor(2.)).item() == 4. and h(lt.tensor(2.)).item() == 6.
    assert g.__name__ == "g" and h.__name__ == "h"
    assert "no compiler" in lt.compile.__doc__
    with pytest.raises(RuntimeError, match="can only be used on callables"):
        lt.compile(3)


def test_distributed_is_not_available():
    assert lt.distributed.is_available() is False
    assert lt.distributed.is_initialized() is False
    assert isinstance(torch.distributed.is_available(), bool)



# -- removed and deprecated Tensor API -----------------------------------------------------------
def test_out_of_place_resize_is_deprecated_but_differentiable():
    for lib in (lt, torch):
        x = lib.arange(4., requires_grad=True)
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            y = x.resize(2, 2)
        with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
            z = x.resize_as(lib.zeros(4, 1))
        assert y.shape == (2, 2) and z.shape == (4, 1) and y.grad_fn.name() == "ResizeBackward"
        (y * lib.arange(4.).view(2, 2)).sum().backward()
        assert x.grad.tolist() == [0., 1., 2., 3.]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(lambda: lt.zeros(4).resize(3), lambda: torch.zeros(4).resize(3))


def test_volatile_reinforce_is_nonzero_get_device_resize_as_():
    for lib in (lt, torch):
        x = lib.zeros(2)
        with pytest.warns(UserWarning, match=r"volatile was removed \(Variable.volatile is always False\)"):
            assert x.volatile is False
        with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
            x.volatile = True
        assert lib.ones(1).is_nonzero() and not lib.zeros(1).is_nonzero()
        assert lib.get_device(x) == -1
        assert lib.resize_as_(lib.zeros(2), lib.zeros(3, 1)).shape == (3, 1)
        assert issubclass(lib.UntypedStorage, lib.StorageBase)
    ours, theirs = check_raises(lambda: lt.zeros(1).reinforce(1),
                                lambda: torch.zeros(1).reinforce(1), exact_message=False)
    assert str(ours) == str(theirs)  # the whole message, with its example
    for n in (0, 2):
        check_raises(lambda: lt.zeros(n).is_nonzero(), lambda: torch.zeros(n).is_nonzero())


@pytest.mark.parametrize("name", ["empty_host_cache", "memory_reserved", "get_memory_info",
                                  "get_device_capability", "current_stream", "max_memory_allocated",
                                  "max_memory_reserved", "memory_stats", "reset_peak_memory_stats",
                                  "reset_accumulated_memory_stats"])
def test_accelerator_memory_functions_need_an_accelerator(name):
    check_raises(lambda: getattr(lt.accelerator, name)(), lambda: getattr(torch.accelerator, name)())
