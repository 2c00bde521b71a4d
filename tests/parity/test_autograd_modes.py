"""torch.autograd's switches: anomaly detection (NaN gradients named at their node), the legacy
Variable, and the engine settings learntorch records."""
import warnings

import pytest

import learntorch as lt

torch = pytest.importorskip("torch")


def nan_backward(m):
    x = m.tensor([0.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()


def test_detect_anomaly_names_the_node_that_made_a_nan():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode, tmode = lt.autograd.detect_anomaly(), torch.autograd.detect_anomaly()
    with pytest.raises(RuntimeError) as theirs, tmode, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nan_backward(torch)
    with pytest.raises(RuntimeError) as ours, mode:
        nan_backward(lt)
    assert str(ours.value) == str(theirs.value)
    assert not lt.is_anomaly_enabled()


def test_without_anomaly_mode_a_nan_passes_silently_as_in_torch():
    nan_backward(lt)
    nan_backward(torch)


def test_check_nan_false_turns_the_check_off():
    with pytest.warns(UserWarning), lt.autograd.detect_anomaly(check_nan=False):
        assert lt.is_anomaly_enabled() and not lt.is_anomaly_check_nan_enabled()
        nan_backward(lt)
    assert lt.is_anomaly_check_nan_enabled()


def test_set_detect_anomaly_switches_at_once_and_restores_as_a_context():
    for m in (lt, torch):
        m.autograd.set_detect_anomaly(True)
        assert m.is_anomaly_enabled()
        m.autograd.set_detect_anomaly(False)
        assert not m.is_anomaly_enabled()
        with m.autograd.set_detect_anomaly(True):
            assert m.is_anomaly_enabled()
        assert not m.is_anomaly_enabled()


def test_variable_is_a_new_leaf_on_the_same_memory():
    for m in (lt, torch):
        t = m.ones(2, requires_grad=True) * 2
        v = m.autograd.Variable(t)
        assert v.data_ptr() == t.data_ptr() and v.is_leaf and not v.requires_grad
        assert m.autograd.Variable(m.ones(2), requires_grad=True).requires_grad
        assert isinstance(m.zeros(1), m.autograd.Variable)
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        lt.autograd.Variable([1.0])
    with pytest.raises(RuntimeError, match=r"torch.autograd.variable\(...\) is deprecated"):
        lt.autograd.variable(2.0)


@pytest.mark.parametrize("name,arg", [("set_multithreading_enabled", False),
                                      ("enforce_grad_layout_policy", False)])
def test_engine_switches_are_context_managers(name, arg):
    for m in (lt, torch):
        with getattr(m.autograd, name)(arg):
            x = m.ones(2, requires_grad=True)
            (x * 2).sum().backward()
            assert x.grad.tolist() == [2.0, 2.0]


def test_grad_dtype_defaults_to_the_tensor_s_and_casts_incoming_gradients():
    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        assert x.grad_dtype == m.float32
        x.grad_dtype = m.float64
        (x * 2).sum().backward()
        (x * 2).sum().backward()
        assert x.grad.dtype == m.float64 and x.grad.tolist() == [4.0, 4.0]
        y = m.ones(2, requires_grad=True)
        y.grad_dtype = None
        y.grad = m.ones(2, dtype=m.float64)
        assert y.grad_dtype is None and y.grad.dtype == m.float64


@pytest.mark.parametrize("case", ["non-leaf", "not a dtype", "wrong grad"])
def test_grad_dtype_errors_are_torch_s(case):
    def provoke(m):
        x = m.ones(2, requires_grad=True)
        if case == "non-leaf":
            return (x * 2).grad_dtype
        if case == "not a dtype":
            x.grad_dtype = 3
        else:
            x.grad = m.ones(2, dtype=m.float64)
    with pytest.raises(RuntimeError) as theirs:
        provoke(torch)
    with pytest.raises(RuntimeError) as ours:
        provoke(lt)
    assert str(ours.value) == str(theirs.value)
