"""``device(...)`` parses and rejects its arguments as torch 2.13's does.

Every device type torch knows can be named (its "Expected one of ..." error lists all 20), the
string grammar is c10's (``name`` or ``name:index``, no leading zeros, no spaces), an index is
kept in 8 bits as torch keeps it, and wrong argument types get the Python parser's TypeErrors.
Tensors still live only on cpu, cuda and meta: making one elsewhere is learntorch's own
NotImplementedError (torch's error there depends on the backend; for most it is also a
NotImplementedError).
"""
import pytest
import torch

import learntorch as lt

STRINGS = ["cpu", "cuda", "meta", "cuda:0", "cuda:1", "cpu:1", "meta:0", "mps", "xla", "hip:0",
           "fpga:3", "privateuseone", "ipu", "xpu", "lazy", "vulkan", "ve", "maia", "hpu",
           "mtia", "opencl", "ideep", "foo", "foo:0", "CPU", "Cuda", "_", "a_b", "mta", "",
           " cpu", "cpu ", "cpu0", "cpu:", "cpu:-1", "cuda:x", "cuda:01", "cuda:00", "cuda:1a",
           "cuda: 0", "cuda:-0", "cuda:0:1", ":0", "cuda:127", "cuda:128", "cuda:255",
           "cuda:300", "cuda:2147483647", "cuda:2147483648", "cuda:99999999999"]
ARGUMENTS = [("cuda", 0), ("cuda", 1), ("cpu", 0), ("meta", 0), ("mps", 2), ("foo", 0),
             ("foo", -1), ("cuda", -1), ("cpu", -1), ("cuda", None), ("cuda:0", 1),
             ("cuda:0", None), ("cuda:0", -1), ("cpu", "a"), ("cpu", 1.0), ("cuda", True),
             ("cuda", 127), ("cuda", 200), ("cuda", 255), ("cuda", 256), ("cuda", 300),
             ("cuda", 2 ** 63 - 1), ("cpu", 2 ** 63), (3, 1), (None, 1), ("", 0), ("cpu:", 0),
             (None,), (3.0,), (True,), (-1,), (0,), (b"cpu",), (b"cuda:1",)]


def _outcome(lib, *args, **kwargs):
    try:
        d = lib.device(*args, **kwargs)
    except Exception as err:
        return type(err).__name__, str(err)
    return repr(d), str(d), d.type, d.index


@pytest.mark.parametrize("string", STRINGS)
def test_device_strings(string):
    assert _outcome(lt, string) == _outcome(torch, string)


@pytest.mark.parametrize("args", ARGUMENTS, ids=repr)
def test_device_arguments(args):
    assert _outcome(lt, *args) == _outcome(torch, *args)


def test_the_unknown_type_error_lists_torchs_device_types():
    assert _outcome(lt, "foo") == ("RuntimeError", (
        "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, "
        "xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device "
        "string: foo"))


def test_keyword_arguments_and_devices_given_back():
    assert _outcome(lt, type="cpu", index=0) == _outcome(torch, type="cpu", index=0)
    assert _outcome(lt, type="cuda", index=None) == _outcome(torch, type="cuda", index=None)
    assert _outcome(lt, "cuda:0", index=None) == _outcome(torch, "cuda:0", index=None)
    assert _outcome(lt, lt.device("cuda:1")) == _outcome(torch, torch.device("cuda:1"))
    assert _outcome(lt, lt.device("cpu"), 1) == _outcome(torch, torch.device("cpu"), 1)


def test_equal_devices_and_hashes():
    for lib in (lt, torch):
        assert lib.device("cuda", 0) == lib.device("cuda:0") != lib.device("cuda")
        assert hash(lib.device("mps")) == hash(lib.device("mps"))
        assert lib.device("cuda", 256) == lib.device("cuda", 0)


def test_tensors_live_on_cpu_cuda_or_meta_only():
    assert lt.zeros(2, device="cpu").device == lt.device("cpu")
    assert lt.zeros(2, device="meta").is_meta
    assert lt.zeros(2, device=lt.device("cpu", 0)).device.type == "cpu"
    for name in ("mps", "xla", "hip:0"):
        with pytest.raises(NotImplementedError, match=f"cannot live on '{name.split(':')[0]}'"):
            lt.zeros(2, device=name)
        with pytest.raises(NotImplementedError):
            torch.zeros(2, device=name)


def test_a_bad_device_string_in_a_factory_is_torchs_error():
    for arg in ("foo", "cuda:01", ""):
        errors = []
        for lib in (lt, torch):
            with pytest.raises(RuntimeError) as info:
                lib.zeros(2, device=arg)
            errors.append(str(info.value))
        assert errors[0] == errors[1]
