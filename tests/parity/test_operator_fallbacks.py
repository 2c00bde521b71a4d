"""Operators given an operand no op takes answer NotImplemented, as torch's do: Python then
tries the other side (``__rpow__``, ``__eq__``) and otherwise compares by identity or raises
its own TypeError — so ``x == "a"`` is False and ``x != None`` True in both libraries."""
import pytest
import torch

import learntorch as lt


class Other:
    def __rpow__(self, base):
        return "rpow"

    def __rmod__(self, base):
        return "rmod"

    def __eq__(self, other):
        return "eq"

    def __gt__(self, other):   # x < Other() falls back to Other().__gt__(x)
        return "gt"


EXPRESSIONS = ['x == "a"', "x != None", "x == [1, 1]", "x ** Other()", "x % Other()",
               "x == Other()", "x < Other()", 'x < "a"', 'x % "a"', "x & None", 'x // "a"',
               '"a" ** x']


def outcome(x, expression):
    try:
        value = eval(expression, {"x": x, "Other": Other})
    except TypeError as e:
        return "TypeError", str(e)
    return value if isinstance(value, (bool, str)) else "tensor"


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_unsupported_operands_fall_back_as_in_torch(expression):
    assert outcome(lt.ones(2), expression) == outcome(torch.ones(2), expression)
