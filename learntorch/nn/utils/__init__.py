"""learntorch.nn.utils: gradient clipping, parameter vectors and the rnn packing helpers."""
from . import rnn  # noqa: F401
