"""A number, list or NumPy array where torch wants a tensor: torch's TypeError, word for word,
not an AttributeError from inside learntorch."""
import inspect

import numpy as np
import pytest
import torch

import learntorch as lt

NAMES = ["exp", "log10", "sin", "sqrt", "abs", "neg", "sigmoid", "tanh", "relu", "floor",
         "round", "sign", "log1p", "erf", "reciprocal", "square", "isnan", "logit", "sum",
         "mean", "argmax", "cumsum", "flatten", "t", "std", "softmax", "max"]


@pytest.mark.parametrize("value", [2.0, 3, [1.0, 2.0], np.ones(2)], ids=type)
@pytest.mark.parametrize("name", NAMES)
def test_torchs_type_error_for_a_non_tensor_input(name, value):
    args = (value, 1) if name in ("cumsum", "softmax") else (value,)
    with pytest.raises(TypeError) as theirs:
        getattr(torch, name)(*args)
    with pytest.raises(TypeError) as ours:
        getattr(lt, name)(*args)
    if "must be Tensor" in str(theirs.value):
        assert str(ours.value) == str(theirs.value)


def test_no_top_level_tensor_function_leaks_an_attribute_error():
    leaks = []
    for name, fn in vars(lt).items():
        method = getattr(lt.Tensor, name, None)
        if method is None or getattr(fn, "__wrapped__", None) is not method:
            continue   # only the top-level twins of Tensor methods
        required = [p for p in inspect.signature(fn).parameters.values()
                    if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
        try:
            fn(2.5, *[1] * (len(required) - 1))
        except AttributeError as e:
            leaks.append(f"{name}: {e}")
        except Exception:
            pass
    assert not leaks
