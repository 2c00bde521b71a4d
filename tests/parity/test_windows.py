"""Parity with torch: the window functions (torch.hann_window …) and torch.signal.windows."""
import pytest
import torch

import learntorch as lt
from tests.parity.helpers import assert_same, check_raises

LENGTHS = [0, 1, 2, 5, 8, 33]


def _same(got, expected):
    assert_same(got, expected, rtol=2e-6, atol=2e-7)


@pytest.mark.parametrize("name, extra", [
    ("hann_window", ()), ("hamming_window", ()), ("hamming_window", (0.3,)),
    ("hamming_window", (0.3, 0.2)), ("bartlett_window", ()), ("blackman_window", ()),
    ("kaiser_window", ()), ("kaiser_window", (3.5,)),
])
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_native_windows(name, extra, n, periodic, dtype):
    got = getattr(lt, name)(n, periodic, *extra, dtype=dtype and getattr(lt, dtype))
    expected = getattr(torch, name)(n, periodic, *extra, dtype=dtype and getattr(torch, dtype))
    _same(got, expected)
    assert not got.requires_grad
    assert getattr(lt, name)(n, requires_grad=True).requires_grad


def test_native_window_defaults_and_errors():
    _same(lt.hann_window(10), torch.hann_window(10))
    _same(lt.kaiser_window(7, False, beta=5.0), torch.kaiser_window(7, False, beta=5.0))
    for call in (lambda lib: lib.hann_window(-1), lambda lib: lib.hann_window(3, dtype=lib.int64),
                 lambda lib: lib.kaiser_window(3, dtype=lib.int64)):
        check_raises(lambda: call(lt), lambda: call(torch))


WINDOWS = [("bartlett", {}), ("blackman", {}), ("cosine", {}), ("exponential", {}),
           ("exponential", {"tau": 3.0}), ("gaussian", {}), ("gaussian", {"std": 2.5}),
           ("general_cosine", {"a": [0.5, 0.3, 0.2]}), ("general_hamming", {}),
           ("general_hamming", {"alpha": 0.6}), ("hamming", {}), ("hann", {}), ("kaiser", {}),
           ("kaiser", {"beta": 4.0}), ("nuttall", {})]


@pytest.mark.parametrize("name, kwargs", WINDOWS)
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_signal_windows(name, kwargs, n, sym, dtype):
    got = getattr(lt.signal.windows, name)(n, sym=sym, dtype=getattr(lt, dtype), **kwargs)
    expected = getattr(torch.signal.windows, name)(n, sym=sym, dtype=getattr(torch, dtype),
                                                   **kwargs)
    _same(got, expected)


def test_signal_windows_exponential_center_and_grad():
    _same(lt.signal.windows.exponential(7, center=2.0, sym=False),
          torch.signal.windows.exponential(7, center=2.0, sym=False))
    got = lt.signal.windows.hann(6, requires_grad=True)
    expected = torch.signal.windows.hann(6, requires_grad=True)
    assert got.requires_grad and expected.requires_grad
    assert lt.signal.windows.__all__ == torch.signal.windows.__all__


@pytest.mark.parametrize("call", [
    lambda w, lib: w.hann(-1), lambda w, lib: w.hann(3, dtype=lib.int64),
    lambda w, lib: w.gaussian(3, std=0.0), lambda w, lib: w.exponential(3, tau=-1.0),
    lambda w, lib: w.exponential(3, center=1.0), lambda w, lib: w.kaiser(3, beta=-1.0),
    lambda w, lib: w.general_cosine(3, a=[]), lambda w, lib: w.general_cosine(3, a=1.0),
    lambda w, lib: w.cosine(-2), lambda w, lib: w.bartlett(2, dtype=lib.int32),
])
def test_signal_window_errors(call):
    check_raises(lambda: call(lt.signal.windows, lt), lambda: call(torch.signal.windows, torch))
